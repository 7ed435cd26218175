/* Bundles (bundle.c, guide §1.2.4): the chain above a leaf in any input
 * order, picking the leaf out of what a CA returned, and the exact bytes
 * of a bundle. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "fixture.h"
#include "load.h"
#include "pem.h"
#include "tap.h"
#include "verify.h"

/* The certificates every case draws from; key: EC P-256 slot. */
enum {
	ROOT, INTER, LEAF, INTER_OLD, LEAF2, LEAF_RENEWED, OTHER_ROOT,
	IMPOSTOR, CROSS_A, CROSS_B, ROOT_FUTURE, NCERT
};

static const struct crt {
	const char *name;
	const char *subject;
	int key;
	int issuer;		/* -1: self-signed */
	long nb, na;		/* days from now; both 0: -1 and +365 */
	const char *issuer_name;	/* cross certificates */
	int issuer_key;
} crts[NCERT] = {
#define CA_EXT { "basicConstraints=critical,CA:TRUE", \
	"keyUsage=critical,keyCertSign,cRLSign" }
#define LEAF_EXT { "basicConstraints=CA:FALSE", \
	"keyUsage=critical,digitalSignature", \
	"extendedKeyUsage=serverAuth,clientAuth" }
	[ROOT] = { "root", "/O=Example/CN=Root CA", 0, -1, -2000, 3650, NULL,
	    0 },
	[INTER] = { "inter", "/O=Example/CN=Issuing CA", 1, ROOT, -10, 1825,
	    NULL, 0 },
	[LEAF] = { "leaf", "/CN=leaf.example.com", 2, INTER, -1, 365, NULL, 0 },
	/* The issuing CA before its renewal: same name, same key, expired. */
	[INTER_OLD] = { "inter-old", "/O=Example/CN=Issuing CA", 1, ROOT,
	    -1800, -10, NULL, 0 },
	[LEAF2] = { "leaf2", "/CN=leaf2.example.com", 3, INTER, -1, 365, NULL,
	    0 },
	/* The leaf again, signed again: the same key. */
	[LEAF_RENEWED] = { "leaf-renewed", "/CN=leaf.example.com", 2, INTER,
	    -1, 400, NULL, 0 },
	[OTHER_ROOT] = { "other-root", "/CN=Other Root", 4, -1, -1, 3650, NULL,
	    0 },
	/* The issuing CA's name on another key: it signed nothing here. */
	[IMPOSTOR] = { "impostor", "/O=Example/CN=Issuing CA", 5, ROOT, -1,
	    365, NULL, 0 },
	/* Two CAs that issued each other, and nothing else. */
	[CROSS_A] = { "cross-a", "/CN=Cross A", 6, -2, -1, 365, "/CN=Cross B",
	    7 },
	[CROSS_B] = { "cross-b", "/CN=Cross B", 7, -2, -1, 365, "/CN=Cross A",
	    6 },
	[ROOT_FUTURE] = { "root-future", "/CN=Future Root", 8, -1, 10, 400,
	    NULL, 0 },
};

static X509 *made[NCERT];

static void
make_certs(void)
{
	static const char *const ca_ext[4] = CA_EXT;
	static const char *const leaf_ext[4] = LEAF_EXT;
	size_t i, k;

	for (i = 0; i < NCERT; i++) {
		const struct crt *c = &crts[i];
		struct fx_cert_spec s;
		const char *const *ext = c->subject[1] == 'C' &&
		    strstr(c->subject, "example.com") != NULL ? leaf_ext :
		    ca_ext;

		memset(&s, 0, sizeof(s));
		s.subject = c->subject;
		s.key = fx_key(FX_EC_P256, c->key);
		if (c->issuer >= 0) {
			s.issuer = made[c->issuer];
			s.issuer_key = fx_key(FX_EC_P256, crts[c->issuer].key);
		} else if (c->issuer_name != NULL) {
			s.issuer_name = c->issuer_name;
			s.issuer_key = fx_key(FX_EC_P256, c->issuer_key);
		}
		s.nb_days = c->nb;
		s.na_days = c->na;
		for (k = 0; k < 3 && ext[k] != NULL; k++)
			s.ext[k] = ext[k];
		made[i] = fx_cert(&s);
	}
}

static int
index_of(X509 *x)
{
	int i;

	for (i = 0; i < NCERT; i++)
		if (made[i] == x)
			return i;
	return -1;
}

/* ---- mcert_chain_order */

#define END -1

static const struct order_case {
	const char *name;
	int leaf;
	int pool[10];		/* END-terminated */
	const char *want;	/* the chain's names, joined by ' ' */
	int complete;
} order_cases[] = {
	{ "in order", LEAF, { LEAF, INTER, ROOT, END }, "leaf inter root", 1 },
	{ "root first", LEAF, { ROOT, LEAF, INTER, END }, "leaf inter root",
	    1 },
	{ "reversed", LEAF, { ROOT, INTER, LEAF, END }, "leaf inter root", 1 },
	{ "the leaf not in the pool", LEAF, { ROOT, INTER, END },
	    "leaf inter root", 1 },
	{ "duplicates", LEAF, { ROOT, INTER, ROOT, LEAF, INTER, ROOT, LEAF,
	    END }, "leaf inter root", 1 },
	{ "others in the pool left out", LEAF, { OTHER_ROOT, LEAF2, ROOT,
	    INTER, LEAF, ROOT_FUTURE, END }, "leaf inter root", 1 },
	/* A renewed intermediate beside the expired one. */
	{ "expired intermediate first", LEAF, { LEAF, INTER_OLD, INTER, ROOT,
	    END }, "leaf inter root", 1 },
	{ "expired intermediate last", LEAF, { LEAF, INTER, ROOT, INTER_OLD,
	    END }, "leaf inter root", 1 },
	{ "only the expired intermediate", LEAF, { ROOT, INTER_OLD, LEAF,
	    END }, "leaf inter-old root", 1 },
	/* The right name on the wrong key signed nothing. */
	{ "an impostor intermediate", LEAF, { IMPOSTOR, ROOT, END }, "leaf",
	    0 },
	{ "an impostor beside the real one", LEAF, { IMPOSTOR, INTER, ROOT,
	    END }, "leaf inter root", 1 },
	{ "no root", LEAF, { LEAF, INTER, END }, "leaf inter", 0 },
	{ "no intermediate", LEAF, { LEAF, ROOT, END }, "leaf", 0 },
	{ "nothing else", LEAF, { END }, "leaf", 0 },
	{ "a root alone", ROOT, { ROOT, END }, "root", 1 },
	{ "an intermediate as the leaf", INTER, { LEAF, INTER, ROOT, END },
	    "inter root", 1 },
	/* Issuers that issued each other: the walk ends. */
	{ "a cycle", CROSS_A, { CROSS_A, CROSS_B, END }, "cross-a cross-b", 0 },
};

static void
test_order(void)
{
	size_t i, k, n, nout;
	struct mcert_cert pool[10], leaf, *out;
	char got[256];
	int complete, len, r;

	for (i = 0; i < sizeof(order_cases) / sizeof(*order_cases); i++) {
		const struct order_case *c = &order_cases[i];
		struct mcert_error err = { 0 };

		for (n = 0; c->pool[n] != END; n++) {
			pool[n].x509 = made[c->pool[n]];
			pool[n].file = "pool.pem";
			pool[n].index = (int)n + 1;
		}
		leaf.x509 = made[c->leaf];
		leaf.file = "leaf.crt";
		leaf.index = 1;
		complete = -1;
		r = mcert_chain_order(&leaf, pool, n, &out, &nout, &complete,
		    &err);
		is_int(r, MCERT_OK, "order %s: ordered", c->name);
		got[0] = '\0';
		for (k = 0, len = 0; r == MCERT_OK && k < nout; k++) {
			int x = index_of(out[k].x509);

			len += snprintf(got + len, sizeof(got) - (size_t)len,
			    "%s%s", k ? " " : "", x >= 0 ? crts[x].name : "?");
		}
		is_str(got, c->want, "order %s: %s", c->name, c->want);
		is_int(complete, c->complete, "order %s: %s", c->name,
		    c->complete ? "complete" : "flagged incomplete");
		if (r == MCERT_OK && nout > 0)
			ok(out[0].file == leaf.file && (nout < 2 ||
			    strcmp(out[1].file, "pool.pem") == 0),
			    "order %s: entries borrow the leaf and the pool",
			    c->name);
		free(out);
	}
}

/* ---- mcert_chain_pick_leaf */

#define NO_KEY -1

static const struct pick_case {
	const char *name;
	int pool[10];
	int key;		/* EC slot; NO_KEY */
	int ret;
	int want;		/* index in pool */
	const char *msg;
	const char *todo;
} pick_cases[] = {
	{ "no key, in order", { LEAF, INTER, ROOT, END }, NO_KEY, MCERT_OK, 0,
	    NULL, NULL },
	{ "no key, shuffled", { ROOT, INTER, LEAF, END }, NO_KEY, MCERT_OK, 2,
	    NULL, NULL },
	{ "no key, chain without root", { INTER, LEAF, END }, NO_KEY, MCERT_OK,
	    1, NULL, NULL },
	{ "no key, one certificate", { LEAF, END }, NO_KEY, MCERT_OK, 0, NULL,
	    NULL },
	{ "no key, a root alone", { ROOT, END }, NO_KEY, MCERT_OK, 0, NULL,
	    NULL },
	{ "key, shuffled", { ROOT, LEAF, INTER, END }, 2, MCERT_OK, 1, NULL,
	    NULL },
	{ "key picks one of two leaves", { LEAF2, INTER, LEAF, ROOT, END }, 3,
	    MCERT_OK, 0, NULL, NULL },
	{ "key picks the other leaf", { LEAF2, INTER, LEAF, ROOT, END }, 2,
	    MCERT_OK, 2, NULL, NULL },
	{ "key of the intermediate", { LEAF, INTER, ROOT, END }, 1, MCERT_OK,
	    1, NULL, NULL },
	{ "no key, two leaves", { LEAF, LEAF2, INTER, ROOT, END }, NO_KEY,
	    MCERT_E_VERDICT, 0, "2 certificates issue no other (ca.p7b #1 "
	    "(CN=leaf.example.com), ca.p7b #2 (CN=leaf2.example.com)); give "
	    "--key with the private key to pick the leaf", NULL },
	{ "no key, four candidates, three named", { LEAF, LEAF2, OTHER_ROOT,
	    ROOT_FUTURE, INTER, ROOT, END }, NO_KEY, MCERT_E_VERDICT, 0,
	    "4 certificates issue no other (ca.p7b #1 (CN=leaf.example.com), "
	    "ca.p7b #2 (CN=leaf2.example.com), ca.p7b #3 (CN=Other Root)); "
	    "give --key with the private key to pick the leaf", NULL },
	{ "key, no match", { LEAF, INTER, ROOT, END }, 9, MCERT_E_VERDICT, 0,
	    "no certificate matches the key; the CA returned the certificate "
	    "of another CSR, or this is not its key", NULL },
	{ "key, two certificates of the key", { LEAF, INTER, LEAF_RENEWED,
	    END }, 2, MCERT_E_VERDICT, 0, "2 certificates match the key "
	    "(ca.p7b #1 (CN=leaf.example.com), ca.p7b #3 "
	    "(CN=leaf.example.com)); keep one", NULL },
	{ "no key, every one issues another", { CROSS_A, CROSS_B, END },
	    NO_KEY, MCERT_E_VERDICT, 0, "every certificate issues another; "
	    "there is no leaf (is this a CA bundle?)", NULL },
	/* The same leaf twice (leaf.pem and fullchain.pem run together):
	 * one certificate, whatever the copies. */
	{ "no key, the leaf twice", { LEAF, INTER, ROOT, LEAF, END }, NO_KEY,
	    MCERT_OK, 0, NULL, NULL },
	{ "key, the leaf twice", { LEAF, INTER, ROOT, LEAF, END }, 2, MCERT_OK,
	    0, NULL, NULL },
};

static void
test_pick(void)
{
	struct mcert_cert pool[10];
	size_t i, n, leaf;

	for (i = 0; i < sizeof(pick_cases) / sizeof(*pick_cases); i++) {
		const struct pick_case *c = &pick_cases[i];
		struct mcert_error err = { 0 };
		int r;

		for (n = 0; c->pool[n] != END; n++) {
			pool[n].x509 = made[c->pool[n]];
			pool[n].file = "ca.p7b";
			pool[n].index = (int)n + 1;
		}
		leaf = 99;
		tap_todo(c->todo);
		r = mcert_chain_pick_leaf(pool, n, c->key == NO_KEY ? NULL :
		    fx_key(FX_EC_P256, c->key), &leaf, &err);
		if (!is_int(r, c->ret, "pick %s: %s", c->name,
		    c->ret == MCERT_OK ? "picked" : "refused"))
			diag("%s", err.msg);
		if (c->ret == MCERT_OK)
			is_int(leaf, c->want, "pick %s: #%d", c->name,
			    c->want + 1);
		else
			is_str(err.msg, c->msg, "pick %s: message", c->name);
		tap_todo(NULL);
	}
	{
		struct mcert_error err = { 0 };

		is_int(mcert_chain_pick_leaf(pool, 0, NULL, &leaf, &err),
		    MCERT_E_INVALID, "pick from nothing: refused");
		is_str(err.msg, "no certificate to pick the leaf from",
		    "pick from nothing: message");
	}
}

/* ---- mcert_bundle_text */

static const struct text_case {
	const char *name;
	int in[10];
	int want[10];
} text_cases[] = {
	{ "full chain", { LEAF, INTER, ROOT, END },
	    { LEAF, INTER, ROOT, END } },
	{ "one certificate", { ROOT, END }, { ROOT, END } },
	{ "duplicates removed, order kept", { LEAF, INTER, LEAF, ROOT, INTER,
	    ROOT, END }, { LEAF, INTER, ROOT, END } },
	{ "a trust set as given", { OTHER_ROOT, ROOT, ROOT_FUTURE, ROOT, END },
	    { OTHER_ROOT, ROOT, ROOT_FUTURE, END } },
};

static void
test_text(void)
{
	struct mcert_cert in[10];
	size_t i, n, k;

	for (i = 0; i < sizeof(text_cases) / sizeof(*text_cases); i++) {
		const struct text_case *c = &text_cases[i];
		struct mcert_error err = { 0 };
		struct fx_buf want = { NULL, 0 };
		struct mcert_pem_block *blocks = NULL;
		struct mcert_pem_layout lay;
		struct mcert_findings fmt = { NULL, 0 };
		struct mcert_file *f = NULL;
		size_t nblocks = 0, len = 0;
		char *text = NULL;

		for (n = 0; c->in[n] != END; n++) {
			in[n].x509 = made[c->in[n]];
			in[n].file = "in.pem";
			in[n].index = (int)n + 1;
		}
		for (k = 0; c->want[k] != END; k++)
			fx_cert_pem(made[c->want[k]], &want);
		if (!is_int(mcert_bundle_text(in, n, &text, &len, &err),
		    MCERT_OK, "text %s: made", c->name)) {
			fx_buf_free(&want);
			continue;
		}
		ok(len == want.len && memcmp(text, want.p, len) == 0,
		    "text %s: the PEM blocks back to back, byte for byte",
		    c->name);
		is_int(strlen(text), len, "text %s: NUL-terminated, no NUL "
		    "inside", c->name);
		ok(strchr(text, '\r') == NULL, "text %s: LF only", c->name);
		ok(strstr(text, "\n\n") == NULL &&
		    strstr(text, "\n \n") == NULL, "text %s: no blank line",
		    c->name);
		ok(strncmp(text, "-----BEGIN CERTIFICATE-----\n", 28) == 0,
		    "text %s: starts with a BEGIN line", c->name);
		ok(len > 26 && strcmp(text + len - 26,
		    "-----END CERTIFICATE-----\n") == 0,
		    "text %s: ends with the END line and one newline", c->name);
		is_int(mcert_pem_scan((unsigned char *)text, len, "bundle.pem",
		    &blocks, &nblocks, &lay, &err), MCERT_OK,
		    "text %s: scans", c->name);
		is_int(nblocks, k, "text %s: %zu blocks", c->name, k);
		ok(!lay.bom && !lay.crlf && !lay.text_before &&
		    lay.blank_between == 0 && lay.text_between == 0 &&
		    !lay.text_after && lay.newlines_at_end == 1,
		    "text %s: the layout has no defect", c->name);
		mcert_pem_blocks_free(blocks, nblocks);
		if (mcert_file_load_mem((unsigned char *)text, len,
		    "bundle.pem", 0, NULL, &f, &err) != MCERT_OK)
			tap_bail("load: %s", err.msg);
		is_int(mcert_bundle_format_findings(f, &fmt), MCERT_OK,
		    "text %s: format findings", c->name);
		is_int(fmt.n, 0, "text %s: verify's format check is quiet",
		    c->name);
		mcert_findings_free(&fmt);
		mcert_file_free(f);
		fx_buf_free(&want);
		free(text);
	}
	{
		struct mcert_error err = { 0 };
		char *text = NULL;
		size_t len = 1;
		int r;

		r = mcert_bundle_text(in, 0, &text, &len, &err);
		ok(r != MCERT_E_NOMEM, "text of nothing: not 'out of memory' "
		    "(%d: %s)", r, err.msg);
		free(text);
	}
}

static void
test_write(void)
{
	struct mcert_cert in[3] = {
		{ made[LEAF], "l.pem", 1 }, { made[INTER], "c.pem", 1 },
		{ made[ROOT], "c.pem", 2 },
	};
	struct mcert_error err = { 0 };
	struct fx_buf want = { NULL, 0 };
	char *path = fx_path("fullchain.pem"), msg[1024];
	unsigned char *buf;
	size_t n;

	fx_cert_pem(made[LEAF], &want);
	fx_cert_pem(made[INTER], &want);
	fx_cert_pem(made[ROOT], &want);
	is_int(mcert_bundle_write(path, in, 3, &err), MCERT_OK,
	    "bundle_write: written");
	ok(mcert_file_read(path, &buf, &n, NULL) == MCERT_OK &&
	    n == want.len && memcmp(buf, want.p, n) == 0,
	    "bundle_write: the bytes of bundle_text");
	free(buf);
	is_int(mcert_bundle_write(path, in, 1, &err), MCERT_E_IO,
	    "bundle_write: never over a file");
	snprintf(msg, sizeof(msg), "%s already exists; meetcert never "
	    "overwrites a file (a live key replaced breaks its service at "
	    "once): choose a new name, such as one ending in -2", path);
	is_str(err.msg, msg, "bundle_write: message");
	ok(mcert_file_read(path, &buf, &n, NULL) == MCERT_OK &&
	    n == want.len && memcmp(buf, want.p, n) == 0,
	    "bundle_write: the file untouched");
	free(buf);
	fx_buf_free(&want);
	free(path);
}

/* ---- mcert_bundle_validity_findings */

static void
test_validity(void)
{
	struct mcert_cert in[4] = {
		{ made[LEAF], "b.pem", 1 }, { made[INTER_OLD], "b.pem", 2 },
		{ made[ROOT], "b.pem", 3 }, { made[ROOT_FUTURE], "b.pem", 4 },
	};
	struct mcert_findings w = { NULL, 0 };

	is_int(mcert_bundle_validity_findings(in, 4, fx_now(), &w), MCERT_OK,
	    "validity: checked");
	is_int(w.n, 2, "validity: two warnings");
	if (w.n == 2) {
		is_int(w.v[0].level, MCERT_LEVEL_WARNING, "validity: warnings");
		is_str(w.v[0].text, "b.pem #2 (CN=Issuing CA) has expired; "
		    "get the CA's current certificate",
		    "validity: the expired one");
		is_str(w.v[1].text, "b.pem #4 (CN=Future Root) is not valid "
		    "yet", "validity: the future one");
	}
	mcert_findings_free(&w);
	is_int(mcert_bundle_validity_findings(in, 1, fx_now(), &w), MCERT_OK,
	    "validity: a valid leaf");
	is_int(w.n, 0, "validity: no warning");
	mcert_findings_free(&w);
	/* Judged at the time given. */
	is_int(mcert_bundle_validity_findings(in + 3, 1, fx_now() + 20 * FX_DAY,
	    &w), MCERT_OK, "validity: later");
	is_int(w.n, 0, "validity: valid in 20 days");
	mcert_findings_free(&w);
}

int
main(void)
{
	make_certs();
	test_order();
	test_pick();
	test_text();
	test_write();
	test_validity();
	for (size_t i = 0; i < NCERT; i++)
		X509_free(made[i]);
	fx_cleanup();
	return tap_done();
}
