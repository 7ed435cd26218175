/* The Bind screen's parts: its model (struct bind, a row per host), the
 * jobs (bind-job.c: host keys, the deployment, their news) and the screen
 * (drawing, keys). */
#ifndef MCERT_BIND_H
#define MCERT_BIND_H

#include <pthread.h>

#include "ask.h"
#include "deploy.h"
#include "hostkeys.h"
#include "widgets.h"
#include "wizard.h"

#define SEP "\x1f"

/* How much of a transcript is read back. */
#define TAIL_BYTES 65536L

enum bstat {
	ST_IDLE, ST_KEYS, ST_CONNECT, ST_UPLOAD, ST_CHECK, ST_BIND, ST_PLAN,
	ST_WAIT, ST_ROLLBACK, ST_DONE, ST_READY, ST_FAILED, ST_ROLLED, ST_STOPPED,
	ST_REFUSED,
};


struct bhost {
	char label[64];
	json_t *files;		/* the plan's files for it (borrowed) */
	size_t uploaded, checks;
	int upload_bad, check_bad, rolled;
	int past_upload;	/* every file is on the server */
	enum bstat stat;
	char now[512];		/* the step under way */
	char why[1024];		/* a failure, one sentence */
};

enum phase { PH_IDLE, PH_KEYS, PH_TRUST, PH_RUN, PH_OVER };

struct bind {
	struct bhost *v;
	size_t n, sel;
	enum phase phase;
	int dry;		/* the run under way or last is a dry run */
	int ok;			/* the last real run bound every host */
	struct hostkeys hk;	/* a host each, as v; PH_TRUST asks */
	char dir[4096], tdir[4200];
	struct wiz_ssh paths;
	struct ask ask;
	/* the job's, read by the UI once it has finished */
	struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_services *svc;
	const char *ws_path;
	struct mcert_deploy_opts o;
	struct mcert_deploy_result res;
	struct mcert_error err;
	int ret;
	/* the selected host's transcript, in the pane or full size */
	struct textview log;
	int viewing;
};

/* A host's status, as the table shows it (N_()). */
extern const char *const bind_stat_names[];
extern const size_t bind_nstat_names;

struct bhost *bind_host_by_label(struct bind *b, const char *label);
void bind_load_log(struct bind *b);
int bind_bound_before(const struct wiz *w);
void bind_enter(struct wiz *w);
void bind_leave(struct wiz *w);
void bind_start(struct wiz *w, struct bind *b, int dry);
void bind_trust(struct wiz *w, struct bind *b, int yes);
void bind_wake(struct wiz *w);

#endif
