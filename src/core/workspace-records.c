/* What a workspace records as the work goes on (workspace.h): each
 * certificate's CA and state, each step done, keys made on their server,
 * what was bound before a generation (for rollback) and what the database
 * has bound, discover's guesses, the next generation; and where a host is
 * reached. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "workspace.h"

static const char *
record(const struct mcert_workspace *ws, const char *group, const char *key,
    const char *field)
{
	json_t *v = json_object_get(json_object_get(ws->root, group), key);

	return json_string_value(field != NULL ? json_object_get(v, field) : v);
}

const char *
mcert_ws_cert_ca(const struct mcert_workspace *ws, const char *name)
{
	return record(ws, "certificates", name, "ca");
}

const char *
mcert_ws_cert_state(const struct mcert_workspace *ws, const char *name)
{
	const char *s = record(ws, "certificates", name, "state");

	return s != NULL ? s : "planned";
}

const char *
mcert_ws_step_state(const struct mcert_workspace *ws, const char *key)
{
	const char *s = record(ws, "steps", key, NULL);

	return s != NULL ? s : "planned";
}

static int
set_record(struct mcert_workspace *ws, const char *group, const char *key,
    const char *field, const char *state, struct mcert_error *err)
{
	json_t *g = json_object_get(ws->root, group), *o;

	if (mcert_ws_name_index(mcert_ws_state_names, state) < 0)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("'%s' is not a state"), state);
	if (g == NULL) {
		g = json_object();
		if (g == NULL || json_object_set_new(ws->root, group, g) != 0)
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
	}
	if (field == NULL)
		return json_object_set_new(g, key, json_string(state)) == 0 ?
		    MCERT_OK : mcert_error_set(err, MCERT_E_NOMEM,
		    N_("out of memory"));
	if ((o = json_object_get(g, key)) == NULL) {
		o = json_object();
		if (o == NULL || json_object_set_new(g, key, o) != 0)
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
	}
	return json_object_set_new(o, field, json_string(state)) == 0 ?
	    MCERT_OK : mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
}

int
mcert_ws_set_cert_state(struct mcert_workspace *ws, const char *name,
    const char *state, struct mcert_error *err)
{
	return set_record(ws, "certificates", name, "state", state, err);
}

int
mcert_ws_set_step_state(struct mcert_workspace *ws, const char *key,
    const char *state, struct mcert_error *err)
{
	return set_record(ws, "steps", key, NULL, state, err);
}

void
mcert_ws_forget_steps(struct mcert_workspace *ws, const char *label,
    int generation)
{
	json_t *steps = json_object_get(ws->root, "steps"), *v;
	const char *key;
	void *tmp;
	char prefix[300];
	size_t n;

	n = (size_t)snprintf(prefix, sizeof(prefix), "%s/g%d/", label,
	    generation);
	if (n >= sizeof(prefix))
		return;
	json_object_foreach_safe(steps, tmp, key, v)
		if (strncmp(key, prefix, n) == 0)
			json_object_del(steps, key);
}

int
mcert_ws_key_on_server(const struct mcert_workspace *ws, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(
	    json_object_get(ws->root, "certificates"), name), "key"));

	return v != NULL && strcmp(v, "server") == 0;
}

int
mcert_ws_set_key_on_server(struct mcert_workspace *ws, const char *name, int on)
{
	json_t *certs = json_object_get(ws->root, "certificates"), *o;

	if (certs == NULL) {
		if ((certs = json_object()) == NULL ||
		    json_object_set_new(ws->root, "certificates", certs) != 0)
			return -1;
	}
	if ((o = json_object_get(certs, name)) == NULL) {
		if (!on)
			return 0;
		if ((o = json_object()) == NULL ||
		    json_object_set_new(certs, name, o) != 0)
			return -1;
	}
	if (!on)
		return json_object_del(o, "key") == 0 ? 0 : 0;
	return json_object_set_new(o, "key", json_string("server"));
}

size_t
mcert_ws_db_nodes(const struct mcert_workspace *ws)
{
	size_t i, n = 0;

	for (i = 0; i < ws->nhosts; i++)
		n += ws->hosts[i].db == MCERT_DB_PRIMARY ||
		    ws->hosts[i].db == MCERT_DB_PEER;
	return n;
}

const char *
mcert_ws_host_address(const struct mcert_ws_host *h)
{
	return h->address != NULL ? h->address : h->fqdn;
}

const char *
mcert_ws_probe_address(const struct mcert_ws_host *h)
{
	return h->web_address != NULL ? h->web_address :
	    mcert_ws_host_address(h);
}

static json_t *
child(json_t *parent, const char *name)
{
	json_t *o = json_object_get(parent, name);

	if (!json_is_object(o)) {
		if ((o = json_object()) == NULL || json_object_set_new(parent,
		    name, o) != 0)
			return NULL;
	}
	return o;
}

int
mcert_ws_record_binding(struct mcert_workspace *ws, const char *host,
    const char *service, json_t *binding, struct mcert_error *err)
{
	json_t *prev = child(ws->root, "previous"), *hosts, *h;

	if (prev == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if (json_integer_value(json_object_get(prev, "generation")) !=
	    ws->generation) {
		json_object_clear(prev);
		json_object_set_new(prev, "generation",
		    json_integer(ws->generation));
	}
	if ((hosts = child(prev, "hosts")) == NULL ||
	    (h = child(hosts, host)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if (json_object_get(h, service) == NULL &&
	    json_object_set(h, service, binding) != 0)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return MCERT_OK;
}

json_t *
mcert_ws_binding(const struct mcert_workspace *ws, const char *host,
    const char *service)
{
	json_t *prev = json_object_get(ws->root, "previous");

	if (json_integer_value(json_object_get(prev, "generation")) !=
	    ws->generation)
		return NULL;
	return json_object_get(json_object_get(json_object_get(prev,
	    "hosts"), host), service);
}

int
mcert_ws_set_bound(struct mcert_workspace *ws, const char *host,
    const char *service, json_t *files, struct mcert_error *err)
{
	json_t *bound = child(ws->root, "bound"), *h;

	if (bound == NULL || (h = child(bound, host)) == NULL ||
	    json_object_set_new(h, service, json_deep_copy(files)) != 0)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return MCERT_OK;
}

json_t *
mcert_ws_bound(const struct mcert_workspace *ws, const char *host,
    const char *service)
{
	return json_object_get(json_object_get(json_object_get(ws->root,
	    "bound"), host), service);
}

int
mcert_ws_add_guess(struct mcert_workspace *ws, const char *field,
    const char *why, struct mcert_error *err)
{
	json_t *g = child(ws->root, "guesses");

	if (g == NULL || json_object_set_new(g, field, json_string(why)) != 0)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return MCERT_OK;
}

int
mcert_ws_renew(struct mcert_workspace *ws, struct mcert_error *err)
{
	json_t *bound = json_object_get(ws->root, "bound"), *svcs, *b;
	const char *host, *id;
	int r = MCERT_OK;

	if (ws->generation >= 9999)
		return mcert_error_set(err, MCERT_E_INVALID, N_("generation: "
		    "%d renewals is the most a workspace holds; start a new "
		    "workspace with meetcert discover"), ws->generation);
	if (json_object_set_new(ws->root, "generation",
	    json_integer(ws->generation + 1)) != 0)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	ws->generation++;
	json_object_del(ws->root, "previous");
	json_object_foreach(bound, host, svcs)
		json_object_foreach(svcs, id, b)
			if (r == MCERT_OK)
				r = mcert_ws_record_binding(ws, host, id, b, err);
	return r;
}
