/* Bundles in the guide's format (§1.2.4): PEM, LF, no blank lines between
 * blocks, one newline at the end, the leaf first and the root last. */
#ifndef MCERT_BUNDLE_H
#define MCERT_BUNDLE_H

#include <stddef.h>

#include <openssl/evp.h>

#include "load.h"
#include "verify.h"

/* The chain above leaf through pool: leaf first, then the certificate that
 * signed it, and so on to a self-signed root or until no issuer is found.
 * Duplicates in pool are ignored; where several certificates could be the
 * issuer, one that is valid now is preferred.  *out (borrowing from leaf
 * and pool) is freed by the caller.  *complete tells whether it ends at a
 * self-signed root. */
int mcert_chain_order(const struct mcert_cert *leaf,
    const struct mcert_cert *pool, size_t n, struct mcert_cert **out,
    size_t *nout, int *complete, struct mcert_error *err);

/* The certificate of pool that is the leaf: the one key matches when key is
 * given, else the only one that issued none of the others.  An error names
 * the candidates when there is no single one. */
int mcert_chain_pick_leaf(const struct mcert_cert *pool, size_t n,
    EVP_PKEY *key, size_t *leaf, struct mcert_error *err);

/* The certificates as PEM text in the guide's format, duplicates (the same
 * DER) left out.  Caller frees. */
int mcert_bundle_text(const struct mcert_cert *certs, size_t n, char **text,
    size_t *len, struct mcert_error *err);

/* Writes mcert_bundle_text to a new file path. */
int mcert_bundle_write(const char *path, const struct mcert_cert *certs,
    size_t n, struct mcert_error *err);

/* Warnings for expired or not yet valid certificates among certs. */
int mcert_bundle_validity_findings(const struct mcert_cert *certs, size_t n,
    time_t now, struct mcert_findings *out);

#endif
