/* meetcert wizard: the ncurses wizard, also what a bare `meetcert` runs on
 * a terminal. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "wizard.h"

static int
run(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return cli_usage(&cmd_wizard);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error("%s", _("the wizard needs a terminal; for scripts, "
		    "use the commands (meetcert --help)"));
		return CLI_USAGE;
	}
	return wiz_main(argc == 2 ? argv[1] : NULL) == 0 ? CLI_OK : CLI_USAGE;
}

const struct cli_cmd cmd_wizard = {
	.name = "wizard",
	.summary = N_("walk a deployment from its names to a green validation "
	    "screen (what a bare meetcert runs)"),
	.usage = N_("[WORKSPACE]"),
	.run = run,
};
