/* The Hosts screen's model (hosts-int.h): its tables, the fields checked
 * with the core's rules as they are typed, and the workspace written from
 * what is valid. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "names.h"
#include "hostform.h"
#include "hosts-int.h"

/* ---- the tables */

const struct hosts_name hosts_names[NNAMES] = {
	[NM_CLUSTER] = { "cluster_fqdn", N_("Cluster FQDN"),
	    N_("The name the clustered servers share: their CN"), NULL,
	    K_FQDN },
	[NM_JOIN] = { "join_url", N_("Join URL"),
	    N_("Browsers join meetings here: Web Bridge 3 carries it"), NULL,
	    K_FQDN },
	[NM_LOGIN] = { "login_domain", N_("Login domain"),
	    N_("Users sign in as user@domain: in the web certificate"), NULL,
	    K_FQDN },
	[NM_C2W] = { "c2w_address", N_("c2w address"),
	    N_("Call Bridges reach web bridges at c2w://address:port"),
	    N_("each web bridge's FQDN"), K_ADDRESS },
	[NM_C2W_PORT] = { "c2w_port", N_("port"),
	    N_("The web bridges' c2w port; empty: 9999"), "9999", K_PORT },
	[NM_DOMAIN] = { "domain", N_("DNS domain"),
	    N_("In shared certificates; the CN with one for all"), NULL,
	    K_FQDN },
	[NM_EXPRESSWAY] = { "expressway_a_record", N_("Expressway A"),
	    N_("The A record the Expressway proxy reaches Web Bridge 3 by"),
	    NULL, K_FQDN },
};

const struct hosts_column hosts_columns[NCOLS] = {
	[COL_LABEL] = { N_("Label"), N_("Label") },
	[COL_SSH] = { N_("SSH address"), N_("SSH address") },
	[COL_FQDN] = { N_("FQDN"), N_("FQDN") },
	[COL_ROLES] = { N_("Roles"), N_("Roles") },
	[COL_DB] = { N_("DB"), N_("Database") },
};

const struct hosts_role hosts_roles[] = {
	{ MCERT_HOST_CALLBRIDGE, 0, "CB", N_("Call Bridge") },
	{ MCERT_HOST_WEBADMIN, 0, "WA", N_("Web Admin") },
	{ MCERT_HOST_WEBBRIDGE3, 0, "W3", N_("Web Bridge 3") },
	{ MCERT_HOST_TURN, MCERT_OPT_TURN_TLS, "TN", N_("TURN server") },
	{ MCERT_HOST_RECORDER, MCERT_OPT_RECORDER, "RC", N_("Recorder") },
	{ MCERT_HOST_STREAMER, MCERT_OPT_STREAMER, "ST", N_("Streamer") },
	{ MCERT_HOST_UPLOADER, MCERT_OPT_UPLOADER, "UP", N_("Uploader") },
	{ MCERT_HOST_MEETINGAPPS, MCERT_OPT_MEETINGAPPS, "MA",
	    N_("MeetingApps") },
};
_Static_assert(sizeof(hosts_roles) / sizeof(*hosts_roles) == NROLES,
    "NROLES counts hosts_roles");

const struct hosts_dbrole hosts_dbroles[] = {
	{ "-", N_("none"), N_("no part in the database cluster") },
	{ N_("prim"), N_("primary"),
	    N_("holds a database; the cluster starts here") },
	{ N_("peer"), N_("peer"), N_("holds a database; joins the primary") },
	{ N_("conn"), N_("connect"),
	    N_("no database; its Call Bridge connects to them") },
};
_Static_assert(sizeof(hosts_dbroles) / sizeof(*hosts_dbroles) == NDBROLES,
    "NDBROLES counts hosts_dbroles (enum mcert_dbrole)");

/* ---- where the focus goes */

int
hosts_resilient(const struct wiz *w)
{
	return mcert_ws_name_index(mcert_ws_type_names, json_string_value(
	    json_object_get(w->ws->root, "type"))) == MCERT_DEPLOY_RESILIENT;
}

unsigned int
hosts_options(const struct wiz *w)
{
	unsigned int bits = 0;
	json_t *v;
	size_t i;
	int k;

	json_array_foreach(json_object_get(w->ws->root, "options"), i, v)
		if ((k = mcert_ws_name_index(mcert_ws_option_names,
		    json_string_value(v))) >= 0)
			bits |= 1u << k;
	return bits;
}

/* The columns shown: the database role for the resilient type, or while
 * a host still has one (to clear it after the type changed). */
size_t
hosts_ncols(const struct wiz *w, const struct hosts *h)
{
	size_t i;

	for (i = 0; i < h->nrows && !hosts_resilient(w); i++)
		if (h->rows[i].db != MCERT_DB_NONE)
			break;
	return hosts_resilient(w) || i < h->nrows ? NCOLS : COL_DB;
}

/* Whether name n is focused, or has a value. */
static int
name_in_use(const struct hosts *h, int n)
{
	return (h->focus.at == AT_NAME && h->focus.a == (size_t)n) ||
	    h->name[n].text[0] != '\0';
}

/* The rows of names shown, each one or two names (c2w address and port
 * share one): how many.  Only those that apply to the type and options,
 * or that are in use. */
size_t
hosts_name_rows(const struct wiz *w, const struct hosts *h, int out[][2])
{
	size_t n = 0;

	if (hosts_resilient(w) || name_in_use(h, NM_CLUSTER))
		out[n][0] = NM_CLUSTER, out[n++][1] = -1;
	out[n][0] = NM_JOIN, out[n++][1] = -1;
	out[n][0] = NM_LOGIN, out[n++][1] = -1;
	out[n][0] = NM_C2W, out[n++][1] = NM_C2W_PORT;
	out[n][0] = NM_DOMAIN, out[n++][1] = -1;
	if ((hosts_options(w) & MCERT_OPT_EXPRESSWAY_PROXY) ||
	    name_in_use(h, NM_EXPRESSWAY))
		out[n][0] = NM_EXPRESSWAY, out[n++][1] = -1;
	return n;
}

/* Every item in Tab order; returns how many. */
size_t
hosts_items(const struct wiz *w, const struct hosts *h, struct item *out,
    size_t max)
{
	int nr[NNAMES][2];
	size_t n = 0, i, r, c, rows = hosts_name_rows(w, h, nr);

	for (i = 0; i < rows; i++) {
		out[n++] = (struct item){ AT_NAME, (size_t)nr[i][0], 0 };
		if (nr[i][1] >= 0)
			out[n++] = (struct item){ AT_NAME, (size_t)nr[i][1], 0 };
	}
	for (r = 0; r < h->nrows && n + NCOLS + NACTIONS < max; r++)
		for (c = 0; c < hosts_ncols(w, h); c++)
			out[n++] = (struct item){ AT_CELL, r, c };
	out[n++] = (struct item){ AT_ACTION, ACT_ADD, 0 };
	out[n++] = (struct item){ AT_ACTION, ACT_REMOVE, 0 };
	return n;
}

struct field *
hosts_focused_field(struct hosts *h)
{
	if (h->focus.at == AT_NAME)
		return &h->name[h->focus.a];
	if (h->focus.at == AT_CELL && h->focus.b < NTEXT)
		return &h->rows[h->focus.a].f[h->focus.b];
	return NULL;
}

/* The end of the form: Enter there goes on. */
int
hosts_last_cell(const struct wiz *w, const struct hosts *h)
{
	return h->focus.at == AT_CELL && h->focus.a + 1 == h->nrows &&
	    h->focus.b + 1 == hosts_ncols(w, h);
}

void
hosts_focus(struct hosts *h, int at, size_t a, size_t b)
{
	struct field *f;

	h->focus = (struct item){ at, a, b };
	if (at == AT_CELL)
		h->sel = a;
	if ((f = hosts_focused_field(h)) != NULL)
		f->cursor = strlen(f->text);
}

/* ---- checks, with the core's rules (hostform.c); messages name the field */

/* How messages name a host: its label, or its place while it has
 * none. */
const char *
hosts_row_label(const struct hrow *r, size_t i, char *buf, size_t sz)
{
	if (r->f[COL_LABEL].text[0] == '\0' || r->err[COL_LABEL][0] != '\0')
		snprintf(buf, sz, _("host %zu"), i + 1);
	else
		snprintf(buf, sz, "%.*s", (int)sz - 1, r->f[COL_LABEL].text);
	return buf;
}

static int
holds(const struct hrow *r, const char *key, const char *v)
{
	const char *w = json_string_value(json_object_get(r->obj, key));

	return w != NULL && strcasecmp(w, v) == 0;
}

/* Whether v is another row's: the index of that row, or -1.  A value is
 * the row's that has it written; else the first row's that typed it.
 * Case-insensitively, as the workspace compares them. */
static long
taken(const struct hosts *h, size_t self, size_t col, const char *key,
    const char *v)
{
	size_t i;

	for (i = 0; i < h->nrows; i++)
		if (i != self && holds(&h->rows[i], key, v))
			return (long)i;
	if (self < h->nrows && holds(&h->rows[self], key, v))
		return -1;
	for (i = 0; i < self && i < h->nrows; i++)
		if (strcasecmp(h->rows[i].f[col].text, v) == 0)
			return (long)i;
	return -1;
}

static void
check_row(struct hosts *h, size_t i)
{
	struct hrow *r = &h->rows[i];
	struct ssh_addr a;
	char bad[64], *suggest, other[64];
	const char *t;
	long k;

	for (k = 0; k < NTEXT; k++)
		r->err[k][0] = '\0';
	t = r->f[COL_LABEL].text;
	/* at most 32, so "label-service-g9" fits the MMP's 64 (workspace) */
	if (*t != '\0' && mcert_name_check_basename(t, NULL) != MCERT_OK) {
		suggest = mcert_name_suggest_basename(t);
		if (!first_bad(t, "-", bad, sizeof(bad)))
			snprintf(bad, sizeof(bad), "%s", _("such name"));
		snprintf(r->err[COL_LABEL], sizeof(r->err[COL_LABEL]),
		    _("Label: no %s; letters, digits and \"-\", such as %s"),
		    bad, suggest != NULL ? suggest : "cms1");
		free(suggest);
	} else if (strlen(t) > 32)
		snprintf(r->err[COL_LABEL], sizeof(r->err[COL_LABEL]), "%s",
		    _("Label: at most 32 characters (it names files on the "
		    "server)"));
	else if (*t != '\0' && (k = taken(h, i, COL_LABEL, "label", t)) >= 0)
		snprintf(r->err[COL_LABEL], sizeof(r->err[COL_LABEL]),
		    _("Label: %s is taken by %s (case does not count)"), t,
		    hosts_row_label(&h->rows[k], (size_t)k, other,
		    sizeof(other)));
	t = r->f[COL_FQDN].text;
	if (*t != '\0' && check_fqdn(t, _("FQDN"), r->err[COL_FQDN],
	    sizeof(r->err[COL_FQDN])) &&
	    (k = taken(h, i, COL_FQDN, "fqdn", t)) >= 0)
		snprintf(r->err[COL_FQDN], sizeof(r->err[COL_FQDN]),
		    _("FQDN: %s is taken by %s"), t,
		    hosts_row_label(&h->rows[k], (size_t)k, other,
		    sizeof(other)));
	parse_ssh(r->f[COL_SSH].text, &a, r->err[COL_SSH],
	    sizeof(r->err[COL_SSH]));
}

static void
check_name(struct hosts *h, int n)
{
	const char *t = h->name[n].text;
	char *why = h->name_err[n];
	int port;

	why[0] = '\0';
	if (*t == '\0')
		return;
	if (hosts_names[n].kind == K_PORT) {
		if (!parse_port(t, &port))
			snprintf(why, sizeof(h->name_err[n]), "%s", _("c2w port: "
			    "a number from 1 to 65535"));
		return;
	}
	if (hosts_names[n].kind == K_ADDRESS && mcert_name_is_ip(t))
		return;
	check_fqdn(t, _(hosts_names[n].title), why, sizeof(h->name_err[n]));
}

/* ---- writing into the workspace */

static void
write_row(struct hrow *r, int resil)
{
	json_t *list, *ssh;
	struct ssh_addr a;
	char why[200];
	size_t i;

	if (r->dirty[COL_LABEL] && r->err[COL_LABEL][0] == '\0' &&
	    r->f[COL_LABEL].text[0] != '\0')
		json_object_set_new(r->obj, "label",
		    json_string(r->f[COL_LABEL].text));
	if (r->dirty[COL_FQDN] && r->err[COL_FQDN][0] == '\0' &&
	    r->f[COL_FQDN].text[0] != '\0')
		json_object_set_new(r->obj, "fqdn",
		    json_string(r->f[COL_FQDN].text));
	if (r->dirty[COL_SSH] && r->err[COL_SSH][0] == '\0' &&
	    parse_ssh(r->f[COL_SSH].text, &a, why, sizeof(why))) {
		ssh = json_object();
		if (a.address[0] != '\0')
			json_object_set_new(ssh, "address",
			    json_string(a.address));
		if (a.user[0] != '\0')
			json_object_set_new(ssh, "user", json_string(a.user));
		if (a.port != 0)
			json_object_set_new(ssh, "port", json_integer(a.port));
		if (json_object_size(ssh) > 0)
			json_object_set_new(r->obj, "ssh", ssh);
		else {
			json_object_del(r->obj, "ssh");
			json_decref(ssh);
		}
	}
	if (!r->chosen)
		return;
	if (resil) {
		/* the database bit says the same as the database role */
		r->roles &= ~(unsigned int)MCERT_HOST_DATABASE;
		if (r->db == MCERT_DB_PRIMARY || r->db == MCERT_DB_PEER)
			r->roles |= MCERT_HOST_DATABASE;
		if (r->db == MCERT_DB_NONE)
			json_object_del(r->obj, "database");
		else
			json_object_set_new(r->obj, "database",
			    json_string(mcert_ws_dbrole_names[r->db]));
	}
	list = json_array();
	for (i = 0; mcert_ws_role_names[i] != NULL; i++)
		if (r->roles & (1u << i))
			json_array_append_new(list,
			    json_string(mcert_ws_role_names[i]));
	json_object_set_new(r->obj, "roles", list);
}

/* Checks every field, writes what is valid, and plans again. */
void
hosts_sync(struct wiz *w)
{
	struct hosts *h = w->priv;
	json_t *names_obj = json_object_get(w->ws->root, "names"), *list, *o;
	json_t *prev;
	size_t i, k, pass;
	int n, port;

	if (!json_is_object(names_obj)) {
		names_obj = json_object();
		json_object_set_new(w->ws->root, "names", names_obj);
	}
	for (n = 0; n < NNAMES; n++) {
		check_name(h, n);
		if (!h->name_dirty[n] || h->name_err[n][0] != '\0')
			continue;
		if (h->name[n].text[0] == '\0')
			json_object_del(names_obj, hosts_names[n].key);
		else if (hosts_names[n].kind == K_PORT &&
		    parse_port(h->name[n].text, &port))
			json_object_set_new(names_obj, hosts_names[n].key,
			    json_integer(port));
		else
			json_object_set_new(names_obj, hosts_names[n].key,
			    json_string(h->name[n].text));
	}
	/* twice: a row's check sees what the rows before it just wrote */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < h->nrows; i++) {
			check_row(h, i);
			write_row(&h->rows[i], hosts_ncols(w, h) == NCOLS);
		}
	/* only complete hosts, never two with one name: the workspace
	 * must stay loadable */
	list = json_array();
	for (i = 0; i < h->nrows; i++) {
		o = h->rows[i].obj;
		if (json_object_get(o, "label") == NULL ||
		    json_object_get(o, "fqdn") == NULL)
			continue;
		json_array_foreach(list, k, prev)
			if (strcasecmp(json_string_value(json_object_get(prev,
			    "label")), json_string_value(json_object_get(o,
			    "label"))) == 0 || strcasecmp(json_string_value(
			    json_object_get(prev, "fqdn")), json_string_value(
			    json_object_get(o, "fqdn"))) == 0)
				break;
		if (k == json_array_size(list))
			json_array_append(list, o);
	}
	json_object_set_new(w->ws->root, "hosts", list);
	if (h->focus.at == AT_CELL && h->focus.b >= hosts_ncols(w, h))
		h->focus.b = hosts_ncols(w, h) - 1;	/* the database column went */
	wiz_replan(w);
}

/* ---- adding and removing hosts */

/* A new host's first guess: for the resilient type, the one before it
 * with its number raised and its roles; else the roles its place in the
 * type has (combined; split core, then edge). */
static void
guess(struct wiz *w, struct hrow *r, size_t index)
{
	struct hosts *h = w->priv;
	const struct hrow *p = index > 0 ? &h->rows[index - 1] : NULL;
	char label[256], tmp[256], fqdn[256], addr[256], ssh[400], why[200];
	struct ssh_addr a;
	size_t k;
	int tries;

	if (!hosts_resilient(w)) {
		int split = mcert_ws_name_index(mcert_ws_type_names,
		    json_string_value(json_object_get(w->ws->root, "type"))) ==
		    MCERT_DEPLOY_SPLIT;

		r->roles = split && index == 0 ? MCERT_HOST_CALLBRIDGE |
		    MCERT_HOST_WEBADMIN : split ? MCERT_HOST_WEBBRIDGE3 |
		    MCERT_HOST_TURN | MCERT_HOST_WEBADMIN :
		    MCERT_HOST_CALLBRIDGE | MCERT_HOST_WEBADMIN |
		    MCERT_HOST_WEBBRIDGE3 | MCERT_HOST_TURN;
		return;
	}
	if (p == NULL) {
		r->roles = MCERT_HOST_CALLBRIDGE | MCERT_HOST_WEBADMIN |
		    MCERT_HOST_WEBBRIDGE3;
		r->db = MCERT_DB_PRIMARY;
		return;
	}
	r->roles = p->roles;
	/* a database on the first three, the others connect to it (the
	 * cluster takes 3 to 5) */
	for (tries = 0, k = 0; k < index; k++)
		tries += h->rows[k].db == MCERT_DB_PRIMARY ||
		    h->rows[k].db == MCERT_DB_PEER;
	r->db = p->db == MCERT_DB_NONE ? MCERT_DB_NONE : tries < 3 ?
	    MCERT_DB_PEER : MCERT_DB_CONNECT;
	if (p->f[COL_LABEL].text[0] == '\0' || p->err[COL_LABEL][0] != '\0')
		return;
	snprintf(label, sizeof(label), "%s", p->f[COL_LABEL].text);
	for (tries = 0; tries < 50; tries++) {
		next_name(label, tmp, sizeof(tmp));
		snprintf(label, sizeof(label), "%s", tmp);
		if (strlen(label) > 32 || taken(h, index, COL_LABEL, "label",
		    label) < 0)
			break;
	}
	field_set(&r->f[COL_LABEL], label);
	if (p->f[COL_FQDN].text[0] != '\0' && p->err[COL_FQDN][0] == '\0') {
		next_fqdn(p->f[COL_FQDN].text, p->f[COL_LABEL].text, label,
		    fqdn, sizeof(fqdn));
		field_set(&r->f[COL_FQDN], fqdn);
	}
	if (p->err[COL_SSH][0] == '\0' && parse_ssh(p->f[COL_SSH].text, &a,
	    why, sizeof(why)) && p->f[COL_SSH].text[0] != '\0') {
		next_address(&a, p->f[COL_FQDN].text, p->f[COL_LABEL].text,
		    label, r->f[COL_FQDN].text, addr, sizeof(addr));
		snprintf(ssh, sizeof(ssh), "%s%s%s%s", a.user, a.user[0] ?
		    "@" : "", strchr(addr, ':') != NULL && a.port ? "[" : "",
		    addr);
		if (strchr(addr, ':') != NULL && a.port)
			strcat(ssh, "]");
		if (a.port)
			snprintf(ssh + strlen(ssh), sizeof(ssh) - strlen(ssh),
			    ":%d", a.port);
		field_set(&r->f[COL_SSH], ssh);
	}
}

void
hosts_add(struct wiz *w)
{
	struct hosts *h = w->priv;
	struct hrow *grown, *r;
	size_t k;

	if ((grown = realloc(h->rows, (h->nrows + 1) * sizeof(*grown))) ==
	    NULL)
		return;
	h->rows = grown;
	r = &h->rows[h->nrows];
	memset(r, 0, sizeof(*r));
	if ((r->obj = json_object()) == NULL)
		return;
	guess(w, r, h->nrows);
	for (k = 0; k < NTEXT; k++)
		r->dirty[k] = 1;
	r->chosen = 1;
	h->nrows++;
	hosts_focus(h, AT_CELL, h->nrows - 1, COL_LABEL);
	hosts_sync(w);
	wiz_say(w, UI_OK, _("Host %zu added: check its fields, Enter moves "
	    "on"), h->nrows);
}

void
hosts_remove(struct wiz *w, size_t i)
{
	struct hosts *h = w->priv;
	char label[64];

	hosts_row_label(&h->rows[i], i, label, sizeof(label));
	json_decref(h->rows[i].obj);
	memmove(&h->rows[i], &h->rows[i + 1], (h->nrows - i - 1) *
	    sizeof(*h->rows));
	h->nrows--;
	if (h->nrows == 0)
		hosts_focus(h, AT_ACTION, ACT_ADD, 0);
	else if (h->focus.at == AT_CELL && h->focus.a >= h->nrows)
		hosts_focus(h, AT_CELL, h->nrows - 1, h->focus.b);
	if (h->sel >= h->nrows)
		h->sel = h->nrows > 0 ? h->nrows - 1 : 0;
	hosts_sync(w);
	wiz_say(w, UI_OK, _("Host %s removed"), label);
}

void
hosts_load_row(struct hrow *r, json_t *host)
{
	json_t *v;
	char ssh[400];
	size_t i;
	int k;

	memset(r, 0, sizeof(*r));
	r->obj = json_deep_copy(host);
	field_set(&r->f[COL_LABEL], json_string_value(json_object_get(host,
	    "label")));
	field_set(&r->f[COL_FQDN], json_string_value(json_object_get(host,
	    "fqdn")));
	format_ssh(json_object_get(host, "ssh"), ssh, sizeof(ssh));
	field_set(&r->f[COL_SSH], ssh);
	json_array_foreach(json_object_get(host, "roles"), i, v)
		if ((k = mcert_ws_name_index(mcert_ws_role_names,
		    json_string_value(v))) >= 0)
			r->roles |= 1u << k;
	k = mcert_ws_name_index(mcert_ws_dbrole_names, json_string_value(
	    json_object_get(host, "database")));
	r->db = k >= 0 ? k : MCERT_DB_NONE;
}
