/* The terminal (ui.h): curses, colours, marks and keys. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>

#include "ui.h"

static struct {
	int utf8, color;
	int top, left, rows, cols;
	int cur_y, cur_x;	/* where the cursor goes; y < 0: hidden */
	attr_t attr[UI_NSTYLES];
} ui = { .cur_y = -1 };

static void
styles(void)
{
	static const struct {
		short fg, bg;
		attr_t mono;
	} s[UI_NSTYLES] = {
		[UI_NORMAL] = { -1, -1, A_NORMAL },
		[UI_TITLE] = { -1, -1, A_BOLD },
		[UI_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_REVERSE },
		[UI_OK] = { COLOR_GREEN, -1, A_NORMAL },
		[UI_WARN] = { COLOR_YELLOW, -1, A_BOLD },
		[UI_ERR] = { COLOR_RED, -1, A_BOLD },
		[UI_DIM] = { -1, -1, A_DIM },
		[UI_KEY] = { -1, -1, A_BOLD },
		[UI_INPUT] = { -1, -1, A_UNDERLINE },
	};
	int i;

	for (i = 0; i < UI_NSTYLES; i++) {
		ui.attr[i] = s[i].mono;
		if (!ui.color || (s[i].fg == -1 && s[i].bg == -1))
			continue;
		init_pair((short)i, s[i].fg, s[i].bg);
		ui.attr[i] = COLOR_PAIR(i) | (i == UI_ERR || i == UI_WARN ?
		    A_BOLD : A_NORMAL);
	}
}

int
ui_start(void)
{
	const char *nc = getenv("NO_COLOR");

	ui.utf8 = strcasecmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (initscr() == NULL)
		return -1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(getenv("ESCDELAY") != NULL ? atoi(getenv("ESCDELAY")) :
	    25);
	ui.color = has_colors() && (nc == NULL || *nc == '\0');
	if (ui.color) {
		start_color();
		use_default_colors();
	}
	styles();
	curs_set(0);
	return 0;
}

void
ui_stop(void)
{
	endwin();
}

int
ui_utf8(void)
{
	return ui.utf8;
}

int
ui_color(void)
{
	return ui.color;
}

void
ui_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

void
ui_area(int top, int left, int rows, int cols)
{
	ui.top = top;
	ui.left = left;
	ui.rows = rows;
	ui.cols = cols;
}

void
ui_area_size(int *rows, int *cols)
{
	*rows = ui.rows;
	*cols = ui.cols;
}

void
ui_clear(void)
{
	int r;

	for (r = 0; r < ui.rows; r++)
		ui_fill(r, 0, UI_NORMAL);
}

/* The ASCII stand-in for the UTF-8 character at *p, which it passes. */
static const char *
ascii_for(const char **p)
{
	static const struct {
		unsigned int cp;
		const char *ascii;
	} map[] = {
		{ 0x00a7, "S" }, { 0x00b7, "-" }, { 0x2013, "-" },
		{ 0x2014, "-" }, { 0x2018, "'" }, { 0x2019, "'" },
		{ 0x201c, "\"" }, { 0x201d, "\"" }, { 0x2026, "..." },
		{ 0x2192, "->" }, { 0x00e4, "ae" }, { 0x00f6, "oe" },
		{ 0x00fc, "ue" }, { 0x00c4, "Ae" }, { 0x00d6, "Oe" },
		{ 0x00dc, "Ue" }, { 0x00df, "ss" },
	};
	const unsigned char *u = (const unsigned char *)*p;
	unsigned int cp = 0, more = 0, i;

	if (u[0] >= 0xf0)
		cp = u[0] & 0x07, more = 3;
	else if (u[0] >= 0xe0)
		cp = u[0] & 0x0f, more = 2;
	else if (u[0] >= 0xc0)
		cp = u[0] & 0x1f, more = 1;
	for (i = 1; i <= more && (u[i] & 0xc0) == 0x80; i++)
		cp = cp << 6 | (u[i] & 0x3f);
	*p += i;
	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (map[i].cp == cp)
			return map[i].ascii;
	return "?";
}

/* Writes at most width columns of text; the columns used. */
static int
put(int y, int x, int width, const char *text)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int used = 0, w;

	memset(&st, 0, sizeof(st));
	move(y, x);
	while (*text != '\0' && used < width) {
		if (!ui.utf8 && (unsigned char)*text >= 0x80) {
			/* LANG=C: a few characters have an ASCII stand-in */
			const char *a = ascii_for(&text);

			if (used + (int)strlen(a) > width)
				break;
			addstr(a);
			used += (int)strlen(a);
			continue;
		}
		n = mbrtowc(&wc, text, strlen(text), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof(st));
		}
		if ((w = wcwidth(wc)) < 0)
			w = 1, wc = L'?';
		if (used + w > width)
			break;
		if (wc < 0x80)
			addch((chtype)wc);
		else {
			wchar_t s[2] = { wc, 0 };

			addnwstr(s, 1);
		}
		used += w;
		text += n;
	}
	return used;
}

int
ui_text(int row, int col, enum ui_style style, const char *text)
{
	int used;

	if (row < 0 || row >= ui.rows || col < 0 || col >= ui.cols)
		return col;
	attrset(ui.attr[style]);
	used = put(ui.top + row, ui.left + col, ui.cols - col, text);
	attrset(A_NORMAL);
	return col + used;
}

int
ui_textf(int row, int col, enum ui_style style, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_text(row, col, style, buf);
}

void
ui_fill(int row, int col, enum ui_style style)
{
	int c;

	if (row < 0 || row >= ui.rows)
		return;
	attrset(ui.attr[style]);
	for (c = col; c < ui.cols; c++)
		mvaddch(ui.top + row, ui.left + c, ' ');
	attrset(A_NORMAL);
}

int
ui_width(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w = 0, cw;

	memset(&st, 0, sizeof(st));
	while (*s != '\0') {
		n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			cw = 1;
			memset(&st, 0, sizeof(st));
		} else if ((cw = wcwidth(wc)) < 0)
			cw = 1;
		w += cw;
		s += n;
	}
	return w;
}

int
ui_wrap(int row, int col, int width, int maxrows, enum ui_style style,
    const char *text)
{
	char line[1024];
	const char *p = text, *space, *brk;
	int used = 0;
	size_t n;

	while (*p != '\0' && used < maxrows) {
		/* the longest run of words that fits */
		brk = NULL;
		for (space = p; *space != '\0' && *space != '\n'; space++) {
			if (*space != ' ')
				continue;
			n = (size_t)(space - p);
			if (n >= sizeof(line))
				break;
			memcpy(line, p, n);
			line[n] = '\0';
			if (ui_width(line) > width)
				break;
			brk = space;
		}
		if (*space == '\0' || *space == '\n') {
			n = (size_t)(space - p);
			memcpy(line, p, n < sizeof(line) ? n : sizeof(line) - 1);
			line[n < sizeof(line) ? n : sizeof(line) - 1] = '\0';
			if (ui_width(line) <= width || brk == NULL)
				brk = space;
		}
		n = (size_t)(brk - p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		ui_text(row + used, col, style, line);
		used++;
		p = brk;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	return used;
}

const char *
ui_mark_text(enum ui_mark mark)
{
	static const char *const utf[] = { "\u2713", "!", "\u2717", "\u25b8",
	    " " };
	static const char *const ascii[] = { "[ok]", "[!] ", "[x] ", ">",
	    "    " };

	if (ui.utf8)
		return utf[mark];
	return ascii[mark];
}

int
ui_mark(int row, int col, enum ui_mark mark)
{
	static const enum ui_style st[] = { UI_OK, UI_WARN, UI_ERR, UI_TITLE,
	    UI_NORMAL };

	return ui_text(row, col, st[mark], ui_mark_text(mark));
}

void
ui_hline(int row, int col, int width)
{
	int c;

	if (row < 0 || row >= ui.rows)
		return;
	for (c = col; c < col + width && c < ui.cols; c++)
		mvaddch(ui.top + row, ui.left + c, ui.utf8 ? ACS_HLINE : '-');
}

void
ui_box(int top, int left, int rows, int cols, const char *title,
    enum ui_style title_style)
{
	chtype h = ui.utf8 ? ACS_HLINE : '-', v = ui.utf8 ? ACS_VLINE : '|';
	chtype c[4] = { ACS_ULCORNER, ACS_URCORNER, ACS_LLCORNER,
	    ACS_LRCORNER };
	int i;

	if (!ui.utf8)
		c[0] = c[1] = c[2] = c[3] = '+';
	mvhline(top, left + 1, h, cols - 2);
	mvhline(top + rows - 1, left + 1, h, cols - 2);
	mvvline(top + 1, left, v, rows - 2);
	mvvline(top + 1, left + cols - 1, v, rows - 2);
	mvaddch(top, left, c[0]);
	mvaddch(top, left + cols - 1, c[1]);
	mvaddch(top + rows - 1, left, c[2]);
	mvaddch(top + rows - 1, left + cols - 1, c[3]);
	if (title != NULL && *title != '\0') {
		attrset(ui.attr[title_style]);
		mvaddch(top, left + 1, ' ');
		i = put(top, left + 2, cols - 5, title);
		mvaddch(top, left + 2 + i, ' ');
		attrset(A_NORMAL);
	}
}

void
ui_cursor(int row, int col)
{
	/* placed when the screen is complete: drawing moves it */
	ui.cur_y = row < 0 ? -1 : ui.top + row;
	ui.cur_x = ui.left + col;
}

void
ui_refresh(void)
{
	if (ui.cur_y < 0)
		curs_set(0);
	else {
		curs_set(1);
		move(ui.cur_y, ui.cur_x);
	}
	refresh();
}

static int
map_key(int ch)
{
	switch (ch) {
	case KEY_UP: return UI_KEY_UP;
	case KEY_DOWN: return UI_KEY_DOWN;
	case KEY_LEFT: return UI_KEY_LEFT;
	case KEY_RIGHT: return UI_KEY_RIGHT;
	case KEY_HOME: return UI_KEY_HOME;
	case KEY_END: return UI_KEY_END;
	case KEY_PPAGE: return UI_KEY_PGUP;
	case KEY_NPAGE: return UI_KEY_PGDN;
	case KEY_BTAB: return UI_KEY_BTAB;
	case KEY_ENTER: return UI_KEY_ENTER;
	case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
	case KEY_DC: return UI_KEY_DELETE;
	case KEY_IC: return UI_KEY_INSERT;
	case KEY_F(1): return UI_KEY_F1;
	case KEY_F(2): return UI_KEY_F2;
	case KEY_F(10): return UI_KEY_F10;
	case KEY_RESIZE: return UI_KEY_RESIZE;
	}
	return UI_KEY_NONE;
}

int
ui_key(int wake_fd)
{
	struct pollfd p[2] = { { 0, POLLIN, 0 }, { wake_fd, POLLIN, 0 } };
	wint_t wc;
	char drain[64];
	int r;

	sigset_t block, wait;

	/* SIGWINCH only while sleeping in ppoll: one that comes between
	 * get_wch and the sleep would otherwise wait for the next key */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &wait);
	sigdelset(&wait, SIGWINCH);
	for (;;) {
		/* curses may hold keys it has read already */
		nodelay(stdscr, TRUE);
		r = get_wch(&wc);
		nodelay(stdscr, FALSE);
		if (r != ERR)
			sigprocmask(SIG_UNBLOCK, &block, NULL);
		if (r == KEY_CODE_YES)
			return map_key((int)wc) != UI_KEY_NONE ?
			    map_key((int)wc) : UI_KEY_NONE;
		if (r == OK) {
			if (wc == '\t')
				return UI_KEY_TAB;
			if (wc == '\r' || wc == '\n')
				return UI_KEY_ENTER;
			if (wc == 27)
				return UI_KEY_ESC;
			if (wc == 127 || wc == 8)
				return UI_KEY_BACKSPACE;
			return (int)wc;
		}
		/* nothing yet: sleep until a key, news or a resize */
		if (ppoll(p, wake_fd >= 0 ? 2 : 1, NULL, &wait) < 0 &&
		    errno != EINTR) {
			sigprocmask(SIG_UNBLOCK, &block, NULL);
			return UI_KEY_NONE;
		}
		if (wake_fd >= 0 && (p[1].revents & POLLIN)) {
			sigprocmask(SIG_UNBLOCK, &block, NULL);
			while (read(wake_fd, drain, sizeof(drain)) ==
			    (ssize_t)sizeof(drain))
				;
			return UI_KEY_WAKE;
		}
		/* a key, or SIGWINCH: curses reports KEY_RESIZE next */
	}
}
