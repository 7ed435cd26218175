/* A workspace from what the Meeting Servers have bound (discover.h): the
 * hosts, their files and roles, the generation and the records. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "discover-int.h"
#include "judge.h"
#include "mmp.h"
#include "names.h"
#include "timefmt.h"
#include "x509.h"

/* Decodes s into a new buffer; NULL when it is not base64. */
static unsigned char *
b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	unsigned char *out;
	int got;

	if (n % 4 != 0 || (out = malloc(n / 4 * 3 + 1)) == NULL)
		return NULL;
	if (n == 0) {
		*len = 0;
		return out;
	}
	if ((got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n)) <
	    0) {
		free(out);
		return NULL;
	}
	pad = (s[n - 1] == '=') + (s[n - 2] == '=');
	*len = (size_t)got - pad;
	return out;
}

/* ---- small helpers shared with discover-names.c */

void
dv_guess(struct dv *d, const char *field, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), mcert_tr(fmt), ap);
	va_end(ap);
	if (json_object_get(d->guesses, field) == NULL &&
	    json_object_set_new(d->guesses, field, json_string(buf)) != 0)
		d->nomem = 1;
}

int
dv_has(const json_t *arr, const char *name)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (name != NULL && strcasecmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

const struct dv_leaf *
dv_leaf(const struct dv_host *h, const char *id)
{
	size_t i;

	for (i = 0; i < h->nleaves; i++)
		if (strcmp(h->leaves[i].s->id, id) == 0)
			return &h->leaves[i];
	return NULL;
}

int
mcert_discover_name_generation(const char *name)
{
	const char *p = name;
	int best = 0;

	while ((p = strstr(p, "-g")) != NULL) {
		char *end;
		long n;

		p += 2;
		if (!isdigit((unsigned char)*p))
			continue;
		n = strtol(p, &end, 10);
		if ((*end == '\0' || *end == '.' || *end == '-') && n > best &&
		    n < 100000)
			best = (int)n;
	}
	return best;
}

/* ---- one host */

struct dv_file *
dv_file_get(struct dv_host *h, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < h->nfiles; i++)
		if (strcmp(h->files[i].name, name) == 0)
			return &h->files[i];
	return NULL;
}

static int
load_files(struct dv_host *h)
{
	const json_t *files = json_object_get(h->obs, "files"), *v;
	const char *name;
	struct mcert_error e;

	h->files = calloc(json_object_size(files) + 1, sizeof(*h->files));
	if (h->files == NULL)
		return -1;
	json_object_foreach((json_t *)files, name, v) {
		struct dv_file *f = &h->files[h->nfiles++];

		f->name = name;
		memset(&e, 0, sizeof(e));
		if (!json_is_string(v) || (f->data = b64_decode(
		    json_string_value(v), &f->len)) == NULL) {
			snprintf(f->why, sizeof(f->why), "%s", mcert_tr(N_("it "
			    "was not read whole")));
			continue;
		}
		if (mcert_file_load_mem(f->data, f->len, name,
		    MCERT_LOAD_KEEP_LOCKED, NULL, &f->f, &e) != MCERT_OK)
			snprintf(f->why, sizeof(f->why), "%s", e.msg);
	}
	return 0;
}

static char *
cn_of(X509 *x)
{
	const X509_NAME *n = X509_get_subject_name(x);
	const ASN1_STRING *s;
	unsigned char *utf = NULL;
	char *out;
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1), len;

	if (i < 0 || (s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n,
	    i))) == NULL || (len = ASN1_STRING_to_UTF8(&utf, s)) < 0)
		return NULL;
	out = strndup((const char *)utf, (size_t)len);
	OPENSSL_free(utf);
	return out;
}

static void
leaf_facts(struct dv *d, struct dv_leaf *l)
{
	const struct mcert_object *o;
	struct mcert_cert_info ci;
	size_t i;

	l->names = json_array();
	if (l->file == NULL || l->file->f == NULL || (o = mcert_file_first(
	    l->file->f, MCERT_KIND_CERT)) == NULL)
		return;
	l->x = o->cert;
	l->cn = cn_of(l->x);
	mcert_fingerprint(l->x, l->sha, sizeof(l->sha));
	if (l->cn != NULL && (mcert_name_check_fqdn(l->cn, "CN", 0, NULL) ==
	    MCERT_OK || mcert_name_is_ip(l->cn)))
		json_array_append_new(l->names, json_string(l->cn));
	if (mcert_cert_info(l->x, d->now, &ci, NULL) != MCERT_OK)
		return;
	for (i = 0; i < ci.nsan; i++)
		if ((ci.san[i].kind == MCERT_SAN_DNS && mcert_name_check_fqdn(
		    ci.san[i].value, "SAN", 0, NULL) == MCERT_OK) ||
		    ci.san[i].kind == MCERT_SAN_IP)
			if (!dv_has(l->names, ci.san[i].value))
				json_array_append_new(l->names,
				    json_string(ci.san[i].value));
	mcert_cert_info_free(&ci);
}

/* What each service has bound on h: its roles and options, its leaves. */
static int
read_bindings(struct dv *d, struct dv_host *h, size_t hi)
{
	const json_t *screens = json_object_get(h->obs, "screens");
	size_t i;

	h->leaves = calloc(d->svc->n + 1, sizeof(*h->leaves));
	if ((h->bindings = json_object()) == NULL || h->leaves == NULL)
		return -1;
	for (i = 0; i < d->svc->n; i++) {
		const struct mcert_service *s = &d->svc->v[i];
		const char *text, *k, *leaf;
		json_t *f, *b, *v;
		int bound = 0;

		if (!dv_readable(d->svc, s) || (text = json_string_value(
		    json_object_get(screens, mcert_service_command(s,
		    "status")))) == NULL)
			continue;
		f = mcert_mmp_fields(text);
		b = mcert_mmp_binding(s, f);
		json_decref(f);
		if (b == NULL)
			return -1;
		json_object_foreach(b, k, v)
			bound |= strcmp(k, "enabled") != 0 && json_is_string(v);
		json_object_set_new(h->bindings, s->id, b);
		if (!bound)
			continue;
		h->roles |= s->host_role;
		d->options |= s->option;
		if (s->role < 0)
			continue;
		leaf = json_string_value(json_object_get(b, "cert"));
		if (leaf == NULL)
			leaf = json_string_value(json_object_get(b, "fullchain"));
		if (leaf == NULL)
			continue;
		struct dv_leaf *l = &h->leaves[h->nleaves++];

		l->s = s;
		l->file = dv_file_get(h, leaf);
		l->chain = dv_file_get(h, json_string_value(json_object_get(b,
		    "bundle")));
		leaf_facts(d, l);
		if (l->x == NULL) {
			char field[96];

			snprintf(field, sizeof(field), "hosts[%zu].%s", hi,
			    s->id);
			dv_guess(d, field, N_("%s, bound to %s, could not be "
			    "read (%s): nothing was taken from it"), leaf,
			    s->name, l->file != NULL ? (l->file->why[0] !=
			    '\0' ? l->file->why : mcert_tr(N_("no certificate "
			    "in it"))) : json_is_string(v = json_object_get(
			    json_object_get(h->obs, "skipped"), leaf)) ?
			    json_string_value(v) : mcert_tr(N_("not fetched")));
		}
	}
	return 0;
}

/* The database role from the "(me)" line of database cluster status. */
static void
read_dbrole(struct dv_host *h)
{
	const char *text = json_string_value(json_object_get(h->obs,
	    "database"));
	const json_t *n;
	size_t i;

	h->db = mcert_mmp_db_status(text != NULL ? text : "");
	json_array_foreach(json_object_get(h->db, "nodes"), i, n) {
		const char *addr = json_string_value(json_object_get(n,
		    "address"));
		const char *state = json_string_value(json_object_get(n,
		    "state"));

		if (addr == NULL || state == NULL || strstr(addr, "(me)") ==
		    NULL)
			continue;
		if (strstr(state, "Primary") != NULL)
			h->dbrole = MCERT_DB_PRIMARY;
		else if (strstr(state, "Replica") != NULL)
			h->dbrole = MCERT_DB_PEER;
		else if (strstr(state, "Client") != NULL)
			h->dbrole = MCERT_DB_CONNECT;
	}
	if (h->dbrole == MCERT_DB_PRIMARY || h->dbrole == MCERT_DB_PEER) {
		h->roles |= MCERT_HOST_DATABASE;
		h->dbservice = "database-node";
	} else if (h->dbrole == MCERT_DB_CONNECT)
		h->dbservice = "database-connect";
}

/* `hostname`: its first line that is a host name. */
static void
read_hostname(struct dv_host *h)
{
	const char *p = json_string_value(json_object_get(h->obs, "hostname"));
	char line[256], *dot;
	size_t n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, "\r\n");
		if (n > 0 && n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			while (n > 0 && isspace((unsigned char)line[n - 1]))
				line[--n] = '\0';
			if (n > 0 && strspn(line, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n &&
			    line[0] != '-' && line[0] != '.') {
				if (strchr(line, '.') != NULL &&
				    mcert_name_check_fqdn(line, "hostname", 0,
				    NULL) == MCERT_OK)
					snprintf(h->hostfqdn,
					    sizeof(h->hostfqdn), "%s", line);
				if ((dot = strchr(line, '.')) != NULL)
					*dot = '\0';
				if (strlen(line) < sizeof(h->hostname))
					snprintf(h->hostname,
					    sizeof(h->hostname), "%s", line);
				return;
			}
		}
		p += n;
		p += strspn(p, "\r\n");
	}
}

static int
read_host(struct dv *d, struct dv_host *h, size_t hi)
{
	const char *text = json_string_value(json_object_get(h->obs,
	    "pki_list"));

	h->address = json_string_value(json_object_get(h->obs, "address"));
	h->user = json_string_value(json_object_get(h->obs, "user"));
	h->port = (int)json_integer_value(json_object_get(h->obs, "port"));
	read_hostname(h);
	h->pki = mcert_mmp_pki_list(text != NULL ? text : "");
	if (h->pki == NULL || load_files(h) != 0 ||
	    read_bindings(d, h, hi) != 0)
		return -1;
	read_dbrole(h);
	return 0;
}

static void
host_free(struct dv_host *h)
{
	size_t i;

	json_decref(h->bindings);
	json_decref(h->pki);
	json_decref(h->db);
	json_decref(h->dbbound);
	for (i = 0; i < h->nfiles; i++) {
		free(h->files[i].data);
		mcert_file_free(h->files[i].f);
	}
	free(h->files);
	for (i = 0; i < h->nleaves; i++) {
		free(h->leaves[i].cn);
		json_decref(h->leaves[i].names);
	}
	free(h->leaves);
	free(h->fqdn);
}

/* ---- the deployment */

static void
choose_type(struct dv *d)
{
	size_t i, dbhosts = 0;

	for (i = 0; i < d->nh; i++)
		dbhosts += d->h[i].dbrole != MCERT_DB_NONE;
	if (dbhosts > 0) {
		d->type = MCERT_DEPLOY_RESILIENT;
		return;
	}
	if (d->nh >= 3)
		d->type = MCERT_DEPLOY_RESILIENT;
	else if (d->nh == 2)
		d->type = MCERT_DEPLOY_SPLIT;
	else
		d->type = MCERT_DEPLOY_COMBINED;
	dv_guess(d, "type", N_("no server is in a database cluster; %zu "
	    "server(s) taken as a %s deployment"), d->nh,
	    mcert_ws_type_names[d->type]);
}

static json_t *
bits_json(unsigned int bits, const char *const *table)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && table[i] != NULL; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(table[i]));
	return a;
}

static json_t *
host_json(const struct dv_host *h)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:{s:s}}", "label",
	    h->label, "fqdn", h->fqdn, "roles", bits_json(h->roles,
	    mcert_ws_role_names), "database",
	    mcert_ws_dbrole_names[h->dbrole], "ssh", "address", h->address);

	/* no port given: as ~/.ssh/config says, as it was reached */
	if (o != NULL && h->port > 0)
		json_object_set_new(json_object_get(o, "ssh"), "port",
		    json_integer(h->port));

	if (o != NULL && h->user != NULL)
		json_object_set_new(json_object_get(o, "ssh"), "user",
		    json_string(h->user));
	return o;
}

static json_t *
root_json(const struct dv *d)
{
	json_t *hosts = json_array(), *root;
	size_t i;

	for (i = 0; hosts != NULL && i < d->nh; i++)
		json_array_append_new(hosts, host_json(&d->h[i]));
	root = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:O, s:o, s:i, "
	    "s:s}", "format", MCERT_WS_FORMAT, "version", MCERT_WS_VERSION,
	    "type", mcert_ws_type_names[d->type], "layout",
	    mcert_ws_layout_names[d->layout], "key", d->keytype, "options",
	    bits_json(d->options, mcert_ws_option_names), "names", d->names,
	    "hosts", hosts, "generation", 1, "flow", "renew");
	return root;
}

/* Whether name is taken on some host: in its pki list or bound. */
static int
taken(const struct dv *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		if (dv_has(d->h[i].pki, name))
			return 1;
	return 0;
}

static int
plan_clashes(const struct dv *d, const struct mcert_plan *p)
{
	static const char *const exts[] = { "key", "crt", "csr", NULL };
	const char *label;
	json_t *list, *v;
	size_t i, k;
	char name[512];

	json_object_foreach(p->files, label, list)
		json_array_foreach(list, i, v)
			if (taken(d, json_string_value(v)))
				return 1;
	for (i = 0; i < p->ncerts; i++)
		for (k = 0; exts[k] != NULL; k++) {
			snprintf(name, sizeof(name), "%s.%s", p->certs[i].name,
			    exts[k]);
			if (taken(d, name))
				return 1;
		}
	return 0;
}

static int
max_generation(const json_t *files, int gen)
{
	const char *k;
	json_t *f;

	json_object_foreach((json_t *)files, k, f)
		if (json_is_string(f) && mcert_discover_name_generation(
		    json_string_value(f)) > gen)
			gen = mcert_discover_name_generation(
			    json_string_value(f));
	return gen;
}

/* 1 + the highest "-gN" of the files bound now (2 if none), raised while a
 * planned name is on some server already. */
static int
choose_generation(struct dv *d, struct mcert_workspace *ws,
    struct mcert_plan **plan, struct mcert_error *err)
{
	const char *k;
	json_t *v;
	size_t i;
	int gen = 1, r;

	for (i = 0; i < d->nh; i++) {
		json_object_foreach(d->h[i].bindings, k, v)
			gen = max_generation(v, gen);
		gen = max_generation(d->h[i].dbbound, gen);
	}
	for (gen++; gen <= 9999; gen++) {
		json_object_set_new(ws->root, "generation", json_integer(gen));
		if ((r = mcert_ws_refresh(ws, err)) != MCERT_OK ||
		    (r = mcert_plan_build(ws, d->svc, plan, err)) != MCERT_OK)
			return r;
		if (!plan_clashes(d, *plan))
			return MCERT_OK;
		mcert_plan_free(*plan);
		*plan = NULL;
	}
	return mcert_error_set(err, MCERT_E_LIMIT, N_("every generation up "
	    "to 9999 has a file name already on the servers; remove old "
	    "files (pki list) and discover again"));
}

static int
check_observed(const json_t *observed, struct mcert_error *err)
{
	const json_t *hosts = json_object_get(observed, "hosts"), *h;
	size_t i;

	if (json_array_size(hosts) == 0)
		return mcert_error_set(err, MCERT_E_INVALID, N_("no Meeting "
		    "Server was read; give each one's address"));
	json_array_foreach(hosts, i, h)
		if (!json_is_string(json_object_get(h, "address")))
			return mcert_error_set(err, MCERT_E_INVALID,
			    N_("hosts[%zu]: its address is missing"), i);
	return MCERT_OK;
}

static int
anything_bound(const struct dv *d, struct mcert_error *err)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		if (d->h[i].roles != 0 || d->h[i].dbrole != MCERT_DB_NONE)
			return MCERT_OK;
	return mcert_error_set(err, MCERT_E_VERDICT, N_("nothing is bound on "
	    "%s%s: there is no deployment to discover; start one with "
	    "meetcert init or the wizard"), d->h[0].address, d->nh > 1 ?
	    mcert_tr(N_(" or the other servers")) : "");
}

static int
finish(struct dv *d, json_t **ws_root, struct mcert_error *err)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_plan *plan = NULL;
	struct mcert_error e = { 0 };
	const char *k;
	json_t *root, *v;
	int r;

	if ((root = root_json(d)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if ((r = mcert_ws_from_json(root, "the discovered workspace", &ws,
	    &e)) != MCERT_OK)
		return mcert_error_set(err, r, N_("%s (what the servers have "
		    "bound does not make a workspace meetcert can use; start "
		    "one with meetcert init)"), e.msg);
	if ((r = choose_generation(d, ws, &plan, err)) != MCERT_OK ||
	    (r = dv_cert_cas(d, ws, plan, err)) != MCERT_OK ||
	    (r = dv_records(d, ws, err)) != MCERT_OK ||
	    (r = dv_inventory(d, ws, err)) != MCERT_OK)
		goto out;
	json_object_foreach(d->guesses, k, v)
		if ((r = mcert_ws_add_guess(ws, k, json_string_value(v),
		    err)) != MCERT_OK)
			goto out;
	*ws_root = json_incref(ws->root);
out:
	mcert_plan_free(plan);
	mcert_ws_free(ws);
	return r;
}

int
mcert_discover_build(const json_t *observed,
    const struct mcert_services *svc, time_t now, json_t **ws_root,
    struct mcert_error *err)
{
	struct dv d = { 0 };
	const json_t *hosts = json_object_get(observed, "hosts");
	size_t i;
	int r;

	*ws_root = NULL;
	if ((r = check_observed(observed, err)) != MCERT_OK)
		return r;
	d.svc = svc;
	d.now = now;
	d.nh = json_array_size(hosts);
	d.guesses = json_object();
	d.names = json_object();
	if ((d.h = calloc(d.nh, sizeof(*d.h))) == NULL || d.guesses == NULL ||
	    d.names == NULL) {
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	for (i = 0; i < d.nh; i++) {
		d.h[i].obs = json_array_get(hosts, i);
		if (read_host(&d, &d.h[i], i) != 0) {
			r = mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
			goto out;
		}
	}
	if ((r = anything_bound(&d, err)) != MCERT_OK)
		goto out;
	choose_type(&d);
	dv_fqdns(&d);
	dv_layout(&d);
	dv_keytype(&d);
	dv_names(&d);
	dv_database(&d);
	if (d.nomem) {
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	r = finish(&d, ws_root, err);
out:
	for (i = 0; d.h != NULL && i < d.nh; i++)
		host_free(&d.h[i]);
	free(d.h);
	json_decref(d.guesses);
	json_decref(d.names);
	return r;
}
