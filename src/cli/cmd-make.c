/* meetcert make: the keys, CSRs, local signatures and bundles a workspace's
 * plan needs, in its folder; what waits on the operator, said. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "make.h"
#include "remote.h"

enum { OPT_CA = 256, OPT_DAYS, OPT_PASSFD, OPT_SERVICES };

static void
made(void *ctx, const char *file)
{
	printf(_("made %s/%s\n"), (const char *)ctx, file);
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ca", required_argument, NULL, OPT_CA },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "passphrase-fd", required_argument, NULL, OPT_PASSFD },
		{ "services", required_argument, NULL, OPT_SERVICES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_make_opts mo = { 0 };
	struct cli_passphrase cp = { .fd = -1 };
	struct mcert_findings findings = { 0 };
	struct mcert_error err = { 0 };
	struct mcert_workspace *ws = NULL;
	struct mcert_services *svc = NULL;
	struct mcert_plan *plan = NULL;
	struct mcert_passphrase pp;
	const char *services = NULL;
	char *dir = NULL, *end;
	int c, ret = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == OPT_CA)
			mo.ca = optarg;
		else if (c == OPT_DAYS) {
			mo.days = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || mo.days < 1 ||
			    mo.days > 36500) {
				cli_error(_("--days: '%s' is not a number of days "
				    "from 1 to 36500"), optarg);
				return CLI_USAGE;
			}
		} else if (c == OPT_PASSFD) {
			if ((cp.fd = cli_parse_fd(optarg)) < 0)
				return CLI_USAGE;
		} else if (c == OPT_SERVICES)
			services = optarg;
		else
			return cli_usage(&cmd_make);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_make);
	if (cli_load_plan(argv[optind], services, &ws, &svc, &plan) != 0)
		goto out;
	if (mcert_findings_count(&plan->findings, MCERT_LEVEL_ERROR) > 0) {
		cli_error(_("%s: the plan has errors (meetcert plan shows them): "
		    "fix the workspace first"), argv[optind]);
		goto out;
	}
	cli_passphrase_init(&cp, &pp);
	dir = cli_dirname(argv[optind]);
	mo.dir = dir;
	mo.pp = &pp;
	mo.made = made;
	mo.ctx = dir;
	if (mcert_make(ws, plan, &mo, &findings, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		ret = cli_exit_for(err.code);
		goto out;
	}
	cli_print_warnings(&findings);
	ret = findings.n > 0 ? CLI_FAIL : CLI_OK;
	if (ret == CLI_OK)
		printf(_("Every file of the plan is in %s: meetcert deploy %s "
		    "goes on from here\n"), dir, argv[optind]);
out:
	mcert_findings_free(&findings);
	mcert_plan_free(plan);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	free(dir);
	return ret;
}

const struct cli_cmd cmd_make = {
	.name = "make",
	.summary = N_("make the keys, CSRs and bundles of a workspace's plan "
	    "(signing with a local CA if given)"),
	.usage = N_("WORKSPACE [--ca CA] [--days N] [--passphrase-fd N] "
	    "[--services FILE]"),
	.run = run,
};
