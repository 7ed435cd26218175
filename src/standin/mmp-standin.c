/* A Meeting Server MMP stand-in, run by a real sshd as its ForceCommand
 * (tests/mmp/rig.sh, ../shared/testing.md).  It answers like the MMP shell of
 * the guide and the lab, checks what it is given with the core, and keeps
 * what is bound in $MMP_DIR/.mmp-state.json so tests can assert it.
 *
 * Environment: MMP_HOST (prompt), MMP_DIR (the flat SFTP directory),
 * MMP_ADDR (this node's address in the database cluster; default MMP_HOST),
 * MMP_CLUSTER (the JSON file the hosts of one rig share for the database
 * cluster; default $MMP_DIR/.mmp-cluster.json), SSH_ORIGINAL_COMMAND (exec
 * request; unset for a shell, which prints "<host>> " before each line).
 * A command line is split on blanks; "double quotes" group words and are
 * removed (O:"Example Inc." is one word); an unclosed quote is
 * "Invalid command".
 *
 * Knobs, from the environment or, one VAR=VALUE a line, $MMP_DIR/.mmp-knobs
 * (read on each connection, the file winning, so a test can change them
 * without restarting sshd):
 *   MMP_FAIL_ON=PREFIX     a command starting with PREFIX prints
 *                          "FAILURE: <command>: operation failed"
 *   MMP_DROP_AFTER=N       the session ends (exit 255) before command N+1
 *   MMP_DROP_ON=PREFIX     the session ends (exit 255) on a command starting
 *                          with PREFIX, before it runs
 *   MMP_SLOW_MS=N          every command is answered N ms late (exec, shell)
 *   MMP_DROP_MID_UPLOAD=N  SFTP: the server takes the first N bytes of file
 *                          data the client writes (SSH_FXP_WRITE data, counted
 *                          over the session), then the session ends (exit
 *                          255): an upload of more than N bytes leaves a file
 *                          of exactly N bytes and the client sees the
 *                          connection drop
 *   MMP_DISK_BYTES=N       a full disk with N bytes free: an SFTP upload runs
 *                          under RLIMIT_FSIZE N (SIGXFSZ ignored), so writes
 *                          past byte N fail ("Failure"); an MMP command may
 *                          write N bytes in all, the file that does not fit
 *                          fails with "FAILURE: <file>: write failed: No
 *                          space left on device" (files written before it
 *                          stay: a pki csr may leave its key without a CSR)
 *   MMP_CONNECT_DELAY_MS=N a joining or connecting node shows "Connecting"
 *                          for N ms, then "Connected" (default 300)
 *   MMP_SERVE_STALE=1      --serve: each port goes on presenting what it
 *                          presented last, whatever is bound since (a
 *                          service that has not picked up its new
 *                          certificate); read on each TLS connection
 *
 * What it prints, command by command ("Invalid command" for any other
 * form; "FAILURE: <file>: file not found" for a file not in the directory;
 * "FAILURE: <file>: unable to load file: <core message>" for a damaged one).
 * Taken from the lab (003) and the guide: the pki csr lines and dots, "Invalid
 * CSR name. Must be alphanumeric", "Invalid argument", "Matching certificate
 * and private key", the callbridge and Key/certificate SUCCESS/FAILURE lines,
 * "Connected Primary" and "(me)"; every other text is ours, one line each.
 * The file that answers a command says what it prints, in its first comment:
 *
 * pki ...         standin-pki.c
 * <svc> ..., tls sip|ldap ...
 *                 standin-services.c
 * database cluster ...
 *                 standin-cluster.c (and the cluster file of a rig's hosts)
 * hostname        MMP_HOST
 * exit, quit      end the shell
 *
 * The state file: {"services": {<svc>|webbridge3-https|webbridge3-c2w|
 * tls-sip|tls-ldap: {key, cert, bundle, trust, trust-c2w, trust-cluster,
 * enabled, last, verify}}, "database": {status, nodes, certs {server_key,
 * server_cert, client_key, client_cert, ca}, localnode}, "overwritten":
 * [NAME, ...]}.
 *
 * SFTP (SSH_ORIGINAL_COMMAND internal-sftp* or *sftp-server*): sftp-server
 * on MMP_DIR, standin-sftp.c.  mmp-standin --serve: Web Bridge 3's https
 * and c2w ports for the live TLS probes, standin-serve.c.  What the files
 * share is declared in standin.h: this file's knobs, state and node, and
 * standin-files.c's plain I/O and the directory's files. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "csr.h"

#include "standin.h"

#define STATE_FILE ".mmp-state.json"
#define KNOBS_FILE ".mmp-knobs"

const char *host = "cms";
static const struct standin_knobs knob_defaults = { .drop_after = -1,
    .drop_mid_upload = -1, .disk_bytes = -1, .connect_delay_ms = 300 };
struct standin_knobs knobs = { .drop_after = -1, .drop_mid_upload = -1,
    .disk_bytes = -1, .connect_delay_ms = 300 };
json_t *state;
FILE *in;

static const struct {
	const char *name;
	long *value;
} long_knobs[] = {
	{ "MMP_DROP_AFTER", &knobs.drop_after },
	{ "MMP_DROP_MID_UPLOAD", &knobs.drop_mid_upload },
	{ "MMP_SLOW_MS", &knobs.slow_ms },
	{ "MMP_DISK_BYTES", &knobs.disk_bytes },
	{ "MMP_CONNECT_DELAY_MS", &knobs.connect_delay_ms },
	{ "MMP_SERVE_STALE", &knobs.serve_stale },
};
#define NLONG_KNOBS (sizeof(long_knobs) / sizeof(long_knobs[0]))

static void
knob_set(const char *name, const char *value)
{
	size_t i;

	if (strcmp(name, "MMP_FAIL_ON") == 0) {
		snprintf(knobs.fail_on, sizeof(knobs.fail_on), "%s", value);
		return;
	}
	if (strcmp(name, "MMP_DROP_ON") == 0) {
		snprintf(knobs.drop_on, sizeof(knobs.drop_on), "%s", value);
		return;
	}
	for (i = 0; i < NLONG_KNOBS; i++)
		if (strcmp(name, long_knobs[i].name) == 0 && *value != '\0')
			*long_knobs[i].value = strtol(value, NULL, 10);
}

void
knobs_read(void)
{
	char line[512], *eq, *v;
	size_t i;
	FILE *f;

	knobs = knob_defaults;
	if (getenv("MMP_FAIL_ON") != NULL)
		knob_set("MMP_FAIL_ON", getenv("MMP_FAIL_ON"));
	if (getenv("MMP_DROP_ON") != NULL)
		knob_set("MMP_DROP_ON", getenv("MMP_DROP_ON"));
	for (i = 0; i < NLONG_KNOBS; i++)
		if ((v = getenv(long_knobs[i].name)) != NULL)
			knob_set(long_knobs[i].name, v);
	if ((f = fopen(KNOBS_FILE, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		knob_set(line, eq + 1);
	}
	fclose(f);
}

const char *
my_address(void)
{
	const char *a = getenv("MMP_ADDR");

	return a != NULL && *a != '\0' ? a : host;
}

/* ---- state on disk */

void
state_load(void)
{
	json_error_t jerr;

	state = json_load_file(STATE_FILE, 0, &jerr);
	if (state == NULL || !json_is_object(state)) {
		json_decref(state);
		state = json_object();
	}
}

void
state_save(void)
{
	if (json_dump_file(state, STATE_FILE ".tmp",
	    JSON_INDENT(2) | JSON_SORT_KEYS) == 0)
		rename(STATE_FILE ".tmp", STATE_FILE);
}

/* The object at state[name], made when missing. */
json_t *
state_obj(json_t *parent, const char *name)
{
	json_t *o = json_object_get(parent, name);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, name, o);
	}
	return o;
}

const char *
state_str(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s != NULL ? s : "none";
}

/* Records that a key was replaced by the MMP itself: tests assert that
 * meetcert never made this happen. */
void
state_note_overwrite(const char *name)
{
	json_t *a = json_object_get(state, "overwritten"), *v;
	size_t i;

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(state, "overwritten", a);
	}
	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v) != NULL ?
		    json_string_value(v) : "", name) == 0)
			return;
	json_array_append_new(a, json_string(name));
}

/* ---- the shell */

/* Runs one split command; returns 1 when the session should end. */
static int
dispatch(char **argv, int argc)
{
	if (strcmp(argv[0], "exit") == 0 || strcmp(argv[0], "quit") == 0)
		return 1;
	if (strcmp(argv[0], "pki") == 0 && argc >= 2)
		pki_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "callbridge") == 0 ||
	    strcmp(argv[0], "webadmin") == 0 ||
	    strcmp(argv[0], "webbridge3") == 0 ||
	    strcmp(argv[0], "turn") == 0 ||
	    strcmp(argv[0], "meetingapps") == 0)
		service_command(argv[0], argv + 1, argc - 1);
	else if (strcmp(argv[0], "tls") == 0)
		tls_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "database") == 0)
		database_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "hostname") == 0 && argc == 1)
		puts(host);
	else
		puts("Invalid command");
	return 0;
}

/* Splits a line as the MMP does (blanks, "double quotes") and runs it. */
static int
run_line(const char *line)
{
	char **argv = NULL;
	size_t n = 0;
	int end = 0;

	if (mcert_pki_line_split(line, &argv, &n, NULL) != MCERT_OK)
		puts("Invalid command");
	else if (n > 0)
		end = dispatch(argv, (int)n);
	mcert_words_free(argv);
	return end;
}

static int
run_command(const char *text)
{
	static long count;
	char *line;
	int end;

	if (knobs.drop_after >= 0 && count >= knobs.drop_after)
		exit(255);	/* the connection drops */
	count++;
	if (knobs.slow_ms > 0)
		mcert_sleep_ms(knobs.slow_ms);
	if ((line = strdup(text)) == NULL)
		exit(1);
	line[strcspn(line, "\r\n")] = '\0';
	if (knobs.drop_on[0] != '\0' && strncmp(line, knobs.drop_on,
	    strlen(knobs.drop_on)) == 0)
		exit(255);	/* the connection drops, the command not run */
	if (knobs.fail_on[0] != '\0' && strncmp(line, knobs.fail_on,
	    strlen(knobs.fail_on)) == 0) {
		printf("FAILURE: %s: operation failed\n", line);
		end = 0;
	} else {
		end = run_line(line);
	}
	free(line);
	fflush(stdout);
	return end;
}

static void
shell(void)
{
	char line[4096];

	for (;;) {
		printf("%s> ", host);
		fflush(stdout);
		if (fgets(line, sizeof(line), in) == NULL || run_command(line))
			break;
	}
}

int
main(int argc, char **argv)
{
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	const char *dir = getenv("MMP_DIR");
	char absdir[PATH_MAX];
	int serving = argc == 2 && strcmp(argv[1], "--serve") == 0;

	if (argc > 1 && !serving) {
		fputs("usage: mmp-standin (as an sshd's ForceCommand) | "
		    "mmp-standin --serve\n", stderr);
		return 2;
	}
	if (getenv("MMP_HOST") != NULL)
		host = getenv("MMP_HOST");
	if (dir == NULL || realpath(dir, absdir) == NULL ||
	    chdir(absdir) != 0) {
		fprintf(stderr, "mmp-standin: MMP_DIR is not a directory\n");
		return 1;
	}
	if (serving)
		return serve(absdir);
	knobs_read();
	if (cmd != NULL && is_sftp(cmd))
		return sftp_serve(dir);
	in = stdin;
	state_load();
	if (cmd != NULL)
		run_command(cmd);
	else
		shell();
	json_decref(state);
	return 0;
}
