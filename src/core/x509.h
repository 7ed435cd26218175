/* What a certificate, key or CSR says, in plain values the front ends print
 * or put into JSON. */
#ifndef MCERT_X509_H
#define MCERT_X509_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "error.h"

/* Days before expiry from which a certificate is flagged "expires soon". */
#define MCERT_EXPIRES_SOON_DAYS 30

enum mcert_validity {
	MCERT_VALID,
	MCERT_EXPIRED,
	MCERT_NOT_YET_VALID,
	MCERT_EXPIRES_SOON,
};

enum mcert_san_kind {
	MCERT_SAN_DNS,
	MCERT_SAN_IP,
	MCERT_SAN_EMAIL,
	MCERT_SAN_URI,
	MCERT_SAN_OTHER,
};

struct mcert_san {
	enum mcert_san_kind kind;
	char *value;
};

/* KeyUsage bits in the order of RFC 5280 §4.2.1.3. */
enum {
	MCERT_KU_DIGITAL_SIGNATURE = 1 << 0,
	MCERT_KU_NON_REPUDIATION = 1 << 1,
	MCERT_KU_KEY_ENCIPHERMENT = 1 << 2,
	MCERT_KU_DATA_ENCIPHERMENT = 1 << 3,
	MCERT_KU_KEY_AGREEMENT = 1 << 4,
	MCERT_KU_KEY_CERT_SIGN = 1 << 5,
	MCERT_KU_CRL_SIGN = 1 << 6,
	MCERT_KU_ENCIPHER_ONLY = 1 << 7,
	MCERT_KU_DECIPHER_ONLY = 1 << 8,
};

/* Netscape cert type bits. */
enum {
	MCERT_NS_SSL_CLIENT = 0x80,
	MCERT_NS_SSL_SERVER = 0x40,
	MCERT_NS_SSL_CA = 0x04,
};

struct mcert_key_info {
	char type[16];		/* "RSA", "EC", "Ed25519", ... */
	int bits;
	char curve[32];		/* EC only: "prime256v1", ... */
};

struct mcert_cert_info {
	char *subject;		/* RFC 2253-like one line, "CN=a,O=b" */
	char *issuer;
	char *serial;		/* hex, colon-separated */
	time_t not_before, not_after;
	long days_left;		/* whole days from "now" to not_after */
	enum mcert_validity validity;
	struct mcert_san *san;
	size_t nsan;
	struct mcert_key_info key;
	char sig_alg[64];
	int has_ku;
	unsigned int ku;
	int has_eku;
	char **eku;		/* short names ("serverAuth") or OIDs */
	size_t neku;
	int has_bc, ca;
	long pathlen;		/* -1: none */
	int has_ns;
	unsigned int ns;
	char *ski, *aki;	/* hex with colons; NULL when absent */
	char sha256[96];	/* hex with colons */
	int self_signed;	/* subject == issuer, key identifiers agree */
	int version;		/* 1, 2 or 3 */
};

/* Fills info for x as seen at time now.  Free with mcert_cert_info_free. */
int mcert_cert_info(X509 *x, time_t now, struct mcert_cert_info *info,
    struct mcert_error *err);
void mcert_cert_info_free(struct mcert_cert_info *info);

/* One-line name, "CN=a,O=b" (UTF-8).  Caller frees; NULL on no memory. */
char *mcert_name_oneline(const X509_NAME *name);

/* The name's CN, or else the whole one-line name: for messages. */
char *mcert_cert_label(X509 *x);

/* Names for KeyUsage bits, e.g. "digitalSignature". */
const char *mcert_ku_name(unsigned int bit);

int mcert_key_info(const EVP_PKEY *k, struct mcert_key_info *info);

/* SubjectAltName entries of a certificate or CSR extension list. */
int mcert_san_list(const GENERAL_NAMES *gens, struct mcert_san **out,
    size_t *n);
void mcert_san_free(struct mcert_san *v, size_t n);

/* ASN1_TIME to time_t (UTC); 0 on success. */
int mcert_asn1_time(const ASN1_TIME *t, time_t *out);

/* SHA-256 of the DER encoding of x, as colon-separated hex. */
int mcert_fingerprint(X509 *x, char *out, size_t outsz);

/* Whether subject == issuer and x's own key verifies its signature. */
int mcert_is_self_signed(X509 *x);

struct mcert_csr_info {
	char *subject;
	struct mcert_san *san;
	size_t nsan;
	struct mcert_key_info key;
	char sig_alg[64];
	int signature_ok;
};

int mcert_csr_info(X509_REQ *r, struct mcert_csr_info *info,
    struct mcert_error *err);
void mcert_csr_info_free(struct mcert_csr_info *info);

/* Whether key is the private half of pub: 1 yes, 0 no. */
int mcert_key_matches(EVP_PKEY *key, EVP_PKEY *pub);

#endif
