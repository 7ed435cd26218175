/* Reading a deployment meetcert has never seen (discover.h in remote/). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discovery.h"
#include "shell.h"

struct reader {
	const struct mcert_discover_opts *o;
	const struct mcert_discover_host *h;
	pthread_mutex_t *lock;
	struct mcert_ssh *ssh;
	struct mcert_shell *sh;
	json_t *obs;		/* this host's part of observed */
	struct mcert_error err;
	int failed;
};

static int
listed(const json_t *names, const char *name)
{
	const json_t *v;
	size_t i;

	json_array_foreach(names, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

static long
command_ms(const struct reader *rd)
{
	return rd->o->command_ms > 0 ? rd->o->command_ms : 60000;
}

static void
progress(struct reader *rd, const char *fmt, const char *arg)
{
	char text[512];

	if (rd->o->progress == NULL)
		return;
	snprintf(text, sizeof(text), mcert_tr(fmt), arg);
	pthread_mutex_lock(rd->lock);
	rd->o->progress(rd->o->progress_ctx, rd->h->address, text);
	pthread_mutex_unlock(rd->lock);
}

static int
cancelled(struct reader *rd)
{
	if (rd->o->cancel == NULL || *rd->o->cancel == 0)
		return 0;
	mcert_error_set(&rd->err, MCERT_E_INVALID, N_("%s: discovery "
	    "cancelled; nothing was written"), rd->h->address);
	return 1;
}

/* Runs command and keeps its text as key (or screens[command]). */
static int
run(struct reader *rd, const char *command, json_t *into, const char *key)
{
	char *text = NULL;

	if (cancelled(rd))
		return -1;
	progress(rd, N_("reading %s"), command);
	if (mcert_shell_run(rd->sh, command, NULL, NULL, command_ms(rd), &text,
	    &rd->err) != MCERT_OK)
		return -1;
	json_object_set_new(into, key != NULL ? key : command,
	    json_string(text));
	free(text);
	return 0;
}

/* Fetches the bound files (keys reduced to their public halves); a file
 * that cannot be fetched is skipped, and the core guesses without it. */
static int
fetch(struct reader *rd)
{
	json_t *keys = NULL, *names = mcert_discover_wanted(rd->obs,
	    rd->o->svc, MCERT_DISCOVER_MAX_FILES, &keys), *skipped, *v;
	struct mcert_error e;
	unsigned char *data;
	size_t i, len;
	int r = 0;

	if (names == NULL || (skipped = json_object()) == NULL ||
	    json_object_set_new(rd->obs, "skipped", skipped) != 0) {
		json_decref(names);
		json_decref(keys);
		mcert_error_set(&rd->err, MCERT_E_NOMEM, N_("out of memory"));
		return -1;
	}
	json_array_foreach(names, i, v) {
		const char *name = json_string_value(v);

		if ((r = cancelled(rd) ? -1 : 0) != 0)
			break;
		progress(rd, N_("fetching %s"), name);
		memset(&e, 0, sizeof(e));
		if (mcert_sftp_get_max(rd->ssh, name, MCERT_DISCOVER_MAX_BYTES,
		    &data, &len, &e) != MCERT_OK) {
			json_object_set_new(skipped, name, json_string(
			    e.code == MCERT_E_LIMIT ? mcert_tr(N_("larger than "
			    "1 MiB")) : e.msg));
			continue;
		}
		if (listed(keys, name))
			r = mcert_discover_add_key(rd->obs, name, data, len,
			    &rd->err);
		else
			r = mcert_discover_add_file(rd->obs, name, data, len,
			    &rd->err);
		mcert_wipe(data, len);
		free(data);
		if (r != MCERT_OK) {
			r = -1;
			break;
		}
	}
	json_decref(names);
	json_decref(keys);
	return r;
}

static void *
read_host(void *arg)
{
	struct reader *rd = arg;
	struct mcert_ssh_opts so = rd->o->ssh;
	json_t *cmds = mcert_discover_commands(rd->o->svc), *screens, *v;
	size_t i;

	so.host = rd->h->address;
	if (rd->h->port > 0)
		so.port = rd->h->port;
	if (rd->h->user != NULL)
		so.user = rd->h->user;
	screens = json_object_get(rd->obs, "screens");
	progress(rd, N_("connecting%s"), "");
	if (cmds == NULL || cancelled(rd) ||
	    mcert_ssh_connect(&so, &rd->ssh, &rd->err) != MCERT_OK ||
	    mcert_shell_open(rd->ssh, NULL, command_ms(rd), &rd->sh,
	    &rd->err) != MCERT_OK || run(rd, "hostname", rd->obs,
	    "hostname") != 0)
		goto fail;
	json_array_foreach(cmds, i, v)
		if (run(rd, json_string_value(v), screens, NULL) != 0)
			goto fail;
	if (run(rd, "pki list", rd->obs, "pki_list") != 0 ||
	    run(rd, "database cluster status", rd->obs, "database") != 0 ||
	    fetch(rd) != 0)
		goto fail;
	progress(rd, N_("read%s"), "");
	goto out;
fail:
	rd->failed = 1;
	if (rd->err.msg[0] == '\0')
		mcert_error_set(&rd->err, MCERT_E_NOMEM, N_("out of memory"));
out:
	json_decref(cmds);
	mcert_shell_close(rd->sh);
	mcert_ssh_close(rd->ssh);
	rd->sh = NULL;
	rd->ssh = NULL;
	return NULL;
}

static int
check_hosts(const struct mcert_discover_opts *o, struct mcert_error *err)
{
	size_t i, k;

	if (o->nhosts == 0)
		return mcert_error_set(err, MCERT_E_INVALID, N_("no Meeting "
		    "Server to read; give each one's address"));
	for (i = 0; i < o->nhosts; i++)
		for (k = 0; k < i; k++)
			if (strcasecmp(o->hosts[i].address,
			    o->hosts[k].address) == 0 && (o->hosts[i].port ?
			    o->hosts[i].port : 22) == (o->hosts[k].port ?
			    o->hosts[k].port : 22))
				return mcert_error_set(err, MCERT_E_INVALID,
				    N_("%s is given twice; give each Meeting "
				    "Server once"), o->hosts[i].address);
	return MCERT_OK;
}

/* Reads every host, each in its own thread; the first failure in the
 * order given is the error. */
static int
observe(const struct mcert_discover_opts *o, json_t *hosts,
    struct mcert_error *err)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct reader *rd = calloc(o->nhosts, sizeof(*rd));
	pthread_t *tid = calloc(o->nhosts, sizeof(*tid));
	int *started = calloc(o->nhosts, sizeof(*started));
	int r = MCERT_OK;
	size_t i;

	if (rd == NULL || tid == NULL || started == NULL) {
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	for (i = 0; i < o->nhosts; i++) {
		rd[i].o = o;
		rd[i].h = &o->hosts[i];
		rd[i].lock = &lock;
		rd[i].obs = json_pack("{s:s, s:i, s:s?, s:{}}", "address",
		    o->hosts[i].address, "port", o->hosts[i].port > 0 ?
		    o->hosts[i].port : o->ssh.port,
		    "user", o->hosts[i].user != NULL ? o->hosts[i].user :
		    o->ssh.user, "screens");
		if (rd[i].obs == NULL || json_array_append_new(hosts,
		    rd[i].obs) != 0) {
			r = mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
			goto out;
		}
	}
	for (i = 0; i < o->nhosts; i++) {
		/* a host whose thread will not start is read here */
		if (pthread_create(&tid[i], NULL, read_host, &rd[i]) == 0)
			started[i] = 1;
		else
			read_host(&rd[i]);
	}
	for (i = 0; i < o->nhosts; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	for (i = 0; i < o->nhosts && r == MCERT_OK; i++) {
		const char *a = o->hosts[i].address;

		if (!rd[i].failed)
			continue;
		/* the SSH and shell errors name the host already */
		if (strncmp(rd[i].err.msg, a, strlen(a)) == 0)
			r = mcert_error_set(err, rd[i].err.code != 0 ?
			    rd[i].err.code : MCERT_E_IO, "%s", rd[i].err.msg);
		else
			r = mcert_error_set(err, rd[i].err.code != 0 ?
			    rd[i].err.code : MCERT_E_IO, "%s: %s", a,
			    rd[i].err.msg);
	}
out:
	free(rd);
	free(tid);
	free(started);
	return r;
}

int
mcert_discover(const struct mcert_discover_opts *o, json_t **ws_root,
    struct mcert_error *err)
{
	json_t *observed = NULL, *hosts = json_array();
	int r;

	*ws_root = NULL;
	if ((r = check_hosts(o, err)) != MCERT_OK)
		goto out;
	if (hosts == NULL || (observed = json_pack("{s:O}", "hosts", hosts)) ==
	    NULL) {
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if ((r = observe(o, hosts, err)) != MCERT_OK)
		goto out;
	r = mcert_discover_build(observed, o->svc, o->now != 0 ? o->now :
	    time(NULL), ws_root, err);
out:
	json_decref(hosts);
	json_decref(observed);
	return r;
}
