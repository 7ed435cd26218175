#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "probe.h"

struct probe {
	const struct mcert_probe_opts *o;
	struct mcert_probe_result *r;
	char label[300];	/* HOST:PORT, for every message */
	long timeout_ms;
	struct timespec deadline;
	int fd;
	int last_errno;		/* why the last address did not connect */
};

void
mcert_probe_label(const char *host, int port, char *buf, size_t size)
{
	snprintf(buf, size, strchr(host, ':') != NULL ? "[%s]:%d" : "%s:%d",
	    host, port);
}

static long
remaining_ms(const struct probe *p)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(p->deadline.tv_sec - now.tv_sec) * 1000 +
	    (p->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

/* Waits until fd is ready for events or the deadline passes: 1 ready,
 * 0 out of time, -1 an error (errno set). */
static int
wait_fd(const struct probe *p, int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long ms;
	int n;

	do {
		if ((ms = remaining_ms(p)) == 0)
			return 0;
		n = poll(&pfd, 1, (int)ms);
	} while (n == -1 && errno == EINTR);
	return n;
}

/* A non-blocking connect to one address, bounded by the deadline: the
 * connected socket, or -1 with p->last_errno set (ETIMEDOUT: no time). */
static int
connect_one(struct probe *p, const struct addrinfo *ai)
{
	socklen_t len = sizeof(int);
	int fd, n, soerr = 0;

	if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) ==
	    -1)
		soerr = errno;
	else if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		soerr = errno;
	else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			soerr = errno;
		else if ((n = wait_fd(p, fd, POLLOUT)) <= 0)
			soerr = n == 0 ? ETIMEDOUT : errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) ==
		    -1)
			soerr = errno;
	}
	if (soerr == 0)
		return fd;
	/* "refused" tells most: something at one of the addresses said no. */
	if (p->last_errno != ECONNREFUSED)
		p->last_errno = soerr;
	if (fd != -1)
		close(fd);
	return -1;
}

static int
connect_failed(struct probe *p, struct mcert_error *err)
{
	if (p->last_errno == ECONNREFUSED)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: nothing "
		    "answers (connection refused); check the address and port "
		    "and that the service is enabled"), p->label);
	if (p->last_errno == ETIMEDOUT)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: no answer "
		    "within %g s; check the address and port and any firewall "
		    "on the way"), p->label, p->timeout_ms / 1000.0);
	return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot connect (%s); "
	    "check the address and the network route to it"), p->label,
	    strerror(p->last_errno));
}

/* Every address of the host in turn, until one answers or time is up. */
static int
connect_any(struct probe *p, struct mcert_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL, *ai;
	char port[8];
	int e;

	snprintf(port, sizeof(port), "%d", p->o->port);
	if ((e = getaddrinfo(p->o->host, port, &hints, &res)) != 0)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: the name does "
		    "not resolve (%s); check the name, or give an address"),
		    p->label, e == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(e));
	p->last_errno = ETIMEDOUT;
	for (ai = res; ai != NULL && p->fd == -1; ai = ai->ai_next) {
		if (remaining_ms(p) == 0)
			break;
		if ((p->fd = connect_one(p, ai)) != -1 &&
		    getnameinfo(ai->ai_addr, ai->ai_addrlen, p->r->address,
		    sizeof(p->r->address), NULL, 0, NI_NUMERICHOST) != 0)
			p->r->address[0] = '\0';
	}
	freeaddrinfo(res);
	return p->fd != -1 ? MCERT_OK : connect_failed(p, err);
}

static int
handshake_failed(struct probe *p, int sslerr, struct mcert_error *err)
{
	int e = errno;

	if (sslerr == SSL_ERROR_SSL) {
		mcert_error_set(err, MCERT_E_IO, N_("%s: the TLS handshake "
		    "failed; check that this port serves TLS"), p->label);
		mcert_error_add_openssl(err);
		return MCERT_E_IO;
	}
	mcert_openssl_clear();
	if (sslerr == SSL_ERROR_SYSCALL && e != 0)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: the connection "
		    "broke during the TLS handshake (%s); check that this port "
		    "serves TLS"), p->label, strerror(e));
	return mcert_error_set(err, MCERT_E_IO, N_("%s: the server closed the "
	    "connection during the TLS handshake; check that this port serves "
	    "TLS"), p->label);
}

/* SSL_connect on the non-blocking socket, each wait bounded. */
static int
handshake_run(struct probe *p, SSL *ssl, struct mcert_error *err)
{
	int n, e;

	for (;;) {
		errno = 0;
		if ((n = SSL_connect(ssl)) == 1)
			return MCERT_OK;
		e = SSL_get_error(ssl, n);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			return handshake_failed(p, e, err);
		n = wait_fd(p, p->fd, e == SSL_ERROR_WANT_READ ? POLLIN :
		    POLLOUT);
		if (n == 0)
			return mcert_error_set(err, MCERT_E_IO, N_("%s: no TLS "
			    "handshake within %g s: is this a TLS port?"),
			    p->label, p->timeout_ms / 1000.0);
		if (n == -1)
			return handshake_failed(p, SSL_ERROR_SYSCALL, err);
	}
}

static int
take_result(struct probe *p, SSL *ssl, struct mcert_error *err)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);

	if (sk == NULL || sk_X509_num(sk) == 0)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: the server "
		    "presented no certificate; give the service its "
		    "certificate"), p->label);
	if ((p->r->chain = X509_chain_up_ref(sk)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	snprintf(p->r->protocol, sizeof(p->r->protocol), "%s",
	    SSL_get_version(ssl));
	snprintf(p->r->cipher, sizeof(p->r->cipher), "%s",
	    c != NULL ? SSL_CIPHER_get_name(c) : "?");
	return MCERT_OK;
}

static int
handshake(struct probe *p, struct mcert_error *err)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int ret;

	mcert_openssl_clear();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    (ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, p->fd) != 1) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		mcert_openssl_clear();
		goto out;
	}
	/* An observer, not a channel: take whatever the server offers (old
	 * protocols, weak keys) and leave the judging to mcert_verify. */
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_security_level(ssl, 0);
	if (p->o->sni != NULL && SSL_set_tlsext_host_name(ssl,
	    p->o->sni) != 1) {
		ret = mcert_error_set(err, MCERT_E_INVALID, N_("%s: %s cannot "
		    "be sent as the server name (SNI); give a DNS name"),
		    p->label, p->o->sni);
		mcert_openssl_clear();
		goto out;
	}
	if ((ret = handshake_run(p, ssl, err)) == MCERT_OK &&
	    (ret = take_result(p, ssl, err)) == MCERT_OK)
		SSL_shutdown(ssl);	/* one close_notify, not waited on */
	mcert_openssl_clear();
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return ret;
}

/* OpenSSL writes to the socket with write(2): a server that hangs up
 * would raise SIGPIPE and kill the caller.  Held off in this thread, and
 * one raised meanwhile is taken away before the mask is restored. */
static void
sigpipe_hold(sigset_t *old, int *was_pending)
{
	sigset_t sigs, pending;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, old);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
}

static void
sigpipe_release(const sigset_t *old, int was_pending)
{
	const struct timespec zero = { 0, 0 };
	sigset_t sigs, pending;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		while (sigtimedwait(&sigs, NULL, &zero) == -1 && errno == EINTR)
			continue;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static int
check_opts(const struct mcert_probe_opts *o, struct mcert_error *err)
{
	if (o->host == NULL || *o->host == '\0')
		return mcert_error_set(err, MCERT_E_INVALID, N_("no host to "
		    "probe; give HOST:PORT"));
	if (o->port < 1 || o->port > 65535)
		return mcert_error_set(err, MCERT_E_INVALID, N_("%s: port %d "
		    "is not from 1 to 65535"), o->host, o->port);
	return MCERT_OK;
}

int
mcert_probe(const struct mcert_probe_opts *o, struct mcert_probe_result *r,
    struct mcert_error *err)
{
	struct probe p = { .o = o, .r = r, .fd = -1 };
	sigset_t old;
	int ret, was_pending;

	memset(r, 0, sizeof(*r));
	if ((ret = check_opts(o, err)) != MCERT_OK)
		return ret;
	mcert_probe_label(o->host, o->port, p.label, sizeof(p.label));
	p.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	    MCERT_PROBE_TIMEOUT_MS;
	clock_gettime(CLOCK_MONOTONIC, &p.deadline);
	p.deadline.tv_sec += p.timeout_ms / 1000;
	p.deadline.tv_nsec += (p.timeout_ms % 1000) * 1000000;
	if (p.deadline.tv_nsec >= 1000000000) {
		p.deadline.tv_sec++;
		p.deadline.tv_nsec -= 1000000000;
	}
	sigpipe_hold(&old, &was_pending);
	if ((ret = connect_any(&p, err)) == MCERT_OK)
		ret = handshake(&p, err);
	if (p.fd != -1)
		close(p.fd);
	sigpipe_release(&old, was_pending);
	if (ret != MCERT_OK)
		mcert_probe_result_free(r);
	return ret;
}

void
mcert_probe_result_free(struct mcert_probe_result *r)
{
	if (r == NULL)
		return;
	sk_X509_pop_free(r->chain, X509_free);
	memset(r, 0, sizeof(*r));
}
