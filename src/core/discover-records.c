/* What discover writes besides the workspace's fields (discover-int.h):
 * "previous" and "bound", for a rollback, and "discovered", the
 * inventory that status and expiry show. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "discover-int.h"
#include "mmp.h"
#include "judge.h"
#include "timefmt.h"

/* "previous" (what to put back) and "bound" (the database's files). */
int
dv_records(struct dv *d, struct mcert_workspace *ws, struct mcert_error *err)
{
	const char *id;
	json_t *b;
	size_t i;
	int r;

	for (i = 0; i < d->nh; i++) {
		json_object_foreach(d->h[i].bindings, id, b)
			if ((r = mcert_ws_record_binding(ws, d->h[i].label, id,
			    b, err)) != MCERT_OK)
				return r;
		if (d->h[i].dbbound == NULL)
			continue;
		if ((r = mcert_ws_set_bound(ws, d->h[i].label,
		    d->h[i].dbservice, d->h[i].dbbound, err)) != MCERT_OK ||
		    (r = mcert_ws_record_binding(ws, d->h[i].label,
		    d->h[i].dbservice, d->h[i].dbbound, err)) != MCERT_OK)
			return r;
	}
	return MCERT_OK;
}

static json_t *
judged(const struct dv *d, const struct dv_file *leaf,
    const struct dv_file *chain, int usage)
{
	json_t *o = NULL;

	if (leaf == NULL || leaf->data == NULL)
		return json_null();
	if (mcert_judge_bound(leaf->data, leaf->len, leaf->name,
	    chain != NULL ? chain->data : NULL, chain != NULL ? chain->len : 0,
	    chain != NULL ? chain->name : NULL, usage, d->now, &o, NULL) !=
	    MCERT_OK)
		return json_null();
	return o;
}

static json_t *
inventory_host(const struct dv *d, struct dv_host *h)
{
	json_t *svcs = json_object(), *b, *files;
	const char *id;

	json_object_foreach(h->bindings, id, b) {
		const struct dv_leaf *l = dv_leaf(h, id);

		files = mcert_mmp_binding_files(b);
		if (json_object_size(files) == 0) {
			json_decref(files);
			continue;
		}
		json_object_set_new(svcs, id, json_pack("{s:o, s:o}", "files",
		    files, "certificate", l != NULL ? judged(d, l->file,
		    l->chain, l->s->role) : json_null()));
	}
	if (h->dbbound != NULL) {
		const char *leaf = json_string_value(json_object_get(
		    h->dbbound, "server_cert"));

		if (leaf == NULL)
			leaf = json_string_value(json_object_get(h->dbbound,
			    "client_cert"));
		json_object_set_new(svcs, h->dbservice, json_pack("{s:O, s:o}",
		    "files", h->dbbound, "certificate", judged(d, dv_file_get(h,
		    leaf), dv_file_get(h, json_string_value(json_object_get(
		    h->dbbound, "ca"))), -1)));
	}
	return json_pack("{s:s, s:s, s:s?, s:o, s:O}", "label", h->label,
	    "address", h->address, "hostname", h->hostname[0] != '\0' ?
	    h->hostname : NULL, "services", svcs, "database",
	    dv_in_cluster(h->db) ? h->db : json_null());
}

int
dv_inventory(const struct dv *d, struct mcert_workspace *ws,
    struct mcert_error *err)
{
	json_t *hosts = json_array(), *o;
	char iso[64];
	size_t i;

	for (i = 0; hosts != NULL && i < d->nh; i++)
		json_array_append_new(hosts, inventory_host(d, &d->h[i]));
	o = json_pack("{s:s, s:o}", "at", mcert_time_iso(d->now, iso,
	    sizeof(iso)), "hosts", hosts);
	if (o == NULL || json_object_set_new(ws->root, "discovered", o) != 0)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return MCERT_OK;
}

