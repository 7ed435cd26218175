#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "x509.h"

char *
mcert_name_oneline(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long len;

	if (bio == NULL)
		return NULL;
	/* RFC 2253 order (CN first) but UTF-8 kept as is for the terminal. */
	if (X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		if ((out = malloc((size_t)len + 1)) != NULL) {
			if (len > 0)
				memcpy(out, data, (size_t)len);
			out[len] = '\0';
		}
	}
	BIO_free(bio);
	return out;
}

char *
mcert_cert_label(X509 *x)
{
	X509_NAME *name = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	char *out;
	int n;

	if (i >= 0 && (n = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)))) >= 0) {
		out = malloc((size_t)n + 4);
		if (out != NULL) {
			snprintf(out, (size_t)n + 4, "CN=%s", (char *)utf8);
			/* The CN is the CA customer's text: no control
			 * characters may reach a terminal or forge a line. */
			for (char *c = out; *c != '\0'; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					*c = '?';
		}
		OPENSSL_free(utf8);
		return out;
	}
	ERR_clear_error();
	if (X509_NAME_entry_count(name) == 0)
		return strdup("(empty subject)");
	return mcert_name_oneline(name);
}

const char *
mcert_ku_name(unsigned int bit)
{
	static const char *const names[] = {
		"digitalSignature", "nonRepudiation", "keyEncipherment",
		"dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
		"encipherOnly", "decipherOnly",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (bit == 1u << i)
			return names[i];
	return "?";
}

int
mcert_asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = timegm(&tm);
	return 0;
}

static void
hex_colon(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && o + 4 <= outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, i ? ":%02X" : "%02X",
		    p[i]);
}

static char *
hex_colon_dup(const ASN1_OCTET_STRING *s)
{
	size_t n = (size_t)ASN1_STRING_length(s);
	char *out = malloc(n * 3 + 1);

	if (out != NULL)
		hex_colon(ASN1_STRING_get0_data(s), n, out, n * 3 + 1);
	return out;
}

int
mcert_fingerprint(X509 *x, char *out, size_t outsz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n;

	if (!X509_digest(x, EVP_sha256(), md, &n))
		return -1;
	hex_colon(md, n, out, outsz);
	return 0;
}

int
mcert_is_self_signed(X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	int r;

	/* Names and own signature only: OpenSSL's X509_self_signed also
	 * wants a matching AKI, which hides a root with a broken AKI. */
	r = pk != NULL && X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 && X509_verify(x, pk) == 1;
	ERR_clear_error();
	return r;
}

int
mcert_key_info(const EVP_PKEY *k, struct mcert_key_info *info)
{
	const char *name;
	size_t len;

	memset(info, 0, sizeof(*info));
	if (k == NULL)
		return -1;
	if (EVP_PKEY_is_a(k, "RSA"))
		name = "RSA";
	else if (EVP_PKEY_is_a(k, "RSA-PSS"))
		name = "RSA-PSS";
	else if (EVP_PKEY_is_a(k, "EC"))
		name = "EC";
	else if (EVP_PKEY_is_a(k, "ED25519"))
		name = "Ed25519";
	else if (EVP_PKEY_is_a(k, "ED448"))
		name = "Ed448";
	else if (EVP_PKEY_is_a(k, "DSA"))
		name = "DSA";
	else if ((name = EVP_PKEY_get0_type_name(k)) == NULL)
		name = "unknown";
	snprintf(info->type, sizeof(info->type), "%s", name);
	info->bits = EVP_PKEY_get_bits(k);
	if (EVP_PKEY_is_a(k, "EC")) {
		char enc[32] = "";

		/* Explicit curve parameters may still resolve to a name. */
		EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING,
		    enc, sizeof(enc), &len);
		if (strcmp(enc, OSSL_PKEY_EC_ENCODING_EXPLICIT) == 0 ||
		    !EVP_PKEY_get_utf8_string_param(k,
		    OSSL_PKEY_PARAM_GROUP_NAME, info->curve,
		    sizeof(info->curve), &len))
			snprintf(info->curve, sizeof(info->curve), "explicit");
	}
	ERR_clear_error();
	return 0;
}

void
mcert_san_free(struct mcert_san *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].value);
	free(v);
}

static char *
ip_text(const ASN1_OCTET_STRING *ip)
{
	const unsigned char *p = ASN1_STRING_get0_data(ip);
	int n = ASN1_STRING_length(ip);
	char buf[INET6_ADDRSTRLEN + 32];

	/* inet_ntop writes IPv6 in RFC 5952 form, as certificates should. */
	if ((n != 4 || inet_ntop(AF_INET, p, buf, sizeof(buf)) == NULL) &&
	    (n != 16 || inet_ntop(AF_INET6, p, buf, sizeof(buf)) == NULL))
		snprintf(buf, sizeof(buf), "(%d-byte address)", n);
	return strdup(buf);
}

static char *
ia5_text(const ASN1_STRING *s)
{
	int n = ASN1_STRING_length(s);
	char *out = malloc((size_t)n + 1);

	if (out != NULL) {
		memcpy(out, ASN1_STRING_get0_data(s), (size_t)n);
		out[n] = '\0';
		/* IA5 is ASCII: a NUL would hide the rest from the reader, a
		 * control character could drive the terminal, and other bytes
		 * are not UTF-8 for JSON.  Show each as '?'. */
		for (int i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 ||
			    (unsigned char)out[i] >= 0x7f)
				out[i] = '?';
	}
	return out;
}

int
mcert_san_list(const GENERAL_NAMES *gens, struct mcert_san **out, size_t *n)
{
	struct mcert_san *v;
	int i, count = sk_GENERAL_NAME_num(gens);

	*out = NULL;
	*n = 0;
	if (count <= 0)
		return 0;
	if ((v = calloc((size_t)count, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		struct mcert_san *s = &v[i];

		switch (g->type) {
		case GEN_DNS:
			s->kind = MCERT_SAN_DNS;
			s->value = ia5_text(g->d.dNSName);
			break;
		case GEN_IPADD:
			s->kind = MCERT_SAN_IP;
			s->value = ip_text(g->d.iPAddress);
			break;
		case GEN_EMAIL:
			s->kind = MCERT_SAN_EMAIL;
			s->value = ia5_text(g->d.rfc822Name);
			break;
		case GEN_URI:
			s->kind = MCERT_SAN_URI;
			s->value = ia5_text(g->d.uniformResourceIdentifier);
			break;
		case GEN_DIRNAME:
			s->kind = MCERT_SAN_OTHER;
			s->value = mcert_name_oneline(g->d.directoryName);
			break;
		default:
			s->kind = MCERT_SAN_OTHER;
			s->value = strdup("(other name)");
			break;
		}
		if (s->value == NULL) {
			mcert_san_free(v, (size_t)i);
			return -1;
		}
	}
	*out = v;
	*n = (size_t)count;
	return 0;
}

static char *
serial_text(const ASN1_INTEGER *serial)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	unsigned char *buf = NULL;
	char *out = NULL;
	int n;

	if (bn == NULL)
		return NULL;
	n = BN_num_bytes(bn);
	if ((buf = malloc((size_t)n + 1)) != NULL &&
	    (out = malloc((size_t)n * 3 + 3)) != NULL) {
		BN_bn2bin(bn, buf);
		if (n == 0) {
			strcpy(out, "00");
		} else {
			size_t o = BN_is_negative(bn) ? 1 : 0;

			out[0] = '-';
			hex_colon(buf, (size_t)n, out + o, (size_t)n * 3 + 1);
		}
	}
	free(buf);
	BN_free(bn);
	return out;
}

static unsigned int
ku_bits(X509 *x)
{
	static const unsigned int map[][2] = {
		{ KU_DIGITAL_SIGNATURE, MCERT_KU_DIGITAL_SIGNATURE },
		{ KU_NON_REPUDIATION, MCERT_KU_NON_REPUDIATION },
		{ KU_KEY_ENCIPHERMENT, MCERT_KU_KEY_ENCIPHERMENT },
		{ KU_DATA_ENCIPHERMENT, MCERT_KU_DATA_ENCIPHERMENT },
		{ KU_KEY_AGREEMENT, MCERT_KU_KEY_AGREEMENT },
		{ KU_KEY_CERT_SIGN, MCERT_KU_KEY_CERT_SIGN },
		{ KU_CRL_SIGN, MCERT_KU_CRL_SIGN },
		{ KU_ENCIPHER_ONLY, MCERT_KU_ENCIPHER_ONLY },
		{ KU_DECIPHER_ONLY, MCERT_KU_DECIPHER_ONLY },
	};
	uint32_t ku = X509_get_key_usage(x);
	unsigned int out = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (ku & map[i][0])
			out |= map[i][1];
	return out;
}

static int
eku_list(X509 *x, struct mcert_cert_info *info)
{
	EXTENDED_KEY_USAGE *eku;
	int i, n, crit;
	char buf[128];

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (eku == NULL) {
		ERR_clear_error();
		info->has_eku = crit != -1;	/* -1: absent */
		return 0;
	}
	info->has_eku = 1;
	n = sk_ASN1_OBJECT_num(eku);
	if (n > 0 && (info->eku = calloc((size_t)n, sizeof(char *))) == NULL) {
		EXTENDED_KEY_USAGE_free(eku);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		int nid = OBJ_obj2nid(o);

		if (nid != NID_undef)
			snprintf(buf, sizeof(buf), "%s", OBJ_nid2sn(nid));
		else
			OBJ_obj2txt(buf, sizeof(buf), o, 1);
		if ((info->eku[i] = strdup(buf)) == NULL)
			break;
		info->neku++;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return i == n ? 0 : -1;
}

static void
ns_bits(X509 *x, struct mcert_cert_info *info)
{
	ASN1_BIT_STRING *ns;
	int crit;

	ns = X509_get_ext_d2i(x, NID_netscape_cert_type, &crit, NULL);
	info->has_ns = ns != NULL || crit >= 0;
	if (ns == NULL) {
		ERR_clear_error();
		return;
	}
	/* Bit 0 is SSL client (0x80 of the first octet), bit 5 SSL CA. */
	for (int b = 0; b < 8; b++)
		if (ASN1_BIT_STRING_get_bit(ns, b))
			info->ns |= 0x80u >> b;
	ASN1_BIT_STRING_free(ns);
}

static void
bc_info(X509 *x, struct mcert_cert_info *info)
{
	BASIC_CONSTRAINTS *bc;
	int crit;

	info->pathlen = -1;
	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	info->has_bc = bc != NULL || crit >= 0;
	if (bc == NULL) {
		ERR_clear_error();
		return;
	}
	info->ca = bc->ca != 0;
	if (bc->pathlen != NULL)
		info->pathlen = ASN1_INTEGER_get(bc->pathlen);
	BASIC_CONSTRAINTS_free(bc);
}

static enum mcert_validity
validity_at(time_t nb, time_t na, time_t now)
{
	if (now < nb)
		return MCERT_NOT_YET_VALID;
	if (now > na)
		return MCERT_EXPIRED;
	if (na - now < (time_t)MCERT_EXPIRES_SOON_DAYS * 86400)
		return MCERT_EXPIRES_SOON;
	return MCERT_VALID;
}

static long
days_between(time_t from, time_t to)
{
	time_t d = to - from;

	return (long)(d >= 0 ? d / 86400 : -((-d + 86399) / 86400));
}

int
mcert_cert_info(X509 *x, time_t now, struct mcert_cert_info *info,
    struct mcert_error *err)
{
	GENERAL_NAMES *gens;
	const ASN1_OCTET_STRING *id;
	int ret = MCERT_E_NOMEM, crit;

	memset(info, 0, sizeof(*info));
	X509_check_purpose(x, -1, 0);	/* caches the extensions */
	if ((info->subject = mcert_name_oneline(X509_get_subject_name(x))) ==
	    NULL || (info->issuer = mcert_name_oneline(
	    X509_get_issuer_name(x))) == NULL ||
	    (info->serial = serial_text(X509_get0_serialNumber(x))) == NULL)
		goto fail;
	if (mcert_asn1_time(X509_get0_notBefore(x), &info->not_before) != 0 ||
	    mcert_asn1_time(X509_get0_notAfter(x), &info->not_after) != 0) {
		ret = mcert_error_set(err, MCERT_E_PARSE,
		    N_("the certificate's validity dates cannot be read"));
		goto out;
	}
	info->days_left = days_between(now, info->not_after);
	info->validity = validity_at(info->not_before, info->not_after, now);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	if (gens != NULL) {
		int r = mcert_san_list(gens, &info->san, &info->nsan);

		GENERAL_NAMES_free(gens);
		if (r != 0)
			goto fail;
	}
	ERR_clear_error();
	mcert_key_info(X509_get0_pubkey(x), &info->key);
	OBJ_obj2txt(info->sig_alg, sizeof(info->sig_alg),
	    OBJ_nid2obj(X509_get_signature_nid(x)), 0);
	info->has_ku = (X509_get_extension_flags(x) & EXFLAG_KUSAGE) != 0;
	info->ku = info->has_ku ? ku_bits(x) : 0;
	if (eku_list(x, info) != 0)
		goto fail;
	bc_info(x, info);
	ns_bits(x, info);
	if ((id = X509_get0_subject_key_id(x)) != NULL &&
	    (info->ski = hex_colon_dup(id)) == NULL)
		goto fail;
	if ((id = X509_get0_authority_key_id(x)) != NULL &&
	    (info->aki = hex_colon_dup(id)) == NULL)
		goto fail;
	mcert_fingerprint(x, info->sha256, sizeof(info->sha256));
	/* Names and key identifiers, as OpenSSL flags it: verifying every
	 * root's own signature would double the cost of inspecting a
	 * trust store, and the verifier checks signatures where it matters. */
	info->self_signed = (X509_get_extension_flags(x) & EXFLAG_SS) != 0;
	info->version = (int)X509_get_version(x) + 1;
	ERR_clear_error();
	return MCERT_OK;
fail:
	ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
out:
	mcert_cert_info_free(info);
	ERR_clear_error();
	return ret;
}

void
mcert_cert_info_free(struct mcert_cert_info *info)
{
	size_t i;

	free(info->subject);
	free(info->issuer);
	free(info->serial);
	mcert_san_free(info->san, info->nsan);
	for (i = 0; i < info->neku; i++)
		free(info->eku[i]);
	free(info->eku);
	free(info->ski);
	free(info->aki);
	memset(info, 0, sizeof(*info));
}

int
mcert_csr_info(X509_REQ *r, struct mcert_csr_info *info,
    struct mcert_error *err)
{
	STACK_OF(X509_EXTENSION) *exts;
	GENERAL_NAMES *gens = NULL;
	EVP_PKEY *pub;
	int i;

	memset(info, 0, sizeof(*info));
	if ((info->subject = mcert_name_oneline(X509_REQ_get_subject_name(r)))
	    == NULL)
		goto fail;
	if ((exts = X509_REQ_get_extensions(r)) != NULL) {
		i = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
		if (i >= 0)
			gens = X509V3_EXT_d2i(X509v3_get_ext(exts, i));
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	if (gens != NULL) {
		i = mcert_san_list(gens, &info->san, &info->nsan);
		GENERAL_NAMES_free(gens);
		if (i != 0)
			goto fail;
	}
	pub = X509_REQ_get0_pubkey(r);
	mcert_key_info(pub, &info->key);
	OBJ_obj2txt(info->sig_alg, sizeof(info->sig_alg),
	    OBJ_nid2obj(X509_REQ_get_signature_nid(r)), 0);
	info->signature_ok = pub != NULL && X509_REQ_verify(r, pub) == 1;
	ERR_clear_error();
	return MCERT_OK;
fail:
	mcert_csr_info_free(info);
	ERR_clear_error();
	return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
}

void
mcert_csr_info_free(struct mcert_csr_info *info)
{
	free(info->subject);
	mcert_san_free(info->san, info->nsan);
	memset(info, 0, sizeof(*info));
}

int
mcert_key_matches(EVP_PKEY *key, EVP_PKEY *pub)
{
	int r;

	if (key == NULL || pub == NULL)
		return 0;
	r = EVP_PKEY_eq(key, pub);
	ERR_clear_error();
	return r == 1;
}
