/* The MMP's output, read as the MMP writes it: text.  Its exit status is
 * never used; SUCCESS and FAILURE lines, status screens of "Label : value"
 * lines and listings are.  Pure functions: no socket here. */
#ifndef MCERT_MMP_H
#define MCERT_MMP_H

#include <stddef.h>

#include <jansson.h>

#include "plan.h"

/* 1 when output reports a failure ("FAILURE...", "ERROR...", "Invalid
 * command", "Invalid CSR name...", "Invalid argument"), with the first such line copied into why (may be NULL). */
int mcert_mmp_failed(const char *output, char *why, size_t whylen);

/* A status screen as {label: value}, each "Label : value" line once (the
 * first wins); values "none" and "" become null. */
json_t *mcert_mmp_fields(const char *output);

/* The file names `pki list` printed, in order. */
json_t *mcert_mmp_pki_list(const char *output);

/* `database cluster status` as {"status": S, "nodes": [{"address", "state",
 * "connected": bool}]}: the node lines are the "Label : value" lines after
 * "Nodes:". */
json_t *mcert_mmp_db_status(const char *output);

/* 1 when every node in db (from mcert_mmp_db_status) is connected and
 * there are want of them (0: any number but at least one). */
int mcert_mmp_db_all_connected(const json_t *db, size_t want);

/* What service s has bound, read from its status screen's fields through
 * the service table's status_fields: {placeholder: file or null,
 * "enabled": true|false|null}. */
json_t *mcert_mmp_binding(const struct mcert_service *s, const json_t *fields);

/* The files of a binding from mcert_mmp_binding: its placeholders that
 * name a file (not "enabled", not unset).  A new object. */
json_t *mcert_mmp_binding_files(const json_t *binding);

/* tmpl with each {name} replaced by vars[name]; NULL (and *missing set to
 * the name, which the caller frees) when a placeholder has no string. */
char *mcert_mmp_fill(const char *tmpl, const json_t *vars, char **missing);

/* Whether the last line of output is a question the MMP waits on:
 * MCERT_MMP_ASK_CONFIRM for "(Y/N)"-style, MCERT_MMP_ASK_SECRET for a
 * password prompt, 0 for none. */
enum { MCERT_MMP_ASK_NONE, MCERT_MMP_ASK_CONFIRM, MCERT_MMP_ASK_SECRET };
int mcert_mmp_question(const char *output, size_t len);

/* A command line safe to send: printable ASCII, no control characters
 * (a newline would run a second command). */
int mcert_mmp_command_ok(const char *command);

#endif
