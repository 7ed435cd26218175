/* A key and CSR made on the Meeting Server (servercsr.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "mmp.h"
#include "servercsr.h"
#include "shell.h"

static int
listed(const char *out, const char *name)
{
	json_t *l = mcert_mmp_pki_list(out), *v;
	size_t i;
	int found = 0;

	json_array_foreach(l, i, v)
		found |= strcmp(json_string_value(v), name) == 0;
	json_decref(l);
	return found;
}

/* Runs command; its answer in *out.  A FAILURE line is an error. */
static int
run(struct mcert_shell *sh, const char *host, const char *command,
    long ms, char **out, struct mcert_error *err)
{
	char why[512];
	int r;

	if ((r = mcert_shell_run(sh, command, NULL, NULL, ms, out, err)) !=
	    MCERT_OK)
		return r;
	if (mcert_mmp_failed(*out, why, sizeof(why)))
		return mcert_error_set(err, MCERT_E_VERDICT, N_("%s: '%s' "
		    "failed: %s"), host, command, why);
	return MCERT_OK;
}

static int
make_there(struct mcert_ssh *ssh, struct mcert_shell *sh,
    const struct mcert_plan_cert *c, const char *dir, long ms,
    struct mcert_error *err)
{
	const char *host = mcert_ssh_host(ssh);
	char key[300], csr[300], *out = NULL, *line = NULL, *path = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	int r;

	snprintf(key, sizeof(key), "%s.key", c->name);
	snprintf(csr, sizeof(csr), "%s.csr", c->name);
	if ((r = run(sh, host, "pki list", ms, &out, err)) != MCERT_OK)
		goto out;
	if (listed(out, key) || listed(out, csr)) {
		r = mcert_error_set(err, MCERT_E_VERDICT, N_("%s: %s is already "
		    "there; pki csr would replace it (a live key breaks its "
		    "service at once): raise the workspace's generation for new "
		    "names"), host, listed(out, key) ? key : csr);
		goto out;
	}
	free(out);
	out = NULL;
	if ((line = mcert_plan_cert_pki_line(c)) == NULL) {
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if ((r = run(sh, host, line, ms, &out, err)) != MCERT_OK ||
	    (r = mcert_sftp_get(ssh, csr, &data, &len, err)) != MCERT_OK)
		goto out;
	if (asprintf(&path, "%s/%s", dir, csr) == -1) {
		path = NULL;
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	r = mcert_write_new(path, data, len, 0644, err);
out:
	free(out);
	free(line);
	free(path);
	free(data);
	return r;
}

int
mcert_server_csr(const struct mcert_ssh_opts *o,
    const struct mcert_plan_cert *c, const char *dir, FILE *transcript,
    long command_ms, struct mcert_error *err)
{
	struct mcert_ssh *ssh = NULL;
	struct mcert_shell *sh = NULL;
	long ms = command_ms > 0 ? command_ms : 120000;
	int r;

	if (c->usage == MCERT_USAGE_CA || strcmp(c->ca, "self") == 0 ||
	    json_array_size(c->hosts) != 1)
		return mcert_error_set(err, MCERT_E_INVALID, N_("%s: only a "
		    "certificate of one server, signed by a CA, can have its "
		    "key made there"), c->name);
	if ((r = mcert_ssh_connect(o, &ssh, err)) == MCERT_OK &&
	    (r = mcert_shell_open(ssh, transcript, ms, &sh, err)) == MCERT_OK)
		r = make_there(ssh, sh, c, dir, ms, err);
	mcert_shell_close(sh);
	mcert_ssh_close(ssh);
	return r;
}
