/* Bind: the plan deployed on every host at once (mcert_deploy in a job),
 * a row per host, the transcript of the one selected; unknown host keys
 * asked about first, passwords asked on the screen. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "i18n.h"
#include "bind.h"
#include "screens.h"
#include "ask.h"
#include "certs.h"
#include "widgets.h"
#include "yesno.h"

/* ---- the transcript */

void
bind_load_log(struct bind *b)
{
	char path[4400], line[1024];
	FILE *f;
	size_t keep = b->log.top;
	int follow = b->log.follow || b->log.n == 0;

	textview_clear(&b->log);
	b->log.follow = follow;
	b->log.top = keep;
	if (b->n == 0)
		return;
	snprintf(path, sizeof(path), "%s/%s.log", b->tdir, b->v[b->sel].label);
	if ((f = fopen(path, "r")) == NULL)
		return;
	/* runs are appended: the last ones are what matters */
	if (fseek(f, -TAIL_BYTES, SEEK_END) == 0)
		(void)fgets(line, sizeof(line), f);	/* a partial line */
	else
		rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		textview_add(&b->log, line[0] == '#' ? UI_DIM : UI_NORMAL,
		    line);
	}
	fclose(f);
}

/* ---- whether an earlier run bound everything (the workspace's steps) */

int
bind_bound_before(const struct wiz *w)
{
	return w->plan != NULL && mcert_deploy_done(w->ws, w->plan, NULL);
}

/* ---- enter, leave */

void
bind_enter(struct wiz *w)
{
	struct bind *b = calloc(1, sizeof(*b));
	size_t i;

	if (b == NULL)
		return;
	w->priv = b;
	ask_init(&b->ask, &w->job);
	snprintf(b->dir, sizeof(b->dir), "%s", wiz_dir(w));
	snprintf(b->tdir, sizeof(b->tdir), "%s/transcripts", b->dir);
	b->n = w->ws->nhosts;
	if ((b->v = calloc(b->n + 1, sizeof(*b->v))) == NULL) {
		b->n = 0;
		return;
	}
	for (i = 0; i < b->n; i++) {
		const struct mcert_ws_host *h = &w->ws->hosts[i];

		snprintf(b->v[i].label, sizeof(b->v[i].label), "%s", h->label);
		if (w->plan != NULL)
			b->v[i].files = json_object_get(w->plan->files,
			    h->label);
	}
	b->ok = bind_bound_before(w);
	if (b->ok) {
		for (i = 0; i < b->n; i++)
			b->v[i].stat = ST_DONE;
		wiz_say(w, UI_OK, "%s", _("Bound by an earlier run: Enter goes "
		    "on to Validate; b runs it again."));
	} else
		wiz_say(w, UI_NORMAL, "%s", _("b binds on every host; d is a "
		    "dry run that changes nothing."));
	b->log.follow = 1;
	bind_load_log(b);
}

void
bind_leave(struct wiz *w)
{
	struct bind *b = w->priv;

	if (b == NULL)
		return;
	mcert_deploy_result_free(&b->res);
	textview_clear(&b->log);
	ask_free(&b->ask);
	hostkeys_free(&b->hk);
	free(b->v);
	free(b);
}

/* ---- drawing */

static int
mark_cell(int row, int col, enum ui_mark m, enum ui_style st,
    const char *text)
{
	col = ui_text(row, col, st, text);
	if (m == UI_MARK_NONE)
		return col;
	ui_text(row, col++, UI_NORMAL, " ");
	return ui_mark(row, col, m);
}

static void
stat_cell(int row, int col, const struct bhost *h)
{
	enum ui_mark m = UI_MARK_NONE;
	enum ui_style st = UI_NORMAL;

	switch (h->stat) {
	case ST_DONE:
	case ST_READY:
		m = UI_MARK_OK;
		st = UI_OK;
		break;
	case ST_FAILED:
	case ST_ROLLED:
	case ST_REFUSED:
		m = UI_MARK_ERR;
		st = UI_ERR;
		break;
	case ST_STOPPED:
		m = UI_MARK_WARN;
		st = UI_WARN;
		break;
	case ST_IDLE:
		st = UI_DIM;
		break;
	default:
		break;
	}
	col = ui_mark(row, col, m);
	ui_text(row, col + 1, st, _(bind_stat_names[h->stat]));
}

struct cols {
	int label, files, checks, now, status, nowidth;
};

static void
layout(const struct bind *b, int width, struct cols *c)
{
	int mw = ui_width(ui_mark_text(UI_MARK_OK)), lw = ui_width(_("Host"));
	int sw = 0, t;
	size_t i;

	for (i = 0; i < b->n; i++)
		if ((t = ui_width(b->v[i].label)) > lw)
			lw = t;
	for (i = 0; i < bind_nstat_names; i++)
		if ((t = ui_width(_(bind_stat_names[i]))) > sw)
			sw = t;
	c->label = 2;
	c->files = c->label + lw + 2;
	t = ui_width(_("Files"));
	c->checks = c->files + (t > 6 + mw ? t : 6 + mw) + 1;
	t = ui_width(_("Checks"));
	c->now = c->checks + (t > 3 + mw ? t : 3 + mw) + 1;
	c->status = width - sw - mw - 1;
	c->nowidth = c->status - c->now - 2;
}

static void
host_row(const struct bind *b, size_t i, int row, const struct cols *c)
{
	const struct bhost *h = &b->v[i];
	size_t nf = json_array_size(h->files);
	char buf[600];

	if (i == b->sel)
		ui_mark(row, 0, UI_MARK_CURRENT);
	ui_text(row, c->label, i == b->sel ? UI_TITLE : UI_NORMAL, h->label);
	if (h->uploaded > 0 || h->stat == ST_UPLOAD) {
		snprintf(buf, sizeof(buf), "%zu/%zu", h->uploaded, nf);
		/* a dry run uploads nothing: counted, not marked */
		mark_cell(row, c->files, h->upload_bad ? UI_MARK_ERR :
		    h->past_upload && h->uploaded >= nf && !b->dry ? UI_MARK_OK :
		    UI_MARK_NONE, UI_NORMAL, buf);
	}
	if (h->checks > 0) {
		snprintf(buf, sizeof(buf), "%zu", h->checks);
		mark_cell(row, c->checks, h->check_bad ? UI_MARK_ERR :
		    h->stat != ST_CHECK ? UI_MARK_OK : UI_MARK_NONE, UI_NORMAL,
		    buf);
	}
	if (h->now[0] != '\0' && c->nowidth > 4) {
		text_clip(buf, sizeof(buf), h->now, c->nowidth);
		ui_text(row, c->now, UI_DIM, buf);
	}
	stat_cell(row, c->status, h);
}

static int
has_why(const struct bhost *h)
{
	return h->why[0] != '\0' && (h->stat == ST_FAILED || h->stat ==
	    ST_ROLLED || h->stat == ST_STOPPED || h->stat == ST_REFUSED);
}

/* Each failed host's reason, wrapped, the rows shared out among them so
 * that every one shows (a refusal's fix is at its end); the rows used. */
static int
draw_why(const struct bind *b, int row, int width, int maxrows)
{
	int r = row, mw = ui_width(ui_mark_text(UI_MARK_ERR)) + 1, each;
	size_t i, nwhy = 0;

	for (i = 0; i < b->n; i++)
		nwhy += has_why(&b->v[i]);
	if (nwhy == 0 || maxrows <= 0)
		return 0;
	each = maxrows / (int)nwhy;
	if (each < 2)
		each = 2;
	for (i = 0; i < b->n && r < row + maxrows; i++) {
		const struct bhost *h = &b->v[i];

		if (!has_why(h))
			continue;
		ui_mark(r, 1, h->stat == ST_STOPPED ? UI_MARK_WARN :
		    UI_MARK_ERR);
		r += ui_wrap(r, 1 + mw, width - 2 - mw, row + maxrows - r <
		    each ? row + maxrows - r : each, UI_NORMAL, h->why);
	}
	return r - row;
}

/* PH_CONFIRM: what the run does to a running deployment; the rows used. */
static int
draw_confirm(const struct wiz *w, const struct bind *b, int row, int cols)
{
	char keys[300];
	int r = row;

	ui_mark(r, 1, UI_MARK_WARN);
	if (b->confirm == CF_DATABASE) {
		r += ui_wrap(r, 4, cols - 6, 8, UI_NORMAL, _("The database "
		    "cluster's certificates are renewed too (guide 5.3): every "
		    "node leaves the cluster, takes the new certificates and "
		    "joins again, so the database is down until all are "
		    "connected. Each node checks them against the new database "
		    "CA before anything is removed."));
		snprintf(keys, sizeof(keys), _("%s Go on  s Services alone  %s "
		    "Stop"), yesno_letter(YESNO_YES), yesno_letter(YESNO_NO));
	} else {
		r += ui_wrap(r, 4, cols - 6, 6, UI_NORMAL,
		    mcert_deploy_touches_db(w->ws, w->plan, NULL) ? _("Every "
		    "service this renewal has bound is put back on the files "
		    "bound before it, one host at a time.") : _("Every service "
		    "this renewal has bound is put back on the files bound "
		    "before it, one host at a time. If the database cluster "
		    "took its new certificates, it is built again on the "
		    "earlier ones: it is down until all nodes connect."));
		snprintf(keys, sizeof(keys), _("%s Put back  %s Stop"),
		    yesno_letter(YESNO_YES), yesno_letter(YESNO_NO));
	}
	ui_text(r++, 4, UI_KEY, keys);
	return r - row;
}

static void
draw_view(struct bind *b, int rows, int cols)
{
	char title[300];

	snprintf(title, sizeof(title), _("%s: transcript"), b->v[b->sel].label);
	ui_text(0, 1, UI_TITLE, title);
	if (b->log.n == 0)
		ui_wrap(2, 1, cols - 2, 3, UI_DIM, _("No transcript yet: one is "
		    "written when the host is first connected to."));
	textview_draw(&b->log, 1, 1, rows - 2, cols - 2);
	ui_text(rows - 1, 1, UI_DIM, _("Up/Down PgUp/PgDn Scroll  Esc Close"));
}

static void
draw(struct wiz *w)
{
	struct bind *b = w->priv;
	struct cols c;
	char title[300];
	int rows, cols, r, used;
	size_t i, waiting = 0;

	if (b == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (b->viewing && b->n > 0) {
		draw_view(b, rows, cols);
		return;
	}
	layout(b, cols, &c);
	ui_text(0, c.label, UI_TITLE, _("Host"));
	ui_text(0, c.files, UI_TITLE, _("Files"));
	ui_text(0, c.checks, UI_TITLE, _("Checks"));
	ui_text(0, c.now, UI_TITLE, _("Step"));
	ui_text(0, c.status + ui_width(ui_mark_text(UI_MARK_OK)) + 1,
	    UI_TITLE, _("Status"));
	for (i = 0, r = 1; i < b->n && r < rows - 4; i++, r++) {
		host_row(b, i, r, &c);
		waiting += b->v[i].stat == ST_WAIT;
	}
	r++;
	if (waiting > 0)
		r += ui_wrap(r, 1, cols - 2, 2, UI_DIM, _("Database cluster: "
		    "waiting until every node shows connected."));
	if (b->phase == PH_TRUST)
		r += hostkeys_draw(&b->hk, r, cols) + 1;
	else if (b->phase == PH_CONFIRM)
		r += draw_confirm(w, b, r, cols) + 1;
	else if ((used = ask_draw(&b->ask, r, 1, cols - 2)) > 0)
		r += used + 1;
	else if ((used = draw_why(b, r, cols, rows - r - 2)) > 0)
		r += used + 1;
	if (r >= rows - 1 || b->n == 0)
		return;
	ui_hline(r, 0, cols);
	snprintf(title, sizeof(title), _(" %s: transcript (t full size) "),
	    b->v[b->sel].label);
	ui_text(r++, 2, UI_DIM, title);
	b->log.follow = 1;
	textview_draw(&b->log, r, 1, rows - r, cols - 2);
}

/* ---- keys */

static int
key(struct wiz *w, int k)
{
	struct bind *b = w->priv;
	size_t was;

	if (b == NULL)
		return 0;
	if (ask_key(&b->ask, k))
		return 1;
	if (k == UI_KEY_F10 || (k == 'q' && !b->viewing)) {
		if (!w->job.running)
			return 0;
		/* the workspace is being written by the hosts' threads */
		wiz_say(w, UI_WARN, "%s", _("Press Esc to stop the work first "
		    "(it stops between steps), then quit."));
		return 1;
	}
	if (b->viewing) {
		if (k == UI_KEY_ESC || k == 'q' || k == 't' ||
		    k == UI_KEY_ENTER) {
			b->viewing = 0;
			b->log.follow = 1;
			return 1;
		}
		return textview_key(&b->log, k) || k != UI_KEY_F1;
	}
	if (b->phase == PH_TRUST) {
		if (yesno_key(k) == YESNO_YES)
			bind_trust(w, b, 1);
		else if (yesno_key(k) == YESNO_NO || k == UI_KEY_ESC)
			bind_trust(w, b, 0);
		else
			return k != UI_KEY_F1 && k != UI_KEY_F10;
		return 1;
	}
	if (b->phase == PH_CONFIRM) {
		if (k == UI_KEY_F1 || k == UI_KEY_F10)
			return 0;
		bind_confirmed(w, b, yesno_key(k) == YESNO_YES ? 'y' :
		    k == 's' || k == 'S' ? 's' : 'n');
		return 1;
	}
	was = b->sel;
	if (list_key(&b->sel, b->n, k)) {
		if (b->sel != was) {
			b->log.follow = 1;
			bind_load_log(b);
		}
		return 1;
	}
	switch (k) {
	case 'b':
	case 'r':
		bind_start(w, b, 0);
		return 1;
	case 'd':
		bind_start(w, b, 1);
		return 1;
	case 'u':
		bind_rollback(w, b);
		return 1;
	case 't':
		bind_load_log(b);
		b->viewing = b->n > 0;
		b->log.follow = 1;
		return 1;
	case UI_KEY_ENTER:
		if (b->ok && !w->job.running)
			return 0;	/* on to Validate */
		bind_load_log(b);
		b->viewing = b->n > 0;
		b->log.follow = 1;
		return 1;
	}
	return 0;
}

static int
done(struct wiz *w)
{
	struct bind *b = w->priv;

	if (b != NULL && b->ok)
		return 1;
	wiz_say(w, UI_WARN, "%s", _("Not every host is bound yet: b binds "
	    "(a rerun resumes)."));
	return 0;
}

const struct screen screen_bind = {
	.name = "bind",
	.step = N_("Bind"),
	.help = N_("The files go up by SFTP under new names (a file on a "
	    "server is never replaced) and the server checks them itself: pki "
	    "match (the key fits), pki verify (the chain holds). Then each "
	    "service is bound in a safe order: disable, certs, enable or "
	    "restart (guide section 4); what was bound before is recorded and "
	    "put back if a command fails. The database cluster takes "
	    "certificates only unclustered (5.3): the hosts wait for each "
	    "other. A renewal binds one host at a time and probes its web "
	    "ports for the new certificate before the next starts, so meetings "
	    "keep running on the others.\n"
	    "b binds (again: what is done is skipped), d is a dry run, u puts "
	    "back what was bound before the renewal, Esc stops between two "
	    "steps, Enter or t shows a host's transcript. A new host key is "
	    "shown to compare with the server's console; a changed one is "
	    "refused."),
	.keys = N_("b Bind  d Dry run  u Put back  Enter/t Transcript"),
	.enter = bind_enter,
	.draw = draw,
	.key = key,
	.wake = bind_wake,
	.leave = bind_leave,
	.done = done,
};

