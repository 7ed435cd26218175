/* Deploying a plan to its Meeting Servers (deploy.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "deploy.h"
#include "mmp.h"
#include "shell.h"

#define MAX_FILE (1024 * 1024)
#define KEEPALIVE_S 10

struct run {
	struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_services *svc;
	const struct mcert_deploy_opts *o;
	pthread_mutex_t lock;	/* the workspace, events and the barrier */
	pthread_cond_t turn;
	size_t nhosts, arrived;
	unsigned long round;
	int failed;		/* a host failed: the others stop at the
				 * next barrier */
	int stop;		/* not every thread started: do nothing */
	int phases[16];
	size_t nphases;
};

struct host {
	struct run *run;
	const struct mcert_ws_host *h;
	struct mcert_deploy_host *res;
	size_t *steps;		/* indices into plan->steps */
	size_t nsteps, done;
	struct mcert_ssh *ssh;
	struct mcert_shell *sh;
	FILE *tr;
};

/* A group of steps bound together: one component's disable ... enable. */
struct group {
	size_t first, n;	/* positions in host->steps */
	json_t *before;		/* {service: binding} read before */
};

static long
command_ms(const struct host *hp)
{
	return hp->run->o->command_ms > 0 ? hp->run->o->command_ms : 120000;
}

static const struct mcert_plan_step *
step_at(const struct host *hp, size_t i)
{
	return &hp->run->plan->steps[hp->steps[i]];
}

static const struct mcert_service *
service(const struct run *run, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < run->svc->n; i++)
		if (strcmp(run->svc->v[i].id, id) == 0)
			return &run->svc->v[i];
	return NULL;
}

static void
emit(struct host *hp, enum mcert_deploy_stage stage, const char *text)
{
	const struct mcert_deploy_opts *o = hp->run->o;
	struct mcert_deploy_event ev = { hp->h->label, stage, hp->done,
	    hp->nsteps, text };

	if (o->progress == NULL)
		return;
	pthread_mutex_lock(&hp->run->lock);
	o->progress(o->ctx, &ev);
	pthread_mutex_unlock(&hp->run->lock);
}

/* Records why the host failed (the first reason wins) and tells. */
static int
failed(struct host *hp, const char *why)
{
	if (hp->res->ok) {
		hp->res->ok = 0;
		snprintf(hp->res->why, sizeof(hp->res->why), "%s", why);
	}
	emit(hp, MCERT_DS_FAILED, why);
	return -1;
}

/* A message from the SSH layer, which names the address: the label
 * goes first ("cms1 (127.0.0.51): ..."). */
static int
failed_at(struct host *hp, const char *msg)
{
	const char *addr = mcert_ws_host_address(hp->h);
	size_t n = strlen(addr);
	char why[1024];

	if (strncmp(msg, addr, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		snprintf(why, sizeof(why), "%s (%s)%s", hp->h->label, addr,
		    msg + n);
	else
		snprintf(why, sizeof(why), "%s: %s", hp->h->label, msg);
	return failed(hp, why);
}

static int
failedf(struct host *hp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
failedf(struct host *hp, const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), mcert_tr(fmt), ap);
	va_end(ap);
	return failed(hp, why);
}

static int
cancelled(const struct host *hp)
{
	return hp->run->o->cancel != NULL && *hp->run->o->cancel;
}

static int
wait_turn(struct run *run)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += KEEPALIVE_S;
	return pthread_cond_timedwait(&run->turn, &run->lock, &until);
}

/* Every host arrives before any goes on; 0 when every host is well. */
static int
barrier(struct host *hp)
{
	struct run *run = hp->run;
	unsigned long round;
	int ok;

	pthread_mutex_lock(&run->lock);
	if (!hp->res->ok)
		run->failed = 1;
	round = run->round;
	if (++run->arrived == run->nhosts) {
		run->arrived = 0;
		run->round++;
		pthread_cond_broadcast(&run->turn);
	} else {
		while (round == run->round)
			if (wait_turn(run) == ETIMEDOUT && hp->ssh != NULL) {
				/* a quiet connection stays open while others
				 * work */
				pthread_mutex_unlock(&run->lock);
				mcert_ssh_keepalive(hp->ssh);
				pthread_mutex_lock(&run->lock);
			}
	}
	ok = !run->failed;
	pthread_mutex_unlock(&run->lock);
	return ok ? 0 : -1;
}

static int
save(struct host *hp)
{
	struct run *run = hp->run;
	struct mcert_error err = { 0, "" };
	int r = MCERT_OK;

	if (run->o->ws_path != NULL && !run->o->dry_run)
		r = mcert_ws_save(run->ws, run->o->ws_path, &err);
	return r == MCERT_OK ? 0 : failed(hp, err.msg);
}

/* "cms1/g2/3 webadmin disable": a step is done only for the generation,
 * place and command it was done as (a renewal or an edited plan starts
 * afresh). */
static void
format_key(char *key, size_t len, const char *label, int generation,
    size_t nth, const char *command)
{
	snprintf(key, len, "%s/g%d/%zu %s", label, generation, nth, command);
}

static void
step_key(const struct host *hp, size_t i, char *key, size_t len)
{
	format_key(key, len, hp->h->label, hp->run->ws->generation, i + 1,
	    step_at(hp, i)->command);
}

int
mcert_deploy_done(const struct mcert_workspace *ws,
    const struct mcert_plan *plan, const char *only_host)
{
	char key[1200];
	size_t h, i, nth;

	for (h = 0; h < ws->nhosts; h++) {
		const char *label = ws->hosts[h].label;

		if (only_host != NULL && strcmp(only_host, label) != 0)
			continue;
		for (i = 0, nth = 0; i < plan->nsteps; i++) {
			if (strcmp(plan->steps[i].host, label) != 0)
				continue;
			format_key(key, sizeof(key), label, ws->generation,
			    ++nth, plan->steps[i].command);
			if (strcmp(mcert_ws_step_state(ws, key), "done") != 0)
				return 0;
		}
	}
	return 1;
}

static int
step_done(struct host *hp, size_t i)
{
	char key[1200];
	int done;

	step_key(hp, i, key, sizeof(key));
	pthread_mutex_lock(&hp->run->lock);
	done = strcmp(mcert_ws_step_state(hp->run->ws, key), "done") == 0;
	pthread_mutex_unlock(&hp->run->lock);
	return done;
}

static int
mark_done(struct host *hp, size_t first, size_t n)
{
	struct mcert_error err = { 0, "" };
	char key[1200];
	size_t i;
	int r = MCERT_OK;

	if (hp->run->o->dry_run)
		return 0;
	pthread_mutex_lock(&hp->run->lock);
	for (i = first; i < first + n && r == MCERT_OK; i++) {
		step_key(hp, i, key, sizeof(key));
		r = mcert_ws_set_step_state(hp->run->ws, key, "done", &err);
	}
	pthread_mutex_unlock(&hp->run->lock);
	if (r != MCERT_OK)
		return failed(hp, err.msg);
	pthread_mutex_lock(&hp->run->lock);
	r = save(hp);
	pthread_mutex_unlock(&hp->run->lock);
	return r;
}

/* ---- talking to the MMP */

/* Runs command; its answer in *out (may be NULL).  0 when the MMP did
 * not report a failure. */
static int
mmp(struct host *hp, const char *command, const char *confirm, char **out)
{
	struct mcert_error err = { 0, "" };
	char why[512], *text = NULL;
	int r;

	r = mcert_shell_run(hp->sh, command, confirm, NULL, command_ms(hp),
	    &text, &err);
	if (r != MCERT_OK) {
		free(text);
		return failed_at(hp, err.msg);
	}
	if (mcert_mmp_failed(text, why, sizeof(why))) {
		free(text);
		return failedf(hp, N_("%s: '%s' failed: %s"), hp->h->label,
		    command, why);
	}
	if (out != NULL)
		*out = text;
	else
		free(text);
	return 0;
}

static FILE *
open_transcript(struct host *hp)
{
	const char *dir = hp->run->o->transcripts;
	char path[4096], stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	FILE *f;
	int fd;

	if (dir == NULL)
		return NULL;
	(void)mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s.log", dir, hp->h->label);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0 || (f = fdopen(fd, "a")) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "# meetcert %s %s, %s\n", hp->run->o->dry_run ?
	    "deploy --dry-run" : "deploy", hp->h->label, stamp);
	fflush(f);
	return f;
}

static int
connect_host(struct host *hp)
{
	struct mcert_ssh_opts so = hp->run->o->ssh;
	struct mcert_error err = { 0, "" };

	emit(hp, MCERT_DS_CONNECT, NULL);
	so.host = mcert_ws_host_address(hp->h);
	if (hp->h->port > 0)
		so.port = hp->h->port;
	if (hp->h->user != NULL)
		so.user = hp->h->user;
	mcert_shell_close(hp->sh);
	mcert_ssh_close(hp->ssh);
	hp->sh = NULL;
	hp->ssh = NULL;
	if (mcert_ssh_connect(&so, &hp->ssh, &err) != MCERT_OK ||
	    mcert_shell_open(hp->ssh, hp->tr, command_ms(hp), &hp->sh,
	    &err) != MCERT_OK)
		return failed_at(hp, err.msg);
	return 0;
}

/* ---- files */

static int
read_local(struct host *hp, const char *name, unsigned char **data,
    size_t *len)
{
	char path[4096];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", hp->run->o->dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return failedf(hp, N_("%s: %s is not there (%s): make it first "
		    "(meetcert plan lists how), then run deploy again"),
		    hp->h->label, path, strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_size > MAX_FILE ||
	    (*data = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return failedf(hp, N_("%s: %s is too large to be a certificate "
		    "file"), hp->h->label, path);
	}
	n = read(fd, *data, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		mcert_wipe(*data, (size_t)st.st_size);
		free(*data);
		return failedf(hp, N_("%s: cannot read %s"), hp->h->label,
		    path);
	}
	*len = (size_t)n;
	return 0;
}

static int
same_bytes(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	unsigned char ha[EVP_MAX_MD_SIZE], hb[EVP_MAX_MD_SIZE];
	unsigned int la = 0, lb = 0;

	EVP_Digest(a, alen, ha, &la, EVP_sha256(), NULL);
	EVP_Digest(b, blen, hb, &lb, EVP_sha256(), NULL);
	return alen == blen && la == lb && memcmp(ha, hb, la) == 0;
}

/* One file: new, so uploaded; already there and the same (an earlier run),
 * so left; there and different: never replaced. */
static int
upload_one(struct host *hp, const char *name, json_t *listed)
{
	struct mcert_error err = { 0, "" };
	unsigned char *data = NULL, *there = NULL;
	size_t len = 0, tlen = 0, i;
	json_t *v;
	int r = 0, present = 0;

	if (read_local(hp, name, &data, &len) != 0)
		return -1;
	json_array_foreach(listed, i, v)
		present |= strcmp(json_string_value(v), name) == 0;
	if (present) {
		if (mcert_sftp_get(hp->ssh, name, &there, &tlen, &err) !=
		    MCERT_OK)
			r = failed_at(hp, err.msg);
		else if (!same_bytes(data, len, there, tlen))
			r = failedf(hp, N_("%s: %s is already on the server with "
			    "other content; meetcert never replaces a file "
			    "(it may be live): raise the workspace's generation "
			    "for new names"), hp->h->label, name);
		else
			emit(hp, MCERT_DS_SKIP, name);
	} else if (hp->run->o->dry_run) {
		emit(hp, MCERT_DS_PLAN, name);
	} else {
		emit(hp, MCERT_DS_UPLOAD, name);
		if (mcert_sftp_put(hp->ssh, name, data, len, &err) != MCERT_OK)
			r = failed_at(hp, err.msg);
	}
	if (there != NULL)
		mcert_wipe(there, tlen);
	free(there);
	mcert_wipe(data, len);
	free(data);
	return r;
}

static int
in_list(json_t *list, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

/* A key made on the server (pki csr) is not here: it must be there.  1
 * when name is such a key and the server has it, 0 when name is not one,
 * -1 when it is missing. */
static int
server_key(struct host *hp, const char *name, json_t *listed)
{
	char cert[256];
	size_t n = strlen(name);
	int on;

	if (n < 5 || n - 4 >= sizeof(cert) || strcmp(name + n - 4, ".key") != 0)
		return 0;
	snprintf(cert, sizeof(cert), "%.*s", (int)(n - 4), name);
	pthread_mutex_lock(&hp->run->lock);
	on = mcert_ws_key_on_server(hp->run->ws, cert);
	pthread_mutex_unlock(&hp->run->lock);
	if (!on)
		return 0;
	if (!in_list(listed, name))
		return failedf(hp, N_("%s: %s was to be made on the server (pki "
		    "csr) but is not there; make it there (meetcert server-csr) "
		    "and have its CSR signed"), hp->h->label, name);
	emit(hp, MCERT_DS_SKIP, name);
	return 1;
}

/* Uploads the host's files, then confirms them with pki list. */
static int
upload(struct host *hp)
{
	json_t *files = json_object_get(hp->run->plan->files, hp->h->label);
	json_t *listed, *v;
	char *out = NULL;
	size_t i;
	int r = 0;

	if (mmp(hp, "pki list", NULL, &out) != 0)
		return -1;
	listed = mcert_mmp_pki_list(out);
	free(out);
	json_array_foreach(files, i, v) {
		if ((r = server_key(hp, json_string_value(v), listed)) < 0)
			break;
		if (r == 1) {
			r = 0;
			continue;
		}
		if ((r = upload_one(hp, json_string_value(v), listed)) != 0)
			break;
	}
	json_decref(listed);
	if (r != 0 || hp->run->o->dry_run)
		return r;
	if (mmp(hp, "pki list", NULL, &out) != 0)
		return -1;
	listed = mcert_mmp_pki_list(out);
	free(out);
	json_array_foreach(files, i, v)
		if (!in_list(listed, json_string_value(v))) {
			r = failedf(hp, N_("%s: %s was uploaded but pki list does "
			    "not show it; check the MMP's disk space"),
			    hp->h->label, json_string_value(v));
			break;
		}
	json_decref(listed);
	return r;
}

/* ---- checks on the server, before anything is bound */

static int
check(struct host *hp, const char *fmt, const char *a, const char *b)
{
	char cmd[1024];

	if (a == NULL || b == NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), fmt, a, b);
	if (hp->run->o->dry_run) {
		/* the files are not there yet: said, not run */
		emit(hp, MCERT_DS_PLAN, cmd);
		return 0;
	}
	emit(hp, MCERT_DS_CHECK, cmd);
	return mmp(hp, cmd, NULL, NULL);
}

static const char *
file(const json_t *files, const char *name)
{
	return json_string_value(json_object_get(files, name));
}

/* pki match for each key and its certificate, pki verify for each
 * certificate and its chain, of every bind still to do. */
static int
check_binds(struct host *hp)
{
	const json_t *f;
	const char *leaf;
	size_t i;

	for (i = 0; i < hp->nsteps; i++) {
		if (strcmp(step_at(hp, i)->what, "bind") != 0 ||
		    step_done(hp, i))
			continue;
		f = step_at(hp, i)->files;
		leaf = file(f, "cert") != NULL ? file(f, "cert") :
		    file(f, "fullchain");
		if (check(hp, "pki match %s %s", file(f, "key"), leaf) ||
		    check(hp, "pki verify %s %s", leaf, file(f, "bundle")) ||
		    (file(f, "bundle") == NULL && file(f, "fullchain") !=
		    NULL && check(hp, "pki verify %s%s", leaf, "")) ||
		    check(hp, "pki match %s %s", file(f, "server_key"),
		    file(f, "server_cert")) ||
		    check(hp, "pki match %s %s", file(f, "client_key"),
		    file(f, "client_cert")) ||
		    check(hp, "pki verify %s %s", file(f, "server_cert"),
		    file(f, "ca")) ||
		    check(hp, "pki verify %s %s", file(f, "client_cert"),
		    file(f, "ca")))
			return -1;
	}
	return 0;
}

/* ---- binding, with the way back */

static const char *
status_command(const struct run *run, const struct mcert_plan_step *st)
{
	const struct mcert_service *s = service(run, st->service);

	return s != NULL && s->status_fields != NULL ?
	    mcert_service_command(s, "status") : NULL;
}

/* The group starting at first: the steps of one component in a row. */
static size_t
group_end(const struct host *hp, size_t first)
{
	const char *st = status_command(hp->run, step_at(hp, first));
	size_t i = first + 1;

	while (st != NULL && i < hp->nsteps &&
	    step_at(hp, i)->phase == step_at(hp, first)->phase &&
	    status_command(hp->run, step_at(hp, i)) != NULL &&
	    strcmp(status_command(hp->run, step_at(hp, i)), st) == 0)
		i++;
	return i;
}

/* Reads the status screen once and records each service's binding. */
static json_t *
read_before(struct host *hp, const struct group *g)
{
	struct mcert_error err = { 0, "" };
	json_t *before = json_object(), *fields, *b;
	const struct mcert_service *s;
	char *out = NULL;
	size_t i;
	int r = MCERT_OK;

	if (before == NULL || mmp(hp, status_command(hp->run,
	    step_at(hp, g->first)), NULL, &out) != 0) {
		json_decref(before);
		return NULL;
	}
	fields = mcert_mmp_fields(out);
	free(out);
	for (i = g->first; i < g->first + g->n; i++) {
		s = service(hp->run, step_at(hp, i)->service);
		if (json_object_get(before, s->id) != NULL)
			continue;
		b = mcert_mmp_binding(s, fields);
		json_object_set_new(before, s->id, b);
		pthread_mutex_lock(&hp->run->lock);
		if (!hp->run->o->dry_run)
			r = mcert_ws_record_binding(hp->run->ws, hp->h->label,
			    s->id, b, &err);
		pthread_mutex_unlock(&hp->run->lock);
		if (r != MCERT_OK)
			break;
	}
	json_decref(fields);
	if (r != MCERT_OK) {
		failed(hp, err.msg);
		json_decref(before);
		return NULL;
	}
	return before;
}

/* The binding to put back: the one recorded before this generation's
 * first run (the workspace), else the one just read. */
static json_t *
recorded(struct host *hp, const struct group *g, const char *id)
{
	json_t *b;

	pthread_mutex_lock(&hp->run->lock);
	b = mcert_ws_binding(hp->run->ws, hp->h->label, id);
	pthread_mutex_unlock(&hp->run->lock);
	return b != NULL ? b : json_object_get(g->before, id);
}

/* Puts back what was bound; a line for the operator in note. */
static int
rollback(struct host *hp, const struct group *g, char *note, size_t len)
{
	const struct mcert_plan_step *restore = NULL;
	const char *id;
	char *cmd, *missing = NULL;
	size_t i, put = 0;
	int bad = 0, enabled = 1;

	*note = '\0';
	if (!mcert_shell_alive(hp->sh) && connect_host(hp) != 0) {
		snprintf(note, len, "%s", mcert_tr(N_("; it could not be put "
		    "back (no connection): run deploy again to finish it")));
		return -1;
	}
	for (i = g->first; i < g->first + g->n; i++) {
		const struct mcert_plan_step *st = step_at(hp, i);
		const struct mcert_service *s = service(hp->run, st->service);
		json_t *b;

		if (strcmp(st->what, "bind") != 0) {
			if (strcmp(st->what, "disable") != 0)
				restore = st;
			continue;
		}
		id = s->id;
		b = recorded(hp, g, id);
		enabled &= !json_is_false(json_object_get(b, "enabled"));
		cmd = mcert_mmp_fill(mcert_service_command(s, "bind"), b,
		    &missing);
		free(missing);
		if (cmd == NULL)
			continue;	/* nothing was bound before */
		emit(hp, MCERT_DS_ROLLBACK, cmd);
		bad |= mmp(hp, cmd, NULL, NULL) != 0;
		free(cmd);
		put++;
	}
	/* enable only what was enabled; restart what always runs */
	if (restore != NULL && (enabled || strcmp(restore->what, "enable") !=
	    0)) {
		emit(hp, MCERT_DS_ROLLBACK, restore->command);
		bad |= mmp(hp, restore->command, NULL, NULL) != 0;
	}
	if (bad)
		snprintf(note, len, "%s", mcert_tr(N_("; putting the earlier "
		    "files back failed too: see the transcript")));
	else
		snprintf(note, len, "%s", put > 0 ? mcert_tr(N_("; the files "
		    "bound before were put back")) : mcert_tr(N_("; nothing "
		    "was bound before, so nothing was put back")));
	return bad ? -1 : 0;
}

static int
run_group(struct host *hp, struct group *g)
{
	const struct mcert_plan_step *st;
	char note[256], why[1024];
	size_t i;

	if (status_command(hp->run, step_at(hp, g->first)) != NULL &&
	    (g->before = read_before(hp, g)) == NULL)
		return -1;
	for (i = g->first; i < g->first + g->n; i++) {
		st = step_at(hp, i);
		hp->done = i + 1;
		if (hp->run->o->dry_run) {
			emit(hp, MCERT_DS_PLAN, st->command);
			continue;
		}
		emit(hp, MCERT_DS_STEP, st->command);
		if (mmp(hp, st->command, st->confirm, NULL) == 0)
			continue;
		if (g->before == NULL)
			return -1;	/* the database: nothing to put back */
		snprintf(why, sizeof(why), "%s", hp->res->why);
		rollback(hp, g, note, sizeof(note));
		snprintf(hp->res->why, sizeof(hp->res->why), "%s%s", why, note);
		emit(hp, MCERT_DS_FAILED, hp->res->why);
		return -1;
	}
	return mark_done(hp, g->first, g->n);
}

/* ---- the database cluster */

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* `database cluster status` until every node is connected. */
static int
db_wait(struct host *hp, const struct mcert_plan_step *st)
{
	long waited = 0, limit = hp->run->o->db_wait_ms > 0 ?
	    hp->run->o->db_wait_ms : 300000;
	size_t want = mcert_ws_db_nodes(hp->run->ws);
	json_t *db;
	char *out;
	int ok;

	emit(hp, MCERT_DS_WAIT, st->command);
	for (;;) {
		out = NULL;
		if (mmp(hp, st->command, NULL, &out) != 0)
			return -1;
		db = mcert_mmp_db_status(out);
		free(out);
		ok = mcert_mmp_db_all_connected(db, 0) &&
		    json_array_size(json_object_get(db, "nodes")) >= want;
		json_decref(db);
		if (ok)
			return 0;
		if (waited >= limit || cancelled(hp))
			return failedf(hp, N_("%s: the database cluster did not "
			    "show all %zu nodes connected within %ld s; check "
			    "'database cluster status' on each node"),
			    hp->h->label, want, limit / 1000);
		sleep_ms(500);
		waited += 500;
	}
}

/* ---- one host */

static int
run_phase(struct host *hp, int phase)
{
	struct group g;
	size_t i, end;
	int r = 0;

	for (i = 0; i < hp->nsteps && r == 0; i = end) {
		if (step_at(hp, i)->phase != phase) {
			end = i + 1;
			continue;
		}
		end = group_end(hp, i);
		g = (struct group){ i, end - i, NULL };
		if (step_done(hp, i) && step_done(hp, end - 1)) {
			hp->done = end;
			hp->res->skipped += g.n;
			emit(hp, MCERT_DS_SKIP, step_at(hp, i)->command);
			continue;
		}
		if (cancelled(hp))
			return failedf(hp, N_("%s: stopped before '%s', as "
			    "asked; run deploy again to resume"),
			    hp->h->label, step_at(hp, i)->command);
		if (strcmp(step_at(hp, i)->what, "status") == 0 &&
		    !hp->run->o->dry_run) {
			hp->done = end;
			r = db_wait(hp, step_at(hp, i));
			if (r == 0)
				r = mark_done(hp, i, 1);
		} else
			r = run_group(hp, &g);
		if (r == 0)
			hp->res->ran += g.n;
		json_decref(g.before);
	}
	return r;
}

static int
prepare(struct host *hp)
{
	if (connect_host(hp) != 0 || upload(hp) != 0)
		return -1;
	return check_binds(hp);
}

static void *
host_main(void *arg)
{
	struct host *hp = arg;
	size_t p;
	int r, stop;

	pthread_mutex_lock(&hp->run->lock);	/* the gate */
	stop = hp->run->stop;
	pthread_mutex_unlock(&hp->run->lock);
	if (stop)
		return NULL;
	hp->tr = open_transcript(hp);
	r = prepare(hp);
	for (p = 0; p < hp->run->nphases; p++) {
		/* Every host passes every barrier, even one that failed,
		 * so that none waits forever. */
		if (barrier(hp) != 0) {
			if (r == 0)
				r = failedf(hp, N_("%s: stopped before phase %d "
				    "because another host failed; run deploy "
				    "again when it is fixed"), hp->h->label,
				    hp->run->phases[p]);
			continue;
		}
		if (r == 0)
			r = run_phase(hp, hp->run->phases[p]);
	}
	(void)barrier(hp);
	if (r == 0)
		emit(hp, MCERT_DS_DONE, NULL);
	mcert_shell_close(hp->sh);
	mcert_ssh_close(hp->ssh);
	hp->sh = NULL;
	hp->ssh = NULL;
	if (hp->tr != NULL)
		fclose(hp->tr);
	return NULL;
}

/* ---- the run */

static void
add_phase(struct run *run, int phase)
{
	size_t i, j;

	for (i = 0; i < run->nphases; i++)
		if (run->phases[i] == phase)
			return;
	if (run->nphases == sizeof(run->phases) / sizeof(*run->phases))
		return;
	for (i = 0; i < run->nphases && run->phases[i] < phase; i++)
		;
	for (j = run->nphases; j > i; j--)
		run->phases[j] = run->phases[j - 1];
	run->phases[i] = phase;
	run->nphases++;
}

static int
make_hosts(struct run *run, struct host *hosts, struct mcert_deploy_result *r)
{
	const struct mcert_plan *p = run->plan;
	size_t i, k, n = 0;

	for (i = 0; i < run->ws->nhosts; i++) {
		const struct mcert_ws_host *h = &run->ws->hosts[i];
		struct host *hp = &hosts[n];

		if (run->o->only_host != NULL &&
		    strcmp(run->o->only_host, h->label) != 0)
			continue;
		hp->run = run;
		hp->h = h;
		hp->res = &r->v[n];
		hp->res->host = h->label;
		hp->res->ok = 1;
		if ((hp->steps = calloc(p->nsteps + 1, sizeof(size_t))) ==
		    NULL)
			return -1;
		for (k = 0; k < p->nsteps; k++)
			if (strcmp(p->steps[k].host, h->label) == 0) {
				hp->steps[hp->nsteps++] = k;
				add_phase(run, p->steps[k].phase);
			}
		n++;
	}
	r->n = run->nhosts = n;
	return 0;
}

/* Starts a thread per host.  They wait at a gate until all are started:
 * when one cannot be, none does anything. */
static int
start(struct run *run, struct host *hosts, struct mcert_error *err)
{
	pthread_t *tid = calloc(run->nhosts, sizeof(*tid));
	size_t i, started = 0;

	if (tid == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	pthread_mutex_lock(&run->lock);
	for (i = 0; i < run->nhosts; i++) {
		if (pthread_create(&tid[i], NULL, host_main, &hosts[i]) != 0)
			break;
		started++;
	}
	if (started < run->nhosts) {
		run->stop = 1;
		run->nhosts = started;
	}
	pthread_mutex_unlock(&run->lock);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	if (run->stop)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("cannot start a "
		    "thread per host; nothing was done"));
	return MCERT_OK;
}

int
mcert_deploy(struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_services *svc, const struct mcert_deploy_opts *o,
    struct mcert_deploy_result *r, struct mcert_error *err)
{
	struct run run = { ws, plan, svc, o, PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, { 0 }, 0 };
	struct host *hosts;
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	if (mcert_findings_count(&plan->findings, MCERT_LEVEL_ERROR) > 0)
		return mcert_error_set(err, MCERT_E_INVALID, N_("the plan has "
		    "errors (meetcert plan shows them): fix the workspace "
		    "first"));
	hosts = calloc(ws->nhosts + 1, sizeof(*hosts));
	r->v = calloc(ws->nhosts + 1, sizeof(*r->v));
	if (hosts == NULL || r->v == NULL || make_hosts(&run, hosts, r) != 0) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if (run.nhosts == 0) {
		ret = mcert_error_set(err, MCERT_E_INVALID, N_("no host is "
		    "labelled '%s' in the workspace"), o->only_host);
		goto out;
	}
	if ((ret = start(&run, hosts, err)) != MCERT_OK)
		goto out;
	for (i = 0; i < r->n; i++)
		if (!r->v[i].ok) {
			ret = mcert_error_set(err, MCERT_E_VERDICT, "%s",
			    r->v[i].why);
			break;
		}
out:
	for (i = 0; hosts != NULL && i < ws->nhosts; i++)
		free(hosts[i].steps);
	free(hosts);
	pthread_mutex_destroy(&run.lock);
	pthread_cond_destroy(&run.turn);
	return ret;
}

void
mcert_deploy_result_free(struct mcert_deploy_result *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}
