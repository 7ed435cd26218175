#include "config.h"

#include "cli.h"

static int
run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("lab: not written yet");
	return CLI_USAGE;
}

const struct cli_cmd cmd_lab = {
	.name = "lab",
	.summary = N_("start, stop or show the practice lab: three Meeting "
	    "Server stand-ins on this machine"),
	.usage = N_("start|stop|status [--dir DIR]"),
	.run = run,
};
