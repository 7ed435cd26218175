/* The local CA (ca.c): self-signed certificates and CAs, as `pki
 * selfsigned` makes them, and `pki sign`: the extensions each usage gets,
 * what is and is not copied from a request, serials, validity, key
 * identifiers, the refusals; every result judged by mcert_verify. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ca.h"
#include "csr.h"
#include "fixture.h"
#include "tap.h"
#include "verify.h"
#include "x509.h"

/* A fixed "now" for the validity checks: 2023-11-14 22:13:20 UTC. */
#define T0 ((time_t)1700000000)
#define BACKDATE 300

static EVP_PKEY *ca_key, *rsa_key, *ec_leaf_key;
static X509 *ca;		/* made by mcert_ca_selfsign */

/* ---- helpers */

static void
subject_of(const char *const *argv, enum mcert_cn_rule rule,
    struct mcert_subject *s)
{
	struct mcert_error err = { 0 };
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	if (mcert_subject_parse(argc, (char *const *)argv, rule, s, &err) !=
	    MCERT_OK)
		tap_bail("subject: %s", err.msg);
}

static X509 *
selfsign(EVP_PKEY *key, const char *const *argv, enum mcert_cn_rule rule,
    enum mcert_usage usage, int days)
{
	struct mcert_subject s;
	struct mcert_sign_opts o = { .usage = usage, .days = days, .now = T0 };
	struct mcert_error err = { 0 };
	X509 *x;

	subject_of(argv, rule, &s);
	if (mcert_ca_selfsign(key, &s, &o, &x, &err) != MCERT_OK)
		tap_bail("selfsign: %s", err.msg);
	mcert_subject_free(&s);
	return x;
}

static X509_REQ *
request(EVP_PKEY *key, const char *const *argv)
{
	struct mcert_subject s;
	struct mcert_error err = { 0 };
	X509_REQ *r;

	subject_of(argv, MCERT_CN_HOST, &s);
	if (mcert_csr_build(key, &s, 1, &r, &err) != MCERT_OK)
		tap_bail("csr: %s", err.msg);
	mcert_subject_free(&s);
	return r;
}

static int
sign(X509_REQ *r, X509 *cacert, EVP_PKEY *cakey, enum mcert_usage usage,
    int days, time_t now, X509 **out, struct mcert_error *err)
{
	struct mcert_sign_opts o = { .usage = usage, .days = days, .now = now };

	return mcert_ca_sign(r, cacert, cakey, &o, out, err);
}

/* KeyUsage as OpenSSL's KU_* bits; -1 when absent. */
static long
ku_bits(X509 *x)
{
	uint32_t ku;

	X509_check_purpose(x, -1, 0);
	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return -1;
	ku = X509_get_key_usage(x);
	return (long)ku;
}

/* The EKU as "serverAuth,clientAuth"; "-" when absent. */
static void
eku_dump(X509 *x, char *buf, size_t size)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL,
	    NULL);
	size_t len = 0;
	int i;

	snprintf(buf, size, "-");
	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i ? "," : "", OBJ_nid2sn(OBJ_obj2nid(
		    sk_ASN1_OBJECT_value(eku, i))));
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

/* "CA:TRUE", "CA:FALSE" (with ",critical"), or "-". */
static void
bc_dump(X509 *x, char *buf, size_t size)
{
	int crit = -1;
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints,
	    &crit, NULL);

	if (bc == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%s%s%s", bc->ca ? "CA:TRUE" : "CA:FALSE",
	    bc->pathlen != NULL ? ",pathlen" : "", crit == 1 ? ",critical" :
	    "");
	BASIC_CONSTRAINTS_free(bc);
}

static int
ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* The NIDs of x's extensions, in order, as short names. */
static void
ext_list(X509 *x, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < X509_get_ext_count(x); i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i ? "," : "", OBJ_nid2sn(OBJ_obj2nid(
		    X509_EXTENSION_get_object(X509_get_ext(x, i)))));
}

/* The DER of x's extension nid, or of the request's; NULL when absent. */
static unsigned char *
ext_der(const STACK_OF(X509_EXTENSION) *exts, int nid, int *len)
{
	int i = X509v3_get_ext_by_NID(exts, nid, -1);
	ASN1_OCTET_STRING *v;
	unsigned char *p;

	*len = 0;
	if (i < 0)
		return NULL;
	v = X509_EXTENSION_get_data(X509v3_get_ext(exts, i));
	*len = ASN1_STRING_length(v);
	if ((p = malloc((size_t)*len + 1)) == NULL)
		tap_bail("malloc");
	memcpy(p, ASN1_STRING_get0_data(v), (size_t)*len);
	return p;
}

/* SHA-1 of the subjectPublicKey bits: RFC 5280 §4.2.1.2 method (1). */
static int
ski_is_key_hash(X509 *x)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
	ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(x);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	if (ski == NULL || bits == NULL ||
	    !EVP_Digest(ASN1_STRING_get0_data(bits),
	    (size_t)ASN1_STRING_length(bits), md, &mdlen, EVP_sha1(), NULL))
		return 0;
	return ASN1_STRING_length(ski) == (int)mdlen &&
	    memcmp(ASN1_STRING_get0_data(ski), md, mdlen) == 0;
}

static int
aki_names(X509 *x, X509 *issuer)
{
	const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(x);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);

	return aki != NULL && ski != NULL && ASN1_STRING_cmp(aki, ski) == 0;
}

static time_t
t_of(const ASN1_TIME *t)
{
	time_t v = 0;

	if (mcert_asn1_time(t, &v) != 0)
		return (time_t)-1;
	return v;
}

/* mcert_verify(leaf, untrusted..., anchor) for role: 1 verified, 0 not. */
static int
verifies(X509 *leaf, X509 *inter, X509 *anchor, enum mcert_role role,
    const char *name)
{
	struct mcert_cert l = { leaf, "leaf.crt", 1 };
	struct mcert_cert u = { inter, "inter.crt", 1 };
	struct mcert_cert a = { anchor, "ca.crt", 1 };
	struct mcert_verify_opts o = { .role = role, .max_depth = -1 };
	struct mcert_verify_result res;
	struct mcert_error err = { 0 };
	int good;

	memset(&res, 0, sizeof(res));
	if (mcert_verify(&l, &u, inter != NULL, &a, 1, &o, &res, &err) !=
	    MCERT_OK)
		tap_bail("%s: mcert_verify: %s", name, err.msg);
	good = res.ok;
	mcert_verify_result_free(&res);
	return good;
}

/* ---- mcert_usage_parse */

static void
test_usage_parse(void)
{
	static const char *const names[] = { "server", "client", "both", "ca" };
	static const char *const bad[] = { "Server", "serverAuth", "", "all",
	    "both " };
	enum mcert_usage u;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		ok(mcert_usage_parse(names[i], &u) == 0 && (size_t)u == i,
		    "usage '%s' parsed", names[i]);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		is_int(mcert_usage_parse(bad[i], &u), -1, "usage '%s' refused",
		    bad[i]);
}

/* ---- mcert_ca_selfsign */

static void
test_selfsign(void)
{
	static const char *const leaf_argv[] = { "CN:cms1.example.com",
	    "O:Example Inc.", "subjectAltName:join.example.com,192.0.2.10",
	    NULL };
	static const char *const ca_argv[] = { "CN:My company CA",
	    "subjectAltName:ca.example.com", NULL };
	char buf[512];
	X509 *x;

	/* A lab certificate: a server and client leaf. */
	x = selfsign(ec_leaf_key, leaf_argv, MCERT_CN_HOST, MCERT_USAGE_BOTH,
	    365);
	is_int(X509_get_version(x), X509_VERSION_3, "selfsigned leaf: v3");
	ok(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x))
	    == 0, "selfsigned leaf: issuer is subject");
	ok(mcert_is_self_signed(x), "selfsigned leaf: signs itself");
	bc_dump(x, buf, sizeof(buf));
	is_str(buf, "CA:FALSE,critical", "selfsigned leaf: critical CA:FALSE");
	is_int(ku_bits(x), KU_DIGITAL_SIGNATURE,
	    "selfsigned leaf (EC): KeyUsage digitalSignature");
	ok(ext_critical(x, NID_key_usage), "selfsigned leaf: KU critical");
	eku_dump(x, buf, sizeof(buf));
	is_str(buf, "serverAuth,clientAuth", "selfsigned leaf: EKU both");
	{
		GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name,
		    NULL, NULL);
		struct mcert_san *v = NULL;
		size_t n = 0;

		mcert_san_list(g, &v, &n);
		ok(n == 3 && v[0].kind == MCERT_SAN_DNS &&
		    strcmp(v[0].value, "join.example.com") == 0 &&
		    v[1].kind == MCERT_SAN_IP &&
		    strcmp(v[1].value, "192.0.2.10") == 0 &&
		    v[2].kind == MCERT_SAN_DNS &&
		    strcmp(v[2].value, "cms1.example.com") == 0,
		    "selfsigned leaf: the SAN, the CN appended");
		mcert_san_free(v, n);
		GENERAL_NAMES_free(g);
	}
	ok(ski_is_key_hash(x), "selfsigned leaf: SKI is the key's hash");
	ok(aki_names(x, x), "selfsigned leaf: AKI is its own SKI");
	is_int(X509_get_signature_nid(x), NID_ecdsa_with_SHA256,
	    "selfsigned leaf: ecdsa-with-SHA256");
	is_int(t_of(X509_get0_notBefore(x)), T0 - BACKDATE,
	    "selfsigned leaf: starts 5 minutes back");
	is_int(t_of(X509_get0_notAfter(x)), T0 + 365 * FX_DAY,
	    "selfsigned leaf: 365 days");
	/* Valid now, trusted as itself: for a lab's Web Admin. */
	X509_free(x);
	{
		struct mcert_sign_opts o = { .usage = MCERT_USAGE_BOTH,
		    .days = 30 };
		struct mcert_subject s;
		struct mcert_error err = { 0 };
		X509 *now;

		subject_of(leaf_argv, MCERT_CN_HOST, &s);
		if (mcert_ca_selfsign(ec_leaf_key, &s, &o, &now, &err) !=
		    MCERT_OK)
			tap_bail("selfsign now: %s", err.msg);
		ok(verifies(now, NULL, now, MCERT_ROLE_SERVER, "selfsigned"),
		    "selfsigned leaf: verifies as a server against itself");
		ok(verifies(now, NULL, now, MCERT_ROLE_CLIENT, "selfsigned"),
		    "selfsigned leaf: verifies as a client against itself");
		mcert_subject_free(&s);
		X509_free(now);
	}

	x = selfsign(rsa_key, leaf_argv, MCERT_CN_HOST, MCERT_USAGE_BOTH, 365);
	is_int(ku_bits(x), KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
	    "selfsigned leaf (RSA): digitalSignature, keyEncipherment");
	is_int(X509_get_signature_nid(x), NID_sha256WithRSAEncryption,
	    "selfsigned leaf (RSA): sha256WithRSAEncryption");
	X509_free(x);

	/* --ca: pki selfsigned dbca, a dedicated CA (guide §3.1.4). */
	x = selfsign(ca_key, ca_argv, MCERT_CN_FREE, MCERT_USAGE_CA, 3650);
	bc_dump(x, buf, sizeof(buf));
	is_str(buf, "CA:TRUE,critical", "selfsigned CA: critical CA:TRUE, no "
	    "pathlen");
	is_int(ku_bits(x), KU_KEY_CERT_SIGN | KU_CRL_SIGN,
	    "selfsigned CA: keyCertSign, cRLSign");
	ok(ext_critical(x, NID_key_usage), "selfsigned CA: KU critical");
	eku_dump(x, buf, sizeof(buf));
	is_str(buf, "-", "selfsigned CA: no EKU");
	ok(ski_is_key_hash(x), "selfsigned CA: SKI");
	ok(aki_names(x, x), "selfsigned CA: AKI names its own key");
	is_int(X509_get_ext_by_NID(x, NID_subject_alt_name, -1), -1,
	    "selfsigned CA: no SAN, though one was given");
	ext_list(x, buf, sizeof(buf));
	is_str(buf, "basicConstraints,keyUsage,subjectKeyIdentifier,"
	    "authorityKeyIdentifier", "selfsigned CA: these extensions only");
	is_int(X509_check_ca(x), 1, "selfsigned CA: OpenSSL sees a CA");
	is_int(t_of(X509_get0_notAfter(x)), T0 + 3650 * FX_DAY,
	    "selfsigned CA: 3650 days");
	X509_free(x);
}

/* ---- mcert_ca_sign, by usage */

static const struct usage_case {
	const char *name;
	enum mcert_usage usage;
	int rsa;		/* the leaf's key is RSA, else EC */
	const char *bc;
	long ku;
	const char *eku;
	int as_server, as_client;	/* mcert_verify by role */
} usage_cases[] = {
	{ "server, EC", MCERT_USAGE_SERVER, 0, "CA:FALSE,critical",
	    KU_DIGITAL_SIGNATURE, "serverAuth", 1, 0 },
	{ "server, RSA", MCERT_USAGE_SERVER, 1, "CA:FALSE,critical",
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT, "serverAuth", 1, 0 },
	{ "client, EC", MCERT_USAGE_CLIENT, 0, "CA:FALSE,critical",
	    KU_DIGITAL_SIGNATURE, "clientAuth", 0, 1 },
	{ "client, RSA", MCERT_USAGE_CLIENT, 1, "CA:FALSE,critical",
	    KU_DIGITAL_SIGNATURE, "clientAuth", 0, 1 },
	{ "both, EC", MCERT_USAGE_BOTH, 0, "CA:FALSE,critical",
	    KU_DIGITAL_SIGNATURE, "serverAuth,clientAuth", 1, 1 },
	{ "both, RSA", MCERT_USAGE_BOTH, 1, "CA:FALSE,critical",
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT, "serverAuth,clientAuth",
	    1, 1 },
	{ "ca, EC", MCERT_USAGE_CA, 0, "CA:TRUE,critical",
	    KU_KEY_CERT_SIGN | KU_CRL_SIGN, "-", -1, -1 },
};

static void
test_sign_usage(void)
{
	static const char *const argv[] = { "CN:cms1.example.com",
	    "subjectAltName:join.example.com", NULL };
	static const char *const sub_argv[] = { "CN:db.example.com", NULL };
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(usage_cases) / sizeof(*usage_cases); i++) {
		const struct usage_case *c = &usage_cases[i];
		EVP_PKEY *k = c->rsa ? rsa_key : ec_leaf_key;
		X509_REQ *r = request(k, argv);
		struct mcert_error err = { 0 };
		X509 *x = NULL;

		if (!is_int(sign(r, ca, ca_key, c->usage, 365, 0, &x, &err),
		    MCERT_OK, "sign %s: signed", c->name)) {
			diag("%s", err.msg);
			X509_REQ_free(r);
			continue;
		}
		is_int(X509_get_version(x), X509_VERSION_3, "sign %s: v3",
		    c->name);
		bc_dump(x, buf, sizeof(buf));
		is_str(buf, c->bc, "sign %s: basicConstraints", c->name);
		is_int(ku_bits(x), c->ku, "sign %s: KeyUsage", c->name);
		ok(ext_critical(x, NID_key_usage), "sign %s: KU critical",
		    c->name);
		eku_dump(x, buf, sizeof(buf));
		is_str(buf, c->eku, "sign %s: EKU", c->name);
		ok(ski_is_key_hash(x), "sign %s: SKI is the key's hash",
		    c->name);
		ok(aki_names(x, ca), "sign %s: AKI is the CA's SKI", c->name);
		ok(X509_NAME_cmp(X509_get_issuer_name(x),
		    X509_get_subject_name(ca)) == 0,
		    "sign %s: issuer is the CA", c->name);
		ok(X509_NAME_cmp(X509_get_subject_name(x),
		    X509_REQ_get_subject_name(r)) == 0,
		    "sign %s: subject from the CSR", c->name);
		ok(EVP_PKEY_eq(X509_get0_pubkey(x), k) == 1,
		    "sign %s: the CSR's key", c->name);
		is_int(X509_verify(x, ca_key), 1, "sign %s: the CA's signature",
		    c->name);
		is_int(X509_get_signature_nid(x), NID_ecdsa_with_SHA256,
		    "sign %s: ecdsa-with-SHA256", c->name);
		if (c->as_server >= 0) {
			const char *nm = c->name;

			is_int(verifies(x, NULL, ca, MCERT_ROLE_SERVER, nm),
			    c->as_server, "sign %s: mcert_verify as a server",
			    nm);
			is_int(verifies(x, NULL, ca, MCERT_ROLE_CLIENT, nm),
			    c->as_client, "sign %s: mcert_verify as a client",
			    nm);
			is_int(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER,
			    0), c->as_server, "sign %s: OpenSSL's sslserver",
			    nm);
			is_int(X509_check_purpose(x, X509_PURPOSE_SSL_CLIENT,
			    0), c->as_client, "sign %s: OpenSSL's sslclient",
			    nm);
		} else {
			/* An intermediate: a leaf it signs verifies. */
			X509_REQ *r2 = request(ec_leaf_key, sub_argv);
			X509 *leaf = NULL;

			is_int(X509_check_ca(x), 1,
			    "sign %s: OpenSSL sees a CA", c->name);
			is_int(sign(r2, x, k, MCERT_USAGE_BOTH, 30, 0, &leaf,
			    &err), MCERT_OK, "sign %s: the new CA signs",
			    c->name);
			ok(leaf != NULL && verifies(leaf, x, ca,
			    MCERT_ROLE_SERVER, c->name),
			    "sign %s: a leaf verifies through it", c->name);
			ok(leaf != NULL && aki_names(leaf, x),
			    "sign %s: the leaf's AKI names it", c->name);
			X509_free(leaf);
			X509_REQ_free(r2);
		}
		X509_free(x);
		X509_REQ_free(r);
	}
}

/* ---- what is copied from the request */

static void
test_sign_copies(void)
{
	static const char *const want_exts = "basicConstraints,keyUsage,"
	    "extendedKeyUsage,subjectKeyIdentifier,authorityKeyIdentifier,"
	    "subjectAltName";
	const char *const greedy[] = {
	    "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
	    "extendedKeyUsage=codeSigning,serverAuth",
	    "nsCertType=sslCA,server",
	    "subjectAltName=DNS:a.example.com,IP:192.0.2.1,"
	    "email:pki@example.com",
	    "crlDistributionPoints=URI:http://crl.example.com/x.crl",
	    NULL };
	const char *const san_only[] = {
	    "subjectAltName=DNS:b.example.com,DNS:c.example.com", NULL };
	STACK_OF(X509_EXTENSION) *rexts;
	const STACK_OF(X509_EXTENSION) *cexts;
	struct mcert_error err = { 0 };
	unsigned char *a, *b;
	int alen, blen;
	char buf[512];
	X509_REQ *r;
	X509 *x = NULL;

	r = fx_csr(ec_leaf_key, "/O=Greedy/CN=greedy.example.com", greedy);
	is_int(sign(r, ca, ca_key, MCERT_USAGE_SERVER, 365, 0, &x, &err),
	    MCERT_OK, "greedy CSR: signed");
	if (x == NULL)
		tap_bail("greedy CSR: %s", err.msg);
	bc_dump(x, buf, sizeof(buf));
	is_str(buf, "CA:FALSE,critical", "greedy CSR: no CA:TRUE from the CSR");
	is_int(X509_check_ca(x), 0, "greedy CSR: OpenSSL sees no CA");
	is_int(ku_bits(x), KU_DIGITAL_SIGNATURE,
	    "greedy CSR: KeyUsage by usage, not by the CSR");
	eku_dump(x, buf, sizeof(buf));
	is_str(buf, "serverAuth", "greedy CSR: EKU by usage");
	ext_list(x, buf, sizeof(buf));
	is_str(buf, want_exts, "greedy CSR: these extensions only");
	rexts = X509_REQ_get_extensions(r);
	cexts = X509_get0_extensions(x);
	a = ext_der(rexts, NID_subject_alt_name, &alen);
	b = ext_der(cexts, NID_subject_alt_name, &blen);
	ok(a != NULL && b != NULL && alen == blen && memcmp(a, b, (size_t)alen)
	    == 0, "greedy CSR: the SAN copied as it was");
	free(a);
	free(b);
	sk_X509_EXTENSION_pop_free(rexts, X509_EXTENSION_free);
	ok(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_REQ_get_subject_name(r)) == 0, "greedy CSR: subject copied");
	X509_free(x);
	X509_REQ_free(r);

	r = fx_csr(ec_leaf_key, "/CN=b.example.com", san_only);
	x = NULL;
	is_int(sign(r, ca, ca_key, MCERT_USAGE_BOTH, 365, 0, &x, &err),
	    MCERT_OK, "SAN-only CSR: signed");
	{
		struct mcert_cert_info info;

		if (x == NULL ||
		    mcert_cert_info(x, T0, &info, NULL) != MCERT_OK)
			tap_bail("cert info");
		ok(info.nsan == 2 && strcmp(info.san[0].value, "b.example.com")
		    == 0 && strcmp(info.san[1].value, "c.example.com") == 0,
		    "SAN-only CSR: the SAN as requested, the CN not added");
		mcert_cert_info_free(&info);
	}
	X509_free(x);
	X509_REQ_free(r);

	/* No extensions requested: none but the CA's own. */
	r = fx_csr(ec_leaf_key, "/CN=plain.example.com", NULL);
	x = NULL;
	is_int(sign(r, ca, ca_key, MCERT_USAGE_CLIENT, 365, 0, &x, &err),
	    MCERT_OK, "bare CSR: signed");
	if (x != NULL) {
		ext_list(x, buf, sizeof(buf));
		is_str(buf, "basicConstraints,keyUsage,extendedKeyUsage,"
		    "subjectKeyIdentifier,authorityKeyIdentifier",
		    "bare CSR: no SAN");
	}
	X509_free(x);
	X509_REQ_free(r);
}

/* ---- serials, validity, signatures by CA key type */

static void
test_sign_serial_validity(void)
{
	static const char *const argv[] = { "CN:cms1.example.com", NULL };
	static const int days[] = { 1, 30, 365, 825, 3650, 36500 };
	X509_REQ *r = request(ec_leaf_key, argv);
	ASN1_INTEGER *seen[20];
	struct mcert_error err = { 0 };
	int i, k, all_ok = 1, distinct = 1;
	size_t d;

	for (i = 0; i < 20; i++) {
		X509 *x = NULL;
		const ASN1_INTEGER *sn;

		if (sign(r, ca, ca_key, MCERT_USAGE_BOTH, 365, 0, &x, &err) !=
		    MCERT_OK)
			tap_bail("sign: %s", err.msg);
		sn = X509_get0_serialNumber(x);
		if (ASN1_STRING_type(sn) != V_ASN1_INTEGER ||
		    ASN1_STRING_length(sn) < 1 || ASN1_STRING_length(sn) > 16 ||
		    ASN1_STRING_get0_data(sn)[0] == 0) {
			diag("serial %d: type %d, %d bytes", i,
			    ASN1_STRING_type(sn), ASN1_STRING_length(sn));
			all_ok = 0;
		}
		seen[i] = ASN1_INTEGER_dup(sn);
		for (k = 0; k < i; k++)
			if (ASN1_INTEGER_cmp(seen[k], seen[i]) == 0)
				distinct = 0;
		X509_free(x);
	}
	ok(all_ok, "serial: positive, at most 16 bytes, no leading zero "
	    "(20 signings)");
	ok(distinct, "serial: 20 signings, 20 serials");
	for (i = 0; i < 20; i++)
		ASN1_INTEGER_free(seen[i]);

	for (d = 0; d < sizeof(days) / sizeof(*days); d++) {
		X509 *x = NULL;

		is_int(sign(r, ca, ca_key, MCERT_USAGE_BOTH, days[d], T0, &x,
		    &err), MCERT_OK, "validity %d days: signed", days[d]);
		if (x == NULL)
			continue;
		is_int(t_of(X509_get0_notBefore(x)), T0 - BACKDATE,
		    "validity %d days: notBefore 5 minutes before now",
		    days[d]);
		is_int(t_of(X509_get0_notAfter(x)), T0 + days[d] * FX_DAY,
		    "validity %d days: notAfter", days[d]);
		X509_free(x);
	}
	/* now 0: the clock. */
	{
		X509 *x = NULL;
		time_t before = time(NULL), nb;

		sign(r, ca, ca_key, MCERT_USAGE_BOTH, 10, 0, &x, &err);
		nb = x != NULL ? t_of(X509_get0_notBefore(x)) : 0;
		ok(nb >= before - BACKDATE && nb <= time(NULL) - BACKDATE,
		    "validity: now 0 is the clock, less 5 minutes");
		X509_free(x);
	}
	X509_REQ_free(r);
}

static void
test_sign_ca_keys(void)
{
	static const char *const ca_argv[] = { "CN:RSA Lab CA", NULL };
	static const char *const ed_argv[] = { "CN:Ed Lab CA", NULL };
	static const char *const argv[] = { "CN:cms1.example.com", NULL };
	X509_REQ *r = request(ec_leaf_key, argv);
	struct mcert_error err = { 0 };
	X509 *rsa_ca, *ed_ca, *x = NULL;

	rsa_ca = selfsign(rsa_key, ca_argv, MCERT_CN_FREE, MCERT_USAGE_CA, 30);
	is_int(sign(r, rsa_ca, rsa_key, MCERT_USAGE_SERVER, 30, 0, &x, &err),
	    MCERT_OK, "RSA CA: signs an EC leaf");
	if (x != NULL) {
		is_int(X509_get_signature_nid(x), NID_sha256WithRSAEncryption,
		    "RSA CA: sha256WithRSAEncryption");
		is_int(ku_bits(x), KU_DIGITAL_SIGNATURE,
		    "RSA CA: KeyUsage by the leaf's key, not the CA's");
		ok(aki_names(x, rsa_ca), "RSA CA: AKI");
	}
	X509_free(x);
	x = NULL;
	ed_ca = selfsign(fx_key(FX_ED25519, 0), ed_argv, MCERT_CN_FREE,
	    MCERT_USAGE_CA, 30);
	is_int(sign(r, ed_ca, fx_key(FX_ED25519, 0), MCERT_USAGE_SERVER, 30, 0,
	    &x, &err), MCERT_OK, "Ed25519 CA: signs");
	if (x != NULL)
		is_int(X509_get_signature_nid(x), NID_ED25519,
		    "Ed25519 CA: an Ed25519 signature");
	X509_free(x);
	X509_free(ed_ca);
	X509_free(rsa_ca);
	X509_REQ_free(r);
}

/* ---- refusals */

#define NOT_A_CA "the CA certificate is not a CA (no CA:TRUE); make one with " \
	"meetcert selfsigned --ca"

static void
test_refusals(void)
{
	static const char *const argv[] = { "CN:www.example.com", NULL };
	static const char *const leaf_argv[] = { "CN:lab.example.com", NULL };
	static const int bad_days[] = { 0, -1, 36501, 100000 };
	X509_REQ *r = request(ec_leaf_key, argv), *bad;
	struct mcert_error err = { 0 };
	unsigned char *der = NULL, *p;
	const unsigned char *cp;
	int len;
	size_t i;
	X509 *x, *leafcert, *plain, *no_certsign, *no_ski;

	/* A CSR altered after it was signed: one letter of its subject. */
	len = i2d_X509_REQ(r, &der);
	p = len > 0 ? memmem(der, (size_t)len, "www", 3) : NULL;
	if (p == NULL)
		tap_bail("no 'www' in the CSR");
	p[2] = 'x';
	cp = der;
	if ((bad = d2i_X509_REQ(NULL, &cp, len)) == NULL)
		tap_bail("d2i_X509_REQ");
	x = (X509 *)&err;
	is_int(sign(bad, ca, ca_key, MCERT_USAGE_BOTH, 365, 0, &x, &err),
	    MCERT_E_VERDICT, "tampered CSR: refused");
	is_str(err.msg, "the CSR's signature does not verify: it was altered "
	    "or damaged; make the CSR again", "tampered CSR: message");
	ok(x == NULL, "tampered CSR: no certificate");
	X509_REQ_free(bad);
	OPENSSL_free(der);

	/* The CA key of another CA. */
	x = (X509 *)&err;
	is_int(sign(r, ca, fx_key(FX_EC_P256, 5), MCERT_USAGE_BOTH, 365, 0, &x,
	    &err), MCERT_E_VERDICT, "CA key not the CA's: refused");
	is_str(err.msg, "the CA key does not belong to the CA certificate; "
	    "give the key and certificate made together",
	    "CA key not the CA's: message");
	ok(x == NULL, "CA key not the CA's: no certificate");

	/* A leaf as the CA. */
	leafcert = selfsign(fx_key(FX_EC_P256, 6), leaf_argv, MCERT_CN_HOST,
	    MCERT_USAGE_BOTH, 30);
	x = (X509 *)&err;
	is_int(sign(r, leafcert, fx_key(FX_EC_P256, 6), MCERT_USAGE_BOTH, 365,
	    0, &x, &err), MCERT_E_VERDICT, "a CA:FALSE certificate as CA: "
	    "refused");
	is_str(err.msg, NOT_A_CA, "a CA:FALSE certificate as CA: message");
	ok(x == NULL, "a CA:FALSE certificate as CA: no certificate");
	X509_free(leafcert);

	plain = fx_cert(&(struct fx_cert_spec){ .subject = "/CN=No BC",
	    .key = fx_key(FX_EC_P256, 7) });
	x = NULL;
	is_int(sign(r, plain, fx_key(FX_EC_P256, 7), MCERT_USAGE_BOTH, 365, 0,
	    &x, &err), MCERT_E_VERDICT, "a certificate without "
	    "basicConstraints as CA: refused");
	is_str(err.msg, NOT_A_CA, "no basicConstraints: message");
	X509_free(x);
	X509_free(plain);

	/* CA:TRUE, but its KeyUsage forbids signing certificates (RFC 5280
	 * §4.2.1.3): what it signs never verifies. */
	no_certsign = fx_cert(&(struct fx_cert_spec){
	    .subject = "/CN=No CertSign CA", .key = fx_key(FX_EC_P256, 8),
	    .ext = { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,digitalSignature,cRLSign" } });
	x = NULL;
	is_int(sign(r, no_certsign, fx_key(FX_EC_P256, 8), MCERT_USAGE_BOTH,
	    365, 0, &x, &err), MCERT_E_VERDICT, "a CA whose KeyUsage lacks "
	    "keyCertSign: refused");
	X509_free(x);
	X509_free(no_certsign);

	/* A CA from elsewhere without a subjectKeyIdentifier: what it signed
	 * would carry no authority key identifier and fail the verifier's
	 * RFC 5280 profile, so it is refused with the way out. */
	no_ski = fx_cert(&(struct fx_cert_spec){ .subject = "/CN=Old Root",
	    .key = fx_key(FX_EC_P256, 9), .no_kid = 1,
	    .ext = { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign,cRLSign" } });
	x = NULL;
	is_int(sign(r, no_ski, fx_key(FX_EC_P256, 9), MCERT_USAGE_BOTH, 365, 0,
	    &x, &err), MCERT_E_VERDICT, "a CA without SKI: refused");
	like(err.msg, "has no subject key identifier",
	    "a CA without SKI: the message says why");
	ok(x == NULL, "a CA without SKI: no certificate");
	X509_free(x);
	X509_free(no_ski);

	/* Days out of range, for sign and selfsign, before anything else. */
	for (i = 0; i < sizeof(bad_days) / sizeof(*bad_days); i++) {
		struct mcert_sign_opts o = { .usage = MCERT_USAGE_BOTH,
		    .days = bad_days[i] };
		struct mcert_subject s;
		char want[128];

		snprintf(want, sizeof(want), "--days %d is out of range; "
		    "give 1 to 36500", bad_days[i]);
		x = (X509 *)&err;
		is_int(sign(r, ca, ca_key, MCERT_USAGE_BOTH, bad_days[i], 0, &x,
		    &err), MCERT_E_INVALID, "sign --days %d: refused",
		    bad_days[i]);
		is_str(err.msg, want, "sign --days %d: message", bad_days[i]);
		ok(x == NULL, "sign --days %d: no certificate", bad_days[i]);
		subject_of(leaf_argv, MCERT_CN_HOST, &s);
		x = (X509 *)&err;
		is_int(mcert_ca_selfsign(ec_leaf_key, &s, &o, &x, &err),
		    MCERT_E_INVALID, "selfsign --days %d: refused",
		    bad_days[i]);
		is_str(err.msg, want, "selfsign --days %d: message",
		    bad_days[i]);
		ok(x == NULL, "selfsign --days %d: no certificate",
		    bad_days[i]);
		mcert_subject_free(&s);
	}
	X509_REQ_free(r);
}

/* ---- mcert_cert_write */

static void
test_cert_write(void)
{
	static const char *const argv[] = { "CN:cms1.example.com", NULL };
	X509 *x = selfsign(ec_leaf_key, argv, MCERT_CN_HOST, MCERT_USAGE_BOTH,
	    30);
	struct mcert_error err = { 0 };
	char *path = fx_path("cms1.crt"), want[1024];
	struct fx_buf pem = { NULL, 0 };
	unsigned char *buf;
	size_t n;

	is_int(mcert_cert_write(path, x, &err), MCERT_OK, "cert_write: "
	    "written");
	fx_cert_pem(x, &pem);
	ok(mcert_file_read(path, &buf, &n, NULL) == MCERT_OK &&
	    n == pem.len && memcmp(buf, pem.p, n) == 0,
	    "cert_write: the certificate as PEM");
	free(buf);
	is_int(mcert_cert_write(path, ca, &err), MCERT_E_IO,
	    "cert_write: never over a file");
	snprintf(want, sizeof(want), "%s already exists; meetcert never "
	    "overwrites a file (a live key replaced breaks its service at "
	    "once): choose a new name, such as one ending in -2", path);
	is_str(err.msg, want, "cert_write: message");
	ok(mcert_file_read(path, &buf, &n, NULL) == MCERT_OK &&
	    n == pem.len && memcmp(buf, pem.p, n) == 0,
	    "cert_write: the file untouched");
	free(buf);
	fx_buf_free(&pem);
	free(path);
	X509_free(x);
}

int
main(void)
{
	static const char *const ca_argv[] = { "CN:My company CA",
	    "O:Example Inc.", NULL };
	struct mcert_subject s;
	struct mcert_sign_opts o = { .usage = MCERT_USAGE_CA, .days = 3650 };
	struct mcert_error err = { 0 };

	ca_key = fx_key(FX_EC_P256, 0);
	ec_leaf_key = fx_key(FX_EC_P256, 1);
	rsa_key = fx_key(FX_RSA2048, 0);
	subject_of(ca_argv, MCERT_CN_FREE, &s);
	if (mcert_ca_selfsign(ca_key, &s, &o, &ca, &err) != MCERT_OK)
		tap_bail("CA: %s", err.msg);
	mcert_subject_free(&s);

	test_usage_parse();
	test_selfsign();
	test_sign_usage();
	test_sign_copies();
	test_sign_serial_validity();
	test_sign_ca_keys();
	test_refusals();
	test_cert_write();
	X509_free(ca);
	fx_cleanup();
	return tap_done();
}
