/* meetcert plan: every certificate, file and MMP command of a workspace. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "csr.h"
#include "plan.h"

enum { OPT_FORMAT = 256, OPT_SERVICES };

static const char *const usages[] = { "server", "client", "both", "ca" };

static void
print_text(const char *path, const struct mcert_workspace *ws,
    const struct mcert_plan *p)
{
	size_t i, k;
	json_t *v;

	printf(_("Plan for %s: %s deployment, %zu host(s), layout %s, key "
	    "%s\n"), path, mcert_ws_type_names[ws->type], ws->nhosts,
	    mcert_ws_layout_names[ws->layout], mcert_keytype_name(ws->keytype));
	printf(_("\nCertificates (%zu):\n"), p->ncerts);
	for (i = 0; i < p->ncerts; i++) {
		const struct mcert_plan_cert *c = &p->certs[i];
		char *line = mcert_plan_cert_pki_line(c);

		printf("  %s\n", c->name);
		cli_row(4, 10, _("subject"), "CN=%s\n", c->cn);
		cli_label(4, 10, _("SAN"));
		json_array_foreach(c->san, k, v)
			printf("%s%s", k ? "," : "", json_string_value(v));
		if (json_array_size(c->san) == 0)
			printf("%s", _("(none)"));
		printf("\n");
		cli_row(4, 10, _("usage"), "%s, %s %s\n", usages[c->usage],
		    _("CA"), c->ca);
		cli_label(4, 10, _("hosts"));
		json_array_foreach(c->hosts, k, v)
			printf("%s%s", k ? "," : "", json_string_value(v));
		printf("\n");
		if (line != NULL)
			cli_row(4, 10, _("on the MMP"), "%s\n", line);
		free(line);
	}
	for (i = 0; i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];
		json_t *files = json_object_get(p->files, h->label);
		int n = 0;

		printf(_("\nHost %s (%s)\n  files:"), h->label, h->fqdn);
		json_array_foreach(files, k, v)
			printf(" %s", json_string_value(v));
		printf(_("\n  steps:\n"));
		for (k = 0; k < p->nsteps; k++)
			if (strcmp(p->steps[k].host, h->label) == 0)
				printf("    %2d. [%d] %s%s\n", ++n,
				    p->steps[k].phase, p->steps[k].command,
				    p->steps[k].confirm != NULL ?
				    _("   (answer Y)") : "");
	}
	if (json_array_size(p->operator) > 0)
		printf(_("\nBy hand:\n"));
	json_array_foreach(p->operator, k, v)
		printf("  %s\n", json_string_value(v));
}

/* The MMP command lines, phase by phase: every host finishes a phase
 * before any host starts the next. */
static void
print_script(const struct mcert_plan *p)
{
	int phase = -1;
	size_t i;

	for (i = 0; i < p->nsteps; i++) {
		if (p->steps[i].phase != phase) {
			phase = p->steps[i].phase;
			printf(_("# phase %d: every host finishes it before the "
			    "next\n"), phase);
		}
		printf("%s> %s%s\n", p->steps[i].host, p->steps[i].command,
		    p->steps[i].confirm != NULL ? "   # answer Y" : "");
	}
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "services", required_argument, NULL, OPT_SERVICES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_error err = { 0 };
	struct mcert_workspace *ws = NULL;
	struct mcert_services *svc = NULL;
	struct mcert_plan *p = NULL;
	const char *format = "text", *given = NULL;
	char buf[4096];
	json_t *j;
	size_t i;
	int c, ret = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == OPT_FORMAT)
			format = optarg;
		else if (c == OPT_SERVICES)
			given = optarg;
		else
			return cli_usage(&cmd_plan);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_plan);
	if (strcmp(format, "text") != 0 && strcmp(format, "script") != 0 &&
	    strcmp(format, "json") != 0) {
		cli_error(_("--format: '%s' is not text, script or json"), format);
		return CLI_USAGE;
	}
	if (mcert_ws_load(argv[optind], &ws, &err) != MCERT_OK ||
	    mcert_services_load(mcert_services_path(given, buf, sizeof(buf)), &svc,
	    &err) != MCERT_OK || mcert_plan_build(ws, svc, &p, &err) !=
	    MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		j = mcert_plan_json(ws, p);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(j);
	} else if (strcmp(format, "script") == 0) {
		print_script(p);
	} else {
		print_text(argv[optind], ws, p);
	}
	for (i = 0; i < p->findings.n; i++) {
		if (p->findings.v[i].level == MCERT_LEVEL_ERROR)
			cli_error("%s: %s", argv[optind], p->findings.v[i].text);
		else
			cli_warning("%s: %s", argv[optind],
			    p->findings.v[i].text);
	}
	ret = mcert_findings_count(&p->findings, MCERT_LEVEL_ERROR) > 0 ?
	    CLI_FAIL : CLI_OK;
out:
	mcert_plan_free(p);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	return ret;
}

const struct cli_cmd cmd_plan = {
	.name = "plan",
	.summary = N_("show every certificate, file and MMP command of a "
	    "workspace"),
	.usage = N_("WORKSPACE [--format text|script|json] [--services FILE]"),
	.run = run,
};
