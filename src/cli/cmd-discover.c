/* meetcert discover: a new workspace from what a deployment's Meeting
 * Servers have bound, ready for a renewal (make, deploy). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "names.h"
#include "remote.h"
#include "discovery.h"

enum { OPT_HOST = 256, OPT_USER };

static volatile int interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
progress(void *ctx, const char *host, const char *text)
{
	(void)ctx;
	fprintf(stderr, "%s: %s\n", host, text);
}

/* ADDR, ADDR:PORT, [V6] or [V6]:PORT; a bare IPv6 address has no port.
 * 0, or -1 with the error printed. */
static int
parse_host(char *arg, struct mcert_discover_host *h)
{
	char given[300];
	int r;

	snprintf(given, sizeof(given), "%s", arg);	/* split in place */
	memset(h, 0, sizeof(*h));
	if ((r = mcert_name_split_hostport(arg, &h->address, &h->port)) ==
	    -2)
		cli_error(_("--host: '%s' has no port number from 1 to 65535 "
		    "after its ':'; give ADDR or ADDR:PORT"), given);
	else if (r != 0)
		cli_error(_("--host: give a Meeting Server's address, as ADDR "
		    "or ADDR:PORT"));
	return r != 0 ? -1 : 0;
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
print_hosts(const struct mcert_workspace *ws)
{
	size_t i, k;

	for (i = 0; i < ws->nhosts; i++) {
		const struct mcert_ws_host *h = &ws->hosts[i];
		int first = 1;
		char where[320];

		if (h->port > 0)
			snprintf(where, sizeof(where), "%s:%d", h->address,
			    h->port);
		else
			snprintf(where, sizeof(where), "%s", h->address);
		printf("  %-10s %s  %s  ", h->label, where, h->fqdn);
		for (k = 0; mcert_ws_role_names[k] != NULL; k++)
			if (h->roles & (1u << k)) {
				printf("%s%s", first ? "" : "+",
				    mcert_ws_role_names[k]);
				first = 0;
			}
		if (first)
			printf("%s", _("(nothing bound)"));
		if (h->db != MCERT_DB_NONE)
			printf(_(", database %s"), mcert_ws_dbrole_names[h->db]);
		printf("\n");
	}
}

static void
print_certificates(const json_t *root)
{
	const json_t *hosts = json_object_get(json_object_get(root,
	    "discovered"), "hosts"), *h, *s, *c, *v;
	const char *id, *file;
	size_t i;

	printf("%s\n", _("bound now:"));
	json_array_foreach(hosts, i, h)
		json_object_foreach(json_object_get(h, "services"), id, s) {
			c = json_object_get(s, "certificate");
			if (!json_is_object(c) || (v = json_object_get(c,
			    "days_left")) == NULL)
				continue;
			file = str(json_object_get(s, "files"), "cert");
			if (*file == '\0')
				file = str(json_object_get(s, "files"),
				    "fullchain");
			if (*file == '\0')
				file = str(json_object_get(s, "files"),
				    "server_cert");
			if (*file == '\0')
				file = str(json_object_get(s, "files"),
				    "client_cert");
			printf("  %-10s %-24s %s: ", str(h, "label"), id, file);
			cli_print_days_left((long)json_integer_value(v));
			printf("\n");
		}
}

static void
summary(const char *path, const struct mcert_workspace *ws)
{
	const json_t *names = json_object_get(ws->root, "names"), *v;
	const json_t *guesses = json_object_get(ws->root, "guesses");
	const char *k;
	int first = 1;

	printf(_("%s: %zu Meeting Server(s), %s, layout %s, key %s, "
	    "generation %d\n"), path, ws->nhosts,
	    mcert_ws_type_names[ws->type], mcert_ws_layout_names[ws->layout],
	    mcert_keytype_name(ws->keytype), ws->generation);
	print_hosts(ws);
	json_object_foreach((json_t *)names, k, v) {
		if (!json_is_string(v))
			continue;
		printf("%s%s %s", first ? _("names: ") : ", ", k,
		    json_string_value(v));
		first = 0;
	}
	if (!first)
		printf("\n");
	print_certificates(ws->root);
	if (json_object_size(guesses) > 0) {
		printf(_("guessed (check these in %s before the renewal):\n"),
		    path);
		json_object_foreach((json_t *)guesses, k, v)
			printf("  %s: %s\n", k, json_string_value(v));
	}
	printf(_("next: meetcert plan %s, then meetcert make %s and "
	    "meetcert deploy %s\n"), path, path, path);
}

/* Writes root to path, which must still not exist. */
static int
write_workspace(const char *path, json_t *root)
{
	struct mcert_error err = { 0 };
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS), *t;
	size_t len;
	int r;

	if (text == NULL || (t = realloc(text, strlen(text) + 2)) == NULL) {
		free(text);
		cli_error("%s", _("out of memory"));
		return -1;
	}
	text = t;
	len = strlen(text);
	text[len++] = '\n';
	r = mcert_write_new(path, text, len, 0600, &err);
	free(text);
	if (r != MCERT_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static int
discover(const char *path, struct mcert_discover_opts *o)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_error err = { 0 };
	json_t *root = NULL;
	int ret = CLI_FAIL;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	o->cancel = &interrupted;
	if (mcert_discover(o, &root, &err) != MCERT_OK) {
		cli_error(_("%s; %s was not written"), err.msg, path);
		goto out;
	}
	if (mcert_ws_from_json(json_incref(root), path, &ws, &err) !=
	    MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (write_workspace(path, root) != 0)
		goto out;
	summary(path, ws);
	ret = CLI_OK;
out:
	mcert_ws_free(ws);
	json_decref(root);
	return ret;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "user", required_argument, NULL, OPT_USER },
		{ "help", no_argument, NULL, 'h' },
		CLI_REMOTE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_discover_opts o = { 0 };
	struct mcert_discover_host *hosts = NULL, *grown;
	struct mcert_services *svc = NULL;
	struct mcert_error err = { 0 };
	struct cli_remote rem;
	char buf[4096];
	size_t n = 0, i, k;
	int c, t, ret = CLI_USAGE;

	cli_remote_init(&rem);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((t = cli_remote_option(&rem, c, optarg)) != 0) {
			if (t < 0)
				goto out;
		} else if (c == OPT_HOST) {
			if ((grown = realloc(hosts, (n + 1) *
			    sizeof(*hosts))) == NULL) {
				cli_error("%s", _("out of memory"));
				goto out;
			}
			hosts = grown;
			if (parse_host(optarg, &hosts[n]) != 0)
				goto out;
			n++;
		} else if (c == OPT_USER)
			rem.ssh.user = optarg;
		else {
			ret = cli_usage(&cmd_discover);
			goto out;
		}
	}
	if (argc - optind != 1 || n == 0) {
		if (argc - optind == 1)
			cli_error("%s", _("give each Meeting Server with --host "
			    "ADDR[:PORT]"));
		ret = cli_usage(&cmd_discover);
		goto out;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < i; k++)
			if (strcasecmp(hosts[i].address, hosts[k].address) ==
			    0 && (hosts[i].port ? hosts[i].port : 22) ==
			    (hosts[k].port ? hosts[k].port : 22)) {
				cli_error(_("--host %s is given twice; give each "
				    "Meeting Server once"), hosts[i].address);
				goto out;
			}
	ret = CLI_FAIL;
	if (mcert_path_exists(argv[optind])) {
		mcert_error_exists(argv[optind], &err);
		cli_error("%s", err.msg);
		goto out;
	}
	if (mcert_services_load(mcert_services_path(rem.services, buf,
	    sizeof(buf)), &svc, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	o.hosts = hosts;
	o.nhosts = n;
	o.ssh = rem.ssh;
	o.svc = svc;
	o.command_ms = rem.timeout_ms;
	if (isatty(STDERR_FILENO))
		o.progress = progress;
	ret = discover(argv[optind], &o);
out:
	mcert_services_free(svc);
	free(hosts);
	return ret;
}

const struct cli_cmd cmd_discover = {
	.name = "discover",
	.summary = N_("a new workspace from what a deployment's Meeting "
	    "Servers have bound, ready for a renewal"),
	.usage = N_("WORKSPACE --host ADDR[:PORT] [--host ...] [--user USER] "
	    "[--timeout SECONDS] [--known-hosts FILE] [--identity FILE] "
	    "[--ssh-config FILE|none] [--no-agent] [--accept SHA256:...] "
	    "[--services FILE]"),
	.run = run,
};
