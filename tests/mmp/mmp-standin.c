/* A Meeting Server MMP stand-in, run by a real sshd as its ForceCommand
 * (tests/mmp/rig.sh, ../shared/testing.md).  It answers like the MMP shell of
 * the guide and the lab, checks what it is given with the core, and keeps
 * what is bound in $MMP_DIR/.mmp-state.json so tests can assert it.
 *
 * Environment: MMP_HOST (prompt), MMP_DIR (the flat SFTP directory),
 * SSH_ORIGINAL_COMMAND (exec request; unset for a shell).  Fault knobs, from
 * the environment or, one VAR=VALUE a line, $MMP_DIR/.mmp-knobs (read on each
 * connection, so a test can change them without restarting sshd):
 *   MMP_FAIL_ON=PREFIX  a command starting with PREFIX prints a FAILURE line
 *   MMP_DROP_AFTER=N    the connection ends after N commands */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "load.h"
#include "verify.h"
#include "x509.h"

#define STATE_FILE ".mmp-state.json"
#define KNOBS_FILE ".mmp-knobs"
#define MAX_ARGS 16

static const char *host = "cms";
static char fail_on[256];
static long drop_after = -1;
static json_t *state;
static FILE *in;

static void
knob_set(const char *name, const char *value)
{
	if (strcmp(name, "MMP_FAIL_ON") == 0)
		snprintf(fail_on, sizeof(fail_on), "%s", value);
	else if (strcmp(name, "MMP_DROP_AFTER") == 0 && *value != '\0')
		drop_after = strtol(value, NULL, 10);
}

static void
knobs_read(void)
{
	char line[512], *eq;
	FILE *f;

	if (getenv("MMP_FAIL_ON") != NULL)
		knob_set("MMP_FAIL_ON", getenv("MMP_FAIL_ON"));
	if (getenv("MMP_DROP_AFTER") != NULL)
		knob_set("MMP_DROP_AFTER", getenv("MMP_DROP_AFTER"));
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

/* ---- state on disk */

static void
state_load(void)
{
	json_error_t jerr;

	state = json_load_file(STATE_FILE, 0, &jerr);
	if (state == NULL || !json_is_object(state)) {
		json_decref(state);
		state = json_object();
	}
}

static void
state_save(void)
{
	if (json_dump_file(state, STATE_FILE ".tmp",
	    JSON_INDENT(2) | JSON_SORT_KEYS) == 0)
		rename(STATE_FILE ".tmp", STATE_FILE);
}

/* The object at state[name], made when missing. */
static json_t *
state_obj(json_t *parent, const char *name)
{
	json_t *o = json_object_get(parent, name);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, name, o);
	}
	return o;
}

static const char *
state_str(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s != NULL ? s : "none";
}

/* ---- files */

static int
file_ok(const char *name)
{
	struct stat st;

	return strchr(name, '/') == NULL && name[0] != '.' &&
	    stat(name, &st) == 0 && S_ISREG(st.st_mode);
}

/* Loads the first object of kind in name; NULL with a FAILURE printed. */
static struct mcert_file *
load_one(const char *name, enum mcert_kind kind,
    const struct mcert_object **obj)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return NULL;
	}
	if (mcert_file_load(name, 0, NULL, &f, &err) != 0) {
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
		return NULL;
	}
	if ((*obj = mcert_file_first(f, kind)) == NULL) {
		printf("FAILURE: %s: no %s in file\n", name,
		    kind == MCERT_KIND_KEY ? "private key" : "certificate");
		mcert_file_free(f);
		return NULL;
	}
	return f;
}

/* 1 when key file and cert file load and match; else a FAILURE printed. */
static int
key_cert_match(const char *key, const char *cert, const char *failure)
{
	const struct mcert_object *k, *c;
	struct mcert_file *kf, *cf = NULL;
	int ok = 0;

	if ((kf = load_one(key, MCERT_KIND_KEY, &k)) == NULL ||
	    (cf = load_one(cert, MCERT_KIND_CERT, &c)) == NULL)
		goto out;
	if (mcert_key_matches(k->key, X509_get0_pubkey(c->cert)) == 1)
		ok = 1;
	else
		puts(failure);
out:
	mcert_file_free(kf);
	mcert_file_free(cf);
	return ok;
}

/* ---- pki */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
pki_list(void)
{
	char *names[1024];
	size_t n = 0, i;
	struct dirent *d;
	DIR *dir;

	puts("User supplied certificates and keys:");
	if ((dir = opendir(".")) == NULL)
		return;
	while ((d = readdir(dir)) != NULL && n < 1024)
		if (d->d_name[0] != '.' && file_ok(d->d_name))
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		puts(names[i]);
		free(names[i]);
	}
}

static void
print_time(const char *label, time_t t)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%b %e %H:%M:%S %Y GMT", &tm);
	printf("    %-19s: %s\n", label, buf);
}

static void
pki_inspect(const char *name)
{
	struct mcert_error err = { 0 };
	struct mcert_cert_info ci;
	struct mcert_key_info ki;
	struct mcert_file *f = NULL;
	size_t i, j;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return;
	}
	if (mcert_file_load(name, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) != 0) {
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
		return;
	}
	printf("Checking %s ...\n", name);
	for (i = 0; i < f->nobj; i++) {
		const struct mcert_object *o = &f->obj[i];

		if (o->kind == MCERT_KIND_KEY) {
			if (o->key == NULL) {
				puts("Private key: encrypted (use pki unlock)");
				continue;
			}
			mcert_key_info(o->key, &ki);
			printf("Private key: %s %d bits\n", ki.type, ki.bits);
			continue;
		}
		if (o->kind != MCERT_KIND_CERT ||
		    mcert_cert_info(o->cert, time(NULL), &ci, &err) != 0)
			continue;
		printf("Certificate:\n");
		printf("    %-19s: %s\n", "Subject", ci.subject);
		printf("    %-19s: %s\n", "Issuer", ci.issuer);
		printf("    %-19s: %s\n", "Serial Number", ci.serial);
		print_time("Not valid before", ci.not_before);
		print_time("Not valid after", ci.not_after);
		for (j = 0; j < ci.nsan; j++)
			printf("    %-19s: %s%s\n", "Subject Alt Name",
			    ci.san[j].kind == MCERT_SAN_IP ? "IP:" : "DNS:",
			    ci.san[j].value);
		printf("    %-19s: %s\n", "CA", ci.has_bc && ci.ca ?
		    "true" : "false");
		mcert_cert_info_free(&ci);
	}
	mcert_file_free(f);
}

static void
pki_match(const char *key, const char *cert)
{
	if (key_cert_match(key, cert,
	    "FAILURE: certificate and key do not match"))
		puts("Matching certificate and private key");
}

/* pki verify CERT [BUNDLE [CA]]: with a CA file its certificates are the
 * anchors; otherwise the self-signed ones among those given. */
static void
pki_verify(char **argv, int argc)
{
	struct mcert_cert *all = NULL, *untrusted = NULL, *anchors = NULL;
	size_t nall = 0, nu = 0, na = 0, from_ca = 0, i;
	struct mcert_verify_opts opts = { .role = MCERT_ROLE_ANY,
	    .max_depth = -1 };
	struct mcert_file *files[3] = { NULL, NULL, NULL };
	struct mcert_verify_result res = { 0 };
	struct mcert_error err = { 0 };
	const struct mcert_object *leaf;
	struct mcert_cert lc;
	int i2;

	if ((files[0] = load_one(argv[0], MCERT_KIND_CERT, &leaf)) == NULL)
		return;
	for (i2 = 1; i2 < argc && i2 < 3; i2++) {
		const struct mcert_object *o;

		if ((files[i2] = load_one(argv[i2], MCERT_KIND_CERT, &o)) ==
		    NULL)
			goto out;
		if (i2 == 2)
			from_ca = nall;
		if (mcert_file_certs(files[i2], &all, &nall, &err) != 0)
			goto out;
	}
	untrusted = calloc(nall + 1, sizeof(*untrusted));
	anchors = calloc(nall + 1, sizeof(*anchors));
	if (untrusted == NULL || anchors == NULL)
		goto out;
	for (i = 0; i < nall; i++) {
		int anchor = argc >= 3 ? i >= from_ca :
		    mcert_is_self_signed(all[i].x509) == 1;

		if (anchor)
			anchors[na++] = all[i];
		else
			untrusted[nu++] = all[i];
	}
	lc = (struct mcert_cert){ leaf->cert, argv[0], 1 };
	if (na == 0 && mcert_is_self_signed(leaf->cert) == 1)
		anchors[na++] = lc;
	if (mcert_verify(&lc, untrusted, nu, anchors, na, &opts, &res,
	    &err) != 0) {
		printf("FAILURE: %s\n", err.msg);
		goto out;
	}
	if (res.ok)
		printf("SUCCESS: %s verified\n", argv[0]);
	else
		printf("FAILURE: %s\n", res.findings.n > 0 ?
		    res.findings.v[0].text : "certificate chain not verified");
	mcert_verify_result_free(&res);
out:
	free(all);
	free(untrusted);
	free(anchors);
	for (i2 = 0; i2 < 3; i2++)
		mcert_file_free(files[i2]);
}

static void
pki_command(char **argv, int argc)
{
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		pki_list();
	else if (argc == 2 && strcmp(argv[0], "inspect") == 0)
		pki_inspect(argv[1]);
	else if (argc == 3 && strcmp(argv[0], "match") == 0)
		pki_match(argv[1], argv[2]);
	else if (argc >= 2 && argc <= 4 && strcmp(argv[0], "verify") == 0)
		pki_verify(argv + 1, argc - 1);
	else
		puts("Invalid command");
}

/* ---- services */

#define MISMATCH "FAILURE: Key and certificate problem: " \
	"certificate and key do not match"

/* svc certs KEY CERT [BUNDLE] | certs none, into state[slot]. */
static void
svc_certs(const char *slot, char **argv, int argc, int bundle_ok)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	if (argc == 1 && strcmp(argv[0], "none") == 0) {
		json_object_del(o, "key");
		json_object_del(o, "cert");
		json_object_del(o, "bundle");
		state_save();
		puts("SUCCESS: certificate configuration removed");
		return;
	}
	if (argc < 2 || argc > (bundle_ok ? 3 : 2)) {
		puts("Invalid command");
		return;
	}
	if (argc == 3 && !file_ok(argv[2])) {
		printf("FAILURE: %s: file not found\n", argv[2]);
		return;
	}
	if (!key_cert_match(argv[0], argv[1], MISMATCH))
		return;
	json_object_set_new(o, "key", json_string(argv[0]));
	json_object_set_new(o, "cert", json_string(argv[1]));
	if (argc == 3)
		json_object_set_new(o, "bundle", json_string(argv[2]));
	else
		json_object_del(o, "bundle");
	state_save();
	puts("SUCCESS: Key and certificate pair match");
}

static void
svc_trust(const char *slot, const char *what, const char *file)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	if (strcmp(file, "none") != 0 && !file_ok(file)) {
		printf("FAILURE: %s: file not found\n", file);
		return;
	}
	json_object_set_new(o, what, json_string(file));
	state_save();
	puts("SUCCESS: trust bundle configured");
}

/* enable/restart re-check the binding, as the real service does on start. */
static void
svc_switch(const char *svc, const char **slots, const char *verb)
{
	json_t *svcs = state_obj(state, "services"), *o;
	int i;

	for (i = 0; slots[i] != NULL; i++) {
		o = state_obj(svcs, slots[i]);
		json_object_set_new(o, "enabled",
		    json_boolean(strcmp(verb, "disable") != 0));
		if (strcmp(verb, "disable") != 0 &&
		    json_object_get(o, "key") != NULL &&
		    !key_cert_match(state_str(o, "key"), state_str(o, "cert"),
		    MISMATCH)) {
			state_save();
			return;
		}
	}
	o = state_obj(svcs, slots[0]);
	json_object_set_new(o, "last", json_string(verb));
	state_save();
	if (strcmp(verb, "disable") == 0)
		printf("SUCCESS: %s disabled\n", svc);
	else if (strcmp(svc, "callbridge") == 0)
		puts("SUCCESS: listen interface configured\n"
		    "SUCCESS: Key and certificate pair match");
	else
		printf("SUCCESS: %s %sd\n", svc,
		    strcmp(verb, "restart") == 0 ? "restarte" : verb);
}

static void
svc_status(const char *svc)
{
	json_t *svcs = state_obj(state, "services");
	json_t *o = state_obj(svcs, svc);
	json_t *c2w;

	printf("%-35s: %s\n", "Enabled", json_is_false(json_object_get(o,
	    "enabled")) ? "false" : "true");
	if (strcmp(svc, "webbridge3") == 0) {
		o = state_obj(svcs, "webbridge3-https");
		c2w = state_obj(svcs, "webbridge3-c2w");
		printf("%-35s: %s\n", "HTTPS Key file", state_str(o, "key"));
		printf("%-35s: %s\n", "HTTPS Full chain certificate file",
		    state_str(o, "cert"));
		printf("%-35s: %s\n", "C2W Key file", state_str(c2w, "key"));
		printf("%-35s: %s\n", "C2W Full chain certificate file",
		    state_str(c2w, "cert"));
		printf("%-35s: %s\n", "C2W trusted certificate bundle",
		    state_str(c2w, "trust"));
		return;
	}
	printf("%-35s: %s\n", "Key file", state_str(o, "key"));
	printf("%-35s: %s\n", "Certificate file", state_str(o, "cert"));
	printf("%-35s: %s\n", "CA Bundle file", state_str(o, "bundle"));
	if (strcmp(svc, "callbridge") == 0) {
		printf("%-35s: %s\n", "C2W trusted certificate bundle",
		    state_str(o, "trust-c2w"));
		printf("%-35s: %s\n", "Cluster trusted certificate bundle",
		    state_str(o, "trust-cluster"));
	}
}

static int
is_switch(const char *s)
{
	return strcmp(s, "enable") == 0 || strcmp(s, "disable") == 0 ||
	    strcmp(s, "restart") == 0;
}

static void
service_command(const char *svc, char **argv, int argc)
{
	const char *one[] = { svc, NULL };
	const char *wb3[] = { "webbridge3", "webbridge3-https",
	    "webbridge3-c2w", NULL };

	if (argc == 0)
		svc_status(svc);
	else if (argc == 1 && is_switch(argv[0]))
		svc_switch(svc, strcmp(svc, "webbridge3") == 0 ? wb3 : one,
		    argv[0]);
	else if (strcmp(svc, "webbridge3") == 0 && argc >= 2 &&
	    strcmp(argv[1], "certs") == 0 && (strcmp(argv[0], "https") == 0 ||
	    strcmp(argv[0], "c2w") == 0))
		svc_certs(strcmp(argv[0], "https") == 0 ? "webbridge3-https" :
		    "webbridge3-c2w", argv + 2, argc - 2, 0);
	else if (strcmp(svc, "webbridge3") == 0 && argc == 3 &&
	    strcmp(argv[0], "c2w") == 0 && strcmp(argv[1], "trust") == 0)
		svc_trust("webbridge3-c2w", "trust", argv[2]);
	else if (strcmp(svc, "callbridge") == 0 && argc == 3 &&
	    strcmp(argv[0], "trust") == 0 && (strcmp(argv[1], "c2w") == 0 ||
	    strcmp(argv[1], "cluster") == 0))
		svc_trust("callbridge", strcmp(argv[1], "c2w") == 0 ?
		    "trust-c2w" : "trust-cluster", argv[2]);
	else if (strcmp(svc, "webbridge3") != 0 && argc >= 1 &&
	    strcmp(argv[0], "certs") == 0)
		svc_certs(svc, argv + 1, argc - 1, 1);
	else
		puts("Invalid command");
}

/* ---- database cluster */

static int
confirm(const char *question)
{
	char line[256];

	printf("%s (Y/N)\n", question);
	fflush(stdout);
	if (fgets(line, sizeof(line), in) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "Y") == 0;	/* only a capital Y */
}

static void
database_command(char **argv, int argc)
{
	json_t *db = state_obj(state, "database"), *nodes, *n;
	size_t i;

	if (argc == 2 && strcmp(argv[0], "cluster") == 0 &&
	    strcmp(argv[1], "status") == 0) {
		printf("%-26s: %s\n", "Status", json_string_value(
		    json_object_get(db, "status")) != NULL ?
		    state_str(db, "status") : "Disabled");
		puts("Nodes:");
		nodes = json_object_get(db, "nodes");
		json_array_foreach(nodes, i, n)
			printf("    %-22s: %s\n", state_str(n, "address"),
			    state_str(n, "state"));
	} else if (argc == 2 && strcmp(argv[0], "cluster") == 0 &&
	    strcmp(argv[1], "remove") == 0) {
		if (!confirm("WARNING!!! This will remove this node from the "
		    "database cluster. Are you sure?")) {
			puts("Aborted: database cluster not changed");
			return;
		}
		json_object_set_new(db, "status", json_string("Disabled"));
		json_object_set_new(db, "nodes", json_array());
		state_save();
		puts("SUCCESS: Node removed from database cluster");
	} else if (argc >= 4 && argc <= 7 && strcmp(argv[0], "cluster") ==
	    0 && strcmp(argv[1], "certs") == 0) {
		for (i = 2; i < (size_t)argc; i++)
			if (!file_ok(argv[i])) {
				printf("FAILURE: %s: file not found\n",
				    argv[i]);
				return;
			}
		nodes = json_array();
		for (i = 2; i < (size_t)argc; i++)
			json_array_append_new(nodes, json_string(argv[i]));
		json_object_set_new(db, "certs", nodes);
		state_save();
		puts("SUCCESS: database cluster certificates configured");
	} else
		puts("Invalid command");
}

/* ---- the shell */

/* Runs one command line; returns 1 when the session should end. */
static int
run_line(char *line)
{
	char *argv[MAX_ARGS], *p;
	int argc = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (p = strtok(line, " \t"); p != NULL && argc < MAX_ARGS;
	    p = strtok(NULL, " \t"))
		argv[argc++] = p;
	if (argc == 0)
		return 0;
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
	else if (strcmp(argv[0], "database") == 0)
		database_command(argv + 1, argc - 1);
	else if (strcmp(argv[0], "hostname") == 0 && argc == 1)
		puts(host);
	else
		puts("Invalid command");
	return 0;
}

static int
run_command(const char *text)
{
	static long count;
	char *line;
	int end;

	if (drop_after >= 0 && count >= drop_after)
		exit(255);	/* the connection drops */
	count++;
	if (fail_on[0] != '\0' && strncmp(text, fail_on,
	    strlen(fail_on)) == 0) {
		printf("FAILURE: %s: operation failed\n", text);
		return 0;
	}
	if ((line = strdup(text)) == NULL)
		exit(1);
	end = run_line(line);
	free(line);
	fflush(stdout);
	return end;
}

int
main(void)
{
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	const char *dir = getenv("MMP_DIR");
	char line[4096];

	if (getenv("MMP_HOST") != NULL)
		host = getenv("MMP_HOST");
	if (cmd != NULL && (strncmp(cmd, "internal-sftp", 13) == 0 ||
	    strstr(cmd, "sftp-server") != NULL)) {
		execl("/usr/lib/openssh/sftp-server", "sftp-server", "-d",
		    dir != NULL ? dir : ".", (char *)NULL);
		perror("sftp-server");
		return 1;
	}
	if (dir == NULL || chdir(dir) != 0) {
		fprintf(stderr, "mmp-standin: MMP_DIR is not a directory\n");
		return 1;
	}
	in = stdin;
	knobs_read();
	state_load();
	if (cmd != NULL) {
		run_command(cmd);
	} else {
		for (;;) {
			printf("%s> ", host);
			fflush(stdout);
			if (fgets(line, sizeof(line), in) == NULL ||
			    run_command(line))
				break;
		}
	}
	json_decref(state);
	return 0;
}
