/* Rollback: every service a renewal has touched put back on the files it
 * had bound before the renewal began (the workspace's "previous", read
 * from the status screens before anything was changed, and "bound" for the
 * database cluster), with the same care as deploy: one host at a time,
 * each file checked on the server first, the database cluster's phases
 * only when confirmed. */
#ifndef MCERT_ROLLBACK_H
#define MCERT_ROLLBACK_H

#include "deploy.h"

/* Runs the way back for the workspace's generation (of o->only_host, when
 * given).  Only what this generation changed is put back: a service whose
 * steps are not recorded done is left alone, and the database cluster is
 * rebuilt on its earlier certificates only when one of its steps ran.
 * When it succeeds, the generation's steps on those hosts are forgotten,
 * so a later deploy binds the new files again.  o->dir, o->ws_path,
 * o->ssh, o->progress as for deploy; o->replay and o->probe are set
 * here.  *nothing is 1 when there was nothing to put back.  Returns as
 * mcert_deploy does. */
int mcert_rollback(struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_services *svc, const struct mcert_deploy_opts *o,
    struct mcert_deploy_result *r, int *nothing, struct mcert_error *err);

#endif
