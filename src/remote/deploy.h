/* Deploy a plan to its Meeting Servers: every host in parallel (a thread
 * and one MMP session each), files uploaded under their new names and read
 * back, checked on the server (pki match, pki verify), then bound service
 * by service with the binding before recorded and put back on any
 * failure; the database cluster's phases wait for every host, and the
 * last waits until every node is connected.  Each step done is saved in
 * the workspace, so a rerun resumes. */
#ifndef MCERT_DEPLOY_H
#define MCERT_DEPLOY_H

#include <signal.h>
#include <stdio.h>

#include "plan.h"
#include "ssh.h"
#include "workspace.h"

enum mcert_deploy_stage {
	MCERT_DS_CONNECT,	/* connecting */
	MCERT_DS_UPLOAD,	/* text: the file */
	MCERT_DS_CHECK,		/* text: the pki match/verify command */
	MCERT_DS_STEP,		/* text: the command */
	MCERT_DS_SKIP,		/* text: a command done by an earlier run */
	MCERT_DS_PLAN,		/* dry run: text would run */
	MCERT_DS_WAIT,		/* waiting: barrier or database nodes */
	MCERT_DS_ROLLBACK,	/* text: the command putting it back */
	MCERT_DS_DONE,		/* the host is finished */
	MCERT_DS_FAILED,	/* text: why, one sentence */
};

struct mcert_deploy_event {
	const char *host;	/* label */
	enum mcert_deploy_stage stage;
	size_t done, total;	/* this host's steps */
	const char *text;
};

/* Called from the hosts' threads, one call at a time. */
typedef void (*mcert_deploy_cb)(void *ctx,
    const struct mcert_deploy_event *ev);

struct mcert_deploy_opts {
	const char *dir;	/* the folder holding the plan's files */
	const char *ws_path;	/* saved after each step; NULL: not saved */
	const char *only_host;	/* a label, or NULL: every host */
	int dry_run;		/* connect and read, change nothing */
	long command_ms;	/* per command; 0: 120 s */
	long db_wait_ms;	/* for every node connected; 0: 300 s */
	/* known_hosts, identity, config, agent, ask, accepted
	 * fingerprints: the address, port and user come from each host */
	struct mcert_ssh_opts ssh;
	const char *transcripts;	/* folder for HOST.log; NULL: none */
	mcert_deploy_cb progress;
	void *ctx;
	volatile sig_atomic_t *cancel;	/* set: stop before the next step */
	/* A renewal of a running deployment: the services (phase 0) are
	 * bound one host at a time, in the workspace's order, so that the
	 * others keep meetings running; with probe, each host's listening
	 * ports must present the certificate just bound (a live TLS
	 * handshake, retried for probe_wait_ms, 0: 30 s) before the next
	 * host starts, else that host's services are put back. */
	int one_at_a_time;
	int probe;
	long probe_wait_ms;
	/* The database cluster's phases remove every node and build the
	 * cluster again: in a renewal (generation > 1) they run only when
	 * confirmed; no_database leaves them out. */
	int db_confirmed;
	int no_database;
	/* Run the steps as given even when recorded done, and record none
	 * (a rollback's plan); nothing is uploaded. */
	int replay;
};

struct mcert_deploy_host {
	const char *host;	/* label */
	int ok;
	size_t ran, skipped;	/* steps */
	int stopped;		/* not ok only because another host failed */
	char why[1024];		/* when not ok */
};

struct mcert_deploy_result {
	struct mcert_deploy_host *v;
	size_t n;
	int need_db_confirm;	/* refused: the database phases need
				 * db_confirmed (or no_database) */
};

/* Runs the plan's steps for every host (or o->only_host).  Returns MCERT_OK
 * when every host finished, MCERT_E_VERDICT when one failed (each host's
 * result says why; the first in err), other codes when nothing could start. */
int mcert_deploy(struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_services *svc, const struct mcert_deploy_opts *o,
    struct mcert_deploy_result *r, struct mcert_error *err);

void mcert_deploy_result_free(struct mcert_deploy_result *r);

/* 1 when plan->steps[index] is recorded done for the workspace's
 * generation. */
int mcert_deploy_step_done(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, size_t index);

/* 1 when running the plan now would take the database cluster down: a
 * renewal (generation > 1) with database steps not yet done (of
 * only_host, when not NULL). */
int mcert_deploy_touches_db(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const char *only_host);

/* 1 when every step of the plan (of only_host, when not NULL) is recorded
 * done for the workspace's generation. */
int mcert_deploy_done(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const char *only_host);

#endif
