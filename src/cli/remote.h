/* What the commands that reach Meeting Servers share: the SSH options,
 * asking on the terminal, and loading a workspace with its plan. */
#ifndef MCERT_CLI_REMOTE_H
#define MCERT_CLI_REMOTE_H

#include <getopt.h>

#include "plan.h"
#include "ssh.h"
#include "workspace.h"

enum {
	OPT_KNOWN_HOSTS = 512, OPT_IDENTITY, OPT_SSH_CONFIG, OPT_NO_AGENT,
	OPT_ACCEPT, OPT_TIMEOUT, OPT_SERVICES_FILE,
};

#define CLI_REMOTE_OPTIONS \
	{ "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS }, \
	{ "identity", required_argument, NULL, OPT_IDENTITY }, \
	{ "ssh-config", required_argument, NULL, OPT_SSH_CONFIG }, \
	{ "no-agent", no_argument, NULL, OPT_NO_AGENT }, \
	{ "accept", required_argument, NULL, OPT_ACCEPT }, \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT }, \
	{ "services", required_argument, NULL, OPT_SERVICES_FILE }

struct cli_remote {
	struct mcert_ssh_opts ssh;
	char accept[2048];	/* comma-separated fingerprints */
	char known[4096], config[4096];
	const char *services;
	long timeout_ms;	/* per command */
};

/* Defaults: ~/.ssh/known_hosts ($MEETCERT_KNOWN_HOSTS), ~/.ssh/config,
 * the key in $MEETCERT_IDENTITY if set, ssh-agent when running, questions
 * asked on the terminal. */
void cli_remote_init(struct cli_remote *r);

/* 1 when c was one of CLI_REMOTE_OPTIONS (taken), 0 when not, -1 when its
 * value is bad (the error printed). */
int cli_remote_option(struct cli_remote *r, int c, const char *arg);

/* Loads the workspace, the service table and the plan; prints why not. */
int cli_load_plan(const char *path, const char *services,
    struct mcert_workspace **ws, struct mcert_services **svc,
    struct mcert_plan **plan);

/* deploy's, shared with rollback: a progress line per event; the result
 * per host (CLI_OK, CLI_FAIL); asking to take the database cluster down
 * (1: the operator typed yes on the terminal). */
struct mcert_deploy_event;
struct mcert_deploy_result;
struct mcert_deploy_opts;
/* The options every run on the servers shares (the folder, transcripts,
 * SSH, progress lines, Ctrl-C stopping between steps) into o; dir and
 * tdir are the caller's to free.  0, or -1 with the error printed. */
int cli_deploy_setup(struct mcert_deploy_opts *o, const struct cli_remote *rem,
    const char *path, char **dir, char **tdir);
void cli_deploy_progress(void *ctx, const struct mcert_deploy_event *ev);
int cli_deploy_report(const struct mcert_deploy_result *r, int dry_run);
int cli_confirm_database(const struct mcert_workspace *ws);

/* The folder of path ("." for a bare name); caller frees. */
char *cli_dirname(const char *path);

#endif
