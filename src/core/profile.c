/* The RFC 5280 certificate profile and key policy, checked on every
 * certificate of a complete path: what a CA must not have issued in the
 * first place.  The Meeting Server's own rules (guide §2.2) are in rules.c. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "psl.h"
#include "verify-int.h"
#include "x509.h"

/* -1: absent; else the extension's critical flag. */
static int
ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	return i < 0 ? -1 : X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* RFC 5280 §4.1.2.2: a positive serial of at most 20 octets. */
static int
check_serial(struct builder *b, int i)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(
	    b->nodes[i].cert.x509);
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	int bad;

	bad = bn == NULL || BN_is_zero(bn) || BN_is_negative(bn) ||
	    BN_num_bytes(bn) > 20;
	BN_free(bn);
	ERR_clear_error();
	if (bad)
		verify_fail(b, 1, N_("%s has a serial number that is zero, "
		    "negative or longer than 20 bytes; the CA is broken, have "
		    "it issued again"), verify_describe(b, i));
	return bad ? -1 : 0;
}

/* Keys the Meeting Server and its peers accept: RSA of 2048 bits or more
 * (whole bytes), ECDSA on P-256, P-384 or P-521, Ed25519/Ed448. */
static int
check_key(struct builder *b, int i)
{
	struct mcert_key_info ki;

	if (mcert_key_info(X509_get0_pubkey(b->nodes[i].cert.x509), &ki) != 0) {
		verify_fail(b, 1, N_("%s has a public key that cannot be read; "
		    "have it issued again"), verify_describe(b, i));
		return -1;
	}
	if (strcmp(ki.type, "RSA") == 0 || strcmp(ki.type, "RSA-PSS") == 0) {
		if (ki.bits >= 2048 && ki.bits % 8 == 0)
			return 0;
		verify_fail(b, 1, N_("%s has a %d-bit RSA key; use RSA of 2048, "
		    "3072 or 4096 bits: make a new key and CSR"),
		    verify_describe(b, i), ki.bits);
		return -1;
	}
	if (strcmp(ki.type, "EC") == 0) {
		if (strcmp(ki.curve, "prime256v1") == 0 ||
		    strcmp(ki.curve, "secp384r1") == 0 ||
		    strcmp(ki.curve, "secp521r1") == 0)
			return 0;
		verify_fail(b, 1, N_("%s has an EC key on %s; use P-256 or "
		    "P-384 (named curves): make a new key and CSR"),
		    verify_describe(b, i), ki.curve);
		return -1;
	}
	if (strcmp(ki.type, "Ed25519") == 0 || strcmp(ki.type, "Ed448") == 0)
		return 0;
	verify_fail(b, 1, N_("%s has a %s key, which TLS peers refuse; use RSA "
	    "or ECDSA: make a new key and CSR"), verify_describe(b, i), ki.type);
	return -1;
}

/* SHA-1 and older digests are forgeable: browsers and the Meeting Server's
 * peers refuse certificates signed with them. */
static int
check_sigalg(struct builder *b, int i)
{
	int md = NID_undef, pk;

	if (!OBJ_find_sigid_algs(X509_get_signature_nid(b->nodes[i].cert.x509),
	    &md, &pk) || (md != NID_sha1 && md != NID_md5 && md != NID_md4 &&
	    md != NID_md2))
		return 0;
	verify_fail(b, 1, N_("%s is signed with %s, which is no longer "
	    "secure; have it issued again with SHA-256"), verify_describe(b, i),
	    OBJ_nid2sn(md));
	return -1;
}

/* RFC 5280 §4.2.1.1: every certificate but a self-signed one names its
 * issuer's key; a self-signed anchor that has the extension names itself. */
static int
check_akid(struct builder *b, int i, int anchor)
{
	X509 *x = b->nodes[i].cert.x509;
	AUTHORITY_KEYID *akid = X509_get_ext_d2i(x,
	    NID_authority_key_identifier, NULL, NULL);
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(x);
	int ok = 1;

	ERR_clear_error();
	if (!mcert_is_self_signed(x)) {
		/* An anchor is trusted as configured, AKI or not. */
		ok = anchor || (akid != NULL && akid->keyid != NULL);
		if (!ok)
			verify_fail(b, 1, N_("%s has no authority key identifier "
			    "naming its issuer's key (RFC 5280 requires one); "
			    "have the CA issue it again"), verify_describe(b, i));
	} else if (akid != NULL) {
		ok = akid->keyid != NULL && akid->issuer == NULL &&
		    akid->serial == NULL && (skid == NULL ||
		    ASN1_OCTET_STRING_cmp(akid->keyid, skid) == 0);
		if (!ok)
			verify_fail(b, 1, N_("%s is a self-signed CA whose "
			    "authority key identifier is malformed or names "
			    "another key; the root certificate is defective"),
			    verify_describe(b, i));
	}
	AUTHORITY_KEYID_free(akid);
	return ok ? 0 : -1;
}

static int
empty_subject(X509 *x)
{
	return X509_NAME_entry_count(X509_get_subject_name(x)) == 0;
}

/* What a CA certificate on the path must carry (RFC 5280 §4.1.2.6,
 * §4.2.1.2, §4.2.1.9, §4.2.1.10, §4.2.1.11). */
static int
check_ca_profile(struct builder *b, int i)
{
	X509 *x = b->nodes[i].cert.x509;
	NAME_CONSTRAINTS *nc;
	int crit;

	if (empty_subject(x)) {
		verify_fail(b, 1, N_("%s is a CA with an empty subject; the CA "
		    "certificate is defective"), verify_describe(b, i));
		return -1;
	}
	if (ext_critical(x, NID_basic_constraints) != 1) {
		verify_fail(b, 1, N_("%s is used as a CA but has no critical "
		    "basicConstraints CA:TRUE; get a proper CA certificate from "
		    "the CA"), verify_describe(b, i));
		return -1;
	}
	if (X509_get0_subject_key_id(x) == NULL) {
		verify_fail(b, 1, N_("%s is a CA without a subject key "
		    "identifier (RFC 5280 requires one); get a proper CA "
		    "certificate from the CA"), verify_describe(b, i));
		return -1;
	}
	if (ext_critical(x, NID_policy_constraints) == 0) {
		verify_fail(b, 1, N_("%s has policy constraints not marked "
		    "critical; the CA certificate is defective"),
		    verify_describe(b, i));
		return -1;
	}
	if ((crit = ext_critical(x, NID_name_constraints)) >= 0) {
		nc = X509_get_ext_d2i(x, NID_name_constraints, NULL, NULL);
		ERR_clear_error();
		if (crit == 0 || nc == NULL ||
		    (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 &&
		    sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0)) {
			NAME_CONSTRAINTS_free(nc);
			verify_fail(b, 1, N_("%s has name constraints that are "
			    "empty or not marked critical; the CA certificate is "
			    "defective"), verify_describe(b, i));
			return -1;
		}
		NAME_CONSTRAINTS_free(nc);
	}
	return 0;
}

/* RFC 1034 preferred name syntax, with one leading "*." allowed. */
static int
dns_name_ok(const char *s)
{
	size_t label = 0, total = strlen(s);
	const char *p = s;

	if (strncmp(p, "*.", 2) == 0)
		p += 2;
	if (*p == '\0' || total > 253)
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
		if ((label == 0 && *p == '-') || ++label > 63)
			return 0;
	}
	return label > 0 && p[-1] != '-';
}

/* A subject CN written as an IP address must be the canonical text of one
 * of the IP subjectAltNames (RFC 5952 for IPv6): a CN of "0xC0A80101" or
 * "192.168.001.001" next to an IP SAN hides what the certificate is for. */
static int
looks_like_ip(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)
		return strspn(s + 2, "0123456789abcdefABCDEF") == n - 2;
	if (strspn(s, "0123456789.") == n)
		return strchr(s, '.') != NULL;
	return strchr(s, ':') != NULL &&
	    strspn(s, "0123456789abcdefABCDEF:.") == n;
}

/* Host names in certificates are ASCII (IDNA A-labels, "xn--..."): a CN
 * in raw UTF-8 beside DNS subjectAltNames names a host no peer will ask
 * for. */
static int
cn_ascii(X509 *x, GENERAL_NAMES *gens)
{
	X509_NAME *name = X509_get_subject_name(x);
	int i = -1, k, dns = 0;

	for (k = 0; k < sk_GENERAL_NAME_num(gens); k++)
		dns |= sk_GENERAL_NAME_value(gens, k)->type == GEN_DNS;
	while (dns && (i = X509_NAME_get_index_by_NID(name, NID_commonName,
	    i)) >= 0) {
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(name, i));
		const unsigned char *p = ASN1_STRING_get0_data(cn);

		if (ASN1_STRING_type(cn) == V_ASN1_BMPSTRING ||
		    ASN1_STRING_type(cn) == V_ASN1_UNIVERSALSTRING)
			return 0;
		for (k = 0; k < ASN1_STRING_length(cn); k++)
			if (p[k] >= 0x80)
				return 0;
	}
	return 1;
}

static int
ip_cn_ok(X509 *x, GENERAL_NAMES *gens)
{
	X509_NAME *name = X509_get_subject_name(x);
	struct mcert_san *san = NULL;
	size_t n = 0, k;
	int i = -1, ok = 1;

	if (mcert_san_list(gens, &san, &n) != 0)
		return 1;
	while (ok && (i = X509_NAME_get_index_by_NID(name, NID_commonName, i))
	    >= 0) {
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(name, i));
		char buf[64];
		int has_ip = 0, found = 0;

		if (ASN1_STRING_length(cn) >= (int)sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s", ASN1_STRING_length(cn),
		    (const char *)ASN1_STRING_get0_data(cn));
		if (!looks_like_ip(buf))
			continue;
		for (k = 0; k < n; k++) {
			if (san[k].kind != MCERT_SAN_IP)
				continue;
			has_ip = 1;
			found |= strcmp(san[k].value, buf) == 0;
		}
		ok = !has_ip || found;
	}
	mcert_san_free(san, n);
	return ok;
}

/* What the leaf itself must look like. */
static int
check_leaf_profile(struct builder *b, int is_anchor)
{
	int i = b->path[0];
	X509 *x = b->nodes[i].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);
	GENERAL_NAMES *gens;
	AUTHORITY_INFO_ACCESS *aia;
	int k, crit, bad = 0;

	if (X509_get_version(x) != X509_VERSION_3 && !is_anchor) {
		verify_fail(b, 1, N_("%s is an X.509 version %ld certificate; "
		    "TLS needs version 3: have it issued again"),
		    verify_describe(b, i), X509_get_version(x) + 1);
		return -1;
	}
	if (!is_anchor && (flags & EXFLAG_CA)) {
		verify_fail(b, 1, N_("%s is a CA certificate (CA:TRUE) used as "
		    "a service certificate; have a server certificate issued "
		    "for it instead"), verify_describe(b, i));
		return -1;
	}
	if (!(flags & EXFLAG_CA) && (flags & EXFLAG_KUSAGE) &&
	    (X509_get_key_usage(x) & KU_KEY_CERT_SIGN)) {
		verify_fail(b, 1, N_("%s is not a CA but its KeyUsage has "
		    "keyCertSign; have it issued again without it"),
		    verify_describe(b, i));
		return -1;
	}
	if (!is_anchor && ext_critical(x, NID_name_constraints) >= 0) {
		verify_fail(b, 1, N_("%s is not a CA but carries name "
		    "constraints; have it issued again without them"),
		    verify_describe(b, i));
		return -1;
	}
	if (X509_get_ext_by_NID(x, NID_info_access, -1) >= 0) {
		aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
		bad = aia == NULL || sk_ACCESS_DESCRIPTION_num(aia) <= 0;
		AUTHORITY_INFO_ACCESS_free(aia);
		ERR_clear_error();
		if (bad) {
			verify_fail(b, 1, N_("%s has an empty or malformed "
			    "authority information access extension; have it "
			    "issued again"), verify_describe(b, i));
			return -1;
		}
	}
	crit = ext_critical(x, NID_subject_alt_name);
	if (crit >= 0 && crit != empty_subject(x)) {
		verify_fail(b, 1, crit ? N_("%s marks its subjectAltName "
		    "critical although it has a subject; have it issued again") :
		    N_("%s has an empty subject, so its subjectAltName must be "
		    "critical; have it issued again"), verify_describe(b, i));
		return -1;
	}
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	ERR_clear_error();
	for (k = 0; k < sk_GENERAL_NAME_num(gens) && !bad; k++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, k);
		char buf[256];
		int n;

		if (g->type != GEN_DNS)
			continue;
		n = ASN1_STRING_length(g->d.dNSName);
		snprintf(buf, sizeof(buf), "%.*s", n, (const char *)
		    ASN1_STRING_get0_data(g->d.dNSName));
		if ((size_t)n >= sizeof(buf) || strlen(buf) != (size_t)n ||
		    !dns_name_ok(buf)) {
			/* Quoted in the message: nothing that drives a
			 * terminal. */
			for (char *c = buf; *c != '\0'; c++)
				if ((unsigned char)*c < 0x20 ||
				    (unsigned char)*c >= 0x7f)
					*c = '?';
			verify_fail(b, 1, N_("%s has \"%s\" in its "
			    "subjectAltName, which is not a valid DNS name "
			    "(letters, digits, hyphens, dots); make a new CSR"),
			    verify_describe(b, i), buf);
			bad = 1;
		} else if (strncmp(buf, "*.", 2) == 0 &&
		    mcert_psl_is_suffix(buf + 2) == 1) {
			verify_fail(b, 1, N_("%s has the wildcard \"%s\", which "
			    "covers a whole public suffix; no CA may issue it, "
			    "name the hosts instead"), verify_describe(b, i),
			    buf);
			bad = 1;
		}
	}
	if (!bad && gens != NULL && !cn_ascii(x, gens)) {
		verify_fail(b, 1, N_("%s has a subject CN with non-ASCII "
		    "characters; internationalized host names go into "
		    "certificates as punycode (xn--...): make a new CSR"),
		    verify_describe(b, i));
		bad = 1;
	}
	if (!bad && gens != NULL && !ip_cn_ok(x, gens)) {
		verify_fail(b, 1, N_("%s has a subject CN written as an IP "
		    "address that is not one of its IP subjectAltNames; make a "
		    "new CSR with the CN also in subjectAltName"),
		    verify_describe(b, i));
		bad = 1;
	}
	GENERAL_NAMES_free(gens);
	return bad ? -1 : 0;
}

int
verify_check_profile(struct builder *b)
{
	size_t len = b->depth + 1, k;

	for (k = 0; k < len; k++) {
		int i = b->path[k];

		/* A trust anchor above the leaf is trusted as given: old
		 * roots have serial 0 and no AKI; its self-signature is not
		 * relied on. */
		int anchor = k > 0 && k + 1 == len;

		if ((!anchor && (check_serial(b, i) != 0 ||
		    check_sigalg(b, i) != 0)) || check_akid(b, i, anchor) != 0 ||
		    check_key(b, i) != 0)
			return -1;
		if (k > 0 && check_ca_profile(b, i) != 0)
			return -1;
	}
	return check_leaf_profile(b, len == 1);
}
