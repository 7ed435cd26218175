/* discover (issue 7): a workspace from what Meeting Servers have bound.
 * Combined, split and resilient deployments read as the stand-in MMP
 * prints them; the database cluster's files found by content; the
 * generation that makes every planned name new; a server with nothing
 * bound, junk text and a certificate that does not parse. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "discover.h"
#include "fixture.h"
#include "plan.h"
#include "tap.h"
#include "workspace.h"

static struct mcert_services *svc;
static X509 *caroot;
static EVP_PKEY *rootkey;

static X509 *
leaf(const char *cn, const char *san, int slot, long nb_days)
{
	char subject[256], ext[512];
	struct fx_cert_spec s = { 0 };

	snprintf(subject, sizeof(subject), "/O=Example/CN=%s", cn);
	snprintf(ext, sizeof(ext), "subjectAltName=%s", san);
	s.subject = subject;
	s.key = fx_key(FX_EC_P256, slot);
	s.issuer = caroot;
	s.issuer_key = rootkey;
	s.nb_days = nb_days;
	s.na_days = nb_days != 0 ? 300 : 0;
	s.ext[0] = san != NULL ? ext : "basicConstraints=CA:FALSE";
	s.ext[1] = san != NULL ? "basicConstraints=CA:FALSE" : NULL;
	return fx_cert(&s);
}

static void
add_pem(json_t *h, const char *name, X509 *a, X509 *b)
{
	struct fx_buf buf = { 0 };
	struct mcert_error err = { 0 };

	fx_cert_pem(a, &buf);
	if (b != NULL)
		fx_cert_pem(b, &buf);
	if (mcert_discover_add_file(h, name, buf.p, buf.len, &err) != MCERT_OK)
		tap_bail("add_file: %s", err.msg);
	fx_buf_free(&buf);
}

static void
add_key(json_t *h, const char *name, int slot)
{
	struct fx_buf buf = { 0 };
	struct mcert_error err = { 0 };

	fx_key_encode(fx_key(FX_EC_P256, slot), FX_KEY_PKCS8, 1, NULL, &buf);
	if (mcert_discover_add_key(h, name, buf.p, buf.len, &err) != MCERT_OK)
		tap_bail("add_key: %s", err.msg);
	fx_buf_free(&buf);
}

static json_t *
host(json_t *obs, const char *addr, const char *hostname)
{
	json_t *h = json_pack("{s:s, s:i, s:s, s:s?, s:{}}", "address", addr,
	    "port", 22, "user", "admin", "hostname", hostname, "screens");

	json_array_append_new(json_object_get(obs, "hosts"), h);
	return h;
}

static void
screen(json_t *h, const char *cmd, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_set_new(json_object_get(h, "screens"), cmd,
	    json_string(buf));
}

/* pki list: the heading, then the names (NULL-terminated). */
static void
pki(json_t *h, ...)
{
	char buf[4096] = "User supplied certificates and keys:\n";
	const char *n;
	va_list ap;

	va_start(ap, h);
	while ((n = va_arg(ap, const char *)) != NULL)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s\n", n);
	va_end(ap);
	json_object_set_new(h, "pki_list", json_string(buf));
}

/* The stand-in's screens for a per-server host: one certificate for all. */
static void
per_server(json_t *h, const char *base, X509 *cert)
{
	char k[64], c[64], b[64], f[64];

	snprintf(k, sizeof(k), "%s.key", base);
	snprintf(c, sizeof(c), "%s.crt", base);
	snprintf(b, sizeof(b), "%s-bundle.pem", base);
	snprintf(f, sizeof(f), "%s-fullchain.pem", base);
	screen(h, "webadmin", "Enabled  : true\nKey file : %s\n"
	    "Certificate file : %s\nCA Bundle file : %s\n", k, c, b);
	screen(h, "callbridge", "Key file : %s\nCertificate file : %s\n"
	    "CA Bundle file : %s\nC2W trusted certificate bundle : "
	    "callbridge-trust-c2w.pem\nCluster trusted certificate bundle : "
	    "none\n", k, c, b);
	screen(h, "webbridge3", "Enabled : true\nHTTPS Key file : %s\n"
	    "HTTPS Full chain certificate file : %s\nC2W Key file : %s\n"
	    "C2W Full chain certificate file : %s\n"
	    "C2W trusted certificate bundle : webbridge3-c2w-trust.pem\n",
	    k, f, k, f);
	screen(h, "turn", "Enabled : false\nKey file : none\n"
	    "Certificate file : none\nCA Bundle file : none\n");
	screen(h, "tls sip", "Trust bundle : none\nVerification : disabled\n");
	add_pem(h, c, cert, NULL);
	add_pem(h, b, caroot, NULL);
	add_pem(h, f, cert, caroot);
	add_pem(h, "callbridge-trust-c2w.pem", cert, NULL);
}

static const json_t *
at(const json_t *root, const char *path)
{
	char copy[256], *part, *save = NULL;
	const json_t *v = root;

	snprintf(copy, sizeof(copy), "%s", path);
	for (part = strtok_r(copy, "/", &save); part != NULL && v != NULL;
	    part = strtok_r(NULL, "/", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(part, NULL,
		    10)) : json_object_get(v, part);
	return v;
}

/* The string (or number, as text) at path "a/0/b" of root, or NULL. */
static const char *
str(const json_t *root, const char *path)
{
	static char num[32];
	const json_t *v = at(root, path);

	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		return num;
	}
	return json_string_value(v);
}

static int
has_role(const json_t *root, size_t i, const char *role)
{
	const json_t *roles = json_object_get(json_array_get(json_object_get(
	    root, "hosts"), i), "roles"), *v;
	size_t k;

	json_array_foreach(roles, k, v)
		if (strcmp(json_string_value(v), role) == 0)
			return 1;
	return 0;
}

/* Discovers obs; checks that the workspace loads and plans without an
 * error.  Returns the root (caller frees) or NULL with err. */
static json_t *
discover(json_t *obs, struct mcert_error *err, const char *what)
{
	struct mcert_workspace *ws = NULL;
	struct mcert_plan *plan = NULL;
	struct mcert_error e = { 0 };
	json_t *root = NULL;
	size_t i, errors = 0;

	memset(err, 0, sizeof(*err));
	if (mcert_discover_build(obs, svc, fx_now(), &root, err) != MCERT_OK)
		return NULL;
	ok(mcert_ws_from_json(json_deep_copy(root), "ws", &ws, &e) ==
	    MCERT_OK, "%s: the workspace loads", what);
	if (ws == NULL) {
		diag("%s", e.msg);
		return root;
	}
	ok(mcert_plan_build(ws, svc, &plan, &e) == MCERT_OK, "%s: it plans",
	    what);
	for (i = 0; plan != NULL && i < plan->findings.n; i++)
		if (plan->findings.v[i].level == MCERT_LEVEL_ERROR) {
			diag("%s", plan->findings.v[i].text);
			errors++;
		}
	is_int(errors, 0, "%s: the plan has no error", what);
	mcert_plan_free(plan);
	mcert_ws_free(ws);
	return root;
}

static void
test_combined(void)
{
	json_t *obs = json_pack("{s:[]}", "hosts"), *h, *root;
	struct mcert_error err;
	X509 *c = leaf("cms.example.com", "DNS:cms.example.com,"
	    "DNS:join.example.com,DNS:example.com", 1, 0);

	h = host(obs, "192.0.2.10", "cms\n");
	per_server(h, "cms", c);
	/* a name generation 2 would take, left over from a try */
	pki(h, "cms.key", "cms.crt", "cms-bundle.pem", "cms-fullchain.pem",
	    "cms-g2.key", NULL);
	json_object_set_new(h, "database", json_string("Status : Disabled\n"
	    "Nodes:\n"));
	root = discover(obs, &err, "combined");
	ok(root != NULL, "combined: discovered (%s)", err.msg);
	is_str(str(root, "type"), "combined", "  type combined");
	is_str(str(root, "guesses/type"), "no server is in a database "
	    "cluster; 1 server(s) taken as a combined deployment",
	    "  and that is a guess");
	is_str(str(root, "layout"), "per-server", "  layout per-server");
	is_str(str(root, "key"), "ec256", "  key type of the live certificate");
	is_str(str(root, "hosts/0/label"), "cms", "  label from hostname");
	is_str(str(root, "hosts/0/fqdn"), "cms.example.com",
	    "  FQDN from its certificate");
	is_str(str(root, "hosts/0/ssh/address"), "192.0.2.10", "  address");
	is_str(str(root, "hosts/0/ssh/user"), "admin", "  user");
	ok(has_role(root, 0, "callbridge") && has_role(root, 0, "webadmin") &&
	    has_role(root, 0, "webbridge3") && !has_role(root, 0, "turn"),
	    "  roles from what is bound");
	is_str(str(root, "names/join_url"), "join.example.com", "  join URL");
	is_str(str(root, "names/login_domain"), "example.com",
	    "  login domain");
	is_str(str(root, "names/c2w_address"), "cms.example.com",
	    "  c2w address");
	ok(str(root, "guesses/names.join_url") != NULL, "  guessed, and said");
	is_str(str(root, "generation"), "3",
	    "  generation 3: cms-g2.key is on the server already");
	is_str(str(root, "flow"), "renew", "  flow renew");
	is_str(str(root, "certificates/cms-g3/ca"), "internal",
	    "  CA: internal (its root is on the server)");
	is_str(str(root, "previous/generation"), "3", "  previous for it");
	is_str(str(root, "previous/hosts/cms/webadmin/key"), "cms.key",
	    "  previous: what webadmin has bound");
	ok(json_is_null(at(root, "previous/hosts/cms/turn/key")),
	    "  previous: turn had nothing");
	is_str(str(root, "discovered/hosts/0/services/webbridge3-https/"
	    "certificate/subject"), "CN=cms.example.com,O=Example",
	    "  the inventory: subject");
	is_str(str(root, "discovered/hosts/0/services/webadmin/certificate/"
	    "days_left"), "365", "  and days left");
	ok(json_is_true(at(root, "discovered/hosts/0/services/webadmin/"
	    "certificate/verified")), "  and verified with its bundle");
	json_decref(root);
	json_decref(obs);
	X509_free(c);
}

static void
test_split(void)
{
	json_t *obs = json_pack("{s:[]}", "hosts"), *core, *edge, *root;
	struct mcert_error err;
	X509 *wa = leaf("core.example.com", "DNS:core.example.com", 2, 0);
	X509 *cb = leaf("core.example.com", "DNS:core.example.com", 3, 0);
	X509 *https = leaf("edge.example.com", "DNS:edge.example.com,"
	    "DNS:join.example.com", 4, 0);
	X509 *c2w = leaf("c2w.example.com", "DNS:c2w.example.com", 5, 0);
	X509 *turn = leaf("edge.example.com", "DNS:edge.example.com", 6, 0);

	core = host(obs, "192.0.2.1", "core");
	edge = host(obs, "192.0.2.2", NULL);
	screen(core, "webadmin", "Enabled : true\nKey file : wa-g3.key\n"
	    "Certificate file : wa-g3.crt\nCA Bundle file : root.pem\n");
	screen(core, "callbridge", "Key file : cb.key\nCertificate file : "
	    "cb.crt\nCA Bundle file : root.pem\n");
	add_pem(core, "wa-g3.crt", wa, NULL);
	add_pem(core, "cb.crt", cb, NULL);
	add_pem(core, "root.pem", caroot, NULL);
	screen(edge, "webbridge3", "Enabled : true\nHTTPS Key file : h.key\n"
	    "HTTPS Full chain certificate file : h.pem\nC2W Key file : c.key\n"
	    "C2W Full chain certificate file : c.pem\n");
	screen(edge, "turn", "Enabled : true\nKey file : t.key\n"
	    "Certificate file : t.crt\nCA Bundle file : root.pem\n");
	add_pem(edge, "h.pem", https, caroot);
	add_pem(edge, "c.pem", c2w, caroot);
	add_pem(edge, "t.crt", turn, NULL);
	add_pem(edge, "root.pem", caroot, NULL);
	root = discover(obs, &err, "split");
	ok(root != NULL, "split: discovered (%s)", err.msg);
	is_str(str(root, "type"), "split", "  type split");
	is_str(str(root, "layout"), "per-service", "  layout per-service");
	is_str(str(root, "hosts/0/label"), "core", "  core labelled");
	is_str(str(root, "hosts/1/label"), "edge",
	    "  edge labelled from its FQDN (no hostname)");
	ok(str(root, "guesses/hosts[1].label") != NULL, "  which is a guess");
	is_str(str(root, "hosts/1/fqdn"), "edge.example.com",
	    "  edge's FQDN: the name only its certificates carry");
	ok(has_role(root, 0, "webadmin") && has_role(root, 0, "callbridge") &&
	    !has_role(root, 0, "webbridge3"), "  core's roles");
	ok(has_role(root, 1, "webbridge3") && has_role(root, 1, "turn") &&
	    !has_role(root, 1, "callbridge"), "  edge's roles");
	is_str(str(root, "options/0"), "turn_tls", "  TURN TLS is on");
	is_str(str(root, "names/c2w_address"), "c2w.example.com",
	    "  c2w address: the c2w certificate's CN");
	is_str(str(root, "names/join_url"), "join.example.com", "  join URL");
	is_str(str(root, "generation"), "4", "  generation after wa-g3");
	is_str(str(root, "certificates/edge-webbridge3-https-g4/ca"),
	    "internal", "  a CA per certificate");
	json_decref(root);
	json_decref(obs);
	X509_free(wa);
	X509_free(cb);
	X509_free(https);
	X509_free(c2w);
	X509_free(turn);
}

/* Three nodes of a database cluster; cms3 lacks the server key. */
static json_t *
resilient(X509 **certs)
{
	json_t *obs = json_pack("{s:[]}", "hosts"), *h;
	X509 *dbca, *srv, *cli, *old;
	struct fx_cert_spec s = { 0 };
	char name[32], addr[32], db[512];
	int n;

	s.subject = "/CN=Database cluster CA";
	s.key = fx_key(FX_EC_P256, 20);
	s.ext[0] = "basicConstraints=critical,CA:TRUE";
	s.ext[1] = "keyUsage=keyCertSign,cRLSign";
	certs[0] = dbca = fx_cert(&s);
	memset(&s, 0, sizeof(s));
	s.subject = "/CN=cms1.example.com";
	s.key = fx_key(FX_EC_P256, 21);
	s.issuer = dbca;
	s.issuer_key = fx_key(FX_EC_P256, 20);
	s.ext[0] = "subjectAltName=DNS:cms2.example.com,DNS:cms3.example.com";
	certs[1] = srv = fx_cert(&s);
	s.subject = "/CN=postgres";
	s.key = fx_key(FX_EC_P256, 22);
	s.ext[0] = NULL;
	certs[2] = cli = fx_cert(&s);
	s.key = fx_key(FX_EC_P256, 23);
	s.nb_days = -40;
	s.na_days = 300;
	certs[3] = old = fx_cert(&s);
	for (n = 1; n <= 3; n++) {
		char san[256];

		snprintf(name, sizeof(name), "cms%d", n);
		snprintf(addr, sizeof(addr), "192.0.2.%d", n);
		snprintf(san, sizeof(san), "DNS:cms%d.example.com,"
		    "DNS:join.example.com,DNS:cms1.example.com,"
		    "DNS:cms.example.com", n);
		certs[3 + n] = leaf("cms.example.com", san, 10 + n, 0);
		h = host(obs, addr, name);
		per_server(h, name, certs[3 + n]);
		snprintf(db, sizeof(db), "Status : Enabled\nNodes:\n"
		    "    192.0.2.1%s : Connected Primary\n"
		    "    192.0.2.2%s : Connected Replica\n"
		    "    192.0.2.3%s : Connected Replica\n",
		    n == 1 ? " (me)" : "", n == 2 ? " (me)" : "",
		    n == 3 ? " (me)" : "");
		json_object_set_new(h, "database", json_string(db));
		pki(h, "dbca.crt", "dbclusterserver.crt", "dbclusterserver.key",
		    "dbclusterclient.crt", "dbclusterclient.key",
		    "old-postgres.crt", "old-postgres.key", "other.key",
		    n == 1 ? "cms1.key" : "cms.key", NULL);
		add_pem(h, "dbca.crt", dbca, NULL);
		add_pem(h, "dbclusterserver.crt", srv, NULL);
		add_pem(h, "dbclusterclient.crt", cli, NULL);
		add_pem(h, "old-postgres.crt", old, NULL);
		add_key(h, "dbclusterclient.key", 22);
		add_key(h, "old-postgres.key", 23);
		if (n != 3)
			add_key(h, "dbclusterserver.key", 21);
	}
	return obs;
}

static void
test_resilient(void)
{
	X509 *certs[8] = { 0 };
	json_t *obs = resilient(certs), *root, *empty;
	struct mcert_error err;
	size_t i;

	root = discover(obs, &err, "resilient");
	ok(root != NULL, "resilient: discovered (%s)", err.msg);
	is_str(str(root, "type"), "resilient", "  type resilient");
	ok(str(root, "guesses/type") == NULL,
	    "  not a guess: the servers are in a database cluster");
	is_str(str(root, "hosts/0/database"), "primary", "  cms1 primary");
	is_str(str(root, "hosts/1/database"), "peer", "  cms2 peer");
	is_str(str(root, "hosts/2/database"), "peer", "  cms3 peer");
	ok(has_role(root, 1, "database"), "  with the database role");
	is_str(str(root, "hosts/2/fqdn"), "cms3.example.com",
	    "  cms3's FQDN: the SAN that begins with its hostname");
	is_str(str(root, "names/cluster_fqdn"), "cms.example.com",
	    "  cluster FQDN: the CN they share");
	is_str(str(root, "names/c2w_address"), "cms1.example.com",
	    "  c2w address: on every web bridge's certificate");
	is_str(str(root, "names/join_url"), "join.example.com", "  join URL");
	is_str(str(root, "layout"), "per-server", "  per-server");
	is_str(str(root, "bound/cms1/database-node/client_cert"),
	    "dbclusterclient.crt", "  database client: the newest postgres");
	is_str(str(root, "bound/cms1/database-node/client_key"),
	    "dbclusterclient.key", "  its key by public key");
	is_str(str(root, "bound/cms2/database-node/server_cert"),
	    "dbclusterserver.crt", "  the server certificate");
	is_str(str(root, "bound/cms2/database-node/ca"), "dbca.crt",
	    "  the CA");
	is_str(str(root, "previous/hosts/cms1/database-node/server_key"),
	    "dbclusterserver.key", "  and previous, for rollback");
	ok(str(root, "guesses/bound.cms1.database-node") != NULL,
	    "  a guess");
	ok(str(root, "bound/cms3") == NULL, "  cms3: no server key, no record");
	ok(str(root, "guesses/bound.cms3.database-node") != NULL &&
	    strstr(str(root, "guesses/bound.cms3.database-node"),
	    "the server key") != NULL, "  and the guess says what is missing");
	is_str(str(root, "discovered/hosts/0/database/status"), "Enabled",
	    "  the inventory has the cluster");
	is_str(str(root, "generation"), "2", "  generation 2");
	json_decref(root);

	/* a fourth server with nothing bound */
	empty = host(obs, "192.0.2.4", "cms4");
	json_object_set_new(empty, "database", json_string("Status : "
	    "Disabled\nNodes:\n"));
	screen(empty, "webadmin", "Enabled : false\nKey file : none\n");
	root = discover(obs, &err, "with a server that has nothing bound");
	ok(root != NULL, "  discovered (%s)", err.msg);
	is_str(str(root, "hosts/3/label"), "cms4", "  it is listed");
	is_str(str(root, "hosts/3/fqdn"), "cms4.example.com",
	    "  its FQDN made up from its hostname and the others' domain");
	ok(str(root, "guesses/hosts[3].fqdn") != NULL, "  a guess");
	is_int(json_array_size(at(root, "hosts/3/roles")), 0,
	    "  with no role");
	json_decref(root);
	json_decref(obs);
	for (i = 0; i < 8; i++)
		X509_free(certs[i]);
}

static void
test_nothing_and_junk(void)
{
	json_t *obs = json_pack("{s:[]}", "hosts"), *h, *root = NULL;
	struct mcert_error err = { 0 };

	h = host(obs, "192.0.2.9", "\x01\x02 ::: junk\n");
	screen(h, "webadmin", "::::\n\x7f\xff garbage : : :\nKey file\n");
	screen(h, "callbridge", "Invalid command\n");
	json_object_set_new(h, "pki_list", json_string("*** ??? ***\n: :\n"));
	json_object_set_new(h, "database", json_string("Nodes: : :\n(me)\n"
	    "   (me) : \n"));
	json_object_set_new(json_object_get(h, "screens"), "turn",
	    json_integer(7));
	ok(mcert_discover_build(obs, svc, fx_now(), &root, &err) ==
	    MCERT_E_VERDICT && root == NULL, "junk and nothing bound: refused");
	like(err.msg, "nothing is bound on 192.0.2.9", "  naming the server");
	like(err.msg, "meetcert init", "  and what to do");
	json_decref(obs);
	obs = json_pack("{s:[]}", "hosts");
	ok(mcert_discover_build(obs, svc, fx_now(), &root, &err) ==
	    MCERT_E_INVALID, "no host: refused");
	json_decref(obs);
	obs = json_pack("{s:[{s:i}]}", "hosts", "address", 3);
	ok(mcert_discover_build(obs, svc, fx_now(), &root, &err) ==
	    MCERT_E_INVALID, "an address that is not text: refused");
	like(err.msg, "hosts[0]", "  naming it");
	json_decref(obs);
}

static void
test_unparsable(void)
{
	json_t *obs = json_pack("{s:[]}", "hosts"), *h, *root;
	struct mcert_error err;
	X509 *c = leaf("cms.example.com", "DNS:cms.example.com,"
	    "DNS:join.example.com", 7, 0);

	h = host(obs, "192.0.2.20", "cms");
	per_server(h, "cms", c);
	/* the bound certificate file is damaged */
	json_object_set_new(json_object_get(h, "files"), "cms.crt",
	    json_string("bm90IGEgY2VydGlmaWNhdGUK"));
	json_object_set_new(json_object_get(h, "files"), "cms-bundle.pem",
	    json_string("*not base64*"));
	root = discover(obs, &err, "a damaged certificate");
	ok(root != NULL, "  discovered all the same (%s)", err.msg);
	ok(str(root, "guesses/hosts[0].webadmin") != NULL &&
	    strstr(str(root, "guesses/hosts[0].webadmin"), "cms.crt") != NULL,
	    "  a guess names the file");
	is_str(str(root, "hosts/0/fqdn"), "cms.example.com",
	    "  the FQDN from the services that do read");
	ok(json_is_false(at(root, "discovered/hosts/0/services/webadmin/"
	    "certificate/verified")), "  the inventory: not verified");
	json_decref(root);
	json_decref(obs);
	X509_free(c);
}

static void
test_generation_names(void)
{
	is_int(mcert_discover_name_generation("cms1-g3-fullchain.pem"), 3,
	    "-g3- in the middle");
	is_int(mcert_discover_name_generation("a-g12.key"), 12, "-g12.");
	is_int(mcert_discover_name_generation("cb-trust-g2"), 2, "at the end");
	is_int(mcert_discover_name_generation("cms1.crt"), 0, "none");
	is_int(mcert_discover_name_generation("x-gx.key"), 0, "not digits");
	is_int(mcert_discover_name_generation("agent-g7b.crt"), 0,
	    "digits then letters");
	is_int(mcert_discover_name_generation("a-g2-g5.pem"), 5, "the highest");
}

static void
test_wanted(void)
{
	X509 *certs[8] = { 0 };
	json_t *obs = resilient(certs), *h = json_array_get(json_object_get(
	    obs, "hosts"), 0), *w, *keys;
	size_t i;

	w = mcert_discover_wanted(h, svc, 64, &keys);
	is_str(json_string_value(json_array_get(w, 0)), "cms1.crt",
	    "the bound files first");
	ok(json_array_size(keys) == 4, "the keys of pki list (%zu)",
	    json_array_size(keys));
	for (i = 0; i < json_array_size(w); i++)
		if (strcmp(json_string_value(json_array_get(w, i)), "cms1.key") ==
		    0)
			break;
	ok(i == json_array_size(w), "never a bound key");
	is_str(json_string_value(json_array_get(w, json_array_size(w) - 1)),
	    "other.key", "the database's first, other keys last");
	json_decref(w);
	json_decref(keys);
	w = mcert_discover_wanted(h, svc, 3, NULL);
	is_int(json_array_size(w), 3, "at most max");
	json_decref(w);
	json_object_set_new(h, "database", json_string("Status : Disabled\n"));
	w = mcert_discover_wanted(h, svc, 64, &keys);
	is_int(json_array_size(keys), 0, "not in a cluster: no keys fetched");
	json_decref(w);
	json_decref(keys);
	w = mcert_discover_commands(svc);
	ok(json_array_size(w) >= 5, "the status commands (%zu)",
	    json_array_size(w));
	json_decref(w);
	json_decref(obs);
	for (i = 0; i < 8; i++)
		X509_free(certs[i]);
}

int
main(void)
{
	struct mcert_error err = { 0 };
	struct fx_cert_spec s = { 0 };
	char *path = fx_srcpath("data/services.json");

	if (mcert_services_load(path, &svc, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	free(path);
	rootkey = fx_key(FX_EC_P256, 0);
	s.subject = "/O=Example/CN=Example Root CA";
	s.key = rootkey;
	s.ext[0] = "basicConstraints=critical,CA:TRUE";
	s.ext[1] = "keyUsage=keyCertSign,cRLSign";
	caroot = fx_cert(&s);
	test_combined();
	test_split();
	test_resilient();
	test_nothing_and_junk();
	test_unparsable();
	test_generation_names();
	test_wanted();
	X509_free(caroot);
	mcert_services_free(svc);
	fx_cleanup();
	return tap_done();
}
