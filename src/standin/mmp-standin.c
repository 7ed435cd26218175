/* A Meeting Server MMP stand-in, run by a real sshd as its ForceCommand
 * (tests/mmp/rig.sh, ../shared/testing.md).  It answers like the MMP shell of
 * the guide and the lab, checks what it is given with the core, and keeps
 * what is bound in $MMP_DIR/.mmp-state.json so tests can assert it.
 *
 * Environment: MMP_HOST (prompt), MMP_DIR (the flat SFTP directory),
 * MMP_ADDR (this node's address in the database cluster; default MMP_HOST),
 * MMP_CLUSTER (the JSON file the hosts of one rig share for the database
 * cluster; default $MMP_DIR/.mmp-cluster.json), SSH_ORIGINAL_COMMAND (exec
 * request; unset for a shell, which prints "<host>> " before each line).
 * A command line is split on blanks; "double quotes" group words and are
 * removed (O:"Example Inc." is one word); an unclosed quote is
 * "Invalid command".
 *
 * Knobs, from the environment or, one VAR=VALUE a line, $MMP_DIR/.mmp-knobs
 * (read on each connection, the file winning, so a test can change them
 * without restarting sshd):
 *   MMP_FAIL_ON=PREFIX     a command starting with PREFIX prints
 *                          "FAILURE: <command>: operation failed"
 *   MMP_DROP_AFTER=N       the session ends (exit 255) before command N+1
 *   MMP_DROP_ON=PREFIX     the session ends (exit 255) on a command starting
 *                          with PREFIX, before it runs
 *   MMP_SLOW_MS=N          every command is answered N ms late (exec, shell)
 *   MMP_DROP_MID_UPLOAD=N  SFTP: the server takes the first N bytes of file
 *                          data the client writes (SSH_FXP_WRITE data, counted
 *                          over the session), then the session ends (exit
 *                          255): an upload of more than N bytes leaves a file
 *                          of exactly N bytes and the client sees the
 *                          connection drop
 *   MMP_DISK_BYTES=N       a full disk with N bytes free: an SFTP upload runs
 *                          under RLIMIT_FSIZE N (SIGXFSZ ignored), so writes
 *                          past byte N fail ("Failure"); an MMP command may
 *                          write N bytes in all, the file that does not fit
 *                          fails with "FAILURE: <file>: write failed: No
 *                          space left on device" (files written before it
 *                          stay: a pki csr may leave its key without a CSR)
 *   MMP_CONNECT_DELAY_MS=N a joining or connecting node shows "Connecting"
 *                          for N ms, then "Connected" (default 300)
 *
 * What it prints, command by command ("Invalid command" for any other
 * form; "FAILURE: <file>: file not found" for a file not in the directory;
 * "FAILURE: <file>: unable to load file: <core message>" for a damaged one).
 * Taken from the lab (003) and the guide: the pki csr lines and dots, "Invalid
 * CSR name. Must be alphanumeric", "Invalid argument", "Matching certificate
 * and private key", the callbridge and Key/certificate SUCCESS/FAILURE lines,
 * "Connected Primary" and "(me)"; every other text is ours, one line each:
 *
 * pki list        "User supplied certificates and keys:", then one name a line
 * pki inspect F   "Checking F ...", "Private key: RSA 2048 bits" or
 *                 "Private key: encrypted (use pki unlock)", "Certificate:"
 *                 with "    Subject  : ..." style lines (Subject, Issuer,
 *                 Serial Number, Not valid before/after, Subject Alt Name,
 *                 CA), the label padded to 19
 * pki match K C   "Matching certificate and private key" |
 *                 "FAILURE: certificate and key do not match"
 * pki verify C [B [CA]]  "SUCCESS: C verified" | "FAILURE: <core finding>"
 * pki csr NAME CN:v [OU:v] [O:v] [L:v] [ST:v] [C:v] [emailAddress:v]
 *     [subjectAltName:a,b]   (RSA 2048; the CN is appended to a SAN list
 *     without it when it is a host name; a CN that is not one is taken as is)
 *                 "..................." and "......................." (the
 *                 key's progress dots, two lines), then
 *                 "Created key file NAME.key and CSR NAME.csr"
 *                 "CSR file NAME.csr ready for download via SFTP"
 *                 NAME.key is 0600.  An existing NAME.key is replaced without
 *                 a word, as the real MMP does (the guide's warning), and
 *                 NAME is added to the state's "overwritten" list.
 *                 Bad NAME (core basename rule): "Invalid CSR name. Must be
 *                 alphanumeric" (the lab's text: no FAILURE prefix).  Bad
 *                 attribute, no CN, a SAN list with a space or an empty item:
 *                 "Invalid argument" (the lab's text).
 * pki selfsigned NAME [CN:v ...]  (no CN: CN=NAME; a CA certificate, 10 years)
 *                 the two dot lines, then
 *                 "Created key file NAME.key and self-signed certificate
 *                 NAME.crt"; names, attributes and "overwritten" as pki csr
 * pki sign NAME CA  signs NAME.csr with CA.key as CA.crt into NAME.crt (365
 *                 days, TLS server and client), replacing an old NAME.crt:
 *                 "Created certificate NAME.crt signed by CA.crt" |
 *                 "FAILURE: unable to sign NAME.csr with CA.crt: <core>" |
 *                 "FAILURE: <file>: no certificate signing request in file"
 *                 (or "no certificate", "no private key"); a bad name:
 *                 "Invalid CSR name. Must be alphanumeric"
 * pki unlock K    K is a file, else K.key.  Prompts "Enter password: " (no
 *                 newline; the terminal's echo off), reads one line, prints a
 *                 newline, and replaces the file with the unencrypted key
 *                 (0600): "SUCCESS: K unlocked" |
 *                 "FAILURE: K: incorrect password" |
 *                 "FAILURE: K: no password given" (end of input) |
 *                 "FAILURE: K: private key is not encrypted" (no prompt) |
 *                 "FAILURE: K: no private key in file" (no prompt) |
 *                 "FAILURE: K: unable to load file: <core>"
 *
 * <svc> = callbridge|webadmin|webbridge3|turn|meetingapps
 * <svc> certs KEY CERT [BUNDLE]  "SUCCESS: Key and certificate pair match" |
 *                 "FAILURE: Key and certificate problem: certificate and key
 *                 do not match"; "<svc> certs none": "SUCCESS: certificate
 *                 configuration removed"
 * webbridge3 https|c2w certs KEY FULLCHAIN, webbridge3 c2w trust B,
 * callbridge trust c2w|cluster B   "SUCCESS: trust bundle configured"
 * <svc> enable|disable|restart     "SUCCESS: <svc> enabled" (restarted,
 *                 disabled); callbridge restart: "SUCCESS: listen interface
 *                 configured" and "SUCCESS: Key and certificate pair match"
 * <svc>           "Enabled : true", "Key file : K", "Certificate file : C",
 *                 "CA Bundle file : B" (labels padded to 35; "none" unset);
 *                 webbridge3: HTTPS/C2W Key file, HTTPS/C2W Full chain
 *                 certificate file, C2W trusted certificate bundle;
 *                 callbridge adds C2W and Cluster trusted certificate bundle
 * tls sip|ldap    "Trust bundle : B|none", "Verification : enabled|disabled|
 *                 ocsp" (labels padded to 35)
 * tls sip|ldap trust B|none  "SUCCESS: trust bundle configured" (state
 *                 services.tls-sip|tls-ldap.trust)
 * tls sip|ldap verify enable|disable|ocsp  "SUCCESS: verification enabled"
 *                 (disabled, ocsp)
 *
 * database cluster certs SKEY SCERT CKEY CCERT CA  (a database node) or
 * database cluster certs CKEY CCERT CA             (a connect-only node)
 *                 "SUCCESS: database cluster certificates configured" |
 *                 "FAILURE: database cluster certificates cannot be changed
 *                 while this node is in a database cluster; run database
 *                 cluster remove first"
 * database cluster localnode a..e   no output (recorded as localnode)
 * database cluster initialize | join ADDR | connect ADDR
 *     A failure is one line "FAILURE: database cluster <verb> failed:
 *     <reason>" (or "FAILURE: <file>: file not found" for a configured file
 *     since deleted), the reasons being:
 *       "certificates not configured: <server key, server certificate,
 *        client key, client certificate, CA certificate> missing; use
 *        database cluster certs"  (connect needs only the client's and CA)
 *       "Key and certificate problem: K and C do not match"
 *       "C is not signed by the database cluster CA CA: <core finding>"
 *       "certificate authentication failed for user \"postgres\" (C has
 *        CN=<cn>)"   (the client certificate's CN must be postgres)
 *       "this node is already in a database cluster; run database cluster
 *        remove first"
 *       "ADDR is not the primary of a database cluster"
 *       "SSL error: certificate verify failed: <client|server> certificate
 *        C of <this node|ADDR> is not trusted by CA of <ADDR|this node>:
 *        <core finding>"   (join checks this node's client certificate
 *        against the primary's CA, the primary's server and client
 *        certificates against this node's CA; connect the first two)
 *       "cannot update the shared cluster file PATH"
 *     Success: "SUCCESS: database cluster initialized with this node (ADDR)
 *     as primary" | "SUCCESS: joining database cluster at ADDR; see database
 *     cluster status" | "SUCCESS: connecting to database cluster at ADDR;
 *     see database cluster status"
 * database cluster status
 *                 "Status                    : Enabled|Disabled" (label
 *                 padded to 26), "Nodes:", then per node of this node's
 *                 cluster, primary first, then in joining order:
 *                 "    <ADDR>[ (me)]          : <state>" (address padded to
 *                 22), state "Connected Primary", "Connecting Replica" /
 *                 "Connected Replica" (joined), "Connecting Client" /
 *                 "Connected Client" (connect-only).  A node in no shared
 *                 cluster prints its state file's "database" object instead
 *                 (status, default Disabled, and nodes: a fixture for tests).
 * database cluster remove   "WARNING!!! This will remove this node from the
 *                 database cluster. Are you sure? (Y/N)", reads a line; only
 *                 "Y": "SUCCESS: Node removed from database cluster" (and out
 *                 of the shared cluster), else "Aborted: database cluster not
 *                 changed"
 * hostname        MMP_HOST
 * exit, quit      end the shell
 *
 * The state file: {"services": {<svc>|webbridge3-https|webbridge3-c2w|
 * tls-sip|tls-ldap: {key, cert, bundle, trust, trust-c2w, trust-cluster,
 * enabled, last, verify}}, "database": {status, nodes, certs {server_key,
 * server_cert, client_key, client_cert, ca}, localnode}, "overwritten":
 * [NAME, ...]}.
 * The shared cluster file: {"nodes": [{"address", "host", "dir" (the node's
 * MMP_DIR), "role": "primary"|"replica"|"client", "primary" (its primary's
 * address), "certs" {server_key, server_cert, client_key, client_cert, ca},
 * "joined_ms", "connected_ms" (ms since the epoch)}]}, read and written
 * under flock(2).
 *
 * mmp-standin --serve: Web Bridge 3's listening ports, for the live TLS
 * probes of Validate (started by meetcert lab start and tests/mmp/rig.sh's
 * rig_tls, never by sshd).  Environment: MMP_DIR, MMP_ADDR (the address to
 * listen on; default 127.0.0.1), MMP_HTTPS_PORT (default 443) and
 * MMP_C2W_PORT (default 9999); a port of 0 is not served.  It listens on
 * both, then takes one connection at a time (poll, no threads), each
 * bounded to 2 s from accept to close.  Per connection it reads the state
 * file again and, for webbridge3-https (the https port) or webbridge3-c2w
 * (the c2w port), presents the bound key with the whole of the bound
 * full-chain file, leaf first, as its chain (files read with the core
 * loader; OpenSSL security level 0, so whatever is bound is presented; no
 * session tickets), completes the handshake, sends close_notify and waits
 * for the peer to close: a new binding shows on the next connection.  It
 * refuses (accepts, then closes at once) when "enabled" is false for
 * webbridge3 or the slot (webbridge3 disable), when nothing is bound, or
 * when a file is missing, does not load, holds a locked key or does not
 * match.  On stderr: "mmp-standin: serving https on ADDR:PORT and c2w on
 * ADDR:PORT" once both listen, then a line per connection, "HH:MM:SS
 * ADDR:PORT presented CERT with KEY (N certificates) (TLSv1.3)", "...
 * refused: <why>" or "... no handshake: timed out|failed".  It exits 1
 * when a port cannot be listened on (with a message), 0 within about a
 * second once MMP_DIR is gone (a rig removed without stopping it), and
 * SIGTERM, SIGINT or SIGHUP end it at once (their default action; the
 * signal mask is cleared at start). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "ca.h"
#include "csr.h"
#include "files.h"
#include "keygen.h"
#include "load.h"
#include "names.h"
#include "verify.h"
#include "x509.h"

#define STATE_FILE ".mmp-state.json"
#define KNOBS_FILE ".mmp-knobs"
#define CLUSTER_FILE ".mmp-cluster.json"
#define SFTP_SERVER "/usr/lib/openssh/sftp-server"
#define BAD_NAME "Invalid CSR name. Must be alphanumeric"
#define NAME_MAX_LEN 96

static const char *host = "cms";
static struct {
	char fail_on[256];
	char drop_on[256];
	long drop_after;
	long drop_mid_upload;
	long slow_ms;
	long disk_bytes;
	long connect_delay_ms;
} knobs = { "", "", -1, -1, 0, -1, 300 };
static json_t *state;
static FILE *in;

static const struct {
	const char *name;
	long *value;
} long_knobs[] = {
	{ "MMP_DROP_AFTER", &knobs.drop_after },
	{ "MMP_DROP_MID_UPLOAD", &knobs.drop_mid_upload },
	{ "MMP_SLOW_MS", &knobs.slow_ms },
	{ "MMP_DISK_BYTES", &knobs.disk_bytes },
	{ "MMP_CONNECT_DELAY_MS", &knobs.connect_delay_ms },
};
#define NLONG_KNOBS (sizeof(long_knobs) / sizeof(long_knobs[0]))

static void
knob_set(const char *name, const char *value)
{
	size_t i;

	if (strcmp(name, "MMP_FAIL_ON") == 0) {
		snprintf(knobs.fail_on, sizeof(knobs.fail_on), "%s", value);
		return;
	}
	if (strcmp(name, "MMP_DROP_ON") == 0) {
		snprintf(knobs.drop_on, sizeof(knobs.drop_on), "%s", value);
		return;
	}
	for (i = 0; i < NLONG_KNOBS; i++)
		if (strcmp(name, long_knobs[i].name) == 0 && *value != '\0')
			*long_knobs[i].value = strtol(value, NULL, 10);
}

static void
knobs_read(void)
{
	char line[512], *eq, *v;
	size_t i;
	FILE *f;

	if (getenv("MMP_FAIL_ON") != NULL)
		knob_set("MMP_FAIL_ON", getenv("MMP_FAIL_ON"));
	for (i = 0; i < NLONG_KNOBS; i++)
		if ((v = getenv(long_knobs[i].name)) != NULL)
			knob_set(long_knobs[i].name, v);
	if ((f = fopen(KNOBS_FILE, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		knob_set(line, eq + 1);
	}
	fclose(f);
}

/* ---- time and plain I/O */

/* Wall-clock milliseconds: every host of a rig reads the same clock. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The whole of fd from its start into a new buffer (NUL-terminated). */
static int
read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *grown;
	ssize_t r;

	while (buf != NULL) {
		if (n + 1 >= cap) {
			if ((grown = realloc(buf, cap * 2)) == NULL)
				break;
			buf = grown;
			cap *= 2;
		}
		if ((r = pread(fd, buf + n, cap - n - 1, (off_t)n)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			buf[n] = '\0';
			*out = buf;
			*len = n;
			return r == 0 ? 0 : -1;
		}
		n += (size_t)r;
	}
	free(buf);
	return -1;
}

/* ---- state on disk */

static void
state_load(void)
{
	json_error_t jerr;

	state = json_load_file(STATE_FILE, 0, &jerr);
	if (state == NULL || !json_is_object(state)) {
		json_decref(state);
		state = json_object();
	}
}

static void
state_save(void)
{
	if (json_dump_file(state, STATE_FILE ".tmp",
	    JSON_INDENT(2) | JSON_SORT_KEYS) == 0)
		rename(STATE_FILE ".tmp", STATE_FILE);
}

/* The object at state[name], made when missing. */
static json_t *
state_obj(json_t *parent, const char *name)
{
	json_t *o = json_object_get(parent, name);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, name, o);
	}
	return o;
}

static const char *
state_str(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s != NULL ? s : "none";
}

/* Records that a key was replaced by the MMP itself: tests assert that
 * meetcert never made this happen. */
static void
state_note_overwrite(const char *name)
{
	json_t *a = json_object_get(state, "overwritten"), *v;
	size_t i;

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(state, "overwritten", a);
	}
	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v) != NULL ?
		    json_string_value(v) : "", name) == 0)
			return;
	json_array_append_new(a, json_string(name));
}

/* ---- files */

/* dir/name, or name itself when dir is NULL (this node's directory). */
static const char *
path_in(const char *dir, const char *name, char *buf, size_t size)
{
	if (dir == NULL)
		return name;
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

static int
file_ok(const char *name)
{
	struct stat st;

	return strchr(name, '/') == NULL && name[0] != '.' &&
	    stat(name, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *
kind_name(enum mcert_kind kind)
{
	switch (kind) {
	case MCERT_KIND_KEY:
		return "private key";
	case MCERT_KIND_CSR:
		return "certificate signing request";
	default:
		return "certificate";
	}
}

/* Loads the first object of kind in name; NULL with a FAILURE printed. */
static struct mcert_file *
load_one(const char *name, enum mcert_kind kind,
    const struct mcert_object **obj)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return NULL;
	}
	if (mcert_file_load(name, 0, NULL, &f, &err) != 0) {
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
		return NULL;
	}
	if ((*obj = mcert_file_first(f, kind)) == NULL) {
		printf("FAILURE: %s: no %s in file\n", name, kind_name(kind));
		mcert_file_free(f);
		return NULL;
	}
	return f;
}

/* 1 when key file and cert file load and match; else a FAILURE printed. */
static int
key_cert_match(const char *key, const char *cert, const char *failure)
{
	const struct mcert_object *k, *c;
	struct mcert_file *kf, *cf = NULL;
	int ok = 0;

	if ((kf = load_one(key, MCERT_KIND_KEY, &k)) == NULL ||
	    (cf = load_one(cert, MCERT_KIND_CERT, &c)) == NULL)
		goto out;
	if (mcert_key_matches(k->key, X509_get0_pubkey(c->cert)) == 1)
		ok = 1;
	else
		puts(failure);
out:
	mcert_file_free(kf);
	mcert_file_free(cf);
	return ok;
}

/* 1 when the first certificate in leaf chains, through the others in its
 * file, to a certificate in ca, fit for role; else 0 with why set. */
static int
chains_to(const char *leaf_dir, const char *leaf, const char *ca_dir,
    const char *ca, enum mcert_role role, char *why, size_t whylen)
{
	struct mcert_verify_opts opts = { .role = role, .max_depth = -1 };
	struct mcert_verify_result res = { 0 };
	struct mcert_error err = { 0 };
	struct mcert_file *lf = NULL, *cf = NULL;
	struct mcert_cert *lc = NULL, *ac = NULL;
	char lp[PATH_MAX], cp[PATH_MAX];
	size_t nl = 0, na = 0;
	int ok = 0;

	if (mcert_file_load(path_in(leaf_dir, leaf, lp, sizeof(lp)), 0, NULL,
	    &lf, &err) != 0 || mcert_file_load(path_in(ca_dir, ca, cp,
	    sizeof(cp)), 0, NULL, &cf, &err) != 0 ||
	    mcert_file_certs(lf, &lc, &nl, &err) != 0 ||
	    mcert_file_certs(cf, &ac, &na, &err) != 0) {
		snprintf(why, whylen, "%s", err.msg);
		goto out;
	}
	if (nl == 0 || na == 0) {
		snprintf(why, whylen, "no certificate in %s", nl == 0 ? leaf :
		    ca);
		goto out;
	}
	if (mcert_verify(&lc[0], lc + 1, nl - 1, ac, na, &opts, &res,
	    &err) != 0) {
		snprintf(why, whylen, "%s", err.msg);
		goto out;
	}
	if (!(ok = res.ok))
		snprintf(why, whylen, "%s", res.findings.n > 0 ?
		    res.findings.v[0].text : "certificate verify failed");
	mcert_verify_result_free(&res);
out:
	free(lc);
	free(ac);
	mcert_file_free(lf);
	mcert_file_free(cf);
	return ok;
}

/* Writes a file the MMP's way: over any old one, within the room the disk
 * has left (*room < 0: no limit).  0, or -1 with a FAILURE printed. */
static int
write_over(const char *name, const void *data, size_t len, mode_t mode,
    long *room)
{
	struct mcert_error err = { 0 };

	if (*room >= 0 && len > (size_t)*room) {
		printf("FAILURE: %s: write failed: No space left on device\n",
		    name);
		return -1;
	}
	if (unlink(name) == -1 && errno != ENOENT) {
		printf("FAILURE: %s: write failed: %s\n", name,
		    strerror(errno));
		return -1;
	}
	if (mcert_write_new(name, data, len, mode, &err) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
		return -1;
	}
	if (*room >= 0)
		*room -= (long)len;
	return 0;
}

/* A certificate (x) or a request (r) as PEM in a new buffer, or NULL. */
static char *
pem_text(X509 *x, X509_REQ *r, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (b != NULL && (x != NULL ? PEM_write_bio_X509(b, x) :
	    PEM_write_bio_X509_REQ(b, r)) == 1 &&
	    (n = BIO_get_mem_data(b, &data)) > 0 &&
	    (out = malloc((size_t)n)) != NULL) {
		memcpy(out, data, (size_t)n);
		*len = (size_t)n;
	}
	BIO_free(b);
	return out;
}

/* ---- pki: looking */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
pki_list(void)
{
	char *names[1024];
	size_t n = 0, i;
	struct dirent *d;
	DIR *dir;

	puts("User supplied certificates and keys:");
	if ((dir = opendir(".")) == NULL)
		return;
	while ((d = readdir(dir)) != NULL && n < 1024)
		if (d->d_name[0] != '.' && file_ok(d->d_name))
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		puts(names[i]);
		free(names[i]);
	}
}

static void
print_time(const char *label, time_t t)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%b %e %H:%M:%S %Y GMT", &tm);
	printf("    %-19s: %s\n", label, buf);
}

static void
print_cert(X509 *x)
{
	struct mcert_error err = { 0 };
	struct mcert_cert_info ci;
	size_t j;

	if (mcert_cert_info(x, time(NULL), &ci, &err) != 0)
		return;
	printf("Certificate:\n");
	printf("    %-19s: %s\n", "Subject", ci.subject);
	printf("    %-19s: %s\n", "Issuer", ci.issuer);
	printf("    %-19s: %s\n", "Serial Number", ci.serial);
	print_time("Not valid before", ci.not_before);
	print_time("Not valid after", ci.not_after);
	for (j = 0; j < ci.nsan; j++)
		printf("    %-19s: %s%s\n", "Subject Alt Name",
		    ci.san[j].kind == MCERT_SAN_IP ? "IP:" : "DNS:",
		    ci.san[j].value);
	printf("    %-19s: %s\n", "CA", ci.has_bc && ci.ca ? "true" : "false");
	mcert_cert_info_free(&ci);
}

static void
pki_inspect(const char *name)
{
	struct mcert_error err = { 0 };
	struct mcert_key_info ki;
	struct mcert_file *f = NULL;
	size_t i;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return;
	}
	if (mcert_file_load(name, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) != 0) {
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
		return;
	}
	printf("Checking %s ...\n", name);
	for (i = 0; i < f->nobj; i++) {
		const struct mcert_object *o = &f->obj[i];

		if (o->kind == MCERT_KIND_KEY && o->key == NULL) {
			puts("Private key: encrypted (use pki unlock)");
		} else if (o->kind == MCERT_KIND_KEY) {
			mcert_key_info(o->key, &ki);
			printf("Private key: %s %d bits\n", ki.type, ki.bits);
		} else if (o->kind == MCERT_KIND_CERT) {
			print_cert(o->cert);
		}
	}
	mcert_file_free(f);
}

static void
pki_match(const char *key, const char *cert)
{
	if (key_cert_match(key, cert,
	    "FAILURE: certificate and key do not match"))
		puts("Matching certificate and private key");
}

/* pki verify CERT [BUNDLE [CA]]: with a CA file its certificates are the
 * anchors; otherwise the self-signed ones among those given. */
static void
pki_verify(char **argv, int argc)
{
	struct mcert_cert *all = NULL, *untrusted = NULL, *anchors = NULL;
	size_t nall = 0, nu = 0, na = 0, from_ca = 0, i;
	struct mcert_verify_opts opts = { .role = MCERT_ROLE_ANY,
	    .max_depth = -1 };
	struct mcert_file *files[3] = { NULL, NULL, NULL };
	struct mcert_verify_result res = { 0 };
	struct mcert_error err = { 0 };
	const struct mcert_object *leaf;
	struct mcert_cert lc;
	int i2;

	if ((files[0] = load_one(argv[0], MCERT_KIND_CERT, &leaf)) == NULL)
		return;
	/* a full chain verifies on its own: its other certificates count */
	if (mcert_file_certs(files[0], &all, &nall, &err) != 0)
		goto out;
	for (i2 = 1; i2 < argc && i2 < 3; i2++) {
		const struct mcert_object *o;

		if ((files[i2] = load_one(argv[i2], MCERT_KIND_CERT, &o)) ==
		    NULL)
			goto out;
		if (i2 == 2)
			from_ca = nall;
		if (mcert_file_certs(files[i2], &all, &nall, &err) != 0)
			goto out;
	}
	untrusted = calloc(nall + 1, sizeof(*untrusted));
	anchors = calloc(nall + 1, sizeof(*anchors));
	if (untrusted == NULL || anchors == NULL)
		goto out;
	for (i = 0; i < nall; i++) {
		int anchor = argc >= 3 ? i >= from_ca :
		    mcert_is_self_signed(all[i].x509) == 1;

		if (anchor)
			anchors[na++] = all[i];
		else
			untrusted[nu++] = all[i];
	}
	lc = (struct mcert_cert){ leaf->cert, argv[0], 1 };
	if (na == 0 && mcert_is_self_signed(leaf->cert) == 1)
		anchors[na++] = lc;
	if (mcert_verify(&lc, untrusted, nu, anchors, na, &opts, &res,
	    &err) != 0) {
		printf("FAILURE: %s\n", err.msg);
		goto out;
	}
	if (res.ok)
		printf("SUCCESS: %s verified\n", argv[0]);
	else
		printf("FAILURE: %s\n", res.findings.n > 0 ?
		    res.findings.v[0].text : "certificate chain not verified");
	mcert_verify_result_free(&res);
out:
	free(all);
	free(untrusted);
	free(anchors);
	for (i2 = 0; i2 < 3; i2++)
		mcert_file_free(files[i2]);
}

/* ---- pki: making keys and certificates */

/* The attributes as pki takes them: the CN is checked as a host name (and
 * appended to the SAN list) when it is one, taken as is when it is not
 * ("My company CA"); selfsigned without a CN uses the basename. */
static int
subject_parse(const char *name, char **attrs, int n, int selfsigned,
    struct mcert_subject *s)
{
	char cn[NAME_MAX_LEN + 4], **v;
	int i, r, has_cn = 0;

	for (i = 0; i < n; i++)
		has_cn |= strncmp(attrs[i], "CN:", 3) == 0;
	if (has_cn || !selfsigned)
		return mcert_subject_parse(n, attrs, MCERT_CN_HOST, s, NULL) ==
		    MCERT_OK || mcert_subject_parse(n, attrs, MCERT_CN_FREE, s,
		    NULL) == MCERT_OK ? 0 : -1;
	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL)
		return -1;
	snprintf(cn, sizeof(cn), "CN:%s", name);
	v[0] = cn;
	for (i = 0; i < n; i++)
		v[i + 1] = attrs[i];
	r = mcert_subject_parse(n + 1, v, MCERT_CN_FREE, s, NULL);
	free(v);
	return r == MCERT_OK ? 0 : -1;
}

/* Writes NAME.key, then NAME.<ext>: a live NAME.key is replaced without a
 * word, as the MMP does, and noted in the state's "overwritten". */
static int
write_made(const char *name, EVP_PKEY *key, const char *ext,
    const char *text, size_t tlen)
{
	struct mcert_error err = { 0 };
	char keyname[NAME_MAX_LEN], outname[NAME_MAX_LEN], *pem;
	long room = knobs.disk_bytes;
	int existed, r;
	size_t len;

	snprintf(keyname, sizeof(keyname), "%s.key", name);
	snprintf(outname, sizeof(outname), "%s.%s", name, ext);
	if (mcert_key_to_pem(key, &pem, &len, &err) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
		return -1;
	}
	existed = file_ok(keyname);
	r = write_over(keyname, pem, len, 0600, &room);
	mcert_wipe(pem, len);
	free(pem);
	if (r != 0)
		return -1;
	if (existed) {
		state_note_overwrite(name);
		state_save();
	}
	return write_over(outname, text, tlen, 0644, &room);
}

/* pki csr NAME ATTR... and pki selfsigned NAME [ATTR...]. */
static void
pki_make(char **argv, int argc, int selfsigned)
{
	struct mcert_sign_opts so = { .usage = MCERT_USAGE_CA, .days = 3650 };
	struct mcert_error err = { 0 };
	struct mcert_subject s;
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509 *cert = NULL;
	char *text = NULL;
	size_t len = 0;

	memset(&s, 0, sizeof(s));
	if (mcert_name_check_basename(argv[0], NULL) != MCERT_OK) {
		puts(BAD_NAME);
		return;
	}
	if (subject_parse(argv[0], argv + 1, argc - 1, selfsigned, &s) != 0) {
		puts("Invalid argument");
		return;
	}
	if (mcert_key_generate(MCERT_KEY_RSA2048, &key, &err) != MCERT_OK ||
	    (selfsigned ? mcert_ca_selfsign(key, &s, &so, &cert, &err) :
	    mcert_csr_build(key, &s, 1, &req, &err)) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
		goto out;
	}
	if ((text = pem_text(cert, req, &len)) == NULL) {
		puts("FAILURE: out of memory");
		goto out;
	}
	puts("...................\n.......................");
	if (write_made(argv[0], key, selfsigned ? "crt" : "csr", text,
	    len) != 0)
		goto out;
	if (selfsigned)
		printf("Created key file %s.key and self-signed certificate "
		    "%s.crt\n", argv[0], argv[0]);
	else
		printf("Created key file %s.key and CSR %s.csr\n"
		    "CSR file %s.csr ready for download via SFTP\n", argv[0],
		    argv[0], argv[0]);
out:
	free(text);
	EVP_PKEY_free(key);
	X509_REQ_free(req);
	X509_free(cert);
	mcert_subject_free(&s);
}

/* pki sign NAME CA (guide §3.1.4): NAME.csr signed by CA.key as CA.crt. */
static void
pki_sign(const char *name, const char *ca)
{
	struct mcert_sign_opts so = { .usage = MCERT_USAGE_BOTH, .days = 365 };
	char csr[NAME_MAX_LEN], cakey[NAME_MAX_LEN], cacrt[NAME_MAX_LEN];
	char crt[NAME_MAX_LEN], *text = NULL;
	struct mcert_file *rf = NULL, *kf = NULL, *cf = NULL;
	const struct mcert_object *ro, *ko, *co;
	struct mcert_error err = { 0 };
	long room = knobs.disk_bytes;
	X509 *x = NULL;
	size_t len = 0;

	if (mcert_name_check_basename(name, NULL) != MCERT_OK ||
	    mcert_name_check_basename(ca, NULL) != MCERT_OK) {
		puts(BAD_NAME);
		return;
	}
	snprintf(csr, sizeof(csr), "%s.csr", name);
	snprintf(crt, sizeof(crt), "%s.crt", name);
	snprintf(cakey, sizeof(cakey), "%s.key", ca);
	snprintf(cacrt, sizeof(cacrt), "%s.crt", ca);
	if ((rf = load_one(csr, MCERT_KIND_CSR, &ro)) == NULL ||
	    (cf = load_one(cacrt, MCERT_KIND_CERT, &co)) == NULL ||
	    (kf = load_one(cakey, MCERT_KIND_KEY, &ko)) == NULL)
		goto out;
	if (mcert_ca_sign(ro->csr, co->cert, ko->key, &so, &x, &err) !=
	    MCERT_OK) {
		printf("FAILURE: unable to sign %s with %s: %s\n", csr, cacrt,
		    err.msg);
		goto out;
	}
	if ((text = pem_text(x, NULL, &len)) == NULL)
		puts("FAILURE: out of memory");
	else if (write_over(crt, text, len, 0644, &room) == 0)
		printf("Created certificate %s signed by %s\n", crt, cacrt);
out:
	free(text);
	X509_free(x);
	mcert_file_free(rf);
	mcert_file_free(kf);
	mcert_file_free(cf);
}

static int
secret_give(void *ctx, const char *file, char *buf, size_t size)
{
	const char *secret = ctx;
	size_t n = strlen(secret);

	if (n >= size)
		return -1;
	memcpy(buf, secret, n + 1);
	return (int)n;
}

/* Asks as the MMP does: the prompt without a newline, the terminal's echo
 * off while the line is read. */
static int
read_secret(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = tcgetattr(fileno(in), &old) == 0, ok;

	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(in), TCSANOW, &quiet);
	}
	fputs(prompt, stdout);
	fflush(stdout);
	ok = fgets(buf, (int)size, in) != NULL;
	if (tty)
		tcsetattr(fileno(in), TCSANOW, &old);
	putchar('\n');
	if (!ok)
		buf[0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return ok ? 0 : -1;
}

/* 1 when name holds an encrypted key; else a FAILURE printed. */
static int
is_locked_key(const char *name)
{
	struct mcert_error err = { 0 };
	const struct mcert_object *o;
	struct mcert_file *f = NULL;
	int locked = 0;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return 0;
	}
	if (mcert_file_load(name, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) != 0)
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
	else if ((o = mcert_file_first(f, MCERT_KIND_KEY)) == NULL)
		printf("FAILURE: %s: no private key in file\n", name);
	else if (!o->encrypted)
		printf("FAILURE: %s: private key is not encrypted\n", name);
	else
		locked = 1;
	mcert_file_free(f);
	return locked;
}

/* pki unlock KEY (guide App. C): the locked key replaced by the same key
 * unencrypted, under the same name. */
static void
pki_unlock(const char *arg)
{
	char name[NAME_MAX_LEN], secret[512], *pem = NULL;
	struct mcert_passphrase pp = { secret_give, secret };
	struct mcert_error err = { 0 };
	const struct mcert_object *o = NULL;
	struct mcert_file *f = NULL;
	long room = knobs.disk_bytes;
	size_t len = 0;

	if (file_ok(arg))
		snprintf(name, sizeof(name), "%s", arg);
	else
		snprintf(name, sizeof(name), "%s.key", arg);
	if (!is_locked_key(name))
		return;
	if (read_secret("Enter password: ", secret, sizeof(secret)) != 0) {
		printf("FAILURE: %s: no password given\n", name);
		return;
	}
	if (mcert_file_load(name, 0, &pp, &f, &err) != MCERT_OK ||
	    (o = mcert_file_first(f, MCERT_KIND_KEY)) == NULL) {
		if (err.code == MCERT_E_PASSPHRASE)
			printf("FAILURE: %s: incorrect password\n", name);
		else
			printf("FAILURE: %s: unable to load file: %s\n", name,
			    err.msg);
	} else if (mcert_key_to_pem(o->key, &pem, &len, &err) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
	} else if (write_over(name, pem, len, 0600, &room) == 0) {
		printf("SUCCESS: %s unlocked\n", name);
	}
	mcert_wipe(secret, sizeof(secret));
	if (pem != NULL)
		mcert_wipe(pem, len);
	free(pem);
	mcert_file_free(f);
}

static void
pki_command(char **argv, int argc)
{
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		pki_list();
	else if (argc == 2 && strcmp(argv[0], "inspect") == 0)
		pki_inspect(argv[1]);
	else if (argc == 3 && strcmp(argv[0], "match") == 0)
		pki_match(argv[1], argv[2]);
	else if (argc >= 2 && argc <= 4 && strcmp(argv[0], "verify") == 0)
		pki_verify(argv + 1, argc - 1);
	else if (argc >= 2 && strcmp(argv[0], "csr") == 0)
		pki_make(argv + 1, argc - 1, 0);
	else if (argc >= 2 && strcmp(argv[0], "selfsigned") == 0)
		pki_make(argv + 1, argc - 1, 1);
	else if (argc == 3 && strcmp(argv[0], "sign") == 0)
		pki_sign(argv[1], argv[2]);
	else if (argc == 2 && strcmp(argv[0], "unlock") == 0)
		pki_unlock(argv[1]);
	else
		puts("Invalid command");
}

/* ---- services */

#define MISMATCH "FAILURE: Key and certificate problem: " \
	"certificate and key do not match"

/* svc certs KEY CERT [BUNDLE] | certs none, into state[slot]. */
static void
svc_certs(const char *slot, char **argv, int argc, int bundle_ok)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	if (argc == 1 && strcmp(argv[0], "none") == 0) {
		json_object_del(o, "key");
		json_object_del(o, "cert");
		json_object_del(o, "bundle");
		state_save();
		puts("SUCCESS: certificate configuration removed");
		return;
	}
	if (argc < 2 || argc > (bundle_ok ? 3 : 2)) {
		puts("Invalid command");
		return;
	}
	if (argc == 3 && !file_ok(argv[2])) {
		printf("FAILURE: %s: file not found\n", argv[2]);
		return;
	}
	if (!key_cert_match(argv[0], argv[1], MISMATCH))
		return;
	json_object_set_new(o, "key", json_string(argv[0]));
	json_object_set_new(o, "cert", json_string(argv[1]));
	if (argc == 3)
		json_object_set_new(o, "bundle", json_string(argv[2]));
	else
		json_object_del(o, "bundle");
	state_save();
	puts("SUCCESS: Key and certificate pair match");
}

static void
svc_trust(const char *slot, const char *what, const char *file)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	if (strcmp(file, "none") != 0 && !file_ok(file)) {
		printf("FAILURE: %s: file not found\n", file);
		return;
	}
	json_object_set_new(o, what, json_string(file));
	state_save();
	puts("SUCCESS: trust bundle configured");
}

/* enable/restart re-check the binding, as the real service does on start. */
static void
svc_switch(const char *svc, const char **slots, const char *verb)
{
	json_t *svcs = state_obj(state, "services"), *o;
	int i;

	for (i = 0; slots[i] != NULL; i++) {
		o = state_obj(svcs, slots[i]);
		json_object_set_new(o, "enabled",
		    json_boolean(strcmp(verb, "disable") != 0));
		if (strcmp(verb, "disable") != 0 &&
		    json_object_get(o, "key") != NULL &&
		    !key_cert_match(state_str(o, "key"), state_str(o, "cert"),
		    MISMATCH)) {
			state_save();
			return;
		}
	}
	o = state_obj(svcs, slots[0]);
	json_object_set_new(o, "last", json_string(verb));
	state_save();
	if (strcmp(verb, "disable") == 0)
		printf("SUCCESS: %s disabled\n", svc);
	else if (strcmp(svc, "callbridge") == 0)
		puts("SUCCESS: listen interface configured\n"
		    "SUCCESS: Key and certificate pair match");
	else
		printf("SUCCESS: %s %sd\n", svc,
		    strcmp(verb, "restart") == 0 ? "restarte" : verb);
}

static void
svc_status(const char *svc)
{
	json_t *svcs = state_obj(state, "services");
	json_t *o = state_obj(svcs, svc);
	json_t *c2w;

	printf("%-35s: %s\n", "Enabled", json_is_false(json_object_get(o,
	    "enabled")) ? "false" : "true");
	if (strcmp(svc, "webbridge3") == 0) {
		o = state_obj(svcs, "webbridge3-https");
		c2w = state_obj(svcs, "webbridge3-c2w");
		printf("%-35s: %s\n", "HTTPS Key file", state_str(o, "key"));
		printf("%-35s: %s\n", "HTTPS Full chain certificate file",
		    state_str(o, "cert"));
		printf("%-35s: %s\n", "C2W Key file", state_str(c2w, "key"));
		printf("%-35s: %s\n", "C2W Full chain certificate file",
		    state_str(c2w, "cert"));
		printf("%-35s: %s\n", "C2W trusted certificate bundle",
		    state_str(c2w, "trust"));
		return;
	}
	printf("%-35s: %s\n", "Key file", state_str(o, "key"));
	printf("%-35s: %s\n", "Certificate file", state_str(o, "cert"));
	printf("%-35s: %s\n", "CA Bundle file", state_str(o, "bundle"));
	if (strcmp(svc, "callbridge") == 0) {
		printf("%-35s: %s\n", "C2W trusted certificate bundle",
		    state_str(o, "trust-c2w"));
		printf("%-35s: %s\n", "Cluster trusted certificate bundle",
		    state_str(o, "trust-cluster"));
	}
}

static int
is_switch(const char *s)
{
	return strcmp(s, "enable") == 0 || strcmp(s, "disable") == 0 ||
	    strcmp(s, "restart") == 0;
}

static void
service_command(const char *svc, char **argv, int argc)
{
	const char *one[] = { svc, NULL };
	const char *wb3[] = { "webbridge3", "webbridge3-https",
	    "webbridge3-c2w", NULL };

	if (argc == 0)
		svc_status(svc);
	else if (argc == 1 && is_switch(argv[0]))
		svc_switch(svc, strcmp(svc, "webbridge3") == 0 ? wb3 : one,
		    argv[0]);
	else if (strcmp(svc, "webbridge3") == 0 && argc >= 2 &&
	    strcmp(argv[1], "certs") == 0 && (strcmp(argv[0], "https") == 0 ||
	    strcmp(argv[0], "c2w") == 0))
		svc_certs(strcmp(argv[0], "https") == 0 ? "webbridge3-https" :
		    "webbridge3-c2w", argv + 2, argc - 2, 0);
	else if (strcmp(svc, "webbridge3") == 0 && argc == 3 &&
	    strcmp(argv[0], "c2w") == 0 && strcmp(argv[1], "trust") == 0)
		svc_trust("webbridge3-c2w", "trust", argv[2]);
	else if (strcmp(svc, "callbridge") == 0 && argc == 3 &&
	    strcmp(argv[0], "trust") == 0 && (strcmp(argv[1], "c2w") == 0 ||
	    strcmp(argv[1], "cluster") == 0))
		svc_trust("callbridge", strcmp(argv[1], "c2w") == 0 ?
		    "trust-c2w" : "trust-cluster", argv[2]);
	else if (strcmp(svc, "webbridge3") != 0 && argc >= 1 &&
	    strcmp(argv[0], "certs") == 0)
		svc_certs(svc, argv + 1, argc - 1, 1);
	else
		puts("Invalid command");
}

/* ---- tls sip|ldap (guide §4.8) */

static void
tls_status(const char *slot)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	printf("%-35s: %s\n", "Trust bundle", state_str(o, "trust"));
	printf("%-35s: %s\n", "Verification", json_object_get(o, "verify") !=
	    NULL ? state_str(o, "verify") : "disabled");
}

static void
tls_verify(const char *slot, const char *mode)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);
	const char *v = strcmp(mode, "enable") == 0 ? "enabled" :
	    strcmp(mode, "disable") == 0 ? "disabled" : "ocsp";

	json_object_set_new(o, "verify", json_string(v));
	state_save();
	printf("SUCCESS: verification %s\n", v);
}

static void
tls_command(char **argv, int argc)
{
	const char *slot;

	if (argc < 1 || (strcmp(argv[0], "sip") != 0 &&
	    strcmp(argv[0], "ldap") != 0)) {
		puts("Invalid command");
		return;
	}
	slot = strcmp(argv[0], "sip") == 0 ? "tls-sip" : "tls-ldap";
	if (argc == 1)
		tls_status(slot);
	else if (argc == 3 && strcmp(argv[1], "trust") == 0)
		svc_trust(slot, "trust", argv[2]);
	else if (argc == 3 && strcmp(argv[1], "verify") == 0 &&
	    (strcmp(argv[2], "enable") == 0 || strcmp(argv[2], "disable") ==
	    0 || strcmp(argv[2], "ocsp") == 0))
		tls_verify(slot, argv[2]);
	else
		puts("Invalid command");
}

/* ---- database cluster: the file the hosts of a rig share */

static const char *
cluster_path(void)
{
	const char *p = getenv("MMP_CLUSTER");

	return p != NULL && *p != '\0' ? p : CLUSTER_FILE;
}

static const char *
my_address(void)
{
	const char *a = getenv("MMP_ADDR");

	return a != NULL && *a != '\0' ? a : host;
}

/* The shared cluster, read under flock, exclusive when it is to be
 * changed.  Never NULL: a missing or empty file is an empty cluster.  *fd
 * is -1 when the file could not be opened. */
static json_t *
cluster_open(int for_write, int *fd)
{
	json_t *c = NULL;
	char *buf = NULL;
	size_t len = 0;

	*fd = open(cluster_path(), for_write ? O_RDWR | O_CREAT | O_CLOEXEC :
	    O_RDONLY | O_CLOEXEC, 0666);
	if (*fd != -1 && flock(*fd, for_write ? LOCK_EX : LOCK_SH) == 0 &&
	    read_all(*fd, &buf, &len) == 0 && len > 0)
		c = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (!json_is_object(c)) {
		json_decref(c);
		c = json_object();
	}
	if (!json_is_array(json_object_get(c, "nodes")))
		json_object_set_new(c, "nodes", json_array());
	return c;
}

/* Writes c back when save, then unlocks and frees.  0, or -1 when the
 * file could not be written. */
static int
cluster_close(json_t *c, int fd, int save)
{
	char *text = NULL;
	int ret = 0;

	if (save && (fd == -1 || (text = json_dumps(c, JSON_INDENT(2) |
	    JSON_SORT_KEYS)) == NULL || ftruncate(fd, 0) == -1 ||
	    write_all(fd, text, strlen(text)) == -1))
		ret = -1;
	free(text);
	json_decref(c);
	if (fd != -1)
		close(fd);
	return ret;
}

static const char *
node_str(json_t *n, const char *name)
{
	const char *s = json_string_value(json_object_get(n, name));

	return s != NULL ? s : "";
}

/* The node at addr in c (its index in *index), or NULL. */
static json_t *
node_at(json_t *c, const char *addr, size_t *index)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(c, "nodes"), i, n)
		if (strcmp(node_str(n, "address"), addr) == 0) {
			if (index != NULL)
				*index = i;
			return n;
		}
	return NULL;
}

static int
cluster_member(void)
{
	int fd, member;
	json_t *c = cluster_open(0, &fd);

	member = node_at(c, my_address(), NULL) != NULL;
	cluster_close(c, fd, 0);
	return member;
}

/* This node as the cluster file records it. */
static json_t *
node_new(const char *role, const char *primary, json_t *certs)
{
	long long now = now_ms();
	char dir[PATH_MAX];

	if (getcwd(dir, sizeof(dir)) == NULL)
		dir[0] = '\0';
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I}",
	    "address", my_address(), "host", host, "dir", dir, "role", role,
	    "primary", primary, "certs", json_deep_copy(certs), "joined_ms",
	    (json_int_t)now, "connected_ms", (json_int_t)(strcmp(role,
	    "primary") == 0 ? now : now + knobs.connect_delay_ms));
}

static const char *
node_state(json_t *n, char *buf, size_t size)
{
	const char *role = node_str(n, "role");
	json_int_t at = json_integer_value(json_object_get(n,
	    "connected_ms"));

	if (strcmp(role, "primary") == 0)
		return "Connected Primary";
	snprintf(buf, size, "%s %s", now_ms() >= at ? "Connected" :
	    "Connecting", strcmp(role, "replica") == 0 ? "Replica" : "Client");
	return buf;
}

static void
cluster_leave(void)
{
	int fd;
	json_t *c = cluster_open(1, &fd);
	size_t i;

	if (node_at(c, my_address(), &i) != NULL) {
		json_array_remove(json_object_get(c, "nodes"), i);
		cluster_close(c, fd, 1);
	} else {
		cluster_close(c, fd, 0);
	}
}

/* ---- database cluster: this node's certificates */

static const char *const db_fields[] = { "server_key", "server_cert",
    "client_key", "client_cert", "ca" };
static const char *const db_labels[] = { "server key", "server certificate",
    "client key", "client certificate", "CA certificate" };

static const char *
db_file(json_t *certs, int i)
{
	return json_string_value(json_object_get(certs, db_fields[i]));
}

/* 1 when certs names every file the role needs; else a FAILURE that says
 * which are missing. */
static int
db_certs_ready(const char *verb, json_t *certs, int need_server)
{
	char missing[256] = "";
	size_t i;

	for (i = need_server ? 0 : 2; i < 5; i++)
		if (db_file(certs, (int)i) == NULL)
			snprintf(missing + strlen(missing), sizeof(missing) -
			    strlen(missing), "%s%s", missing[0] != '\0' ? ", " :
			    "", db_labels[i]);
	if (missing[0] == '\0')
		return 1;
	printf("FAILURE: database cluster %s failed: certificates not "
	    "configured: %s missing; use database cluster certs\n", verb,
	    missing);
	return 0;
}

static int
db_pair_ok(const char *verb, const char *key, const char *cert)
{
	char failure[512];

	snprintf(failure, sizeof(failure), "FAILURE: database cluster %s "
	    "failed: Key and certificate problem: %s and %s do not match",
	    verb, key, cert);
	return key_cert_match(key, cert, failure);
}

static int
db_signed_by_own_ca(const char *verb, const char *cert, const char *ca,
    enum mcert_role role)
{
	char why[1024];

	if (chains_to(NULL, cert, NULL, ca, role, why, sizeof(why)))
		return 1;
	printf("FAILURE: database cluster %s failed: %s is not signed by the "
	    "database cluster CA %s: %s\n", verb, cert, ca, why);
	return 0;
}

/* guide §3.1.4: the database client's CN must be postgres. */
static int
db_client_cn_ok(const char *verb, const char *cert)
{
	const struct mcert_object *o;
	struct mcert_file *f;
	char cn[256] = "";
	int ok;

	if ((f = load_one(cert, MCERT_KIND_CERT, &o)) == NULL)
		return 0;
	X509_NAME_get_text_by_NID(X509_get_subject_name(o->cert),
	    NID_commonName, cn, sizeof(cn));
	mcert_file_free(f);
	if ((ok = strcmp(cn, "postgres") == 0) == 0)
		printf("FAILURE: database cluster %s failed: certificate "
		    "authentication failed for user \"postgres\" (%s has "
		    "CN=%s)\n", verb, cert, cn);
	return ok;
}

/* This node's own files: pairs that match, chains to its own CA. */
static int
db_own_certs_ok(const char *verb, json_t *certs, int need_server)
{
	const char *ca = db_file(certs, 4);

	return (!need_server || (db_pair_ok(verb, db_file(certs, 0),
	    db_file(certs, 1)) && db_signed_by_own_ca(verb, db_file(certs, 1),
	    ca, MCERT_ROLE_SERVER))) && db_pair_ok(verb, db_file(certs, 2),
	    db_file(certs, 3)) && db_signed_by_own_ca(verb, db_file(certs, 3),
	    ca, MCERT_ROLE_CLIENT) && db_client_cn_ok(verb, db_file(certs, 3));
}

/* A file on one node, named for messages by its owner. */
struct db_ref {
	const char *dir;	/* NULL: this node's */
	const char *name;
	const char *owner;	/* "this node" or an address */
};

static int
db_trusts(const char *verb, const char *what, struct db_ref leaf,
    struct db_ref ca, enum mcert_role role)
{
	char why[1024];

	if (chains_to(leaf.dir, leaf.name, ca.dir, ca.name, role, why,
	    sizeof(why)))
		return 1;
	printf("FAILURE: database cluster %s failed: SSL error: certificate "
	    "verify failed: %s certificate %s of %s is not trusted by %s of "
	    "%s: %s\n", verb, what, leaf.name, leaf.owner, ca.name, ca.owner,
	    why);
	return 0;
}

/* The TLS both ends of the database link would do: the primary checks this
 * node's client certificate against its CA, this node the primary's
 * server certificate against its own; a joined node also serves the
 * primary's client (the primary can move), so that is checked too. */
static int
db_peer_trust(const char *verb, json_t *p, json_t *certs, int join)
{
	json_t *pc = json_object_get(p, "certs");
	const char *pdir = node_str(p, "dir"), *pa = node_str(p, "address");
	struct db_ref my_client = { NULL, db_file(certs, 3), "this node" };
	struct db_ref my_ca = { NULL, db_file(certs, 4), "this node" };
	struct db_ref p_server = { pdir, db_file(pc, 1), pa };
	struct db_ref p_client = { pdir, db_file(pc, 3), pa };
	struct db_ref p_ca = { pdir, db_file(pc, 4), pa };

	return db_trusts(verb, "client", my_client, p_ca, MCERT_ROLE_CLIENT) &&
	    db_trusts(verb, "server", p_server, my_ca, MCERT_ROLE_SERVER) &&
	    (!join || db_trusts(verb, "client", p_client, my_ca,
	    MCERT_ROLE_CLIENT));
}

/* ---- database cluster: commands */

static void
db_certs(char **files, int n)
{
	json_t *db = state_obj(state, "database"), *c;
	int i, first = n == 3 ? 2 : 0;

	if (n != 3 && n != 5) {
		puts("Invalid command");
		return;
	}
	if (cluster_member()) {
		puts("FAILURE: database cluster certificates cannot be changed "
		    "while this node is in a database cluster; run database "
		    "cluster remove first");
		return;
	}
	for (i = 0; i < n; i++)
		if (!file_ok(files[i])) {
			printf("FAILURE: %s: file not found\n", files[i]);
			return;
		}
	c = json_object();
	for (i = 0; i < n; i++)
		json_object_set_new(c, db_fields[first + i],
		    json_string(files[i]));
	json_object_set_new(db, "certs", c);
	state_save();
	puts("SUCCESS: database cluster certificates configured");
}

static void
db_already(const char *verb)
{
	printf("FAILURE: database cluster %s failed: this node is already in "
	    "a database cluster; run database cluster remove first\n", verb);
}

/* The checks of initialize, join ADDR and connect ADDR against the locked
 * cluster c; 1 when this node may be added. */
static int
db_may_enter(const char *verb, json_t *c, const char *primary,
    json_t *certs)
{
	json_t *p;

	if (node_at(c, my_address(), NULL) != NULL) {
		db_already(verb);
		return 0;
	}
	if (strcmp(verb, "initialize") == 0)
		return 1;
	if ((p = node_at(c, primary, NULL)) == NULL ||
	    strcmp(node_str(p, "role"), "primary") != 0) {
		printf("FAILURE: database cluster %s failed: %s is not the "
		    "primary of a database cluster\n", verb, primary);
		return 0;
	}
	return db_peer_trust(verb, p, certs, strcmp(verb, "join") == 0);
}

static void
db_enter_said(const char *verb, const char *primary)
{
	if (strcmp(verb, "initialize") == 0)
		printf("SUCCESS: database cluster initialized with this node "
		    "(%s) as primary\n", primary);
	else if (strcmp(verb, "join") == 0)
		printf("SUCCESS: joining database cluster at %s; see database "
		    "cluster status\n", primary);
	else
		printf("SUCCESS: connecting to database cluster at %s; see "
		    "database cluster status\n", primary);
}

/* database cluster initialize | join ADDR | connect ADDR. */
static void
db_enter(const char *verb, const char *primary)
{
	json_t *db = state_obj(state, "database");
	json_t *certs = json_object_get(db, "certs"), *c;
	int need_server = strcmp(verb, "connect") != 0, fd, ok;
	const char *role = primary == NULL ? "primary" : need_server ?
	    "replica" : "client";

	if (primary == NULL)
		primary = my_address();
	if (cluster_member()) {
		db_already(verb);
		return;
	}
	if (!db_certs_ready(verb, certs, need_server) ||
	    !db_own_certs_ok(verb, certs, need_server))
		return;
	c = cluster_open(1, &fd);
	if ((ok = fd != -1 && db_may_enter(verb, c, primary, certs)))
		json_array_append_new(json_object_get(c, "nodes"),
		    node_new(role, primary, certs));
	if (cluster_close(c, fd, ok) != 0 || fd == -1) {
		printf("FAILURE: database cluster %s failed: cannot update the "
		    "shared cluster file %s\n", verb, cluster_path());
		return;
	}
	if (!ok)
		return;
	json_object_set_new(db, "status", json_string("Enabled"));
	state_save();
	db_enter_said(verb, primary);
}

static void
print_node(json_t *n, int mine)
{
	char addr[128], st[64];

	snprintf(addr, sizeof(addr), "%s%s", node_str(n, "address"),
	    mine ? " (me)" : "");
	printf("    %-22s: %s\n", addr, node_state(n, st, sizeof(st)));
}

/* The state file's own view: for a node in no shared cluster. */
static void
db_status_local(json_t *db)
{
	json_t *n;
	size_t i;

	printf("%-26s: %s\n", "Status", json_string_value(json_object_get(db,
	    "status")) != NULL ? state_str(db, "status") : "Disabled");
	puts("Nodes:");
	json_array_foreach(json_object_get(db, "nodes"), i, n)
		printf("    %-22s: %s\n", state_str(n, "address"),
		    state_str(n, "state"));
}

static void
db_status(json_t *db)
{
	int fd, pass;
	json_t *c = cluster_open(0, &fd), *me, *n;
	const char *primary;
	size_t i;

	if ((me = node_at(c, my_address(), NULL)) == NULL) {
		db_status_local(db);
		cluster_close(c, fd, 0);
		return;
	}
	primary = node_str(me, "primary");
	printf("%-26s: %s\n", "Status", "Enabled");
	puts("Nodes:");
	for (pass = 0; pass < 2; pass++)	/* the primary first */
		json_array_foreach(json_object_get(c, "nodes"), i, n)
			if (strcmp(node_str(n, "primary"), primary) == 0 &&
			    (strcmp(node_str(n, "role"), "primary") == 0) ==
			    (pass == 0))
				print_node(n, n == me);
	cluster_close(c, fd, 0);
}

static int
confirm(const char *question)
{
	char line[256];

	printf("%s (Y/N)\n", question);
	fflush(stdout);
	if (fgets(line, sizeof(line), in) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "Y") == 0;	/* only a capital Y */
}

static void
db_remove(json_t *db)
{
	if (!confirm("WARNING!!! This will remove this node from the "
	    "database cluster. Are you sure?")) {
		puts("Aborted: database cluster not changed");
		return;
	}
	cluster_leave();
	json_object_set_new(db, "status", json_string("Disabled"));
	json_object_set_new(db, "nodes", json_array());
	state_save();
	puts("SUCCESS: Node removed from database cluster");
}

static void
database_command(char **argv, int argc)
{
	json_t *db = state_obj(state, "database");

	if (argc < 2 || strcmp(argv[0], "cluster") != 0) {
		puts("Invalid command");
		return;
	}
	argv++;
	argc--;
	if (argc == 1 && strcmp(argv[0], "status") == 0)
		db_status(db);
	else if (argc == 1 && strcmp(argv[0], "remove") == 0)
		db_remove(db);
	else if (argc >= 2 && strcmp(argv[0], "certs") == 0)
		db_certs(argv + 1, argc - 1);
	else if (argc == 1 && strcmp(argv[0], "initialize") == 0)
		db_enter("initialize", NULL);
	else if (argc == 2 && (strcmp(argv[0], "join") == 0 ||
	    strcmp(argv[0], "connect") == 0))
		db_enter(argv[0], argv[1]);
	else if (argc == 2 && strcmp(argv[0], "localnode") == 0 &&
	    strlen(argv[1]) == 1 && argv[1][0] >= 'a' && argv[1][0] <= 'e') {
		json_object_set_new(db, "localnode", json_string(argv[1]));
		state_save();
	} else
		puts("Invalid command");
}

/* ---- SFTP */

#define SSH_FXP_WRITE 6
#define METER_MAX (4u << 20)	/* sftp-server takes 256 KiB messages */

/* sftp-server on a disk with MMP_DISK_BYTES free: writes past that many
 * bytes fail with EFBIG instead of killing the server. */
static void
sftp_exec(const char *dir)
{
	struct rlimit rl;

	if (knobs.disk_bytes >= 0 && getrlimit(RLIMIT_FSIZE, &rl) == 0) {
		rl.rlim_cur = (rlim_t)knobs.disk_bytes;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_FSIZE, &rl);
		signal(SIGXFSZ, SIG_IGN);
	}
	execl(SFTP_SERVER, "sftp-server", "-d", dir, (char *)NULL);
	perror("sftp-server");
	_exit(1);
}

/* The client's SFTP packets on their way to sftp-server, with the file
 * data of their writes counted. */
struct upload_meter {
	unsigned char *buf;
	size_t len, cap;
	long long seen;		/* write data passed on so far */
	long long limit;
};

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Passes one whole packet (p, plen bytes with its length) to fd; a write
 * that crosses the limit is cut to end at it.  0 to go on, 1 when the
 * limit is reached, -1 on error. */
static int
meter_packet(struct upload_meter *m, unsigned char *p, size_t plen, int fd)
{
	uint32_t hlen, dlen, keep;
	size_t doff;

	/* SSH_FXP_WRITE: type, id, string handle, uint64 offset, string data */
	if (plen < 13 || p[4] != SSH_FXP_WRITE)
		return write_all(fd, p, plen);
	hlen = get32(p + 9);
	doff = 13 + (size_t)hlen + 8;
	if (doff + 4 > plen || (dlen = get32(p + doff)) > plen - doff - 4)
		return write_all(fd, p, plen);
	if (m->seen + dlen <= m->limit) {
		m->seen += dlen;
		return write_all(fd, p, plen);
	}
	keep = (uint32_t)(m->limit - m->seen);
	m->seen = m->limit;
	if (keep == 0)
		return 1;
	put32(p + doff, keep);
	put32(p, (uint32_t)(plen - 4 - (dlen - keep)));
	return write_all(fd, p, plen - (dlen - keep)) == 0 ? 1 : -1;
}

/* Takes n more bytes from the client and passes on every whole packet:
 * 0 to go on, else the connection is to drop. */
static int
meter_feed(struct upload_meter *m, const unsigned char *data, size_t n,
    int fd)
{
	size_t off = 0, plen;
	unsigned char *grown;
	int r = 0;

	if (m->len + n > m->cap) {
		if (m->len + n > METER_MAX ||
		    (grown = realloc(m->buf, m->len + n)) == NULL)
			return -1;
		m->buf = grown;
		m->cap = m->len + n;
	}
	memcpy(m->buf + m->len, data, n);
	m->len += n;
	while (r == 0 && m->len - off >= 4 &&
	    m->len - off >= (plen = 4 + (size_t)get32(m->buf + off))) {
		r = meter_packet(m, m->buf + off, plen, fd);
		off += plen;
	}
	memmove(m->buf, m->buf + off, m->len - off);
	m->len -= off;
	return r;
}

static pid_t
sftp_child(const char *dir, int *to, int *from)
{
	int tp[2], fp[2];
	pid_t pid;

	if (pipe(tp) == -1 || pipe(fp) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(tp[0], 0);
		dup2(fp[1], 1);
		close(tp[0]);
		close(tp[1]);
		close(fp[0]);
		close(fp[1]);
		sftp_exec(dir);
	}
	close(tp[0]);
	close(fp[1]);
	*to = tp[1];
	*from = fp[0];
	return pid;
}

/* MMP_DROP_MID_UPLOAD: sftp-server as a child, the client's bytes relayed
 * through a meter.  Once the limit is reached the server's input ends (it
 * finishes the cut write and exits), its answers are no longer passed on,
 * and the session ends with 255. */
static int
sftp_relay(const char *dir)
{
	struct upload_meter m = { .limit = knobs.drop_mid_upload };
	unsigned char buf[65536];
	struct pollfd pf[2];
	int to, from, status = 0, dropped = 0, r;
	ssize_t n;
	pid_t pid;

	if ((pid = sftp_child(dir, &to, &from)) == -1)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	pf[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = from, .events = POLLIN };
	while (pf[1].fd != -1) {
		if ((r = poll(pf, 2, dropped ? 5000 : -1)) == 0)
			kill(pid, SIGKILL);	/* stuck after the drop */
		if (r == -1 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pf[1].revents != 0) {
			if ((n = read(from, buf, sizeof(buf))) <= 0)
				pf[1].fd = -1;
			else if (!dropped)
				write_all(1, buf, (size_t)n);
		}
		if (pf[0].fd != -1 && pf[0].revents != 0 &&
		    ((n = read(0, buf, sizeof(buf))) <= 0 ||
		    (dropped = meter_feed(&m, buf, (size_t)n, to) != 0))) {
			close(to);
			pf[0].fd = -1;
		}
	}
	if (pf[0].fd != -1)
		close(to);
	close(from);
	free(m.buf);
	waitpid(pid, &status, 0);
	if (dropped)
		return 255;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int
is_sftp(const char *cmd)
{
	return strncmp(cmd, "internal-sftp", 13) == 0 ||
	    strstr(cmd, "sftp-server") != NULL;
}

static int
sftp_serve(const char *dir)
{
	if (knobs.drop_mid_upload >= 0)
		return sftp_relay(dir);
	sftp_exec(dir);
	return 1;
}

/* ---- serving TLS (--serve): Web Bridge 3's https and c2w ports */

#define SERVE_CONN_MS 2000	/* one connection, from accept to close */
#define SERVE_IDLE_MS 1000	/* how often MMP_DIR is looked for */

static const char *
serve_slot_name(const char *slot)
{
	return strcmp(slot, "webbridge3-https") == 0 ? "https" : "c2w";
}

static void
serve_log(int port, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
serve_log(int port, const char *fmt, ...)
{
	char when[32];
	va_list ap;
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s %s:%d ", when, my_address(), port);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* A TLS context presenting what slot has bound now: its key and the whole
 * of its full-chain file, leaf first.  NULL, with why, when the service is
 * disabled, nothing is bound, or the files do not load or match. */
static SSL_CTX *
serve_ctx(const char *slot, char *why, size_t whylen)
{
	json_t *svcs, *o;
	struct mcert_file *kf = NULL, *cf = NULL;
	const struct mcert_object *ko;
	struct mcert_cert *certs = NULL;
	struct mcert_error err = { 0 };
	const char *key, *cert;
	SSL_CTX *ctx = NULL;
	size_t n = 0, i;

	state_load();
	svcs = state_obj(state, "services");
	o = state_obj(svcs, slot);
	key = json_string_value(json_object_get(o, "key"));
	cert = json_string_value(json_object_get(o, "cert"));
	if (json_is_false(json_object_get(state_obj(svcs, "webbridge3"),
	    "enabled")) || json_is_false(json_object_get(o, "enabled"))) {
		snprintf(why, whylen, "webbridge3 is disabled");
		goto out;
	}
	if (key == NULL || cert == NULL) {
		snprintf(why, whylen, "nothing bound (webbridge3 %s certs)",
		    serve_slot_name(slot));
		goto out;
	}
	if (!file_ok(key) || !file_ok(cert)) {
		snprintf(why, whylen, "%s: file not found", file_ok(key) ?
		    cert : key);
		goto out;
	}
	if (mcert_file_load(key, MCERT_LOAD_KEEP_LOCKED, NULL, &kf,
	    &err) != 0 || mcert_file_load(cert, 0, NULL, &cf, &err) != 0 ||
	    mcert_file_certs(cf, &certs, &n, &err) != 0) {
		snprintf(why, whylen, "%s", err.msg);
		goto out;
	}
	if ((ko = mcert_file_first(kf, MCERT_KIND_KEY)) == NULL ||
	    ko->key == NULL || n == 0) {
		snprintf(why, whylen, "%s: no %s", ko == NULL || ko->key ==
		    NULL ? key : cert, ko == NULL ? "private key" : ko->key ==
		    NULL ? "unlocked private key" : "certificate");
		goto out;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	/* present whatever is bound: the prober judges it */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_use_certificate(ctx, certs[0].x509) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, ko->key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(why, whylen, "%s and %s do not match", key, cert);
		SSL_CTX_free(ctx);
		ctx = NULL;
		goto out;
	}
	for (i = 1; i < n; i++)
		if (SSL_CTX_add1_chain_cert(ctx, certs[i].x509) != 1) {
			snprintf(why, whylen, "%s: cannot present certificate "
			    "%zu", cert, i + 1);
			SSL_CTX_free(ctx);
			ctx = NULL;
			goto out;
		}
	snprintf(why, whylen, "%s with %s (%zu certificate%s)", cert, key, n,
	    n == 1 ? "" : "s");
out:
	mcert_openssl_clear();
	free(certs);
	mcert_file_free(kf);
	mcert_file_free(cf);
	json_decref(state);
	state = NULL;
	return ctx;
}

static long
serve_left(long long deadline)
{
	long long left = deadline - now_ms();

	return left > 0 ? (long)left : 0;
}

/* Waits for fd to be ready for events until deadline: 1 ready, 0 not. */
static int
serve_wait(int fd, short events, long long deadline)
{
	struct pollfd pf = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&pf, 1, (int)serve_left(deadline));
	while (r == -1 && errno == EINTR && serve_left(deadline) > 0);
	return r > 0;
}

/* One connection on a listening socket, from accept to close, within
 * SERVE_CONN_MS. */
static void
serve_one(int lfd, int port, const char *slot)
{
	long long deadline;
	char why[1200], buf[512];
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	int fd, r, e;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1)
		return;
	deadline = now_ms() + SERVE_CONN_MS;
	if ((ctx = serve_ctx(slot, why, sizeof(why))) == NULL) {
		serve_log(port, "refused: %s", why);
		close(fd);
		return;
	}
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
		serve_log(port, "refused: out of memory");
		goto out;
	}
	for (;;) {
		if ((r = SSL_accept(ssl)) == 1)
			break;
		e = SSL_get_error(ssl, r);
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
		    !serve_wait(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
		    deadline)) {
			serve_log(port, "no handshake: %s", e ==
			    SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ?
			    "timed out" : "failed");
			goto out;
		}
	}
	serve_log(port, "presented %s (%s)", why, SSL_get_version(ssl));
	SSL_shutdown(ssl);
	/* until the client closes too, so that nothing is reset under it */
	while (serve_wait(fd, POLLIN, deadline) &&
	    read(fd, buf, sizeof(buf)) > 0)
		;
out:
	mcert_openssl_clear();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
}

/* A listening socket on addr:port (non-blocking), or -1 with a message. */
static int
serve_listen(const char *addr, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *ai = NULL;
	char service[16];
	int fd = -1, one = 1, r;

	snprintf(service, sizeof(service), "%d", port);
	if ((r = getaddrinfo(addr, service, &hints, &ai)) != 0) {
		fprintf(stderr, "mmp-standin: %s: %s\n", addr,
		    gai_strerror(r));
		return -1;
	}
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 || setsockopt(fd, SOL_SOCKET,
	    SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 16) == -1) {
		fprintf(stderr, "mmp-standin: cannot listen on %s:%d: %s\n",
		    addr, port, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int
serve_port(const char *name, int def)
{
	const char *v = getenv(name);
	char *end;
	long p;

	if (v == NULL || *v == '\0')
		return def;
	p = strtol(v, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535) {
		fprintf(stderr, "mmp-standin: %s=%s is not a port (0 to "
		    "65535)\n", name, v);
		return -1;
	}
	return (int)p;
}

/* mmp-standin --serve: both listeners, one connection at a time, until
 * SIGTERM or until MMP_DIR is gone. */
static int
serve(const char *dir)
{
	static const char *const slots[2] = { "webbridge3-https",
	    "webbridge3-c2w" };
	int ports[2], fds[2] = { -1, -1 }, i, r;
	const char *addr = getenv("MMP_ADDR");
	struct pollfd pf[2];
	struct stat st;
	sigset_t none;

	if (addr == NULL || *addr == '\0')
		addr = "127.0.0.1";
	ports[0] = serve_port("MMP_HTTPS_PORT", 443);
	ports[1] = serve_port("MMP_C2W_PORT", 9999);
	if (ports[0] < 0 || ports[1] < 0)
		return 1;
	if (ports[0] == 0 && ports[1] == 0) {
		fputs("mmp-standin: MMP_HTTPS_PORT and MMP_C2W_PORT are both "
		    "0: nothing to serve\n", stderr);
		return 1;
	}
	if (ports[0] == ports[1]) {
		fprintf(stderr, "mmp-standin: https and c2w on the same port "
		    "%d\n", ports[0]);
		return 1;
	}
	/* SIGTERM ends it at once, whatever the one who started it held
	 * off; a client that hangs up must not */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 2; i++) {
		pf[i] = (struct pollfd){ .fd = -1, .events = POLLIN };
		if (ports[i] != 0 && (pf[i].fd = fds[i] = serve_listen(addr,
		    ports[i])) == -1)
			return 1;
	}
	fprintf(stderr, "mmp-standin: serving https on %s:%d and c2w on "
	    "%s:%d\n", addr, ports[0], addr, ports[1]);
	fflush(stderr);
	for (;;) {
		if ((r = poll(pf, 2, SERVE_IDLE_MS)) == -1 && errno != EINTR)
			return 1;
		if (stat(dir, &st) == -1)	/* the rig was removed */
			return 0;
		for (i = 0; r > 0 && i < 2; i++)
			if (pf[i].fd != -1 && pf[i].revents != 0)
				serve_one(fds[i], ports[i], slots[i]);
	}
}

/* ---- the shell */

/* Runs one split command; returns 1 when the session should end. */
static int
dispatch(char **argv, int argc)
{
	if (strcmp(argv[0], "exit") == 0 || strcmp(argv[0], "quit") == 0)
		return 1;
	if (strcmp(argv[0], "pki") == 0 && argc >= 2)
		pki_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "callbridge") == 0 ||
	    strcmp(argv[0], "webadmin") == 0 ||
	    strcmp(argv[0], "webbridge3") == 0 ||
	    strcmp(argv[0], "turn") == 0 ||
	    strcmp(argv[0], "meetingapps") == 0)
		service_command(argv[0], argv + 1, argc - 1);
	else if (strcmp(argv[0], "tls") == 0)
		tls_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "database") == 0)
		database_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "hostname") == 0 && argc == 1)
		puts(host);
	else
		puts("Invalid command");
	return 0;
}

/* Splits a line as the MMP does (blanks, "double quotes") and runs it. */
static int
run_line(const char *line)
{
	char **argv = NULL;
	size_t n = 0;
	int end = 0;

	if (mcert_pki_line_split(line, &argv, &n, NULL) != MCERT_OK)
		puts("Invalid command");
	else if (n > 0)
		end = dispatch(argv, (int)n);
	mcert_words_free(argv);
	return end;
}

static int
run_command(const char *text)
{
	static long count;
	char *line;
	int end;

	if (knobs.drop_after >= 0 && count >= knobs.drop_after)
		exit(255);	/* the connection drops */
	count++;
	if (knobs.slow_ms > 0)
		sleep_ms(knobs.slow_ms);
	if ((line = strdup(text)) == NULL)
		exit(1);
	line[strcspn(line, "\r\n")] = '\0';
	if (knobs.drop_on[0] != '\0' && strncmp(line, knobs.drop_on,
	    strlen(knobs.drop_on)) == 0)
		exit(255);	/* the connection drops, the command not run */
	if (knobs.fail_on[0] != '\0' && strncmp(line, knobs.fail_on,
	    strlen(knobs.fail_on)) == 0) {
		printf("FAILURE: %s: operation failed\n", line);
		end = 0;
	} else {
		end = run_line(line);
	}
	free(line);
	fflush(stdout);
	return end;
}

static void
shell(void)
{
	char line[4096];

	for (;;) {
		printf("%s> ", host);
		fflush(stdout);
		if (fgets(line, sizeof(line), in) == NULL || run_command(line))
			break;
	}
}

int
main(int argc, char **argv)
{
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	const char *dir = getenv("MMP_DIR");
	char absdir[PATH_MAX];
	int serving = argc == 2 && strcmp(argv[1], "--serve") == 0;

	if (argc > 1 && !serving) {
		fputs("usage: mmp-standin (as an sshd's ForceCommand) | "
		    "mmp-standin --serve\n", stderr);
		return 2;
	}
	if (getenv("MMP_HOST") != NULL)
		host = getenv("MMP_HOST");
	if (dir == NULL || realpath(dir, absdir) == NULL ||
	    chdir(absdir) != 0) {
		fprintf(stderr, "mmp-standin: MMP_DIR is not a directory\n");
		return 1;
	}
	if (serving)
		return serve(absdir);
	knobs_read();
	if (cmd != NULL && is_sftp(cmd))
		return sftp_serve(dir);
	in = stdin;
	state_load();
	if (cmd != NULL)
		run_command(cmd);
	else
		shell();
	json_decref(state);
	return 0;
}
