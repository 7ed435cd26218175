/* The deployment type, with a line on each. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screens.h"
#include "widgets.h"

static const struct {
	const char *name, *title, *what;
} types[] = {
	{ "combined", N_("Single combined server"),
	    N_("One Meeting Server runs every service: Call Bridge, Web Admin, "
	    "Web Bridge 3, TURN. The simplest, for a small site or a lab.") },
	{ "split", N_("Single split server (core and edge)"),
	    N_("A core server (Call Bridge, database) inside, an edge server "
	    "(Web Bridge 3, TURN) in the DMZ reaching it.") },
	{ "resilient", N_("Scalable and resilient"),
	    N_("Several Meeting Servers: clustered Call Bridges, a database "
	    "cluster of 3 to 5 nodes with its own CA, several web bridges.") },
	{ "renew", N_("Renew an existing deployment"),
	    N_("Read what its Meeting Servers have bound and when it expires, "
	    "then replace it one server at a time, with a way back.") },
};
#define NTYPES (sizeof(types) / sizeof(*types))

static size_t sel;

static void
enter(struct wiz *w)
{
	const char *t = json_string_value(json_object_get(w->ws->root, "type"));
	size_t i;

	sel = 0;
	for (i = 0; t != NULL && i < NTYPES; i++)
		if (strcmp(types[i].name, t) == 0)
			sel = i;
	if (wiz_flow(w) == WIZ_FLOW_RENEW)
		sel = NTYPES - 1;
}

static void
draw(struct wiz *w)
{
	int rows, cols, r = 2, gap;
	size_t i;

	(void)w;
	ui_area_size(&rows, &cols);
	gap = rows >= 22;	/* a blank row between choices when they fit */
	ui_text(0, 1, UI_NORMAL, _("How are the Meeting Servers deployed?"));
	for (i = 0; i < NTYPES; i++) {
		enum ui_style st = i == sel ? UI_SELECTED : UI_NORMAL;

		if (i == sel)
			ui_fill(r, 1, st);
		ui_textf(r, 1, st, "%s %s", i == sel ? ui_mark_text(
		    UI_MARK_CURRENT) : " ", _(types[i].title));
		r++;
		r += ui_wrap(r, 4, cols - 6, 3, UI_DIM, _(types[i].what));
		r += gap;
	}
}

static int
key(struct wiz *w, int k)
{
	(void)w;
	return list_key(&sel, NTYPES, k);
}

static int
done(struct wiz *w)
{
	if (sel == NTYPES - 1)	/* the type is read from the servers */
		return wiz_set_flow(w, WIZ_FLOW_RENEW) == 0;
	json_object_set_new(w->ws->root, "type", json_string(types[sel].name));
	return wiz_set_flow(w, WIZ_FLOW_NEW) == 0;
}

const struct screen screen_type = {
	.name = "type",
	.step = N_("Deployment"),
	.help = N_("The guide (§3) certifies three shapes of deployment. A "
	    "combined server needs one certificate for its services; a split "
	    "one needs the edge's names on the edge; a scalable and resilient "
	    "deployment adds the database cluster's own certificates (a "
	    "dedicated CA, a client certificate for \"postgres\") and trust "
	    "between the Call Bridges and the web bridges. Choose the shape; "
	    "the next screens ask only what it needs. To renew a deployment "
	    "that is running, choose Renew: its servers say what it is."),
	.keys = N_("Up/Down Choose  Enter Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.done = done,
};
