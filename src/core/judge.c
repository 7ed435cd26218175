/* A bound certificate judged (judge.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "load.h"
#include "timefmt.h"
#include "verify.h"
#include "x509.h"

static json_t *
facts(X509 *x, time_t now)
{
	struct mcert_cert_info ci;
	char iso[64];
	json_t *o, *san;
	size_t i;

	if (mcert_cert_info(x, now, &ci, NULL) != MCERT_OK)
		return json_object();
	san = json_array();
	for (i = 0; i < ci.nsan; i++)
		json_array_append_new(san, json_string(ci.san[i].value));
	o = json_pack("{s:s, s:s, s:o, s:s, s:I, s:s}", "subject", ci.subject,
	    "issuer", ci.issuer, "san", san, "not_after",
	    mcert_time_iso(ci.not_after, iso, sizeof(iso)), "days_left",
	    (json_int_t)ci.days_left, "sha256", ci.sha256);
	mcert_cert_info_free(&ci);
	return o;
}

static enum mcert_role
role_of(int usage)
{
	if (usage == MCERT_USAGE_SERVER || usage == MCERT_USAGE_BOTH)
		return MCERT_ROLE_SERVER;
	if (usage == MCERT_USAGE_CLIENT)
		return MCERT_ROLE_CLIENT;
	return MCERT_ROLE_ANY;
}

/* Splits the certificates of both files into untrusted and anchors. */
static int
pools(struct mcert_file *const *f, size_t nf, struct mcert_cert **all,
    size_t *nall, struct mcert_cert **untrusted, size_t *nu,
    struct mcert_cert **anchors, size_t *na, struct mcert_error *err)
{
	size_t i;
	int r;

	for (i = 0; i < nf; i++)
		if (f[i] != NULL && (r = mcert_file_certs(f[i], all, nall,
		    err)) != MCERT_OK)
			return r;
	*untrusted = calloc(*nall + 1, sizeof(**untrusted));
	*anchors = calloc(*nall + 1, sizeof(**anchors));
	if (*untrusted == NULL || *anchors == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	for (i = 0; i < *nall; i++) {
		if (mcert_is_self_signed((*all)[i].x509) == 1)
			(*anchors)[(*na)++] = (*all)[i];
		else
			(*untrusted)[(*nu)++] = (*all)[i];
	}
	return MCERT_OK;
}

static json_t *
verdict(json_t *o, int ok, const char *why)
{
	json_object_set_new(o, "verified", json_boolean(ok));
	json_object_set_new(o, "why", why != NULL ? json_string(why) :
	    json_null());
	return o;
}

int
mcert_judge_bound(const unsigned char *leaf, size_t leaflen,
    const char *leafname, const unsigned char *chain, size_t chainlen,
    const char *chainname, int usage, time_t now, json_t **out,
    struct mcert_error *err)
{
	struct mcert_verify_opts vo = { role_of(usage), NULL, 1, now, -1,
	    NULL, 0 };
	struct mcert_cert *all = NULL, *untrusted = NULL, *anchors = NULL, lc;
	size_t nall = 0, nu = 0, na = 0, i;
	struct mcert_file *f[2] = { NULL, NULL };
	struct mcert_verify_result res = { 0 };
	struct mcert_error lerr = { 0 };
	const struct mcert_object *lo;
	json_t *o, *above;
	int r = MCERT_OK;

	*out = NULL;
	if (mcert_file_load_mem(leaf, leaflen, leafname, MCERT_LOAD_KEEP_LOCKED,
	    NULL, &f[0], &lerr) != MCERT_OK ||
	    (lo = mcert_file_first(f[0], MCERT_KIND_CERT)) == NULL) {
		*out = verdict(json_object(), 0, lerr.msg[0] != '\0' ? lerr.msg :
		    mcert_tr(N_("it holds no certificate")));
		goto out;
	}
	if (chain != NULL && mcert_file_load_mem(chain, chainlen, chainname,
	    MCERT_LOAD_KEEP_LOCKED, NULL, &f[1], &lerr) != MCERT_OK) {
		*out = verdict(facts(lo->cert, now), 0, lerr.msg);
		goto out;
	}
	if ((r = pools(f, 2, &all, &nall, &untrusted, &nu, &anchors, &na,
	    err)) != MCERT_OK)
		goto out;
	lc = (struct mcert_cert){ lo->cert, leafname, 1 };
	if ((r = mcert_verify(&lc, untrusted, nu, anchors, na, &vo, &res,
	    err)) != MCERT_OK)
		goto out;
	o = facts(lo->cert, now);
	above = json_array();
	for (i = 1; res.ok && i < res.nchain; i++)
		json_array_append_new(above, facts(res.chain[i].x509, now));
	json_object_set_new(o, "chain", above);
	*out = verdict(o, res.ok, res.ok ? NULL : res.findings.n > 0 ?
	    res.findings.v[0].text : mcert_tr(N_("the chain does not "
	    "verify")));
	mcert_verify_result_free(&res);
out:
	free(all);
	free(untrusted);
	free(anchors);
	mcert_file_free(f[0]);
	mcert_file_free(f[1]);
	if (r == MCERT_OK && *out == NULL)
		r = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return r;
}
