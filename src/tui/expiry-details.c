/* The Expiry screen: a row's cells and a certificate's details
 * (expiry-view.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expiry-view.h"
#include "i18n.h"
#include "validate.h"

enum ui_mark
ex_band_mark(enum mcert_band b)
{
	return b <= MCERT_BAND_30 ? UI_MARK_ERR : b == MCERT_BAND_OK ?
	    UI_MARK_OK : UI_MARK_WARN;
}

enum ui_style
ex_band_style(enum mcert_band b)
{
	return vl_mark_style(ex_band_mark(b));
}

enum mcert_band
ex_band(const json_t *e)
{
	return mcert_expiry_band((long)json_integer_value(json_object_get(e,
	    "days_left")));
}

const char *
ex_cn(const json_t *e, char *buf, size_t len)
{
	const char *subj = vl_str(e, "subject"), *cn = strstr(subj, "CN=");
	size_t n;

	if (cn == NULL || (cn != subj && cn[-1] != ' ' && cn[-1] != ',' &&
	    cn[-1] != '/')) {
		snprintf(buf, len, "%s", subj);
		return buf;
	}
	cn += 3;
	n = strcspn(cn, ",/");
	snprintf(buf, len, "%.*s", (int)n, cn);
	return buf;
}

/* A use's short name: the validation screen's column head, or the
 * database's certificate by its role. */
static const char *
use_head(const struct expiry *x, const json_t *e, const json_t *use)
{
	const struct mcert_service *s = mcert_service_get(x->svc, vl_str(use, "service"));
	const char *role = vl_str(use, "role");

	if (*role != '\0' && strcmp(vl_str(e, "kind"), "chain") == 0)
		return _("DB CA");
	if (strcmp(role, "server") == 0)
		return _("DB server");
	if (strcmp(role, "client") == 0)
		return _("DB client");
	return s != NULL ? vl_head(s) : vl_str(use, "service");
}

/* "first", or "first+N" when the list holds N more. */
static const char *
first_more(const char *first, size_t n, char *buf, size_t len)
{
	if (n > 1)
		snprintf(buf, len, "%s+%zu", first, n - 1);
	else
		snprintf(buf, len, "%s", first);
	return buf;
}

const char *
ex_services(const struct expiry *x, const json_t *e, char *buf, size_t len)
{
	const json_t *uses = json_object_get(e, "uses");

	return first_more(use_head(x, e, json_array_get(uses, 0)),
	    json_array_size(json_object_get(e, "services")), buf, len);
}

const char *
ex_files(const json_t *e, char *buf, size_t len)
{
	const json_t *files = json_object_get(e, "files");
	const char *f = json_string_value(json_array_get(files, 0));

	return first_more(f != NULL ? f : "-", json_array_size(files), buf,
	    len);
}

/* ---- the details */

static void
days_text(long days, char *buf, size_t len)
{
	if (days >= 0)
		snprintf(buf, len, ngettext("%ld day left", "%ld days left",
		    (unsigned long)days), days);
	else
		snprintf(buf, len, ngettext("expired %ld day ago",
		    "expired %ld days ago", (unsigned long)-days), -days);
}

static void
details_facts(struct expiry *x, const json_t *e, int hang)
{
	struct textview *t = &x->details;
	const json_t *v;
	char buf[2048];
	size_t i, n = 0;

	textview_label(t, UI_NORMAL, hang, _("Subject"), "%s", vl_str(e, "subject"));
	buf[0] = '\0';
	json_array_foreach(json_object_get(e, "san"), i, v)
		vl_catf(buf, sizeof(buf), &n, "%s%s", i > 0 ? ", " : "",
		    json_string_value(v));
	textview_label(t, UI_NORMAL, hang, _("SAN"), "%s", n > 0 ? buf : _("(none)"));
	textview_label(t, UI_NORMAL, hang, _("Issuer"), "%s", vl_str(e, "issuer"));
}

static void
details_expires(struct expiry *x, const json_t *e, int hang)
{
	enum mcert_band b = ex_band(e);
	char days[64];

	days_text((long)json_integer_value(json_object_get(e, "days_left")),
	    days, sizeof(days));
	textview_label(&x->details, ex_band_style(b), hang, _("Expires"), "%s %s (%s, "
	    "%s)", ui_mark_text(ex_band_mark(b)), vl_str(e, "not_after"), days,
	    _(mcert_expiry_band_words(b)));
}

/* The fingerprint in two rows of 16 bytes ("AA:...:PP"), which fit the
 * details at 80 columns. */
static void
details_sha256(struct expiry *x, const json_t *e, int hang)
{
	const char *sha = vl_str(e, "sha256");
	size_t n = strlen(sha);

	if (n == 0)
		return;
	if (n <= 48) {
		textview_label(&x->details, UI_DIM, hang, _("SHA-256"), "%s", sha);
		return;
	}
	textview_label(&x->details, UI_DIM, hang, _("SHA-256"), "%.47s", sha);
	textview_label(&x->details, UI_DIM, hang, "", "%s", sha + 48);
}

static void
details_chain(struct expiry *x, const json_t *e, int hang)
{
	struct textview *t = &x->details;
	const json_t *v;
	char days[64];
	size_t i;

	if (strcmp(vl_str(e, "kind"), "chain") == 0) {
		json_array_foreach(json_object_get(e, "issued"), i, v)
			textview_label(t, UI_NORMAL, hang, i == 0 ? _("Issued") : "", "%s",
			    json_string_value(v));
		return;
	}
	json_array_foreach(json_object_get(e, "chain"), i, v) {
		days_text((long)json_integer_value(json_object_get(v,
		    "days_left")), days, sizeof(days));
		textview_label(t, ex_band_style(ex_band(v)), hang, i == 0 ? _("Chain") : "",
		    _("%s, expires %s (%s)"), vl_str(v, "subject"), vl_str(v,
		    "not_after"), days);
	}
	if (json_is_true(json_object_get(e, "verified")))
		textview_label(t, UI_OK, hang, _("Verdict"), "%s %s", ui_mark_text(
		    UI_MARK_OK), _("verified: the chain, the dates and the "
		    "extensions each service needs"));
	else
		textview_label(t, UI_ERR, hang, _("Verdict"), "%s %s", ui_mark_text(
		    UI_MARK_ERR), vl_str(e, "why"));
}

/* Whether an earlier use of e names the same service and file (a chain's
 * CA under a database's server and client certificates). */
static int
seen_use(const json_t *e, size_t k)
{
	const json_t *uses = json_object_get(e, "uses"), *u, *v;
	size_t i;

	v = json_array_get(uses, k);
	for (i = 0; i < k; i++) {
		u = json_array_get(uses, i);
		if (strcmp(vl_str(u, "service"), vl_str(v, "service")) == 0 &&
		    strcmp(vl_str(u, "file"), vl_str(v, "file")) == 0)
			return 1;
	}
	return 0;
}

static void
details_uses(struct expiry *x, const json_t *e, int hang)
{
	int chain = strcmp(vl_str(e, "kind"), "chain") == 0;
	const json_t *u;
	const struct mcert_service *s;
	const char *role;
	size_t i;

	json_array_foreach(json_object_get(e, "uses"), i, u) {
		if (chain && seen_use(e, i))
			continue;
		s = mcert_service_get(x->svc, vl_str(u, "service"));
		role = chain ? "" : vl_str(u, "role");
		textview_label(&x->details, UI_NORMAL, hang, i == 0 ? _("Used by") : "",
		    "%s%s: %s", s != NULL ? s->name : vl_str(u, "service"),
		    strcmp(role, "server") == 0 ? _(", server certificate") :
		    strcmp(role, "client") == 0 ? _(", client certificate") : "",
		    vl_str(u, "file"));
	}
}

static const char *
what_to_do(const json_t *e)
{
	int chain = strcmp(vl_str(e, "kind"), "chain") == 0;

	if (json_is_true(json_object_get(e, "database")))
		return _("Renewing a database cluster certificate takes the "
		    "cluster down and up again (guide section 5.3): database "
		    "cluster remove on every node, the new certificates, "
		    "initialize on the primary, join on the other database "
		    "nodes, connect on the rest. Plan a maintenance window; Bind "
		    "runs these steps in this order and waits for every node.");
	if (chain)
		return _("A CA certificate in the chain of the certificates it "
		    "issued (above): get its renewed certificate from the CA's "
		    "owner and rebuild the bundles (Import, Bundles), or have "
		    "the certificates signed again by a CA that lasts longer.");
	return _("Go on (Tab, Enter) to renew it: the plan makes a new key "
	    "and certificate under new file names (the live ones stay as "
	    "they are until bound), then Signing, Bundles and Bind put it in "
	    "place on every host and service that uses it.");
}

void
ex_open_details(struct expiry *x)
{
	static const char *const labels[] = { N_("Subject"), N_("SAN"),
	    N_("Issuer"), N_("Expires"), N_("SHA-256"), N_("Issued"),
	    N_("Chain"), N_("Verdict"), N_("Used by"), N_("To do") };
	const json_t *e = json_array_get(x->list, x->sel);
	char title[600], cn[300];
	int hang = 0, t;
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < sizeof(labels) / sizeof(*labels); i++)
		if ((t = ui_width(_(labels[i])) + 2) > hang)
			hang = t;
	textview_clear(&x->details);
	x->details.follow = 0;
	snprintf(title, sizeof(title), "%s: %s%s", vl_str(e, "host"),
	    ex_cn(e, cn, sizeof(cn)), strcmp(vl_str(e, "kind"), "chain") == 0 ?
	    _(" (a CA in the chain)") : "");
	textview_add(&x->details, UI_TITLE, title);
	details_expires(x, e, hang);
	if (json_is_true(json_object_get(e, "database")))
		textview_label(&x->details, UI_WARN, hang, _("DB"), "%s", _("A database "
		    "cluster certificate."));
	if (ex_band(e) == MCERT_BAND_OK)
		textview_label(&x->details, UI_NORMAL, hang, _("To do"), "%s %s",
		    _("Nothing yet: it has more than 90 days left."),
		    what_to_do(e));
	else
		textview_label(&x->details, UI_NORMAL, hang, _("To do"), "%s",
		    what_to_do(e));
	textview_add(&x->details, UI_NORMAL, "");
	details_facts(x, e, hang);
	details_chain(x, e, hang);
	details_uses(x, e, hang);
	details_sha256(x, e, hang);
	x->viewing = 1;
}
