/* The wizard's frame (frame.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "i18n.h"
#include "wizard.h"

#define STEPS_COLS 20

enum { MODAL_NONE, MODAL_HELP, MODAL_QUIT };
static int modal, unsaved;

static const char *
ws_name(const struct wiz *w)
{
	const char *slash;

	if (w->path == NULL)
		return _("no workspace");
	slash = strrchr(w->path, '/');
	return slash != NULL ? slash + 1 : w->path;
}

static void
too_small(int rows, int cols)
{
	char msg[160];

	ui_area(0, 0, rows, cols);
	ui_clear();
	snprintf(msg, sizeof(msg), _("meetcert needs a terminal of at least "
	    "%dx%d; this one is %dx%d. Make it larger (q quits)."),
	    FRAME_MIN_COLS, FRAME_MIN_ROWS, cols, rows);
	ui_wrap(rows / 2 - 1, 1, cols - 2, 3, UI_WARN, msg);
}

static void
header(const struct wiz *w, int cols)
{
	char right[64];
	size_t pos, count;

	ui_fill(0, 0, UI_NORMAL);
	ui_textf(0, 1, UI_TITLE, "meetcert  %s  %s", ui_utf8() ? "\u00b7" :
	    "-", ws_name(w));
	wiz_position(w, &pos, &count);
	snprintf(right, sizeof(right), _("step %zu of %zu"), pos + 1, count);
	ui_text(0, cols - ui_width(right) - 1, UI_DIM, right);
}

static void
steps(const struct wiz *w, int rows)
{
	size_t i;
	int r = 2;

	ui_box(1, 0, rows - 3, STEPS_COLS, _("Steps"), UI_TITLE);
	ui_area(2, 1, rows - 5, STEPS_COLS - 2);
	for (i = 0; i < wiz_nscreens && r - 2 < rows - 5; i++) {
		enum ui_mark m = i < w->cur ? UI_MARK_OK : i == w->cur ?
		    UI_MARK_CURRENT : UI_MARK_NONE;

		if (!wiz_shown(w, i))
			continue;
		r++;
		ui_text(r - 3, 0, UI_NORMAL, ui_utf8() || m != UI_MARK_OK ?
		    ui_mark_text(m) : "+");
		ui_text(r - 3, ui_utf8() ? 2 : m == UI_MARK_NONE ? 5 : 2,
		    i == w->cur ? UI_TITLE : i < w->cur ? UI_NORMAL : UI_DIM,
		    _(wiz_screens[i]->step));
	}
}

static void
bottom(const struct wiz *w, int rows, int cols)
{
	const char *keys = wiz_screens[w->cur]->keys;
	char line[512];

	ui_area(0, 0, rows, cols);
	ui_fill(rows - 2, 0, UI_NORMAL);
	if (w->say[0] != '\0')
		ui_text(rows - 2, 1, w->say_style, w->say);
	ui_fill(rows - 1, 0, UI_NORMAL);
	if (modal == MODAL_QUIT)
		snprintf(line, sizeof(line), "%s", _(" y Save and quit  n Stay"));
	else if (modal == MODAL_HELP)
		snprintf(line, sizeof(line), "%s", _(" Any key Close help"));
	else
		snprintf(line, sizeof(line), _(" F1 Help  %s  Esc Back  F10 "
		    "Quit"), keys != NULL ? _(keys) : _("Enter Next"));
	ui_text(rows - 1, 0, UI_KEY, line);
}

static void
help_box(const struct wiz *w, int rows, int cols)
{
	int top = 3, left = 6, h = rows - 7, wd = cols - 12;
	char title[128];

	snprintf(title, sizeof(title), _("Help: %s"),
	    _(wiz_screens[w->cur]->step));
	ui_area(0, 0, rows, cols);
	ui_box(top, left, h, wd, title, UI_TITLE);
	ui_area(top + 1, left + 1, h - 2, wd - 2);
	ui_clear();
	ui_wrap(0, 1, wd - 4, h - 2, UI_NORMAL,
	    _(wiz_screens[w->cur]->help));
}

void
frame_draw(struct wiz *w)
{
	int rows, cols;

	ui_size(&rows, &cols);
	if (rows < FRAME_MIN_ROWS || cols < FRAME_MIN_COLS) {
		too_small(rows, cols);
		ui_cursor(-1, 0);
		ui_refresh();
		return;
	}
	ui_area(0, 0, rows, cols);
	ui_clear();
	header(w, cols);
	steps(w, rows);
	ui_box(1, STEPS_COLS, rows - 3, cols - STEPS_COLS,
	    _(wiz_screens[w->cur]->step), UI_TITLE);
	bottom(w, rows, cols);
	ui_area(2, STEPS_COLS + 1, rows - 5, cols - STEPS_COLS - 2);
	ui_cursor(-1, 0);
	if (wiz_screens[w->cur]->draw != NULL)
		wiz_screens[w->cur]->draw(w);
	if (modal == MODAL_HELP) {
		ui_cursor(-1, 0);
		help_box(w, rows, cols);
	}
	ui_refresh();
}

void
frame_help(struct wiz *w)
{
	(void)w;
	modal = MODAL_HELP;
}

void
frame_ask_quit(struct wiz *w)
{
	(void)w;
	modal = MODAL_QUIT;
}

int
frame_modal(struct wiz *w, int key)
{
	int rows, cols;

	ui_size(&rows, &cols);
	if (modal == MODAL_NONE && (rows < FRAME_MIN_ROWS ||
	    cols < FRAME_MIN_COLS)) {
		/* too small: only quitting works */
		if (key == 'q' || key == UI_KEY_F10)
			modal = MODAL_QUIT;
		return 1;
	}
	if (modal == MODAL_HELP) {
		modal = MODAL_NONE;
		return 1;
	}
	if (modal != MODAL_QUIT)
		return 0;
	if (key == 'y' || key == 'Y') {
		/* a save that fails is said; a second y quits anyway */
		if (w->ws == NULL || unsaved || wiz_save(w) == 0) {
			w->quit = 1;
			modal = MODAL_NONE;
		} else {
			char why[sizeof(w->say)];

			unsaved = 1;
			snprintf(why, sizeof(why), "%s", w->say);
			wiz_say(w, UI_ERR, _("Not saved (y again quits "
			    "anyway): %s"), why);
		}
	} else if (key == 'n' || key == 'N' || key == UI_KEY_ESC) {
		modal = MODAL_NONE;
		unsaved = 0;
	}
	return 1;
}
