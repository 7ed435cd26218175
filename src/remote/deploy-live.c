/* Deploying a renewal into a running deployment (deploy-int.h): the
 * services bound one host at a time, each host's ports probed for the
 * certificate just bound before the next host starts, and the database
 * certificates checked against their CA before the cluster is touched. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "deploy-int.h"
#include "files.h"
#include "judge.h"
#include "load.h"
#include "pem.h"
#include "probe.h"
#include "timefmt.h"
#include "x509.h"

#define PROBE_WAIT_MS 30000L
#define PROBE_EACH_MS 5000L
#define PROBE_PAUSE_MS 500L

/* ---- one host at a time */

int
dp_turn_wait(struct host *hp)
{
	struct run *run = hp->run;
	int failed;

	pthread_mutex_lock(&run->lock);
	while (run->next != hp->index && !run->failed)
		(void)dp_wait(hp);
	failed = run->failed;
	pthread_mutex_unlock(&run->lock);
	return failed ? -1 : 0;
}

void
dp_turn_pass(struct host *hp, int ok)
{
	struct run *run = hp->run;

	pthread_mutex_lock(&run->lock);
	if (!ok)
		run->failed = 1;
	run->next++;
	pthread_cond_broadcast(&run->turn);
	pthread_mutex_unlock(&run->lock);
}

/* ---- the live check */

/* The fingerprint of the leaf in the workspace's file name. */
static int
local_sha256(const struct host *hp, const char *name, char *out, size_t len)
{
	struct mcert_error err = { 0, "" };
	const struct mcert_object *o;
	struct mcert_cert_info ci;
	struct mcert_file *f = NULL;
	char path[4200];
	int r = -1;

	snprintf(path, sizeof(path), "%s/%s", hp->run->o->dir, name);
	if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) ==
	    MCERT_OK && (o = mcert_file_first(f, MCERT_KIND_CERT)) != NULL &&
	    mcert_cert_info(o->cert, time(NULL), &ci, NULL) == MCERT_OK) {
		snprintf(out, len, "%s", ci.sha256);
		mcert_cert_info_free(&ci);
		r = 0;
	}
	mcert_file_free(f);
	return r;
}

/* What host:port presents first, as a fingerprint, or the reason it
 * presents nothing in why. */
static int
presented(const struct host *hp, int port, char *sha, size_t len, char *why,
    size_t whylen)
{
	struct mcert_error err = { 0, "" };
	struct mcert_probe_opts po = { mcert_ws_probe_address(hp->h), port,
	    hp->h->fqdn, PROBE_EACH_MS };
	struct mcert_probe_result pr;
	struct mcert_cert_info ci;
	int r = -1;

	if (mcert_probe(&po, &pr, &err) != MCERT_OK)
		snprintf(why, whylen, "%s", err.msg);
	else if (sk_X509_num(pr.chain) < 1 || mcert_cert_info(sk_X509_value(
	    pr.chain, 0), time(NULL), &ci, NULL) != MCERT_OK)
		snprintf(why, whylen, "%s", mcert_tr(N_("it presented no "
		    "readable certificate")));
	else {
		snprintf(sha, len, "%s", ci.sha256);
		mcert_cert_info_free(&ci);
		r = 0;
	}
	mcert_probe_result_free(&pr);
	return r;
}

/* Probes port until it presents want (the certificate of name). */
static int
probe_port(struct host *hp, const char *service, int port, const char *name,
    const char *want)
{
	long limit = hp->run->o->probe_wait_ms > 0 ?
	    hp->run->o->probe_wait_ms : PROBE_WAIT_MS;
	char label[300], text[400], sha[96] = "", why[512] = "";
	long t0;

	mcert_probe_label(mcert_ws_probe_address(hp->h), port, label,
	    sizeof(label));
	snprintf(text, sizeof(text), "probe %s (%s)", label, service);
	dp_emit(hp, MCERT_DS_CHECK, text);
	t0 = mcert_now_ms();
	for (;;) {
		*why = '\0';
		if (presented(hp, port, sha, sizeof(sha), why,
		    sizeof(why)) == 0 && strcmp(sha, want) == 0)
			return 0;
		if (mcert_now_ms() - t0 >= limit || dp_cancelled(hp))
			break;
		mcert_sleep_ms(PROBE_PAUSE_MS);
	}
	if (*why != '\0')
		return dp_failedf(hp, N_("%s: %s (%s) does not answer with "
		    "TLS after %s was bound: %s"), hp->h->label, label,
		    service, name, why);
	return dp_failedf(hp, N_("%s: %s (%s) presents %s, not %s just "
	    "bound; check the service's listening interface"), hp->h->label,
	    label, service, sha, name);
}

/* Every port of every service this host bound in phase 0 presents its
 * new certificate. */
int
dp_live_check(struct host *hp)
{
	const struct mcert_plan_step *st;
	const struct mcert_service *s;
	const char *name;
	char want[96];
	int ports[8];
	size_t i, k, n;

	for (i = 0; i < hp->nsteps; i++) {
		st = dp_step_at(hp, i);
		if (st->phase != DP_PHASE_SERVICES ||
		    strcmp(st->what, "bind") != 0 || st->files == NULL ||
		    (s = dp_service(hp->run, st->service)) == NULL)
			continue;
		name = json_string_value(json_object_get(st->files, "cert"));
		if (name == NULL)
			name = json_string_value(json_object_get(st->files,
			    "fullchain"));
		n = mcert_service_ports(hp->run->ws, hp->run->svc, s, ports,
		    sizeof(ports) / sizeof(*ports));
		if (name == NULL || n == 0)
			continue;
		if (local_sha256(hp, name, want, sizeof(want)) != 0)
			return dp_failedf(hp, N_("%s: cannot read %s in the "
			    "workspace's folder to compare with what %s "
			    "presents"), hp->h->label, name, s->id);
		for (k = 0; k < n; k++)
			if (probe_port(hp, s->id, ports[k], name, want) != 0)
				return -1;
	}
	return 0;
}

/* Puts back every service group of phase 0 on this host and forgets that
 * they were done, so that a rerun binds them again. */
void
dp_undo_services(struct host *hp)
{
	struct group g;
	char note[256] = "";
	size_t i, end;

	for (i = 0; i < hp->nsteps; i = end) {
		end = dp_group_end(hp, i);
		if (dp_step_at(hp, i)->phase != DP_PHASE_SERVICES)
			continue;
		g = (struct group){ i, end - i, NULL };
		(void)dp_rollback(hp, &g, note, sizeof(note));
		(void)dp_mark(hp, i, end - i, "planned");
	}
	dp_why_append(hp, note);
	dp_emit(hp, MCERT_DS_FAILED, hp->res->why);
}

/* ---- the database certificates, checked here first */

static int
read_local(const struct run *run, const char *name, unsigned char **data,
    size_t *len, struct mcert_error *err)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", run->o->dir, name);
	return mcert_file_read(path, data, len, err);
}

static int
db_one(const struct run *run, const char *label, const char *cert,
    const char *ca, int usage, struct mcert_error *err)
{
	unsigned char *ld = NULL, *cd = NULL;
	size_t ll = 0, cl = 0;
	json_t *j = NULL;
	int r;

	if (cert == NULL || ca == NULL)
		return MCERT_OK;
	if ((r = read_local(run, cert, &ld, &ll, err)) != MCERT_OK ||
	    (r = read_local(run, ca, &cd, &cl, err)) != MCERT_OK)
		goto out;
	if ((r = mcert_judge_bound(ld, ll, cert, cd, cl, ca, usage,
	    time(NULL), &j, err)) != MCERT_OK)
		goto out;
	if (!json_is_true(json_object_get(j, "verified")))
		r = mcert_error_set(err, MCERT_E_VERDICT, N_("%s: %s does not "
		    "verify against the database cluster CA %s (%s); nothing "
		    "was changed: make the database certificates again"),
		    label, cert, ca, json_string_value(json_object_get(j,
		    "why")) != NULL ? json_string_value(json_object_get(j,
		    "why")) : "?");
out:
	json_decref(j);
	free(ld);
	free(cd);
	return r;
}

/* Before the cluster is touched, every database certificate of the plan
 * verifies against the CA it will be bound with. */
int
dp_db_precheck(const struct run *run, struct mcert_error *err)
{
	const struct mcert_plan_step *st;
	const char *ca;
	size_t i;
	int r = MCERT_OK;

	for (i = 0; i < run->plan->nsteps && r == MCERT_OK; i++) {
		st = &run->plan->steps[i];
		if (st->phase == DP_PHASE_SERVICES || st->files == NULL ||
		    (ca = json_string_value(json_object_get(st->files,
		    "ca"))) == NULL || (run->o->only_host != NULL &&
		    strcmp(run->o->only_host, st->host) != 0))
			continue;
		r = db_one(run, st->host, json_string_value(json_object_get(
		    st->files, "server_cert")), ca, MCERT_USAGE_SERVER, err);
		if (r == MCERT_OK)
			r = db_one(run, st->host, json_string_value(
			    json_object_get(st->files, "client_cert")), ca,
			    MCERT_USAGE_CLIENT, err);
	}
	return r;
}
