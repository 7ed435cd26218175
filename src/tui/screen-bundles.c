/* The Bundles screen: every bundle of the plan that can be built, built
 * (mcert_make, in a background job), each previewed with the certificates
 * in it and its chain verified as the service will use it; what is still
 * missing, with what to do. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "files.h"
#include "i18n.h"
#include "load.h"
#include "screens.h"
#include "verify.h"
#include "certs.h"
#include "widgets.h"
#include "x509.h"

enum kind { K_FULLCHAIN, K_ISSUERS, K_TRUST };

struct preview {
	const char *file;	/* borrowed from the plan */
	enum kind kind;
	const struct mcert_plan_cert *cert;	/* whose chain; NULL: trust */
	int present;
	enum ui_mark mark;
	struct textview text;	/* certificates, verdict, what to do */
};

struct bundles_screen {
	size_t sel, top;
	struct preview *v;
	size_t n;
	struct textview log;	/* the job's progress */
	struct make_job *mj;
	struct mcert_findings waits;	/* from the last build */
	int built;
	char error[1024];	/* why the last build stopped */
};

static const struct mcert_plan_cert *
plan_cert(const struct mcert_plan *p, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < p->ncerts; i++)
		if (strcmp(p->certs[i].name, name) == 0)
			return &p->certs[i];
	return NULL;
}

static const char *
kind_label(enum kind k)
{
	switch (k) {
	case K_FULLCHAIN:
		return _("full chain");
	case K_ISSUERS:
		return _("CA bundle");
	case K_TRUST:
		return _("trust");
	}
	return "";
}

static void
previews_free(struct bundles_screen *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		textview_clear(&b->v[i].text);
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

static void
say_mark(struct textview *t, enum ui_mark m, enum ui_style st,
    const char *text)
{
	char line[1400];

	snprintf(line, sizeof(line), "%s %s", ui_mark_text(m), text);
	textview_add_hanging(t, st, ui_width(ui_mark_text(m)) + 1, line);
}

/* What the bundle is for, as its first line. */
static void
say_what(struct preview *p)
{
	char line[512];

	if (p->kind == K_TRUST)
		snprintf(line, sizeof(line), "%s", _("The certificates a "
		    "service trusts, each one named:"));
	else if (p->cert == NULL)
		snprintf(line, sizeof(line), "%s", _("A chain:"));
	else if (p->kind == K_FULLCHAIN)
		snprintf(line, sizeof(line), _("%s.crt, then its issuers, the "
		    "root last:"), p->cert->name);
	else
		snprintf(line, sizeof(line), _("The issuers of %s.crt, the "
		    "root last:"), p->cert->name);
	textview_add(&p->text, UI_TITLE, line);
}

/* The certificates of the bundle, numbered, in their order; a trust
 * bundle's with the plan's names they were made from (names, in the
 * same order). */
static void
list_certs(struct preview *p, const struct mcert_cert *c, size_t n,
    json_t *names)
{
	char line[1200], from[300], *subj;
	size_t i;

	for (i = 0; i < n; i++) {
		subj = mcert_name_oneline(X509_get_subject_name(c[i].x509));
		from[0] = '\0';
		if (p->kind == K_TRUST && i < json_array_size(names))
			snprintf(from, sizeof(from), " (%s.crt)",
			    json_string_value(json_array_get(names, i)));
		else if (mcert_is_self_signed(c[i].x509) == 1)
			snprintf(from, sizeof(from), "%s", _(" (root)"));
		snprintf(line, sizeof(line), "%2zu. %s%s", i + 1, subj ? subj :
		    "?", from);
		textview_add_hanging(&p->text, UI_NORMAL, 4, line);
		free(subj);
	}
}

/* Verifies leaf through untrusted to a self-signed anchor, for each role
 * its usage asks (guide §2.2); the verdict goes into p. */
static void
verify_chain(struct preview *p, const struct mcert_cert *leaf,
    const struct mcert_cert *pool, size_t n)
{
	static const enum mcert_role both[] = { MCERT_ROLE_SERVER,
	    MCERT_ROLE_CLIENT };
	struct mcert_cert *untrusted, *anchors;
	size_t nu = 0, na = 0, i, nroles = 1, r;
	enum mcert_role roles[2] = { MCERT_ROLE_ANY, MCERT_ROLE_ANY };
	char line[1200];
	int ok = 1;

	untrusted = calloc(n + 1, sizeof(*untrusted));
	anchors = calloc(n + 1, sizeof(*anchors));
	if (untrusted == NULL || anchors == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (mcert_is_self_signed(pool[i].x509) == 1)
			anchors[na++] = pool[i];
		else
			untrusted[nu++] = pool[i];
	}
	switch (p->cert->usage) {
	case MCERT_USAGE_SERVER:
		roles[0] = MCERT_ROLE_SERVER;
		break;
	case MCERT_USAGE_CLIENT:
		roles[0] = MCERT_ROLE_CLIENT;
		break;
	case MCERT_USAGE_BOTH:
		roles[0] = both[0];
		roles[1] = both[1];
		nroles = 2;
		break;
	case MCERT_USAGE_CA:
		break;
	}
	if (na == 0) {
		p->mark = UI_MARK_ERR;
		say_mark(&p->text, UI_MARK_ERR, UI_ERR, _("No root: the bundle "
		    "must end with the self-signed root (guide §1.2.4); import "
		    "the CA's chain up to its root"));
		goto out;
	}
	for (r = 0; r < nroles && ok; r++) {
		struct mcert_verify_opts vo = { roles[r], NULL, 0, 0, -1, NULL,
		    0 };
		struct mcert_verify_result res;
		struct mcert_error err = { 0 };

		memset(&res, 0, sizeof(res));
		if (mcert_verify(leaf, untrusted, nu, anchors, na, &vo, &res,
		    &err) != MCERT_OK) {
			say_mark(&p->text, UI_MARK_ERR, UI_ERR, err.msg);
			ok = 0;
			p->mark = UI_MARK_ERR;
			break;
		}
		if (!res.ok) {
			ok = 0;
			p->mark = UI_MARK_ERR;
			say_mark(&p->text, UI_MARK_ERR, UI_ERR, res.findings.n >
			    0 ? res.findings.v[0].text : _("the chain does not "
			    "verify"));
		}
		for (i = 0; i < res.findings.n; i++)
			if (res.findings.v[i].level == MCERT_LEVEL_WARNING) {
				say_mark(&p->text, UI_MARK_WARN, UI_WARN,
				    res.findings.v[i].text);
				if (p->mark == UI_MARK_OK)
					p->mark = UI_MARK_WARN;
			}
		mcert_verify_result_free(&res);
	}
	if (ok) {
		snprintf(line, sizeof(line),
		    p->cert->usage == MCERT_USAGE_BOTH ?
		    _("Verified to its root for a TLS server and client (%s)") :
		    p->cert->usage == MCERT_USAGE_SERVER ? _("Verified to its "
		    "root for a TLS server (%s)") : p->cert->usage ==
		    MCERT_USAGE_CLIENT ? _("Verified to its root for a TLS "
		    "client (%s)") : _("Verified to its root (%s)"),
		    p->cert->name);
		say_mark(&p->text, UI_MARK_OK, UI_OK, line);
	}
out:
	free(untrusted);
	free(anchors);
}

static void
judge(struct wiz *w, struct preview *p, json_t *names)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL, *lf = NULL;
	struct mcert_cert *certs = NULL, *pool = NULL;
	const struct mcert_object *lo;
	struct mcert_findings valid = { NULL, 0 };
	char path[4096];
	size_t n = 0, npool = 0, i;

	snprintf(path, sizeof(path), "%s/%s", wiz_dir(w), p->file);
	if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) !=
	    MCERT_OK || mcert_file_certs(f, &certs, &n, &err) != MCERT_OK) {
		p->mark = UI_MARK_ERR;
		say_mark(&p->text, UI_MARK_ERR, UI_ERR, err.msg);
		goto out;
	}
	say_what(p);
	list_certs(p, certs, n, names);
	p->mark = UI_MARK_OK;
	if (p->kind == K_TRUST) {
		snprintf(path, sizeof(path), _("%zu certificate(s) to trust, "
		    "each one named (guide §4.4.1)"), n);
		say_mark(&p->text, UI_MARK_OK, UI_OK, path);
	} else if (p->cert == NULL) {
		p->mark = UI_MARK_WARN;
		say_mark(&p->text, UI_MARK_WARN, UI_WARN, _("not a certificate "
		    "of the plan: not verified"));
	} else if (p->kind == K_FULLCHAIN) {
		if (n > 0)
			verify_chain(p, &certs[0], certs + 1, n - 1);
	} else {
		/* the certificate, then the issuers bound beside it */
		snprintf(path, sizeof(path), "%s/%s.crt", wiz_dir(w),
		    p->cert->name);
		if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &lf,
		    &err) != MCERT_OK || (lo = mcert_file_first(lf,
		    MCERT_KIND_CERT)) == NULL) {
			p->mark = UI_MARK_ERR;
			say_mark(&p->text, UI_MARK_ERR, UI_ERR, err.msg[0] ?
			    err.msg : _("its certificate cannot be read"));
			goto out;
		}
		if (mcert_file_certs(lf, &pool, &npool, &err) == MCERT_OK &&
		    mcert_file_certs(f, &pool, &npool, &err) == MCERT_OK)
			verify_chain(p, &pool[0], pool + 1, npool - 1);
	}
	if (n == 0) {
		p->mark = UI_MARK_ERR;
		say_mark(&p->text, UI_MARK_ERR, UI_ERR, _("It is empty: put "
		    "the certificates it must trust in it"));
	}
	mcert_bundle_validity_findings(certs, n, time(NULL), &valid);
	for (i = 0; i < valid.n; i++) {
		say_mark(&p->text, UI_MARK_WARN, UI_WARN, valid.v[i].text);
		if (p->mark == UI_MARK_OK)
			p->mark = UI_MARK_WARN;
	}
	mcert_findings_free(&valid);
out:
	free(certs);
	free(pool);
	mcert_file_free(f);
	mcert_file_free(lf);
}

/* What a missing bundle waits for, and what to do. */
static void
missing(struct wiz *w, struct bundles_screen *b, struct preview *p,
    json_t *names)
{
	char path[4096], line[1400];
	size_t i, flen = strlen(p->file);
	json_t *v;
	int said = 0;

	p->mark = UI_MARK_ERR;
	for (i = 0; i < b->waits.n; i++)
		if (strncmp(b->waits.v[i].text, p->file, flen) == 0 &&
		    b->waits.v[i].text[flen] == ' ') {
			say_mark(&p->text, UI_MARK_ERR, UI_ERR,
			    b->waits.v[i].text);
			said = 1;
		}
	if (!said)
		say_mark(&p->text, UI_MARK_ERR, UI_ERR, _("Not built yet."));
	json_array_foreach(names, i, v) {
		snprintf(path, sizeof(path), "%s/%s.crt", wiz_dir(w),
		    json_string_value(v));
		if (!mcert_path_exists(path)) {
			snprintf(line, sizeof(line), _("To do: sign %s.csr "
			    "(Signing) or import what its CA returned "
			    "(Import)."), json_string_value(v));
			textview_add_hanging(&p->text, UI_NORMAL, 2, line);
			return;
		}
	}
	if (p->kind != K_TRUST)
		textview_add_hanging(&p->text, UI_NORMAL, 2, _("To do: import "
		    "a file holding the certificate with all its issuers up "
		    "to the root (Import); they become its -bundle.pem."));
	else
		textview_add_hanging(&p->text, UI_NORMAL, 2, _("To do: put the "
		    "certificates it must trust in the folder under this "
		    "name."));
}

static void
build_previews(struct wiz *w, struct bundles_screen *b)
{
	const char *file;
	char path[4096];
	json_t *o, *names;
	size_t i = 0;

	previews_free(b);
	if (w->plan == NULL || (b->v = calloc(json_object_size(
	    w->plan->bundles) + 1, sizeof(*b->v))) == NULL)
		return;
	json_object_foreach(w->plan->bundles, file, o) {
		struct preview *p = &b->v[i++];
		const char *kind = json_string_value(json_object_get(o,
		    "kind"));

		names = json_object_get(o, "certificates");
		p->file = file;
		p->kind = strncmp(kind, "fullchain", 9) == 0 ? K_FULLCHAIN :
		    strncmp(kind, "trust", 5) == 0 ? K_TRUST : K_ISSUERS;
		p->cert = p->kind == K_TRUST ? NULL : plan_cert(w->plan,
		    json_string_value(json_array_get(names, 0)));
		snprintf(path, sizeof(path), "%s/%s", wiz_dir(w), file);
		p->present = mcert_path_exists(path);
		if (p->present)
			judge(w, p, names);
		else {
			say_what(p);
			missing(w, b, p, names);
		}
	}
	b->n = i;
	if (b->sel >= b->n)
		b->sel = 0;
}

static size_t
count(const struct bundles_screen *b, int present)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->v[i].present == present;
	return n;
}

static void
start(struct wiz *w, struct bundles_screen *b)
{
	if (w->job.running || (b->mj = make_job_new(w, NULL, 0)) == NULL)
		return;
	textview_clear(&b->log);
	b->log.follow = 1;
	textview_add(&b->log, UI_TITLE, _("Building the bundles..."));
	if (make_job_start(w, b->mj) != 0) {
		make_job_free(b->mj);
		b->mj = NULL;
	}
}

static void
enter(struct wiz *w)
{
	struct bundles_screen *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return;
	w->priv = b;
	if (w->plan != NULL)
		start(w, b);
}

static void
leave(struct wiz *w)
{
	struct bundles_screen *b = w->priv;

	if (b == NULL)
		return;
	make_job_free(b->mj);
	previews_free(b);
	textview_clear(&b->log);
	mcert_findings_free(&b->waits);
	free(b);
}

static void
finished(struct wiz *w, struct bundles_screen *b)
{
	size_t i, nmade = b->mj->nmade;
	int failed = b->mj->failed, cancelled = b->mj->cancelled;

	mcert_findings_free(&b->waits);
	b->waits = b->mj->findings;	/* taken over */
	memset(&b->mj->findings, 0, sizeof(b->mj->findings));
	snprintf(b->error, sizeof(b->error), "%s", failed ? b->mj->err.msg :
	    "");
	make_job_free(b->mj);
	b->mj = NULL;
	b->built = 1;
	build_previews(w, b);
	if (failed)
		wiz_say(w, UI_ERR, "%s", _("Building stopped on an error: see "
		    "below"));
	else if (cancelled)
		wiz_say(w, UI_WARN, "%s", _("Stopped: the bundles were not "
		    "built; come back to this step to build them"));
	else if (count(b, 0) > 0)
		wiz_say(w, UI_WARN, _("%zu bundle(s) made now; %zu still "
		    "missing"), nmade, count(b, 0));
	else
		wiz_say(w, UI_OK, _("Every bundle is there (%zu made now)"),
		    nmade);
	for (i = 0; i < b->n; i++)
		if (b->v[i].mark == UI_MARK_ERR && b->v[i].present) {
			wiz_say(w, UI_ERR, _("%s does not verify: see below"),
			    b->v[i].file);
			break;
		}
}

static void
wake(struct wiz *w)
{
	struct bundles_screen *b = w->priv;
	int fin;

	(void)job_lines(w, b != NULL ? &b->log : NULL, &fin);
	if (fin && b != NULL && b->mj != NULL)
		finished(w, b);
}

static void
draw(struct wiz *w)
{
	struct bundles_screen *b = w->priv;
	char cell[256];
	int rows, cols, r, nlist, first;
	size_t i, top;

	if (b == NULL || w->plan == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (!b->built) {
		ui_text(0, 1, UI_TITLE, w->job.running ? _("Building the "
		    "bundles... (Esc stops)") : _("Not built"));
		textview_draw(&b->log, 1, 1, rows - 1, cols - 2);
		return;
	}
	if (b->n == 0) {
		ui_text(0, 1, UI_NORMAL, _("The plan has no bundle."));
		return;
	}
	ui_textf(0, 1, UI_TITLE, _("%zu bundle(s): %zu there, %zu missing"),
	    b->n, count(b, 1), count(b, 0));
	first = 1;
	if (b->error[0] != '\0')
		first += ui_wrap(1, 1, cols - 2, 3, UI_ERR, b->error);
	nlist = (int)b->n;
	if (nlist > rows / 2 - first)
		nlist = rows / 2 - first;
	top = list_top(&b->top, b->sel, b->n, nlist);
	if (b->n > (size_t)nlist)
		ui_textf(0, cols - 8, UI_DIM, "%zu/%zu", b->sel + 1, b->n);
	for (i = top, r = first; i < b->n && r < first + nlist; i++, r++) {
		enum ui_style st = i == b->sel ? UI_SELECTED : UI_NORMAL;

		if (st == UI_SELECTED)
			ui_fill(r, 0, st);
		ui_mark(r, 0, b->v[i].mark);
		ui_text(r, ui_width(ui_mark_text(UI_MARK_ERR)) + 1, st,
		    text_clip(cell, sizeof(cell), b->v[i].file, cols - 18));
		ui_text(r, cols - 11, st == UI_SELECTED ? st : UI_DIM,
		    kind_label(b->v[i].kind));
	}
	r = first + nlist;
	ui_hline(r, 0, cols);
	textview_draw(&b->v[b->sel].text, r + 1, 1, rows - r - 1, cols - 2);
}

static int
key(struct wiz *w, int k)
{
	struct bundles_screen *b = w->priv;

	if (b == NULL || !b->built)
		return 0;
	if (list_key(&b->sel, b->n, k)) {
		if (b->n > 0)
			b->v[b->sel].text.top = 0;
		return 1;
	}
	if (b->n > 0 && (k == UI_KEY_LEFT || k == UI_KEY_RIGHT)) {
		return textview_key(&b->v[b->sel].text, k == UI_KEY_LEFT ?
		    UI_KEY_UP : UI_KEY_DOWN);
	}
	return 0;
}

static int
done(struct wiz *w)
{
	struct bundles_screen *b = w->priv;
	size_t i;

	if (b == NULL || !b->built) {
		wiz_say(w, UI_WARN, "%s", _("Wait for the bundles to be "
		    "built"));
		return 0;
	}
	for (i = 0; i < b->n; i++)
		if (!b->v[i].present) {
			b->sel = i;
			wiz_say(w, UI_ERR, _("%s is still missing: see what to "
			    "do below"), b->v[i].file);
			return 0;
		}
	return 1;
}

const struct screen screen_bundles = {
	.name = "bundles",
	.step = N_("Bundles"),
	.help = N_("The Meeting Server takes each certificate with the chain "
	    "that proves it, in the guide's format (§1.2.4): PEM, LF, no "
	    "blank lines, the certificate first, the root last, each "
	    "certificate followed by the one that signed it. Web Bridge 3 "
	    "and MeetingApps take a full chain; callbridge, webadmin and "
	    "turn take the issuers as a CA bundle; a trust bundle names each "
	    "certificate a service accepts (the Web Admin certificates for "
	    "the cluster, each side's for c2w).\nEvery bundle that can be "
	    "built is built when this step opens, and shown with its "
	    "certificates in order, its chain verified to the root for the "
	    "use its service needs (§2.2). A missing one says what it waits "
	    "for. Up/Down choose, Left/Right scroll; Enter goes on once none "
	    "is missing."),
	.keys = N_("Up/Down Bundle  Left/Right Scroll  Enter Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = wake,
	.leave = leave,
	.done = done,
};
