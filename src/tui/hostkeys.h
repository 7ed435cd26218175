/* The SSH host keys of the hosts a screen is about to reach (Bind, and
 * Keys for a key made on its server), learnt before anything is done
 * there: every host is connected to at once, no key accepted and nothing
 * asked; a changed key is refused; an unknown one is shown with its
 * fingerprint and asked about (y/n).  The fingerprints trusted go to
 * mcert_ssh_opts.accept_fingerprint: the next connection to the host adds
 * its key to the wizard's known_hosts. */
#ifndef MCERT_HOSTKEYS_H
#define MCERT_HOSTKEYS_H

#include <stddef.h>

#include "ssh.h"
#include "workspace.h"

struct wiz_job;

enum hkey { KEY_UNSEEN, KEY_KNOWN, KEY_UNKNOWN, KEY_CHANGED };

struct hostkey {
	char label[64];
	char address[300];	/* as the question names it */
	struct mcert_ssh_opts so;	/* how it is reached (strings
					 * borrowed) */
	enum hkey key;
	char fp[128];		/* the SHA256:... fingerprint asked about */
	char why[1024];		/* a changed key: the refusal, label first */
};

struct hostkeys {
	struct hostkey *v;
	size_t n;
	size_t asking;		/* the host asked about; n: none */
	char accept[4096];	/* the fingerprints trusted, comma-separated */
};

/* Adds workspace host h, reached as base says (known_hosts, identity,
 * config) at h's address, port and user: 0, or -1 out of memory.  base's
 * strings and h's must outlive hk. */
int hostkeys_add(struct hostkeys *hk, const struct mcert_ws_host *h,
    const struct mcert_ssh_opts *base);
/* Empties hk (it may be filled again). */
void hostkeys_free(struct hostkeys *hk);

/* From a job's thread: connects to every host of hk at once, accepting no
 * key and asking nothing, and posts a line per host for hostkeys_line.
 * hk must not change until the job has finished. */
void hostkeys_check(struct wiz_job *job, const struct hostkeys *hk);

/* On the UI thread, a line the job posted: 1 when it was the check's (it
 * is then taken into hk), 0 for another's (left as it was). */
int hostkeys_line(struct hostkeys *hk, const char *line);

/* Once the check has finished: how many keys CHANGED (each one's why
 * says so); hk->asking is the first unknown key, or n when none is. */
size_t hostkeys_known(struct hostkeys *hk);

/* The operator's answer about hk->asking.  Yes trusts its key and moves
 * on to the next unknown one: 1 when there is one to ask about, 0 when
 * every key is answered.  No (or no room for one more): -1, hk->asking
 * left on the host refused. */
int hostkeys_answer(struct hostkeys *hk, int yes);

/* Draws the question about hk->asking from row, width columns: the host,
 * its fingerprint, what to compare it with, and the keys that answer.
 * Returns the rows used. */
int hostkeys_draw(const struct hostkeys *hk, int row, int width);

#endif
