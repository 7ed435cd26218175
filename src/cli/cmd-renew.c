/* meetcert renew: starts a renewal of a deployed workspace, the next
 * generation, whose files all have new names. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "deploy.h"
#include "remote.h"

enum { OPT_FORCE = 256, OPT_SERVICES };

/* How many of the plan's steps are recorded done. */
static size_t
steps_done(const struct mcert_workspace *ws, const struct mcert_plan *plan)
{
	size_t i, n = 0;

	for (i = 0; i < plan->nsteps; i++)
		n += mcert_deploy_step_done(ws, plan, i);
	return n;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "services", required_argument, NULL, OPT_SERVICES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_error err = { 0 };
	struct mcert_workspace *ws = NULL;
	struct mcert_services *svc = NULL;
	struct mcert_plan *plan = NULL;
	const char *services = NULL, *path;
	size_t i, done;
	int c, force = 0, ret = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == OPT_FORCE)
			force = 1;
		else if (c == OPT_SERVICES)
			services = optarg;
		else
			return cli_usage(&cmd_renew);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_renew);
	path = argv[optind];
	ret = CLI_FAIL;
	if (cli_load_plan(path, services, &ws, &svc, &plan) != 0)
		goto out;
	done = steps_done(ws, plan);
	if (!force && done > 0 && done < plan->nsteps) {
		cli_error(_("%s: generation %d is half deployed (%zu of %zu "
		    "steps): finish it with 'meetcert deploy' or put it back "
		    "with 'meetcert rollback' first"), path, ws->generation,
		    done, plan->nsteps);
		goto out;
	}
	if (!force && done == 0) {
		cli_error(_("%s: generation %d is not deployed yet, so nothing "
		    "live uses its names: make and deploy it (--force starts "
		    "the next generation anyway)"), path, ws->generation);
		goto out;
	}
	if (mcert_ws_renew(ws, &err) != MCERT_OK ||
	    json_object_set_new(ws->root, "flow", json_string("renew")) != 0 ||
	    mcert_ws_save(ws, path, &err) != MCERT_OK) {
		cli_error("%s: %s", path, err.msg[0] != '\0' ? err.msg :
		    _("out of memory"));
		goto out;
	}
	mcert_plan_free(plan);
	plan = NULL;
	if (mcert_plan_build(ws, svc, &plan, &err) != MCERT_OK) {
		cli_error("%s: %s", path, err.msg);
		goto out;
	}
	printf(_("%s: generation %d started; the live files are not "
	    "touched. New certificates, same names and SANs as before (edit "
	    "the workspace to change them):\n"), path, ws->generation);
	for (i = 0; i < plan->ncerts; i++)
		printf("  %s  %s\n", plan->certs[i].name, plan->certs[i].cn);
	printf(_("Next: meetcert make %s (keys and CSRs; --ca signs the "
	    "internal ones), then meetcert deploy %s (one host at a time, each "
	    "probed before the next); meetcert rollback %s puts back what is "
	    "bound now.\n"), path, path, path);
	ret = CLI_OK;
out:
	mcert_plan_free(plan);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	return ret;
}

const struct cli_cmd cmd_renew = {
	.name = "renew",
	.summary = N_("start a renewal: the next generation of keys and "
	    "certificates, under new file names"),
	.usage = N_("WORKSPACE [--force] [--services FILE]"),
	.run = run,
};
