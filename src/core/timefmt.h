/* Times as the CLI and the workspace write them (ISO 8601, UTC), and the
 * monotonic clock the remote layer waits by. */
#ifndef MCERT_TIMEFMT_H
#define MCERT_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* Parses "2026-01-31", "2026-01-31T12:00:00Z", "2026-01-31 12:00",
 * "2026-01-31T12:00:00.5+01:00".  Returns 0 and sets *out, or -1. */
int mcert_time_parse(const char *s, time_t *out);

/* "2026-01-31T12:00:00Z" into buf (at least 21 bytes). */
char *mcert_time_iso(time_t t, char *buf, size_t sz);

/* Milliseconds of the monotonic clock (for deadlines, not dates). */
long mcert_now_ms(void);

/* Sleeps ms milliseconds, a signal notwithstanding. */
void mcert_sleep_ms(long ms);

#endif
