/* The Hosts screen drawn (hosts-int.h): the names, the table of hosts,
 * the focused field at full width, a hint, and the plan's findings. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "hosts-int.h"

#define OFF_AREA 30000	/* a row below any terminal */

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
		if (r->roles & hosts_roles[i].bit)
			o += (size_t)snprintf(out + o, sz - o, "%s%s",
			    o ? " " : "", hosts_roles[i].tag);
}

/* The names, a row each (with the error under it); the rows used. */
static int
draw_names(struct wiz *w, struct hosts *h, int cols)
{
	int nr[NNAMES][2], r = 0, k, n, c, width;
	size_t i, rows = hosts_name_rows(w, h, nr);

	for (i = 0; i < rows; i++, r++) {
		ui_text(r, 1, UI_TITLE, _(hosts_names[nr[i][0]].title));
		for (k = 0; k < 2 && nr[i][k] >= 0; k++) {
			n = nr[i][k];
			/* a second name on the row: "title field" at the
			 * right, 7 columns for a port */
			c = k == 0 ? 15 : cols - 8;
			width = k == 1 ? 7 : nr[i][1] < 0 ? cols - 16 :
			    cols - 8 -
			    ui_width(_(hosts_names[nr[i][1]].title)) - 2 - 15;
			if (k == 1)
				ui_text(r, c - ui_width(_(hosts_names[n].title)) -
				    1, UI_TITLE, _(hosts_names[n].title));
			if (h->focus.at == AT_NAME && h->focus.a == (size_t)n)
				field_draw(&h->name[n], r, c, width, 1);
			else if (h->name[n].text[0] == '\0')
				cell(r, c, width, UI_DIM,
				    hosts_names[n].empty != NULL ?
				    _(hosts_names[n].empty) : "-");
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
	const char *brief;
	size_t i, c, nc = hosts_ncols(w, h);
	int total, widest;

	for (c = 0; c < nc; c++)
		wd[c] = ui_width(_(hosts_columns[c].title));
	for (i = 0; i < h->nrows; i++) {
		for (c = 0; c < NTEXT; c++)
			if (ui_width(h->rows[i].f[c].text) > wd[c])
				wd[c] = ui_width(h->rows[i].f[c].text);
		roles_text(&h->rows[i], buf, sizeof(buf));
		if (ui_width(buf) > wd[COL_ROLES])
			wd[COL_ROLES] = ui_width(buf);
		brief = _(hosts_dbroles[h->rows[i].db].brief);
		if (nc > COL_DB && ui_width(brief) > wd[COL_DB])
			wd[COL_DB] = ui_width(brief);
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
	size_t i, c, nc = hosts_ncols(w, h);
	char buf[64];

	widths(w, h, cols, wd);
	h->cut = 0;
	for (c = 0, c0 = 2; c < nc; c0 += wd[c] + 1, c++)
		cell(r, c0, wd[c], UI_TITLE, _(hosts_columns[c].title));
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
				text = _(hosts_dbroles[row->db].brief);
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
	unsigned int opts = hosts_options(w);
	size_t i;
	int c;

	if (h->focus.at != AT_CELL)
		return;
	row = &h->rows[h->focus.a];
	ui_text(r, 1, UI_TITLE, _(hosts_columns[h->focus.b].field));
	if (h->focus.b < NTEXT) {
		field_draw(&h->rows[h->focus.a].f[h->focus.b], r, 14, cols - 15,
		    1);
		return;
	}
	if (h->focus.b == COL_ROLES) {
		for (i = 0, c = 14; i < NROLES; i++) {
			int on = (row->roles & hosts_roles[i].bit) != 0;
			enum ui_style st = i == h->role ? UI_SELECTED : on ?
			    (hosts_roles[i].option & ~opts ? UI_WARN : UI_OK) :
			    UI_DIM;

			c = ui_textf(r, c, st, on ? "[%s]" : " %s ",
			    hosts_roles[i].tag) + 1;
		}
		return;
	}
	ui_textf(r, 14, UI_SELECTED, "< %s >", _(hosts_dbroles[row->db].title));
}

/* The line under the field: its error, another field's, or what the
 * focused one is for. */
static void
draw_hint(struct wiz *w, struct hosts *h, int r, int cols)
{
	char line[600], label[64];
	size_t i, k;
	const struct hrow *row;
	const struct hosts_role *ro;
	unsigned int opts = hosts_options(w);

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
				    hosts_row_label(&h->rows[i], i, label,
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
		    _(hosts_names[h->focus.a].hint));
		return;
	}
	if (h->focus.at == AT_ACTION) {
		if (h->focus.a == ACT_ADD)
			cell(r, 1, cols - 2, UI_DIM, hosts_resilient(w) &&
			    h->nrows > 0 ? _("Enter adds a server, guessed "
			    "from the last one") : _("Enter adds a server"));
		else if (h->nrows > 0) {
			snprintf(line, sizeof(line), _("Enter asks before "
			    "removing %s"), hosts_row_label(&h->rows[h->sel],
			    h->sel, label, sizeof(label)));
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
		ro = &hosts_roles[h->role];
		snprintf(line, sizeof(line), "%s %s%s", ro->tag, _(ro->title),
		    ro->option & ~opts ?
		    _(": its option is off (no certificate)") :
		    _(": Space turns it on or off"));
		break;
	default:
		snprintf(line, sizeof(line), "%s: %s",
		    _(hosts_dbroles[row->db].title),
		    _(hosts_dbroles[row->db].what));
	}
	cell(r, 1, cols - 2, UI_DIM, line);
}

/* What the screen itself sees beyond the plan: an option with no host
 * to run it.  Into out; how many. */
static size_t
extra_warnings(struct wiz *w, struct hosts *h, char out[][160], size_t max)
{
	unsigned int opts = hosts_options(w), have = 0;
	size_t i, n = 0;

	for (i = 0; i < h->nrows; i++)
		have |= h->rows[i].roles;
	for (i = 0; i < NROLES && n < max; i++)
		if ((hosts_roles[i].option & opts) &&
		    !(have & hosts_roles[i].bit) && h->nrows > 0)
			snprintf(out[n++], sizeof(out[0]), _("%s is on in "
			    "Options, but no host has the %s role"),
			    _(hosts_roles[i].title), hosts_roles[i].tag);
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

void
hosts_draw(struct wiz *w)
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
	if (hosts_last_cell(w, h))
		ui_text(r, 1, UI_DIM, _("The last field: Enter goes on"));
	draw_findings(w, h, r + 1, rows, cols);
	/* the cursor goes where the editing is */
	if (h->focus.at == AT_NAME || (h->focus.at == AT_CELL &&
	    h->focus.b < NTEXT))
		return;
	ui_cursor(-1, 0);
}
