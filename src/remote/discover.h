/* meetcert discover's remote part: every Meeting Server read in parallel
 * (status screens, pki list, database cluster status, the bound files by
 * SFTP), then turned into a workspace by the core (discover.h). */
#ifndef MCERT_REMOTE_DISCOVER_H
#define MCERT_REMOTE_DISCOVER_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "../core/discover.h"
#include "plan.h"
#include "ssh.h"

/* What is fetched from one server: files larger are skipped (a guess). */
#define MCERT_DISCOVER_MAX_BYTES (1024 * 1024)
#define MCERT_DISCOVER_MAX_FILES 64

struct mcert_discover_host {
	const char *address;	/* as given: a name or an address */
	int port;		/* 0: the SSH options' (22) */
	const char *user;	/* NULL: the SSH options' */
};

struct mcert_discover_opts {
	const struct mcert_discover_host *hosts;
	size_t nhosts;
	/* known_hosts (strict), identity, config, agent, ask, accepted
	 * fingerprints; host, port and user come from each host */
	struct mcert_ssh_opts ssh;
	const struct mcert_services *svc;
	long command_ms;	/* per command; 0: 60 s */
	time_t now;		/* 0: the clock */
	/* Called from the hosts' threads, one call at a time: host is the
	 * address, text what it is doing ("reading pki list").  May be
	 * NULL. */
	void (*progress)(void *ctx, const char *host, const char *text);
	void *progress_ctx;
	/* Set (non-zero) to stop: each host stops before its next command
	 * and the discovery fails.  May be NULL. */
	const volatile int *cancel;
};

/* Reads every host in parallel and builds the workspace into *ws_root
 * (see mcert_discover_build); the caller frees it.  Nothing is changed
 * on any server.  A host that cannot be read (refused, unknown host key,
 * no answer) fails the whole discovery with a one-line error that names
 * its address and what to do; so does an address given twice. */
int mcert_discover(const struct mcert_discover_opts *o, json_t **ws_root,
    struct mcert_error *err);

#endif
