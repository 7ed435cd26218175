/* Rollback (rollback.h): a plan of the way back, made from the plan of
 * the renewal and what was bound before it, run by deploy as a replay. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mmp.h"
#include "rollback.h"

#define SERVICES_PHASE 0

struct back {
	struct mcert_plan p;
	size_t cap;
};

static int
add(struct back *bk, const struct mcert_plan_step *st, char *command,
    json_t *files)
{
	struct mcert_plan_step *grown, *n;

	if (command == NULL)
		return -1;
	if (bk->p.nsteps == bk->cap) {
		bk->cap = bk->cap * 2 + 16;
		if ((grown = realloc(bk->p.steps, bk->cap * sizeof(*grown))) ==
		    NULL) {
			free(command);
			json_decref(files);
			return -1;
		}
		bk->p.steps = grown;
	}
	n = &bk->p.steps[bk->p.nsteps++];
	*n = *st;
	n->command = command;
	n->files = files;
	n->seq = bk->p.nsteps;
	return 0;
}

/* One step of the way back: a bind of what was recorded, the others as
 * they are (an enable only when the service was enabled).  1 when added,
 * 0 when left out, -1 on no memory. */
static int
back_step(struct back *bk, const struct mcert_workspace *ws,
    const struct mcert_services *svc, const struct mcert_plan_step *st,
    const char *record)
{
	const struct mcert_service *s = mcert_service_get(svc, st->service);
	const json_t *b = mcert_ws_binding(ws, st->host, record);
	char *cmd, *missing = NULL;

	if (strcmp(st->what, "bind") != 0) {
		if (strcmp(st->what, "enable") == 0 && st->phase ==
		    SERVICES_PHASE && json_is_false(json_object_get(b,
		    "enabled")))
			return 0;
		return add(bk, st, strdup(st->command), NULL) == 0 ? 1 : -1;
	}
	if (s == NULL || b == NULL)
		return 0;
	cmd = mcert_mmp_fill(mcert_service_command(s, "bind"), b, &missing);
	free(missing);
	if (cmd == NULL)
		return 0;	/* nothing was bound before */
	return add(bk, st, cmd, mcert_mmp_binding_files(b)) == 0 ? 1 : -1;
}

static int
touched(const struct mcert_workspace *ws, const struct mcert_plan *plan,
    size_t first, size_t end)
{
	size_t i;

	for (i = first; i < end; i++)
		if (mcert_deploy_step_done(ws, plan, i))
			return 1;
	return 0;
}

/* A service group goes back when one of its steps ran and something was
 * bound before. */
static int
back_group(struct back *bk, const struct mcert_workspace *ws,
    const struct mcert_services *svc, const struct mcert_plan *plan,
    size_t first, size_t end)
{
	size_t i, mark = bk->p.nsteps, binds = 0;
	int r;

	if (!touched(ws, plan, first, end))
		return 0;
	for (i = first; i < end; i++) {
		if ((r = back_step(bk, ws, svc, &plan->steps[i],
		    plan->steps[i].service)) < 0)
			return -1;
		binds += r > 0 && strcmp(plan->steps[i].what, "bind") == 0;
	}
	if (binds == 0)
		while (bk->p.nsteps > mark) {	/* nothing to put back */
			bk->p.nsteps--;
			free(bk->p.steps[bk->p.nsteps].command);
			json_decref(bk->p.steps[bk->p.nsteps].files);
		}
	return 0;
}

/* The database cluster goes back whole, when any of its steps ran: every
 * node's earlier certificates are needed. */
static int
back_database(struct back *bk, const struct mcert_workspace *ws,
    const struct mcert_services *svc, const struct mcert_plan *plan,
    const char *only_host, struct mcert_error *err)
{
	const struct mcert_plan_step *st;
	size_t i;
	int any = 0, r;

	for (i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].phase != SERVICES_PHASE &&
		    mcert_deploy_step_done(ws, plan, i))
			any = 1;
	if (!any)
		return MCERT_OK;
	if (only_host != NULL)
		return mcert_error_set(err, MCERT_E_INVALID, N_("the database "
		    "cluster was changed, so it goes back on every node at "
		    "once: roll back without --host"));
	for (i = 0; i < plan->nsteps; i++) {
		st = &plan->steps[i];
		if (st->phase == SERVICES_PHASE)
			continue;
		if ((r = back_step(bk, ws, svc, st, st->service)) < 0)
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
		if (r == 0 && strcmp(st->what, "bind") == 0)
			return mcert_error_set(err, MCERT_E_INVALID, N_("%s: "
			    "the database certificates bound before this "
			    "renewal are not recorded, so the cluster cannot "
			    "be put back on them; run deploy again to finish "
			    "the renewal instead"), st->host);
	}
	return MCERT_OK;
}

static void
back_free(struct back *bk)
{
	size_t i;

	for (i = 0; i < bk->p.nsteps; i++) {
		free(bk->p.steps[i].command);
		json_decref(bk->p.steps[i].files);
	}
	free(bk->p.steps);
	json_decref(bk->p.files);
}

static int
has_database(const struct back *bk)
{
	size_t i;

	for (i = 0; i < bk->p.nsteps; i++)
		if (bk->p.steps[i].phase != SERVICES_PHASE)
			return 1;
	return 0;
}

int
mcert_rollback(struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_services *svc, const struct mcert_deploy_opts *o,
    struct mcert_deploy_result *r, int *nothing, struct mcert_error *err)
{
	struct mcert_deploy_opts ro = *o;
	struct back bk;
	size_t i, end, k;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&bk, 0, sizeof(bk));
	*nothing = 0;
	if ((bk.p.files = json_object()) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	for (i = 0; i < plan->nsteps; i = end) {
		end = mcert_plan_group_end(plan, svc, i);
		if (plan->steps[i].phase != SERVICES_PHASE ||
		    (o->only_host != NULL && strcmp(o->only_host,
		    plan->steps[i].host) != 0))
			continue;
		if (back_group(&bk, ws, svc, plan, i, end) != 0) {
			ret = mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
			goto out;
		}
	}
	if ((ret = back_database(&bk, ws, svc, plan, o->only_host, err)) !=
	    MCERT_OK)
		goto out;
	if (bk.p.nsteps == 0) {
		*nothing = 1;
		ret = MCERT_OK;
		goto out;
	}
	if (has_database(&bk) && !o->db_confirmed) {
		r->need_db_confirm = 1;
		ret = mcert_error_set(err, MCERT_E_INVALID, N_("putting the "
		    "database cluster back on its earlier certificates removes "
		    "every node and builds the cluster again, so the database "
		    "is down until all nodes connect (guide §5.3): confirm that "
		    "first"));
		goto out;
	}
	ro.replay = 1;
	ro.probe = 0;
	ro.no_database = 0;
	ret = mcert_deploy(ws, &bk.p, svc, &ro, r, err);
	if (ret != MCERT_OK || o->dry_run)
		goto out;
	for (k = 0; k < ws->nhosts; k++)
		for (i = 0; i < bk.p.nsteps; i++)
			if (strcmp(bk.p.steps[i].host, ws->hosts[k].label) ==
			    0) {
				mcert_ws_forget_steps(ws, ws->hosts[k].label,
				    ws->generation);
				break;
			}
	if (o->ws_path != NULL)
		ret = mcert_ws_save(ws, o->ws_path, err);
out:
	back_free(&bk);
	return ret;
}
