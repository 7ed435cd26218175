/* Hosts, names: the deployment's names, then a table of its Meeting
 * Servers (label, SSH address, FQDN, roles, database role), checked as they
 * are typed with the core's rules.  Text that is not valid stays in the
 * form and is never written; valid text goes into the workspace at once and
 * the plan's findings follow it. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "names.h"
#include "hostform.h"
#include "screens.h"
#include "widgets.h"

/* ---- what the screen shows */

enum name_kind { K_FQDN, K_ADDRESS, K_PORT };

enum { NM_CLUSTER, NM_JOIN, NM_LOGIN, NM_C2W, NM_C2W_PORT, NM_DOMAIN,
	NM_EXPRESSWAY, NNAMES };

static const struct {
	const char *key;	/* in "names" */
	const char *title, *hint, *empty;
	enum name_kind kind;
} names[NNAMES] = {
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

enum { COL_LABEL, COL_SSH, COL_FQDN, COL_ROLES, COL_DB, NCOLS };
#define NTEXT 3		/* the columns that are text */
#define OFF_AREA 30000	/* a row below any terminal */

static const char *const col_title[NCOLS] = {
	N_("Label"), N_("SSH address"), N_("FQDN"), N_("Roles"), N_("DB"),
};
static const char *const field_title[NCOLS] = {
	N_("Label"), N_("SSH address"), N_("FQDN"), N_("Roles"),
	N_("Database"),
};

/* The roles one can toggle; the database bit follows the database role
 * (primary and peer hold one), so it is not among them. */
static const struct {
	unsigned int bit, option;
	const char *tag, *title;
} roles[] = {
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
#define NROLES (sizeof(roles) / sizeof(*roles))

/* In the order of enum mcert_dbrole. */
static const struct {
	const char *brief, *title, *what;
} dbroles[] = {
	{ "-", N_("none"), N_("no part in the database cluster") },
	{ N_("prim"), N_("primary"),
	    N_("holds a database; the cluster starts here") },
	{ N_("peer"), N_("peer"), N_("holds a database; joins the primary") },
	{ N_("conn"), N_("connect"),
	    N_("no database; its Call Bridge connects to them") },
};
#define NDBROLES (sizeof(dbroles) / sizeof(*dbroles))

struct hrow {
	struct field f[NTEXT];	/* label, SSH address, FQDN */
	char err[NTEXT][200];	/* why the text is not written, or "" */
	int dirty[NTEXT];	/* typed since shown: to be written */
	int chosen;		/* roles or database role changed */
	unsigned int roles;
	int db;			/* enum mcert_dbrole */
	json_t *obj;		/* the host as written (owned) */
};

enum { AT_NAME, AT_CELL, AT_ACTION };
enum { ACT_ADD, ACT_REMOVE, NACTIONS };

struct item {
	int at;
	size_t a, b;		/* name; row, column; action */
};

struct hosts {
	struct field name[NNAMES];
	char name_err[NNAMES][200];
	int name_dirty[NNAMES];
	struct hrow *rows;
	size_t nrows;
	struct item focus;
	size_t sel;		/* the host row last focused */
	size_t role;		/* the role under the cursor in Roles */
	size_t top;		/* the first host row shown */
	size_t ftop;		/* the first finding shown */
	int confirm;		/* 1: asking whether to remove sel */
	unsigned int cut;	/* the focused row's cells cut short, bits */
};

static int
resilient(const struct wiz *w)
{
	return mcert_ws_name_index(mcert_ws_type_names, json_string_value(
	    json_object_get(w->ws->root, "type"))) == MCERT_DEPLOY_RESILIENT;
}

static unsigned int
ws_options(const struct wiz *w)
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
static size_t
ncols(const struct wiz *w, const struct hosts *h)
{
	size_t i;

	for (i = 0; i < h->nrows && !resilient(w); i++)
		if (h->rows[i].db != MCERT_DB_NONE)
			break;
	return resilient(w) || i < h->nrows ? NCOLS : COL_DB;
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
static size_t
name_rows(const struct wiz *w, const struct hosts *h, int out[][2])
{
	size_t n = 0;

	if (resilient(w) || name_in_use(h, NM_CLUSTER))
		out[n][0] = NM_CLUSTER, out[n++][1] = -1;
	out[n][0] = NM_JOIN, out[n++][1] = -1;
	out[n][0] = NM_LOGIN, out[n++][1] = -1;
	out[n][0] = NM_C2W, out[n++][1] = NM_C2W_PORT;
	out[n][0] = NM_DOMAIN, out[n++][1] = -1;
	if ((ws_options(w) & MCERT_OPT_EXPRESSWAY_PROXY) ||
	    name_in_use(h, NM_EXPRESSWAY))
		out[n][0] = NM_EXPRESSWAY, out[n++][1] = -1;
	return n;
}

/* Every item in Tab order; returns how many. */
static size_t
items(const struct wiz *w, const struct hosts *h, struct item *out,
    size_t max)
{
	int nr[NNAMES][2];
	size_t n = 0, i, r, c, rows = name_rows(w, h, nr);

	for (i = 0; i < rows; i++) {
		out[n++] = (struct item){ AT_NAME, (size_t)nr[i][0], 0 };
		if (nr[i][1] >= 0)
			out[n++] = (struct item){ AT_NAME, (size_t)nr[i][1], 0 };
	}
	for (r = 0; r < h->nrows && n + NCOLS + NACTIONS < max; r++)
		for (c = 0; c < ncols(w, h); c++)
			out[n++] = (struct item){ AT_CELL, r, c };
	out[n++] = (struct item){ AT_ACTION, ACT_ADD, 0 };
	out[n++] = (struct item){ AT_ACTION, ACT_REMOVE, 0 };
	return n;
}

static int
same(const struct item *x, const struct item *y)
{
	return x->at == y->at && x->a == y->a && (x->at != AT_CELL ||
	    x->b == y->b);
}

static struct field *
focused_field(struct hosts *h)
{
	if (h->focus.at == AT_NAME)
		return &h->name[h->focus.a];
	if (h->focus.at == AT_CELL && h->focus.b < NTEXT)
		return &h->rows[h->focus.a].f[h->focus.b];
	return NULL;
}

/* The end of the form: Enter there goes on. */
static int
last_cell(const struct wiz *w, const struct hosts *h)
{
	return h->focus.at == AT_CELL && h->focus.a + 1 == h->nrows &&
	    h->focus.b + 1 == ncols(w, h);
}

static void
focus_on(struct hosts *h, struct item it)
{
	struct field *f;

	h->focus = it;
	if (it.at == AT_CELL)
		h->sel = it.a;
	if ((f = focused_field(h)) != NULL)
		f->cursor = strlen(f->text);
}

/* ---- checks, with the core's rules (hostform.c); messages name the field */

/* How messages name a host: its label, or its place while it has
 * none. */
static const char *
row_label(const struct hrow *r, size_t i, char *buf, size_t sz)
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
		    row_label(&h->rows[k], (size_t)k, other, sizeof(other)));
	t = r->f[COL_FQDN].text;
	if (*t != '\0' && check_fqdn(t, _("FQDN"), r->err[COL_FQDN],
	    sizeof(r->err[COL_FQDN])) &&
	    (k = taken(h, i, COL_FQDN, "fqdn", t)) >= 0)
		snprintf(r->err[COL_FQDN], sizeof(r->err[COL_FQDN]),
		    _("FQDN: %s is taken by %s"), t, row_label(&h->rows[k],
		    (size_t)k, other, sizeof(other)));
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
	if (names[n].kind == K_PORT) {
		if (!parse_port(t, &port))
			snprintf(why, sizeof(h->name_err[n]), "%s", _("c2w port: "
			    "a number from 1 to 65535"));
		return;
	}
	if (names[n].kind == K_ADDRESS && mcert_name_is_ip(t))
		return;
	check_fqdn(t, _(names[n].title), why, sizeof(h->name_err[n]));
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
static void
form_sync(struct wiz *w)
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
			json_object_del(names_obj, names[n].key);
		else if (names[n].kind == K_PORT &&
		    parse_port(h->name[n].text, &port))
			json_object_set_new(names_obj, names[n].key,
			    json_integer(port));
		else
			json_object_set_new(names_obj, names[n].key,
			    json_string(h->name[n].text));
	}
	/* twice: a row's check sees what the rows before it just wrote */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < h->nrows; i++) {
			check_row(h, i);
			write_row(&h->rows[i], ncols(w, h) == NCOLS);
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
	if (h->focus.at == AT_CELL && h->focus.b >= ncols(w, h))
		h->focus.b = ncols(w, h) - 1;	/* the database column went */
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

	if (!resilient(w)) {
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

static void
add_host(struct wiz *w)
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
	focus_on(h, (struct item){ AT_CELL, h->nrows - 1, COL_LABEL });
	form_sync(w);
	wiz_say(w, UI_OK, _("Host %zu added: check its fields, Enter moves "
	    "on"), h->nrows);
}

static void
remove_host(struct wiz *w, size_t i)
{
	struct hosts *h = w->priv;
	char label[64];

	row_label(&h->rows[i], i, label, sizeof(label));
	json_decref(h->rows[i].obj);
	memmove(&h->rows[i], &h->rows[i + 1], (h->nrows - i - 1) *
	    sizeof(*h->rows));
	h->nrows--;
	if (h->nrows == 0)
		focus_on(h, (struct item){ AT_ACTION, ACT_ADD, 0 });
	else if (h->focus.at == AT_CELL && h->focus.a >= h->nrows)
		focus_on(h, (struct item){ AT_CELL, h->nrows - 1, h->focus.b });
	if (h->sel >= h->nrows)
		h->sel = h->nrows > 0 ? h->nrows - 1 : 0;
	form_sync(w);
	wiz_say(w, UI_OK, _("Host %s removed"), label);
}

/* ---- entering and leaving */

static void
load_row(struct hrow *r, json_t *host)
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

static void
enter(struct wiz *w)
{
	struct hosts *h = calloc(1, sizeof(*h));
	json_t *hosts = json_object_get(w->ws->root, "hosts"), *names_obj, *v;
	struct item first[2 * NNAMES + NCOLS * 2 + NACTIONS];
	size_t i;
	int n;

	if (h == NULL)
		return;
	w->priv = h;
	names_obj = json_object_get(w->ws->root, "names");
	for (n = 0; n < NNAMES; n++) {
		v = json_object_get(names_obj, names[n].key);
		if (json_is_integer(v)) {
			char num[16];

			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
			field_set(&h->name[n], num);
		} else
			field_set(&h->name[n], json_string_value(v));
	}
	h->rows = calloc(json_array_size(hosts) + 1, sizeof(*h->rows));
	if (h->rows == NULL)
		return;
	json_array_foreach(hosts, i, v)
		load_row(&h->rows[h->nrows++], v);
	items(w, h, first, sizeof(first) / sizeof(*first));
	focus_on(h, first[0]);
	form_sync(w);
}

static void
leave(struct wiz *w)
{
	struct hosts *h = w->priv;
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nrows; i++)
		json_decref(h->rows[i].obj);
	free(h->rows);
	free(h);
}

/* ---- drawing */

/* Text at row, col in at most width columns, cut with an ellipsis. */
static void
cell(int row, int col, int width, enum ui_style st, const char *text)
{
	char clip[512];
	int c;

	text_clip(clip, sizeof(clip), text, width);
	c = ui_text(row, col, st, clip);
	if (st == UI_SELECTED)
		for (; c < col + width; c++)
			ui_text(row, c, st, " ");
}

static void
roles_text(const struct hrow *r, char *out, size_t sz)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < NROLES && o < sz; i++)
		if (r->roles & roles[i].bit)
			o += (size_t)snprintf(out + o, sz - o, "%s%s",
			    o ? " " : "", roles[i].tag);
}

/* The names, a row each (with the error under it); the rows used. */
static int
draw_names(struct wiz *w, struct hosts *h, int cols)
{
	int nr[NNAMES][2], r = 0, k, n, c, width;
	size_t i, rows = name_rows(w, h, nr);

	for (i = 0; i < rows; i++, r++) {
		ui_text(r, 1, UI_TITLE, _(names[nr[i][0]].title));
		for (k = 0; k < 2 && nr[i][k] >= 0; k++) {
			n = nr[i][k];
			/* a second name on the row: "title field" at the
			 * right, 7 columns for a port */
			c = k == 0 ? 15 : cols - 8;
			width = k == 1 ? 7 : nr[i][1] < 0 ? cols - 16 :
			    cols - 8 - ui_width(_(names[nr[i][1]].title)) - 2 -
			    15;
			if (k == 1)
				ui_text(r, c - ui_width(_(names[n].title)) - 1,
				    UI_TITLE, _(names[n].title));
			if (h->focus.at == AT_NAME && h->focus.a == (size_t)n)
				field_draw(&h->name[n], r, c, width, 1);
			else if (h->name[n].text[0] == '\0')
				cell(r, c, width, UI_DIM, names[n].empty != NULL ?
				    _(names[n].empty) : "-");
			else
				cell(r, c, width, h->name_err[n][0] != '\0' ?
				    UI_ERR : UI_NORMAL, h->name[n].text);
		}
		for (k = 0; k < 2 && nr[i][k] >= 0; k++)
			if (h->name_err[nr[i][k]][0] != '\0') {
				r++;
				cell(r, 3, cols - 4, UI_ERR,
				    h->name_err[nr[i][k]]);
				break;
			}
	}
	return r;
}

/* The table's column widths: what the values need, the widest cut first
 * until they fit. */
static void
widths(struct wiz *w, const struct hosts *h, int cols, int *wd)
{
	static const int least[NCOLS] = { 5, 8, 8, 5, 4 };
	char buf[64];
	size_t i, c, nc = ncols(w, h);
	int total, widest;

	for (c = 0; c < nc; c++)
		wd[c] = ui_width(_(col_title[c]));
	for (i = 0; i < h->nrows; i++) {
		for (c = 0; c < NTEXT; c++)
			if (ui_width(h->rows[i].f[c].text) > wd[c])
				wd[c] = ui_width(h->rows[i].f[c].text);
		roles_text(&h->rows[i], buf, sizeof(buf));
		if (ui_width(buf) > wd[COL_ROLES])
			wd[COL_ROLES] = ui_width(buf);
		if (nc > COL_DB && ui_width(_(dbroles[h->rows[i].db].brief)) >
		    wd[COL_DB])
			wd[COL_DB] = ui_width(_(dbroles[h->rows[i].db].brief));
	}
	for (;;) {
		total = 2;
		widest = -1;
		for (c = 0; c < nc; c++) {
			total += wd[c] + (c + 1 < nc);
			if (c != COL_DB && wd[c] > least[c] && (widest < 0 ||
			    wd[c] > wd[widest]))
				widest = (int)c;
		}
		if (total <= cols || widest < 0)
			break;
		wd[widest]--;
	}
}

static void
draw_table(struct wiz *w, struct hosts *h, int r, int shown, int cols)
{
	int wd[NCOLS], c0;
	size_t i, c, nc = ncols(w, h);
	char buf[64];

	widths(w, h, cols, wd);
	h->cut = 0;
	for (c = 0, c0 = 2; c < nc; c0 += wd[c] + 1, c++)
		cell(r, c0, wd[c], UI_TITLE, _(col_title[c]));
	r++;
	if (h->nrows == 0)
		ui_text(r, 2, UI_DIM, _("No server yet: Ins adds one."));
	for (i = h->top; i < h->nrows && (int)(i - h->top) < shown; i++, r++) {
		const struct hrow *row = &h->rows[i];
		int sel = h->focus.at == AT_CELL && h->focus.a == i;

		if (sel)
			ui_text(r, 0, UI_TITLE, ui_mark_text(UI_MARK_CURRENT));
		for (c = 0, c0 = 2; c < nc; c0 += wd[c] + 1, c++) {
			enum ui_style st = sel && h->focus.b == c ?
			    UI_SELECTED : UI_NORMAL;
			const char *text = buf;

			if (c < NTEXT) {
				text = row->f[c].text;
				if (row->err[c][0] != '\0' && st == UI_NORMAL)
					st = UI_ERR;
				if (*text == '\0') {
					text = c == COL_SSH ? _("(FQDN)") : "-";
					st = st == UI_SELECTED ? st : UI_DIM;
				}
			} else if (c == COL_ROLES)
				roles_text(row, buf, sizeof(buf));
			else
				text = _(dbroles[row->db].brief);
			if (sel && ui_width(text) > wd[c])
				h->cut |= 1u << c;
			cell(r, c0, wd[c], st, text);
		}
	}
}

static void
draw_actions(struct hosts *h, int r, int shown, int cols)
{
	static const char *const titles[NACTIONS] = { N_("Add host"),
	    N_("Remove host") };
	char where[64];
	size_t a;
	int c = 2;

	for (a = 0; a < NACTIONS; a++) {
		int sel = h->focus.at == AT_ACTION && h->focus.a == a;

		c = ui_textf(r, c, sel ? UI_SELECTED : a == ACT_REMOVE &&
		    h->nrows == 0 ? UI_DIM : UI_NORMAL, "[ %s ]",
		    _(titles[a])) + 2;
	}
	if ((size_t)shown < h->nrows) {
		snprintf(where, sizeof(where), _("rows %zu-%zu of %zu"),
		    h->top + 1, h->top + (size_t)shown, h->nrows);
		ui_text(r, cols - ui_width(where) - 1, UI_DIM, where);
	}
}

/* The focused cell at full width: its editor, or the roles and the
 * database role to choose from. */
static void
draw_field_line(struct wiz *w, struct hosts *h, int r, int cols)
{
	const struct hrow *row;
	unsigned int opts = ws_options(w);
	size_t i;
	int c;

	if (h->focus.at != AT_CELL)
		return;
	row = &h->rows[h->focus.a];
	ui_text(r, 1, UI_TITLE, _(field_title[h->focus.b]));
	if (h->focus.b < NTEXT) {
		field_draw(&h->rows[h->focus.a].f[h->focus.b], r, 14, cols - 15,
		    1);
		return;
	}
	if (h->focus.b == COL_ROLES) {
		for (i = 0, c = 14; i < NROLES; i++) {
			int on = (row->roles & roles[i].bit) != 0;
			enum ui_style st = i == h->role ? UI_SELECTED : on ?
			    (roles[i].option & ~opts ? UI_WARN : UI_OK) : UI_DIM;

			c = ui_textf(r, c, st, on ? "[%s]" : " %s ",
			    roles[i].tag) + 1;
		}
		return;
	}
	ui_textf(r, 14, UI_SELECTED, "< %s >", _(dbroles[row->db].title));
}

/* The line under the field: its error, another field's, or what the
 * focused one is for. */
static void
draw_hint(struct wiz *w, struct hosts *h, int r, int cols)
{
	char line[600], label[64];
	size_t i, k;
	const struct hrow *row;
	unsigned int opts = ws_options(w);

	if (h->focus.at == AT_CELL) {
		row = &h->rows[h->focus.a];
		if (h->focus.b < NTEXT && row->err[h->focus.b][0] != '\0') {
			cell(r, 1, cols - 2, UI_ERR, row->err[h->focus.b]);
			return;
		}
	}
	for (i = 0; i < h->nrows; i++)
		for (k = 0; k < NTEXT; k++)
			if (h->rows[i].err[k][0] != '\0') {
				snprintf(line, sizeof(line), "%s: %s",
				    row_label(&h->rows[i], i, label,
				    sizeof(label)), h->rows[i].err[k]);
				cell(r, 1, cols - 2, UI_ERR, line);
				return;
			}
	if (h->focus.at == AT_NAME) {
		int need_w3 = h->focus.a == NM_JOIN || h->focus.a == NM_C2W ||
		    h->focus.a == NM_C2W_PORT;
		int w3 = 0;

		for (i = 0; i < h->nrows; i++)
			w3 |= (h->rows[i].roles & MCERT_HOST_WEBBRIDGE3) != 0;
		cell(r, 1, cols - 2, UI_DIM, need_w3 && h->nrows > 0 && !w3 ?
		    _("Not needed: no host has W3 (Web Bridge 3)") :
		    _(names[h->focus.a].hint));
		return;
	}
	if (h->focus.at == AT_ACTION) {
		if (h->focus.a == ACT_ADD)
			cell(r, 1, cols - 2, UI_DIM, resilient(w) &&
			    h->nrows > 0 ? _("Enter adds a server, guessed "
			    "from the last one") : _("Enter adds a server"));
		else if (h->nrows > 0) {
			snprintf(line, sizeof(line), _("Enter asks before "
			    "removing %s"), row_label(&h->rows[h->sel], h->sel,
			    label, sizeof(label)));
			cell(r, 1, cols - 2, UI_DIM, line);
		}
		return;
	}
	row = &h->rows[h->focus.a];
	if (h->focus.b < NTEXT &&
	    (h->cut & ~(1u << h->focus.b) & ((1u << NTEXT) - 1))) {
		/* what the table cut short, in full */
		size_t o = 0;

		line[0] = '\0';
		for (k = 0; k < NTEXT; k++)
			if ((h->cut & (1u << k)) && k != h->focus.b &&
			    o < sizeof(line))
				o += (size_t)snprintf(line + o, sizeof(line) - o,
				    "%s%s", o ? "  " : "", row->f[k].text);
		cell(r, 1, cols - 2, UI_DIM, line);
		return;
	}
	switch (h->focus.b) {
	case COL_LABEL:
		snprintf(line, sizeof(line), "%s", row->f[COL_LABEL].text[0] ?
		    _("Names this server's files: letters, digits, \"-\"") :
		    _("Give a label, such as cms1: it names the server's files"));
		break;
	case COL_SSH:
		snprintf(line, sizeof(line), "%s", _("user@address:port; "
		    "empty address: the FQDN, port 22"));
		break;
	case COL_FQDN:
		snprintf(line, sizeof(line), "%s", row->f[COL_FQDN].text[0] ?
		    _("The server's DNS name: its certificates carry it") :
		    _("Give the server's FQDN, such as cms1.example.com"));
		break;
	case COL_ROLES:
		snprintf(line, sizeof(line), "%s %s%s", roles[h->role].tag,
		    _(roles[h->role].title), roles[h->role].option & ~opts ?
		    _(": its option is off (no certificate)") :
		    _(": Space turns it on or off"));
		break;
	default:
		snprintf(line, sizeof(line), "%s: %s",
		    _(dbroles[row->db].title), _(dbroles[row->db].what));
	}
	cell(r, 1, cols - 2, UI_DIM, line);
}

/* What the screen itself sees beyond the plan: an option with no host
 * to run it.  Into out; how many. */
static size_t
extra_warnings(struct wiz *w, struct hosts *h, char out[][160], size_t max)
{
	unsigned int opts = ws_options(w), have = 0;
	size_t i, n = 0;

	for (i = 0; i < h->nrows; i++)
		have |= h->rows[i].roles;
	for (i = 0; i < NROLES && n < max; i++)
		if ((roles[i].option & opts) && !(have & roles[i].bit) &&
		    h->nrows > 0)
			snprintf(out[n++], sizeof(out[0]), _("%s is on in "
			    "Options, but no host has the %s role"),
			    _(roles[i].title), roles[i].tag);
	return n;
}

/* The plan's findings, errors first, then the screen's own, from row r
 * down; PgUp/PgDn scroll them. */
static void
draw_findings(struct wiz *w, struct hosts *h, int r, int rows, int cols)
{
	const char *text[64];
	enum ui_mark mark[64];
	char extra[NROLES][160], more[96];
	size_t n = 0, i, lvl, ne;
	int indent, used, r0 = r, cut = 0, below;
	const char *m;
	const struct mcert_findings *f = w->plan != NULL ?
	    &w->plan->findings : NULL;

	for (lvl = 0; f != NULL && lvl < 2; lvl++)
		for (i = 0; i < f->n && n < 64; i++)
			if ((size_t)f->v[i].level == lvl) {
				text[n] = f->v[i].text;
				mark[n++] = lvl == MCERT_LEVEL_ERROR ?
				    UI_MARK_ERR : UI_MARK_WARN;
			}
	ne = extra_warnings(w, h, extra, NROLES);
	for (i = 0; i < ne && n < 64; i++) {
		text[n] = extra[i];
		mark[n++] = UI_MARK_WARN;
	}
	if (n == 0) {
		if (w->plan != NULL && h->nrows > 0) {
			ui_mark(r, 1, UI_MARK_OK);
			ui_text(r, ui_width(ui_mark_text(UI_MARK_OK)) + 2, UI_OK,
			    _("The plan has no findings."));
		}
		return;
	}
	if (h->ftop >= n)
		h->ftop = n - 1;
	for (i = h->ftop; i < n && r < rows; i++) {
		m = ui_mark_text(mark[i]);
		indent = 1 + ui_width(m) + (m[strlen(m) - 1] != ' ');
		/* below the area nothing is drawn: this only counts */
		used = ui_wrap(OFF_AREA, indent, cols - indent - 1, 99, UI_NORMAL,
		    text[i]);
		cut = used > rows - r;
		ui_mark(r, 1, mark[i]);
		used = ui_wrap(r, indent, cols - indent - 1, rows - r,
		    mark[i] == UI_MARK_ERR ? UI_ERR : UI_WARN, text[i]);
		r += used > 0 ? used : 1;
	}
	below = cut || i < n;
	if (h->ftop > 0 || below) {
		snprintf(more, sizeof(more), " %s ", h->ftop > 0 && below ?
		    _("PgUp/PgDn: more findings") : below ? _("PgDn: more "
		    "findings") : _("PgUp: the findings before"));
		ui_text(r0 - 1, cols - ui_width(more), UI_KEY, more);
	}
}

static void
draw(struct wiz *w)
{
	struct hosts *h = w->priv;
	int rows, cols, r, fixed, avail, shown;

	if (h == NULL)
		return;
	ui_area_size(&rows, &cols);
	r = draw_names(w, h, cols) + 1;
	/* header, actions, field line, hint, a blank, two for findings */
	fixed = r + 1 + 1 + 1 + 1 + 1 + 2;
	avail = rows - fixed;
	shown = h->nrows == 0 ? 1 : (int)h->nrows < avail ? (int)h->nrows :
	    avail > 1 ? avail : 1;
	if (h->focus.at == AT_CELL) {
		if (h->focus.a < h->top)
			h->top = h->focus.a;
		if (h->focus.a >= h->top + (size_t)shown)
			h->top = h->focus.a - (size_t)shown + 1;
	}
	if (h->top + (size_t)shown > h->nrows)
		h->top = h->nrows > (size_t)shown ? h->nrows - (size_t)shown :
		    0;
	draw_table(w, h, r, shown, cols);
	r += 1 + shown;
	draw_actions(h, r++, shown, cols);
	draw_field_line(w, h, r++, cols);
	draw_hint(w, h, r++, cols);
	if (last_cell(w, h))
		ui_text(r, 1, UI_DIM, _("The last field: Enter goes on"));
	draw_findings(w, h, r + 1, rows, cols);
	/* the cursor goes where the editing is */
	if (h->focus.at == AT_NAME || (h->focus.at == AT_CELL &&
	    h->focus.b < NTEXT))
		return;
	ui_cursor(-1, 0);
}

/* ---- keys */

static void
move_by(struct wiz *w, struct hosts *h, int delta)
{
	size_t max = NNAMES + (h->nrows + 1) * NCOLS + NACTIONS, n, i;
	struct item *all = calloc(max, sizeof(*all));

	if (all == NULL)
		return;
	n = items(w, h, all, max);
	for (i = 0; i < n && !same(&all[i], &h->focus); i++)
		;
	i = i == n ? 0 : delta > 0 ? (i + 1) % n : (i + n - 1) % n;
	focus_on(h, all[i]);
	free(all);
}

static void
move_vertical(struct wiz *w, struct hosts *h, int down)
{
	int nr[NNAMES][2];
	size_t rows = name_rows(w, h, nr), i;

	switch (h->focus.at) {
	case AT_NAME:
		for (i = 0; i < rows && nr[i][0] != (int)h->focus.a &&
		    nr[i][1] != (int)h->focus.a; i++)
			;
		if (!down && i > 0)
			focus_on(h, (struct item){ AT_NAME, (size_t)nr[i - 1][0],
			    0 });
		else if (down && i + 1 < rows)
			focus_on(h, (struct item){ AT_NAME, (size_t)nr[i + 1][0],
			    0 });
		else if (down && h->nrows > 0)
			focus_on(h, (struct item){ AT_CELL, 0, COL_LABEL });
		else if (down)
			focus_on(h, (struct item){ AT_ACTION, ACT_ADD, 0 });
		break;
	case AT_CELL:
		if (down && h->focus.a + 1 < h->nrows)
			focus_on(h, (struct item){ AT_CELL, h->focus.a + 1,
			    h->focus.b });
		else if (down)
			focus_on(h, (struct item){ AT_ACTION, ACT_ADD, 0 });
		else if (h->focus.a > 0)
			focus_on(h, (struct item){ AT_CELL, h->focus.a - 1,
			    h->focus.b });
		else
			focus_on(h, (struct item){ AT_NAME,
			    (size_t)nr[rows - 1][0], 0 });
		break;
	default:
		if (down)
			break;
		if (h->nrows > 0)
			focus_on(h, (struct item){ AT_CELL, h->nrows - 1,
			    COL_LABEL });
		else
			focus_on(h, (struct item){ AT_NAME,
			    (size_t)nr[rows - 1][0], 0 });
	}
}

static void
ask_remove(struct wiz *w, struct hosts *h, size_t i)
{
	char label[64];

	h->confirm = 1;
	h->sel = i;
	wiz_say(w, UI_WARN, _("Remove host %s from the deployment? y removes "
	    "it, n keeps it"), row_label(&h->rows[i], i, label,
	    sizeof(label)));
}

/* Left/Right/Space on the roles and the database role. */
static int
choose(struct wiz *w, struct hosts *h, int k)
{
	struct hrow *row = &h->rows[h->focus.a];

	if (h->focus.b == COL_ROLES) {
		if (k == UI_KEY_LEFT && h->role > 0)
			h->role--;
		else if (k == UI_KEY_RIGHT && h->role + 1 < NROLES)
			h->role++;
		else if (k == ' ') {
			row->roles ^= roles[h->role].bit;
			row->chosen = 1;
			form_sync(w);
		} else
			return k == UI_KEY_LEFT || k == UI_KEY_RIGHT;
		return 1;
	}
	if (k == UI_KEY_RIGHT || k == ' ')
		row->db = (row->db + 1) % (int)NDBROLES;
	else if (k == UI_KEY_LEFT)
		row->db = (row->db + (int)NDBROLES - 1) % (int)NDBROLES;
	else
		return 0;
	row->chosen = 1;
	form_sync(w);
	return 1;
}

static int
key(struct wiz *w, int k)
{
	struct hosts *h = w->priv;
	struct field *f;

	if (h == NULL)
		return 0;
	if (h->confirm) {
		h->confirm = 0;
		if (k == 'y' || k == 'Y')
			remove_host(w, h->sel);
		else
			wiz_say(w, UI_NORMAL, "%s", _("Nothing removed"));
		return 1;
	}
	if (k != UI_KEY_F1)
		w->say[0] = '\0';
	f = focused_field(h);
	switch (k) {
	case UI_KEY_INSERT:
		add_host(w);
		return 1;
	case UI_KEY_PGUP:
		if (h->ftop > 0)
			h->ftop--;
		return 1;
	case UI_KEY_PGDN:
		h->ftop++;
		return 1;
	case UI_KEY_TAB:
		move_by(w, h, 1);
		return 1;
	case UI_KEY_BTAB:
		move_by(w, h, -1);
		return 1;
	case UI_KEY_UP:
	case UI_KEY_DOWN:
		move_vertical(w, h, k == UI_KEY_DOWN);
		return 1;
	case UI_KEY_ENTER:
		if (h->focus.at == AT_ACTION) {
			if (h->focus.a == ACT_ADD)
				add_host(w);
			else if (h->nrows > 0)
				ask_remove(w, h, h->sel);
			return 1;
		}
		if (f != NULL && h->focus.at == AT_NAME &&
		    h->name_err[h->focus.a][0] != '\0') {
			wiz_say(w, UI_ERR, "%s", h->name_err[h->focus.a]);
			return 1;
		}
		if (f != NULL && h->focus.at == AT_CELL &&
		    h->rows[h->focus.a].err[h->focus.b][0] != '\0') {
			wiz_say(w, UI_ERR, "%s", h->rows[h->focus.a].err[
			    h->focus.b]);
			return 1;
		}
		if (last_cell(w, h))
			return 0;	/* the end of the form: go on */
		move_by(w, h, 1);
		return 1;
	case UI_KEY_DELETE:
		/* in a text, Del deletes the character under the cursor;
		 * at its end, or off a text, it removes the host */
		if (f != NULL && h->focus.at == AT_CELL &&
		    f->cursor < strlen(f->text))
			break;
		if (h->focus.at == AT_CELL)
			ask_remove(w, h, h->focus.a);
		else if (h->focus.at == AT_ACTION && h->nrows > 0)
			ask_remove(w, h, h->sel);
		else if (f == NULL)
			return 0;
		else
			break;
		return 1;
	}
	if (f != NULL) {
		if (!field_key(f, k))
			return 0;
		if (h->focus.at == AT_NAME)
			h->name_dirty[h->focus.a] = 1;
		else
			h->rows[h->focus.a].dirty[h->focus.b] = 1;
		form_sync(w);
		return 1;
	}
	if (h->focus.at == AT_CELL)
		return choose(w, h, k);
	if (h->focus.at == AT_ACTION) {
		if (k == UI_KEY_LEFT || k == UI_KEY_RIGHT)
			h->focus.a = h->focus.a == ACT_ADD ? ACT_REMOVE : ACT_ADD;
		else if (k == ' ')
			return key(w, UI_KEY_ENTER);
		else
			return 0;
		return 1;
	}
	return 0;
}

/* ---- going on */

static int
done(struct wiz *w)
{
	struct hosts *h = w->priv;
	size_t i, k, errors;
	char label[64];
	int n;

	if (h == NULL)
		return 1;
	form_sync(w);
	for (n = 0; n < NNAMES; n++)
		if (h->name_err[n][0] != '\0') {
			focus_on(h, (struct item){ AT_NAME, (size_t)n, 0 });
			wiz_say(w, UI_ERR, "%s", h->name_err[n]);
			return 0;
		}
	for (i = 0; i < h->nrows; i++) {
		for (k = 0; k < NTEXT; k++)
			if (h->rows[i].err[k][0] != '\0') {
				focus_on(h, (struct item){ AT_CELL, i, k });
				wiz_say(w, UI_ERR, "%s: %s", row_label(&h->rows[i],
				    i, label, sizeof(label)), h->rows[i].err[k]);
				return 0;
			}
		/* both are required by the workspace */
		k = h->rows[i].f[COL_LABEL].text[0] == '\0' ? COL_LABEL :
		    h->rows[i].f[COL_FQDN].text[0] == '\0' ? COL_FQDN : NCOLS;
		if (k != NCOLS) {
			focus_on(h, (struct item){ AT_CELL, i, k });
			wiz_say(w, UI_ERR, _("Host %zu needs a label and an FQDN "
			    "(or Del removes it)"), i + 1);
			return 0;
		}
	}
	if (w->plan == NULL)
		return 0;	/* wiz_replan said why */
	errors = mcert_findings_count(&w->plan->findings, MCERT_LEVEL_ERROR);
	if (errors > 0) {
		h->ftop = 0;	/* errors come first */
		wiz_say(w, UI_ERR, ngettext("The plan has %zu error, shown "
		    "below: fix it to go on", "The plan has %zu errors, shown "
		    "below: fix them to go on", errors), errors);
		return 0;
	}
	return 1;
}

const struct screen screen_hosts = {
	.name = "hosts",
	.step = N_("Hosts, names"),
	.help = N_("A client trusts a server only when the name it dialled "
	    "is in the server's certificate (guide 3.1, table 4): give each "
	    "server's FQDN exactly as DNS has it, and the names users dial: "
	    "the join URL, the login domain, a cluster's shared name.\n"
	    "A label names the server's files in its flat SFTP folder: "
	    "letters, digits, hyphens, at most 32. SSH address: "
	    "user@address:port, each part optional (no address: the FQDN; no "
	    "port: 22).\n"
	    "Roles: CB Call Bridge, WA Web Admin, W3 Web Bridge 3, TN TURN, "
	    "RC Recorder, ST Streamer, UP Uploader, MA MeetingApps. A "
	    "resilient deployment keeps its database on 3 to 5 servers, one "
	    "primary and peers; the other Call Bridges connect to it.\n"
	    "Ins adds a server, Del removes one. Enter on the last field goes "
	    "on, once the findings below show no error."),
	.keys = N_("Enter/Tab Next field  Ins Add host  Del Remove"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.done = done,
};
