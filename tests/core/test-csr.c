/* CSRs with the MMP's own syntax (csr.c, guide §3.1, App. C), new keys
 * (keygen.c) and files that are never overwritten (files.c). */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "csr.h"
#include "files.h"
#include "fixture.h"
#include "keygen.h"
#include "pem.h"
#include "tap.h"

/* ---- helpers */

/* "CN=a/OU=b/..." for the fields of s that are set, in the struct's order. */
static char *
subject_dump(const struct mcert_subject *s)
{
	static char buf[1024];
	const struct {
		const char *k, *v;
	} f[] = {
		{ "CN", s->cn }, { "OU", s->ou }, { "O", s->o }, { "L", s->l },
		{ "ST", s->st }, { "C", s->c }, { "emailAddress", s->email },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(f) / sizeof(*f); i++)
		if (f[i].v != NULL)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s%s=%s", len ? "/" : "", f[i].k, f[i].v);
	return buf;
}

/* The SAN list of s joined by ","; NULL when none was given. */
static char *
san_dump(const struct mcert_subject *s)
{
	static char buf[1024];
	size_t i, len = 0;

	if (!s->has_san && s->nsan == 0)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < s->nsan; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? "," : "", s->san[i]);
	return buf;
}

static int
count_ext(const STACK_OF(X509_EXTENSION) *exts, int nid)
{
	int i, n = 0;

	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++)
		n += OBJ_obj2nid(X509_EXTENSION_get_object(
		    sk_X509_EXTENSION_value(exts, i))) == nid;
	return n;
}

static int
ext_critical(const STACK_OF(X509_EXTENSION) *exts, int nid)
{
	int i = X509v3_get_ext_by_NID(exts, nid, -1);

	return i >= 0 && X509_EXTENSION_get_critical(X509v3_get_ext(exts, i));
}

/* parse argv (NULL-terminated) into s; returns the result. */
static int
parse(const char *const *argv, enum mcert_cn_rule rule,
    struct mcert_subject *s, struct mcert_error *err)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return mcert_subject_parse(argc, (char *const *)argv, rule, s, err);
}

/* ---- mcert_subject_parse */

#define ATTR_MSG "' is not an attribute; use CN, OU, O, L, ST, C, " \
	"emailAddress or subjectAltName, as in CN:host.example.com"
#define KV_MSG "' is not an attribute; write it as KEY:value, such as " \
	"CN:host.example.com or O:\"Example Inc.\""
#define CN_MSG "' is not a fully qualified domain name; write the " \
	"server's DNS name, such as callbridge.example.com (CN:postgres is " \
	"right for the database client)"
#define SAN_FQDN "' is not a fully qualified domain name; write it as " \
	"host.example.com (letters, digits, hyphens and dots)"
#define SAN_SPACE "' has a space; the list takes no spaces: " \
	"a.example.com,b.example.com"
#define SAN_EMPTY "' has an empty item; remove the extra comma"
#define SAN_COMMA "' ends with a comma: was there a space after it? The " \
	"list takes no spaces: a.example.com,b.example.com"
#define NOT_EMAIL "' is not an e-mail address; write it as name@example.com"

static const struct parse_case {
	const char *name;
	const char *argv[10];
	enum mcert_cn_rule rule;
	int ret;
	const char *want;	/* subject_dump, or the error message */
	const char *san;	/* san_dump; NULL: no list */
	int appended;
} parse_cases[] = {
	{ "every attribute", { "CN:www.example.com", "OU:My Desk",
	    "O:My Office", "L:San Jose", "ST:California", "C:US",
	    "emailAddress:pki@example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=www.example.com/OU=My Desk/O=My Office/L=San Jose/"
	    "ST=California/C=US/emailAddress=pki@example.com", NULL, 0 },
	{ "attributes in any order", { "C:US", "O:Example",
	    "CN:a.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=a.example.com/O=Example/C=US", NULL, 0 },
	{ "quoted value", { "CN:www.example.com", "O:\"Example Inc.\"" },
	    MCERT_CN_HOST, MCERT_OK, "CN=www.example.com/O=Example Inc.", NULL,
	    0 },
	{ "quoted CN (free)", { "CN:\"My company CA\"" }, MCERT_CN_FREE,
	    MCERT_OK, "CN=My company CA", NULL, 0 },
	{ "quoted empty value", { "CN:a.example.com", "O:\"\"" },
	    MCERT_CN_HOST, MCERT_E_INVALID,
	    "O is empty; give a value or leave it out", NULL, 0 },
	{ "a value with a colon", { "CN:a.example.com", "O:Example: EMEA" },
	    MCERT_CN_HOST, MCERT_OK, "CN=a.example.com/O=Example: EMEA", NULL,
	    0 },
	{ "unknown attribute", { "CN:a.example.com", "X:1" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "'X" ATTR_MSG, NULL, 0 },
	{ "attribute names are case-sensitive", { "cn:a.example.com" },
	    MCERT_CN_HOST, MCERT_E_INVALID, "'cn" ATTR_MSG, NULL, 0 },
	{ "SAN spelled otherwise", { "CN:a.example.com", "SAN:b.example.com" },
	    MCERT_CN_HOST, MCERT_E_INVALID, "'SAN" ATTR_MSG, NULL, 0 },
	{ "missing colon", { "www.example.com" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "'www.example.com" KV_MSG, NULL, 0 },
	{ "CN=value instead of CN:value", { "CN=www.example.com" },
	    MCERT_CN_HOST, MCERT_E_INVALID, "'CN=www.example.com" KV_MSG, NULL,
	    0 },
	{ "empty key", { ":www.example.com" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "':www.example.com" KV_MSG, NULL, 0 },
	{ "duplicate CN", { "CN:a.example.com", "CN:b.example.com" },
	    MCERT_CN_HOST, MCERT_E_INVALID, "CN is given twice; give it once",
	    NULL, 0 },
	{ "duplicate O", { "CN:a.example.com", "O:x", "O:y" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "O is given twice; give it once", NULL, 0 },
	{ "duplicate SAN", { "CN:a.example.com", "subjectAltName:b.example.com",
	    "subjectAltName:c.example.com" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "subjectAltName is given twice; give one list", NULL, 0 },
	{ "empty CN", { "CN:" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "CN is empty; give a value or leave it out", NULL, 0 },
	{ "empty OU", { "CN:a.example.com", "OU:" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "OU is empty; give a value or leave it out", NULL,
	    0 },
	{ "empty SAN", { "CN:a.example.com", "subjectAltName:" },
	    MCERT_CN_HOST, MCERT_E_INVALID, "subjectAltName is empty; list "
	    "names as subjectAltName:a.example.com,b.example.com or leave it "
	    "out", NULL, 0 },
	{ "missing CN", { "O:Example", "C:US" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "the CN is missing; give CN:host.example.com",
	    NULL, 0 },
	{ "no attributes at all", { NULL }, MCERT_CN_FREE, MCERT_E_INVALID,
	    "the CN is missing; give CN:host.example.com", NULL, 0 },

	/* The CN by rule. */
	{ "HOST: single label", { "CN:callbridge" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "CN 'callbridge" CN_MSG, NULL, 0 },
	{ "HOST: a CA's name", { "CN:My company CA" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "CN 'My company CA" CN_MSG, NULL, 0 },
	{ "HOST: postgres", { "CN:postgres" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=postgres", NULL, 0 },
	{ "HOST: Postgres is not postgres", { "CN:Postgres" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "CN 'Postgres" CN_MSG, NULL, 0 },
	{ "HOST: IPv4", { "CN:192.0.2.10" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=192.0.2.10", NULL, 0 },
	{ "HOST: IPv6", { "CN:2001:db8::10" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=2001:db8::10", NULL, 0 },
	{ "HOST: wildcard", { "CN:*.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=*.example.com", NULL, 0 },
	{ "HOST: trailing hyphen", { "CN:cms-.example.com" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "CN 'cms-.example.com" CN_MSG, NULL, 0 },
	{ "FREE: a CA's name", { "CN:My company CA" }, MCERT_CN_FREE,
	    MCERT_OK, "CN=My company CA", NULL, 0 },
	{ "FREE: single label", { "CN:callbridge" }, MCERT_CN_FREE, MCERT_OK,
	    "CN=callbridge", NULL, 0 },

	/* C */
	{ "C lower-case is upper-cased", { "CN:a.example.com", "C:gb" },
	    MCERT_CN_HOST, MCERT_OK, "CN=a.example.com/C=GB", NULL, 0 },
	{ "C mixed case", { "CN:a.example.com", "C:dE" }, MCERT_CN_HOST,
	    MCERT_OK, "CN=a.example.com/C=DE", NULL, 0 },
	{ "C three letters", { "CN:a.example.com", "C:USA" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "C 'USA' is not a two-letter country code; use "
	    "the ISO code, such as US, GB or DE", NULL, 0 },
	{ "C with a digit", { "CN:a.example.com", "C:U1" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "C 'U1' is not a two-letter country code; use "
	    "the ISO code, such as US, GB or DE", NULL, 0 },

	/* emailAddress */
	{ "emailAddress without @", { "CN:a.example.com", "emailAddress:pki" },
	    MCERT_CN_HOST, MCERT_E_INVALID, "emailAddress 'pki" NOT_EMAIL, NULL,
	    0 },
	{ "emailAddress with two @", { "CN:a.example.com",
	    "emailAddress:a@b@example.com" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "emailAddress 'a@b@example.com" NOT_EMAIL, NULL, 0 },
	{ "emailAddress without local part", { "CN:a.example.com",
	    "emailAddress:@example.com" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "emailAddress '@example.com" NOT_EMAIL, NULL, 0 },
	{ "emailAddress on a single label", { "CN:a.example.com",
	    "emailAddress:pki@localhost" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "emailAddress 'pki@localhost" NOT_EMAIL, NULL, 0 },

	/* subjectAltName: guide §3.1, pki appends the CN. */
	{ "SAN: the CN appended", { "CN:www.example.com",
	    "subjectAltName:a.example.com,b.example.com" }, MCERT_CN_HOST,
	    MCERT_OK, "CN=www.example.com",
	    "a.example.com,b.example.com,www.example.com", 1 },
	{ "SAN before the CN", { "subjectAltName:a.example.com",
	    "CN:www.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=www.example.com", "a.example.com,www.example.com", 1 },
	{ "SAN: the CN already there", { "CN:www.example.com",
	    "subjectAltName:a.example.com,www.example.com" }, MCERT_CN_HOST,
	    MCERT_OK, "CN=www.example.com", "a.example.com,www.example.com",
	    0 },
	{ "SAN: the CN there in another case", { "CN:WWW.Example.COM",
	    "subjectAltName:www.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=WWW.Example.COM", "www.example.com", 0 },
	{ "SAN: just the CN", { "CN:www.example.com",
	    "subjectAltName:www.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=www.example.com", "www.example.com", 0 },
	{ "SAN: IP addresses", { "CN:www.example.com",
	    "subjectAltName:192.0.2.10,2001:db8::1" }, MCERT_CN_HOST,
	    MCERT_OK, "CN=www.example.com",
	    "192.0.2.10,2001:db8::1,www.example.com", 1 },
	{ "SAN: an IP CN appended", { "CN:192.0.2.10",
	    "subjectAltName:a.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=192.0.2.10", "a.example.com,192.0.2.10", 1 },
	{ "SAN: postgres appended", { "CN:postgres",
	    "subjectAltName:a.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=postgres", "a.example.com,postgres", 1 },
	{ "SAN: e-mail", { "CN:www.example.com",
	    "subjectAltName:pki@example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=www.example.com", "pki@example.com,www.example.com", 1 },
	{ "SAN: bad e-mail", { "CN:www.example.com",
	    "subjectAltName:a.example.com,pki@" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "subjectAltName 'pki@" NOT_EMAIL, NULL, 0 },
	{ "SAN: wildcard", { "CN:www.example.com",
	    "subjectAltName:*.example.com" }, MCERT_CN_HOST, MCERT_OK,
	    "CN=www.example.com", "*.example.com,www.example.com", 1 },
	{ "SAN: wildcard not leftmost", { "CN:www.example.com",
	    "subjectAltName:a.*.example.com" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "subjectAltName 'a.*.example.com" SAN_FQDN, NULL, 0 },
	{ "SAN: single label", { "CN:www.example.com",
	    "subjectAltName:a.example.com,cms1" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "subjectAltName 'cms1" SAN_FQDN, NULL, 0 },
	{ "SAN: a space after the comma", { "CN:www.example.com",
	    "subjectAltName:a.example.com, b.example.com" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "subjectAltName 'a.example.com, b.example.com"
	    SAN_SPACE, NULL, 0 },
	{ "SAN: a tab", { "CN:www.example.com",
	    "subjectAltName:a.example.com,\tb.example.com" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "subjectAltName 'a.example.com,\tb.example.com"
	    SAN_SPACE, NULL, 0 },
	{ "SAN: two commas", { "CN:www.example.com",
	    "subjectAltName:a.example.com,,b.example.com" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "subjectAltName 'a.example.com,,b.example.com"
	    SAN_EMPTY, NULL, 0 },
	{ "SAN: leading comma", { "CN:www.example.com",
	    "subjectAltName:,a.example.com" }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "subjectAltName ',a.example.com" SAN_EMPTY, NULL, 0 },
	{ "SAN: trailing comma", { "CN:www.example.com",
	    "subjectAltName:a.example.com," }, MCERT_CN_HOST, MCERT_E_INVALID,
	    "subjectAltName 'a.example.com," SAN_COMMA, NULL, 0 },
	{ "SAN: a lone comma", { "CN:www.example.com", "subjectAltName:," },
	    MCERT_CN_HOST, MCERT_E_INVALID, "subjectAltName '," SAN_COMMA, NULL,
	    0 },
	/* A CA's name is no DNS name: it is not put into the list. */
	{ "SAN with a FREE CN: not appended", { "CN:My company CA",
	    "subjectAltName:a.example.com" }, MCERT_CN_FREE, MCERT_OK,
	    "CN=My company CA", "a.example.com", 0 },
	/* The first bad attribute is reported, and nothing is kept. */
	{ "a good SAN then a bad C", { "CN:www.example.com",
	    "subjectAltName:a.example.com", "C:Britain" }, MCERT_CN_HOST,
	    MCERT_E_INVALID, "C 'Britain' is not a two-letter country code; "
	    "use the ISO code, such as US, GB or DE", NULL, 0 },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct mcert_subject s;
		struct mcert_error err = { 0 };
		int r;

		memset(&s, 0xa5, sizeof(s));
		r = parse(c->argv, c->rule, &s, &err);
		if (!is_int(r, c->ret, "parse %s: %s", c->name,
		    c->ret == MCERT_OK ? "accepted" : "refused"))
			diag("message: %s", err.msg);
		if (c->ret != MCERT_OK) {
			is_str(err.msg, c->want, "parse %s: message", c->name);
			ok(s.cn == NULL && s.san == NULL && s.nsan == 0,
			    "parse %s: the subject is left empty", c->name);
			continue;
		}
		is_str(subject_dump(&s), c->want, "parse %s: subject", c->name);
		if (c->san == NULL)
			ok(!s.has_san && s.nsan == 0 && s.san == NULL,
			    "parse %s: no SAN", c->name);
		else
			is_str(san_dump(&s), c->san, "parse %s: SAN", c->name);
		is_int(s.has_san, c->san != NULL, "parse %s: has_san",
		    c->name);
		is_int(s.cn_appended, c->appended, "parse %s: cn_appended",
		    c->name);
		mcert_subject_free(&s);
		ok(s.cn == NULL && s.san == NULL && s.nsan == 0,
		    "parse %s: free clears the subject", c->name);
	}
}

/* X.520's upper bounds (RFC 5280 App. A): CN, O and OU at most 64
 * characters.  At 64 the request is made; past it the name cannot be
 * encoded, so the parse should say so rather than the build fail. */
static void
test_parse_bounds(void)
{
	static const struct {
		const char *key;
		size_t len;
		int todo;
	} b[] = {
		{ "CN", 64, 0 }, { "CN", 75, 1 },
		{ "O", 64, 0 }, { "O", 65, 1 },
		{ "OU", 64, 0 }, { "OU", 65, 1 },
	};
	EVP_PKEY *key = fx_key(FX_EC_P256, 0);
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(*b); i++) {
		struct mcert_subject s;
		struct mcert_error err = { 0 };
		char cn[128], attr[128];
		const char *argv[3] = { cn, NULL, NULL };
		X509_REQ *r = NULL;
		size_t stem;
		int ret;

		stem = strcmp(b[i].key, "CN") == 0 ?
		    b[i].len - strlen(".example.com") : 4;
		snprintf(cn, sizeof(cn), "CN:%.*s.example.com", (int)stem,
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		if (strcmp(b[i].key, "CN") != 0) {
			snprintf(attr, sizeof(attr), "%s:%.*s", b[i].key,
			    (int)b[i].len, "Example-Incorporated-With-A-Rather-"
			    "Long-Name-For-Its-Organization-And-More-Text");
			argv[1] = attr;
		}
		ret = parse(argv, MCERT_CN_HOST, &s, &err);
		if (!b[i].todo) {
			is_int(ret, MCERT_OK, "%s of %zu characters: parsed",
			    b[i].key, b[i].len);
			if (ret == MCERT_OK)
				is_int(mcert_csr_build(key, &s, 1, &r, &err),
				    MCERT_OK, "%s of %zu characters: built",
				    b[i].key, b[i].len);
			X509_REQ_free(r);
			mcert_subject_free(&s);
			continue;
		}
		ok(ret == MCERT_E_INVALID && strstr(err.msg, b[i].key) != NULL
		    && strstr(err.msg, "64") != NULL, "%s of %zu characters: "
		    "refused, the message naming %s and 64", b[i].key, b[i].len,
		    b[i].key);
		if (ret == MCERT_OK) {
			if (mcert_csr_build(key, &s, 1, &r, &err) != MCERT_OK)
				diag("then the build: %s", err.msg);
			X509_REQ_free(r);
			mcert_subject_free(&s);
		}
	}
}

/* ---- mcert_pki_line_split */

static const struct split_case {
	const char *line;
	int ret;
	const char *words;	/* joined by '|'; or the error message */
	size_t n;
} split_cases[] = {
	{ "pki csr callbridge CN:www.example.com O:\"Example Inc.\"", MCERT_OK,
	    "pki|csr|callbridge|CN:www.example.com|O:Example Inc.", 5 },
	{ "pki csr example CN:www.example.com OU:\"My Desk\" O:\"My Office\" "
	    "L:\"San Jose\" ST:California C:US", MCERT_OK,
	    "pki|csr|example|CN:www.example.com|OU:My Desk|O:My Office|"
	    "L:San Jose|ST:California|C:US", 9 },
	{ "pki selfsigned dbca CN:\"My company CA\"", MCERT_OK,
	    "pki|selfsigned|dbca|CN:My company CA", 4 },
	{ "  pki\tcsr   x \t CN:a.example.com  ", MCERT_OK,
	    "pki|csr|x|CN:a.example.com", 4 },
	{ "\"O:Example Inc.\"", MCERT_OK, "O:Example Inc.", 1 },
	{ "O:\"\"", MCERT_OK, "O:", 1 },
	{ "\"\"", MCERT_OK, "", 1 },
	{ "CN:\"a b\"\"c d\"", MCERT_OK, "CN:a bc d", 1 },
	{ "O:\"tab\tinside\"", MCERT_OK, "O:tab\tinside", 1 },
	{ "x", MCERT_OK, "x", 1 },
	{ "pki csr x O:\"Example Inc.", MCERT_E_INVALID,
	    "a '\"' is not closed in: pki csr x O:\"Example Inc.", 0 },
	{ "\"", MCERT_E_INVALID, "a '\"' is not closed in: \"", 0 },
	{ "a \"b\" \"c", MCERT_E_INVALID,
	    "a '\"' is not closed in: a \"b\" \"c", 0 },
};

static void
test_split(void)
{
	char joined[512];
	size_t i, k, n, len;

	for (i = 0; i < sizeof(split_cases) / sizeof(*split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		struct mcert_error err = { 0 };
		char **w = (char **)&err;	/* must be reset */
		int r = mcert_pki_line_split(c->line, &w, &n, &err);

		is_int(r, c->ret, "split '%s': %s", c->line,
		    c->ret == MCERT_OK ? "split" : "refused");
		if (c->ret != MCERT_OK) {
			is_str(err.msg, c->words, "split '%s': message",
			    c->line);
			ok(w == NULL && n == 0, "split '%s': no words",
			    c->line);
			continue;
		}
		is_int(n, c->n, "split '%s': %zu words", c->line, c->n);
		joined[0] = '\0';
		for (k = 0, len = 0; w != NULL && k < n; k++)
			len += (size_t)snprintf(joined + len,
			    sizeof(joined) - len, "%s%s", k ? "|" : "", w[k]);
		is_str(joined, c->words, "split '%s': words", c->line);
		ok(w != NULL && w[n] == NULL, "split '%s': NULL-terminated",
		    c->line);
		mcert_words_free(w);
	}
	{
		char **w = NULL;

		is_int(mcert_pki_line_split("", &w, &n, NULL), MCERT_OK,
		    "split '': fine");
		is_int(n, 0, "split '': no words");
		ok(w == NULL || w[0] == NULL, "split '': an empty list");
		mcert_words_free(w);
		is_int(mcert_pki_line_split(" \t ", &w, &n, NULL), MCERT_OK,
		    "split blanks: fine");
		is_int(n, 0, "split blanks: no words");
		mcert_words_free(w);
	}
}

/* ---- mcert_subject_pki_line */

static const struct line_case {
	const char *verb, *basename;
	const char *argv[10];
	enum mcert_cn_rule rule;
	const char *want;
} line_cases[] = {
	{ "csr", "callbridge", { "CN:www.example.com", "O:Example Inc." },
	    MCERT_CN_HOST,
	    "pki csr callbridge CN:www.example.com O:\"Example Inc.\"" },
	{ "csr", "example", { "C:us", "ST:California", "L:San Jose",
	    "O:My Office", "OU:My Desk", "CN:www.example.com",
	    "emailAddress:pki@example.com" }, MCERT_CN_HOST,
	    "pki csr example CN:www.example.com OU:\"My Desk\" O:\"My Office\" "
	    "L:\"San Jose\" ST:California C:US emailAddress:pki@example.com" },
	/* The CN pki appends is left out; one given in the list stays. */
	{ "csr", "cms1a", { "CN:cms1.example.com",
	    "subjectAltName:cms1a.example.com,join.example.com" },
	    MCERT_CN_HOST, "pki csr cms1a CN:cms1.example.com "
	    "subjectAltName:cms1a.example.com,join.example.com" },
	{ "csr", "x", { "CN:www.example.com",
	    "subjectAltName:www.example.com,a.example.com" }, MCERT_CN_HOST,
	    "pki csr x CN:www.example.com "
	    "subjectAltName:www.example.com,a.example.com" },
	{ "csr", "x", { "CN:www.example.com",
	    "subjectAltName:www.example.com" }, MCERT_CN_HOST,
	    "pki csr x CN:www.example.com subjectAltName:www.example.com" },
	{ "csr", "x", { "CN:192.0.2.10",
	    "subjectAltName:192.0.2.11,2001:db8::1" }, MCERT_CN_HOST,
	    "pki csr x CN:192.0.2.10 subjectAltName:192.0.2.11,2001:db8::1" },
	{ "csr", "dbclient", { "CN:postgres" }, MCERT_CN_HOST,
	    "pki csr dbclient CN:postgres" },
	{ "selfsigned", "dbca", { "CN:My company CA" }, MCERT_CN_FREE,
	    "pki selfsigned dbca CN:\"My company CA\"" },
};

static void
test_pki_line(void)
{
	size_t i, n;

	for (i = 0; i < sizeof(line_cases) / sizeof(*line_cases); i++) {
		const struct line_case *c = &line_cases[i];
		struct mcert_subject s, again;
		struct mcert_error err = { 0 };
		char *line, **w = NULL, before[1024], *sd;

		if (parse(c->argv, c->rule, &s, &err) != MCERT_OK)
			tap_bail("line %s: %s", c->want, err.msg);
		line = mcert_subject_pki_line(c->verb, c->basename, &s);
		is_str(line, c->want, "pki line: %s", c->want);
		/* Split and parsed again, the line gives the same request. */
		if (line == NULL ||
		    mcert_pki_line_split(line, &w, &n, &err) != MCERT_OK ||
		    n < 3) {
			ok(0, "pki line %s: splits", c->want);
			free(line);
			mcert_words_free(w);
			mcert_subject_free(&s);
			continue;
		}
		snprintf(before, sizeof(before), "%s", subject_dump(&s));
		is_str(w[2], c->basename, "pki line %s: the basename",
		    c->want);
		is_int(mcert_subject_parse((int)n - 3, w + 3, c->rule, &again,
		    &err), MCERT_OK, "pki line %s: parses again", c->want);
		is_str(subject_dump(&again), before,
		    "pki line %s: the same subject", c->want);
		sd = san_dump(&s);
		if (sd != NULL) {
			char keep[1024];

			snprintf(keep, sizeof(keep), "%s", sd);
			is_str(san_dump(&again), keep,
			    "pki line %s: the same SAN", c->want);
		} else {
			is_int(again.nsan, 0, "pki line %s: still no SAN",
			    c->want);
		}
		mcert_subject_free(&again);
		mcert_words_free(w);
		free(line);
		mcert_subject_free(&s);
	}
}

/* ---- mcert_csr_build */

static const struct build_case {
	const char *name;
	int key;		/* 0 RSA, 1 EC P-256, 2 EC P-384, 3 Ed25519 */
	const char *argv[10];
	int usage;
	const char *subject;	/* name_dump */
	const char *san;	/* gens_dump */
	unsigned int ku;	/* KU bits wanted; 0: no KU */
} build_cases[] = {
	{ "RSA, every attribute, usage", 0, { "emailAddress:pki@example.com",
	    "CN:www.example.com", "OU:My Desk", "O:My Office", "L:San Jose",
	    "ST:California", "C:us" }, 1,
	    "/C=US/ST=California/L=San Jose/O=My Office/OU=My Desk/"
	    "CN=www.example.com/emailAddress=pki@example.com", "-",
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT },
	{ "EC P-256, SAN of every type, usage", 1, { "CN:www.example.com",
	    "subjectAltName:a.example.com,192.0.2.10,2001:db8::1,"
	    "pki@example.com,*.example.com" }, 1, "/CN=www.example.com",
	    "DNS:a.example.com,IP:192.0.2.10,IP:2001:db8::1,"
	    "email:pki@example.com,DNS:*.example.com,DNS:www.example.com",
	    KU_DIGITAL_SIGNATURE },
	{ "EC P-384, SAN with the CN, usage", 2, { "CN:cms1.example.com",
	    "O:Example Inc.", "subjectAltName:cms1.example.com,join.example.com"
	    }, 1, "/O=Example Inc./CN=cms1.example.com",
	    "DNS:cms1.example.com,DNS:join.example.com", KU_DIGITAL_SIGNATURE },
	{ "EC P-256, no usage, SAN", 1, { "CN:www.example.com",
	    "subjectAltName:a.example.com" }, 0, "/CN=www.example.com",
	    "DNS:a.example.com,DNS:www.example.com", 0 },
	{ "EC P-256, no usage, no SAN", 1, { "CN:postgres" }, 0,
	    "/CN=postgres", "-", 0 },
	{ "RSA, no usage", 0, { "CN:www.example.com" }, 0,
	    "/CN=www.example.com", "-", 0 },
	{ "Ed25519, usage", 3, { "CN:www.example.com" }, 1,
	    "/CN=www.example.com", "-", KU_DIGITAL_SIGNATURE },
};

static EVP_PKEY *
build_key(int k)
{
	switch (k) {
	case 0:
		return fx_key(FX_RSA2048, 0);
	case 1:
		return fx_key(FX_EC_P256, 0);
	case 2:
		return fx_key(FX_EC_P384, 0);
	default:
		return fx_key(FX_ED25519, 0);
	}
}

static void
check_usage(const char *name, const STACK_OF(X509_EXTENSION) *exts,
    unsigned int want_ku)
{
	ASN1_BIT_STRING *ku;
	EXTENDED_KEY_USAGE *eku;
	unsigned int bits = 0;
	int i;

	if (want_ku == 0) {
		is_int(count_ext(exts, NID_key_usage), 0, "%s: no KeyUsage",
		    name);
		is_int(count_ext(exts, NID_ext_key_usage), 0, "%s: no EKU",
		    name);
		return;
	}
	is_int(count_ext(exts, NID_key_usage), 1, "%s: one KeyUsage", name);
	ok(ext_critical(exts, NID_key_usage), "%s: KeyUsage critical", name);
	ku = X509V3_get_d2i(exts, NID_key_usage, NULL, NULL);
	for (i = 0; ku != NULL && i < 9; i++)
		if (ASN1_BIT_STRING_get_bit(ku, i))
			bits |= 0x80u >> i | (i == 8 ? 0x8000u : 0);
	is_int(bits, want_ku, "%s: KeyUsage bits 0x%x", name, want_ku);
	ASN1_BIT_STRING_free(ku);

	is_int(count_ext(exts, NID_ext_key_usage), 1, "%s: one EKU", name);
	eku = X509V3_get_d2i(exts, NID_ext_key_usage, NULL, NULL);
	ok(eku != NULL && sk_ASN1_OBJECT_num(eku) == 2 &&
	    OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)) == NID_server_auth &&
	    OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 1)) == NID_client_auth,
	    "%s: EKU serverAuth, clientAuth", name);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

static void
test_build(void)
{
	size_t i;

	for (i = 0; i < sizeof(build_cases) / sizeof(*build_cases); i++) {
		const struct build_case *c = &build_cases[i];
		EVP_PKEY *key = build_key(c->key);
		struct mcert_subject s;
		struct mcert_error err = { 0 };
		STACK_OF(X509_EXTENSION) *exts;
		GENERAL_NAMES *gens;
		X509_REQ *r = (X509_REQ *)&err;
		char buf[1024];
		int want_sig;

		if (parse(c->argv, MCERT_CN_HOST, &s, &err) != MCERT_OK)
			tap_bail("build %s: %s", c->name, err.msg);
		if (!is_int(mcert_csr_build(key, &s, c->usage, &r, &err),
		    MCERT_OK, "build %s: built", c->name) || r == NULL) {
			diag("%s", err.msg);
			mcert_subject_free(&s);
			continue;
		}
		is_int(X509_REQ_get_version(r), X509_REQ_VERSION_1,
		    "build %s: version 1", c->name);
		fx_name_dump(X509_REQ_get_subject_name(r), buf, sizeof(buf));
		is_str(buf, c->subject, "build %s: subject in order", c->name);
		ok(EVP_PKEY_eq(X509_REQ_get0_pubkey(r), key) == 1,
		    "build %s: the key's public half", c->name);
		is_int(X509_REQ_verify(r, key), 1, "build %s: signature "
		    "verifies", c->name);
		want_sig = c->key == 0 ? NID_sha256WithRSAEncryption :
		    c->key == 3 ? NID_ED25519 : NID_ecdsa_with_SHA256;
		is_int(X509_REQ_get_signature_nid(r), want_sig,
		    "build %s: signed with %s", c->name, OBJ_nid2sn(want_sig));
		exts = X509_REQ_get_extensions(r);
		gens = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
		fx_gens_dump(gens, buf, sizeof(buf));
		is_str(buf, c->san, "build %s: SAN entries typed", c->name);
		is_int(count_ext(exts, NID_subject_alt_name),
		    strcmp(c->san, "-") != 0, "build %s: SAN extensions",
		    c->name);
		check_usage(c->name, exts, c->ku);
		if (c->ku == 0 && strcmp(c->san, "-") == 0)
			is_int(sk_X509_EXTENSION_num(exts), 0,
			    "build %s: no extensions at all", c->name);
		GENERAL_NAMES_free(gens);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		X509_REQ_free(r);
		mcert_subject_free(&s);
	}
}

/* ---- keys */

static void
test_keytypes(void)
{
	static const struct {
		const char *name;
		enum mcert_keytype t;
		const char *type, *group;
		int bits;
	} kt[] = {
		{ "rsa2048", MCERT_KEY_RSA2048, "RSA", NULL, 2048 },
		{ "rsa3072", MCERT_KEY_RSA3072, "RSA", NULL, 3072 },
		{ "rsa4096", MCERT_KEY_RSA4096, "RSA", NULL, 4096 },
		{ "ec256", MCERT_KEY_EC256, "EC", "prime256v1", 256 },
		{ "ec384", MCERT_KEY_EC384, "EC", "secp384r1", 384 },
	};
	static const char *const bad[] = { "rsa1024", "EC256", "ec521",
	    "ed25519", "rsa", "", "ec256 " };
	enum mcert_keytype t;
	size_t i;

	for (i = 0; i < sizeof(kt) / sizeof(*kt); i++) {
		struct mcert_error err = { 0 };
		EVP_PKEY *k = (EVP_PKEY *)&err;
		char group[64] = "";

		is_int(mcert_keytype_parse(kt[i].name, &t), 0, "keytype %s: "
		    "parsed", kt[i].name);
		is_int(t, kt[i].t, "keytype %s: the type", kt[i].name);
		is_str(mcert_keytype_name(kt[i].t), kt[i].name,
		    "keytype %s: the name", kt[i].name);
		if (!is_int(mcert_key_generate(kt[i].t, &k, &err), MCERT_OK,
		    "generate %s", kt[i].name) || k == NULL)
			continue;
		ok(EVP_PKEY_is_a(k, kt[i].type), "generate %s: %s", kt[i].name,
		    kt[i].type);
		is_int(EVP_PKEY_get_bits(k), kt[i].bits,
		    "generate %s: %d bits", kt[i].name, kt[i].bits);
		if (kt[i].group != NULL) {
			EVP_PKEY_get_utf8_string_param(k, "group", group,
			    sizeof(group), NULL);
			is_str(group, kt[i].group, "generate %s: curve %s",
			    kt[i].name, kt[i].group);
		}
		{
			char *pem = NULL;
			size_t len = 0;

			ok(mcert_key_to_pem(k, &pem, &len, NULL) == MCERT_OK &&
			    len > 27 &&
			    memcmp(pem, "-----BEGIN PRIVATE KEY-----", 27) == 0,
			    "generate %s: a private key, PKCS#8", kt[i].name);
			if (pem != NULL)
				mcert_wipe(pem, len);
			free(pem);
		}
		EVP_PKEY_free(k);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		is_int(mcert_keytype_parse(bad[i], &t), -1,
		    "keytype '%s': refused", bad[i]);
}

/* Names in dir other than . and .., joined by ' ', sorted by readdir. */
static void
dir_list(const char *dir, char *buf, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = 0;

	buf[0] = '\0';
	if (d == NULL)
		tap_bail("opendir %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len ? " " : "", e->d_name);
	closedir(d);
}

static int
file_is(const char *path, const void *data, size_t len)
{
	unsigned char *buf;
	size_t n;
	int same;

	if (mcert_file_read(path, &buf, &n, NULL) != MCERT_OK)
		return 0;
	same = n == len && memcmp(buf, data, len) == 0;
	free(buf);
	return same;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static void
test_key_write(void)
{
	EVP_PKEY *k = fx_key(FX_EC_P256, 1), *other = fx_key(FX_EC_P256, 2);
	struct mcert_error err = { 0 };
	char *dir = fx_path("keys"), *path, *missing, want[1024], ls[1024];
	char *pem;
	size_t len;
	unsigned char *before;
	size_t nbefore;
	BIO *bio;
	EVP_PKEY *back;

	if (mkdir(dir, 0700) != 0)
		tap_bail("mkdir %s", dir);
	path = fx_path("keys/callbridge.key");
	umask(022);
	is_int(mcert_key_write(path, k, &err), MCERT_OK, "key_write: written");
	is_int(mode_of(path), 0600, "key_write: mode 0600 under umask 022");
	if (mcert_file_read(path, &before, &nbefore, NULL) != MCERT_OK)
		tap_bail("cannot read %s", path);
	ok(nbefore > 28 && memcmp(before, "-----BEGIN PRIVATE KEY-----\n", 28)
	    == 0, "key_write: unencrypted PKCS#8 PEM");
	bio = BIO_new_mem_buf(before, (int)nbefore);
	back = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ok(back != NULL && EVP_PKEY_eq(back, k) == 1,
	    "key_write: the file holds the key");
	EVP_PKEY_free(back);
	BIO_free(bio);
	is_int(mcert_key_to_pem(k, &pem, &len, NULL), MCERT_OK,
	    "key_to_pem: encoded");
	ok(len == nbefore && memcmp(pem, before, len) == 0,
	    "key_to_pem: the same bytes as the file");
	mcert_wipe(pem, len);
	free(pem);

	/* Never over an existing key: the file stays as it was. */
	is_int(mcert_key_write(path, other, &err), MCERT_E_IO,
	    "key_write: refuses an existing path");
	snprintf(want, sizeof(want), "%s already exists; meetcert never "
	    "overwrites a file (a live key replaced breaks its service at "
	    "once): choose a new name, such as one ending in -2", path);
	is_str(err.msg, want, "key_write: the refusal's message");
	ok(file_is(path, before, nbefore), "key_write: the file untouched");
	is_int(mode_of(path), 0600, "key_write: its mode untouched");
	dir_list(dir, ls, sizeof(ls));
	is_str(ls, "callbridge.key", "key_write: no temporary file left");

	missing = fx_path("keys/no-such-dir/x.key");
	is_int(mcert_key_write(missing, k, &err), MCERT_E_IO,
	    "key_write: a missing directory is an error");
	snprintf(want, sizeof(want), "%s: cannot create it: %s", missing,
	    strerror(ENOENT));
	is_str(err.msg, want, "key_write: the error names the file");
	free(before);
	free(missing);
	free(path);
	free(dir);
}

static void
test_write_new(void)
{
	struct mcert_error err = { 0 };
	char *dir = fx_path("new"), *p, *link, *target, ls[1024], want[1024];
	char cwd[4096];

	if (mkdir(dir, 0700) != 0)
		tap_bail("mkdir %s", dir);
	p = fx_path("new/a.pem");

	umask(077);
	is_int(mcert_write_new(p, "hello\n", 6, 0644, &err), MCERT_OK,
	    "write_new: written");
	is_int(mode_of(p), 0644, "write_new: mode 0644 as asked, whatever "
	    "the umask");
	ok(file_is(p, "hello\n", 6), "write_new: the bytes");
	is_int(mcert_path_exists(p), 1, "path_exists: yes");

	is_int(mcert_write_new(p, "other\n", 6, 0644, &err), MCERT_E_IO,
	    "write_new: refuses an existing file");
	snprintf(want, sizeof(want), "%s already exists; meetcert never "
	    "overwrites a file (a live key replaced breaks its service at "
	    "once): choose a new name, such as one ending in -2", p);
	is_str(err.msg, want, "write_new: the refusal's message");
	ok(file_is(p, "hello\n", 6), "write_new: the file untouched");
	free(p);

	umask(022);
	p = fx_path("new/b.key");
	is_int(mcert_write_new(p, "k", 1, 0600, &err), MCERT_OK,
	    "write_new: 0600");
	is_int(mode_of(p), 0600, "write_new: mode 0600");
	free(p);
	p = fx_path("new/c.crt");
	is_int(mcert_write_new(p, "", 0, 0640, &err), MCERT_OK,
	    "write_new: an empty file");
	is_int(mode_of(p), 0640, "write_new: mode 0640");
	ok(file_is(p, "", 0), "write_new: empty");
	free(p);

	/* A dangling symlink is a file that exists: not written through. */
	link = fx_path("new/d.pem");
	target = fx_path("new/target.pem");
	if (symlink(target, link) != 0)
		tap_bail("symlink");
	is_int(mcert_path_exists(link), 1, "path_exists: a dangling symlink");
	is_int(mcert_write_new(link, "x", 1, 0644, &err), MCERT_E_IO,
	    "write_new: refuses a dangling symlink");
	is_int(mcert_path_exists(target), 0,
	    "write_new: nothing written through the symlink");
	free(link);
	free(target);

	p = fx_path("new/sub");
	if (mkdir(p, 0700) != 0)
		tap_bail("mkdir");
	is_int(mcert_write_new(p, "x", 1, 0644, &err), MCERT_E_IO,
	    "write_new: refuses a directory");
	free(p);

	p = fx_path("new/missing/e.pem");
	is_int(mcert_write_new(p, "x", 1, 0644, &err), MCERT_E_IO,
	    "write_new: a missing directory");
	snprintf(want, sizeof(want), "%s: cannot create it: %s", p,
	    strerror(ENOENT));
	is_str(err.msg, want, "write_new: the error names the file");
	free(p);
	is_int(mcert_path_exists(fx_tmpdir()), 1, "path_exists: a directory");

	/* A name without a directory: the temporary file beside it. */
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) != 0)
		tap_bail("chdir");
	is_int(mcert_write_new("rel.pem", "r", 1, 0644, &err), MCERT_OK,
	    "write_new: a relative name");
	is_int(mcert_path_exists("rel.pem"), 1, "write_new: written in .");
	is_int(mcert_path_exists("nothing-here.pem"), 0, "path_exists: no");
	if (chdir(cwd) != 0)
		tap_bail("chdir back");

	dir_list(dir, ls, sizeof(ls));
	ok(strstr(ls, "tmp") == NULL, "write_new: no temporary file left "
	    "(%s)", ls);
	free(dir);
}

int
main(void)
{
	test_parse();
	test_parse_bounds();
	test_split();
	test_pki_line();
	test_build();
	test_keytypes();
	test_key_write();
	test_write_new();
	fx_cleanup();
	return tap_done();
}
