/* mmp-standin --serve: Web Bridge 3's listening ports, for the live TLS
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

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "error.h"
#include "load.h"

#include "standin.h"

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
/* The ports in the state file, as `webbridge3 https|c2w listen a:PORT`
 * would set them: Web Bridge 3's status screen shows them. */
static void
record_ports(const int *ports)
{
	char v[32];
	json_t *o;
	int i;

	state_load();
	o = state_obj(state_obj(state, "services"), "webbridge3");
	for (i = 0; i < 2; i++)
		if (ports[i] != 0) {
			snprintf(v, sizeof(v), "a:%d", ports[i]);
			json_object_set_new(o, i == 0 ? "listen-https" :
			    "listen-c2w", json_string(v));
		}
	state_save();
	json_decref(state);
	state = NULL;
}

/* What slot presented last (MMP_SERVE_STALE), with its description. */
static struct {
	const char *slot;
	SSL_CTX *ctx;
	char what[1200];
} kept[2];

/* serve_ctx, or with MMP_SERVE_STALE what the slot presented last. */
static SSL_CTX *
serve_kept(const char *slot, char *why, size_t whylen)
{
	SSL_CTX *ctx;
	size_t i;

	for (i = 0; i < 2 && kept[i].slot != NULL &&
	    strcmp(kept[i].slot, slot) != 0; i++)
		;
	if (i == 2)
		return serve_ctx(slot, why, whylen);
	if (knobs.serve_stale > 0 && kept[i].ctx != NULL &&
	    SSL_CTX_up_ref(kept[i].ctx) == 1) {
		snprintf(why, whylen, "%s (stale)", kept[i].what);
		return kept[i].ctx;
	}
	if ((ctx = serve_ctx(slot, why, whylen)) == NULL)
		return NULL;
	SSL_CTX_free(kept[i].ctx);
	kept[i].slot = slot;
	kept[i].ctx = SSL_CTX_up_ref(ctx) == 1 ? ctx : NULL;
	snprintf(kept[i].what, sizeof(kept[i].what), "%s", why);
	return ctx;
}

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
	knobs_read();
	if ((ctx = serve_kept(slot, why, sizeof(why))) == NULL) {
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
int
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
	record_ports(ports);
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
