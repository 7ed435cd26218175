/* The terminal, for the wizard's screens: the only curses in src/tui is in
 * ui.c and frame.c.  A screen draws with these calls into the body of the
 * frame (rows and columns from 0, clipped), and reads keys as UI_KEY_*
 * codes or Unicode characters. */
#ifndef MCERT_UI_H
#define MCERT_UI_H

#include <stddef.h>

enum ui_style {
	UI_NORMAL,
	UI_TITLE,	/* headings */
	UI_SELECTED,	/* the row or field with the cursor */
	UI_OK,		/* green, with a mark */
	UI_WARN,	/* yellow */
	UI_ERR,		/* red */
	UI_DIM,		/* what cannot be chosen, hints */
	UI_KEY,		/* key names in the bottom line */
	UI_INPUT,	/* an editable field */
	UI_NSTYLES,
};

enum ui_mark {
	UI_MARK_OK,	/* ✓  or [ok] */
	UI_MARK_WARN,	/* !  or [!]  */
	UI_MARK_ERR,	/* ✗  or [x]  */
	UI_MARK_CURRENT,	/* ▸ or > */
	UI_MARK_NONE,	/* blanks of the same width */
};

/* Keys beyond Unicode characters. */
enum {
	UI_KEY_NONE = -1,
	UI_KEY_UP = 0x110000, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT,
	UI_KEY_HOME, UI_KEY_END, UI_KEY_PGUP, UI_KEY_PGDN,
	UI_KEY_TAB, UI_KEY_BTAB, UI_KEY_ENTER, UI_KEY_ESC,
	UI_KEY_BACKSPACE, UI_KEY_DELETE, UI_KEY_INSERT,
	UI_KEY_F1, UI_KEY_F2, UI_KEY_F10,
	UI_KEY_RESIZE,
	UI_KEY_WAKE,	/* background work has news */
};

/* Starts curses (colours unless NO_COLOR or a terminal without them;
 * line drawing and marks in UTF-8 only when the locale is UTF-8). */
int ui_start(void);
void ui_stop(void);

/* Whether marks and lines are drawn in UTF-8, colours used. */
int ui_utf8(void);
int ui_color(void);

void ui_size(int *rows, int *cols);

/* Sets the area the drawing calls below write into (the frame's body). */
void ui_area(int top, int left, int rows, int cols);
void ui_area_size(int *rows, int *cols);
void ui_clear(void);

/* Writes text at row, col of the area, clipped to it, in style.  Returns
 * the column after it. */
int ui_text(int row, int col, enum ui_style style, const char *text);
int ui_textf(int row, int col, enum ui_style style, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Fills the rest of the row from col with blanks in style. */
void ui_fill(int row, int col, enum ui_style style);
/* Wraps text into rows starting at row, at most maxrows; returns the rows
 * used. */
int ui_wrap(int row, int col, int width, int maxrows, enum ui_style style,
    const char *text);
int ui_mark(int row, int col, enum ui_mark mark);
/* The mark as text ("✓" or "[ok]") for tables. */
const char *ui_mark_text(enum ui_mark mark);
void ui_hline(int row, int col, int width);
/* A box at absolute screen position, with a title in it. */
void ui_box(int top, int left, int rows, int cols, const char *title,
    enum ui_style title_style);
/* Puts the terminal cursor at row, col of the area (an input field) or
 * hides it (row < 0). */
void ui_cursor(int row, int col);
void ui_refresh(void);

/* Waits for a key, or for a write to wake_fd (UI_KEY_WAKE), without using
 * the CPU while it waits. */
int ui_key(int wake_fd);

/* Display width of a UTF-8 string (columns). */
int ui_width(const char *s);

#endif
