/* Questions from background work, and the SSH options of the screens that
 * reach the Meeting Servers (ask.h). */
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
#include "ask.h"
#include "widgets.h"
#include "wizard.h"

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
		for (i = 0; a->field.text[i] != '\0'; i = utf8_next(
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
		n = utf8_next(out, i) - i;
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

