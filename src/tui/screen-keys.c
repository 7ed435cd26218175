/* The Keys and CSRs screen: every key and CSR of the plan, the database
 * cluster's CA and what it signs, made here in a background job; or, for
 * a certificate whose key must never leave its server, made there with pki
 * csr over SSH (certs.c, servercsr.c), that server's host key asked about
 * first when this wizard does not know it yet (hostkeys.c, as Bind). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "i18n.h"
#include "screens.h"
#include "certs.h"
#include "keys.h"

static int
exists(const struct wiz *w, const char *name, const char *ext)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s%s", wiz_dir(w), name, ext);
	return mcert_path_exists(path);
}

void
keys_scan(struct wiz *w, struct keys_screen *k)
{
	size_t i;

	free(k->f);
	k->f = NULL;
	k->nf = 0;
	if (w->plan == NULL || (k->f = calloc(w->plan->ncerts + 1,
	    sizeof(*k->f))) == NULL)
		return;
	k->nf = w->plan->ncerts;
	for (i = 0; i < k->nf; i++) {
		const char *name = w->plan->certs[i].name;

		k->f[i].key = exists(w, name, ".key");
		k->f[i].csr = exists(w, name, ".csr");
		k->f[i].crt = exists(w, name, ".crt");
		k->f[i].server = !k->f[i].key && (cert_key_on_server(w->ws,
		    name) || (k->f[i].csr && strcmp(w->plan->certs[i].ca,
		    "self") != 0));
	}
	if (k->sel >= k->nf)
		k->sel = 0;
}

/* What making would still do for certificate i. */
static int
to_make(const struct wiz *w, const struct keys_screen *k, size_t i)
{
	const struct mcert_plan_cert *c = &w->plan->certs[i];
	const struct files_of *f = &k->f[i];

	if (f->crt || f->server)
		return 0;
	return !f->key || c->usage == MCERT_USAGE_CA ||
	    strcmp(c->ca, "dedicated") == 0 || strcmp(c->ca, "self") == 0;
}

static size_t
count_to_make(const struct wiz *w, const struct keys_screen *k)
{
	size_t i, n = 0;

	for (i = 0; i < k->nf; i++)
		n += to_make(w, k, i);
	return n;
}

/* Whether certificate i's key is to be made on its server (pki csr over
 * SSH, the CSR fetched).  Going on does not wait for it: the operator may
 * run the line there and copy the CSR instead. */
int
keys_to_fetch(const struct keys_screen *k, size_t i)
{
	return k->f[i].server && !k->f[i].csr && !k->f[i].crt;
}

/* What Enter on Make would do: certificates made here or on servers. */
static size_t
count_work(const struct wiz *w, const struct keys_screen *k)
{
	size_t i, n = count_to_make(w, k);

	for (i = 0; i < k->nf; i++)
		n += keys_to_fetch(k, i);
	return n;
}

static void
enter(struct wiz *w)
{
	struct keys_screen *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return;
	w->priv = k;
	k->log.follow = 1;
	keys_scan(w, k);
}

static void
leave(struct wiz *w)
{
	struct keys_screen *k = w->priv;

	if (k == NULL)
		return;
	make_job_free(k->mj);
	hostkeys_free(&k->hk);
	textview_clear(&k->log);
	free(k->f);
	free(k);
}

/* The state of certificate i in a few words. */
static void
cells(const struct wiz *w, const struct keys_screen *k, size_t i,
    const char **key, const char **req, char *crt, size_t sz)
{
	const struct mcert_plan_cert *c = &w->plan->certs[i];
	const struct files_of *f = &k->f[i];
	int self = c->usage == MCERT_USAGE_CA || strcmp(c->ca, "self") == 0;

	*key = f->key ? _("made") : f->server ? _("on server") : "-";
	*req = self ? "" : f->csr ? _("CSR") : "-";
	if (f->crt)
		snprintf(crt, sz, "%s", self ? _("self-signed") : _("signed"));
	else if (strcmp(c->ca, "dedicated") == 0)
		snprintf(crt, sz, "%s", _("by the DB CA"));
	else if (self)
		snprintf(crt, sz, "%s", "-");
	else
		snprintf(crt, sz, _("waits: %s CA"), c->ca);
}

/* The table's columns: the name as wide as the longest one that fits. */
struct columns {
	int name, key, csr, crt;
};

static void
columns(const struct wiz *w, int cols, struct columns *c)
{
	size_t i;
	int nw = 11;

	for (i = 0; i < w->plan->ncerts; i++)
		if (ui_width(w->plan->certs[i].name) > nw)
			nw = ui_width(w->plan->certs[i].name);
	if (nw > cols - 2 - 1 - 10 - 5 - 18)
		nw = cols - 2 - 1 - 10 - 5 - 18;
	c->name = 2;
	c->key = c->name + nw + 1;
	c->csr = c->key + 10;
	c->crt = c->csr + 5;
}

static void
draw_row(const struct wiz *w, const struct keys_screen *k, size_t i,
    const struct columns *col, int row, int cols)
{
	char crt[64], cell[128];
	const char *key, *req;
	int sel = i == k->sel;
	enum ui_style st = sel && k->focus == F_LIST ? UI_SELECTED :
	    UI_NORMAL;

	cells(w, k, i, &key, &req, crt, sizeof(crt));
	if (st == UI_SELECTED)
		ui_fill(row, 0, st);
	ui_text(row, 0, st, sel ? ui_mark_text(UI_MARK_CURRENT) : " ");
	ui_text(row, col->name, st, text_clip(cell, sizeof(cell),
	    w->plan->certs[i].name, col->key - col->name - 1));
	ui_text(row, col->key, st == UI_NORMAL && !k->f[i].key ? UI_DIM : st,
	    text_clip(cell, sizeof(cell), key, 9));
	ui_text(row, col->csr, st == UI_NORMAL && !k->f[i].csr ? UI_DIM : st,
	    req);
	ui_text(row, col->crt, st == UI_NORMAL && !k->f[i].crt ? UI_DIM : st,
	    text_clip(cell, sizeof(cell), crt, cols - col->crt));
}

/* Below the list: where the selected certificate's key is made. */
static int
draw_strip(const struct wiz *w, const struct keys_screen *k, int row,
    int cols, int maxrows)
{
	const struct mcert_plan_cert *c = &w->plan->certs[k->sel];
	char buf[1024], *line;
	int used;

	if (!k->f[k->sel].server) {
		if (k->f[k->sel].key)
			snprintf(buf, sizeof(buf), _("%s.key is made here "
			    "(0600)."), c->name);
		else if (cert_key_server_allowed(c))
			snprintf(buf, sizeof(buf), _("%s: made here; "
			    "Left/Right makes its key on %s instead."), c->name,
			    json_string_value(json_array_get(c->hosts, 0)));
		else
			snprintf(buf, sizeof(buf), _("%s: made here (it is on "
			    "%zu hosts, or signs itself)."), c->name,
			    json_array_size(c->hosts));
		return text_draw(row, 2, cols - 3, maxrows, UI_DIM, buf);
	}
	if (k->f[k->sel].csr) {
		snprintf(buf, sizeof(buf), k->f[k->sel].crt ? _("%s: the key "
		    "is on %s; its CSR came here and is signed.") : _("%s: the "
		    "key is on %s; its CSR is here, for your CA."), c->name,
		    json_string_value(json_array_get(c->hosts, 0)));
		return text_draw(row, 2, cols - 3, maxrows, UI_DIM, buf);
	}
	line = cert_pki_line(c);
	snprintf(buf, sizeof(buf), _("On %s run: %s"),
	    json_string_value(json_array_get(c->hosts, 0)),
	    line != NULL ? line : "pki csr");
	free(line);
	used = text_draw(row, 2, cols - 3, maxrows, UI_WARN, buf);
	if (used < maxrows)
		used += text_draw(row + used, 2, cols - 3, maxrows - used,
		    UI_DIM, _("then copy its .csr here by SFTP."));
	return used;
}

static void
draw(struct wiz *w)
{
	struct keys_screen *k = w->priv;
	struct columns col;
	char buf[512], shown[512];
	int rows, cols, r, nlist, c;
	size_t i, top, n;

	if (k == NULL || w->plan == NULL)
		return;
	ui_area_size(&rows, &cols);
	snprintf(buf, sizeof(buf), _("In %s: keys 0600, no file ever "
	    "replaced."), wiz_dir(w));
	ui_text(0, 1, UI_NORMAL, text_clip(shown, sizeof(shown), buf,
	    cols - 2));
	columns(w, cols, &col);
	ui_text(1, col.name, UI_TITLE, _("Certificate"));
	ui_text(1, col.key, UI_TITLE, _("Key"));
	ui_text(1, col.csr, UI_TITLE, _("CSR"));
	ui_text(1, col.crt, UI_TITLE, _("Signed"));
	nlist = rows - 2 - 3 - 1 - 4;
	if (nlist > (int)k->nf)
		nlist = (int)k->nf;
	if (nlist < 1)
		nlist = 1;
	top = list_top(&k->top, k->sel, k->nf, nlist);
	for (i = top, r = 2; i < k->nf && r < 2 + nlist; i++, r++)
		draw_row(w, k, i, &col, r, cols);
	r = 2 + nlist;
	if (k->nf > 0)
		draw_strip(w, k, r, cols, 3);
	r += 3;
	n = count_work(w, k);
	if (w->job.running && (k->mj != NULL || k->phase == KP_HOSTKEYS))
		c = ui_text(r, 1, UI_WARN, _("Working... (Esc stops)"));
	else
		c = button_draw(r, 1, n > 0 ? _("Make keys and CSRs") :
		    _("All made"), k->focus == F_MAKE);
	button_draw(r, c + 2, _("Next"), k->focus == F_NEXT);
	if (k->phase == KP_TRUST) {
		hostkeys_draw(&k->hk, r + 2, cols);
		return;
	}
	if (k->log.n == 0 && n > 0)
		ui_textf(r + 1, 1, UI_DIM, _("Enter makes what is missing "
		    "(%zu certificate(s))."), n);
	textview_draw(&k->log, r + 1, 1, rows - r - 1, cols - 2);
}

static void
toggle_server(struct wiz *w, struct keys_screen *k)
{
	const struct mcert_plan_cert *c = &w->plan->certs[k->sel];
	struct files_of *f = &k->f[k->sel];
	const char *host = json_string_value(json_array_get(c->hosts, 0));

	if (f->key) {
		wiz_say(w, UI_WARN, _("%s.key is made here already; to make it "
		    "on the server instead, move it away first"), c->name);
		return;
	}
	if (!cert_key_server_allowed(c)) {
		wiz_say(w, UI_WARN, _("%s is made here: its key is used on "
		    "%zu hosts, or it signs itself"), c->name,
		    json_array_size(c->hosts));
		return;
	}
	if (f->csr && f->server && !cert_key_on_server(w->ws, c->name)) {
		wiz_say(w, UI_WARN, _("%s.csr came from the server without its "
		    "key: the key is there"), c->name);
		return;
	}
	if (cert_set_key_on_server(w->ws, c->name, !f->server) != 0) {
		wiz_say(w, UI_ERR, "%s", _("out of memory"));
		return;
	}
	wiz_save(w);
	keys_scan(w, k);
	if (k->f[k->sel].server)
		wiz_say(w, UI_NORMAL, _("%s: its key is made on %s; run the "
		    "line shown there"), c->name, host);
	else
		wiz_say(w, UI_NORMAL, _("%s: its key is made here"), c->name);
}

static int
key(struct wiz *w, int kk)
{
	struct keys_screen *k = w->priv;

	if (k == NULL || w->plan == NULL)
		return 0;
	if (k->phase == KP_TRUST)
		return keys_trust_key(w, k, kk);
	if (kk == UI_KEY_TAB || kk == UI_KEY_BTAB) {
		k->focus = (enum focus)(((int)k->focus + (kk == UI_KEY_TAB ? 1 :
		    NFOCUS - 1)) % NFOCUS);
		return 1;
	}
	if (kk == UI_KEY_PGUP || kk == UI_KEY_PGDN)
		return textview_key(&k->log, kk);
	if (k->focus == F_LIST && list_key(&k->sel, k->nf, kk))
		return 1;
	if (k->focus == F_LIST && k->nf > 0 && (kk == UI_KEY_LEFT ||
	    kk == UI_KEY_RIGHT || kk == ' ')) {
		if (!w->job.running)
			toggle_server(w, k);
		return 1;
	}
	if (kk == UI_KEY_ENTER && k->focus != F_NEXT && !w->job.running &&
	    count_work(w, k) > 0) {
		keys_start(w, k);
		return 1;
	}
	return 0;
}

static int
done(struct wiz *w)
{
	struct keys_screen *k = w->priv;

	if (k != NULL && w->plan != NULL && count_to_make(w, k) > 0) {
		wiz_say(w, UI_ERR, _("%zu certificate(s) have no key yet: "
		    "press Enter on Make keys and CSRs"), count_to_make(w, k));
		return 0;
	}
	return 1;
}

const struct screen screen_keys = {
	.name = "keys",
	.step = N_("Keys and CSRs"),
	.help = N_("Each certificate needs a private key and a request (CSR) "
	    "carrying its names (guide §3.1, App. C). They are made here in "
	    "the background, in the workspace's folder: the key type chosen "
	    "before, SHA-256, keys 0600, never over an existing file (a live "
	    "key replaced breaks its service at once). The database "
	    "cluster's own CA is made here too and signs the cluster's "
	    "server and client certificates at once: it is kept for the "
	    "cluster alone.\nA key that must never leave its server can be "
	    "made there: choose its certificate (one server's only) and "
	    "press Left/Right. Enter then runs pki csr there over SSH and "
	    "fetches the CSR; the key stays there and Bind uses it in place. "
	    "A server this wizard does not know yet shows its SSH host key "
	    "first: compare it with the server's console, then trust it or "
	    "not.\nEnter makes what is missing; Esc stops after the current "
	    "certificate. Then Enter goes on."),
	.keys = N_("Left/Right Here/on server  Enter Make/Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = keys_wake,
	.leave = leave,
	.done = done,
};
