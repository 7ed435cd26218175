/* The Signing screen: the CSRs that wait for a CA, where to send them
 * from and the AD CS certreq line for each; or signing them here with a
 * local CA (one made here for a lab, or the operator's own). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca.h"
#include "files.h"
#include "i18n.h"
#include "keygen.h"
#include "names.h"
#include "screens.h"
#include "certs.h"
#include "widgets.h"

enum focus { F_LIST, F_CA, F_SIGN, F_LABCA, F_NEXT, NFOCUS };

/* A lab CA made in the background (key generation may be slow). */
struct labca {
	char *dir;
	char name[64];
	enum mcert_keytype keytype;
	struct mcert_error err;
};

struct signing_screen {
	enum focus focus;
	size_t sel, top;
	size_t *waiting;	/* plan indices of the CSRs without a .crt */
	char *marked;		/* per waiting CSR: Sign signs only these */
	size_t nwaiting;
	struct field ca;
	struct textview log;
	struct make_job *mj;	/* while signing */
	struct labca *lab;	/* while a lab CA is made */
};

static int
exists(const char *dir, const char *name, const char *ext)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	return mcert_path_exists(path);
}

static void
scan(struct wiz *w, struct signing_screen *s)
{
	const char *dir = wiz_dir(w);
	size_t i;

	free(s->waiting);
	free(s->marked);
	s->waiting = NULL;
	s->marked = NULL;
	s->nwaiting = 0;
	if (w->plan == NULL || (s->waiting = calloc(w->plan->ncerts + 1,
	    sizeof(*s->waiting))) == NULL || (s->marked = calloc(
	    w->plan->ncerts + 1, 1)) == NULL)
		return;
	for (i = 0; i < w->plan->ncerts; i++) {
		const struct mcert_plan_cert *c = &w->plan->certs[i];

		if (c->usage != MCERT_USAGE_CA && strcmp(c->ca, "self") != 0 &&
		    exists(dir, c->name, ".csr") && !exists(dir, c->name,
		    ".crt"))
			s->waiting[s->nwaiting++] = i;
	}
	if (s->sel >= s->nwaiting)
		s->sel = 0;
}

static void
enter(struct wiz *w)
{
	struct signing_screen *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return;
	w->priv = s;
	s->log.follow = 1;
	/* a lab CA made before is offered again */
	field_set(&s->ca, exists(wiz_dir(w), "labca", ".crt") &&
	    exists(wiz_dir(w), "labca", ".key") ? "labca" : "");
	scan(w, s);
}

static void
labca_free(struct labca *l)
{
	if (l == NULL)
		return;
	free(l->dir);
	free(l);
}

static void
leave(struct wiz *w)
{
	struct signing_screen *s = w->priv;

	if (s == NULL)
		return;
	make_job_free(s->mj);
	labca_free(s->lab);
	textview_clear(&s->log);
	free(s->waiting);
	free(s->marked);
	free(s);
}

static void
draw_detail(const struct wiz *w, const struct signing_screen *s, int row,
    int cols, int maxrows)
{
	const struct mcert_plan_cert *c;
	char buf[1024];
	int used;

	if (s->nwaiting == 0)
		return;
	c = &w->plan->certs[s->waiting[s->sel]];
	if (strcmp(c->ca, "dedicated") == 0) {
		text_draw(row, 2, cols - 3, maxrows, UI_DIM, _("Signed here by "
		    "the database cluster's own CA: Sign, or Make on the Keys "
		    "step."));
		return;
	}
	snprintf(buf, sizeof(buf), _("Send %s/%s.csr to your %s CA. AD CS:"),
	    wiz_dir(w), c->name, c->ca);
	used = text_draw(row, 2, cols - 3, maxrows, UI_DIM, buf);
	/* guide §3.3: the template that carries both TLS usages */
	snprintf(buf, sizeof(buf), "certreq -submit -attrib "
	    "\"CertificateTemplate:Computer\" %s.csr %s.cer", c->name,
	    c->name);
	text_draw(row + used, 4, cols - 5, maxrows - used, UI_NORMAL, buf);
}

static void
draw(struct wiz *w)
{
	struct signing_screen *s = w->priv;
	const struct mcert_plan_cert *c;
	char cell[128], clip[128];
	int rows, cols, r, nlist, col, cacol;
	size_t i, top;

	if (s == NULL || w->plan == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (s->nwaiting == 0)
		ui_textf(0, 1, UI_OK, "%s %s", ui_mark_text(UI_MARK_OK),
		    _("No CSR waits for a CA."));
	else
		ui_textf(0, 1, UI_TITLE, _("Waiting for a CA (%zu):"),
		    s->nwaiting);
	/* the CSR's name as wide as the longest, the CN the rest */
	for (i = 0, cacol = 18; i < s->nwaiting; i++)
		if (ui_width(w->plan->certs[s->waiting[i]].name) + 11 > cacol)
			cacol = ui_width(w->plan->certs[s->waiting[i]].name) +
			    11;
	if (cacol > cols - 10 - 14)
		cacol = cols - 10 - 14;
	nlist = (int)s->nwaiting;
	if (nlist > rows - 14)
		nlist = rows - 14;
	if (nlist < 1)
		nlist = 1;
	top = list_top(&s->top, s->sel, s->nwaiting, nlist);
	for (i = top, r = 1; i < s->nwaiting && r < 1 + nlist; i++, r++) {
		enum ui_style st = i == s->sel && s->focus == F_LIST ?
		    UI_SELECTED : UI_NORMAL;

		c = &w->plan->certs[s->waiting[i]];
		if (st == UI_SELECTED)
			ui_fill(r, 0, st);
		ui_text(r, 0, st, i == s->sel ? ui_mark_text(UI_MARK_CURRENT) :
		    " ");
		snprintf(cell, sizeof(cell), "%s %s.csr", s->marked[i] ?
		    "[x]" : "[ ]", c->name);
		ui_text(r, 2, st, text_clip(clip, sizeof(clip), cell,
		    cacol - 3));
		ui_text(r, cacol, st, c->ca);
		snprintf(cell, sizeof(cell), "CN=%s", c->cn);
		ui_text(r, cacol + 10, st, text_clip(clip, sizeof(clip), cell,
		    cols - cacol - 10));
	}
	r = 1 + nlist;
	draw_detail(w, s, r, cols, 5);
	r += 5;
	col = ui_text(r + 1, 1, UI_TITLE, _("Local CA"));
	field_draw(&s->ca, r + 1, col + 1, 18, s->focus == F_CA);
	ui_text(r + 1, col + 20, UI_DIM, text_clip(cell, sizeof(cell),
	    _("a name here, or a path"), cols - col - 21));
	if (w->job.running)
		col = ui_text(r + 2, 1, UI_WARN, _("Working... (Esc stops)"));
	else {
		col = button_draw(r + 2, 1, _("Sign"), s->focus == F_SIGN);
		col = button_draw(r + 2, col + 1, _("Create a lab CA"),
		    s->focus == F_LABCA);
	}
	button_draw(r + 2, col + 1, _("Next"), s->focus == F_NEXT);
	textview_draw(&s->log, r + 3, 1, rows - r - 3, cols - 2);
}

static void
log_mark(struct signing_screen *s, enum ui_mark m, enum ui_style st,
    const char *text)
{
	char line[1200];

	snprintf(line, sizeof(line), "%s %s", ui_mark_text(m), text);
	textview_add_hanging(&s->log, st, ui_width(ui_mark_text(m)) + 1, line);
}

/* The CA in the field: a basename in the folder or a path without
 * .crt/.key, both files there; NULL with the reason said. */
static const char *
ca_of(struct wiz *w, struct signing_screen *s)
{
	struct mcert_error err = { 0 };
	char crt[4096], key[4096];
	const char *t = s->ca.text;

	if (*t == '\0') {
		wiz_say(w, UI_ERR, "%s", _("Type the CA to sign with (a name "
		    "in the folder, such as labca), or Create a lab CA"));
		s->focus = F_CA;
		return NULL;
	}
	if (strchr(t, '/') == NULL && mcert_name_check_basename(t, &err) !=
	    MCERT_OK) {
		wiz_say(w, UI_ERR, "%s", err.msg);
		return NULL;
	}
	snprintf(crt, sizeof(crt), "%s%s%s.crt", strchr(t, '/') ? "" :
	    wiz_dir(w), strchr(t, '/') ? "" : "/", t);
	snprintf(key, sizeof(key), "%s%s%s.key", strchr(t, '/') ? "" :
	    wiz_dir(w), strchr(t, '/') ? "" : "/", t);
	if (!mcert_path_exists(crt) || !mcert_path_exists(key)) {
		wiz_say(w, UI_ERR, _("%s is missing: a CA needs its .crt and "
		    "its .key"), mcert_path_exists(crt) ? key : crt);
		return NULL;
	}
	return t;
}

/* The marked CSRs, when some are: only they are signed. */
static int
mark_only(const struct wiz *w, const struct signing_screen *s,
    struct make_job *mj)
{
	size_t i;

	for (i = 0; i < s->nwaiting; i++) {
		if (!s->marked[i])
			continue;
		if (mj->only == NULL && (mj->only = calloc(s->nwaiting,
		    sizeof(*mj->only))) == NULL)
			return -1;
		if ((mj->only[mj->nonly] = strdup(
		    w->plan->certs[s->waiting[i]].name)) == NULL)
			return -1;
		mj->nonly++;
	}
	return 0;
}

static void
sign(struct wiz *w, struct signing_screen *s)
{
	const char *ca;

	if (w->job.running || (ca = ca_of(w, s)) == NULL)
		return;
	if (s->nwaiting == 0) {
		wiz_say(w, UI_NORMAL, "%s", _("No CSR waits: nothing to sign"));
		return;
	}
	make_job_free(s->mj);
	if ((s->mj = make_job_new(w, ca, 1)) == NULL)
		return;
	if (mark_only(w, s, s->mj) != 0) {
		make_job_free(s->mj);
		s->mj = NULL;
		wiz_say(w, UI_ERR, "%s", _("out of memory"));
		return;
	}
	textview_clear(&s->log);
	s->log.follow = 1;
	textview_add(&s->log, UI_TITLE, _("Signing with the local CA..."));
	if (make_job_start(w, s->mj) != 0) {
		make_job_free(s->mj);
		s->mj = NULL;
	}
}

static void *
labca_run(struct wiz_job *job, void *arg)
{
	struct labca *l = arg;
	struct mcert_sign_opts so = { MCERT_USAGE_CA, 3650, 0 };
	struct mcert_subject subj;
	char key[4096], crt[4096];
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	int ok = 0;

	memset(&subj, 0, sizeof(subj));
	subj.cn = l->name;	/* as pki selfsigned names it */
	snprintf(key, sizeof(key), "%s/%s.key", l->dir, l->name);
	snprintf(crt, sizeof(crt), "%s/%s.crt", l->dir, l->name);
	wiz_job_post(job, _("%s: a new %s key..."), l->name,
	    mcert_keytype_name(l->keytype));
	if (mcert_key_generate(l->keytype, &k, &l->err) != MCERT_OK ||
	    mcert_ca_selfsign(k, &subj, &so, &x, &l->err) != MCERT_OK ||
	    mcert_key_write(key, k, &l->err) != MCERT_OK)
		goto out;
	wiz_job_post(job, _("made %s.key"), l->name);
	if (mcert_cert_write(crt, x, &l->err) != MCERT_OK)
		goto out;
	wiz_job_post(job, _("made %s.crt"), l->name);
	ok = 1;
out:
	EVP_PKEY_free(k);
	X509_free(x);
	return ok ? l : NULL;
}

static void
make_labca(struct wiz *w, struct signing_screen *s)
{
	const char *dir = wiz_dir(w);
	struct labca *l;
	int n;

	if (w->job.running)
		return;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->dir = strdup(dir)) == NULL) {
		labca_free(l);
		wiz_say(w, UI_ERR, "%s", _("out of memory"));
		return;
	}
	/* a new name: an existing CA is never replaced */
	for (n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(l->name, sizeof(l->name), "labca");
		else
			snprintf(l->name, sizeof(l->name), "labca-%d", n);
		if (!exists(dir, l->name, ".key") && !exists(dir, l->name,
		    ".crt"))
			break;
	}
	l->keytype = w->ws->keytype;
	textview_clear(&s->log);
	s->log.follow = 1;
	textview_add(&s->log, UI_TITLE, _("Making a lab CA..."));
	if (wiz_job_start(w, labca_run, l) != 0) {
		labca_free(l);
		return;
	}
	s->lab = l;
}

static void
finished(struct wiz *w, struct signing_screen *s, int result)
{
	size_t i, signed_now;
	char buf[256];

	if (s->lab != NULL) {
		if (!result) {
			log_mark(s, UI_MARK_ERR, UI_ERR, s->lab->err.msg);
			wiz_say(w, UI_ERR, "%s", _("The lab CA was not made "
			    "(see above)"));
		} else {
			field_set(&s->ca, s->lab->name);
			snprintf(buf, sizeof(buf), _("%s is a new CA for a lab "
			    "(valid 10 years): Sign uses it"), s->lab->name);
			log_mark(s, UI_MARK_OK, UI_OK, buf);
			wiz_say(w, UI_OK, "%s", buf);
			s->focus = F_SIGN;
		}
		labca_free(s->lab);
		s->lab = NULL;
		return;
	}
	if (s->mj == NULL)
		return;
	for (i = 0; i < s->mj->findings.n; i++)
		log_mark(s, UI_MARK_WARN, UI_WARN, s->mj->findings.v[i].text);
	if (s->mj->failed)
		log_mark(s, UI_MARK_ERR, UI_ERR, s->mj->err.msg);
	signed_now = s->nwaiting;
	scan(w, s);
	signed_now -= s->nwaiting < signed_now ? s->nwaiting : signed_now;
	if (s->mj->failed)
		wiz_say(w, UI_ERR, "%s", _("Signing stopped on an error (see "
		    "above)"));
	else if (s->mj->cancelled)
		wiz_say(w, UI_WARN, _("Stopped: %zu signed"), signed_now);
	else
		wiz_say(w, UI_OK, _("%zu signed; %zu CSR(s) still wait"),
		    signed_now, s->nwaiting);
	make_job_free(s->mj);
	s->mj = NULL;
	if (cert_states_sync(w))
		wiz_save(w);
}

static void
wake(struct wiz *w)
{
	struct signing_screen *s = w->priv;
	int fin;

	(void)job_lines(w, s != NULL ? &s->log : NULL, &fin);
	if (fin && s != NULL)
		finished(w, s, w->job.result);
}

static int
key(struct wiz *w, int k)
{
	struct signing_screen *s = w->priv;

	if (s == NULL || w->plan == NULL)
		return 0;
	if (k == UI_KEY_TAB || k == UI_KEY_BTAB) {
		s->focus = (enum focus)(((int)s->focus + (k == UI_KEY_TAB ? 1 :
		    NFOCUS - 1)) % NFOCUS);
		return 1;
	}
	if (k == UI_KEY_PGUP || k == UI_KEY_PGDN)
		return textview_key(&s->log, k);
	switch (s->focus) {
	case F_LIST:
		if (k == ' ' && s->nwaiting > 0) {
			s->marked[s->sel] = !s->marked[s->sel];
			return 1;
		}
		return list_key(&s->sel, s->nwaiting, k);
	case F_CA:
		if (k == UI_KEY_ENTER) {
			sign(w, s);
			return 1;
		}
		if (k == UI_KEY_UP || k == UI_KEY_DOWN)
			return 0;
		return k != UI_KEY_ESC && k != UI_KEY_F1 && k != UI_KEY_F10 &&
		    field_key(&s->ca, k);
	case F_SIGN:
		if (k == UI_KEY_ENTER) {
			sign(w, s);
			return 1;
		}
		break;
	case F_LABCA:
		if (k == UI_KEY_ENTER) {
			make_labca(w, s);
			return 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

const struct screen screen_signing = {
	.name = "signing",
	.step = N_("Signing"),
	.help = N_("Each CSR goes to the CA the plan chose for it. For a "
	    "public CA, send the .csr from the folder shown, then import "
	    "what comes back (next step). For an internal AD CS CA, the "
	    "certreq line submits it with a template carrying both TLS "
	    "server and client authentication (guide §3.3: the Call Bridge "
	    "needs both; the SAN must be kept).\nFor a lab, or a CA of your "
	    "own on this machine, sign here: type the CA's name in the "
	    "folder (or a path without .crt/.key), or Create a lab CA: a new "
	    "self-signed CA named labca, never replacing one, as pki "
	    "selfsigned makes it. Browsers do not trust it: keep it for "
	    "labs. Space marks CSRs: Sign signs the marked ones, or all when "
	    "none is. The database cluster's certificates are signed by its "
	    "own CA on the Keys step. Esc stops signing after the current "
	    "certificate."),
	.keys = N_("Space Mark  Tab Field  Enter Sign/Create/Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = wake,
	.leave = leave,
};
