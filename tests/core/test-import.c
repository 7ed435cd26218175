/* Importing what a CA returned (import.c): the leaf matched to the plan's
 * key or CSR, in every form a CA sends it, its issuers written root last,
 * and nothing ever replaced. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "fixture.h"
#include "import.h"
#include "pem.h"
#include "tap.h"

#define PASS	"correct horse"
#define END	-1

/* The certificates every case draws from; key: EC P-256 slot. */
enum {
	ROOT, INTER, CMS1, CMS2, CMS1_RESIGNED, CMS1_NOSAN, STRANGER,
	OTHER_ROOT, SELF, NCERT
};

static const struct crt {
	const char *subject;
	int key;
	int issuer;		/* -1: self-signed */
	const char *san;	/* NULL: a CA */
} crts[NCERT] = {
	[ROOT] = { "/O=Example/CN=Root CA", 0, -1, NULL },
	[INTER] = { "/O=Example/CN=Issuing CA", 1, ROOT, NULL },
	[CMS1] = { "/CN=cms.example.com", 2, INTER,
	    "subjectAltName=DNS:cms1.example.com,DNS:join.example.com,"
	    "DNS:cms.example.com" },
	[CMS2] = { "/CN=cms.example.com", 3, INTER,
	    "subjectAltName=DNS:cms2.example.com,DNS:join.example.com,"
	    "DNS:cms.example.com" },
	/* cms1's key certified again: another certificate, the same key. */
	[CMS1_RESIGNED] = { "/CN=cms.example.com", 2, INTER,
	    "subjectAltName=DNS:cms1.example.com,DNS:join.example.com,"
	    "DNS:cms.example.com" },
	/* What a CA that drops names returns. */
	[CMS1_NOSAN] = { "/CN=cms.example.com", 2, INTER,
	    "subjectAltName=DNS:cms.example.com" },
	[STRANGER] = { "/CN=www.example.org", 9, INTER,
	    "subjectAltName=DNS:www.example.org" },
	[OTHER_ROOT] = { "/CN=Other Root", 10, -1, NULL },
	/* cms3 self-signed (a lab): no issuers to find. */
	[SELF] = { "/CN=cms3.example.com", 4, -1,
	    "subjectAltName=DNS:cms3.example.com" },
};

static X509 *made[NCERT];

static void
make_certs(void)
{
	size_t i;

	for (i = 0; i < NCERT; i++) {
		const struct crt *c = &crts[i];
		struct fx_cert_spec s;

		memset(&s, 0, sizeof(s));
		s.subject = c->subject;
		s.key = fx_key(FX_EC_P256, c->key);
		if (c->issuer >= 0) {
			s.issuer = made[c->issuer];
			s.issuer_key = fx_key(FX_EC_P256, crts[c->issuer].key);
		}
		if (c->san == NULL) {
			s.ext[0] = "basicConstraints=critical,CA:TRUE";
			s.ext[1] = "keyUsage=critical,keyCertSign,cRLSign";
		} else {
			s.ext[0] = "basicConstraints=CA:FALSE";
			s.ext[1] = "keyUsage=critical,digitalSignature";
			s.ext[2] = "extendedKeyUsage=serverAuth,clientAuth";
			s.ext[3] = c->san;
		}
		made[i] = fx_cert(&s);
	}
}

/* ---- the plan: cms1 and cms2 (keys 2 and 3), cms3 self-signed (4) */

static struct mcert_plan_cert pcerts[3];
static struct mcert_plan plan;

static void
make_plan(void)
{
	static const char *const names[3] = { "cms1", "cms2", "cms3" };
	static const char *const sans[3] = { "cms1.example.com",
	    "cms2.example.com", "cms3.example.com" };
	size_t i;

	for (i = 0; i < 3; i++) {
		pcerts[i].name = (char *)names[i];
		pcerts[i].cn = (char *)(i < 2 ? "cms.example.com" :
		    "cms3.example.com");
		pcerts[i].san = i < 2 ? json_pack("[s, s, s]", sans[i],
		    "join.example.com", "cms.example.com") : json_pack("[s]",
		    sans[i]);
		pcerts[i].usage = MCERT_USAGE_BOTH;
		pcerts[i].ca = i < 2 ? "public" : "self";
		pcerts[i].hosts = json_pack("[s]", names[i]);
		pcerts[i].services = json_pack("[s]", "webadmin");
	}
	plan.certs = pcerts;
	plan.ncerts = 3;
}

/* ---- the cases */

/* How cms1's key is in the folder. */
enum key_form {
	KEY_PLAIN,	/* cms1.key, unencrypted PKCS#8 */
	KEY_LOCKED,	/* cms1.key encrypted, cms1.csr beside it */
	KEY_CSR_ONLY,	/* cms1.csr only: the key was made on the server */
	KEY_NONE,	/* neither */
};

/* How the file the CA returned is encoded. */
enum form {
	F_PEM,
	F_PEM_CRLF_TEXT,	/* CRLF, text before, between and after */
	F_DER,			/* the first certificate only */
	F_P7_DER,
	F_P7_PEM,
	F_CSR,			/* cms2's CSR: no certificate at all */
};

static const struct import_case {
	const char *name;
	enum key_form key;
	int in[6];		/* the file's certificates */
	enum form form;
	int pre_crt;		/* in cms1.crt before, or END */
	int pre_bundle[4];	/* in cms1-bundle.pem before ({END}: none) */
	int ret;
	const char *cert;	/* matched to */
	enum mcert_import_match by;
	int crt_written, bundle_written, already;
	int want_crt;		/* the target's .crt after, or END */
	int want_bundle[4];	/* its -bundle.pem after ({END}: none) */
	int nfindings;
	const char *like;	/* in the error or the first finding */
} cases[] = {
	{ "matched by key, leaf alone", KEY_PLAIN, { CMS1, END }, F_PEM, END,
	    { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY, 1, 0, 0, CMS1,
	    { END }, 1, "holds no issuer of cms1's certificate" },
	{ "matched by key, with its chain", KEY_PLAIN, { CMS1, INTER, ROOT,
	    END }, F_PEM, END, { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY,
	    1, 1, 0, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "matched by CSR, the key encrypted", KEY_LOCKED, { CMS1, INTER, ROOT,
	    END }, F_PEM, END, { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_CSR,
	    1, 1, 0, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "matched by CSR, the key on the server", KEY_CSR_ONLY, { CMS1, INTER,
	    ROOT, END }, F_PEM, END, { END }, MCERT_OK, "cms1",
	    MCERT_IMPORT_BY_CSR, 1, 1, 0, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "the other plan certificate", KEY_PLAIN, { CMS2, INTER, ROOT, END },
	    F_PEM, END, { END }, MCERT_OK, "cms2", MCERT_IMPORT_BY_KEY, 1, 1,
	    0, CMS2, { INTER, ROOT, END }, 0, NULL },
	{ "PKCS#7 DER, root first", KEY_PLAIN, { ROOT, CMS1, INTER, END },
	    F_P7_DER, END, { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY, 1, 1,
	    0, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "PKCS#7 PEM", KEY_PLAIN, { CMS1, INTER, ROOT, END }, F_P7_PEM, END,
	    { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY, 1, 1, 0, CMS1,
	    { INTER, ROOT, END }, 0, NULL },
	{ "DER", KEY_PLAIN, { CMS1, END }, F_DER, END, { END }, MCERT_OK,
	    "cms1", MCERT_IMPORT_BY_KEY, 1, 0, 0, CMS1, { END }, 1, NULL },
	{ "chain reversed, CRLF, text around", KEY_PLAIN, { ROOT, INTER, CMS1,
	    END }, F_PEM_CRLF_TEXT, END, { END }, MCERT_OK, "cms1",
	    MCERT_IMPORT_BY_KEY, 1, 1, 0, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "another root left out", KEY_PLAIN, { OTHER_ROOT, CMS1, ROOT, INTER,
	    END }, F_PEM, END, { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY,
	    1, 1, 0, CMS1, { INTER, ROOT, END }, 1,
	    "#1 (CN=Other Root) is not in the chain of cms1's certificate" },
	{ "no root: the bundle waits", KEY_PLAIN, { CMS1, INTER, END }, F_PEM,
	    END, { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY, 1, 0, 0, CMS1,
	    { END }, 1, "ends below its root: the certificate of "
	    "\"CN=Root CA,O=Example\"" },
	{ "names the CA dropped", KEY_PLAIN, { CMS1_NOSAN, INTER, ROOT, END },
	    F_PEM, END, { END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY, 1, 1, 0,
	    CMS1_NOSAN, { INTER, ROOT, END }, 1, "lacks cms1.example.com, "
	    "join.example.com in its subjectAltName" },
	{ "self-signed, no issuers wanted", KEY_PLAIN, { SELF, END }, F_PEM,
	    END, { END }, MCERT_OK, "cms3", MCERT_IMPORT_BY_KEY, 1, 0, 0, SELF,
	    { END }, 0, NULL },
	{ "no match", KEY_PLAIN, { STRANGER, INTER, ROOT, END }, F_PEM, END,
	    { END }, MCERT_E_VERDICT, NULL, 0, 0, 0, 0, END, { END }, 0,
	    "matches none of the plan's keys in DIR (cms1, cms2, cms3): it "
	    "holds CN=www.example.org; CN=Issuing CA,O=Example; CN=Root "
	    "CA,O=Example; import the certificate" },
	{ "no key or CSR yet", KEY_NONE, { CMS1, END }, F_PEM, END, { END },
	    MCERT_E_VERDICT, NULL, 0, 0, 0, 0, END, { END }, 0, "no key or CSR "
	    "of the plan is in DIR yet" },
	{ "no certificate in the file", KEY_PLAIN, { END }, F_CSR, END,
	    { END }, MCERT_E_PARSE, NULL, 0, 0, 0, 0, END, { END }, 0,
	    "holds no certificate, only a certificate request" },
	{ "two certificates for one key", KEY_PLAIN, { CMS1, CMS1_RESIGNED,
	    INTER, ROOT, END }, F_PEM, END, { END }, MCERT_E_VERDICT, NULL, 0,
	    0, 0, 0, END, { END }, 0, "holds 2 certificates for the key of "
	    "cms1" },
	{ "certificates for two keys", KEY_PLAIN, { CMS1, CMS2, INTER, ROOT,
	    END }, F_PEM, END, { END }, MCERT_E_VERDICT, NULL, 0, 0, 0, 0, END,
	    { END }, 0, "holds certificates for cms1 (CN=cms.example.com) and "
	    "cms2" },
	{ "already imported", KEY_PLAIN, { CMS1, INTER, ROOT, END }, F_PEM,
	    CMS1, { INTER, ROOT, END }, MCERT_OK, "cms1", MCERT_IMPORT_BY_KEY,
	    0, 0, 1, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "imported alone before, now the chain", KEY_PLAIN, { CMS1, INTER,
	    ROOT, END }, F_PEM, CMS1, { END }, MCERT_OK, "cms1",
	    MCERT_IMPORT_BY_KEY, 0, 1, 0, CMS1, { INTER, ROOT, END }, 0, NULL },
	{ "never over another certificate", KEY_PLAIN, { CMS1, INTER, ROOT,
	    END }, F_PEM, CMS1_RESIGNED, { END }, MCERT_E_IO, NULL, 0, 0, 0, 0,
	    CMS1_RESIGNED, { END }, 0, "cms1.crt already holds another "
	    "certificate (CN=cms.example.com), and meetcert never replaces "
	    "one" },
	{ "never over another bundle", KEY_PLAIN, { CMS1, INTER, ROOT, END },
	    F_PEM, END, { OTHER_ROOT, END }, MCERT_E_IO, NULL, 0, 0, 0, 0, END,
	    { OTHER_ROOT, END }, 0, "cms1-bundle.pem already holds other "
	    "certificates" },
};

static void
add_certs(const int *in, enum form form, struct fx_buf *b)
{
	X509 *v[6];
	size_t n, i;

	for (n = 0; in[n] != END; n++)
		v[n] = made[in[n]];
	switch (form) {
	case F_DER:
		fx_cert_der(v[0], b);
		break;
	case F_P7_DER:
	case F_P7_PEM:
		fx_pkcs7(v, n, form == F_P7_PEM, b);
		break;
	case F_CSR: {
		X509_REQ *r = fx_csr(fx_key(FX_EC_P256, 3),
		    "/CN=cms.example.com", NULL);

		fx_csr_pem(r, b);
		X509_REQ_free(r);
		break;
	}
	case F_PEM_CRLF_TEXT:
		fx_buf_str(b, "Your certificate is below.\n\n");
		for (i = 0; i < n; i++) {
			fx_buf_str(b, "Certificate:\n");
			fx_cert_pem(v[i], b);
			fx_buf_str(b, "\n");
		}
		fx_buf_str(b, "Thank you for your order.\n");
		fx_buf_crlf(b);
		break;
	case F_PEM:
		for (i = 0; i < n; i++)
			fx_cert_pem(v[i], b);
		break;
	}
}

static char *
write_in(const char *dir, const char *name, const struct fx_buf *b)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	return fx_write(rel, b->p, b->len);
}

/* The folder of one case: the plan's keys and CSRs, and what was there. */
static char *
setup(size_t i, const struct import_case *c)
{
	struct fx_buf b = { NULL, 0 };
	char rel[64], *dir, *p;
	X509_REQ *r;
	size_t k;

	snprintf(rel, sizeof(rel), "case%zu", i);
	dir = fx_path(rel);
	if (mkdir(dir, 0700) != 0)
		tap_bail("mkdir %s", dir);
	if (c->key == KEY_PLAIN || c->key == KEY_LOCKED) {
		fx_key_encode(fx_key(FX_EC_P256, 2), c->key == KEY_PLAIN ?
		    FX_KEY_PKCS8 : FX_KEY_PKCS8_ENC, 1, PASS, &b);
		free(write_in(rel, "cms1.key", &b));
		fx_buf_free(&b);
	}
	if (c->key == KEY_LOCKED || c->key == KEY_CSR_ONLY) {
		r = fx_csr(fx_key(FX_EC_P256, 2), "/CN=cms.example.com", NULL);
		fx_csr_pem(r, &b);
		free(write_in(rel, "cms1.csr", &b));
		fx_buf_free(&b);
		X509_REQ_free(r);
	}
	if (c->key != KEY_NONE) {
		fx_key_encode(fx_key(FX_EC_P256, 3), FX_KEY_PKCS8, 1, NULL, &b);
		free(write_in(rel, "cms2.key", &b));
		fx_buf_free(&b);
		fx_key_encode(fx_key(FX_EC_P256, 4), FX_KEY_TRAD, 1, NULL, &b);
		free(write_in(rel, "cms3.key", &b));
		fx_buf_free(&b);
	}
	if (c->pre_crt != END) {
		fx_cert_pem(made[c->pre_crt], &b);
		free(write_in(rel, "cms1.crt", &b));
		fx_buf_free(&b);
	}
	for (k = 0; c->pre_bundle[k] != END; k++)
		fx_cert_pem(made[c->pre_bundle[k]], &b);
	if (k > 0) {
		p = write_in(rel, "cms1-bundle.pem", &b);
		free(p);
	}
	fx_buf_free(&b);
	return dir;
}

/* Whether path holds exactly the PEM of want (END-terminated), or is
 * absent when want is empty. */
static void
check_file(const char *dir, const char *file, const int *want,
    const char *what)
{
	struct mcert_error err = { 0 };
	struct fx_buf b = { NULL, 0 };
	unsigned char *buf = NULL;
	char path[4096];
	size_t len = 0, k;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	for (k = 0; want[k] != END; k++)
		fx_cert_pem(made[want[k]], &b);
	if (k == 0) {
		ok(mcert_file_read(path, &buf, &len, &err) != MCERT_OK,
		    "%s: no %s", what, file);
	} else if (!is_int(mcert_file_read(path, &buf, &len, &err), MCERT_OK,
	    "%s: %s is there", what, file)) {
		diag("%s", err.msg);
	} else {
		ok(len == b.len && memcmp(buf, b.p, len) == 0,
		    "%s: %s holds %zu certificate(s) in the guide's format, "
		    "in order", what, file, k);
	}
	free(buf);
	fx_buf_free(&b);
}

static void
test_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct import_case *c = &cases[i];
		struct mcert_import_result r;
		struct mcert_error err = { 0 };
		struct fx_buf in = { NULL, 0 };
		char *dir = setup(i, c), file[300], msg[1200];
		const char *target = c->cert != NULL ? c->cert : "cms1";
		int ret;

		add_certs(c->in, c->form, &in);
		ret = mcert_import(&plan, dir, in.p, in.len, "returned.p7b", &r,
		    &err);
		if (!is_int(ret, c->ret, "%s: %s", c->name, c->ret == MCERT_OK ?
		    "imported" : "refused"))
			diag("%s", err.msg);
		if (c->ret == MCERT_OK) {
			is_str(r.cert, c->cert, "%s: matched to %s", c->name,
			    c->cert);
			is_int(r.by, c->by, "%s: by its %s", c->name,
			    c->by == MCERT_IMPORT_BY_KEY ? "key" : "CSR");
			is_int(r.crt_written, c->crt_written, "%s: .crt %s",
			    c->name, c->crt_written ? "written" :
			    "not written");
			is_int(r.bundle_written, c->bundle_written,
			    "%s: -bundle.pem %s", c->name, c->bundle_written ?
			    "written" : "not written");
			is_int(r.already, c->already, "%s: %s", c->name,
			    c->already ? "already imported" : "something new");
			is_int(r.findings.n, c->nfindings, "%s: %d finding(s)",
			    c->name, c->nfindings);
			if (c->like != NULL && r.findings.n > 0)
				like(r.findings.v[0].text, c->like,
				    "%s: the finding says why", c->name);
		} else if (c->like != NULL) {
			/* The folder's name varies: compare from it on. */
			char *at = strstr(err.msg, dir);

			if (at != NULL) {
				snprintf(msg, sizeof(msg), "%.*sDIR%s",
				    (int)(at - err.msg), err.msg,
				    at + strlen(dir));
			} else
				snprintf(msg, sizeof(msg), "%s", err.msg);
			like(msg, c->like, "%s: the error says why", c->name);
			like(err.msg, "returned.p7b", "%s: the error names the "
			    "file", c->name);
		}
		snprintf(file, sizeof(file), "%s.crt", target);
		check_file(dir, file, (int[]){ c->want_crt, END }, c->name);
		snprintf(file, sizeof(file), "%s-bundle.pem", target);
		check_file(dir, file, c->want_bundle, c->name);
		mcert_import_result_free(&r);
		fx_buf_free(&in);
		free(dir);
	}
}

/* The same file twice: the second time says so and writes nothing. */
static void
test_twice(void)
{
	struct mcert_import_result r;
	struct mcert_error err = { 0 };
	struct fx_buf in = { NULL, 0 }, b = { NULL, 0 };
	char *dir;
	struct stat before, after;
	char path[4096];

	dir = fx_path("twice");
	if (mkdir(dir, 0700) != 0)
		tap_bail("mkdir %s", dir);
	fx_key_encode(fx_key(FX_EC_P256, 3), FX_KEY_PKCS8, 1, NULL, &b);
	free(write_in("twice", "cms2.key", &b));
	add_certs((int[]){ INTER, CMS2, ROOT, END }, F_P7_DER, &in);
	is_int(mcert_import(&plan, dir, in.p, in.len, "cms2.p7b", &r, &err),
	    MCERT_OK, "twice: first import");
	ok(r.crt_written && r.bundle_written && !r.already,
	    "twice: first import writes both");
	mcert_import_result_free(&r);
	snprintf(path, sizeof(path), "%s/cms2.crt", dir);
	if (stat(path, &before) != 0)
		tap_bail("stat %s", path);
	is_int(mcert_import(&plan, dir, in.p, in.len, "cms2.p7b", &r, &err),
	    MCERT_OK, "twice: second import");
	ok(r.already && r.crt_already && r.bundle_already && !r.crt_written &&
	    !r.bundle_written, "twice: already imported, nothing written");
	is_str(r.cert, "cms2", "twice: still matched to cms2");
	like(r.subject, "CN=cms.example.com", "twice: the leaf's subject");
	ok(stat(path, &after) == 0 && after.st_ino == before.st_ino &&
	    after.st_mtime == before.st_mtime, "twice: cms2.crt untouched");
	mcert_import_result_free(&r);
	fx_buf_free(&in);
	fx_buf_free(&b);
	free(dir);
}

/* Garbage is refused with the loader's message naming the file. */
static void
test_garbage(void)
{
	struct mcert_import_result r;
	struct mcert_error err = { 0 };
	static const char junk[] = "hello, this is not a certificate\n";
	char *dir = fx_path("garbage");

	if (mkdir(dir, 0700) != 0)
		tap_bail("mkdir %s", dir);
	ok(mcert_import(&plan, dir, (const unsigned char *)junk,
	    sizeof(junk) - 1, "mail.txt", &r, &err) != MCERT_OK,
	    "garbage: refused");
	like(err.msg, "mail.txt", "garbage: the error names the file");
	ok(r.cert == NULL && r.crt_path == NULL, "garbage: no result");
	mcert_import_result_free(&r);
	free(dir);
}

int
main(void)
{
	size_t i;

	make_certs();
	make_plan();
	test_cases();
	test_twice();
	test_garbage();
	for (i = 0; i < NCERT; i++)
		X509_free(made[i]);
	for (i = 0; i < 3; i++) {
		json_decref(pcerts[i].san);
		json_decref(pcerts[i].hosts);
		json_decref(pcerts[i].services);
	}
	fx_cleanup();
	return tap_done();
}
