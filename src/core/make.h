/* Making what a plan needs, in the workspace's folder: keys and CSRs for
 * every certificate, the database cluster's own CA and what it signs, what
 * a local CA signs when one is given (a lab, an internal CA on this
 * machine), and every bundle whose certificates are there.  Nothing that
 * exists is ever replaced; what still waits on the operator (a CSR to send
 * to a CA, a chain to import) is said, file by file. */
#ifndef MCERT_MAKE_H
#define MCERT_MAKE_H

#include "load.h"
#include "plan.h"
#include "verify.h"
#include "workspace.h"

struct mcert_make_opts {
	const char *dir;	/* the folder of the workspace's files */
	const char *ca;		/* a local CA's basename in dir or a path
				 * without its .crt/.key: signs the
				 * certificates meant for a public or internal
				 * CA; NULL: their CSRs wait for the operator */
	int days;		/* validity of what is signed; 0: 365 (CAs
				 * made here: 3650) */
	const struct mcert_passphrase *pp;	/* for the CA's key */
	/* Told each file made ("cms1.key"); may be NULL. */
	void (*made)(void *ctx, const char *file);
	void *ctx;
};

/* Makes what is missing.  findings gets a warning per file still waiting
 * on the operator, naming it and what to do; MCERT_OK then too.  An error
 * (a CA that cannot sign, a file that cannot be written) stops it. */
int mcert_make(const struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_make_opts *o, struct mcert_findings *findings,
    struct mcert_error *err);

#endif
