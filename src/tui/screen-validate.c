/* Validate: what each host has bound (mcert_status, judged by the core)
 * and what its listening ports present (mcert_probe), a service a row and
 * a host a column; a cell's details and its fix on Enter. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "load.h"
#include "mmp.h"
#include "probe.h"
#include "screens.h"
#include "status.h"
#include "timefmt.h"
#include "ask.h"
#include "certs.h"
#include "widgets.h"
#include "x509.h"

/* Column heads short enough for a 58-column body. */
static const struct {
	const char *id, *head;
} heads[] = {
	{ "webadmin", N_("Web Admin") },
	{ "callbridge", N_("Call Bridge") },
	{ "callbridge-lync", N_("CB Lync") },
	{ "callbridge-lync-cluster", N_("CB Lync clu.") },
	{ "callbridge-trust-c2w", N_("CB c2w trust") },
	{ "callbridge-trust-cluster", N_("CB clu. trust") },
	{ "webbridge3-https", N_("WB3 https") },
	{ "webbridge3-c2w", N_("WB3 c2w") },
	{ "webbridge3-c2w-trust", N_("WB3 c2w trust") },
	{ "turn", N_("TURN TLS") },
	{ "meetingapps", N_("MeetingApps") },
	{ "tls-sip-trust", N_("SIP trust") },
	{ "tls-ldap-trust", N_("LDAP trust") },
};

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

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* Appends to buf, *n its length so far; a full buffer stays as it is. */
static void
catf(char *buf, size_t len, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
catf(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n = *n + (size_t)r < len ? *n + (size_t)r : len - 1;
}

static const char *
head(const struct mcert_service *s)
{
	size_t i;

	if (s == NULL)
		return _("DB cluster");
	for (i = 0; i < sizeof(heads) / sizeof(*heads); i++)
		if (strcmp(heads[i].id, s->id) == 0)
			return _(heads[i].head);
	return s->name;
}

/* The service's entry in the table as read (ports, key usages). */
static json_t *
svc_entry(const struct mcert_services *svc, const char *id)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(svc->root, "services"), i, v)
		if (strcmp(str(v, "id"), id) == 0)
			return v;
	return NULL;
}

/* The ports to probe: the table's; the c2w port is the workspace's. */
static size_t
ports(const struct validate *v, const struct mcert_service *s, int *out,
    size_t max)
{
	json_t *p;
	size_t i, n = 0;

	if (s == NULL)
		return 0;
	if (strcmp(s->id, "webbridge3-c2w") == 0 && v->ws->c2w_port > 0) {
		out[0] = v->ws->c2w_port;
		return 1;
	}
	if (strcmp(s->id, "webbridge3-https") == 0 && v->ws->https_port > 0) {
		out[0] = v->ws->https_port;
		return 1;
	}
	json_array_foreach(json_object_get(svc_entry(v->svc, s->id), "ports"),
	    i, p)
		if (n < max && json_integer_value(p) > 0)
			out[n++] = (int)json_integer_value(p);
	return n;
}

static int
planned_on(const struct mcert_plan *plan, const char *label, const char *id)
{
	size_t i;

	for (i = 0; i < plan->nsteps; i++)
		if (strcmp(plan->steps[i].host, label) == 0 &&
		    strcmp(plan->steps[i].service, id) == 0 &&
		    strcmp(plan->steps[i].what, "bind") == 0)
			return 1;
	return 0;
}

/* The plan's commands for service id on a host, "a; b; c". */
static void
plan_commands(const struct validate *v, const char *label, const char *id,
    char *buf, size_t len)
{
	size_t i, n = 0;

	*buf = '\0';
	for (i = 0; i < v->plan->nsteps; i++)
		if (strcmp(v->plan->steps[i].host, label) == 0 &&
		    strcmp(v->plan->steps[i].service, id) == 0)
			catf(buf, len, &n, "%s%s", n > 0 ? "; " : "",
			    v->plan->steps[i].command);
}

/* What makes a service load its files again. */
static void
restart_commands(const struct mcert_service *s, char *buf, size_t len)
{
	const char *r = mcert_service_command(s, "restart");
	const char *d = mcert_service_command(s, "disable");
	const char *e = mcert_service_command(s, "enable");

	if (r != NULL)
		snprintf(buf, len, "%s", r);
	else if (d != NULL && e != NULL)
		snprintf(buf, len, "%s; %s", d, e);
	else
		snprintf(buf, len, "%s", _("restart the service"));
}

/* ---- enter, leave */

static void start(struct wiz *w, struct validate *v, int reread);

static void
enter(struct wiz *w)
{
	struct validate *v = calloc(1, sizeof(*v));
	size_t i, k, db = 0;

	if (v == NULL)
		return;
	w->priv = v;
	ask_init(&v->ask, &w->job);
	snprintf(v->dir, sizeof(v->dir), "%s", wiz_dir(w));
	v->nhosts = w->ws->nhosts;
	if (w->plan == NULL || (v->rows = calloc(w->svc->n + 2,
	    sizeof(*v->rows))) == NULL)
		return;
	for (i = 0; i < w->svc->n; i++) {
		const struct mcert_service *s = &w->svc->v[i];

		if (s->status_fields == NULL)
			continue;	/* nothing to read it back by */
		for (k = 0; k < v->nhosts; k++)
			if (planned_on(w->plan, w->ws->hosts[k].label, s->id)) {
				v->rows[v->nrows++] = s;
				break;
			}
	}
	for (k = 0; k < v->nhosts; k++)
		db += w->ws->hosts[k].db != MCERT_DB_NONE;
	if (db > 0)
		v->rows[v->nrows++] = NULL;
	start(w, v, 1);
}

static void
leave(struct wiz *w)
{
	struct validate *v = w->priv;

	if (v == NULL)
		return;
	json_decref(v->status);
	json_decref(v->probes);
	json_decref(v->local);
	json_decref(v->new_status);
	json_decref(v->new_probes);
	json_decref(v->new_local);
	textview_clear(&v->details);
	ask_free(&v->ask);
	free(v->rows);
	free(v);
}

/* ---- the job: status, the plan's own files, the ports */

static void
ext_text(const struct mcert_cert_info *ci, char *buf, size_t len)
{
	size_t n = 0, i;
	unsigned int bit;

	*buf = '\0';
	catf(buf, len, &n, "%s", ci->has_ku ? "KU" : _("KU (none)"));
	for (bit = 1, i = 0; ci->has_ku && bit <= MCERT_KU_DECIPHER_ONLY;
	    bit <<= 1)
		if (ci->ku & bit)
			catf(buf, len, &n, "%s%s", i++ > 0 ? ", " : " ",
			    mcert_ku_name(bit));
	catf(buf, len, &n, "; %s", ci->has_eku ? "EKU" : _("EKU (none)"));
	for (i = 0; ci->has_eku && i < ci->neku; i++)
		catf(buf, len, &n, "%s%s", i > 0 ? ", " : " ", ci->eku[i]);
}

static json_t *
cert_facts(X509 *x)
{
	struct mcert_cert_info ci;
	char iso[64], ext[512];
	json_t *o;

	if (mcert_cert_info(x, time(NULL), &ci, NULL) != MCERT_OK)
		return json_pack("{s:s}", "error", _("unreadable certificate"));
	ext_text(&ci, ext, sizeof(ext));
	o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "sha256", ci.sha256,
	    "subject", ci.subject != NULL ? ci.subject : "", "issuer",
	    ci.issuer != NULL ? ci.issuer : "", "not_after",
	    mcert_time_iso(ci.not_after, iso, sizeof(iso)), "days_left",
	    (json_int_t)ci.days_left, "ext", ext);
	mcert_cert_info_free(&ci);
	return o;
}

/* The leaf of each file the plan binds, from the workspace's folder: what
 * was uploaded, so what a port should present. */
static json_t *
local_facts(const struct validate *v)
{
	struct mcert_error err = { 0 };
	const struct mcert_object *o;
	struct mcert_file *f;
	const char *name;
	json_t *out = json_object();
	char path[8300];
	size_t i;

	for (i = 0; i < v->plan->nsteps; i++) {
		const json_t *files = v->plan->steps[i].files;

		name = json_string_value(json_object_get(files, "cert"));
		if (name == NULL)
			name = json_string_value(json_object_get(files,
			    "fullchain"));
		if (name == NULL || json_object_get(out, name) != NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", v->dir, name);
		f = NULL;
		if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f,
		    &err) == MCERT_OK && (o = mcert_file_first(f,
		    MCERT_KIND_CERT)) != NULL)
			json_object_set_new(out, name, cert_facts(o->cert));
		mcert_file_free(f);
	}
	return out;
}

struct probe_arg {
	const char *label, *service;	/* where the result is filed */
	const char *host, *sni;
	int port;
	json_t *out;
};

static void *
probe_one(void *arg)
{
	struct probe_arg *p = arg;
	struct mcert_probe_opts po = { p->host, p->port, p->sni, 5000 };
	struct mcert_probe_result pr;
	struct mcert_error err = { 0 };

	if (mcert_probe(&po, &pr, &err) != MCERT_OK)
		p->out = json_pack("{s:i, s:s}", "port", p->port, "error",
		    err.msg);
	else {
		p->out = cert_facts(sk_X509_value(pr.chain, 0));
		json_object_set_new(p->out, "port", json_integer(p->port));
		json_object_set_new(p->out, "protocol",
		    json_string(pr.protocol));
		json_object_set_new(p->out, "cipher", json_string(pr.cipher));
		json_object_set_new(p->out, "presented",
		    json_integer(sk_X509_num(pr.chain)));
	}
	mcert_probe_result_free(&pr);
	return NULL;
}

static int
is_address(const char *s)
{
	return strspn(s, "0123456789.") == strlen(s) || strchr(s, ':') != NULL;
}

/* out[label][service] gets result appended. */
static void
file_result(json_t *out, const char *label, const char *service,
    json_t *result)
{
	json_t *h, *list;

	if ((h = json_object_get(out, label)) == NULL)
		json_object_set_new(out, label, h = json_object());
	if ((list = json_object_get(h, service)) == NULL)
		json_object_set_new(h, service, list = json_array());
	json_array_append_new(list, result);
}

/* Every port of every service the plan binds, all at once: {host:
 * {service: [result]}}. */
static json_t *
probe_all(struct validate *v, struct wiz_job *job)
{
	size_t h, r, k, n = 0, np, cap = v->nhosts * v->nrows * 8 + 1;
	struct probe_arg *pa = calloc(cap, sizeof(*pa));
	pthread_t *tid = calloc(cap, sizeof(*tid));
	int *started = calloc(cap, sizeof(*started)), pt[8];
	json_t *out = json_object();

	for (h = 0; pa != NULL && tid != NULL && started != NULL &&
	    h < v->nhosts; h++)
		for (r = 0; r < v->nrows; r++) {
			const struct mcert_ws_host *wh = &v->ws->hosts[h];

			if (v->rows[r] == NULL || !planned_on(v->plan,
			    wh->label, v->rows[r]->id))
				continue;
			np = ports(v, v->rows[r], pt, 8);
			for (k = 0; k < np && n < cap; k++, n++) {
				pa[n].label = wh->label;
				pa[n].service = v->rows[r]->id;
				pa[n].host = mcert_ws_host_address(wh);
				pa[n].sni = wh->fqdn != NULL &&
				    !is_address(wh->fqdn) ? wh->fqdn : NULL;
				pa[n].port = pt[k];
				wiz_job_post(job, _("Probing %s:%d..."),
				    pa[n].host, pt[k]);
				if (pthread_create(&tid[n], NULL, probe_one,
				    &pa[n]) == 0)
					started[n] = 1;
				else
					probe_one(&pa[n]);
			}
		}
	for (k = 0; k < n; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		file_result(out, pa[k].label, pa[k].service, pa[k].out);
	}
	free(pa);
	free(tid);
	free(started);
	return out;
}

static void *
validate_job(struct wiz_job *job, void *arg)
{
	struct validate *v = arg;

	if (v->reread) {
		wiz_job_post(job, "%s", _("Reading what each host has bound "
		    "(it connects to each)..."));
		if (mcert_status(v->ws, v->plan, v->svc, &v->so, &v->new_status,
		    &v->err) != MCERT_OK)
			return NULL;
		if (job->cancel)
			return NULL;
		v->new_local = local_facts(v);
	}
	v->new_probes = probe_all(v, job);
	return v;
}

static void
start(struct wiz *w, struct validate *v, int reread)
{
	if (w->job.running) {
		wiz_say(w, UI_WARN, "%s", _("Wait for the work under way, or "
		    "press Esc to stop it"));
		return;
	}
	if (w->plan == NULL)
		return;
	v->ws = w->ws;
	v->plan = w->plan;
	v->svc = w->svc;
	v->reread = reread || v->status == NULL;
	memset(&v->err, 0, sizeof(v->err));
	memset(&v->so, 0, sizeof(v->so));
	wiz_ssh_opts(&v->paths, v->dir, &v->ask, &v->so.ssh);
	if (wiz_job_start(w, validate_job, v) == 0)
		wiz_say(w, UI_NORMAL, "%s", v->reread ? _("Reading what each "
		    "host has bound...") : _("Probing the ports again..."));
}

static void
wake(struct wiz *w)
{
	struct validate *v = w->priv;
	size_t n, i;
	int fin;
	char **lines = wiz_job_take(w, &n, &fin);
	time_t now = time(NULL);
	struct tm tm;

	for (i = 0; i < n; i++) {
		if (v != NULL && !fin)
			wiz_say(w, UI_NORMAL, "%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
	if (v == NULL || !fin)
		return;
	if (w->job.result && !w->job.cancel) {
		if (v->reread) {
			json_decref(v->status);
			json_decref(v->local);
			v->status = v->new_status;
			v->local = v->new_local;
			v->new_status = v->new_local = NULL;
		}
		json_decref(v->probes);
		v->probes = v->new_probes;
		v->new_probes = NULL;
		gmtime_r(&now, &tm);
		strftime(v->when, sizeof(v->when), "%H:%M:%S UTC", &tm);
		wiz_say(w, UI_NORMAL, _("Read and probed at %s: Enter on a cell "
		    "shows its details."), v->when);
	} else if (w->job.cancel)
		wiz_say(w, UI_WARN, "%s", v->status != NULL ? _("Stopped: what "
		    "is shown is from before (r reads again).") : _("Stopped: "
		    "nothing was read (r reads)."));
	else
		wiz_say(w, UI_ERR, "%s", v->err.msg);
	json_decref(v->new_status);
	json_decref(v->new_local);
	json_decref(v->new_probes);
	v->new_status = v->new_local = v->new_probes = NULL;
}

/* ---- judging a cell */

static void
problem(struct cell *c, enum ui_mark m, const char *fix, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct cell *c, enum ui_mark m, const char *fix, const char *fmt,
    ...)
{
	struct problem *p;
	va_list ap;

	if (c->mark == UI_MARK_NONE || c->mark < m)
		c->mark = m;
	if (c->np == sizeof(c->p) / sizeof(*c->p))
		return;
	p = &c->p[c->np++];
	p->mark = m;
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
	snprintf(p->fix, sizeof(p->fix), "%s", fix);
}

static const json_t *
host_status(const struct validate *v, const char *label)
{
	const json_t *h;
	size_t i;

	json_array_foreach(json_object_get(v->status, "hosts"), i, h)
		if (strcmp(str(h, "host"), label) == 0)
			return h;
	return NULL;
}

static const json_t *
service_status(const json_t *h, const char *id)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(h, "services"), i, s)
		if (strcmp(str(s, "service"), id) == 0)
			return s;
	return NULL;
}

static const char *
leaf_file(const json_t *s)
{
	const json_t *f = json_object_get(s, "files");

	return json_object_get(f, "cert") != NULL ? str(f, "cert") :
	    str(f, "fullchain");
}

/* Whether what a port presents is the certificate bound: the same SHA-256
 * as the plan's file when the plan's files are bound, else the same
 * subject, issuer and expiry as the bound one read back. */
static int
same_as_bound(const struct validate *v, const json_t *s, const json_t *pr)
{
	const json_t *loc = json_object_get(v->local, leaf_file(s));
	const json_t *c = json_object_get(s, "certificate");

	if (json_is_true(json_object_get(s, "planned")) &&
	    json_object_get(loc, "sha256") != NULL)
		return strcmp(str(loc, "sha256"), str(pr, "sha256")) == 0;
	return strcmp(str(c, "subject"), str(pr, "subject")) == 0 &&
	    strcmp(str(c, "issuer"), str(pr, "issuer")) == 0 &&
	    strcmp(str(c, "not_after"), str(pr, "not_after")) == 0;
}

static void
judge_ports(const struct validate *v, const char *label,
    const struct mcert_service *s, const json_t *ss, struct cell *c)
{
	const json_t *list = json_object_get(json_object_get(v->probes,
	    label), s->id), *pr;
	char fix[900], cmd[300];
	size_t i;

	json_array_foreach(list, i, pr) {
		int port = (int)json_integer_value(json_object_get(pr, "port"));

		if (json_object_get(pr, "error") != NULL)
			problem(c, UI_MARK_WARN, _("Check that the service is "
			    "enabled and listens on this address and port (its "
			    "listen setting), and that no firewall is in the "
			    "way; then p probes again."), "%s", str(pr,
			    "error"));
		else if (!same_as_bound(v, ss, pr)) {
			restart_commands(s, cmd, sizeof(cmd));
			snprintf(fix, sizeof(fix), _("Restart it on %s's MMP: "
			    "%s. A service serves the files it loaded when it "
			    "started; then p probes again."), label, cmd);
			if (strcmp(str(pr, "subject"), str(json_object_get(ss,
			    "certificate"), "subject")) == 0)
				problem(c, UI_MARK_WARN, fix, _("Port %d presents "
				    "another certificate of the same name (SHA-256 "
				    "%.23s...), not the one bound."), port,
				    str(pr, "sha256"));
			else
				problem(c, UI_MARK_WARN, fix, _("Port %d presents "
				    "%s (expires %s), not the certificate bound."),
				    port, str(pr, "subject"), str(pr,
				    "not_after"));
		}
	}
}

static void
judge_service(const struct validate *v, const char *label,
    const struct mcert_service *s, struct cell *c)
{
	const json_t *h = host_status(v, label), *ss, *cert;
	const char *verdict;
	char cmds[1500], fix[1800];
	long long days;
	int planned;

	if (!planned_on(v->plan, label, s->id))
		return;		/* not on this host */
	if (v->status == NULL) {
		snprintf(c->brief, sizeof(c->brief), "...");
		return;
	}
	if (h == NULL || json_is_string(json_object_get(h, "error"))) {
		snprintf(c->brief, sizeof(c->brief), "%s", _("unread"));
		problem(c, UI_MARK_ERR, _("Check the address, the SSH login and "
		    "that the host is up; a host key not trusted yet is asked "
		    "about on the Bind screen (Esc). Then r reads again."), "%s",
		    h != NULL ? str(h, "error") :
		    _("The host was not read."));
		return;
	}
	if ((ss = service_status(h, s->id)) == NULL)
		return;
	verdict = str(ss, "verdict");
	cert = json_object_get(ss, "certificate");
	planned = json_is_true(json_object_get(ss, "planned"));
	days = json_integer_value(json_object_get(cert, "days_left"));
	plan_commands(v, label, s->id, cmds, sizeof(cmds));
	snprintf(fix, sizeof(fix), _("Run the plan's commands on %s's MMP: "
	    "%s (Bind does not run steps it recorded as done)."), label, cmds);
	if (strcmp(verdict, "unbound") == 0) {
		snprintf(c->brief, sizeof(c->brief), "%s", _("unbound"));
		problem(c, UI_MARK_ERR, fix, _("Nothing is bound for %s on %s."),
		    s->name, label);
		return;
	}
	if (strcmp(verdict, "failed") == 0) {
		snprintf(c->brief, sizeof(c->brief), "%s", json_object_get(cert,
		    "days_left") != NULL && days < 0 ? _("expired") :
		    _("fails"));
		problem(c, UI_MARK_ERR, planned ? _("The plan's own files fail "
		    "this check: correct them (Import, Bundles), raise the "
		    "workspace's generation so they get new names, and bind "
		    "again.") : fix, "%s", str(cert, "why"));
		return;
	}
	if (json_object_get(cert, "days_left") != NULL)
		snprintf(c->brief, sizeof(c->brief), _("%lld d"), days);
	else
		snprintf(c->brief, sizeof(c->brief), "%s", _("trust"));
	if (!planned)
		problem(c, UI_MARK_WARN, fix, _("The files bound are not the "
		    "plan's."));
	if (json_object_get(cert, "days_left") != NULL &&
	    days < MCERT_EXPIRES_SOON_DAYS)
		problem(c, UI_MARK_WARN, _("Renew it now: raise the workspace's "
		    "generation (new files get new names, a live one is never "
		    "replaced), make and import them, then bind."),
		    _("It expires in %lld days (%s)."), days, str(cert,
		    "not_after"));
	if (json_is_false(json_object_get(ss, "enabled"))) {
		snprintf(cmds, sizeof(cmds), _("Enable it on %s's MMP: %s."),
		    label, mcert_service_command(s, "enable") != NULL ?
		    mcert_service_command(s, "enable") : "?");
		problem(c, UI_MARK_WARN, cmds, _("The service is disabled."));
	}
	judge_ports(v, label, s, ss, c);
	if (c->np == 0) {
		c->mark = UI_MARK_OK;
		if (json_object_get(cert, "days_left") != NULL)
			snprintf(c->good, sizeof(c->good), _("Verified (chain, "
			    "dates, extensions); expires %.10s, in %lld days."),
			    str(cert, "not_after"), days);
		else
			snprintf(c->good, sizeof(c->good), "%s", _("The plan's "
			    "trust bundle is bound."));
		if (json_array_size(json_object_get(json_object_get(v->probes,
		    label), s->id)) > 0)
			snprintf(c->good + strlen(c->good), sizeof(c->good) -
			    strlen(c->good), "%s", _(" The port presents "
			    "it."));
	}
}

static void
judge_db(const struct validate *v, const struct mcert_ws_host *wh,
    struct cell *c)
{
	const json_t *h = host_status(v, wh->label), *db, *n;
	size_t i, up = 0, total, want = mcert_ws_db_nodes(v->ws);

	if (wh->db == MCERT_DB_NONE)
		return;
	if (v->status == NULL) {
		snprintf(c->brief, sizeof(c->brief), "...");
		return;
	}
	db = json_object_get(h, "database");
	if (h == NULL || !json_is_object(db)) {
		snprintf(c->brief, sizeof(c->brief), "%s", _("unread"));
		problem(c, UI_MARK_ERR, _("Check the address, the SSH login and "
		    "that the host is up; a host key not trusted yet is asked "
		    "about on the Bind screen (Esc). Then r reads again."), "%s",
		    h != NULL && json_is_string(json_object_get(h, "error")) ?
		    str(h, "error") : _("The database cluster's status was not "
		    "read."));
		return;
	}
	json_array_foreach(json_object_get(db, "nodes"), i, n)
		up += json_is_true(json_object_get(n, "connected"));
	total = json_array_size(json_object_get(db, "nodes"));
	snprintf(c->brief, sizeof(c->brief), "%zu/%zu", up, total > want ?
	    total : want);
	if (mcert_mmp_db_all_connected(db, 0) && total >= want) {
		c->mark = UI_MARK_OK;
		snprintf(c->good, sizeof(c->good), _("Status %s: all %zu nodes "
		    "connected."), str(db, "status"), total);
		return;
	}
	problem(c, UI_MARK_ERR, _("Run 'database cluster status' on each node. "
	    "A node left Connecting usually holds certificates from another CA "
	    "than the cluster's own; Bind again (r) resumes the join where it "
	    "stopped."), _("Status %s: %zu of %zu nodes connected."),
	    str(db, "status"), up, total > want ? total : want);
}

static void
judge(const struct validate *v, size_t r, size_t h, struct cell *c)
{
	memset(c, 0, sizeof(*c));
	c->mark = UI_MARK_NONE;
	if (v->rows[r] == NULL)
		judge_db(v, &v->ws->hosts[h], c);
	else
		judge_service(v, v->ws->hosts[h].label, v->rows[r], c);
}

/* ---- the details of a cell */

/* "§" only where the terminal shows it. */
static void
guide_ref(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in != '\0' && n + 9 < len; in++) {
		if (!ui_utf8() && strncmp(in, "\xc2\xa7", 2) == 0) {
			n += (size_t)snprintf(out + n, len - n, "section ");
			in++;
		} else if (ui_utf8() || (unsigned char)*in < 0x80)
			out[n++] = *in;
	}
	out[n] = '\0';
}

static void
add(struct textview *t, enum ui_style st, int hang, const char *label,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct textview *t, enum ui_style st, int hang, const char *label,
    const char *fmt, ...)
{
	char text[2048], line[2200];
	va_list ap;
	int pad;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pad = hang - ui_width(label);
	snprintf(line, sizeof(line), "%s%*s%s", label, pad > 0 ? pad : 1, "",
	    text);
	textview_add_hanging(t, st, hang, line);
}

static enum ui_style
mark_style(enum ui_mark m)
{
	return m == UI_MARK_OK ? UI_OK : m == UI_MARK_WARN ? UI_WARN :
	    m == UI_MARK_ERR ? UI_ERR : UI_NORMAL;
}

static void
details_service(struct validate *v, const char *label,
    const struct mcert_service *s, int hang)
{
	struct textview *t = &v->details;
	const json_t *ss = service_status(host_status(v, label), s->id);
	const json_t *cert = json_object_get(ss, "certificate"), *x, *pr;
	const json_t *loc = json_object_get(v->local, leaf_file(ss));
	char buf[2048], ref[512];
	const char *k;
	size_t i, n = 0;

	buf[0] = '\0';
	json_object_foreach((json_t *)json_object_get(ss, "files"), k, x)
		catf(buf, sizeof(buf), &n, "%s%s %s", n > 0 ? ", " : "", k,
		    json_string_value(x));
	if (ss != NULL)
		add(t, UI_NORMAL, hang, _("Bound"), "%s%s", n > 0 ? buf :
		    _("nothing"), n == 0 ? "" : json_is_true(json_object_get(
		    ss, "planned")) ? _(" (the plan's files)") :
		    _(" (not the plan's files)"));
	if (json_is_boolean(json_object_get(ss, "enabled")))
		add(t, UI_NORMAL, hang, _("Enabled"), "%s", json_is_true(
		    json_object_get(ss, "enabled")) ? _("yes") : _("no"));
	if (json_object_get(cert, "subject") != NULL) {
		add(t, UI_NORMAL, hang, _("Subject"), "%s", str(cert,
		    "subject"));
		buf[0] = '\0';
		n = 0;
		json_array_foreach(json_object_get(cert, "san"), i, x)
			catf(buf, sizeof(buf), &n, "%s%s", i > 0 ? ", " : "",
			    json_string_value(x));
		add(t, UI_NORMAL, hang, _("SAN"), "%s", n > 0 ? buf :
		    _("(none)"));
		add(t, UI_NORMAL, hang, _("Issuer"), "%s", str(cert, "issuer"));
		add(t, UI_NORMAL, hang, _("Expires"), _("%s (%lld days left)"),
		    str(cert, "not_after"), (long long)json_integer_value(
		    json_object_get(cert, "days_left")));
	}
	if (json_is_object(cert)) {
		if (json_is_true(json_object_get(cert, "verified"))) {
			n = 0;
			catf(buf, sizeof(buf), &n, "%s", _("verified to"));
			json_array_foreach(json_object_get(cert, "chain"), i, x)
				catf(buf, sizeof(buf), &n, _(" %s (expires %s)"),
				    str(x, "subject"), str(x, "not_after"));
			add(t, UI_OK, hang, _("Chain"), "%s %s",
			    ui_mark_text(UI_MARK_OK), buf);
		} else
			add(t, UI_ERR, hang, _("Chain"), "%s %s",
			    ui_mark_text(UI_MARK_ERR), str(cert, "why"));
	}
	if (s->role >= 0) {
		/* guide section 2.2, by the service's use */
		static const char *const rules[] = {
			N_("for server use: EKU serverAuth, when EKU is there; "
			    "KU digitalSignature, keyEncipherment or keyAgreement, "
			    "when KU is there"),
			N_("for client use: EKU clientAuth, when EKU is there; KU "
			    "digitalSignature or keyAgreement, when KU is there"),
			N_("for server and client use: EKU serverAuth and "
			    "clientAuth, when EKU is there; KU digitalSignature "
			    "(WebRTC media fails without it)"),
		};

		if ((size_t)s->role < sizeof(rules) / sizeof(*rules))
			add(t, UI_NORMAL, hang, _("Rules"), "%s",
			    _(rules[s->role]));
		if (json_is_true(json_object_get(ss, "planned")) &&
		    json_object_get(loc, "ext") != NULL)
			add(t, UI_NORMAL, hang, _("Has"), "%s", str(loc, "ext"));
		if (json_is_object(cert))
			add(t, json_is_true(json_object_get(cert, "verified")) ?
			    UI_OK : UI_ERR, hang, "", "%s %s", ui_mark_text(
			    json_is_true(json_object_get(cert, "verified")) ?
			    UI_MARK_OK : UI_MARK_ERR), json_is_true(
			    json_object_get(cert, "verified")) ? _("it meets "
			    "them: checked with the chain") : _("see the chain's "
			    "verdict above"));
	}
	json_array_foreach(json_object_get(json_object_get(v->probes, label),
	    s->id), i, pr) {
		snprintf(ref, sizeof(ref), _("Port %d"), (int)json_integer_value(
		    json_object_get(pr, "port")));
		if (json_object_get(pr, "error") != NULL)
			add(t, UI_WARN, hang, ref, "%s %s", ui_mark_text(
			    UI_MARK_WARN), str(pr, "error"));
		else if (same_as_bound(v, ss, pr))
			add(t, UI_OK, hang, ref, _("%s presents the certificate "
			    "bound (%s, %s); SHA-256 %s"), ui_mark_text(
			    UI_MARK_OK), str(pr, "protocol"), str(pr, "cipher"),
			    str(pr, "sha256"));
		else
			add(t, UI_WARN, hang, ref, _("%s presents %s, issued by "
			    "%s, expiring %s (%s); SHA-256 %s"), ui_mark_text(
			    UI_MARK_WARN), str(pr, "subject"), str(pr, "issuer"),
			    str(pr, "not_after"), str(pr, "ext"), str(pr,
			    "sha256"));
	}
	if (s->guide != NULL) {
		guide_ref(s->guide, ref, sizeof(ref));
		add(t, UI_DIM, hang, _("Guide"), "%s", ref);
	}
}

static void
details_db(struct validate *v, const char *label, int hang)
{
	const json_t *db = json_object_get(host_status(v, label), "database");
	const json_t *n;
	size_t i;

	if (!json_is_object(db))
		return;
	add(&v->details, UI_NORMAL, hang, _("Status"), "%s", str(db, "status"));
	json_array_foreach(json_object_get(db, "nodes"), i, n)
		add(&v->details, json_is_true(json_object_get(n, "connected")) ?
		    UI_OK : UI_ERR, hang, i == 0 ? _("Nodes") : "", "%s %s %s",
		    ui_mark_text(json_is_true(json_object_get(n, "connected")) ?
		    UI_MARK_OK : UI_MARK_ERR), str(n, "address"), str(n,
		    "state"));
}

static void
open_details(struct validate *v)
{
	const char *label = v->ws->hosts[v->c].label;
	const struct mcert_service *s = v->rows[v->r];
	static const char *const labels[] = { N_("Bound"), N_("Enabled"),
	    N_("Subject"), N_("SAN"), N_("Issuer"), N_("Expires"),
	    N_("Chain"), N_("Rules"), N_("Has"), N_("Port %d"), N_("Guide"),
	    N_("Status"), N_("Nodes"), N_("Fix") };
	struct cell c;
	char title[300];
	int hang = 0, t;
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(*labels); i++)
		if ((t = ui_width(_(labels[i])) + 2) > hang)
			hang = t;
	textview_clear(&v->details);
	v->details.follow = 0;
	judge(v, v->r, v->c, &c);
	snprintf(title, sizeof(title), "%s: %s", label, s != NULL ? s->name :
	    _("Database cluster"));
	textview_add(&v->details, UI_TITLE, title);
	if (s != NULL)
		details_service(v, label, s, hang);
	else
		details_db(v, label, hang);
	textview_add(&v->details, UI_NORMAL, "");
	if (c.mark == UI_MARK_NONE && c.np == 0)
		textview_add(&v->details, UI_DIM, s != NULL && !planned_on(
		    v->plan, label, s->id) ? _("The plan binds nothing for this "
		    "service on this host.") : _("Not read yet."));
	if (c.good[0] != '\0')
		add(&v->details, UI_OK, 1 + ui_width(ui_mark_text(UI_MARK_OK)),
		    ui_mark_text(UI_MARK_OK), "%s", c.good);
	for (i = 0; i < c.np; i++) {
		add(&v->details, mark_style(c.p[i].mark), 1 + ui_width(
		    ui_mark_text(c.p[i].mark)), ui_mark_text(c.p[i].mark), "%s",
		    c.p[i].text);
		add(&v->details, UI_NORMAL, hang, _("Fix"), "%s", c.p[i].fix);
	}
	v->viewing = 1;
}

/* ---- drawing */

struct geom {
	int name, colw, shown;	/* columns: names, a host's, hosts shown */
};

static void
geometry(struct validate *v, int cols, struct geom *g)
{
	size_t i;
	int t;

	g->name = ui_width(_("Service"));
	for (i = 0; i < v->nrows; i++)
		if ((t = ui_width(head(v->rows[i]))) > g->name)
			g->name = t;
	g->name += 3;
	g->colw = ui_width(ui_mark_text(UI_MARK_ERR)) + 1 + 7;
	for (i = 0; i < v->nhosts; i++)
		if ((t = ui_width(v->ws->hosts[i].label)) > g->colw)
			g->colw = t;
	g->colw += 2;
	g->shown = (cols - g->name) / g->colw;
	if (g->shown < 1)
		g->shown = 1;
	if (v->c < v->left)
		v->left = v->c;
	if (v->c >= v->left + (size_t)g->shown)
		v->left = v->c - (size_t)g->shown + 1;
}

static void
draw_cell(const struct validate *v, size_t r, size_t h, int row, int col,
    int width)
{
	struct cell c;
	char buf[64];
	int sel = !v->on_button && r == v->r && h == v->c;
	enum ui_style st;

	judge(v, r, h, &c);
	if (c.mark == UI_MARK_NONE)
		snprintf(buf, sizeof(buf), "%s", c.brief[0] != '\0' ? c.brief :
		    "-");
	else
		snprintf(buf, sizeof(buf), "%s %s", ui_mark_text(c.mark),
		    c.brief);
	st = sel ? UI_SELECTED : c.mark == UI_MARK_NONE ? UI_DIM :
	    mark_style(c.mark);
	if (sel)
		ui_textf(row, col - 1, st, " %-*s", width - 2, "");
	ui_text(row, col, st, buf);
}

/* The chosen cell in a few lines, then every other cell not green. */
static int
draw_summary(const struct validate *v, int row, int rows, int cols)
{
	struct cell c;
	char title[1200], line[1200], last[800];
	size_t r, h, i;
	int used = 0, mw = ui_width(ui_mark_text(UI_MARK_OK)) + 1;

	judge(v, v->r, v->c, &c);
	snprintf(title, sizeof(title), "%s: %s", v->ws->hosts[v->c].label,
	    v->rows[v->r] != NULL ? v->rows[v->r]->name :
	    _("Database cluster"));
	ui_text(row + used++, 1, UI_TITLE, title);
	if (c.good[0] != '\0') {
		ui_mark(row + used, 1, UI_MARK_OK);
		used += ui_wrap(row + used, 1 + mw, cols - 2 - mw, 3, UI_NORMAL,
		    c.good);
	}
	for (i = 0; i < c.np && used < rows; i++) {
		/* a preview: Enter shows the whole of it */
		ui_mark(row + used, 1, c.p[i].mark);
		used += ui_wrap(row + used, 1 + mw, cols - 2 - mw, 2, UI_NORMAL,
		    c.p[i].text);
		if (i == 0 && used < rows) {
			snprintf(line, sizeof(line), _("Fix: %s"), c.p[i].fix);
			used += ui_wrap(row + used, 1 + mw, cols - 2 - mw, 2,
			    UI_DIM, line);
		}
	}
	if (c.np == 0 && c.good[0] == '\0')
		ui_text(row + used++, 1 + mw, UI_DIM, c.brief[0] == '.' ?
		    _("Being read...") : _("Nothing to check here."));
	/* a host column at a time, so that a host that cannot be read is
	 * said once */
	for (h = 0; h < v->nhosts && used < rows; h++)
		for (r = 0, last[0] = '\0'; r < v->nrows && used < rows; r++) {
			if (r == v->r && h == v->c)
				continue;
			judge(v, r, h, &c);
			if (c.np == 0 || strcmp(last, c.p[0].text) == 0)
				continue;
			snprintf(last, sizeof(last), "%s", c.p[0].text);
			ui_mark(row + used, 1, c.mark);
			snprintf(line, sizeof(line), "%s %s: %s",
			    v->ws->hosts[h].label, head(v->rows[r]), c.p[0].text);
			ui_text(row + used++, 1 + mw, UI_NORMAL, text_clip(title,
			    sizeof(title), line, cols - 2 - mw));
		}
	return used;
}

static void
draw(struct wiz *w)
{
	struct validate *v = w->priv;
	struct geom g;
	int rows, cols, row, used;
	size_t r, h;

	if (v == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (v->viewing) {
		textview_draw(&v->details, 0, 1, rows - 1, cols - 2);
		ui_text(rows - 1, 1, UI_DIM, _("Up/Down PgUp/PgDn Scroll  Esc "
		    "Close"));
		return;
	}
	if (v->nrows == 0 || v->nhosts == 0) {
		ui_wrap(0, 1, cols - 2, 3, UI_DIM, _("The plan binds nothing "
		    "that can be read back: go back and plan the services."));
		return;
	}
	geometry(v, cols, &g);
	ui_text(0, 1, UI_TITLE, _("Service"));
	for (h = v->left; h < v->nhosts && h < v->left + (size_t)g.shown; h++)
		ui_text(0, g.name + (int)(h - v->left) * g.colw, UI_TITLE,
		    v->ws->hosts[h].label);
	if (v->left > 0)
		ui_text(0, g.name - 2, UI_DIM, "<");
	if (v->left + (size_t)g.shown < v->nhosts)
		ui_text(0, cols - 1, UI_DIM, ">");
	for (r = 0, row = 1; r < v->nrows && row < rows - 3; r++, row++) {
		ui_text(row, 1, r == v->r ? UI_TITLE : UI_NORMAL,
		    head(v->rows[r]));
		for (h = v->left; h < v->nhosts && h < v->left +
		    (size_t)g.shown; h++)
			draw_cell(v, r, h, row, g.name + (int)(h - v->left) *
			    g.colw, g.colw);
	}
	row++;
	if ((used = ask_draw(&v->ask, row, 1, cols - 2)) > 0)
		row += used + 1;
	else if (v->status != NULL)
		row += draw_summary(v, row, rows - row - 2, cols);
	button_draw(rows - 1, cols - 2 - ui_width(_("Done")) - 4,
	    _("Done"), v->on_button);
}

/* ---- keys */

static int
key(struct wiz *w, int k)
{
	struct validate *v = w->priv;

	if (v == NULL)
		return 0;
	if (ask_key(&v->ask, k))
		return 1;
	if (v->viewing) {
		if (k == UI_KEY_ESC || k == UI_KEY_ENTER || k == 'q')
			v->viewing = 0;
		else if (k == UI_KEY_F1 || k == UI_KEY_F10)
			return 0;
		else
			textview_key(&v->details, k);
		return 1;
	}
	switch (k) {
	case UI_KEY_TAB:
	case UI_KEY_BTAB:
		v->on_button = !v->on_button;
		return 1;
	case UI_KEY_ENTER:
		if (v->on_button)
			return 0;	/* on to Done */
		if (v->nrows > 0 && v->nhosts > 0)
			open_details(v);
		return 1;
	case 'p':
		start(w, v, 0);
		return 1;
	case 'r':
		start(w, v, 1);
		return 1;
	}
	if (v->on_button)
		return 0;
	if (k == UI_KEY_LEFT || k == UI_KEY_RIGHT)
		return list_key(&v->c, v->nhosts, k == UI_KEY_LEFT ?
		    UI_KEY_UP : UI_KEY_DOWN);
	return list_key(&v->r, v->nrows, k);
}

static int
done(struct wiz *w)
{
	struct validate *v = w->priv;
	struct cell c;
	size_t r, h, bad = 0;

	if (v == NULL || v->status == NULL) {
		wiz_say(w, UI_WARN, "%s", _("Nothing has been read yet: r reads "
		    "what each host has bound."));
		return 0;
	}
	for (r = 0; r < v->nrows; r++)
		for (h = 0; h < v->nhosts; h++) {
			judge(v, r, h, &c);
			bad += c.mark == UI_MARK_ERR;
		}
	if (bad == 0)
		return 1;
	wiz_say(w, UI_ERR, ngettext("%zu cell is broken: fix it first "
	    "(Enter on it says how).", "%zu cells are broken: fix them first "
	    "(Enter on one says how).", bad), bad);
	v->on_button = 0;
	return 0;
}

const struct screen screen_validate = {
	.name = "validate",
	.step = N_("Validate"),
	.help = N_("Each host is read back: what its services have bound, "
	    "judged as meetcert verify does (the chain to its root, the dates, "
	    "the extensions the service needs: guide section 2), and each "
	    "port the service table lists (Web Bridge 3 443, c2w) is probed "
	    "to compare what it presents with what is bound: a port still "
	    "serving the old certificate needs its service restarted.\n"
	    "Marks: ok; ! to look at (expires within 30 days, files not the "
	    "plan's, a port presenting something else or not answering); x "
	    "broken (nothing bound, a chain that fails, a host not read, a "
	    "database node not connected).\n"
	    "Arrows pick a cell, Enter shows its details and the exact fix, p "
	    "probes again, r reads again, Tab then Enter goes on (not while "
	    "anything is broken)."),
	.keys = N_("Enter Details  p Probe  r Reread  Tab Done"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = wake,
	.leave = leave,
	.done = done,
};
