/* Importing what a CA returned into a workspace's folder (guide §3.2,
 * §1.2.4): the certificate is matched to the plan's key that it
 * certifies and written as NAME.crt, its issuers (root last) as
 * NAME-bundle.pem.  Nothing that exists is ever replaced. */
#ifndef MCERT_IMPORT_H
#define MCERT_IMPORT_H

#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "verify.h"

enum mcert_import_match {
	MCERT_IMPORT_BY_KEY,	/* NAME.key is the certificate's key */
	MCERT_IMPORT_BY_CSR,	/* NAME.csr asked for it (the key is
				 * encrypted, or was made on the server) */
};

struct mcert_import_result {
	const char *cert;	/* the plan certificate it was matched to
				 * (borrowed from the plan) */
	enum mcert_import_match by;
	char *subject;		/* the leaf's subject, one line */
	char *crt_path;		/* dir/NAME.crt */
	char *bundle_path;	/* dir/NAME-bundle.pem */
	int crt_written;	/* written now */
	int crt_already;	/* it held this very certificate already */
	int bundle_written;
	int bundle_already;	/* it held these very issuers already */
	size_t nissuers;	/* issuers found above the leaf */
	int complete;		/* they end at a self-signed root */
	int already;		/* nothing was new: imported before */
	struct mcert_findings findings;	/* warnings: certificates left out,
					 * an incomplete chain, names the
					 * plan wants that the CA dropped,
					 * validity */
};

/* Loads what a CA returned (data, len: PEM with any text around the
 * blocks and CRLF, DER, PKCS#7; name is the file it came from, for
 * messages), finds the certificate whose public key is that of one of
 * plan's certificates in dir (NAME.key; an encrypted or missing key:
 * the public key of NAME.csr, so no passphrase is asked), and writes it
 * as dir/NAME.crt and its issuers, ordered to the root, as
 * dir/NAME-bundle.pem when the file held them all the way to a
 * self-signed root.  Every check is made before anything is written:
 * an existing NAME.crt or NAME-bundle.pem that holds something else is
 * an error (nothing is replaced); one that holds the same is reported
 * as already there.  A file that matches no key is an error naming it
 * and the certificates it holds.  r is filled in either case as far as
 * it got; free it with mcert_import_result_free. */
int mcert_import(const struct mcert_plan *plan, const char *dir,
    const unsigned char *data, size_t len, const char *name,
    struct mcert_import_result *r, struct mcert_error *err);

void mcert_import_result_free(struct mcert_import_result *r);

#endif
