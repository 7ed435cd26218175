/* Small pieces the screens share (widgets.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "widgets.h"

void
field_set(struct field *f, const char *text)
{
	snprintf(f->text, sizeof(f->text), "%s", text != NULL ? text : "");
	f->cursor = strlen(f->text);
}

/* The start of the UTF-8 character before offset i. */
static size_t
prev_char(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
		;
	return i;
}

static size_t
next_char(const char *s, size_t i)
{
	if (s[i] == '\0')
		return i;
	while (((unsigned char)s[++i] & 0xc0) == 0x80)
		;
	return i;
}

static int
insert(struct field *f, int key)
{
	char enc[4];
	size_t n, len = strlen(f->text);

	if (key < 0x80) {
		enc[0] = (char)key;
		n = 1;
	} else if (key < 0x800) {
		enc[0] = (char)(0xc0 | (key >> 6));
		enc[1] = (char)(0x80 | (key & 0x3f));
		n = 2;
	} else if (key < 0x10000) {
		enc[0] = (char)(0xe0 | (key >> 12));
		enc[1] = (char)(0x80 | ((key >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (key & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (key >> 18));
		enc[1] = (char)(0x80 | ((key >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((key >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (key & 0x3f));
		n = 4;
	}
	if (len + n + 1 > sizeof(f->text))
		return 1;	/* full: the key is still the field's */
	memmove(f->text + f->cursor + n, f->text + f->cursor,
	    len - f->cursor + 1);
	memcpy(f->text + f->cursor, enc, n);
	f->cursor += n;
	return 1;
}

int
field_key(struct field *f, int key)
{
	size_t p, len = strlen(f->text);

	switch (key) {
	case UI_KEY_LEFT:
		f->cursor = prev_char(f->text, f->cursor);
		return 1;
	case UI_KEY_RIGHT:
		f->cursor = next_char(f->text, f->cursor);
		return 1;
	case UI_KEY_HOME:
		f->cursor = 0;
		return 1;
	case UI_KEY_END:
		f->cursor = len;
		return 1;
	case UI_KEY_BACKSPACE:
		if (f->cursor == 0)
			return 1;
		p = prev_char(f->text, f->cursor);
		memmove(f->text + p, f->text + f->cursor, len - f->cursor + 1);
		f->cursor = p;
		return 1;
	case UI_KEY_DELETE:
		p = next_char(f->text, f->cursor);
		memmove(f->text + f->cursor, f->text + p, len - p + 1);
		return 1;
	}
	if (key >= 0x20 && key < 0x110000 && key != 0x7f)
		return insert(f, key);
	return 0;
}

void
field_draw(const struct field *f, int row, int col, int width, int focus)
{
	char before[256];
	int skip = 0, cw;
	const char *shown = f->text;

	snprintf(before, sizeof(before), "%.*s", (int)f->cursor, f->text);
	cw = ui_width(before);
	/* keep the cursor in view: drop characters from the left */
	while (cw - skip >= width && *shown != '\0') {
		size_t n = next_char(shown, 0);
		char one[8];

		snprintf(one, sizeof(one), "%.*s", (int)n, shown);
		skip += ui_width(one);
		shown += n;
	}
	ui_text(row, col, focus ? UI_INPUT : UI_NORMAL, shown);
	{
		int c;

		for (c = col + ui_width(shown); c < col + width; c++)
			ui_text(row, c, focus ? UI_INPUT : UI_NORMAL, " ");
	}
	if (focus)
		ui_cursor(row, col + cw - skip);
}

int
list_key(size_t *sel, size_t n, int key)
{
	if (n == 0)
		return 0;
	switch (key) {
	case UI_KEY_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case UI_KEY_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return 1;
	case UI_KEY_HOME:
	case UI_KEY_PGUP:
		*sel = 0;
		return 1;
	case UI_KEY_END:
	case UI_KEY_PGDN:
		*sel = n - 1;
		return 1;
	}
	return 0;
}
