#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "tap.h"

static EVP_PKEY *keys[4][FX_KEY_SLOTS];
static char tmpdir[4096];
static time_t now;
static unsigned long serial_counter = 0x1000;

/* Fixtures are preconditions: when one cannot be made, the test run is
 * meaningless, so stop with OpenSSL's reason. */
static void __attribute__((noreturn))
fx_fail(const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "";

	if (e != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	tap_bail("fixture: %s failed %s", what, reason);
}

time_t
fx_now(void)
{
	if (now == 0)
		now = time(NULL);
	return now;
}

EVP_PKEY *
fx_key(enum fx_key_type type, int slot)
{
	EVP_PKEY *k;

	if ((unsigned)type > FX_ED25519 || slot < 0 || slot >= FX_KEY_SLOTS)
		tap_bail("fixture: no key type %d slot %d", type, slot);
	if ((k = keys[type][slot]) != NULL)
		return k;
	switch (type) {
	case FX_RSA2048:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	case FX_EC_P256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case FX_EC_P384:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case FX_ED25519:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	}
	if (k == NULL)
		fx_fail("key generation");
	keys[type][slot] = k;
	return k;
}

X509_NAME *
fx_name(const char *dn)
{
	X509_NAME *name;
	char *copy, *field, *save = NULL, *eq;

	if ((name = X509_NAME_new()) == NULL)
		fx_fail("X509_NAME_new");
	if (dn == NULL || *dn == '\0')
		return name;
	if ((copy = strdup(dn)) == NULL)
		tap_bail("fixture: out of memory");
	for (field = strtok_r(copy, "/", &save); field != NULL;
	    field = strtok_r(NULL, "/", &save)) {
		if ((eq = strchr(field, '=')) == NULL)
			tap_bail("fixture: bad name part '%s' in '%s'", field,
			    dn);
		*eq++ = '\0';
		if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
		    (const unsigned char *)eq, -1, -1, 0))
			fx_fail("X509_NAME_add_entry_by_txt");
	}
	free(copy);
	return name;
}

static void
add_ext(X509 *x, X509V3_CTX *ctx, const char *line)
{
	X509_EXTENSION *ext;
	char *copy, *eq;

	if ((copy = strdup(line)) == NULL)
		tap_bail("fixture: out of memory");
	if ((eq = strchr(copy, '=')) == NULL)
		tap_bail("fixture: extension '%s' has no '='", line);
	*eq++ = '\0';
	if ((ext = X509V3_EXT_nconf(NULL, ctx, copy, eq)) == NULL) {
		tap_diag("fixture: extension '%s'", line);
		fx_fail("X509V3_EXT_nconf");
	}
	if (!X509_add_ext(x, ext, -1))
		fx_fail("X509_add_ext");
	X509_EXTENSION_free(ext);
	free(copy);
}

/* The key identifier RFC 5280 §4.2.1.2 (1) derives from a public key:
 * SHA-1 of the subjectPublicKey bits, as "subjectKeyIdentifier=hash". */
static ASN1_OCTET_STRING *
key_id(EVP_PKEY *k)
{
	X509_PUBKEY *pub = NULL;
	ASN1_OCTET_STRING *id;
	const unsigned char *bits;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	int nbits;

	if (!X509_PUBKEY_set(&pub, k) ||
	    !X509_PUBKEY_get0_param(NULL, &bits, &nbits, NULL, pub) ||
	    !EVP_Digest(bits, (size_t)nbits, md, &mdlen, EVP_sha1(), NULL) ||
	    (id = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(id, md, (int)mdlen))
		fx_fail("key identifier");
	X509_PUBKEY_free(pub);
	return id;
}

/* An authorityKeyIdentifier naming signer's key, whether or not the
 * issuer's certificate has a subjectKeyIdentifier (a v1 CA has none). */
static void
add_akid(X509 *x, EVP_PKEY *signer)
{
	AUTHORITY_KEYID *akid;

	if ((akid = AUTHORITY_KEYID_new()) == NULL)
		fx_fail("AUTHORITY_KEYID_new");
	akid->keyid = key_id(signer);
	if (!X509_add1_ext_i2d(x, NID_authority_key_identifier, akid, 0,
	    X509V3_ADD_DEFAULT))
		fx_fail("authorityKeyIdentifier");
	AUTHORITY_KEYID_free(akid);
}

static const EVP_MD *
sign_md(EVP_PKEY *k)
{
	/* Ed25519 signs the message itself: no separate digest. */
	if (EVP_PKEY_is_a(k, "ED25519") || EVP_PKEY_is_a(k, "ED448"))
		return NULL;
	return EVP_sha256();
}

static void
set_serial(X509 *x, const char *hex)
{
	BIGNUM *bn = NULL;
	char buf[32];

	if (hex == NULL) {
		snprintf(buf, sizeof(buf), "%lX", serial_counter++);
		hex = buf;
	}
	if (!BN_hex2bn(&bn, hex) ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		fx_fail("serial number");
	BN_free(bn);
}

X509 *
fx_cert(const struct fx_cert_spec *s)
{
	X509 *x;
	X509_NAME *name, *iname = NULL;
	X509V3_CTX ctx;
	EVP_PKEY *signer = s->issuer_key != NULL ? s->issuer_key : s->key;
	long nbd = s->nb_days, nad = s->na_days;
	size_t i;

	if (s->issuer != NULL && s->issuer_key == NULL)
		tap_bail("fixture: %s: an issuer needs its issuer_key",
		    s->subject);
	if (nbd == 0 && nad == 0) {
		nbd = -1;
		nad = 365;
	}
	if ((x = X509_new()) == NULL)
		fx_fail("X509_new");
	if (!X509_set_version(x, s->v1 ? X509_VERSION_1 : X509_VERSION_3))
		fx_fail("X509_set_version");
	set_serial(x, s->serial);
	name = fx_name(s->subject);
	if (s->issuer != NULL)
		iname = X509_NAME_dup(X509_get_subject_name(s->issuer));
	else if (s->issuer_name != NULL)
		iname = fx_name(s->issuer_name);
	else
		iname = X509_NAME_dup(name);
	if (iname == NULL || !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, iname))
		fx_fail("names");
	X509_NAME_free(name);
	X509_NAME_free(iname);
	if (ASN1_TIME_set(X509_getm_notBefore(x),
	    fx_now() + nbd * FX_DAY + s->nb_secs) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x),
	    fx_now() + nad * FX_DAY + s->na_secs) == NULL)
		fx_fail("validity");
	if (!X509_set_pubkey(x, s->key))
		fx_fail("X509_set_pubkey");
	X509V3_set_ctx(&ctx, s->issuer != NULL ? s->issuer : x, x, NULL, NULL,
	    0);
	if (!s->v1 && !s->no_kid) {
		add_ext(x, &ctx, "subjectKeyIdentifier=hash");
		if (signer != s->key)
			add_akid(x, signer);
	}
	for (i = 0; !s->v1 && i < sizeof(s->ext) / sizeof(*s->ext) &&
	    s->ext[i] != NULL; i++)
		add_ext(x, &ctx, s->ext[i]);
	if (X509_sign(x, signer, sign_md(signer)) <= 0)
		fx_fail("X509_sign");
	return x;
}

X509_REQ *
fx_csr(EVP_PKEY *key, const char *subject, const char *const *ext)
{
	STACK_OF(X509_EXTENSION) *exts;
	X509_REQ *r;
	X509_NAME *name;
	X509V3_CTX ctx;
	size_t i;

	if ((r = X509_REQ_new()) == NULL ||
	    (exts = sk_X509_EXTENSION_new_null()) == NULL)
		fx_fail("X509_REQ_new");
	name = fx_name(subject);
	if (!X509_REQ_set_version(r, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(r, name) ||
	    !X509_REQ_set_pubkey(r, key))
		fx_fail("CSR fields");
	X509_NAME_free(name);
	X509V3_set_ctx(&ctx, NULL, NULL, r, NULL, 0);
	for (i = 0; ext != NULL && ext[i] != NULL; i++) {
		X509_EXTENSION *e;
		char *copy = strdup(ext[i]), *eq;

		if (copy == NULL || (eq = strchr(copy, '=')) == NULL)
			tap_bail("fixture: bad CSR extension '%s'", ext[i]);
		*eq++ = '\0';
		if ((e = X509V3_EXT_nconf(NULL, &ctx, copy, eq)) == NULL ||
		    !sk_X509_EXTENSION_push(exts, e))
			fx_fail("CSR extension");
		free(copy);
	}
	if (sk_X509_EXTENSION_num(exts) > 0 &&
	    !X509_REQ_add_extensions(r, exts))
		fx_fail("X509_REQ_add_extensions");
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (X509_REQ_sign(r, key, sign_md(key)) <= 0)
		fx_fail("X509_REQ_sign");
	return r;
}

X509_CRL *
fx_crl(const struct fx_crl_spec *s)
{
	X509_CRL *crl;
	ASN1_TIME *t;
	ASN1_INTEGER *num;
	BIGNUM *bn = NULL;
	size_t i;

	if ((crl = X509_CRL_new()) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(s->issuer)))
		fx_fail("X509_CRL_new");
	if ((t = ASN1_TIME_set(NULL, fx_now() - FX_DAY)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    ASN1_TIME_set(t, fx_now() + 7 * FX_DAY) == NULL ||
	    !X509_CRL_set1_nextUpdate(crl, t))
		fx_fail("CRL dates");
	for (i = 0; i < sizeof(s->revoked) / sizeof(*s->revoked) &&
	    s->revoked[i] != NULL; i++) {
		X509_REVOKED *rev = X509_REVOKED_new();
		ASN1_INTEGER *serial;

		if (rev == NULL || !BN_hex2bn(&bn, s->revoked[i]) ||
		    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
		    !X509_REVOKED_set_serialNumber(rev, serial) ||
		    !X509_REVOKED_set_revocationDate(rev, t) ||
		    !X509_CRL_add0_revoked(crl, rev))
			fx_fail("CRL entry");
		ASN1_INTEGER_free(serial);
	}
	if (!s->no_number) {
		if ((num = ASN1_INTEGER_new()) == NULL ||
		    !ASN1_INTEGER_set(num, 1) ||
		    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num,
		    s->number_critical, X509V3_ADD_DEFAULT))
			fx_fail("CRL number");
		ASN1_INTEGER_free(num);
	}
	ASN1_TIME_free(t);
	BN_free(bn);
	if (!X509_CRL_sort(crl) ||
	    X509_CRL_sign(crl, s->key, sign_md(s->key)) <= 0)
		fx_fail("X509_CRL_sign");
	return crl;
}

void
fx_buf_add(struct fx_buf *b, const void *p, size_t n)
{
	unsigned char *grown;

	if ((grown = realloc(b->p, b->len + n + 1)) == NULL)
		tap_bail("fixture: out of memory");
	b->p = grown;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
fx_buf_str(struct fx_buf *b, const char *s)
{
	fx_buf_add(b, s, strlen(s));
}

void
fx_buf_free(struct fx_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

void
fx_buf_crlf(struct fx_buf *b)
{
	struct fx_buf out = { NULL, 0 };
	size_t i;

	fx_buf_add(&out, "", 0);
	for (i = 0; i < b->len; i++) {
		if (b->p[i] == '\n' && (i == 0 || b->p[i - 1] != '\r'))
			fx_buf_add(&out, "\r", 1);
		fx_buf_add(&out, b->p + i, 1);
	}
	fx_buf_free(b);
	*b = out;
}

/* Moves what bio holds to the end of out and frees bio. */
static void
take_bio(BIO *bio, struct fx_buf *out)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);

	if (n < 0)
		fx_fail("BIO_get_mem_data");
	fx_buf_add(out, data, (size_t)n);
	BIO_free(bio);
}

static BIO *
mem_bio(void)
{
	BIO *bio = BIO_new(BIO_s_mem());

	if (bio == NULL)
		fx_fail("BIO_new");
	return bio;
}

void
fx_cert_pem(X509 *x, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!PEM_write_bio_X509(bio, x))
		fx_fail("PEM_write_bio_X509");
	take_bio(bio, out);
}

void
fx_cert_der(X509 *x, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!i2d_X509_bio(bio, x))
		fx_fail("i2d_X509_bio");
	take_bio(bio, out);
}

void
fx_cert_text(X509 *x, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!X509_print(bio, x))
		fx_fail("X509_print");
	take_bio(bio, out);
}

void
fx_crl_pem(X509_CRL *crl, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!PEM_write_bio_X509_CRL(bio, crl))
		fx_fail("PEM_write_bio_X509_CRL");
	take_bio(bio, out);
}

void
fx_crl_der(X509_CRL *crl, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!i2d_X509_CRL_bio(bio, crl))
		fx_fail("i2d_X509_CRL_bio");
	take_bio(bio, out);
}

void
fx_csr_pem(X509_REQ *r, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!PEM_write_bio_X509_REQ(bio, r))
		fx_fail("PEM_write_bio_X509_REQ");
	take_bio(bio, out);
}

void
fx_csr_der(X509_REQ *r, struct fx_buf *out)
{
	BIO *bio = mem_bio();

	if (!i2d_X509_REQ_bio(bio, r))
		fx_fail("i2d_X509_REQ_bio");
	take_bio(bio, out);
}

void
fx_pkcs7(X509 *const *v, size_t n, int pem, struct fx_buf *out)
{
	PKCS7 *p7;
	BIO *bio = mem_bio();
	size_t i;

	if ((p7 = PKCS7_new()) == NULL ||
	    !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data))
		fx_fail("PKCS7");
	for (i = 0; i < n; i++)
		if (!PKCS7_add_certificate(p7, v[i]))
			fx_fail("PKCS7_add_certificate");
	if (pem ? !PEM_write_bio_PKCS7(bio, p7) : !i2d_PKCS7_bio(bio, p7))
		fx_fail("PKCS7 output");
	PKCS7_free(p7);
	take_bio(bio, out);
}

void
fx_key_encode(EVP_PKEY *k, enum fx_key_form form, int pem, const char *pass,
    struct fx_buf *out)
{
	OSSL_ENCODER_CTX *ectx;
	const char *structure;
	int enc = form == FX_KEY_PKCS8_ENC || form == FX_KEY_TRAD_ENC;
	BIO *bio = mem_bio();

	structure = form == FX_KEY_PKCS8 ? "PrivateKeyInfo" :
	    form == FX_KEY_PKCS8_ENC ? "EncryptedPrivateKeyInfo" :
	    "type-specific";
	ectx = OSSL_ENCODER_CTX_new_for_pkey(k, EVP_PKEY_KEYPAIR,
	    pem ? "PEM" : "DER", structure, NULL);
	if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0)
		fx_fail("OSSL_ENCODER_CTX_new_for_pkey");
	if (enc && (!OSSL_ENCODER_CTX_set_cipher(ectx, "AES-256-CBC", NULL) ||
	    !OSSL_ENCODER_CTX_set_passphrase(ectx,
	    (const unsigned char *)pass, strlen(pass))))
		fx_fail("OSSL_ENCODER_CTX_set_cipher");
	if (!OSSL_ENCODER_to_bio(ectx, bio))
		fx_fail("OSSL_ENCODER_to_bio");
	OSSL_ENCODER_CTX_free(ectx);
	take_bio(bio, out);
}

const char *
fx_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0] != '\0')
		return tmpdir;
	if (base == NULL || *base == '\0')
		base = "/tmp";
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/meetcert-test.XXXXXX",
	    base) >= sizeof(tmpdir) || mkdtemp(tmpdir) == NULL) {
		tmpdir[0] = '\0';
		tap_bail("fixture: cannot make a temporary directory under "
		    "%s: %s", base, strerror(errno));
	}
	return tmpdir;
}

char *
fx_path(const char *name)
{
	char *path;

	if (asprintf(&path, "%s/%s", fx_tmpdir(), name) == -1)
		tap_bail("fixture: out of memory");
	return path;
}

char *
fx_write(const char *name, const void *p, size_t n)
{
	char *path = fx_path(name);
	const unsigned char *c = p;
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		tap_bail("fixture: %s: %s", path, strerror(errno));
	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			tap_bail("fixture: %s: %s", path, strerror(errno));
		}
		c += w;
		n -= (size_t)w;
	}
	if (close(fd) == -1)
		tap_bail("fixture: %s: %s", path, strerror(errno));
	return path;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		chmod(path, 0700);
	if (remove(path) == -1)
		tap_diag("fixture: cannot remove %s: %s", path,
		    strerror(errno));
	return 0;
}

void
fx_cleanup(void)
{
	size_t t, s;

	for (t = 0; t < 4; t++) {
		for (s = 0; s < FX_KEY_SLOTS; s++) {
			EVP_PKEY_free(keys[t][s]);
			keys[t][s] = NULL;
		}
	}
	if (tmpdir[0] != '\0') {
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		tmpdir[0] = '\0';
	}
}

/* "/C=US/ST=.../CN=x": the entries of name in their DER order. */
void
fx_name_dump(const X509_NAME *name, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		unsigned char *utf8 = NULL;
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));

		if (ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e)) < 0)
			tap_bail("ASN1_STRING_to_UTF8");
		len += (size_t)snprintf(buf + len, size - len, "/%s=%s",
		    OBJ_nid2sn(nid), (char *)utf8);
		OPENSSL_free(utf8);
	}
}

/* "DNS:a,IP:192.0.2.1,email:x@y": the typed SAN entries; "-" for none. */
void
fx_gens_dump(const GENERAL_NAMES *gens, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	snprintf(buf, size, "-");
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const char *sep = i ? "," : "";
		char ip[64];

		switch (g->type) {
		case GEN_DNS:
			len += (size_t)snprintf(buf + len, size - len,
			    "%sDNS:%s", sep, (const char *)
			    ASN1_STRING_get0_data(g->d.dNSName));
			break;
		case GEN_EMAIL:
			len += (size_t)snprintf(buf + len, size - len,
			    "%semail:%s", sep, (const char *)
			    ASN1_STRING_get0_data(g->d.rfc822Name));
			break;
		case GEN_IPADD:
			if (!inet_ntop(ASN1_STRING_length(g->d.iPAddress) == 4 ?
			    AF_INET : AF_INET6,
			    ASN1_STRING_get0_data(g->d.iPAddress), ip,
			    sizeof(ip)))
				snprintf(ip, sizeof(ip), "?");
			len += (size_t)snprintf(buf + len, size - len,
			    "%sIP:%s", sep, ip);
			break;
		default:
			len += (size_t)snprintf(buf + len, size - len,
			    "%sother", sep);
		}
	}
}

char *
fx_srcpath(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char *p;

	if (top == NULL || *top == '\0') {
		/* SRCDATADIR is <top_srcdir>/data */
		if (asprintf(&p, "%s/../%s", SRCDATADIR, rel) == -1)
			tap_bail("asprintf");
	} else if (asprintf(&p, "%s/%s", top, rel) == -1)
		tap_bail("asprintf");
	return p;
}
