/* Deploying a plan to its Meeting Servers (deploy.h): binding with the
 * way back, the database cluster, a thread per host. */
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
#include "timefmt.h"


/* ---- binding, with the way back */

/* The group starting at first: the steps of one component in a row (the
 * plan's group; a host's steps in it are in a row in its list too). */
size_t
dp_group_end(const struct host *hp, size_t first)
{
	size_t k = hp->steps[first];

	return first + (mcert_plan_group_end(hp->run->plan, hp->run->svc, k) -
	    k);
}

/* Reads the status screen once and records each service's binding. */
static json_t *
read_before(struct host *hp, const struct group *g)
{
	struct mcert_error err = { 0, "" };
	json_t *before = json_object(), *fields, *b;
	const struct mcert_service *s;
	char *out = NULL;
	size_t i;
	int r = MCERT_OK;

	if (before == NULL || dp_mmp(hp, mcert_plan_step_screen(hp->run->svc,
	    dp_step_at(hp, g->first)), NULL, &out) != 0) {
		json_decref(before);
		return NULL;
	}
	fields = mcert_mmp_fields(out);
	free(out);
	for (i = g->first; i < g->first + g->n; i++) {
		s = dp_service(hp->run, dp_step_at(hp, i)->service);
		if (json_object_get(before, s->id) != NULL)
			continue;
		b = mcert_mmp_binding(s, fields);
		json_object_set_new(before, s->id, b);
		pthread_mutex_lock(&hp->run->lock);
		if (!hp->run->o->dry_run)
			r = mcert_ws_record_binding(hp->run->ws, hp->h->label,
			    s->id, b, &err);
		pthread_mutex_unlock(&hp->run->lock);
		if (r != MCERT_OK)
			break;
	}
	json_decref(fields);
	if (r != MCERT_OK) {
		dp_failed(hp, err.msg);
		json_decref(before);
		return NULL;
	}
	return before;
}

/* The binding to put back: the one recorded before this generation's
 * first run (the workspace), else the one just read. */
static json_t *
recorded(struct host *hp, const struct group *g, const char *id)
{
	json_t *b;

	pthread_mutex_lock(&hp->run->lock);
	b = mcert_ws_binding(hp->run->ws, hp->h->label, id);
	pthread_mutex_unlock(&hp->run->lock);
	return b != NULL ? b : json_object_get(g->before, id);
}

/* Puts back what was bound; a line for the operator in note. */
int
dp_rollback(struct host *hp, const struct group *g, char *note, size_t len)
{
	const struct mcert_plan_step *restore = NULL;
	const char *id;
	char *cmd, *missing = NULL;
	size_t i, put = 0;
	int bad = 0, enabled = 1;

	*note = '\0';
	if (!mcert_shell_alive(hp->sh) && dp_connect_host(hp) != 0) {
		snprintf(note, len, "%s", mcert_tr(N_("; it could not be put "
		    "back (no connection): run deploy again to finish it")));
		return -1;
	}
	for (i = g->first; i < g->first + g->n; i++) {
		const struct mcert_plan_step *st = dp_step_at(hp, i);
		const struct mcert_service *s = dp_service(hp->run, st->service);
		json_t *b;

		if (strcmp(st->what, "bind") != 0) {
			if (strcmp(st->what, "disable") != 0)
				restore = st;
			continue;
		}
		id = s->id;
		b = recorded(hp, g, id);
		enabled &= !json_is_false(json_object_get(b, "enabled"));
		cmd = mcert_mmp_fill(mcert_service_command(s, "bind"), b,
		    &missing);
		free(missing);
		if (cmd == NULL)
			continue;	/* nothing was bound before */
		dp_emit(hp, MCERT_DS_ROLLBACK, cmd);
		bad |= dp_mmp(hp, cmd, NULL, NULL) != 0;
		free(cmd);
		put++;
	}
	/* enable only what was enabled; restart what always runs */
	if (restore != NULL && (enabled || strcmp(restore->what, "enable") !=
	    0)) {
		dp_emit(hp, MCERT_DS_ROLLBACK, restore->command);
		bad |= dp_mmp(hp, restore->command, NULL, NULL) != 0;
	}
	if (bad)
		snprintf(note, len, "%s", mcert_tr(N_("; putting the earlier "
		    "files back failed too: see the transcript")));
	else
		snprintf(note, len, "%s", put > 0 ? mcert_tr(N_("; the files "
		    "bound before were put back")) : mcert_tr(N_("; nothing "
		    "was bound before, so nothing was put back")));
	return bad ? -1 : 0;
}

/* The files of services whose status screen does not name them (the
 * database's), recorded as bound. */
static int
record_bound(struct host *hp, const struct group *g)
{
	struct mcert_error err = { 0, "" };
	const struct mcert_plan_step *st;
	const struct mcert_service *s;
	size_t i;
	int r = MCERT_OK;

	if (hp->run->o->dry_run)
		return 0;
	for (i = g->first; i < g->first + g->n && r == MCERT_OK; i++) {
		st = dp_step_at(hp, i);
		if (strcmp(st->what, "bind") != 0 || st->files == NULL ||
		    (s = dp_service(hp->run, st->service)) == NULL ||
		    s->status_fields != NULL)
			continue;
		pthread_mutex_lock(&hp->run->lock);
		r = mcert_ws_set_bound(hp->run->ws, hp->h->label, s->id,
		    st->files, &err);
		pthread_mutex_unlock(&hp->run->lock);
	}
	return r == MCERT_OK ? 0 : dp_failed(hp, err.msg);
}

static int
run_group(struct host *hp, struct group *g)
{
	const struct mcert_plan_step *st;
	char note[256];
	size_t i;

	if (mcert_plan_step_screen(hp->run->svc, dp_step_at(hp,
	    g->first)) != NULL && (g->before = read_before(hp, g)) == NULL)
		return -1;
	for (i = g->first; i < g->first + g->n; i++) {
		st = dp_step_at(hp, i);
		hp->done = i + 1;
		if (hp->run->o->dry_run) {
			dp_emit(hp, MCERT_DS_PLAN, st->command);
			continue;
		}
		dp_emit(hp, MCERT_DS_STEP, st->command);
		if (dp_mmp(hp, st->command, st->confirm, NULL) == 0)
			continue;
		if (g->before == NULL)
			return -1;	/* the database: nothing to put back */
		dp_rollback(hp, g, note, sizeof(note));
		dp_why_append(hp, note);
		dp_emit(hp, MCERT_DS_FAILED, hp->res->why);
		return -1;
	}
	return record_bound(hp, g) != 0 ? -1 : dp_mark_done(hp, g->first,
	    g->n);
}

/* ---- the database cluster */

/* `database cluster status` until every node is connected. */
static int
db_wait(struct host *hp, const struct mcert_plan_step *st)
{
	long waited = 0, limit = hp->run->o->db_wait_ms > 0 ?
	    hp->run->o->db_wait_ms : 300000;
	size_t want = mcert_ws_db_nodes(hp->run->ws);
	json_t *db;
	char *out;
	int ok;

	dp_emit(hp, MCERT_DS_WAIT, st->command);
	for (;;) {
		out = NULL;
		if (dp_mmp(hp, st->command, NULL, &out) != 0)
			return -1;
		db = mcert_mmp_db_status(out);
		free(out);
		ok = mcert_mmp_db_all_connected(db, 0) &&
		    json_array_size(json_object_get(db, "nodes")) >= want;
		json_decref(db);
		if (ok)
			return 0;
		if (waited >= limit || dp_cancelled(hp))
			return dp_failedf(hp, N_("%s: the database cluster did not "
			    "show all %zu nodes connected within %ld s; check "
			    "'database cluster status' on each node"),
			    hp->h->label, want, limit / 1000);
		mcert_sleep_ms(500);
		waited += 500;
	}
}

/* ---- one host */

static int
run_phase(struct host *hp, int phase)
{
	struct group g;
	size_t i, end;
	int r = 0;

	for (i = 0; i < hp->nsteps && r == 0; i = end) {
		if (dp_step_at(hp, i)->phase != phase) {
			end = i + 1;
			continue;
		}
		end = dp_group_end(hp, i);
		g = (struct group){ i, end - i, NULL };
		if (dp_step_done(hp, i) && dp_step_done(hp, end - 1)) {
			hp->done = end;
			hp->res->skipped += g.n;
			dp_emit(hp, MCERT_DS_SKIP, dp_step_at(hp, i)->command);
			continue;
		}
		if (dp_cancelled(hp))
			return dp_failedf(hp, N_("%s: stopped before '%s', as "
			    "asked; run deploy again to resume"),
			    hp->h->label, dp_step_at(hp, i)->command);
		if (strcmp(dp_step_at(hp, i)->what, "status") == 0 &&
		    !hp->run->o->dry_run) {
			hp->done = end;
			r = db_wait(hp, dp_step_at(hp, i));
			if (r == 0)
				r = dp_mark_done(hp, i, 1);
		} else
			r = run_group(hp, &g);
		if (r == 0)
			hp->res->ran += g.n;
		json_decref(g.before);
	}
	return r;
}

/* The services, on this host's turn; the next host starts when its ports
 * present what was just bound. */
static int
one_at_a_time(struct host *hp)
{
	size_t ran = hp->res->ran;
	int r;

	if (dp_turn_wait(hp) != 0) {
		hp->res->stopped = 1;
		return dp_failedf(hp, N_("%s: not started, because another "
		    "host failed first (one host at a time); its services "
		    "still have the files bound before"), hp->h->label);
	}
	r = run_phase(hp, DP_PHASE_SERVICES);
	if (r == 0 && hp->run->o->probe && !hp->run->o->dry_run &&
	    hp->res->ran > ran && (r = dp_live_check(hp)) != 0)
		dp_undo_services(hp);
	dp_turn_pass(hp, r == 0);
	return r;
}

static int
prepare(struct host *hp)
{
	if (dp_connect_host(hp) != 0 || dp_upload(hp) != 0)
		return -1;
	return dp_check_binds(hp);
}

static void *
host_main(void *arg)
{
	struct host *hp = arg;
	size_t p;
	int r, stop;

	pthread_mutex_lock(&hp->run->lock);	/* the gate */
	stop = hp->run->stop;
	pthread_mutex_unlock(&hp->run->lock);
	if (stop)
		return NULL;
	hp->tr = dp_open_transcript(hp);
	r = prepare(hp);
	for (p = 0; p < hp->run->nphases; p++) {
		/* Every host passes every barrier, even one that failed,
		 * so that none waits forever. */
		if (dp_barrier(hp) != 0) {
			if (r == 0) {
				hp->res->stopped = 1;
				r = dp_failedf(hp, hp->res->ran > 0 ? N_("%s: "
				    "the steps so far are done; stopped before "
				    "phase %d because another host failed; run "
				    "deploy again when it is fixed") : N_("%s: "
				    "stopped before phase %d because another "
				    "host failed; run deploy again when it is "
				    "fixed"), hp->h->label, hp->run->phases[p]);
			}
			continue;
		}
		if (r == 0 && hp->run->phases[p] == DP_PHASE_SERVICES &&
		    hp->run->o->one_at_a_time)
			r = one_at_a_time(hp);
		else if (r == 0)
			r = run_phase(hp, hp->run->phases[p]);
	}
	(void)dp_barrier(hp);
	if (r == 0)
		dp_emit(hp, MCERT_DS_DONE, NULL);
	mcert_shell_close(hp->sh);
	mcert_ssh_close(hp->ssh);
	hp->sh = NULL;
	hp->ssh = NULL;
	if (hp->tr != NULL)
		fclose(hp->tr);
	return NULL;
}

/* ---- the run */

static void
add_phase(struct run *run, int phase)
{
	size_t i, j;

	for (i = 0; i < run->nphases; i++)
		if (run->phases[i] == phase)
			return;
	if (run->nphases == sizeof(run->phases) / sizeof(*run->phases))
		return;
	for (i = 0; i < run->nphases && run->phases[i] < phase; i++)
		;
	for (j = run->nphases; j > i; j--)
		run->phases[j] = run->phases[j - 1];
	run->phases[i] = phase;
	run->nphases++;
}

static int
make_hosts(struct run *run, struct host *hosts, struct mcert_deploy_result *r)
{
	const struct mcert_plan *p = run->plan;
	size_t i, k, n = 0;

	for (i = 0; i < run->ws->nhosts; i++) {
		const struct mcert_ws_host *h = &run->ws->hosts[i];
		struct host *hp = &hosts[n];

		if (run->o->only_host != NULL &&
		    strcmp(run->o->only_host, h->label) != 0)
			continue;
		hp->run = run;
		hp->index = n;
		hp->h = h;
		hp->res = &r->v[n];
		hp->res->host = h->label;
		hp->res->ok = 1;
		if ((hp->steps = calloc(p->nsteps + 1, sizeof(size_t))) ==
		    NULL)
			return -1;
		for (k = 0; k < p->nsteps; k++)
			if (strcmp(p->steps[k].host, h->label) == 0) {
				hp->steps[hp->nsteps++] = k;
				if (!run->o->no_database || p->steps[k].phase ==
				    DP_PHASE_SERVICES)
					add_phase(run, p->steps[k].phase);
			}
		n++;
	}
	r->n = run->nhosts = n;
	return 0;
}

/* Starts a thread per host.  They wait at a gate until all are started:
 * when one cannot be, none does anything. */
static int
start(struct run *run, struct host *hosts, struct mcert_error *err)
{
	pthread_t *tid = calloc(run->nhosts, sizeof(*tid));
	size_t i, started = 0;

	if (tid == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	pthread_mutex_lock(&run->lock);
	for (i = 0; i < run->nhosts; i++) {
		if (pthread_create(&tid[i], NULL, host_main, &hosts[i]) != 0)
			break;
		started++;
	}
	if (started < run->nhosts) {
		run->stop = 1;
		run->nhosts = started;
	}
	pthread_mutex_unlock(&run->lock);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	if (run->stop)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("cannot start a "
		    "thread per host; nothing was done"));
	return MCERT_OK;
}

int
mcert_deploy(struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_services *svc, const struct mcert_deploy_opts *o,
    struct mcert_deploy_result *r, struct mcert_error *err)
{
	struct run run = { ws, plan, svc, o, PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, { 0 }, 0, 0 };
	struct host *hosts;
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	if (mcert_findings_count(&plan->findings, MCERT_LEVEL_ERROR) > 0)
		return mcert_error_set(err, MCERT_E_INVALID, N_("the plan has "
		    "errors (meetcert plan shows them): fix the workspace "
		    "first"));
	if (!o->no_database && !o->db_confirmed && !o->dry_run &&
	    !o->replay && mcert_deploy_touches_db(ws, plan, o->only_host)) {
		r->need_db_confirm = 1;
		return mcert_error_set(err, MCERT_E_INVALID, N_("renewing the "
		    "database cluster's certificates removes every node from "
		    "the cluster and builds it again, so the database is down "
		    "until all nodes connect (guide §5.3): confirm that first, "
		    "or renew the services alone"));
	}
	if (!o->no_database && !o->replay &&
	    (ret = dp_db_precheck(&run, err)) != MCERT_OK)
		return ret;
	hosts = calloc(ws->nhosts + 1, sizeof(*hosts));
	r->v = calloc(ws->nhosts + 1, sizeof(*r->v));
	if (hosts == NULL || r->v == NULL || make_hosts(&run, hosts, r) != 0) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if (run.nhosts == 0) {
		ret = mcert_error_set(err, MCERT_E_INVALID, N_("no host is "
		    "labelled '%s' in the workspace"), o->only_host);
		goto out;
	}
	if ((ret = start(&run, hosts, err)) != MCERT_OK)
		goto out;
	for (i = 0; i < r->n; i++)
		if (!r->v[i].ok) {
			ret = mcert_error_set(err, MCERT_E_VERDICT, "%s",
			    r->v[i].why);
			break;
		}
out:
	for (i = 0; hosts != NULL && i < ws->nhosts; i++)
		free(hosts[i].steps);
	free(hosts);
	pthread_mutex_destroy(&run.lock);
	pthread_cond_destroy(&run.turn);
	return ret;
}

int
mcert_deploy_touches_db(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const char *only_host)
{
	size_t i;

	if (ws->generation <= 1)
		return 0;
	for (i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].phase != DP_PHASE_SERVICES &&
		    (only_host == NULL || strcmp(only_host,
		    plan->steps[i].host) == 0) &&
		    !mcert_deploy_step_done(ws, plan, i))
			return 1;
	return 0;
}

void
mcert_deploy_result_free(struct mcert_deploy_result *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

