/* The wizard's model, its background jobs and its main loop (wizard.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "frame.h"
#include "i18n.h"
#include "recent.h"
#include "wizard.h"

void
wiz_say(struct wiz *w, enum ui_style style, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->say, sizeof(w->say), fmt, ap);
	va_end(ap);
	w->say_style = style;
}

const char *
wiz_dir(const struct wiz *w)
{
	static char dir[4096];
	const char *slash = strrchr(w->path, '/');

	if (slash == NULL)
		return ".";
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - w->path), w->path);
	return slash == w->path ? "/" : dir;
}

int
wiz_replan(struct wiz *w)
{
	struct mcert_error err = { 0 };

	mcert_plan_free(w->plan);
	w->plan = NULL;
	if (mcert_ws_refresh(w->ws, &err) != MCERT_OK ||
	    mcert_plan_build(w->ws, w->svc, &w->plan, &err) != MCERT_OK) {
		wiz_say(w, UI_ERR, "%s", err.msg);
		return -1;
	}
	return 0;
}

int
wiz_save(struct wiz *w)
{
	struct mcert_error err = { 0 };
	json_t *wz = json_object();

	json_object_set_new(wz, "screen",
	    json_string(wiz_screens[w->cur]->name));
	json_object_set_new(w->ws->root, "wizard", wz);
	if (mcert_ws_save(w->ws, w->path, &err) != MCERT_OK) {
		wiz_say(w, UI_ERR, "%s", err.msg);
		return -1;
	}
	recent_add(w->path);
	return 0;
}

size_t
wiz_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < wiz_nscreens; i++)
		if (strcmp(wiz_screens[i]->name, name) == 0)
			return i;
	return 0;
}

void
wiz_go(struct wiz *w, size_t index)
{
	if (index >= wiz_nscreens)
		return;
	if (wiz_screens[w->cur]->leave != NULL)
		wiz_screens[w->cur]->leave(w);
	w->priv = NULL;
	w->cur = index;
	if (w->ws != NULL) {
		wiz_replan(w);
		wiz_save(w);
	}
	if (wiz_screens[w->cur]->enter != NULL)
		wiz_screens[w->cur]->enter(w);
}

unsigned int
wiz_flow(const struct wiz *w)
{
	const char *f = w->ws == NULL ? NULL : json_string_value(
	    json_object_get(w->ws->root, "flow"));

	return f != NULL && strcmp(f, "renew") == 0 ? WIZ_FLOW_RENEW :
	    WIZ_FLOW_NEW;
}

int
wiz_set_flow(struct wiz *w, unsigned int flow)
{
	if (w->ws == NULL)
		return -1;
	return json_object_set_new(w->ws->root, "flow", json_string(
	    flow == WIZ_FLOW_RENEW ? "renew" : "new"));
}

int
wiz_shown(const struct wiz *w, size_t index)
{
	unsigned int f = wiz_screens[index]->flows;

	return f == 0 || (f & wiz_flow(w)) != 0;
}

void
wiz_position(const struct wiz *w, size_t *pos, size_t *count)
{
	size_t i;

	*pos = *count = 0;
	for (i = 0; i < wiz_nscreens; i++)
		if (wiz_shown(w, i)) {
			if (i <= w->cur)
				*pos = *count;
			(*count)++;
		}
}

/* Screen i, or the first after it that the workspace's flow shows
 * (wiz_nscreens: none). */
static size_t
shown_from(const struct wiz *w, size_t i)
{
	while (i < wiz_nscreens && !wiz_shown(w, i))
		i++;
	return i;
}

void
wiz_next(struct wiz *w)
{
	const struct screen *s = wiz_screens[w->cur];

	if (s->done != NULL && !s->done(w))
		return;
	w->say[0] = '\0';
	wiz_go(w, shown_from(w, w->cur + 1));
}

void
wiz_back(struct wiz *w)
{
	size_t i = w->cur;

	w->say[0] = '\0';
	while (i > 0 && !wiz_shown(w, --i))
		;
	if (i < w->cur && wiz_shown(w, i))
		wiz_go(w, i);
}

/* ---- background jobs */

static void *
job_main(void *arg)
{
	struct wiz_job *job = arg;
	void *r = job->fn(job, job->arg);

	pthread_mutex_lock(&job->lock);
	job->finished = 1;
	job->result = r != NULL;
	pthread_mutex_unlock(&job->lock);
	(void)write(job->wake_fd, "x", 1);
	return NULL;
}

int
wiz_job_start(struct wiz *w, void *(*fn)(struct wiz_job *, void *),
    void *arg)
{
	struct wiz_job *job = &w->job;

	if (job->running) {
		wiz_say(w, UI_WARN, "%s", _("Wait for the work under way, or "
		    "press Esc to stop it"));
		return -1;
	}
	job->running = 1;
	job->finished = 0;
	job->cancel = 0;
	job->fn = fn;
	job->arg = arg;
	job->wake_fd = w->wake[1];
	if (pthread_create(&job->thread, NULL, job_main, job) != 0) {
		job->running = 0;
		wiz_say(w, UI_ERR, "%s", _("cannot start the work in the "
		    "background"));
		return -1;
	}
	return 0;
}

void
wiz_job_post(struct wiz_job *job, const char *fmt, ...)
{
	char buf[1024], **grown, *line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((line = strdup(buf)) == NULL)
		return;
	pthread_mutex_lock(&job->lock);
	if ((grown = realloc(job->lines, (job->nlines + 1) *
	    sizeof(*grown))) != NULL) {
		job->lines = grown;
		job->lines[job->nlines++] = line;
		line = NULL;
	}
	pthread_mutex_unlock(&job->lock);
	free(line);
	(void)write(job->wake_fd, "x", 1);
}

char **
wiz_job_take(struct wiz *w, size_t *n, int *finished)
{
	struct wiz_job *job = &w->job;
	char **lines;

	pthread_mutex_lock(&job->lock);
	lines = job->lines;
	*n = job->nlines;
	*finished = job->running && job->finished;
	job->lines = NULL;
	job->nlines = 0;
	pthread_mutex_unlock(&job->lock);
	if (*finished) {
		pthread_join(job->thread, NULL);
		job->running = 0;
	}
	return lines;
}

int
wiz_job_progress(struct wiz *w)
{
	size_t n, i;
	int fin;
	char **lines = wiz_job_take(w, &n, &fin);

	for (i = 0; i < n; i++) {
		if (!fin)
			wiz_say(w, UI_NORMAL, "%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return fin;
}

void
wiz_say_read(struct wiz *w, int shown_before, char *when, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	if (w->job.result && !w->job.cancel) {
		gmtime_r(&now, &tm);
		strftime(when, len, "%H:%M:%S UTC", &tm);
	} else if (w->job.cancel)
		wiz_say(w, UI_WARN, "%s", shown_before ? _("Stopped: what is "
		    "shown is from before (r reads again).") : _("Stopped: "
		    "nothing was read (r reads)."));
}

/* Stops the job before the wizard goes: it is told, then waited for. */
static void
job_stop(struct wiz *w)
{
	size_t n, i;
	int fin;
	char **l;

	if (!w->job.running)
		return;
	w->job.cancel = 1;
	pthread_join(w->job.thread, NULL);
	w->job.running = 0;
	l = wiz_job_take(w, &n, &fin);
	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* ---- opening */

/* A screen saved (or asked for) that the workspace's flow does not show
 * gives way to the next one it does, as Enter would go. */
static void
resume_in_flow(struct wiz *w)
{
	size_t i = shown_from(w, w->cur);

	if (i < wiz_nscreens)
		w->cur = i;
}

static int
open_workspace(struct wiz *w, const char *path, struct mcert_error *err)
{
	json_t *root;
	int r;

	if ((w->path = strdup(path)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if (mcert_path_exists(path)) {
		if ((r = mcert_ws_load(path, &w->ws, err)) != MCERT_OK)
			return r;
		w->cur = wiz_find(json_string_value(json_object_get(
		    json_object_get(w->ws->root, "wizard"), "screen")));
		if (w->cur == 0)
			w->cur = 1;	/* past the opening screen */
		resume_in_flow(w);
		return MCERT_OK;
	}
	root = json_pack("{s:s, s:i, s:i, s:s, s:[], s:{}, s:[]}", "format",
	    MCERT_WS_FORMAT, "version", MCERT_WS_VERSION, "generation", 1,
	    "type", "combined", "hosts", "names", "options");
	if (root == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if ((r = mcert_ws_from_json(root, path, &w->ws, err)) != MCERT_OK)
		return r;
	w->cur = 1;
	return MCERT_OK;
}

int
wiz_open(struct wiz *w, const char *path)
{
	struct mcert_error err = { 0 };

	free(w->path);
	w->path = NULL;
	mcert_ws_free(w->ws);
	w->ws = NULL;
	if (open_workspace(w, path, &err) != MCERT_OK) {
		wiz_say(w, UI_ERR, "%s", err.msg);
		mcert_ws_free(w->ws);
		w->ws = NULL;
		return -1;
	}
	return 0;
}

/* ---- the loop */

static void
handle(struct wiz *w, int k)
{
	const struct screen *s = wiz_screens[w->cur];

	if (k == UI_KEY_WAKE) {
		if (s->wake != NULL)
			s->wake(w);
		return;
	}
	if (k == UI_KEY_RESIZE || k == UI_KEY_NONE)
		return;
	if (frame_modal(w, k))
		return;
	if (s->key != NULL && s->key(w, k))
		return;
	switch (k) {
	case UI_KEY_F1:
		frame_help(w);
		break;
	case UI_KEY_F10:
	case 'q':
		frame_ask_quit(w);
		break;
	case UI_KEY_ENTER:
		if (w->job.running)
			wiz_say(w, UI_WARN, "%s", _("Wait for the work under "
			    "way, or press Esc to stop it"));
		else
			wiz_next(w);
		break;
	case UI_KEY_ESC:
		if (w->job.running) {
			w->job.cancel = 1;
			wiz_say(w, UI_WARN, "%s", _("Stopping after the current "
			    "step..."));
		} else
			wiz_back(w);
		break;
	}
}

int
wiz_main(const char *path)
{
	return wiz_main_at(path, NULL);
}

int
wiz_main_at(const char *path, const char *screen)
{
	struct mcert_error err = { 0 };
	struct wiz w;
	char buf[4096];
	int fl;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.job.lock, NULL);
	if (mcert_services_load(mcert_services_path(NULL, buf, sizeof(buf)), &w.svc,
	    &err) != MCERT_OK) {
		fprintf(stderr, "meetcert: %s\n", err.msg);
		return 2;
	}
	if (path != NULL && open_workspace(&w, path, &err) != MCERT_OK) {
		fprintf(stderr, "meetcert: %s\n", err.msg);
		mcert_services_free(w.svc);
		mcert_ws_free(w.ws);
		free(w.path);
		return 2;
	}
	if (screen != NULL && path != NULL && mcert_path_exists(path)) {
		w.cur = wiz_find(screen);
		resume_in_flow(&w);
	}
	if (pipe(w.wake) != 0 || ui_start() != 0) {
		fprintf(stderr, "meetcert: %s\n", _("cannot start the terminal"));
		return 2;
	}
	fl = fcntl(w.wake[0], F_GETFL);
	fcntl(w.wake[0], F_SETFL, fl | O_NONBLOCK);
	if (w.ws != NULL)
		wiz_replan(&w);
	if (wiz_screens[w.cur]->enter != NULL)
		wiz_screens[w.cur]->enter(&w);
	while (!w.quit) {
		frame_draw(&w);
		handle(&w, ui_key(w.wake[0]));
	}
	job_stop(&w);
	if (wiz_screens[w.cur]->leave != NULL)
		wiz_screens[w.cur]->leave(&w);
	ui_stop();
	mcert_plan_free(w.plan);
	mcert_ws_free(w.ws);
	mcert_services_free(w.svc);
	free(w.path);
	close(w.wake[0]);
	close(w.wake[1]);
	return 0;
}
