#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "load.h"

/* One passphrase per key, asked for at most once even though OpenSSL's
 * decoders may call back several times while trying structures. */
struct pass_state {
	const struct mcert_passphrase *pp;
	const char *name;
	char buf[1024];
	int len;		/* -1: not asked yet; -2: none to give */
	int asked;
};

static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_state *ps = u;

	(void)rwflag;
	ps->asked = 1;
	if (ps->len == -1) {
		if (ps->pp == NULL || ps->pp->get == NULL ||
		    (ps->len = ps->pp->get(ps->pp->ctx, ps->name, ps->buf,
		    sizeof(ps->buf))) < 0)
			ps->len = -2;
	}
	if (ps->len < 0 || ps->len >= size)
		return -1;
	memcpy(buf, ps->buf, (size_t)ps->len);
	return ps->len;
}

static void
object_clear(struct mcert_object *o)
{
	X509_free(o->cert);
	EVP_PKEY_free(o->key);
	X509_REQ_free(o->csr);
	X509_CRL_free(o->crl);
}

/* Numbers the object within its kind, then hands it to the visitor (and
 * frees it) or keeps it in f. */
static int
push(struct mcert_file *f, struct mcert_object *o, struct mcert_error *err)
{
	struct mcert_object *grown;
	int r;

	o->index = (int)++f->seen[o->kind];
	if (f->visitor != NULL) {
		r = f->visitor->object(f->visitor->ctx, f, o);
		object_clear(o);
		if (r != 0)
			return mcert_error_set(err, r, r == MCERT_E_NOMEM ?
			    N_("%s: out of memory") : N_("%s: stopped"),
			    f->path);
		return MCERT_OK;
	}
	if ((f->nobj & (f->nobj - 1)) == 0) {	/* 0, 1, 2, 4, ...: grow */
		grown = realloc(f->obj, (f->nobj ? f->nobj * 2 : 1) *
		    sizeof(*grown));
		if (grown == NULL) {
			object_clear(o);
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("%s: out of memory"), f->path);
		}
		f->obj = grown;
	}
	f->obj[f->nobj++] = *o;
	return MCERT_OK;
}

/* How many objects of each kind the blocks hold, before they are decoded
 * one at a time: PKCS#7 blocks are opened to count their certificates. */
static void
count_pem(struct mcert_file *f, const unsigned char *buf,
    struct mcert_pem_block *blocks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *l = blocks[i].label;

		if (strcmp(l, "CERTIFICATE") == 0 ||
		    strcmp(l, "X509 CERTIFICATE") == 0 ||
		    strcmp(l, "TRUSTED CERTIFICATE") == 0)
			f->ncert++;
		else if (strcmp(l, "CERTIFICATE REQUEST") == 0 ||
		    strcmp(l, "NEW CERTIFICATE REQUEST") == 0)
			f->ncsr++;
		else if (strcmp(l, "X509 CRL") == 0)
			f->ncrl++;
		else if (strcmp(l, "PRIVATE KEY") == 0 ||
		    strcmp(l, "ENCRYPTED PRIVATE KEY") == 0 ||
		    strcmp(l, "RSA PRIVATE KEY") == 0 ||
		    strcmp(l, "EC PRIVATE KEY") == 0)
			f->nkey++;
		else if ((strcmp(l, "PKCS7") == 0 ||
		    strcmp(l, "CERTIFICATE CHAIN") == 0) &&
		    mcert_pem_decode(buf, f->path, &blocks[i], NULL) ==
		    MCERT_OK) {
			const unsigned char *p = blocks[i].der;
			PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)blocks[i].der_len);

			if (p7 != NULL && PKCS7_type_is_signed(p7) &&
			    p7->d.sign != NULL)
				f->ncert += (size_t)sk_X509_num(
				    p7->d.sign->cert);
			PKCS7_free(p7);
			mcert_pem_block_release(&blocks[i]);
		}
	}
	ERR_clear_error();
}

static int
push_cert(struct mcert_file *f, X509 *x, const char *encoding,
    struct mcert_error *err)
{
	struct mcert_object o = { .kind = MCERT_KIND_CERT, .cert = x,
	    .encoding = encoding };

	return push(f, &o, err);
}

static int
push_pkcs7(struct mcert_file *f, PKCS7 *p7, struct mcert_error *err)
{
	STACK_OF(X509) *certs = NULL;
	int i, ret;

	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	else if (PKCS7_type_is_signedAndEnveloped(p7) &&
	    p7->d.signed_and_enveloped != NULL)
		certs = p7->d.signed_and_enveloped->cert;
	for (i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (!X509_up_ref(x))
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("%s: out of memory"), f->path);
		if ((ret = push_cert(f, x, "PKCS#7", err)) != MCERT_OK)
			return ret;
	}
	return MCERT_OK;
}

/* Decodes a private key in input_type ("DER" or "PEM") with the given
 * structure (NULL: any).  Returns the key or NULL. */
static EVP_PKEY *
decode_key(const unsigned char *data, size_t len, const char *input_type,
    const char *structure, struct pass_state *ps)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = data;
	size_t left = len;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, input_type, structure, NULL,
	    EVP_PKEY_KEYPAIR, NULL, NULL);
	if (dctx == NULL)
		return NULL;
	OSSL_DECODER_CTX_set_pem_password_cb(dctx, pass_cb, ps);
	if (!OSSL_DECODER_from_data(dctx, &p, &left) || left != 0) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	ERR_clear_error();
	return pkey;
}

static const char *
type_specific_name(const EVP_PKEY *k)
{
	if (EVP_PKEY_is_a(k, "RSA"))
		return "PKCS#1";
	if (EVP_PKEY_is_a(k, "EC"))
		return "SEC1";
	return "raw";
}

/* A key whose passphrase was wrong or missing, or that is damaged. */
static int
key_failed(struct mcert_file *f, struct pass_state *ps, int encrypted,
    const char *encoding, unsigned int flags, struct mcert_error *err)
{
	struct mcert_object o = { .kind = MCERT_KIND_KEY, .encrypted = 1,
	    .encoding = encoding };

	if (encrypted || ps->asked) {
		if ((flags & MCERT_LOAD_KEEP_LOCKED) && ps->len == -2)
			return push(f, &o, err);
		if (ps->len == -2)
			return mcert_error_set(err, MCERT_E_PASSPHRASE,
			    N_("%s: the private key is encrypted; give its "
			    "passphrase on the terminal or with "
			    "--passphrase-fd N"), f->path);
		return mcert_error_set(err, MCERT_E_PASSPHRASE,
		    N_("%s: wrong passphrase for the private key; try again "
		    "or check which key this is"), f->path);
	}
	return mcert_error_set(err, MCERT_E_PARSE,
	    N_("%s: the private key is damaged or of an unsupported type "
	    "(RSA, EC and Ed25519 are supported)"), f->path);
}

static int
push_key(struct mcert_file *f, EVP_PKEY *k, int encrypted,
    const char *encoding, struct mcert_error *err)
{
	struct mcert_object o = { .kind = MCERT_KIND_KEY, .key = k,
	    .encrypted = encrypted, .encoding = encoding };

	return push(f, &o, err);
}

static int
load_pem_key(struct mcert_file *f, const unsigned char *buf,
    const struct mcert_pem_block *b, const struct mcert_passphrase *pp,
    unsigned int flags, struct mcert_error *err)
{
	/* A key left locked is recorded without asking for its passphrase. */
	struct pass_state ps = { .pp = (flags & MCERT_LOAD_KEEP_LOCKED) ? NULL :
	    pp, .name = f->path, .len = -1 };
	const char *enc;
	int encrypted = 0, ret;
	EVP_PKEY *k;

	if (strcmp(b->label, "ENCRYPTED PRIVATE KEY") == 0) {
		enc = "PKCS#8";
		encrypted = 1;
	} else if (strcmp(b->label, "PRIVATE KEY") == 0) {
		enc = "PKCS#8";
	} else if (strcmp(b->label, "RSA PRIVATE KEY") == 0) {
		enc = "PKCS#1";
	} else {
		enc = "SEC1";
	}
	if (b->has_headers) {
		/* Legacy "Proc-Type: 4,ENCRYPTED": OpenSSL reads the armour. */
		encrypted = 1;
		k = decode_key(buf + b->begin, b->end - b->begin, "PEM", NULL,
		    &ps);
	} else {
		k = decode_key(b->der, b->der_len, "DER", NULL, &ps);
	}
	if (k == NULL)
		ret = key_failed(f, &ps, encrypted, enc, flags, err);
	else
		ret = push_key(f, k, encrypted, enc, err);
	mcert_wipe(ps.buf, sizeof(ps.buf));
	return ret;
}

static int
load_pem(struct mcert_file *f, const unsigned char *buf,
    struct mcert_pem_block *blocks, size_t n,
    const struct mcert_passphrase *pp, unsigned int flags,
    struct mcert_error *err)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		struct mcert_pem_block *b = &blocks[i];
		const unsigned char *p;
		const char *l = b->label;

		/* One block decoded at a time, released once read. */
		if ((ret = mcert_pem_decode(buf, f->path, b, err)) != MCERT_OK)
			return ret;
		p = b->der;

		if (strcmp(l, "CERTIFICATE") == 0 ||
		    strcmp(l, "X509 CERTIFICATE") == 0 ||
		    strcmp(l, "TRUSTED CERTIFICATE") == 0) {
			X509 *x = strcmp(l, "TRUSTED CERTIFICATE") == 0 ?
			    d2i_X509_AUX(NULL, &p, (long)b->der_len) :
			    d2i_X509(NULL, &p, (long)b->der_len);

			if (x == NULL || p != b->der + b->der_len) {
				X509_free(x);
				ret = mcert_error_set(err, MCERT_E_PARSE,
				    N_("%s: line %zu: the certificate is "
				    "damaged (not valid X.509 DER); copy it "
				    "again from the CA"), f->path, b->line);
				mcert_error_add_openssl(err);
				return ret;
			}
			if ((ret = push_cert(f, x, "PEM", err)) != MCERT_OK)
				return ret;
		} else if (strcmp(l, "PKCS7") == 0 ||
		    strcmp(l, "CERTIFICATE CHAIN") == 0) {
			PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)b->der_len);

			if (p7 == NULL || p != b->der + b->der_len) {
				PKCS7_free(p7);
				ret = mcert_error_set(err, MCERT_E_PARSE,
				    N_("%s: line %zu: the PKCS#7 block is "
				    "damaged; export it again from the CA"),
				    f->path, b->line);
				mcert_error_add_openssl(err);
				return ret;
			}
			ret = push_pkcs7(f, p7, err);
			PKCS7_free(p7);
			if (ret != MCERT_OK)
				return ret;
		} else if (strcmp(l, "CERTIFICATE REQUEST") == 0 ||
		    strcmp(l, "NEW CERTIFICATE REQUEST") == 0) {
			X509_REQ *r = d2i_X509_REQ(NULL, &p, (long)b->der_len);
			struct mcert_object o = { .kind = MCERT_KIND_CSR,
			    .csr = r, .encoding = "PEM" };

			if (r == NULL || p != b->der + b->der_len) {
				X509_REQ_free(r);
				ret = mcert_error_set(err, MCERT_E_PARSE,
				    N_("%s: line %zu: the CSR is damaged; make "
				    "it again"), f->path, b->line);
				mcert_error_add_openssl(err);
				return ret;
			}
			if ((ret = push(f, &o, err)) != MCERT_OK)
				return ret;
		} else if (strcmp(l, "X509 CRL") == 0) {
			X509_CRL *c = d2i_X509_CRL(NULL, &p, (long)b->der_len);
			struct mcert_object o = { .kind = MCERT_KIND_CRL,
			    .crl = c, .encoding = "PEM" };

			if (c == NULL || p != b->der + b->der_len) {
				X509_CRL_free(c);
				ret = mcert_error_set(err, MCERT_E_PARSE,
				    N_("%s: line %zu: the CRL is damaged; get "
				    "it again from the CA"), f->path, b->line);
				mcert_error_add_openssl(err);
				return ret;
			}
			if ((ret = push(f, &o, err)) != MCERT_OK)
				return ret;
		} else if (strcmp(l, "PRIVATE KEY") == 0 ||
		    strcmp(l, "ENCRYPTED PRIVATE KEY") == 0 ||
		    strcmp(l, "RSA PRIVATE KEY") == 0 ||
		    strcmp(l, "EC PRIVATE KEY") == 0) {
			if ((ret = load_pem_key(f, buf, b, pp, flags, err)) !=
			    MCERT_OK)
				return ret;
		} else {
			f->nskipped++;
		}
		mcert_pem_block_release(b);
	}
	return MCERT_OK;
}

/* Skips one DER element header at *p (within end); its tag, or -1. */
static int
der_enter(const unsigned char **p, const unsigned char *end, size_t *body)
{
	size_t n, i;
	int tag;

	if (end - *p < 2)
		return -1;
	tag = (*p)[0];
	if ((*p)[1] < 0x80) {
		*body = (*p)[1];
		*p += 2;
		return tag;
	}
	n = (*p)[1] & 0x7f;
	if (n == 0 || n > 4 || (size_t)(end - *p) < 2 + n)
		return -1;
	for (*body = 0, i = 0; i < n; i++)
		*body = *body << 8 | (*p)[2 + i];
	*p += 2 + n;
	return tag;
}

/* Which private key structure DER holds, from its first elements:
 * EncryptedPrivateKeyInfo starts with a SEQUENCE; PrivateKeyInfo with a
 * version and a SEQUENCE; RSAPrivateKey (PKCS#1) with two INTEGERs;
 * ECPrivateKey (SEC1) with an INTEGER and an OCTET STRING.  OpenSSL's
 * decoders accept more than they are asked for, so the label is read
 * here. */
static const char *
key_structure(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;
	size_t body;
	int tag;

	if (der_enter(&p, end, &body) != 0x30)
		return NULL;
	if ((tag = der_enter(&p, end, &body)) == 0x30)	/* AlgorithmIdentifier */
		return der_enter(&p, end, &body) == 0x06 ?
		    "EncryptedPrivateKeyInfo" : NULL;
	if (tag != 0x02 || (size_t)(end - p) < body)
		return NULL;
	p += body;
	tag = der_enter(&p, end, &body);
	return tag == 0x30 ? "PrivateKeyInfo" : tag == 0x02 || tag == 0x04 ?
	    "type-specific" : NULL;
}

/* Raw DER: a certificate, PKCS#7, a CSR or a private key, each of which must
 * fill the file exactly. */
static int
load_der(struct mcert_file *f, const unsigned char *buf, size_t len,
    const struct mcert_passphrase *pp, unsigned int flags,
    struct mcert_error *err)
{
	struct pass_state ps = { .pp = (flags & MCERT_LOAD_KEEP_LOCKED) ? NULL :
	    pp, .name = f->path, .len = -1 };
	const unsigned char *p = buf;
	X509 *x;
	PKCS7 *p7;
	X509_REQ *r;
	X509_CRL *crl;
	EVP_PKEY *k;
	const char *structure;
	int ret, encrypted;

	f->format = MCERT_FMT_DER;
	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL) {
		if (p != buf + len) {
			X509_free(x);
			return mcert_error_set(err, MCERT_E_PARSE,
			    N_("%s: %zu bytes follow the DER certificate; the "
			    "file is damaged or two files were joined"),
			    f->path, (size_t)(buf + len - p));
		}
		return push_cert(f, x, "DER", err);
	}
	ERR_clear_error();
	p = buf;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) != NULL) {
		f->format = MCERT_FMT_PKCS7_DER;
		ret = p == buf + len ? push_pkcs7(f, p7, err) :
		    mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: %zu bytes follow the PKCS#7 data; the file is "
		    "damaged"), f->path, (size_t)(buf + len - p));
		PKCS7_free(p7);
		return ret;
	}
	ERR_clear_error();
	p = buf;
	if ((r = d2i_X509_REQ(NULL, &p, (long)len)) != NULL) {
		struct mcert_object o = { .kind = MCERT_KIND_CSR, .csr = r,
		    .encoding = "DER" };

		if (p == buf + len)
			return push(f, &o, err);
		X509_REQ_free(r);
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: %zu bytes follow the DER CSR; the file is damaged "
		    "or two files were joined"), f->path,
		    (size_t)(buf + len - p));
	}
	X509_REQ_free(r);
	ERR_clear_error();
	p = buf;
	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) != NULL &&
	    p == buf + len) {
		struct mcert_object o = { .kind = MCERT_KIND_CRL, .crl = crl,
		    .encoding = "DER" };

		return push(f, &o, err);
	}
	X509_CRL_free(crl);
	ERR_clear_error();
	if ((structure = key_structure(buf, len)) != NULL) {
		k = decode_key(buf, len, "DER", structure, &ps);
		encrypted = strcmp(structure, "EncryptedPrivateKeyInfo") == 0;
		if (k != NULL)
			ret = push_key(f, k, encrypted, strcmp(structure,
			    "type-specific") == 0 ? type_specific_name(k) :
			    "PKCS#8", err);
		else
			ret = key_failed(f, &ps, encrypted, "PKCS#8", flags,
			    err);
		mcert_wipe(ps.buf, sizeof(ps.buf));
		return ret;
	}
	return mcert_error_set(err, MCERT_E_PARSE,
	    N_("%s: not a certificate, private key, CSR or PKCS#7 file (neither "
	    "PEM nor DER); is this the right file?"), f->path);
}

/* The length a DER SEQUENCE at buf says it has, header included; 0 when
 * buf does not start with one. */
static size_t
der_length(const unsigned char *buf, size_t len)
{
	size_t n, i, body = 0;

	if (len < 2 || buf[0] != 0x30)
		return 0;
	if (buf[1] < 0x80)
		return 2 + (size_t)buf[1];
	n = buf[1] & 0x7f;
	if (n == 0 || n > 4 || len < 2 + n)
		return 0;
	for (i = 0; i < n; i++)
		body = body << 8 | buf[2 + i];
	return 2 + n + body;
}

/* DER starts with a SEQUENCE (0x30), and so may a text file ("0...").  A
 * SEQUENCE that fills the file exactly is DER even if its bytes happen to
 * spell "-----BEGIN "; otherwise a PEM armour line makes it text. */
static int
looks_binary(const unsigned char *buf, size_t len)
{
	if (len == 0 || buf[0] != 0x30)
		return 0;
	return der_length(buf, len) == len ||
	    memmem(buf, len, "-----BEGIN ", 11) == NULL;
}

static void
set_totals(struct mcert_file *f)
{
	f->ncert = f->seen[MCERT_KIND_CERT];
	f->nkey = f->seen[MCERT_KIND_KEY];
	f->ncsr = f->seen[MCERT_KIND_CSR];
	f->ncrl = f->seen[MCERT_KIND_CRL];
}

static int
load_mem(struct mcert_file *f, const unsigned char *buf, size_t len,
    unsigned int flags, const struct mcert_passphrase *pp,
    struct mcert_error *err)
{
	const struct mcert_file_visitor *v = f->visitor;
	struct mcert_pem_block *blocks = NULL;
	size_t n = 0, i;
	int ret, r;

	if (len == 0)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: the file is empty; copy it again from its source"),
		    f->path);
	if (looks_binary(buf, len)) {
		/* One DER object (or a PKCS#7 of a few): kept, then shown. */
		f->visitor = NULL;
		ret = load_der(f, buf, len, pp, flags, err);
		f->visitor = v;
		set_totals(f);
		if (ret != MCERT_OK || v == NULL || f->nobj == 0)
			goto done;
		if ((r = v->begin(v->ctx, f)) != 0)
			return mcert_error_set(err, r, N_("%s: stopped"),
			    f->path);
		for (i = 0; i < f->nobj; i++)
			if ((r = v->object(v->ctx, f, &f->obj[i])) != 0)
				return mcert_error_set(err, r,
				    N_("%s: stopped"), f->path);
		goto done;
	}
	if ((ret = mcert_pem_scan_lazy(buf, len, f->path, &blocks, &n,
	    &f->layout, err)) != MCERT_OK)
		return ret;
	if (n == 0) {
		ret = mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: no PEM block (-----BEGIN ...) and not DER; is this "
		    "the right file?"), f->path);
		goto out;
	}
	f->format = MCERT_FMT_PEM;
	count_pem(f, buf, blocks, n);
	if (v != NULL && f->ncert + f->nkey + f->ncsr + f->ncrl > 0 &&
	    (r = v->begin(v->ctx, f)) != 0) {
		ret = mcert_error_set(err, r, N_("%s: stopped"), f->path);
		goto out;
	}
	ret = load_pem(f, buf, blocks, n, pp, flags, err);
done:
	set_totals(f);	/* what was really read, whatever was counted */
	if (ret == MCERT_OK && f->seen[MCERT_KIND_CERT] +
	    f->seen[MCERT_KIND_KEY] + f->seen[MCERT_KIND_CSR] +
	    f->seen[MCERT_KIND_CRL] == 0)
		ret = mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: holds no certificate, private key, CSR or CRL (only "
		    "%zu block(s) of other kinds)"), f->path, f->nskipped);
out:
	mcert_pem_blocks_free(blocks, n);
	ERR_clear_error();
	return ret;
}

static struct mcert_file *
file_new(const char *name, struct mcert_error *err)
{
	struct mcert_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(name)) == NULL) {
		free(f);
		mcert_error_set(err, MCERT_E_NOMEM, N_("%s: out of memory"),
		    name);
		return NULL;
	}
	return f;
}

int
mcert_file_load_mem(const unsigned char *buf, size_t len, const char *name,
    unsigned int flags, const struct mcert_passphrase *pp,
    struct mcert_file **out, struct mcert_error *err)
{
	struct mcert_file *f;
	int ret;

	*out = NULL;
	if ((f = file_new(name, err)) == NULL)
		return MCERT_E_NOMEM;
	if ((ret = load_mem(f, buf, len, flags, pp, err)) != MCERT_OK) {
		mcert_file_free(f);
		return ret;
	}
	*out = f;
	return MCERT_OK;
}

int
mcert_file_visit(const char *path, unsigned int flags,
    const struct mcert_passphrase *pp, const struct mcert_file_visitor *v,
    struct mcert_error *err)
{
	struct mcert_file *f;
	unsigned char *buf;
	size_t len;
	int ret;

	if ((ret = mcert_file_read(path, &buf, &len, err)) != MCERT_OK)
		return ret;
	if ((f = file_new(path, err)) == NULL) {
		ret = MCERT_E_NOMEM;
	} else {
		f->visitor = v;
		ret = load_mem(f, buf, len, flags, pp, err);
		mcert_file_free(f);
	}
	mcert_wipe(buf, len);
	free(buf);
	return ret;
}

int
mcert_file_load(const char *path, unsigned int flags,
    const struct mcert_passphrase *pp, struct mcert_file **out,
    struct mcert_error *err)
{
	unsigned char *buf;
	size_t len;
	int ret;

	*out = NULL;
	if ((ret = mcert_file_read(path, &buf, &len, err)) != MCERT_OK)
		return ret;
	ret = mcert_file_load_mem(buf, len, path, flags, pp, out, err);
	mcert_wipe(buf, len);	/* may have held a private key */
	free(buf);
	return ret;
}

void
mcert_file_free(struct mcert_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nobj; i++)
		object_clear(&f->obj[i]);
	free(f->obj);
	free(f->path);
	free(f);
}

int
mcert_file_certs(const struct mcert_file *f, struct mcert_cert **v,
    size_t *n, struct mcert_error *err)
{
	struct mcert_cert *grown;
	size_t i;

	if (f->ncert == 0)
		return MCERT_OK;
	grown = realloc(*v, (*n + f->ncert) * sizeof(**v));
	if (grown == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM,
		    N_("%s: out of memory"), f->path);
	*v = grown;
	for (i = 0; i < f->nobj; i++) {
		if (f->obj[i].kind != MCERT_KIND_CERT)
			continue;
		grown[*n].x509 = f->obj[i].cert;
		grown[*n].file = f->path;
		grown[*n].index = f->obj[i].index;
		(*n)++;
	}
	return MCERT_OK;
}

int
mcert_file_crls(const struct mcert_file *f, X509_CRL ***v, size_t *n,
    struct mcert_error *err)
{
	X509_CRL **grown;
	size_t i;

	if (f->ncrl == 0)
		return MCERT_OK;
	if ((grown = realloc(*v, (*n + f->ncrl) * sizeof(**v))) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM,
		    N_("%s: out of memory"), f->path);
	*v = grown;
	for (i = 0; i < f->nobj; i++)
		if (f->obj[i].kind == MCERT_KIND_CRL)
			grown[(*n)++] = f->obj[i].crl;
	return MCERT_OK;
}

const struct mcert_object *
mcert_file_first(const struct mcert_file *f, enum mcert_kind kind)
{
	size_t i;

	for (i = 0; i < f->nobj; i++)
		if (f->obj[i].kind == kind)
			return &f->obj[i];
	return NULL;
}
