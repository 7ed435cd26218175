/* Making what a plan needs (make.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "ca.h"
#include "csr.h"
#include "files.h"
#include "keygen.h"
#include "make.h"

struct maker {
	const struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_make_opts *o;
	struct mcert_findings *findings;
	struct mcert_error *err;
	struct mcert_file **files;	/* loaded, freed at the end */
	size_t nfiles;
	struct mcert_cert *pool;	/* CA certificates, for chains */
	size_t npool;
};

static char *
path_of(const struct maker *m, const char *name, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", m->o->dir, name, ext) == -1)
		return NULL;
	return p;
}

static void
made(const struct maker *m, const char *name, const char *ext)
{
	char file[512];

	if (m->o->made == NULL)
		return;
	snprintf(file, sizeof(file), "%s%s", name, ext);
	m->o->made(m->o->ctx, file);
}

/* Loads path and keeps it until the end; NULL with err set. */
static struct mcert_file *
load(struct maker *m, const char *path)
{
	struct mcert_file *f = NULL, **grown;

	if ((grown = realloc(m->files, (m->nfiles + 1) * sizeof(*grown))) ==
	    NULL) {
		mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
		return NULL;
	}
	m->files = grown;
	if (mcert_file_load(path, 0, m->o->pp, &f, m->err) != MCERT_OK)
		return NULL;
	m->files[m->nfiles++] = f;
	return f;
}

static int
pool_add(struct maker *m, const struct mcert_file *f)
{
	return mcert_file_certs(f, &m->pool, &m->npool, m->err);
}

/* A key and a CSR, or (self) a key and a self-signed certificate. */
static int
make_key(struct maker *m, const struct mcert_plan_cert *c, int self)
{
	struct mcert_sign_opts so = { c->usage, m->o->days, 0 };
	struct mcert_subject s;
	char **names = calloc(json_array_size(c->san) + 2, sizeof(char *));
	char *key = path_of(m, c->name, ".key");
	char *out = path_of(m, c->name, self ? ".crt" : ".csr");
	EVP_PKEY *k = NULL;
	X509_REQ *req = NULL;
	X509 *x = NULL;
	int r;

	if (names == NULL || key == NULL || out == NULL) {
		r = mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	mcert_plan_cert_subject(c, &s, names);
	if (so.days == 0)
		so.days = c->usage == MCERT_USAGE_CA ? 3650 : 365;
	/* Checked before the key is made: nothing half-done is left. */
	if (mcert_path_exists(out)) {
		r = mcert_error_exists(out, m->err);
		goto out;
	}
	if ((r = mcert_key_generate(m->ws->keytype, &k, m->err)) != MCERT_OK ||
	    (r = self ? mcert_ca_selfsign(k, &s, &so, &x, m->err) :
	    mcert_csr_build(k, &s, 1, &req, m->err)) != MCERT_OK ||
	    (r = mcert_key_write(key, k, m->err)) != MCERT_OK)
		goto out;
	made(m, c->name, ".key");
	if ((r = self ? mcert_cert_write(out, x, m->err) :
	    mcert_csr_write(out, req, m->err)) == MCERT_OK)
		made(m, c->name, self ? ".crt" : ".csr");
out:
	EVP_PKEY_free(k);
	X509_REQ_free(req);
	X509_free(x);
	free(names);
	free(key);
	free(out);
	return r;
}

/* Signs c's CSR with the CA at base (path without .crt/.key). */
static int
sign(struct maker *m, const struct mcert_plan_cert *c, const char *base)
{
	struct mcert_sign_opts so = { c->usage, m->o->days ? m->o->days : 365,
	    0 };
	char *csr = path_of(m, c->name, ".csr"), *crt = path_of(m, c->name,
	    ".crt"), cap[4096], kp[4096];
	const struct mcert_object *ro, *co, *ko;
	struct mcert_file *rf, *cf, *kf;
	X509 *x = NULL;
	int r;

	snprintf(cap, sizeof(cap), "%s.crt", base);
	snprintf(kp, sizeof(kp), "%s.key", base);
	if (csr == NULL || crt == NULL) {
		r = mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if ((rf = load(m, csr)) == NULL || (cf = load(m, cap)) == NULL ||
	    (kf = load(m, kp)) == NULL) {
		r = m->err->code;
		goto out;
	}
	ro = mcert_file_first(rf, MCERT_KIND_CSR);
	co = mcert_file_first(cf, MCERT_KIND_CERT);
	ko = mcert_file_first(kf, MCERT_KIND_KEY);
	if (ro == NULL || co == NULL || ko == NULL) {
		r = mcert_error_set(m->err, MCERT_E_PARSE, N_("%s, %s or %s "
		    "does not hold what it should"), csr, cap, kp);
		goto out;
	}
	if ((r = mcert_ca_sign(ro->csr, co->cert, ko->key, &so, &x,
	    m->err)) != MCERT_OK ||
	    (r = mcert_cert_write(crt, x, m->err)) != MCERT_OK)
		goto out;
	made(m, c->name, ".crt");
	r = pool_add(m, cf);
out:
	X509_free(x);
	free(csr);
	free(crt);
	return r;
}

/* The CA that signs c here, as a path without extension; NULL when the
 * operator's CA does. */
static char *
signer(const struct maker *m, const struct mcert_plan_cert *c)
{
	size_t i;

	if (strcmp(c->ca, "dedicated") == 0) {
		for (i = 0; i < m->plan->ncerts; i++)
			if (m->plan->certs[i].usage == MCERT_USAGE_CA)
				return path_of(m, m->plan->certs[i].name, "");
		return NULL;
	}
	if (m->o->ca == NULL)
		return NULL;
	if (strchr(m->o->ca, '/') != NULL)
		return strdup(m->o->ca);
	return path_of(m, m->o->ca, "");
}

static int
csr_here(const struct maker *m, const struct mcert_plan_cert *c)
{
	char *csr = path_of(m, c->name, ".csr");
	int here = csr != NULL && mcert_path_exists(csr);

	free(csr);
	return here;
}

static int
make_cert(struct maker *m, const struct mcert_plan_cert *c)
{
	char *crt = path_of(m, c->name, ".crt"), *key = path_of(m, c->name,
	    ".key"), *base = NULL;
	int r = MCERT_OK, self = strcmp(c->ca, "self") == 0;

	if (crt == NULL || key == NULL) {
		r = mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if (mcert_path_exists(crt))
		goto out;	/* signed and imported already */
	/* a CSR without its key here: the key was made on the server (pki
	 * csr), and only the CSR came back */
	if (!mcert_path_exists(key) && (self || !csr_here(m, c)) &&
	    (r = make_key(m, c, self)) != MCERT_OK)
		goto out;
	if (self) {
		if (!mcert_path_exists(crt))
			mcert_findings_add(m->findings, MCERT_LEVEL_WARNING,
			    N_("%s exists without %s.crt: make the "
			    "certificate from it, or move the key away"), key,
			    c->name);
		goto out;
	}
	if ((base = signer(m, c)) != NULL)
		r = sign(m, c, base);
	else
		mcert_findings_add(m->findings, MCERT_LEVEL_WARNING,
		    N_("%s.csr waits for your CA (%s): send it, then put what "
		    "comes back in %s as %s.crt (meetcert split separates the "
		    "chain into %s-bundle.pem)"), c->name, c->ca, m->o->dir,
		    c->name, c->name);
out:
	free(base);
	free(crt);
	free(key);
	return r;
}

/* ---- bundles */

/* The certificate in name.crt, or NULL (a finding says what waits). */
static const struct mcert_object *
leaf_of(struct maker *m, const char *name, const char *bundle)
{
	char *crt = path_of(m, name, ".crt");
	struct mcert_file *f;
	const struct mcert_object *o = NULL;

	if (crt != NULL && !mcert_path_exists(crt))
		mcert_findings_add(m->findings, MCERT_LEVEL_WARNING,
		    N_("%s waits for %s.crt"), bundle, name);
	else if (crt != NULL && (f = load(m, crt)) != NULL)
		o = mcert_file_first(f, MCERT_KIND_CERT);
	free(crt);
	return o;
}

/* The chain of name: its certificate, then its issuers to the root,
 * from name-bundle.pem when the operator imported one, else the CAs
 * known here. */
static int
chain_of(struct maker *m, const char *name, const char *bundle,
    struct mcert_cert **chain, size_t *n)
{
	const struct mcert_object *leaf = leaf_of(m, name, bundle);
	char *issuers = path_of(m, name, "-bundle.pem");
	struct mcert_cert lc;
	struct mcert_file *f;
	int complete = 0, r;

	*chain = NULL;
	*n = 0;
	if (leaf == NULL || issuers == NULL) {
		free(issuers);
		return leaf == NULL && m->err->code == 0 ? MCERT_OK :
		    m->err->code;
	}
	if (mcert_path_exists(issuers) && strcmp(strrchr(issuers, '/') + 1,
	    bundle) != 0 && ((f = load(m, issuers)) == NULL ||
	    pool_add(m, f) != MCERT_OK)) {
		free(issuers);
		return m->err->code;
	}
	free(issuers);
	lc = (struct mcert_cert){ leaf->cert, name, 1 };
	if ((r = mcert_chain_order(&lc, m->pool, m->npool, chain, n,
	    &complete, m->err)) != MCERT_OK)
		return r;
	if (!complete) {
		mcert_findings_add(m->findings, MCERT_LEVEL_WARNING,
		    N_("%s waits for the issuers of %s.crt up to the root: put "
		    "them in %s-bundle.pem (meetcert split)"), bundle, name,
		    name);
		free(*chain);
		*chain = NULL;
		*n = 0;
	}
	return MCERT_OK;
}

static int
make_bundle(struct maker *m, const char *file, const char *kind,
    json_t *certs)
{
	struct mcert_cert *chain = NULL, *list = NULL;
	const struct mcert_object *o;
	char *path = path_of(m, file, "");
	size_t n = 0, i;
	json_t *v;
	int r = MCERT_OK, issuers_only = 0;

	if (path == NULL)
		return mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
	if (mcert_path_exists(path))
		goto out;
	if (strncmp(kind, "trust", 5) == 0 && json_array_size(certs) == 0) {
		/* SIP and LDAP trust: the CAs of the other side, which the
		 * operator supplies */
		mcert_findings_add(m->findings, MCERT_LEVEL_WARNING,
		    N_("%s: no certificate of this deployment goes in it; "
		    "put in the CA certificates of the servers it is to "
		    "trust (SIP or LDAP peers, other web bridges), one after "
		    "the other"), path);
		goto out;
	}
	if (strncmp(kind, "trust", 5) == 0) {
		/* An allowed list: each certificate named (guide §4.4.1). */
		if ((list = calloc(json_array_size(certs) + 1,
		    sizeof(*list))) == NULL)
			goto nomem;
		json_array_foreach(certs, i, v) {
			if ((o = leaf_of(m, json_string_value(v), file)) ==
			    NULL)
				goto out;
			list[n++] = (struct mcert_cert){ o->cert, file, 1 };
		}
		r = mcert_bundle_write(path, list, n, m->err);
	} else {
		issuers_only = strncmp(kind, "fullchain", 9) != 0;
		if ((r = chain_of(m, json_string_value(json_array_get(certs, 0)),
		    file, &chain, &n)) != MCERT_OK || chain == NULL)
			goto out;
		r = mcert_bundle_write(path, chain + issuers_only,
		    n - (size_t)issuers_only, m->err);
	}
	if (r == MCERT_OK)
		made(m, file, "");
	goto out;
nomem:
	r = mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
out:
	free(chain);
	free(list);
	free(path);
	return r;
}

/* The CAs known here, for chains: the given CA's file and every CA of
 * the plan. */
static int
fill_pool(struct maker *m)
{
	struct mcert_file *f;
	char *p;
	size_t i;

	for (i = 0; i < m->plan->ncerts; i++) {
		if (m->plan->certs[i].usage != MCERT_USAGE_CA)
			continue;
		if ((p = path_of(m, m->plan->certs[i].name, ".crt")) == NULL)
			return mcert_error_set(m->err, MCERT_E_NOMEM,
			    N_("out of memory"));
		f = mcert_path_exists(p) ? load(m, p) : NULL;
		free(p);
		if (f != NULL && pool_add(m, f) != MCERT_OK)
			return m->err->code;
	}
	if (m->o->ca == NULL)
		return MCERT_OK;
	p = strchr(m->o->ca, '/') != NULL ? strdup(m->o->ca) :
	    path_of(m, m->o->ca, "");
	if (p == NULL)
		return mcert_error_set(m->err, MCERT_E_NOMEM, N_("out of memory"));
	{
		char crt[4096];

		snprintf(crt, sizeof(crt), "%s.crt", p);
		free(p);
		if ((f = load(m, crt)) == NULL || pool_add(m, f) != MCERT_OK)
			return m->err->code;
	}
	return MCERT_OK;
}

int
mcert_make(const struct mcert_workspace *ws, const struct mcert_plan *plan,
    const struct mcert_make_opts *o, struct mcert_findings *findings,
    struct mcert_error *err)
{
	struct maker m = { ws, plan, o, findings, err, NULL, 0, NULL, 0 };
	const char *file;
	json_t *b;
	size_t i;
	int r = MCERT_OK;

	err->code = 0;
	err->msg[0] = '\0';
	/* CAs first: what they sign comes after. */
	for (i = 0; i < plan->ncerts && r == MCERT_OK; i++)
		if (plan->certs[i].usage == MCERT_USAGE_CA)
			r = make_cert(&m, &plan->certs[i]);
	if (r == MCERT_OK)
		r = fill_pool(&m);
	for (i = 0; i < plan->ncerts && r == MCERT_OK; i++)
		if (plan->certs[i].usage != MCERT_USAGE_CA)
			r = make_cert(&m, &plan->certs[i]);
	json_object_foreach(plan->bundles, file, b) {
		if (r != MCERT_OK)
			break;
		r = make_bundle(&m, file, json_string_value(json_object_get(b,
		    "kind")), json_object_get(b, "certificates"));
	}
	for (i = 0; i < m.nfiles; i++)
		mcert_file_free(m.files[i]);
	free(m.files);
	free(m.pool);
	return r;
}
