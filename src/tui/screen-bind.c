/* Bind: the plan deployed on every host at once (mcert_deploy in a job),
 * a row per host, the transcript of the one selected; unknown host keys
 * asked about first, passwords asked on the screen. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "i18n.h"
#include "screens.h"
#include "ask.h"
#include "certs.h"
#include "widgets.h"

/* The fields of a posted line: "K" host key, "E" deploy event. */
#define SEP "\x1f"

/* How much of a transcript is read back. */
#define TAIL_BYTES 65536L

enum bstat {
	ST_IDLE, ST_KEYS, ST_CONNECT, ST_UPLOAD, ST_CHECK, ST_BIND, ST_PLAN,
	ST_WAIT, ST_ROLLBACK, ST_DONE, ST_READY, ST_FAILED, ST_ROLLED, ST_STOPPED,
	ST_REFUSED,
};

static const char *const stat_names[] = {
	[ST_IDLE] = N_("not run"),
	[ST_KEYS] = N_("host key"),
	[ST_CONNECT] = N_("connecting"),
	[ST_UPLOAD] = N_("uploading"),
	[ST_CHECK] = N_("checking"),
	[ST_BIND] = N_("binding"),
	[ST_PLAN] = N_("dry run"),
	[ST_WAIT] = N_("waiting"),
	[ST_ROLLBACK] = N_("putting back"),
	[ST_DONE] = N_("done"),
	[ST_READY] = N_("ready"),
	[ST_FAILED] = N_("failed"),
	[ST_ROLLED] = N_("rolled back"),
	[ST_STOPPED] = N_("stopped"),
	[ST_REFUSED] = N_("refused"),
};

enum hkey { KEY_UNSEEN, KEY_KNOWN, KEY_UNKNOWN, KEY_CHANGED };

struct bhost {
	char label[64];
	char address[300];	/* for the host key question */
	json_t *files;		/* the plan's files for it (borrowed) */
	size_t uploaded, checks;
	int upload_bad, check_bad, rolled;
	int past_upload;	/* every file is on the server */
	enum bstat stat;
	char now[512];		/* the step under way */
	char why[1024];		/* a failure, one sentence */
	enum hkey key;
	char fp[128];
};

enum phase { PH_IDLE, PH_KEYS, PH_TRUST, PH_RUN, PH_OVER };

struct bind {
	struct bhost *v;
	size_t n, sel;
	enum phase phase;
	int dry;		/* the run under way or last is a dry run */
	int ok;			/* the last real run bound every host */
	size_t asking;		/* PH_TRUST: the host asked about */
	char accept[4096];	/* trusted fingerprints, comma-separated */
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

static struct bhost *
host_by_label(struct bind *b, const char *label)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].label, label) == 0)
			return &b->v[i];
	return NULL;
}

/* ---- the transcript */

static void
load_log(struct bind *b)
{
	char path[4400], line[1024];
	FILE *f;
	size_t keep = b->log.top;
	int follow = b->log.follow || b->log.n == 0;

	textview_clear(&b->log);
	b->log.follow = follow;
	b->log.top = keep;
	if (b->n == 0)
		return;
	snprintf(path, sizeof(path), "%s/%s.log", b->tdir, b->v[b->sel].label);
	if ((f = fopen(path, "r")) == NULL)
		return;
	/* runs are appended: the last ones are what matters */
	if (fseek(f, -TAIL_BYTES, SEEK_END) == 0)
		(void)fgets(line, sizeof(line), f);	/* a partial line */
	else
		rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		textview_add(&b->log, line[0] == '#' ? UI_DIM : UI_NORMAL,
		    line);
	}
	fclose(f);
}

/* ---- whether an earlier run bound everything (the workspace's steps) */

static int
bound_before(const struct wiz *w)
{
	return w->plan != NULL && mcert_deploy_done(w->ws, w->plan, NULL);
}

/* ---- enter, leave */

static void
enter(struct wiz *w)
{
	struct bind *b = calloc(1, sizeof(*b));
	size_t i;

	if (b == NULL)
		return;
	w->priv = b;
	ask_init(&b->ask, &w->job);
	snprintf(b->dir, sizeof(b->dir), "%s", wiz_dir(w));
	snprintf(b->tdir, sizeof(b->tdir), "%s/transcripts", b->dir);
	b->n = w->ws->nhosts;
	if ((b->v = calloc(b->n + 1, sizeof(*b->v))) == NULL) {
		b->n = 0;
		return;
	}
	for (i = 0; i < b->n; i++) {
		const struct mcert_ws_host *h = &w->ws->hosts[i];

		snprintf(b->v[i].label, sizeof(b->v[i].label), "%s", h->label);
		if (h->port > 0)
			snprintf(b->v[i].address, sizeof(b->v[i].address),
			    _("%s, port %d"), mcert_ws_host_address(h),
			    h->port);
		else
			snprintf(b->v[i].address, sizeof(b->v[i].address), "%s",
			    mcert_ws_host_address(h));
		if (w->plan != NULL)
			b->v[i].files = json_object_get(w->plan->files,
			    h->label);
	}
	b->ok = bound_before(w);
	if (b->ok) {
		for (i = 0; i < b->n; i++)
			b->v[i].stat = ST_DONE;
		wiz_say(w, UI_OK, "%s", _("Bound by an earlier run: Enter goes "
		    "on to Validate; b runs it again."));
	} else
		wiz_say(w, UI_NORMAL, "%s", _("b binds on every host; d is a "
		    "dry run that changes nothing."));
	b->log.follow = 1;
	load_log(b);
}

static void
leave(struct wiz *w)
{
	struct bind *b = w->priv;

	if (b == NULL)
		return;
	mcert_deploy_result_free(&b->res);
	textview_clear(&b->log);
	ask_free(&b->ask);
	free(b->v);
	free(b);
}

/* ---- the host keys, before anything else */

struct keycheck {
	struct bind *b;
	struct wiz_job *job;
	size_t i;
	struct mcert_ssh_opts so;
};

/* The SHA256:... fingerprints in an SSH refusal: the unknown key's
 * sentence names one key twice, a changed key's names two (or one and
 * "another key type"). */
static enum hkey
classify(int r, const char *msg, char *fp, size_t len)
{
	const char *p, *first = NULL;
	size_t n = 0, flen = 0, l;
	int same = 1;

	if (r == MCERT_OK || r != MCERT_E_VERDICT)
		return KEY_KNOWN;	/* or unreachable: deploy says so */
	for (p = strstr(msg, "SHA256:"); p != NULL; p = strstr(p + 7,
	    "SHA256:")) {
		l = 7 + strspn(p + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
		    "nopqrstuvwxyz0123456789+/=");
		if (first == NULL) {
			first = p;
			flen = l;
		} else if (l != flen || strncmp(p, first, l) != 0)
			same = 0;
		n++;
	}
	if (n == 0)
		return KEY_KNOWN;	/* refused the user: the key was fine */
	snprintf(fp, len, "%.*s", (int)flen, first);
	return n >= 2 && same ? KEY_UNKNOWN : KEY_CHANGED;
}

static void *
key_one(void *arg)
{
	struct keycheck *k = arg;
	struct mcert_error err = { 0 };
	struct mcert_ssh *s = NULL;
	char fp[128] = "";
	enum hkey kind;
	int r;

	r = mcert_ssh_connect(&k->so, &s, &err);
	mcert_ssh_close(s);
	kind = classify(r, err.msg, fp, sizeof(fp));
	wiz_job_post(k->job, "K" SEP "%zu" SEP "%d" SEP "%s" SEP "%s", k->i,
	    (int)kind, fp, kind == KEY_CHANGED ? err.msg : "");
	return NULL;
}

/* Connects to every host at once, without accepting any key or asking
 * anything, to learn which keys are not known. */
static void *
keys_job(struct wiz_job *job, void *arg)
{
	struct bind *b = arg;
	struct keycheck *k = calloc(b->n + 1, sizeof(*k));
	pthread_t *tid = calloc(b->n + 1, sizeof(*tid));
	int *started = calloc(b->n + 1, sizeof(*started));
	size_t i;

	for (i = 0; k != NULL && tid != NULL && started != NULL && i < b->n;
	    i++) {
		const struct mcert_ws_host *h = &b->ws->hosts[i];

		k[i] = (struct keycheck){ b, job, i, b->o.ssh };
		k[i].so.host = mcert_ws_host_address(h);
		if (h->port > 0)
			k[i].so.port = h->port;
		if (h->user != NULL)
			k[i].so.user = h->user;
		k[i].so.accept_fingerprint = NULL;
		k[i].so.ask = NULL;
		if (pthread_create(&tid[i], NULL, key_one, &k[i]) == 0)
			started[i] = 1;
		else
			key_one(&k[i]);
	}
	for (i = 0; tid != NULL && started != NULL && i < b->n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	free(k);
	free(tid);
	free(started);
	return NULL;
}

/* ---- the deployment */

static void
progress(void *ctx, const struct mcert_deploy_event *ev)
{
	struct wiz_job *job = ctx;

	wiz_job_post(job, "E" SEP "%d" SEP "%s" SEP "%s", (int)ev->stage,
	    ev->host, ev->text != NULL ? ev->text : "");
}

static void *
deploy_job(struct wiz_job *job, void *arg)
{
	struct bind *b = arg;

	b->ret = mcert_deploy(b->ws, b->plan, b->svc, &b->o, &b->res, &b->err);
	return NULL;
}

static void
start_deploy(struct wiz *w, struct bind *b)
{
	size_t i;

	mcert_deploy_result_free(&b->res);
	memset(&b->err, 0, sizeof(b->err));
	b->o.ssh.accept_fingerprint = b->accept[0] != '\0' ? b->accept : NULL;
	b->o.progress = progress;
	b->o.ctx = &w->job;
	for (i = 0; i < b->n; i++) {
		b->v[i].uploaded = b->v[i].checks = 0;
		b->v[i].upload_bad = b->v[i].check_bad = b->v[i].rolled = 0;
		b->v[i].past_upload = 0;
		b->v[i].now[0] = b->v[i].why[0] = '\0';
		b->v[i].stat = ST_CONNECT;
	}
	if (wiz_job_start(w, deploy_job, b) != 0)
		return;
	b->phase = PH_RUN;
	wiz_say(w, UI_NORMAL, "%s", b->dry ? _("Dry run: connecting and "
	    "reading, nothing is changed...") : _("Binding on every host; Esc "
	    "stops before the next step..."));
}

/* b or d: the host keys first, then the deployment. */
static void
start(struct wiz *w, struct bind *b, int dry)
{
	size_t i;

	if (w->job.running) {
		wiz_say(w, UI_WARN, "%s", _("Wait for the work under way, or "
		    "press Esc to stop it"));
		return;
	}
	if (b->n == 0 || w->plan == NULL) {
		wiz_say(w, UI_ERR, "%s", _("The workspace has no hosts to bind "
		    "on: add them on the Hosts screen."));
		return;
	}
	if (mcert_findings_count(&w->plan->findings, MCERT_LEVEL_ERROR) > 0) {
		wiz_say(w, UI_ERR, "%s", _("The plan has errors: fix them on the "
		    "Plan screen first."));
		return;
	}
	b->dry = dry;
	b->accept[0] = '\0';
	b->ws = w->ws;
	b->plan = w->plan;
	b->svc = w->svc;
	b->ws_path = w->path;
	memset(&b->o, 0, sizeof(b->o));
	b->o.dir = b->dir;
	b->o.ws_path = b->ws_path;
	b->o.dry_run = dry;
	b->o.transcripts = b->tdir;
	b->o.cancel = &w->job.cancel;
	wiz_ssh_opts(&b->paths, b->dir, &b->ask, &b->o.ssh);
	for (i = 0; i < b->n; i++) {
		b->v[i].stat = ST_KEYS;
		b->v[i].key = KEY_UNSEEN;
		b->v[i].why[0] = b->v[i].fp[0] = '\0';
	}
	if (wiz_job_start(w, keys_job, b) != 0)
		return;
	b->phase = PH_KEYS;
	wiz_say(w, UI_NORMAL, "%s", _("Checking each host's SSH key..."));
}

/* The next host whose key is to be asked about from i, or n. */
static size_t
next_unknown(const struct bind *b, size_t i)
{
	while (i < b->n && b->v[i].key != KEY_UNKNOWN)
		i++;
	return i;
}

/* Every key learnt: a changed one stops everything, unknown ones are
 * asked about, then the deployment starts. */
static void
keys_known(struct wiz *w, struct bind *b)
{
	size_t i, changed = 0;

	for (i = 0; i < b->n; i++)
		if (b->v[i].key == KEY_CHANGED) {
			b->v[i].stat = ST_REFUSED;
			changed++;
		} else
			b->v[i].stat = b->v[i].key == KEY_UNKNOWN ? ST_KEYS :
			    ST_IDLE;
	if (w->job.cancel) {
		b->phase = PH_IDLE;
		wiz_say(w, UI_WARN, "%s", _("Stopped: nothing was changed."));
		return;
	}
	if (changed > 0) {
		b->phase = PH_IDLE;
		wiz_say(w, UI_ERR, "%s", _("A host key CHANGED: nothing was "
		    "done. Read why below, then press b again."));
		return;
	}
	b->asking = next_unknown(b, 0);
	if (b->asking < b->n) {
		b->phase = PH_TRUST;
		b->sel = b->asking;
		wiz_say(w, UI_WARN, "%s", _("A host is not known yet: compare "
		    "its fingerprint, then y or n."));
		return;
	}
	start_deploy(w, b);
}

static void
trust(struct wiz *w, struct bind *b, int yes)
{
	struct bhost *h = &b->v[b->asking];
	size_t len = strlen(b->accept);

	if (!yes || len + strlen(h->fp) + 2 > sizeof(b->accept)) {
		h->stat = ST_REFUSED;
		snprintf(h->why, sizeof(h->why), _("%s: its host key %s was not "
		    "trusted, so nothing was done on any host; press b to be "
		    "asked again"), h->label, h->fp);
		b->phase = PH_IDLE;
		wiz_say(w, UI_WARN, _("%s's key was not trusted: nothing was "
		    "done."), h->label);
		return;
	}
	snprintf(b->accept + len, sizeof(b->accept) - len, "%s%s",
	    len > 0 ? "," : "", h->fp);
	b->asking = next_unknown(b, b->asking + 1);
	if (b->asking < b->n) {
		b->sel = b->asking;
		return;
	}
	start_deploy(w, b);
}

/* ---- news from the jobs */

static int
is_file(const struct bhost *h, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(h->files, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

static void
event(struct bhost *h, int dry, enum mcert_deploy_stage stage,
    const char *text)
{
	int file = is_file(h, text);

	if (stage != MCERT_DS_CHECK && stage != MCERT_DS_FAILED &&
	    h->stat == ST_CHECK)
		h->stat = ST_BIND;	/* every check passed */
	if (stage != MCERT_DS_CONNECT && stage != MCERT_DS_UPLOAD &&
	    stage != MCERT_DS_FAILED && !file)
		h->past_upload = 1;
	switch (stage) {
	case MCERT_DS_CONNECT:
		h->stat = ST_CONNECT;
		h->now[0] = '\0';
		return;
	case MCERT_DS_UPLOAD:
		h->stat = ST_UPLOAD;
		h->uploaded++;
		break;
	case MCERT_DS_SKIP:
	case MCERT_DS_PLAN:
		if (file) {
			h->uploaded++;
			return;
		}
		/* past the files: a step done before, or one it would run */
		if (dry)
			h->stat = ST_PLAN;
		else if (h->stat < ST_BIND)
			h->stat = ST_BIND;
		break;
	case MCERT_DS_CHECK:
		h->stat = ST_CHECK;
		h->checks++;
		break;
	case MCERT_DS_STEP:
		h->stat = ST_BIND;
		break;
	case MCERT_DS_WAIT:
		h->stat = ST_WAIT;
		break;
	case MCERT_DS_ROLLBACK:
		h->stat = ST_ROLLBACK;
		h->rolled = 1;
		break;
	case MCERT_DS_DONE:
		h->stat = dry ? ST_READY : ST_DONE;
		h->now[0] = '\0';
		return;
	case MCERT_DS_FAILED:
		h->upload_bad = h->stat == ST_UPLOAD;
		h->check_bad = h->stat == ST_CHECK;
		h->stat = h->rolled ? ST_ROLLED : ST_FAILED;
		snprintf(h->why, sizeof(h->why), "%s", text);
		return;
	}
	snprintf(h->now, sizeof(h->now), "%s", text);
}

/* An SSH message names the address: the label goes first, "cms2
 * (127.0.0.52): ...", as deploy's own messages have it. */
static void
label_why(struct bhost *h, const char *msg)
{
	const char *addr = h->address;
	size_t n = strcspn(addr, ",");

	if (*msg != '\0' && strncmp(msg, addr, n) == 0 &&
	    strncmp(msg + n, ": ", 2) == 0)
		snprintf(h->why, sizeof(h->why), "%s (%.*s)%s", h->label,
		    (int)n, addr, msg + n);
	else
		snprintf(h->why, sizeof(h->why), "%s", msg);
}

/* One posted line: "K" SEP index SEP kind SEP fp SEP why, or "E" SEP stage
 * SEP host SEP text. */
static const char *
parse_line(struct bind *b, char *line)
{
	char *f[5] = { NULL };
	char *p = line, *sel = b->n > 0 ? b->v[b->sel].label : NULL;
	struct bhost *h;
	size_t k = 0, i;

	while (k < 5 && (f[k++] = strsep(&p, SEP)) != NULL)
		;
	if (f[0] != NULL && strcmp(f[0], "K") == 0 && f[4] != NULL) {
		i = strtoul(f[1], NULL, 10);
		if (i < b->n) {
			b->v[i].key = (enum hkey)atoi(f[2]);
			snprintf(b->v[i].fp, sizeof(b->v[i].fp), "%s", f[3]);
			label_why(&b->v[i], f[4]);
		}
		return NULL;
	}
	if (f[0] == NULL || strcmp(f[0], "E") != 0 || f[3] == NULL ||
	    (h = host_by_label(b, f[2])) == NULL)
		return NULL;
	event(h, b->dry, (enum mcert_deploy_stage)atoi(f[1]), f[3]);
	return sel != NULL && strcmp(sel, h->label) == 0 ? sel : NULL;
}

static void
finished(struct wiz *w, struct bind *b)
{
	size_t i, bad = 0;
	struct bhost *h;

	b->phase = PH_OVER;
	for (i = 0; i < b->res.n; i++) {
		if ((h = host_by_label(b, b->res.v[i].host)) == NULL)
			continue;
		h->now[0] = '\0';
		if (b->res.v[i].ok) {
			h->stat = b->dry ? ST_READY : ST_DONE;
			snprintf(h->now, sizeof(h->now), b->dry ? _("%zu to run, "
			    "%zu earlier") : _("%zu run, %zu earlier"),
			    b->res.v[i].ran, b->res.v[i].skipped);
			continue;
		}
		bad++;
		snprintf(h->why, sizeof(h->why), "%s", b->res.v[i].why);
		h->stat = h->rolled ? ST_ROLLED : w->job.cancel ? ST_STOPPED :
		    ST_FAILED;
	}
	/* a dry run binds nothing: what was bound before still counts */
	b->ok = bad == 0 && b->res.n > 0 && (!b->dry || bound_before(w));
	if (b->ret != MCERT_OK && b->res.n == 0) {
		b->phase = PH_IDLE;
		for (i = 0; i < b->n; i++)
			b->v[i].stat = ST_IDLE;
		wiz_say(w, UI_ERR, "%s", b->err.msg);
	} else if (bad > 0 && w->job.cancel)
		wiz_say(w, UI_WARN, "%s", _("Stopped as asked, between steps: "
		    "r runs again and resumes where it stopped."));
	else if (bad > 0)
		wiz_say(w, UI_ERR, "%s", _("Not every host is bound: fix what "
		    "is said below, then r resumes."));
	else if (b->dry)
		wiz_say(w, UI_OK, "%s", _("Dry run: every host is ready. b "
		    "binds for real."));
	else
		wiz_say(w, UI_OK, "%s", _("Every host is bound and checked: "
		    "Enter goes on to Validate."));
}

static void
wake(struct wiz *w)
{
	struct bind *b = w->priv;
	size_t n, i;
	int fin, reload = 0;
	char **lines;

	lines = wiz_job_take(w, &n, &fin);
	for (i = 0; i < n; i++) {
		if (b != NULL && parse_line(b, lines[i]) != NULL)
			reload = 1;
		free(lines[i]);
	}
	free(lines);
	if (b == NULL)
		return;
	if (fin && b->phase == PH_KEYS)
		keys_known(w, b);
	else if (fin && b->phase == PH_RUN) {
		finished(w, b);
		reload = 1;
	}
	if (reload)
		load_log(b);
}

/* ---- drawing */

static int
mark_cell(int row, int col, enum ui_mark m, enum ui_style st,
    const char *text)
{
	col = ui_text(row, col, st, text);
	if (m == UI_MARK_NONE)
		return col;
	ui_text(row, col++, UI_NORMAL, " ");
	return ui_mark(row, col, m);
}

static void
stat_cell(int row, int col, const struct bhost *h)
{
	enum ui_mark m = UI_MARK_NONE;
	enum ui_style st = UI_NORMAL;

	switch (h->stat) {
	case ST_DONE:
	case ST_READY:
		m = UI_MARK_OK;
		st = UI_OK;
		break;
	case ST_FAILED:
	case ST_ROLLED:
	case ST_REFUSED:
		m = UI_MARK_ERR;
		st = UI_ERR;
		break;
	case ST_STOPPED:
		m = UI_MARK_WARN;
		st = UI_WARN;
		break;
	case ST_IDLE:
		st = UI_DIM;
		break;
	default:
		break;
	}
	col = ui_mark(row, col, m);
	ui_text(row, col + 1, st, _(stat_names[h->stat]));
}

struct cols {
	int label, files, checks, now, status, nowidth;
};

static void
layout(const struct bind *b, int width, struct cols *c)
{
	int mw = ui_width(ui_mark_text(UI_MARK_OK)), lw = ui_width(_("Host"));
	int sw = 0, t;
	size_t i;

	for (i = 0; i < b->n; i++)
		if ((t = ui_width(b->v[i].label)) > lw)
			lw = t;
	for (i = 0; i < sizeof(stat_names) / sizeof(*stat_names); i++)
		if ((t = ui_width(_(stat_names[i]))) > sw)
			sw = t;
	c->label = 2;
	c->files = c->label + lw + 2;
	t = ui_width(_("Files"));
	c->checks = c->files + (t > 6 + mw ? t : 6 + mw) + 1;
	t = ui_width(_("Checks"));
	c->now = c->checks + (t > 3 + mw ? t : 3 + mw) + 1;
	c->status = width - sw - mw - 1;
	c->nowidth = c->status - c->now - 2;
}

static void
host_row(const struct bind *b, size_t i, int row, const struct cols *c)
{
	const struct bhost *h = &b->v[i];
	size_t nf = json_array_size(h->files);
	char buf[600];

	if (i == b->sel)
		ui_mark(row, 0, UI_MARK_CURRENT);
	ui_text(row, c->label, i == b->sel ? UI_TITLE : UI_NORMAL, h->label);
	if (h->uploaded > 0 || h->stat == ST_UPLOAD) {
		snprintf(buf, sizeof(buf), "%zu/%zu", h->uploaded, nf);
		/* a dry run uploads nothing: counted, not marked */
		mark_cell(row, c->files, h->upload_bad ? UI_MARK_ERR :
		    h->past_upload && h->uploaded >= nf && !b->dry ? UI_MARK_OK :
		    UI_MARK_NONE, UI_NORMAL, buf);
	}
	if (h->checks > 0) {
		snprintf(buf, sizeof(buf), "%zu", h->checks);
		mark_cell(row, c->checks, h->check_bad ? UI_MARK_ERR :
		    h->stat != ST_CHECK ? UI_MARK_OK : UI_MARK_NONE, UI_NORMAL,
		    buf);
	}
	if (h->now[0] != '\0' && c->nowidth > 4) {
		text_clip(buf, sizeof(buf), h->now, c->nowidth);
		ui_text(row, c->now, UI_DIM, buf);
	}
	stat_cell(row, c->status, h);
}

static int
draw_trust(const struct bind *b, int row, int width)
{
	const struct bhost *h = &b->v[b->asking];
	char text[1024];
	int r = row;

	snprintf(text, sizeof(text), _("%s (%s) is not known to this wizard. "
	    "Its SSH host key fingerprint is:"), h->label, h->address);
	r += ui_wrap(r, 1, width - 2, 2, UI_WARN, text);
	ui_text(r++, 3, UI_TITLE, h->fp);
	r += ui_wrap(r, 1, width - 2, 2, UI_NORMAL, _("Trust it only if the "
	    "server's console shows the same fingerprint for its SSH key."));
	ui_text(r++, 1, UI_KEY, _("y Trust this key  n Do not trust it"));
	return r - row;
}

static int
has_why(const struct bhost *h)
{
	return h->why[0] != '\0' && (h->stat == ST_FAILED || h->stat ==
	    ST_ROLLED || h->stat == ST_STOPPED || h->stat == ST_REFUSED);
}

/* Each failed host's reason, wrapped, the rows shared out among them so
 * that every one shows (a refusal's fix is at its end); the rows used. */
static int
draw_why(const struct bind *b, int row, int width, int maxrows)
{
	int r = row, mw = ui_width(ui_mark_text(UI_MARK_ERR)) + 1, each;
	size_t i, nwhy = 0;

	for (i = 0; i < b->n; i++)
		nwhy += has_why(&b->v[i]);
	if (nwhy == 0 || maxrows <= 0)
		return 0;
	each = maxrows / (int)nwhy;
	if (each < 2)
		each = 2;
	for (i = 0; i < b->n && r < row + maxrows; i++) {
		const struct bhost *h = &b->v[i];

		if (!has_why(h))
			continue;
		ui_mark(r, 1, h->stat == ST_STOPPED ? UI_MARK_WARN :
		    UI_MARK_ERR);
		r += ui_wrap(r, 1 + mw, width - 2 - mw, row + maxrows - r <
		    each ? row + maxrows - r : each, UI_NORMAL, h->why);
	}
	return r - row;
}

static void
draw_view(struct bind *b, int rows, int cols)
{
	char title[300];

	snprintf(title, sizeof(title), _("%s: transcript"), b->v[b->sel].label);
	ui_text(0, 1, UI_TITLE, title);
	if (b->log.n == 0)
		ui_wrap(2, 1, cols - 2, 3, UI_DIM, _("No transcript yet: one is "
		    "written when the host is first connected to."));
	textview_draw(&b->log, 1, 1, rows - 2, cols - 2);
	ui_text(rows - 1, 1, UI_DIM, _("Up/Down PgUp/PgDn Scroll  Esc Close"));
}

static void
draw(struct wiz *w)
{
	struct bind *b = w->priv;
	struct cols c;
	char title[300];
	int rows, cols, r, used;
	size_t i, waiting = 0;

	if (b == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (b->viewing && b->n > 0) {
		draw_view(b, rows, cols);
		return;
	}
	layout(b, cols, &c);
	ui_text(0, c.label, UI_TITLE, _("Host"));
	ui_text(0, c.files, UI_TITLE, _("Files"));
	ui_text(0, c.checks, UI_TITLE, _("Checks"));
	ui_text(0, c.now, UI_TITLE, _("Step"));
	ui_text(0, c.status + ui_width(ui_mark_text(UI_MARK_OK)) + 1,
	    UI_TITLE, _("Status"));
	for (i = 0, r = 1; i < b->n && r < rows - 4; i++, r++) {
		host_row(b, i, r, &c);
		waiting += b->v[i].stat == ST_WAIT;
	}
	r++;
	if (waiting > 0)
		r += ui_wrap(r, 1, cols - 2, 2, UI_DIM, _("Database cluster: "
		    "waiting until every node shows connected."));
	if (b->phase == PH_TRUST)
		r += draw_trust(b, r, cols) + 1;
	else if ((used = ask_draw(&b->ask, r, 1, cols - 2)) > 0)
		r += used + 1;
	else if ((used = draw_why(b, r, cols, rows - r - 2)) > 0)
		r += used + 1;
	if (r >= rows - 1 || b->n == 0)
		return;
	ui_hline(r, 0, cols);
	snprintf(title, sizeof(title), _(" %s: transcript (t full size) "),
	    b->v[b->sel].label);
	ui_text(r++, 2, UI_DIM, title);
	b->log.follow = 1;
	textview_draw(&b->log, r, 1, rows - r, cols - 2);
}

/* ---- keys */

static int
key(struct wiz *w, int k)
{
	struct bind *b = w->priv;
	size_t was;

	if (b == NULL)
		return 0;
	if (ask_key(&b->ask, k))
		return 1;
	if (k == UI_KEY_F10 || (k == 'q' && !b->viewing)) {
		if (!w->job.running)
			return 0;
		/* the workspace is being written by the hosts' threads */
		wiz_say(w, UI_WARN, "%s", _("Press Esc to stop the work first "
		    "(it stops between steps), then quit."));
		return 1;
	}
	if (b->viewing) {
		if (k == UI_KEY_ESC || k == 'q' || k == 't' ||
		    k == UI_KEY_ENTER) {
			b->viewing = 0;
			b->log.follow = 1;
			return 1;
		}
		return textview_key(&b->log, k) || k != UI_KEY_F1;
	}
	if (b->phase == PH_TRUST) {
		if (k == 'y' || k == 'Y')
			trust(w, b, 1);
		else if (k == 'n' || k == 'N' || k == UI_KEY_ESC)
			trust(w, b, 0);
		else
			return k != UI_KEY_F1 && k != UI_KEY_F10;
		return 1;
	}
	was = b->sel;
	if (list_key(&b->sel, b->n, k)) {
		if (b->sel != was) {
			b->log.follow = 1;
			load_log(b);
		}
		return 1;
	}
	switch (k) {
	case 'b':
	case 'r':
		start(w, b, 0);
		return 1;
	case 'd':
		start(w, b, 1);
		return 1;
	case 't':
		load_log(b);
		b->viewing = b->n > 0;
		b->log.follow = 1;
		return 1;
	case UI_KEY_ENTER:
		if (b->ok && !w->job.running)
			return 0;	/* on to Validate */
		load_log(b);
		b->viewing = b->n > 0;
		b->log.follow = 1;
		return 1;
	}
	return 0;
}

static int
done(struct wiz *w)
{
	struct bind *b = w->priv;

	if (b != NULL && b->ok)
		return 1;
	wiz_say(w, UI_WARN, "%s", _("Not every host is bound yet: b binds "
	    "(a rerun resumes)."));
	return 0;
}

const struct screen screen_bind = {
	.name = "bind",
	.step = N_("Bind"),
	.help = N_("Binding puts the certificates to work on every server at "
	    "once. The files go up by SFTP under new names (a file on a server "
	    "is never replaced) and the server checks them itself: pki match "
	    "(the key fits), pki verify (the chain holds). Then each service "
	    "is bound in a safe order: disable, certs, enable or restart "
	    "(guide section 4). What was bound before is recorded and put "
	    "back if a command fails. The database cluster takes certificates "
	    "only unclustered (section 5.3): the hosts wait for each other.\n"
	    "b binds, d is a dry run, r runs again (what is done is skipped), "
	    "Esc stops between two steps. Up/Down picks a host, Enter or t "
	    "shows its transcript. A new host key is shown to compare with the "
	    "server's console; a changed one is refused."),
	.keys = N_("b Bind  d Dry run  r Rerun  Enter/t Transcript"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = wake,
	.leave = leave,
	.done = done,
};
