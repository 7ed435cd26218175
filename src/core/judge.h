/* A bound certificate judged as the server would use it: the files a
 * service names (read from the server), the certificate's facts and its
 * chain verified like `meetcert verify`.  Shared by `meetcert status`, the
 * validation screen and renewal. */
#ifndef MCERT_JUDGE_H
#define MCERT_JUDGE_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "ca.h"
#include "error.h"

/* leaf: the certificate file (or a full chain, leaf first); chain: the
 * bundle bound with it, or NULL.  The anchors are the self-signed
 * certificates among them (the guide's bundles end with the root).  usage
 * is the service's (-1: none checked).  *out: {"subject", "issuer", "san":
 * [...], "not_after" (ISO 8601), "days_left", "sha256" (hex with colons,
 * as a probe shows it), "verified": bool, "why":
 * text|null, "chain": [{"subject", "not_after", "days_left"}] (above the
 * leaf)}.  Unreadable files give MCERT_OK with verified false and why. */
int mcert_judge_bound(const unsigned char *leaf, size_t leaflen,
    const char *leafname, const unsigned char *chain, size_t chainlen,
    const char *chainname, int usage, time_t now, json_t **out,
    struct mcert_error *err);

#endif
