/* The Certificates screen: the plan's certificates, derived from the
 * deployment, with the layout, the key type and each certificate's CA to
 * choose, and the guide's rules checked again on every change. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keygen.h"
#include "screens.h"
#include "certs.h"
#include "widgets.h"

enum focus { F_LIST, F_LAYOUT, F_KEY, F_FINDINGS, F_NEXT, NFOCUS };

struct plan_screen {
	enum focus focus;
	size_t sel, top;
	struct textview findings;
	struct textview details;	/* shown while details is set */
	int details_open;
};

static const char *const usage_names[] = { N_("server"), N_("client"),
    N_("both"), N_("CA") };

/* The CAs a certificate may be signed by, in the order Left/Right walk
 * them: the database cluster's own are not chosen (guide §3.1.4: its CA
 * is dedicated to it), nor is a CA's. */
static const char *const ca_cycle[] = { "public", "internal", "self" };
#define NCYCLE (sizeof(ca_cycle) / sizeof(*ca_cycle))

static int
ca_editable(const struct mcert_plan_cert *c)
{
	return c->usage != MCERT_USAGE_CA && strcmp(c->ca, "dedicated") != 0;
}

static const char *
ca_label(const char *ca)
{
	if (strcmp(ca, "public") == 0)
		return _("public");
	if (strcmp(ca, "internal") == 0)
		return _("internal");
	if (strcmp(ca, "dedicated") == 0)
		return _("dedicated");
	if (strcmp(ca, "self") == 0)
		return _("self");
	return ca;
}

static void
fill_findings(struct wiz *w, struct plan_screen *p)
{
	size_t i, pass;
	char line[1200];
	const char *mark;

	textview_clear(&p->findings);
	if (w->plan == NULL)
		return;
	/* errors first: they stop the plan */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < w->plan->findings.n; i++) {
			const struct mcert_finding *f = &w->plan->findings.v[i];

			if ((pass == 0) != (f->level == MCERT_LEVEL_ERROR))
				continue;
			mark = ui_mark_text(f->level == MCERT_LEVEL_ERROR ?
			    UI_MARK_ERR : UI_MARK_WARN);
			snprintf(line, sizeof(line), "%s %s", mark, f->text);
			textview_add_hanging(&p->findings, f->level ==
			    MCERT_LEVEL_ERROR ? UI_ERR : UI_WARN,
			    ui_width(mark) + 1, line);
		}
	if (w->plan->findings.n == 0) {
		snprintf(line, sizeof(line), "%s %s", ui_mark_text(UI_MARK_OK),
		    _("The plan follows the guide's rules."));
		textview_add(&p->findings, UI_OK, line);
	}
}

static void
add_field(struct textview *t, const char *label, const char *value)
{
	char line[3072];

	snprintf(line, sizeof(line), "%-10s %s", label, value);
	textview_add_hanging(t, UI_NORMAL, 11, line);
}

static void
join(json_t *arr, char *buf, size_t sz)
{
	size_t i, o = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(arr, i, v)
		if (o < sz)
			o += (size_t)snprintf(buf + o, sz - o, "%s%s",
			    i ? ", " : "", json_string_value(v));
}

/* What the guide asks of a certificate for its use (§2.1, §2.2). */
static const char *
usage_rule(enum mcert_usage u)
{
	switch (u) {
	case MCERT_USAGE_SERVER:
		return _("a TLS server: EKU serverAuth, KeyUsage "
		    "digitalSignature, keyEncipherment or keyAgreement (guide "
		    "§2.2).");
	case MCERT_USAGE_CLIENT:
		return _("a TLS client: EKU clientAuth, KeyUsage "
		    "digitalSignature or keyAgreement (guide §2.2).");
	case MCERT_USAGE_BOTH:
		return _("a TLS server and client: EKU serverAuth and "
		    "clientAuth, KeyUsage digitalSignature (the Call Bridge's "
		    "WebRTC and CUCM trunks, guide §2.1, §2.2).");
	case MCERT_USAGE_CA:
		return _("a CA: CA:TRUE and keyCertSign; every certificate "
		    "above a leaf must be one (guide §2.2).");
	}
	return "";
}

static void
fill_details(struct wiz *w, struct plan_screen *p)
{
	const struct mcert_plan_cert *c = &w->plan->certs[p->sel];
	char buf[2048], *line;
	size_t i;
	json_t *v;

	textview_clear(&p->details);
	snprintf(buf, sizeof(buf), _("Certificate %s"), c->name);
	textview_add(&p->details, UI_TITLE, buf);
	add_field(&p->details, _("CN"), c->cn);
	if (json_array_size(c->san) == 0)
		add_field(&p->details, _("SAN"), _("(none)"));
	json_array_foreach(c->san, i, v)
		add_field(&p->details, i == 0 ? _("SAN") : "",
		    json_string_value(v));
	snprintf(buf, sizeof(buf), "%s: %s", _(usage_names[c->usage]),
	    usage_rule(c->usage));
	add_field(&p->details, _("Usage"), buf);
	add_field(&p->details, _("CA"), ca_label(c->ca));
	join(c->hosts, buf, sizeof(buf));
	add_field(&p->details, _("Hosts"), buf);
	join(c->services, buf, sizeof(buf));
	add_field(&p->details, _("Services"), buf);
	if (c->usage == MCERT_USAGE_CA || strcmp(c->ca, "self") == 0)
		snprintf(buf, sizeof(buf), "%s.key  %s.crt", c->name, c->name);
	else
		snprintf(buf, sizeof(buf), "%s.key  %s.csr  %s.crt", c->name,
		    c->name, c->name);
	add_field(&p->details, _("Files"), buf);
	textview_add(&p->details, UI_NORMAL, "");
	textview_add(&p->details, UI_TITLE, _("The same on a Meeting Server "
	    "(its MMP):"));
	if ((line = cert_pki_line(c)) != NULL) {
		textview_add_hanging(&p->details, UI_NORMAL, 2, line);
		free(line);
	}
	textview_add(&p->details, UI_DIM, _("pki appends the CN to the SAN "
	    "list itself, so the line lists the other names (guide §3.1)."));
	p->details.top = 0;
	p->details.follow = 0;
}

static void
enter(struct wiz *w)
{
	struct plan_screen *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return;
	w->priv = p;
	fill_findings(w, p);
}

static void
leave(struct wiz *w)
{
	struct plan_screen *p = w->priv;

	if (p == NULL)
		return;
	textview_clear(&p->findings);
	textview_clear(&p->details);
	free(p);
}

/* A choice "< value >" with the focus, else the value alone. */
static int
choice_draw(int row, int col, const char *value, int focus, int dim)
{
	if (focus)
		return ui_textf(row, col, UI_SELECTED, "< %s >", value);
	return ui_textf(row, col, dim ? UI_DIM : UI_NORMAL, "  %s  ", value);
}

/* The table's columns: the name as wide as the longest, the CN the rest. */
struct columns {
	int name, cn, usage, ca;
};

static void
columns(const struct mcert_plan *p, int cols, struct columns *c)
{
	size_t i;
	int w = 11;

	for (i = 0; i < p->ncerts; i++)
		if (ui_width(p->certs[i].name) > w)
			w = ui_width(p->certs[i].name);
	if (w > cols - 2 - 1 - 10 - 8 - 12)
		w = cols - 2 - 1 - 10 - 8 - 12;
	c->name = 2;
	c->cn = c->name + w + 1;
	c->usage = cols - 20;
	c->ca = cols - 12;
}

static void
draw_row(const struct mcert_plan_cert *c, const struct columns *col,
    int row, int sel, int focus)
{
	char cell[256];
	enum ui_style st = sel ? UI_SELECTED : UI_NORMAL;

	if (sel)
		ui_fill(row, 0, st);
	ui_text(row, 0, st, sel ? ui_mark_text(UI_MARK_CURRENT) : " ");
	ui_text(row, col->name, st, text_clip(cell, sizeof(cell), c->name,
	    col->cn - col->name - 1));
	ui_text(row, col->cn, st, text_clip(cell, sizeof(cell), c->cn,
	    col->usage - col->cn - 1));
	ui_text(row, col->usage, st, _(usage_names[c->usage]));
	if (sel && focus && ca_editable(c))
		ui_textf(row, col->ca - 1, UI_INPUT, "<%s>", ca_label(c->ca));
	else
		ui_text(row, col->ca, ca_editable(c) || sel ? st : UI_DIM,
		    ca_label(c->ca));
}

static void
draw_strip(const struct mcert_plan_cert *c, int row, int cols)
{
	char san[1024], hosts[512], line[1600];

	join(c->san, san, sizeof(san));
	join(c->hosts, hosts, sizeof(hosts));
	snprintf(line, sizeof(line), "%s %s", _("SAN"), json_array_size(c->san)
	    > 0 ? san : _("(none)"));
	ui_text(row, 2, UI_DIM, text_clip(san, sizeof(san), line, cols - 2));
	snprintf(line, sizeof(line), "%s %s", _("Hosts"), hosts);
	ui_text(row + 1, 2, UI_DIM, text_clip(san, sizeof(san), line,
	    cols - 2));
}

static void
draw(struct wiz *w)
{
	struct plan_screen *p = w->priv;
	struct columns col;
	int rows, cols, c, r, nlist, frows;
	size_t i, top;

	if (p == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (w->plan == NULL) {
		ui_wrap(0, 1, cols - 2, rows, UI_ERR, _("There is no plan: the "
		    "workspace has an error (see the message below); go back "
		    "and fix it."));
		return;
	}
	if (p->details_open) {
		textview_draw(&p->details, 0, 1, rows, cols - 2);
		return;
	}
	c = ui_text(0, 1, UI_TITLE, _("Layout"));
	c = choice_draw(0, c + 1, mcert_ws_layout_names[w->ws->layout],
	    p->focus == F_LAYOUT, 0);
	c = ui_text(0, c + 1, UI_TITLE, _("Key"));
	c = choice_draw(0, c + 1, mcert_keytype_name(w->ws->keytype),
	    p->focus == F_KEY, 0);
	button_draw(0, cols - ui_width(_("Next")) - 5, _("Next"),
	    p->focus == F_NEXT);
	columns(w->plan, cols, &col);
	ui_text(2, col.name, UI_TITLE, _("Certificate"));
	ui_text(2, col.cn, UI_TITLE, _("CN"));
	ui_text(2, col.usage, UI_TITLE, _("Usage"));
	ui_text(2, col.ca, UI_TITLE, _("CA"));
	/* the list gets what the findings leave, the findings at least 4 */
	frows = (int)p->findings.n > 0 ? 4 : 1;
	nlist = rows - 3 - 3 - 1 - frows;
	if (nlist > (int)w->plan->ncerts)
		nlist = (int)w->plan->ncerts;
	if (nlist < 1)
		nlist = 1;
	top = list_top(&p->top, p->sel, w->plan->ncerts, nlist);
	for (i = top, r = 3; i < w->plan->ncerts && r < 3 + nlist; i++, r++)
		draw_row(&w->plan->certs[i], &col, r, i == p->sel,
		    p->focus == F_LIST);
	if (w->plan->ncerts > (size_t)nlist)
		ui_textf(3 + nlist, cols - 12, UI_DIM, "%zu/%zu", p->sel + 1,
		    w->plan->ncerts);
	if (w->plan->ncerts > 0)
		draw_strip(&w->plan->certs[p->sel], 3 + nlist + 1, cols);
	r = 3 + nlist + 3;
	ui_textf(r, 1, p->focus == F_FINDINGS ? UI_SELECTED : UI_TITLE,
	    _("Findings: %zu error(s), %zu warning(s)"),
	    mcert_findings_count(&w->plan->findings, MCERT_LEVEL_ERROR),
	    mcert_findings_count(&w->plan->findings, MCERT_LEVEL_WARNING));
	textview_draw(&p->findings, r + 1, 2, rows - r - 1, cols - 3);
}

static void
changed(struct wiz *w, struct plan_screen *p, const char *what)
{
	size_t nerr;

	if (wiz_replan(w) != 0)
		return;
	if (p->sel >= w->plan->ncerts)
		p->sel = w->plan->ncerts > 0 ? w->plan->ncerts - 1 : 0;
	fill_findings(w, p);
	wiz_save(w);
	nerr = mcert_findings_count(&w->plan->findings, MCERT_LEVEL_ERROR);
	if (nerr > 0)
		wiz_say(w, UI_ERR, _("%s; rules checked: %zu error(s)"), what,
		    nerr);
	else
		wiz_say(w, UI_OK, _("%s; rules checked: no error"), what);
}

static int
cycle(int cur, int n, int dir)
{
	return (cur + dir + n) % n;
}

static const struct mcert_plan_cert *
find_cert(const struct mcert_plan *plan, const char *name)
{
	size_t i;

	for (i = 0; plan != NULL && i < plan->ncerts; i++)
		if (strcmp(plan->certs[i].name, name) == 0)
			return &plan->certs[i];
	return NULL;
}

static void
set_ca(struct wiz *w, struct plan_screen *p, int dir)
{
	const struct mcert_plan_cert *c = &w->plan->certs[p->sel];
	const char *want;
	json_t *certs, *o;
	char what[256], name[256];
	size_t i, cur = 0;

	if (!ca_editable(c)) {
		wiz_say(w, UI_WARN, c->usage == MCERT_USAGE_CA ?
		    _("%s is a CA made here: it signs itself") :
		    _("%s is signed by the database cluster's own CA, kept "
		    "for it alone (guide §3.1.4)"), c->name);
		return;
	}
	for (i = 0; i < NCYCLE; i++)
		if (strcmp(ca_cycle[i], c->ca) == 0)
			cur = i;
	want = ca_cycle[cycle((int)cur, (int)NCYCLE, dir)];
	snprintf(name, sizeof(name), "%s", c->name);
	if ((certs = json_object_get(w->ws->root, "certificates")) == NULL) {
		certs = json_object();
		json_object_set_new(w->ws->root, "certificates", certs);
	}
	if ((o = json_object_get(certs, name)) == NULL) {
		o = json_object();
		json_object_set_new(certs, name, o);
	}
	/* c->ca may point into the old value: c is not used from here on.
	 * A choice equal to what the plan derives is not kept, so the plan
	 * goes on deriving it. */
	json_object_del(o, "ca");
	if (wiz_replan(w) == 0 && ((c = find_cert(w->plan, name)) == NULL ||
	    strcmp(c->ca, want) != 0))
		json_object_set_new(o, "ca", json_string(want));
	if (json_object_size(o) == 0)
		json_object_del(certs, name);
	snprintf(what, sizeof(what), _("%s: CA %s"), name, ca_label(want));
	changed(w, p, what);
}

static int
key(struct wiz *w, int k)
{
	struct plan_screen *p = w->priv;
	int dir = k == UI_KEY_LEFT ? -1 : k == UI_KEY_RIGHT || k == ' ' ? 1 :
	    0, v;
	char what[128];

	if (p == NULL || w->plan == NULL)
		return 0;
	if (p->details_open) {
		if (textview_key(&p->details, k))
			return 1;
		if (k == UI_KEY_ENTER || k == UI_KEY_ESC || k == UI_KEY_LEFT) {
			p->details_open = 0;
			return 1;
		}
		return k != UI_KEY_F1 && k != UI_KEY_F10 && k != 'q';
	}
	if (k == UI_KEY_TAB || k == UI_KEY_BTAB) {
		p->focus = (enum focus)cycle((int)p->focus, NFOCUS,
		    k == UI_KEY_TAB ? 1 : -1);
		return 1;
	}
	switch (p->focus) {
	case F_LIST:
		if (list_key(&p->sel, w->plan->ncerts, k))
			return 1;
		if (dir != 0 && w->plan->ncerts > 0) {
			set_ca(w, p, dir);
			return 1;
		}
		if (k == UI_KEY_ENTER && w->plan->ncerts > 0) {
			fill_details(w, p);
			p->details_open = 1;
			return 1;
		}
		break;
	case F_LAYOUT:
		if (dir == 0)
			break;
		v = cycle((int)w->ws->layout, 3, dir);
		json_object_set_new(w->ws->root, "layout",
		    json_string(mcert_ws_layout_names[v]));
		snprintf(what, sizeof(what), _("Layout %s"),
		    mcert_ws_layout_names[v]);
		p->sel = 0;
		changed(w, p, what);
		return 1;
	case F_KEY:
		if (dir == 0)
			break;
		v = cycle((int)w->ws->keytype, MCERT_KEY_EC384 + 1, dir);
		json_object_set_new(w->ws->root, "key", json_string(
		    mcert_keytype_name((enum mcert_keytype)v)));
		snprintf(what, sizeof(what), _("Key %s for keys not made yet"),
		    mcert_keytype_name((enum mcert_keytype)v));
		changed(w, p, what);
		return 1;
	case F_FINDINGS:
		if (textview_key(&p->findings, k))
			return 1;
		break;
	default:
		break;
	}
	return 0;
}

static int
done(struct wiz *w)
{
	size_t nerr;

	if (w->plan == NULL) {
		wiz_say(w, UI_ERR, "%s", _("There is no plan: fix the "
		    "workspace first"));
		return 0;
	}
	nerr = mcert_findings_count(&w->plan->findings, MCERT_LEVEL_ERROR);
	if (nerr > 0) {
		wiz_say(w, UI_ERR, _("The plan has %zu error(s), under "
		    "Findings: fix them first (Esc goes back)"), nerr);
		return 0;
	}
	return 1;
}

const struct screen screen_plan = {
	.name = "plan",
	.step = N_("Certificates"),
	.help = N_("Derived from the deployment, not typed. Each service "
	    "needs a certificate whose use matches it (guide §2.1, §2.2): a "
	    "TLS server needs EKU serverAuth and KeyUsage digitalSignature "
	    "or keyEncipherment, a client clientAuth, the Call Bridge both. "
	    "The SAN holds every name clients use (§3.1): the server's FQDN, "
	    "the cluster FQDN, the join URL, the c2w host; the CN is in the "
	    "SAN too, as browsers ignore the CN. The database cluster has "
	    "its own CA, used for nothing else (§3.1.4), so that only its "
	    "nodes can join it.\nTab moves between the list, Layout, Key, "
	    "the findings and Next. Left/Right changes the layout (per "
	    "server, per service, one for all), the key type, or the CA of "
	    "the certificate chosen: public for what browsers reach, "
	    "internal, or self-signed for a lab. The rules run again on "
	    "every change. Enter on a certificate shows all its names and "
	    "its pki csr line."),
	.keys = N_("Tab Field  Left/Right Change  Enter Details"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.done = done,
};
