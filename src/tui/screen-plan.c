/* The Certificates screen (to be written). */
#include "config.h"

#include "i18n.h"
#include "screens.h"

static void
draw(struct wiz *w)
{
	(void)w;
	ui_text(0, 1, UI_DIM, _("This step is not written yet: Enter goes on."));
}

const struct screen screen_plan = {
	.name = "plan",
	.step = N_("Certificates"),
	.help = N_("This step is not written yet."),
	.draw = draw,
};
