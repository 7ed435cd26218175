/* A local CA, as `pki selfsigned` and `pki sign` are: for the database
 * cluster's dedicated CA, c2w, and labs. */
#ifndef MCERT_CA_H
#define MCERT_CA_H

#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csr.h"
#include "error.h"

enum mcert_usage {
	MCERT_USAGE_SERVER,	/* TLS Web Server Authentication */
	MCERT_USAGE_CLIENT,	/* TLS Web Client Authentication */
	MCERT_USAGE_BOTH,	/* both, as the Call Bridge needs */
	MCERT_USAGE_CA,		/* CA:TRUE, keyCertSign, cRLSign */
};

/* "server", "client", "both", "ca": 0, or -1. */
int mcert_usage_parse(const char *s, enum mcert_usage *out);

struct mcert_sign_opts {
	enum mcert_usage usage;
	int days;		/* validity from now */
	time_t now;		/* 0: the clock */
};

/* A certificate for req's subject, key and subjectAltName, signed by
 * ca_key as ca_cert: KeyUsage and EKU by usage, SKI and AKI, a random
 * positive 128-bit serial, SHA-256.  Refuses a request whose signature does
 * not verify, a CA certificate that is not a CA or not ca_key's. */
int mcert_ca_sign(X509_REQ *req, X509 *ca_cert, EVP_PKEY *ca_key,
    const struct mcert_sign_opts *opts, X509 **out, struct mcert_error *err);

/* A self-signed certificate for s and key: a server+client certificate,
 * or with usage MCERT_USAGE_CA a CA for a database cluster or c2w. */
int mcert_ca_selfsign(EVP_PKEY *key, const struct mcert_subject *s,
    const struct mcert_sign_opts *opts, X509 **out, struct mcert_error *err);

/* Writes x as PEM to a new file path (0644). */
int mcert_cert_write(const char *path, X509 *x, struct mcert_error *err);

#endif
