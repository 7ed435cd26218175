/* SSH to a Meeting Server's MMP (libssh): strict host keys; ssh-agent,
 * key, password and keyboard-interactive authentication; ~/.ssh/config;
 * one command per exec request or a persistent MMP shell (shell.h). */
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
	const char *identity;	/* private key file, or NULL */
	/* An unknown host is refused unless its SHA-256 fingerprint
	 * ("SHA256:...") is given here (several: comma-separated); it is
	 * then added to known_hosts. */
	const char *accept_fingerprint;
	long timeout;		/* seconds to connect; 0: 10 */
	/* An ssh_config file to honour (Host aliases, HostName, User, Port,
	 * IdentityFile), e.g. ~/.ssh/config; NULL: none.  Explicit port and
	 * user above win over it. */
	const char *config;
	int no_agent;		/* 1: never ask ssh-agent ($SSH_AUTH_SOCK) */
	/* Asks the operator for a password, a keyboard-interactive answer
	 * or a key's passphrase: prompt names the host; echo 0 hides the
	 * answer.  Returns 0 with buf filled, -1 when it cannot ask (that
	 * method is then skipped).  NULL: never ask.  The answer is wiped
	 * after use. */
	int (*ask)(void *ctx, const char *prompt, int echo, char *buf,
	    size_t len);
	void *ask_ctx;
};

/* Connects, checks the host key and authenticates: the identity file,
 * then ssh-agent, then the config's identities, then a password, then
 * keyboard-interactive, as the server offers them.  A refusal names the
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
 * service at once).  It goes to MCERT_PART_PREFIX + name first, is read
 * back and compared, then renamed: a cut-short upload never leaves a
 * partial file under the real name, and its part is removed by the next
 * upload of that name. */
#define MCERT_PART_PREFIX "mcpart-"

int mcert_sftp_put(struct mcert_ssh *s, const char *name, const void *data,
    size_t len, struct mcert_error *err);

/* Reads name from the MMP's directory into *data (caller frees): at most
 * 16 MiB. */
int mcert_sftp_get(struct mcert_ssh *s, const char *name, unsigned char **data,
    size_t *len, struct mcert_error *err);

/* The same for at most max bytes: a larger file is MCERT_E_LIMIT. */
int mcert_sftp_get_max(struct mcert_ssh *s, const char *name, size_t max,
    unsigned char **data, size_t *len, struct mcert_error *err);

/* The host as given (for messages). */
const char *mcert_ssh_host(const struct mcert_ssh *s);

/* Sends an SSH_MSG_IGNORE so that a quiet connection stays open through
 * NAT and firewalls (libssh has no ServerAliveInterval). */
int mcert_ssh_keepalive(struct mcert_ssh *s);

void mcert_ssh_close(struct mcert_ssh *s);

#endif
