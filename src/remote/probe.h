/* A live TLS handshake with a listening port: the chain it presents, for
 * the core verifier to judge.  Blocking, with a deadline on every wait. */
#ifndef MCERT_PROBE_H
#define MCERT_PROBE_H

#include <openssl/x509.h>

#include "error.h"

/* The default for mcert_probe_opts.timeout_ms. */
#define MCERT_PROBE_TIMEOUT_MS 10000L

struct mcert_probe_opts {
	const char *host;	/* DNS name or address (IPv6 without []) */
	int port;		/* 1 to 65535 */
	const char *sni;	/* server name to send; NULL: none (an IP) */
	long timeout_ms;	/* connect and handshake together; <= 0: the
				 * default */
};

struct mcert_probe_result {
	STACK_OF(X509) *chain;	/* as presented, the server's own first;
				 * owned (each certificate up-ref'd) */
	char protocol[16];	/* "TLSv1.3" */
	char cipher[64];	/* "TLS_AES_256_GCM_SHA384" */
	char address[64];	/* the address that answered: "192.0.2.10" */
};

/* Connects to o->host:o->port (every address the name resolves to, in
 * turn, IPv4 and IPv6), makes a TLS handshake without verifying anything
 * and returns what the server presented in *r.  Returns MCERT_OK, or
 * MCERT_E_INVALID (bad options), MCERT_E_IO (no answer, no handshake,
 * a failed handshake), MCERT_E_NOMEM with err naming HOST:PORT and what
 * to do; r is then empty.  The name lookup waits as long as the system's
 * resolver does; every other wait ends by o->timeout_ms.  SIGPIPE is held
 * off in the calling thread while the socket is open.  Free r with
 * mcert_probe_result_free, on success or failure. */
int mcert_probe(const struct mcert_probe_opts *o, struct mcert_probe_result *r,
    struct mcert_error *err);

void mcert_probe_result_free(struct mcert_probe_result *r);

/* "host:port", or "[host]:port" for an IPv6 address, into buf. */
void mcert_probe_label(const char *host, int port, char *buf, size_t size);

#endif
