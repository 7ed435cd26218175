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
	ui_wrap(r + 1, 1, cols - 2, 2, UI_DIM, _("Esc goes back to the "
	    "validation; q quits."));
}

const struct screen screen_done = {
	.name = "done",
	.step = N_("Done"),
	.help = N_("Every service presents the chain it should. Web bridges "
	    "still have to be registered with the Call Bridges through the Web "
	    "Admin API (guide App. D), and the certificates renewed before "
	    "they expire: run meetcert on this workspace again then."),
	.keys = N_("q Quit"),
	.draw = draw,
};
