/* Inside the plan: certificates (plan-certs.c), files, bundles and steps
 * (plan-steps.c), checks and the result (plan.c). */
#ifndef MCERT_PLAN_INT_H
#define MCERT_PLAN_INT_H

#include "plan.h"

/* Steps of one phase finish on every host before the next phase: the
 * services first, then the database cluster (guide §4, App. A.5). */
enum {
	PHASE_SERVICES,
	PHASE_DB_REMOVE,
	PHASE_DB_CERTS,
	PHASE_DB_INITIALIZE,
	PHASE_DB_JOIN,
	PHASE_DB_CONNECT,
	PHASE_DB_STATUS,
};

struct builder {
	const struct mcert_workspace *ws;
	const struct mcert_services *svc;
	struct mcert_plan *p;
	int nomem;
};


/* Whether service s runs on host h in this workspace. */
int plan_active(const struct builder *b, const struct mcert_service *s,
    const struct mcert_ws_host *h);

/* base + suffix + "." + ext. */
char *plan_fname(const struct builder *b, const char *base,
    const char *suffix, const char *ext);

/* base with the workspace's generation ("cms1a", "cms1a-g2"). */
char *plan_gen(const struct builder *b, const char *base);

/* Appends s to arr unless it is there (case-insensitively). */
void plan_add_unique(json_t *arr, const char *s);

/* The certificate that service s uses on host h, by the layout. */
char *plan_cert_name(const struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s);

void plan_add_service_cert(struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s);
void plan_add_db_certs(struct builder *b);
void plan_bind_service(struct builder *b, const struct mcert_ws_host *h,
    const struct mcert_service *s);
void plan_bind_database(struct builder *b, const struct mcert_service *node,
    const struct mcert_service *conn);

#endif
