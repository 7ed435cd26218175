/* Small pieces the screens share, drawn with ui.h: a one-line text field,
 * a list cursor, a scrollable text, a question asked from background work,
 * and the SSH options of the screens that reach the servers. */
#ifndef MCERT_WIDGETS_H
#define MCERT_WIDGETS_H

#include <pthread.h>
#include <stddef.h>

#include "ssh.h"
#include "ui.h"
#include "verify.h"

struct field {
	char text[256];		/* UTF-8 */
	size_t cursor;		/* byte offset in text */
};

/* The offset of the UTF-8 character before i, and of the one after it. */
size_t utf8_prev(const char *s, size_t i);
size_t utf8_next(const char *s, size_t i);

void field_set(struct field *f, const char *text);
/* Edits f with key: 1 when the key was an edit (or a move in it). */
int field_key(struct field *f, int key);
/* Draws f at row, col, width columns; with focus, the cursor is put in
 * it. */
void field_draw(const struct field *f, int row, int col, int width,
    int focus);

/* Moves *sel within 0..n-1 for Up, Down, Home, End, PgUp, PgDn: 1 when the
 * key was one of them. */
int list_key(size_t *sel, size_t n, int key);

/* Copies text into out (of size sz), cut to at most width columns; a
 * cut ends in an ellipsis mark (U+2026 in UTF-8, "~" under LANG=C), so
 * a table cell never runs into the next.  Returns out. */
char *text_clip(char *out, size_t sz, const char *text, int width);

/* ---- A scrollable text: lines wrapped at blanks to the width drawn,
 * each in its style (a transcript, a certificate's details). */
struct textview {
	char **lines;		/* owned */
	enum ui_style *style;
	int *hang;		/* columns its wrapped rows are indented by */
	size_t n;
	size_t top;		/* the first row shown, in wrapped rows */
	int follow;		/* keep the last row in view as lines come */
	size_t total, page;	/* wrapped rows and rows shown, last draw */
};

/* Appends a copy of text (its tabs made blanks, other control
 * characters dropped); 0, or -1 out of memory. */
int textview_add(struct textview *t, enum ui_style style, const char *text);
/* The same, its wrapped rows indented by hang columns (a label's). */
int textview_add_hanging(struct textview *t, enum ui_style style, int hang,
    const char *text);
/* A "Label   text" line, the text (printf) starting at column hang
 * and its wrapped rows under it: a certificate's details. */
int textview_label(struct textview *t, enum ui_style style, int hang,
    const char *label, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Empties t (the scroll position too). */
void textview_clear(struct textview *t);
/* Draws rows x width from row, col: the rows from t->top on, or the last
 * ones when following. */
void textview_draw(struct textview *t, int row, int col, int rows,
    int width);
/* Up, Down, PgUp, PgDn, Home, End: 1 when the key was one of them. */
int textview_key(struct textview *t, int key);


/* The first of n rows to show in a window of rows rows so that sel is in
 * view, moving *top (kept between draws) as little as possible. */
size_t list_top(size_t *top, size_t sel, size_t n, int rows);

/* "[ label ]" at row, col, UI_SELECTED when it has the focus; returns the
 * column after it. */
int button_draw(int row, int col, const char *label, int focus);

/* As ui_wrap, but a word longer than a row (a SAN list, a path) is cut
 * across rows instead of lost; returns the rows used. */
int text_draw(int row, int col, int width, int maxrows, enum ui_style style,
    const char *text);

/* ---- A paste area: lines typed or pasted (a PEM block), ended by a
 * line holding only "." or by Ctrl-D; Esc cancels.  At most
 * PASTE_MAX bytes are kept. */
#define PASTE_MAX (256 * 1024)

struct paste {
	char *text;		/* NUL-terminated, LF line ends; NULL: none */
	size_t len;
};

enum paste_state {
	PASTE_MORE,		/* the key was taken: go on */
	PASTE_DONE,		/* ended: the text is in p (without the ".") */
	PASTE_CANCELLED,	/* Esc: the text is dropped */
	PASTE_PASSED,		/* not the area's key (F1, F10) */
};

enum paste_state paste_key(struct paste *p, int key);
/* Draws the last lines that fit in rows from row, the cursor at the end
 * of the text. */
void paste_draw(const struct paste *p, int row, int col, int rows,
    int width);
void paste_free(struct paste *p);

#endif
