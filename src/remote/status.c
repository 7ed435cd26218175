/* Reading what each host has bound (status.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "mmp.h"
#include "shell.h"
#include "status.h"

struct reader {
	const struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_services *svc;
	const struct mcert_status_opts *o;
	const struct mcert_ws_host *h;
	struct mcert_ssh *ssh;
	struct mcert_shell *sh;
	json_t *screens;	/* status command -> its fields */
	json_t *out;
};

static long
command_ms(const struct reader *rd)
{
	return rd->o->command_ms > 0 ? rd->o->command_ms : 60000;
}

/* The fields of a status screen, read once per command. */
static json_t *
screen(struct reader *rd, const char *command, struct mcert_error *err)
{
	json_t *f = json_object_get(rd->screens, command);
	char *text = NULL;

	if (f != NULL)
		return f;
	if (mcert_shell_run(rd->sh, command, NULL, NULL, command_ms(rd), &text,
	    err) != MCERT_OK)
		return NULL;
	f = mcert_mmp_fields(text);
	free(text);
	json_object_set_new(rd->screens, command, f);
	return f;
}

/* Whether the plan binds exactly these files for s on this host. */
static int
planned(const struct reader *rd, const struct mcert_service *s,
    const json_t *files)
{
	const struct mcert_plan_step *st;
	const char *k;
	json_t *v;
	size_t i;

	for (i = 0; i < rd->plan->nsteps; i++) {
		st = &rd->plan->steps[i];
		if (strcmp(st->host, rd->h->label) != 0 || st->files == NULL ||
		    strcmp(st->service, s->id) != 0)
			continue;
		json_object_foreach(st->files, k, v)
			if (!json_equal(v, json_object_get(files, k)))
				return 0;
		return 1;
	}
	return 0;
}

/* The certificate in files' "cert" (else "fullchain"), with "bundle" as
 * its chain, judged for usage; json null when there is none. */
static json_t *
judge_usage(struct reader *rd, int usage, const json_t *files,
    struct mcert_error *err)
{
	const char *leaf = json_string_value(json_object_get(files, "cert"));
	const char *chain = json_string_value(json_object_get(files, "bundle"));
	unsigned char *ld = NULL, *cd = NULL;
	size_t ll = 0, cl = 0;
	json_t *out = NULL;
	struct mcert_error lerr = { 0 };

	if (leaf == NULL)
		leaf = json_string_value(json_object_get(files, "fullchain"));
	if (leaf == NULL)
		return json_null();
	if (mcert_sftp_get(rd->ssh, leaf, &ld, &ll, &lerr) != MCERT_OK ||
	    (chain != NULL && mcert_sftp_get(rd->ssh, chain, &cd, &cl,
	    &lerr) != MCERT_OK)) {
		out = json_pack("{s:b, s:s}", "verified", 0, "why", lerr.msg);
		goto done;
	}
	if (mcert_judge_bound(ld, ll, leaf, cd, cl, chain, usage,
	    rd->o->now ? rd->o->now : time(NULL), &out, err) != MCERT_OK)
		out = NULL;
done:
	free(ld);
	free(cd);
	return out;
}

static json_t *
read_service(struct reader *rd, const struct mcert_service *s,
    struct mcert_error *err)
{
	json_t *fields, *b, *files, *cert, *o;
	const char *verdict;

	if ((fields = screen(rd, mcert_service_command(s, "status"), err)) ==
	    NULL)
		return NULL;
	b = mcert_mmp_binding(s, fields);
	files = mcert_mmp_binding_files(b);
	if ((cert = judge_usage(rd, s->role, files, err)) == NULL) {
		json_decref(b);
		json_decref(files);
		return NULL;
	}
	if (json_object_size(files) == 0)
		verdict = "unbound";
	else if (json_is_null(cert))
		verdict = "bound";
	else
		verdict = json_is_true(json_object_get(cert, "verified")) ?
		    "verified" : "failed";
	o = json_pack("{s:s, s:s, s:O, s:o, s:b, s:s, s:o}", "service", s->id,
	    "name", s->name, "enabled", json_object_get(b, "enabled") != NULL ?
	    json_object_get(b, "enabled") : json_null(), "files", files,
	    "planned", planned(rd, s, files), "verdict", verdict,
	    "certificate", cert);
	json_decref(b);
	if (o == NULL)
		mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return o;
}

/* The services the plan binds on this host, once each. */
static int
read_services(struct reader *rd, json_t *list, struct mcert_error *err)
{
	const struct mcert_service *s;
	json_t *seen = json_object(), *o;
	size_t i;
	int r = MCERT_OK;

	for (i = 0; i < rd->plan->nsteps && r == MCERT_OK; i++) {
		const struct mcert_plan_step *st = &rd->plan->steps[i];

		if (strcmp(st->host, rd->h->label) != 0 ||
		    strcmp(st->what, "bind") != 0 ||
		    json_object_get(seen, st->service) != NULL ||
		    (s = mcert_service_get(rd->svc, st->service)) == NULL ||
		    s->status_fields == NULL)
			continue;
		json_object_set_new(seen, st->service, json_true());
		if ((o = read_service(rd, s, err)) == NULL)
			r = err->code != 0 ? err->code : mcert_error_set(err,
			    MCERT_E_NOMEM, N_("out of memory"));
		else
			json_array_append_new(list, o);
	}
	json_decref(seen);
	return r;
}

/* ---- the database cluster's certificates (no status screen names them) */

/* The plan's database bind step on this host, when a deploy recorded it
 * done for the workspace's generation (the key deploy-host.c writes). */
static const struct mcert_plan_step *
db_step_done(const struct reader *rd)
{
	const struct mcert_plan_step *st;
	char key[1200];
	size_t i, nth = 0;

	for (i = 0; i < rd->plan->nsteps; i++) {
		st = &rd->plan->steps[i];
		if (strcmp(st->host, rd->h->label) != 0)
			continue;
		nth++;
		if (strcmp(st->what, "bind") != 0 || st->files == NULL ||
		    (strcmp(st->service, "database-node") != 0 &&
		    strcmp(st->service, "database-connect") != 0))
			continue;
		snprintf(key, sizeof(key), "%s/g%d/%zu %s", rd->h->label,
		    rd->ws->generation, nth, st->command);
		return strcmp(mcert_ws_step_state(rd->ws, key), "done") == 0 ?
		    st : NULL;
	}
	return NULL;
}

/* The files the database service has bound: the workspace's record (deploy
 * and discover write it), else the plan's when its bind step is done; NULL
 * when unknown.  *id: the service. */
static const json_t *
db_files(const struct reader *rd, const char **id)
{
	const struct mcert_plan_step *st;
	const json_t *f;

	*id = "database-node";
	if ((f = mcert_ws_bound(rd->ws, rd->h->label, *id)) != NULL)
		return f;
	*id = "database-connect";
	if ((f = mcert_ws_bound(rd->ws, rd->h->label, *id)) != NULL)
		return f;
	*id = rd->h->db == MCERT_DB_CONNECT ? "database-connect" :
	    "database-node";
	if ((st = db_step_done(rd)) == NULL)
		return NULL;
	*id = st->service;
	return st->files;
}

/* Whether the plan binds these files for the database service. */
static int
db_planned(const struct reader *rd, const char *id, const json_t *files)
{
	const struct mcert_plan_step *st;
	const char *k;
	json_t *v;
	size_t i;

	for (i = 0; i < rd->plan->nsteps; i++) {
		st = &rd->plan->steps[i];
		if (strcmp(st->host, rd->h->label) != 0 || st->files == NULL ||
		    strcmp(st->service, id) != 0)
			continue;
		json_object_foreach((json_t *)files, k, v)
			if (!json_equal(v, json_object_get(st->files, k)))
				return 0;
		return 1;
	}
	return 0;
}

/* One of the database's certificates (role "server" or "client"), its
 * files and its judgement against the cluster's CA. */
static json_t *
db_entry(struct reader *rd, const struct mcert_service *s, const char *role,
    const json_t *bound, struct mcert_error *err)
{
	int server = strcmp(role, "server") == 0;
	const char *key = server ? "server_key" : "client_key";
	const char *cert = server ? "server_cert" : "client_cert";
	json_t *files = json_object(), *judged, *c;
	const char *k;

	json_object_foreach((json_t *)bound, k, c)
		if ((strcmp(k, key) == 0 || strcmp(k, cert) == 0 ||
		    strcmp(k, "ca") == 0) && json_is_string(c))
			json_object_set(files, k, c);
	/* judge() reads "cert" and "bundle": the CA file is the chain */
	judged = json_pack("{s:O?, s:O?}", "cert", json_object_get(files,
	    cert), "bundle", json_object_get(files, "ca"));
	if (judged == NULL || (c = judge_usage(rd, server ?
	    MCERT_USAGE_SERVER : MCERT_USAGE_CLIENT, judged, err)) == NULL) {
		json_decref(judged);
		json_decref(files);
		return NULL;
	}
	json_decref(judged);
	return json_pack("{s:s, s:s, s:n, s:o, s:b, s:s, s:o, s:b, s:s}",
	    "service", s->id, "name", s->name, "enabled", "files", files,
	    "planned", db_planned(rd, s->id, files), "verdict",
	    json_is_null(c) ? "unbound" : json_is_true(json_object_get(c,
	    "verified")) ? "verified" : "failed", "certificate", c,
	    "database", 1, "role", role);
}

/* The database service's certificates as entries of the host's services:
 * the server one (database nodes) and the client one; an entry saying the
 * files are unknown when meetcert has no record of them. */
static int
read_database(struct reader *rd, json_t *list, struct mcert_error *err)
{
	const struct mcert_service *s;
	const json_t *bound;
	const char *id;
	json_t *o;

	bound = db_files(rd, &id);
	if ((s = mcert_service_get(rd->svc, id)) == NULL)
		return MCERT_OK;	/* a service table without it */
	if (bound == NULL) {
		o = json_pack("{s:s, s:s, s:n, s:{}, s:b, s:s, s:n, s:b, s:s, "
		    "s:s}", "service", s->id, "name", s->name, "enabled",
		    "files", "planned", 0, "verdict", "unknown", "certificate",
		    "database", 1, "role", strcmp(id, "database-node") == 0 ?
		    "server" : "client", "why", mcert_tr(N_("database "
		    "certificate files unknown: meetcert has no record of what "
		    "this node bound (deploy or discover records it)")));
		if (o == NULL || json_array_append_new(list, o) != 0)
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
		return MCERT_OK;
	}
	if (json_object_get(bound, "server_cert") != NULL) {
		if ((o = db_entry(rd, s, "server", bound, err)) == NULL)
			return err->code != 0 ? err->code : mcert_error_set(err,
			    MCERT_E_NOMEM, N_("out of memory"));
		json_array_append_new(list, o);
	}
	if (json_object_get(bound, "client_cert") != NULL) {
		if ((o = db_entry(rd, s, "client", bound, err)) == NULL)
			return err->code != 0 ? err->code : mcert_error_set(err,
			    MCERT_E_NOMEM, N_("out of memory"));
		json_array_append_new(list, o);
	}
	return MCERT_OK;
}

static void *
read_host(void *arg)
{
	struct reader *rd = arg;
	struct mcert_ssh_opts so = rd->o->ssh;
	struct mcert_error err = { 0 };
	json_t *services = json_array(), *db = json_null();
	char *text = NULL;

	so.host = mcert_ws_host_address(rd->h);
	if (rd->h->port > 0)
		so.port = rd->h->port;
	if (rd->h->user != NULL)
		so.user = rd->h->user;
	rd->screens = json_object();
	if (mcert_ssh_connect(&so, &rd->ssh, &err) != MCERT_OK ||
	    mcert_shell_open(rd->ssh, NULL, command_ms(rd), &rd->sh, &err) !=
	    MCERT_OK || read_services(rd, services, &err) != MCERT_OK)
		goto out;
	if (rd->h->db != MCERT_DB_NONE) {
		if (mcert_shell_run(rd->sh, "database cluster status", NULL,
		    NULL, command_ms(rd), &text, &err) != MCERT_OK)
			goto out;
		db = mcert_mmp_db_status(text);
		free(text);
		if (read_database(rd, services, &err) != MCERT_OK) {
			json_decref(db);
			db = json_null();
			goto out;
		}
	}
out:
	rd->out = json_pack("{s:s, s:s, s:s?, s:o, s:o}", "host",
	    rd->h->label, "address", so.host, "error", err.msg[0] != '\0' ?
	    err.msg : NULL, "services", services, "database", db);
	mcert_shell_close(rd->sh);
	mcert_ssh_close(rd->ssh);
	json_decref(rd->screens);
	return NULL;
}

int
mcert_status(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const struct mcert_services *svc,
    const struct mcert_status_opts *o, json_t **out, struct mcert_error *err)
{
	struct reader *rd = calloc(ws->nhosts + 1, sizeof(*rd));
	pthread_t *tid = calloc(ws->nhosts + 1, sizeof(*tid));
	int *started = calloc(ws->nhosts + 1, sizeof(*started));
	json_t *hosts = json_array();
	size_t i;

	*out = NULL;
	if (ws->nhosts == 0) {
		free(rd);
		free(tid);
		free(started);
		json_decref(hosts);
		return mcert_error_set(err, MCERT_E_INVALID, N_("the workspace "
		    "lists no Meeting Server yet"));
	}
	if (rd == NULL || tid == NULL || started == NULL || hosts == NULL) {
		free(rd);
		free(tid);
		free(started);
		json_decref(hosts);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	for (i = 0; i < ws->nhosts; i++) {
		if (o->only_host != NULL &&
		    strcmp(o->only_host, ws->hosts[i].label) != 0)
			continue;
		rd[i] = (struct reader){ ws, plan, svc, o, &ws->hosts[i], NULL,
		    NULL, NULL, NULL };
		/* a host whose thread will not start is read here */
		if (pthread_create(&tid[i], NULL, read_host, &rd[i]) == 0)
			started[i] = 1;
		else
			read_host(&rd[i]);
	}
	for (i = 0; i < ws->nhosts; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		if (rd[i].out != NULL)
			json_array_append_new(hosts, rd[i].out);
	}
	free(rd);
	free(tid);
	free(started);
	if (json_array_size(hosts) == 0) {
		json_decref(hosts);
		return mcert_error_set(err, MCERT_E_INVALID, N_("no host is "
		    "labelled '%s' in the workspace"), o->only_host);
	}
	*out = json_pack("{s:o}", "hosts", hosts);
	return MCERT_OK;
}
