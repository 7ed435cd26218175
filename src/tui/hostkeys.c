/* The SSH host keys of the hosts a screen reaches, asked about first
 * (hostkeys.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostkeys.h"
#include "i18n.h"
#include "ui.h"
#include "wizard.h"
#include "yesno.h"

/* A posted line: "K" SEP index SEP kind SEP fingerprint SEP why. */
#define SEP "\x1f"

int
hostkeys_add(struct hostkeys *hk, const struct mcert_ws_host *h,
    const struct mcert_ssh_opts *base)
{
	struct hostkey *grown, *k;

	if ((grown = realloc(hk->v, (hk->n + 1) * sizeof(*grown))) == NULL)
		return -1;
	hk->v = grown;
	k = &hk->v[hk->n++];
	memset(k, 0, sizeof(*k));
	snprintf(k->label, sizeof(k->label), "%s", h->label);
	if (h->port > 0)
		snprintf(k->address, sizeof(k->address), _("%s, port %d"),
		    mcert_ws_host_address(h), h->port);
	else
		snprintf(k->address, sizeof(k->address), "%s",
		    mcert_ws_host_address(h));
	k->so = *base;
	k->so.host = mcert_ws_host_address(h);
	if (h->port > 0)
		k->so.port = h->port;
	if (h->user != NULL)
		k->so.user = h->user;
	/* learnt, never accepted, and nothing asked */
	k->so.accept_fingerprint = NULL;
	k->so.ask = NULL;
	k->so.ask_ctx = NULL;
	hk->asking = hk->n;
	return 0;
}

void
hostkeys_free(struct hostkeys *hk)
{
	free(hk->v);
	memset(hk, 0, sizeof(*hk));
}

/* ---- the check, on the job's threads */

struct keycheck {
	struct wiz_job *job;
	size_t i;
	const struct mcert_ssh_opts *so;
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
		return KEY_KNOWN;	/* or unreachable: the work says so */
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
check_one(void *arg)
{
	struct keycheck *k = arg;
	struct mcert_error err = { 0 };
	struct mcert_ssh *s = NULL;
	char fp[128] = "";
	enum hkey kind;
	int r;

	r = mcert_ssh_connect(k->so, &s, &err);
	mcert_ssh_close(s);
	kind = classify(r, err.msg, fp, sizeof(fp));
	wiz_job_post(k->job, "K" SEP "%zu" SEP "%d" SEP "%s" SEP "%s", k->i,
	    (int)kind, fp, kind == KEY_CHANGED ? err.msg : "");
	return NULL;
}

void
hostkeys_check(struct wiz_job *job, const struct hostkeys *hk)
{
	struct keycheck *k = calloc(hk->n + 1, sizeof(*k));
	pthread_t *tid = calloc(hk->n + 1, sizeof(*tid));
	int *started = calloc(hk->n + 1, sizeof(*started));
	size_t i;

	for (i = 0; k != NULL && tid != NULL && started != NULL && i < hk->n;
	    i++) {
		k[i] = (struct keycheck){ job, i, &hk->v[i].so };
		if (pthread_create(&tid[i], NULL, check_one, &k[i]) == 0)
			started[i] = 1;
		else
			check_one(&k[i]);
	}
	for (i = 0; tid != NULL && started != NULL && i < hk->n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	free(k);
	free(tid);
	free(started);
}

/* ---- what it learnt, on the UI thread */

/* An SSH message names the address: the label goes first, "cms2
 * (127.0.0.52): ...", as deploy's own messages have it. */
static void
label_why(struct hostkey *k, const char *msg)
{
	const char *addr = k->address;
	size_t n = strcspn(addr, ",");

	if (*msg != '\0' && strncmp(msg, addr, n) == 0 &&
	    strncmp(msg + n, ": ", 2) == 0)
		snprintf(k->why, sizeof(k->why), "%s (%.*s)%s", k->label,
		    (int)n, addr, msg + n);
	else
		snprintf(k->why, sizeof(k->why), "%s", msg);
}

int
hostkeys_line(struct hostkeys *hk, const char *line)
{
	char *copy, *p, *f[5] = { NULL };
	size_t k = 0, i;

	if (strncmp(line, "K" SEP, 2) != 0)
		return 0;
	if ((p = copy = strdup(line)) == NULL)
		return 1;
	while (k < 5 && (f[k++] = strsep(&p, SEP)) != NULL)
		;
	if (f[4] != NULL && (i = strtoul(f[1], NULL, 10)) < hk->n) {
		hk->v[i].key = (enum hkey)atoi(f[2]);
		snprintf(hk->v[i].fp, sizeof(hk->v[i].fp), "%s", f[3]);
		label_why(&hk->v[i], f[4]);
	}
	free(copy);
	return 1;
}

/* The next host whose key is to be asked about from i, or n. */
static size_t
next_unknown(const struct hostkeys *hk, size_t i)
{
	while (i < hk->n && hk->v[i].key != KEY_UNKNOWN)
		i++;
	return i;
}

size_t
hostkeys_known(struct hostkeys *hk)
{
	size_t i, changed = 0;

	for (i = 0; i < hk->n; i++)
		changed += hk->v[i].key == KEY_CHANGED;
	hk->accept[0] = '\0';
	hk->asking = next_unknown(hk, 0);
	return changed;
}

int
hostkeys_answer(struct hostkeys *hk, int yes)
{
	const struct hostkey *k;
	size_t len = strlen(hk->accept);

	if (hk->asking >= hk->n)
		return 0;
	k = &hk->v[hk->asking];
	if (!yes || len + strlen(k->fp) + 2 > sizeof(hk->accept))
		return -1;
	snprintf(hk->accept + len, sizeof(hk->accept) - len, "%s%s",
	    len > 0 ? "," : "", k->fp);
	hk->asking = next_unknown(hk, hk->asking + 1);
	return hk->asking < hk->n;
}

int
hostkeys_draw(const struct hostkeys *hk, int row, int width)
{
	const struct hostkey *k;
	char text[1024];
	int r = row;

	if (hk->asking >= hk->n)
		return 0;
	k = &hk->v[hk->asking];
	snprintf(text, sizeof(text), _("%s (%s) is not known to this wizard. "
	    "Its SSH host key fingerprint is:"), k->label, k->address);
	r += ui_wrap(r, 1, width - 2, 2, UI_WARN, text);
	ui_text(r++, 3, UI_TITLE, k->fp);
	r += ui_wrap(r, 1, width - 2, 2, UI_NORMAL, _("Trust it only if the "
	    "server's console shows the same fingerprint for its SSH key."));
	ui_textf(r++, 1, UI_KEY, _("%s Trust this key  %s Do not trust it"),
	    yesno_letter(YESNO_YES), yesno_letter(YESNO_NO));
	return r - row;
}
