/* What the bound certificates are taken to mean (discover-int.h): each
 * server's FQDN and label, the deployment's names, the layout, the key
 * type and who signed what.  Everything here is a guess, and says so. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discover-int.h"
#include "mmp.h"
#include "names.h"
#include "x509.h"

static int
is_dns(const char *s)
{
	return s != NULL && !mcert_name_is_ip(s) &&
	    mcert_name_check_fqdn(s, "name", 0, NULL) == MCERT_OK;
}

/* Every name h's certificates carry. */
static int
on_certs(const struct dv_host *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nleaves; i++)
		if (dv_has(h->leaves[i].names, name))
			return 1;
	return 0;
}

static int
elsewhere(const struct dv *d, size_t hi, const char *name)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		if (i != hi && on_certs(&d->h[i], name))
			return 1;
	return 0;
}

/* A name whose first label is label. */
static const char *
first_label_match(const struct dv_host *h, const char *label)
{
	size_t i, k, n = strlen(label);
	const json_t *v;

	for (i = 0; i < h->nleaves; i++)
		json_array_foreach(h->leaves[i].names, k, v) {
			const char *s = json_string_value(v);

			if (is_dns(s) && strncasecmp(s, label, n) == 0 &&
			    s[n] == '.')
				return s;
		}
	return NULL;
}

/* The first name only this host's certificates carry, a CN first. */
static const char *
unique_name(const struct dv *d, size_t hi)
{
	const struct dv_host *h = &d->h[hi];
	size_t i, k;
	const json_t *v;

	for (i = 0; i < h->nleaves; i++)
		if (is_dns(h->leaves[i].cn) && !elsewhere(d, hi,
		    h->leaves[i].cn))
			return h->leaves[i].cn;
	for (i = 0; i < h->nleaves; i++)
		json_array_foreach(h->leaves[i].names, k, v)
			if (is_dns(json_string_value(v)) && !elsewhere(d, hi,
			    json_string_value(v)))
				return json_string_value(v);
	return NULL;
}

/* The domain of the servers found so far, for one that has none. */
static const char *
some_domain(const struct dv *d)
{
	size_t i, k;
	const char *dot;
	const json_t *v;

	for (i = 0; i < d->nh; i++)
		if (d->h[i].fqdn != NULL && (dot = strchr(d->h[i].fqdn, '.')) !=
		    NULL && is_dns(dot + 1))
			return dot + 1;
	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++) {
			v = json_array_get(d->h[i].leaves[k].names, 0);
			if (v != NULL && (dot = strchr(json_string_value(v),
			    '.')) != NULL && is_dns(dot + 1))
				return dot + 1;
		}
	return NULL;
}

static void
fqdn_of(struct dv *d, size_t hi)
{
	struct dv_host *h = &d->h[hi];
	const char *n;
	char field[64];

	snprintf(field, sizeof(field), "hosts[%zu].fqdn", hi);
	if (h->hostfqdn[0] != '\0' && on_certs(h, h->hostfqdn))
		n = h->hostfqdn;
	else if (h->hostname[0] != '\0' && (n = first_label_match(h,
	    h->hostname)) != NULL)
		;
	else if ((n = unique_name(d, hi)) != NULL)
		dv_guess(d, field, N_("%s: the name only this server's "
		    "certificates carry (none begins with its hostname)"), n);
	else if (h->hostfqdn[0] != '\0') {
		n = h->hostfqdn;
		dv_guess(d, field, N_("%s: its hostname; no certificate of it "
		    "names it"), n);
	} else
		return;
	if ((h->fqdn = strdup(n)) == NULL)
		d->nomem = 1;
}

/* A server with no name of its own on a certificate: its hostname in the
 * others' domain. */
static void
fqdn_made_up(struct dv *d, size_t hi)
{
	struct dv_host *h = &d->h[hi];
	const char *dom = some_domain(d);
	char field[64];

	int r;

	snprintf(field, sizeof(field), "hosts[%zu].fqdn", hi);
	if (dom == NULL)
		dom = "invalid";
	if (h->hostname[0] != '\0')
		r = asprintf(&h->fqdn, "%s.%s", h->hostname, dom);
	else
		r = asprintf(&h->fqdn, "cms%zu.%s", hi + 1, dom);
	if (r == -1) {
		h->fqdn = NULL;
		d->nomem = 1;
		return;
	}
	dv_guess(d, field, N_("%s: made up (no certificate of this server "
	    "names it); give its real FQDN"), h->fqdn);
}

static int
label_free(const struct dv *d, size_t hi, const char *label)
{
	static const char *const reserved[] = { "dbca", "dbclusterserver",
	    "dbclusterclient", "deployment", NULL };
	size_t i;

	if (mcert_ws_name_index(reserved, label) >= 0)
		return 0;
	for (i = 0; i < hi; i++)
		if (strcasecmp(d->h[i].label, label) == 0)
			return 0;
	return 1;
}

static void
label_of(struct dv *d, size_t hi)
{
	struct dv_host *h = &d->h[hi];
	char base[40], field[64], *s;
	int n;

	snprintf(field, sizeof(field), "hosts[%zu].label", hi);
	if (h->hostname[0] != '\0' && strlen(h->hostname) <= 32 &&
	    mcert_name_check_basename(h->hostname, NULL) == MCERT_OK)
		snprintf(base, sizeof(base), "%s", h->hostname);
	else {
		char first[256];

		snprintf(first, sizeof(first), "%s", h->fqdn);
		first[strcspn(first, ".")] = '\0';
		if ((s = mcert_name_suggest_basename(first)) == NULL) {
			d->nomem = 1;
			return;
		}
		snprintf(base, 33, "%s", s);
		free(s);
		dv_guess(d, field, N_("%s: from its FQDN (its hostname gave "
		    "none)"), base);
	}
	snprintf(h->label, sizeof(h->label), "%s", base);
	for (n = 2; !label_free(d, hi, h->label) && n < 1000; n++)
		snprintf(h->label, sizeof(h->label), "%.28s-%d", base, n);
	if (n > 2)
		dv_guess(d, field, N_("%s: %s was taken by another server or "
		    "a certificate"), h->label, base);
}

void
dv_fqdns(struct dv *d)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		fqdn_of(d, i);
	for (i = 0; i < d->nh; i++)
		if (d->h[i].fqdn == NULL)
			fqdn_made_up(d, i);
	for (i = 0; i < d->nh && !d->nomem; i++)
		label_of(d, i);
}

/* ---- layout and key type */

void
dv_layout(struct dv *d)
{
	size_t i, k, j, o;

	/* the same certificate on two servers: one for all */
	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++)
			for (j = i + 1; d->h[i].leaves[k].x != NULL &&
			    j < d->nh; j++)
				for (o = 0; o < d->h[j].nleaves; o++)
					if (d->h[j].leaves[o].x != NULL &&
					    strcmp(d->h[i].leaves[k].sha,
					    d->h[j].leaves[o].sha) == 0) {
						d->layout =
						    MCERT_LAYOUT_ONE_FOR_ALL;
						dv_guess(d, "layout", N_("one-"
						    "for-all: %s and %s present "
						    "the same certificate"),
						    d->h[i].fqdn, d->h[j].fqdn);
						return;
					}
	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++)
			for (o = k + 1; d->h[i].leaves[k].x != NULL &&
			    o < d->h[i].nleaves; o++)
				if (d->h[i].leaves[o].x != NULL &&
				    strcmp(d->h[i].leaves[k].sha,
				    d->h[i].leaves[o].sha) != 0) {
					d->layout = MCERT_LAYOUT_PER_SERVICE;
					dv_guess(d, "layout", N_("per-service: "
					    "%s's %s and %s present different "
					    "certificates"), d->h[i].fqdn,
					    d->h[i].leaves[k].s->id,
					    d->h[i].leaves[o].s->id);
					return;
				}
	d->layout = MCERT_LAYOUT_PER_SERVER;
	dv_guess(d, "layout", N_("per-server: each server presents one "
	    "certificate of its own for all its services"));
}

static const char *
keytype_of(X509 *x)
{
	struct mcert_key_info ki;

	if (mcert_key_info(X509_get0_pubkey(x), &ki) != 0)
		return NULL;
	if (strcmp(ki.type, "RSA") == 0)
		return ki.bits >= 4096 ? "rsa4096" : ki.bits >= 3072 ?
		    "rsa3072" : "rsa2048";
	if (strcmp(ki.type, "EC") == 0)
		return ki.bits >= 384 ? "ec384" : "ec256";
	return NULL;
}

void
dv_keytype(struct dv *d)
{
	static const char *const types[] = { "rsa2048", "rsa3072", "rsa4096",
	    "ec256", "ec384", NULL };
	size_t count[5] = { 0 }, i, k, best = 0, n = 0;
	int t;

	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++)
			if (d->h[i].leaves[k].x != NULL && (t =
			    mcert_ws_name_index(types,
			    keytype_of(d->h[i].leaves[k].x))) >= 0) {
				count[t]++;
				n++;
			}
	for (i = 1; i < 5; i++)
		if (count[i] > count[best])
			best = i;
	d->keytype = types[best];
	if (n == 0)
		dv_guess(d, "key", N_("rsa2048: no bound certificate has an "
		    "RSA or EC key to follow"));
	else
		dv_guess(d, "key", N_("%s: as %zu of the %zu bound "
		    "certificates"), d->keytype, count[best], n);
}

/* ---- names */

/* The names every server's certificate for service id carries. */
static json_t *
common_names(const struct dv *d, const char *id, size_t *nhosts)
{
	json_t *out = NULL;
	const struct dv_leaf *l;
	size_t i, k;

	*nhosts = 0;
	for (i = 0; i < d->nh; i++) {
		if ((l = dv_leaf(&d->h[i], id)) == NULL || l->x == NULL)
			continue;
		(*nhosts)++;
		if (out == NULL) {
			out = json_deep_copy(l->names);
			continue;
		}
		for (k = json_array_size(out); k-- > 0;)
			if (!dv_has(l->names, json_string_value(json_array_get(
			    out, k))))
				json_array_remove(out, k);
	}
	return out != NULL ? out : json_array();
}

/* The CN that the certificates of two or more servers share, no
 * server's own. */
static const char *
shared_cn(const struct dv *d)
{
	size_t i, k, j, o;

	for (i = 0; i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++) {
			const char *cn = d->h[i].leaves[k].cn;
			int own = 0;

			for (j = 0; j < d->nh; j++)
				own |= strcasecmp(d->h[j].fqdn, cn != NULL ?
				    cn : "") == 0;
			if (!is_dns(cn) || own)
				continue;
			for (j = i + 1; j < d->nh; j++)
				for (o = 0; o < d->h[j].nleaves; o++)
					if (d->h[j].leaves[o].cn != NULL &&
					    strcasecmp(d->h[j].leaves[o].cn, cn)
					    == 0)
						return cn;
		}
	return NULL;
}

static int
is_host(const struct dv *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nh; i++)
		if (strcasecmp(d->h[i].fqdn, name) == 0)
			return 1;
	return 0;
}

static int
suffix_of(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return lb > la + 1 && b[lb - la - 1] == '.' &&
	    strcasecmp(b + lb - la, a) == 0;
}

/* A bare domain: a suffix of another name or server. */
static int
is_parent(const struct dv *d, const json_t *names, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(names, i, v)
		if (suffix_of(s, json_string_value(v)))
			return 1;
	for (i = 0; i < d->nh; i++)
		if (suffix_of(s, d->h[i].fqdn))
			return 1;
	return 0;
}

static const char *
name(const struct dv *d, const char *key)
{
	return json_string_value(json_object_get(d->names, key));
}

static void
set_name(struct dv *d, const char *key, const char *value, const char *why)
{
	char field[64];

	if (value == NULL || name(d, key) != NULL)
		return;
	snprintf(field, sizeof(field), "names.%s", key);
	if (json_object_set_new(d->names, key, json_string(value)) != 0)
		d->nomem = 1;
	dv_guess(d, field, "%s: %s", value, mcert_tr(why));
}

/* Whether a field of names has s already. */
static int
is_named(const struct dv *d, const char *s)
{
	const char *k;
	json_t *v;

	json_object_foreach(d->names, k, v)
		if (json_is_string(v) && strcasecmp(json_string_value(v), s) ==
		    0)
			return 1;
	return 0;
}

static int
assigned(const struct dv *d, const char *s)
{
	return is_host(d, s) || is_named(d, s);
}

static void
c2w_name(struct dv *d)
{
	size_t n, i;
	json_t *c = common_names(d, "webbridge3-c2w", &n);
	const json_t *v;
	const char *pick = NULL;

	if (d->layout == MCERT_LAYOUT_PER_SERVICE && n > 0) {
		/* its own certificate: the c2w name is its CN */
		for (i = 0; i < d->nh && pick == NULL; i++)
			if (dv_leaf(&d->h[i], "webbridge3-c2w") != NULL)
				pick = dv_leaf(&d->h[i], "webbridge3-c2w")->cn;
		if (pick != NULL && dv_has(c, pick) && (n > 1 ||
		    !is_host(d, pick)))
			set_name(d, "c2w_address", pick, N_("the CN of the "
			    "Web Bridge 3 c2w certificates"));
		json_decref(c);
		return;
	}
	json_array_foreach(c, i, v) {
		const char *s = json_string_value(v);

		if (pick == NULL && (mcert_name_is_ip(s) || is_host(d, s) ||
		    strstr(s, "c2w") != NULL) && !is_named(d, s))
			pick = s;
	}
	if (pick != NULL)
		set_name(d, "c2w_address", pick, n > 1 ? N_("on every Web "
		    "Bridge 3 c2w certificate, a server's own name or an "
		    "address (the Call Bridges reach the web bridges by it)") :
		    N_("on the Web Bridge 3 c2w certificate, a server's own "
		    "name or an address"));
	json_decref(c);
}

static void
join_name(struct dv *d)
{
	size_t n, i;
	json_t *j = common_names(d, "webbridge3-https", &n);
	const json_t *v;
	const char *pick = NULL, *login = NULL;

	for (i = json_array_size(j); i-- > 0;) {
		const char *s = json_string_value(json_array_get(j, i));

		if (!is_dns(s) || assigned(d, s))
			json_array_remove(j, i);
	}
	json_array_foreach(j, i, v)
		if (pick == NULL && !is_parent(d, j, json_string_value(v)))
			pick = json_string_value(v);
	if (pick == NULL && json_array_size(j) > 0)
		pick = json_string_value(json_array_get(j, 0));
	if (pick != NULL)
		set_name(d, "join_url", pick, N_("on the Web Bridge 3 HTTPS "
		    "certificates, no server's own name"));
	else
		for (i = 0; i < d->nh && pick == NULL; i++)
			if (d->h[i].roles & MCERT_HOST_WEBBRIDGE3)
				set_name(d, "join_url", pick = d->h[i].fqdn,
				    N_("no other name on the Web Bridge 3 "
				    "HTTPS certificates: the web bridge's "
				    "own; give the join URL browsers use"));
	json_array_foreach(j, i, v)
		if (login == NULL && !assigned(d, json_string_value(v)) &&
		    is_parent(d, j, json_string_value(v)))
			login = json_string_value(v);
	set_name(d, "login_domain", login, N_("on the Web Bridge 3 HTTPS "
	    "certificates, the domain of the other names"));
	json_decref(j);
}

/* Names on the certificates that have no field yet. */
static void
leftover_names(struct dv *d)
{
	json_t *left = json_array(), *v;
	size_t i, k, j;
	char list[512] = "";

	for (i = 0; left != NULL && i < d->nh; i++)
		for (k = 0; k < d->h[i].nleaves; k++)
			json_array_foreach(d->h[i].leaves[k].names, j, v)
				if (!assigned(d, json_string_value(v)) &&
				    !dv_has(left, json_string_value(v)))
					json_array_append(left, v);
	if (json_array_size(left) == 1 && d->layout != MCERT_LAYOUT_PER_SERVICE &&
	    is_dns(json_string_value(json_array_get(left, 0))))
		set_name(d, "domain", json_string_value(json_array_get(left,
		    0)), N_("on the certificates, and no other field's"));
	else if (json_array_size(left) > 0) {
		json_array_foreach(left, i, v)
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s%s", i > 0 ? ", " : "",
			    json_string_value(v));
		dv_guess(d, "names", N_("the live certificates also carry %s, "
		    "which the renewed ones will not: add each to the "
		    "workspace's names if it is still needed"), list);
	}
	json_decref(left);
}

/* Web Bridge 3's listening ports, from its status screen ("HTTPS listen
 * : a:443", "C2W listen : a:9999": our labels, like the status fields of
 * data/services.json, to be checked against a real server). */
static void
listen_ports(struct dv *d)
{
	static const struct {
		const char *label, *key;
		int def;
	} ports[] = {
		{ "HTTPS listen", "https_port", 443 },
		{ "C2W listen", "c2w_port", 9999 },
	};
	const char *text, *v, *colon;
	char field[64], *end;
	json_t *f;
	size_t i, k;
	long port;

	for (k = 0; k < sizeof(ports) / sizeof(*ports); k++) {
		port = -1;
		for (i = 0; i < d->nh && port < 0; i++) {
			if (!(d->h[i].roles & MCERT_HOST_WEBBRIDGE3) ||
			    (text = json_string_value(json_object_get(
			    json_object_get(d->h[i].obs, "screens"),
			    "webbridge3"))) == NULL)
				continue;
			f = mcert_mmp_fields(text);
			v = json_string_value(json_object_get(f,
			    ports[k].label));
			colon = v != NULL ? strrchr(v, ':') : NULL;
			port = strtol(colon != NULL ? colon + 1 : v != NULL ?
			    v : "", &end, 10);
			if (v == NULL || *end != '\0' || port < 1 ||
			    port > 65535)
				port = -1;
			json_decref(f);
		}
		snprintf(field, sizeof(field), "names.%s", ports[k].key);
		if (port < 0) {		/* the default, as the plan takes it */
			for (i = 0; i < d->nh; i++)
				if (d->h[i].roles & MCERT_HOST_WEBBRIDGE3)
					break;
			if (i < d->nh)
				dv_guess(d, field, "%d: %s", ports[k].def,
				    mcert_tr(N_("no status screen shows it, so "
				    "the default; the renewal probes this "
				    "port")));
			continue;
		}
		if (port != ports[k].def && json_object_set_new(d->names,
		    ports[k].key, json_integer(port)) != 0)
			d->nomem = 1;
		dv_guess(d, field, "%ld: %s", port, mcert_tr(N_("what Web "
		    "Bridge 3's status screen shows it listens on")));
	}
}

void
dv_names(struct dv *d)
{
	listen_ports(d);
	const char *cn = d->nh >= 2 ? shared_cn(d) : NULL;

	if (cn != NULL && d->type == MCERT_DEPLOY_RESILIENT)
		set_name(d, "cluster_fqdn", cn, N_("the CN the servers' "
		    "certificates share"));
	else if (cn != NULL && d->layout == MCERT_LAYOUT_ONE_FOR_ALL)
		set_name(d, "domain", cn, N_("the CN of the certificate the "
		    "servers share"));
	c2w_name(d);
	join_name(d);
	leftover_names(d);
}
