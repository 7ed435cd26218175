/* A workspace from what a deployment's Meeting Servers have bound
 * (meetcert discover): pure, no sockets.  The remote part (remote/discover.c)
 * collects the MMP's text and the bound files; this turns them into a
 * workspace ready for a renewal, each inference marked as a guess. */
#ifndef MCERT_DISCOVER_H
#define MCERT_DISCOVER_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "error.h"
#include "plan.h"

/* What was read from the hosts, in the order given:
 *
 * {"hosts": [{
 *   "address": "192.0.2.1", "port": 22, "user": "admin" (or null),
 *   "hostname": the text `hostname` printed, or null,
 *   "screens": {STATUS COMMAND: the text it printed} (the service table's
 *     status commands: "webadmin", "callbridge", "tls sip", ...),
 *   "pki_list": the text `pki list` printed, or null,
 *   "database": the text `database cluster status` printed, or null,
 *   "files": {NAME: base64 of the file's bytes (PEM or DER)},
 *   "keys": {NAME: base64 of the DER SubjectPublicKeyInfo of a private key
 *     file's key: the private key itself never leaves the remote part},
 *   "skipped": {NAME: why it was not fetched}}]}
 *
 * Only names and text: anything missing or unreadable becomes a guess. */

/* Adds data (name's bytes) to the observed host's "files". */
int mcert_discover_add_file(json_t *host, const char *name,
    const unsigned char *data, size_t len, struct mcert_error *err);

/* Adds the public half of the private key in data to "keys" (an encrypted
 * or unreadable key goes to "skipped" with why).  data is not kept. */
int mcert_discover_add_key(json_t *host, const char *name,
    const unsigned char *data, size_t len, struct mcert_error *err);

/* The status commands the service table reads (each once), into a new
 * array of strings. */
json_t *mcert_discover_commands(const struct mcert_services *svc);

/* The files a host's screens name as bound (keys left out), then those of
 * its pki list that may be the database cluster's (when db_text shows this
 * node in a cluster): certificates first, keys last, at most max names.
 * keys_out (may be NULL) receives which of them are keys.  New arrays. */
json_t *mcert_discover_wanted(const json_t *host,
    const struct mcert_services *svc, size_t max, json_t **keys_out);

/* The workspace of the deployment observed describes, into *ws_root (a
 * new object that mcert_ws_from_json accepts): type, hosts (labels, SSH
 * address, FQDN from its certificates, roles from what is bound, database
 * role from `database cluster status`), names, layout, key type, options,
 * each certificate's CA, the generation to make (its every file name new on
 * every host), "previous" (what is bound now, for rollback), "bound" (the
 * database cluster's files, found by content), "guesses": {FIELD: why},
 * "discovered": {"at", "hosts": [{"label", "address", "hostname",
 * "services": {ID: {"files": {placeholder: file}, "certificate": see
 * mcert_judge_bound, or null}}, "database": {"status", "nodes"} or null}]}
 * and "flow": "renew".  An error when no host has anything bound. */
int mcert_discover_build(const json_t *observed,
    const struct mcert_services *svc, time_t now, json_t **ws_root,
    struct mcert_error *err);

/* The highest "-gN" in name (cms1-g3-fullchain.pem: 3), or 0. */
int mcert_discover_name_generation(const char *name);

#endif
