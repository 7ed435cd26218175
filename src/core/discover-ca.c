/* Who signed what (discover-int.h): each certificate's CA, and the
 * database cluster's files, which no status screen names, found by their
 * content among each node's pki list. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "discover-int.h"
#include "x509.h"

/* A certificate of a fetched file that holds just it. */
struct one {
	const struct dv_file *file;
	X509 *x;
	char *cn;
	int ca;
};

static int
issued(X509 *ca, X509 *x)
{
	int ok = ca != x && X509_check_issued(ca, x) == X509_V_OK &&
	    X509_verify(x, X509_get0_pubkey(ca)) == 1;

	mcert_openssl_clear();
	return ok;
}

/* ---- who signed the services' certificates */

/* The certificate among every host's files that issued x, or NULL. */
static X509 *
issuer_of(const struct dv *d, X509 *x)
{
	const struct mcert_object *o;
	size_t i, k, j;

	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nfiles; k++) {
			const struct mcert_file *f = d->h[i].files[k].f;

			for (j = 0; f != NULL && j < f->nobj; j++) {
				o = &f->obj[j];
				if (o->kind == MCERT_KIND_CERT &&
				    issued(o->cert, x))
					return o->cert;
			}
		}
	return NULL;
}

/* The top of x's chain as far as the servers hold it. */
static X509 *
top_of(const struct dv *d, X509 *x)
{
	X509 *up;
	int depth;

	for (depth = 0; depth < 8 && mcert_is_self_signed(x) != 1 &&
	    (up = issuer_of(d, x)) != NULL; depth++)
		x = up;
	return x;
}

/* Whether root signs (through its chain) a certificate of a service that
 * only Meeting Servers and admins see. */
static int
signs_internal(const struct dv *d, X509 *root)
{
	size_t i, k;

	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++) {
			const struct dv_leaf *l = &d->h[i].leaves[k];

			if (l->x != NULL && strcmp(l->s->ca, "internal") == 0 &&
			    X509_cmp(top_of(d, l->x), root) == 0)
				return 1;
		}
	return 0;
}

static const char *
ca_of(const struct dv *d, X509 *x, const char **why)
{
	X509 *top;

	if (mcert_is_self_signed(x) == 1) {
		*why = N_("the bound certificate is self-signed");
		return "self";
	}
	top = top_of(d, x);
	if (mcert_is_self_signed(top) != 1) {
		*why = N_("its root is not on the servers, as with a CA the "
		    "browsers already trust");
		return "public";
	}
	if (signs_internal(d, top)) {
		*why = N_("its root, on the servers, also signs certificates "
		    "only the servers see");
		return "internal";
	}
	*why = N_("its root signs none of the certificates only the servers "
	    "see");
	return "public";
}

static const struct dv_host *
host_by_label(const struct dv *d, const char *label)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		if (strcmp(d->h[i].label, label) == 0)
			return &d->h[i];
	return NULL;
}

/* The live certificate a planned one replaces. */
static X509 *
live_of(const struct dv *d, const struct mcert_plan_cert *c)
{
	const struct dv_host *h;
	const struct dv_leaf *l;
	size_t i, k;

	for (i = 0; i < json_array_size(c->hosts); i++) {
		h = host_by_label(d, json_string_value(json_array_get(c->hosts,
		    i)));
		for (k = 0; h != NULL && k < json_array_size(c->services);
		    k++)
			if ((l = dv_leaf(h, json_string_value(json_array_get(
			    c->services, k)))) != NULL && l->x != NULL)
				return l->x;
	}
	return NULL;
}

static int
set_ca(struct mcert_workspace *ws, const char *name, const char *ca)
{
	json_t *certs = json_object_get(ws->root, "certificates"), *o;

	if (certs == NULL && ((certs = json_object()) == NULL ||
	    json_object_set_new(ws->root, "certificates", certs) != 0))
		return -1;
	if ((o = json_object_get(certs, name)) == NULL && ((o = json_object()) ==
	    NULL || json_object_set_new(certs, name, o) != 0))
		return -1;
	return json_object_set_new(o, "ca", json_string(ca));
}

int
dv_cert_cas(struct dv *d, struct mcert_workspace *ws,
    const struct mcert_plan *p, struct mcert_error *err)
{
	const char *ca, *why;
	char field[320];
	size_t i;
	X509 *x;

	for (i = 0; i < p->ncerts; i++) {
		const struct mcert_plan_cert *c = &p->certs[i];

		if (dv_has(c->services, "database") ||
		    (x = live_of(d, c)) == NULL)
			continue;
		ca = ca_of(d, x, &why);
		if (set_ca(ws, c->name, ca) != 0)
			return mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
		snprintf(field, sizeof(field), "certificates.%s.ca", c->name);
		dv_guess(d, field, "%s: %s", ca, mcert_tr(why));
	}
	return d->nomem ? mcert_error_set(err, MCERT_E_NOMEM,
	    N_("out of memory")) : MCERT_OK;
}

/* ---- the database cluster's files */

static char *
cn_of(X509 *x)
{
	char buf[256];

	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, buf, sizeof(buf)) < 0)
		return NULL;
	return strdup(buf);
}

static size_t
singles(const struct dv_host *h, struct one *v)
{
	const struct mcert_object *o;
	size_t i, n = 0;

	for (i = 0; i < h->nfiles; i++) {
		const struct mcert_file *f = h->files[i].f;

		if (f == NULL || f->ncert != 1 || f->nkey != 0 ||
		    (o = mcert_file_first(f, MCERT_KIND_CERT)) == NULL)
			continue;
		v[n].file = &h->files[i];
		v[n].x = o->cert;
		v[n].cn = cn_of(o->cert);
		v[n].ca = X509_check_ca(o->cert) != 0;
		n++;
	}
	return n;
}

/* Whether a is newer than b: issued later, else the higher generation. */
static int
newer(const struct one *a, const struct one *b)
{
	int c;

	if (b == NULL)
		return 1;
	c = ASN1_TIME_compare(X509_get0_notBefore(a->x),
	    X509_get0_notBefore(b->x));
	if (c != 0)
		return c > 0;
	return mcert_discover_name_generation(a->file->name) >
	    mcert_discover_name_generation(b->file->name);
}

/* The key file (its public half in "keys") of x, or NULL. */
static const char *
key_of(const struct dv_host *h, X509 *x)
{
	const json_t *keys = json_object_get(h->obs, "keys"), *v;
	unsigned char *der = NULL;
	const char *name, *found = NULL;
	char *b64;
	int n = i2d_PUBKEY(X509_get0_pubkey(x), &der);

	if (n <= 0 || (b64 = malloc(4 * (((size_t)n + 2) / 3) + 1)) == NULL) {
		OPENSSL_free(der);
		return NULL;
	}
	EVP_EncodeBlock((unsigned char *)b64, der, n);
	json_object_foreach((json_t *)keys, name, v)
		if (found == NULL && json_is_string(v) &&
		    strcmp(json_string_value(v), b64) == 0)
			found = name;
	free(b64);
	OPENSSL_free(der);
	return found;
}

struct dbfind {
	const struct one *ca, *client, *server;
	const char *client_key, *server_key;
};

static void
find_db(const struct one *v, size_t n, int node, struct dbfind *f)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (v[i].ca || v[i].cn == NULL || strcmp(v[i].cn, "postgres") !=
		    0 || !newer(&v[i], f->client))
			continue;
		for (k = 0; k < n; k++)
			if (v[k].ca && issued(v[k].x, v[i].x)) {
				f->client = &v[i];
				f->ca = &v[k];
			}
	}
	for (i = 0; node && f->ca != NULL && i < n; i++)
		if (!v[i].ca && &v[i] != f->client && (v[i].cn == NULL ||
		    strcmp(v[i].cn, "postgres") != 0) &&
		    issued(f->ca->x, v[i].x) && newer(&v[i], f->server))
			f->server = &v[i];
}

static void
db_host(struct dv *d, struct dv_host *h)
{
	int node = h->dbrole != MCERT_DB_CONNECT;
	struct one *v = calloc(h->nfiles + 1, sizeof(*v));
	struct dbfind f = { 0 };
	char field[128], missing[256] = "";
	size_t n, i;

	if (v == NULL) {
		d->nomem = 1;
		return;
	}
	n = singles(h, v);
	find_db(v, n, node, &f);
	if (f.client != NULL)
		f.client_key = key_of(h, f.client->x);
	if (f.server != NULL)
		f.server_key = key_of(h, f.server->x);
	snprintf(field, sizeof(field), "bound.%s.%s", h->label, h->dbservice);
#define MISSING(c, what) if (!(c)) snprintf(missing + strlen(missing), \
	sizeof(missing) - strlen(missing), "%s%s", *missing ? ", " : "", \
	mcert_tr(what))
	MISSING(f.ca != NULL, N_("a CA certificate that signs one with "
	    "CN=postgres"));
	MISSING(f.client != NULL, N_("the client certificate (CN=postgres)"));
	MISSING(f.client == NULL || f.client_key != NULL, N_("its key"));
	MISSING(!node || f.server != NULL, N_("the server certificate"));
	MISSING(!node || f.server == NULL || f.server_key != NULL,
	    N_("the server key"));
#undef MISSING
	if (*missing != '\0')
		dv_guess(d, field, N_("not found among pki list (%s): the "
		    "renewal replaces them, but a rollback cannot put the old "
		    "ones back"), missing);
	else {
		h->dbbound = node ? json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "server_key", f.server_key, "server_cert",
		    f.server->file->name, "client_key", f.client_key,
		    "client_cert", f.client->file->name, "ca",
		    f.ca->file->name) : json_pack("{s:s, s:s, s:s}",
		    "client_key", f.client_key, "client_cert",
		    f.client->file->name, "ca", f.ca->file->name);
		if (h->dbbound == NULL)
			d->nomem = 1;
		dv_guess(d, field, N_("found among pki list by content "
		    "(database cluster status names no files): %s, the newest "
		    "certificate with CN=postgres, %s, the CA certificate that "
		    "signed it%s%s, keys matched by public key"),
		    f.client->file->name, f.ca->file->name, node ?
		    mcert_tr(N_(", and the server certificate it signed, ")) :
		    "", node ? f.server->file->name : "");
	}
	for (i = 0; i < n; i++)
		free(v[i].cn);
	free(v);
}

void
dv_database(struct dv *d)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		if (d->h[i].dbservice != NULL)
			db_host(d, &d->h[i]);
}
