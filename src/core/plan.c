#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "plan-int.h"


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
	size_t i, dbnodes = 0, primaries = 0, connects = 0, webbridges = 0;
	unsigned int roles = 0;

	for (i = 0; i < ws->nhosts; i++) {
		roles |= ws->hosts[i].roles;
		dbnodes += ws->hosts[i].db == MCERT_DB_PRIMARY ||
		    ws->hosts[i].db == MCERT_DB_PEER;
		primaries += ws->hosts[i].db == MCERT_DB_PRIMARY;
		connects += ws->hosts[i].db == MCERT_DB_CONNECT;
	}
	if (ws->nhosts == 0)
		finding(b, MCERT_LEVEL_ERROR, N_("hosts: no Meeting Server is "
		    "listed yet; add each one with its SSH address, FQDN and "
		    "roles"));
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
	for (i = 0; i < ws->nhosts; i++) {
		static const char *const taken[] = { "dbca", "dbclusterserver",
		    "dbclusterclient", "deployment", NULL };

		if (mcert_ws_name_index(taken, ws->hosts[i].label) >= 0)
			finding(b, MCERT_LEVEL_ERROR, N_("hosts[%zu].label: '%s' "
			    "is the name of a certificate meetcert makes; "
			    "choose another label"), i, ws->hosts[i].label);
		webbridges += (ws->hosts[i].roles & MCERT_HOST_WEBBRIDGE3) != 0;
	}
	for (i = 0; dbnodes > 0 && i < ws->nhosts; i++)
		if ((ws->hosts[i].roles & MCERT_HOST_CALLBRIDGE) &&
		    ws->hosts[i].db == MCERT_DB_NONE)
			finding(b, MCERT_LEVEL_ERROR, N_("hosts[%zu] (%s) runs a "
			    "Call Bridge but neither holds nor connects to the "
			    "database cluster; set its database to connect (guide "
			    "§4, A.3)"), i, ws->hosts[i].label);
	if (ws->layout == MCERT_LAYOUT_ONE_FOR_ALL &&
	    (ws->options & MCERT_OPT_LYNC))
		finding(b, MCERT_LEVEL_WARNING, N_("layout one-for-all gives the "
		    "Call Bridge the shared certificate's CN, but for Lync "
		    "federation its CN must be the FQDN the Lync front end knows "
		    "it by (guide §3.1.1); choose layout per-server or "
		    "per-service"));
	if (webbridges > 1 && ws->c2w_address != NULL)
		finding(b, MCERT_LEVEL_WARNING, N_("names.c2w_address is one "
		    "name for %zu web bridges: each is registered at it, so it "
		    "must lead to every one of them (a load-balanced name)"),
		    webbridges);
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

static int
serves(const struct mcert_plan_cert *c, const char *service)
{
	size_t i;
	json_t *v;

	json_array_foreach(c->services, i, v)
		if (strcmp(json_string_value(v), service) == 0)
			return 1;
	return 0;
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
			plan_add_unique(c->san, c->cn);
		const char *chosen = mcert_ws_cert_ca(b->ws, c->name);

		/* guide table 2: browsers and Lync want a public CA. */
		if (chosen != NULL && strcmp(c->ca, "public") == 0 &&
		    strcmp(chosen, "public") != 0)
			finding(b, MCERT_LEVEL_WARNING, N_("certificates.%s.ca is "
			    "%s, but it serves a service the guide wants signed "
			    "by a public CA (table 2): browsers will warn"),
			    c->name, chosen);
		if (chosen != NULL)
			c->ca = chosen;
		else if (strcmp(c->ca, "public") == 0 &&
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
				    !serves(c, "webadmin") ||
				    b->ws->type != MCERT_DEPLOY_RESILIENT)
					continue;
				json_array_foreach(c->san, s, name)
					found |= strcasecmp(json_string_value(
					    name), host->fqdn) == 0;
				if (!found)
					finding(b, MCERT_LEVEL_WARNING,
					    N_("certificate %s does not carry "
					    "%s, the FQDN of %s: cluster peers "
					    "will not match it"), c->name,
					    host->fqdn, host->label);
			}
		}
	}
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
	/* qsort is not stable: the order they were made in decides */
	return (x->seq > y->seq) - (x->seq < y->seq);
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

			if (!plan_active(&b, s, &ws->hosts[i]))
				continue;
			if (strcmp(s->takes, "db-node") == 0)
				dbnode = s;
			else if (strcmp(s->takes, "db-connect") == 0)
				dbconn = s;
			else if (strcmp(s->takes, "trust") != 0 && s->role >= 0)
				plan_add_service_cert(&b, &ws->hosts[i], s);
		}
	}
	if (dbnode != NULL)
		plan_add_db_certs(&b);
	check_certs(&b);
	/* Files and commands, in the table's safe order per host. */
	for (i = 0; i < ws->nhosts; i++)
		for (k = 0; k < svc->n; k++)
			if (plan_active(&b, sorted[k], &ws->hosts[i]) &&
			    strncmp(sorted[k]->takes, "db-", 3) != 0)
				plan_bind_service(&b, &ws->hosts[i], sorted[k]);
	if (dbnode != NULL || dbconn != NULL)
		plan_bind_database(&b, dbnode, dbconn);
	if (b.p->nsteps > 1)
		qsort(b.p->steps, b.p->nsteps, sizeof(*b.p->steps), by_phase);
	/* App. D: each web bridge is registered through the Web Admin API. */
	for (i = 0; i < ws->nhosts; i++) {
		char *line;

		if (!(ws->hosts[i].roles & MCERT_HOST_WEBBRIDGE3))
			continue;
		if (asprintf(&line, mcert_tr(N_("Web Admin API: POST "
		    "/api/v1/webBridges url=c2w://%s:%d (registers %s's Web "
		    "Bridge 3 with the Call Bridges)")), ws->c2w_address != NULL ? ws->c2w_address :
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
	for (i = 0; i < p->nsteps; i++) {
		free(p->steps[i].command);
		json_decref(p->steps[i].files);
	}
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


void
mcert_plan_cert_subject(const struct mcert_plan_cert *c,
    struct mcert_subject *s, char **names)
{
	size_t i, n = json_array_size(c->san);

	memset(s, 0, sizeof(*s));
	s->cn = (char *)c->cn;
	s->san = names;
	for (i = 0; i < n; i++) {
		const char *v = json_string_value(json_array_get(c->san, i));

		if (strcasecmp(v, c->cn) == 0)
			s->cn_appended = 1;
		else
			names[s->nsan++] = (char *)v;
	}
	if (s->cn_appended && s->nsan > 0)
		names[s->nsan++] = (char *)c->cn;
	else
		s->cn_appended = 0;
	s->has_san = s->nsan > 0;
}

char *
mcert_plan_cert_pki_line(const struct mcert_plan_cert *c)
{
	char **names = calloc(json_array_size(c->san) + 2, sizeof(char *));
	struct mcert_subject s;
	char *line;

	if (names == NULL)
		return NULL;
	mcert_plan_cert_subject(c, &s, names);
	line = mcert_subject_pki_line(c->usage == MCERT_USAGE_CA ?
	    "selfsigned" : "csr", c->name, &s);
	free(names);
	return line;
}
