/* meetcert wizard: the ncurses wizard, also what a bare `meetcert` runs on
 * a terminal. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "wizard.h"

static int
terminal(void)
{
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return 1;
	cli_error("%s", _("the wizard needs a terminal; for scripts, use the "
	    "commands (meetcert --help)"));
	return 0;
}

static int
run(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return cli_usage(&cmd_wizard);
	if (!terminal())
		return CLI_USAGE;
	return wiz_main(argc == 2 ? argv[1] : NULL) == 0 ? CLI_OK : CLI_USAGE;
}

static int
run_validate(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(&cmd_validate);
	if (access(argv[1], R_OK) != 0) {
		cli_error(_("%s: no such workspace; make one with meetcert "
		    "wizard or meetcert init"), argv[1]);
		return CLI_USAGE;
	}
	if (!terminal())
		return CLI_USAGE;
	return wiz_main_at(argv[1], "validate") == 0 ? CLI_OK : CLI_USAGE;
}

const struct cli_cmd cmd_validate = {
	.name = "validate",
	.summary = N_("open the wizard's validation screen on an existing "
	    "deployment (meetcert status for scripts)"),
	.usage = N_("WORKSPACE"),
	.run = run_validate,
};

const struct cli_cmd cmd_wizard = {
	.name = "wizard",
	.summary = N_("walk a deployment from its names to a green validation "
	    "screen (what a bare meetcert runs)"),
	.usage = N_("[WORKSPACE]"),
	.run = run,
};
