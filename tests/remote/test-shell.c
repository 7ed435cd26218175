/* The persistent MMP shell and the ways to authenticate, against a
 * stand-in behind a real sshd (tests/remote/shell.sh sets the scene). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmp.h"
#include "shell.h"
#include "ssh.h"
#include "tap.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL)
		tap_bail("%s is not set (run tests/remote/shell.sh)", name);
	return v;
}

static struct mcert_ssh_opts
base_opts(void)
{
	struct mcert_ssh_opts o = { 0 };

	o.host = env("RIG_ADDR");
	o.port = atoi(env("RIG_PORT"));
	o.identity = env("RIG_ID");
	o.known_hosts = env("RIG_KNOWN");
	o.timeout = 5;
	o.no_agent = 1;
	return o;
}

static void
knobs(const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.mmp-knobs", env("RIG_FILES"));
	if ((f = fopen(path, "w")) == NULL)
		tap_bail("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static char *
slurp(const char *path)
{
	static char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct mcert_shell *
open_shell(struct mcert_ssh **s, FILE *tr)
{
	struct mcert_ssh_opts o = base_opts();
	struct mcert_error err = { 0, "" };
	struct mcert_shell *sh = NULL;

	if (mcert_ssh_connect(&o, s, &err) != MCERT_OK ||
	    mcert_shell_open(*s, tr, 5000, &sh, &err) != MCERT_OK)
		diag("%s", err.msg);
	return sh;
}

static void
test_commands(void)
{
	struct mcert_error err = { 0, "" };
	struct mcert_ssh *s = NULL;
	struct mcert_shell *sh;
	char *out = NULL, path[4096], *t;
	int r, i, good = 1;
	FILE *tr;

	snprintf(path, sizeof(path), "%s/transcript.log", env("RIG_DIR"));
	tr = fopen(path, "w");
	sh = open_shell(&s, tr);
	if (!ok(sh != NULL, "the MMP shell opens and shows its prompt")) {
		mcert_ssh_close(s);
		return;
	}
	r = mcert_shell_run(sh, "pki list", NULL, NULL, 5000, &out, &err);
	ok(r == MCERT_OK && out != NULL && strncmp(out,
	    "User supplied certificates and keys:\n", 37) == 0,
	    "pki list: the answer without the echo");
	ok(out != NULL && strchr(out, '\r') == NULL && strstr(out, "> ") ==
	    NULL, "  without CRs and without the prompt");
	free(out);
	r = mcert_shell_run(sh, "hostname", NULL, NULL, 5000, &out, &err);
	is_str(out, "cms1\n", "hostname: exactly its answer");
	free(out);
	r = mcert_shell_run(sh, "database cluster remove", NULL, NULL, 5000,
	    &out, &err);
	ok(r == MCERT_E_VERDICT, "an unexpected question: the command fails");
	like(err.msg, "answered N", "  the message says it answered N");
	like(out, "Aborted", "  and the MMP did nothing");
	free(out);
	out = NULL;
	r = mcert_shell_run(sh, "database cluster remove", "Y", NULL, 5000,
	    &out, &err);
	ok(r == MCERT_OK && out != NULL && !mcert_mmp_failed(out, NULL, 0) &&
	    strstr(out, "SUCCESS") != NULL,
	    "an expected question is answered Y and goes ahead");
	free(out);
	out = NULL;
	r = mcert_shell_run(sh, "frobnicate", NULL, NULL, 5000, &out, &err);
	ok(r == MCERT_OK && out != NULL && mcert_mmp_failed(out, NULL, 0),
	    "an unknown command: run, and judged a failure by its text");
	free(out);
	out = NULL;
	r = mcert_shell_run(sh, "pki list\nwebadmin disable", NULL, NULL, 5000,
	    &out, &err);
	ok(r == MCERT_E_INVALID && out == NULL,
	    "a command with a newline is never sent");
	for (i = 0; i < 200 && good; i++) {
		r = mcert_shell_run(sh, "hostname", NULL, NULL, 5000, &out,
		    &err);
		good = r == MCERT_OK && out != NULL && strcmp(out, "cms1\n") ==
		    0;
		free(out);
		out = NULL;
	}
	ok(good, "200 commands in one session, each answer its own");
	ok(mcert_shell_alive(sh), "the shell is still alive");
	mcert_shell_close(sh);
	mcert_ssh_close(s);
	fclose(tr);
	t = slurp(path);
	like(t, "cms1> pki list\nUser supplied", "the transcript has each "
	    "command and its answer");
	like(t, "[answered Y]", "  and the answers given");
	like(t, "[answered N]", "  including a refusal");
}

static void
test_faults(void)
{
	struct mcert_error err = { 0, "" };
	struct mcert_ssh *s = NULL;
	struct mcert_shell *sh;
	char *out = NULL;
	int r;

	knobs("MMP_DROP_AFTER=2\n");
	if ((sh = open_shell(&s, NULL)) == NULL)
		tap_bail("cannot open the shell");
	r = mcert_shell_run(sh, "hostname", NULL, NULL, 5000, &out, &err);
	free(out);
	r |= mcert_shell_run(sh, "hostname", NULL, NULL, 5000, &out, &err);
	free(out);
	ok(sh != NULL && r == MCERT_OK, "two commands before the drop");
	r = mcert_shell_run(sh, "pki list", NULL, NULL, 5000, &out, &err);
	ok(r == MCERT_E_IO && out == NULL, "a dropped connection fails the "
	    "command");
	like(err.msg, "dropped during 'pki list'", "  the message says where");
	like(err.msg, env("RIG_ADDR"), "  and names the host");
	ok(!mcert_shell_alive(sh), "  the shell is marked ended");
	r = mcert_shell_run(sh, "hostname", NULL, NULL, 5000, &out, &err);
	ok(r == MCERT_E_IO && strstr(err.msg, "ended") != NULL,
	    "  and refuses further commands");
	mcert_shell_close(sh);
	mcert_ssh_close(s);

	knobs("MMP_SLOW_MS=3000\n");
	if ((sh = open_shell(&s, NULL)) == NULL)
		tap_bail("cannot open the shell");
	r = mcert_shell_run(sh, "hostname", NULL, NULL, 1000, &out, &err);
	ok(r == MCERT_E_IO && out == NULL, "a slow answer times out");
	like(err.msg, "no answer to 'hostname' within 1 s",
	    "  the message names the command and the time");
	mcert_shell_close(sh);
	mcert_ssh_close(s);
	knobs("");
}

static void
test_auth(void)
{
	struct mcert_ssh_opts o = base_opts();
	struct mcert_error err = { 0, "" };
	struct mcert_ssh *s = NULL;
	int r;

	o.identity = NULL;
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && s == NULL, "no key, no agent: refused");
	like(err.msg, "tried: nothing", "  the message says nothing was tried");
	o.no_agent = 0;
	if (getenv("SSH_AUTH_SOCK") != NULL) {
		r = mcert_ssh_connect(&o, &s, &err);
		if (!ok(r == MCERT_OK, "ssh-agent holds the key: connected"))
			diag("%s", err.msg);
		mcert_ssh_close(s);
		s = NULL;
	} else
		tap_skip(1, "no ssh-agent");
	o = base_opts();
	o.host = "cms-alias";
	o.port = 0;
	o.identity = NULL;
	o.config = env("RIG_CONFIG");
	r = mcert_ssh_connect(&o, &s, &err);
	if (!ok(r == MCERT_OK, "an ~/.ssh/config Host alias with HostName, "
	    "Port, User and IdentityFile: connected"))
		diag("%s", err.msg);
	mcert_ssh_close(s);
	s = NULL;
	o.config = env("RIG_BAD_CONFIG");
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r != MCERT_OK && s == NULL, "a config whose user is refused: "
	    "refused");
	like(err.msg, "nobody-here", "  the message names the user");
}

static int asked;

/* The operator's answer: the rig's password, or a wrong one. */
static int
answer(void *ctx, const char *prompt, int echo, char *buf, size_t len)
{
	asked++;
	ok(echo == 0 && strstr(prompt, "127.0.0.3") != NULL,
	    "  asked without echo, the prompt naming the host (%s)", prompt);
	snprintf(buf, len, "%s", (const char *)ctx);
	return 0;
}

static void
test_password(const char *what, const char *addr, const char *port)
{
	struct mcert_ssh_opts o = base_opts();
	struct mcert_error err = { 0, "" };
	struct mcert_ssh *s = NULL;
	int r;

	if (port == NULL || *port == '\0') {
		tap_skip(7, "%s: needs root for a local user with a password",
		    what);
		return;
	}
	o.host = addr;
	o.port = atoi(port);
	o.user = "mmptest";
	o.identity = NULL;
	o.ask = answer;
	o.ask_ctx = (void *)env("RIG_PASSWORD");
	asked = 0;
	r = mcert_ssh_connect(&o, &s, &err);
	if (!ok(r == MCERT_OK && asked == 1, "%s: connected with the password "
	    "asked for", what))
		diag("%s", err.msg);
	mcert_ssh_close(s);
	s = NULL;
	o.ask_ctx = "wrong password";
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && s == NULL, "%s: a wrong password is "
	    "refused", what);
	like(err.msg, "mmptest", "  the message names the user");
	o.ask = NULL;
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && strstr(err.msg, "tried: nothing") != NULL,
	    "%s: with nobody to ask, nothing is tried", what);
}

int
main(void)
{
	test_commands();
	test_faults();
	test_auth();
	test_password("password", "127.0.0.33", getenv("RIG_PW_PORT"));
	test_password("keyboard-interactive", "127.0.0.34",
	    getenv("RIG_KBD_PORT"));
	return tap_done();
}
