#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "verify-int.h"
#include "x509.h"

static char *
time_text(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

int
verify_self_issued(X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0;
}

/* guide §2.2: every certificate above the leaf must be marked as a CA. */
static int
check_ca(struct builder *b, int i, int is_anchor)
{
	X509 *x = b->nodes[i].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);
	int marked = 0;

	if (flags & EXFLAG_BCONS) {
		if (!(flags & EXFLAG_CA)) {
			verify_fail(b, 1, N_("%s is used as a CA but its "
			    "basicConstraints say CA:FALSE; the bundle holds a "
			    "server certificate where the issuing CA's "
			    "certificate belongs: get the CA certificate from "
			    "the CA"), verify_describe(b, i));
			return -1;
		}
		marked = 1;
	}
	if (flags & EXFLAG_KUSAGE) {
		if (!(X509_get_key_usage(x) & KU_KEY_CERT_SIGN)) {
			verify_fail(b, 1, N_("%s is used as a CA but its KeyUsage "
			    "lacks keyCertSign; it may not sign certificates: "
			    "use the CA's real CA certificate"), verify_describe(b, i));
			return -1;
		}
		marked = 1;
	}
	if (flags & EXFLAG_NSCERT) {
		ASN1_BIT_STRING *ns = X509_get_ext_d2i(x,
		    NID_netscape_cert_type, NULL, NULL);
		int sslca = ns != NULL && ASN1_BIT_STRING_get_bit(ns, 5);

		ASN1_BIT_STRING_free(ns);
		if (!sslca && !marked) {
			verify_fail(b, 1, N_("%s is used as a CA but its Netscape cert "
			    "type lacks SSL CA; use the CA's real CA "
			    "certificate"), verify_describe(b, i));
			return -1;
		}
		marked |= sslca;
	}
	if (!marked && !is_anchor) {
		verify_fail(b, 1, N_("%s is used as a CA but carries no CA marking "
		    "(basicConstraints CA:TRUE, KeyUsage keyCertSign or Netscape "
		    "SSL CA); get a proper CA certificate from the CA"),
		    verify_describe(b, i));
		return -1;
	}
	return 0;
}

static int
check_time(struct builder *b, int i)
{
	X509 *x = b->nodes[i].cert.x509;
	time_t nb, na;
	char t1[40], t2[40];

	if (mcert_asn1_time(X509_get0_notBefore(x), &nb) != 0 ||
	    mcert_asn1_time(X509_get0_notAfter(x), &na) != 0) {
		verify_fail(b, 1, N_("%s has validity dates that cannot be read; get "
		    "it again from the CA"), verify_describe(b, i));
		return -1;
	}
	if (b->now > na) {
		verify_fail(b, 1, N_("%s expired on %s; %s"), verify_describe(b, i),
		    time_text(na, t1, sizeof(t1)), i == b->path[0] ?
		    mcert_tr(N_("renew it: make a new key and CSR and have it "
		    "signed")) : mcert_tr(N_("get the CA's current certificate "
		    "and put it in the bundle instead")));
		return -1;
	}
	if (b->now < nb) {
		verify_fail(b, 1, N_("%s is not valid until %s (checked at %s); wait, "
		    "or check the clock of the machine that signed it"),
		    verify_describe(b, i), time_text(nb, t1, sizeof(t1)),
		    time_text(b->now, t2, sizeof(t2)));
		return -1;
	}
	return 0;
}

static int
check_extensions(struct builder *b, int i)
{
	X509 *x = b->nodes[i].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);

	if (flags & EXFLAG_INVALID) {
		verify_fail(b, 1, N_("%s has a malformed or duplicated extension; "
		    "the CA must issue it again"), verify_describe(b, i));
		return -1;
	}
	if (flags & EXFLAG_CRITICAL) {
		verify_fail(b, 1, N_("%s has a critical extension that is not "
		    "understood; the Meeting Server will refuse it, ask the CA "
		    "for a certificate without it"), verify_describe(b, i));
		return -1;
	}
	return 0;
}

/* RFC 5280 §4.2.1.9: a CA's pathLenConstraint counts the non-self-issued
 * intermediates below it. */
static int
check_pathlen(struct builder *b, size_t len)
{
	size_t k, m;

	for (k = 1; k < len; k++) {
		X509 *x = b->nodes[b->path[k]].cert.x509;
		long plen = X509_get_pathlen(x);
		long below = 0;

		if (plen < 0)
			continue;
		for (m = 1; m < k; m++)
			below += !verify_self_issued(b->nodes[b->path[m]].cert.x509);
		if (below > plen) {
			verify_fail(b, 1, N_("%s allows %ld intermediate CA(s) below "
			    "it (pathlen) but the chain has %ld; the CA must "
			    "issue from a CA that is allowed to"),
			    verify_describe(b, b->path[k]), plen, below);
			return -1;
		}
	}
	return 0;
}

/* A wildcard SAN "*.example.com" stands for every name one label below
 * example.com, so an excluded subtree such as "bar.example.com" forbids it
 * (RFC 5280 does not say so; CVE-2025-61727 shows why it must). */
static int
wildcard_excluded(X509 *leaf, NAME_CONSTRAINTS *nc)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL,
	    NULL);
	int i, k, hit = 0;

	for (i = 0; i < sk_GENERAL_NAME_num(gens) && !hit; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const char *w;
		size_t wl;

		if (g->type != GEN_DNS || ASN1_STRING_length(g->d.dNSName) < 3)
			continue;
		w = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		wl = (size_t)ASN1_STRING_length(g->d.dNSName);
		if (w[0] != '*' || w[1] != '.')
			continue;
		w += 1;		/* ".example.com" */
		wl -= 1;
		for (k = 0; k < sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) &&
		    !hit; k++) {
			const GENERAL_NAME *base = sk_GENERAL_SUBTREE_value(
			    nc->excludedSubtrees, k)->base;
			const char *e;
			size_t el;

			if (base->type != GEN_DNS)
				continue;
			e = (const char *)ASN1_STRING_get0_data(base->d.dNSName);
			el = (size_t)ASN1_STRING_length(base->d.dNSName);
			if (el > 0 && e[0] == '.') {
				e++;
				el--;
			}
			/* e is "label" + w, with one label only. */
			hit = el > wl && strncasecmp(e + el - wl, w, wl) == 0 &&
			    memchr(e, '.', el - wl) == NULL;
		}
	}
	GENERAL_NAMES_free(gens);
	return hit;
}

static int
check_name_constraints(struct builder *b, size_t len)
{
	size_t k, m;

	for (k = 1; k < len; k++) {
		X509 *ca = b->nodes[b->path[k]].cert.x509;
		NAME_CONSTRAINTS *nc = X509_get_ext_d2i(ca,
		    NID_name_constraints, NULL, NULL);
		int r = X509_V_OK;

		if (nc == NULL) {
			ERR_clear_error();
			continue;
		}
		for (m = 0; m < k && r == X509_V_OK; m++) {
			X509 *x = b->nodes[b->path[m]].cert.x509;

			if (m > 0 && verify_self_issued(x))
				continue;
			r = NAME_CONSTRAINTS_check(x, nc);
			if (r == X509_V_OK && m == 0)
				r = NAME_CONSTRAINTS_check_CN(x, nc);
			if (r == X509_V_OK && m == 0 && wildcard_excluded(x, nc))
				r = X509_V_ERR_EXCLUDED_VIOLATION;
			if (r != X509_V_OK) {
				verify_fail(b, 1, N_("%s carries a name that %s's name "
				    "constraints do not allow (%s); this CA may "
				    "not issue for that name"),
				    verify_describe(b, b->path[m]),
				    verify_describe(b, b->path[k]),
				    X509_verify_cert_error_string(r));
			}
		}
		NAME_CONSTRAINTS_free(nc);
		ERR_clear_error();
		if (r != X509_V_OK)
			return -1;
	}
	return 0;
}

/* guide §2.2: the leaf's usages for a client or a server connection. */
static int
check_role(struct builder *b)
{
	X509 *x = b->nodes[b->path[0]].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);
	int server = b->opts->role == MCERT_ROLE_SERVER;
	uint32_t ku_need = server ? (KU_DIGITAL_SIGNATURE |
	    KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT) : (KU_DIGITAL_SIGNATURE |
	    KU_KEY_AGREEMENT);
	const char *role = server ? "server" : "client";

	if (b->opts->role == MCERT_ROLE_ANY)
		return 0;
	if ((flags & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(x) &
	    (server ? XKU_SSL_SERVER : XKU_SSL_CLIENT))) {
		verify_fail(b, 1, N_("%s cannot be used as a TLS %s: its "
		    "ExtendedKeyUsage lacks %s; have it signed again with a "
		    "template that includes %s"), verify_describe(b, b->path[0]), role,
		    server ? "serverAuth (TLS Web Server Authentication)" :
		    "clientAuth (TLS Web Client Authentication)",
		    server ? "serverAuth" : "clientAuth");
		return -1;
	}
	if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & ku_need)) {
		verify_fail(b, 1, N_("%s cannot be used as a TLS %s: its KeyUsage has "
		    "none of %s; have it signed again with digitalSignature"),
		    verify_describe(b, b->path[0]), role, server ?
		    "digitalSignature, keyEncipherment, keyAgreement" :
		    "digitalSignature, keyAgreement");
		return -1;
	}
	if (flags & EXFLAG_NSCERT) {
		ASN1_BIT_STRING *ns = X509_get_ext_d2i(x,
		    NID_netscape_cert_type, NULL, NULL);
		int ok = ns != NULL && ASN1_BIT_STRING_get_bit(ns, server ? 1 : 0);

		ASN1_BIT_STRING_free(ns);
		if (!ok) {
			verify_fail(b, 1, N_("%s cannot be used as a TLS %s: its "
			    "Netscape cert type lacks SSL %s; have it signed "
			    "again without that extension or with the bit set"),
			    verify_describe(b, b->path[0]), role,
			    server ? "Server" : "Client");
			return -1;
		}
	}
	return 0;
}

static int
has_dns_san(X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	int i, found = 0;

	for (i = 0; i < sk_GENERAL_NAME_num(gens) && !found; i++)
		found = sk_GENERAL_NAME_value(gens, i)->type == GEN_DNS;
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return found;
}

static int
is_ip(const char *name)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

/* The name check; *by_cn is set when only the subject CN matched. */
static int
check_name(struct builder *b, int *by_cn)
{
	X509 *x = b->nodes[b->path[0]].cert.x509;
	const char *name = b->opts->name;
	unsigned int fl = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
	int r;

	*by_cn = 0;
	if (name == NULL)
		return 0;
	if (is_ip(name)) {
		r = X509_check_ip_asc(x, name, 0);
	} else {
		r = X509_check_host(x, name, 0,
		    fl | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL);
		if (r != 1 && !has_dns_san(x)) {
			r = X509_check_host(x, name, 0, fl, NULL);
			*by_cn = r == 1;
		}
	}
	ERR_clear_error();
	if (r != 1) {
		verify_fail(b, 1, N_("%s is not valid for %s: the name is not in its "
		    "subjectAltName; make a new CSR with %s in subjectAltName"),
		    verify_describe(b, b->path[0]), name, name);
		return -1;
	}
	return 0;
}

/* A CA whose ExtendedKeyUsage lacks the role's purpose may not issue for
 * it (as OpenSSL's -purpose checks do). */
static int
check_ca_usage(struct builder *b, size_t len)
{
	uint32_t need = b->opts->role == MCERT_ROLE_SERVER ? XKU_SSL_SERVER :
	    XKU_SSL_CLIENT;
	size_t k;

	if (b->opts->role == MCERT_ROLE_ANY)
		return 0;
	for (k = 1; k < len; k++) {
		X509 *x = b->nodes[b->path[k]].cert.x509;

		if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
		    !(X509_get_extended_key_usage(x) & (need | XKU_ANYEKU))) {
			verify_fail(b, 1, N_("%s may not issue TLS %s "
			    "certificates: its ExtendedKeyUsage lacks %s; use a "
			    "CA (or template) meant for TLS"),
			    verify_describe(b, b->path[k]),
			    need == XKU_SSL_SERVER ? "server" : "client",
			    need == XKU_SSL_SERVER ? "serverAuth" : "clientAuth");
			return -1;
		}
	}
	return 0;
}

/* RFC 5280 §5, §6.3: a CRL signed by the certificate's issuer that lists
 * its serial revokes it; a CRL without a non-critical CRLNumber, or from an
 * issuer whose KeyUsage lacks cRLSign, cannot be relied on. */
static int
check_revocation(struct builder *b, size_t len)
{
	size_t k, c;

	for (k = 0; k + 1 < len; k++) {
		X509 *x = b->nodes[b->path[k]].cert.x509;
		X509 *issuer = b->nodes[b->path[k + 1]].cert.x509;
		EVP_PKEY *pk = X509_get0_pubkey(issuer);

		for (c = 0; c < b->opts->ncrls; c++) {
			X509_CRL *crl = b->opts->crls[c];
			X509_REVOKED *rev;
			int i;

			if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
			    X509_get_subject_name(issuer)) != 0 || pk == NULL ||
			    X509_CRL_verify(crl, pk) != 1) {
				ERR_clear_error();
				continue;
			}
			if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) &&
			    !(X509_get_key_usage(issuer) & KU_CRL_SIGN)) {
				verify_fail(b, 1, N_("the CRL for %s is signed by "
				    "%s, whose KeyUsage lacks cRLSign; the CRL "
				    "cannot be trusted, ask the CA"),
				    verify_describe(b, b->path[k]),
				    verify_describe(b, b->path[k + 1]));
				return -1;
			}
			i = X509_CRL_get_ext_by_NID(crl, NID_crl_number, -1);
			if (i < 0 || X509_EXTENSION_get_critical(
			    X509_CRL_get_ext(crl, i))) {
				verify_fail(b, 1, N_("the CRL for %s has a missing "
				    "or critical CRL number; the CRL is defective, "
				    "ask the CA"), verify_describe(b, b->path[k]));
				return -1;
			}
			if (X509_CRL_get0_by_serial(crl, &rev, (ASN1_INTEGER *)
			    X509_get0_serialNumber(x)) == 1) {
				verify_fail(b, 1, N_("%s is revoked by its CA's "
				    "CRL; replace it with a new certificate"),
				    verify_describe(b, b->path[k]));
				return -1;
			}
		}
	}
	ERR_clear_error();
	return 0;
}

int
verify_check_path(struct builder *b)
{
	size_t len = b->depth + 1, k, inter;
	int by_cn;

	b->res->paths_tried++;
	/* Self-issued certificates (a CA's key rollover) are not counted. */
	for (k = 1, inter = 0; k + 1 < len; k++)
		inter += !verify_self_issued(b->nodes[b->path[k]].cert.x509);
	if (b->opts->max_depth >= 0 && inter > (size_t)b->opts->max_depth) {
		verify_fail(b, 1, N_("the chain through %s has %zu intermediate "
		    "CAs, more than the %d allowed"),
		    verify_describe(b, b->path[len - 1]), inter,
		    b->opts->max_depth);
		return -1;
	}
	for (k = 0; k < len; k++) {
		if (check_extensions(b, b->path[k]) != 0 ||
		    check_time(b, b->path[k]) != 0)
			return -1;
		if (k > 0 && check_ca(b, b->path[k], k == len - 1) != 0)
			return -1;
	}
	if (verify_check_profile(b) != 0 || check_pathlen(b, len) != 0 ||
	    check_name_constraints(b, len) != 0 || check_role(b) != 0 ||
	    check_ca_usage(b, len) != 0 || check_revocation(b, len) != 0 ||
	    check_name(b, &by_cn) != 0)
		return -1;
	if (by_cn)
		mcert_findings_add(&b->res->findings, MCERT_LEVEL_WARNING,
		    N_("%s matches %s only through its subject CN, which "
		    "browsers and the Meeting Server's peers ignore; reissue it "
		    "with %s in subjectAltName"), verify_describe(b, b->path[0]),
		    b->opts->name, b->opts->name);
	return 0;
}
