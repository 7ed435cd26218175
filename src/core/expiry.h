/* Expiry: every certificate a deployment has bound, leaf and chain, with
 * its days left and a band (the 30, 60 and 90-day thresholds), soonest
 * first, from what mcert_status read.  Shared by `meetcert status
 * --expiring` and the wizard's Expiry screen. */
#ifndef MCERT_EXPIRY_H
#define MCERT_EXPIRY_H

#include <jansson.h>

#include "error.h"

enum mcert_band {
	MCERT_BAND_EXPIRED,	/* fewer than 0 days left */
	MCERT_BAND_30,		/* 0 to 30 */
	MCERT_BAND_60,		/* 31 to 60 */
	MCERT_BAND_90,		/* 61 to 90 */
	MCERT_BAND_OK,		/* more */
};

/* The band of a number of days left. */
enum mcert_band mcert_expiry_band(long days);

/* Its name in the JSON: "expired", "30", "60", "90", "ok". */
const char *mcert_expiry_band_name(enum mcert_band b);

/* Its words, an N_() msgid for the front end to translate: "expired",
 * "within 30", "within 60", "within 90", "over 90". */
const char *mcert_expiry_band_words(enum mcert_band b);

/* From status (mcert_status's JSON), *out (caller frees): [{"host",
 * "subject", "issuer", "san": [...], "not_after", "days_left", "band",
 * "sha256", "kind": "leaf"|"chain", "database": bool (a database cluster
 * certificate: renewing it takes the cluster down and up again), "services":
 * [id] and "files": [file] (each once), "uses": [{"service", "name",
 * "file", "role"}] (role: a database certificate's "server"|"client", else
 * absent), "verified": bool and "why" (a leaf's verdict), "chain":
 * [{"subject", "not_after", "days_left"}] (a leaf's issuers), "issued":
 * [subject] (a chain certificate's leaves)}], a certificate once per host
 * (the same SHA-256, else the same subject and expiry), by days left
 * (then by host, leaves before their issuers, the exact expiry,
 * subject).  A chain
 * certificate's file is the bundle bound with the leaf, else the leaf's
 * own (a full chain).  Services with nothing judged give no entry:
 * mcert_expiry_unknown lists them.  MCERT_OK, or MCERT_E_NOMEM. */
int mcert_expiry_list(const json_t *status, json_t **out,
    struct mcert_error *err);

/* What status could not date (caller frees; NULL on no memory): [{"host",
 * "service": id|null, "why"}] for a host not read, database certificate
 * files unknown, a certificate file that cannot be read. */
json_t *mcert_expiry_unknown(const json_t *status);

/* The certificate file of a status service entry (its "files": cert, full
 * chain, or a database entry's server or client certificate), or NULL. */
const char *mcert_expiry_leaf_file(const json_t *service);

#endif
