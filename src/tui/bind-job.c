/* The Bind screen's jobs: the host keys, the deployment and their news
 * (bind.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "i18n.h"
#include "rollback.h"
#include "bind.h"
#include "screens.h"
#include "ask.h"
#include "certs.h"
#include "widgets.h"
#include "yesno.h"

const char *const bind_stat_names[] = {
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
const size_t bind_nstat_names = sizeof(bind_stat_names) /
    sizeof(*bind_stat_names);

struct bhost *
bind_host_by_label(struct bind *b, const char *label)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].label, label) == 0)
			return &b->v[i];
	return NULL;
}

/* ---- the host keys, before anything else (hostkeys.c) */

static void *
keys_job(struct wiz_job *job, void *arg)
{
	struct bind *b = arg;

	hostkeys_check(job, &b->hk);
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

	if (b->rollback)
		b->ret = mcert_rollback(b->ws, b->plan, b->svc, &b->o, &b->res,
		    &b->nothing, &b->err);
	else
		b->ret = mcert_deploy(b->ws, b->plan, b->svc, &b->o, &b->res,
		    &b->err);
	return NULL;
}

static void
start_deploy(struct wiz *w, struct bind *b)
{
	size_t i;

	mcert_deploy_result_free(&b->res);
	memset(&b->err, 0, sizeof(b->err));
	b->o.ssh.accept_fingerprint = b->hk.accept[0] != '\0' ?
	    b->hk.accept : NULL;
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
	wiz_say(w, UI_NORMAL, "%s", b->rollback ? _("Putting back what was "
	    "bound before, one host at a time...") : b->dry ? _("Dry run: "
	    "connecting and reading, nothing is changed...") :
	    b->o.one_at_a_time ? _("Renewing one host at a time, each probed "
	    "before the next; Esc stops before the next step...") :
	    _("Binding on every host; Esc stops before the next step..."));
}

/* The run's options: a renewal (generation 2 on) binds one host at a
 * time, each probed before the next. */
static int
prepare(struct wiz *w, struct bind *b, int dry, int rollback)
{
	if (w->job.running) {
		wiz_say(w, UI_WARN, "%s", _("Wait for the work under way, or "
		    "press Esc to stop it"));
		return -1;
	}
	if (b->n == 0 || w->plan == NULL) {
		wiz_say(w, UI_ERR, "%s", _("The workspace has no hosts to bind "
		    "on: add them on the Hosts screen."));
		return -1;
	}
	if (mcert_findings_count(&w->plan->findings, MCERT_LEVEL_ERROR) > 0) {
		wiz_say(w, UI_ERR, "%s", _("The plan has errors: fix them on the "
		    "Plan screen first."));
		return -1;
	}
	b->dry = dry;
	b->rollback = rollback;
	b->nothing = 0;
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
	b->o.one_at_a_time = rollback || w->ws->generation > 1;
	b->o.probe = !rollback && w->ws->generation > 1;
	return 0;
}

/* The host keys first, then the run. */
static void
go(struct wiz *w, struct bind *b)
{
	size_t i;

	wiz_ssh_opts(&b->paths, b->dir, &b->ask, &b->o.ssh);
	hostkeys_free(&b->hk);
	for (i = 0; i < b->n; i++) {
		if (hostkeys_add(&b->hk, &b->ws->hosts[i], &b->o.ssh) != 0) {
			wiz_say(w, UI_ERR, "%s", _("out of memory"));
			return;
		}
		b->v[i].stat = ST_KEYS;
		b->v[i].why[0] = '\0';
	}
	if (wiz_job_start(w, keys_job, b) != 0)
		return;
	b->phase = PH_KEYS;
	wiz_say(w, UI_NORMAL, "%s", _("Checking each host's SSH key..."));
}

/* b or d; a renewal that takes the database cluster down asks first. */
void
bind_start(struct wiz *w, struct bind *b, int dry)
{
	if (prepare(w, b, dry, 0) != 0)
		return;
	if (!dry && mcert_deploy_touches_db(w->ws, w->plan, NULL)) {
		b->phase = PH_CONFIRM;
		b->confirm = CF_DATABASE;
		wiz_say(w, UI_WARN, _("The database cluster would go down for a "
		    "while: %s, s or %s?"), yesno_letter(YESNO_YES),
		    yesno_letter(YESNO_NO));
		return;
	}
	go(w, b);
}

void
bind_rollback(struct wiz *w, struct bind *b)
{
	if (w->ws->generation <= 1) {
		wiz_say(w, UI_WARN, "%s", _("Nothing to put back: this is the "
		    "first deployment, not a renewal."));
		return;
	}
	if (prepare(w, b, 0, 1) != 0)
		return;
	b->phase = PH_CONFIRM;
	b->confirm = CF_ROLLBACK;
	wiz_say(w, UI_WARN, _("Put back what was bound before the renewal? %s "
	    "puts it back, %s stops."), yesno_letter(YESNO_YES),
	    yesno_letter(YESNO_NO));
}

void
bind_confirmed(struct wiz *w, struct bind *b, int answer)
{
	b->phase = PH_IDLE;
	if (answer == 'y' || (answer == 's' && b->confirm == CF_DATABASE)) {
		b->o.db_confirmed = answer == 'y';
		b->o.no_database = answer == 's';
		go(w, b);
		return;
	}
	wiz_say(w, UI_NORMAL, "%s", _("Nothing was done."));
}

/* Every key learnt: a changed one stops everything, unknown ones are
 * asked about, then the deployment starts. */
static void
keys_known(struct wiz *w, struct bind *b)
{
	size_t i, changed = hostkeys_known(&b->hk);

	for (i = 0; i < b->n && i < b->hk.n; i++) {
		snprintf(b->v[i].why, sizeof(b->v[i].why), "%s",
		    b->hk.v[i].why);
		b->v[i].stat = b->hk.v[i].key == KEY_CHANGED ? ST_REFUSED :
		    b->hk.v[i].key == KEY_UNKNOWN ? ST_KEYS : ST_IDLE;
	}
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
	if (b->hk.asking < b->hk.n) {
		b->phase = PH_TRUST;
		b->sel = b->hk.asking;
		wiz_say(w, UI_WARN, _("A host is not known yet: compare its "
		    "fingerprint, then %s or %s."), yesno_letter(YESNO_YES),
		    yesno_letter(YESNO_NO));
		return;
	}
	start_deploy(w, b);
}

void
bind_trust(struct wiz *w, struct bind *b, int yes)
{
	size_t asked = b->hk.asking;
	struct bhost *h = &b->v[asked];
	int more = hostkeys_answer(&b->hk, yes);

	if (more < 0) {
		h->stat = ST_REFUSED;
		snprintf(h->why, sizeof(h->why), _("%s: its host key %s was not "
		    "trusted, so nothing was done on any host; press b to be "
		    "asked again"), h->label, b->hk.v[asked].fp);
		b->phase = PH_IDLE;
		wiz_say(w, UI_WARN, _("%s's key was not trusted: nothing was "
		    "done."), h->label);
		return;
	}
	if (more > 0) {
		b->sel = b->hk.asking;
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

/* One posted line: the host key check's (hostkeys.c), or "E" SEP stage
 * SEP host SEP text. */
static const char *
parse_line(struct bind *b, char *line)
{
	char *f[5] = { NULL };
	char *p = line, *sel = b->n > 0 ? b->v[b->sel].label : NULL;
	struct bhost *h;
	size_t k = 0;

	if (hostkeys_line(&b->hk, line))
		return NULL;
	while (k < 5 && (f[k++] = strsep(&p, SEP)) != NULL)
		;
	if (f[0] == NULL || strcmp(f[0], "E") != 0 || f[3] == NULL ||
	    (h = bind_host_by_label(b, f[2])) == NULL)
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
		if ((h = bind_host_by_label(b, b->res.v[i].host)) == NULL)
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
		h->stat = h->rolled ? ST_ROLLED : w->job.cancel ||
		    b->res.v[i].stopped ? ST_STOPPED : ST_FAILED;
	}
	/* a dry run binds nothing: what was bound before still counts */
	b->ok = bad == 0 && b->res.n > 0 && (!b->dry || bind_bound_before(w));
	if (b->rollback) {
		b->ok = 0;	/* the renewal is undone: bind again later */
		if (b->ret == MCERT_OK && b->nothing) {
			b->phase = PH_IDLE;
			wiz_say(w, UI_NORMAL, "%s", _("Nothing to put back: no "
			    "step of this renewal has run."));
			return;
		}
		if (b->ret == MCERT_OK && bad == 0) {
			for (i = 0; i < b->res.n; i++) {
				if ((h = bind_host_by_label(b,
				    b->res.v[i].host)) == NULL)
					continue;
				h->stat = b->res.v[i].ran > 0 ? ST_ROLLED :
				    ST_IDLE;
				if (b->res.v[i].ran == 0)
					snprintf(h->now, sizeof(h->now), "%s",
					    _("untouched"));
			}
			wiz_say(w, UI_OK, "%s", _("Put back: what this renewal "
			    "touched has its earlier files again."));
			return;
		}
	}
	if (b->ret != MCERT_OK && b->res.n == 0) {
		b->phase = PH_IDLE;
		for (i = 0; i < b->n; i++)
			b->v[i].stat = ST_IDLE;
		wiz_say(w, UI_ERR, "%s", b->err.msg);
	} else if (bad > 0 && w->job.cancel)
		wiz_say(w, UI_WARN, "%s", _("Stopped as asked, between steps: "
		    "b runs again and resumes where it stopped."));
	else if (bad > 0)
		wiz_say(w, UI_ERR, "%s", _("Not every host is bound: fix what "
		    "is said below, then b resumes (u puts back)."));
	else if (b->dry)
		wiz_say(w, UI_OK, "%s", _("Dry run: every host is ready. b "
		    "binds for real."));
	else
		wiz_say(w, UI_OK, "%s", _("Every host is bound and checked: "
		    "Enter goes on to Validate."));
}

void
bind_wake(struct wiz *w)
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
		bind_load_log(b);
}

