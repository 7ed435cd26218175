/* The validation screen's parts: its model (struct validate, a cell judged),
 * the job that reads and probes (validate-job.c), the judging of a cell and
 * its details (validate-cells.c); the screen draws and takes keys. */
#ifndef MCERT_VALIDATE_H
#define MCERT_VALIDATE_H

#include <jansson.h>

#include "ask.h"
#include "plan.h"
#include "status.h"
#include "widgets.h"
#include "wizard.h"

struct problem {
	enum ui_mark mark;
	char text[800];
	char fix[900];
};

/* One cell judged: its mark, a word or the days left, and why. */
struct cell {
	enum ui_mark mark;	/* UI_MARK_NONE: nothing to judge */
	char brief[32];
	char good[600];		/* the sentence when nothing is wrong */
	struct problem p[5];
	size_t np;
};

struct validate {
	const struct mcert_service **rows;	/* NULL: the database cluster */
	size_t nrows, nhosts;
	size_t r, c, left;	/* the cell chosen, the first column shown */
	int on_button;		/* the focus on [ Done ] */
	struct textview details;
	int viewing;
	/* the job's: inputs, then what it found (taken once it ends) */
	const struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_services *svc;
	char dir[4096];
	struct wiz_ssh paths;
	struct ask ask;
	struct mcert_status_opts so;
	int reread;
	json_t *new_status, *new_probes, *new_local;
	struct mcert_error err;
	/* shown */
	json_t *status, *probes, *local;
	char when[32];
};

/* validate-cells.c */
const char *vl_str(const json_t *o, const char *k);
void vl_catf(char *buf, size_t len, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *vl_head(const struct mcert_service *s);
int vl_planned_on(const struct mcert_plan *plan, const char *label,
    const char *id);
/* The plan's commands binding service id on label, as a fix. */
void vl_plan_commands(const struct validate *v, const char *label,
    const char *id, char *buf, size_t len);
void vl_restart_commands(const struct mcert_service *s, char *buf,
    size_t len);
/* Cell (r, h) judged from what was read and probed. */
void vl_judge(const struct validate *v, size_t r, size_t h, struct cell *c);
enum ui_style vl_mark_style(enum ui_mark m);
/* The details of the chosen cell into v->details. */
void vl_open_details(struct validate *v);

/* validate-job.c: reads (reread: status too) and probes in a job; the
 * screen's wake() takes what it found. */
void vl_start(struct wiz *w, struct validate *v, int reread);
void vl_wake(struct wiz *w);

#endif
