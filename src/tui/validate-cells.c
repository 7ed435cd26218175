/* The validation screen: judging a cell and its details (validate.h). */
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

#include "validate.h"

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

const char *
vl_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* Appends to buf, *n its length so far; a full buffer stays as it is. */

void
vl_catf(char *buf, size_t len, size_t *n, const char *fmt, ...)
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

const char *
vl_head(const struct mcert_service *s)
{
	size_t i;

	if (s == NULL)
		return _("DB cluster");
	for (i = 0; i < sizeof(heads) / sizeof(*heads); i++)
		if (strcmp(heads[i].id, s->id) == 0)
			return _(heads[i].head);
	return s->name;
}

int
vl_planned_on(const struct mcert_plan *plan, const char *label, const char *id)
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
void
vl_plan_commands(const struct validate *v, const char *label, const char *id,
    char *buf, size_t len)
{
	size_t i, n = 0;

	*buf = '\0';
	for (i = 0; i < v->plan->nsteps; i++)
		if (strcmp(v->plan->steps[i].host, label) == 0 &&
		    strcmp(v->plan->steps[i].service, id) == 0)
			vl_catf(buf, len, &n, "%s%s", n > 0 ? "; " : "",
			    v->plan->steps[i].command);
}

/* What makes a service load its files again. */
void
vl_restart_commands(const struct mcert_service *s, char *buf, size_t len)
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
		if (strcmp(vl_str(h, "host"), label) == 0)
			return h;
	return NULL;
}

static const json_t *
service_status(const json_t *h, const char *id)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(h, "services"), i, s)
		if (strcmp(vl_str(s, "service"), id) == 0)
			return s;
	return NULL;
}

static const char *
leaf_file(const json_t *s)
{
	const json_t *f = json_object_get(s, "files");

	return json_object_get(f, "cert") != NULL ? vl_str(f, "cert") :
	    vl_str(f, "fullchain");
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
		return strcmp(vl_str(loc, "sha256"), vl_str(pr, "sha256")) == 0;
	return strcmp(vl_str(c, "subject"), vl_str(pr, "subject")) == 0 &&
	    strcmp(vl_str(c, "issuer"), vl_str(pr, "issuer")) == 0 &&
	    strcmp(vl_str(c, "not_after"), vl_str(pr, "not_after")) == 0;
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
			    "way; then p probes again."), "%s", vl_str(pr,
			    "error"));
		else if (!same_as_bound(v, ss, pr)) {
			vl_restart_commands(s, cmd, sizeof(cmd));
			snprintf(fix, sizeof(fix), _("Restart it on %s's MMP: "
			    "%s. A service serves the files it loaded when it "
			    "started; then p probes again."), label, cmd);
			if (strcmp(vl_str(pr, "subject"), vl_str(json_object_get(ss,
			    "certificate"), "subject")) == 0)
				problem(c, UI_MARK_WARN, fix, _("Port %d presents "
				    "another certificate of the same name (SHA-256 "
				    "%.23s...), not the one bound."), port,
				    vl_str(pr, "sha256"));
			else
				problem(c, UI_MARK_WARN, fix, _("Port %d presents "
				    "%s (expires %s), not the certificate bound."),
				    port, vl_str(pr, "subject"), vl_str(pr,
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

	if (!vl_planned_on(v->plan, label, s->id))
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
		    h != NULL ? vl_str(h, "error") :
		    _("The host was not read."));
		return;
	}
	if ((ss = service_status(h, s->id)) == NULL)
		return;
	verdict = vl_str(ss, "verdict");
	cert = json_object_get(ss, "certificate");
	planned = json_is_true(json_object_get(ss, "planned"));
	days = json_integer_value(json_object_get(cert, "days_left"));
	vl_plan_commands(v, label, s->id, cmds, sizeof(cmds));
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
		    "again.") : fix, "%s", vl_str(cert, "why"));
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
		    _("It expires in %lld days (%s)."), days, vl_str(cert,
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
			    vl_str(cert, "not_after"), days);
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
		    vl_str(h, "error") : _("The database cluster's status was not "
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
		    "connected."), vl_str(db, "status"), total);
		return;
	}
	problem(c, UI_MARK_ERR, _("Run 'database cluster status' on each node. "
	    "A node left Connecting usually holds certificates from another CA "
	    "than the cluster's own; Bind again (r) resumes the join where it "
	    "stopped."), _("Status %s: %zu of %zu nodes connected."),
	    vl_str(db, "status"), up, total > want ? total : want);
}

void
vl_judge(const struct validate *v, size_t r, size_t h, struct cell *c)
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

enum ui_style
vl_mark_style(enum ui_mark m)
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
		vl_catf(buf, sizeof(buf), &n, "%s%s %s", n > 0 ? ", " : "", k,
		    json_string_value(x));
	if (ss != NULL)
		textview_label(t, UI_NORMAL, hang, _("Bound"), "%s%s", n > 0 ? buf :
		    _("nothing"), n == 0 ? "" : json_is_true(json_object_get(
		    ss, "planned")) ? _(" (the plan's files)") :
		    _(" (not the plan's files)"));
	if (json_is_boolean(json_object_get(ss, "enabled")))
		textview_label(t, UI_NORMAL, hang, _("Enabled"), "%s", json_is_true(
		    json_object_get(ss, "enabled")) ? _("yes") : _("no"));
	if (json_object_get(cert, "subject") != NULL) {
		textview_label(t, UI_NORMAL, hang, _("Subject"), "%s", vl_str(cert,
		    "subject"));
		buf[0] = '\0';
		n = 0;
		json_array_foreach(json_object_get(cert, "san"), i, x)
			vl_catf(buf, sizeof(buf), &n, "%s%s", i > 0 ? ", " : "",
			    json_string_value(x));
		textview_label(t, UI_NORMAL, hang, _("SAN"), "%s", n > 0 ? buf :
		    _("(none)"));
		textview_label(t, UI_NORMAL, hang, _("Issuer"), "%s", vl_str(cert, "issuer"));
		textview_label(t, UI_NORMAL, hang, _("Expires"), _("%s (%lld days left)"),
		    vl_str(cert, "not_after"), (long long)json_integer_value(
		    json_object_get(cert, "days_left")));
	}
	if (json_is_object(cert)) {
		if (json_is_true(json_object_get(cert, "verified"))) {
			n = 0;
			vl_catf(buf, sizeof(buf), &n, "%s", _("verified to"));
			json_array_foreach(json_object_get(cert, "chain"), i, x)
				vl_catf(buf, sizeof(buf), &n, _(" %s (expires %s)"),
				    vl_str(x, "subject"), vl_str(x, "not_after"));
			textview_label(t, UI_OK, hang, _("Chain"), "%s %s",
			    ui_mark_text(UI_MARK_OK), buf);
		} else
			textview_label(t, UI_ERR, hang, _("Chain"), "%s %s",
			    ui_mark_text(UI_MARK_ERR), vl_str(cert, "why"));
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
			textview_label(t, UI_NORMAL, hang, _("Rules"), "%s",
			    _(rules[s->role]));
		if (json_is_true(json_object_get(ss, "planned")) &&
		    json_object_get(loc, "ext") != NULL)
			textview_label(t, UI_NORMAL, hang, _("Has"), "%s", vl_str(loc, "ext"));
		if (json_is_object(cert))
			textview_label(t, json_is_true(json_object_get(cert, "verified")) ?
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
			textview_label(t, UI_WARN, hang, ref, "%s %s", ui_mark_text(
			    UI_MARK_WARN), vl_str(pr, "error"));
		else if (same_as_bound(v, ss, pr))
			textview_label(t, UI_OK, hang, ref, _("%s presents the certificate "
			    "bound (%s, %s); SHA-256 %s"), ui_mark_text(
			    UI_MARK_OK), vl_str(pr, "protocol"), vl_str(pr, "cipher"),
			    vl_str(pr, "sha256"));
		else
			textview_label(t, UI_WARN, hang, ref, _("%s presents %s, issued by "
			    "%s, expiring %s (%s); SHA-256 %s"), ui_mark_text(
			    UI_MARK_WARN), vl_str(pr, "subject"), vl_str(pr, "issuer"),
			    vl_str(pr, "not_after"), vl_str(pr, "ext"), vl_str(pr,
			    "sha256"));
	}
	if (s->guide != NULL) {
		guide_ref(s->guide, ref, sizeof(ref));
		textview_label(t, UI_DIM, hang, _("Guide"), "%s", ref);
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
	textview_label(&v->details, UI_NORMAL, hang, _("Status"), "%s", vl_str(db, "status"));
	json_array_foreach(json_object_get(db, "nodes"), i, n)
		textview_label(&v->details, json_is_true(json_object_get(n, "connected")) ?
		    UI_OK : UI_ERR, hang, i == 0 ? _("Nodes") : "", "%s %s %s",
		    ui_mark_text(json_is_true(json_object_get(n, "connected")) ?
		    UI_MARK_OK : UI_MARK_ERR), vl_str(n, "address"), vl_str(n,
		    "state"));
}

void
vl_open_details(struct validate *v)
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
	vl_judge(v, v->r, v->c, &c);
	snprintf(title, sizeof(title), "%s: %s", label, s != NULL ? s->name :
	    _("Database cluster"));
	textview_add(&v->details, UI_TITLE, title);
	if (s != NULL)
		details_service(v, label, s, hang);
	else
		details_db(v, label, hang);
	textview_add(&v->details, UI_NORMAL, "");
	if (c.mark == UI_MARK_NONE && c.np == 0)
		textview_add(&v->details, UI_DIM, s != NULL && !vl_planned_on(
		    v->plan, label, s->id) ? _("The plan binds nothing for this "
		    "service on this host.") : _("Not read yet."));
	if (c.good[0] != '\0')
		textview_label(&v->details, UI_OK, 1 + ui_width(ui_mark_text(UI_MARK_OK)),
		    ui_mark_text(UI_MARK_OK), "%s", c.good);
	for (i = 0; i < c.np; i++) {
		textview_label(&v->details, vl_mark_style(c.p[i].mark), 1 + ui_width(
		    ui_mark_text(c.p[i].mark)), ui_mark_text(c.p[i].mark), "%s",
		    c.p[i].text);
		textview_label(&v->details, UI_NORMAL, hang, _("Fix"), "%s", c.p[i].fix);
	}
	v->viewing = 1;
}

