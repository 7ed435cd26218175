/* Small pieces the screens share (widgets.h). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
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
		n = next_char(s, i) - i;
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
			i = next_char(s, 0);	/* narrower than one character */
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

/* ---- ask */

enum { ASK_IDLE, ASK_WAITING, ASK_ANSWERED, ASK_REFUSED };

void
ask_init(struct ask *a, struct wiz_job *job)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->job = job;
}

void
ask_free(struct ask *a)
{
	mcert_wipe(a->answer, sizeof(a->answer));
	mcert_wipe(a->field.text, sizeof(a->field.text));
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
}

/* A bounded wait, so that a cancelled job is seen even when nobody
 * signals. */
static void
ask_wait(struct ask *a)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200 * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&a->cond, &a->lock, &until);
}

int
ask_ssh(void *ctx, const char *prompt, int echo, char *buf, size_t len)
{
	struct ask *a = ctx;
	int r = -1;

	if (a == NULL || len == 0)
		return -1;
	pthread_mutex_lock(&a->lock);
	while (a->state != ASK_IDLE && !a->job->cancel)
		ask_wait(a);	/* another host's question first */
	if (a->job->cancel) {
		pthread_mutex_unlock(&a->lock);
		return -1;
	}
	snprintf(a->prompt, sizeof(a->prompt), "%s", prompt);
	a->echo = echo;
	a->state = ASK_WAITING;
	(void)write(a->job->wake_fd, "x", 1);
	while (a->state == ASK_WAITING && !a->job->cancel)
		ask_wait(a);
	if (a->state == ASK_ANSWERED) {
		snprintf(buf, len, "%s", a->answer);
		r = 0;
	}
	mcert_wipe(a->answer, sizeof(a->answer));
	a->state = ASK_IDLE;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	(void)write(a->job->wake_fd, "x", 1);
	return r;
}

int
ask_waiting(struct ask *a)
{
	int waiting;

	pthread_mutex_lock(&a->lock);
	waiting = a->state == ASK_WAITING;
	pthread_mutex_unlock(&a->lock);
	return waiting;
}

int
ask_draw(struct ask *a, int row, int col, int width)
{
	char stars[256];
	size_t i, n = 0, before = 0;
	int used;

	pthread_mutex_lock(&a->lock);
	if (a->state != ASK_WAITING) {
		pthread_mutex_unlock(&a->lock);
		return 0;
	}
	used = ui_wrap(row, col, width, 2, UI_TITLE, a->prompt);
	if (a->echo)
		field_draw(&a->field, row + used, col, width, 1);
	else {
		/* an asterisk a character, never the characters */
		for (i = 0; a->field.text[i] != '\0'; i = next_char(
		    a->field.text, i)) {
			if (i < a->field.cursor)
				before++;
			if (n + 1 < sizeof(stars) && (int)n < width - 1)
				stars[n++] = '*';
		}
		stars[n] = '\0';
		ui_text(row + used, col, UI_INPUT, stars);
		for (i = n; (int)i < width; i++)
			ui_text(row + used, col + (int)i, UI_INPUT, " ");
		ui_cursor(row + used, col + (int)(before < n ? before : n));
	}
	used++;
	ui_text(row + used, col, UI_DIM, _("Enter Send  Esc Do not answer"));
	pthread_mutex_unlock(&a->lock);
	return used + 1;
}

int
ask_key(struct ask *a, int key)
{
	int took;

	pthread_mutex_lock(&a->lock);
	took = a->state == ASK_WAITING && key != UI_KEY_F1;
	if (took) {
		if (key == UI_KEY_ENTER) {
			snprintf(a->answer, sizeof(a->answer), "%s",
			    a->field.text);
			a->state = ASK_ANSWERED;
		} else if (key == UI_KEY_ESC)
			a->state = ASK_REFUSED;
		else
			field_key(&a->field, key);
		if (a->state != ASK_WAITING) {
			mcert_wipe(a->field.text, sizeof(a->field.text));
			a->field.cursor = 0;
			pthread_cond_broadcast(&a->cond);
		}
	}
	pthread_mutex_unlock(&a->lock);
	return took;
}

/* ---- SSH options */

void
wiz_ssh_opts(struct wiz_ssh *s, const char *dir, struct ask *a,
    struct mcert_ssh_opts *o)
{
	const char *known = getenv("MEETCERT_KNOWN_HOSTS");
	const char *id = getenv("MEETCERT_IDENTITY");
	const char *home = getenv("HOME");
	int fd;

	memset(o, 0, sizeof(*o));
	if (known != NULL && *known != '\0')
		snprintf(s->known, sizeof(s->known), "%s", known);
	else {
		snprintf(s->known, sizeof(s->known), "%s/known_hosts", dir);
		/* the wizard's own, so that trusting a key here changes
		 * nothing else */
		if ((fd = open(s->known, O_WRONLY | O_CREAT | O_CLOEXEC,
		    0600)) >= 0)
			close(fd);
	}
	o->known_hosts = s->known;
	if (id != NULL && *id != '\0') {
		snprintf(s->identity, sizeof(s->identity), "%s", id);
		o->identity = s->identity;
	}
	if (home != NULL && *home != '\0') {
		snprintf(s->config, sizeof(s->config), "%s/.ssh/config", home);
		o->config = s->config;
	}
	if (a != NULL) {
		o->ask = ask_ssh;
		o->ask_ctx = a;
	}
}

char *
text_clip(char *out, size_t sz, const char *text, int width)
{
	const char *more = ui_utf8() ? "\u2026" : "~";
	size_t i = 0, n;
	char one[8];
	int used = 0, cw;

	snprintf(out, sz, "%s", text);
	if (width <= 0) {
		out[0] = '\0';
		return out;
	}
	if (ui_width(out) <= width)
		return out;
	/* whole characters while one column is left for the mark */
	while (out[i] != '\0') {
		n = next_char(out, i) - i;
		snprintf(one, sizeof(one), "%.*s", (int)n, out + i);
		if ((cw = ui_width(one)) + used > width - 1)
			break;
		used += cw;
		i += n;
	}
	if (i + strlen(more) + 1 > sz)
		i = sz - strlen(more) - 1;
	snprintf(out + i, sz - i, "%s", more);
	return out;
}

size_t
list_top(size_t *top, size_t sel, size_t n, int rows)
{
	size_t r = rows > 0 ? (size_t)rows : 1;

	if (sel < *top)
		*top = sel;
	else if (sel >= *top + r)
		*top = sel - r + 1;
	if (*top + r > n)
		*top = n > r ? n - r : 0;
	return *top;
}

int
button_draw(int row, int col, const char *label, int focus)
{
	return ui_textf(row, col, focus ? UI_SELECTED : UI_NORMAL, "[ %s ]",
	    label);
}

int
text_draw(int row, int col, int width, int maxrows, enum ui_style style,
    const char *text)
{
	struct textview t = { 0 };
	size_t used;

	if (maxrows <= 0 || textview_add(&t, style, text) != 0)
		return 0;
	textview_draw(&t, row, col, maxrows, width);
	used = t.total < (size_t)maxrows ? t.total : (size_t)maxrows;
	textview_clear(&t);
	return (int)used;
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

/* ---- the plan's files */

char *
cert_pki_line(const struct mcert_plan_cert *c)
{
	return mcert_plan_cert_pki_line(c);
}

int
cert_key_on_server(const struct mcert_workspace *ws, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(
	    json_object_get(ws->root, "certificates"), name), "key"));

	return v != NULL && strcmp(v, "server") == 0;
}

int
cert_key_server_allowed(const struct mcert_plan_cert *c)
{
	return c->usage != MCERT_USAGE_CA && strcmp(c->ca, "self") != 0 &&
	    json_array_size(c->hosts) == 1;
}

int
cert_set_key_on_server(struct mcert_workspace *ws, const char *name, int on)
{
	json_t *certs = json_object_get(ws->root, "certificates"), *o;

	if (certs == NULL) {
		if ((certs = json_object()) == NULL ||
		    json_object_set_new(ws->root, "certificates", certs) != 0)
			return -1;
	}
	if ((o = json_object_get(certs, name)) == NULL) {
		if (!on)
			return 0;
		if ((o = json_object()) == NULL ||
		    json_object_set_new(certs, name, o) != 0)
			return -1;
	}
	if (!on)
		return json_object_del(o, "key") == 0 ? 0 : 0;
	return json_object_set_new(o, "key", json_string("server"));
}

int
cert_states_sync(struct wiz *w)
{
	const char *dir = wiz_dir(w), *now, *want;
	char path[4096];
	size_t i;
	int changed = 0;

	for (i = 0; w->plan != NULL && i < w->plan->ncerts; i++) {
		const char *name = w->plan->certs[i].name;

		want = NULL;
		snprintf(path, sizeof(path), "%s/%s.crt", dir, name);
		if (mcert_path_exists(path))
			want = "signed";
		else {
			snprintf(path, sizeof(path), "%s/%s.csr", dir, name);
			if (mcert_path_exists(path))
				want = "csr";
		}
		now = mcert_ws_cert_state(w->ws, name);
		if (want == NULL || mcert_ws_name_index(mcert_ws_state_names,
		    want) <= mcert_ws_name_index(mcert_ws_state_names, now))
			continue;
		if (mcert_ws_set_cert_state(w->ws, name, want, NULL) ==
		    MCERT_OK)
			changed = 1;
	}
	return changed;
}

struct make_ctx {
	struct wiz_job *job;
	struct make_job *mj;
};

static void
made_file(void *ctx, const char *file)
{
	struct make_ctx *m = ctx;

	m->mj->nmade++;
	wiz_job_post(m->job, _("made %s"), file);
}

static void
findings_merge(struct mcert_findings *into, const struct mcert_findings *f)
{
	size_t i, k;

	for (i = 0; i < f->n; i++) {
		for (k = 0; k < into->n; k++)
			if (strcmp(into->v[k].text, f->v[i].text) == 0)
				break;
		if (k == into->n)
			mcert_findings_add(into, f->v[i].level, "%s",
			    f->v[i].text);
	}
}

/* mcert_make over the CAs of the plan and c (NULL: none), with the
 * plan's bundles when bundles. */
static void
make_stage(struct make_job *mj, struct wiz_job *job,
    const struct mcert_plan_cert *c, int bundles)
{
	struct make_ctx ctx = { job, mj };
	struct mcert_make_opts o = { mj->dir, mj->ca, 0, NULL, made_file,
	    &ctx };
	struct mcert_findings f = { NULL, 0 };
	struct mcert_plan sub;
	size_t i;

	memset(&sub, 0, sizeof(sub));
	if ((sub.certs = calloc(mj->plan->ncerts + 1,
	    sizeof(*sub.certs))) == NULL) {
		mcert_error_set(&mj->err, MCERT_E_NOMEM, N_("out of memory"));
		mj->failed = 1;
		return;
	}
	for (i = 0; i < mj->plan->ncerts; i++)
		if (mj->plan->certs[i].usage == MCERT_USAGE_CA)
			sub.certs[sub.ncerts++] = mj->plan->certs[i];
	if (c != NULL)
		sub.certs[sub.ncerts++] = *c;
	sub.bundles = bundles ? mj->plan->bundles : NULL;
	if (mcert_make(mj->ws, &sub, &o, &f, &mj->err) != MCERT_OK)
		mj->failed = 1;
	findings_merge(&mj->findings, &f);
	mcert_findings_free(&f);
	free(sub.certs);
}

static char *
job_path(const struct make_job *mj, const char *name, const char *ext)
{
	char *p;

	return asprintf(&p, "%s/%s%s", mj->dir, name, ext) == -1 ? NULL : p;
}

static int
exists(const struct make_job *mj, const char *name, const char *ext)
{
	char *p = job_path(mj, name, ext);
	int r = p != NULL && mcert_path_exists(p);

	free(p);
	return r;
}

/* The CA that signs c here (a path without extension), or NULL. */
static char *
job_signer(const struct make_job *mj, const struct mcert_plan_cert *c)
{
	size_t i;

	if (strcmp(c->ca, "dedicated") == 0) {
		for (i = 0; i < mj->plan->ncerts; i++)
			if (mj->plan->certs[i].usage == MCERT_USAGE_CA)
				return job_path(mj, mj->plan->certs[i].name,
				    "");
		return NULL;
	}
	if (mj->ca == NULL)
		return NULL;
	return strchr(mj->ca, '/') != NULL ? strdup(mj->ca) :
	    job_path(mj, mj->ca, "");
}

/* Signs the CSR of a key made on the server, as mcert_make signs one. */
static void
sign_server_csr(struct make_job *mj, struct wiz_job *job,
    const struct mcert_plan_cert *c, const char *base)
{
	struct mcert_sign_opts so = { c->usage, 365, 0 };
	struct mcert_file *rf = NULL, *cf = NULL, *kf = NULL;
	const struct mcert_object *ro, *co, *ko;
	char *csr = job_path(mj, c->name, ".csr"), *crt = job_path(mj, c->name,
	    ".crt"), *cap = NULL, *kp = NULL;
	X509 *x = NULL;

	if (csr == NULL || crt == NULL ||
	    asprintf(&cap, "%s.crt", base) == -1 ||
	    asprintf(&kp, "%s.key", base) == -1) {
		mcert_error_set(&mj->err, MCERT_E_NOMEM, N_("out of memory"));
		mj->failed = 1;
		goto out;
	}
	if (mcert_file_load(csr, 0, NULL, &rf, &mj->err) != MCERT_OK ||
	    mcert_file_load(cap, 0, NULL, &cf, &mj->err) != MCERT_OK ||
	    mcert_file_load(kp, 0, NULL, &kf, &mj->err) != MCERT_OK) {
		mj->failed = 1;
		goto out;
	}
	ro = mcert_file_first(rf, MCERT_KIND_CSR);
	co = mcert_file_first(cf, MCERT_KIND_CERT);
	ko = mcert_file_first(kf, MCERT_KIND_KEY);
	if (ro == NULL || co == NULL || ko == NULL) {
		mcert_error_set(&mj->err, MCERT_E_PARSE, N_("%s, %s or %s does "
		    "not hold what it should"), csr, cap, kp);
		mj->failed = 1;
		goto out;
	}
	if (mcert_ca_sign(ro->csr, co->cert, ko->key, &so, &x, &mj->err) !=
	    MCERT_OK || mcert_cert_write(crt, x, &mj->err) != MCERT_OK) {
		mj->failed = 1;
		goto out;
	}
	mj->nmade++;
	wiz_job_post(job, _("made %s.crt"), c->name);
out:
	X509_free(x);
	mcert_file_free(rf);
	mcert_file_free(cf);
	mcert_file_free(kf);
	free(csr);
	free(crt);
	free(cap);
	free(kp);
}

/* A certificate whose key is made on its server. */
static void
server_cert(struct make_job *mj, struct wiz_job *job,
    const struct mcert_plan_cert *c)
{
	char *base, *line;

	if (!exists(mj, c->name, ".csr")) {
		line = cert_pki_line(c);
		mcert_findings_add(&mj->findings, MCERT_LEVEL_WARNING,
		    N_("%s: its key is made on %s: run \"%s\" there, then copy "
		    "%s.csr from it by SFTP into %s"), c->name,
		    json_string_value(json_array_get(c->hosts, 0)),
		    line != NULL ? line : "pki csr", c->name, mj->dir);
		free(line);
		return;
	}
	if ((base = job_signer(mj, c)) == NULL) {
		mcert_findings_add(&mj->findings, MCERT_LEVEL_WARNING,
		    N_("%s.csr waits for your CA (%s): send it, then import "
		    "what comes back"), c->name, c->ca);
		return;
	}
	wiz_job_post(job, _("%s: signing its CSR (the key stays on the "
	    "server)"), c->name);
	sign_server_csr(mj, job, c, base);
	free(base);
}

static int
key_on_server(const struct make_job *mj, const struct mcert_plan_cert *c)
{
	if (exists(mj, c->name, ".key"))
		return 0;
	/* A CSR without its key came from the server. */
	return cert_key_on_server(mj->ws, c->name) ||
	    (exists(mj, c->name, ".csr") && strcmp(c->ca, "self") != 0);
}

static int
wanted(const struct make_job *mj, const char *name)
{
	size_t i;

	for (i = 0; mj->only != NULL && i < mj->nonly; i++)
		if (strcmp(mj->only[i], name) == 0)
			return 1;
	return mj->only == NULL;
}

static void *
make_job_run(struct wiz_job *job, void *arg)
{
	struct make_job *mj = arg;
	const struct mcert_plan_cert *c;
	size_t i;

	make_stage(mj, job, NULL, 0);
	for (i = 0; mj->certs && !mj->failed && i < mj->plan->ncerts; i++) {
		c = &mj->plan->certs[i];
		if (c->usage == MCERT_USAGE_CA || exists(mj, c->name, ".crt") ||
		    !wanted(mj, c->name))
			continue;
		if (job->cancel) {
			mj->cancelled = 1;
			break;
		}
		if (key_on_server(mj, c)) {
			server_cert(mj, job, c);
			continue;
		}
		if (!exists(mj, c->name, ".key"))
			wiz_job_post(job, strcmp(c->ca, "self") == 0 ?
			    _("%s: a new key and self-signed certificate...") :
			    _("%s: a new key and CSR..."), c->name);
		else if (strcmp(c->ca, "dedicated") == 0 || mj->ca != NULL)
			wiz_job_post(job, _("%s: signing..."), c->name);
		make_stage(mj, job, c, 0);
	}
	if (!mj->failed && !mj->cancelled && job->cancel)
		mj->cancelled = 1;
	if (!mj->failed && !mj->cancelled && mj->bundles)
		make_stage(mj, job, NULL, 1);
	return mj->failed ? NULL : mj;
}

struct make_job *
make_job_new(struct wiz *w, const char *ca, int certs)
{
	struct mcert_error err = { 0 };
	struct make_job *mj = calloc(1, sizeof(*mj));
	json_t *copy;

	if (mj == NULL || (mj->dir = strdup(wiz_dir(w))) == NULL ||
	    (ca != NULL && (mj->ca = strdup(ca)) == NULL) ||
	    (copy = json_deep_copy(w->ws->root)) == NULL) {
		make_job_free(mj);
		wiz_say(w, UI_ERR, "%s", _("out of memory"));
		return NULL;
	}
	mj->certs = certs;
	mj->bundles = 1;
	if (mcert_ws_from_json(copy, w->path, &mj->ws, &err) != MCERT_OK ||
	    mcert_plan_build(mj->ws, w->svc, &mj->plan, &err) != MCERT_OK) {
		make_job_free(mj);
		wiz_say(w, UI_ERR, "%s", err.msg);
		return NULL;
	}
	return mj;
}

int
make_job_start(struct wiz *w, struct make_job *mj)
{
	return wiz_job_start(w, make_job_run, mj);
}

void
make_job_free(struct make_job *mj)
{
	if (mj == NULL)
		return;
	mcert_plan_free(mj->plan);
	mcert_ws_free(mj->ws);
	mcert_findings_free(&mj->findings);
	while (mj->nonly > 0)
		free(mj->only[--mj->nonly]);
	free(mj->only);
	free(mj->dir);
	free(mj->ca);
	free(mj);
}
