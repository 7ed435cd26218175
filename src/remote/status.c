/* Reading what each host has bound (status.h). */
#include "config.h"

#include <pthread.h>
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

static const struct mcert_service *
service(const struct mcert_services *svc, const char *id)
{
	size_t i;

	for (i = 0; i < svc->n; i++)
		if (strcmp(svc->v[i].id, id) == 0)
			return &svc->v[i];
	return NULL;
}

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

static json_t *
judge(struct reader *rd, const struct mcert_service *s, json_t *files,
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
	if (mcert_judge_bound(ld, ll, leaf, cd, cl, chain, s->role,
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
	const char *k, *verdict;
	json_t *v;

	if ((fields = screen(rd, mcert_service_command(s, "status"), err)) ==
	    NULL)
		return NULL;
	b = mcert_mmp_binding(s, fields);
	files = json_object();
	json_object_foreach(b, k, v)
		if (strcmp(k, "enabled") != 0 && json_is_string(v))
			json_object_set(files, k, v);
	if ((cert = judge(rd, s, files, err)) == NULL) {
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
		    (s = service(rd->svc, st->service)) == NULL ||
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
