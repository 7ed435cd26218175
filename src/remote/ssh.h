/* SSH to a Meeting Server's MMP (libssh): strict host keys, public key
 * authentication, one command per exec request, judged by its text. */
#ifndef MCERT_SSH_H
#define MCERT_SSH_H

#include <stddef.h>

#include "error.h"

struct mcert_ssh;

struct mcert_ssh_opts {
	const char *host;	/* address or name */
	int port;		/* 0: 22 */
	const char *user;	/* NULL: the local user */
	const char *known_hosts;	/* file checked strictly */
	const char *identity;	/* private key file */
	/* An unknown host is refused unless its SHA-256 fingerprint
	 * ("SHA256:...") is given here; it is then added to known_hosts. */
	const char *accept_fingerprint;
	long timeout;		/* seconds to connect; 0: 10 */
};

/* Connects, checks the host key and authenticates.  A refusal names the
 * host and says what to do: for an unknown key its fingerprint, for a
 * changed key both fingerprints and the known_hosts line to remove.
 * Free with mcert_ssh_close. */
int mcert_ssh_connect(const struct mcert_ssh_opts *o, struct mcert_ssh **out,
    struct mcert_error *err);

/* Runs one MMP command and returns what it printed (stdout, then
 * stderr) in *output, which the caller frees.  The exit status is not
 * used: the MMP's is not to be trusted. */
int mcert_ssh_exec(struct mcert_ssh *s, const char *command, char **output,
    struct mcert_error *err);

/* Uploads data as name into the MMP's flat directory: never over an
 * existing file (the name must be new: a live key replaced breaks its
 * service at once), then reads it back and compares SHA-256. */
int mcert_sftp_put(struct mcert_ssh *s, const char *name, const void *data,
    size_t len, struct mcert_error *err);

/* Reads name from the MMP's directory into *data (caller frees). */
int mcert_sftp_get(struct mcert_ssh *s, const char *name, unsigned char **data,
    size_t *len, struct mcert_error *err);

void mcert_ssh_close(struct mcert_ssh *s);

#endif
