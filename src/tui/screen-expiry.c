/* Expiry: every certificate each host has bound, leaf and chain, read from
 * the servers (mcert_status in a job) and listed soonest first with its
 * days left and band (30, 60, 90 days); database cluster ones flagged,
 * since renewing them takes the cluster down and up again; a
 * certificate's details and what to do on Enter.  The renewal's first
 * look at a deployment. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expiry-view.h"
#include "i18n.h"
#include "screens.h"
#include "validate.h"

/* ---- the job: what each host has bound */

static void *
expiry_job(struct wiz_job *job, void *arg)
{
	struct expiry *x = arg;

	wiz_job_post(job, "%s", _("Reading what each host has bound (it "
	    "connects to each)..."));
	if (mcert_status(x->ws, x->plan, x->svc, &x->so, &x->new_status,
	    &x->err) != MCERT_OK)
		return NULL;
	return x;
}

static void
start(struct wiz *w, struct expiry *x)
{
	if (w->job.running) {
		wiz_say(w, UI_WARN, "%s", _("Wait for the work under way, or "
		    "press Esc to stop it"));
		return;
	}
	if (w->plan == NULL || w->ws == NULL || w->ws->nhosts == 0) {
		wiz_say(w, UI_ERR, "%s", _("There is nothing to read: the "
		    "workspace lists no Meeting Server, or its plan has errors "
		    "(Plan shows them)."));
		return;
	}
	x->ws = w->ws;
	x->plan = w->plan;
	x->svc = w->svc;
	memset(&x->err, 0, sizeof(x->err));
	memset(&x->so, 0, sizeof(x->so));
	wiz_ssh_opts(&x->paths, x->dir, &x->ask, &x->so.ssh);
	if (wiz_job_start(w, expiry_job, x) == 0)
		wiz_say(w, UI_NORMAL, "%s", _("Reading what each host has "
		    "bound..."));
}

/* What was read becomes what is shown. */
static int
take(struct expiry *x)
{
	struct mcert_error err = { 0 };
	json_t *list = NULL, *unknown;

	if (mcert_expiry_list(x->new_status, &list, &err) != MCERT_OK ||
	    (unknown = mcert_expiry_unknown(x->new_status)) == NULL) {
		json_decref(list);
		return -1;
	}
	json_decref(x->status);
	json_decref(x->list);
	json_decref(x->unknown);
	x->status = x->new_status;
	x->new_status = NULL;
	x->list = list;
	x->unknown = unknown;
	if (x->sel >= json_array_size(list))
		x->sel = json_array_size(list) > 0 ? json_array_size(list) - 1 :
		    0;
	return 0;
}

static void
wake(struct wiz *w)
{
	struct expiry *x = w->priv;

	if (!wiz_job_progress(w) || x == NULL)
		return;
	wiz_say_read(w, x->status != NULL, x->when, sizeof(x->when));
	if (w->job.result && !w->job.cancel) {
		if (take(x) != 0) {
			wiz_say(w, UI_ERR, "%s", _("out of memory"));
			return;
		}
		wiz_say(w, UI_NORMAL, _("Read at %s, soonest first: Enter on a "
		    "certificate shows its details."), x->when);
	} else if (!w->job.cancel)
		wiz_say(w, UI_ERR, "%s", x->err.msg);
	json_decref(x->new_status);
	x->new_status = NULL;
}

/* ---- enter, leave */

static void
enter(struct wiz *w)
{
	struct expiry *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return;
	w->priv = x;
	ask_init(&x->ask, &w->job);
	snprintf(x->dir, sizeof(x->dir), "%s", wiz_dir(w));
	x->svc = w->svc;
	start(w, x);
}

static void
leave(struct wiz *w)
{
	struct expiry *x = w->priv;

	if (x == NULL)
		return;
	json_decref(x->status);
	json_decref(x->list);
	json_decref(x->unknown);
	json_decref(x->new_status);
	textview_clear(&x->details);
	ask_free(&x->ask);
	free(x);
}

/* ---- drawing */

/* Columns: mark, days, host, services, file, CN, the database mark. */
struct geom {
	int mark, days, host, svc, file, cn, db;
};

static int
widest(const struct expiry *x, int which, int cap)
{
	const json_t *e;
	char buf[600];
	size_t i;
	int w = 0, t;

	json_array_foreach(x->list, i, e) {
		t = ui_width(which == 0 ? vl_str(e, "host") : which == 1 ?
		    ex_services(x, e, buf, sizeof(buf)) : ex_files(e, buf,
		    sizeof(buf)));
		if (t > w)
			w = t;
	}
	return w < cap ? w : cap;
}

static int
at_least(int w, const char *head)
{
	return w > ui_width(head) ? w : ui_width(head);
}

static void
geometry(const struct expiry *x, int cols, struct geom *g)
{
	int used;

	g->mark = ui_width(ui_mark_text(UI_MARK_OK));
	g->days = at_least(4, _("Days"));
	g->host = at_least(widest(x, 0, 10), _("Host"));
	g->svc = at_least(widest(x, 1, 14), _("Services"));
	g->file = at_least(widest(x, 2, 20), _("File"));
	g->db = ui_width(_("DB"));
	/* the CN takes the rest, at least 12: the file and services give
	 * way first */
	for (;;) {
		used = 1 + g->mark + 1 + g->days + 1 + g->host + 1 + g->svc +
		    1 + g->file + 1 + 1 + g->db + 1;
		g->cn = cols - used;
		if (g->cn >= 15 || (g->file <= 10 && g->svc <= 9))
			break;
		if (g->file > 10)
			g->file--;
		else
			g->svc--;
	}
	if (g->cn < 4)
		g->cn = 4;
}

static int
cell(int row, int col, int width, enum ui_style st, const char *text)
{
	char clip[600];

	ui_text(row, col, st, text_clip(clip, sizeof(clip), text, width));
	return col + width + 1;
}

static void
draw_row(const struct expiry *x, const json_t *e, int row, int cols,
    const struct geom *g, int sel)
{
	enum mcert_band b = ex_band(e);
	enum ui_style st = sel ? UI_SELECTED : UI_NORMAL;
	char buf[600];
	int col = 1;

	if (sel)
		ui_textf(row, 0, UI_SELECTED, "%-*s", cols, "");
	col = cell(row, col, g->mark, sel ? st : ex_band_style(b),
	    ui_mark_text(ex_band_mark(b)));
	snprintf(buf, sizeof(buf), "%*lld", g->days, (long long)
	    json_integer_value(json_object_get(e, "days_left")));
	col = cell(row, col, g->days, sel ? st : ex_band_style(b), buf);
	col = cell(row, col, g->host, st, vl_str(e, "host"));
	col = cell(row, col, g->svc, st, ex_services(x, e, buf, sizeof(buf)));
	col = cell(row, col, g->file, st, ex_files(e, buf, sizeof(buf)));
	col = cell(row, col, g->cn, st, ex_cn(e, buf, sizeof(buf)));
	if (json_is_true(json_object_get(e, "database")))
		ui_text(row, col, sel ? st : UI_WARN, _("DB"));
}

static void
draw_head(int row, const struct geom *g)
{
	int col = 1 + g->mark + 1;

	ui_textf(row, col, UI_TITLE, "%*s", g->days, _("Days"));
	col += g->days + 1;
	ui_text(row, col, UI_TITLE, _("Host"));
	col += g->host + 1;
	ui_text(row, col, UI_TITLE, _("Services"));
	col += g->svc + 1;
	ui_text(row, col, UI_TITLE, _("File"));
	col += g->file + 1;
	ui_text(row, col, UI_TITLE, _("Subject CN"));
}

/* "12 within 30 days, 3 within 90, 1 expired" and where the rows shown
 * are in the list. */
static void
draw_summary(const struct expiry *x, int row, int cols, size_t top,
    size_t shown)
{
	size_t i, len = 0, n[MCERT_BAND_OK + 1] = { 0 };
	const json_t *e;
	char line[300], clip[300], pos[64];
	int posw = 0;

	json_array_foreach(x->list, i, e)
		n[ex_band(e)]++;
	line[0] = '\0';
	if (n[MCERT_BAND_EXPIRED] > 0)
		vl_catf(line, sizeof(line), &len, _("%zu expired"),
		    n[MCERT_BAND_EXPIRED]);
	if (n[MCERT_BAND_30] > 0)
		vl_catf(line, sizeof(line), &len, _("%s%zu within 30 days"),
		    len > 0 ? ", " : "", n[MCERT_BAND_30]);
	if (n[MCERT_BAND_60] + n[MCERT_BAND_90] > 0)
		vl_catf(line, sizeof(line), &len, _("%s%zu within 90"),
		    len > 0 ? ", " : "", n[MCERT_BAND_60] + n[MCERT_BAND_90]);
	if (n[MCERT_BAND_OK] > 0)
		vl_catf(line, sizeof(line), &len, _("%s%zu later"),
		    len > 0 ? ", " : "", n[MCERT_BAND_OK]);
	if (shown < json_array_size(x->list)) {
		snprintf(pos, sizeof(pos), "%zu-%zu/%zu", top + 1, top + shown,
		    json_array_size(x->list));
		posw = ui_width(pos) + 1;
		ui_text(row, cols - posw, UI_DIM, pos);
	}
	ui_text(row, 1, n[MCERT_BAND_EXPIRED] + n[MCERT_BAND_30] > 0 ?
	    UI_ERR : n[MCERT_BAND_60] + n[MCERT_BAND_90] > 0 ? UI_WARN :
	    UI_OK, text_clip(clip, sizeof(clip), line, cols - 2 - posw));
}

/* Below the table: what a database row means, what could not be read. */
static int
notes(const struct expiry *x, int *lines_db, int *lines_unknown)
{
	const json_t *e;
	size_t i;
	int db = 0;

	json_array_foreach(x->list, i, e)
		db |= json_is_true(json_object_get(e, "database"));
	*lines_db = db ? 2 : 0;
	*lines_unknown = json_array_size(x->unknown) > 2 ? 2 :
	    (int)json_array_size(x->unknown);
	return *lines_db + *lines_unknown;
}

static void
draw_notes(const struct expiry *x, int row, int cols, int ldb, int lunk)
{
	const json_t *u;
	char line[1200], clip[1200];
	int mw = ui_width(ui_mark_text(UI_MARK_WARN)) + 1;
	size_t i;

	if (ldb > 0) {
		ui_text(row, 1, UI_WARN, _("DB"));
		ui_wrap(row, 1 + ui_width(_("DB")) + 1, cols - 3 - ui_width(
		    _("DB")), 2, UI_NORMAL, _("Database cluster certificates: "
		    "renewing them takes the cluster down and up again (guide "
		    "section 5.3)."));
		row += ldb;
	}
	for (i = 0; (int)i < lunk; i++, row++) {
		u = json_array_get(x->unknown, i);
		ui_mark(row, 1, UI_MARK_WARN);
		if (i + 1 == (size_t)lunk && json_array_size(x->unknown) >
		    (size_t)lunk)
			snprintf(line, sizeof(line), _("%zu more hosts or "
			    "services cannot be dated (meetcert status says "
			    "which)."), json_array_size(x->unknown) - i);
		else
			snprintf(line, sizeof(line), "%s%s%s: %s", vl_str(u,
			    "host"), json_is_string(json_object_get(u,
			    "service")) ? " " : "", vl_str(u, "service"),
			    vl_str(u, "why"));
		ui_text(row, 1 + mw, UI_NORMAL, text_clip(clip, sizeof(clip),
		    line, cols - 2 - mw));
	}
}

static void
draw(struct wiz *w)
{
	struct expiry *x = w->priv;
	struct geom g;
	int rows, cols, ldb, lunk, nlist, r, asked;
	size_t i, top, n;

	if (x == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (x->viewing) {
		textview_draw(&x->details, 0, 1, rows - 1, cols - 2);
		ui_text(rows - 1, 1, UI_DIM, _("Up/Down PgUp/PgDn Scroll  Esc "
		    "Close"));
		return;
	}
	button_draw(rows - 1, cols - 2 - ui_width(_("Next")) - 4, _("Next"),
	    x->on_button);
	if ((asked = ask_draw(&x->ask, 0, 1, cols - 2)) > 0)
		return;
	if (x->list == NULL) {
		ui_wrap(0, 1, cols - 2, 3, UI_DIM, w->job.running ?
		    _("Reading what each host has bound...") : _("Nothing read "
		    "yet: r reads what each host has bound."));
		return;
	}
	n = json_array_size(x->list);
	nlist = rows - 2 - 2 - notes(x, &ldb, &lunk);
	if (n == 0) {
		ui_wrap(0, 1, cols - 2, 3, UI_NORMAL, _("No certificate with a "
		    "date was read back: nothing is bound yet, or no host could "
		    "be read."));
		draw_notes(x, 4, cols, ldb, lunk);
		return;
	}
	if (nlist < 1)
		nlist = 1;
	geometry(x, cols, &g);
	top = list_top(&x->top, x->sel, n, nlist);
	draw_summary(x, 0, cols, top, n - top < (size_t)nlist ? n - top :
	    (size_t)nlist);
	draw_head(1, &g);
	for (i = top, r = 2; i < n && r < 2 + nlist; i++, r++)
		draw_row(x, json_array_get(x->list, i), r, cols, &g,
		    i == x->sel && !x->on_button);
	draw_notes(x, 2 + nlist + 1, cols, ldb, lunk);
}

/* ---- keys */

static int
key(struct wiz *w, int k)
{
	struct expiry *x = w->priv;
	size_t n, page = 10;
	int rows, cols;

	if (x == NULL)
		return 0;
	if (ask_key(&x->ask, k))
		return 1;
	if (x->viewing) {
		if (k == UI_KEY_ESC || k == UI_KEY_ENTER || k == 'q')
			x->viewing = 0;
		else if (k == UI_KEY_F1 || k == UI_KEY_F10)
			return 0;
		else
			textview_key(&x->details, k);
		return 1;
	}
	n = json_array_size(x->list);
	switch (k) {
	case UI_KEY_TAB:
	case UI_KEY_BTAB:
		x->on_button = !x->on_button;
		return 1;
	case UI_KEY_ENTER:
		if (x->on_button || n == 0)
			return 0;	/* on to the next screen */
		ex_open_details(x);
		return 1;
	case 'r':
		start(w, x);
		return 1;
	}
	if (x->on_button)
		return 0;
	ui_area_size(&rows, &cols);
	if (rows > 12)
		page = (size_t)rows - 8;
	if (k == UI_KEY_PGDN && n > 0) {
		x->sel = x->sel + page < n ? x->sel + page : n - 1;
		return 1;
	}
	if (k == UI_KEY_PGUP) {
		x->sel = x->sel > page ? x->sel - page : 0;
		return 1;
	}
	return list_key(&x->sel, n, k);
}

const struct screen screen_expiry = {
	.name = "expiry",
	.flows = WIZ_FLOW_RENEW,
	.step = N_("Expiry"),
	.help = N_("Every certificate each host has bound is read back from "
	    "the servers, the leaf and each certificate of its chain, once per "
	    "host, soonest first, with the services and files that use it and "
	    "its days left.\n"
	    "Marks: x expired or within 30 days (red), ! within 60 or 90 "
	    "days (yellow), ok later (green). DB marks the database cluster's "
	    "certificates: renewing them takes the cluster down and up again "
	    "(guide section 5.3), so plan a maintenance window.\n"
	    "Arrows and PgUp/PgDn pick a certificate, Enter shows its details "
	    "and what to do, r reads again, Tab then Enter goes on to renew."),
	.keys = N_("Enter Details  r Reread  Tab Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = wake,
	.leave = leave,
};
