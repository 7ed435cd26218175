/* The service table, data/services.json: what each Meeting Server service
 * takes and the MMP commands that bind it.  A service is a data edit. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"

static const char *const takes_names[] = {
	"key+cert+bundle", "key+fullchain", "trust", "db-node", "db-connect",
	NULL,
};
static const char *const ca_names[] = {
	"public", "internal", "dedicated", "either", NULL,
};
static const char *const role_names[] = {
	"server", "client", "both", NULL,
};

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
bad(struct mcert_error *err, const char *path, size_t i, const char *id,
    const char *field)
{
	return mcert_error_set(err, MCERT_E_PARSE,
	    N_("%s: services[%zu] (%s): %s is missing or not valid"), path, i,
	    id != NULL ? id : "?", field);
}

static int
parse_service(json_t *o, struct mcert_service *s, const char *path, size_t i,
    struct mcert_error *err)
{
	json_t *deps, *v;
	const char *role, *opt, *hr, *key;
	size_t k;
	int idx;

	s->id = str(o, "id");
	if (s->id == NULL)
		return bad(err, path, i, NULL, "id");
	s->name = str(o, "name");
	s->guide = str(o, "guide");
	s->note = str(o, "note");
	s->cn = str(o, "cn");
	s->ca = str(o, "ca");
	s->takes = str(o, "takes");
	if (s->name == NULL)
		return bad(err, path, i, s->id, "name");
	if (mcert_ws_name_index(takes_names, s->takes) < 0)
		return bad(err, path, i, s->id, "takes");
	if ((s->ca != NULL || strcmp(s->takes, "trust") != 0) &&
	    mcert_ws_name_index(ca_names, s->ca) < 0)
		return bad(err, path, i, s->id, "ca");
	hr = str(o, "host_role");
	if ((idx = mcert_ws_name_index(mcert_ws_role_names, hr)) < 0)
		return bad(err, path, i, s->id, "host_role");
	s->host_role = 1u << idx;
	opt = str(o, "option");
	if (opt != NULL) {
		if ((idx = mcert_ws_name_index(mcert_ws_option_names, opt)) < 0)
			return bad(err, path, i, s->id, "option");
		s->option = 1u << idx;
	}
	role = str(o, "role");
	s->role = role == NULL ? -1 : mcert_ws_name_index(role_names, role);
	if (role != NULL && s->role < 0)
		return bad(err, path, i, s->id, "role");
	deps = json_object_get(o, "deployments");
	if (!json_is_array(deps))
		return bad(err, path, i, s->id, "deployments");
	json_array_foreach(deps, k, v) {
		if ((idx = mcert_ws_name_index(mcert_ws_type_names,
		    json_string_value(v))) < 0)
			return bad(err, path, i, s->id, "deployments");
		s->deployments |= 1u << idx;
	}
	s->order = (int)json_integer_value(json_object_get(o, "order"));
	s->san = json_object_get(o, "san");
	if (s->san != NULL && !json_is_array(s->san) && !json_is_null(s->san))
		return bad(err, path, i, s->id, "san");
	s->commands = json_object_get(o, "commands");
	if (!json_is_object(s->commands))
		return bad(err, path, i, s->id, "commands");
	s->status_fields = json_object_get(o, "status_fields");
	if (s->status_fields != NULL && !json_is_object(s->status_fields))
		return bad(err, path, i, s->id, "status_fields");
	json_object_foreach(s->status_fields, key, v)
		if (!json_is_string(v))
			return bad(err, path, i, s->id, "status_fields");
	return MCERT_OK;
}

int
mcert_services_load(const char *path, struct mcert_services **out,
    struct mcert_error *err)
{
	struct mcert_services *s;
	json_error_t jerr;
	json_t *list, *o;
	size_t i;
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if ((s->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		mcert_services_free(s);
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: line %d: %s; reinstall meetcert"), path, jerr.line,
		    jerr.text);
	}
	list = json_object_get(s->root, "services");
	if (!json_is_array(list) || json_integer_value(json_object_get(s->root,
	    "version")) != 1) {
		mcert_services_free(s);
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: not a version 1 service table"), path);
	}
	if ((s->v = calloc(json_array_size(list) + 1, sizeof(*s->v))) == NULL) {
		mcert_services_free(s);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	json_array_foreach(list, i, o) {
		if ((r = parse_service(o, &s->v[i], path, i, err)) != MCERT_OK) {
			mcert_services_free(s);
			return r;
		}
		s->n++;
	}
	/* Ids name certificates and files: each must be its own. */
	for (i = 0; i < s->n; i++) {
		for (size_t k = 0; k < i; k++) {
			if (strcmp(s->v[k].id, s->v[i].id) == 0) {
				r = mcert_error_set(err, MCERT_E_PARSE,
				    N_("%s: services[%zu] (%s): the id is "
				    "already services[%zu]'s"), path, i,
				    s->v[i].id, k);
				mcert_services_free(s);
				return r;
			}
		}
	}
	*out = s;
	return MCERT_OK;
}

void
mcert_services_free(struct mcert_services *s)
{
	if (s == NULL)
		return;
	json_decref(s->root);
	free(s->v);
	free(s);
}

const struct mcert_service *
mcert_service_get(const struct mcert_services *svc, const char *id)
{
	size_t i;

	for (i = 0; svc != NULL && id != NULL && i < svc->n; i++)
		if (strcmp(svc->v[i].id, id) == 0)
			return &svc->v[i];
	return NULL;
}

const char *
mcert_service_command(const struct mcert_service *s, const char *what)
{
	return json_string_value(json_object_get(s->commands, what));
}

size_t
mcert_service_ports(const struct mcert_workspace *ws,
    const struct mcert_services *svc, const struct mcert_service *s,
    int *out, size_t max)
{
	json_t *e, *p;
	size_t i, n = 0;

	if (s == NULL || max == 0)
		return 0;
	if (strcmp(s->id, "webbridge3-c2w") == 0 && ws->c2w_port > 0) {
		out[0] = ws->c2w_port;
		return 1;
	}
	if (strcmp(s->id, "webbridge3-https") == 0 && ws->https_port > 0) {
		out[0] = ws->https_port;
		return 1;
	}
	json_array_foreach(json_object_get(svc->root, "services"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "id")) != NULL ?
		    json_string_value(json_object_get(e, "id")) : "", s->id) != 0)
			continue;
		json_array_foreach(json_object_get(e, "ports"), i, p)
			if (n < max && json_integer_value(p) > 0 &&
			    json_integer_value(p) < 65536)
				out[n++] = (int)json_integer_value(p);
		break;
	}
	return n;
}

const char *
mcert_services_path(const char *given, char *buf, size_t sz)
{
	const char *env = getenv("MEETCERT_DATA");

	if (given != NULL)
		return given;
	if (env != NULL && *env != '\0') {
		snprintf(buf, sz, "%s/services.json", env);
		return buf;
	}
	snprintf(buf, sz, "%s/services.json", DATADIR);
	if (access(buf, R_OK) == 0)
		return buf;
	snprintf(buf, sz, "%s/services.json", SRCDATADIR);
	return buf;
}
