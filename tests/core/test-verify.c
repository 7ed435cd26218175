/* mcert_verify: chain building and the Meeting Server's rules (guide
 * §2.2), the RFC 5280 profile around them, and the warnings; and
 * mcert_bundle_format_findings (guide §1.2.4). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "load.h"
#include "tap.h"
#include "verify.h"
#include "x509.h"

#define KEY_RSA	100	/* in struct crt: RSA slot 0 instead of EC P-256 */
#define KEY_ED	101	/* in struct crt: Ed25519 slot 0 */

/* The certificates every case draws from.  issuer NULL: self-signed;
 * key: EC P-256 slot (the same slot is the same key); nb/na: days from
 * fx_now() (both 0: -1 and +365). */
static const struct crt {
	const char *name;
	const char *subject;
	int key;
	const char *issuer;
	long nb, na;
	int v1, no_kid;
	const char *serial;
	const char *ext[8];
} crts[] = {
#define CA "basicConstraints=critical,CA:TRUE", \
	"keyUsage=critical,keyCertSign,cRLSign"
#define LEAF "basicConstraints=CA:FALSE", \
	"keyUsage=critical,digitalSignature,keyEncipherment", \
	"extendedKeyUsage=serverAuth,clientAuth"
	{ "root", "/O=Example/CN=Root CA", 0, NULL, -2000, 3650, 0, 0, "01",
	    { CA } },
	{ "inter", "/O=Example/CN=Issuing CA", 1, "root", -1000, 1825, 0, 0,
	    NULL, { CA } },
	{ "leaf", "/CN=leaf.example.com", 15, "inter", -1, 365, 0, 0, "5EAF",
	    { LEAF, "subjectAltName=DNS:leaf.example.com,IP:192.0.2.10" } },
	{ "rsa-leaf", "/CN=rsa.example.com", KEY_RSA, "inter", -1, 365, 0, 0,
	    NULL, { LEAF, "subjectAltName=DNS:rsa.example.com" } },
	{ "ed-leaf", "/CN=ed.example.com", KEY_ED, "inter", -1, 365, 0, 0,
	    NULL, { "keyUsage=critical,digitalSignature",
	    "extendedKeyUsage=serverAuth", "subjectAltName=DNS:ed.example.com" }
	    },

	/* Usages of the leaf, guide §2.2. */
	{ "eku-server", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "extendedKeyUsage=serverAuth" } },
	{ "eku-client", "/CN=postgres", 15, "inter", 0, 0, 0, 0, NULL,
	    { "extendedKeyUsage=clientAuth" } },
	{ "eku-email", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "extendedKeyUsage=emailProtection" } },
	{ "eku-any", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "extendedKeyUsage=anyExtendedKeyUsage" } },
	{ "eku-server-any", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0,
	    NULL, { "extendedKeyUsage=serverAuth,anyExtendedKeyUsage" } },
	{ "no-usage", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { NULL } },
	{ "ku-ds", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "keyUsage=critical,digitalSignature" } },
	{ "ku-ke", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "keyUsage=critical,keyEncipherment" } },
	{ "ku-ka", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "keyUsage=critical,keyAgreement" } },
	{ "ku-nr", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "keyUsage=critical,nonRepudiation" } },
	{ "ku-de", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "keyUsage=critical,dataEncipherment" } },
	{ "ns-server", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "nsCertType=server" } },
	{ "ns-client", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "nsCertType=client" } },
	{ "ns-both", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "nsCertType=client,server" } },
	{ "ns-email", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { "nsCertType=email" } },
	{ "eku-server-ku-nr", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0,
	    NULL, { "extendedKeyUsage=serverAuth",
	    "keyUsage=critical,nonRepudiation" } },
	{ "eku-both-ns-server", "/CN=r.example.com", 15, "inter", 0, 0, 0, 0,
	    NULL, { "extendedKeyUsage=serverAuth,clientAuth",
	    "nsCertType=server" } },
	{ "all-three", "/CN=callbridge.example.com", 15, "inter", 0, 0, 0, 0,
	    NULL, { "extendedKeyUsage=serverAuth,clientAuth",
	    "keyUsage=critical,digitalSignature", "nsCertType=client,server",
	    "subjectAltName=DNS:callbridge.example.com" } },

	/* Intermediates that are not CAs, guide §2.2, each with a leaf. */
	{ "ca-false", "/CN=Not A CA", 7, "root", 0, 0, 0, 0, NULL,
	    { "basicConstraints=critical,CA:FALSE",
	    "keyUsage=critical,digitalSignature" } },
	{ "l-ca-false", "/CN=l.example.com", 15, "ca-false", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "no-certsign", "/CN=No CertSign CA", 7, "root", 0, 0, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,digitalSignature,cRLSign" } },
	{ "l-no-certsign", "/CN=l.example.com", 15, "no-certsign", 0, 0, 0, 0,
	    NULL, { LEAF } },
	{ "bare-ca", "/CN=Bare CA", 7, "root", 0, 0, 0, 1, NULL, { NULL } },
	{ "l-bare-ca", "/CN=l.example.com", 15, "bare-ca", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "v1-ca", "/CN=V1 CA", 7, "root", 0, 0, 1, 0, NULL, { NULL } },
	{ "l-v1-ca", "/CN=l.example.com", 15, "v1-ca", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "ns-noca", "/CN=NS Server CA", 7, "root", 0, 0, 0, 0, NULL,
	    { "nsCertType=server" } },
	{ "l-ns-noca", "/CN=l.example.com", 15, "ns-noca", 0, 0, 0, 0, NULL,
	    { LEAF } },
	/* Marked as a CA the guide's way but not RFC 5280's. */
	{ "ku-only-ca", "/CN=KU Only CA", 7, "root", 0, 0, 0, 0, NULL,
	    { "keyUsage=critical,keyCertSign,cRLSign" } },
	{ "l-ku-only-ca", "/CN=l.example.com", 15, "ku-only-ca", 0, 0, 0, 0,
	    NULL, { LEAF } },
	{ "ns-ca", "/CN=NS CA", 7, "root", 0, 0, 0, 0, NULL,
	    { "nsCertType=sslCA" } },
	{ "l-ns-ca", "/CN=l.example.com", 15, "ns-ca", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "bc-noncrit", "/CN=Lax CA", 7, "root", 0, 0, 0, 0, NULL,
	    { "basicConstraints=CA:TRUE", "keyUsage=keyCertSign" } },
	{ "l-bc-noncrit", "/CN=l.example.com", 15, "bc-noncrit", 0, 0, 0, 0,
	    NULL, { LEAF } },
	{ "ca-eku-client", "/CN=Client CA", 7, "root", 0, 0, 0, 0, NULL,
	    { CA, "extendedKeyUsage=clientAuth" } },
	{ "l-ca-eku-client", "/CN=l.example.com", 15, "ca-eku-client", 0, 0,
	    0, 0, NULL, { LEAF } },

	/* Validity. */
	{ "leaf-expired", "/CN=leaf.example.com", 15, "inter", -400, -1, 0,
	    0, NULL, { LEAF, "subjectAltName=DNS:leaf.example.com" } },
	{ "leaf-notyet", "/CN=leaf.example.com", 15, "inter", 2, 400, 0, 0,
	    NULL, { LEAF, "subjectAltName=DNS:leaf.example.com" } },
	{ "leaf-soon", "/CN=leaf.example.com", 15, "inter", -355, 10, 0, 0,
	    NULL, { LEAF, "subjectAltName=DNS:leaf.example.com" } },
	{ "inter-expired", "/O=Example/CN=Expired CA", 7, "root", -800, -5,
	    0, 0, NULL, { CA } },
	{ "l-inter-expired", "/CN=l.example.com", 15, "inter-expired", 0, 0,
	    0, 0, NULL, { LEAF } },
	{ "short-root", "/CN=Short Root", 6, NULL, -1, 100, 0, 0, NULL,
	    { CA } },
	{ "short-inter", "/CN=Short Issuing", 17, "short-root", -1, 1000, 0,
	    0, NULL, { CA } },
	{ "l-short", "/CN=l.example.com", 15, "short-inter", -1, 1000, 0, 0,
	    NULL, { LEAF } },

	/* pathLenConstraint. */
	{ "root-pl0", "/CN=PL0 Root", 12, NULL, -1, 3650, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE,pathlen:0",
	    "keyUsage=critical,keyCertSign" } },
	{ "under-pl0-root", "/CN=Under PL0", 13, "root-pl0", 0, 0, 0, 0, NULL,
	    { CA } },
	{ "l-pl0-root", "/CN=l.example.com", 15, "under-pl0-root", 0, 0, 0, 0,
	    NULL, { LEAF } },
	{ "inter-pl0", "/CN=Issuing PL0", 2, "root", 0, 0, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE,pathlen:0",
	    "keyUsage=critical,keyCertSign" } },
	{ "second-under-pl0", "/CN=Second Level", 14, "inter-pl0", 0, 0, 0,
	    0, NULL, { CA } },
	{ "l-pl0", "/CN=l.example.com", 15, "second-under-pl0", 0, 0, 0, 0,
	    NULL, { LEAF } },
	{ "inter-pl1", "/CN=Issuing PL1", 2, "root", 0, 0, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE,pathlen:1",
	    "keyUsage=critical,keyCertSign" } },
	{ "second-pl0", "/CN=Second PL0", 14, "inter-pl1", 0, 0, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE,pathlen:0",
	    "keyUsage=critical,keyCertSign" } },
	{ "l-pl-ok", "/CN=l.example.com", 15, "second-pl0", 0, 0, 0, 0, NULL,
	    { LEAF } },

	/* Names. */
	{ "wild", "/CN=*.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:*.example.com" } },
	{ "cn-only", "/CN=cn.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "cn-and-san", "/CN=cn.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:san.example.com" } },
	{ "cn-ip-san", "/CN=cn.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=IP:192.0.2.20" } },
	{ "ip-in-cn", "/CN=192.0.2.30", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "v6", "/CN=v6.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:v6.example.com,IP:2001:db8::5" } },
	{ "bad-dns", "/CN=bad_name.example.com", 15, "inter", 0, 0, 0, 0,
	    NULL, { LEAF, "subjectAltName=DNS:bad_name.example.com" } },
	{ "wild-suffix", "/CN=*.co.uk", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:*.co.uk" } },
	{ "wild-private", "/CN=*.blogspot.com", 15, "inter", 0, 0, 0, 0,
	    NULL, { LEAF, "subjectAltName=DNS:*.blogspot.com" } },
	{ "nc-ca", "/CN=Constrained CA", 8, "root", 0, 0, 0, 0, NULL,
	    { CA, "nameConstraints=critical,permitted;DNS:example.com,"
	    "excluded;DNS:bad.example.com" } },
	{ "l-nc-ok", "/CN=ok.example.com", 15, "nc-ca", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:ok.example.com" } },
	{ "l-nc-out", "/CN=host.example.org", 15, "nc-ca", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:host.example.org" } },
	{ "l-nc-excluded", "/CN=bad.example.com", 15, "nc-ca", 0, 0, 0, 0,
	    NULL, { LEAF, "subjectAltName=DNS:bad.example.com" } },
	{ "l-nc-wild", "/CN=*.example.com", 15, "nc-ca", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:*.example.com" } },

	/* Two issuers of one name: an expired one and its renewal. */
	{ "renewed-old", "/O=Example/CN=Renewed CA", 3, "root", -800, -10, 0,
	    0, NULL, { CA } },
	{ "renewed-new", "/O=Example/CN=Renewed CA", 3, "root", -5, 1825, 0,
	    0, NULL, { CA } },
	{ "l-renewed", "/CN=l.example.com", 15, "renewed-new", 0, 0, 0, 0,
	    NULL, { LEAF } },
	{ "rekeyed-old", "/O=Example/CN=Rekeyed CA", 11, "root", -800, -10,
	    0, 0, NULL, { CA } },
	{ "rekeyed-new", "/O=Example/CN=Rekeyed CA", 3, "root", -5, 1825, 0,
	    0, NULL, { CA } },
	{ "l-rekeyed", "/CN=l.example.com", 15, "rekeyed-new", 0, 0, 0, 0,
	    NULL, { LEAF } },

	/* Cross-signing: one intermediate key under two roots. */
	{ "root-b", "/O=Other/CN=Root B", 4, NULL, -1, 3650, 0, 0, NULL,
	    { CA } },
	{ "x-by-a", "/O=Example/CN=Cross CA", 5, "root", 0, 1000, 0, 0, NULL,
	    { CA } },
	{ "x-by-b", "/O=Example/CN=Cross CA", 5, "root-b", 0, 1000, 0, 0,
	    NULL, { CA } },
	{ "l-x", "/CN=l.example.com", 15, "x-by-a", 0, 0, 0, 0, NULL,
	    { LEAF } },
	{ "root-b-by-a", "/O=Other/CN=Root B", 4, "root", 0, 1000, 0, 0, NULL,
	    { CA } },

	/* A root's key rollover: the new root key certified by the old. */
	{ "roll-old", "/CN=Roll Root", 20, NULL, -1, 3650, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE,pathlen:1",
	    "keyUsage=critical,keyCertSign" } },
	{ "roll-link", "/CN=Roll Root", 21, "roll-old", 0, 1000, 0, 0, NULL,
	    { CA } },
	{ "roll-inter", "/CN=Roll Issuing", 22, "roll-link", 0, 1000, 0, 0,
	    NULL, { CA } },
	{ "l-roll", "/CN=l.example.com", 15, "roll-inter", 0, 0, 0, 0, NULL,
	    { LEAF } },

	/* Self-signed leaves. */
	{ "lab", "/CN=lab.example.com", 16, NULL, -1, 365, 0, 0, NULL,
	    { "keyUsage=critical,digitalSignature",
	    "extendedKeyUsage=serverAuth",
	    "subjectAltName=DNS:lab.example.com" } },

	/* Extensions no one may rely on. */
	{ "crit-ext", "/CN=l.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "1.3.6.1.4.1.55738.666.1=critical,ASN1:NULL" } },
	{ "dup-ext", "/CN=l.example.com", 15, "inter", 0, 0, 0, 0, NULL,
	    { LEAF, "subjectAltName=DNS:l.example.com",
	    "subjectAltName=DNS:m.example.com" } },
	{ "ca-as-leaf", "/CN=ca.example.com", 7, "inter", 0, 0, 0, 0, NULL,
	    { CA } },

	/* Revocation. */
	{ "crl-ca", "/CN=CRL CA", 18, "root", 0, 0, 0, 0, NULL, { CA } },
	{ "l-crl-ca", "/CN=l.example.com", 15, "crl-ca", 0, 0, 0, 0, "77",
	    { LEAF } },
	{ "crl-nosign", "/CN=No CRLSign CA", 23, "root", 0, 0, 0, 0, NULL,
	    { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign" } },
	{ "l-crl-nosign", "/CN=l.example.com", 15, "crl-nosign", 0, 0, 0, 0,
	    "77", { LEAF } },
#undef CA
#undef LEAF
};

#define NCRT (sizeof(crts) / sizeof(*crts))
static X509 *made[NCRT];

static size_t
crt_index(const char *name)
{
	size_t i;

	for (i = 0; i < NCRT; i++)
		if (strcmp(crts[i].name, name) == 0)
			return i;
	tap_bail("no certificate fixture \"%s\"", name);
}

static X509 *
crt(const char *name)
{
	return made[crt_index(name)];
}

static EVP_PKEY *
crt_key(int key)
{
	if (key == KEY_RSA)
		return fx_key(FX_RSA2048, 0);
	if (key == KEY_ED)
		return fx_key(FX_ED25519, 0);
	return fx_key(FX_EC_P256, key);
}

static void
make_certs(void)
{
	size_t i, k;

	for (i = 0; i < NCRT; i++) {
		const struct crt *c = &crts[i];
		struct fx_cert_spec s;

		memset(&s, 0, sizeof(s));
		s.subject = c->subject;
		s.key = crt_key(c->key);
		if (c->issuer != NULL) {
			k = crt_index(c->issuer);
			if (k >= i)
				tap_bail("%s: issuer %s comes later", c->name,
				    c->issuer);
			s.issuer = made[k];
			s.issuer_key = crt_key(crts[k].key);
		}
		s.nb_days = c->nb;
		s.na_days = c->na;
		s.v1 = c->v1;
		s.no_kid = c->no_kid;
		s.serial = c->serial;
		for (k = 0; k < sizeof(c->ext) / sizeof(*c->ext); k++)
			s.ext[k] = c->ext[k];
		made[i] = fx_cert(&s);
	}
}

/* CRLs by name: crl-ca's CRL revoking l-crl-ca (serial 77), one that does
 * not, one without a CRL number, and one signed by another key. */
enum { CRL_REVOKES, CRL_CLEAN, CRL_NO_NUMBER, CRL_WRONG_KEY, CRL_BY_INTER,
    CRL_NOSIGN, NCRL };
static X509_CRL *crls[NCRL];

static void
make_crls(void)
{
	struct fx_crl_spec s[NCRL] = {
		{ .revoked = { "10", "77" } },
		{ .revoked = { "10" } },
		{ .revoked = { "77" }, .no_number = 1 },
		{ .revoked = { "77" } },
		{ .revoked = { "5EAF" } },
		{ .revoked = { "77" } },
	};
	size_t i;

	for (i = 0; i < NCRL; i++) {
		s[i].issuer = crt("crl-ca");
		s[i].key = fx_key(FX_EC_P256, 18);
	}
	s[CRL_WRONG_KEY].key = fx_key(FX_EC_P256, 19);
	s[CRL_BY_INTER].issuer = crt("inter");
	s[CRL_BY_INTER].key = fx_key(FX_EC_P256, 1);
	s[CRL_NOSIGN].issuer = crt("crl-nosign");
	s[CRL_NOSIGN].key = fx_key(FX_EC_P256, 23);
	for (i = 0; i < NCRL; i++)
		crls[i] = fx_crl(&s[i]);
}

struct vcase {
	const char *name;
	const char *leaf;
	const char *bundle[8];	/* "bundle.pem", in this order */
	const char *anchors[4];	/* "ca.pem" */
	int anchors_from_bundle; /* the CLI without --ca: the bundle's roots */
	enum mcert_role role;
	const char *host;	/* opts.name */
	long at;		/* days from fx_now() ... */
	long at_secs;		/* ... and seconds */
	int limit_depth, max_depth;
	int crl;		/* 1 + index into crls; 0: none */
	int ok;
	const char *err[3];	/* in the one error */
	int nwarn;		/* warnings when ok */
	const char *warn;	/* in one of them */
	const char *chain[6];	/* res.chain, leaf first, when ok */
	const char *todo;	/* a known core bug ... */
	unsigned int todo_on;	/* ... in these checks (TD_*) */
};

/* Which checks a known core bug makes fail: only those are TODO, so that
 * the others still count and a fix shows up as an unexpected pass. */
enum {
	TD_VERDICT = 1,		/* res.ok and the error */
	TD_WARNINGS = 2,	/* the warnings of a verified chain */
	TD_CHAIN = 4,		/* the path chosen */
};

#define STD .bundle = { "inter" }, .anchors = { "root" }
#define LEAF_DESC "leaf.pem #1 (CN=leaf.example.com)"

static const struct vcase vcases[] = {
	{ .name = "good 3-level chain", .leaf = "leaf", STD, .ok = 1,
	    .chain = { "leaf", "inter", "root" } },
	{ .name = "good chain, role server, name", .leaf = "leaf", STD,
	    .role = MCERT_ROLE_SERVER, .host = "leaf.example.com", .ok = 1 },
	{ .name = "good chain, role client", .leaf = "leaf", STD,
	    .role = MCERT_ROLE_CLIENT, .ok = 1 },
	{ .name = "RSA leaf", .leaf = "rsa-leaf", STD,
	    .role = MCERT_ROLE_SERVER, .host = "rsa.example.com", .ok = 1 },
	{ .name = "Ed25519 leaf", .leaf = "ed-leaf", STD,
	    .role = MCERT_ROLE_SERVER, .host = "ed.example.com", .ok = 1 },
	{ .name = "bundle holds the leaf too (a full chain)", .leaf = "leaf",
	    .bundle = { "leaf", "inter", "root" }, .anchors = { "root" },
	    .ok = 1, .chain = { "leaf", "inter", "root" } },
	{ .name = "root given in the bundle too", .leaf = "leaf",
	    .bundle = { "inter", "root" }, .anchors = { "root" }, .ok = 1,
	    .chain = { "leaf", "inter", "root" } },
	{ .name = "bundle's root as the anchor (no CA file)", .leaf = "leaf",
	    .bundle = { "inter", "root" }, .anchors_from_bundle = 1, .ok = 1 },
	{ .name = "unrelated certificates in the bundle", .leaf = "leaf",
	    .bundle = { "root-b", "x-by-b", "inter", "lab" },
	    .anchors = { "root-b", "root" }, .ok = 1,
	    .chain = { "leaf", "inter", "root" } },

	/* guide §2.2: usages of the leaf per role. */
#define ROLE(n, l, r, good, e) { .name = n, .leaf = l, STD, .role = r, \
	.ok = good, .err = { e } }
	ROLE("EKU serverAuth as server", "eku-server", MCERT_ROLE_SERVER, 1,
	    NULL),
	ROLE("EKU serverAuth as client", "eku-server", MCERT_ROLE_CLIENT, 0,
	    "cannot be used as a TLS client: its ExtendedKeyUsage lacks "
	    "clientAuth"),
	ROLE("EKU serverAuth, any use", "eku-server", MCERT_ROLE_ANY, 1, NULL),
	ROLE("EKU clientAuth as client", "eku-client", MCERT_ROLE_CLIENT, 1,
	    NULL),
	ROLE("EKU clientAuth as server", "eku-client", MCERT_ROLE_SERVER, 0,
	    "leaf.pem #1 (CN=postgres) cannot be used as a TLS server: its "
	    "ExtendedKeyUsage lacks serverAuth"),
	ROLE("EKU emailProtection as server", "eku-email", MCERT_ROLE_SERVER,
	    0, "ExtendedKeyUsage lacks serverAuth"),
	ROLE("EKU emailProtection as client", "eku-email", MCERT_ROLE_CLIENT,
	    0, "ExtendedKeyUsage lacks clientAuth"),
	ROLE("EKU emailProtection, any use", "eku-email", MCERT_ROLE_ANY, 1,
	    NULL),
	ROLE("EKU anyExtendedKeyUsage alone as server", "eku-any",
	    MCERT_ROLE_SERVER, 0, "ExtendedKeyUsage lacks serverAuth"),
	ROLE("EKU serverAuth and anyExtendedKeyUsage as server",
	    "eku-server-any", MCERT_ROLE_SERVER, 1, NULL),
	ROLE("no EKU, KU, NS: any use, as server", "no-usage",
	    MCERT_ROLE_SERVER, 1, NULL),
	ROLE("no EKU, KU, NS: any use, as client", "no-usage",
	    MCERT_ROLE_CLIENT, 1, NULL),
	ROLE("KU digitalSignature as server", "ku-ds", MCERT_ROLE_SERVER, 1,
	    NULL),
	ROLE("KU digitalSignature as client", "ku-ds", MCERT_ROLE_CLIENT, 1,
	    NULL),
	ROLE("KU keyEncipherment as server", "ku-ke", MCERT_ROLE_SERVER, 1,
	    NULL),
	ROLE("KU keyEncipherment as client", "ku-ke", MCERT_ROLE_CLIENT, 0,
	    "cannot be used as a TLS client: its KeyUsage has none of "
	    "digitalSignature, keyAgreement"),
	ROLE("KU keyAgreement as server", "ku-ka", MCERT_ROLE_SERVER, 1,
	    NULL),
	ROLE("KU keyAgreement as client", "ku-ka", MCERT_ROLE_CLIENT, 1,
	    NULL),
	ROLE("KU nonRepudiation as server", "ku-nr", MCERT_ROLE_SERVER, 0,
	    "its KeyUsage has none of digitalSignature, keyEncipherment, "
	    "keyAgreement"),
	ROLE("KU nonRepudiation as client", "ku-nr", MCERT_ROLE_CLIENT, 0,
	    "its KeyUsage has none of digitalSignature, keyAgreement"),
	ROLE("KU nonRepudiation, any use", "ku-nr", MCERT_ROLE_ANY, 1, NULL),
	ROLE("KU dataEncipherment as server", "ku-de", MCERT_ROLE_SERVER, 0,
	    "KeyUsage has none of"),
	ROLE("KU dataEncipherment as client", "ku-de", MCERT_ROLE_CLIENT, 0,
	    "KeyUsage has none of"),
	ROLE("NS SSL server as server", "ns-server", MCERT_ROLE_SERVER, 1,
	    NULL),
	ROLE("NS SSL server as client", "ns-server", MCERT_ROLE_CLIENT, 0,
	    "its Netscape cert type lacks SSL Client"),
	ROLE("NS SSL client as client", "ns-client", MCERT_ROLE_CLIENT, 1,
	    NULL),
	ROLE("NS SSL client as server", "ns-client", MCERT_ROLE_SERVER, 0,
	    "its Netscape cert type lacks SSL Server"),
	ROLE("NS client and server as server", "ns-both", MCERT_ROLE_SERVER,
	    1, NULL),
	ROLE("NS client and server as client", "ns-both", MCERT_ROLE_CLIENT,
	    1, NULL),
	ROLE("NS e-mail only as server", "ns-email", MCERT_ROLE_SERVER, 0,
	    "lacks SSL Server"),
	ROLE("NS e-mail only as client", "ns-email", MCERT_ROLE_CLIENT, 0,
	    "lacks SSL Client"),
	ROLE("EKU serverAuth but KU nonRepudiation as server",
	    "eku-server-ku-nr", MCERT_ROLE_SERVER, 0, "KeyUsage has none of"),
	ROLE("EKU both but NS server only, as client", "eku-both-ns-server",
	    MCERT_ROLE_CLIENT, 0, "lacks SSL Client"),
	ROLE("EKU both but NS server only, as server", "eku-both-ns-server",
	    MCERT_ROLE_SERVER, 1, NULL),
	ROLE("Call Bridge certificate as server", "all-three",
	    MCERT_ROLE_SERVER, 1, NULL),
	ROLE("Call Bridge certificate as client", "all-three",
	    MCERT_ROLE_CLIENT, 1, NULL),
#undef ROLE

	/* guide §2.2: every certificate above the leaf is a CA. */
	{ .name = "intermediate with CA:FALSE", .leaf = "l-ca-false",
	    .bundle = { "ca-false" }, .anchors = { "root" },
	    .err = { "bundle.pem #1 (CN=Not A CA) is used as a CA but its "
	    "basicConstraints say CA:FALSE" } },
	{ .name = "intermediate whose KU lacks keyCertSign",
	    .leaf = "l-no-certsign", .bundle = { "no-certsign" },
	    .anchors = { "root" }, .err = { "bundle.pem #1 (CN=No CertSign CA) "
	    "is used as a CA but its KeyUsage lacks keyCertSign" } },
	{ .name = "intermediate without any extension", .leaf = "l-bare-ca",
	    .bundle = { "bare-ca" }, .anchors = { "root" },
	    .err = { "bundle.pem #1 (CN=Bare CA) is used as a CA but carries "
	    "no CA marking" } },
	{ .name = "version 1 intermediate", .leaf = "l-v1-ca",
	    .bundle = { "v1-ca" }, .anchors = { "root" },
	    .err = { "bundle.pem #1 (CN=V1 CA) is used as a CA but carries no "
	    "CA marking" } },
	{ .name = "intermediate with NS SSL server only", .leaf = "l-ns-noca",
	    .bundle = { "ns-noca" }, .anchors = { "root" },
	    .err = { "bundle.pem #1 (CN=NS Server CA) is used as a CA but its "
	    "Netscape cert type lacks SSL CA" } },
	/* The guide would take either marking alone; the RFC 5280 profile
	 * (profile.c) wants a critical basicConstraints on every CA. */
	{ .name = "intermediate marked by KU keyCertSign only",
	    .leaf = "l-ku-only-ca", .bundle = { "ku-only-ca" },
	    .anchors = { "root" }, .err = { "bundle.pem #1 (CN=KU Only CA) is "
	    "used as a CA but has no critical basicConstraints" } },
	{ .name = "intermediate marked by NS SSL CA only", .leaf = "l-ns-ca",
	    .bundle = { "ns-ca" }, .anchors = { "root" },
	    .err = { "bundle.pem #1 (CN=NS CA) is used as a CA but has no "
	    "critical basicConstraints" } },
	{ .name = "intermediate with non-critical basicConstraints",
	    .leaf = "l-bc-noncrit", .bundle = { "bc-noncrit" },
	    .anchors = { "root" }, .err = { "bundle.pem #1 (CN=Lax CA)",
	    "no critical basicConstraints" } },
	{ .name = "CA with EKU clientAuth issuing a server",
	    .leaf = "l-ca-eku-client", .bundle = { "ca-eku-client" },
	    .anchors = { "root" }, .role = MCERT_ROLE_SERVER,
	    .err = { "bundle.pem #1 (CN=Client CA) may not issue TLS server "
	    "certificates" } },
	{ .name = "CA with EKU clientAuth issuing a client",
	    .leaf = "l-ca-eku-client", .bundle = { "ca-eku-client" },
	    .anchors = { "root" }, .role = MCERT_ROLE_CLIENT, .ok = 1 },
	{ .name = "CA certificate as the leaf", .leaf = "ca-as-leaf", STD,
	    .err = { "leaf.pem #1 (CN=ca.example.com) is a CA certificate" } },

	/* Validity, now and at a chosen time. */
	{ .name = "expired leaf", .leaf = "leaf-expired", STD,
	    .err = { LEAF_DESC " expired on", "renew it" } },
	{ .name = "leaf not yet valid", .leaf = "leaf-notyet", STD,
	    .err = { LEAF_DESC " is not valid until" } },
	{ .name = "leaf checked after its expiry", .leaf = "leaf", STD,
	    .at = 400, .err = { LEAF_DESC " expired on" } },
	{ .name = "leaf checked before its start", .leaf = "leaf", STD,
	    .at = -2, .err = { LEAF_DESC " is not valid until" } },
	{ .name = "leaf checked within its validity", .leaf = "leaf-expired",
	    STD, .at = -200, .ok = 1 },
	{ .name = "leaf at the last second of its validity", .leaf = "leaf",
	    STD, .at = 365, .ok = 1, .nwarn = 1,
	    .warn = LEAF_DESC " expires in 0 day(s)" },
	{ .name = "leaf a second after its validity", .leaf = "leaf", STD,
	    .at = 365, .at_secs = 1, .err = { LEAF_DESC " expired on" } },
	{ .name = "leaf at the first second of its validity", .leaf = "leaf",
	    STD, .at = -1, .ok = 1 },
	{ .name = "leaf a second before its validity", .leaf = "leaf", STD,
	    .at = -1, .at_secs = -1, .err = { LEAF_DESC " is not valid until" }
	    },
	{ .name = "expired intermediate", .leaf = "l-inter-expired",
	    .bundle = { "inter", "inter-expired" }, .anchors = { "root" },
	    .err = { "bundle.pem #2 (CN=Expired CA) expired on",
	    "get the CA's current certificate" } },
	{ .name = "expired root", .leaf = "l-short",
	    .bundle = { "short-inter" }, .anchors = { "short-root" }, .at = 200,
	    .err = { "ca.pem #1 (CN=Short Root) expired on" } },
	{ .name = "leaf expiring soon", .leaf = "leaf-soon", STD, .ok = 1,
	    .nwarn = 1, .warn = LEAF_DESC " expires in 10 day(s)" },
	{ .name = "root expiring soon", .leaf = "l-short",
	    .bundle = { "short-inter" }, .anchors = { "short-root" }, .at = 90,
	    .ok = 1, .nwarn = 1, .warn = "ca.pem #1 (CN=Short Root) expires in "
	    "10 day(s)" },

	/* pathLenConstraint and the most intermediates allowed. */
	{ .name = "root pathlen 0 with an intermediate", .leaf = "l-pl0-root",
	    .bundle = { "under-pl0-root" }, .anchors = { "root-pl0" },
	    .err = { "ca.pem #1 (CN=PL0 Root) allows 0 intermediate CA(s) "
	    "below it (pathlen) but the chain has 1" } },
	{ .name = "intermediate pathlen 0 with one below", .leaf = "l-pl0",
	    .bundle = { "second-under-pl0", "inter-pl0" },
	    .anchors = { "root" }, .err = { "bundle.pem #2 (CN=Issuing PL0) "
	    "allows 0 intermediate CA(s) below it (pathlen) but the chain has "
	    "1" } },
	{ .name = "pathlen 1 then 0: allowed", .leaf = "l-pl-ok",
	    .bundle = { "second-pl0", "inter-pl1" }, .anchors = { "root" },
	    .ok = 1,
	    .chain = { "l-pl-ok", "second-pl0", "inter-pl1", "root" } },
	{ .name = "two intermediates, at most 1 allowed", .leaf = "l-pl-ok",
	    .bundle = { "second-pl0", "inter-pl1" }, .anchors = { "root" },
	    .limit_depth = 1, .max_depth = 1,
	    .err = { "has 2 intermediate CAs, more than the 1 allowed" } },
	{ .name = "two intermediates, at most 2 allowed", .leaf = "l-pl-ok",
	    .bundle = { "second-pl0", "inter-pl1" }, .anchors = { "root" },
	    .limit_depth = 1, .max_depth = 2, .ok = 1 },
	{ .name = "no intermediate allowed", .leaf = "leaf", STD,
	    .limit_depth = 1, .max_depth = 0,
	    .err = { "more than the 0 allowed" } },
	{ .name = "root rollover: the link is not counted", .leaf = "l-roll",
	    .bundle = { "roll-inter", "roll-link" }, .anchors = { "roll-old" },
	    .limit_depth = 1, .max_depth = 1, .ok = 1,
	    .chain = { "l-roll", "roll-inter", "roll-link", "roll-old" } },

	/* The name the leaf must carry. */
#define NAME(n, l, h, good, e) { .name = n, .leaf = l, STD, .host = h, \
	.role = MCERT_ROLE_SERVER, .ok = good, .err = { e } }
	NAME("SAN DNS name", "leaf", "leaf.example.com", 1, NULL),
	NAME("SAN DNS name, other case", "leaf", "LEAF.Example.COM", 1, NULL),
	NAME("name not in the SAN", "leaf", "other.example.com", 0,
	    LEAF_DESC " is not valid for other.example.com: the name is not in "
	    "its subjectAltName"),
	NAME("SAN IP address", "leaf", "192.0.2.10", 1, NULL),
	NAME("IP address not in the SAN", "leaf", "192.0.2.11", 0,
	    "is not valid for 192.0.2.11"),
	NAME("IPv6 address in the SAN", "v6", "2001:db8::5", 1, NULL),
	NAME("IPv6 address written in full", "v6", "2001:DB8:0:0:0:0:0:5", 1,
	    NULL),
	NAME("IPv6 address not in the SAN", "v6", "2001:db8::6", 0,
	    "is not valid for 2001:db8::6"),
	NAME("wildcard covers one label", "wild", "a.example.com", 1, NULL),
	NAME("wildcard does not cover two labels", "wild", "a.b.example.com",
	    0, "is not valid for a.b.example.com"),
	NAME("wildcard does not cover the parent", "wild", "example.com", 0,
	    "is not valid for example.com"),
	NAME("SAN present: the CN is not a name", "cn-and-san",
	    "cn.example.com", 0, "leaf.pem #1 (CN=cn.example.com) is not "
	    "valid for cn.example.com"),
	NAME("SAN present: its name", "cn-and-san", "san.example.com", 1,
	    NULL),
	NAME("no SAN and the name is not the CN", "cn-only",
	    "other.example.com", 0, "is not valid for other.example.com"),
	NAME("IP address only in the CN", "ip-in-cn", "192.0.2.30", 0,
	    "is not valid for 192.0.2.30"),
	NAME("self-signed leaf beside an unrelated CA", "lab",
	    "lab.example.com", 0, "the chain ends at leaf.pem #1 "
	    "(CN=lab.example.com)"),
#undef NAME
	{ .name = "no SAN: the CN matches, with a warning", .leaf = "cn-only",
	    STD, .host = "cn.example.com", .role = MCERT_ROLE_SERVER, .ok = 1,
	    .nwarn = 1, .warn = "leaf.pem #1 (CN=cn.example.com) matches "
	    "cn.example.com only through its subject CN" },
	{ .name = "IP SAN only: the CN matches, with a warning",
	    .leaf = "cn-ip-san", STD, .host = "cn.example.com", .ok = 1,
	    .nwarn = 1, .warn = "only through its subject CN" },
	{ .name = "IP SAN only: the IP address", .leaf = "cn-ip-san", STD,
	    .host = "192.0.2.20", .ok = 1 },
	{ .name = "invalid DNS name in the SAN", .leaf = "bad-dns", STD,
	    .err = { "has \"bad_name.example.com\" in its subjectAltName, "
	    "which is not a valid DNS name" } },
	{ .name = "wildcard over a public suffix", .leaf = "wild-suffix", STD,
	    .err = { "the wildcard \"*.co.uk\", which covers a whole public "
	    "suffix" } },
	{ .name = "wildcard over a private suffix", .leaf = "wild-private",
	    STD, .ok = 1 },
	{ .name = "name constraints: permitted name", .leaf = "l-nc-ok",
	    .bundle = { "nc-ca" }, .anchors = { "root" }, .ok = 1 },
	{ .name = "name constraints: name outside", .leaf = "l-nc-out",
	    .bundle = { "nc-ca" }, .anchors = { "root" },
	    .err = { "leaf.pem #1 (CN=host.example.org) carries a name that "
	    "bundle.pem #1 (CN=Constrained CA)'s name constraints do not "
	    "allow" } },
	{ .name = "name constraints: excluded name", .leaf = "l-nc-excluded",
	    .bundle = { "nc-ca" }, .anchors = { "root" },
	    .err = { "name constraints do not allow" } },
	{ .name = "name constraints: wildcard over an excluded name",
	    .leaf = "l-nc-wild", .bundle = { "nc-ca" }, .anchors = { "root" },
	    .err = { "name constraints do not allow" } },

	/* Two issuers of the same name, one expired: the renewed one wins
	 * whatever the order. */
	{ .name = "renewed CA (same key) after the expired one",
	    .leaf = "l-renewed", .bundle = { "renewed-old", "renewed-new" },
	    .anchors = { "root" }, .ok = 1,
	    .chain = { "l-renewed", "renewed-new", "root" } },
	{ .name = "renewed CA (same key) before the expired one",
	    .leaf = "l-renewed", .bundle = { "renewed-new", "renewed-old" },
	    .anchors = { "root" }, .ok = 1,
	    .chain = { "l-renewed", "renewed-new", "root" } },
	{ .name = "only the expired CA (same key)", .leaf = "l-renewed",
	    .bundle = { "renewed-old" }, .anchors = { "root" },
	    .err = { "bundle.pem #1 (CN=Renewed CA) expired on" } },
	{ .name = "rekeyed CA after the expired one", .leaf = "l-rekeyed",
	    .bundle = { "rekeyed-old", "rekeyed-new" }, .anchors = { "root" },
	    .ok = 1, .chain = { "l-rekeyed", "rekeyed-new", "root" } },
	{ .name = "rekeyed CA before the expired one", .leaf = "l-rekeyed",
	    .bundle = { "rekeyed-new", "rekeyed-old" }, .anchors = { "root" },
	    .ok = 1, .chain = { "l-rekeyed", "rekeyed-new", "root" } },
	{ .name = "only the CA's old key", .leaf = "l-rekeyed",
	    .bundle = { "rekeyed-old" }, .anchors = { "root" },
	    .err = { "no certificate given signed leaf.pem #1 "
	    "(CN=l.example.com): one has the issuer's name" } },

	/* Cross-signing: only one of the two roots is trusted. */
	{ .name = "cross-signed: root A trusted", .leaf = "l-x",
	    .bundle = { "x-by-b", "root-b", "x-by-a" }, .anchors = { "root" },
	    .ok = 1, .chain = { "l-x", "x-by-a", "root" } },
	{ .name = "cross-signed: root B trusted", .leaf = "l-x",
	    .bundle = { "x-by-a", "x-by-b", "root-b" },
	    .anchors = { "root-b" }, .ok = 1,
	    .chain = { "l-x", "x-by-b", "root-b" } },
	{ .name = "cross-signed: through root B's cross certificate",
	    .leaf = "l-x", .bundle = { "x-by-b", "root-b-by-a" },
	    .anchors = { "root" }, .ok = 1,
	    .chain = { "l-x", "x-by-b", "root-b-by-a", "root" } },
	{ .name = "cross-signed: only the untrusted root's path",
	    .leaf = "l-x", .bundle = { "x-by-b", "root-b" },
	    .anchors = { "root" }, .err = { "the chain ends at bundle.pem #2 "
	    "(CN=Root B), a self-signed certificate that is not trusted" } },

	/* What is missing. */
	{ .name = "missing intermediate", .leaf = "leaf",
	    .anchors = { "root" }, .err = { LEAF_DESC " was issued by "
	    "\"CN=Issuing CA,O=Example\", whose certificate is not given; "
	    "add it" } },
	{ .name = "missing root", .leaf = "leaf", .bundle = { "inter" },
	    .anchors = { "root-b" }, .err = { "bundle.pem #1 (CN=Issuing CA) "
	    "was issued by \"CN=Root CA,O=Example\", whose certificate is "
	    "not given" } },
	{ .name = "no anchors at all", .leaf = "leaf",
	    .bundle = { "inter", "root" }, .err = { "the chain ends at "
	    "bundle.pem #2 (CN=Root CA), a self-signed certificate that is not "
	    "trusted" } },

	/* The leaf is itself the trust anchor. */
	{ .name = "self-signed leaf as its own anchor", .leaf = "lab",
	    .anchors = { "lab" }, .role = MCERT_ROLE_SERVER,
	    .host = "lab.example.com", .ok = 1, .chain = { "lab" } },
	{ .name = "self-signed leaf, not trusted", .leaf = "lab",
	    .err = { "the chain ends at leaf.pem #1 (CN=lab.example.com), a "
	    "self-signed certificate that is not trusted" } },
	{ .name = "root verified as itself", .leaf = "root",
	    .anchors = { "root" }, .ok = 1, .chain = { "root" } },
	{ .name = "trusted intermediate ends the path", .leaf = "leaf",
	    .anchors = { "inter" }, .ok = 1, .chain = { "leaf", "inter" } },

	/* Extensions no one may rely on. */
	{ .name = "unknown critical extension", .leaf = "crit-ext", STD,
	    .err = { "leaf.pem #1 (CN=l.example.com) has a critical extension "
	    "that is not understood" } },
	{ .name = "duplicated extension", .leaf = "dup-ext", STD,
	    .err = { "leaf.pem #1 (CN=l.example.com) has a malformed or "
	    "duplicated extension" } },

	/* Revocation lists. */
	{ .name = "CRL revokes the leaf", .leaf = "l-crl-ca",
	    .bundle = { "crl-ca" }, .anchors = { "root" },
	    .crl = 1 + CRL_REVOKES, .err = { "leaf.pem #1 (CN=l.example.com) "
	    "is revoked by its CA's CRL" } },
	{ .name = "CRL does not list the leaf", .leaf = "l-crl-ca",
	    .bundle = { "crl-ca" }, .anchors = { "root" },
	    .crl = 1 + CRL_CLEAN, .ok = 1 },
	{ .name = "CRL without a CRL number", .leaf = "l-crl-ca",
	    .bundle = { "crl-ca" }, .anchors = { "root" },
	    .crl = 1 + CRL_NO_NUMBER, .err = { "has a missing or critical CRL "
	    "number" } },
	{ .name = "CRL signed by another key is ignored", .leaf = "l-crl-ca",
	    .bundle = { "crl-ca" }, .anchors = { "root" },
	    .crl = 1 + CRL_WRONG_KEY, .ok = 1 },
	{ .name = "CRL from an issuer without cRLSign",
	    .leaf = "l-crl-nosign", .bundle = { "crl-nosign" },
	    .anchors = { "root" }, .crl = 1 + CRL_NOSIGN,
	    .err = { "the CRL for leaf.pem #1 (CN=l.example.com) is signed by "
	    "bundle.pem #1 (CN=No CRLSign CA), whose KeyUsage lacks "
	    "cRLSign" } },
	{ .name = "intermediate's CRL revokes the leaf", .leaf = "leaf", STD,
	    .crl = 1 + CRL_BY_INTER, .err = { LEAF_DESC " is revoked" } },

	/* guide §1.2.4: in a bundle, the issuer of the leaf first, the root
	 * last. */
	{ .name = "bundle in order", .leaf = "leaf",
	    .bundle = { "inter", "root" }, .anchors_from_bundle = 1, .ok = 1 },
	{ .name = "root before the intermediate", .leaf = "leaf",
	    .bundle = { "root", "inter" }, .anchors_from_bundle = 1, .ok = 1,
	    .nwarn = 1, .warn = "bundle.pem is not in the guide's order: "
	    "bundle.pem #1 (CN=Root CA) comes before bundle.pem #2 "
	    "(CN=Issuing CA), which it issued" },
	{ .name = "intermediates in the wrong order", .leaf = "l-pl-ok",
	    .bundle = { "inter-pl1", "second-pl0" }, .anchors = { "root" },
	    .ok = 1, .nwarn = 1, .warn = "bundle.pem #1 (CN=Issuing PL1) comes "
	    "before bundle.pem #2 (CN=Second PL0)" },
	{ .name = "root before the intermediate, root also in the CA file",
	    .leaf = "leaf", .bundle = { "root", "inter" },
	    .anchors = { "root" }, .ok = 1, .nwarn = 1,
	    .warn = "bundle.pem #1 (CN=Root CA) comes before bundle.pem #2" },
};

static const char *
cert_name(X509 *x)
{
	size_t i;

	for (i = 0; i < NCRT; i++)
		if (X509_cmp(made[i], x) == 0)
			return crts[i].name;
	return "?";
}

/* Loads the named certificates as one PEM file, as the CLI does. */
static struct mcert_file *
load_named(const char *file, const char *const *names, size_t max,
    struct mcert_cert **v, size_t *n)
{
	struct fx_buf b = { NULL, 0 };
	struct mcert_file *f = NULL;
	struct mcert_error err = { 0, "" };
	size_t i;

	for (i = 0; i < max && names[i] != NULL; i++)
		fx_cert_pem(crt(names[i]), &b);
	if (i == 0)
		return NULL;
	if (mcert_file_load_mem(b.p, b.len, file, 0, NULL, &f, &err) !=
	    MCERT_OK || mcert_file_certs(f, v, n, &err) != MCERT_OK)
		tap_bail("%s: %s", file, err.msg);
	fx_buf_free(&b);
	return f;
}

static int
findings_have(const struct mcert_findings *fs, enum mcert_level level,
    const char *needle)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].level == level && strstr(fs->v[i].text, needle))
			return 1;
	return 0;
}

static void
findings_diag(const struct mcert_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		diag("%s: %s", fs->v[i].level == MCERT_LEVEL_ERROR ? "error" :
		    "warning", fs->v[i].text);
}

static void
run_case(const struct vcase *c)
{
	const char *leafname[2] = { c->leaf, NULL };
	struct mcert_cert *lv = NULL, *uv = NULL, *av = NULL;
	size_t ln = 0, un = 0, an = 0, i, k;
	struct mcert_file *lf, *uf, *af;
	struct mcert_verify_opts opts;
	struct mcert_verify_result res;
	struct mcert_error err = { 0, "" };
	X509_CRL *crl[1];
	int r, good;

	lf = load_named("leaf.pem", leafname, 1, &lv, &ln);
	uf = load_named("bundle.pem", c->bundle, 8, &uv, &un);
	af = load_named("ca.pem", c->anchors, 4, &av, &an);
	for (i = 0; c->anchors_from_bundle && i < un; i++) {
		if (!mcert_is_self_signed(uv[i].x509))
			continue;
		if ((av = realloc(av, (an + 1) * sizeof(*av))) == NULL)
			tap_bail("out of memory");
		av[an++] = uv[i];
	}
	memset(&opts, 0, sizeof(opts));
	opts.role = c->role;
	opts.name = c->host;
	opts.has_time = 1;
	opts.at = fx_now() + c->at * FX_DAY + c->at_secs;
	opts.max_depth = c->limit_depth ? c->max_depth : -1;
	if (c->crl) {
		crl[0] = crls[c->crl - 1];
		opts.crls = crl;
		opts.ncrls = 1;
	}
	r = mcert_verify(&lv[0], uv, un, av, an, &opts, &res, &err);
	is_int(r, MCERT_OK, "%s: a verdict", c->name);
	tap_todo(c->todo_on & TD_VERDICT ? c->todo : NULL);
	good = is_int(res.ok, c->ok, "%s: %s", c->name, c->ok ? "verified" :
	    "refused");
	if (c->ok) {
		is_int(mcert_findings_count(&res.findings, MCERT_LEVEL_ERROR),
		    0, "%s: no error", c->name);
		tap_todo(c->todo_on & TD_WARNINGS ? c->todo : NULL);
		good &= is_int(mcert_findings_count(&res.findings,
		    MCERT_LEVEL_WARNING), c->nwarn, "%s: %d warning(s)",
		    c->name, c->nwarn);
		if (c->warn != NULL)
			good &= ok(findings_have(&res.findings,
			    MCERT_LEVEL_WARNING, c->warn), "%s: warning says "
			    "\"%s\"", c->name, c->warn);
		tap_todo(c->todo_on & TD_CHAIN ? c->todo : NULL);
		if (c->chain[0] != NULL) {
			for (k = 0; k < 6 && c->chain[k] != NULL; k++)
				;
			if (is_int(res.nchain, k, "%s: chain of %zu", c->name,
			    k)) {
				for (i = 0; i < k; i++)
					is_str(cert_name(res.chain[i].x509),
					    c->chain[i], "%s: chain[%zu]",
					    c->name, i);
			}
		}
		tap_todo(NULL);
		ok(res.nchain >= 1 && res.chain[0].x509 == lv[0].x509 &&
		    strcmp(res.chain[0].file, "leaf.pem") == 0,
		    "%s: chain starts with the leaf as given", c->name);
	} else {
		good &= is_int(mcert_findings_count(&res.findings,
		    MCERT_LEVEL_ERROR), 1, "%s: one error", c->name);
		for (k = 0; k < 3 && c->err[k] != NULL; k++)
			good &= ok(findings_have(&res.findings,
			    MCERT_LEVEL_ERROR, c->err[k]), "%s: error says "
			    "\"%s\"", c->name, c->err[k]);
	}
	if (!good)
		findings_diag(&res.findings);
	tap_todo(NULL);
	mcert_verify_result_free(&res);
	ok(res.chain == NULL && res.findings.n == 0,
	    "%s: mcert_verify_result_free clears", c->name);
	free(lv);
	free(uv);
	free(av);
	mcert_file_free(lf);
	mcert_file_free(uf);
	mcert_file_free(af);
}

/* A bundle of look-alike CAs, every path through them bad: the search
 * stops within its budget and still names a reason. */
static void
test_flood(void)
{
	enum { N = 20 };
	struct fx_cert_spec s;
	struct mcert_cert lv, uv[2 * N], av;
	struct mcert_verify_opts opts = { .role = MCERT_ROLE_SERVER,
	    .has_time = 1, .max_depth = -1 };
	struct mcert_verify_result res;
	struct mcert_error err = { 0, "" };
	X509 *l2[N], *l1[N], *leaf;
	size_t i;
	int r;

	memset(&s, 0, sizeof(s));
	opts.at = fx_now();
	for (i = 0; i < N; i++) {
		memset(&s, 0, sizeof(s));
		s.subject = "/CN=Flood L2";
		s.key = fx_key(FX_EC_P256, 10);
		s.issuer = crt("root");
		s.issuer_key = fx_key(FX_EC_P256, 0);
		s.ext[0] = "basicConstraints=critical,CA:TRUE";
		s.ext[1] = "keyUsage=critical,keyCertSign";
		l2[i] = fx_cert(&s);
	}
	for (i = 0; i < N; i++) {
		s.subject = "/CN=Flood L1";
		s.key = fx_key(FX_EC_P256, 9);
		s.issuer = l2[i];
		s.issuer_key = fx_key(FX_EC_P256, 10);
		s.nb_days = -30;
		s.na_days = -1;		/* every one expired */
		l1[i] = fx_cert(&s);
	}
	memset(&s, 0, sizeof(s));
	s.subject = "/CN=flood.example.com";
	s.key = fx_key(FX_EC_P256, 15);
	s.issuer = l1[0];
	s.issuer_key = fx_key(FX_EC_P256, 9);
	leaf = fx_cert(&s);
	lv = (struct mcert_cert){ leaf, "leaf.pem", 1 };
	for (i = 0; i < N; i++) {
		uv[i] = (struct mcert_cert){ l1[i], "bundle.pem", (int)i + 1 };
		uv[N + i] = (struct mcert_cert){ l2[i], "bundle.pem",
		    (int)(N + i + 1) };
	}
	av = (struct mcert_cert){ crt("root"), "ca.pem", 1 };
	r = mcert_verify(&lv, uv, 2 * N, &av, 1, &opts, &res, &err);
	is_int(r, MCERT_OK, "look-alike flood: a verdict");
	ok(!res.ok, "look-alike flood: refused");
	ok(res.paths_tried > 0 && res.paths_tried <= 256,
	    "look-alike flood: at most 256 paths judged (%zu)",
	    res.paths_tried);
	ok(findings_have(&res.findings, MCERT_LEVEL_ERROR, "(CN=Flood L1)"),
	    "look-alike flood: the error names a look-alike");
	mcert_verify_result_free(&res);
	for (i = 0; i < N; i++) {
		X509_free(l1[i]);
		X509_free(l2[i]);
	}
	X509_free(leaf);
}

/* guide §1.2.4: the bundle file's own format. */
static void
test_bundle_format(void)
{
	enum { F_PEM, F_DER, F_P7DER, F_P7PEM };
	static const struct {
		const char *name;
		int form;
		const char *before, *between, *after;
		int crlf, bom;
		int n;
		const char *want[3];
	} t[] = {
		{ "guide format", F_PEM, "", "", "\n", 0, 0, 0, { NULL } },
		{ "CRLF", F_PEM, "", "", "\n", 1, 0, 1,
		    { "has Windows (CR LF) line ends" } },
		{ "blank line between", F_PEM, "", "\n", "\n", 0, 0, 1,
		    { "has 1 blank line gap(s) between certificates" } },
		{ "text before", F_PEM, "subject=CN = x\n", "", "\n", 0, 0, 1,
		    { "has text outside the PEM blocks" } },
		{ "text between", F_PEM, "", "Bag Attributes\n", "\n", 0, 0, 1,
		    { "has text outside the PEM blocks" } },
		{ "text after", F_PEM, "", "", "\n-- end --\n", 0, 0, 1,
		    { "has text outside the PEM blocks" } },
		{ "no newline at the end", F_PEM, "", "", "", 0, 0, 1,
		    { "ends with 0 newline(s) after the last block" } },
		{ "two newlines at the end", F_PEM, "", "", "\n\n", 0, 0, 1,
		    { "ends with 2 newline(s)" } },
		{ "byte order mark", F_PEM, "", "", "\n", 0, 1, 1,
		    { "starts with a UTF-8 byte order mark" } },
		{ "CRLF, blank line and BOM", F_PEM, "", "\n", "\n", 1, 1, 3,
		    { "CR LF", "1 blank line gap(s)", "byte order mark" } },
		{ "DER", F_DER, NULL, NULL, NULL, 0, 0, 1,
		    { "is DER or PKCS#7, not PEM" } },
		{ "PKCS#7 DER", F_P7DER, NULL, NULL, NULL, 0, 0, 1,
		    { "is DER or PKCS#7, not PEM" } },
	};
	size_t i, k;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct fx_buf b = { NULL, 0 }, c1 = { NULL, 0 };
		struct fx_buf c2 = { NULL, 0 };
		struct mcert_findings fs = { NULL, 0 };
		struct mcert_file *f = NULL;
		struct mcert_error err = { 0, "" };
		X509 *v[2] = { crt("inter"), crt("root") };

		fx_buf_add(&b, "", 0);
		if (t[i].form == F_PEM) {
			fx_cert_pem(v[0], &c1);
			fx_cert_pem(v[1], &c2);
			if (t[i].bom)
				fx_buf_str(&b, "\xef\xbb\xbf");
			fx_buf_str(&b, t[i].before);
			fx_buf_add(&b, c1.p, c1.len - 1);	/* no LF */
			fx_buf_str(&b, "\n");
			fx_buf_str(&b, t[i].between);
			fx_buf_add(&b, c2.p, c2.len - 1);
			fx_buf_str(&b, t[i].after);
			if (t[i].crlf)
				fx_buf_crlf(&b);
		} else if (t[i].form == F_DER) {
			fx_cert_der(v[0], &b);
		} else {
			fx_pkcs7(v, 2, 0, &b);
		}
		if (mcert_file_load_mem(b.p, b.len, "bundle.pem", 0, NULL, &f,
		    &err) != MCERT_OK)
			tap_bail("%s: %s", t[i].name, err.msg);
		is_int(mcert_bundle_format_findings(f, &fs), MCERT_OK,
		    "bundle format, %s: returns 0", t[i].name);
		is_int(fs.n, t[i].n, "bundle format, %s: %d finding(s)",
		    t[i].name, t[i].n);
		for (k = 0; k < 3 && t[i].want[k] != NULL; k++)
			ok(findings_have(&fs, MCERT_LEVEL_WARNING,
			    t[i].want[k]), "bundle format, %s: \"%s\"",
			    t[i].name, t[i].want[k]);
		for (k = 0; k < fs.n; k++)
			ok(fs.v[k].level == MCERT_LEVEL_WARNING &&
			    strncmp(fs.v[k].text, "bundle.pem ", 11) == 0,
			    "bundle format, %s: finding %zu is a warning "
			    "naming the file", t[i].name, k + 1);
		mcert_findings_free(&fs);
		mcert_file_free(f);
		fx_buf_free(&b);
		fx_buf_free(&c1);
		fx_buf_free(&c2);
	}
}

static void
test_describe_findings(void)
{
	struct mcert_cert c = { crt("inter"), "bundle.pem", 2 };
	struct mcert_findings fs = { NULL, 0 };
	struct fx_cert_spec s = { .subject = "", .key = fx_key(FX_EC_P256, 15),
	    .issuer = crt("inter"), .issuer_key = fx_key(FX_EC_P256, 1),
	    .ext = { "subjectAltName=critical,DNS:x.example.com" } };
	X509 *empty = fx_cert(&s);
	char *d;

	d = mcert_cert_describe(&c);
	is_str(d, "bundle.pem #2 (CN=Issuing CA)", "mcert_cert_describe");
	free(d);
	c.file = NULL;
	c.index = 3;
	d = mcert_cert_describe(&c);
	is_str(d, "#3 (CN=Issuing CA)", "mcert_cert_describe without a file");
	free(d);
	c = (struct mcert_cert){ empty, "x.pem", 1 };
	d = mcert_cert_describe(&c);
	is_str(d, "x.pem #1 ((empty subject))",
	    "mcert_cert_describe: empty subject");
	free(d);
	X509_free(empty);

	is_int(mcert_findings_add(&fs, MCERT_LEVEL_ERROR, "one %d", 1),
	    MCERT_OK, "mcert_findings_add");
	mcert_findings_add(&fs, MCERT_LEVEL_WARNING, "two %s", "x");
	mcert_findings_add(&fs, MCERT_LEVEL_ERROR, "three");
	is_int(fs.n, 3, "mcert_findings_add: three findings");
	is_str(fs.v[1].text, "two x", "mcert_findings_add: formats");
	is_int(mcert_findings_count(&fs, MCERT_LEVEL_ERROR), 2,
	    "mcert_findings_count: errors");
	is_int(mcert_findings_count(&fs, MCERT_LEVEL_WARNING), 1,
	    "mcert_findings_count: warnings");
	mcert_findings_free(&fs);
	ok(fs.v == NULL && fs.n == 0, "mcert_findings_free clears");
	mcert_findings_free(&fs);
	ok(fs.n == 0, "mcert_findings_free twice");
}

/* A public suffix list of our own, read once by psl.c. */
static void
use_test_psl(void)
{
	static const char list[] = "// test list\ncom\nuk\nco.uk\n"
	    "// ===BEGIN PRIVATE DOMAINS===\nblogspot.com\n";
	char *path = fx_write("psl.dat", list, sizeof(list) - 1);

	if (setenv("MEETCERT_PSL", path, 1) == -1)
		tap_bail("setenv");
	free(path);
}

int
main(void)
{
	size_t i;

	use_test_psl();
	make_certs();
	make_crls();
	for (i = 0; i < sizeof(vcases) / sizeof(*vcases); i++)
		run_case(&vcases[i]);
	test_flood();
	test_bundle_format();
	test_describe_findings();
	for (i = 0; i < NCRT; i++)
		X509_free(made[i]);
	for (i = 0; i < NCRL; i++)
		X509_CRL_free(crls[i]);
	fx_cleanup();
	return tap_done();
}
