/* Importing what a CA returned (import.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bundle.h"
#include "files.h"
#include "import.h"
#include "load.h"
#include "x509.h"

/* The public key each plan certificate must carry, from its key or CSR. */
struct wanted {
	EVP_PKEY *pub;		/* borrowed from f; NULL: nothing in dir */
	struct mcert_file *f;
	enum mcert_import_match by;
};

static char *
path_of(const char *dir, const char *name, const char *ext)
{
	char *p;

	return asprintf(&p, "%s/%s%s", dir, name, ext) == -1 ? NULL : p;
}

/* NAME.key when it opens without a passphrase, else NAME.csr. */
static int
want_one(const char *dir, const struct mcert_plan_cert *c, struct wanted *w)
{
	struct mcert_error ignored = { 0 };
	const struct mcert_object *o;
	char *key = path_of(dir, c->name, ".key");
	char *csr = path_of(dir, c->name, ".csr");

	memset(w, 0, sizeof(*w));
	if (key == NULL || csr == NULL) {
		free(key);
		free(csr);
		return MCERT_E_NOMEM;
	}
	/* A damaged or locked key is passed over for the CSR: importing
	 * needs only the public half. */
	if (mcert_path_exists(key) && mcert_file_load(key,
	    MCERT_LOAD_KEEP_LOCKED, NULL, &w->f, &ignored) == MCERT_OK) {
		if ((o = mcert_file_first(w->f, MCERT_KIND_KEY)) != NULL &&
		    o->key != NULL) {
			w->pub = o->key;
			w->by = MCERT_IMPORT_BY_KEY;
		} else {
			mcert_file_free(w->f);
			w->f = NULL;
		}
	}
	if (w->pub == NULL && mcert_path_exists(csr) && mcert_file_load(csr,
	    MCERT_LOAD_KEEP_LOCKED, NULL, &w->f, &ignored) == MCERT_OK) {
		if ((o = mcert_file_first(w->f, MCERT_KIND_CSR)) != NULL &&
		    (w->pub = X509_REQ_get0_pubkey(o->csr)) != NULL)
			w->by = MCERT_IMPORT_BY_CSR;
		else {
			mcert_file_free(w->f);
			w->f = NULL;
		}
	}
	mcert_openssl_clear();
	free(key);
	free(csr);
	return MCERT_OK;
}

/* "CN=a; CN=b; ..." of certs, for messages. */
static void
subjects(const struct mcert_cert *certs, size_t n, char *buf, size_t sz)
{
	size_t i, o = 0;
	char *s;

	buf[0] = '\0';
	for (i = 0; i < n && o + 1 < sz; i++) {
		s = mcert_name_oneline(X509_get_subject_name(certs[i].x509));
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", i ? "; " : "",
		    s != NULL ? s : "?");
		free(s);
	}
	if (o >= sz && sz > 4)
		memcpy(buf + sz - 4, "...", 4);
}

static void
plan_names(const struct mcert_plan *plan, const struct wanted *w,
    char *buf, size_t sz)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < plan->ncerts && o + 1 < sz; i++)
		if (w[i].pub != NULL)
			o += (size_t)snprintf(buf + o, sz - o, "%s%s",
			    o ? ", " : "", plan->certs[i].name);
}

/* What a file without certificates holds, for the refusal. */
static const char *
holds(const struct mcert_file *f)
{
	if (f->nkey > 0 && f->ncsr == 0)
		return N_("a private key");
	if (f->ncsr > 0)
		return N_("a certificate request: send it to the CA, then "
		    "import what the CA returns");
	if (f->ncrl > 0)
		return N_("a revocation list");
	return N_("nothing that is a certificate");
}

/* Finds the one leaf of the file that a plan key certifies. */
static int
match(const struct mcert_plan *plan, const struct wanted *w,
    const struct mcert_cert *certs, size_t n, const char *name,
    const char *dir, size_t *leaf, size_t *which, struct mcert_error *err)
{
	char held[512], names[512], a[256], b[256];
	int found = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		EVP_PKEY *pub = X509_get0_pubkey(certs[i].x509);

		for (k = 0; pub != NULL && k < plan->ncerts; k++) {
			if (w[k].pub == NULL || !mcert_key_matches(w[k].pub,
			    pub))
				continue;
			if (!found) {
				*leaf = i;
				*which = k;
				found = 1;
				continue;
			}
			/* The same certificate twice is one certificate. */
			if (X509_cmp(certs[*leaf].x509, certs[i].x509) == 0)
				continue;
			subjects(&certs[*leaf], 1, a, sizeof(a));
			subjects(&certs[i], 1, b, sizeof(b));
			if (k == *which)
				return mcert_error_set(err, MCERT_E_VERDICT,
				    N_("%s holds 2 certificates for the key of "
				    "%s (%s; %s): keep the one to use in a "
				    "file of its own and import that"), name,
				    plan->certs[k].name, a, b);
			return mcert_error_set(err, MCERT_E_VERDICT,
			    N_("%s holds certificates for %s (%s) and %s (%s): "
			    "import them one file at a time"), name,
			    plan->certs[*which].name, a, plan->certs[k].name,
			    b);
		}
	}
	if (found)
		return MCERT_OK;
	plan_names(plan, w, names, sizeof(names));
	subjects(certs, n, held, sizeof(held));
	if (names[0] == '\0')
		return mcert_error_set(err, MCERT_E_VERDICT,
		    N_("%s: no key or CSR of the plan is in %s yet, so nothing "
		    "can match it (it holds %s): make the keys and CSRs "
		    "first"), name, dir, held);
	return mcert_error_set(err, MCERT_E_VERDICT,
	    N_("%s matches none of the plan's keys in %s (%s): it holds %s; "
	    "import the certificate the CA issued for one of those CSRs"),
	    name, dir, names, held);
}

/* Whether the certificates of path are exactly want[0..n-1]: 1 yes, 0 no,
 * -1 when path cannot be read (err set). */
static int
same_certs(const char *path, const struct mcert_cert *want, size_t n,
    struct mcert_error *err)
{
	struct mcert_file *f = NULL;
	struct mcert_cert *have = NULL;
	size_t nhave = 0, i;
	int same;

	if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f, err) !=
	    MCERT_OK)
		return -1;
	if (mcert_file_certs(f, &have, &nhave, err) != MCERT_OK) {
		mcert_file_free(f);
		return -1;
	}
	same = nhave == n;
	for (i = 0; same && i < n; i++)
		same = X509_cmp(have[i].x509, want[i].x509) == 0;
	free(have);
	mcert_file_free(f);
	return same;
}

/* Warnings: names the plan wants that the certificate lacks (guide
 * §3.1), certificates of the file outside the leaf's chain, validity. */
static void
warn(const struct mcert_plan_cert *c, const struct mcert_cert *certs,
    size_t n, const struct mcert_cert *chain, size_t nchain,
    const char *name, struct mcert_import_result *r)
{
	struct mcert_cert_info ci;
	char missing[512], d[256];
	size_t i, k, o = 0;
	json_t *v;

	missing[0] = '\0';
	if (mcert_cert_info(chain[0].x509, time(NULL), &ci, NULL) ==
	    MCERT_OK) {
		json_array_foreach(c->san, i, v) {
			const char *want = json_string_value(v);
			int have = 0;

			for (k = 0; k < ci.nsan && !have; k++)
				have = strcasecmp(ci.san[k].value, want) == 0;
			if (!have && o + 1 < sizeof(missing))
				o += (size_t)snprintf(missing + o,
				    sizeof(missing) - o, "%s%s", o ? ", " :
				    "", want);
		}
		mcert_cert_info_free(&ci);
	}
	if (missing[0] != '\0')
		mcert_findings_add(&r->findings, MCERT_LEVEL_WARNING,
		    N_("the certificate for %s lacks %s in its subjectAltName, "
		    "which the plan puts there (guide §3.1): the CA dropped "
		    "them; clients reaching it by those names will refuse it"),
		    c->name, missing);
	for (i = 0; i < n; i++) {
		for (k = 0; k < nchain; k++)
			if (X509_cmp(certs[i].x509, chain[k].x509) == 0)
				break;
		if (k < nchain)
			continue;
		subjects(&certs[i], 1, d, sizeof(d));
		mcert_findings_add(&r->findings, MCERT_LEVEL_WARNING,
		    N_("%s #%d (%s) is not in the chain of %s's certificate; "
		    "left out"), name, certs[i].index, d, c->name);
	}
	mcert_bundle_validity_findings(chain, nchain, time(NULL),
	    &r->findings);
}

static void
warn_chain(const struct mcert_plan_cert *c, const struct mcert_cert *chain,
    size_t nchain, int bundle_exists, const char *name,
    struct mcert_import_result *r)
{
	char *issuer;

	if (r->complete || bundle_exists)
		return;
	issuer = mcert_name_oneline(X509_get_issuer_name(
	    chain[nchain - 1].x509));
	if (nchain == 1)
		mcert_findings_add(&r->findings, MCERT_LEVEL_WARNING,
		    N_("%s holds no issuer of %s's certificate: %s-bundle.pem "
		    "waits for the CA's chain; import a file with the "
		    "certificate and its issuers up to the root (\"%s\" "
		    "first)"), name, c->name, c->name,
		    issuer != NULL ? issuer : "?");
	else
		mcert_findings_add(&r->findings, MCERT_LEVEL_WARNING,
		    N_("the chain in %s ends below its root: the certificate "
		    "of \"%s\" is missing, so %s-bundle.pem was not written "
		    "(guide §1.2.4: root last); import a file with the "
		    "certificate and all its issuers up to the root"), name,
		    issuer != NULL ? issuer : "?", c->name);
	free(issuer);
}

/* Every check before any write: an existing file may only hold the
 * same. */
static int
check_existing(struct mcert_import_result *r, const struct mcert_cert *chain,
    size_t nchain, int want_bundle, const char *name, struct mcert_error *err)
{
	struct mcert_error why = { 0 };
	char held[256];
	int same;

	if (mcert_path_exists(r->crt_path)) {
		if ((same = same_certs(r->crt_path, chain, 1, &why)) < 0)
			return mcert_error_set(err, MCERT_E_IO, N_("%s exists "
			    "and cannot be read, so it is left as it is: %s"),
			    r->crt_path, why.msg);
		if (!same) {
			struct mcert_file *f = NULL;
			struct mcert_cert *have = NULL;
			size_t nhave = 0;

			held[0] = '\0';
			if (mcert_file_load(r->crt_path, MCERT_LOAD_KEEP_LOCKED,
			    NULL, &f, NULL) == MCERT_OK && mcert_file_certs(f,
			    &have, &nhave, NULL) == MCERT_OK && nhave > 0)
				subjects(have, 1, held, sizeof(held));
			free(have);
			mcert_file_free(f);
			return mcert_error_set(err, MCERT_E_IO,
			    N_("%s is not imported: %s already holds another "
			    "certificate (%s), and meetcert never replaces one "
			    "(a live certificate replaced breaks its service); "
			    "if the new one is to be used, move the old file "
			    "away and import again"), name, r->crt_path,
			    held[0] != '\0' ? held : "?");
		}
		r->crt_already = 1;
	}
	if (!want_bundle || !mcert_path_exists(r->bundle_path))
		return MCERT_OK;
	if ((same = same_certs(r->bundle_path, chain + 1, nchain - 1, &why)) <
	    0)
		return mcert_error_set(err, MCERT_E_IO, N_("%s exists and "
		    "cannot be read, so it is left as it is: %s"),
		    r->bundle_path, why.msg);
	if (!same)
		return mcert_error_set(err, MCERT_E_IO, N_("%s is not "
		    "imported: %s already holds other certificates than its "
		    "issuers, and meetcert never replaces a file; move it away "
		    "and import again"), name, r->bundle_path);
	r->bundle_already = 1;
	return MCERT_OK;
}

int
mcert_import(const struct mcert_plan *plan, const char *dir,
    const unsigned char *data, size_t len, const char *name,
    struct mcert_import_result *r, struct mcert_error *err)
{
	struct wanted *w = NULL;
	struct mcert_file *f = NULL;
	struct mcert_cert *certs = NULL, *chain = NULL;
	const struct mcert_plan_cert *c;
	size_t n = 0, nchain = 0, leaf = 0, which = 0, i;
	int ret, complete = 0, want_bundle, bundle_exists;

	memset(r, 0, sizeof(*r));
	if ((ret = mcert_file_load_mem(data, len, name, MCERT_LOAD_KEEP_LOCKED,
	    NULL, &f, err)) != MCERT_OK)
		goto out;
	if (f->ncert == 0) {
		ret = mcert_error_set(err, MCERT_E_PARSE, N_("%s holds no "
		    "certificate, only %s"), name, mcert_tr(holds(f)));
		goto out;
	}
	if ((ret = mcert_file_certs(f, &certs, &n, err)) != MCERT_OK)
		goto out;
	if ((w = calloc(plan->ncerts + 1, sizeof(*w))) == NULL) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	for (i = 0; i < plan->ncerts; i++)
		if (want_one(dir, &plan->certs[i], &w[i]) != MCERT_OK) {
			ret = mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
			goto out;
		}
	if ((ret = match(plan, w, certs, n, name, dir, &leaf, &which, err)) !=
	    MCERT_OK)
		goto out;
	c = &plan->certs[which];
	r->cert = c->name;
	r->by = w[which].by;
	r->subject = mcert_name_oneline(X509_get_subject_name(
	    certs[leaf].x509));
	r->crt_path = path_of(dir, c->name, ".crt");
	r->bundle_path = path_of(dir, c->name, "-bundle.pem");
	if (r->subject == NULL || r->crt_path == NULL ||
	    r->bundle_path == NULL) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if ((ret = mcert_chain_order(&certs[leaf], certs, n, &chain, &nchain,
	    &complete, err)) != MCERT_OK)
		goto out;
	r->nissuers = nchain - 1;
	r->complete = complete;
	want_bundle = complete && nchain > 1;
	bundle_exists = mcert_path_exists(r->bundle_path);
	if ((ret = check_existing(r, chain, nchain, want_bundle, name,
	    err)) !=
	    MCERT_OK)
		goto out;
	warn(c, certs, n, chain, nchain, name, r);
	warn_chain(c, chain, nchain, bundle_exists, name, r);
	if (!r->crt_already) {
		if ((ret = mcert_bundle_write(r->crt_path, chain, 1, err)) !=
		    MCERT_OK)
			goto out;
		r->crt_written = 1;
	}
	if (want_bundle && !r->bundle_already) {
		if ((ret = mcert_bundle_write(r->bundle_path, chain + 1,
		    nchain - 1, err)) != MCERT_OK)
			goto out;
		r->bundle_written = 1;
	}
	r->already = !r->crt_written && !r->bundle_written;
	ret = MCERT_OK;
out:
	for (i = 0; w != NULL && i < plan->ncerts; i++)
		mcert_file_free(w[i].f);
	free(w);
	free(chain);
	free(certs);
	mcert_file_free(f);
	return ret;
}

void
mcert_import_result_free(struct mcert_import_result *r)
{
	if (r == NULL)
		return;
	free(r->subject);
	free(r->crt_path);
	free(r->bundle_path);
	mcert_findings_free(&r->findings);
	memset(r, 0, sizeof(*r));
}
