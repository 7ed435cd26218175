/* Every certificate bound, with its expiry band (expiry.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "expiry.h"

static const char *const band_names[] = {
	"expired", "30", "60", "90", "ok",
};

static const char *const band_words[] = {
	N_("expired"), N_("within 30"), N_("within 60"), N_("within 90"),
	N_("over 90"),
};

enum mcert_band
mcert_expiry_band(long days)
{
	if (days < 0)
		return MCERT_BAND_EXPIRED;
	if (days <= 30)
		return MCERT_BAND_30;
	if (days <= 60)
		return MCERT_BAND_60;
	if (days <= 90)
		return MCERT_BAND_90;
	return MCERT_BAND_OK;
}

const char *
mcert_expiry_band_name(enum mcert_band b)
{
	return (unsigned)b <= MCERT_BAND_OK ? band_names[b] : "ok";
}

const char *
mcert_expiry_band_words(enum mcert_band b)
{
	return (unsigned)b <= MCERT_BAND_OK ? band_words[b] : band_words[
	    MCERT_BAND_OK];
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

const char *
mcert_expiry_leaf_file(const json_t *s)
{
	static const char *const keys[] = { "cert", "fullchain",
	    "server_cert", "client_cert" };
	const json_t *files = json_object_get(s, "files");
	const char *role = str(s, "role");
	size_t i;

	if (role != NULL && json_is_true(json_object_get(s, "database")))
		return str(files, strcmp(role, "server") == 0 ? "server_cert" :
		    "client_cert");
	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (str(files, keys[i]) != NULL)
			return str(files, keys[i]);
	return NULL;
}

/* The file an issuer above the leaf came from: the bundle (or a database
 * certificate's CA file) bound with it, else the leaf's own full chain. */
static const char *
chain_file(const json_t *s)
{
	const json_t *files = json_object_get(s, "files");

	if (str(files, "bundle") != NULL)
		return str(files, "bundle");
	if (str(files, "ca") != NULL)
		return str(files, "ca");
	return mcert_expiry_leaf_file(s);
}

/* Appends a string to a list unless it is there. */
static int
add_unique(json_t *list, const char *s)
{
	const json_t *v;
	size_t i;

	if (s == NULL)
		return 0;
	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 0;
	return json_array_append_new(list, json_string(s));
}

/* The same certificate: its SHA-256, else its subject and expiry. */
static int
identity(const json_t *c, char *buf, size_t len)
{
	const char *sha = str(c, "sha256"), *subj = str(c, "subject");
	const char *na = str(c, "not_after");
	size_t n;

	if (sha != NULL && *sha != '\0') {
		n = strlen(sha);
		if (n + 2 > len)
			return -1;
		buf[0] = 'h';
		memcpy(buf + 1, sha, n + 1);
		return 0;
	}
	if (subj == NULL || na == NULL || strlen(subj) + strlen(na) + 3 > len)
		return -1;
	buf[0] = 'n';
	memcpy(buf + 1, na, strlen(na));
	buf[1 + strlen(na)] = '|';
	memcpy(buf + 2 + strlen(na), subj, strlen(subj) + 1);
	return 0;
}

static json_t *
new_entry(const char *host, const json_t *c, int leaf)
{
	json_t *e;
	long days = (long)json_integer_value(json_object_get(c, "days_left"));

	e = json_pack("{s:s, s:s, s:s, s:O, s:s, s:I, s:s, s:s, s:s, s:b, "
	    "s:[], s:[], s:[]}", "host", host, "subject", str(c, "subject") ?
	    str(c, "subject") : "", "issuer", str(c, "issuer") ? str(c,
	    "issuer") : "", "san", json_is_array(json_object_get(c, "san")) ?
	    json_object_get(c, "san") : json_null(), "not_after",
	    str(c, "not_after") ? str(c, "not_after") : "", "days_left",
	    (json_int_t)days, "band",
	    mcert_expiry_band_name(mcert_expiry_band(days)), "sha256",
	    str(c, "sha256") ? str(c, "sha256") : "", "kind", leaf ? "leaf" :
	    "chain", "database", 0, "services", "files", "uses");
	if (e == NULL)
		return NULL;
	if (json_is_null(json_object_get(e, "san")))
		json_object_set_new(e, "san", json_array());
	if (leaf) {
		json_object_set(e, "verified", json_is_true(json_object_get(c,
		    "verified")) ? json_true() : json_false());
		json_object_set_new(e, "why", str(c, "why") != NULL ?
		    json_string(str(c, "why")) : json_null());
		json_object_set_new(e, "chain", json_is_array(json_object_get(c,
		    "chain")) ? json_deep_copy(json_object_get(c, "chain")) :
		    json_array());
	} else
		json_object_set_new(e, "issued", json_array());
	return e;
}

/* A service's use of a certificate recorded in its entry. */
static int
add_use(json_t *e, const json_t *s, const char *file, const json_t *leaf)
{
	const char *role = str(s, "role");
	json_t *use;
	int db = json_is_true(json_object_get(s, "database"));

	use = json_pack("{s:s, s:s, s:s?}", "service", str(s, "service") ?
	    str(s, "service") : "", "name", str(s, "name") ? str(s, "name") :
	    "", "file", file);
	if (use == NULL)
		return -1;
	if (role != NULL)
		json_object_set_new(use, "role", json_string(role));
	if (json_array_append_new(json_object_get(e, "uses"), use) != 0 ||
	    add_unique(json_object_get(e, "services"), str(s, "service")) !=
	    0 || add_unique(json_object_get(e, "files"), file) != 0)
		return -1;
	if (db)
		json_object_set(e, "database", json_true());
	if (leaf != NULL && json_object_get(e, "issued") != NULL &&
	    add_unique(json_object_get(e, "issued"), str(leaf, "subject")) != 0)
		return -1;
	return 0;
}

/* c (a leaf, or an issuer above leaf) used by service s on a host: a new
 * entry in seen, or one more use of the entry there. */
static int
note(json_t *seen, json_t *list, const char *host, const json_t *s,
    const json_t *c, const json_t *leaf)
{
	char id[600];
	json_t *e;

	if (json_object_get(c, "days_left") == NULL)
		return 0;
	if (identity(c, id, sizeof(id)) != 0) {
		/* nothing to know it again by: listed on its own */
		if ((e = new_entry(host, c, leaf == NULL)) == NULL ||
		    json_array_append_new(list, e) != 0)
			return -1;
	} else if ((e = json_object_get(seen, id)) == NULL) {
		if ((e = new_entry(host, c, leaf == NULL)) == NULL ||
		    json_object_set_new(seen, id, e) != 0 ||
		    json_array_append(list, e) != 0)
			return -1;
	} else if (leaf == NULL && strcmp(str(e, "kind"), "chain") == 0) {
		/* bound as a leaf somewhere: it is one */
		json_object_set_new(e, "kind", json_string("leaf"));
		json_object_del(e, "issued");
		json_object_set(e, "verified", json_is_true(json_object_get(c,
		    "verified")) ? json_true() : json_false());
		json_object_set_new(e, "why", str(c, "why") != NULL ?
		    json_string(str(c, "why")) : json_null());
		json_object_set_new(e, "chain", json_is_array(json_object_get(c,
		    "chain")) ? json_deep_copy(json_object_get(c, "chain")) :
		    json_array());
	}
	return add_use(e, s, leaf == NULL ? mcert_expiry_leaf_file(s) :
	    chain_file(s), leaf);
}

static int
host_entries(const json_t *h, json_t *list)
{
	const json_t *s, *c, *ch;
	json_t *seen = json_object();
	size_t i, j;
	int r = 0;

	if (seen == NULL)
		return -1;
	json_array_foreach(json_object_get(h, "services"), i, s) {
		c = json_object_get(s, "certificate");
		if (!json_is_object(c) || r != 0)
			continue;
		r = note(seen, list, str(h, "host"), s, c, NULL);
		json_array_foreach(json_object_get(c, "chain"), j, ch)
			if (r == 0)
				r = note(seen, list, str(h, "host"), s, ch, c);
	}
	json_decref(seen);
	return r;
}

static int
by_expiry(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t dx = json_integer_value(json_object_get(x, "days_left"));
	json_int_t dy = json_integer_value(json_object_get(y, "days_left"));
	int c;

	/* within a day, by host: what one server needs stays together (and
	 * the order does not hang on the second each was made in) */
	if (dx != dy)
		return dx < dy ? -1 : 1;
	if ((c = strcmp(str(x, "host"), str(y, "host"))) != 0)
		return c;
	if ((c = strcmp(str(x, "kind"), str(y, "kind"))) != 0)
		return -c;	/* "leaf" before "chain" */
	if ((c = strcmp(str(x, "not_after"), str(y, "not_after"))) != 0)
		return c;
	return strcmp(str(x, "subject"), str(y, "subject"));
}

/* The list sorted soonest first (qsort over the array's items). */
static json_t *
sorted(json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **v = calloc(n + 1, sizeof(*v)), *out = json_array();

	if (v == NULL || out == NULL) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(list, i);
	qsort(v, n, sizeof(*v), by_expiry);
	for (i = 0; i < n; i++)
		if (json_array_append(out, v[i]) != 0) {
			json_decref(out);
			out = NULL;
			break;
		}
	free(v);
	return out;
}

int
mcert_expiry_list(const json_t *status, json_t **out, struct mcert_error *err)
{
	const json_t *h;
	json_t *list = json_array();
	size_t i;
	int r = 0;

	*out = NULL;
	if (list == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	json_array_foreach(json_object_get(status, "hosts"), i, h)
		if (r == 0 && !json_is_string(json_object_get(h, "error")))
			r = host_entries(h, list);
	if (r == 0)
		*out = sorted(list);
	json_decref(list);
	if (*out == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return MCERT_OK;
}

static int
add_unknown(json_t *list, const char *host, const char *service,
    const char *why)
{
	return json_array_append_new(list, json_pack("{s:s, s:s?, s:s}",
	    "host", host != NULL ? host : "", "service", service, "why",
	    why != NULL ? why : ""));
}

json_t *
mcert_expiry_unknown(const json_t *status)
{
	const json_t *h, *s, *c;
	json_t *list = json_array();
	size_t i, k;
	int r = 0;

	if (list == NULL)
		return NULL;
	json_array_foreach(json_object_get(status, "hosts"), i, h) {
		if (json_is_string(json_object_get(h, "error"))) {
			r |= add_unknown(list, str(h, "host"), NULL, str(h,
			    "error"));
			continue;
		}
		json_array_foreach(json_object_get(h, "services"), k, s) {
			c = json_object_get(s, "certificate");
			if (str(s, "verdict") != NULL &&
			    strcmp(str(s, "verdict"), "unknown") == 0)
				r |= add_unknown(list, str(h, "host"), str(s,
				    "service"), str(s, "why"));
			else if (json_is_object(c) &&
			    json_object_get(c, "days_left") == NULL)
				r |= add_unknown(list, str(h, "host"), str(s,
				    "service"), str(c, "why"));
		}
	}
	if (r != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}
