/* What each Meeting Server has bound, read from the servers themselves
 * (status screens, SFTP, database cluster status) and judged with the core
 * as `meetcert verify` would: for `meetcert status`, the validation screen
 * and renewal. */
#ifndef MCERT_STATUS_H
#define MCERT_STATUS_H

#include <time.h>

#include <jansson.h>

#include "plan.h"
#include "ssh.h"
#include "workspace.h"

struct mcert_status_opts {
	/* known_hosts, identity, config, agent, ask: the address, port and
	 * user come from each host */
	struct mcert_ssh_opts ssh;
	const char *only_host;	/* a label, or NULL */
	long command_ms;	/* per command; 0: 60 s */
	time_t now;		/* 0: the clock */
};

/* Reads every host in parallel into *out: {"hosts": [{"host", "address",
 * "error": text|null, "services": [{"service", "name", "enabled", "files":
 * {placeholder: file}, "planned": bool (the plan's files are the ones
 * bound), "verdict": "verified"|"failed"|"unbound"|"bound" (trust
 * bundles), "certificate": see mcert_judge_bound, or null}], "database":
 * {"status", "nodes"} or null}]}.  A host that cannot be read has its
 * error and no services.
 *
 * A host with a database role has its cluster's certificates among its
 * services too (no status screen names them): the files the workspace
 * records as bound (mcert_ws_bound), else the plan's when its database bind
 * step is recorded done for the generation; an entry per certificate,
 * {"service": "database-node"|"database-connect", ..., "database": true,
 * "role": "server"|"client"}, the server one judged for server use and the
 * client one for client use, each against the CA file; when the files are
 * unknown, one entry with "verdict": "unknown", "certificate": null and
 * "why". */
int mcert_status(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const struct mcert_services *svc,
    const struct mcert_status_opts *o, json_t **out, struct mcert_error *err);

#endif
