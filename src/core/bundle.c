#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "bundle.h"
#include "files.h"
#include "x509.h"

/* Whether issuer signed x (names and signature). */
static int
signed_by(X509 *x, X509 *issuer)
{
	EVP_PKEY *pk = X509_get0_pubkey(issuer);
	int r;

	if (pk == NULL || X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(issuer)) != 0)
		return 0;
	r = X509_verify(x, pk) == 1;
	ERR_clear_error();
	return r;
}

static int
valid_now(X509 *x, time_t now)
{
	time_t nb, na;

	return mcert_asn1_time(X509_get0_notBefore(x), &nb) == 0 &&
	    mcert_asn1_time(X509_get0_notAfter(x), &na) == 0 &&
	    nb <= now && now <= na;
}

int
mcert_chain_order(const struct mcert_cert *leaf,
    const struct mcert_cert *pool, size_t n, struct mcert_cert **out,
    size_t *nout, int *complete, struct mcert_error *err)
{
	struct mcert_cert *v;
	size_t nv = 1, i, k;
	time_t now = time(NULL);

	*out = NULL;
	*nout = 0;
	*complete = 0;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	v[0] = *leaf;
	while (!mcert_is_self_signed(v[nv - 1].x509)) {
		size_t best = n;

		for (i = 0; i < n; i++) {
			for (k = 0; k < nv; k++)
				if (X509_cmp(v[k].x509, pool[i].x509) == 0)
					break;
			if (k < nv || !signed_by(v[nv - 1].x509, pool[i].x509))
				continue;
			if (best == n || (!valid_now(pool[best].x509, now) &&
			    valid_now(pool[i].x509, now)))
				best = i;
		}
		if (best == n)
			break;
		v[nv++] = pool[best];
	}
	*complete = mcert_is_self_signed(v[nv - 1].x509);
	*out = v;
	*nout = nv;
	return MCERT_OK;
}

int
mcert_chain_pick_leaf(const struct mcert_cert *pool, size_t n, EVP_PKEY *key,
    size_t *leaf, struct mcert_error *err)
{
	size_t i, k, found = 0, pick = 0;
	char names[512] = "";

	if (n == 0)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("no certificate to pick the leaf from"));
	for (i = 0; i < n; i++) {
		int issues = 0;

		/* The same certificate twice ("cat leaf.pem fullchain.pem")
		 * is one candidate. */
		for (k = 0; k < i; k++)
			if (X509_cmp(pool[k].x509, pool[i].x509) == 0)
				break;
		if (k < i)
			continue;
		if (key != NULL) {
			if (!mcert_key_matches(key, X509_get0_pubkey(
			    pool[i].x509)))
				continue;
		} else {
			for (k = 0; k < n && !issues; k++)
				issues = k != i && X509_cmp(pool[k].x509,
				    pool[i].x509) != 0 &&
				    signed_by(pool[k].x509, pool[i].x509);
			if (issues)
				continue;
		}
		if (found++ == 0)
			pick = i;
		if (found <= 3) {
			char *d = mcert_cert_describe(&pool[i]);
			size_t len = strlen(names);

			snprintf(names + len, sizeof(names) - len, "%s%s",
			    len ? ", " : "", d != NULL ? d : "?");
			free(d);
		}
	}
	if (found == 1) {
		*leaf = pick;
		return MCERT_OK;
	}
	if (key != NULL)
		return mcert_error_set(err, MCERT_E_VERDICT, found == 0 ?
		    N_("no certificate matches the key; the CA returned the "
		    "certificate of another CSR, or this is not its key") :
		    N_("%zu certificates match the key (%s); keep one"), found,
		    names);
	return mcert_error_set(err, MCERT_E_VERDICT, found == 0 ?
	    N_("every certificate issues another; there is no leaf (is this "
	    "a CA bundle?)") : N_("%zu certificates issue no other (%s); give "
	    "--key with the private key to pick the leaf"), found, names);
}

int
mcert_bundle_text(const struct mcert_cert *certs, size_t n, char **text,
    size_t *len, struct mcert_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	size_t i, k;
	long m;

	*text = NULL;
	*len = 0;
	if (bio == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	for (i = 0; i < n; i++) {
		for (k = 0; k < i; k++)
			if (X509_cmp(certs[k].x509, certs[i].x509) == 0)
				break;
		/* PEM_write_bio_X509 writes LF and ends with one newline,
		 * so blocks follow each other with no gap. */
		if (k == i && !PEM_write_bio_X509(bio, certs[i].x509)) {
			BIO_free(bio);
			ERR_clear_error();
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("cannot encode a certificate"));
		}
	}
	m = BIO_get_mem_data(bio, &data);
	if (m < 0 || (out = malloc((size_t)m + 1)) == NULL) {
		BIO_free(bio);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	if (m > 0)
		memcpy(out, data, (size_t)m);
	out[m] = '\0';
	BIO_free(bio);
	*text = out;
	*len = (size_t)m;
	return MCERT_OK;
}

int
mcert_bundle_write(const char *path, const struct mcert_cert *certs,
    size_t n, struct mcert_error *err)
{
	char *text;
	size_t len;
	int ret;

	if ((ret = mcert_bundle_text(certs, n, &text, &len, err)) != MCERT_OK)
		return ret;
	ret = mcert_write_new(path, text, len, 0644, err);
	free(text);
	return ret;
}

int
mcert_bundle_validity_findings(const struct mcert_cert *certs, size_t n,
    time_t now, struct mcert_findings *out)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n; i++) {
		time_t nb, na;
		char *d;

		if (mcert_asn1_time(X509_get0_notBefore(certs[i].x509), &nb) ||
		    mcert_asn1_time(X509_get0_notAfter(certs[i].x509), &na) ||
		    (now >= nb && now <= na))
			continue;
		d = mcert_cert_describe(&certs[i]);
		r |= mcert_findings_add(out, MCERT_LEVEL_WARNING, now > na ?
		    N_("%s has expired; get the CA's current certificate") :
		    N_("%s is not valid yet"), d != NULL ? d : "?");
		free(d);
	}
	return r != 0 ? MCERT_E_NOMEM : MCERT_OK;
}
