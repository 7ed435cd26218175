/* mcert_file_load and mcert_file_load_mem: every form a CA, a Meeting
 * Server or an engineer hands over, and every way a file can be wrong. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fixture.h"
#include "load.h"
#include "tap.h"

#define PASS	"correct horse"

/* The objects every case is built from. */
enum { C_LEAF, C_INTER, C_ROOT, NCERT };
enum { K_RSA, K_EC256, K_EC384, K_ED25519, NKEY };
static X509 *certs[NCERT];
static EVP_PKEY *keys[NKEY];
static X509_REQ *csrs[NKEY];
static X509_CRL *crl;
static X509 *armour_cert;
static const char *const key_names[NKEY] = { "RSA", "EC P-256", "EC P-384",
    "Ed25519" };

enum part_kind {
	P_END,
	P_TEXT,		/* text */
	P_RAW,		/* len bytes of text */
	P_CERT_PEM,	/* which */
	P_CERT_DER,
	P_CERT_TEXT,	/* `openssl x509 -text`: the dump, then PEM */
	P_CERT_TRUSTED,	/* "TRUSTED CERTIFICATE" (openssl x509 -trustout) */
	P_CERT_PEM_JUNK, /* PEM of the DER with a byte after it */
	P_P7_PEM_JUNK,	/* PEM of a PKCS#7's DER with a byte after it */
	P_ARMOUR_DER,	/* DER of a certificate named "-----BEGIN ..." */
	P_P7,		/* leaf, intermediate, root; pem */
	P_CSR_PEM,	/* which key's CSR */
	P_CSR_DER,
	P_KEY,		/* which key, form, pem */
	P_CRL_PEM,
	P_CRL_DER,
	P_RANDOM,	/* 512 bytes from a fixed seed, first byte which */
};

struct part {
	enum part_kind kind;
	int which;
	enum fx_key_form form;
	int pem;
	const char *text;
	size_t len;
};

enum { X_CRLF = 1, X_BOM = 2 };
enum pp_mode { PP_NONE, PP_GIVE, PP_WRONG, PP_DECLINE };

struct load_case {
	const char *name;	/* the name messages must carry */
	struct part parts[6];
	unsigned int xform;
	unsigned int flags;
	enum pp_mode pp;
	int ret;
	enum mcert_format format;
	const char *err;	/* in the message when ret is an error */
	const char *todo;	/* a known core bug ... */
	unsigned int todo_on;	/* ... in these checks (TD_*) */
};

/* Which checks a known core bug makes fail: only those are TODO, so that
 * the others still count and a fix shows up as an unexpected pass. */
enum {
	TD_RESULT = 1,		/* the return value */
	TD_KEY_ENCRYPTED = 2,	/* a key's encrypted flag */
	TD_KEY_ENCODING = 4,	/* a key's encoding name */
	TD_LOCKED = 8,		/* left locked, passphrase not asked */
};

static const char *bug_why;
static unsigned int bug_mask;

static void
todo_on(unsigned int category)
{
	tap_todo(bug_mask & category ? bug_why : NULL);
}

#define CERT(w)		{ P_CERT_PEM, (w), 0, 1, NULL, 0 }
#define CERTDER(w)	{ P_CERT_DER, (w), 0, 0, NULL, 0 }
#define TEXT(s)		{ P_TEXT, 0, 0, 1, (s), 0 }
#define KEY(w, f, p)	{ P_KEY, (w), (f), (p), NULL, 0 }
#define CSR(w)		{ P_CSR_PEM, (w), 0, 1, NULL, 0 }
#define CSRDER(w)	{ P_CSR_DER, (w), 0, 0, NULL, 0 }
#define P7(p)		{ P_P7, 0, 0, (p), NULL, 0 }

static const struct load_case cases[] = {
	/* Certificates in PEM, and what surrounds them. */
	{ "one.pem", { CERT(C_LEAF) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "chain.pem", { CERT(C_LEAF), CERT(C_INTER), CERT(C_ROOT) }, 0, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "chain-crlf.pem", { CERT(C_LEAF), CERT(C_INTER), CERT(C_ROOT) },
	    X_CRLF, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "chain-bom.pem", { CERT(C_INTER), CERT(C_ROOT) }, X_BOM, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "chain-bom-crlf.pem", { CERT(C_INTER), CERT(C_ROOT) },
	    X_BOM | X_CRLF, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL,
	    0 },
	{ "text.pem", { { P_CERT_TEXT, C_LEAF, 0, 1, NULL, 0 } }, 0, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "text-crlf.pem", { { P_CERT_TEXT, C_LEAF, 0, 1, NULL, 0 },
	    { P_CERT_TEXT, C_INTER, 0, 1, NULL, 0 } }, X_CRLF, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "p12-export.pem", { TEXT("Bag Attributes\n    localKeyID: 01 00 00 "
	    "00 \n    friendlyName: meetcert\nsubject=CN = leaf\n"),
	    CERT(C_LEAF), TEXT("Bag Attributes\n    friendlyName: Issuing CA"
	    "\nsubject=CN = Issuing CA\nissuer=CN = Root CA\n"),
	    CERT(C_INTER), TEXT("Bag Attributes: <No Attributes>\n"),
	    CERT(C_ROOT) }, 0, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL,
	    NULL, 0 },
	{ "blank-lines.pem", { TEXT("\n\n"), CERT(C_LEAF), TEXT("\n\n"),
	    CERT(C_INTER), TEXT("\n") }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "trusted.pem", { { P_CERT_TRUSTED, C_ROOT, 0, 1, NULL, 0 } }, 0, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "comment-0.pem", { TEXT("0 s:CN = leaf\n"), CERT(C_LEAF) }, 0, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "comment-0-crlf.pem", { TEXT("0 s:CN = leaf\n   i:CN = CA\n"),
	    CERT(C_LEAF), CERT(C_INTER) }, X_CRLF, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "public-key-skipped.pem", { TEXT("-----BEGIN PUBLIC KEY-----\n"
	    "AAECAwQF\n-----END PUBLIC KEY-----\n"), CERT(C_LEAF) }, 0, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },

	/* DER and PKCS#7. */
	{ "leaf.der", { CERTDER(C_LEAF) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_DER, NULL, NULL, 0 },
	{ "root.cer", { CERTDER(C_ROOT) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_DER, NULL, NULL, 0 },
	{ "trailing.der", { CERTDER(C_LEAF), { P_RAW, 0, 0, 0, "\0\0", 2 } },
	    0, 0, PP_NONE, MCERT_E_PARSE, 0, "2 bytes follow the DER "
	    "certificate", NULL, 0 },
	{ "trailing-nl.der", { CERTDER(C_LEAF), TEXT("\n") }, 0, 0, PP_NONE,
	    MCERT_E_PARSE, 0, "1 bytes follow", NULL, 0 },
	{ "two.der", { CERTDER(C_LEAF), CERTDER(C_INTER) }, 0, 0, PP_NONE,
	    MCERT_E_PARSE, 0, "bytes follow", NULL, 0 },
	{ "chain.p7b", { P7(0) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_PKCS7_DER, NULL, NULL, 0 },
	{ "chain-p7.pem", { P7(1) }, 0, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM,
	    NULL, NULL, 0 },
	{ "chain-p7-crlf.pem", { TEXT("subject=CN = leaf\n"), P7(1) },
	    X_CRLF, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "trailing.p7b", { P7(0), { P_RAW, 0, 0, 0, "\0", 1 } }, 0, 0,
	    PP_NONE, MCERT_E_PARSE, 0, "1 bytes follow the PKCS#7", NULL, 0 },

	/* CSRs and CRLs. */
	{ "rsa.csr", { CSR(K_RSA) }, 0, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM,
	    NULL, NULL, 0 },
	{ "ec.csr", { CSR(K_EC256) }, X_CRLF, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "ed25519.csr", { CSR(K_ED25519) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "new-csr.pem", { TEXT("-----BEGIN NEW CERTIFICATE REQUEST-----\n"),
	    { P_CSR_PEM, K_EC384, 0, 2, NULL, 0 },
	    TEXT("-----END NEW CERTIFICATE REQUEST-----\n") }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "rsa-csr.der", { CSRDER(K_RSA) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_DER, NULL, NULL, 0 },
	{ "ec-csr.der", { CSRDER(K_EC256) }, 0, 0, PP_NONE, MCERT_OK,
	    MCERT_FMT_DER, NULL, NULL, 0 },
	{ "ca.crl", { { P_CRL_PEM, 0, 0, 1, NULL, 0 } }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "ca-crl.der", { { P_CRL_DER, 0, 0, 0, NULL, 0 } }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },

	/* Private keys, unencrypted. */
	{ "rsa-pkcs8.key", { KEY(K_RSA, FX_KEY_PKCS8, 1) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "rsa-pkcs1.key", { KEY(K_RSA, FX_KEY_TRAD, 1) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "ec-pkcs8.key", { KEY(K_EC256, FX_KEY_PKCS8, 1) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "ec-sec1.key", { KEY(K_EC256, FX_KEY_TRAD, 1) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "ec384-sec1.key", { KEY(K_EC384, FX_KEY_TRAD, 1) }, X_CRLF, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "ed25519.key", { KEY(K_ED25519, FX_KEY_PKCS8, 1) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "rsa-pkcs8.der", { KEY(K_RSA, FX_KEY_PKCS8, 0) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },
	{ "rsa-pkcs1.der", { KEY(K_RSA, FX_KEY_TRAD, 0) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },
	{ "ec-pkcs8.der", { KEY(K_EC256, FX_KEY_PKCS8, 0) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },
	{ "ec-sec1.der", { KEY(K_EC256, FX_KEY_TRAD, 0) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },
	{ "ec384-sec1.der", { KEY(K_EC384, FX_KEY_TRAD, 0) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },
	{ "ed25519.der", { KEY(K_ED25519, FX_KEY_PKCS8, 0) }, 0, 0, PP_NONE,
	    MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },

	/* Several kinds in one file: indices count per kind. */
	{ "mixed.pem", { CERT(C_LEAF), KEY(K_EC256, FX_KEY_PKCS8, 1),
	    CERT(C_INTER), CSR(K_RSA), KEY(K_RSA, FX_KEY_TRAD, 1),
	    CERT(C_ROOT) }, 0, 0, PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL,
	    NULL, 0 },
	{ "mixed-crlf-bom.pem", { KEY(K_ED25519, FX_KEY_PKCS8, 1),
	    TEXT("Bag Attributes\n"), CERT(C_LEAF), CSR(K_EC256),
	    { P_CRL_PEM, 0, 0, 1, NULL, 0 }, CERT(C_INTER) }, X_CRLF | X_BOM, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0 },
	{ "key-and-cert-encrypted.pem", { CERT(C_LEAF),
	    KEY(K_EC256, FX_KEY_PKCS8_ENC, 1) }, 0, 0, PP_GIVE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0 },

	/* Damaged or wrong input. */
	{ "empty.pem", { { P_END, 0, 0, 0, NULL, 0 } }, 0, 0, PP_NONE,
	    MCERT_E_PARSE, 0, "the file is empty", NULL, 0 },
	{ "random.bin", { { P_RANDOM, 0x9c, 0, 0, NULL, 0 } }, 0, 0, PP_NONE,
	    MCERT_E_PARSE, 0, "no PEM block", NULL, 0 },
	{ "random-seq.bin", { { P_RANDOM, 0x30, 0, 0, NULL, 0 } }, 0, 0,
	    PP_NONE, MCERT_E_PARSE, 0, "not a certificate, private key, CSR",
	    NULL, 0 },
	{ "notes.txt", { TEXT("These are not the certificates you are "
	    "looking for.\n") }, 0, 0, PP_NONE, MCERT_E_PARSE, 0,
	    "no PEM block", NULL, 0 },
	{ "pubkey.pem", { TEXT("-----BEGIN PUBLIC KEY-----\nAAECAwQF\n"
	    "-----END PUBLIC KEY-----\n") }, 0, 0, PP_NONE, MCERT_E_PARSE, 0,
	    "(only 1 block(s) of other kinds)", NULL, 0 },
	{ "truncated.pem", { CERT(C_LEAF), TEXT("-----BEGIN CERTIFICATE-----\n"
	    "MIIB\n") }, 0, 0, PP_NONE, MCERT_E_PARSE, 0, "no END line", NULL,
	    0 },
	{ "not-x509.pem", { TEXT("subject=CN = leaf\n"),
	    TEXT("-----BEGIN CERTIFICATE-----\nAAECAwQF\n"
	    "-----END CERTIFICATE-----\n"), CERT(C_LEAF) }, 0, 0, PP_NONE,
	    MCERT_E_PARSE, 0, "line 2: the certificate is damaged", NULL, 0 },
	{ "cert-junk.pem", { { P_CERT_PEM_JUNK, C_LEAF, 0, 1, NULL, 0 } }, 0,
	    0, PP_NONE, MCERT_E_PARSE, 0, "line 1: the certificate is damaged",
	    NULL, 0 },
	{ "p7-junk.pem", { { P_P7_PEM_JUNK, 0, 0, 1, NULL, 0 } }, 0, 0,
	    PP_NONE, MCERT_E_PARSE, 0, "line 1: the PKCS#7 block is damaged",
	    NULL, 0 },
	{ "armour-in-name.der", { { P_ARMOUR_DER, 0, 0, 0, NULL, 0 } }, 0, 0,
	    PP_NONE, MCERT_OK, MCERT_FMT_DER, NULL, NULL, 0 },
	{ "csr-trailing.der", { CSRDER(K_EC256), { P_RAW, 0, 0, 0, "\0", 1 } },
	    0, 0, PP_NONE, MCERT_E_PARSE, 0, "bytes follow the DER CSR",
	    NULL, 0 },
	{ "bad-p7.pem", { TEXT("-----BEGIN PKCS7-----\nAAECAwQF\n"
	    "-----END PKCS7-----\n") }, 0, 0, PP_NONE, MCERT_E_PARSE, 0,
	    "the PKCS#7 block is damaged", NULL, 0 },
	{ "bad.csr", { TEXT("-----BEGIN CERTIFICATE REQUEST-----\nAAECAwQF\n"
	    "-----END CERTIFICATE REQUEST-----\n") }, 0, 0, PP_NONE,
	    MCERT_E_PARSE, 0, "the CSR is damaged", NULL, 0 },
	{ "bad.key", { TEXT("-----BEGIN PRIVATE KEY-----\nAAECAwQF\n"
	    "-----END PRIVATE KEY-----\n") }, 0, 0, PP_NONE, MCERT_E_PARSE, 0,
	    "the private key is damaged or of an unsupported type", NULL, 0 },
	{ "bad-crl.pem", { TEXT("-----BEGIN X509 CRL-----\nAAECAwQF\n"
	    "-----END X509 CRL-----\n") }, 0, 0, PP_NONE, MCERT_E_PARSE, 0,
	    "the CRL is damaged", NULL, 0 },
};

/* One object the loader must find, in file order. */
struct want {
	enum mcert_kind kind;
	X509 *cert;
	EVP_PKEY *key;
	X509_REQ *csr;
	int encrypted;
	const char *encoding;
};

struct built {
	struct fx_buf buf;
	struct want w[16];
	size_t nw;
};

static void
expect(struct built *b, enum mcert_kind kind, void *obj, int encrypted,
    const char *encoding)
{
	struct want *w = &b->w[b->nw++];

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->encrypted = encrypted;
	w->encoding = encoding;
	if (kind == MCERT_KIND_CERT)
		w->cert = obj;
	else if (kind == MCERT_KIND_KEY)
		w->key = obj;
	else if (kind == MCERT_KIND_CSR)
		w->csr = obj;
}

static const char *
key_encoding(int which, enum fx_key_form form)
{
	if (form == FX_KEY_PKCS8 || form == FX_KEY_PKCS8_ENC)
		return "PKCS#8";
	return which == K_RSA ? "PKCS#1" : "SEC1";
}

static void
random_bytes(struct fx_buf *out, unsigned char first)
{
	unsigned char r[512];
	unsigned int seed = 12345;
	size_t i;

	for (i = 0; i < sizeof(r); i++) {
		seed = seed * 1103515245u + 12345u;
		r[i] = (unsigned char)(seed >> 16);
	}
	r[0] = first;
	fx_buf_add(out, r, sizeof(r));
}

static void
build(const struct part *parts, size_t nparts, unsigned int xform,
    struct built *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	fx_buf_add(&b->buf, "", 0);
	for (i = 0; i < nparts && parts[i].kind != P_END; i++) {
		const struct part *p = &parts[i];

		switch (p->kind) {
		case P_END:
			break;
		case P_TEXT:
			fx_buf_str(&b->buf, p->text);
			break;
		case P_RAW:
			fx_buf_add(&b->buf, p->text, p->len);
			break;
		case P_CERT_PEM:
			fx_cert_pem(certs[p->which], &b->buf);
			expect(b, MCERT_KIND_CERT, certs[p->which], 0, "PEM");
			break;
		case P_CERT_DER:
			fx_cert_der(certs[p->which], &b->buf);
			expect(b, MCERT_KIND_CERT, certs[p->which], 0, "DER");
			break;
		case P_CERT_TEXT:
			fx_cert_text(certs[p->which], &b->buf);
			fx_cert_pem(certs[p->which], &b->buf);
			expect(b, MCERT_KIND_CERT, certs[p->which], 0, "PEM");
			break;
		case P_CERT_TRUSTED: {
			BIO *bio = BIO_new(BIO_s_mem());
			char *data;
			long n;

			if (bio == NULL || !PEM_write_bio_X509_AUX(bio,
			    certs[p->which]))
				tap_bail("PEM_write_bio_X509_AUX");
			n = BIO_get_mem_data(bio, &data);
			fx_buf_add(&b->buf, data, (size_t)n);
			BIO_free(bio);
			expect(b, MCERT_KIND_CERT, certs[p->which], 0, "PEM");
			break;
		}
		case P_CERT_PEM_JUNK: {
			struct fx_buf der = { NULL, 0 };
			BIO *bio = BIO_new(BIO_s_mem());
			char *data;
			long n;

			fx_cert_der(certs[p->which], &der);
			fx_buf_add(&der, "\0", 1);
			if (bio == NULL || PEM_write_bio(bio, "CERTIFICATE", "",
			    der.p, (long)der.len) <= 0)
				tap_bail("PEM_write_bio");
			n = BIO_get_mem_data(bio, &data);
			fx_buf_add(&b->buf, data, (size_t)n);
			BIO_free(bio);
			fx_buf_free(&der);
			break;
		}
		case P_P7_PEM_JUNK: {
			struct fx_buf der = { NULL, 0 };
			char *pem;

			fx_pkcs7(certs, NCERT, 0, &der);
			fx_buf_add(&der, "\0", 1);
			/* mcert_pem_encode is tested on its own (test-pem). */
			pem = mcert_pem_encode("PKCS7", der.p, der.len);
			fx_buf_str(&b->buf, pem);
			free(pem);
			fx_buf_free(&der);
			break;
		}
		case P_ARMOUR_DER:
			fx_cert_der(armour_cert, &b->buf);
			expect(b, MCERT_KIND_CERT, armour_cert, 0, "DER");
			break;
		case P_P7:
			fx_pkcs7(certs, NCERT, p->pem, &b->buf);
			expect(b, MCERT_KIND_CERT, certs[C_LEAF], 0, "PKCS#7");
			expect(b, MCERT_KIND_CERT, certs[C_INTER], 0, "PKCS#7");
			expect(b, MCERT_KIND_CERT, certs[C_ROOT], 0, "PKCS#7");
			break;
		case P_CSR_PEM:
			if (p->pem == 2) {	/* the body, to relabel it */
				struct fx_buf t = { NULL, 0 };
				char *s, *e;

				fx_csr_pem(csrs[p->which], &t);
				s = strchr((char *)t.p, '\n') + 1;
				e = strstr(s, "-----END");
				fx_buf_add(&b->buf, s, (size_t)(e - s));
				fx_buf_free(&t);
			} else {
				fx_csr_pem(csrs[p->which], &b->buf);
			}
			expect(b, MCERT_KIND_CSR, csrs[p->which], 0, "PEM");
			break;
		case P_CSR_DER:
			fx_csr_der(csrs[p->which], &b->buf);
			expect(b, MCERT_KIND_CSR, csrs[p->which], 0, "DER");
			break;
		case P_KEY:
			fx_key_encode(keys[p->which], p->form, p->pem, PASS,
			    &b->buf);
			expect(b, MCERT_KIND_KEY, keys[p->which],
			    p->form == FX_KEY_PKCS8_ENC ||
			    p->form == FX_KEY_TRAD_ENC,
			    key_encoding(p->which, p->form));
			break;
		case P_CRL_PEM:
			fx_crl_pem(crl, &b->buf);
			expect(b, MCERT_KIND_CRL, NULL, 0, "PEM");
			break;
		case P_CRL_DER:
			fx_crl_der(crl, &b->buf);
			expect(b, MCERT_KIND_CRL, NULL, 0, "DER");
			break;
		case P_RANDOM:
			random_bytes(&b->buf, (unsigned char)p->which);
			break;
		}
	}
	if (xform & X_CRLF)
		fx_buf_crlf(&b->buf);
	if (xform & X_BOM) {
		struct fx_buf t = { NULL, 0 };

		fx_buf_str(&t, "\xef\xbb\xbf");
		fx_buf_add(&t, b->buf.p, b->buf.len);
		fx_buf_free(&b->buf);
		b->buf = t;
	}
}

struct pp_ctx {
	const char *pass;	/* NULL: declines */
	int calls;
	char file[256];
};

static int
pp_get(void *ctx, const char *file, char *buf, size_t size)
{
	struct pp_ctx *c = ctx;

	c->calls++;
	snprintf(c->file, sizeof(c->file), "%s", file);
	if (c->pass == NULL || strlen(c->pass) >= size)
		return -1;
	memcpy(buf, c->pass, strlen(c->pass) + 1);
	return (int)strlen(c->pass);
}

static const char *
kind_name(enum mcert_kind k)
{
	switch (k) {
	case MCERT_KIND_CERT:
		return "certificate";
	case MCERT_KIND_KEY:
		return "key";
	case MCERT_KIND_CSR:
		return "CSR";
	case MCERT_KIND_CRL:
		return "CRL";
	}
	return "?";
}

/* Whether f holds what was built, in order, with per-kind indices. */
static void
check_objects(const char *name, const struct mcert_file *f,
    const struct built *b, int locked)
{
	size_t i, count[4] = { 0, 0, 0, 0 };
	int same = f->nobj == b->nw;

	is_int(f->nobj, b->nw, "%s: %zu object(s)", name, b->nw);
	for (i = 0; same && i < b->nw; i++) {
		const struct mcert_object *o = &f->obj[i];
		const struct want *w = &b->w[i];
		int match = 0;

		if (!is_int(o->kind, w->kind, "%s: object %zu is a %s", name,
		    i + 1, kind_name(w->kind)))
			continue;
		is_int(o->index, ++count[w->kind], "%s: object %zu index",
		    name, i + 1);
		if (w->kind == MCERT_KIND_KEY)
			todo_on(TD_KEY_ENCODING);
		is_str(o->encoding, w->encoding, "%s: object %zu encoding",
		    name, i + 1);
		todo_on(0);
		switch (w->kind) {
		case MCERT_KIND_CERT:
			match = o->cert != NULL &&
			    X509_cmp(o->cert, w->cert) == 0;
			break;
		case MCERT_KIND_KEY:
			todo_on(TD_KEY_ENCRYPTED);
			is_int(o->encrypted, w->encrypted,
			    "%s: object %zu encrypted flag", name, i + 1);
			todo_on(TD_LOCKED);
			if (locked && w->encrypted)
				match = o->key == NULL;
			else
				match = o->key != NULL &&
				    EVP_PKEY_eq(o->key, w->key) == 1;
			break;
		case MCERT_KIND_CSR:
			match = o->csr != NULL &&
			    X509_REQ_get0_pubkey(o->csr) != NULL &&
			    EVP_PKEY_eq(X509_REQ_get0_pubkey(o->csr),
			    X509_REQ_get0_pubkey(w->csr)) == 1;
			break;
		case MCERT_KIND_CRL:
			match = o->crl != NULL &&
			    X509_CRL_cmp(o->crl, crl) == 0;
			break;
		}
		ok(match, "%s: object %zu is the %s that was written%s", name,
		    i + 1, kind_name(w->kind), locked && w->encrypted ?
		    " (left locked)" : "");
		todo_on(0);
	}
	is_int(f->ncert, count[MCERT_KIND_CERT], "%s: ncert", name);
	is_int(f->nkey, count[MCERT_KIND_KEY], "%s: nkey", name);
	is_int(f->ncsr, count[MCERT_KIND_CSR], "%s: ncsr", name);
	is_int(f->ncrl, count[MCERT_KIND_CRL], "%s: ncrl", name);
}

static void
check_case(const char *name, const struct part *parts, size_t nparts,
    unsigned int xform, unsigned int flags, enum pp_mode mode, int want_ret,
    enum mcert_format want_fmt, const char *want_err, const char *todo,
    unsigned int todo_mask)
{
	struct built b;
	struct mcert_file *f = (void *)1;
	struct mcert_error err = { 0, "" };
	struct pp_ctx ctx = { NULL, 0, "" };
	struct mcert_passphrase pp = { pp_get, &ctx };
	size_t i, nenc = 0;
	int r, locked = (flags & MCERT_LOAD_KEEP_LOCKED) != 0;

	build(parts, nparts, xform, &b);
	for (i = 0; i < b.nw; i++)
		nenc += b.w[i].encrypted;
	ctx.pass = mode == PP_GIVE ? PASS : mode == PP_WRONG ? "wrong" : NULL;
	bug_why = todo;
	bug_mask = todo_mask;
	r = mcert_file_load_mem(b.buf.p, b.buf.len, name, flags,
	    mode == PP_NONE ? NULL : &pp, &f, &err);
	todo_on(TD_RESULT);
	if (!is_int(r, want_ret, "%s: returns %d", name, want_ret) &&
	    r != MCERT_OK)
		diag("%s", err.msg);
	if (want_ret != MCERT_OK) {
		ok(f == NULL, "%s: no file on error", name);
		is_int(err.code, want_ret, "%s: error code", name);
		like(err.msg, name, "%s: message names the file", name);
		like(err.msg, want_err, "%s: message", name);
	}
	todo_on(0);
	if (want_ret == MCERT_OK && r == MCERT_OK) {
		locked = (flags & MCERT_LOAD_KEEP_LOCKED) != 0;
		is_str(f->path, name, "%s: path", name);
		is_int(f->format, want_fmt, "%s: format", name);
		check_objects(name, f, &b, locked);
	}
	todo_on(TD_LOCKED);
	if (mode != PP_NONE && nenc > 0 && r == MCERT_OK)
		is_int(ctx.calls, locked ? 0 : (int)nenc,
		    "%s: passphrase asked once per encrypted key", name);
	todo_on(0);
	if (ctx.calls > 0)
		is_str(ctx.file, name,
		    "%s: the passphrase prompt names the file", name);
	if (r == MCERT_OK)
		mcert_file_free(f);
	fx_buf_free(&b.buf);
	bug_why = NULL;
	bug_mask = 0;
}

static void
test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct load_case *c = &cases[i];

		check_case(c->name, c->parts, sizeof(c->parts) /
		    sizeof(*c->parts), c->xform, c->flags, c->pp, c->ret,
		    c->format, c->err, c->todo, c->todo_on);
	}
}

/* Every encrypted form, with every way of answering for its passphrase. */
static void
test_passphrases(void)
{
	static const struct {
		const char *name;
		int key;
		enum fx_key_form form;
		int pem;
		enum mcert_format fmt;
	} forms[] = {
		{ "rsa-pkcs8-enc.pem", K_RSA, FX_KEY_PKCS8_ENC, 1,
		    MCERT_FMT_PEM },
		{ "ec-pkcs8-enc.pem", K_EC256, FX_KEY_PKCS8_ENC, 1,
		    MCERT_FMT_PEM },
		{ "ed25519-pkcs8-enc.pem", K_ED25519, FX_KEY_PKCS8_ENC, 1,
		    MCERT_FMT_PEM },
		{ "rsa-pkcs8-enc.der", K_RSA, FX_KEY_PKCS8_ENC, 0,
		    MCERT_FMT_DER },
		{ "ec-pkcs8-enc.der", K_EC384, FX_KEY_PKCS8_ENC, 0,
		    MCERT_FMT_DER },
		{ "ed25519-pkcs8-enc.der", K_ED25519, FX_KEY_PKCS8_ENC, 0,
		    MCERT_FMT_DER },
		{ "rsa-legacy-enc.pem", K_RSA, FX_KEY_TRAD_ENC, 1,
		    MCERT_FMT_PEM },
		{ "ec-legacy-enc.pem", K_EC256, FX_KEY_TRAD_ENC, 1,
		    MCERT_FMT_PEM },
	};
	static const struct {
		const char *suffix;
		enum pp_mode mode;
		unsigned int flags;
		int ret;
		const char *err;
		const char *todo;
	} answers[] = {
		{ "right passphrase", PP_GIVE, 0, MCERT_OK, NULL, NULL },
		{ "wrong passphrase", PP_WRONG, 0, MCERT_E_PASSPHRASE,
		    "wrong passphrase", NULL },
		{ "passphrase declined", PP_DECLINE, 0, MCERT_E_PASSPHRASE,
		    "the private key is encrypted", NULL },
		{ "no passphrase source", PP_NONE, 0, MCERT_E_PASSPHRASE,
		    "the private key is encrypted", NULL },
		{ "kept locked", PP_NONE, MCERT_LOAD_KEEP_LOCKED, MCERT_OK,
		    NULL, NULL },
		/* load.h: with KEEP_LOCKED, keys that need a passphrase are
		 * recorded "without asking for one". */
		{ "kept locked, passphrase source given", PP_GIVE,
		    MCERT_LOAD_KEEP_LOCKED, MCERT_OK, NULL, NULL },
	};
	size_t i, k;
	char name[128];

	for (i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		for (k = 0; k < sizeof(answers) / sizeof(*answers); k++) {
			struct part p[1] = { KEY(forms[i].key, forms[i].form,
			    forms[i].pem) };

			snprintf(name, sizeof(name), "%s (%s)", forms[i].name,
			    answers[k].suffix);
			check_case(name, p, 1, 0, answers[k].flags,
			    answers[k].mode, answers[k].ret, forms[i].fmt,
			    answers[k].err, answers[k].todo, TD_LOCKED);
		}
	}
}

/* Two encrypted keys in one file: each asked for once, indices 1 and 2. */
static void
test_two_encrypted(void)
{
	struct part p[3] = { KEY(K_EC256, FX_KEY_PKCS8_ENC, 1), CERT(C_LEAF),
	    KEY(K_RSA, FX_KEY_TRAD_ENC, 1) };

	check_case("two-keys.pem", p, 3, X_CRLF, 0, PP_GIVE, MCERT_OK,
	    MCERT_FMT_PEM, NULL, NULL, 0);
	check_case("two-keys-locked.pem", p, 3, 0, MCERT_LOAD_KEEP_LOCKED,
	    PP_NONE, MCERT_OK, MCERT_FMT_PEM, NULL, NULL, 0);
}

/* The fixtures are what their names say: the loader is judged on them. */
static void
test_fixture_forms(void)
{
	static const struct {
		int key;
		enum fx_key_form form;
		const char *needle;
	} t[] = {
		{ K_RSA, FX_KEY_PKCS8, "-----BEGIN PRIVATE KEY-----" },
		{ K_RSA, FX_KEY_TRAD, "-----BEGIN RSA PRIVATE KEY-----" },
		{ K_EC256, FX_KEY_TRAD, "-----BEGIN EC PRIVATE KEY-----" },
		{ K_EC256, FX_KEY_PKCS8_ENC,
		    "-----BEGIN ENCRYPTED PRIVATE KEY-----" },
		{ K_ED25519, FX_KEY_PKCS8_ENC,
		    "-----BEGIN ENCRYPTED PRIVATE KEY-----" },
		{ K_RSA, FX_KEY_TRAD_ENC, "Proc-Type: 4,ENCRYPTED" },
		{ K_EC256, FX_KEY_TRAD_ENC, "Proc-Type: 4,ENCRYPTED" },
	};
	struct fx_buf b = { NULL, 0 };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		fx_key_encode(keys[t[i].key], t[i].form, 1, PASS, &b);
		like((char *)b.p, t[i].needle, "fixture: %s key as \"%s\"",
		    key_names[t[i].key], t[i].needle);
		fx_buf_free(&b);
	}
	fx_pkcs7(certs, NCERT, 1, &b);
	like((char *)b.p, "-----BEGIN PKCS7-----", "fixture: PKCS#7 as PEM");
	fx_buf_free(&b);
	fx_cert_text(certs[C_LEAF], &b);
	like((char *)b.p, "X509v3 Subject Alternative Name",
	    "fixture: the text dump of a certificate");
	fx_buf_free(&b);
}

static char *
write_chain(const char *name)
{
	struct fx_buf b = { NULL, 0 };
	char *path;
	size_t i;

	for (i = 0; i < NCERT; i++)
		fx_cert_pem(certs[i], &b);
	path = fx_write(name, b.p, b.len);
	fx_buf_free(&b);
	return path;
}

static char *
make_sparse(const char *name, off_t size)
{
	char *path = fx_path(name);
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    ftruncate(fd, size) == -1 || close(fd) == -1)
		tap_bail("%s: %s", path, strerror(errno));
	return path;
}

/* Files: what only a path can be (missing, a directory, unreadable, too
 * large), and loading by path. */
static void
test_files(void)
{
	struct {
		const char *what;
		char *path;
		int ret;
		const char *err;
		int skip;
	} fc[8];
	struct mcert_file *f;
	struct mcert_error err;
	unsigned char *buf;
	size_t i, n = 0, len;
	char *path;
	int r;

	fc[n].what = "missing file";
	fc[n].path = fx_path("missing.pem");
	fc[n].ret = MCERT_E_IO;
	fc[n].err = "no such file";
	fc[n++].skip = 0;

	fc[n].what = "directory";
	fc[n].path = fx_path("adir");
	if (mkdir(fc[n].path, 0700) == -1)
		tap_bail("mkdir %s: %s", fc[n].path, strerror(errno));
	fc[n].ret = MCERT_E_IO;
	fc[n].err = "is a directory";
	fc[n++].skip = 0;

	fc[n].what = "unreadable file";
	fc[n].path = write_chain("unreadable.pem");
	if (chmod(fc[n].path, 0) == -1)
		tap_bail("chmod %s: %s", fc[n].path, strerror(errno));
	fc[n].ret = MCERT_E_IO;
	fc[n].err = "permission denied";
	fc[n++].skip = geteuid() == 0;	/* root reads it anyway */

	fc[n].what = "file over the size limit";
	fc[n].path = make_sparse("huge.pem", (off_t)MCERT_FILE_MAX + 1);
	fc[n].ret = MCERT_E_LIMIT;
	fc[n].err = "far too large";
	fc[n++].skip = 0;

	fc[n].what = "empty file";
	fc[n].path = fx_write("empty.pem", "", 0);
	fc[n].ret = MCERT_E_PARSE;
	fc[n].err = "the file is empty";
	fc[n++].skip = 0;

	fc[n].what = "character device";
	fc[n].path = strdup("/dev/null");
	fc[n].ret = MCERT_E_PARSE;
	fc[n].err = "the file is empty";
	fc[n++].skip = 0;

	for (i = 0; i < n; i++) {
		if (fc[i].skip) {
			tap_skip(5, "%s: running as root", fc[i].what);
			free(fc[i].path);
			continue;
		}
		memset(&err, 0, sizeof(err));
		f = (void *)1;
		r = mcert_file_load(fc[i].path, 0, NULL, &f, &err);
		is_int(r, fc[i].ret, "%s: returns %d", fc[i].what, fc[i].ret);
		ok(f == NULL, "%s: no file on error", fc[i].what);
		is_int(err.code, fc[i].ret, "%s: error code", fc[i].what);
		like(err.msg, fc[i].path, "%s: message names the file",
		    fc[i].what);
		like(err.msg, fc[i].err, "%s: message", fc[i].what);
		if (r == MCERT_OK)
			mcert_file_free(f);
		free(fc[i].path);
	}

	/* mcert_file_read reads "at most MCERT_FILE_MAX bytes". */
	path = make_sparse("max-1.bin", (off_t)MCERT_FILE_MAX - 1);
	r = mcert_file_read(path, &buf, &len, &err);
	ok(r == MCERT_OK && len == MCERT_FILE_MAX - 1,
	    "file of MCERT_FILE_MAX - 1 bytes is read");
	if (r == MCERT_OK)
		free(buf);
	free(path);
	path = make_sparse("max.bin", (off_t)MCERT_FILE_MAX);
	memset(&err, 0, sizeof(err));
	r = mcert_file_read(path, &buf, &len, &err);
	if (!ok(r == MCERT_OK && len == MCERT_FILE_MAX,
	    "file of exactly MCERT_FILE_MAX bytes is read"))
		diag("returned %d: %s", r, err.msg);
	if (r == MCERT_OK)
		free(buf);
	free(path);

	/* By path: the path is the name, with the same content checks. */
	path = write_chain("bundle.pem");
	memset(&err, 0, sizeof(err));
	r = mcert_file_load(path, 0, NULL, &f, &err);
	if (is_int(r, MCERT_OK, "load by path")) {
		is_str(f->path, path, "load by path: path kept");
		is_int(f->ncert, NCERT, "load by path: %d certificates", NCERT);
		ok(f->layout.newlines_at_end == 1 && !f->layout.crlf,
		    "load by path: layout recorded");
		mcert_file_free(f);
	}
	free(path);
}

/* mcert_file_certs gathers certificates of several files with their
 * origin; mcert_file_first finds the first object of a kind. */
static void
test_accessors(void)
{
	struct built a, b;
	struct mcert_file *fa = NULL, *fb = NULL;
	struct mcert_cert *v = NULL;
	struct mcert_error err = { 0, "" };
	struct part pa[3] = { CERT(C_LEAF), CERT(C_INTER), CERT(C_ROOT) };
	struct part pb[3] = { KEY(K_EC256, FX_KEY_PKCS8, 1), CSR(K_RSA),
	    CERT(C_INTER) };
	const struct mcert_object *o;
	size_t n = 0;

	build(pa, 3, 0, &a);
	build(pb, 3, 0, &b);
	if (mcert_file_load_mem(a.buf.p, a.buf.len, "a.pem", 0, NULL, &fa,
	    &err) != MCERT_OK || mcert_file_load_mem(b.buf.p, b.buf.len,
	    "b.pem", 0, NULL, &fb, &err) != MCERT_OK)
		tap_bail("accessors: %s", err.msg);
	is_int(mcert_file_certs(fa, &v, &n, &err), MCERT_OK,
	    "mcert_file_certs: first file");
	is_int(mcert_file_certs(fb, &v, &n, &err), MCERT_OK,
	    "mcert_file_certs: second file");
	if (is_int(n, 4, "mcert_file_certs: 4 certificates in all")) {
		ok(v[0].x509 == fa->obj[0].cert && v[2].x509 == fa->obj[2].cert,
		    "mcert_file_certs: borrowed in file order");
		ok(strcmp(v[0].file, "a.pem") == 0 && v[0].index == 1 &&
		    strcmp(v[2].file, "a.pem") == 0 && v[2].index == 3,
		    "mcert_file_certs: first file's origin");
		ok(strcmp(v[3].file, "b.pem") == 0 && v[3].index == 1 &&
		    v[3].x509 == fb->obj[2].cert,
		    "mcert_file_certs: second file's origin, index per kind");
	}
	o = mcert_file_first(fb, MCERT_KIND_CERT);
	ok(o == &fb->obj[2], "mcert_file_first: certificate after key, CSR");
	o = mcert_file_first(fb, MCERT_KIND_CSR);
	ok(o == &fb->obj[1], "mcert_file_first: CSR");
	ok(mcert_file_first(fa, MCERT_KIND_KEY) == NULL,
	    "mcert_file_first: NULL when there is none");
	free(v);
	mcert_file_free(fa);
	mcert_file_free(fb);
	fx_buf_free(&a.buf);
	fx_buf_free(&b.buf);
}

static void
make_fixtures(void)
{
	struct fx_cert_spec root = { .subject = "/O=Example/CN=Root CA",
	    .key = fx_key(FX_EC_P256, 0), .na_days = 3650,
	    .ext = { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign,cRLSign" } };
	struct fx_cert_spec inter = { .subject = "/O=Example/CN=Issuing CA",
	    .key = fx_key(FX_EC_P256, 1), .issuer_key = fx_key(FX_EC_P256, 0),
	    .na_days = 1825, .ext = { "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign,cRLSign" } };
	struct fx_cert_spec leaf = { .subject = "/CN=leaf.example.com",
	    .key = fx_key(FX_EC_P256, 2), .issuer_key = fx_key(FX_EC_P256, 1),
	    .ext = { "keyUsage=digitalSignature,keyEncipherment",
	    "extendedKeyUsage=serverAuth,clientAuth",
	    "subjectAltName=DNS:leaf.example.com" } };
	static const char *const san[] = {
	    "subjectAltName=DNS:cms.example.com", NULL };
	struct fx_crl_spec cs = { .revoked = { "1001" } };
	size_t i;

	keys[K_RSA] = fx_key(FX_RSA2048, 0);
	keys[K_EC256] = fx_key(FX_EC_P256, 3);
	keys[K_EC384] = fx_key(FX_EC_P384, 0);
	keys[K_ED25519] = fx_key(FX_ED25519, 0);
	certs[C_ROOT] = fx_cert(&root);
	inter.issuer = certs[C_ROOT];
	certs[C_INTER] = fx_cert(&inter);
	leaf.issuer = certs[C_INTER];
	certs[C_LEAF] = fx_cert(&leaf);
	for (i = 0; i < NKEY; i++)
		csrs[i] = fx_csr(keys[i], i == K_RSA ?
		    "/C=GB/O=Example/CN=cms.example.com" :
		    "/CN=cms.example.com", san);
	leaf.subject = "/O=-----BEGIN CERTIFICATE-----/CN=odd.example.com";
	armour_cert = fx_cert(&leaf);
	cs.issuer = certs[C_INTER];
	cs.key = fx_key(FX_EC_P256, 1);
	crl = fx_crl(&cs);
}

static void
free_fixtures(void)
{
	size_t i;

	for (i = 0; i < NCERT; i++)
		X509_free(certs[i]);
	for (i = 0; i < NKEY; i++)
		X509_REQ_free(csrs[i]);
	X509_CRL_free(crl);
	X509_free(armour_cert);
}

int
main(void)
{
	make_fixtures();
	test_fixture_forms();
	test_table();
	test_passphrases();
	test_two_encrypted();
	test_files();
	test_accessors();
	free_fixtures();
	fx_cleanup();
	return tap_done();
}
