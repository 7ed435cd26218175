/* mcert_pem_scan: finding blocks and describing the layout around them;
 * mcert_pem_encode: the guide's block format, checked against OpenSSL. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "fixture.h"
#include "pem.h"
#include "tap.h"

#define BEG	"-----BEGIN CERTIFICATE-----\n"
#define END	"-----END CERTIFICATE-----"
#define BLK	BEG "AAECAwQF\n" END	/* bytes 00 01 02 03 04 05 */
#define KEYBEG	"-----BEGIN RSA PRIVATE KEY-----\n"
#define KEYEND	"-----END RSA PRIVATE KEY-----"
#define BOM	"\xef\xbb\xbf"

/* Expected layout; nl is newlines_at_end. */
struct want_layout {
	int bom, crlf, before;
	size_t blank, between;
	int after, nl;
};

static const struct scan_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int ret;
	size_t n;		/* blocks */
	const char *label;	/* of the first block */
	size_t line;		/* of the first block */
	size_t der_len;		/* of the first block; 0: don't check */
	int headers;		/* first block has RFC 1421 headers */
	struct want_layout lay;
	const char *err;	/* in the message; the name is checked too */
} cases[] = {
	{ "one block, one newline", BLK "\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .nl = 1 }, NULL },
	{ "no newline at end", BLK, 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .nl = 0 }, NULL },
	{ "two newlines at end", BLK "\n\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .nl = 2 }, NULL },
	{ "two blocks back to back", BLK "\n" BLK "\n", 0, MCERT_OK, 2,
	    "CERTIFICATE", 1, 6, 0, { .nl = 1 }, NULL },
	{ "blank line between blocks", BLK "\n\n" BLK "\n", 0, MCERT_OK, 2,
	    "CERTIFICATE", 1, 6, 0, { .blank = 1, .nl = 1 }, NULL },
	{ "spaces-only line between blocks", BLK "\n   \n" BLK "\n", 0,
	    MCERT_OK, 2, "CERTIFICATE", 1, 6, 0, { .blank = 1, .nl = 1 },
	    NULL },
	{ "blank lines in two gaps", BLK "\n\n" BLK "\n\n\n" BLK "\n", 0,
	    MCERT_OK, 3, "CERTIFICATE", 1, 6, 0, { .blank = 2, .nl = 1 },
	    NULL },
	{ "Bag Attributes text between blocks", BLK "\nBag Attributes\n"
	    "    friendlyName: Issuing CA\nsubject=CN = Issuing CA\n" BLK "\n",
	    0, MCERT_OK, 2, "CERTIFICATE", 1, 6, 0,
	    { .between = 1, .nl = 1 }, NULL },
	{ "blank gap and text gap", BLK "\n\n" BLK "\nnote\n" BLK "\n", 0,
	    MCERT_OK, 3, "CERTIFICATE", 1, 6, 0,
	    { .blank = 1, .between = 1, .nl = 1 }, NULL },
	{ "text before the block", "subject=CN = leaf\nissuer=CN = CA\n"
	    BLK "\n", 0, MCERT_OK, 1, "CERTIFICATE", 3, 6, 0,
	    { .before = 1, .nl = 1 }, NULL },
	{ "dashes before the block", "-----\n" BLK "\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 2, 6, 0, { .before = 1, .nl = 1 }, NULL },
	{ "blank lines before the block", "\n\n" BLK "\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 3, 6, 0, { .nl = 1 }, NULL },
	{ "text after the block", BLK "\ntrailer\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .after = 1, .nl = -1 }, NULL },
	{ "whitespace after the block", BLK "\n \t\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .nl = 2 }, NULL },
	{ "CRLF", BEG "AAECAwQF\r\n" END "\r\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .crlf = 1, .nl = 1 }, NULL },
	{ "CRLF throughout, two blocks",
	    "-----BEGIN CERTIFICATE-----\r\nAAECAwQF\r\n" END "\r\n"
	    "-----BEGIN CERTIFICATE-----\r\nAAECAwQF\r\n" END "\r\n", 0,
	    MCERT_OK, 2, "CERTIFICATE", 1, 6, 0, { .crlf = 1, .nl = 1 }, NULL },
	{ "CRLF with a blank line between",
	    "-----BEGIN CERTIFICATE-----\r\nAAECAwQF\r\n" END "\r\n\r\n"
	    "-----BEGIN CERTIFICATE-----\r\nAAECAwQF\r\n" END "\r\n", 0,
	    MCERT_OK, 2, "CERTIFICATE", 1, 6, 0,
	    { .crlf = 1, .blank = 1, .nl = 1 }, NULL },
	{ "CRLF, no newline at end",
	    "-----BEGIN CERTIFICATE-----\r\nAAECAwQF\r\n" END, 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .crlf = 1, .nl = 0 }, NULL },
	{ "UTF-8 BOM", BOM BLK "\n", 0, MCERT_OK, 1, "CERTIFICATE", 1, 6, 0,
	    { .bom = 1, .nl = 1 }, NULL },
	{ "UTF-8 BOM and CRLF", BOM "-----BEGIN CERTIFICATE-----\r\n"
	    "AAECAwQF\r\n" END "\r\n", 0, MCERT_OK, 1, "CERTIFICATE", 1, 6, 0,
	    { .bom = 1, .crlf = 1, .nl = 1 }, NULL },
	{ "indented armour lines", "  -----BEGIN CERTIFICATE-----  \n"
	    "  AAECAwQF\n\t-----END CERTIFICATE-----\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 6, 0, { .nl = 1 }, NULL },
	{ "body split over lines", BEG "AAEC\nAwQF\n" END "\n", 0, MCERT_OK,
	    1, "CERTIFICATE", 1, 6, 0, { .nl = 1 }, NULL },
	{ "one padding character", BEG "AAE=\n" END "\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 2, 0, { .nl = 1 }, NULL },
	{ "two padding characters", BEG "AA==\n" END "\n", 0, MCERT_OK, 1,
	    "CERTIFICATE", 1, 1, 0, { .nl = 1 }, NULL },
	{ "other label", KEYBEG "AAECAwQF\n" KEYEND "\n", 0, MCERT_OK, 1,
	    "RSA PRIVATE KEY", 1, 6, 0, { .nl = 1 }, NULL },
	{ "RFC 1421 headers", KEYBEG "Proc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n"
	    "AAECAwQF\n" KEYEND "\n", 0, MCERT_OK, 1, "RSA PRIVATE KEY", 1, 0,
	    1, { .nl = 1 }, NULL },
	{ "no block at all", "hello\nworld\n", 0, MCERT_OK, 0, NULL, 0, 0, 0,
	    { 0 }, NULL },
	{ "empty input", "", 0, MCERT_OK, 0, NULL, 0, 0, 0, { 0 }, NULL },
	{ "END without BEGIN", END "\n", 0, MCERT_OK, 0, NULL, 0, 0, 0,
	    { 0 }, NULL },
	{ "label of 48 characters is no armour",
	    "-----BEGIN AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-----\n"
	    "AAECAwQF\n"
	    "-----END AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-----\n",
	    0, MCERT_OK, 0, NULL, 0, 0, 0, { 0 }, NULL },
	{ "truncated block (no END)", BLK "\n" BEG "AAECAwQF\n", 0,
	    MCERT_E_PARSE, 0, NULL, 0, 0, 0, { 0 }, "line 4: the CERTIFICATE "
	    "block has no END line" },
	{ "cut inside the body", BEG "AAEC", 0, MCERT_E_PARSE, 0, NULL, 0, 0,
	    0, { 0 }, "line 1: the CERTIFICATE block has no END line" },
	{ "bad base64", BEG "AAECAwQF\nAA!A\n" END "\n", 0, MCERT_E_PARSE, 0,
	    NULL, 0, 0, 0, { 0 }, "line 3: the CERTIFICATE block is damaged "
	    "(not base64)" },
	{ "bad base64 with CRLF", "-----BEGIN CERTIFICATE-----\r\n"
	    "AAECAwQF\r\nAA!A\r\n" END "\r\n", 0, MCERT_E_PARSE, 0, NULL, 0, 0,
	    0, { 0 }, "line 3: the CERTIFICATE block is damaged" },
	{ "NUL byte in the body", BEG "AA\0A\n" END "\n",
	    sizeof(BEG "AA\0A\n" END "\n") - 1, MCERT_E_PARSE, 0, NULL, 0, 0,
	    0, { 0 }, "not base64" },
	{ "data after padding", BEG "AA==AAAA\n" END "\n", 0, MCERT_E_PARSE,
	    0, NULL, 0, 0, 0, { 0 }, "not base64" },
	{ "three padding characters", BEG "A===\n" END "\n", 0,
	    MCERT_E_PARSE, 0, NULL, 0, 0, 0, { 0 }, "empty or cut short" },
	{ "a stray base64 character", BEG "AAECA\n" END "\n", 0,
	    MCERT_E_PARSE, 0, NULL, 0, 0, 0, { 0 }, "empty or cut short" },
	{ "empty body", BEG END "\n", 0, MCERT_E_PARSE, 0, NULL, 0, 0, 0,
	    { 0 }, "line 1: the CERTIFICATE block is empty or cut short" },
	{ "BEGIN/END mismatch", BEG "AAECAwQF\n-----END PRIVATE KEY-----\n",
	    0, MCERT_E_PARSE, 0, NULL, 0, 0, 0, { 0 },
	    "line 1: BEGIN CERTIFICATE ends with END PRIVATE KEY" },
	{ "mismatch in the second block", BLK "\n" BEG "AAECAwQF\n" KEYEND
	    "\n", 0, MCERT_E_PARSE, 0, NULL, 0, 0, 0, { 0 },
	    "line 4: BEGIN CERTIFICATE ends with END RSA PRIVATE KEY" },
	{ "BEGIN inside a block that lost its END", BEG "AAECAwQF\n" BLK "\n",
	    0, MCERT_E_PARSE, 0, NULL, 0, 0, 0, { 0 }, "CERTIFICATE block" },
};

static void
check_layout(const struct scan_case *c, const struct mcert_pem_layout *l)
{
	is_int(l->bom, c->lay.bom, "%s: bom", c->name);
	is_int(l->crlf, c->lay.crlf, "%s: crlf", c->name);
	is_int(l->text_before, c->lay.before, "%s: text_before", c->name);
	is_int(l->blank_between, c->lay.blank, "%s: blank_between", c->name);
	is_int(l->text_between, c->lay.between, "%s: text_between", c->name);
	is_int(l->text_after, c->lay.after, "%s: text_after", c->name);
	is_int(l->newlines_at_end, c->lay.nl, "%s: newlines_at_end", c->name);
}

/* Every block's offsets cover its armour exactly. */
static int
offsets_ok(const unsigned char *buf, const struct mcert_pem_block *b,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i].end < b[i].begin + 20 ||
		    memcmp(buf + b[i].begin, "-----BEGIN ", 11) != 0 ||
		    memcmp(buf + b[i].end - 5, "-----", 5) != 0 ||
		    memcmp(buf + b[i].end - 5 - strlen(b[i].label),
		    b[i].label, strlen(b[i].label)) != 0)
			return 0;
	}
	return 1;
}

static void
test_scan(void)
{
	static const unsigned char bytes[] = { 0, 1, 2, 3, 4, 5 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct scan_case *c = &cases[i];
		const unsigned char *in = (const unsigned char *)c->in;
		size_t len = c->len ? c->len : strlen(c->in);
		struct mcert_pem_block *blocks = (void *)1;
		struct mcert_pem_layout lay;
		struct mcert_error err = { 0, "" };
		size_t n = 99;
		int r;

		r = mcert_pem_scan(in, len, "test.pem", &blocks, &n, &lay,
		    &err);
		is_int(r, c->ret, "%s: returns %d", c->name, c->ret);
		if (c->ret != MCERT_OK) {
			ok(blocks == NULL && n == 0, "%s: no blocks on error",
			    c->name);
			is_int(err.code, c->ret, "%s: error code", c->name);
			like(err.msg, "test.pem: ",
			    "%s: message names the file", c->name);
			like(err.msg, c->err, "%s: message", c->name);
			mcert_pem_blocks_free(blocks, n);
			continue;
		}
		is_int(n, c->n, "%s: %zu block(s)", c->name, c->n);
		if (n == 0) {
			ok(blocks == NULL, "%s: blocks NULL when none",
			    c->name);
			mcert_pem_blocks_free(blocks, n);
			continue;
		}
		is_str(blocks[0].label, c->label, "%s: label", c->name);
		is_int(blocks[0].line, c->line, "%s: line of BEGIN", c->name);
		is_int(blocks[0].has_headers, c->headers, "%s: has_headers",
		    c->name);
		ok(offsets_ok(in, blocks, n), "%s: begin/end offsets",
		    c->name);
		if (c->headers) {
			ok(blocks[0].der == NULL, "%s: no DER with headers",
			    c->name);
		} else {
			is_int(blocks[0].der_len, c->der_len, "%s: DER length",
			    c->name);
			ok(blocks[0].der != NULL && memcmp(blocks[0].der, bytes,
			    blocks[0].der_len) == 0, "%s: DER bytes", c->name);
		}
		check_layout(c, &lay);
		mcert_pem_blocks_free(blocks, n);
	}
}

/* Lines of a PEM block: all 64 columns but the last, no CR. */
static int
columns_ok(const char *pem)
{
	const char *p = strchr(pem, '\n') + 1, *nl;
	size_t len, prev = 64;

	for (; strncmp(p, "-----END ", 9) != 0; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return 0;
		len = (size_t)(nl - p);
		if (prev != 64 || len == 0 || len > 64 || memchr(p, '\r', len))
			return 0;
		prev = len;
	}
	return 1;
}

/* What OpenSSL writes for the same bytes. */
static char *
openssl_pem(const char *label, const unsigned char *der, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (bio != NULL && PEM_write_bio(bio, label, "", der, (long)len) > 0) {
		n = BIO_get_mem_data(bio, &data);
		if ((out = malloc((size_t)n + 1)) != NULL) {
			memcpy(out, data, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(bio);
	return out;
}

static void
test_encode(void)
{
	static const size_t lens[] = { 1, 2, 3, 4, 47, 48, 49, 95, 96, 97,
	    100, 1000, 4099 };
	unsigned char data[4099];
	size_t i, k;
	char *pem;

	for (i = 0; i < sizeof(data); i++)	/* a fixed, varied pattern */
		data[i] = (unsigned char)(i * 131 + (i >> 3) * 7 + 5);
	pem = mcert_pem_encode("EMPTY", data, 0);
	is_str(pem, "-----BEGIN EMPTY-----\n-----END EMPTY-----\n",
	    "encode 0 bytes: armour only");
	free(pem);
	for (k = 0; k < sizeof(lens) / sizeof(*lens); k++) {
		size_t len = lens[k], n = 0;
		struct mcert_pem_block *b = NULL;
		struct mcert_pem_layout lay;
		struct mcert_error err = { 0, "" };
		char *ref;
		int r;

		pem = mcert_pem_encode("CERTIFICATE", data, len);
		ref = openssl_pem("CERTIFICATE", data, len);
		if (!ok(pem != NULL, "encode %zu bytes", len))
			continue;
		is_str(pem, ref, "encode %zu bytes: same as OpenSSL", len);
		ok(columns_ok(pem), "encode %zu bytes: 64 columns, LF", len);
		r = mcert_pem_scan((unsigned char *)pem, strlen(pem), "enc",
		    &b, &n, &lay, &err);
		ok(r == MCERT_OK && n == 1 && b[0].der_len == len &&
		    memcmp(b[0].der, data, len) == 0,
		    "encode %zu bytes: scan gives the bytes back", len);
		ok(r == MCERT_OK && lay.newlines_at_end == 1 &&
		    !lay.text_before && !lay.text_after && !lay.crlf,
		    "encode %zu bytes: in the guide's format", len);
		mcert_pem_blocks_free(b, n);
		free(pem);
		free(ref);
	}
}

/* A real certificate: the encoder writes exactly what OpenSSL writes. */
static void
test_encode_cert(void)
{
	struct fx_cert_spec spec = { .subject = "/CN=encode.example.com",
	    .key = fx_key(FX_EC_P256, 0) };
	struct fx_buf der = { NULL, 0 }, pem = { NULL, 0 };
	X509 *x = fx_cert(&spec);
	char *out;

	fx_cert_der(x, &der);
	fx_cert_pem(x, &pem);
	out = mcert_pem_encode("CERTIFICATE", der.p, der.len);
	is_str(out, (char *)pem.p, "encode a certificate like PEM_write_X509");
	free(out);
	fx_buf_free(&der);
	fx_buf_free(&pem);
	X509_free(x);
}

int
main(void)
{
	test_scan();
	test_encode();
	test_encode_cert();
	fx_cleanup();
	return tap_done();
}
