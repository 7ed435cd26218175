/* The SSH options and helpers of deploy and status (remote.h). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "remote.h"

/* Asks on the terminal, never anything else: no terminal, no answer. */
static int
ask(void *ctx, const char *prompt, int echo, char *buf, size_t len)
{
	struct termios old, quiet;
	size_t n = 0;
	char c;
	int fd;

	(void)ctx;
	if (len == 0 || (fd = open("/dev/tty", O_RDWR | O_CLOEXEC |
	    O_NOCTTY)) == -1)
		return -1;
	if (tcgetattr(fd, &old) == -1) {
		close(fd);
		return -1;
	}
	dprintf(fd, "%s", prompt);
	quiet = old;
	if (!echo)
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	while (n + 1 < len && read(fd, &c, 1) == 1 && c != '\n')
		buf[n++] = c;
	buf[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (!echo)
		dprintf(fd, "\n");
	close(fd);
	return 0;
}

void
cli_remote_init(struct cli_remote *r)
{
	const char *home = getenv("HOME");

	memset(r, 0, sizeof(*r));
	if (home != NULL && *home != '\0') {
		snprintf(r->known, sizeof(r->known), "%s/.ssh/known_hosts",
		    home);
		snprintf(r->config, sizeof(r->config), "%s/.ssh/config", home);
		r->ssh.known_hosts = r->known;
		r->ssh.config = r->config;
	}
	/* the practice lab's (meetcert lab start prints them) */
	if (getenv("MEETCERT_KNOWN_HOSTS") != NULL) {
		snprintf(r->known, sizeof(r->known), "%s",
		    getenv("MEETCERT_KNOWN_HOSTS"));
		r->ssh.known_hosts = r->known;
	}
	if (getenv("MEETCERT_IDENTITY") != NULL)
		r->ssh.identity = getenv("MEETCERT_IDENTITY");
	r->ssh.ask = ask;
	r->timeout_ms = 120000;
}

static int
set_path(char *dst, size_t len, const char *arg, const char **field)
{
	snprintf(dst, len, "%s", arg);
	*field = dst;
	return 1;
}

int
cli_remote_option(struct cli_remote *r, int c, const char *arg)
{
	switch (c) {
	case OPT_KNOWN_HOSTS:
		return set_path(r->known, sizeof(r->known), arg,
		    &r->ssh.known_hosts);
	case OPT_IDENTITY:
		r->ssh.identity = arg;
		return 1;
	case OPT_SSH_CONFIG:
		if (strcmp(arg, "none") == 0) {
			r->ssh.config = NULL;
			return 1;
		}
		return set_path(r->config, sizeof(r->config), arg,
		    &r->ssh.config);
	case OPT_NO_AGENT:
		r->ssh.no_agent = 1;
		return 1;
	case OPT_ACCEPT:
		if (strncmp(arg, "SHA256:", 7) != 0 || strlen(r->accept) +
		    strlen(arg) + 2 > sizeof(r->accept)) {
			cli_error(_("--accept: '%s' is not a SHA256:... host "
			    "key fingerprint"), arg);
			return -1;
		}
		if (*r->accept != '\0')
			strcat(r->accept, ",");
		strcat(r->accept, arg);
		r->ssh.accept_fingerprint = r->accept;
		return 1;
	case OPT_TIMEOUT:
		if (cli_seconds("--timeout", arg, 1, 3600, &r->timeout_ms) != 0)
			return -1;
		r->ssh.timeout = r->timeout_ms < 30000 ? r->timeout_ms / 1000 :
		    30;
		return 1;
	case OPT_SERVICES_FILE:
		r->services = arg;
		return 1;
	}
	return 0;
}

int
cli_load_plan(const char *path, const char *services,
    struct mcert_workspace **ws, struct mcert_services **svc,
    struct mcert_plan **plan)
{
	struct mcert_error err = { 0 };
	char buf[4096];

	*ws = NULL;
	*svc = NULL;
	*plan = NULL;
	if (mcert_ws_load(path, ws, &err) != MCERT_OK ||
	    mcert_services_load(mcert_services_path(services, buf, sizeof(buf)),
	    svc, &err) != MCERT_OK || mcert_plan_build(*ws, *svc, plan,
	    &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

char *
cli_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	if ((d = strndup(path, (size_t)(slash - path))) == NULL) {
		cli_error("%s", _("out of memory"));
		exit(CLI_USAGE);
	}
	return d;
}
