/* The database cluster: what the stand-in answers to database cluster
 * (the manual begins in mmp-standin.c), the hosts of a rig sharing one
 * cluster file:
 *
 * database cluster certs SKEY SCERT CKEY CCERT CA  (a database node) or
 * database cluster certs CKEY CCERT CA             (a connect-only node)
 *                 "SUCCESS: database cluster certificates configured" |
 *                 "FAILURE: database cluster certificates cannot be changed
 *                 while this node is in a database cluster; run database
 *                 cluster remove first"
 * database cluster localnode a..e   no output (recorded as localnode)
 * database cluster initialize | join ADDR | connect ADDR
 *     A failure is one line "FAILURE: database cluster <verb> failed:
 *     <reason>" (or "FAILURE: <file>: file not found" for a configured file
 *     since deleted), the reasons being:
 *       "certificates not configured: <server key, server certificate,
 *        client key, client certificate, CA certificate> missing; use
 *        database cluster certs"  (connect needs only the client's and CA)
 *       "Key and certificate problem: K and C do not match"
 *       "C is not signed by the database cluster CA CA: <core finding>"
 *       "certificate authentication failed for user \"postgres\" (C has
 *        CN=<cn>)"   (the client certificate's CN must be postgres)
 *       "this node is already in a database cluster; run database cluster
 *        remove first"
 *       "ADDR is not the primary of a database cluster"
 *       "SSL error: certificate verify failed: <client|server> certificate
 *        C of <this node|ADDR> is not trusted by CA of <ADDR|this node>:
 *        <core finding>"   (join checks this node's client certificate
 *        against the primary's CA, the primary's server and client
 *        certificates against this node's CA; connect the first two)
 *       "cannot update the shared cluster file PATH"
 *     Success: "SUCCESS: database cluster initialized with this node (ADDR)
 *     as primary" | "SUCCESS: joining database cluster at ADDR; see database
 *     cluster status" | "SUCCESS: connecting to database cluster at ADDR;
 *     see database cluster status"
 * database cluster status
 *                 "Status                    : Enabled|Disabled" (label
 *                 padded to 26), "Nodes:", then per node of this node's
 *                 cluster, primary first, then in joining order:
 *                 "    <ADDR>[ (me)]          : <state>" (address padded to
 *                 22), state "Connected Primary", "Connecting Replica" /
 *                 "Connected Replica" (joined), "Connecting Client" /
 *                 "Connected Client" (connect-only).  A node in no shared
 *                 cluster prints its state file's "database" object instead
 *                 (status, default Disabled, and nodes: a fixture for tests).
 * database cluster remove   "WARNING!!! This will remove this node from the
 *                 database cluster. Are you sure? (Y/N)", reads a line; only
 *                 "Y": "SUCCESS: Node removed from database cluster" (and out
 *                 of the shared cluster), else "Aborted: database cluster not
 *                 changed"
 *
 * The shared cluster file: {"nodes": [{"address", "host", "dir" (the node's
 * MMP_DIR), "role": "primary"|"replica"|"client", "primary" (its primary's
 * address), "certs" {server_key, server_cert, client_key, client_cert, ca},
 * "joined_ms", "connected_ms" (ms since the epoch)}]}, read and written
 * under flock(2). */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "load.h"
#include "verify.h"

#include "standin.h"

#define CLUSTER_FILE ".mmp-cluster.json"

/* ---- database cluster: the file the hosts of a rig share */

static const char *
cluster_path(void)
{
	const char *p = getenv("MMP_CLUSTER");

	return p != NULL && *p != '\0' ? p : CLUSTER_FILE;
}

/* The shared cluster, read under flock, exclusive when it is to be
 * changed.  Never NULL: a missing or empty file is an empty cluster.  *fd
 * is -1 when the file could not be opened. */
static json_t *
cluster_open(int for_write, int *fd)
{
	json_t *c = NULL;
	char *buf = NULL;
	size_t len = 0;

	*fd = open(cluster_path(), for_write ? O_RDWR | O_CREAT | O_CLOEXEC :
	    O_RDONLY | O_CLOEXEC, 0666);
	if (*fd != -1 && flock(*fd, for_write ? LOCK_EX : LOCK_SH) == 0 &&
	    read_all(*fd, &buf, &len) == 0 && len > 0)
		c = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (!json_is_object(c)) {
		json_decref(c);
		c = json_object();
	}
	if (!json_is_array(json_object_get(c, "nodes")))
		json_object_set_new(c, "nodes", json_array());
	return c;
}

/* Writes c back when save, then unlocks and frees.  0, or -1 when the
 * file could not be written. */
static int
cluster_close(json_t *c, int fd, int save)
{
	char *text = NULL;
	int ret = 0;

	if (save && (fd == -1 || (text = json_dumps(c, JSON_INDENT(2) |
	    JSON_SORT_KEYS)) == NULL || ftruncate(fd, 0) == -1 ||
	    mcert_write_all(fd, text, strlen(text)) == -1))
		ret = -1;
	free(text);
	json_decref(c);
	if (fd != -1)
		close(fd);
	return ret;
}

static const char *
node_str(json_t *n, const char *name)
{
	const char *s = json_string_value(json_object_get(n, name));

	return s != NULL ? s : "";
}

/* The node at addr in c (its index in *index), or NULL. */
static json_t *
node_at(json_t *c, const char *addr, size_t *index)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(c, "nodes"), i, n)
		if (strcmp(node_str(n, "address"), addr) == 0) {
			if (index != NULL)
				*index = i;
			return n;
		}
	return NULL;
}

static int
cluster_member(void)
{
	int fd, member;
	json_t *c = cluster_open(0, &fd);

	member = node_at(c, my_address(), NULL) != NULL;
	cluster_close(c, fd, 0);
	return member;
}

/* This node as the cluster file records it. */
static json_t *
node_new(const char *role, const char *primary, json_t *certs)
{
	long long now = now_ms();
	char dir[PATH_MAX];

	if (getcwd(dir, sizeof(dir)) == NULL)
		dir[0] = '\0';
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I}",
	    "address", my_address(), "host", host, "dir", dir, "role", role,
	    "primary", primary, "certs", json_deep_copy(certs), "joined_ms",
	    (json_int_t)now, "connected_ms", (json_int_t)(strcmp(role,
	    "primary") == 0 ? now : now + knobs.connect_delay_ms));
}

static const char *
node_state(json_t *n, char *buf, size_t size)
{
	const char *role = node_str(n, "role");
	json_int_t at = json_integer_value(json_object_get(n,
	    "connected_ms"));

	if (strcmp(role, "primary") == 0)
		return "Connected Primary";
	snprintf(buf, size, "%s %s", now_ms() >= at ? "Connected" :
	    "Connecting", strcmp(role, "replica") == 0 ? "Replica" : "Client");
	return buf;
}

static void
cluster_leave(void)
{
	int fd;
	json_t *c = cluster_open(1, &fd);
	size_t i;

	if (node_at(c, my_address(), &i) != NULL) {
		json_array_remove(json_object_get(c, "nodes"), i);
		cluster_close(c, fd, 1);
	} else {
		cluster_close(c, fd, 0);
	}
}

/* ---- database cluster: this node's certificates */

static const char *const db_fields[] = { "server_key", "server_cert",
    "client_key", "client_cert", "ca" };
static const char *const db_labels[] = { "server key", "server certificate",
    "client key", "client certificate", "CA certificate" };

static const char *
db_file(json_t *certs, int i)
{
	return json_string_value(json_object_get(certs, db_fields[i]));
}

/* 1 when certs names every file the role needs; else a FAILURE that says
 * which are missing. */
static int
db_certs_ready(const char *verb, json_t *certs, int need_server)
{
	char missing[256] = "";
	size_t i;

	for (i = need_server ? 0 : 2; i < 5; i++)
		if (db_file(certs, (int)i) == NULL)
			snprintf(missing + strlen(missing), sizeof(missing) -
			    strlen(missing), "%s%s", missing[0] != '\0' ? ", " :
			    "", db_labels[i]);
	if (missing[0] == '\0')
		return 1;
	printf("FAILURE: database cluster %s failed: certificates not "
	    "configured: %s missing; use database cluster certs\n", verb,
	    missing);
	return 0;
}

static int
db_pair_ok(const char *verb, const char *key, const char *cert)
{
	char failure[512];

	snprintf(failure, sizeof(failure), "FAILURE: database cluster %s "
	    "failed: Key and certificate problem: %s and %s do not match",
	    verb, key, cert);
	return key_cert_match(key, cert, failure);
}

static int
db_signed_by_own_ca(const char *verb, const char *cert, const char *ca,
    enum mcert_role role)
{
	char why[1024];

	if (chains_to(NULL, cert, NULL, ca, role, why, sizeof(why)))
		return 1;
	printf("FAILURE: database cluster %s failed: %s is not signed by the "
	    "database cluster CA %s: %s\n", verb, cert, ca, why);
	return 0;
}

/* guide §3.1.4: the database client's CN must be postgres. */
static int
db_client_cn_ok(const char *verb, const char *cert)
{
	const struct mcert_object *o;
	struct mcert_file *f;
	char cn[256] = "";
	int ok;

	if ((f = load_one(cert, MCERT_KIND_CERT, &o)) == NULL)
		return 0;
	X509_NAME_get_text_by_NID(X509_get_subject_name(o->cert),
	    NID_commonName, cn, sizeof(cn));
	mcert_file_free(f);
	if ((ok = strcmp(cn, "postgres") == 0) == 0)
		printf("FAILURE: database cluster %s failed: certificate "
		    "authentication failed for user \"postgres\" (%s has "
		    "CN=%s)\n", verb, cert, cn);
	return ok;
}

/* This node's own files: pairs that match, chains to its own CA. */
static int
db_own_certs_ok(const char *verb, json_t *certs, int need_server)
{
	const char *ca = db_file(certs, 4);

	return (!need_server || (db_pair_ok(verb, db_file(certs, 0),
	    db_file(certs, 1)) && db_signed_by_own_ca(verb, db_file(certs, 1),
	    ca, MCERT_ROLE_SERVER))) && db_pair_ok(verb, db_file(certs, 2),
	    db_file(certs, 3)) && db_signed_by_own_ca(verb, db_file(certs, 3),
	    ca, MCERT_ROLE_CLIENT) && db_client_cn_ok(verb, db_file(certs, 3));
}

/* A file on one node, named for messages by its owner. */
struct db_ref {
	const char *dir;	/* NULL: this node's */
	const char *name;
	const char *owner;	/* "this node" or an address */
};

static int
db_trusts(const char *verb, const char *what, struct db_ref leaf,
    struct db_ref ca, enum mcert_role role)
{
	char why[1024];

	if (chains_to(leaf.dir, leaf.name, ca.dir, ca.name, role, why,
	    sizeof(why)))
		return 1;
	printf("FAILURE: database cluster %s failed: SSL error: certificate "
	    "verify failed: %s certificate %s of %s is not trusted by %s of "
	    "%s: %s\n", verb, what, leaf.name, leaf.owner, ca.name, ca.owner,
	    why);
	return 0;
}

/* The TLS both ends of the database link would do: the primary checks this
 * node's client certificate against its CA, this node the primary's
 * server certificate against its own; a joined node also serves the
 * primary's client (the primary can move), so that is checked too. */
static int
db_peer_trust(const char *verb, json_t *p, json_t *certs, int join)
{
	json_t *pc = json_object_get(p, "certs");
	const char *pdir = node_str(p, "dir"), *pa = node_str(p, "address");
	struct db_ref my_client = { NULL, db_file(certs, 3), "this node" };
	struct db_ref my_ca = { NULL, db_file(certs, 4), "this node" };
	struct db_ref p_server = { pdir, db_file(pc, 1), pa };
	struct db_ref p_client = { pdir, db_file(pc, 3), pa };
	struct db_ref p_ca = { pdir, db_file(pc, 4), pa };

	return db_trusts(verb, "client", my_client, p_ca, MCERT_ROLE_CLIENT) &&
	    db_trusts(verb, "server", p_server, my_ca, MCERT_ROLE_SERVER) &&
	    (!join || db_trusts(verb, "client", p_client, my_ca,
	    MCERT_ROLE_CLIENT));
}

/* ---- database cluster: commands */

static void
db_certs(char **files, int n)
{
	json_t *db = state_obj(state, "database"), *c;
	int i, first = n == 3 ? 2 : 0;

	if (n != 3 && n != 5) {
		puts("Invalid command");
		return;
	}
	if (cluster_member()) {
		puts("FAILURE: database cluster certificates cannot be changed "
		    "while this node is in a database cluster; run database "
		    "cluster remove first");
		return;
	}
	for (i = 0; i < n; i++)
		if (!file_ok(files[i])) {
			printf("FAILURE: %s: file not found\n", files[i]);
			return;
		}
	c = json_object();
	for (i = 0; i < n; i++)
		json_object_set_new(c, db_fields[first + i],
		    json_string(files[i]));
	json_object_set_new(db, "certs", c);
	state_save();
	puts("SUCCESS: database cluster certificates configured");
}

static void
db_already(const char *verb)
{
	printf("FAILURE: database cluster %s failed: this node is already in "
	    "a database cluster; run database cluster remove first\n", verb);
}

/* The checks of initialize, join ADDR and connect ADDR against the locked
 * cluster c; 1 when this node may be added. */
static int
db_may_enter(const char *verb, json_t *c, const char *primary,
    json_t *certs)
{
	json_t *p;

	if (node_at(c, my_address(), NULL) != NULL) {
		db_already(verb);
		return 0;
	}
	if (strcmp(verb, "initialize") == 0)
		return 1;
	if ((p = node_at(c, primary, NULL)) == NULL ||
	    strcmp(node_str(p, "role"), "primary") != 0) {
		printf("FAILURE: database cluster %s failed: %s is not the "
		    "primary of a database cluster\n", verb, primary);
		return 0;
	}
	return db_peer_trust(verb, p, certs, strcmp(verb, "join") == 0);
}

static void
db_enter_said(const char *verb, const char *primary)
{
	if (strcmp(verb, "initialize") == 0)
		printf("SUCCESS: database cluster initialized with this node "
		    "(%s) as primary\n", primary);
	else if (strcmp(verb, "join") == 0)
		printf("SUCCESS: joining database cluster at %s; see database "
		    "cluster status\n", primary);
	else
		printf("SUCCESS: connecting to database cluster at %s; see "
		    "database cluster status\n", primary);
}

/* database cluster initialize | join ADDR | connect ADDR. */
static void
db_enter(const char *verb, const char *primary)
{
	json_t *db = state_obj(state, "database");
	json_t *certs = json_object_get(db, "certs"), *c;
	int need_server = strcmp(verb, "connect") != 0, fd, ok;
	const char *role = primary == NULL ? "primary" : need_server ?
	    "replica" : "client";

	if (primary == NULL)
		primary = my_address();
	if (cluster_member()) {
		db_already(verb);
		return;
	}
	if (!db_certs_ready(verb, certs, need_server) ||
	    !db_own_certs_ok(verb, certs, need_server))
		return;
	c = cluster_open(1, &fd);
	if ((ok = fd != -1 && db_may_enter(verb, c, primary, certs)))
		json_array_append_new(json_object_get(c, "nodes"),
		    node_new(role, primary, certs));
	if (cluster_close(c, fd, ok) != 0 || fd == -1) {
		printf("FAILURE: database cluster %s failed: cannot update the "
		    "shared cluster file %s\n", verb, cluster_path());
		return;
	}
	if (!ok)
		return;
	json_object_set_new(db, "status", json_string("Enabled"));
	state_save();
	db_enter_said(verb, primary);
}

static void
print_node(json_t *n, int mine)
{
	char addr[128], st[64];

	snprintf(addr, sizeof(addr), "%s%s", node_str(n, "address"),
	    mine ? " (me)" : "");
	printf("    %-22s: %s\n", addr, node_state(n, st, sizeof(st)));
}

/* The state file's own view: for a node in no shared cluster. */
static void
db_status_local(json_t *db)
{
	json_t *n;
	size_t i;

	printf("%-26s: %s\n", "Status", json_string_value(json_object_get(db,
	    "status")) != NULL ? state_str(db, "status") : "Disabled");
	puts("Nodes:");
	json_array_foreach(json_object_get(db, "nodes"), i, n)
		printf("    %-22s: %s\n", state_str(n, "address"),
		    state_str(n, "state"));
}

static void
db_status(json_t *db)
{
	int fd, pass;
	json_t *c = cluster_open(0, &fd), *me, *n;
	const char *primary;
	size_t i;

	if ((me = node_at(c, my_address(), NULL)) == NULL) {
		db_status_local(db);
		cluster_close(c, fd, 0);
		return;
	}
	primary = node_str(me, "primary");
	printf("%-26s: %s\n", "Status", "Enabled");
	puts("Nodes:");
	for (pass = 0; pass < 2; pass++)	/* the primary first */
		json_array_foreach(json_object_get(c, "nodes"), i, n)
			if (strcmp(node_str(n, "primary"), primary) == 0 &&
			    (strcmp(node_str(n, "role"), "primary") == 0) ==
			    (pass == 0))
				print_node(n, n == me);
	cluster_close(c, fd, 0);
}

static int
confirm(const char *question)
{
	char line[256];

	printf("%s (Y/N)\n", question);
	fflush(stdout);
	if (fgets(line, sizeof(line), in) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "Y") == 0;	/* only a capital Y */
}

static void
db_remove(json_t *db)
{
	if (!confirm("WARNING!!! This will remove this node from the "
	    "database cluster. Are you sure?")) {
		puts("Aborted: database cluster not changed");
		return;
	}
	cluster_leave();
	json_object_set_new(db, "status", json_string("Disabled"));
	json_object_set_new(db, "nodes", json_array());
	state_save();
	puts("SUCCESS: Node removed from database cluster");
}

void
database_command(char **argv, int argc)
{
	json_t *db = state_obj(state, "database");

	if (argc < 2 || strcmp(argv[0], "cluster") != 0) {
		puts("Invalid command");
		return;
	}
	argv++;
	argc--;
	if (argc == 1 && strcmp(argv[0], "status") == 0)
		db_status(db);
	else if (argc == 1 && strcmp(argv[0], "remove") == 0)
		db_remove(db);
	else if (argc >= 2 && strcmp(argv[0], "certs") == 0)
		db_certs(argv + 1, argc - 1);
	else if (argc == 1 && strcmp(argv[0], "initialize") == 0)
		db_enter("initialize", NULL);
	else if (argc == 2 && (strcmp(argv[0], "join") == 0 ||
	    strcmp(argv[0], "connect") == 0))
		db_enter(argv[0], argv[1]);
	else if (argc == 2 && strcmp(argv[0], "localnode") == 0 &&
	    strlen(argv[1]) == 1 && argv[1][0] >= 'a' && argv[1][0] <= 'e') {
		json_object_set_new(db, "localnode", json_string(argv[1]));
		state_save();
	} else
		puts("Invalid command");
}
