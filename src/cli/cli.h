/* The `meetcert SUBCOMMAND` front end: one file per command (cmd-*.c), each
 * exporting one const struct cli_cmd listed in main.c. */
#ifndef MCERT_CLI_H
#define MCERT_CLI_H

#include "load.h"
#include "verify.h"
#include "i18n.h"

/* Exit codes: the check holds, the check fails, unusable input or usage. */
enum {
	CLI_OK = 0,
	CLI_FAIL = 1,
	CLI_USAGE = 2,
};

struct cli_cmd {
	const char *name;
	const char *summary;	/* N_() */
	const char *usage;	/* N_(), after "meetcert NAME " */
	int (*run)(int argc, char **argv);
};

extern const struct cli_cmd cmd_wizard;
extern const struct cli_cmd cmd_validate;
extern const struct cli_cmd cmd_inspect;
extern const struct cli_cmd cmd_match;
extern const struct cli_cmd cmd_verify;
extern const struct cli_cmd cmd_csr;
extern const struct cli_cmd cmd_selfsigned;
extern const struct cli_cmd cmd_sign;
extern const struct cli_cmd cmd_certreq;
extern const struct cli_cmd cmd_split;
extern const struct cli_cmd cmd_bundle;
extern const struct cli_cmd cmd_init;
extern const struct cli_cmd cmd_plan;
extern const struct cli_cmd cmd_probe;
extern const struct cli_cmd cmd_make;
extern const struct cli_cmd cmd_server_csr;
extern const struct cli_cmd cmd_deploy;
extern const struct cli_cmd cmd_status;
extern const struct cli_cmd cmd_renew;
extern const struct cli_cmd cmd_rollback;
extern const struct cli_cmd cmd_discover;
extern const struct cli_cmd cmd_lab;

/* "meetcert: " + message on stderr, one line. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "usage: meetcert NAME USAGE" on stderr and returns CLI_USAGE. */
int cli_usage(const struct cli_cmd *cmd);

/* Maps a core error code to an exit code (verdicts 1, the rest 2). */
int cli_exit_for(int code);

/* Where passphrases come from: fd (from --passphrase-fd) or, when fd is -1,
 * the terminal if there is one.  Never argv. */
struct cli_passphrase {
	int fd;
	int used;
};
void cli_passphrase_init(struct cli_passphrase *cp, struct mcert_passphrase *pp);

/* DIR/BASE.EXT (DIR may be NULL).  Exits on out of memory: a front end. */
char *cli_path(const char *dir, const char *base, const char *ext);

/* Loads path into *f and returns its first object of kind; NULL after
 * printing why ("holds no private key"). */
const struct mcert_object *cli_load_one(const char *path,
    enum mcert_kind kind, const char *what, const struct mcert_passphrase *pp,
    struct mcert_file **f);

/* The columns s takes on a terminal (a multibyte string in the locale's
 * encoding): "Schlüssel" 9, not its 10 bytes; its bytes when it is not
 * text in this locale. */
int cli_width(const char *s);
/* A row of a label: value table on stdout: indent blanks, label padded
 * with blanks to width columns (cli_width, so that a translated label
 * with an umlaut keeps the column straight; a longer one is not cut),
 * one blank, then (cli_row) fmt. */
void cli_label(int indent, int width, const char *label);
void cli_row(int indent, int width, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "364 days left" or "expired 3 days ago", on stdout. */
void cli_print_days_left(long days);

/* Prints each warning of f on stderr. */
struct mcert_findings;
void cli_print_warnings(const struct mcert_findings *f);

/* Parses a file descriptor number for --passphrase-fd and checks that it
 * is open; -1 (the error printed) when it is not. */
int cli_parse_fd(const char *s);

/* verify's report on what (a file, or HOST:PORT for probe), on stdout:
 * the verdict, the path when it holds, then the warnings of res and of
 * extra (NULL: none).  Returns CLI_OK or CLI_FAIL.  In cmd-verify.c. */
struct mcert_verify_opts;
struct mcert_verify_result;
int cli_verify_report(const char *what, const struct mcert_verify_opts *vo,
    const struct mcert_verify_result *res, const struct mcert_findings *extra);

/* The system's trust store file, as OpenSSL finds it (SSL_CERT_FILE). */
const char *cli_system_store(void);

/* --role: server, client or any; -1 for anything else. */
int cli_parse_role(const char *s, enum mcert_role *role);

/* arg, the value of option opt, as a whole number of seconds from lo to
 * hi, into *ms: 0, or -1 with the error printed. */
int cli_seconds(const char *opt, const char *arg, long lo, long hi, long *ms);

#endif
