/* The Import screen: what a CA returned (a file to type or choose, or PEM
 * text pasted), matched to the plan's key it certifies and split into the
 * certificate and its issuers (core import.c). */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "i18n.h"
#include "import.h"
#include "load.h"
#include "pem.h"
#include "screens.h"
#include "certs.h"
#include "widgets.h"
#include "x509.h"

enum focus { F_PATH, F_LIST, F_PASTE, F_NEXT, NFOCUS };

#define LIST_MAX 200
#define LIST_FILE_MAX (1024 * 1024)	/* larger files are not looked into */

struct entry {
	char *path;
	char *shown;		/* the name, or the path outside the folder */
	char kind[64];
	char *holds;		/* the first certificate's subject and issuer */
};

struct import_screen {
	enum focus focus;
	struct field path;
	struct entry *v;
	size_t n, sel, top;
	char other[4096];	/* the path's folder, listed too */
	struct textview log;
	int pasting;
	struct paste paste;
};

/* ---- the files to choose from */

static void
kind_of(const struct mcert_file *f, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
	if (f->ncert > 0 && f->format == MCERT_FMT_PKCS7_DER)
		o += (size_t)snprintf(buf + o, sz - o, _("PKCS#7, %zu cert(s)"),
		    f->ncert);
	else if (f->ncert > 1)
		o += (size_t)snprintf(buf + o, sz - o, _("%zu certificates"),
		    f->ncert);
	else if (f->ncert == 1)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", _("certificate"),
		    f->format == MCERT_FMT_DER ? _(" (DER)") : "");
	if (f->nkey > 0 && o < sz)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", o ? ", " : "",
		    mcert_file_first(f, MCERT_KIND_KEY)->encrypted ?
		    _("key (encrypted)") : _("key"));
	if (f->ncsr > 0 && o < sz)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", o ? ", " : "",
		    _("CSR"));
	if (f->ncrl > 0 && o < sz)
		snprintf(buf + o, sz - o, "%s%s", o ? ", " : "", _("CRL"));
}

static char *
holds_of(const struct mcert_file *f)
{
	const struct mcert_object *o;
	char *s = NULL, *subj, *iss;

	if ((o = mcert_file_first(f, MCERT_KIND_CERT)) != NULL) {
		subj = mcert_name_oneline(X509_get_subject_name(o->cert));
		iss = mcert_name_oneline(X509_get_issuer_name(o->cert));
		if (asprintf(&s, _("%s, issued by %s"), subj ? subj : "?",
		    iss ? iss : "?") == -1)
			s = NULL;
		free(subj);
		free(iss);
	} else if ((o = mcert_file_first(f, MCERT_KIND_CSR)) != NULL) {
		subj = mcert_name_oneline(X509_REQ_get_subject_name(o->csr));
		if (asprintf(&s, _("a request for %s"), subj ? subj : "?") ==
		    -1)
			s = NULL;
		free(subj);
	}
	return s;
}

static void
entries_free(struct import_screen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].shown);
		free(s->v[i].holds);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int
by_shown(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->shown,
	    ((const struct entry *)b)->shown);
}

/* Adds the files of dir the loader reads (shown by name when mine). */
static void
list_dir(struct import_screen *s, const char *dir, int mine)
{
	struct entry *grown;
	struct dirent *d;
	struct stat st;
	struct mcert_file *f;
	char path[4096];
	size_t first = s->n;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL && s->n < LIST_MAX) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > LIST_FILE_MAX)
			continue;
		f = NULL;
		if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f,
		    NULL) != MCERT_OK) {
			mcert_openssl_clear();
			continue;	/* not a certificate file */
		}
		if ((grown = realloc(s->v, (s->n + 1) * sizeof(*grown))) ==
		    NULL) {
			mcert_file_free(f);
			break;
		}
		s->v = grown;
		memset(&s->v[s->n], 0, sizeof(*s->v));
		s->v[s->n].path = strdup(path);
		s->v[s->n].shown = strdup(mine ? d->d_name : path);
		kind_of(f, s->v[s->n].kind, sizeof(s->v[s->n].kind));
		s->v[s->n].holds = holds_of(f);
		mcert_file_free(f);
		if (s->v[s->n].path == NULL || s->v[s->n].shown == NULL) {
			free(s->v[s->n].path);
			free(s->v[s->n].shown);
			free(s->v[s->n].holds);
			break;
		}
		s->n++;
	}
	closedir(dp);
	if (s->n > first)
		qsort(s->v + first, s->n - first, sizeof(*s->v), by_shown);
}

/* The path typed, without the quotes a terminal adds to a dropped file;
 * relative to the workspace's folder. */
static void
resolve(struct wiz *w, const char *typed, char *out, size_t sz)
{
	char t[256];
	size_t len;

	snprintf(t, sizeof(t), "%s", typed);
	len = strlen(t);
	while (len > 0 && t[len - 1] == ' ')
		t[--len] = '\0';
	if (len >= 2 && (t[0] == '\'' || t[0] == '"') && t[len - 1] == t[0]) {
		t[len - 1] = '\0';
		memmove(t, t + 1, len - 1);
	}
	if (t[0] == '/')
		snprintf(out, sz, "%s", t);
	else if (t[0] == '~' && t[1] == '/' && getenv("HOME") != NULL)
		snprintf(out, sz, "%s%s", getenv("HOME"), t + 1);
	else
		snprintf(out, sz, "%s/%s", wiz_dir(w), t);
}

/* The folder part of the typed path, or "" when it is the workspace's. */
static void
typed_dir(struct wiz *w, const struct import_screen *s, char *out,
    size_t sz)
{
	char full[4096], *slash;
	struct stat st;

	out[0] = '\0';
	if (s->path.text[0] == '\0')
		return;
	resolve(w, s->path.text, full, sizeof(full));
	if ((slash = strrchr(full, '/')) == NULL)
		return;
	*slash = '\0';
	if (full[0] == '\0')
		snprintf(full, sizeof(full), "/");
	if (strcmp(full, wiz_dir(w)) == 0 || stat(full, &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return;
	snprintf(out, sz, "%s", full);
}

static void
relist(struct wiz *w, struct import_screen *s)
{
	entries_free(s);
	/* the folder typed first: what the CA sent is likely there; it
	 * stays listed once the path is cleared */
	if (s->path.text[0] != '\0')
		typed_dir(w, s, s->other, sizeof(s->other));
	if (s->other[0] != '\0')
		list_dir(s, s->other, 0);
	list_dir(s, wiz_dir(w), 1);
	if (s->sel >= s->n)
		s->sel = s->n > 0 ? s->n - 1 : 0;
}

static void
relist_if_moved(struct wiz *w, struct import_screen *s)
{
	char now[4096];

	typed_dir(w, s, now, sizeof(now));
	if (now[0] != '\0' && strcmp(now, s->other) != 0)
		relist(w, s);
}

/* Tab in the path: completes a file or folder name as far as it is
 * unique; 0 when there was nothing to add. */
static int
complete(struct wiz *w, struct import_screen *s)
{
	char full[4096], dir[4096], best[256], add[256];
	const char *base, *slash;
	struct dirent *d;
	struct stat st;
	size_t blen = 0, tlen, found = 0, k;
	DIR *dp;

	resolve(w, s->path.text, full, sizeof(full));
	slash = strrchr(full, '/');
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - full), full);
	if (dir[0] == '\0')
		snprintf(dir, sizeof(dir), "/");
	base = slash + 1;
	tlen = strlen(base);
	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, base, tlen) != 0 ||
		    strcmp(d->d_name, ".") == 0 ||
		    strcmp(d->d_name, "..") == 0 ||
		    (tlen == 0 && d->d_name[0] == '.'))
			continue;
		if (found++ == 0) {
			snprintf(best, sizeof(best), "%s", d->d_name);
			blen = strlen(best);
		} else {
			for (k = 0; k < blen && best[k] == d->d_name[k]; k++)
				;
			blen = k;
			best[blen] = '\0';
		}
	}
	closedir(dp);
	if (found == 0 || blen <= tlen)
		return 0;
	snprintf(add, sizeof(add), "%s", best + tlen);
	if (found == 1) {
		char p[4096 + 256 + 2];

		snprintf(p, sizeof(p), "%s/%s", dir, best);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    strlen(add) + 1 < sizeof(add))
			strcat(add, "/");
	}
	if (strlen(s->path.text) + strlen(add) + 1 > sizeof(s->path.text))
		return 0;
	strcat(s->path.text, add);
	s->path.cursor = strlen(s->path.text);
	relist_if_moved(w, s);
	return 1;
}

/* ---- importing */

static void
log_mark(struct import_screen *s, enum ui_mark m, enum ui_style st,
    const char *text)
{
	char line[1400];

	snprintf(line, sizeof(line), "%s %s", ui_mark_text(m), text);
	textview_add_hanging(&s->log, st, ui_width(ui_mark_text(m)) + 1, line);
}

static void
report(struct wiz *w, struct import_screen *s, const char *name,
    const struct mcert_import_result *r)
{
	const char *by = r->by == MCERT_IMPORT_BY_KEY ? _("its key") :
	    _("its CSR");
	char buf[1400];
	size_t i;

	if (r->already) {
		snprintf(buf, sizeof(buf), _("%s: already imported as %s.crt "
		    "(matched %s by %s); nothing written"), name, r->cert,
		    r->cert, by);
		log_mark(s, UI_MARK_OK, UI_OK, buf);
		wiz_say(w, UI_OK, _("Already imported: %s.crt"), r->cert);
	} else {
		snprintf(buf, sizeof(buf), _("%s: the certificate of %s (%s), "
		    "matched by %s"), name, r->cert, r->subject, by);
		log_mark(s, UI_MARK_OK, UI_OK, buf);
		if (r->crt_written) {
			snprintf(buf, sizeof(buf), _("wrote %s"), r->crt_path);
			textview_add_hanging(&s->log, UI_NORMAL, 2, buf);
		}
		if (r->bundle_written) {
			snprintf(buf, sizeof(buf), _("wrote %s: %zu issuer(s), "
			    "the root last"), r->bundle_path, r->nissuers);
			textview_add_hanging(&s->log, UI_NORMAL, 2, buf);
		}
		wiz_say(w, UI_OK, _("Imported %s.crt%s"), r->cert,
		    r->bundle_written ? _(" and its issuers") : "");
	}
	for (i = 0; i < r->findings.n; i++)
		log_mark(s, UI_MARK_WARN, UI_WARN, r->findings.v[i].text);
}

/* Imports buf (name: where it came from): 0, 1 when it was imported
 * before, or -1 with the reason in the log. */
static int
import_data(struct wiz *w, struct import_screen *s, const unsigned char *buf,
    size_t len, const char *name)
{
	struct mcert_import_result r;
	struct mcert_error err = { 0 };
	int ret = 0;

	if (w->plan == NULL)
		return -1;
	if (mcert_import(w->plan, wiz_dir(w), buf, len, name, &r, &err) !=
	    MCERT_OK) {
		log_mark(s, UI_MARK_ERR, UI_ERR, err.msg);
		wiz_say(w, UI_ERR, "%s", _("Not imported: the reason is "
		    "below"));
		ret = -1;
	} else {
		ret = r.already;
		report(w, s, name, &r);
		if (!r.already && mcert_ws_set_cert_state(w->ws, r.cert,
		    "imported", NULL) == MCERT_OK)
			wiz_save(w);
	}
	mcert_import_result_free(&r);
	s->log.follow = 1;
	relist(w, s);
	return ret;
}

static int
import_path(struct wiz *w, struct import_screen *s, const char *path)
{
	struct mcert_error err = { 0 };
	unsigned char *buf = NULL;
	size_t len = 0;
	int r;

	if (mcert_file_read(path, &buf, &len, &err) != MCERT_OK) {
		log_mark(s, UI_MARK_ERR, UI_ERR, err.msg);
		wiz_say(w, UI_ERR, "%s", _("Not imported: the reason is "
		    "below"));
		return -1;
	}
	r = import_data(w, s, buf, len, path);
	free(buf);
	return r;
}

/* ---- pasting */

/* Saves the pasted text as a new file and imports it. */
static void
paste_end(struct wiz *w, struct import_screen *s)
{
	struct mcert_error err = { 0 };
	struct paste *p = &s->paste;
	char path[4096], saved[4200];
	int i;

	s->pasting = 0;
	if (p->text == NULL || strspn(p->text, " \t\r\n") == p->len) {
		wiz_say(w, UI_WARN, "%s", _("Nothing was pasted"));
		goto out;
	}
	for (i = 1; i < 1000; i++) {
		snprintf(path, sizeof(path), "%s/pasted-%d.pem", wiz_dir(w), i);
		if (!mcert_path_exists(path))
			break;
	}
	/* 0600: what is pasted may hold a private key too */
	if (mcert_write_new(path, p->text, p->len, 0600, &err) != MCERT_OK) {
		log_mark(s, UI_MARK_ERR, UI_ERR, err.msg);
		goto out;
	}
	snprintf(saved, sizeof(saved), _("The pasted text is saved as %s"),
	    path);
	textview_add(&s->log, UI_DIM, saved);
	/* a paste that imports nothing new is not kept: it was made just
	 * now */
	if (import_data(w, s, (unsigned char *)p->text, p->len, path) != 0 &&
	    unlink(path) == 0) {
		snprintf(saved, sizeof(saved), _("%s is removed again"), path);
		textview_add(&s->log, UI_DIM, saved);
		relist(w, s);
	}
out:
	paste_free(p);
}

static int
pasting_key(struct wiz *w, struct import_screen *s, int k)
{
	switch (paste_key(&s->paste, k)) {
	case PASTE_DONE:
		paste_end(w, s);
		return 1;
	case PASTE_CANCELLED:
		s->pasting = 0;
		wiz_say(w, UI_NORMAL, "%s", _("Paste cancelled"));
		return 1;
	case PASTE_PASSED:
		return 0;
	default:
		return 1;
	}
}

static void
pasting_draw(const struct import_screen *s, int rows, int cols)
{
	size_t i, n = 0;

	ui_wrap(0, 1, cols - 2, 2, UI_TITLE, _("Paste the PEM text the CA "
	    "sent, then a line with only \".\" (or Ctrl-D). Esc cancels."));
	for (i = 0; i < s->paste.len; i++)
		n += s->paste.text[i] == '\n';
	ui_textf(2, 1, UI_DIM, _("%zu line(s)"), n);
	paste_draw(&s->paste, 3, 1, rows - 3, cols - 2);
}

/* ---- the screen */

static void
enter(struct wiz *w)
{
	struct import_screen *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return;
	w->priv = s;
	s->log.follow = 1;
	relist(w, s);
}

static void
leave(struct wiz *w)
{
	struct import_screen *s = w->priv;

	if (s == NULL)
		return;
	entries_free(s);
	textview_clear(&s->log);
	paste_free(&s->paste);
	free(s);
}

static void
draw(struct wiz *w)
{
	struct import_screen *s = w->priv;
	char cell[512], clip[512];
	int rows, cols, r, nlist, col;
	size_t i, top;

	if (s == NULL)
		return;
	ui_area_size(&rows, &cols);
	if (s->pasting) {
		pasting_draw(s, rows, cols);
		return;
	}
	col = ui_text(0, 1, UI_TITLE, _("File"));
	field_draw(&s->path, 0, col + 1, cols - col - 2, s->focus == F_PATH);
	ui_text(1, 1, UI_DIM, text_clip(cell, sizeof(cell), _("Tab completes; "
	    "Enter imports it (nothing typed: Next)."), cols - 2));
	snprintf(cell, sizeof(cell), _("Certificate files in %s%s%s:"),
	    wiz_dir(w), s->other[0] ? _(" and ") : "", s->other);
	ui_text(2, 1, UI_TITLE, text_clip(clip, sizeof(clip), cell, cols - 2));
	nlist = rows - 3 - 2 - 1 - 6;
	if (nlist > (int)s->n)
		nlist = s->n > 0 ? (int)s->n : 1;
	if (s->n == 0)
		ui_text(3, 3, UI_DIM, _("(none yet)"));
	top = list_top(&s->top, s->sel, s->n, nlist);
	for (i = top, r = 3; i < s->n && r < 3 + nlist; i++, r++) {
		enum ui_style st = i == s->sel && s->focus == F_LIST ?
		    UI_SELECTED : UI_NORMAL;

		if (st == UI_SELECTED)
			ui_fill(r, 0, st);
		ui_text(r, 0, st, i == s->sel ? ui_mark_text(UI_MARK_CURRENT) :
		    " ");
		ui_text(r, 2, st, text_clip(cell, sizeof(cell), s->v[i].shown,
		    cols / 2 - 3));
		ui_text(r, cols / 2, st == UI_SELECTED ? st : UI_DIM,
		    text_clip(cell, sizeof(cell), s->v[i].kind,
		    cols - cols / 2 - 1));
	}
	r = 3 + nlist;
	if (s->n > 0 && s->focus == F_LIST && s->v[s->sel].holds != NULL)
		ui_wrap(r, 2, cols - 3, 2, UI_DIM, s->v[s->sel].holds);
	r += 2;
	col = button_draw(r, 1, _("Paste PEM"), s->focus == F_PASTE);
	button_draw(r, col + 1, _("Next"), s->focus == F_NEXT);
	textview_draw(&s->log, r + 1, 1, rows - r - 1, cols - 2);
}

static int
key(struct wiz *w, int k)
{
	struct import_screen *s = w->priv;
	char full[4096];

	if (s == NULL || w->plan == NULL)
		return 0;
	if (s->pasting)
		return pasting_key(w, s, k);
	if (k == UI_KEY_TAB && s->focus == F_PATH && complete(w, s))
		return 1;
	if (k == UI_KEY_TAB || k == UI_KEY_BTAB) {
		s->focus = (enum focus)(((int)s->focus + (k == UI_KEY_TAB ? 1 :
		    NFOCUS - 1)) % NFOCUS);
		return 1;
	}
	if (k == UI_KEY_PGUP || k == UI_KEY_PGDN)
		return textview_key(&s->log, k);
	switch (s->focus) {
	case F_PATH:
		if (k == UI_KEY_ENTER) {
			if (s->path.text[0] == '\0')
				return 0;	/* Next */
			resolve(w, s->path.text, full, sizeof(full));
			/* done with it: Enter now goes on */
			if (import_path(w, s, full) >= 0)
				field_set(&s->path, "");
			return 1;
		}
		if (k == UI_KEY_DOWN && s->n > 0) {
			s->focus = F_LIST;
			return 1;
		}
		if (k != UI_KEY_ESC && k != UI_KEY_F1 && k != UI_KEY_F10 &&
		    field_key(&s->path, k)) {
			relist_if_moved(w, s);
			return 1;
		}
		return 0;
	case F_LIST:
		if (k == UI_KEY_UP && s->sel == 0) {
			s->focus = F_PATH;
			return 1;
		}
		if (list_key(&s->sel, s->n, k))
			return 1;
		if (k == UI_KEY_ENTER && s->n > 0) {
			import_path(w, s, s->v[s->sel].path);
			return 1;
		}
		return 0;
	case F_PASTE:
		if (k == UI_KEY_ENTER) {
			paste_free(&s->paste);
			s->pasting = 1;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

const struct screen screen_import = {
	.name = "import",
	.step = N_("Import"),
	.help = N_("Import what each CA sent back: PEM or DER, PKCS#7 "
	    "(.p7b), the certificate with its chain, Windows line ends, text "
	    "around the blocks. The certificate is matched to the plan's key "
	    "it certifies (NAME.key, or NAME.csr when the key is encrypted "
	    "or on the server: no passphrase needed) and written as "
	    "NAME.crt; the issuers in the file, ordered to the root, become "
	    "NAME-bundle.pem, root last (guide §1.2.4). No file is ever "
	    "replaced: the same certificate again is \"already imported\", "
	    "another one is refused.\nType a path (relative to the "
	    "workspace's folder; Tab completes) and press Enter, or press "
	    "Down and choose a file. Paste PEM takes text until a line with "
	    "only \".\" or Ctrl-D, saves it as pasted-N.pem and imports it. "
	    "Enter with no path goes on."),
	.keys = N_("Tab Complete/Field  Enter Import/Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
};
