/* Small pieces the screens share (widgets.h). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ca.h"
#include "csr.h"
#include "error.h"
#include "files.h"
#include "i18n.h"
#include "make.h"
#include "widgets.h"
#include "wizard.h"

void
field_set(struct field *f, const char *text)
{
	snprintf(f->text, sizeof(f->text), "%s", text != NULL ? text : "");
	f->cursor = strlen(f->text);
}

size_t
utf8_prev(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
		;
	return i;
}

size_t
utf8_next(const char *s, size_t i)
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
		f->cursor = utf8_prev(f->text, f->cursor);
		return 1;
	case UI_KEY_RIGHT:
		f->cursor = utf8_next(f->text, f->cursor);
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
		p = utf8_prev(f->text, f->cursor);
		memmove(f->text + p, f->text + f->cursor, len - f->cursor + 1);
		f->cursor = p;
		return 1;
	case UI_KEY_DELETE:
		p = utf8_next(f->text, f->cursor);
		memmove(f->text + f->cursor, f->text + p, len - p + 1);
		return 1;
	case 0x15:	/* Ctrl-U, as in a shell: all before the cursor */
		memmove(f->text, f->text + f->cursor, len - f->cursor + 1);
		f->cursor = 0;
		return 1;
	case 0x0b:	/* Ctrl-K: all from the cursor */
		f->text[f->cursor] = '\0';
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
		size_t n = utf8_next(shown, 0);
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

/* ---- textview */

int
textview_add(struct textview *t, enum ui_style style, const char *text)
{
	return textview_add_hanging(t, style, 0, text);
}

int
textview_add_hanging(struct textview *t, enum ui_style style, int hang,
    const char *text)
{
	size_t len = strlen(text), i, k = 0;
	enum ui_style *st;
	char **lines, *copy;
	int *hg;

	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\t')
			copy[k++] = ' ';
		else if (c >= 0x20 && c != 0x7f)
			copy[k++] = (char)c;
	}
	copy[k] = '\0';
	if ((lines = realloc(t->lines, (t->n + 1) * sizeof(*lines))) == NULL) {
		free(copy);
		return -1;
	}
	t->lines = lines;
	if ((st = realloc(t->style, (t->n + 1) * sizeof(*st))) == NULL) {
		free(copy);
		return -1;
	}
	t->style = st;
	if ((hg = realloc(t->hang, (t->n + 1) * sizeof(*hg))) == NULL) {
		free(copy);
		return -1;
	}
	t->hang = hg;
	t->hang[t->n] = hang;
	t->lines[t->n] = copy;
	t->style[t->n++] = style;
	return 0;
}

int
textview_label(struct textview *t, enum ui_style style, int hang,
    const char *label, const char *fmt, ...)
{
	char text[2048], line[2200];
	va_list ap;
	int pad;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pad = hang - ui_width(label);
	snprintf(line, sizeof(line), "%s%*s%s", label, pad > 0 ? pad : 1, "",
	    text);
	return textview_add_hanging(t, style, hang, line);
}

void
textview_clear(struct textview *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t->style);
	free(t->hang);
	t->lines = NULL;
	t->style = NULL;
	t->hang = NULL;
	t->n = t->top = t->total = 0;
}

/* The bytes of s shown on one row of width columns, broken after a blank
 * when there is one in reach: *shown bytes are drawn, the return value
 * is where the next row starts. */
static size_t
wrap_piece(const char *s, int width, size_t *shown)
{
	size_t i = 0, brk = 0, n;
	char one[8];
	int w = 0, cw;

	while (s[i] != '\0') {
		n = utf8_next(s, i) - i;
		snprintf(one, sizeof(one), "%.*s", (int)n, s + i);
		cw = ui_width(one);
		if (w + cw > width)
			break;
		w += cw;
		i += n;
		if (s[i - 1] == ' ')
			brk = i;
	}
	if (s[i] == '\0' || brk == 0) {
		if (i == 0 && s[0] != '\0')
			i = utf8_next(s, 0);	/* narrower than one character */
		*shown = i;
		return i;
	}
	*shown = brk;
	return brk;
}

/* The rows of a line with its continuation rows indented by hang. */
static size_t
line_rows(const char *s, int width, int hang)
{
	size_t rows = 0, shown;

	do {
		s += wrap_piece(s, rows > 0 ? width - hang : width, &shown);
		rows++;
	} while (*s != '\0');
	return rows;
}

void
textview_draw(struct textview *t, int row, int col, int rows, int width)
{
	size_t i, r = 0, shown, step, first;
	const char *p;
	char buf[1024];
	int hang;

	if (rows <= 0 || width <= 0)
		return;
	t->total = 0;
	for (i = 0; i < t->n; i++)
		t->total += line_rows(t->lines[i], width, t->hang[i] < width /
		    2 ? t->hang[i] : 0);
	t->page = (size_t)rows;
	if (t->follow || t->top + t->page > t->total)
		t->top = t->total > t->page ? t->total - t->page : 0;
	for (i = 0; i < t->n && r < t->top + t->page; i++) {
		p = t->lines[i];
		first = r;
		do {
			hang = r > first && t->hang[i] < width / 2 ?
			    t->hang[i] : 0;
			step = wrap_piece(p, width - hang, &shown);
			if (r >= t->top) {
				snprintf(buf, sizeof(buf), "%.*s", (int)shown, p);
				ui_text(row + (int)(r - t->top), col + hang,
				    t->style[i], buf);
			}
			p += step;
			r++;
		} while (*p != '\0' && r < t->top + t->page);
	}
}

int
textview_key(struct textview *t, int key)
{
	size_t last = t->total > t->page ? t->total - t->page : 0;

	switch (key) {
	case UI_KEY_UP:
		if (t->top > 0)
			t->top--;
		break;
	case UI_KEY_DOWN:
		if (t->top < last)
			t->top++;
		break;
	case UI_KEY_PGUP:
		t->top = t->top > t->page ? t->top - t->page : 0;
		break;
	case UI_KEY_PGDN:
		t->top = t->top + t->page < last ? t->top + t->page : last;
		break;
	case UI_KEY_HOME:
		t->top = 0;
		break;
	case UI_KEY_END:
		t->top = last;
		break;
	default:
		return 0;
	}
	t->follow = t->top >= last;
	return 1;
}

/* ---- paste */

static void
paste_add(struct paste *p, const char *bytes, size_t n)
{
	char *grown;

	if (p->len + n + 1 > PASTE_MAX ||
	    (grown = realloc(p->text, p->len + n + 1)) == NULL)
		return;
	p->text = grown;
	memcpy(p->text + p->len, bytes, n);
	p->len += n;
	p->text[p->len] = '\0';
}

static void
paste_char(struct paste *p, int k)
{
	char enc[4];
	size_t n;

	if (k < 0x80) {
		enc[0] = (char)k;
		n = 1;
	} else if (k < 0x800) {
		enc[0] = (char)(0xc0 | (k >> 6));
		enc[1] = (char)(0x80 | (k & 0x3f));
		n = 2;
	} else if (k < 0x10000) {
		enc[0] = (char)(0xe0 | (k >> 12));
		enc[1] = (char)(0x80 | ((k >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (k & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (k >> 18));
		enc[1] = (char)(0x80 | ((k >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((k >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (k & 0x3f));
		n = 4;
	}
	paste_add(p, enc, n);
}

/* The start of the last line. */
static size_t
paste_last(const struct paste *p)
{
	const char *nl = p->text != NULL ? strrchr(p->text, '\n') : NULL;

	return nl != NULL ? (size_t)(nl - p->text) + 1 : 0;
}

enum paste_state
paste_key(struct paste *p, int k)
{
	size_t last;

	switch (k) {
	case 4:		/* Ctrl-D */
		return PASTE_DONE;
	case UI_KEY_ESC:
		paste_free(p);
		return PASTE_CANCELLED;
	case UI_KEY_ENTER:
		last = paste_last(p);
		if (p->text != NULL && (strcmp(p->text + last, ".") == 0 ||
		    strcmp(p->text + last, ".\r") == 0)) {
			p->len = last;
			p->text[last] = '\0';
			return PASTE_DONE;
		}
		paste_add(p, "\n", 1);
		return PASTE_MORE;
	case UI_KEY_BACKSPACE:
		while (p->len > 0 && ((unsigned char)p->text[--p->len] &
		    0xc0) == 0x80)
			;
		if (p->text != NULL)
			p->text[p->len] = '\0';
		return PASTE_MORE;
	case UI_KEY_TAB:
		paste_add(p, "\t", 1);
		return PASTE_MORE;
	case UI_KEY_F1:
	case UI_KEY_F10:
		return PASTE_PASSED;
	}
	if (k >= 0x20 && k < 0x110000 && k != 0x7f)
		paste_char(p, k);
	return PASTE_MORE;
}

void
paste_draw(const struct paste *p, int row, int col, int rows, int width)
{
	const char *t = p->text != NULL ? p->text : "", *start = t, *nl;
	char line[512], clip[512];
	size_t nlines = 1, skip, i;
	int r;

	for (i = 0; i < p->len; i++)
		nlines += t[i] == '\n';
	skip = nlines > (size_t)rows ? nlines - (size_t)rows : 0;
	for (i = 0; i < skip; i++)
		start = strchr(start, '\n') + 1;
	for (r = row; r < row + rows; r++) {
		nl = strchr(start, '\n');
		snprintf(line, sizeof(line), "%.*s", nl != NULL ?
		    (int)(nl - start) : (int)strlen(start), start);
		ui_text(r, col, UI_NORMAL, text_clip(clip, sizeof(clip), line,
		    width));
		if (nl == NULL) {
			ui_cursor(r, col + (ui_width(line) < width ?
			    ui_width(line) : width - 1));
			break;
		}
		start = nl + 1;
	}
}

void
paste_free(struct paste *p)
{
	free(p->text);
	p->text = NULL;
	p->len = 0;
}
