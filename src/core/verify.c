#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "verify.h"
#include "verify-int.h"
#include "x509.h"


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
void
verify_fail(struct builder *b, int complete, const char *fmt, ...)
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

const char *
verify_describe(struct builder *b, int i)
{
	/* One per node, made when first needed, freed with the builder. */
	if (b->nodes[i].desc == NULL &&
	    (b->nodes[i].desc = mcert_cert_describe(&b->nodes[i].cert)) == NULL)
		b->nomem = 1;
	return b->nodes[i].desc != NULL ? b->nodes[i].desc : "?";
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

/* Which certificates can lead to an anchor at all: expand everything the
 * leaf can reach, then spread "leads" down from the anchors.  The search
 * then never walks into a part of the graph with no way out. */
static int
mark_leads(struct builder *b, int leaf)
{
	int *queue, changed = 1;
	size_t head = 0, tail = 0, i, k;

	if ((queue = malloc(b->n * sizeof(int))) == NULL)
		return -1;
	b->nodes[leaf].seen = 1;
	queue[tail++] = leaf;
	while (head < tail) {
		struct node *nd = &b->nodes[queue[head++]];

		if (nd->anchor)
			continue;
		if (expand(b, queue[head - 1]) != 0) {
			free(queue);
			return -1;
		}
		for (k = 0; k < nd->nissuers; k++) {
			if (!b->nodes[nd->issuers[k]].seen) {
				b->nodes[nd->issuers[k]].seen = 1;
				queue[tail++] = nd->issuers[k];
			}
		}
	}
	free(queue);
	for (i = 0; i < b->n; i++)
		b->nodes[i].leads = b->nodes[i].seen && b->nodes[i].anchor;
	while (changed) {
		changed = 0;
		for (i = 0; i < b->n; i++) {
			struct node *nd = &b->nodes[i];

			for (k = 0; !nd->leads && nd->seen && k < nd->nissuers;
			    k++) {
				if (b->nodes[nd->issuers[k]].leads) {
					nd->leads = 1;
					changed = 1;
				}
			}
		}
	}
	return 0;
}

static int
dfs(struct builder *b)
{
	int cur = b->path[b->depth];
	struct node *nd = &b->nodes[cur];
	size_t k;

	if (++b->visits > MAX_VISITS) {
		b->budget_out = 1;
		return 0;
	}
	if (nd->anchor) {
		if (b->res->paths_tried >= MAX_PATHS) {
			b->budget_out = 1;
			return 0;
		}
		return verify_check_path(b) == 0 ? 1 : 0;
	}
	if (b->depth >= MAX_DEPTH) {
		verify_fail(b, 0, N_("the chain above %s is longer than %d "
		    "certificates; the bundle loops or is not a chain"),
		    verify_describe(b, cur), MAX_DEPTH);
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

			if (b->nodes[j].anchor != (pass == 0) ||
			    (b->prune && !b->nodes[j].leads) || in_path(b, j))
				continue;
			b->path[++b->depth] = j;
			if (dfs(b))
				return 1;
			b->depth--;
			if (b->budget_out || b->nomem)
				return 0;
		}
	}
	if (nd->nissuers == 0 && !b->prune) {
		char *issuer = mcert_name_oneline(X509_get_issuer_name(
		    nd->cert.x509));

		if (mcert_is_self_signed(nd->cert.x509))
			verify_fail(b, 0, N_("the chain ends at %s, a self-signed "
			    "certificate that is not trusted; give it as the CA "
			    "file if it is your root, or add --system"),
			    verify_describe(b, cur));
		else if (nd->name_only)
			verify_fail(b, 0, N_("no certificate given signed %s: one has "
			    "the issuer's name %s but another key (a renewed "
			    "CA?); get the issuing CA's current certificate"),
			    verify_describe(b, cur), issuer != NULL ? issuer : "?");
		else
			verify_fail(b, 0, N_("%s was issued by \"%s\", whose "
			    "certificate is not given; add it (from the CA) to "
			    "the bundle"),
			    verify_describe(b, cur), issuer != NULL ? issuer : "?");
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
			/* The same certificate in a second file: keep where
			 * it stands there too, for the bundle-order check. */
			if (!b->nodes[i].has_dup)
				b->nodes[i].dup = *c;
			b->nodes[i].has_dup = 1;
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
	int r;

	/* Each certificate may stand in two files (a root in the bundle and
	 * the CA file): r picks which of its places is compared. */
	for (k = 1; k < b->best_len; k++) {
		for (m = k + 1; m < b->best_len; m++) for (r = 0; r < 4; r++) {
			const struct node *nl = &b->nodes[b->best_path[k]];
			const struct node *nh = &b->nodes[b->best_path[m]];
			const struct mcert_cert *lo = (r & 1) ? &nl->dup :
			    &nl->cert;
			const struct mcert_cert *hi = (r & 2) ? &nh->dup :
			    &nh->cert;
			char *dl, *dh;

			if (((r & 1) && !nl->has_dup) ||
			    ((r & 2) && !nh->has_dup) || lo->file == NULL ||
			    hi->file == NULL || strcmp(lo->file, hi->file) != 0 ||
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

	if (mark_leads(&b, b.path[0]) != 0)
		b.nomem = 1;
	else {
		/* With no way to an anchor at all, the search only looks for
		 * the most telling dead end to report. */
		b.prune = b.nodes[b.path[0]].leads;
		res->ok = dfs(&b);
	}
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
	for (i = 0; i < b.n; i++) {
		free(b.nodes[i].issuers);
		free(b.nodes[i].desc);
	}
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
