/* The wizard: a list of screens over one workspace.  A screen reads and
 * changes the model (struct wiz) and starts core work; it draws only with
 * ui.h into the body of the frame, which draws the header, the step list,
 * the message line and the keys.  Screens are listed once, in screens.c. */
#ifndef MCERT_WIZARD_H
#define MCERT_WIZARD_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "plan.h"
#include "ui.h"
#include "workspace.h"

struct wiz;

/* The flows a screen belongs to: a first deployment walks type, options
 * and hosts; a renewal (the workspace's "flow": "renew") discovers what is
 * deployed and shows what expires instead.  0: every flow. */
enum { WIZ_FLOW_NEW = 1 << 0, WIZ_FLOW_RENEW = 1 << 1 };

struct screen {
	const char *name;	/* saved in the workspace: where to resume */
	unsigned int flows;	/* WIZ_FLOW_*, 0: all */
	const char *step;	/* N_(): its name in the step list */
	const char *help;	/* N_(): F1, the guide's rule in plain words */
	const char *keys;	/* N_(): the bottom line's own keys */
	/* Called when the screen is shown; may set w->priv. */
	void (*enter)(struct wiz *w);
	/* Draws into the body area (ui_area_size). */
	void (*draw)(struct wiz *w);
	/* A key: 1 when the screen took it, 0 to let the frame have it
	 * (Enter goes on, Esc back, F1 help, F10 quit). */
	int (*key)(struct wiz *w, int key);
	/* Background work has news (wiz_job_*). */
	void (*wake)(struct wiz *w);
	/* Before another screen is shown: frees w->priv. */
	void (*leave)(struct wiz *w);
	/* May the operator go on from here?  NULL: yes.  Else 0 with a
	 * message set (wiz_say). */
	int (*done)(struct wiz *w);
};

extern const struct screen *const wiz_screens[];
extern const size_t wiz_nscreens;

/* Background work: one job at a time, in its own thread.  It posts lines
 * (progress) and finishes; the screen's wake() reads them on the UI
 * thread.  cancel is set by Esc. */
struct wiz_job {
	pthread_mutex_t lock;
	pthread_t thread;
	int running, finished;
	int result;		/* the job's return value */
	char **lines;		/* posted, not yet taken */
	size_t nlines;
	volatile sig_atomic_t cancel;
	int wake_fd;
	void *(*fn)(struct wiz_job *job, void *arg);
	void *arg;
};

struct wiz {
	char *path;		/* the workspace file */
	struct mcert_workspace *ws;	/* NULL until one is open */
	struct mcert_services *svc;
	struct mcert_plan *plan;	/* from wiz_replan */
	size_t cur;		/* the screen shown */
	void *priv;		/* its state */
	char say[512];		/* the message line */
	enum ui_style say_style;
	int quit;
	int wake[2];		/* the jobs' pipe to the UI loop */
	struct wiz_job job;
};

/* Shows screen index (leaving the current one) and saves where we are. */
void wiz_go(struct wiz *w, size_t index);
void wiz_next(struct wiz *w);
void wiz_back(struct wiz *w);
size_t wiz_find(const char *name);

/* The workspace's flow (WIZ_FLOW_NEW without one), and whether screen
 * index is part of it; the position of the current screen among those
 * shown, and how many are. */
unsigned int wiz_flow(const struct wiz *w);
int wiz_shown(const struct wiz *w, size_t index);
void wiz_position(const struct wiz *w, size_t *pos, size_t *count);
/* Sets the workspace's flow (WIZ_FLOW_RENEW or WIZ_FLOW_NEW); save to
 * keep it.  0, or -1 on no memory. */
int wiz_set_flow(struct wiz *w, unsigned int flow);

/* The message line: one sentence, in style (UI_ERR for a refusal). */
void wiz_say(struct wiz *w, enum ui_style style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Saves the workspace (and the screen to resume on); a failure is said. */
int wiz_save(struct wiz *w);

/* Rebuilds the plan from the workspace; its findings stay in w->plan. */
int wiz_replan(struct wiz *w);

/* The folder of the workspace's files. */
const char *wiz_dir(const struct wiz *w);

/* Starts fn(job, arg) in a thread; 0 or -1 (one is running, or no
 * thread) with a message said. */
int wiz_job_start(struct wiz *w, void *(*fn)(struct wiz_job *, void *),
    void *arg);
/* From the job's thread: a line of progress (copied); wakes the UI. */
void wiz_job_post(struct wiz_job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* On the UI thread: takes the posted lines (caller frees each and the
 * array); *finished when the job has ended (it is then joined). */
char **wiz_job_take(struct wiz *w, size_t *n, int *finished);

/* On the UI thread, for a job that reads from the servers: the lines it
 * posts said on the message line as they come; 1 once it has finished. */
int wiz_job_progress(struct wiz *w);
/* Once such a job has finished: when it read all (w->job.result, not
 * cancelled), the time now ("12:00:00 UTC") into when for the screen to
 * say; when Esc stopped it, that said, and whether what is shown is from
 * before (shown_before) or nothing was read. */
void wiz_say_read(struct wiz *w, int shown_before, char *when, size_t len);

/* Opens path (creating it, in memory, when it does not exist): 0, or -1
 * with the reason said. */
int wiz_open(struct wiz *w, const char *path);

/* Runs the wizard on path (a workspace to open or create).  0 on a normal
 * quit. */
int wiz_main(const char *path);
/* The same, opening an existing workspace on the screen named screen. */
int wiz_main_at(const char *path, const char *screen);

#endif
