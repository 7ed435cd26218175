/* The Keys and CSRs screen's jobs (keys.h): the host keys of the servers
 * where keys are made, asked about as Bind does (hostkeys.c), then the
 * keys and CSRs made (certs.c), and their news. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs.h"
#include "i18n.h"
#include "keys.h"
#include "yesno.h"

/* Makes what is missing, keys on servers with the host keys trusted. */
static void
start_make(struct wiz *w, struct keys_screen *k)
{
	make_job_free(k->mj);
	if ((k->mj = make_job_new(w, NULL, 1)) == NULL)
		return;
	k->mj->bundles = 0;	/* they wait for the signatures */
	if (k->hk.accept[0] != '\0' &&
	    (k->mj->accept = strdup(k->hk.accept)) == NULL) {
		make_job_free(k->mj);
		k->mj = NULL;
		wiz_say(w, UI_ERR, "%s", _("out of memory"));
		return;
	}
	textview_add(&k->log, UI_TITLE, _("Making the keys and CSRs..."));
	if (make_job_start(w, k->mj) != 0) {
		make_job_free(k->mj);
		k->mj = NULL;
		return;
	}
	wiz_say(w, UI_NORMAL, "%s", _("Making keys: Esc stops after the "
	    "current one"));
}

/* The servers where keys are to be made, each once, into k->hk: 0, or -1
 * out of memory. */
static int
servers_to_reach(struct wiz *w, struct keys_screen *k)
{
	struct mcert_ssh_opts base;
	const char *label;
	size_t i, h, j;

	hostkeys_free(&k->hk);
	wiz_ssh_opts(&k->paths, wiz_dir(w), NULL, &base);
	for (i = 0; i < k->nf; i++) {
		label = json_string_value(json_array_get(
		    w->plan->certs[i].hosts, 0));
		if (!keys_to_fetch(k, i) || label == NULL)
			continue;
		for (h = 0; h < w->ws->nhosts; h++)
			if (strcmp(w->ws->hosts[h].label, label) == 0)
				break;
		for (j = 0; j < k->hk.n; j++)
			if (strcmp(k->hk.v[j].label, label) == 0)
				break;
		if (h == w->ws->nhosts || j < k->hk.n)
			continue;
		if (hostkeys_add(&k->hk, &w->ws->hosts[h], &base) != 0)
			return -1;
	}
	return 0;
}

static void *
hostkeys_job(struct wiz_job *job, void *arg)
{
	struct keys_screen *k = arg;

	hostkeys_check(job, &k->hk);
	return NULL;
}

/* Enter on Make: the servers' host keys first, when keys are made on
 * any, then the keys. */
void
keys_start(struct wiz *w, struct keys_screen *k)
{
	if (w->job.running)
		return;
	textview_clear(&k->log);
	k->log.follow = 1;
	if (servers_to_reach(w, k) != 0) {
		wiz_say(w, UI_ERR, "%s", _("out of memory"));
		return;
	}
	if (k->hk.n == 0) {
		start_make(w, k);
		return;
	}
	if (wiz_job_start(w, hostkeys_job, k) != 0)
		return;
	k->phase = KP_HOSTKEYS;
	textview_add(&k->log, UI_TITLE, _("Checking each host's SSH key..."));
	wiz_say(w, UI_NORMAL, "%s", _("Checking each host's SSH key..."));
}

/* The host keys learnt: a changed one stops everything, unknown ones are
 * asked about, then the keys are made. */
static void
hostkeys_learnt(struct wiz *w, struct keys_screen *k)
{
	char line[1200];
	size_t i, changed = hostkeys_known(&k->hk);

	k->phase = KP_IDLE;
	if (w->job.cancel) {
		wiz_say(w, UI_WARN, "%s", _("Stopped: nothing was made."));
		return;
	}
	if (changed > 0) {
		for (i = 0; i < k->hk.n; i++) {
			if (k->hk.v[i].key != KEY_CHANGED)
				continue;
			snprintf(line, sizeof(line), "%s %s", ui_mark_text(
			    UI_MARK_ERR), k->hk.v[i].why);
			textview_add_hanging(&k->log, UI_ERR, ui_width(
			    ui_mark_text(UI_MARK_ERR)) + 1, line);
		}
		wiz_say(w, UI_ERR, "%s", _("A host key CHANGED: nothing was "
		    "made. Read why below."));
		return;
	}
	if (k->hk.asking < k->hk.n) {
		k->phase = KP_TRUST;
		wiz_say(w, UI_WARN, _("A host is not known yet: compare its "
		    "fingerprint, then %s or %s."), yesno_letter(YESNO_YES),
		    yesno_letter(YESNO_NO));
		return;
	}
	start_make(w, k);
}

/* y or n about the host key asked about (Esc: n). */
int
keys_trust_key(struct wiz *w, struct keys_screen *k, int kk)
{
	enum yesno a = yesno_key(kk);
	const struct hostkey *h;
	char why[600], line[700];
	int more;

	if (k->hk.asking >= k->hk.n) {
		k->phase = KP_IDLE;
		return 0;
	}
	h = &k->hk.v[k->hk.asking];
	if (a == YESNO_NONE && kk != UI_KEY_ESC)
		return kk != UI_KEY_F1 && kk != UI_KEY_F10;
	if ((more = hostkeys_answer(&k->hk, a == YESNO_YES)) < 0) {
		k->phase = KP_IDLE;
		snprintf(why, sizeof(why), _("%s: its host key %s was not "
		    "trusted, so nothing was made; Enter asks again"), h->label,
		    h->fp);
		snprintf(line, sizeof(line), "%s %s",
		    ui_mark_text(UI_MARK_WARN), why);
		textview_add_hanging(&k->log, UI_WARN, ui_width(ui_mark_text(
		    UI_MARK_WARN)) + 1, line);
		wiz_say(w, UI_WARN, _("%s's key was not trusted: nothing was "
		    "made."), h->label);
		return 1;
	}
	if (more == 0) {
		k->phase = KP_IDLE;
		start_make(w, k);
	}
	return 1;
}

/* Whether a finding of mcert_make is "NAME.csr waits..." or one of the
 * job's "NAME: its key is made on HOST...". */
static int
about_waiting(const struct wiz *w, const char *text)
{
	size_t i, n;

	for (i = 0; i < w->plan->ncerts; i++) {
		n = strlen(w->plan->certs[i].name);
		if (strncmp(text, w->plan->certs[i].name, n) == 0 &&
		    (strncmp(text + n, ".csr ", 5) == 0 ||
		    strncmp(text + n, ": ", 2) == 0))
			return 1;
	}
	return 0;
}

static void
finished(struct wiz *w, struct keys_screen *k)
{
	struct make_job *mj = k->mj;
	char line[1200];
	size_t i, waiting = 0;

	for (i = 0; i < mj->findings.n; i++) {
		/* a CSR waiting, a key on its server: the table says it */
		if (about_waiting(w, mj->findings.v[i].text))
			continue;
		snprintf(line, sizeof(line), "%s %s",
		    ui_mark_text(UI_MARK_WARN), mj->findings.v[i].text);
		textview_add_hanging(&k->log, UI_WARN, ui_width(ui_mark_text(
		    UI_MARK_WARN)) + 1, line);
	}
	if (mj->failed) {
		snprintf(line, sizeof(line), "%s %s", ui_mark_text(UI_MARK_ERR),
		    mj->err.msg);
		textview_add_hanging(&k->log, UI_ERR, ui_width(ui_mark_text(
		    UI_MARK_ERR)) + 1, line);
	}
	keys_scan(w, k);
	for (i = 0; i < k->nf; i++)
		waiting += k->f[i].csr && !k->f[i].crt;
	if (mj->failed)
		wiz_say(w, UI_ERR, "%s", _("Making stopped on an error (see "
		    "above)"));
	else if (mj->cancelled)
		wiz_say(w, UI_WARN, _("Stopped: %zu file(s) made; Enter makes "
		    "the rest"), mj->nmade);
	else
		wiz_say(w, UI_OK, _("%zu file(s) made; %zu CSR(s) wait for a "
		    "CA (next: Signing)"), mj->nmade, waiting);
	make_job_free(mj);
	k->mj = NULL;
	if (cert_states_sync(w))
		wiz_save(w);
}

void
keys_wake(struct wiz *w)
{
	struct keys_screen *k = w->priv;
	size_t n;
	int fin;

	if (k != NULL && k->phase == KP_HOSTKEYS) {
		char **lines = wiz_job_take(w, &n, &fin);
		size_t i;

		for (i = 0; i < n; i++) {
			hostkeys_line(&k->hk, lines[i]);
			free(lines[i]);
		}
		free(lines);
		if (fin)
			hostkeys_learnt(w, k);
		return;
	}
	n = job_lines(w, k != NULL ? &k->log : NULL, &fin);
	if (n > 0 && k != NULL)
		keys_scan(w, k);	/* the table follows the files made */
	if (fin && k != NULL && k->mj != NULL)
		finished(w, k);
}
