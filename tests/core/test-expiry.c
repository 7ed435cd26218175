/* Expiry: the bands of a number of days, and the list of every certificate
 * bound (leaf and chain, once per host, the services using it, database
 * ones flagged, soonest first) from a status read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "expiry.h"
#include "tap.h"

static void
test_bands(void)
{
	static const struct {
		long days;
		enum mcert_band band;
		const char *name, *words;
	} t[] = {
		{ -400, MCERT_BAND_EXPIRED, "expired", "expired" },
		{ -1, MCERT_BAND_EXPIRED, "expired", "expired" },
		{ 0, MCERT_BAND_30, "30", "within 30" },
		{ 10, MCERT_BAND_30, "30", "within 30" },
		{ 30, MCERT_BAND_30, "30", "within 30" },
		{ 31, MCERT_BAND_60, "60", "within 60" },
		{ 60, MCERT_BAND_60, "60", "within 60" },
		{ 61, MCERT_BAND_90, "90", "within 90" },
		{ 90, MCERT_BAND_90, "90", "within 90" },
		{ 91, MCERT_BAND_OK, "ok", "over 90" },
		{ 3650, MCERT_BAND_OK, "ok", "over 90" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		enum mcert_band b = mcert_expiry_band(t[i].days);

		is_int(b, t[i].band, "%ld days: band %s", t[i].days, t[i].name);
		is_str(mcert_expiry_band_name(b), t[i].name, "  named %s",
		    t[i].name);
		is_str(mcert_expiry_band_words(b), t[i].words, "  said '%s'",
		    t[i].words);
	}
	is_str(mcert_expiry_band_name((enum mcert_band)42), "ok",
	    "a band out of range is named ok");
}

/* Three hosts as mcert_status reads them: cms1 with one certificate bound
 * by three services (one a full chain), a chain shared, the database's
 * server and client certificates, a trust bundle, an unreadable file;
 * cms2 not read; cms3 with database files unknown and an expired
 * certificate without a SHA-256. */
static const char status_json[] =
"{\"hosts\": ["
" {\"host\": \"cms1\", \"address\": \"10.0.0.1\", \"error\": null,"
"  \"services\": ["
"   {\"service\": \"callbridge\", \"name\": \"Call Bridge\","
"    \"files\": {\"key\": \"cms1.key\", \"cert\": \"cms1.crt\","
"     \"bundle\": \"cms1-bundle.pem\"}, \"verdict\": \"verified\","
"    \"certificate\": {\"subject\": \"CN=cms1.example.com\","
"     \"issuer\": \"CN=Issuing CA\", \"san\": [\"cms1.example.com\"],"
"     \"not_after\": \"2026-12-02T10:00:00Z\", \"days_left\": 10,"
"     \"sha256\": \"AA:01\", \"verified\": true, \"why\": null,"
"     \"chain\": [{\"subject\": \"CN=Issuing CA\", \"issuer\": \"CN=Root\","
"       \"not_after\": \"2027-01-01T00:00:00Z\", \"days_left\": 40,"
"       \"sha256\": \"BB:02\"},"
"      {\"subject\": \"CN=Root\", \"issuer\": \"CN=Root\","
"       \"not_after\": \"2035-01-01T00:00:00Z\", \"days_left\": 3000,"
"       \"sha256\": \"CC:03\"}]}},"
"   {\"service\": \"webadmin\", \"name\": \"Web Admin\","
"    \"files\": {\"key\": \"cms1.key\", \"cert\": \"cms1.crt\"},"
"    \"verdict\": \"verified\","
"    \"certificate\": {\"subject\": \"CN=cms1.example.com\","
"     \"issuer\": \"CN=Issuing CA\", \"san\": [\"cms1.example.com\"],"
"     \"not_after\": \"2026-12-02T10:00:00Z\", \"days_left\": 10,"
"     \"sha256\": \"AA:01\", \"verified\": true, \"why\": null,"
"     \"chain\": [{\"subject\": \"CN=Issuing CA\","
"       \"not_after\": \"2027-01-01T00:00:00Z\", \"days_left\": 40,"
"       \"sha256\": \"BB:02\"}]}},"
"   {\"service\": \"webbridge3-https\", \"name\": \"Web Bridge 3\","
"    \"files\": {\"key\": \"cms1.key\", \"fullchain\": \"cms1-fullchain.pem\"},"
"    \"verdict\": \"verified\","
"    \"certificate\": {\"subject\": \"CN=cms1.example.com\","
"     \"not_after\": \"2026-12-02T10:00:00Z\", \"days_left\": 10,"
"     \"sha256\": \"AA:01\", \"verified\": true, \"why\": null,"
"     \"chain\": [{\"subject\": \"CN=Issuing CA\","
"       \"not_after\": \"2027-01-01T00:00:00Z\", \"days_left\": 40,"
"       \"sha256\": \"BB:02\"}]}},"
"   {\"service\": \"callbridge-trust-cluster\", \"name\": \"Trust\","
"    \"files\": {\"trust\": \"trust.pem\"}, \"verdict\": \"bound\","
"    \"certificate\": null},"
"   {\"service\": \"turn\", \"name\": \"TURN\","
"    \"files\": {\"key\": \"t.key\", \"cert\": \"t.crt\"},"
"    \"verdict\": \"failed\","
"    \"certificate\": {\"verified\": false, \"why\": \"t.crt: no such file\"}},"
"   {\"service\": \"database-node\", \"name\": \"Database\","
"    \"files\": {\"server_key\": \"dbs.key\", \"server_cert\": \"dbs.crt\","
"     \"ca\": \"dbca.crt\"}, \"verdict\": \"verified\", \"database\": true,"
"    \"role\": \"server\","
"    \"certificate\": {\"subject\": \"CN=cms1.example.com\","
"     \"not_after\": \"2026-12-01T09:00:00Z\", \"days_left\": 9,"
"     \"sha256\": \"DD:04\", \"verified\": true, \"why\": null,"
"     \"chain\": [{\"subject\": \"CN=dbca\","
"       \"not_after\": \"2026-12-01T09:00:00Z\", \"days_left\": 9,"
"       \"sha256\": \"EE:05\"}]}},"
"   {\"service\": \"database-node\", \"name\": \"Database\","
"    \"files\": {\"client_key\": \"dbc.key\", \"client_cert\": \"dbc.crt\","
"     \"ca\": \"dbca.crt\"}, \"verdict\": \"verified\", \"database\": true,"
"    \"role\": \"client\","
"    \"certificate\": {\"subject\": \"CN=postgres\","
"     \"not_after\": \"2026-12-01T09:00:00Z\", \"days_left\": 9,"
"     \"sha256\": \"FF:06\", \"verified\": true, \"why\": null,"
"     \"chain\": [{\"subject\": \"CN=dbca\","
"       \"not_after\": \"2026-12-01T09:00:00Z\", \"days_left\": 9,"
"       \"sha256\": \"EE:05\"}]}}"
"  ], \"database\": null},"
" {\"host\": \"cms2\", \"address\": \"10.0.0.2\","
"  \"error\": \"10.0.0.2: cannot connect\", \"services\": [],"
"  \"database\": null},"
" {\"host\": \"cms3\", \"address\": \"10.0.0.3\", \"error\": null,"
"  \"services\": ["
"   {\"service\": \"callbridge\", \"name\": \"Call Bridge\","
"    \"files\": {\"key\": \"old.key\", \"cert\": \"old.crt\"},"
"    \"verdict\": \"failed\","
"    \"certificate\": {\"subject\": \"CN=old.example.com\","
"     \"not_after\": \"2026-11-01T00:00:00Z\", \"days_left\": -22,"
"     \"verified\": false, \"why\": \"old.crt: expired\","
"     \"chain\": []}},"
"   {\"service\": \"webadmin\", \"name\": \"Web Admin\","
"    \"files\": {\"key\": \"old.key\", \"cert\": \"old2.crt\"},"
"    \"verdict\": \"failed\","
"    \"certificate\": {\"subject\": \"CN=old.example.com\","
"     \"not_after\": \"2026-11-01T00:00:00Z\", \"days_left\": -22,"
"     \"verified\": false, \"why\": \"old2.crt: expired\","
"     \"chain\": []}},"
"   {\"service\": \"database-connect\", \"name\": \"Database\","
"    \"files\": {}, \"verdict\": \"unknown\", \"database\": true,"
"    \"role\": \"client\", \"certificate\": null,"
"    \"why\": \"database certificate files unknown\"}"
"  ], \"database\": null}"
"]}";

static const json_t *
find(const json_t *list, const char *host, const char *sha, const char *subj)
{
	const json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(json_object_get(e, "host")), host) ==
		    0 && (sha == NULL || strcmp(json_string_value(
		    json_object_get(e, "sha256")), sha) == 0) && (subj == NULL ||
		    strcmp(json_string_value(json_object_get(e, "subject")),
		    subj) == 0))
			return e;
	return NULL;
}

static const char *
s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v != NULL ? v : "(none)";
}

static char *
joined(const json_t *list)
{
	static char buf[512];
	const json_t *v;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(list, i, v)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i > 0 ? "," : "", json_string_value(v));
	return buf;
}

static void
test_list(void)
{
	struct mcert_error err = { 0 };
	json_t *st = json_loads(status_json, 0, NULL), *list = NULL;
	const json_t *e, *prev;
	size_t i;
	int sorted = 1;

	if (st == NULL)
		tap_bail("the status JSON does not parse");
	is_int(mcert_expiry_list(st, &list, &err), MCERT_OK, "the list is made");
	/* cms1: the leaf, the issuing CA, the root, the database server
	 * and client, the database CA; cms3: the expired one */
	is_int(json_array_size(list), 7, "every certificate once per host");

	e = find(list, "cms1", "AA:01", NULL);
	ok(e != NULL, "cms1's leaf is listed");
	is_str(s(e, "kind"), "leaf", "  as a leaf");
	is_str(joined(json_object_get(e, "services")),
	    "callbridge,webadmin,webbridge3-https",
	    "  once, with the three services that use it");
	is_str(joined(json_object_get(e, "files")), "cms1.crt,cms1-fullchain.pem",
	    "  and each file it is in, once");
	is_int(json_array_size(json_object_get(e, "uses")), 3,
	    "  a use per service");
	is_str(s(e, "band"), "30", "  10 days: band 30");
	ok(json_is_false(json_object_get(e, "database")), "  not a database "
	    "certificate");
	ok(json_is_true(json_object_get(e, "verified")), "  its verdict kept");
	is_int(json_array_size(json_object_get(e, "chain")), 2,
	    "  its chain kept");
	is_str(json_string_value(json_array_get(json_object_get(e, "san"), 0)),
	    "cms1.example.com", "  its SAN kept");

	e = find(list, "cms1", "BB:02", NULL);
	ok(e != NULL, "the issuing CA is listed");
	is_str(s(e, "kind"), "chain", "  as a chain certificate");
	is_str(s(e, "band"), "60", "  40 days: band 60");
	is_str(joined(json_object_get(e, "files")),
	    "cms1-bundle.pem,cms1.crt,cms1-fullchain.pem",
	    "  its files: the bundle, else the leaf's own");
	is_str(joined(json_object_get(e, "issued")), "CN=cms1.example.com",
	    "  the leaf it issued, once");
	ok(json_object_get(e, "chain") == NULL, "  no chain of its own");

	e = find(list, "cms1", "CC:03", NULL);
	is_str(s(e, "band"), "ok", "the root, 3000 days: band ok");
	is_str(joined(json_object_get(e, "services")), "callbridge",
	    "  only the service whose chain reaches it");

	e = find(list, "cms1", "DD:04", NULL);
	ok(json_is_true(json_object_get(e, "database")), "the database server "
	    "certificate is flagged");
	is_str(s(json_array_get(json_object_get(e, "uses"), 0), "role"),
	    "server", "  its role kept");
	is_str(joined(json_object_get(e, "files")), "dbs.crt",
	    "  its file: the server certificate");
	e = find(list, "cms1", "FF:06", NULL);
	is_str(joined(json_object_get(e, "files")), "dbc.crt",
	    "the client certificate's: the client certificate");
	e = find(list, "cms1", "EE:05", NULL);
	ok(json_is_true(json_object_get(e, "database")), "the database CA is "
	    "flagged too");
	is_str(joined(json_object_get(e, "files")), "dbca.crt",
	    "  its file: the CA file");
	is_str(joined(json_object_get(e, "issued")), "CN=cms1.example.com,"
	    "CN=postgres", "  it issued both");

	e = find(list, "cms3", NULL, "CN=old.example.com");
	ok(e != NULL, "without a SHA-256, a certificate is known by subject and "
	    "expiry");
	is_str(joined(json_object_get(e, "services")), "callbridge,webadmin",
	    "  so two files holding it are one entry");
	is_str(s(e, "band"), "expired", "  -22 days: expired");
	is_str(s(e, "why"), "old.crt: expired", "  the first verdict kept");

	ok(find(list, "cms2", NULL, NULL) == NULL, "a host not read has no "
	    "entry");
	json_array_foreach(list, i, e) {
		prev = json_array_get(list, i - 1);
		if (i > 0 && json_integer_value(json_object_get(prev,
		    "days_left")) > json_integer_value(json_object_get(e,
		    "days_left")))
			sorted = 0;
	}
	ok(sorted, "sorted soonest first");
	is_str(s(json_array_get(list, 0), "host"), "cms3", "  the expired one "
	    "first");
	is_str(s(json_array_get(list, 1), "sha256"), "DD:04", "  then, on the "
	    "same day, a leaf before its issuer");
	is_str(s(json_array_get(list, 3), "sha256"), "EE:05", "  the issuer "
	    "after both leaves");
	is_str(s(json_array_get(list, 6), "sha256"), "CC:03", "  the root last");
	json_decref(list);
	json_decref(st);
}

static void
test_unknown(void)
{
	json_t *st = json_loads(status_json, 0, NULL), *u;

	u = mcert_expiry_unknown(st);
	is_int(json_array_size(u), 3, "three things cannot be dated");
	is_str(s(json_array_get(u, 0), "why"), "t.crt: no such file",
	    "  an unreadable certificate file, with why");
	is_str(s(json_array_get(u, 0), "service"), "turn", "  and its service");
	is_str(s(json_array_get(u, 1), "host"), "cms2", "  a host not read");
	ok(json_is_null(json_object_get(json_array_get(u, 1), "service")),
	    "  with no service");
	is_str(s(json_array_get(u, 1), "why"), "10.0.0.2: cannot connect",
	    "  and its error");
	is_str(s(json_array_get(u, 2), "why"), "database certificate files "
	    "unknown", "  database files unknown");
	json_decref(u);
	json_decref(st);
}

static void
test_edges(void)
{
	struct mcert_error err = { 0 };
	json_t *st, *list = NULL;
	json_t *e;

	st = json_loads("{}", 0, NULL);
	is_int(mcert_expiry_list(st, &list, &err), MCERT_OK, "no hosts: ok");
	is_int(json_array_size(list), 0, "  an empty list");
	json_decref(list);
	e = mcert_expiry_unknown(st);
	is_int(json_array_size(e), 0, "  nothing unknown");
	json_decref(e);
	json_decref(st);

	is_int(mcert_expiry_list(NULL, &list, &err), MCERT_OK, "no status "
	    "at all: ok too");
	is_int(json_array_size(list), 0, "  an empty list");
	json_decref(list);

	st = json_loads("{\"hosts\": [{\"host\": \"h\", \"services\": [{"
	    "\"service\": \"x\", \"files\": {\"cert\": \"x.crt\"},"
	    "\"certificate\": {\"subject\": \"CN=x\", \"days_left\": 5}}]}]}",
	    0, NULL);
	is_int(mcert_expiry_list(st, &list, &err), MCERT_OK,
	    "a certificate without a SHA-256 or an expiry date");
	is_int(json_array_size(list), 1, "  is listed all the same");
	is_str(s(json_array_get(list, 0), "band"), "30", "  with its band");
	is_str(joined(json_object_get(json_array_get(list, 0), "files")),
	    "x.crt", "  and its file");
	json_decref(list);
	json_decref(st);

	st = json_loads("{\"hosts\": [{\"host\": \"h\", \"services\": [{"
	    "\"service\": \"x\", \"database\": true, \"role\": \"client\","
	    "\"files\": {\"client_cert\": \"c.crt\", \"server_cert\": "
	    "\"s.crt\"}}]}]}", 0, NULL);
	is_str(mcert_expiry_leaf_file(json_array_get(json_object_get(
	    json_array_get(json_object_get(st, "hosts"), 0), "services"), 0)),
	    "c.crt", "a database client entry's file is the client "
	    "certificate");
	json_decref(st);
	ok(mcert_expiry_leaf_file(NULL) == NULL, "no entry: no file");
}

int
main(void)
{
	test_bands();
	test_list();
	test_unknown();
	test_edges();
	return tap_done();
}
