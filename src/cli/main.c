#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"

static const struct cli_cmd *const commands[] = {
	&cmd_wizard,
	&cmd_validate,
	&cmd_inspect,
	&cmd_match,
	&cmd_verify,
	&cmd_csr,
	&cmd_selfsigned,
	&cmd_sign,
	&cmd_certreq,
	&cmd_split,
	&cmd_bundle,
	&cmd_init,
	&cmd_plan,
	&cmd_make,
	&cmd_server_csr,
	&cmd_deploy,
	&cmd_status,
	&cmd_renew,
	&cmd_rollback,
	&cmd_discover,
	&cmd_lab,
	&cmd_probe,
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static const char *
translate(const char *msgid)
{
	return _(msgid);
}

static void
help(FILE *out)
{
	size_t i;

	fprintf(out, _("Usage: meetcert COMMAND [ARGS...]\n"
	    "Certificates for Cisco Meeting Server, by the guide's rules.\n\n"
	    "Commands:\n"));
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name,
		    _(commands[i]->summary));
	fprintf(out, _("\nUsage of each command:\n"));
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  meetcert %s %s\n", commands[i]->name,
		    _(commands[i]->usage));
	fprintf(out, _("\nOptions:\n"
	    "  -h, --help     show this help\n"
	    "  -V, --version  show the version\n\n"
	    "Exit status: 0 the check holds, 1 the check fails, 2 unusable "
	    "input or usage.\n"
	    "Passphrases are read from the terminal or --passphrase-fd N, "
	    "never from arguments.\n"
	    "See meetcert(1).\n"));
}

int
main(int argc, char **argv)
{
	size_t i;

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	/* MEETCERT_LOCALEDIR: catalogs not yet installed (the tests') */
	bindtextdomain(PACKAGE, getenv("MEETCERT_LOCALEDIR") != NULL ?
	    getenv("MEETCERT_LOCALEDIR") : LOCALEDIR);
	textdomain(PACKAGE);
#endif
	mcert_set_translator(translate);

	if (argc < 2) {
		/* On a terminal, the wizard; in a pipe, what there is. */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return cmd_wizard.run(1, argv);
		help(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("meetcert %s\n", PACKAGE_VERSION);
		return CLI_OK;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i]->name) == 0) {
			/* getopt names argv[0] in its messages. */
			argv[1] = (char *)"meetcert";
			return commands[i]->run(argc - 1, argv + 1);
		}
	}
	cli_error(_("'%s' is not a command; see 'meetcert --help'"), argv[1]);
	return CLI_USAGE;
}
