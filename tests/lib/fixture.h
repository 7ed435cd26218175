/* Test fixtures made at run time with OpenSSL 3: keys, certificates, CSRs,
 * and their encodings in memory or in a private temporary directory.
 * Nothing binary is kept in the tree. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define FX_DAY 86400L

enum fx_key_type {
	FX_RSA2048,
	FX_EC_P256,
	FX_EC_P384,
	FX_ED25519,
};

/* Distinct keys per type: slots 0 .. FX_KEY_SLOTS - 1. */
#define FX_KEY_SLOTS 32

/* The moment fixtures count validity from; fixed at the first call so that
 * a test can check at exactly that time. */
time_t	fx_now(void);

/* A key from a per-process cache, made on first use: the same type and
 * slot give the same key.  Borrowed: fx_cleanup frees it.  RSA is slow to
 * make, so tests use few RSA slots.  Bails out on failure. */
EVP_PKEY *fx_key(enum fx_key_type type, int slot);

struct fx_cert_spec {
	const char *subject;	/* "/C=GB/O=Example/CN=leaf"; NULL: empty */
	EVP_PKEY *key;		/* the subject's key (its public half) */
	X509 *issuer;		/* NULL: self-issued */
	EVP_PKEY *issuer_key;	/* signing key; NULL: key (self-signed) */
	const char *issuer_name; /* with issuer NULL: another issuer DN */
	const char *serial;	/* hex; NULL: the next of a counter */
	/* Validity in days from fx_now(); both 0: -1 and +365. */
	long nb_days, na_days;
	/* Validity in seconds from fx_now(), added to the days. */
	long nb_secs, na_secs;
	int v1;			/* version 1, no extensions at all */
	int no_kid;		/* no subject/authority key identifiers */
	/* openssl.cnf lines, "basicConstraints=critical,CA:TRUE"; NULL ends. */
	const char *ext[12];
};

/* A signed certificate; caller frees.  Unless v1 or no_kid it has a
 * subjectKeyIdentifier and, when not self-signed, an authorityKeyIdentifier
 * naming the signing key.  Bails out on failure. */
X509	*fx_cert(const struct fx_cert_spec *spec);

/* A CSR signed by key; ext as in fx_cert_spec (NULL-terminated, may be
 * NULL).  Caller frees.  Bails out on failure. */
X509_REQ *fx_csr(EVP_PKEY *key, const char *subject,
	    const char *const *ext);

struct fx_crl_spec {
	X509 *issuer;		/* whose CRL it is */
	EVP_PKEY *key;		/* signs it */
	const char *revoked[8];	/* hex serials; NULL ends */
	int no_number;		/* without a CRL number */
	int number_critical;	/* with the CRL number marked critical */
};

/* A v2 CRL, valid from a day ago for a week; caller frees. */
X509_CRL *fx_crl(const struct fx_crl_spec *spec);

/* An X509_NAME from "/C=GB/O=Example/CN=x"; caller frees. */
X509_NAME *fx_name(const char *dn);

/* A growing byte buffer, always NUL-terminated (not counted in len). */
struct fx_buf {
	unsigned char *p;
	size_t len;
};

void	fx_buf_add(struct fx_buf *b, const void *p, size_t n);
void	fx_buf_str(struct fx_buf *b, const char *s);
void	fx_buf_free(struct fx_buf *b);
/* Turns every LF that has no CR before it into CR LF. */
void	fx_buf_crlf(struct fx_buf *b);

/* Appenders: the encodings of an object added at the end of out. */
void	fx_cert_pem(X509 *x, struct fx_buf *out);
void	fx_cert_der(X509 *x, struct fx_buf *out);
/* `openssl x509 -text` output without the PEM block. */
void	fx_cert_text(X509 *x, struct fx_buf *out);
void	fx_csr_pem(X509_REQ *r, struct fx_buf *out);
void	fx_csr_der(X509_REQ *r, struct fx_buf *out);
void	fx_crl_pem(X509_CRL *crl, struct fx_buf *out);
void	fx_crl_der(X509_CRL *crl, struct fx_buf *out);
/* A certs-only PKCS#7 SignedData (a .p7b), PEM or DER. */
void	fx_pkcs7(X509 *const *v, size_t n, int pem, struct fx_buf *out);

enum fx_key_form {
	FX_KEY_PKCS8,		/* PrivateKeyInfo */
	FX_KEY_PKCS8_ENC,	/* EncryptedPrivateKeyInfo (AES-256-CBC) */
	FX_KEY_TRAD,		/* PKCS#1 (RSA) or SEC1 (EC) */
	FX_KEY_TRAD_ENC,	/* PEM with Proc-Type/DEK-Info (legacy) */
};

/* A private key in form, PEM or DER; pass for the encrypted forms. */
void	fx_key_encode(EVP_PKEY *k, enum fx_key_form form, int pem,
	    const char *pass, struct fx_buf *out);

/* The private temporary directory (mkdtemp under $TMPDIR or /tmp), made on
 * first use and removed with all it holds by fx_cleanup. */
const char *fx_tmpdir(void);
/* "<tmpdir>/name"; caller frees. */
char	*fx_path(const char *name);
/* Writes n bytes to <tmpdir>/name (mode 0600) and returns the path, which
 * the caller frees. */
char	*fx_write(const char *name, const void *p, size_t n);

/* Frees the cached keys and removes the temporary directory. */
void	fx_cleanup(void);

/* "/C=US/ST=.../CN=x": the entries of name in their DER order. */
void fx_name_dump(const X509_NAME *name, char *buf, size_t size);

/* "DNS:a,IP:192.0.2.1,email:x@y": typed SAN entries; "-" for none. */
void fx_gens_dump(const GENERAL_NAMES *gens, char *buf, size_t size);

/* top_srcdir/rel (or, without top_srcdir, from SRCDATADIR); caller
 * frees. */
char *fx_srcpath(const char *rel);

#endif
