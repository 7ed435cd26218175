/* The validation screen's job: status, the plan's own files, the ports
 * (validate.h). */
#include "config.h"


#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "load.h"
#include "names.h"
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

/* ---- the job: status, the plan's own files, the ports */

static void
ext_text(const struct mcert_cert_info *ci, char *buf, size_t len)
{
	size_t n = 0, i;
	unsigned int bit;

	*buf = '\0';
	vl_catf(buf, len, &n, "%s", ci->has_ku ? "KU" : _("KU (none)"));
	for (bit = 1, i = 0; ci->has_ku && bit <= MCERT_KU_DECIPHER_ONLY;
	    bit <<= 1)
		if (ci->ku & bit)
			vl_catf(buf, len, &n, "%s%s", i++ > 0 ? ", " : " ",
			    mcert_ku_name(bit));
	vl_catf(buf, len, &n, "; %s", ci->has_eku ? "EKU" : _("EKU (none)"));
	for (i = 0; ci->has_eku && i < ci->neku; i++)
		vl_catf(buf, len, &n, "%s%s", i > 0 ? ", " : " ", ci->eku[i]);
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

			if (v->rows[r] == NULL || !vl_planned_on(v->plan,
			    wh->label, v->rows[r]->id))
				continue;
			np = mcert_service_ports(v->ws, v->svc, v->rows[r],
			    pt, 8);
			for (k = 0; k < np && n < cap; k++, n++) {
				pa[n].label = wh->label;
				pa[n].service = v->rows[r]->id;
				pa[n].host = mcert_ws_probe_address(wh);
				pa[n].sni = wh->fqdn != NULL &&
				    !mcert_name_is_ip(wh->fqdn) ? wh->fqdn : NULL;
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

void
vl_start(struct wiz *w, struct validate *v, int reread)
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

void
vl_wake(struct wiz *w)
{
	struct validate *v = w->priv;

	if (!wiz_job_progress(w) || v == NULL)
		return;
	wiz_say_read(w, v->status != NULL, v->when, sizeof(v->when));
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
		wiz_say(w, UI_NORMAL, _("Read and probed at %s: Enter on a cell "
		    "shows its details."), v->when);
	} else if (!w->job.cancel)
		wiz_say(w, UI_ERR, "%s", v->err.msg);
	json_decref(v->new_status);
	json_decref(v->new_local);
	json_decref(v->new_probes);
	v->new_status = v->new_local = v->new_probes = NULL;
}

