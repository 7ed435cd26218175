/* Done: what to do next. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "screens.h"

static void
draw(struct wiz *w)
{
	int rows, cols, r = 0;
	json_t *v;
	size_t i;

	ui_area_size(&rows, &cols);
	ui_mark(r, 1, UI_MARK_OK);
	ui_text(r, 6, UI_TITLE, _("The deployment is certified."));
	r += 2;
	if (w->plan != NULL && json_array_size(w->plan->operator) > 0) {
		ui_text(r++, 1, UI_TITLE, _("What is left to do by hand:"));
		json_array_foreach(w->plan->operator, i, v)
			r += ui_wrap(r, 3, cols - 4, 3, UI_NORMAL,
			    json_string_value(v));
		r++;
	}
	r += ui_wrap(r, 1, cols - 2, 3, UI_NORMAL, _("Put the earliest expiry "
	    "shown on the Validate screen in a calendar, a month ahead: "
	    "meetcert status --expiring tells a monitoring check the same."));
	ui_wrap(r + 1, 1, cols - 2, 2, UI_DIM, _("Then r starts the renewal "
	    "here, one server at a time; Esc goes back to Validate."));
}

/* r: the next generation, and the renewal's screens from the expiry. */
static int
key(struct wiz *w, int k)
{
	struct mcert_error err = { 0, "" };
	size_t i;

	if (k != 'r' && k != 'R')
		return 0;
	if (mcert_ws_renew(w->ws, &err) != MCERT_OK) {
		wiz_say(w, UI_ERR, "%s", err.msg);
		return 1;
	}
	wiz_set_flow(w, WIZ_FLOW_RENEW);
	for (i = 0; i < wiz_nscreens; i++)
		if (wiz_shown(w, i) && i > wiz_find("type")) {
			wiz_go(w, i);
			break;
		}
	wiz_say(w, UI_NORMAL, _("Generation %d: the files bound now stay as "
	    "they are until the new ones are bound."), w->ws->generation);
	return 1;
}

const struct screen screen_done = {
	.name = "done",
	.step = N_("Done"),
	.help = N_("Every service presents the chain it should. Web bridges "
	    "still have to be registered with the Call Bridges through the Web "
	    "Admin API (guide App. D), and the certificates renewed before "
	    "they expire: run meetcert on this workspace again then."),
	.keys = N_("r Renew  q Quit"),
	.draw = draw,
	.key = key,
};
