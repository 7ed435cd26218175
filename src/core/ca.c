#include "config.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ca.h"
#include "files.h"
#include "x509.h"

/* Certificates start a little in the past: a peer whose clock runs a few
 * minutes slow must not see "not yet valid". */
#define BACKDATE (5 * 60)

int
mcert_usage_parse(const char *s, enum mcert_usage *out)
{
	static const char *const names[] = { "server", "client", "both", "ca" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum mcert_usage)i;
			return 0;
		}
	}
	return -1;
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ext != NULL && X509_add_ext(x, ext, -1);

	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* The extensions a usage asks for (guide §2.1, §2.2): digitalSignature for
 * every TLS key, keyEncipherment for RSA; a CA gets keyCertSign and
 * cRLSign under a critical CA:TRUE. */
static int
add_usage_exts(X509 *x, X509V3_CTX *ctx, enum mcert_usage usage,
    const EVP_PKEY *key)
{
	static const char *const eku[] = {
		[MCERT_USAGE_SERVER] = "serverAuth",
		[MCERT_USAGE_CLIENT] = "clientAuth",
		[MCERT_USAGE_BOTH] = "serverAuth,clientAuth",
	};
	int rsa = EVP_PKEY_is_a(key, "RSA");

	if (usage == MCERT_USAGE_CA)
		return add_ext(x, ctx, NID_basic_constraints,
		    "critical,CA:TRUE") != 0 || add_ext(x, ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign") != 0 ? -1 : 0;
	if (add_ext(x, ctx, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(x, ctx, NID_key_usage, rsa && usage != MCERT_USAGE_CLIENT ?
	    "critical,digitalSignature,keyEncipherment" :
	    "critical,digitalSignature") != 0 ||
	    add_ext(x, ctx, NID_ext_key_usage, eku[usage]) != 0)
		return -1;
	return 0;
}

static int
random_serial(X509 *x)
{
	unsigned char buf[16];
	BIGNUM *bn;
	int ok;

	/* RFC 5280: positive, at most 20 octets; 127 random bits. */
	do {
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			return -1;
		buf[0] &= 0x7f;
	} while (buf[0] == 0);
	if ((bn = BN_bin2bn(buf, sizeof(buf), NULL)) == NULL)
		return -1;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

/* Fills in what both kinds of certificate share. */
static int
cert_body(X509 *x, const X509_NAME *subject, const X509_NAME *issuer,
    EVP_PKEY *pub, const struct mcert_sign_opts *o)
{
	time_t now = o->now != 0 ? o->now : time(NULL);

	if (!X509_set_version(x, X509_VERSION_3) || random_serial(x) != 0 ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer) || !X509_set_pubkey(x, pub) ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, -BACKDATE, &now) ==
	    NULL || X509_time_adj_ex(X509_getm_notAfter(x), o->days, 0,
	    &now) == NULL)
		return -1;
	return 0;
}

static int
check_days(const struct mcert_sign_opts *o, struct mcert_error *err)
{
	if (o->days < 1 || o->days > 36500)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("--days %d is out of range; give 1 to 36500"), o->days);
	return MCERT_OK;
}

int
mcert_ca_sign(X509_REQ *req, X509 *ca_cert, EVP_PKEY *ca_key,
    const struct mcert_sign_opts *o, X509 **out, struct mcert_error *err)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
	X509V3_CTX ctx;
	X509 *x = NULL;
	int i, ret;

	*out = NULL;
	if ((ret = check_days(o, err)) != MCERT_OK)
		return ret;
	if (pub == NULL || X509_REQ_verify(req, pub) != 1) {
		ERR_clear_error();
		return mcert_error_set(err, MCERT_E_VERDICT,
		    N_("the CSR's signature does not verify: it was altered or "
		    "damaged; make the CSR again"));
	}
	if (!mcert_key_matches(ca_key, X509_get0_pubkey(ca_cert)))
		return mcert_error_set(err, MCERT_E_VERDICT,
		    N_("the CA key does not belong to the CA certificate; give "
		    "the key and certificate made together"));
	X509_check_purpose(ca_cert, -1, 0);
	if (!(X509_get_extension_flags(ca_cert) & EXFLAG_CA))
		return mcert_error_set(err, MCERT_E_VERDICT,
		    N_("the CA certificate is not a CA (no CA:TRUE); make one "
		    "with meetcert selfsigned --ca"));
	if ((X509_get_extension_flags(ca_cert) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(ca_cert) & KU_KEY_CERT_SIGN))
		return mcert_error_set(err, MCERT_E_VERDICT,
		    N_("the CA certificate's KeyUsage lacks keyCertSign, so "
		    "nothing it signs would verify; make a CA with meetcert "
		    "selfsigned --ca"));
	/* RFC 5280 §4.2.1.2: a CA names its key; without it the certificates
	 * it signs carry no authority key identifier and fail to verify. */
	if (X509_get0_subject_key_id(ca_cert) == NULL)
		return mcert_error_set(err, MCERT_E_VERDICT,
		    N_("the CA certificate has no subject key identifier, so "
		    "what it signs would not verify; make a CA with meetcert "
		    "selfsigned --ca"));
	if ((x = X509_new()) == NULL ||
	    cert_body(x, X509_REQ_get_subject_name(req),
	    X509_get_subject_name(ca_cert), pub, o) != 0)
		goto nomem;
	X509V3_set_ctx(&ctx, ca_cert, x, NULL, NULL, 0);
	if (add_usage_exts(x, &ctx, o->usage, pub) != 0 ||
	    add_ext(x, &ctx, NID_subject_key_identifier, "hash") != 0 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") != 0)
		goto nomem;
	/* The subjectAltName is copied from the request; nothing else is. */
	if ((exts = X509_REQ_get_extensions(req)) != NULL &&
	    (i = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1)) >= 0 &&
	    !X509_add_ext(x, X509v3_get_ext(exts, i), -1))
		goto nomem;
	if (X509_sign(x, ca_key, mcert_sign_digest(ca_key)) <= 0)
		goto nomem;
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	*out = x;
	return MCERT_OK;
nomem:
	mcert_error_set(err, MCERT_E_NOMEM, N_("cannot sign the certificate"));
	mcert_error_add_openssl(err);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_free(x);
	return MCERT_E_NOMEM;
}

int
mcert_ca_selfsign(EVP_PKEY *key, const struct mcert_subject *s,
    const struct mcert_sign_opts *o, X509 **out, struct mcert_error *err)
{
	X509_NAME *name = mcert_subject_name(s);
	X509_EXTENSION *san = NULL;
	X509V3_CTX ctx;
	X509 *x = NULL;
	int ret;

	*out = NULL;
	if ((ret = check_days(o, err)) != MCERT_OK) {
		X509_NAME_free(name);
		return ret;
	}
	if (name == NULL || (x = X509_new()) == NULL ||
	    cert_body(x, name, name, key, o) != 0)
		goto nomem;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (add_usage_exts(x, &ctx, o->usage, key) != 0 ||
	    add_ext(x, &ctx, NID_subject_key_identifier, "hash") != 0 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") != 0)
		goto nomem;
	if (o->usage != MCERT_USAGE_CA && s->nsan > 0) {
		if ((san = mcert_subject_san_ext(s)) == NULL ||
		    !X509_add_ext(x, san, -1))
			goto nomem;
	}
	if (X509_sign(x, key, mcert_sign_digest(key)) <= 0)
		goto nomem;
	X509_EXTENSION_free(san);
	X509_NAME_free(name);
	*out = x;
	return MCERT_OK;
nomem:
	mcert_error_set(err, MCERT_E_NOMEM,
	    N_("cannot make the self-signed certificate"));
	mcert_error_add_openssl(err);
	X509_EXTENSION_free(san);
	X509_NAME_free(name);
	X509_free(x);
	return MCERT_E_NOMEM;
}

int
mcert_cert_write(const char *path, X509 *x, struct mcert_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ret;

	if (bio == NULL || !PEM_write_bio_X509(bio, x) ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0) {
		BIO_free(bio);
		ERR_clear_error();
		return mcert_error_set(err, MCERT_E_NOMEM,
		    N_("%s: cannot encode the certificate"), path);
	}
	ret = mcert_write_new(path, data, (size_t)n, 0644, err);
	BIO_free(bio);
	return ret;
}
