/* meetcert rollback: every service a renewal touched put back on the files
 * bound before it began, one host at a time. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "remote.h"
#include "rollback.h"

enum { OPT_HOST = 256, OPT_DRY_RUN, OPT_CONFIRM_DB, OPT_DB_WAIT };

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "confirm-database", no_argument, NULL, OPT_CONFIRM_DB },
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
	char *dir = NULL, *tdir = NULL;
	int c, t, nothing = 0, ret = CLI_USAGE;

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
		else if (c == OPT_CONFIRM_DB)
			o.db_confirmed = 1;
		else if (c == OPT_DB_WAIT) {
			if (cli_seconds("--db-wait", optarg, 1, 3600,
			    &o.db_wait_ms) != 0)
				return CLI_USAGE;
		} else
			return cli_usage(&cmd_rollback);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_rollback);
	if (cli_load_plan(argv[optind], rem.services, &ws, &svc, &plan) != 0)
		goto out;
	if (cli_deploy_setup(&o, &rem, argv[optind], &dir, &tdir) != 0)
		goto out;
	o.one_at_a_time = 1;	/* the deployment is running */
	ret = mcert_rollback(ws, plan, svc, &o, &res, &nothing, &err);
	if (ret != MCERT_OK && res.need_db_confirm && !o.dry_run &&
	    cli_confirm_database(ws)) {
		o.db_confirmed = 1;
		mcert_deploy_result_free(&res);
		ret = mcert_rollback(ws, plan, svc, &o, &res, &nothing, &err);
	}
	if (ret != MCERT_OK && res.n == 0) {
		cli_error("%s: %s%s", argv[optind], err.msg,
		    res.need_db_confirm ? _(" (--confirm-database)") : "");
		ret = CLI_FAIL;
		goto out;
	}
	if (nothing) {
		printf(_("%s: nothing to put back: no step of generation %d "
		    "has run\n"), argv[optind], ws->generation);
		ret = CLI_OK;
		goto out;
	}
	ret = cli_deploy_report(&res, o.dry_run);
	if (ret == CLI_FAIL)
		printf(_("Transcripts: %s\n"), tdir);
	else if (!o.dry_run)
		printf(_("Every service this renewal touched has its earlier "
		    "files bound again; 'meetcert deploy %s' binds generation "
		    "%d again when you are ready.\n"), argv[optind],
		    ws->generation);
out:
	mcert_deploy_result_free(&res);
	mcert_plan_free(plan);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	free(dir);
	free(tdir);
	return ret;
}

const struct cli_cmd cmd_rollback = {
	.name = "rollback",
	.summary = N_("put every service a renewal touched back on the files "
	    "bound before it"),
	.usage = N_("WORKSPACE [--host LABEL] [--dry-run] [--confirm-database] "
	    "[--db-wait SECONDS] [--timeout SECONDS] [--known-hosts FILE] "
	    "[--identity FILE] [--ssh-config FILE|none] [--no-agent] "
	    "[--accept SHA256:...] [--services FILE]"),
	.run = run,
};
