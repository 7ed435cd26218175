/* meetcert server-csr: a certificate's key and CSR made on its Meeting
 * Server with pki csr (the key never leaves it), the CSR fetched. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "remote.h"
#include "servercsr.h"

static const struct mcert_plan_cert *
find_cert(const struct mcert_plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncerts; i++)
		if (strcmp(p->certs[i].name, name) == 0)
			return &p->certs[i];
	return NULL;
}

static const struct mcert_ws_host *
find_host(const struct mcert_workspace *ws, const char *label)
{
	size_t i;

	for (i = 0; label != NULL && i < ws->nhosts; i++)
		if (strcmp(ws->hosts[i].label, label) == 0)
			return &ws->hosts[i];
	return NULL;
}

static int
make(const char *path, struct mcert_workspace *ws,
    const struct mcert_plan_cert *c, struct cli_remote *rem)
{
	const struct mcert_ws_host *h = find_host(ws,
	    json_string_value(json_array_get(c->hosts, 0)));
	struct mcert_ssh_opts so = rem->ssh;
	struct mcert_error err = { 0 };
	char *dir = cli_dirname(path);
	int r;

	if (h == NULL) {
		cli_error(_("%s: %s is not on one host; its key cannot be made "
		    "on a server"), path, c->name);
		free(dir);
		return CLI_USAGE;
	}
	so.host = mcert_ws_host_address(h);
	if (h->port > 0)
		so.port = h->port;
	if (h->user != NULL)
		so.user = h->user;
	r = mcert_server_csr(&so, c, dir, NULL, rem->timeout_ms, &err);
	if (r == MCERT_OK && (mcert_ws_set_key_on_server(ws, c->name, 1) != 0 ||
	    mcert_ws_save(ws, path, &err) != MCERT_OK))
		r = err.code != 0 ? err.code : MCERT_E_NOMEM;
	if (r != MCERT_OK)
		cli_error("%s: %s", h->label, err.msg);
	else
		printf(_("%s: made %s.key there and fetched %s/%s.csr; have it "
		    "signed, then meetcert deploy uses the key in place\n"),
		    h->label, c->name, dir, c->name);
	free(dir);
	return r == MCERT_OK ? CLI_OK : cli_exit_for(r);
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		CLI_REMOTE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_workspace *ws = NULL;
	struct mcert_services *svc = NULL;
	struct mcert_plan *plan = NULL;
	const struct mcert_plan_cert *c;
	struct cli_remote rem;
	int ch, t, ret = CLI_USAGE;

	cli_remote_init(&rem);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((t = cli_remote_option(&rem, ch, optarg)) == 0)
			return cli_usage(&cmd_server_csr);
		if (t < 0)
			return CLI_USAGE;
	}
	if (argc - optind != 2)
		return cli_usage(&cmd_server_csr);
	if (cli_load_plan(argv[optind], rem.services, &ws, &svc, &plan) != 0)
		goto out;
	if ((c = find_cert(plan, argv[optind + 1])) == NULL) {
		cli_error(_("%s: the plan has no certificate %s (meetcert plan "
		    "lists them)"), argv[optind], argv[optind + 1]);
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	ret = make(argv[optind], ws, c, &rem);
out:
	mcert_plan_free(plan);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	return ret;
}

const struct cli_cmd cmd_server_csr = {
	.name = "server-csr",
	.summary = N_("make a certificate's key and CSR on its Meeting Server "
	    "(pki csr), so the key never leaves it"),
	.usage = N_("WORKSPACE CERT [--known-hosts FILE] [--identity FILE] "
	    "[--ssh-config FILE|none] [--no-agent] [--accept SHA256:...]"),
	.run = run,
};
