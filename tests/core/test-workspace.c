/* The workspace (issue 4): mcert_ws_from_json / mcert_ws_load on valid
 * files and on each kind of bad field, the error naming the field as
 * "hosts[1].fqdn"; a newer version or a damaged file refused; and
 * mcert_ws_save: the same bytes on a round trip, mode 0600, never over a
 * file it cannot read, no temporary file left behind. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fixture.h"
#include "names.h"
#include "tap.h"
#include "workspace.h"

/* Every field set, two hosts: the base the bad cases edit. */
static const char base_text[] =
    "{\"format\": \"meetcert-workspace\", \"version\": 1,"
    " \"type\": \"resilient\", \"layout\": \"per-service\","
    " \"key\": \"ec384\", \"generation\": 3,"
    " \"options\": [\"turn_tls\", \"lync\", \"expressway_proxy\"],"
    " \"names\": {\"cluster_fqdn\": \"cms.example.com\","
    "  \"join_url\": \"join.example.com\", \"login_domain\": \"example.com\","
    "  \"c2w_address\": \"c2w.example.com\", \"c2w_port\": 4443,"
    "  \"expressway_a_record\": \"wb.example.com\"},"
    " \"hosts\": ["
    "  {\"label\": \"cms1\", \"fqdn\": \"cms1.example.com\","
    "   \"roles\": [\"callbridge\", \"webadmin\", \"database\"],"
    "   \"database\": \"primary\","
    "   \"ssh\": {\"address\": \"192.0.2.1\", \"port\": 2222,"
    "    \"user\": \"admin\"}},"
    "  {\"label\": \"cms2\", \"fqdn\": \"cms2.example.com\","
    "   \"roles\": [\"webbridge3\", \"meetingapps\"],"
    "   \"database\": \"connect\"}]}";

static const char *const examples[] = {
	"combined", "split", "resilient", "lab-pod7",
};

static json_t *
base(void)
{
	json_error_t jerr;
	json_t *root = json_loads(base_text, 0, &jerr);

	if (root == NULL)
		tap_bail("base workspace: %s", jerr.text);
	return root;
}

/* Sets (or, with value NULL, deletes) the member at path "a/1/b" of root;
 * value is JSON text. */
static void
patch(json_t *root, const char *path, const char *value)
{
	char *copy = strdup(path), *part, *next, *save = NULL;
	json_t *at = root, *v = NULL;
	json_error_t jerr;

	if (copy == NULL)
		tap_bail("strdup");
	if (value != NULL && (v = json_loads(value, JSON_DECODE_ANY,
	    &jerr)) == NULL)
		tap_bail("patch %s: %s: %s", path, value, jerr.text);
	part = strtok_r(copy, "/", &save);
	while (part != NULL) {
		next = strtok_r(NULL, "/", &save);
		if (next == NULL)
			break;
		at = json_is_array(at) ? json_array_get(at,
		    strtoul(part, NULL, 10)) : json_object_get(at, part);
		if (at == NULL)
			tap_bail("patch: no %s in %s", part, path);
		part = next;
	}
	if (json_is_array(at)) {
		size_t i = strtoul(part, NULL, 10);

		if (v == NULL)
			json_array_remove(at, i);
		else
			json_array_set_new(at, i, v);
	} else if (v == NULL)
		json_object_del(at, part);
	else
		json_object_set_new(at, part, v);
	free(copy);
}

/* ---- the fields of a valid workspace */

static void
test_valid(void)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_error err = { 0 };
	json_t *root;
	size_t i;
	int r;

	r = mcert_ws_from_json(base(), "base.json", &ws, &err);
	if (!is_int(r, MCERT_OK, "the base workspace loads") || ws == NULL) {
		diag("%s", err.msg);
		tap_bail("the base workspace does not load");
	}
	is_int(ws->type, MCERT_DEPLOY_RESILIENT, "type resilient");
	is_int(ws->layout, MCERT_LAYOUT_PER_SERVICE, "layout per-service");
	is_int(ws->keytype, MCERT_KEY_EC384, "key ec384");
	is_int(ws->generation, 3, "generation 3");
	is_int(ws->options, MCERT_OPT_TURN_TLS | MCERT_OPT_LYNC |
	    MCERT_OPT_EXPRESSWAY_PROXY, "options as bits");
	is_str(ws->cluster_fqdn, "cms.example.com", "names.cluster_fqdn");
	is_str(ws->join_url, "join.example.com", "names.join_url");
	is_str(ws->login_domain, "example.com", "names.login_domain");
	is_str(ws->c2w_address, "c2w.example.com", "names.c2w_address");
	is_int(ws->c2w_port, 4443, "names.c2w_port");
	is_str(ws->expressway_a_record, "wb.example.com",
	    "names.expressway_a_record");
	is_int(ws->nhosts, 2, "two hosts");
	is_str(ws->hosts[0].label, "cms1", "hosts[0].label");
	is_str(ws->hosts[0].fqdn, "cms1.example.com", "hosts[0].fqdn");
	is_str(ws->hosts[0].address, "192.0.2.1", "hosts[0].ssh.address");
	is_int(ws->hosts[0].port, 2222, "hosts[0].ssh.port");
	is_str(ws->hosts[0].user, "admin", "hosts[0].ssh.user");
	is_int(ws->hosts[0].roles, MCERT_HOST_CALLBRIDGE | MCERT_HOST_WEBADMIN |
	    MCERT_HOST_DATABASE, "hosts[0].roles as bits");
	is_int(ws->hosts[0].db, MCERT_DB_PRIMARY, "hosts[0].database primary");
	is_int(ws->hosts[1].roles, MCERT_HOST_WEBBRIDGE3 |
	    MCERT_HOST_MEETINGAPPS, "hosts[1].roles as bits");
	is_int(ws->hosts[1].db, MCERT_DB_CONNECT, "hosts[1].database connect");
	ok(ws->hosts[1].address == NULL && ws->hosts[1].user == NULL,
	    "no ssh object: no address, no user");
	is_int(ws->hosts[1].port, 0, "no ssh object: port 0 (as ~/.ssh/config "
	    "says, else 22)");

	/* mcert_ws_refresh: the view follows an edited root. */
	json_object_set_new(ws->root, "layout", json_string("one-for-all"));
	json_object_set_new(ws->root, "generation", json_integer(7));
	r = mcert_ws_refresh(ws, &err);
	ok(r == MCERT_OK && ws->layout == MCERT_LAYOUT_ONE_FOR_ALL &&
	    ws->generation == 7, "refresh after an edit: layout one-for-all, "
	    "generation 7");
	json_object_set_new(ws->root, "layout", json_string("sideways"));
	r = mcert_ws_refresh(ws, &err);
	ok(r != MCERT_OK, "refresh after a bad edit fails");
	like(err.msg, "layout: 'sideways'", "  naming the field");
	mcert_ws_free(ws);

	/* The defaults: the fewest fields a workspace can have. */
	root = json_pack("{s:s, s:i, s:s, s:[{s:s, s:s}]}", "format",
	    MCERT_WS_FORMAT, "version", MCERT_WS_VERSION, "type", "combined",
	    "hosts", "label", "cms", "fqdn", "cms.example.com");
	r = mcert_ws_from_json(root, "min.json", &ws, &err);
	if (is_int(r, MCERT_OK, "a minimal workspace loads") && ws != NULL) {
		is_int(ws->layout, MCERT_LAYOUT_PER_SERVER,
		    "  default layout per-server");
		is_int(ws->keytype, MCERT_KEY_RSA2048, "  default key rsa2048");
		is_int(ws->generation, 1, "  default generation 1");
		is_int(ws->c2w_port, 9999, "  default c2w port 9999 (App. D)");
		is_int(ws->options, 0, "  no options");
		ok(ws->cluster_fqdn == NULL && ws->join_url == NULL &&
		    ws->c2w_address == NULL, "  no names");
		is_int(ws->hosts[0].db, MCERT_DB_NONE, "  database none");
		is_int(ws->hosts[0].roles, 0, "  no roles");
	} else
		diag("%s", err.msg);
	mcert_ws_free(ws);

	/* Names that are valid though unusual. */
	{
		static const struct {
			const char *path, *value, *what;
		} good[] = {
			{ "names/c2w_address", "\"192.0.2.9\"",
			    "c2w address an IPv4 address (§4.5: FQDN or IP)" },
			{ "names/c2w_address", "\"2001:db8::9\"",
			    "c2w address an IPv6 address" },
			{ "names/c2w_address", "null", "c2w address null" },
			{ "hosts/1/fqdn", "\"x-1.sub.example.com\"",
			    "an FQDN with a hyphen and three dots" },
			{ "hosts/1/label", "\"cms-2b\"",
			    "a label with a hyphen" },
			{ "hosts/1/ssh", "{\"port\": 65535}", "ssh port 65535" },
			{ "hosts/1/ssh", "{\"port\": 1}", "ssh port 1" },
			{ "generation", "9999", "generation 9999" },
			{ "options", "[]", "no options" },
			{ "hosts/1/database", "\"none\"", "database none" },
		};

		for (i = 0; i < sizeof(good) / sizeof(*good); i++) {
			root = base();
			patch(root, good[i].path, good[i].value);
			r = mcert_ws_from_json(root, "ws.json", &ws, &err);
			if (!ok(r == MCERT_OK, "valid: %s", good[i].what))
				diag("%s", err.msg);
			mcert_ws_free(ws);
		}
	}

	/* The examples, as shipped. */
	for (i = 0; i < sizeof(examples) / sizeof(*examples); i++) {
		char *rel, *path;

		if (asprintf(&rel, "data/examples/%s.json", examples[i]) == -1)
			tap_bail("asprintf");
		path = fx_srcpath(rel);
		r = mcert_ws_load(path, &ws, &err);
		if (!ok(r == MCERT_OK && ws != NULL && ws->nhosts > 0,
		    "data/examples/%s.json loads", examples[i]))
			diag("%s", err.msg);
		mcert_ws_free(ws);
		free(rel);
		free(path);
	}
}

/* ---- each kind of bad field: refused, and the message names it */

static const struct bad {
	const char *path;	/* "hosts/1/fqdn"; "" for the root */
	const char *value;	/* JSON text; NULL: deleted */
	const char *needle;	/* the message must hold it */
	const char *needle2;	/* and this, when not NULL */
	const char *todo;	/* a known bug: why */
} bads[] = {
	/* the file's identity */
	{ "format", "\"other\"", "not a meetcert workspace", "'other'", NULL },
	{ "format", NULL, "format is missing", NULL, NULL },
	{ "format", "1", "format must be a string", NULL, NULL },
	{ "version", NULL, "version is missing", NULL, NULL },
	{ "version", "\"1\"", "version is missing or not a number", NULL,
	    NULL },
	{ "version", "0", "version is missing or not a number", NULL, NULL },
	{ "version", "1.0", "version is missing or not a number", NULL, NULL },
	{ "version", "2", "newer meetcert", "version 2", NULL },
	{ "version", "1000000", "newer meetcert", "version 1000000", NULL },
	{ "version", "4294967297", "newer meetcert", NULL,
	    NULL },
	{ "version", "2147483648", "newer meetcert", NULL,
	    NULL },
	/* type, layout, key, options */
	{ "type", NULL, "type is missing", "combined, split or resilient",
	    NULL },
	{ "type", "3", "type must be a string", NULL, NULL },
	{ "type", "\"scalable\"", "type: 'scalable' is not one of",
	    "combined, split, resilient", NULL },
	{ "type", "\"Combined\"", "type: 'Combined'", NULL, NULL },
	{ "layout", "\"per-host\"", "layout: 'per-host' is not one of",
	    "per-server, per-service, one-for-all", NULL },
	{ "layout", "[]", "layout must be a string", NULL, NULL },
	{ "key", "\"rsa1024\"", "key: 'rsa1024' is not one of",
	    "rsa2048", NULL },
	{ "key", "\"ed25519\"", "key: 'ed25519'", NULL, NULL },
	{ "key", "2048", "key must be a string", NULL, NULL },
	{ "options", "[\"turn_tls\", \"xmpp\"]", "options[1]: 'xmpp' is not "
	    "one of", "expressway_proxy", NULL },
	{ "options", "[7]", "options[0]", NULL, NULL },
	{ "options", "\"turn_tls\"", "options must be a list", NULL, NULL },
	{ "generation", "0", "generation must be a number from 1 to 9999",
	    NULL, NULL },
	{ "generation", "10000", "generation must be a number", NULL, NULL },
	{ "generation", "\"2\"", "generation must be a number", NULL, NULL },
	/* names */
	{ "names", "[]", "names must be an object", NULL, NULL },
	{ "names/cluster_fqdn", "\"cms..example.com\"", "names.cluster_fqdn",
	    "not a fully qualified domain name", NULL },
	{ "names/cluster_fqdn", "7", "names.cluster_fqdn must be a string",
	    NULL, NULL },
	{ "names/join_url", "\"https://join.example.com\"", "names.join_url",
	    "not a fully qualified domain name", NULL },
	{ "names/join_url", "\"join\"", "names.join_url", NULL, NULL },
	{ "names/join_url", "\"*.example.com\"", "names.join_url", NULL,
	    NULL },
	{ "names/login_domain", "\"example com\"", "names.login_domain",
	    NULL, NULL },
	{ "names/c2w_address", "\"c2w_host.example.com\"",
	    "names.c2w_address", "not a fully qualified domain name", NULL },
	{ "names/c2w_address", "\"192.0.2.300\"", "names.c2w_address", NULL,
	    NULL },
	{ "names/expressway_a_record", "\"-wb.example.com\"",
	    "names.expressway_a_record", NULL, NULL },
	{ "names/expressway_a_record", "true",
	    "names.expressway_a_record must be a string", NULL, NULL },
	{ "names/c2w_port", "0", "names.c2w_port must be a number from 1 to "
	    "65535", NULL, NULL },
	{ "names/c2w_port", "65536", "names.c2w_port", NULL, NULL },
	{ "names/c2w_port", "\"9999\"", "names.c2w_port", NULL, NULL },
	{ "names/domain", "\"bad domain!\"", "names.domain", NULL,
	    NULL },
	{ "names/domain", "5", "names.domain", NULL,
	    NULL },
	/* hosts */
	{ "hosts", NULL, "hosts is missing or empty", NULL, NULL },
	{ "hosts", "{}", "hosts is missing or empty", NULL, NULL },
	{ "hosts/1", "\"cms2\"", "hosts[1] must be an object", NULL, NULL },
	{ "hosts/1/fqdn", NULL, "hosts[1].fqdn is missing", NULL, NULL },
	{ "hosts/1/fqdn", "2", "hosts[1].fqdn must be a string", NULL, NULL },
	{ "hosts/1/fqdn", "\"\"", "hosts[1].fqdn", "not a fully qualified",
	    NULL },
	{ "hosts/1/fqdn", "\"cms2\"", "hosts[1].fqdn", "not a fully",
	    NULL },
	{ "hosts/1/fqdn", "\"cms_2.example.com\"", "hosts[1].fqdn",
	    "not a fully", NULL },
	{ "hosts/1/fqdn", "\"-cms2.example.com\"", "hosts[1].fqdn", NULL,
	    NULL },
	{ "hosts/1/fqdn", "\"cms2-.example.com\"", "hosts[1].fqdn", NULL,
	    NULL },
	{ "hosts/1/fqdn", "\"cms2..example.com\"", "hosts[1].fqdn", NULL,
	    NULL },
	{ "hosts/1/fqdn", "\"cms2.example.com.\"", "hosts[1].fqdn", NULL,
	    NULL },
	{ "hosts/1/fqdn", "\"cms 2.example.com\"", "hosts[1].fqdn", NULL,
	    NULL },
	{ "hosts/1/fqdn", "\"192.0.2.2\"", "hosts[1].fqdn", NULL, NULL },
	{ "hosts/1/fqdn", "\"*.example.com\"", "hosts[1].fqdn", NULL, NULL },
	{ "hosts/1/fqdn", "\"caf\\u00e9.example.com\"", "hosts[1].fqdn", NULL,
	    NULL },
	{ "hosts/1/fqdn", "\"a234567890123456789012345678901234567890123456"
	    "789012345678901234.example.com\"", "hosts[1].fqdn", NULL, NULL },
	{ "hosts/1/fqdn", "\"cms1.example.com\"", "hosts[1].fqdn: "
	    "'cms1.example.com' is already hosts[0]'s", NULL, NULL },
	{ "hosts/1/fqdn", "\"CMS1.Example.COM\"", "hosts[1].fqdn: "
	    "'CMS1.Example.COM' is already hosts[0]'s", NULL, NULL },
	{ "hosts/1/label", NULL, "hosts[1].label is missing", NULL, NULL },
	{ "hosts/1/label", "[]", "hosts[1].label must be a string", NULL,
	    NULL },
	{ "hosts/1/label", "\"\"", "hosts[1].label", NULL, NULL },
	{ "hosts/1/label", "\"cms.2\"", "hosts[1].label: 'cms.2' must be "
	    "at most 32 letters, digits and hyphens", NULL, NULL },
	{ "hosts/1/label", "\"cms_2\"", "hosts[1].label: 'cms_2'", NULL,
	    NULL },
	{ "hosts/1/label", "\"cms 2\"", "hosts[1].label", NULL, NULL },
	{ "hosts/1/label", "\"cms/2\"", "hosts[1].label", NULL, NULL },
	{ "hosts/1/label", "\"cms1\"", "hosts[1].label: 'cms1' is already "
	    "hosts[0]'s", NULL, NULL },
	{ "hosts/1/label", "\"CMS1\"", "hosts[1].label", "already", NULL },
	{ "hosts/1/roles", "[\"webbridge\"]", "hosts[1].roles[0]: 'webbridge' "
	    "is not one of", "webbridge3", NULL },
	{ "hosts/1/roles", "[\"callbridge\", 3]", "hosts[1].roles[1]", NULL,
	    NULL },
	{ "hosts/1/roles", "\"callbridge\"", "hosts[1].roles must be a list",
	    NULL, NULL },
	{ "hosts/1/database", "\"master\"", "hosts[1].database: 'master' is "
	    "not one of", "primary, peer, connect", NULL },
	{ "hosts/1/database", "true", "hosts[1].database must be a string",
	    NULL, NULL },
	{ "hosts/1/ssh", "[]", "hosts[1].ssh must be an object", NULL, NULL },
	{ "hosts/1/ssh", "{\"port\": 0}", "hosts[1].ssh.port must be a number "
	    "from 1 to 65535", NULL, NULL },
	{ "hosts/1/ssh", "{\"port\": 65536}", "hosts[1].ssh.port", NULL,
	    NULL },
	{ "hosts/1/ssh", "{\"port\": -22}", "hosts[1].ssh.port", NULL, NULL },
	{ "hosts/1/ssh", "{\"port\": 4294967318}", "hosts[1].ssh.port", NULL,
	    NULL },
	{ "hosts/1/ssh", "{\"port\": \"22\"}", "hosts[1].ssh.port", NULL,
	    NULL },
	{ "hosts/1/ssh", "{\"address\": 5}", "hosts[1].ssh.address must be a "
	    "string", NULL, NULL },
	{ "hosts/1/ssh", "{\"user\": {}}", "hosts[1].ssh.user must be a "
	    "string", NULL, NULL },
	{ "hosts/0/ssh/port", "70000", "hosts[0].ssh.port", NULL, NULL },
};

static void
test_bad_fields(void)
{
	struct mcert_workspace *ws;
	struct mcert_error err;
	size_t i;
	int r;

	for (i = 0; i < sizeof(bads) / sizeof(*bads); i++) {
		const struct bad *b = &bads[i];
		json_t *root = base();

		patch(root, b->path, b->value);
		memset(&err, 0, sizeof(err));
		ws = NULL;
		r = mcert_ws_from_json(root, "ws.json", &ws, &err);
		if (b->todo != NULL)
			tap_todo(b->todo);
		if (!ok(r == MCERT_E_PARSE && ws == NULL && strncmp(err.msg,
		    "ws.json: ", 9) == 0 && strstr(err.msg, b->needle) !=
		    NULL && (b->needle2 == NULL || strstr(err.msg, b->needle2)
		    != NULL), "%s = %s: refused, naming it", b->path,
		    b->value != NULL ? b->value : "(deleted)"))
			diag("got %d: %s", r, r == MCERT_OK ? "(accepted)" :
			    err.msg);
		tap_todo(NULL);
		mcert_ws_free(ws);
	}

	/* The root itself. */
	ws = NULL;
	r = mcert_ws_from_json(json_array(), "arr.json", &ws, &err);
	ok(r == MCERT_E_PARSE && ws == NULL, "a JSON array is refused");
	like(err.msg, "arr.json: not a meetcert workspace", "  saying so");
	r = mcert_ws_from_json(json_string("x"), "str.json", &ws, &err);
	ok(r == MCERT_E_PARSE && ws == NULL, "a JSON string is refused");
}

/* ---- files */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) !=
	    NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int
same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	int same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

/* The names in dir holding ".tmp": what a failed or finished save must
 * not leave. */
static int
temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		tap_bail("opendir %s", dir);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp") != NULL) {
			diag("left behind: %s", e->d_name);
			n++;
		}
	closedir(d);
	return n;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static struct mcert_workspace *
load_or_bail(const char *path)
{
	struct mcert_workspace *ws;
	struct mcert_error err;

	if (mcert_ws_load(path, &ws, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	return ws;
}

static void
test_load_files(void)
{
	struct mcert_workspace *ws;
	struct mcert_error err;
	char *src = fx_srcpath("data/examples/lab-pod7.json"), *text, *p;
	size_t len, cut;
	int r;

	text = slurp(src, &len);
	if (text == NULL)
		tap_bail("cannot read %s", src);
	/* Cut at several points: never a workspace. */
	for (cut = 0; cut < len; cut += len / 7 + 1) {
		p = fx_write("cut.json", text, cut);
		ws = NULL;
		r = mcert_ws_load(p, &ws, &err);
		if (!ok(r == MCERT_E_PARSE && ws == NULL && strstr(err.msg, p)
		    != NULL && strstr(err.msg, "left as it is") != NULL,
		    "the lab workspace cut to %zu of %zu bytes is refused, "
		    "naming the file", cut, len))
			diag("%s", r == MCERT_OK ? "(accepted)" : err.msg);
		mcert_ws_free(ws);
		free(p);
	}
	/* Without its final newline it is whole. */
	p = fx_write("nonl.json", text, len - 1);
	r = mcert_ws_load(p, &ws, &err);
	ok(r == MCERT_OK, "the lab workspace without its last newline loads");
	mcert_ws_free(ws);
	free(p);

	{
		static const char dup[] = "{\"format\": \"meetcert-workspace\", "
		    "\"version\": 1, \"version\": 2, \"type\": \"combined\", "
		    "\"hosts\": [{\"label\": \"a\", \"fqdn\": "
		    "\"a.example.com\"}]}";

		p = fx_write("dup.json", dup, sizeof(dup) - 1);
	}
	r = mcert_ws_load(p, &ws, &err);
	ok(r == MCERT_E_PARSE && ws == NULL, "a key given twice is refused");
	like(err.msg, "duplicate", "  saying so");
	free(p);

	p = fx_path("absent.json");
	r = mcert_ws_load(p, &ws, &err);
	ok(r != MCERT_OK && ws == NULL && strstr(err.msg, "absent.json") !=
	    NULL, "a missing file is refused, naming it");
	free(p);
	free(text);
	free(src);
}

static void
test_save(void)
{
	struct mcert_workspace *ws, *ws2;
	struct mcert_error err;
	char *a = fx_path("a.json"), *b = fx_path("b.json");
	char *keep, *p, *q;
	const char *dir = fx_tmpdir();
	size_t i, len;
	int r;

	/* Round trip of each example: save, load, save, the same bytes; and
	 * the examples are already in that form. */
	for (i = 0; i < sizeof(examples) / sizeof(*examples); i++) {
		char *rel, *src;

		if (asprintf(&rel, "data/examples/%s.json", examples[i]) == -1)
			tap_bail("asprintf");
		src = fx_srcpath(rel);
		unlink(a);
		unlink(b);
		ws = load_or_bail(src);
		r = mcert_ws_save(ws, a, &err);
		if (!ok(r == MCERT_OK, "%s: saved", examples[i]))
			diag("%s", err.msg);
		ws2 = load_or_bail(a);
		r = mcert_ws_save(ws2, b, &err);
		ok(r == MCERT_OK && same_bytes(a, b), "%s: save, load, save: "
		    "the same bytes", examples[i]);
		ok(same_bytes(src, a), "%s: the shipped file is what save "
		    "writes", examples[i]);
		is_int(mode_of(a), 0600, "%s: saved with mode 0600",
		    examples[i]);
		/* Saving again over its own (readable) file. */
		r = mcert_ws_save(ws2, a, &err);
		ok(r == MCERT_OK && same_bytes(a, b), "%s: saved over itself",
		    examples[i]);
		mcert_ws_free(ws);
		mcert_ws_free(ws2);
		free(rel);
		free(src);
	}
	is_int(temp_files(dir), 0, "no temporary file left after the saves");

	/* A readable workspace with another mode is replaced, 0600. */
	ws = load_or_bail(a);
	chmod(a, 0644);
	r = mcert_ws_save(ws, a, &err);
	ok(r == MCERT_OK && mode_of(a) == 0600, "a 0644 workspace is saved "
	    "back 0600");

	/* An edit is saved; unknown members survive (the root is the file). */
	json_object_set_new(ws->root, "generation", json_integer(2));
	json_object_set_new(json_object_get(ws->root, "names"), "domain",
	    json_string("example.org"));
	if (mcert_ws_refresh(ws, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	r = mcert_ws_save(ws, a, &err);
	ws2 = load_or_bail(a);
	ok(r == MCERT_OK && ws2->generation == 2 && json_equal(ws->root,
	    ws2->root), "an edited workspace is saved and read back equal");
	mcert_ws_free(ws2);

	/* Never over a file it cannot read. */
	{
		static const struct {
			const char *what, *text;
			const char *needle;
		} keepers[] = {
			{ "a truncated workspace", "{\"format\": \"meetcert-"
			    "workspace\", \"version\": 1, \"hosts\": [",
			    "left as it is" },
			{ "a newer version's workspace", "{\"format\": "
			    "\"meetcert-workspace\", \"version\": 2, \"type\": "
			    "\"combined\", \"hosts\": [{\"label\": \"a\", "
			    "\"fqdn\": \"a.example.com\"}], \"future\": 1}\n",
			    "newer" },
			{ "an empty file", "", "left as it is" },
			{ "a certificate", "-----BEGIN CERTIFICATE-----\nMIIB"
			    "\n-----END CERTIFICATE-----\n", "left as it is" },
			{ "another JSON document", "{\"services\": []}\n",
			    "left as it is" },
			{ "a workspace with a bad field", "{\"format\": "
			    "\"meetcert-workspace\", \"version\": 1, \"type\": "
			    "\"combined\", \"hosts\": [{\"label\": \"a\", "
			    "\"fqdn\": \"a_b\"}]}\n", "left as it is" },
		};

		for (i = 0; i < sizeof(keepers) / sizeof(*keepers); i++) {
			p = fx_write("keep.json", keepers[i].text,
			    strlen(keepers[i].text));
			keep = fx_write("keep.orig", keepers[i].text,
			    strlen(keepers[i].text));
			memset(&err, 0, sizeof(err));
			r = mcert_ws_save(ws, p, &err);
			ok(r != MCERT_OK, "save over %s is refused",
			    keepers[i].what);
			if (!ok(strstr(err.msg, p) != NULL && strstr(err.msg,
			    keepers[i].needle) != NULL, "  the message names "
			    "the file and says '%s'", keepers[i].needle))
				diag("%s", err.msg);
			ok(same_bytes(p, keep), "  the file is left "
			    "byte-identical");
			unlink(p);
			unlink(keep);
			free(p);
			free(keep);
		}
	}
	/* A directory, and a dangling symbolic link, in the way. */
	p = fx_path("dir.json");
	if (mkdir(p, 0700) != 0)
		tap_bail("mkdir");
	r = mcert_ws_save(ws, p, &err);
	ok(r != MCERT_OK && strstr(err.msg, p) != NULL, "save over a "
	    "directory is refused, naming it");
	rmdir(p);
	free(p);
	p = fx_path("link.json");
	q = fx_path("nowhere.json");
	if (symlink(q, p) != 0)
		tap_bail("symlink");
	r = mcert_ws_save(ws, p, &err);
	ok(r != MCERT_OK && access(q, F_OK) != 0, "save through a dangling "
	    "symbolic link is refused and creates nothing");
	unlink(p);
	free(p);
	free(q);

	/* Into a directory that does not exist. */
	p = fx_path("no/such/dir/ws.json");
	r = mcert_ws_save(ws, p, &err);
	ok(r == MCERT_E_IO && strstr(err.msg, p) != NULL, "save into a "
	    "missing directory fails, naming the file");
	free(p);

	/* A write that fails half-way (RLIMIT_FSIZE): the error, the old
	 * file intact, the temporary file gone. */
	{
		struct rlimit old, small;
		void (*prev)(int);
		char *text = slurp(a, &len);

		keep = fx_write("before.json", text, len);
		free(text);
		if (getrlimit(RLIMIT_FSIZE, &old) != 0)
			tap_bail("getrlimit");
		small = old;
		small.rlim_cur = 64;
		prev = signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &small) != 0)
			tap_bail("setrlimit");
		r = mcert_ws_save(ws, a, &err);
		if (setrlimit(RLIMIT_FSIZE, &old) != 0)
			tap_bail("setrlimit back");
		signal(SIGXFSZ, prev);
		if (!ok(r == MCERT_E_IO && strstr(err.msg, "cannot write") !=
		    NULL, "a write cut short by the file size limit fails"))
			diag("%s", err.msg);
		ok(same_bytes(a, keep), "  the workspace before it is intact");
		unlink(keep);
		free(keep);
	}
	is_int(temp_files(dir), 0, "no temporary file left after the failed "
	    "saves");
	mcert_ws_free(ws);
	free(a);
	free(b);
}

/* What the operator chose per certificate and how far the work got: kept
 * across save and load, checked on load. */
static void
test_records(void)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_error err = { 0, "" };
	char *path;
	json_t *root = base();

	patch(root, "certificates", "{\"cms1\": {\"ca\": \"internal\"}}");
	if (mcert_ws_from_json(root, "records", &ws, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	is_str(mcert_ws_cert_ca(ws, "cms1"), "internal", "the chosen CA is read");
	ok(mcert_ws_cert_ca(ws, "nope") == NULL, "no CA chosen: NULL");
	is_str(mcert_ws_cert_state(ws, "cms1"), "planned",
	    "no state recorded: planned");
	is_str(mcert_ws_step_state(ws, "cms1/3"), "planned",
	    "no step state recorded: planned");
	is_int(mcert_ws_set_cert_state(ws, "cms1", "signed", &err), MCERT_OK,
	    "a certificate's state is set");
	is_int(mcert_ws_set_step_state(ws, "cms1/3", "done", &err), MCERT_OK,
	    "a step's state is set");
	is_int(mcert_ws_set_step_state(ws, "cms1/4", "finished", &err),
	    MCERT_E_INVALID, "a state that is not one is refused");
	if (asprintf(&path, "%s/records.json", fx_tmpdir()) == -1)
		tap_bail("asprintf");
	is_int(mcert_ws_save(ws, path, &err), MCERT_OK, "saved with states");
	mcert_ws_free(ws);
	ws = load_or_bail(path);
	is_str(mcert_ws_cert_state(ws, "cms1"), "signed",
	    "the certificate's state survives save and load");
	is_str(mcert_ws_cert_ca(ws, "cms1"), "internal",
	    "the chosen CA survives save and load");
	is_str(mcert_ws_step_state(ws, "cms1/3"), "done",
	    "the step's state survives save and load");
	mcert_ws_free(ws);
	free(path);

	root = base();
	patch(root, "certificates", "{\"cms1\": {\"state\": \"lost\"}}");
	ok(mcert_ws_from_json(root, "bad", &ws, &err) != MCERT_OK &&
	    strstr(err.msg, "certificates.cms1.state") != NULL,
	    "an unknown certificate state is refused, naming it");
	root = base();
	patch(root, "certificates", "{\"cms1\": {\"ca\": \"cheap\"}}");
	ok(mcert_ws_from_json(root, "bad", &ws, &err) != MCERT_OK &&
	    strstr(err.msg, "certificates.cms1.ca") != NULL,
	    "an unknown CA choice is refused, naming it");
	root = base();
	patch(root, "steps", "{\"cms1/1\": \"maybe\"}");
	ok(mcert_ws_from_json(root, "bad", &ws, &err) != MCERT_OK &&
	    strstr(err.msg, "steps.cms1/1") != NULL,
	    "an unknown step state is refused, naming it");
}

/* A renewal: the next generation, what was bound carried into "previous",
 * the steps of a host forgotten after a rollback. */
static void
test_renewal(void)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_error err = { 0, "" };
	json_t *root = base(), *files, *b;
	char *path;

	if (mcert_ws_from_json(root, "renew", &ws, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	json_object_set_new(ws->root, "generation", json_integer(1));
	if (mcert_ws_refresh(ws, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	is_int(ws->generation, 1, "generation 1");
	files = json_pack("{s:s, s:s}", "client_cert", "dbc.crt", "ca",
	    "dbca.crt");
	is_int(mcert_ws_set_bound(ws, "cms1", "database-connect", files, &err),
	    MCERT_OK, "the database's files are recorded as bound");
	json_object_set_new(files, "ca", json_string("changed.crt"));
	is_str(json_string_value(json_object_get(mcert_ws_bound(ws, "cms1",
	    "database-connect"), "ca")), "dbca.crt",
	    "  as a copy of what was given");
	ok(mcert_ws_bound(ws, "cms2", "database-connect") == NULL,
	    "  another host has none");
	json_decref(files);
	b = json_pack("{s:s, s:b}", "key", "old.key", "enabled", 1);
	is_int(mcert_ws_record_binding(ws, "cms1", "webadmin", b, &err),
	    MCERT_OK, "generation 1's binding before is recorded");
	json_decref(b);
	is_int(mcert_ws_set_step_state(ws, "cms1/g1/1 webadmin disable", "done",
	    &err), MCERT_OK, "a step of cms1 is done");
	is_int(mcert_ws_set_step_state(ws, "cms10/g1/1 webadmin disable",
	    "done", &err), MCERT_OK, "and one of cms10");
	is_int(mcert_ws_add_guess(ws, "hosts[0].db", "read from the cluster",
	    &err), MCERT_OK, "a guess is recorded");
	is_int(mcert_ws_renew(ws, &err), MCERT_OK, "renew");
	is_int(ws->generation, 2, "  the next generation");
	ok(mcert_ws_binding(ws, "cms1", "webadmin") == NULL,
	    "  the old generation's record is not this one's");
	is_str(json_string_value(json_object_get(mcert_ws_binding(ws, "cms1",
	    "database-connect"), "client_cert")), "dbc.crt",
	    "  what the database has bound is what to put back");
	mcert_ws_forget_steps(ws, "cms1", 1);
	is_str(mcert_ws_step_state(ws, "cms1/g1/1 webadmin disable"), "planned",
	    "forget_steps forgets the host's steps of that generation");
	is_str(mcert_ws_step_state(ws, "cms10/g1/1 webadmin disable"), "done",
	    "  and not another host's whose label starts the same");
	if (asprintf(&path, "%s/renew.json", fx_tmpdir()) == -1)
		tap_bail("asprintf");
	is_int(mcert_ws_save(ws, path, &err), MCERT_OK, "saved");
	mcert_ws_free(ws);
	ws = load_or_bail(path);
	is_int(ws->generation, 2, "the generation survives save and load");
	ok(mcert_ws_binding(ws, "cms1", "database-connect") != NULL,
	    "  so does the record");
	is_str(json_string_value(json_object_get(json_object_get(ws->root,
	    "guesses"), "hosts[0].db")), "read from the cluster",
	    "  and the guess");
	json_object_set_new(ws->root, "generation", json_integer(9999));
	ws->generation = 9999;
	ok(mcert_ws_renew(ws, &err) == MCERT_E_INVALID &&
	    strstr(err.msg, "generation") != NULL,
	    "past the last generation: refused, naming the field");
	mcert_ws_free(ws);
	free(path);
}

/* Where a host's web ports are probed: its web_address, else as SSH. */
static void
test_probe_address(void)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_error err = { 0, "" };
	json_t *root = base();

	patch(root, "hosts/0/web_address", "\"198.51.100.1\"");
	if (mcert_ws_from_json(root, "web", &ws, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	is_str(mcert_ws_probe_address(&ws->hosts[0]), "198.51.100.1",
	    "web_address: the web ports are probed there");
	is_str(mcert_ws_host_address(&ws->hosts[0]), "192.0.2.1",
	    "  SSH still goes to the SSH address");
	is_str(mcert_ws_probe_address(&ws->hosts[1]), "cms2.example.com",
	    "no web_address, no SSH address: the FQDN");
	mcert_ws_free(ws);
	root = base();
	patch(root, "hosts/1/web_address", "443");
	ok(mcert_ws_from_json(root, "bad", &ws, &err) != MCERT_OK &&
	    strstr(err.msg, "hosts[1].web_address") != NULL,
	    "a web_address that is not a string is refused, naming it");
}

int
main(void)
{
	test_valid();
	test_bad_fields();
	test_load_files();
	test_save();
	test_records();
	test_renewal();
	test_probe_address();
	fx_cleanup();
	return tap_done();
}
