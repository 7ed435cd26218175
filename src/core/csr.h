/* Certificate requests with the MMP's own syntax (guide §3.1, App. C):
 *   pki csr NAME CN:value [OU:v] [O:"Example Inc."] [L:v] [ST:v] [C:v]
 *       [emailAddress:v] [subjectAltName:a,b,c] */
#ifndef MCERT_CSR_H
#define MCERT_CSR_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "error.h"

struct mcert_subject {
	char *cn, *ou, *o, *l, *st, *c, *email;
	char **san;		/* as given, then with the CN appended */
	size_t nsan;
	int has_san;		/* a subjectAltName: attribute was given */
	int cn_appended;	/* the CN was added to the list, as pki does */
};

/* What a name must be, by what the certificate is for. */
enum mcert_cn_rule {
	MCERT_CN_HOST,		/* an FQDN, or "postgres" (database client) */
	MCERT_CN_FREE,		/* any text: a CA's name ("My company CA") */
};

/* Parses attributes, one per argv item ("CN:www.example.com",
 * "O:Example Inc." or "O:\"Example Inc.\"").  Checks them as `pki csr`
 * would and stricter: the CN by rule, C two letters, the SAN list without
 * spaces or empty items, its names FQDNs or IP addresses; appends the CN to
 * the SAN list when a list is given without it.  Free with
 * mcert_subject_free. */
int mcert_subject_parse(int argc, char *const *argv, enum mcert_cn_rule rule,
    struct mcert_subject *out, struct mcert_error *err);

/* Splits a `pki csr` or `pki selfsigned` command line into its basename
 * and attribute words, honouring double quotes.  *words (a NULL-terminated
 * array) and its strings are freed with mcert_words_free. */
int mcert_pki_line_split(const char *line, char ***words, size_t *n,
    struct mcert_error *err);
void mcert_words_free(char **words);

/* The `pki csr NAME ...` line that makes the same request on a Meeting
 * Server (values with spaces quoted, the SAN list without the CN, which
 * pki appends).  Caller frees. */
char *mcert_subject_pki_line(const char *verb, const char *basename,
    const struct mcert_subject *s);

void mcert_subject_free(struct mcert_subject *s);

/* The subject as an X509_NAME (C, ST, L, O, OU, CN, emailAddress). */
X509_NAME *mcert_subject_name(const struct mcert_subject *s);

/* The subjectAltName extension for s (DNS, IP and email entries), or NULL
 * when s has none. */
X509_EXTENSION *mcert_subject_san_ext(const struct mcert_subject *s);

/* A request signed with key (SHA-256; none for Ed25519).  request_usage
 * asks for KeyUsage digitalSignature (+keyEncipherment for RSA) and EKU
 * serverAuth+clientAuth: what the guide's services need. */
int mcert_csr_build(EVP_PKEY *key, const struct mcert_subject *s,
    int request_usage, X509_REQ **out, struct mcert_error *err);

/* Writes r as PEM to a new file path (0644). */
int mcert_csr_write(const char *path, X509_REQ *r, struct mcert_error *err);

/* The digest to sign with for key: SHA-256, or NULL for Ed25519/Ed448. */
const EVP_MD *mcert_sign_digest(const EVP_PKEY *key);

#endif
