/* The files, bundles and MMP steps of a plan, per host and phase. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "plan-int.h"

static void
add_file(struct builder *b, const char *host, const char *file)
{
	json_t *list = json_object_get(b->p->files, host);

	if (file == NULL) {
		b->nomem = 1;
		return;
	}
	if (list == NULL) {
		list = json_array();
		json_object_set_new(b->p->files, host, list);
	}
	plan_add_unique(list, file);
}

static void
add_step(struct builder *b, const char *host, int phase,
    const struct mcert_service *s, const char *what, char *command,
    const char *confirm)
{
	struct mcert_plan *p = b->p;
	struct mcert_plan_step *grown;

	if (command == NULL || (grown = realloc(p->steps, (p->nsteps + 1) *
	    sizeof(*grown))) == NULL) {
		free(command);
		b->nomem = 1;
		return;
	}
	p->steps = grown;
	grown[p->nsteps].host = host;
	grown[p->nsteps].phase = phase;
	grown[p->nsteps].command = command;
	grown[p->nsteps].confirm = confirm;
	grown[p->nsteps].service = s->id;
	grown[p->nsteps].what = what;
	grown[p->nsteps].files = NULL;
	grown[p->nsteps].seq = p->nsteps;
	p->nsteps++;
}

/* The files of the last step, a bind: each placeholder of its template
 * with the value vars gives it (pairs, NULL-terminated). */
static void
set_files(struct builder *b, const char *template, const char *const *vars)
{
	json_t *o;
	size_t k;

	if (b->p->nsteps == 0 || (o = json_object()) == NULL) {
		b->nomem = 1;
		return;
	}
	for (k = 0; vars[k] != NULL; k += 2) {
		char ph[64];

		snprintf(ph, sizeof(ph), "{%s}", vars[k]);
		if (vars[k + 1] != NULL && strstr(template, ph) != NULL)
			json_object_set_new(o, vars[k], json_string(vars[k + 1]));
	}
	b->p->steps[b->p->nsteps - 1].files = o;
}

/* Fills {key} {cert} ... in template from the names in vars (pairs,
 * NULL-terminated); an empty value drops the placeholder. */
static char *
fill(const char *template, const char *const *vars)
{
	size_t len = 0, cap = strlen(template) + 256, k;
	const char *t = template, *close;
	char *out = malloc(cap), *grown;

	if (out == NULL)
		return NULL;
	while (*t != '\0') {
		const char *val = NULL;
		size_t vl;

		if (*t == '{' && (close = strchr(t, '}')) != NULL) {
			for (k = 0; vars[k] != NULL; k += 2)
				if (strlen(vars[k]) == (size_t)(close - t - 1) &&
				    strncmp(vars[k], t + 1, (size_t)(close - t -
				    1)) == 0)
					val = vars[k + 1];
			if (val == NULL)
				val = "";
			vl = strlen(val);
			if (len + vl + 1 >= cap) {
				cap = (len + vl) * 2 + 16;
				if ((grown = realloc(out, cap)) == NULL) {
					free(out);
					return NULL;
				}
				out = grown;
			}
			memcpy(out + len, val, vl);
			len += vl;
			t = close + 1;
			continue;
		}
		if (len + 2 >= cap) {
			cap *= 2;
			if ((grown = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		out[len++] = *t++;
	}
	/* A dropped optional placeholder leaves a trailing space. */
	while (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
	return out;
}

static char *
dup_cmd(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* Whose certificates a trust bundle holds (guide §4.4.1, §4.9, App. D):
 * the other side of each trust. */
static const struct {
	const char *trust;	/* the trusting service */
	const char *trusted;	/* the service whose certificates it trusts */
} trusts[] = {
	{ "callbridge-trust-cluster", "webadmin" },
	{ "callbridge-trust-c2w", "webbridge3-c2w" },
	{ "webbridge3-c2w-trust", "callbridge" },
	{ "webbridge3-c2w-trust", "callbridge-lync" },
	{ "webbridge3-c2w-trust", "callbridge-lync-cluster" },
};

static void
set_bundle(struct builder *b, const char *file, const char *kind,
    json_t *certs)
{
	json_t *o;

	if (file == NULL || json_object_get(b->p->bundles, file) != NULL) {
		json_decref(certs);
		return;
	}
	o = json_pack("{s:s, s:o}", "kind", kind, "certificates", certs);
	if (o == NULL || json_object_set_new(b->p->bundles, file, o) != 0)
		b->nomem = 1;
}

static void
describe_bundles(struct builder *b, const struct mcert_service *s,
    const char *cert, const char *full, const char *bundle, const char *trust)
{
	json_t *certs;
	size_t i, k;

	if (trust == NULL) {
		if (strcmp(s->takes, "key+fullchain") == 0)
			set_bundle(b, full, "fullchain (the certificate, its "
			    "issuers, the root last)", json_pack("[s]", cert));
		else if (strcmp(s->takes, "key+cert+bundle") == 0)
			set_bundle(b, bundle, "the issuers of the certificate, "
			    "the root last", json_pack("[s]", cert));
		return;
	}
	certs = json_array();
	for (k = 0; k < sizeof(trusts) / sizeof(*trusts); k++) {
		if (strcmp(trusts[k].trust, s->id) != 0)
			continue;
		for (i = 0; i < b->p->ncerts; i++) {
			json_t *v;
			size_t j;

			json_array_foreach(b->p->certs[i].services, j, v)
				if (strcmp(json_string_value(v),
				    trusts[k].trusted) == 0)
					plan_add_unique(certs,
					    b->p->certs[i].name);
		}
	}
	set_bundle(b, trust, json_array_size(certs) > 0 ? "trust" :
	    "trust (the peers' CA certificates: supplied by the operator)",
	    certs);
}

/* Drops the host's last step when it is the same enable or restart the
 * next service ends with: 1 when it did, so that the disable before it
 * stands for both. */
static int
merge_group(struct builder *b, const char *host, const char *last)
{
	struct mcert_plan *p = b->p;
	struct mcert_plan_step *s;

	if (last == NULL || p->nsteps == 0)
		return 0;
	s = &p->steps[p->nsteps - 1];
	if (strcmp(s->host, host) != 0 || s->phase != PHASE_SERVICES ||
	    strcmp(s->command, last) != 0)
		return 0;
	free(s->command);
	p->nsteps--;
	return 1;
}

/* Files and MMP commands of one service on one host. */
void
plan_bind_service(struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s)
{
	char *cert = NULL, *key = NULL, *crt = NULL, *bundle = NULL,
	    *full = NULL, *trust = NULL;
	const char *disable = mcert_service_command(s, "disable");
	const char *enable = mcert_service_command(s, "enable");
	const char *restart = mcert_service_command(s, "restart");

	if (strcmp(s->takes, "trust") == 0) {
		/* A trust bundle: the certificates of the other side. */
		char *id = plan_gen(b, s->id);

		trust = id != NULL ? plan_fname(b, id, "", "pem") : NULL;
		free(id);
	} else {
		cert = plan_cert_name(b, h, s);
		if (cert == NULL) {
			b->nomem = 1;
			return;
		}
		key = plan_fname(b, cert, "", "key");
		crt = plan_fname(b, cert, "", "crt");
		bundle = plan_fname(b, cert, "-bundle", "pem");
		full = plan_fname(b, cert, "-fullchain", "pem");
		add_file(b, h->label, key);
		add_file(b, h->label, strcmp(s->takes,
		    "key+fullchain") == 0 ? full : crt);
		if (strcmp(s->takes, "key+cert+bundle") == 0)
			add_file(b, h->label, bundle);
	}
	if (trust != NULL)
		add_file(b, h->label, trust);
	describe_bundles(b, s, cert, full, bundle, trust);
	{
		const char *const vars[] = {
			"key", key, "cert", crt, "bundle", bundle,
			"fullchain", full, "trust", trust, NULL,
		};

		if (mcert_service_command(s, "bind") == NULL) {
			/* The guide gives no MMP command for it. */
			char *line;

			if (asprintf(&line, "%s on %s: install %s%s%s by hand "
			    "(the guide gives no MMP command)", s->name,
			    h->label, trust != NULL ? trust :
			    strcmp(s->takes, "key+fullchain") == 0 ? full : crt,
			    trust != NULL ? "" : " with its key ", trust != NULL ?
			    "" : key) == -1)
				b->nomem = 1;
			else
				json_array_append_new(b->p->operator,
				    json_string(line));
			free(line);
			goto done;
		}
		/* Services of one MMP component share its disable and
		 * enable: bound together, it goes down once. */
		if (!merge_group(b, h->label, enable != NULL ? enable :
		    restart) && disable != NULL)
			add_step(b, h->label, PHASE_SERVICES, s, "disable",
			    dup_cmd(disable), NULL);
		add_step(b, h->label, PHASE_SERVICES, s, "bind",
		    fill(mcert_service_command(s, "bind"), vars), NULL);
		set_files(b, mcert_service_command(s, "bind"), vars);
		if (enable != NULL)
			add_step(b, h->label, PHASE_SERVICES, s, "enable",
			    dup_cmd(enable), NULL);
		else if (restart != NULL)
			add_step(b, h->label, PHASE_SERVICES, s, "restart",
			    dup_cmd(restart), NULL);
	}
done:
	free(cert);
	free(key);
	free(crt);
	free(bundle);
	free(full);
	free(trust);
}

/* The database cluster, with its barriers (guide §4, the lab): remove
 * everywhere (answered Y), certificates, initialize on the primary, join
 * on the peers, connect on the rest. */
void
plan_bind_database(struct builder *b, const struct mcert_service *node,
    const struct mcert_service *conn)
{
	const struct mcert_workspace *ws = b->ws;
	const struct mcert_ws_host *primary = NULL;
	char *srvn = plan_gen(b, "dbclusterserver");
	char *clin = plan_gen(b, "dbclusterclient");
	char *can = plan_gen(b, "dbca");
	char *sk = plan_fname(b, srvn, "", "key");
	char *sc = plan_fname(b, srvn, "", "crt");
	char *ck = plan_fname(b, clin, "", "key");
	char *cc = plan_fname(b, clin, "", "crt");
	char *ca = plan_fname(b, can, "", "crt");
	size_t i;

	for (i = 0; i < ws->nhosts; i++)
		if (ws->hosts[i].db == MCERT_DB_PRIMARY)
			primary = &ws->hosts[i];
	for (i = 0; primary != NULL && i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];
		const struct mcert_service *s = h->db == MCERT_DB_CONNECT ?
		    conn : node;
		const char *addr = primary->address != NULL ?
		    primary->address : primary->fqdn;
		const char *const vars[] = {
			"server_key", sk, "server_cert", sc, "client_key", ck,
			"client_cert", cc, "ca", ca, "primary", addr, NULL,
		};
		const char *t;

		if (h->db == MCERT_DB_NONE || s == NULL)
			continue;
		if (h->db != MCERT_DB_CONNECT) {
			add_file(b, h->label, sk);
			add_file(b, h->label, sc);
		}
		add_file(b, h->label, ck);
		add_file(b, h->label, cc);
		add_file(b, h->label, ca);
		add_step(b, h->label, PHASE_DB_REMOVE, s, "remove",
		    dup_cmd((t = mcert_service_command(s, "remove")) != NULL ?
		    t : "database cluster remove"), "Y");
		add_step(b, h->label, PHASE_DB_CERTS, s, "bind",
		    fill(mcert_service_command(s, "bind"), vars), NULL);
		set_files(b, mcert_service_command(s, "bind"), vars);
		if (h->db == MCERT_DB_PRIMARY)
			add_step(b, h->label, PHASE_DB_INITIALIZE, s,
			    "initialize",
			    dup_cmd((t = mcert_service_command(s,
			    "initialize")) != NULL ? t :
			    "database cluster initialize"), NULL);
		else if (h->db == MCERT_DB_PEER)
			add_step(b, h->label, PHASE_DB_JOIN, s, "join", fill(
			    (t = mcert_service_command(s, "join")) != NULL ? t :
			    "database cluster join {primary}", vars), NULL);
		else
			add_step(b, h->label, PHASE_DB_CONNECT, s, "connect",
			    fill(
			    (t = mcert_service_command(s, "connect")) != NULL ?
			    t : "database cluster connect {primary}", vars),
			    NULL);
		add_step(b, h->label, PHASE_DB_STATUS, s, "status",
		    strdup("database cluster status"), NULL);
	}
	free(sk);
	free(sc);
	free(ck);
	free(cc);
	free(ca);
	free(srvn);
	free(clin);
	free(can);
}

const char *
mcert_plan_step_screen(const struct mcert_services *svc,
    const struct mcert_plan_step *st)
{
	const struct mcert_service *s = mcert_service_get(svc, st->service);

	return s != NULL && s->status_fields != NULL ?
	    mcert_service_command(s, "status") : NULL;
}

size_t
mcert_plan_group_end(const struct mcert_plan *p,
    const struct mcert_services *svc, size_t first)
{
	const struct mcert_plan_step *a = &p->steps[first], *b;
	const char *screen = mcert_plan_step_screen(svc, a), *other;
	size_t i = first + 1;

	for (; screen != NULL && i < p->nsteps; i++) {
		b = &p->steps[i];
		other = mcert_plan_step_screen(svc, b);
		if (strcmp(b->host, a->host) != 0 || b->phase != a->phase ||
		    other == NULL || strcmp(other, screen) != 0)
			break;
	}
	return i;
}
