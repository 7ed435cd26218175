/* Validate: what each host has bound (mcert_status, judged by the core)
 * and what its listening ports present (mcert_probe), a service a row and
 * a host a column; a cell's details and its fix on Enter. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "load.h"
#include "mmp.h"
#include "probe.h"
#include "screens.h"
#include "status.h"
#include "timefmt.h"
#include "ask.h"
#include "certs.h"
#include "widgets.h"
#include "validate.h"
#include "x509.h"

/* ---- enter, leave */


static void
enter(struct wiz *w)
{
	struct validate *v = calloc(1, sizeof(*v));
	size_t i, k, db = 0;

	if (v == NULL)
		return;
	w->priv = v;
	ask_init(&v->ask, &w->job);
	snprintf(v->dir, sizeof(v->dir), "%s", wiz_dir(w));
	v->nhosts = w->ws->nhosts;
	if (w->plan == NULL || (v->rows = calloc(w->svc->n + 2,
	    sizeof(*v->rows))) == NULL)
		return;
	for (i = 0; i < w->svc->n; i++) {
		const struct mcert_service *s = &w->svc->v[i];

		if (s->status_fields == NULL)
			continue;	/* nothing to read it back by */
		for (k = 0; k < v->nhosts; k++)
			if (vl_planned_on(w->plan, w->ws->hosts[k].label, s->id)) {
				v->rows[v->nrows++] = s;
				break;
			}
	}
	for (k = 0; k < v->nhosts; k++)
		db += w->ws->hosts[k].db != MCERT_DB_NONE;
	if (db > 0)
		v->rows[v->nrows++] = NULL;
	vl_start(w, v, 1);
}

static void
leave(struct wiz *w)
{
	struct validate *v = w->priv;

	if (v == NULL)
		return;
	json_decref(v->status);
	json_decref(v->probes);
	json_decref(v->local);
	json_decref(v->new_status);
	json_decref(v->new_probes);
	json_decref(v->new_local);
	textview_clear(&v->details);
	ask_free(&v->ask);
	free(v->rows);
	free(v);
}

/* ---- drawing */

struct geom {
	int name, colw, shown;	/* columns: names, a host's, hosts shown */
};

static void
geometry(struct validate *v, int cols, struct geom *g)
{
	size_t i;
	int t;

	g->name = ui_width(_("Service"));
	for (i = 0; i < v->nrows; i++)
		if ((t = ui_width(vl_head(v->rows[i]))) > g->name)
			g->name = t;
	g->name += 3;
	g->colw = ui_width(ui_mark_text(UI_MARK_ERR)) + 1 + 7;
	for (i = 0; i < v->nhosts; i++)
		if ((t = ui_width(v->ws->hosts[i].label)) > g->colw)
			g->colw = t;
	g->colw += 2;
	g->shown = (cols - g->name) / g->colw;
	if (g->shown < 1)
		g->shown = 1;
	if (v->c < v->left)
		v->left = v->c;
	if (v->c >= v->left + (size_t)g->shown)
		v->left = v->c - (size_t)g->shown + 1;
}

static void
draw_cell(const struct validate *v, size_t r, size_t h, int row, int col,
    int width)
{
	struct cell c;
	char buf[64];
	int sel = !v->on_button && r == v->r && h == v->c;
	enum ui_style st;

	vl_judge(v, r, h, &c);
	if (c.mark == UI_MARK_NONE)
		snprintf(buf, sizeof(buf), "%s", c.brief[0] != '\0' ? c.brief :
		    "-");
	else
		snprintf(buf, sizeof(buf), "%s %s", ui_mark_text(c.mark),
		    c.brief);
	st = sel ? UI_SELECTED : c.mark == UI_MARK_NONE ? UI_DIM :
	    vl_mark_style(c.mark);
	if (sel)
		ui_textf(row, col - 1, st, " %-*s", width - 2, "");
	ui_text(row, col, st, buf);
}

/* The chosen cell in a few lines, then every other cell not green. */
static int
draw_summary(const struct validate *v, int row, int rows, int cols)
{
	struct cell c;
	char title[1200], line[1200], last[800];
	size_t r, h, i;
	int used = 0, mw = ui_width(ui_mark_text(UI_MARK_OK)) + 1;

	vl_judge(v, v->r, v->c, &c);
	snprintf(title, sizeof(title), "%s: %s", v->ws->hosts[v->c].label,
	    v->rows[v->r] != NULL ? v->rows[v->r]->name :
	    _("Database cluster"));
	ui_text(row + used++, 1, UI_TITLE, title);
	if (c.good[0] != '\0') {
		ui_mark(row + used, 1, UI_MARK_OK);
		used += ui_wrap(row + used, 1 + mw, cols - 2 - mw, 3, UI_NORMAL,
		    c.good);
	}
	for (i = 0; i < c.np && used < rows; i++) {
		/* a preview: Enter shows the whole of it */
		ui_mark(row + used, 1, c.p[i].mark);
		used += ui_wrap(row + used, 1 + mw, cols - 2 - mw, 2, UI_NORMAL,
		    c.p[i].text);
		if (i == 0 && used < rows) {
			snprintf(line, sizeof(line), _("Fix: %s"), c.p[i].fix);
			used += ui_wrap(row + used, 1 + mw, cols - 2 - mw, 2,
			    UI_DIM, line);
		}
	}
	if (c.np == 0 && c.good[0] == '\0')
		ui_text(row + used++, 1 + mw, UI_DIM, c.brief[0] == '.' ?
		    _("Being read...") : _("Nothing to check here."));
	/* a host column at a time, so that a host that cannot be read is
	 * said once */
	for (h = 0; h < v->nhosts && used < rows; h++)
		for (r = 0, last[0] = '\0'; r < v->nrows && used < rows; r++) {
			if (r == v->r && h == v->c)
				continue;
			vl_judge(v, r, h, &c);
			if (c.np == 0 || strcmp(last, c.p[0].text) == 0)
				continue;
			snprintf(last, sizeof(last), "%s", c.p[0].text);
			ui_mark(row + used, 1, c.mark);
			snprintf(line, sizeof(line), "%s %s: %s",
			    v->ws->hosts[h].label, vl_head(v->rows[r]), c.p[0].text);
			ui_text(row + used++, 1 + mw, UI_NORMAL, text_clip(title,
			    sizeof(title), line, cols - 2 - mw));
		}
	return used;
}

static void
draw(struct wiz *w)
{
	struct validate *v = w->priv;
	struct geom g;
	int rows, cols, row, used;
	size_t r, h;

	if (v == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (v->viewing) {
		textview_draw(&v->details, 0, 1, rows - 1, cols - 2);
		ui_text(rows - 1, 1, UI_DIM, _("Up/Down PgUp/PgDn Scroll  Esc "
		    "Close"));
		return;
	}
	if (v->nrows == 0 || v->nhosts == 0) {
		ui_wrap(0, 1, cols - 2, 3, UI_DIM, _("The plan binds nothing "
		    "that can be read back: go back and plan the services."));
		return;
	}
	geometry(v, cols, &g);
	ui_text(0, 1, UI_TITLE, _("Service"));
	for (h = v->left; h < v->nhosts && h < v->left + (size_t)g.shown; h++)
		ui_text(0, g.name + (int)(h - v->left) * g.colw, UI_TITLE,
		    v->ws->hosts[h].label);
	if (v->left > 0)
		ui_text(0, g.name - 2, UI_DIM, "<");
	if (v->left + (size_t)g.shown < v->nhosts)
		ui_text(0, cols - 1, UI_DIM, ">");
	for (r = 0, row = 1; r < v->nrows && row < rows - 3; r++, row++) {
		ui_text(row, 1, r == v->r ? UI_TITLE : UI_NORMAL,
		    vl_head(v->rows[r]));
		for (h = v->left; h < v->nhosts && h < v->left +
		    (size_t)g.shown; h++)
			draw_cell(v, r, h, row, g.name + (int)(h - v->left) *
			    g.colw, g.colw);
	}
	row++;
	if ((used = ask_draw(&v->ask, row, 1, cols - 2)) > 0)
		row += used + 1;
	else if (v->status != NULL)
		row += draw_summary(v, row, rows - row - 2, cols);
	button_draw(rows - 1, cols - 2 - ui_width(_("Done")) - 4,
	    _("Done"), v->on_button);
}

/* ---- keys */

static int
key(struct wiz *w, int k)
{
	struct validate *v = w->priv;

	if (v == NULL)
		return 0;
	if (ask_key(&v->ask, k))
		return 1;
	if (v->viewing) {
		if (k == UI_KEY_ESC || k == UI_KEY_ENTER || k == 'q')
			v->viewing = 0;
		else if (k == UI_KEY_F1 || k == UI_KEY_F10)
			return 0;
		else
			textview_key(&v->details, k);
		return 1;
	}
	switch (k) {
	case UI_KEY_TAB:
	case UI_KEY_BTAB:
		v->on_button = !v->on_button;
		return 1;
	case UI_KEY_ENTER:
		if (v->on_button)
			return 0;	/* on to Done */
		if (v->nrows > 0 && v->nhosts > 0)
			vl_open_details(v);
		return 1;
	case 'p':
		vl_start(w, v, 0);
		return 1;
	case 'r':
		vl_start(w, v, 1);
		return 1;
	}
	if (v->on_button)
		return 0;
	if (k == UI_KEY_LEFT || k == UI_KEY_RIGHT)
		return list_key(&v->c, v->nhosts, k == UI_KEY_LEFT ?
		    UI_KEY_UP : UI_KEY_DOWN);
	return list_key(&v->r, v->nrows, k);
}

static int
done(struct wiz *w)
{
	struct validate *v = w->priv;
	struct cell c;
	size_t r, h, bad = 0;

	if (v == NULL || v->status == NULL) {
		wiz_say(w, UI_WARN, "%s", _("Nothing has been read yet: r reads "
		    "what each host has bound."));
		return 0;
	}
	for (r = 0; r < v->nrows; r++)
		for (h = 0; h < v->nhosts; h++) {
			vl_judge(v, r, h, &c);
			bad += c.mark == UI_MARK_ERR;
		}
	if (bad == 0)
		return 1;
	wiz_say(w, UI_ERR, ngettext("%zu cell is broken: fix it first "
	    "(Enter on it says how).", "%zu cells are broken: fix them first "
	    "(Enter on one says how).", bad), bad);
	v->on_button = 0;
	return 0;
}

const struct screen screen_validate = {
	.name = "validate",
	.step = N_("Validate"),
	.help = N_("Each host is read back: what its services have bound, "
	    "judged as meetcert verify does (the chain to its root, the dates, "
	    "the extensions the service needs: guide section 2), and each "
	    "port the service table lists (Web Bridge 3 443, c2w) is probed "
	    "to compare what it presents with what is bound: a port still "
	    "serving the old certificate needs its service restarted.\n"
	    "Marks: ok; ! to look at (expires within 30 days, files not the "
	    "plan's, a port presenting something else or not answering); x "
	    "broken (nothing bound, a chain that fails, a host not read, a "
	    "database node not connected).\n"
	    "Arrows pick a cell, Enter shows its details and the exact fix, p "
	    "probes again, r reads again, Tab then Enter goes on (not while "
	    "anything is broken)."),
	.keys = N_("Enter Details  p Probe  r Reread  Tab Done"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = vl_wake,
	.leave = leave,
	.done = done,
};

