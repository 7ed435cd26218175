/* One persistent MMP shell per host (a PTY session, as an operator's): a
 * command is sent, its answer read up to the next `<host>> ` prompt, its
 * questions answered only as the caller allows, and every exchange written
 * to a transcript with secrets left out. */
#ifndef MCERT_SHELL_H
#define MCERT_SHELL_H

#include <stdio.h>

#include "error.h"
#include "ssh.h"

struct mcert_shell;

/* Opens the shell on s and waits for the first prompt (timeout_ms).
 * transcript may be NULL; it is not closed here. */
int mcert_shell_open(struct mcert_ssh *s, FILE *transcript, long timeout_ms,
    struct mcert_shell **out, struct mcert_error *err);

/* Runs one command and returns its answer in *output (caller frees):
 * without the echo, the CRs and the prompt.  A yes/no question is
 * answered with confirm ("Y") when given, else "N" and the command fails;
 * a password question with secret when given (never written to the
 * transcript, and wiped from the answer if echoed), else it fails.  No
 * answer within timeout_ms fails, and the shell is then unusable.  The
 * MMP's text is not judged here: see mcert_mmp_failed. */
int mcert_shell_run(struct mcert_shell *sh, const char *command,
    const char *confirm, const char *secret, long timeout_ms, char **output,
    struct mcert_error *err);

/* Whether the shell can still run commands. */
int mcert_shell_alive(const struct mcert_shell *sh);

void mcert_shell_close(struct mcert_shell *sh);

#endif
