/* The certificates of a plan: which service uses which, their names,
 * CN, SAN, usage and CA (guide §2.1, §3.1). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "plan-int.h"

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

int
plan_active(const struct builder *b, const struct mcert_service *s,
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
char *
plan_fname(const struct builder *b, const char *base, const char *suffix,
    const char *ext)
{
	char *out;

	(void)b;
	return asprintf(&out, "%s%s.%s", base, suffix, ext) == -1 ? NULL : out;
}

/* Generation 1 keeps the guide's and the lab's plain names; a renewal
 * gets "-g2", "-g3"... in every certificate and file name: pki csr on a
 * live name would replace the live key and break the service at once. */
char *
plan_gen(const struct builder *b, const char *base)
{
	char *out;
	int r;

	if (base == NULL)
		return NULL;
	if (b->ws->generation > 1)
		r = asprintf(&out, "%s-g%d", base, b->ws->generation);
	else
		r = (out = strdup(base)) == NULL ? -1 : 0;
	return r == -1 ? NULL : out;
}

void
plan_add_unique(json_t *arr, const char *s)
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
		plan_add_unique(into, h->fqdn);
	else if (strcmp(sym, "cluster_fqdn") == 0)
		plan_add_unique(into, ws->cluster_fqdn);
	else if (strcmp(sym, "join_url") == 0)
		plan_add_unique(into, ws->join_url);
	else if (strcmp(sym, "login_domain") == 0)
		plan_add_unique(into, ws->login_domain);
	else if (strcmp(sym, "c2w_address") == 0)
		plan_add_unique(into, ws->c2w_address);
	else if (strcmp(sym, "expressway_a_record") == 0 &&
	    (ws->options & MCERT_OPT_EXPRESSWAY_PROXY))
		plan_add_unique(into, ws->expressway_a_record);
	else if (strcmp(sym, "domain") == 0)
		plan_add_unique(into, ws->domain);
	else if (strcmp(sym, "peer_db_fqdns") == 0) {
		for (i = 0; i < ws->nhosts; i++)
			if (&ws->hosts[i] != h &&
			    (ws->hosts[i].db == MCERT_DB_PRIMARY ||
			    ws->hosts[i].db == MCERT_DB_PEER))
				plan_add_unique(into, ws->hosts[i].fqdn);
	} else if (strchr(sym, '_') == NULL)
		plan_add_unique(into, sym);	/* a literal: "postgres" */
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
char *
plan_cert_name(const struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s)
{
	char *out = NULL;
	int r = 0;

	char *gen;

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
	if (r == -1 || out == NULL)
		return NULL;
	gen = plan_gen(b, out);
	free(out);
	return gen;
}

/* The CN of a shared certificate: the cluster's name where there is one
 * (the lab's cms1.pod7.cms.lab), else the server's. */
static const char *
shared_cn(const struct builder *b, const struct mcert_ws_host *h)
{
	const char *domain = b->ws->domain;

	if (b->ws->layout == MCERT_LAYOUT_ONE_FOR_ALL)
		return domain != NULL ? domain : b->ws->cluster_fqdn != NULL ?
		    b->ws->cluster_fqdn : b->ws->hosts[0].fqdn;
	if (b->ws->type == MCERT_DEPLOY_RESILIENT && b->ws->cluster_fqdn)
		return b->ws->cluster_fqdn;
	return h->fqdn;
}

void
plan_add_service_cert(struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s)
{
	struct mcert_plan_cert *c;
	char *name = plan_cert_name(b, h, s);
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
			plan_add_unique(tmp, shared_cn(b, h));
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
	plan_add_unique(c->hosts, h->label);
	plan_add_unique(c->services, s->id);
}

void
plan_add_db_certs(struct builder *b)
{
	const struct mcert_workspace *ws = b->ws;
	const struct mcert_ws_host *primary = NULL;
	struct mcert_plan_cert *srv, *cli, *ca;
	char *sn = NULL, *cn = NULL, *an = NULL;
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
	if ((sn = plan_gen(b, "dbclusterserver")) == NULL ||
	    (cn = plan_gen(b, "dbclusterclient")) == NULL ||
	    (an = plan_gen(b, "dbca")) == NULL ||
	    cert_get(b, sn) == NULL || cert_get(b, cn) == NULL ||
	    cert_get(b, an) == NULL) {
		b->nomem = 1;
		goto out;
	}
	srv = cert_find(b->p, sn);
	cli = cert_find(b->p, cn);
	ca = cert_find(b->p, an);
	free(srv->cn);
	srv->cn = strdup(primary->fqdn);
	resolve(b, primary, "peer_db_fqdns", srv->san);
	plan_add_unique(srv->san, primary->fqdn);
	srv->usage = MCERT_USAGE_SERVER;
	srv->ca = "dedicated";
	free(cli->cn);
	cli->cn = strdup("postgres");
	cli->usage = MCERT_USAGE_CLIENT;
	cli->ca = "dedicated";
	free(ca->cn);
	ca->cn = strdup("Database cluster CA");
	ca->usage = MCERT_USAGE_CA;
	ca->ca = "self";
	for (i = 0; i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];

		if (h->db == MCERT_DB_NONE)
			continue;
		if (h->db != MCERT_DB_CONNECT)
			plan_add_unique(srv->hosts, h->label);
		plan_add_unique(cli->hosts, h->label);
		plan_add_unique(ca->hosts, h->label);
	}
	plan_add_unique(srv->services, "database");
	plan_add_unique(cli->services, "database");
	plan_add_unique(ca->services, "database");
out:
	free(sn);
	free(cn);
	free(an);
}
