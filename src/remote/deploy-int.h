/* What the parts of deploy share: the run (all hosts), one host's thread,
 * a group of steps bound together, and the helpers each part uses:
 * deploy-host.c (events, failures, barriers, the workspace's records, the
 * MMP session), deploy-files.c (uploads and the checks on the server),
 * deploy.c (binding with the way back, the database cluster, the run). */
#ifndef MCERT_DEPLOY_INT_H
#define MCERT_DEPLOY_INT_H

#include <pthread.h>
#include <stdio.h>

#include "deploy.h"
#include "shell.h"

#define MAX_FILE (1024 * 1024)
#define KEEPALIVE_S 10

struct run {
	struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_services *svc;
	const struct mcert_deploy_opts *o;
	pthread_mutex_t lock;	/* the workspace, events and the barrier */
	pthread_cond_t turn;
	size_t nhosts, arrived;
	unsigned long round;
	int failed;		/* a host failed: the others stop at the
				 * next barrier */
	int stop;		/* not every thread started: do nothing */
	int phases[16];
	size_t nphases;
	size_t next;		/* one at a time: whose turn it is */
};

struct host {
	struct run *run;
	const struct mcert_ws_host *h;
	struct mcert_deploy_host *res;
	size_t index;		/* in the run, the workspace's order */
	size_t *steps;		/* indices into plan->steps */
	size_t nsteps, done;
	struct mcert_ssh *ssh;
	struct mcert_shell *sh;
	FILE *tr;
};

/* A group of steps bound together: one component's disable ... enable. */
struct group {
	size_t first, n;	/* positions in host->steps */
	json_t *before;		/* {service: binding} read before */
};

/* The services are phase 0; the database cluster's come after. */
#define DP_PHASE_SERVICES 0

long dp_command_ms(const struct host *hp);
const struct mcert_plan_step *dp_step_at(const struct host *hp, size_t i);
const struct mcert_service *dp_service(const struct run *run, const char *id);
void dp_emit(struct host *hp, enum mcert_deploy_stage stage,
    const char *text);
int dp_failed(struct host *hp, const char *why);
/* Adds text to the host's reason (a note after a rollback). */
void dp_why_append(struct host *hp, const char *text);
int dp_failed_at(struct host *hp, const char *msg);
int dp_failedf(struct host *hp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int dp_cancelled(const struct host *hp);
int dp_barrier(struct host *hp);
int dp_step_done(struct host *hp, size_t i);
int dp_mark_done(struct host *hp, size_t first, size_t n);
/* Records state ("done", "planned") for steps first..first+n-1 and
 * saves; 0, or -1 with the failure said. */
int dp_mark(struct host *hp, size_t first, size_t n, const char *state);
/* Runs command on the host's MMP; 0 unless it failed (said). */
int dp_mmp(struct host *hp, const char *command, const char *confirm,
    char **out);
FILE *dp_open_transcript(struct host *hp);
int dp_connect_host(struct host *hp);
int dp_upload(struct host *hp);
int dp_check_binds(struct host *hp);
/* Waits on the run's condition (lock held) for at most a keepalive's
 * time, sending one on the way; the pthread_cond_timedwait result. */
int dp_wait(struct host *hp);

/* deploy.c */
size_t dp_group_end(const struct host *hp, size_t first);
int dp_rollback(struct host *hp, const struct group *g, char *note,
    size_t len);

/* deploy-live.c: one host at a time, the live check, the local check of
 * the database certificates */
int dp_turn_wait(struct host *hp);
void dp_turn_pass(struct host *hp, int ok);
int dp_live_check(struct host *hp);
void dp_undo_services(struct host *hp);
int dp_db_precheck(const struct run *run, struct mcert_error *err);

#endif
