/* meetcert status: what each Meeting Server has bound, its expiry and the
 * chain's verdict, read from the servers. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expiry.h"
#include "remote.h"
#include "status.h"

enum { OPT_HOST = 256, OPT_JSON, OPT_EXPIRING };

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
print_service(const json_t *s)
{
	const json_t *c = json_object_get(s, "certificate");
	const json_t *files = json_object_get(s, "files");
	const char *k, *verdict = str(s, "verdict");
	json_t *v;

	if (json_is_string(json_object_get(s, "role"))) {
		char id[128];

		snprintf(id, sizeof(id), "%s (%s)", str(s, "service"),
		    str(s, "role"));
		cli_row(2, 24, id, "%s", verdict);
	} else
		cli_row(2, 24, str(s, "service"), "%s", verdict);
	if (json_is_false(json_object_get(s, "enabled")))
		printf(_(", disabled"));
	if (json_object_size(files) > 0 && !json_is_true(json_object_get(s,
	    "planned")))
		printf(_(", not the plan's files"));
	printf("\n");
	json_object_foreach((json_t *)files, k, v)
		cli_row(4, 10, k, "%s\n", json_string_value(v));
	if (json_is_object(c) && json_object_get(c, "subject") != NULL) {
		cli_row(4, 10, _("subject"), "%s\n", str(c, "subject"));
		cli_row(4, 10, _("issuer"), "%s\n", str(c, "issuer"));
		cli_label(4, 10, _("expires"));
		printf(_("%s (%lld days left)\n"), str(c, "not_after"),
		    (long long)json_integer_value(json_object_get(c,
		    "days_left")));
	}
	if (json_is_object(c) && !json_is_null(json_object_get(c, "why")))
		cli_row(4, 10, _("problem"), "%s\n", str(c, "why"));
	if (json_is_string(json_object_get(s, "why")))
		cli_row(4, 10, _("note"), "%s\n", str(s, "why"));
}

static void
print_db(const json_t *db)
{
	const json_t *n;
	size_t k, up = 0;

	json_array_foreach(json_object_get(db, "nodes"), k, n)
		up += json_is_true(json_object_get(n, "connected"));
	cli_label(2, 24, _("database cluster"));
	printf(_("%s, %zu of %zu node(s) connected\n"), str(db, "status"), up,
	    json_array_size(json_object_get(db, "nodes")));
}

static void
print_text(const json_t *st)
{
	const json_t *h, *s;
	size_t i, k;

	json_array_foreach(json_object_get(st, "hosts"), i, h) {
		printf("%s (%s)\n", str(h, "host"), str(h, "address"));
		if (json_is_string(json_object_get(h, "error"))) {
			printf(_("  cannot read it: %s\n"), str(h, "error"));
			continue;
		}
		json_array_foreach(json_object_get(h, "services"), k, s)
			print_service(s);
		if (json_is_object(json_object_get(h, "database")))
			print_db(json_object_get(h, "database"));
	}
}

/* The hosts that cannot be read, on stderr. */
static void
print_unread(const json_t *st)
{
	const json_t *h;
	size_t i;

	json_array_foreach(json_object_get(st, "hosts"), i, h)
		if (json_is_string(json_object_get(h, "error")))
			cli_error(_("%s (%s): cannot read it: %s"), str(h,
			    "host"), str(h, "address"), str(h, "error"));
}

/* 0 all verified, 1 something failed or is not bound or not connected,
 * 2 a host could not be read. */
static int
exit_status(const json_t *st)
{
	const json_t *h, *s, *db, *n;
	size_t i, k;
	int worst = CLI_OK, bad;

	json_array_foreach(json_object_get(st, "hosts"), i, h) {
		if (json_is_string(json_object_get(h, "error")))
			return CLI_USAGE;
		json_array_foreach(json_object_get(h, "services"), k, s) {
			bad = strcmp(str(s, "verdict"), "failed") == 0 ||
			    strcmp(str(s, "verdict"), "unbound") == 0;
			if (bad)
				worst = CLI_FAIL;
		}
		if (!json_is_object(db = json_object_get(h, "database")))
			continue;
		if (json_array_size(json_object_get(db, "nodes")) == 0)
			worst = CLI_FAIL;
		json_array_foreach(json_object_get(db, "nodes"), k, n)
			if (!json_is_true(json_object_get(n, "connected")))
				worst = CLI_FAIL;
	}
	return worst;
}

/* "a,b,c" of a list of strings. */
static void
joined(const json_t *list, char *buf, size_t len)
{
	const json_t *v;
	size_t i, n = 0;
	int r;

	*buf = '\0';
	json_array_foreach(list, i, v) {
		r = snprintf(buf + n, len - n, "%s%s", i > 0 ? "," : "",
		    json_string_value(v));
		if (r < 0 || (size_t)r >= len - n)
			break;
		n += (size_t)r;
	}
}

/* cms2 callbridge cms2.crt: CN=... expires DATE (10 days, within 30) */
static void
print_finding(const json_t *e)
{
	char svcs[512], files[512];
	long left = (long)json_integer_value(json_object_get(e, "days_left"));

	joined(json_object_get(e, "services"), svcs, sizeof(svcs));
	joined(json_object_get(e, "files"), files, sizeof(files));
	printf("%s %s %s: %s ", str(e, "host"), svcs, files, str(e,
	    "subject"));
	if (left < 0)
		printf(ngettext("expired %ld day ago (%s)", "expired %ld days "
		    "ago (%s)", (unsigned long)-left), -left, str(e,
		    "not_after"));
	else
		printf(ngettext("expires %s (%ld day, %s)", "expires %s (%ld "
		    "days, %s)", (unsigned long)left), str(e, "not_after"),
		    left, _(mcert_expiry_band_words(mcert_expiry_band(left))));
	if (json_is_true(json_object_get(e, "database")))
		printf("%s", _("; database cluster: renewing takes the cluster "
		    "down and up again (guide §5.3)"));
	printf("\n");
}

/* What could not be dated, on stderr: it is not an expiry, but cron
 * should say it. */
static void
warn_unknown(const json_t *unknown)
{
	const json_t *u;
	size_t i;

	json_array_foreach(unknown, i, u)
		if (json_is_string(json_object_get(u, "service")))
			cli_warning(_("%s %s: cannot tell when it expires: %s"),
			    str(u, "host"), str(u, "service"), str(u, "why"));
}

/* One line per certificate (leaf or issuer, once per host) expiring within
 * days, soonest first, or the same as JSON: 1 when any, for cron and
 * monitoring checks. */
static int
print_expiring(const json_t *st, long days, int json)
{
	struct mcert_error err = { 0 };
	json_t *all = NULL, *within = json_array(), *unknown = NULL, *e;
	size_t i;
	int ret;

	if (mcert_expiry_list(st, &all, &err) != MCERT_OK ||
	    (unknown = mcert_expiry_unknown(st)) == NULL || within == NULL) {
		cli_error("%s", _("out of memory"));
		exit(CLI_USAGE);
	}
	json_array_foreach(all, i, e)
		if (json_integer_value(json_object_get(e, "days_left")) <= days)
			json_array_append(within, e);
	ret = json_array_size(within) > 0 ? CLI_FAIL : CLI_OK;
	if (json) {
		json_t *o = json_pack("{s:I, s:O, s:O}", "days",
		    (json_int_t)days, "certificates", within, "unknown",
		    unknown);

		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(o);
	} else {
		json_array_foreach(within, i, e)
			print_finding(e);
		warn_unknown(unknown);
	}
	json_decref(all);
	json_decref(within);
	json_decref(unknown);
	return ret;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "expiring", required_argument, NULL, OPT_EXPIRING },
		{ "help", no_argument, NULL, 'h' },
		CLI_REMOTE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_status_opts so = { 0 };
	struct mcert_error err = { 0 };
	struct mcert_workspace *ws = NULL;
	struct mcert_services *svc = NULL;
	struct mcert_plan *plan = NULL;
	struct cli_remote rem;
	json_t *st = NULL;
	long expiring = -1;
	char *end;
	int c, t, json = 0, ret = CLI_USAGE;

	cli_remote_init(&rem);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((t = cli_remote_option(&rem, c, optarg)) != 0) {
			if (t < 0)
				return CLI_USAGE;
		} else if (c == OPT_HOST)
			so.only_host = optarg;
		else if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_EXPIRING) {
			expiring = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || expiring < 0 ||
			    expiring > 36500) {
				cli_error(_("--expiring: '%s' is not a number of "
				    "days"), optarg);
				return CLI_USAGE;
			}
		}
		else
			return cli_usage(&cmd_status);
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_status);
	if (cli_load_plan(argv[optind], rem.services, &ws, &svc, &plan) != 0)
		goto out;
	so.ssh = rem.ssh;
	so.command_ms = rem.timeout_ms;
	signal(SIGPIPE, SIG_IGN);
	if (mcert_status(ws, plan, svc, &so, &st, &err) != MCERT_OK) {
		cli_error("%s: %s", argv[optind], err.msg);
		goto out;
	}
	if (expiring >= 0) {
		ret = print_expiring(st, expiring, json);
		/* a host that cannot be read is worse than an expiry */
		if (exit_status(st) == CLI_USAGE) {
			ret = CLI_USAGE;
			if (!json)
				print_unread(st);
		}
		goto out;
	}
	if (json) {
		json_dumpf(st, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
	} else
		print_text(st);
	ret = exit_status(st);
out:
	json_decref(st);
	mcert_plan_free(plan);
	mcert_services_free(svc);
	mcert_ws_free(ws);
	return ret;
}

const struct cli_cmd cmd_status = {
	.name = "status",
	.summary = N_("what each Meeting Server has bound, its expiry and "
	    "verdict, read from the servers (--expiring DAYS: what expires "
	    "within DAYS, for cron)"),
	.usage = N_("WORKSPACE [--host LABEL] [--json] [--expiring DAYS] "
	    "[--timeout SECONDS] "
	    "[--known-hosts FILE] [--identity FILE] [--ssh-config FILE|none] "
	    "[--no-agent] [--accept SHA256:...] [--services FILE]"),
	.run = run,
};
