#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "plan.h"

/* Steps of one phase finish on every host before the next phase: the
 * services first, then the database cluster (guide §4, App. A.5). */
enum {
	PHASE_SERVICES,
	PHASE_DB_REMOVE,
	PHASE_DB_CERTS,
	PHASE_DB_INITIALIZE,
	PHASE_DB_JOIN,
	PHASE_DB_CONNECT,
	PHASE_DB_STATUS,
};

struct builder {
	const struct mcert_workspace *ws;
	const struct mcert_services *svc;
	struct mcert_plan *p;
	int nomem;
};

static int
enabled(const struct builder *b, const struct mcert_service *s,
    const struct mcert_ws_host *h)
{
	const struct mcert_workspace *ws = b->ws;

	return (s->deployments & (1u << ws->type)) &&
	    (s->option == 0 || (ws->options & s->option)) &&
	    (h->roles & s->host_role);
}

/* Whether an option's variant of s (the same component and bind command,
 * such as the Call Bridge certificate for Lync federation) takes its
 * place on h. */
static int
replaced(const struct builder *b, const struct mcert_service *s,
    const struct mcert_ws_host *h)
{
	const char *bind = mcert_service_command(s, "bind");
	size_t i;

	if (s->option != 0 || bind == NULL)
		return 0;
	for (i = 0; i < b->svc->n; i++) {
		const struct mcert_service *o = &b->svc->v[i];
		const char *ob = mcert_service_command(o, "bind");

		if (o != s && o->option != 0 && ob != NULL &&
		    strcmp(ob, bind) == 0 && enabled(b, o, h))
			return 1;
	}
	return 0;
}

static int
active(const struct builder *b, const struct mcert_service *s,
    const struct mcert_ws_host *h)
{
	const struct mcert_workspace *ws = b->ws;

	if (!(s->deployments & (1u << ws->type)) ||
	    (s->option != 0 && !(ws->options & s->option)) ||
	    replaced(b, s, h))
		return 0;
	if (strcmp(s->takes, "db-node") == 0)
		return h->db == MCERT_DB_PRIMARY || h->db == MCERT_DB_PEER;
	if (strcmp(s->takes, "db-connect") == 0)
		return h->db == MCERT_DB_CONNECT;
	return (h->roles & s->host_role) != 0;
}

/* Generation 1 keeps the guide's and the lab's plain names; a renewal
 * gets "-g2", "-g3"...: never a live name. */
static char *
fname(const struct builder *b, const char *base, const char *suffix,
    const char *ext)
{
	char *out;
	int r;

	if (b->ws->generation > 1)
		r = asprintf(&out, "%s%s-g%d.%s", base, suffix,
		    b->ws->generation, ext);
	else
		r = asprintf(&out, "%s%s.%s", base, suffix, ext);
	return r == -1 ? NULL : out;
}

static void
json_add_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	if (s == NULL)
		return;
	json_array_foreach(arr, i, v)
		if (strcasecmp(json_string_value(v), s) == 0)
			return;
	json_array_append_new(arr, json_string(s));
}

/* A symbolic name of the service table for host h: host_fqdn,
 * cluster_fqdn, join_url, ... NULL when the workspace has none. */
static void
resolve(const struct builder *b, const struct mcert_ws_host *h,
    const char *sym, json_t *into)
{
	const struct mcert_workspace *ws = b->ws;
	size_t i;

	if (sym == NULL)
		return;
	if (strcmp(sym, "host_fqdn") == 0)
		json_add_unique(into, h->fqdn);
	else if (strcmp(sym, "cluster_fqdn") == 0)
		json_add_unique(into, ws->cluster_fqdn);
	else if (strcmp(sym, "join_url") == 0)
		json_add_unique(into, ws->join_url);
	else if (strcmp(sym, "login_domain") == 0)
		json_add_unique(into, ws->login_domain);
	else if (strcmp(sym, "c2w_address") == 0)
		json_add_unique(into, ws->c2w_address);
	else if (strcmp(sym, "expressway_a_record") == 0 &&
	    (ws->options & MCERT_OPT_EXPRESSWAY_PROXY))
		json_add_unique(into, ws->expressway_a_record);
	else if (strcmp(sym, "domain") == 0)
		json_add_unique(into, json_string_value(json_object_get(
		    json_object_get(ws->root, "names"), "domain")));
	else if (strcmp(sym, "peer_db_fqdns") == 0) {
		for (i = 0; i < ws->nhosts; i++)
			if (&ws->hosts[i] != h &&
			    (ws->hosts[i].db == MCERT_DB_PRIMARY ||
			    ws->hosts[i].db == MCERT_DB_PEER))
				json_add_unique(into, ws->hosts[i].fqdn);
	} else if (strchr(sym, '_') == NULL)
		json_add_unique(into, sym);	/* a literal: "postgres" */
}

static struct mcert_plan_cert *
cert_find(struct mcert_plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncerts; i++)
		if (strcmp(p->certs[i].name, name) == 0)
			return &p->certs[i];
	return NULL;
}

static struct mcert_plan_cert *
cert_get(struct builder *b, const char *name)
{
	struct mcert_plan *p = b->p;
	struct mcert_plan_cert *c = cert_find(p, name), *grown;

	if (c != NULL)
		return c;
	if ((grown = realloc(p->certs, (p->ncerts + 1) * sizeof(*grown))) ==
	    NULL) {
		b->nomem = 1;
		return NULL;
	}
	p->certs = grown;
	c = &p->certs[p->ncerts++];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->san = json_array();
	c->hosts = json_array();
	c->services = json_array();
	c->usage = (enum mcert_usage)-1;
	if (c->name == NULL || c->san == NULL || c->hosts == NULL ||
	    c->services == NULL)
		b->nomem = 1;
	return c;
}

static enum mcert_usage
usage_join(int have, int add)
{
	if (have < 0)
		return (enum mcert_usage)add;
	if (have == add)
		return (enum mcert_usage)have;
	return MCERT_USAGE_BOTH;
}

/* Which certificate a (host, service) uses, by the layout (guide §3.1). */
static char *
cert_name(const struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s)
{
	char *out = NULL;
	int r = 0;

	switch (b->ws->layout) {
	case MCERT_LAYOUT_PER_SERVER:
		out = strdup(h->label);
		break;
	case MCERT_LAYOUT_PER_SERVICE:
		r = asprintf(&out, "%s-%s", h->label, s->id);
		break;
	case MCERT_LAYOUT_ONE_FOR_ALL:
		out = strdup("deployment");
		break;
	}
	return r == -1 ? NULL : out;
}

/* The CN of a shared certificate: the cluster's name where there is one
 * (the lab's cms1.pod7.cms.lab), else the server's. */
static const char *
shared_cn(const struct builder *b, const struct mcert_ws_host *h)
{
	const char *domain = json_string_value(json_object_get(
	    json_object_get(b->ws->root, "names"), "domain"));

	if (b->ws->layout == MCERT_LAYOUT_ONE_FOR_ALL)
		return domain != NULL ? domain : b->ws->cluster_fqdn != NULL ?
		    b->ws->cluster_fqdn : b->ws->hosts[0].fqdn;
	if (b->ws->type == MCERT_DEPLOY_RESILIENT && b->ws->cluster_fqdn)
		return b->ws->cluster_fqdn;
	return h->fqdn;
}

static void
add_service_cert(struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s)
{
	struct mcert_plan_cert *c;
	char *name = cert_name(b, h, s);
	json_t *v;
	size_t i;

	if (name == NULL || (c = cert_get(b, name)) == NULL) {
		free(name);
		b->nomem = 1;
		return;
	}
	free(name);
	if (c->cn == NULL) {
		json_t *tmp = json_array();

		if (b->ws->layout == MCERT_LAYOUT_PER_SERVICE)
			resolve(b, h, s->cn, tmp);
		else
			json_add_unique(tmp, shared_cn(b, h));
		c->cn = json_array_size(tmp) > 0 ? strdup(json_string_value(
		    json_array_get(tmp, 0))) : strdup(h->fqdn);
		json_decref(tmp);
	}
	/* A shared certificate names the server, the deployment's domain and
	 * then each service's names, as the lab's pki csr line does. */
	if (b->ws->layout != MCERT_LAYOUT_PER_SERVICE) {
		resolve(b, h, "host_fqdn", c->san);
		resolve(b, h, "domain", c->san);
		resolve(b, h, "login_domain", c->san);
	}
	json_array_foreach(s->san, i, v)
		resolve(b, h, json_string_value(v), c->san);
	c->usage = usage_join((int)c->usage, s->role);
	if (strcmp(s->ca, "public") == 0 || c->ca == NULL)
		c->ca = strcmp(s->ca, "either") == 0 ? "internal" : s->ca;
	json_add_unique(c->hosts, h->label);
	json_add_unique(c->services, s->id);
}

static void
add_db_certs(struct builder *b)
{
	const struct mcert_workspace *ws = b->ws;
	const struct mcert_ws_host *primary = NULL;
	struct mcert_plan_cert *srv, *cli, *ca;
	size_t i;

	for (i = 0; i < ws->nhosts; i++)
		if (ws->hosts[i].db == MCERT_DB_PRIMARY && primary == NULL)
			primary = &ws->hosts[i];
	if (primary == NULL)
		return;
	/* guide §3.1.4, the lab: the server certificate's CN is one node, its
	 * SAN the others; the client's CN is postgres; both from a CA kept
	 * for the database cluster alone. */
	/* cert_get may move the array: look them up once all exist. */
	if (cert_get(b, "dbclusterserver") == NULL ||
	    cert_get(b, "dbclusterclient") == NULL ||
	    cert_get(b, "dbca") == NULL)
		return;
	srv = cert_find(b->p, "dbclusterserver");
	cli = cert_find(b->p, "dbclusterclient");
	ca = cert_find(b->p, "dbca");
	srv->cn = strdup(primary->fqdn);
	resolve(b, primary, "peer_db_fqdns", srv->san);
	json_add_unique(srv->san, primary->fqdn);
	srv->usage = MCERT_USAGE_SERVER;
	srv->ca = "dedicated";
	cli->cn = strdup("postgres");
	cli->usage = MCERT_USAGE_CLIENT;
	cli->ca = "dedicated";
	ca->cn = strdup("Database cluster CA");
	ca->usage = MCERT_USAGE_CA;
	ca->ca = "self";
	for (i = 0; i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];

		if (h->db == MCERT_DB_NONE)
			continue;
		if (h->db != MCERT_DB_CONNECT)
			json_add_unique(srv->hosts, h->label);
		json_add_unique(cli->hosts, h->label);
		json_add_unique(ca->hosts, h->label);
	}
	json_add_unique(srv->services, "database");
	json_add_unique(cli->services, "database");
	json_add_unique(ca->services, "database");
}

static void
finding(struct builder *b, enum mcert_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finding(struct builder *b, enum mcert_level level, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), mcert_tr(fmt), ap);
	va_end(ap);
	if (mcert_findings_add(&b->p->findings, level, "%s", buf) != 0)
		b->nomem = 1;
}

/* The guide's rules on the workspace itself, each naming its field. */
static void
check_workspace(struct builder *b)
{
	const struct mcert_workspace *ws = b->ws;
	size_t i, dbnodes = 0, primaries = 0, connects = 0;
	unsigned int roles = 0;

	for (i = 0; i < ws->nhosts; i++) {
		roles |= ws->hosts[i].roles;
		dbnodes += ws->hosts[i].db == MCERT_DB_PRIMARY ||
		    ws->hosts[i].db == MCERT_DB_PEER;
		primaries += ws->hosts[i].db == MCERT_DB_PRIMARY;
		connects += ws->hosts[i].db == MCERT_DB_CONNECT;
	}
	if ((roles & MCERT_HOST_WEBBRIDGE3) && ws->join_url == NULL)
		finding(b, MCERT_LEVEL_ERROR, N_("names.join_url is missing: "
		    "Web Bridge 3 is on, and browsers reach it by that name, "
		    "which its certificate must carry"));
	if (ws->type != MCERT_DEPLOY_RESILIENT && ws->nhosts > 2)
		finding(b, MCERT_LEVEL_WARNING, N_("type: a %s deployment has "
		    "one server (split: core and edge), but %zu hosts are "
		    "listed; use type resilient"), mcert_ws_type_names[ws->type],
		    ws->nhosts);
	if (dbnodes > 0 && (dbnodes < 3 || dbnodes > 5))
		finding(b, MCERT_LEVEL_ERROR, N_("hosts: the database cluster "
		    "has %zu node(s) (primary and peer); it needs 3 to 5"),
		    dbnodes);
	if (dbnodes > 0 && primaries != 1)
		finding(b, MCERT_LEVEL_ERROR, N_("hosts: %zu database primaries; "
		    "mark exactly one host database: primary"), primaries);
	if (connects > 0 && dbnodes == 0)
		finding(b, MCERT_LEVEL_ERROR, N_("hosts: a host connects to a "
		    "database cluster but no host holds one; mark the database "
		    "nodes primary and peer"));
	if (ws->type == MCERT_DEPLOY_RESILIENT && ws->cluster_fqdn == NULL &&
	    ws->layout != MCERT_LAYOUT_PER_SERVICE)
		finding(b, MCERT_LEVEL_WARNING, N_("names.cluster_fqdn is "
		    "missing: each server's certificate takes its own FQDN as "
		    "CN"));
	if ((roles & MCERT_HOST_WEBBRIDGE3) && ws->c2w_address == NULL)
		finding(b, MCERT_LEVEL_WARNING, N_("names.c2w_address is "
		    "missing: each Call Bridge reaches its Web Bridge 3 by the "
		    "web bridge's FQDN, which its c2w certificate carries"));
	if ((ws->options & MCERT_OPT_EXPRESSWAY_PROXY) &&
	    ws->expressway_a_record == NULL)
		finding(b, MCERT_LEVEL_ERROR, N_("names.expressway_a_record is "
		    "missing: with the Expressway web proxy on, the web bridge "
		    "certificate must carry the A record it connects to"));
}

/* After the certificates: what a server presents must carry its names. */
static void
check_certs(struct builder *b)
{
	struct mcert_plan *p = b->p;
	size_t i, k;
	json_t *v;
	int mixed = 0;

	for (i = 0; i < p->ncerts; i++) {
		struct mcert_plan_cert *c = &p->certs[i];

		/* pki csr appends the CN; the plan lists it too. */
		if (c->usage != MCERT_USAGE_CA && strcmp(c->cn, "postgres") != 0)
			json_add_unique(c->san, c->cn);
		if (strcmp(c->ca, "public") == 0 &&
		    json_array_size(c->services) > 1 && !mixed++)
			finding(b, MCERT_LEVEL_WARNING, N_("certificate %s (and "
			    "any like it) serves Web Bridge 3 or another public "
			    "service and internal ones: have it signed by a CA "
			    "browsers trust, or choose layout per-service"),
			    c->name);
		json_array_foreach(c->hosts, k, v) {
			size_t h;

			/* guide §4.9 (3.4+): cluster peers are checked
			 * against their Web Admin certificates' names. */
			for (h = 0; h < b->ws->nhosts; h++) {
				const struct mcert_ws_host *host =
				    &b->ws->hosts[h];
				size_t s;
				json_t *name;
				int found = 0;

				if (strcmp(host->label, json_string_value(v)) !=
				    0 || !(host->roles & MCERT_HOST_WEBADMIN) ||
				    c->usage == MCERT_USAGE_CA ||
				    strcmp(c->cn, "postgres") == 0)
					continue;
				json_array_foreach(c->san, s, name)
					found |= strcasecmp(json_string_value(
					    name), host->fqdn) == 0;
				if (!found && strncmp(c->name, "db", 2) != 0)
					finding(b, MCERT_LEVEL_WARNING,
					    N_("certificate %s does not carry "
					    "%s, the FQDN of %s: cluster peers "
					    "will not match it"), c->name,
					    host->fqdn, host->label);
			}
		}
	}
}

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
	json_add_unique(list, file);
}

static void
add_step(struct builder *b, const char *host, int phase, const char *service,
    char *command, const char *confirm)
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
	grown[p->nsteps].service = service;
	p->nsteps++;
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
					json_add_unique(certs,
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
static void
bind_service(struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s)
{
	char *cert = NULL, *key = NULL, *crt = NULL, *bundle = NULL,
	    *full = NULL, *trust = NULL;
	const char *disable = mcert_service_command(s, "disable");
	const char *enable = mcert_service_command(s, "enable");
	const char *restart = mcert_service_command(s, "restart");

	if (strcmp(s->takes, "trust") == 0) {
		/* A trust bundle: the certificates of the other side. */
		trust = fname(b, s->id, "", "pem");
	} else {
		cert = cert_name(b, h, s);
		if (cert == NULL) {
			b->nomem = 1;
			return;
		}
		key = fname(b, cert, "", "key");
		crt = fname(b, cert, "", "crt");
		bundle = fname(b, cert, "-bundle", "pem");
		full = fname(b, cert, "-fullchain", "pem");
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

			if (asprintf(&line, "%s on %s: install %s by hand (the "
			    "guide gives no MMP command)", s->name, h->label,
			    trust != NULL ? trust : full != NULL ? full :
			    "its files") == -1)
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
			add_step(b, h->label, PHASE_SERVICES, s->id,
			    dup_cmd(disable), NULL);
		add_step(b, h->label, PHASE_SERVICES, s->id,
		    fill(mcert_service_command(s, "bind"), vars), NULL);
		if (enable != NULL)
			add_step(b, h->label, PHASE_SERVICES, s->id,
			    dup_cmd(enable), NULL);
		else if (restart != NULL)
			add_step(b, h->label, PHASE_SERVICES, s->id,
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
static void
bind_database(struct builder *b, const struct mcert_service *node,
    const struct mcert_service *conn)
{
	const struct mcert_workspace *ws = b->ws;
	const struct mcert_ws_host *primary = NULL;
	char *sk = fname(b, "dbclusterserver", "", "key");
	char *sc = fname(b, "dbclusterserver", "", "crt");
	char *ck = fname(b, "dbclusterclient", "", "key");
	char *cc = fname(b, "dbclusterclient", "", "crt");
	char *ca = fname(b, "dbca", "", "crt");
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
		add_step(b, h->label, PHASE_DB_REMOVE, s->id,
		    dup_cmd((t = mcert_service_command(s, "remove")) != NULL ?
		    t : "database cluster remove"), "Y");
		add_step(b, h->label, PHASE_DB_CERTS, s->id,
		    fill(mcert_service_command(s, "bind"), vars), NULL);
		if (h->db == MCERT_DB_PRIMARY)
			add_step(b, h->label, PHASE_DB_INITIALIZE, s->id,
			    dup_cmd((t = mcert_service_command(s,
			    "initialize")) != NULL ? t :
			    "database cluster initialize"), NULL);
		else if (h->db == MCERT_DB_PEER)
			add_step(b, h->label, PHASE_DB_JOIN, s->id, fill(
			    (t = mcert_service_command(s, "join")) != NULL ? t :
			    "database cluster join {primary}", vars), NULL);
		else
			add_step(b, h->label, PHASE_DB_CONNECT, s->id, fill(
			    (t = mcert_service_command(s, "connect")) != NULL ?
			    t : "database cluster connect {primary}", vars),
			    NULL);
		add_step(b, h->label, PHASE_DB_STATUS, s->id,
		    strdup("database cluster status"), NULL);
	}
	free(sk);
	free(sc);
	free(ck);
	free(cc);
	free(ca);
}

static int
by_order(const void *a, const void *b)
{
	const struct mcert_service *x = *(const struct mcert_service *const *)a;
	const struct mcert_service *y = *(const struct mcert_service *const *)b;

	return (x->order > y->order) - (x->order < y->order);
}

static int
by_phase(const void *a, const void *b)
{
	const struct mcert_plan_step *x = a, *y = b;

	if (x->phase != y->phase)
		return (x->phase > y->phase) - (x->phase < y->phase);
	return (x > y) - (x < y);
}

int
mcert_plan_build(const struct mcert_workspace *ws,
    const struct mcert_services *svc, struct mcert_plan **out,
    struct mcert_error *err)
{
	struct builder b = { ws, svc, NULL, 0 };
	const struct mcert_service **sorted = NULL;
	const struct mcert_service *dbnode = NULL, *dbconn = NULL;
	size_t i, k;

	*out = NULL;
	if ((b.p = calloc(1, sizeof(*b.p))) == NULL ||
	    (b.p->files = json_object()) == NULL ||
	    (b.p->operator = json_array()) == NULL ||
	    (b.p->bundles = json_object()) == NULL ||
	    (sorted = calloc(svc->n + 1, sizeof(*sorted))) == NULL) {
		mcert_plan_free(b.p);
		free(sorted);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	for (i = 0; i < svc->n; i++)
		sorted[i] = &svc->v[i];
	qsort(sorted, svc->n, sizeof(*sorted), by_order);
	check_workspace(&b);
	/* Certificates, host by host, service by service. */
	for (i = 0; i < ws->nhosts; i++) {
		for (k = 0; k < svc->n; k++) {
			const struct mcert_service *s = sorted[k];

			if (!active(&b, s, &ws->hosts[i]))
				continue;
			if (strcmp(s->takes, "db-node") == 0)
				dbnode = s;
			else if (strcmp(s->takes, "db-connect") == 0)
				dbconn = s;
			else if (strcmp(s->takes, "trust") != 0 && s->role >= 0)
				add_service_cert(&b, &ws->hosts[i], s);
		}
	}
	add_db_certs(&b);
	check_certs(&b);
	/* Files and commands, in the table's safe order per host. */
	for (i = 0; i < ws->nhosts; i++)
		for (k = 0; k < svc->n; k++)
			if (active(&b, sorted[k], &ws->hosts[i]) &&
			    strncmp(sorted[k]->takes, "db-", 3) != 0)
				bind_service(&b, &ws->hosts[i], sorted[k]);
	if (dbnode != NULL || dbconn != NULL)
		bind_database(&b, dbnode, dbconn);
	qsort(b.p->steps, b.p->nsteps, sizeof(*b.p->steps), by_phase);
	/* App. D: each web bridge is registered through the Web Admin API. */
	for (i = 0; i < ws->nhosts; i++) {
		char *line;

		if (!(ws->hosts[i].roles & MCERT_HOST_WEBBRIDGE3))
			continue;
		if (asprintf(&line, "Web Admin API: POST /api/v1/webBridges "
		    "url=c2w://%s:%d (registers %s's Web Bridge 3 with the Call "
		    "Bridges)", ws->c2w_address != NULL ? ws->c2w_address :
		    ws->hosts[i].fqdn, ws->c2w_port, ws->hosts[i].label) == -1)
			b.nomem = 1;
		else
			json_array_append_new(b.p->operator, json_string(line));
		free(line);
	}
	free(sorted);
	if (b.nomem) {
		mcert_plan_free(b.p);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	*out = b.p;
	return MCERT_OK;
}

void
mcert_plan_free(struct mcert_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncerts; i++) {
		free(p->certs[i].name);
		free(p->certs[i].cn);
		json_decref(p->certs[i].san);
		json_decref(p->certs[i].hosts);
		json_decref(p->certs[i].services);
	}
	free(p->certs);
	for (i = 0; i < p->nsteps; i++)
		free(p->steps[i].command);
	free(p->steps);
	json_decref(p->files);
	json_decref(p->operator);
	json_decref(p->bundles);
	mcert_findings_free(&p->findings);
	free(p);
}

json_t *
mcert_plan_json(const struct mcert_workspace *ws, const struct mcert_plan *p)
{
	static const char *const usages[] = { "server", "client", "both", "ca" };
	json_t *root = json_object(), *certs = json_array(), *hosts =
	    json_array(), *findings = json_array();
	size_t i, k;

	for (i = 0; i < p->ncerts; i++) {
		const struct mcert_plan_cert *c = &p->certs[i];

		json_array_append_new(certs, json_pack("{s:s, s:s, s:O, s:s, "
		    "s:s, s:O, s:O}", "name", c->name, "cn", c->cn, "san",
		    c->san, "usage", usages[c->usage], "ca", c->ca, "hosts",
		    c->hosts, "services", c->services));
	}
	for (i = 0; i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];
		json_t *steps = json_array(), *files = json_object_get(p->files,
		    h->label);

		files = files != NULL ? json_incref(files) : json_array();

		for (k = 0; k < p->nsteps; k++) {
			const struct mcert_plan_step *s = &p->steps[k];

			if (strcmp(s->host, h->label) != 0)
				continue;
			json_array_append_new(steps, json_pack("{s:s, s:i, "
			    "s:s?, s:s}", "command", s->command, "phase",
			    s->phase, "confirm", s->confirm, "service",
			    s->service));
		}
		json_array_append_new(hosts, json_pack("{s:s, s:s, s:o, s:o}",
		    "label", h->label, "fqdn", h->fqdn, "files", files, "steps",
		    steps));
	}
	for (i = 0; i < p->findings.n; i++)
		json_array_append_new(findings, json_pack("{s:s, s:s}",
		    "level", p->findings.v[i].level == MCERT_LEVEL_ERROR ?
		    "error" : "warning", "text", p->findings.v[i].text));
	json_object_set_new(root, "certificates", certs);
	json_object_set_new(root, "hosts", hosts);
	json_object_set(root, "bundles", p->bundles);
	json_object_set(root, "operator", p->operator);
	json_object_set_new(root, "findings", findings);
	return root;
}
