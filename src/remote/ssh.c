#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ssh-int.h"

static pthread_mutex_t known_hosts_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* Whether fp is one of the comma-separated fingerprints in list. */
static int
accepted(const char *list, const char *fp)
{
	size_t n = strlen(fp);
	const char *p;

	for (p = list; p != NULL && *p != '\0'; p += strcspn(p, ",")) {
		p += *p == ',';
		if (strncmp(p, fp, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* The fingerprint known_hosts holds for this host, preferring the key's
 * type (libssh returns no entry for a changed key). */
static char *
known_fingerprint(const struct mcert_ssh_opts *o, ssh_key key)
{
	struct ssh_knownhosts_entry *e = NULL;
	char host[300], line[8192], *fp = NULL, *any = NULL;
	FILE *f;

	if (o->known_hosts == NULL || (f = fopen(o->known_hosts, "r")) == NULL)
		return NULL;
	if (o->port != 0 && o->port != 22)
		snprintf(host, sizeof(host), "[%s]:%d", o->host, o->port);
	else
		snprintf(host, sizeof(host), "%s", o->host);
	while (fp == NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (ssh_known_hosts_parse_line(host, line, &e) != SSH_OK ||
		    e == NULL)
			continue;
		if (ssh_key_type(e->publickey) == ssh_key_type(key))
			fp = fingerprint(e->publickey);
		else if (any == NULL)
			any = fingerprint(e->publickey);
		SSH_KNOWNHOSTS_ENTRY_FREE(e);
	}
	fclose(f);
	if (fp == NULL)
		return any;
	free(any);
	return fp;
}

/* known_hosts, strictly (libssh's error text is empty here: our own). */
static int
check_host_key(ssh_session s, const struct mcert_ssh_opts *o,
    struct mcert_error *err)
{
	ssh_key key = NULL;
	enum ssh_known_hosts_e state;
	char *fp = NULL, *old = NULL;
	int ret = MCERT_E_VERDICT, ok;

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
		old = known_fingerprint(o, key);
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
		if (fp != NULL && accepted(o->accept_fingerprint, fp)) {
			/* hosts connect in parallel: one writer at a time */
			pthread_mutex_lock(&known_hosts_lock);
			ok = ssh_session_update_known_hosts(s) == SSH_OK;
			pthread_mutex_unlock(&known_hosts_lock);
			if (!ok)
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
	ssh_key_free(key);
	free(fp);
	free(old);
	return ret;
}

/* libssh's passphrase callback, onto the caller's ask. */
static int
passphrase_cb(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *userdata)
{
	const struct mcert_ssh_opts *o = userdata;
	char q[512];

	(void)verify;
	if (o->ask == NULL)
		return -1;
	snprintf(q, sizeof(q), "%s: %s", o->host, prompt);
	return o->ask(o->ask_ctx, q, echo, buf, len) == 0 ? 0 : -1;
}

static int
auth_key_file(ssh_session s, const struct mcert_ssh_opts *o)
{
	ssh_key key = NULL;
	int r;

	if (ssh_pki_import_privkey_file(o->identity, NULL, passphrase_cb,
	    (void *)o, &key) != SSH_OK)
		return SSH_AUTH_DENIED;
	r = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	return r;
}

static int
auth_password(ssh_session s, const struct mcert_ssh_opts *o, const char *user)
{
	char q[512], pw[512];
	int r;

	snprintf(q, sizeof(q), "%s@%s's password: ", user, o->host);
	if (o->ask == NULL || o->ask(o->ask_ctx, q, 0, pw, sizeof(pw)) != 0)
		return SSH_AUTH_DENIED;
	r = ssh_userauth_password(s, NULL, pw);
	mcert_wipe(pw, sizeof(pw));
	return r;
}

static int
auth_kbdint(ssh_session s, const struct mcert_ssh_opts *o)
{
	char q[512], answer[512], echo;
	const char *prompt;
	int r, i, n;

	if (o->ask == NULL)
		return SSH_AUTH_DENIED;
	while ((r = ssh_userauth_kbdint(s, NULL, NULL)) == SSH_AUTH_INFO) {
		n = ssh_userauth_kbdint_getnprompts(s);
		for (i = 0; i < n; i++) {
			prompt = ssh_userauth_kbdint_getprompt(s, (unsigned)i,
			    &echo);
			snprintf(q, sizeof(q), "%s: %s", o->host,
			    prompt != NULL ? prompt : "");
			if (o->ask(o->ask_ctx, q, echo, answer,
			    sizeof(answer)) != 0)
				return SSH_AUTH_DENIED;
			r = ssh_userauth_kbdint_setanswer(s, (unsigned)i,
			    answer);
			mcert_wipe(answer, sizeof(answer));
			if (r < 0)
				return SSH_AUTH_ERROR;
		}
	}
	return r;
}

static void
tried(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", what);
}

/* Every method the server offers, in ssh's order; the first that works
 * wins.  A refusal lists what was tried. */
static int
authenticate(ssh_session s, const struct mcert_ssh_opts *o,
    struct mcert_error *err)
{
	char *user = NULL, list[256] = "";
	int methods, r = SSH_AUTH_DENIED;

	if (ssh_userauth_none(s, NULL) == SSH_AUTH_SUCCESS)
		return MCERT_OK;
	methods = ssh_userauth_list(s, NULL);
	if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && o->identity != NULL) {
		tried(list, sizeof(list), o->identity);
		r = auth_key_file(s, o);
	}
	if (r != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_PUBLICKEY) &&
	    !o->no_agent && getenv("SSH_AUTH_SOCK") != NULL) {
		tried(list, sizeof(list), "ssh-agent");
		r = ssh_userauth_agent(s, NULL);
	}
	if (r != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_PUBLICKEY) &&
	    o->config != NULL && o->identity == NULL) {
		tried(list, sizeof(list), mcert_tr(N_("the config's keys")));
		r = ssh_userauth_publickey_auto(s, NULL, NULL);
	}
	ssh_options_get(s, SSH_OPTIONS_USER, &user);
	if (r != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_PASSWORD) &&
	    o->ask != NULL) {
		tried(list, sizeof(list), mcert_tr(N_("password")));
		r = auth_password(s, o, user != NULL ? user : "?");
	}
	if (r != SSH_AUTH_SUCCESS && (methods & SSH_AUTH_METHOD_INTERACTIVE) &&
	    o->ask != NULL) {
		tried(list, sizeof(list), mcert_tr(N_("keyboard-interactive")));
		r = auth_kbdint(s, o);
	}
	if (r == SSH_AUTH_SUCCESS) {
		ssh_string_free_char(user);
		return MCERT_OK;
	}
	mcert_error_set(err, MCERT_E_VERDICT, N_("%s: the server refused %s "
	    "(tried: %s); check the user name, or add the key's public half "
	    "to the MMP user (user add/ssh key)"), o->host, user != NULL ?
	    user : "the user", *list != '\0' ? list : mcert_tr(N_("nothing "
	    "it offers")));
	ssh_string_free_char(user);
	return MCERT_E_VERDICT;
}

static int
set_options(ssh_session s, const struct mcert_ssh_opts *o)
{
	int off = 0;
	long timeout = o->timeout ? o->timeout : 10;

	if (ssh_options_set(s, SSH_OPTIONS_HOST, o->host) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &off) != SSH_OK)
		return -1;
	/* The config first (it resolves a Host alias), then what was
	 * given explicitly, which wins. */
	if (o->config != NULL && access(o->config, R_OK) == 0 &&
	    ssh_options_parse_config(s, o->config) != SSH_OK)
		return -1;
	if ((o->port != 0 && ssh_options_set(s, SSH_OPTIONS_PORT,
	    &o->port) != SSH_OK) ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != SSH_OK ||
	    (o->user != NULL && ssh_options_set(s, SSH_OPTIONS_USER,
	    o->user) != SSH_OK) ||
	    (o->known_hosts != NULL && ssh_options_set(s,
	    SSH_OPTIONS_KNOWNHOSTS, o->known_hosts) != SSH_OK))
		return -1;
	return 0;
}

int
mcert_ssh_connect(const struct mcert_ssh_opts *o, struct mcert_ssh **out,
    struct mcert_error *err)
{
	struct mcert_ssh *c = NULL;
	ssh_session s = NULL;
	int ret;

	*out = NULL;
	if ((s = ssh_new()) == NULL || (c = calloc(1, sizeof(*c))) == NULL ||
	    (c->host = strdup(o->host)) == NULL) {
		ssh_free(s);
		free(c);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	c->session = s;
	/* Nothing from ~/.ssh/config unless given: what is tested is what
	 * runs. */
	if (set_options(s, o) != 0) {
		ret = ssh_failed(err, s, o->host, mcert_tr(N_("bad options "
		    "(check the ssh config file)")));
		goto fail;
	}
	if (ssh_connect(s) != SSH_OK) {
		ret = ssh_failed(err, s, o->host, mcert_tr(N_("cannot connect "
		    "(check the address, the port and that SSH is on)")));
		goto fail;
	}
	if ((ret = check_host_key(s, o, err)) != MCERT_OK ||
	    (ret = authenticate(s, o, err)) != MCERT_OK)
		goto fail;
	*out = c;
	return MCERT_OK;
fail:
	mcert_ssh_close(c);
	return ret;
}

const char *
mcert_ssh_host(const struct mcert_ssh *c)
{
	return c->host;
}

int
mcert_ssh_keepalive(struct mcert_ssh *c)
{
	return ssh_send_ignore(c->session, "keepalive") == SSH_OK ? 0 : -1;
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

/* The connection's SFTP session, started on first use. */
static sftp_session
sftp_start(struct mcert_ssh *c, struct mcert_error *err)
{
	if (c->sftp != NULL)
		return c->sftp;
	c->sftp = sftp_new(c->session);
	if (c->sftp == NULL || sftp_init(c->sftp) != SSH_OK) {
		ssh_failed(err, c->session, c->host,
		    mcert_tr(N_("cannot start SFTP")));
		sftp_free(c->sftp);
		c->sftp = NULL;
	}
	return c->sftp;
}

/* Reads name over an open SFTP session: at most max bytes. */
static int
sftp_read_all(struct mcert_ssh *c, sftp_session sftp, const char *name,
    size_t max, unsigned char **data, size_t *len, struct mcert_error *err)
{
	unsigned char chunk[16384], *buf = NULL, *grown;
	size_t have = 0;
	sftp_file f;
	ssize_t n;
	int ret = MCERT_OK;

	*data = NULL;
	*len = 0;
	if ((f = sftp_open(sftp, name, O_RDONLY, 0)) == NULL)
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: cannot read %s over SFTP"), c->host, name);
	while ((n = sftp_read(f, chunk, sizeof(chunk))) > 0) {
		if (have + (size_t)n > max ||
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
	if (ret == MCERT_OK && buf == NULL && (buf = malloc(1)) == NULL)
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if (ret != MCERT_OK) {
		if (buf != NULL)
			mcert_wipe(buf, have);
		free(buf);
		return ret;
	}
	*data = buf;
	*len = have;
	return MCERT_OK;
}

int
mcert_sftp_get(struct mcert_ssh *c, const char *name, unsigned char **data,
    size_t *len, struct mcert_error *err)
{
	return mcert_sftp_get_max(c, name, 16u * 1024 * 1024, data, len, err);
}

int
mcert_sftp_get_max(struct mcert_ssh *c, const char *name, size_t max,
    unsigned char **data, size_t *len, struct mcert_error *err)
{
	sftp_session sftp;

	*data = NULL;
	*len = 0;
	if ((sftp = sftp_start(c, err)) == NULL)
		return MCERT_E_IO;
	return sftp_read_all(c, sftp, name, max, data, len, err);
}

static int
sftp_exists(sftp_session sftp, const char *name)
{
	sftp_attributes st = sftp_stat(sftp, name);

	sftp_attributes_free(st);
	return st != NULL;
}

/* Writes data to part (new), then reads it back and compares. */
static int
put_part(struct mcert_ssh *c, sftp_session sftp, const char *part,
    const char *name, const void *data, size_t len, struct mcert_error *err)
{
	unsigned char *back = NULL;
	size_t backlen = 0, off = 0;
	sftp_file f;
	ssize_t n;
	int ret, same;

	/* O_EXCL: a file that appeared meanwhile is not replaced either. */
	if ((f = sftp_open(sftp, part, O_WRONLY | O_CREAT | O_EXCL, 0600)) ==
	    NULL)
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: cannot create %s over SFTP"), c->host, part);
	while (off < len && (n = sftp_write(f, (const char *)data + off,
	    len - off)) > 0)
		off += (size_t)n;
	if (sftp_close(f) != SSH_OK || off != len)
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: the upload of %s was cut short (is the server's "
		    "disk full?); free some space and run again"), c->host,
		    name);
	/* The upload counts only if what landed is exact. */
	if ((ret = sftp_read_all(c, sftp, part, 16u * 1024 * 1024, &back,
	    &backlen, err)) != MCERT_OK)
		return ret;
	same = backlen == len && CRYPTO_memcmp(back, data, len) == 0;
	mcert_wipe(back, backlen);
	free(back);
	if (!same)
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: %s reads back different from what was sent; run "
		    "again"), c->host, name);
	return MCERT_OK;
}

int
mcert_sftp_put(struct mcert_ssh *c, const char *name, const void *data,
    size_t len, struct mcert_error *err)
{
	sftp_session sftp;
	char part[512];
	int ret;

	if (strlen(name) + sizeof(MCERT_PART_PREFIX) > sizeof(part))
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s: the name %s is too long"), c->host, name);
	snprintf(part, sizeof(part), "%s%s", MCERT_PART_PREFIX, name);
	if ((sftp = sftp_start(c, err)) == NULL)
		return MCERT_E_IO;
	if (sftp_exists(sftp, name))
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: %s already exists on the server; meetcert never "
		    "uploads over a file (it may be live): use a new name"),
		    c->host, name);
	/* A part left by an upload that was cut short is ours: it goes. */
	if (sftp_exists(sftp, part))
		sftp_unlink(sftp, part);
	ret = put_part(c, sftp, part, name, data, len, err);
	/* rename never replaces a file (SFTP v3): the name stays new. */
	if (ret == MCERT_OK && sftp_rename(sftp, part, name) != SSH_OK)
		ret = mcert_error_set(err, MCERT_E_IO, N_("%s: cannot rename "
		    "%s to %s on the server"), c->host, part, name);
	if (ret != MCERT_OK)
		sftp_unlink(sftp, part);
	return ret;
}

void
mcert_ssh_close(struct mcert_ssh *c)
{
	if (c == NULL)
		return;
	sftp_free(c->sftp);
	if (c->session != NULL) {
		ssh_disconnect(c->session);
		ssh_free(c->session);
	}
	free(c->host);
	free(c);
}
