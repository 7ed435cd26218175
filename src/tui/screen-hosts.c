/* Hosts, names: the deployment's names, then a table of its Meeting
 * Servers (label, SSH address, FQDN, roles, database role), checked as they
 * are typed with the core's rules.  Text that is not valid stays in the
 * form and is never written; valid text goes into the workspace at once and
 * the plan's findings follow it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "hosts-int.h"
#include "screens.h"
#include "yesno.h"

/* ---- entering and leaving */

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
		v = json_object_get(names_obj, hosts_names[n].key);
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
		hosts_load_row(&h->rows[h->nrows++], v);
	hosts_items(w, h, first, sizeof(first) / sizeof(*first));
	hosts_focus(h, first[0].at, first[0].a, first[0].b);
	hosts_sync(w);
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

/* ---- keys */

static int
same(const struct item *x, const struct item *y)
{
	return x->at == y->at && x->a == y->a && (x->at != AT_CELL ||
	    x->b == y->b);
}

static void
move_by(struct wiz *w, struct hosts *h, int delta)
{
	size_t max = NNAMES + (h->nrows + 1) * NCOLS + NACTIONS, n, i;
	struct item *all = calloc(max, sizeof(*all));

	if (all == NULL)
		return;
	n = hosts_items(w, h, all, max);
	for (i = 0; i < n && !same(&all[i], &h->focus); i++)
		;
	i = i == n ? 0 : delta > 0 ? (i + 1) % n : (i + n - 1) % n;
	hosts_focus(h, all[i].at, all[i].a, all[i].b);
	free(all);
}

static void
move_vertical(struct wiz *w, struct hosts *h, int down)
{
	int nr[NNAMES][2];
	size_t rows = hosts_name_rows(w, h, nr), i;

	switch (h->focus.at) {
	case AT_NAME:
		for (i = 0; i < rows && nr[i][0] != (int)h->focus.a &&
		    nr[i][1] != (int)h->focus.a; i++)
			;
		if (!down && i > 0)
			hosts_focus(h, AT_NAME, (size_t)nr[i - 1][0], 0);
		else if (down && i + 1 < rows)
			hosts_focus(h, AT_NAME, (size_t)nr[i + 1][0], 0);
		else if (down && h->nrows > 0)
			hosts_focus(h, AT_CELL, 0, COL_LABEL);
		else if (down)
			hosts_focus(h, AT_ACTION, ACT_ADD, 0);
		break;
	case AT_CELL:
		if (down && h->focus.a + 1 < h->nrows)
			hosts_focus(h, AT_CELL, h->focus.a + 1, h->focus.b);
		else if (down)
			hosts_focus(h, AT_ACTION, ACT_ADD, 0);
		else if (h->focus.a > 0)
			hosts_focus(h, AT_CELL, h->focus.a - 1, h->focus.b);
		else
			hosts_focus(h, AT_NAME, (size_t)nr[rows - 1][0], 0);
		break;
	default:
		if (down)
			break;
		if (h->nrows > 0)
			hosts_focus(h, AT_CELL, h->nrows - 1, COL_LABEL);
		else
			hosts_focus(h, AT_NAME, (size_t)nr[rows - 1][0], 0);
	}
}

static void
ask_remove(struct wiz *w, struct hosts *h, size_t i)
{
	char label[64];

	h->confirm = 1;
	h->sel = i;
	wiz_say(w, UI_WARN, _("Remove host %s from the deployment? %s removes "
	    "it, %s keeps it"), hosts_row_label(&h->rows[i], i, label,
	    sizeof(label)), yesno_letter(YESNO_YES), yesno_letter(YESNO_NO));
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
			row->roles ^= hosts_roles[h->role].bit;
			row->chosen = 1;
			hosts_sync(w);
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
	hosts_sync(w);
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
		if (yesno_key(k) == YESNO_YES)
			hosts_remove(w, h->sel);
		else
			wiz_say(w, UI_NORMAL, "%s", _("Nothing removed"));
		return 1;
	}
	if (k != UI_KEY_F1)
		w->say[0] = '\0';
	f = hosts_focused_field(h);
	switch (k) {
	case UI_KEY_INSERT:
		hosts_add(w);
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
				hosts_add(w);
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
		if (hosts_last_cell(w, h))
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
		hosts_sync(w);
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
	hosts_sync(w);
	for (n = 0; n < NNAMES; n++)
		if (h->name_err[n][0] != '\0') {
			hosts_focus(h, AT_NAME, (size_t)n, 0);
			wiz_say(w, UI_ERR, "%s", h->name_err[n]);
			return 0;
		}
	for (i = 0; i < h->nrows; i++) {
		for (k = 0; k < NTEXT; k++)
			if (h->rows[i].err[k][0] != '\0') {
				hosts_focus(h, AT_CELL, i, k);
				wiz_say(w, UI_ERR, "%s: %s",
				    hosts_row_label(&h->rows[i], i, label,
				    sizeof(label)), h->rows[i].err[k]);
				return 0;
			}
		/* both are required by the workspace */
		k = h->rows[i].f[COL_LABEL].text[0] == '\0' ? COL_LABEL :
		    h->rows[i].f[COL_FQDN].text[0] == '\0' ? COL_FQDN : NCOLS;
		if (k != NCOLS) {
			hosts_focus(h, AT_CELL, i, k);
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
	.flows = WIZ_FLOW_NEW,
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
	.draw = hosts_draw,
	.key = key,
	.leave = leave,
	.done = done,
};
