/* What the remote part of discover collects (discover.h): the observed
 * host's files and keys, and which files to fetch. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "discover-int.h"
#include "mmp.h"

static char *
b64_encode(const unsigned char *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out != NULL)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

static json_t *
member(json_t *host, const char *key)
{
	json_t *o = json_object_get(host, key);

	if (!json_is_object(o) && ((o = json_object()) == NULL ||
	    json_object_set_new(host, key, o) != 0))
		return NULL;
	return o;
}

int
mcert_discover_add_file(json_t *host, const char *name,
    const unsigned char *data, size_t len, struct mcert_error *err)
{
	json_t *files = member(host, "files");
	char *b64 = b64_encode(data, len);
	int r = files != NULL && b64 != NULL &&
	    json_object_set_new(files, name, json_string(b64)) == 0;

	free(b64);
	return r ? MCERT_OK : mcert_error_set(err, MCERT_E_NOMEM,
	    N_("out of memory"));
}

static int
skipped(json_t *host, const char *name, const char *why,
    struct mcert_error *err)
{
	json_t *s = member(host, "skipped");

	if (s == NULL || json_object_set_new(s, name, json_string(why)) != 0)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	return MCERT_OK;
}

int
mcert_discover_add_key(json_t *host, const char *name,
    const unsigned char *data, size_t len, struct mcert_error *err)
{
	const struct mcert_object *o;
	struct mcert_file *f = NULL;
	struct mcert_error lerr = { 0 };
	unsigned char *der = NULL;
	char *b64;
	json_t *keys;
	int n, r;

	if (mcert_file_load_mem(data, len, name, MCERT_LOAD_KEEP_LOCKED, NULL,
	    &f, &lerr) != MCERT_OK)
		return skipped(host, name, lerr.msg, err);
	if ((o = mcert_file_first(f, MCERT_KIND_KEY)) == NULL ||
	    o->key == NULL) {
		mcert_file_free(f);
		return skipped(host, name, o == NULL ?
		    mcert_tr(N_("it holds no private key")) :
		    mcert_tr(N_("the key is encrypted")), err);
	}
	n = i2d_PUBKEY(o->key, &der);
	mcert_file_free(f);
	if (n <= 0)
		return skipped(host, name, mcert_tr(N_("its public key cannot "
		    "be encoded")), err);
	keys = member(host, "keys");
	b64 = b64_encode(der, (size_t)n);
	r = keys != NULL && b64 != NULL && json_object_set_new(keys, name,
	    json_string(b64)) == 0 ? MCERT_OK : MCERT_E_NOMEM;
	free(b64);
	OPENSSL_free(der);
	return r == MCERT_OK ? MCERT_OK : mcert_error_set(err, MCERT_E_NOMEM,
	    N_("out of memory"));
}

/* Services read from a status screen.  A variant for an option (the Call
 * Bridge for Lync) binds with the same command as its plain service, and
 * the screen cannot tell them apart: the plain one stands for both. */
int
dv_readable(const struct mcert_services *svc, const struct mcert_service *s)
{
	const char *bind = mcert_service_command(s, "bind");
	size_t i;

	if (s->status_fields == NULL || mcert_service_command(s, "status") ==
	    NULL)
		return 0;
	for (i = 0; s->option != 0 && bind != NULL && i < svc->n; i++)
		if (svc->v[i].option == 0 && mcert_service_command(&svc->v[i],
		    "bind") != NULL && strcmp(mcert_service_command(&svc->v[i],
		    "bind"), bind) == 0)
			return 0;
	return 1;
}

json_t *
mcert_discover_commands(const struct mcert_services *svc)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < svc->n; i++)
		if (dv_readable(svc, &svc->v[i]) && !dv_has(a,
		    mcert_service_command(&svc->v[i], "status")))
			json_array_append_new(a, json_string(
			    mcert_service_command(&svc->v[i], "status")));
	return a;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int
dv_in_cluster(const json_t *db)
{
	const json_t *n;
	size_t i;

	json_array_foreach(json_object_get(db, "nodes"), i, n)
		if (strstr(json_string_value(json_object_get(n, "address")),
		    "(me)") != NULL)
			return 1;
	return 0;
}

/* Database files are named for it, in the guide and the lab. */
static int
db_like(const char *name)
{
	static const char *const hints[] = { "db", "database", "postgres",
	    "cluster", NULL };
	size_t i;
	char low[256];

	for (i = 0; name[i] != '\0' && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	for (i = 0; hints[i] != NULL; i++)
		if (strstr(low, hints[i]) != NULL)
			return 1;
	return 0;
}

static void
want(json_t *list, const char *name, size_t max)
{
	if (name != NULL && json_array_size(list) < max && !dv_has(list, name))
		json_array_append_new(list, json_string(name));
}

static const char *
text_of(const json_t *host, const char *key)
{
	const char *t = json_string_value(json_object_get(host, key));

	return t != NULL ? t : "";
}

static int
cert_name(const char *name)
{
	return ends_with(name, ".crt") || ends_with(name, ".pem") ||
	    ends_with(name, ".cer") || ends_with(name, ".der");
}

/* The files the screens name, into list; their keys into bound_keys. */
static void
screen_files(const json_t *host, const struct mcert_services *svc,
    size_t max, json_t *list, json_t *bound_keys)
{
	const json_t *screens = json_object_get(host, "screens"), *v;
	const char *k, *text;
	json_t *f, *b;
	size_t i;

	for (i = 0; i < svc->n; i++) {
		const struct mcert_service *s = &svc->v[i];

		if (!dv_readable(svc, s) || (text = json_string_value(
		    json_object_get(screens, mcert_service_command(s,
		    "status")))) == NULL)
			continue;
		f = mcert_mmp_fields(text);
		b = mcert_mmp_binding(s, f);
		json_object_foreach(b, k, v) {
			if (!json_is_string(v) || strcmp(k, "enabled") == 0)
				continue;
			if (strcmp(k, "key") == 0)
				json_array_append_new(bound_keys,
				    json_string(json_string_value(v)));
			else
				want(list, json_string_value(v), max);
		}
		json_decref(f);
		json_decref(b);
	}
}

json_t *
mcert_discover_wanted(const json_t *host, const struct mcert_services *svc,
    size_t max, json_t **keys_out)
{
	json_t *list = json_array(), *keys = json_array(), *bound_keys =
	    json_array(), *pki, *db, *v;
	const char *name;
	size_t i, pass;

	if (keys_out != NULL)
		*keys_out = NULL;
	if (list == NULL || keys == NULL || bound_keys == NULL) {
		json_decref(list);
		json_decref(keys);
		json_decref(bound_keys);
		return NULL;
	}
	screen_files(host, svc, max, list, bound_keys);
	db = mcert_mmp_db_status(text_of(host, "database"));
	pki = mcert_mmp_pki_list(text_of(host, "pki_list"));
	/* A node's database files: certificates named for the database, then
	 * their keys, then the other certificates and keys (a service's
	 * bound key is never fetched: its certificate says enough). */
	for (pass = 0; dv_in_cluster(db) && pass < 4; pass++)
		json_array_foreach(pki, i, v) {
			int key = ends_with(name = json_string_value(v), ".key");

			if ((pass < 2) != (db_like(name) != 0) ||
			    (pass % 2 == 1) != key || (!key && !cert_name(name)) ||
			    dv_has(bound_keys, name) || dv_has(list, name) ||
			    json_array_size(list) >= max)
				continue;
			want(list, name, max);
			if (key)
				json_array_append_new(keys, json_string(name));
		}
	json_decref(db);
	json_decref(pki);
	json_decref(bound_keys);
	if (keys_out != NULL)
		*keys_out = keys;
	else
		json_decref(keys);
	return list;
}
