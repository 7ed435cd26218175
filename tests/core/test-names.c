/* The Meeting Server's naming rules (names.c): basenames (guide §3.1),
 * FQDNs, IP addresses, countries and file names (Appendix B). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "tap.h"

/* Built at run time: names at and past the length limits. */
static char a64[65], a65[66], label63[80], label64[80], fqdn253[260],
    fqdn254[260], stem65_crt[80], a63_dot_b[80];

static void
make_long_names(void)
{
	memset(a64, 'a', 64);
	memset(a65, 'a', 65);
	snprintf(label63, sizeof(label63), "%.63s.example.com", a64);
	snprintf(label64, sizeof(label64), "%.64s.example.com", a64);
	/* 63 + 1 + 63 + 1 + 63 + 1 + 57 + 4 = 253 */
	snprintf(fqdn253, sizeof(fqdn253), "%.63s.%.63s.%.63s.%.57s.com", a64,
	    a64, a64, a64);
	snprintf(fqdn254, sizeof(fqdn254), "%.63s.%.63s.%.63s.%.58s.com", a64,
	    a64, a64, a64);
	snprintf(stem65_crt, sizeof(stem65_crt), "%s.crt", a65);
	snprintf(a63_dot_b, sizeof(a63_dot_b), "%.63s.b", a64);
}

#define USE_LETTERS "; use letters, digits and hyphens, such as "

static const struct basename_case {
	const char *in;
	int ret;
	const char *msg;	/* the whole message; NULL: not checked */
} basename_cases[] = {
	{ "callbridge", MCERT_OK, NULL },
	{ "db01server", MCERT_OK, NULL },
	{ "MeetingApps", MCERT_OK, NULL },
	{ "web-bridge-3", MCERT_OK, NULL },
	{ "a", MCERT_OK, NULL },
	{ "1", MCERT_OK, NULL },
	{ a64, MCERT_OK, NULL },
	{ "base.name", MCERT_E_INVALID, "basename 'base.name' has a '.' (the "
	    "MMP takes one '.' only, before the extension)" USE_LETTERS
	    "'base-name'" },
	{ "base_name", MCERT_E_INVALID, "basename 'base_name' has a '_' (the "
	    "guide forbids it)" USE_LETTERS "'base-name'" },
	{ "base name", MCERT_E_INVALID, "basename 'base name' has a space"
	    USE_LETTERS "'base-name'" },
	{ "base/name", MCERT_E_INVALID, "basename 'base/name' has a character "
	    "other than letters, digits and hyphens" USE_LETTERS
	    "'base-name'" },
	{ "caf\xc3\xa9", MCERT_E_INVALID, "basename 'caf\xc3\xa9' has a "
	    "character other than letters, digits and hyphens" USE_LETTERS
	    "'caf'" },
	{ "tab\there", MCERT_E_INVALID, "basename 'tab\there' has a character "
	    "other than letters, digits and hyphens" USE_LETTERS "'tab-here'" },
	{ "cert.crt", MCERT_E_INVALID, "basename 'cert.crt' has a '.' (the "
	    "MMP takes one '.' only, before the extension)" USE_LETTERS
	    "'cert-crt'" },
	/* The first offence is the one named. */
	{ "a_b.c", MCERT_E_INVALID, "basename 'a_b.c' has a '_' (the guide "
	    "forbids it)" USE_LETTERS "'a-b-c'" },
	{ "a..b", MCERT_E_INVALID, "basename 'a..b' has a '.' (the MMP takes "
	    "one '.' only, before the extension)" USE_LETTERS "'a-b'" },
	{ "._", MCERT_E_INVALID, "basename '._' has a '.' (the MMP takes one "
	    "'.' only, before the extension)" USE_LETTERS "'cert'" },
	{ "", MCERT_E_INVALID, "the basename is empty; give one such as "
	    "callbridge" },
	{ a65, MCERT_E_INVALID, NULL },	/* message checked below */
};

static void
test_basename(void)
{
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(basename_cases) / sizeof(*basename_cases);
	    i++) {
		const struct basename_case *c = &basename_cases[i];
		struct mcert_error err = { 0 };

		is_int(mcert_name_check_basename(c->in, &err), c->ret,
		    "basename '%.20s': %s", c->in, c->ret == MCERT_OK ?
		    "accepted" : "refused");
		if (c->msg != NULL)
			is_str(err.msg, c->msg, "basename '%.20s': message",
			    c->in);
		if (c->ret == MCERT_OK)
			is_str(err.msg, "", "basename '%.20s': no message",
			    c->in);
	}
	{
		struct mcert_error err = { 0 };

		mcert_name_check_basename(a65, &err);
		snprintf(want, sizeof(want), "basename '%s' is longer than 64 "
		    "characters" USE_LETTERS "'%s'", a65, a64);
		is_str(err.msg, want, "65 characters: message suggests the "
		    "first 64");
	}
	is_int(mcert_name_check_basename("a.b", NULL), MCERT_E_INVALID,
	    "basename: a NULL error is allowed");
}

static const struct suggest_case {
	const char *in, *want;
} suggest_cases[] = {
	{ "callbridge", "callbridge" },
	{ "base.name", "base-name" },
	{ "base_name", "base-name" },
	{ "My Web Bridge", "My-Web-Bridge" },
	{ "..a__b..", "a-b" },
	{ "a--b", "a-b" },
	{ "-lead-", "lead" },
	{ "caf\xc3\xa9-2", "caf-2" },
	{ "", "cert" },
	{ "._ ", "cert" },
	{ "---", "cert" },
	{ a65, a64 },
};

static void
test_suggest(void)
{
	char want[80];
	char *s;
	size_t i;

	for (i = 0; i < sizeof(suggest_cases) / sizeof(*suggest_cases); i++) {
		s = mcert_name_suggest_basename(suggest_cases[i].in);
		is_str(s, suggest_cases[i].want, "suggest '%.20s'",
		    suggest_cases[i].in);
		if (s != NULL)
			ok(mcert_name_check_basename(s, NULL) == MCERT_OK,
			    "suggest '%.20s': the suggestion is a valid "
			    "basename", suggest_cases[i].in);
		free(s);
	}
	/* Cut at 64, then the hyphen the cut left at the end trimmed. */
	s = mcert_name_suggest_basename(a63_dot_b);
	snprintf(want, sizeof(want), "%.63s", a64);
	is_str(s, want, "suggest: a hyphen at the 64-character cut is trimmed");
	free(s);
}

#define NOT_FQDN "' is not a fully qualified domain name; write it as " \
	"host.example.com (letters, digits, hyphens and dots)"

static const struct fqdn_case {
	const char *in;
	int wildcard;
	int ret;
} fqdn_cases[] = {
	{ "cms1.example.com", 0, MCERT_OK },
	{ "example.com", 0, MCERT_OK },
	{ "cms1a.pod7.cms.lab", 0, MCERT_OK },
	{ "123.example.com", 0, MCERT_OK },
	{ "web-bridge.example.com", 0, MCERT_OK },
	{ "host.x1", 0, MCERT_OK },
	{ "CMS1.Example.COM", 0, MCERT_OK },
	{ label63, 0, MCERT_OK },
	{ fqdn253, 0, MCERT_OK },
	{ "*.example.com", 1, MCERT_OK },
	{ "*.example.com", 0, MCERT_E_INVALID },
	{ "*.com", 1, MCERT_E_INVALID },
	{ "a.*.example.com", 1, MCERT_E_INVALID },
	{ "*a.example.com", 1, MCERT_E_INVALID },
	{ "*", 1, MCERT_E_INVALID },
	{ "localhost", 0, MCERT_E_INVALID },
	{ "postgres", 1, MCERT_E_INVALID },
	{ "host.123", 0, MCERT_E_INVALID },
	{ "192.0.2.10", 0, MCERT_E_INVALID },
	{ label64, 0, MCERT_E_INVALID },
	{ fqdn254, 0, MCERT_E_INVALID },
	{ "-host.example.com", 0, MCERT_E_INVALID },
	{ "host-.example.com", 0, MCERT_E_INVALID },
	{ "host.example-.com", 0, MCERT_E_INVALID },
	{ "host.-example.com", 0, MCERT_E_INVALID },
	{ "host..example.com", 0, MCERT_E_INVALID },
	{ ".example.com", 0, MCERT_E_INVALID },
	{ "example.com.", 0, MCERT_E_INVALID },
	{ "host_1.example.com", 0, MCERT_E_INVALID },
	{ "host 1.example.com", 0, MCERT_E_INVALID },
	{ "h\xc3\xb6st.example.com", 0, MCERT_E_INVALID },
	{ "", 0, MCERT_E_INVALID },
};

static void
test_fqdn(void)
{
	char want[400];
	size_t i;

	for (i = 0; i < sizeof(fqdn_cases) / sizeof(*fqdn_cases); i++) {
		const struct fqdn_case *c = &fqdn_cases[i];
		struct mcert_error err = { 0 };
		int r = mcert_name_check_fqdn(c->in, "subjectAltName",
		    c->wildcard, &err);

		is_int(r, c->ret, "fqdn '%.40s'%s: %s", c->in, c->wildcard ?
		    " (wildcard allowed)" : "", c->ret == MCERT_OK ?
		    "accepted" : "refused");
		if (c->ret != MCERT_OK) {
			snprintf(want, sizeof(want), "subjectAltName '%s"
			    NOT_FQDN, c->in);
			is_str(err.msg, want, "fqdn '%.40s': message", c->in);
		}
	}
	{
		struct mcert_error err = { 0 };

		mcert_name_check_fqdn("cms1", "CN", 0, &err);
		is_str(err.msg, "CN 'cms1" NOT_FQDN,
		    "fqdn: the field is named in the message");
	}
}

static const struct ip_case {
	const char *in;
	int ip;
} ip_cases[] = {
	{ "192.0.2.10", 1 },
	{ "0.0.0.0", 1 },
	{ "255.255.255.255", 1 },
	{ "2001:db8::1", 1 },
	{ "::1", 1 },
	{ "::ffff:192.0.2.1", 1 },
	{ "192.0.2", 0 },
	{ "192.0.2.256", 0 },
	{ "192.0.2.10.5", 0 },
	{ "[2001:db8::1]", 0 },
	{ "2001:db8::1/64", 0 },
	{ "cms1.example.com", 0 },
	{ "192.0.2.10 ", 0 },
	{ "", 0 },
};

static void
test_ip(void)
{
	size_t i;

	for (i = 0; i < sizeof(ip_cases) / sizeof(*ip_cases); i++)
		is_int(mcert_name_is_ip(ip_cases[i].in), ip_cases[i].ip,
		    "is_ip '%s'", ip_cases[i].in);
}

static const struct hostport_case {
	const char *in, *host;
	int port, ret;
} hostport_cases[] = {
	{ "cms1.example.com", "cms1.example.com", 0, 0 },
	{ "cms1.example.com:2222", "cms1.example.com", 2222, 0 },
	{ "192.0.2.10:22", "192.0.2.10", 22, 0 },
	{ "2001:db8::1", "2001:db8::1", 0, 0 },
	{ "[2001:db8::1]", "2001:db8::1", 0, 0 },
	{ "[2001:db8::1]:443", "2001:db8::1", 443, 0 },
	{ "cms1:65535", "cms1", 65535, 0 },
	{ "cms1:65536", NULL, 0, -2 },
	{ "cms1:0", NULL, 0, -2 },
	{ "cms1:", NULL, 0, -2 },
	{ "cms1:+22", NULL, 0, -2 },
	{ "cms1: 22", NULL, 0, -2 },
	{ "cms1:22x", NULL, 0, -2 },
	{ "cms1:99999999999999999999", NULL, 0, -2 },
	{ "[2001:db8::1]:", NULL, 0, -2 },
	{ ":22", NULL, 0, -1 },
	{ "", NULL, 0, -1 },
	{ "[]:22", NULL, 0, -1 },
	{ "[2001:db8::1", NULL, 0, -1 },
	{ "[2001:db8::1]x", NULL, 0, -1 },
	{ "cms 1:22", NULL, 0, -1 },
};

static void
test_hostport(void)
{
	const char *host;
	char buf[64];
	size_t i;
	int port, r;

	for (i = 0; i < sizeof(hostport_cases) / sizeof(*hostport_cases);
	    i++) {
		const struct hostport_case *c = &hostport_cases[i];

		snprintf(buf, sizeof(buf), "%s", c->in);
		r = mcert_name_split_hostport(buf, &host, &port);
		if (c->ret != 0) {
			is_int(r, c->ret, "split_hostport '%s' refused", c->in);
			continue;
		}
		ok(r == 0 && strcmp(host, c->host) == 0 && port == c->port,
		    "split_hostport '%s': '%s', port %d", c->in, c->host,
		    c->port);
	}
}

static const struct country_case {
	const char *in;
	int ret;
} country_cases[] = {
	{ "US", MCERT_OK },
	{ "GB", MCERT_OK },
	{ "de", MCERT_OK },
	{ "Fr", MCERT_OK },
	{ "USA", MCERT_E_INVALID },
	{ "U", MCERT_E_INVALID },
	{ "U1", MCERT_E_INVALID },
	{ "12", MCERT_E_INVALID },
	{ "U ", MCERT_E_INVALID },
	{ "\xc3\x9c", MCERT_E_INVALID },
	{ "", MCERT_E_INVALID },
};

static void
test_country(void)
{
	char want[200];
	size_t i;

	for (i = 0; i < sizeof(country_cases) / sizeof(*country_cases); i++) {
		const struct country_case *c = &country_cases[i];
		struct mcert_error err = { 0 };

		is_int(mcert_name_check_country(c->in, &err), c->ret,
		    "country '%s': %s", c->in, c->ret == MCERT_OK ? "accepted" :
		    "refused");
		if (c->ret != MCERT_OK) {
			snprintf(want, sizeof(want), "C '%s' is not a "
			    "two-letter country code; use the ISO code, such "
			    "as US, GB or DE", c->in);
			is_str(err.msg, want, "country '%s': message", c->in);
		}
	}
}

#define CERT_EXTS ".pem, .der, .cer or .crt"
#define KEY_EXTS ".key, .pem or .der"
#define BUNDLE_EXTS ".pem, .cer or .crt"
#define ONE_DOT ": a Meeting Server file name has exactly one '.', before " \
	"its extension ("

static const struct file_case {
	const char *path;
	enum mcert_file_kind kind;
	int ret;
	const char *msg;
} file_cases[] = {
	/* Appendix B, table 5: certificates. */
	{ "callbridge.pem", MCERT_FILE_CERT, MCERT_OK, NULL },
	{ "callbridge.der", MCERT_FILE_CERT, MCERT_OK, NULL },
	{ "callbridge.cer", MCERT_FILE_CERT, MCERT_OK, NULL },
	{ "callbridge.crt", MCERT_FILE_CERT, MCERT_OK, NULL },
	{ "callbridge.key", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "callbridge.key: the Meeting Server takes " CERT_EXTS " here, "
	    "not .key" },
	{ "callbridge.p7b", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "callbridge.p7b: the Meeting Server takes " CERT_EXTS " here, "
	    "not .p7b" },
	{ "callbridge.", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "callbridge.: the Meeting Server takes " CERT_EXTS " here, not ." },
	/* Table 6: private keys. */
	{ "callbridge.key", MCERT_FILE_KEY, MCERT_OK, NULL },
	{ "callbridge.pem", MCERT_FILE_KEY, MCERT_OK, NULL },
	{ "callbridge.der", MCERT_FILE_KEY, MCERT_OK, NULL },
	{ "callbridge.crt", MCERT_FILE_KEY, MCERT_E_INVALID,
	    "callbridge.crt: the Meeting Server takes " KEY_EXTS " here, "
	    "not .crt" },
	{ "callbridge.cer", MCERT_FILE_KEY, MCERT_E_INVALID,
	    "callbridge.cer: the Meeting Server takes " KEY_EXTS " here, "
	    "not .cer" },
	{ "callbridge.csr", MCERT_FILE_CSR, MCERT_OK, NULL },
	{ "callbridge.pem", MCERT_FILE_CSR, MCERT_E_INVALID,
	    "callbridge.pem: the Meeting Server takes .csr here, not .pem" },
	/* Bundles are PEM text: no .der. */
	{ "chain.pem", MCERT_FILE_BUNDLE, MCERT_OK, NULL },
	{ "chain.cer", MCERT_FILE_BUNDLE, MCERT_OK, NULL },
	{ "chain.crt", MCERT_FILE_BUNDLE, MCERT_OK, NULL },
	{ "chain.der", MCERT_FILE_BUNDLE, MCERT_E_INVALID,
	    "chain.der: the Meeting Server takes " BUNDLE_EXTS " here, "
	    "not .der" },
	{ "chain.key", MCERT_FILE_BUNDLE, MCERT_E_INVALID,
	    "chain.key: the Meeting Server takes " BUNDLE_EXTS " here, "
	    "not .key" },
	/* One '.', no more, no less. */
	{ "cb.chain.pem", MCERT_FILE_BUNDLE, MCERT_E_INVALID,
	    "cb.chain.pem" ONE_DOT BUNDLE_EXTS ")" },
	{ "callbridge.crt.pem", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "callbridge.crt.pem" ONE_DOT CERT_EXTS ")" },
	{ "callbridge", MCERT_FILE_KEY, MCERT_E_INVALID,
	    "callbridge" ONE_DOT KEY_EXTS ")" },
	{ "cb..crt", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "cb..crt" ONE_DOT CERT_EXTS ")" },
	/* The stem follows the basename rules. */
	{ "call_bridge.crt", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "call_bridge.crt: basename 'call_bridge' has a '_' (the guide "
	    "forbids it)" USE_LETTERS "'call-bridge'" },
	{ "call bridge.crt", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "call bridge.crt: basename 'call bridge' has a space" USE_LETTERS
	    "'call-bridge'" },
	{ ".crt", MCERT_FILE_CERT, MCERT_E_INVALID,
	    ".crt: the basename is empty; give one such as callbridge" },
	{ stem65_crt, MCERT_FILE_CERT, MCERT_E_INVALID, NULL },
	/* Only the last part of a path is a Meeting Server name. */
	{ "out/callbridge.crt", MCERT_FILE_CERT, MCERT_OK, NULL },
	{ "/tmp/my_dir.d/callbridge.crt", MCERT_FILE_CERT, MCERT_OK, NULL },
	{ "./chain.pem", MCERT_FILE_BUNDLE, MCERT_OK, NULL },
	{ "out.d/cb.chain.pem", MCERT_FILE_BUNDLE, MCERT_E_INVALID,
	    "out.d/cb.chain.pem" ONE_DOT BUNDLE_EXTS ")" },
	{ "out.d/callbridge", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "out.d/callbridge" ONE_DOT CERT_EXTS ")" },
	{ "my_dir/call_bridge.crt", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "my_dir/call_bridge.crt: basename 'call_bridge' has a '_' (the "
	    "guide forbids it)" USE_LETTERS "'call-bridge'" },
	{ "out/", MCERT_FILE_CERT, MCERT_E_INVALID,
	    "out/" ONE_DOT CERT_EXTS ")" },
};

static void
test_file(void)
{
	static const char *const kinds[] = { "cert", "key", "csr", "bundle" };
	char want[200];
	size_t i;

	for (i = 0; i < sizeof(file_cases) / sizeof(*file_cases); i++) {
		const struct file_case *c = &file_cases[i];
		struct mcert_error err = { 0 };

		is_int(mcert_name_check_file(c->path, c->kind, &err), c->ret,
		    "file %s '%.40s': %s", kinds[c->kind], c->path,
		    c->ret == MCERT_OK ? "accepted" : "refused");
		if (c->msg != NULL)
			is_str(err.msg, c->msg, "file %s '%.40s': message",
			    kinds[c->kind], c->path);
	}
	{
		struct mcert_error err = { 0 };

		mcert_name_check_file(stem65_crt, MCERT_FILE_CERT, &err);
		snprintf(want, sizeof(want), "%s: the name before the '.' is "
		    "longer than 64 characters", stem65_crt);
		is_str(err.msg, want, "file: a 65-character stem: message");
	}
	is_int(mcert_name_check_file("a_b.crt", MCERT_FILE_CERT, NULL),
	    MCERT_E_INVALID, "file: a NULL error is allowed for a bad stem");
}

int
main(void)
{
	make_long_names();
	test_basename();
	test_suggest();
	test_fqdn();
	test_ip();
	test_hostport();
	test_country();
	test_file();
	return tap_done();
}
