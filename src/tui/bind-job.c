/* The Bind screen's jobs: the host keys, the deployment and their news
 * (bind.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "i18n.h"
#include "bind.h"
#include "screens.h"
#include "ask.h"
#include "certs.h"
#include "widgets.h"
#include "yesno.h"

/* The fields of a posted line: "K" host key, "E" deploy event. */

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
void
bind_start(struct wiz *w, struct bind *b, int dry)
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
		h->stat = h->rolled ? ST_ROLLED : w->job.cancel ? ST_STOPPED :
		    ST_FAILED;
	}
	/* a dry run binds nothing: what was bound before still counts */
	b->ok = bad == 0 && b->res.n > 0 && (!b->dry || bind_bound_before(w));
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

