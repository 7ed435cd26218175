/* Small pieces the screens share, drawn with ui.h: a one-line text field
 * and a list cursor. */
#ifndef MCERT_WIDGETS_H
#define MCERT_WIDGETS_H

#include <stddef.h>

#include "ui.h"

struct field {
	char text[256];		/* UTF-8 */
	size_t cursor;		/* byte offset in text */
};

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

#endif
