#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <fcntl.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <openssl/evp.h>

#include "ssh.h"

struct mcert_ssh {
	ssh_session session;
	char *host;
};

/* The one place libssh's errors become ours. */
static int
ssh_failed(struct mcert_error *err, ssh_session s, const char *host,
    const char *what)
{
	const char *why = s != NULL ? ssh_get_error(s) : "";

	return mcert_error_set(err, MCERT_E_IO, N_("%s: %s%s%s"), host, what,
	    why != NULL && *why != '\0' ? ": " : "", why != NULL ? why : "");
}

static char *
fingerprint(ssh_key key)
{
	unsigned char *hash = NULL;
	size_t len = 0;
	char *fp = NULL, *out = NULL;

	if (key != NULL && ssh_get_publickey_hash(key,
	    SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0) {
		fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash,
		    len);
		if (fp != NULL)
			out = strdup(fp);
	}
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	return out;
}

/* known_hosts, strictly (libssh's error text is empty here: our own). */
static int
check_host_key(ssh_session s, const struct mcert_ssh_opts *o,
    struct mcert_error *err)
{
	ssh_key key = NULL;
	struct ssh_knownhosts_entry *entry = NULL;
	enum ssh_known_hosts_e state;
	char *fp = NULL, *old = NULL;
	int ret = MCERT_E_VERDICT;

	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return ssh_failed(err, s, o->host, mcert_tr(N_("no host key")));
	fp = fingerprint(key);
	state = ssh_session_is_known_server(s);
	switch (state) {
	case SSH_KNOWN_HOSTS_OK:
		ret = MCERT_OK;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		if (ssh_session_get_known_hosts_entry(s, &entry) ==
		    SSH_KNOWN_HOSTS_CHANGED && entry != NULL)
			old = fingerprint(entry->publickey);
		mcert_error_set(err, MCERT_E_VERDICT,
		    N_("%s: the host key CHANGED (now %s, known as %s): someone "
		    "may be in the middle, or the server was reinstalled; if "
		    "you know why, remove the line for [%s]:%d from %s"),
		    o->host, fp != NULL ? fp : "?", old != NULL ? old :
		    N_("another key type"), o->host, o->port ? o->port : 22,
		    o->known_hosts);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (o->accept_fingerprint != NULL && fp != NULL &&
		    strcmp(o->accept_fingerprint, fp) == 0) {
			if (ssh_session_update_known_hosts(s) != SSH_OK)
				ssh_failed(err, s, o->host, mcert_tr(
				    N_("cannot add the host key to known_hosts")));
			else
				ret = MCERT_OK;
			break;
		}
		mcert_error_set(err, MCERT_E_VERDICT,
		    N_("%s: the host key is not known; if %s is the server's "
		    "fingerprint (ask its console: ssh host keys), accept it "
		    "with --accept %s"), o->host, fp != NULL ? fp : "?",
		    fp != NULL ? fp : "?");
		break;
	default:
		ssh_failed(err, s, o->host, mcert_tr(N_("cannot read the known "
		    "hosts file")));
		ret = MCERT_E_IO;
		break;
	}
	ssh_knownhosts_entry_free(entry);
	ssh_key_free(key);
	free(fp);
	free(old);
	return ret;
}

int
mcert_ssh_connect(const struct mcert_ssh_opts *o, struct mcert_ssh **out,
    struct mcert_error *err)
{
	struct mcert_ssh *c = NULL;
	ssh_session s = NULL;
	ssh_key key = NULL;
	int port = o->port ? o->port : 22, off = 0, ret;
	long timeout = o->timeout ? o->timeout : 10;

	*out = NULL;
	if ((s = ssh_new()) == NULL || (c = calloc(1, sizeof(*c))) == NULL ||
	    (c->host = strdup(o->host)) == NULL) {
		ssh_free(s);
		free(c);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	c->session = s;
	/* Nothing from ~/.ssh/config unless asked: what is tested is what
	 * runs. */
	if (ssh_options_set(s, SSH_OPTIONS_HOST, o->host) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &off) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != SSH_OK ||
	    (o->user != NULL && ssh_options_set(s, SSH_OPTIONS_USER,
	    o->user) != SSH_OK) ||
	    (o->known_hosts != NULL && ssh_options_set(s,
	    SSH_OPTIONS_KNOWNHOSTS, o->known_hosts) != SSH_OK)) {
		ret = ssh_failed(err, s, o->host, mcert_tr(N_("bad options")));
		goto fail;
	}
	if (ssh_connect(s) != SSH_OK) {
		ret = ssh_failed(err, s, o->host, mcert_tr(N_("cannot connect "
		    "(check the address, the port and that SSH is on)")));
		goto fail;
	}
	if ((ret = check_host_key(s, o, err)) != MCERT_OK)
		goto fail;
	if (o->identity == NULL || ssh_pki_import_privkey_file(o->identity,
	    NULL, NULL, NULL, &key) != SSH_OK) {
		ret = mcert_error_set(err, MCERT_E_IO,
		    N_("%s: cannot read the private key %s for authentication"),
		    o->host, o->identity != NULL ? o->identity : "(none)");
		goto fail;
	}
	if (ssh_userauth_publickey(s, NULL, key) != SSH_AUTH_SUCCESS) {
		ret = mcert_error_set(err, MCERT_E_VERDICT,
		    N_("%s: the server refused the key %s; add its public half "
		    "to the MMP user's keys (user add/ssh key)"), o->host,
		    o->identity);
		goto fail;
	}
	ssh_key_free(key);
	*out = c;
	return MCERT_OK;
fail:
	ssh_key_free(key);
	mcert_ssh_close(c);
	return ret;
}

static int
drain(ssh_channel ch, int is_stderr, char **buf, size_t *len)
{
	char chunk[4096], *grown;
	int n;

	while ((n = ssh_channel_read_timeout(ch, chunk, sizeof(chunk),
	    is_stderr, 30000)) > 0) {
		if ((grown = realloc(*buf, *len + (size_t)n + 1)) == NULL)
			return -1;
		*buf = grown;
		memcpy(*buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
	return n;
}

int
mcert_ssh_exec(struct mcert_ssh *c, const char *command, char **output,
    struct mcert_error *err)
{
	ssh_channel ch = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r1, r2, ret = MCERT_OK;

	*output = NULL;
	if ((ch = ssh_channel_new(c->session)) == NULL ||
	    ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, command) != SSH_OK) {
		ret = ssh_failed(err, c->session, c->host,
		    mcert_tr(N_("cannot run a command")));
		goto out;
	}
	/* read_timeout returns 0 on EOF and on a timeout alike. */
	r1 = drain(ch, 0, &buf, &len);
	r2 = drain(ch, 1, &buf, &len);
	if (r1 < 0 || r2 < 0 || !ssh_channel_is_eof(ch)) {
		ret = r1 == -1 && buf == NULL ? ssh_failed(err, c->session,
		    c->host, mcert_tr(N_("the connection dropped"))) :
		    mcert_error_set(err, MCERT_E_IO, N_("%s: '%s' did not "
		    "finish (the connection dropped or it timed out)"),
		    c->host, command);
		goto out;
	}
	if (buf == NULL && (buf = strdup("")) == NULL) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	*output = buf;
	buf = NULL;	/* transferred */
out:
	free(buf);
	if (ch != NULL) {
		ssh_channel_send_eof(ch);
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	return ret;
}

static sftp_session
sftp_start(struct mcert_ssh *c, struct mcert_error *err)
{
	sftp_session sftp = sftp_new(c->session);

	if (sftp == NULL || sftp_init(sftp) != SSH_OK) {
		ssh_failed(err, c->session, c->host,
		    mcert_tr(N_("cannot start SFTP")));
		sftp_free(sftp);
		return NULL;
	}
	return sftp;
}

int
mcert_sftp_get(struct mcert_ssh *c, const char *name, unsigned char **data,
    size_t *len, struct mcert_error *err)
{
	sftp_session sftp;
	sftp_file f;
	unsigned char chunk[16384], *buf = NULL, *grown;
	size_t have = 0;
	ssize_t n;
	int ret = MCERT_OK;

	*data = NULL;
	*len = 0;
	if ((sftp = sftp_start(c, err)) == NULL)
		return MCERT_E_IO;
	if ((f = sftp_open(sftp, name, O_RDONLY, 0)) == NULL) {
		sftp_free(sftp);
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: cannot read %s over SFTP"), c->host, name);
	}
	while ((n = sftp_read(f, chunk, sizeof(chunk))) > 0) {
		if (have + (size_t)n > 16u * 1024 * 1024 ||
		    (grown = realloc(buf, have + (size_t)n + 1)) == NULL) {
			ret = mcert_error_set(err, MCERT_E_LIMIT,
			    N_("%s: %s is too large"), c->host, name);
			break;
		}
		buf = grown;
		memcpy(buf + have, chunk, (size_t)n);
		have += (size_t)n;
	}
	if (ret == MCERT_OK && n < 0)
		ret = mcert_error_set(err, MCERT_E_IO,
		    N_("%s: reading %s over SFTP failed"), c->host, name);
	sftp_close(f);
	sftp_free(sftp);
	if (ret != MCERT_OK) {
		free(buf);
		return ret;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	*data = buf;
	*len = have;
	return MCERT_OK;
}

int
mcert_sftp_put(struct mcert_ssh *c, const char *name, const void *data,
    size_t len, struct mcert_error *err)
{
	unsigned char want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
	unsigned char *back = NULL;
	unsigned int wl = 0, gl = 0;
	size_t backlen = 0, off = 0;
	sftp_session sftp;
	sftp_attributes st;
	sftp_file f;
	ssize_t n;
	int ret;

	if ((sftp = sftp_start(c, err)) == NULL)
		return MCERT_E_IO;
	if ((st = sftp_stat(sftp, name)) != NULL) {
		sftp_attributes_free(st);
		sftp_free(sftp);
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: %s already exists on the server; meetcert never "
		    "uploads over a file (it may be live): use a new name"),
		    c->host, name);
	}
	/* O_EXCL: a file that appeared meanwhile is not replaced either. */
	if ((f = sftp_open(sftp, name, O_WRONLY | O_CREAT | O_EXCL, 0600)) ==
	    NULL) {
		sftp_free(sftp);
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: cannot create %s over SFTP"), c->host, name);
	}
	while (off < len && (n = sftp_write(f, (const char *)data + off,
	    len - off)) > 0)
		off += (size_t)n;
	ret = sftp_close(f) == SSH_OK && off == len ? MCERT_OK : MCERT_E_IO;
	sftp_free(sftp);
	if (ret != MCERT_OK)
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: the upload of %s was cut short; remove the partial "
		    "file on the server and try again"), c->host, name);
	/* Read back what landed: the upload counts only if it is exact. */
	if ((ret = mcert_sftp_get(c, name, &back, &backlen, err)) != MCERT_OK)
		return ret;
	EVP_Digest(data, len, want, &wl, EVP_sha256(), NULL);
	EVP_Digest(back, backlen, got, &gl, EVP_sha256(), NULL);
	mcert_wipe(back, backlen);
	free(back);
	if (backlen != len || wl != gl || memcmp(want, got, wl) != 0)
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: %s reads back different from what was sent; remove "
		    "it on the server and upload again"), c->host, name);
	return MCERT_OK;
}

void
mcert_ssh_close(struct mcert_ssh *c)
{
	if (c == NULL)
		return;
	if (c->session != NULL) {
		ssh_disconnect(c->session);
		ssh_free(c->session);
	}
	free(c->host);
	free(c);
}
