/* The workspaces opened lately, newest first, in
 * $XDG_STATE_HOME/meetcert/recent (~/.local/state/meetcert/recent). */
#ifndef MCERT_RECENT_H
#define MCERT_RECENT_H

#include <stddef.h>

/* Puts path first (made absolute); silently does nothing on failure. */
void recent_add(const char *path);
/* Up to max paths that still exist; caller frees each and the array. */
char **recent_list(size_t max, size_t *n);

#endif
