/* The MMP's output, read as text: failures, status screens, pki list,
 * database cluster status, bindings, templates and questions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mmp.h"
#include "tap.h"

static struct mcert_services *svc;

static const struct mcert_service *
service(const char *id)
{
	size_t i;

	for (i = 0; i < svc->n; i++)
		if (strcmp(svc->v[i].id, id) == 0)
			return &svc->v[i];
	tap_bail("no service %s", id);
}

static void
test_failed(void)
{
	char why[64];

	ok(!mcert_mmp_failed("SUCCESS: Key and certificate pair match\n",
	    why, sizeof(why)), "SUCCESS is not a failure");
	ok(mcert_mmp_failed("Checking ...\r\nFAILURE: Key and certificate "
	    "problem: certificate and key do not match\r\n", why, sizeof(why)),
	    "FAILURE is");
	is_str(why, "FAILURE: Key and certificate problem: certificate and key do no",
	    "the line, cut to the buffer, without CR");
	ok(mcert_mmp_failed("Invalid command\n", why, sizeof(why)),
	    "Invalid command is");
	ok(mcert_mmp_failed("  ERROR: no such file\n", NULL, 0),
	    "an indented ERROR is, without a buffer");
	ok(!mcert_mmp_failed("Subject : CN=FAILURE.example.com\n", NULL, 0),
	    "FAILURE inside a value is not");
	ok(!mcert_mmp_failed("", NULL, 0), "nothing is not");
}

static void
test_fields(void)
{
	json_t *f = mcert_mmp_fields("Enabled          : true\r\n"
	    "Key file         : cms1.key\r\n"
	    "Certificate file : cms1.crt\n"
	    "CA Bundle file   : none\n"
	    "Key file         : second.key\n"
	    "no colon here\n"
	    "Subject          : CN=a, O=b:c\n");

	is_str(json_string_value(json_object_get(f, "Key file")), "cms1.key",
	    "a field, the first of its label");
	is_str(json_string_value(json_object_get(f, "Certificate file")),
	    "cms1.crt", "LF and CRLF lines alike");
	ok(json_is_null(json_object_get(f, "CA Bundle file")),
	    "none is null");
	is_str(json_string_value(json_object_get(f, "Subject")),
	    "CN=a, O=b:c", "a value keeps its colons");
	is_int(json_object_size(f), 5, "five fields");
	json_decref(f);
}

static void
test_list(void)
{
	json_t *l = mcert_mmp_pki_list("User supplied certificates and keys:\r\n"
	    "cms1.crt\r\ncms1.key\r\n\r\ndbca.crt\r\n");

	is_int(json_array_size(l), 3, "pki list: three files");
	is_str(json_string_value(json_array_get(l, 0)), "cms1.crt",
	    "  in order, heading skipped");
	is_str(json_string_value(json_array_get(l, 2)), "dbca.crt",
	    "  blank lines skipped");
	json_decref(l);
}

static void
test_db(void)
{
	json_t *db = mcert_mmp_db_status("Status                    : Enabled\n"
	    "Nodes:\n"
	    "    10.0.0.1 (me)          : Connected Primary\n"
	    "    10.0.0.2               : Connecting\n");

	is_str(json_string_value(json_object_get(db, "status")), "Enabled",
	    "db status");
	is_int(json_array_size(json_object_get(db, "nodes")), 2, "two nodes");
	ok(!mcert_mmp_db_all_connected(db, 0), "one still connecting");
	json_decref(db);
	db = mcert_mmp_db_status("Status : Enabled\nNodes:\n"
	    "    a (me) : Connected Primary\n    b : Connected\n");
	ok(mcert_mmp_db_all_connected(db, 2), "all connected, two wanted");
	ok(!mcert_mmp_db_all_connected(db, 3), "but not three");
	json_decref(db);
	db = mcert_mmp_db_status("Nodes: (me): Connected Primary\n");
	ok(mcert_mmp_db_all_connected(db, 1), "the lab's one-line form");
	json_decref(db);
	db = mcert_mmp_db_status("Status : Disabled\nNodes:\n");
	ok(!mcert_mmp_db_all_connected(db, 0), "no node is not connected");
	json_decref(db);
}

static void
test_binding(void)
{
	json_t *f = mcert_mmp_fields("Enabled : true\nHTTPS Key file : a.key\n"
	    "HTTPS Full chain certificate file : a-fullchain.pem\n"
	    "C2W Key file : none\n");
	json_t *b = mcert_mmp_binding(service("webbridge3-https"), f);
	json_t *c = mcert_mmp_binding(service("webbridge3-c2w"), f);

	is_str(json_string_value(json_object_get(b, "key")), "a.key",
	    "webbridge3 https key");
	is_str(json_string_value(json_object_get(b, "fullchain")),
	    "a-fullchain.pem", "  its full chain");
	ok(json_is_true(json_object_get(b, "enabled")), "  enabled");
	ok(json_is_null(json_object_get(c, "key")), "c2w: nothing bound");
	{
		json_t *files = mcert_mmp_binding_files(b);

		ok(json_object_size(files) == 2 && json_is_string(
		    json_object_get(files, "key")) && json_is_string(
		    json_object_get(files, "fullchain")),
		    "binding_files: the key and full chain, not enabled");
		json_decref(files);
		files = mcert_mmp_binding_files(c);
		ok(json_object_size(files) == 0,
		    "binding_files: nothing bound, no file");
		json_decref(files);
	}
	json_decref(b);
	json_decref(c);
	b = mcert_mmp_binding(service("webadmin"), f);
	ok(json_is_null(json_object_get(b, "key")),
	    "webadmin reads its own labels only");
	json_decref(b);
	json_decref(f);
}

static void
test_fill(void)
{
	json_t *v = json_pack("{s:s, s:s}", "key", "a.key", "cert", "a.crt");
	char *missing = NULL, *s;

	s = mcert_mmp_fill("webadmin certs {key} {cert}", v, &missing);
	is_str(s, "webadmin certs a.key a.crt", "a template filled");
	free(s);
	s = mcert_mmp_fill("webadmin certs {key} {cert} {bundle}", v, &missing);
	ok(s == NULL, "a missing placeholder fails");
	is_str(missing, "bundle", "  and is named");
	free(missing);
	json_decref(v);
}

static void
test_question(void)
{
	const char *q = "WARNING!!! This will remove this node. Are you sure? "
	    "(Y/N)\r\n";

	is_int(mcert_mmp_question(q, strlen(q)), MCERT_MMP_ASK_CONFIRM,
	    "a Y/N question");
	q = "cms1> ";
	is_int(mcert_mmp_question(q, strlen(q)), MCERT_MMP_ASK_NONE,
	    "a prompt is no question");
	q = "Checking...\nEnter password: ";
	is_int(mcert_mmp_question(q, strlen(q)), MCERT_MMP_ASK_SECRET,
	    "a password prompt");
	q = "(Y/N)\nSUCCESS\n";
	is_int(mcert_mmp_question(q, strlen(q)), MCERT_MMP_ASK_NONE,
	    "only the last line counts");
	ok(mcert_mmp_command_ok("pki list"), "a command line");
	ok(!mcert_mmp_command_ok("pki list\nwebadmin disable"),
	    "a newline would run a second command");
	ok(!mcert_mmp_command_ok(""), "nothing is no command");
}

int
main(void)
{
	struct mcert_error err;
	char *path = fx_srcpath("data/services.json");

	if (mcert_services_load(path, &svc, &err) != MCERT_OK)
		tap_bail("%s", err.msg);
	free(path);
	test_failed();
	test_fields();
	test_list();
	test_db();
	test_binding();
	test_fill();
	test_question();
	mcert_services_free(svc);
	return tap_done();
}
