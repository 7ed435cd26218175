#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "verify.h"
#include "x509.h"

/* Bounds that stop a hostile bundle (thousands of look-alike CAs) from
 * costing more than a moment: edges examined, complete paths judged. */
#define MAX_EXPANSIONS 20000
#define MAX_PATHS 256
#define MAX_DEPTH 32

struct node {
	struct mcert_cert cert;
	int anchor;
	int expanded;
	int *issuers;		/* indices of certificates that signed this */
	size_t nissuers;
	int name_only;		/* a certificate had the issuer's name only */
};

struct builder {
	struct node *nodes;
	size_t n;
	const struct mcert_verify_opts *opts;
	time_t now;
	int path[MAX_DEPTH + 1];
	size_t depth;
	size_t expansions;
	int budget_out;
	struct mcert_verify_result *res;
	/* The most telling failure so far: a complete path's, else the
	 * deepest dead end. */
	char *why;
	int why_complete;
	size_t why_depth;
	int best_path[MAX_DEPTH + 1];
	size_t best_len;
	int nomem;
};

int
mcert_findings_add(struct mcert_findings *f, enum mcert_level level,
    const char *fmt, ...)
{
	struct mcert_finding *grown;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, mcert_tr(fmt), ap) == -1)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return MCERT_E_NOMEM;
	if ((grown = realloc(f->v, (f->n + 1) * sizeof(*grown))) == NULL) {
		free(text);
		return MCERT_E_NOMEM;
	}
	f->v = grown;
	f->v[f->n].level = level;
	f->v[f->n].text = text;
	f->n++;
	return MCERT_OK;
}

void
mcert_findings_free(struct mcert_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

size_t
mcert_findings_count(const struct mcert_findings *f, enum mcert_level level)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->v[i].level == level;
	return n;
}

char *
mcert_cert_describe(const struct mcert_cert *c)
{
	char *label = mcert_cert_label(c->x509), *out = NULL;

	if (label == NULL)
		return NULL;
	if (c->file != NULL) {
		if (asprintf(&out, "%s #%d (%s)", c->file, c->index, label) ==
		    -1)
			out = NULL;
	} else if (asprintf(&out, "#%d (%s)", c->index, label) == -1) {
		out = NULL;
	}
	free(label);
	return out;
}

/* Records why a path failed, keeping the most telling reason. */
static void
fail(struct builder *b, int complete, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct builder *b, int complete, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (b->why != NULL && (b->why_complete > complete ||
	    (b->why_complete == complete && b->why_depth >= b->depth)))
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, mcert_tr(fmt), ap) == -1) {
		b->nomem = 1;
		va_end(ap);
		return;
	}
	va_end(ap);
	free(b->why);
	b->why = text;
	b->why_complete = complete;
	b->why_depth = b->depth;
	memcpy(b->best_path, b->path, (b->depth + 1) * sizeof(int));
	b->best_len = b->depth + 1;
}

static const char *
describe(struct builder *b, int i)
{
	/* Descriptions live as long as the builder: one per node, lazily. */
	static __thread char buf[4][512];
	static __thread int slot;
	char *d = mcert_cert_describe(&b->nodes[i].cert);
	char *out = buf[slot++ & 3];

	snprintf(out, 512, "%s", d != NULL ? d : "?");
	free(d);
	return out;
}

static char *
time_text(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

static int
akid_mismatch(X509 *child, X509 *issuer)
{
	const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(child);
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(issuer);

	return akid != NULL && skid != NULL &&
	    ASN1_OCTET_STRING_cmp(akid, skid) != 0;
}

/* Finds, once per certificate, which of the others signed it. */
static int
expand(struct builder *b, int i)
{
	struct node *nd = &b->nodes[i];
	X509 *x = nd->cert.x509;
	const X509_NAME *iname = X509_get_issuer_name(x);
	size_t j;

	if (nd->expanded)
		return 0;
	nd->expanded = 1;
	for (j = 0; j < b->n; j++) {
		X509 *c = b->nodes[j].cert.x509;
		EVP_PKEY *pk;
		int *grown;

		if ((int)j == i || X509_NAME_cmp(X509_get_subject_name(c),
		    iname) != 0)
			continue;
		if (++b->expansions > MAX_EXPANSIONS) {
			b->budget_out = 1;
			return 0;
		}
		if (akid_mismatch(x, c) || (pk = X509_get0_pubkey(c)) == NULL ||
		    X509_verify(x, pk) != 1) {
			ERR_clear_error();
			nd->name_only = 1;
			continue;
		}
		grown = realloc(nd->issuers, (nd->nissuers + 1) * sizeof(int));
		if (grown == NULL)
			return -1;
		nd->issuers = grown;
		nd->issuers[nd->nissuers++] = (int)j;
	}
	return 0;
}

static int
in_path(struct builder *b, int j)
{
	size_t k;

	for (k = 0; k <= b->depth; k++)
		if (b->path[k] == j || X509_cmp(b->nodes[b->path[k]].cert.x509,
		    b->nodes[j].cert.x509) == 0)
			return 1;
	return 0;
}

static int
self_issued(X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0;
}

/* guide §2.2: every certificate above the leaf must be marked as a CA. */
static int
check_ca(struct builder *b, int i, int is_anchor)
{
	X509 *x = b->nodes[i].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);
	int marked = 0;

	if (flags & EXFLAG_BCONS) {
		if (!(flags & EXFLAG_CA)) {
			fail(b, 1, N_("%s is used as a CA but its "
			    "basicConstraints say CA:FALSE; the bundle holds a "
			    "server certificate where the issuing CA's "
			    "certificate belongs: get the CA certificate from "
			    "the CA"), describe(b, i));
			return -1;
		}
		marked = 1;
	}
	if (flags & EXFLAG_KUSAGE) {
		if (!(X509_get_key_usage(x) & KU_KEY_CERT_SIGN)) {
			fail(b, 1, N_("%s is used as a CA but its KeyUsage "
			    "lacks keyCertSign; it may not sign certificates: "
			    "use the CA's real CA certificate"), describe(b, i));
			return -1;
		}
		marked = 1;
	}
	if (flags & EXFLAG_NSCERT) {
		ASN1_BIT_STRING *ns = X509_get_ext_d2i(x,
		    NID_netscape_cert_type, NULL, NULL);
		int sslca = ns != NULL && ASN1_BIT_STRING_get_bit(ns, 5);

		ASN1_BIT_STRING_free(ns);
		if (!sslca && !marked) {
			fail(b, 1, N_("%s is used as a CA but its Netscape cert "
			    "type lacks SSL CA; use the CA's real CA "
			    "certificate"), describe(b, i));
			return -1;
		}
		marked |= sslca;
	}
	if (!marked && !is_anchor) {
		fail(b, 1, N_("%s is used as a CA but carries no CA marking "
		    "(basicConstraints CA:TRUE, KeyUsage keyCertSign or Netscape "
		    "SSL CA); get a proper CA certificate from the CA"),
		    describe(b, i));
		return -1;
	}
	return 0;
}

static int
check_time(struct builder *b, int i)
{
	X509 *x = b->nodes[i].cert.x509;
	time_t nb, na;
	char t1[40], t2[40];

	if (mcert_asn1_time(X509_get0_notBefore(x), &nb) != 0 ||
	    mcert_asn1_time(X509_get0_notAfter(x), &na) != 0) {
		fail(b, 1, N_("%s has validity dates that cannot be read; get "
		    "it again from the CA"), describe(b, i));
		return -1;
	}
	if (b->now > na) {
		fail(b, 1, N_("%s expired on %s; %s"), describe(b, i),
		    time_text(na, t1, sizeof(t1)), i == 0 ?
		    mcert_tr(N_("renew it: make a new key and CSR and have it "
		    "signed")) : mcert_tr(N_("get the CA's current certificate "
		    "and put it in the bundle instead")));
		return -1;
	}
	if (b->now < nb) {
		fail(b, 1, N_("%s is not valid until %s (checked at %s); wait, "
		    "or check the clock of the machine that signed it"),
		    describe(b, i), time_text(nb, t1, sizeof(t1)),
		    time_text(b->now, t2, sizeof(t2)));
		return -1;
	}
	return 0;
}

static int
check_extensions(struct builder *b, int i)
{
	X509 *x = b->nodes[i].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);

	if (flags & EXFLAG_INVALID) {
		fail(b, 1, N_("%s has a malformed or duplicated extension; "
		    "the CA must issue it again"), describe(b, i));
		return -1;
	}
	if (flags & EXFLAG_CRITICAL) {
		fail(b, 1, N_("%s has a critical extension that is not "
		    "understood; the Meeting Server will refuse it, ask the CA "
		    "for a certificate without it"), describe(b, i));
		return -1;
	}
	return 0;
}

/* RFC 5280 §4.2.1.9: a CA's pathLenConstraint counts the non-self-issued
 * intermediates below it. */
static int
check_pathlen(struct builder *b, size_t len)
{
	size_t k, m;

	for (k = 1; k < len; k++) {
		X509 *x = b->nodes[b->path[k]].cert.x509;
		long plen = X509_get_pathlen(x);
		long below = 0;

		if (plen < 0)
			continue;
		for (m = 1; m < k; m++)
			below += !self_issued(b->nodes[b->path[m]].cert.x509);
		if (below > plen) {
			fail(b, 1, N_("%s allows %ld intermediate CA(s) below "
			    "it (pathlen) but the chain has %ld; the CA must "
			    "issue from a CA that is allowed to"),
			    describe(b, b->path[k]), plen, below);
			return -1;
		}
	}
	return 0;
}

static int
check_name_constraints(struct builder *b, size_t len)
{
	size_t k, m;

	for (k = 1; k < len; k++) {
		X509 *ca = b->nodes[b->path[k]].cert.x509;
		NAME_CONSTRAINTS *nc = X509_get_ext_d2i(ca,
		    NID_name_constraints, NULL, NULL);
		int r = X509_V_OK;

		if (nc == NULL) {
			ERR_clear_error();
			continue;
		}
		for (m = 0; m < k && r == X509_V_OK; m++) {
			X509 *x = b->nodes[b->path[m]].cert.x509;

			if (m > 0 && self_issued(x))
				continue;
			r = NAME_CONSTRAINTS_check(x, nc);
			if (r == X509_V_OK && m == 0)
				r = NAME_CONSTRAINTS_check_CN(x, nc);
			if (r != X509_V_OK) {
				fail(b, 1, N_("%s carries a name that %s's name "
				    "constraints do not allow (%s); this CA may "
				    "not issue for that name"),
				    describe(b, b->path[m]),
				    describe(b, b->path[k]),
				    X509_verify_cert_error_string(r));
			}
		}
		NAME_CONSTRAINTS_free(nc);
		ERR_clear_error();
		if (r != X509_V_OK)
			return -1;
	}
	return 0;
}

/* guide §2.2: the leaf's usages for a client or a server connection. */
static int
check_role(struct builder *b)
{
	X509 *x = b->nodes[b->path[0]].cert.x509;
	uint32_t flags = X509_get_extension_flags(x);
	int server = b->opts->role == MCERT_ROLE_SERVER;
	uint32_t ku_need = server ? (KU_DIGITAL_SIGNATURE |
	    KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT) : (KU_DIGITAL_SIGNATURE |
	    KU_KEY_AGREEMENT);
	const char *role = server ? "server" : "client";

	if (b->opts->role == MCERT_ROLE_ANY)
		return 0;
	if ((flags & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(x) &
	    (server ? XKU_SSL_SERVER : XKU_SSL_CLIENT))) {
		fail(b, 1, N_("%s cannot be used as a TLS %s: its "
		    "ExtendedKeyUsage lacks %s; have it signed again with a "
		    "template that includes %s"), describe(b, b->path[0]), role,
		    server ? "serverAuth (TLS Web Server Authentication)" :
		    "clientAuth (TLS Web Client Authentication)",
		    server ? "serverAuth" : "clientAuth");
		return -1;
	}
	if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & ku_need)) {
		fail(b, 1, N_("%s cannot be used as a TLS %s: its KeyUsage has "
		    "none of %s; have it signed again with digitalSignature"),
		    describe(b, b->path[0]), role, server ?
		    "digitalSignature, keyEncipherment, keyAgreement" :
		    "digitalSignature, keyAgreement");
		return -1;
	}
	if (flags & EXFLAG_NSCERT) {
		ASN1_BIT_STRING *ns = X509_get_ext_d2i(x,
		    NID_netscape_cert_type, NULL, NULL);
		int ok = ns != NULL && ASN1_BIT_STRING_get_bit(ns, server ? 1 : 0);

		ASN1_BIT_STRING_free(ns);
		if (!ok) {
			fail(b, 1, N_("%s cannot be used as a TLS %s: its "
			    "Netscape cert type lacks SSL %s; have it signed "
			    "again without that extension or with the bit set"),
			    describe(b, b->path[0]), role,
			    server ? "Server" : "Client");
			return -1;
		}
	}
	return 0;
}

static int
has_dns_san(X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	int i, found = 0;

	for (i = 0; i < sk_GENERAL_NAME_num(gens) && !found; i++)
		found = sk_GENERAL_NAME_value(gens, i)->type == GEN_DNS;
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return found;
}

static int
is_ip(const char *name)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

/* The name check; *by_cn is set when only the subject CN matched. */
static int
check_name(struct builder *b, int *by_cn)
{
	X509 *x = b->nodes[b->path[0]].cert.x509;
	const char *name = b->opts->name;
	unsigned int fl = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
	int r;

	*by_cn = 0;
	if (name == NULL)
		return 0;
	if (is_ip(name)) {
		r = X509_check_ip_asc(x, name, 0);
	} else {
		r = X509_check_host(x, name, 0,
		    fl | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL);
		if (r != 1 && !has_dns_san(x)) {
			r = X509_check_host(x, name, 0, fl, NULL);
			*by_cn = r == 1;
		}
	}
	ERR_clear_error();
	if (r != 1) {
		fail(b, 1, N_("%s is not valid for %s: the name is not in its "
		    "subjectAltName; make a new CSR with %s in subjectAltName"),
		    describe(b, b->path[0]), name, name);
		return -1;
	}
	return 0;
}

static int
check_path(struct builder *b)
{
	size_t len = b->depth + 1, k, inter;
	int by_cn;

	b->res->paths_tried++;
	inter = len >= 2 ? len - 2 : 0;
	if (b->opts->max_depth >= 0 && inter > (size_t)b->opts->max_depth) {
		fail(b, 1, N_("the chain through %s has %zu intermediate CAs, "
		    "more than the %d allowed"), describe(b, b->path[len - 1]),
		    inter, b->opts->max_depth);
		return -1;
	}
	for (k = 0; k < len; k++) {
		if (check_extensions(b, b->path[k]) != 0 ||
		    check_time(b, b->path[k]) != 0)
			return -1;
		if (k > 0 && check_ca(b, b->path[k], k == len - 1) != 0)
			return -1;
	}
	if (check_pathlen(b, len) != 0 || check_name_constraints(b, len) != 0 ||
	    check_role(b) != 0 || check_name(b, &by_cn) != 0)
		return -1;
	if (by_cn)
		mcert_findings_add(&b->res->findings, MCERT_LEVEL_WARNING,
		    N_("%s matches %s only through its subject CN, which "
		    "browsers and the Meeting Server's peers ignore; reissue it "
		    "with %s in subjectAltName"), describe(b, b->path[0]),
		    b->opts->name, b->opts->name);
	return 0;
}

static int
dfs(struct builder *b)
{
	int cur = b->path[b->depth];
	struct node *nd = &b->nodes[cur];
	size_t k;

	if (nd->anchor) {
		if (b->res->paths_tried >= MAX_PATHS) {
			b->budget_out = 1;
			return 0;
		}
		return check_path(b) == 0 ? 1 : 0;
	}
	if (b->depth >= MAX_DEPTH) {
		fail(b, 0, N_("the chain above %s is longer than %d "
		    "certificates; the bundle loops or is not a chain"),
		    describe(b, cur), MAX_DEPTH);
		return 0;
	}
	if (expand(b, cur) != 0) {
		b->nomem = 1;
		return 0;
	}
	/* Trust anchors first: the shortest trusted path is the likeliest. */
	for (int pass = 0; pass < 2; pass++) {
		for (k = 0; k < nd->nissuers; k++) {
			int j = nd->issuers[k];

			if (b->nodes[j].anchor != (pass == 0) || in_path(b, j))
				continue;
			b->path[++b->depth] = j;
			if (dfs(b))
				return 1;
			b->depth--;
			if (b->budget_out || b->nomem)
				return 0;
		}
	}
	if (nd->nissuers == 0) {
		char *issuer = mcert_name_oneline(X509_get_issuer_name(
		    nd->cert.x509));

		if (mcert_is_self_signed(nd->cert.x509))
			fail(b, 0, N_("the chain ends at %s, a self-signed "
			    "certificate that is not trusted; give it as the CA "
			    "file if it is your root, or add --system"),
			    describe(b, cur));
		else if (nd->name_only)
			fail(b, 0, N_("no certificate given signed %s: one has "
			    "the issuer's name %s but another key (a renewed "
			    "CA?); get the issuing CA's current certificate"),
			    describe(b, cur), issuer != NULL ? issuer : "?");
		else
			fail(b, 0, N_("the issuer of %s (%s) is missing; add "
			    "its certificate from the CA to the bundle"),
			    describe(b, cur), issuer != NULL ? issuer : "?");
		free(issuer);
	}
	return 0;
}

static int
add_node(struct builder *b, const struct mcert_cert *c, int anchor)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (X509_cmp(b->nodes[i].cert.x509, c->x509) == 0) {
			b->nodes[i].anchor |= anchor;
			return (int)i;
		}
	}
	X509_check_purpose(c->x509, -1, 0);	/* caches the extensions */
	b->nodes[b->n].cert = *c;
	b->nodes[b->n].anchor = anchor;
	return (int)b->n++;
}

/* guide §1.2.4: a bundle holds the issuer of the leaf first, the root last;
 * certificates of one file along the path must come in that order. */
static void
order_findings(struct builder *b)
{
	struct mcert_verify_result *res = b->res;
	size_t k, m;

	for (k = 1; k < res->nchain; k++) {
		for (m = k + 1; m < res->nchain; m++) {
			const struct mcert_cert *lo = &res->chain[k];
			const struct mcert_cert *hi = &res->chain[m];
			char *dl, *dh;

			if (lo->file == NULL || hi->file == NULL ||
			    strcmp(lo->file, hi->file) != 0 ||
			    hi->index > lo->index)
				continue;
			dl = mcert_cert_describe(lo);
			dh = mcert_cert_describe(hi);
			mcert_findings_add(&res->findings, MCERT_LEVEL_WARNING,
			    N_("%s is not in the guide's order: %s comes "
			    "before %s, which it issued; write the issuer of "
			    "the leaf first and the root last (meetcert bundle "
			    "does it)"), lo->file, dh ? dh : "?", dl ? dl : "?");
			free(dl);
			free(dh);
			return;
		}
	}
}

static void
chain_warnings(struct builder *b)
{
	struct mcert_verify_result *res = b->res;
	size_t k;

	for (k = 0; k < res->nchain; k++) {
		X509 *x = res->chain[k].x509;
		time_t na;
		char *d;

		if (mcert_asn1_time(X509_get0_notAfter(x), &na) != 0 ||
		    na - b->now >= (time_t)MCERT_EXPIRES_SOON_DAYS * 86400)
			continue;
		d = mcert_cert_describe(&res->chain[k]);
		mcert_findings_add(&res->findings, MCERT_LEVEL_WARNING,
		    N_("%s expires in %ld day(s); renew it before then"),
		    d ? d : "?", (long)((na - b->now) / 86400));
		free(d);
	}
	order_findings(b);
}

int
mcert_verify(const struct mcert_cert *leaf,
    const struct mcert_cert *untrusted, size_t nuntrusted,
    const struct mcert_cert *anchors, size_t nanchors,
    const struct mcert_verify_opts *opts, struct mcert_verify_result *res,
    struct mcert_error *err)
{
	struct builder b;
	size_t i;
	int ret = MCERT_OK;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	b.opts = opts;
	b.res = res;
	b.now = opts->has_time ? opts->at : time(NULL);
	b.nodes = calloc(1 + nuntrusted + nanchors, sizeof(*b.nodes));
	if (b.nodes == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	for (i = 0; i < nanchors; i++)
		add_node(&b, &anchors[i], 1);
	b.path[0] = add_node(&b, leaf, 0);
	for (i = 0; i < nuntrusted; i++)
		add_node(&b, &untrusted[i], 0);
	b.nodes[b.path[0]].cert = *leaf;	/* name it as the user gave it */

	res->ok = dfs(&b);
	if (b.nomem) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	if (res->ok) {
		b.best_len = b.depth + 1;
		memcpy(b.best_path, b.path, b.best_len * sizeof(int));
	}
	if ((res->chain = calloc(b.best_len ? b.best_len : 1,
	    sizeof(*res->chain))) == NULL) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		goto out;
	}
	for (i = 0; i < b.best_len; i++)
		res->chain[i] = b.nodes[b.best_path[i]].cert;
	res->nchain = b.best_len;
	if (res->ok) {
		chain_warnings(&b);
	} else if (b.why != NULL && !(b.budget_out && !b.why_complete)) {
		mcert_findings_add(&res->findings, MCERT_LEVEL_ERROR, "%s",
		    b.why);
	} else if (b.budget_out) {
		mcert_findings_add(&res->findings, MCERT_LEVEL_ERROR,
		    N_("gave up after trying %zu paths through the bundle; it "
		    "holds too many look-alike CA certificates, keep only the "
		    "chain of this certificate"), res->paths_tried);
	} else {
		mcert_findings_add(&res->findings, MCERT_LEVEL_ERROR,
		    N_("no trusted path was found; give the root CA "
		    "certificate as the CA file"));
	}
out:
	for (i = 0; i < b.n; i++)
		free(b.nodes[i].issuers);
	free(b.nodes);
	free(b.why);
	ERR_clear_error();
	return ret;
}

void
mcert_verify_result_free(struct mcert_verify_result *res)
{
	free(res->chain);
	mcert_findings_free(&res->findings);
	memset(res, 0, sizeof(*res));
}

int
mcert_bundle_format_findings(const struct mcert_file *f,
    struct mcert_findings *out)
{
	const struct mcert_pem_layout *l = &f->layout;
	int r = MCERT_OK;

	if (f->format != MCERT_FMT_PEM) {
		return mcert_findings_add(out, MCERT_LEVEL_WARNING,
		    N_("%s is DER or PKCS#7, not PEM; the Meeting Server wants "
		    "bundles as PEM (meetcert bundle writes them)"), f->path);
	}
	if (l->crlf)
		r |= mcert_findings_add(out, MCERT_LEVEL_WARNING,
		    N_("%s has Windows (CR LF) line ends; write it with LF "
		    "only (meetcert bundle does)"), f->path);
	if (l->blank_between)
		r |= mcert_findings_add(out, MCERT_LEVEL_WARNING,
		    N_("%s has %zu blank line gap(s) between certificates; the "
		    "guide wants each BEGIN on the line after the previous END"),
		    f->path, l->blank_between);
	if (l->text_before || l->text_between || l->text_after)
		r |= mcert_findings_add(out, MCERT_LEVEL_WARNING,
		    N_("%s has text outside the PEM blocks; keep only the "
		    "-----BEGIN/END----- blocks (meetcert bundle does)"),
		    f->path);
	else if (l->newlines_at_end != 1)
		r |= mcert_findings_add(out, MCERT_LEVEL_WARNING,
		    N_("%s ends with %d newline(s) after the last block; the "
		    "guide wants exactly one"), f->path, l->newlines_at_end);
	if (l->bom)
		r |= mcert_findings_add(out, MCERT_LEVEL_WARNING,
		    N_("%s starts with a UTF-8 byte order mark; save it without "
		    "one"), f->path);
	return r != 0 ? MCERT_E_NOMEM : MCERT_OK;
}
