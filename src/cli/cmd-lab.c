/* meetcert lab: the practice lab (lab.h), started, stopped and shown. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "files.h"
#include "lab.h"

enum { OPT_DIR = 256, OPT_PURGE };

static void
print_hosts(const struct mcert_lab *lab, int starting)
{
	const struct mcert_lab_host *h;
	size_t i;

	for (i = 0; i < MCERT_LAB_NHOSTS; i++) {
		h = &lab->hosts[i];
		if (*h->addr == '\0')
			printf("  %-5s %-21s %s\n", h->label, "-",
			    _("not started yet"));
		else if (!h->running)
			printf("  %-5s %s:%-*d %s\n", h->label, h->addr,
			    20 - (int)strlen(h->addr), h->port,
			    _("not running"));
		else
			printf("  %-5s %s:%-*d %s (sshd %ld)\n", h->label, h->addr,
			    20 - (int)strlen(h->addr), h->port,
			    starting && h->changed ? _("started") : _("running"),
			    (long)h->pid);
		/* its Web Bridge 3 ports, served by mmp-standin --serve */
		if (h->https_port > 0 && h->tls_running)
			printf(_("        TLS on %d and %d: %s (mmp-standin %ld)\n"),
			    h->https_port, h->c2w_port, starting &&
			    h->tls_changed ? _("started") : _("running"),
			    (long)h->tls_pid);
		else if (*h->tls_error != '\0')
			printf(_("        TLS: not running: %s\n"), h->tls_error);
		else if (*h->addr != '\0')
			printf("        %s\n", _("TLS: not running"));
	}
}

/* " --dir DIR" when the lab is not in the default place. */
static const char *
dir_option(const struct mcert_lab *lab, const char *given, char *buf,
    size_t len)
{
	char def[PATH_MAX], real[PATH_MAX];

	if (given == NULL || (mcert_lab_default_dir(def, sizeof(def),
	    NULL) == MCERT_OK && realpath(def, real) != NULL &&
	    strcmp(real, lab->dir) == 0))
		return "";
	snprintf(buf, len, " --dir %s", lab->dir);
	return buf;
}

static int
start(const char *dir)
{
	struct mcert_lab_opts o = { .dir = dir };
	struct mcert_error err = { 0 };
	struct mcert_lab lab;
	char opt[PATH_MAX + 8];
	const char *d;
	size_t i;
	int started = 0;

	if (mcert_lab_start(&o, &lab, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	for (i = 0; i < MCERT_LAB_NHOSTS; i++)
		started |= lab.hosts[i].changed;
	d = lab.dir;
	printf(started ? _("The practice lab in %s: three Meeting Server "
	    "stand-ins on this machine\n") : _("The practice lab in %s is "
	    "already running\n"), d);
	print_hosts(&lab, 1);
	printf(lab.workspace_made ? _("Workspace: %s (new: a resilient "
	    "deployment of cms1, cms2 and cms3)\n") : _("Workspace: %s\n"),
	    lab.workspace);
	printf("\n%s\n", _("Walk it in the wizard:"));
	printf("  MEETCERT_KNOWN_HOSTS=%s MEETCERT_IDENTITY=%s meetcert wizard "
	    "%s\n", lab.known_hosts, lab.identity, lab.workspace);
	printf("%s\n", _("or with the commands:"));
	printf("  meetcert selfsigned labca CN:\"Lab CA\" --ca --dir %s\n", d);
	printf("  meetcert make %s --ca labca\n", lab.workspace);
	printf("  meetcert deploy %s --known-hosts %s --identity %s "
	    "--ssh-config none\n", lab.workspace, lab.known_hosts,
	    lab.identity);
	printf("  meetcert status %s --known-hosts %s --identity %s "
	    "--ssh-config none\n", lab.workspace, lab.known_hosts,
	    lab.identity);
	printf(_("Stop it with: meetcert lab stop%s (--purge also removes "
	    "%s)\n"), dir_option(&lab, dir, opt, sizeof(opt)), d);
	return CLI_OK;
}

static int
stop(const char *dir, int purge)
{
	struct mcert_error err = { 0 };
	struct mcert_lab lab;
	char opt[PATH_MAX + 8];
	const char *dopt;
	size_t i;
	int stopped = 0;

	if (mcert_lab_stop(dir, purge, &lab, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	dopt = dir_option(&lab, dir, opt, sizeof(opt));
	for (i = 0; i < MCERT_LAB_NHOSTS; i++) {
		const struct mcert_lab_host *h = &lab.hosts[i];

		if (h->tls_changed) {
			stopped = 1;
			printf(_("Stopped %s's TLS listener (mmp-standin %ld)\n"),
			    h->label, (long)h->tls_pid);
		}
		if (!h->changed)
			continue;
		stopped = 1;
		printf(_("Stopped %s (%s:%d, sshd %ld)\n"), h->label, h->addr,
		    h->port, (long)h->pid);
	}
	if (!stopped)
		printf(_("The practice lab in %s was not running\n"), lab.dir);
	if (purge)
		printf(_("Removed %s: the lab, its workspace and the servers' "
		    "files\n"), lab.dir);
	else
		printf(_("Kept the workspace %s and the servers' files in "
		    "%s/cms*/files: meetcert lab start%s brings the lab back, "
		    "meetcert lab stop --purge%s removes it all\n"),
		    lab.workspace, lab.dir, dopt, dopt);
	return CLI_OK;
}

static int
status(const char *dir)
{
	struct mcert_error err = { 0 };
	struct mcert_lab lab;
	char opt[PATH_MAX + 8];
	size_t i;
	int all = 1;

	if (mcert_lab_status(dir, &lab, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	for (i = 0; i < MCERT_LAB_NHOSTS; i++)
		all &= lab.hosts[i].running && lab.hosts[i].tls_running;
	printf(_("The practice lab in %s\n"), lab.dir);
	print_hosts(&lab, 0);
	printf(mcert_path_exists(lab.workspace) ? _("Workspace: %s\n") :
	    _("Workspace: %s (missing: meetcert lab start makes a new one)\n"),
	    lab.workspace);
	if (!all)
		printf(_("Start it with: meetcert lab start%s\n"),
		    dir_option(&lab, dir, opt, sizeof(opt)));
	return all ? CLI_OK : CLI_FAIL;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "purge", no_argument, NULL, OPT_PURGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *verb;
	int c, purge = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DIR:
			if (*optarg == '\0') {
				cli_error("%s", _("--dir: the directory is "
				    "empty; give a path"));
				return CLI_USAGE;
			}
			dir = optarg;
			break;
		case OPT_PURGE:
			purge = 1;
			break;
		default:
			return cli_usage(&cmd_lab);
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_lab);
	verb = argv[optind];
	if (purge && strcmp(verb, "stop") != 0) {
		cli_error("%s", _("--purge goes with lab stop only"));
		return CLI_USAGE;
	}
	if (strcmp(verb, "start") == 0)
		return start(dir);
	if (strcmp(verb, "stop") == 0)
		return stop(dir, purge);
	if (strcmp(verb, "status") == 0)
		return status(dir);
	cli_error(_("lab: '%s' is not start, stop or status"), verb);
	return CLI_USAGE;
}

const struct cli_cmd cmd_lab = {
	.name = "lab",
	.summary = N_("start, stop or show the practice lab: three Meeting "
	    "Server stand-ins on this machine"),
	.usage = N_("start|stop [--purge]|status [--dir DIR]"),
	.run = run,
};
