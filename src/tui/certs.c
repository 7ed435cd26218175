/* The plan's files for the certificate screens (certs.h). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ask.h"
#include "ca.h"
#include "certs.h"
#include "csr.h"
#include "error.h"
#include "files.h"
#include "i18n.h"
#include "make.h"
#include "servercsr.h"
#include "widgets.h"
#include "wizard.h"

/* ---- the plan's files */

char *
cert_pki_line(const struct mcert_plan_cert *c)
{
	return mcert_plan_cert_pki_line(c);
}

int
cert_key_on_server(const struct mcert_workspace *ws, const char *name)
{
	return mcert_ws_key_on_server(ws, name);
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
	return mcert_ws_set_key_on_server(ws, name, on);
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

/* Runs pki csr on c's server and fetches the CSR (servercsr.c): with the
 * wizard's known_hosts and keys, no question asked; a host not yet known
 * is refused unless its key is one the operator trusted before the job
 * (mj->accept: the Keys screen asks, as Bind does).  0 when the CSR is
 * here. */
static int
make_on_server(struct make_job *mj, struct wiz_job *job,
    const struct mcert_plan_cert *c)
{
	const char *label = json_string_value(json_array_get(c->hosts, 0));
	struct mcert_error err = { 0 };
	struct mcert_ssh_opts o;
	struct wiz_ssh ws;
	size_t i;

	for (i = 0; label != NULL && i < mj->ws->nhosts; i++)
		if (strcmp(mj->ws->hosts[i].label, label) == 0)
			break;
	if (label == NULL || i == mj->ws->nhosts)
		return -1;
	wiz_ssh_opts(&ws, mj->dir, NULL, &o);
	o.accept_fingerprint = mj->accept;
	o.host = mcert_ws_host_address(&mj->ws->hosts[i]);
	o.port = mj->ws->hosts[i].port;
	o.user = mj->ws->hosts[i].user;
	wiz_job_post(job, _("%s: pki csr on %s (the key stays there)..."),
	    c->name, label);
	if (mcert_server_csr(&o, c, mj->dir, NULL, 0, &err) != MCERT_OK) {
		wiz_job_post(job, "%s", err.msg);
		return -1;
	}
	mj->nmade++;
	wiz_job_post(job, _("made %s.key on %s; fetched %s.csr"), c->name,
	    label, c->name);
	return 0;
}

/* A certificate whose key is made on its server. */
static void
server_cert(struct make_job *mj, struct wiz_job *job,
    const struct mcert_plan_cert *c)
{
	char *base, *line;

	if (!exists(mj, c->name, ".csr") && make_on_server(mj, job, c) != 0) {
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
	free(mj->accept);
	free(mj->dir);
	free(mj->ca);
	free(mj);
}

size_t
job_lines(struct wiz *w, struct textview *log, int *finished)
{
	char **lines;
	size_t n, i;

	lines = wiz_job_take(w, &n, finished);
	for (i = 0; i < n; i++) {
		if (log != NULL)
			textview_add(log, UI_NORMAL, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return n;
}
