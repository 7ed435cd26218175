/* meetcert deploy: upload, check and bind a workspace's plan on every
 * Meeting Server, a progress line per event, resumable. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "deploy.h"
#include "remote.h"

enum { OPT_HOST = 256, OPT_DRY_RUN, OPT_DB_WAIT };

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
progress(void *ctx, const struct mcert_deploy_event *ev)
{
	const char *t = ev->text != NULL ? ev->text : "";

	(void)ctx;
	switch (ev->stage) {
	case MCERT_DS_CONNECT:
		printf(_("%s: connecting\n"), ev->host);
		break;
	case MCERT_DS_UPLOAD:
		printf(_("%s: upload %s\n"), ev->host, t);
		break;
	case MCERT_DS_CHECK:
		printf(_("%s: check  %s\n"), ev->host, t);
		break;
	case MCERT_DS_STEP:
		printf("%s: [%zu/%zu] %s\n", ev->host, ev->done, ev->total, t);
		break;
	case MCERT_DS_SKIP:
		printf(_("%s: done before: %s\n"), ev->host, t);
		break;
	case MCERT_DS_PLAN:
		printf(_("%s: would: %s\n"), ev->host, t);
		break;
	case MCERT_DS_WAIT:
		printf(_("%s: waiting: %s shows every node connected\n"),
		    ev->host, t);
		break;
	case MCERT_DS_ROLLBACK:
		printf(_("%s: putting back: %s\n"), ev->host, t);
		break;
	case MCERT_DS_DONE:
		printf(_("%s: done\n"), ev->host);
		break;
	case MCERT_DS_FAILED:
		break;	/* said once, at the end */
	}
	fflush(stdout);
}

static int
report(const struct mcert_deploy_result *r, int dry_run)
{
	size_t i, bad = 0;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].ok)
			printf(dry_run ? _("%s: ready (%zu step(s) to run, %zu "
			    "done before)\n") : _("%s: ok (%zu step(s) run, %zu "
			    "done before)\n"), r->v[i].host, r->v[i].ran,
			    r->v[i].skipped);
		else {
			cli_error("%s", r->v[i].why);
			bad++;
		}
	}
	return bad > 0 ? CLI_FAIL : CLI_OK;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "db-wait", required_argument, NULL, OPT_DB_WAIT },
		{ "help", no_argument, NULL, 'h' },
		CLI_REMOTE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_deploy_opts o = { 0 };
	struct mcert_deploy_result res = { 0 };
	struct mcert_error err = { 0 };
	struct mcert_workspace *ws = NULL;
	struct mcert_services *svc = NULL;
	struct mcert_plan *plan = NULL;
	struct cli_remote rem;
	struct sigaction sa;
	char *dir = NULL, *tdir = NULL, *end;
	int c, t, ret = CLI_USAGE;

	cli_remote_init(&rem);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((t = cli_remote_option(&rem, c, optarg)) != 0) {
			if (t < 0)
				return CLI_USAGE;
		} else if (c == OPT_HOST)
			o.only_host = optarg;
		else if (c == OPT_DRY_RUN)
			o.dry_run = 1;
		else if (c == OPT_DB_WAIT) {
			o.db_wait_ms = strtol(optarg, &end, 10) * 1000;
			if (*end != '\0' || o.db_wait_ms < 1000 ||
			    o.db_wait_ms > 3600000) {
				cli_error(_("--db-wait: '%s' is not a number of "
				    "seconds from 1 to 3600"), optarg);
				return CLI_USAGE;
			}
		} else
			return cli_usage(&cmd_deploy);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_deploy);
	if (cli_load_plan(argv[optind], rem.services, &ws, &svc, &plan) != 0)
		goto out;
	dir = cli_dirname(argv[optind]);
	if (asprintf(&tdir, "%s/transcripts", dir) == -1) {
		cli_error("%s", _("out of memory"));
		goto out;
	}
	o.dir = dir;
	o.ws_path = argv[optind];
	o.command_ms = rem.timeout_ms;
	o.ssh = rem.ssh;
	o.transcripts = tdir;
	o.progress = progress;
	o.cancel = &interrupted;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (mcert_deploy(ws, plan, svc, &o, &res, &err) != MCERT_OK &&
	    res.n == 0) {
		cli_error("%s: %s", argv[optind], err.msg);
		goto out;
	}
	ret = report(&res, o.dry_run);
	if (ret == CLI_FAIL)
		printf(_("Transcripts: %s\n"), tdir);
out:
	mcert_deploy_result_free(&res);
	mcert_plan_free(plan);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	free(dir);
	free(tdir);
	return ret;
}

const struct cli_cmd cmd_deploy = {
	.name = "deploy",
	.summary = N_("upload, check and bind a workspace's certificates on "
	    "its Meeting Servers"),
	.usage = N_("WORKSPACE [--host LABEL] [--dry-run] [--db-wait SECONDS] "
	    "[--timeout SECONDS] [--known-hosts FILE] [--identity FILE] "
	    "[--ssh-config FILE|none] [--no-agent] [--accept SHA256:...] "
	    "[--services FILE]"),
	.run = run,
};
