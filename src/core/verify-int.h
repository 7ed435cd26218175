/* Inside the verifier: the path builder (verify.c) and the rules each
 * complete path is judged by (rules.c). */
#ifndef MCERT_VERIFY_INT_H
#define MCERT_VERIFY_INT_H

#include <time.h>

#include "verify.h"

/* Bounds that stop a hostile bundle (thousands of look-alike CAs) from
 * costing more than a moment: edges examined, complete paths judged. */
#define MAX_EXPANSIONS 4000
#define MAX_PATHS 256
#define MAX_VISITS 20000
#define MAX_DEPTH 32

struct node {
	struct mcert_cert cert;
	int anchor;
	int expanded;
	int *issuers;		/* indices of certificates that signed this */
	size_t nissuers;
	int name_only;		/* a certificate had the issuer's name only */
	int seen;		/* reached from the leaf */
	int leads;		/* some path from here reaches an anchor */
	struct mcert_cert dup;	/* the same certificate in another file */
	char *desc;		/* "file #n (CN=...)", once asked for */
	int has_dup;
};

struct builder {
	struct node *nodes;
	size_t n;
	const struct mcert_verify_opts *opts;
	time_t now;
	int path[MAX_DEPTH + 1];
	size_t depth;
	size_t expansions, visits;
	int prune;		/* skip certificates that lead nowhere */
	int budget_out;
	struct mcert_verify_result *res;
	/* The most telling failure so far: a complete path's, else the
	 * deepest dead end. */
	char *why;
	int why_complete;
	size_t why_depth;
	int best_path[MAX_DEPTH + 1];
	size_t best_len;
	int nomem;
};

/* Records why a path failed, keeping the most telling reason: a complete
 * path's over a dead end's, a deeper one's over a shallower one's. */
void verify_fail(struct builder *b, int complete, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "file #n (CN=...)" for node i; valid while the builder lives. */
const char *verify_describe(struct builder *b, int i);

/* Whether x's subject and issuer names are the same. */
int verify_self_issued(X509 *x);

/* The RFC 5280 profile and key policy on every certificate of the path:
 * 0 holds, -1 failed (recorded with verify_fail). */
int verify_check_profile(struct builder *b);

/* Judges the complete path b->path[0..b->depth]: 0 holds, -1 failed (the
 * reason recorded with verify_fail). */
int verify_check_path(struct builder *b);

#endif
