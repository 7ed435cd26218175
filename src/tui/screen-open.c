/* Open or resume a workspace: a path to type, or one of the recent ones. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "recent.h"
#include "screens.h"
#include "widgets.h"

#define SHOWN 12

struct open {
	struct field path;
	char **recent;
	size_t nrecent;
	size_t sel;		/* 0: the field, 1..: a recent workspace */
};

static void
enter(struct wiz *w)
{
	struct open *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return;
	o->recent = recent_list(SHOWN, &o->nrecent);
	field_set(&o->path, w->path != NULL ? w->path : "meetcert.json");
	w->priv = o;
}

static void
leave(struct wiz *w)
{
	struct open *o = w->priv;
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nrecent; i++)
		free(o->recent[i]);
	free(o->recent);
	free(o);
}

static void
draw(struct wiz *w)
{
	struct open *o = w->priv;
	int rows, cols;
	size_t i;

	if (o == NULL)
		return;
	ui_area_size(&rows, &cols);
	ui_wrap(0, 1, cols - 2, 3, UI_NORMAL, _("A workspace is one "
	    "deployment: its servers, names, certificates and how far the work "
	    "got. Type the file of a new one, or choose one to resume."));
	ui_text(4, 1, UI_TITLE, _("Workspace file"));
	field_draw(&o->path, 5, 3, cols - 6, o->sel == 0);
	ui_text(7, 1, UI_TITLE, _("Recent"));
	if (o->nrecent == 0)
		ui_text(8, 3, UI_DIM, _("(none yet)"));
	for (i = 0; i < o->nrecent && (int)i + 8 < rows; i++) {
		enum ui_style st = o->sel == i + 1 ? UI_SELECTED : UI_NORMAL;

		if (st == UI_SELECTED)
			ui_fill((int)i + 8, 1, st);
		ui_text((int)i + 8, 3, st, o->recent[i]);
	}
}

static int
key(struct wiz *w, int k)
{
	struct open *o = w->priv;
	const char *path;

	if (o == NULL)
		return 0;
	if (k == UI_KEY_TAB)
		k = UI_KEY_DOWN;
	if (k == UI_KEY_BTAB)
		k = UI_KEY_UP;
	if (list_key(&o->sel, o->nrecent + 1, k))
		return 1;
	if (o->sel == 0 && k != UI_KEY_ENTER && k != UI_KEY_ESC &&
	    k != UI_KEY_F1 && k != UI_KEY_F10 && field_key(&o->path, k))
		return 1;
	if (k == UI_KEY_ENTER) {
		path = o->sel == 0 ? o->path.text : o->recent[o->sel - 1];
		if (*path == '\0') {
			wiz_say(w, UI_ERR, "%s", _("Type the file of the "
			    "workspace, such as site.json"));
			return 1;
		}
		if (wiz_open(w, path) == 0) {
			size_t next = w->cur;	/* where it stopped */

			w->cur = 0;
			wiz_go(w, next);
		}
		return 1;
	}
	return 0;
}

const struct screen screen_open = {
	.name = "open",
	.step = N_("Workspace"),
	.help = N_("meetcert keeps each deployment in one workspace file "
	    "(JSON, readable only by you). It holds the servers, the names, "
	    "the certificates chosen and how far the work got, and it is saved "
	    "after every step: quit at any time and open it again to go on "
	    "where you were. Its keys, CSRs, certificates and bundles are kept "
	    "in the same folder."),
	.keys = N_("Up/Down Choose  Enter Open"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
};
