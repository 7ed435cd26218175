/* Deploying: one host's events, failures, barriers, records and MMP
 * session (deploy-int.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "deploy-int.h"
#include "mmp.h"
#include "shell.h"


long
dp_command_ms(const struct host *hp)
{
	return hp->run->o->command_ms > 0 ? hp->run->o->command_ms : 120000;
}

const struct mcert_plan_step *
dp_step_at(const struct host *hp, size_t i)
{
	return &hp->run->plan->steps[hp->steps[i]];
}

const struct mcert_service *
dp_service(const struct run *run, const char *id)
{
	return mcert_service_get(run->svc, id);
}

void
dp_emit(struct host *hp, enum mcert_deploy_stage stage, const char *text)
{
	const struct mcert_deploy_opts *o = hp->run->o;
	struct mcert_deploy_event ev = { hp->h->label, stage, hp->done,
	    hp->nsteps, text };

	if (o->progress == NULL)
		return;
	pthread_mutex_lock(&hp->run->lock);
	o->progress(o->ctx, &ev);
	pthread_mutex_unlock(&hp->run->lock);
}

/* Records why the host failed (the first reason wins) and tells. */
int
dp_failed(struct host *hp, const char *why)
{
	if (hp->res->ok) {
		hp->res->ok = 0;
		snprintf(hp->res->why, sizeof(hp->res->why), "%s", why);
	}
	dp_emit(hp, MCERT_DS_FAILED, why);
	return -1;
}

void
dp_why_append(struct host *hp, const char *text)
{
	size_t n = strlen(hp->res->why);

	if (n + 1 < sizeof(hp->res->why))
		snprintf(hp->res->why + n, sizeof(hp->res->why) - n, "%s",
		    text);
}

/* A message from the SSH layer, which names the address: the label
 * goes first ("cms1 (127.0.0.51): ..."). */
int
dp_failed_at(struct host *hp, const char *msg)
{
	const char *addr = mcert_ws_host_address(hp->h);
	size_t n = strlen(addr);
	char why[1024];

	if (strncmp(msg, addr, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		snprintf(why, sizeof(why), "%s (%s)%s", hp->h->label, addr,
		    msg + n);
	else
		snprintf(why, sizeof(why), "%s: %s", hp->h->label, msg);
	return dp_failed(hp, why);
}

int
dp_failedf(struct host *hp, const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), mcert_tr(fmt), ap);
	va_end(ap);
	return dp_failed(hp, why);
}

int
dp_cancelled(const struct host *hp)
{
	return hp->run->o->cancel != NULL && *hp->run->o->cancel;
}

int
dp_wait(struct host *hp)
{
	struct run *run = hp->run;
	struct timespec until;
	int r;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += KEEPALIVE_S;
	r = pthread_cond_timedwait(&run->turn, &run->lock, &until);
	if (r == ETIMEDOUT && hp->ssh != NULL) {
		/* a quiet connection stays open while others work */
		pthread_mutex_unlock(&run->lock);
		mcert_ssh_keepalive(hp->ssh);
		pthread_mutex_lock(&run->lock);
	}
	return r;
}

/* Every host arrives before any goes on; 0 when every host is well. */
int
dp_barrier(struct host *hp)
{
	struct run *run = hp->run;
	unsigned long round;
	int ok;

	pthread_mutex_lock(&run->lock);
	if (!hp->res->ok)
		run->failed = 1;
	round = run->round;
	if (++run->arrived == run->nhosts) {
		run->arrived = 0;
		run->round++;
		pthread_cond_broadcast(&run->turn);
	} else {
		while (round == run->round)
			(void)dp_wait(hp);
	}
	ok = !run->failed;
	pthread_mutex_unlock(&run->lock);
	return ok ? 0 : -1;
}

static int
save(struct host *hp)
{
	struct run *run = hp->run;
	struct mcert_error err = { 0, "" };
	int r = MCERT_OK;

	if (run->o->ws_path != NULL && !run->o->dry_run)
		r = mcert_ws_save(run->ws, run->o->ws_path, &err);
	return r == MCERT_OK ? 0 : dp_failed(hp, err.msg);
}

/* "cms1/g2/3 webadmin disable": a step is done only for the generation,
 * place and command it was done as (a renewal or an edited plan starts
 * afresh). */
static void
format_key(char *key, size_t len, const char *label, int generation,
    size_t nth, const char *command)
{
	snprintf(key, len, "%s/g%d/%zu %s", label, generation, nth, command);
}

static void
step_key(const struct host *hp, size_t i, char *key, size_t len)
{
	format_key(key, len, hp->h->label, hp->run->ws->generation, i + 1,
	    dp_step_at(hp, i)->command);
}

int
mcert_deploy_done(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const char *only_host)
{
	size_t i;

	for (i = 0; i < plan->nsteps; i++)
		if ((only_host == NULL || strcmp(only_host,
		    plan->steps[i].host) == 0) &&
		    !mcert_deploy_step_done(ws, plan, i))
			return 0;
	return 1;
}

int
mcert_deploy_step_done(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, size_t index)
{
	const char *label = plan->steps[index].host;
	char key[1200];
	size_t i, nth = 0;

	for (i = 0; i <= index; i++)
		if (strcmp(plan->steps[i].host, label) == 0)
			nth++;
	format_key(key, sizeof(key), label, ws->generation, nth,
	    plan->steps[index].command);
	return strcmp(mcert_ws_step_state(ws, key), "done") == 0;
}

int
dp_step_done(struct host *hp, size_t i)
{
	char key[1200];
	int done;

	if (hp->run->o->replay)
		return 0;
	step_key(hp, i, key, sizeof(key));
	pthread_mutex_lock(&hp->run->lock);
	done = strcmp(mcert_ws_step_state(hp->run->ws, key), "done") == 0;
	pthread_mutex_unlock(&hp->run->lock);
	return done;
}

int
dp_mark(struct host *hp, size_t first, size_t n, const char *state)
{
	struct mcert_error err = { 0, "" };
	char key[1200];
	size_t i;
	int r = MCERT_OK;

	if (hp->run->o->dry_run || hp->run->o->replay)
		return 0;
	pthread_mutex_lock(&hp->run->lock);
	for (i = first; i < first + n && r == MCERT_OK; i++) {
		step_key(hp, i, key, sizeof(key));
		r = mcert_ws_set_step_state(hp->run->ws, key, state, &err);
	}
	pthread_mutex_unlock(&hp->run->lock);
	if (r != MCERT_OK)
		return dp_failed(hp, err.msg);
	pthread_mutex_lock(&hp->run->lock);
	r = save(hp);
	pthread_mutex_unlock(&hp->run->lock);
	return r;
}

int
dp_mark_done(struct host *hp, size_t first, size_t n)
{
	return dp_mark(hp, first, n, "done");
}

/* ---- talking to the MMP */

/* Runs command; its answer in *out (may be NULL).  0 when the MMP did
 * not report a failure. */
int
dp_mmp(struct host *hp, const char *command, const char *confirm, char **out)
{
	struct mcert_error err = { 0, "" };
	char why[512], *text = NULL;
	int r;

	r = mcert_shell_run(hp->sh, command, confirm, NULL, dp_command_ms(hp),
	    &text, &err);
	if (r != MCERT_OK) {
		free(text);
		return dp_failed_at(hp, err.msg);
	}
	if (mcert_mmp_failed(text, why, sizeof(why))) {
		free(text);
		return dp_failedf(hp, N_("%s: '%s' failed: %s"), hp->h->label,
		    command, why);
	}
	if (out != NULL)
		*out = text;
	else
		free(text);
	return 0;
}

FILE *
dp_open_transcript(struct host *hp)
{
	const char *dir = hp->run->o->transcripts;
	char path[4096], stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	FILE *f;
	int fd;

	if (dir == NULL)
		return NULL;
	(void)mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s.log", dir, hp->h->label);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0 || (f = fdopen(fd, "a")) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "# meetcert %s %s, %s\n", hp->run->o->dry_run ?
	    "deploy --dry-run" : "deploy", hp->h->label, stamp);
	fflush(f);
	return f;
}

int
dp_connect_host(struct host *hp)
{
	struct mcert_ssh_opts so = hp->run->o->ssh;
	struct mcert_error err = { 0, "" };

	dp_emit(hp, MCERT_DS_CONNECT, NULL);
	so.host = mcert_ws_host_address(hp->h);
	if (hp->h->port > 0)
		so.port = hp->h->port;
	if (hp->h->user != NULL)
		so.user = hp->h->user;
	mcert_shell_close(hp->sh);
	mcert_ssh_close(hp->ssh);
	hp->sh = NULL;
	hp->ssh = NULL;
	if (mcert_ssh_connect(&so, &hp->ssh, &err) != MCERT_OK ||
	    mcert_shell_open(hp->ssh, hp->tr, dp_command_ms(hp), &hp->sh,
	    &err) != MCERT_OK)
		return dp_failed_at(hp, err.msg);
	return 0;
}

