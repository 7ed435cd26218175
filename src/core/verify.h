/* Chain building and the Meeting Server's rules (guide §2.2). */
#ifndef MCERT_VERIFY_H
#define MCERT_VERIFY_H

#include <stddef.h>
#include <time.h>

#include "error.h"
#include "load.h"

enum mcert_role {
	MCERT_ROLE_ANY,		/* no usage check, as `pki verify` */
	MCERT_ROLE_SERVER,
	MCERT_ROLE_CLIENT,
};

struct mcert_verify_opts {
	enum mcert_role role;
	const char *name;	/* DNS name or IP the leaf must carry; NULL */
	int has_time;		/* check validity at `at`, else now */
	time_t at;
	int max_depth;		/* most intermediates allowed; < 0: no limit */
	X509_CRL *const *crls;	/* revocation lists to honour; borrowed */
	size_t ncrls;
};

enum mcert_level {
	MCERT_LEVEL_ERROR,
	MCERT_LEVEL_WARNING,
};

struct mcert_finding {
	enum mcert_level level;
	char *text;		/* one sentence: which certificate, what, fix */
};

struct mcert_findings {
	struct mcert_finding *v;
	size_t n;
};

int mcert_findings_add(struct mcert_findings *f, enum mcert_level level,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void mcert_findings_free(struct mcert_findings *f);
size_t mcert_findings_count(const struct mcert_findings *f,
    enum mcert_level level);

struct mcert_verify_result {
	int ok;
	struct mcert_cert *chain;	/* leaf first, trust anchor last */
	size_t nchain;
	size_t paths_tried;	/* complete paths to an anchor judged */
	struct mcert_findings findings;	/* errors first reason, warnings */
};

/* Builds every path from leaf through untrusted to one of anchors (trying
 * each candidate issuer, not just the first) and judges each by RFC 5280 and
 * the guide's rules until one holds.  res->ok tells the verdict; on failure
 * res->findings holds one error that names the certificate, the rule and the
 * fix.  Returns MCERT_OK when a verdict was reached, a negative code when it
 * could not be (no memory).  Free res with mcert_verify_result_free. */
int mcert_verify(const struct mcert_cert *leaf,
    const struct mcert_cert *untrusted, size_t nuntrusted,
    const struct mcert_cert *anchors, size_t nanchors,
    const struct mcert_verify_opts *opts, struct mcert_verify_result *res,
    struct mcert_error *err);

void mcert_verify_result_free(struct mcert_verify_result *res);

/* "bundle.pem #2 (CN=Issuing CA)": for messages.  Caller frees. */
char *mcert_cert_describe(const struct mcert_cert *c);

/* Warnings for a bundle file that is not in the guide's format (§1.2.4):
 * CRLF, text or blank lines between blocks, not exactly one newline at the
 * end, DER instead of PEM. */
int mcert_bundle_format_findings(const struct mcert_file *f,
    struct mcert_findings *out);

#endif
