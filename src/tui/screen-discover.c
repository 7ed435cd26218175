/* Discover (the renewal): the addresses of a deployment's Meeting
 * Servers, their SSH keys asked about as Bind does (hostkeys.c), then
 * what each has bound read into the workspace (mcert_discover), with
 * what had to be guessed shown for the operator to check. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "discovery.h"
#include "hostkeys.h"
#include "i18n.h"
#include "names.h"
#include "screens.h"
#include "widgets.h"
#include "yesno.h"

#define MAX_HOSTS 16

enum phase { DP_FORM, DP_HOSTKEYS, DP_TRUST, DP_READING };

struct disc {
	struct field addrs, user;
	int focus;		/* 0: the addresses, 1: the user */
	enum phase phase;
	char error[512];	/* under the addresses */
	/* the hosts as typed, for the key check and the discovery */
	char name[MAX_HOSTS][256];
	struct mcert_ws_host th[MAX_HOSTS];
	struct mcert_discover_host dh[MAX_HOSTS];
	size_t n;
	struct hostkeys hk;
	struct wiz_ssh paths;
	struct ask ask;
	struct textview log;
	/* the discovery's, read once it has finished */
	struct mcert_discover_opts o;
	json_t *root;
	struct mcert_error err;
	int ret;
};

/* ---- the addresses */

/* One "ADDR", "ADDR:PORT" or "[V6]:PORT" into host i; an error said. */
static int
parse_one(struct disc *d, const char *tok, size_t i)
{
	const char *h;
	int port, r;

	snprintf(d->name[i], sizeof(d->name[i]), "%s", tok);
	if ((r = mcert_name_split_hostport(d->name[i], &h, &port)) != 0) {
		snprintf(d->error, sizeof(d->error), r == -2 ? _("%s: the SSH "
		    "port after ':' is not a number from 1 to 65535") :
		    _("%s: give an address, as ADDR or ADDR:PORT"), tok);
		return -1;
	}
	d->dh[i] = (struct mcert_discover_host){ h, port,
	    d->user.text[0] != '\0' ? d->user.text : NULL };
	d->th[i] = (struct mcert_ws_host){ .label = h, .address = h,
	    .port = port, .user = d->dh[i].user, .fqdn = h };
	return 0;
}

/* The addresses field into d->dh: 0, or -1 with d->error set. */
static int
parse_addrs(struct disc *d)
{
	char buf[sizeof(d->addrs.text)], *tok, *save = NULL;
	size_t i;

	d->error[0] = '\0';
	d->n = 0;
	snprintf(buf, sizeof(buf), "%s", d->addrs.text);
	for (tok = strtok_r(buf, " ,;\t", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,;\t", &save)) {
		if (d->n == MAX_HOSTS) {
			snprintf(d->error, sizeof(d->error), _("at most %d "
			    "servers at a time"), MAX_HOSTS);
			return -1;
		}
		if (parse_one(d, tok, d->n) != 0)
			return -1;
		for (i = 0; i < d->n; i++)
			if (strcmp(d->dh[i].address,
			    d->dh[d->n].address) == 0 &&
			    d->dh[i].port == d->dh[d->n].port) {
				snprintf(d->error, sizeof(d->error), _("%s is "
				    "given twice"), tok);
				return -1;
			}
		d->n++;
	}
	if (d->n == 0) {
		snprintf(d->error, sizeof(d->error), "%s", _("type the address "
		    "of at least one Meeting Server"));
		return -1;
	}
	return 0;
}

/* ---- the jobs */

static void *
keys_job(struct wiz_job *job, void *arg)
{
	struct disc *d = arg;

	hostkeys_check(job, &d->hk);
	return NULL;
}

static void
progress(void *ctx, const char *host, const char *text)
{
	wiz_job_post(ctx, "%s: %s", host, text);
}

static void *
discover_job(struct wiz_job *job, void *arg)
{
	struct disc *d = arg;

	d->o.progress_ctx = job;
	d->o.cancel = &job->cancel;
	d->ret = mcert_discover(&d->o, &d->root, &d->err);
	return d->ret == MCERT_OK ? d : NULL;
}

static void
start_keys(struct wiz *w, struct disc *d)
{
	struct mcert_ssh_opts base;
	size_t i;

	hostkeys_free(&d->hk);
	wiz_ssh_opts(&d->paths, wiz_dir(w), NULL, &base);
	for (i = 0; i < d->n; i++)
		if (hostkeys_add(&d->hk, &d->th[i], &base) != 0) {
			wiz_say(w, UI_ERR, "%s", _("out of memory"));
			return;
		}
	textview_clear(&d->log);
	if (wiz_job_start(w, keys_job, d) != 0)
		return;
	d->phase = DP_HOSTKEYS;
	textview_add(&d->log, UI_TITLE, _("Checking each server's SSH "
	    "key..."));
}

static void
start_reading(struct wiz *w, struct disc *d)
{
	memset(&d->o, 0, sizeof(d->o));
	wiz_ssh_opts(&d->paths, wiz_dir(w), &d->ask, &d->o.ssh);
	d->o.ssh.accept_fingerprint = d->hk.accept[0] != '\0' ?
	    d->hk.accept : NULL;
	d->o.hosts = d->dh;
	d->o.nhosts = d->n;
	d->o.svc = w->svc;
	d->o.progress = progress;
	json_decref(d->root);
	d->root = NULL;
	if (wiz_job_start(w, discover_job, d) != 0) {
		d->phase = DP_FORM;
		return;
	}
	d->phase = DP_READING;
	textview_add(&d->log, UI_TITLE, _("Reading what each server has "
	    "bound (nothing is changed on them)..."));
	wiz_say(w, UI_NORMAL, "%s", _("Reading the servers: Esc stops"));
}

/* ---- what was found */

/* The roles, short, in the order of mcert_ws_role_names. */
static const char *const short_roles[] = {
	"CB", "WA", "WB3", "TURN", "DB", "REC", "STR", "UPL", "APPS",
};

static void
summary(struct wiz *w, struct disc *d)
{
	const struct mcert_workspace *ws = w->ws;
	const char *k, *type = json_string_value(json_object_get(ws->root,
	    "type"));
	json_t *v, *guesses = json_object_get(ws->root, "guesses");
	char roles[256], line[1400];
	size_t i, r, n;

	textview_clear(&d->log);
	snprintf(line, sizeof(line), _("%zu server(s), %s; the new "
	    "certificates will be generation %d"), ws->nhosts, type != NULL ?
	    type : "?", ws->generation);
	textview_add(&d->log, UI_TITLE, line);
	for (i = 0; i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];

		roles[0] = '\0';
		for (r = 0, n = 0; r < sizeof(short_roles) /
		    sizeof(*short_roles); r++)
			if ((h->roles & (1u << r)) && n < sizeof(roles))
				n += (size_t)snprintf(roles + n, sizeof(roles) -
				    n, "%s%s", n > 0 ? "+" : "", short_roles[r]);
		snprintf(line, sizeof(line), "  %s  %s  %s  %s %s", h->label,
		    mcert_ws_host_address(h), h->fqdn, roles, h->db !=
		    MCERT_DB_NONE ? mcert_ws_dbrole_names[h->db] : "");
		textview_add_hanging(&d->log, UI_NORMAL, 4, line);
	}
	if (json_object_size(guesses) > 0) {
		textview_add(&d->log, UI_WARN, _("Guessed (check them; the "
		    "Certificates screen shows the names each certificate "
		    "gets):"));
		json_object_foreach(guesses, k, v) {
			snprintf(line, sizeof(line), "  %s %s: %s", ui_mark_text(
			    UI_MARK_WARN), k, json_string_value(v) != NULL ?
			    json_string_value(v) : "");
			textview_add_hanging(&d->log, UI_NORMAL, 4, line);
		}
	}
	d->log.top = 0;
	d->log.follow = 0;
}

/* The discovered workspace takes the place of the one open. */
static void
adopt(struct wiz *w, struct disc *d)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_error err = { 0, "" };
	json_t *root = d->root;

	d->root = NULL;
	if (mcert_ws_from_json(root, w->path, &ws, &err) != MCERT_OK) {
		wiz_say(w, UI_ERR, "%s", err.msg);
		return;
	}
	mcert_ws_free(w->ws);
	w->ws = ws;
	wiz_replan(w);
	wiz_save(w);
	field_set(&d->addrs, "");
	summary(w, d);
	wiz_say(w, UI_OK, _("Read %zu server(s): check what was guessed, "
	    "then Enter shows what expires"), ws->nhosts);
}

static void
wake(struct wiz *w)
{
	struct disc *d = w->priv;
	char **lines, line[1200];
	size_t i, n;
	int fin;

	lines = wiz_job_take(w, &n, &fin);
	for (i = 0; i < n; i++) {
		if (d != NULL && !(d->phase == DP_HOSTKEYS &&
		    hostkeys_line(&d->hk, lines[i])))
			textview_add(&d->log, UI_NORMAL, lines[i]);
		free(lines[i]);
	}
	free(lines);
	if (d == NULL || !fin)
		return;
	if (d->phase == DP_HOSTKEYS) {
		d->phase = DP_FORM;
		if (w->job.cancel) {
			wiz_say(w, UI_WARN, "%s", _("Stopped: nothing was read."));
			return;
		}
		if (hostkeys_known(&d->hk) > 0) {
			for (i = 0; i < d->hk.n; i++)
				if (d->hk.v[i].key == KEY_CHANGED) {
					snprintf(line, sizeof(line), "%s %s",
					    ui_mark_text(UI_MARK_ERR),
					    d->hk.v[i].why);
					textview_add_hanging(&d->log, UI_ERR,
					    2, line);
				}
			wiz_say(w, UI_ERR, "%s", _("A host key CHANGED: nothing "
			    "was read. Read why below."));
			return;
		}
		if (d->hk.asking < d->hk.n) {
			d->phase = DP_TRUST;
			wiz_say(w, UI_WARN, _("A server is not known yet: compare "
			    "its fingerprint, then %s or %s."),
			    yesno_letter(YESNO_YES), yesno_letter(YESNO_NO));
			return;
		}
		start_reading(w, d);
		return;
	}
	d->phase = DP_FORM;
	if (d->ret == MCERT_OK && d->root != NULL)
		adopt(w, d);
	else {
		snprintf(line, sizeof(line), "%s %s", ui_mark_text(UI_MARK_ERR),
		    w->job.cancel ? _("Stopped: nothing was read.") :
		    d->err.msg);
		textview_add_hanging(&d->log, UI_ERR, 2, line);
		wiz_say(w, UI_ERR, "%s", _("The servers could not be read "
		    "(see below); the workspace is as it was"));
	}
}

/* ---- the screen */

static void
enter(struct wiz *w)
{
	struct disc *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return;
	ask_init(&d->ask, &w->job);
	d->phase = DP_FORM;
	w->priv = d;
	if (w->ws->nhosts > 0)
		summary(w, d);
}

static void
leave(struct wiz *w)
{
	struct disc *d = w->priv;

	if (d == NULL)
		return;
	hostkeys_free(&d->hk);
	ask_free(&d->ask);
	textview_clear(&d->log);
	json_decref(d->root);
	free(d);
}

static void
draw(struct wiz *w)
{
	struct disc *d = w->priv;
	int rows, cols, r, used;

	if (d == NULL)
		return;
	ui_area_size(&rows, &cols);
	r = ui_wrap(0, 1, cols - 2, 3, UI_NORMAL, w->ws->nhosts > 0 ?
	    _("The servers below are the deployment. Enter goes on; to read "
	    "them again, type their addresses.") : _("Type the SSH addresses "
	    "of the deployment's Meeting Servers (:port for another port), "
	    "separated by blanks. meetcert reads what each has bound; it "
	    "changes nothing."));
	ui_text(++r, 1, UI_TITLE, _("Meeting Servers"));
	field_draw(&d->addrs, ++r, 3, cols - 6, d->focus == 0 &&
	    d->phase == DP_FORM && !ask_waiting(&d->ask));
	if (d->error[0] != '\0')
		ui_text(++r, 3, UI_ERR, d->error);
	ui_text(++r, 1, UI_TITLE, _("SSH user (empty: as ~/.ssh/config says)"));
	field_draw(&d->user, ++r, 3, 30, d->focus == 1 && d->phase ==
	    DP_FORM && !ask_waiting(&d->ask));
	r += 2;
	if (d->phase == DP_TRUST) {
		hostkeys_draw(&d->hk, r, cols - 2);
		return;
	}
	if ((used = ask_draw(&d->ask, r, 1, cols - 2)) > 0)
		r += used + 1;
	if (r < rows)
		textview_draw(&d->log, r, 1, rows - r, cols - 2);
}

static int
trust(struct wiz *w, struct disc *d, int k)
{
	enum yesno a = yesno_key(k);
	int more;

	if (a == YESNO_NONE && k != UI_KEY_ESC)
		return k != UI_KEY_F1 && k != UI_KEY_F10;
	if ((more = hostkeys_answer(&d->hk, a == YESNO_YES)) < 0) {
		d->phase = DP_FORM;
		wiz_say(w, UI_WARN, _("%s's key was not trusted: nothing was "
		    "read; Enter asks again."), d->hk.v[d->hk.asking].label);
		return 1;
	}
	if (more == 0)
		start_reading(w, d);
	return 1;
}

static int
key(struct wiz *w, int k)
{
	struct disc *d = w->priv;

	if (d == NULL)
		return 0;
	if (ask_key(&d->ask, k))
		return 1;
	if (d->phase == DP_TRUST)
		return trust(w, d, k);
	if (w->job.running)
		return k != UI_KEY_ESC && k != UI_KEY_ENTER && k != UI_KEY_F1 &&
		    k != UI_KEY_F10 && textview_key(&d->log, k);
	if (k == UI_KEY_TAB || k == UI_KEY_BTAB) {
		d->focus = !d->focus;
		return 1;
	}
	if (k == UI_KEY_ENTER) {
		if (d->addrs.text[0] == '\0' && w->ws->nhosts > 0)
			return 0;	/* the frame goes on */
		if (parse_addrs(d) == 0)
			start_keys(w, d);
		return 1;
	}
	if (k == UI_KEY_UP || k == UI_KEY_DOWN || k == UI_KEY_PGUP ||
	    k == UI_KEY_PGDN)
		return textview_key(&d->log, k);
	return field_key(d->focus == 0 ? &d->addrs : &d->user, k);
}

static int
done(struct wiz *w)
{
	if (w->ws->nhosts > 0)
		return 1;
	wiz_say(w, UI_ERR, "%s", _("Type the servers' addresses and press "
	    "Enter to read them first"));
	return 0;
}

const struct screen screen_discover = {
	.name = "discover",
	.flows = WIZ_FLOW_RENEW,
	.step = N_("Servers"),
	.help = N_("A renewal starts from what is running. Each Meeting Server "
	    "is reached over SSH (its host key checked, as for Bind) and asked "
	    "what every service has bound, what pki list holds and where it "
	    "stands in the database cluster; the bound certificate files are "
	    "fetched by SFTP and inspected. From them meetcert writes the "
	    "workspace: the deployment type, each server's roles and name, "
	    "the names on the certificates. What it could only guess is listed "
	    "to be checked. Nothing is changed on the servers here."),
	.keys = N_("Enter Read/Next  Tab Field"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.wake = wake,
	.leave = leave,
	.done = done,
};
