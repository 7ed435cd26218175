/* meetcert deploy: upload, check and bind a workspace's plan on every
 * Meeting Server, a progress line per event, resumable. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "deploy.h"
#include "remote.h"

enum { OPT_HOST = 256, OPT_DRY_RUN, OPT_DB_WAIT, OPT_ALL_AT_ONCE,
    OPT_NO_PROBE, OPT_PROBE_WAIT, OPT_CONFIRM_DB, OPT_SERVICES_ONLY };

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void
cli_deploy_progress(void *ctx, const struct mcert_deploy_event *ev)
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

int
cli_deploy_report(const struct mcert_deploy_result *r, int dry_run)
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

int
cli_deploy_setup(struct mcert_deploy_opts *o, const struct cli_remote *rem,
    const char *path, char **dir, char **tdir)
{
	struct sigaction sa;

	*dir = cli_dirname(path);
	*tdir = NULL;
	if (*dir == NULL || asprintf(tdir, "%s/transcripts", *dir) == -1) {
		*tdir = NULL;
		cli_error("%s", _("out of memory"));
		return -1;
	}
	o->dir = *dir;
	o->ws_path = path;
	o->command_ms = rem->timeout_ms;
	o->ssh = rem->ssh;
	o->transcripts = *tdir;
	o->progress = cli_deploy_progress;
	o->cancel = &interrupted;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int
cli_confirm_database(const struct mcert_workspace *ws)
{
	char line[16];
	FILE *tty;
	int yes;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL)
		return 0;
	fprintf(tty, _("The database cluster's certificates are renewed too "
	    "(guide §5.3). Every one of its %zu nodes is removed from the "
	    "cluster, given the new certificates, and joins again; the "
	    "database is down until all are connected, and calls in "
	    "progress may drop. The new certificates were checked against "
	    "the database CA here; each node checks its own before anything "
	    "is removed.\nType yes to go on: "), mcert_ws_db_nodes(ws));
	fflush(tty);
	yes = fgets(line, sizeof(line), tty) != NULL;
	line[strcspn(line, "\r\n")] = '\0';
	yes = yes && (strcmp(line, "yes") == 0 || strcmp(line, _("yes")) == 0);
	fclose(tty);
	return yes;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "db-wait", required_argument, NULL, OPT_DB_WAIT },
		{ "all-at-once", no_argument, NULL, OPT_ALL_AT_ONCE },
		{ "no-probe", no_argument, NULL, OPT_NO_PROBE },
		{ "probe-wait", required_argument, NULL, OPT_PROBE_WAIT },
		{ "confirm-database", no_argument, NULL, OPT_CONFIRM_DB },
		{ "services-only", no_argument, NULL, OPT_SERVICES_ONLY },
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
	char *dir = NULL, *tdir = NULL;
	int c, t, ret = CLI_USAGE, all_at_once = 0, no_probe = 0;

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
			if (cli_seconds("--db-wait", optarg, 1, 3600,
			    &o.db_wait_ms) != 0)
				return CLI_USAGE;
		} else if (c == OPT_PROBE_WAIT) {
			if (cli_seconds("--probe-wait", optarg, 1, 600,
			    &o.probe_wait_ms) != 0)
				return CLI_USAGE;
		} else if (c == OPT_ALL_AT_ONCE)
			all_at_once = 1;
		else if (c == OPT_NO_PROBE)
			no_probe = 1;
		else if (c == OPT_CONFIRM_DB)
			o.db_confirmed = 1;
		else if (c == OPT_SERVICES_ONLY)
			o.no_database = 1;
		else
			return cli_usage(&cmd_deploy);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_deploy);
	if (cli_load_plan(argv[optind], rem.services, &ws, &svc, &plan) != 0)
		goto out;
	if (cli_deploy_setup(&o, &rem, argv[optind], &dir, &tdir) != 0)
		goto out;
	/* a renewal: the deployment is running, so one host at a time */
	o.one_at_a_time = ws->generation > 1 && !all_at_once;
	o.probe = o.one_at_a_time && !no_probe;
	if (!o.no_database && !o.db_confirmed && !o.dry_run &&
	    mcert_deploy_touches_db(ws, plan, o.only_host))
		o.db_confirmed = cli_confirm_database(ws);
	if (mcert_deploy(ws, plan, svc, &o, &res, &err) != MCERT_OK &&
	    res.n == 0) {
		cli_error("%s: %s%s", argv[optind], err.msg,
		    res.need_db_confirm ? _(" (--confirm-database, or "
		    "--services-only)") : "");
		ret = CLI_FAIL;
		goto out;
	}
	ret = cli_deploy_report(&res, o.dry_run);
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
	    "[--all-at-once] [--no-probe] [--probe-wait SECONDS] "
	    "[--confirm-database | --services-only] [--timeout SECONDS] [--known-hosts FILE] [--identity FILE] "
	    "[--ssh-config FILE|none] [--no-agent] [--accept SHA256:...] "
	    "[--services FILE]"),
	.run = run,
};
