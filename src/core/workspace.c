#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "names.h"
#include "pem.h"
#include "workspace.h"

const char *const mcert_ws_role_names[] = {
	"callbridge", "webadmin", "webbridge3", "turn", "database",
	"recorder", "streamer", "uploader", "meetingapps", NULL,
};
const char *const mcert_ws_option_names[] = {
	"turn_tls", "recorder", "streamer", "uploader", "meetingapps",
	"sip_trust", "ldap_trust", "lync", "expressway_proxy", NULL,
};
const char *const mcert_ws_type_names[] = {
	"combined", "split", "resilient", NULL,
};
const char *const mcert_ws_layout_names[] = {
	"per-server", "per-service", "one-for-all", NULL,
};
const char *const mcert_ws_dbrole_names[] = {
	"none", "primary", "peer", "connect", NULL,
};

const char *const mcert_ws_state_names[] = {
	"planned", "csr", "signed", "imported", "uploaded", "bound",
	"verified", "done", NULL,
};
const char *const mcert_ws_ca_names[] = {
	"public", "internal", "dedicated", "self", NULL,
};

int
mcert_ws_name_index(const char *const *table, const char *s)
{
	int i;

	for (i = 0; s != NULL && table[i] != NULL; i++)
		if (strcmp(table[i], s) == 0)
			return i;
	return -1;
}

static const char *
choices(const char *const *table, char *buf, size_t sz)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; table[i] != NULL && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", i ? ", " : "",
		    table[i]);
	return buf;
}

/* A string member: NULL when absent or null; an error when of another
 * type. */
static int
get_str(json_t *o, const char *key, const char *path, const char **out,
    int required, struct mcert_error *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return mcert_error_set(err, MCERT_E_PARSE,
			    N_("%s%s is missing; give it"), path, key);
		return MCERT_OK;
	}
	if (!json_is_string(v))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s%s must be a string"), path, key);
	*out = json_string_value(v);
	return MCERT_OK;
}

static int
get_enum(json_t *o, const char *key, const char *path,
    const char *const *table, int dflt, int *out, struct mcert_error *err)
{
	const char *s;
	char buf[256];
	int r;

	if ((r = get_str(o, key, path, &s, 0, err)) != MCERT_OK)
		return r;
	if (s == NULL) {
		*out = dflt;
		return MCERT_OK;
	}
	if ((*out = mcert_ws_name_index(table, s)) < 0)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s%s: '%s' is not one of %s"), path, key, s,
		    choices(table, buf, sizeof(buf)));
	return MCERT_OK;
}

static int
get_int(json_t *o, const char *key, const char *path, int lo, int hi,
    int dflt, int *out, struct mcert_error *err)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		*out = dflt;
		return MCERT_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s%s must be a number from %d to %d"), path, key, lo,
		    hi);
	*out = (int)json_integer_value(v);
	return MCERT_OK;
}

/* A list of names from table, as bits. */
static int
get_bits(json_t *o, const char *key, const char *path,
    const char *const *table, unsigned int *out, struct mcert_error *err)
{
	json_t *v = json_object_get(o, key), *item;
	char buf[256];
	size_t i;
	int k;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return MCERT_OK;
	if (!json_is_array(v))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s%s must be a list"), path, key);
	json_array_foreach(v, i, item) {
		if (!json_is_string(item) || (k = mcert_ws_name_index(table,
		    json_string_value(item))) < 0)
			return mcert_error_set(err, MCERT_E_PARSE,
			    N_("%s%s[%zu]: '%s' is not one of %s"), path, key, i,
			    json_is_string(item) ? json_string_value(item) : "?",
			    choices(table, buf, sizeof(buf)));
		*out |= 1u << k;
	}
	return MCERT_OK;
}

static int
check_fqdn(const char *s, const char *field, struct mcert_error *err)
{
	struct mcert_error e;

	if (s == NULL || mcert_name_check_fqdn(s, field, 0, &e) == MCERT_OK)
		return MCERT_OK;
	return mcert_error_set(err, MCERT_E_PARSE, "%s", e.msg);
}

static int
parse_host(json_t *h, size_t i, struct mcert_ws_host *out,
    struct mcert_error *err)
{
	char path[64], field[96];
	json_t *ssh;
	int db, r;

	snprintf(path, sizeof(path), "hosts[%zu].", i);
	if (!json_is_object(h))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("hosts[%zu] must be an object"), i);
	ssh = json_object_get(h, "ssh");
	if (ssh != NULL && !json_is_object(ssh))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%sssh must be an object"), path);
	snprintf(field, sizeof(field), "%sfqdn", path);
	if ((r = get_str(h, "label", path, &out->label, 1, err)) != MCERT_OK ||
	    (r = get_str(h, "fqdn", path, &out->fqdn, 1, err)) != MCERT_OK ||
	    (r = check_fqdn(out->fqdn, field, err)) != MCERT_OK ||
	    (r = get_bits(h, "roles", path, mcert_ws_role_names, &out->roles,
	    err)) != MCERT_OK ||
	    (r = get_enum(h, "database", path, mcert_ws_dbrole_names,
	    MCERT_DB_NONE, &db, err)) != MCERT_OK ||
	    (r = get_str(h, "web_address", path, &out->web_address, 0,
	    err)) != MCERT_OK)
		return r;
	out->db = (enum mcert_dbrole)db;
	snprintf(path, sizeof(path), "hosts[%zu].ssh.", i);
	if (ssh != NULL && ((r = get_str(ssh, "address", path, &out->address, 0,
	    err)) != MCERT_OK || (r = get_str(ssh, "user", path, &out->user, 0,
	    err)) != MCERT_OK || (r = get_int(ssh, "port", path, 1, 65535, 0,
	    &out->port, err)) != MCERT_OK))
		return r;
	if (ssh == NULL)
		out->port = 0;	/* as ~/.ssh/config says, else 22 */
	/* At most 32, so that "label-service-g9" still fits the MMP's
	 * 64-character file names. */
	if (mcert_name_check_basename(out->label, NULL) != MCERT_OK ||
	    strlen(out->label) > 32)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("hosts[%zu].label: '%s' must be at most 32 letters, "
		    "digits and hyphens (it names files on the Meeting Server)"),
		    i,
		    out->label);
	return MCERT_OK;
}

/* "certificates" and "steps": what the operator chose and how far the
 * work got. */
static int
check_records(json_t *root, struct mcert_error *err)
{
	json_t *certs = json_object_get(root, "certificates"), *v;
	json_t *steps = json_object_get(root, "steps");
	char buf[256];
	const char *key;
	int r;

	if (certs != NULL && !json_is_object(certs))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("certificates must be an object"));
	json_object_foreach(certs, key, v) {
		char path[320];
		int x;

		snprintf(path, sizeof(path), "certificates.%s.", key);
		if (!json_is_object(v))
			return mcert_error_set(err, MCERT_E_PARSE,
			    N_("certificates.%s must be an object"), key);
		if ((r = get_enum(v, "ca", path, mcert_ws_ca_names, 0, &x,
		    err)) != MCERT_OK || (r = get_enum(v, "state", path,
		    mcert_ws_state_names, 0, &x, err)) != MCERT_OK)
			return r;
	}
	if (steps != NULL && !json_is_object(steps))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("steps must be an object"));
	json_object_foreach(steps, key, v) {
		if (mcert_ws_name_index(mcert_ws_state_names,
		    json_string_value(v)) < 0)
			return mcert_error_set(err, MCERT_E_PARSE,
			    N_("steps.%s: not one of %s"), key,
			    choices(mcert_ws_state_names, buf, sizeof(buf)));
	}
	return MCERT_OK;
}

int
mcert_ws_refresh(struct mcert_workspace *ws, struct mcert_error *err)
{
	json_t *root = ws->root, *names, *hosts, *h, *v;
	const char *format, *key;
	size_t i, k;
	int r, t, l, version;

	free(ws->hosts);
	ws->hosts = NULL;
	ws->nhosts = 0;
	if (!json_is_object(root))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("not a meetcert workspace (not a JSON object)"));
	if ((r = get_str(root, "format", "", &format, 1, err)) != MCERT_OK)
		return r;
	if (strcmp(format, MCERT_WS_FORMAT) != 0)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("not a meetcert workspace (format is '%s')"), format);
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("version is missing or not a number"));
	version = json_integer_value(v) > MCERT_WS_VERSION ?
	    MCERT_WS_VERSION + 1 : (int)json_integer_value(v);
	if (version > MCERT_WS_VERSION)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("written by a newer meetcert (workspace version %lld, "
		    "this one reads %d); upgrade meetcert, the file is left as "
		    "it is"), (long long)json_integer_value(v),
		    MCERT_WS_VERSION);
	if ((r = get_enum(root, "type", "", mcert_ws_type_names, -1, &t,
	    err)) != MCERT_OK)
		return r;
	if (t < 0)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("type is missing; give combined, split or resilient"));
	ws->type = (enum mcert_deploy)t;
	if ((r = get_bits(root, "options", "", mcert_ws_option_names,
	    &ws->options, err)) != MCERT_OK ||
	    (r = get_enum(root, "layout", "", mcert_ws_layout_names,
	    MCERT_LAYOUT_PER_SERVER, &l, err)) != MCERT_OK ||
	    (r = get_int(root, "generation", "", 1, 9999, 1, &ws->generation,
	    err)) != MCERT_OK ||
	    (r = get_str(root, "key", "", &key, 0, err)) != MCERT_OK)
		return r;
	ws->layout = (enum mcert_layout)l;
	ws->keytype = MCERT_KEY_RSA2048;
	if (key != NULL && mcert_keytype_parse(key, &ws->keytype) != 0)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("key: '%s' is not one of rsa2048, rsa3072, rsa4096, "
		    "ec256, ec384"), key);
	names = json_object_get(root, "names");
	if (names != NULL && !json_is_object(names))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("names must be an object"));
	if ((r = get_str(names, "cluster_fqdn", "names.", &ws->cluster_fqdn, 0,
	    err)) != MCERT_OK || (r = check_fqdn(ws->cluster_fqdn,
	    "names.cluster_fqdn", err)) != MCERT_OK ||
	    (r = get_str(names, "join_url", "names.", &ws->join_url, 0, err)) !=
	    MCERT_OK || (r = check_fqdn(ws->join_url, "names.join_url", err)) !=
	    MCERT_OK ||
	    (r = get_str(names, "login_domain", "names.", &ws->login_domain, 0,
	    err)) != MCERT_OK || (r = check_fqdn(ws->login_domain,
	    "names.login_domain", err)) != MCERT_OK ||
	    (r = get_str(names, "c2w_address", "names.", &ws->c2w_address, 0,
	    err)) != MCERT_OK ||
	    (r = get_str(names, "expressway_a_record", "names.",
	    &ws->expressway_a_record, 0, err)) != MCERT_OK ||
	    (r = check_fqdn(ws->expressway_a_record,
	    "names.expressway_a_record", err)) != MCERT_OK ||
	    (r = get_str(names, "domain", "names.", &ws->domain, 0, err)) !=
	    MCERT_OK || (r = check_fqdn(ws->domain, "names.domain", err)) !=
	    MCERT_OK ||
	    (r = get_int(names, "c2w_port", "names.", 1, 65535, 9999,
	    &ws->c2w_port, err)) != MCERT_OK ||
	    (r = get_int(names, "https_port", "names.", 1, 65535, 443,
	    &ws->https_port, err)) != MCERT_OK)
		return r;
	if (ws->c2w_address != NULL && !mcert_name_is_ip(ws->c2w_address) &&
	    (r = check_fqdn(ws->c2w_address, "names.c2w_address", err)) !=
	    MCERT_OK)
		return r;
	if ((r = check_records(root, err)) != MCERT_OK)
		return r;
	hosts = json_object_get(root, "hosts");
	/* Empty is a draft (the wizard's first screens); the plan says what
	 * is missing. */
	if (!json_is_array(hosts))
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("hosts is missing or empty; list the Meeting Servers"));
	if ((ws->hosts = calloc(json_array_size(hosts) + 1, sizeof(*ws->hosts))) ==
	    NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	json_array_foreach(hosts, i, h) {
		if ((r = parse_host(h, i, &ws->hosts[i], err)) != MCERT_OK)
			return r;
		for (k = 0; k < i; k++) {
			/* Case-insensitively: the files may pass through a
			 * Windows disk on the way to the CA. */
			if (strcasecmp(ws->hosts[k].label, ws->hosts[i].label) ==
			    0)
				return mcert_error_set(err, MCERT_E_PARSE,
				    N_("hosts[%zu].label: '%s' is already "
				    "hosts[%zu]'s; give each server its own"),
				    i, ws->hosts[i].label, k);
			if (strcasecmp(ws->hosts[k].fqdn, ws->hosts[i].fqdn) ==
			    0)
				return mcert_error_set(err, MCERT_E_PARSE,
				    N_("hosts[%zu].fqdn: '%s' is already "
				    "hosts[%zu]'s; give each server its own"),
				    i, ws->hosts[i].fqdn, k);
		}
		ws->nhosts++;
	}
	return MCERT_OK;
}

int
mcert_ws_from_json(json_t *root, const char *name,
    struct mcert_workspace **out, struct mcert_error *err)
{
	struct mcert_workspace *ws;
	struct mcert_error e = { 0 };
	int r;

	*out = NULL;
	if ((ws = calloc(1, sizeof(*ws))) == NULL) {
		json_decref(root);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	ws->root = root;
	if ((r = mcert_ws_refresh(ws, &e)) != MCERT_OK) {
		mcert_ws_free(ws);
		return mcert_error_set(err, r, "%s: %s", name, e.msg);
	}
	*out = ws;
	return MCERT_OK;
}

int
mcert_ws_load(const char *path, struct mcert_workspace **out,
    struct mcert_error *err)
{
	unsigned char *buf;
	json_error_t jerr;
	json_t *root;
	size_t len;
	int r;

	*out = NULL;
	if ((r = mcert_file_read(path, &buf, &len, err)) != MCERT_OK)
		return r;
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (root == NULL)
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: line %d: not a readable workspace (%s); the file is "
		    "damaged, and is left as it is"), path, jerr.line,
		    jerr.text);
	return mcert_ws_from_json(root, path, out, err);
}

int
mcert_ws_save(const struct mcert_workspace *ws, const char *path,
    struct mcert_error *err)
{
	struct mcert_workspace *old = NULL;
	struct mcert_error e = { 0 };
	char *text = NULL, *tmp = NULL;
	size_t len;
	int fd = -1, ret = MCERT_E_IO, r;

	/* Never replace what this meetcert cannot read: it may be a newer
	 * version's, or the only copy of a damaged one. */
	if (mcert_path_exists(path)) {
		if (mcert_ws_load(path, &old, &e) != MCERT_OK)
			return mcert_error_set(err, MCERT_E_IO,
			    N_("%s is left as it is: %s"), path, e.msg);
		mcert_ws_free(old);
	}
	if ((text = json_dumps(ws->root, JSON_INDENT(2) | JSON_SORT_KEYS)) ==
	    NULL || asprintf(&tmp, "%s.tmpXXXXXX", path) == -1) {
		free(text);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	len = strlen(text);
	text[len] = '\n';	/* replaces the NUL: written by length */
	if ((fd = mkstemp(tmp)) == -1) {
		mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write it: %s"),
		    path, strerror(errno));
		goto out;
	}
	r = mcert_write_fd(fd, path, text, len + 1, 0600, err);
	fd = -1;	/* closed */
	if (r != MCERT_OK) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write it: %s"),
		    path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	mcert_sync_parent(path);
	ret = MCERT_OK;
out:
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	free(text);
	free(tmp);
	return ret;
}

void
mcert_ws_free(struct mcert_workspace *ws)
{
	if (ws == NULL)
		return;
	json_decref(ws->root);
	free(ws->hosts);
	free(ws);
}
