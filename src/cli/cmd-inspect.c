#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "timefmt.h"
#include "x509.h"

static const char *
validity_word(enum mcert_validity v)
{
	switch (v) {
	case MCERT_EXPIRED:
		return "expired";
	case MCERT_NOT_YET_VALID:
		return "not_yet_valid";
	case MCERT_EXPIRES_SOON:
		return "expires_soon";
	default:
		return "valid";
	}
}

static const char *
san_word(enum mcert_san_kind k)
{
	static const char *const w[] = { "DNS", "IP", "email", "URI", "other" };

	return w[k];
}

static const char *
format_word(enum mcert_format f)
{
	return f == MCERT_FMT_PEM ? "PEM" : f == MCERT_FMT_DER ? "DER" :
	    "PKCS#7";
}

static const char *
kind_word(enum mcert_kind k)
{
	static const char *const w[] = { "certificate", "private_key", "csr",
	    "crl" };

	return w[k];
}

/* A CRL: who issued it, when, how many certificates it revokes. */
static json_t *
crl_object(X509_CRL *crl, int json)
{
	char *issuer = mcert_name_oneline(X509_CRL_get_issuer(crl));
	time_t last = 0, next = 0;
	char t1[32], t2[32];
	int n = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));
	json_t *o = NULL;

	mcert_asn1_time(X509_CRL_get0_lastUpdate(crl), &last);
	mcert_asn1_time(X509_CRL_get0_nextUpdate(crl), &next);
	mcert_time_iso(last, t1, sizeof(t1));
	mcert_time_iso(next, t2, sizeof(t2));
	if (json) {
		o = json_pack("{s:s?, s:s, s:s?, s:i}", "issuer", issuer,
		    "last_update", t1, "next_update",
		    X509_CRL_get0_nextUpdate(crl) ? t2 : NULL, "revoked",
		    n < 0 ? 0 : n);
	} else {
		cli_row(4, 20, _("issuer"), "%s\n", issuer ? issuer : "?");
		cli_row(4, 20, _("last update"), "%s\n", t1);
		cli_row(4, 20, _("next update"), "%s\n",
		    X509_CRL_get0_nextUpdate(crl) ? t2 : "-");
		cli_row(4, 20, _("revoked"), "%d\n", n < 0 ? 0 : n);
	}
	free(issuer);
	return o;
}

/* ---- JSON: the field names are an interface; only ever add to them. */

static json_t *
json_key(const struct mcert_key_info *k)
{
	return json_pack("{s:s, s:i, s:s?}", "type", k->type, "bits", k->bits,
	    "curve", k->curve[0] ? k->curve : NULL);
}

static json_t *
json_san(const struct mcert_san *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "type",
		    san_word(v[i].kind), "value", v[i].value));
	return a;
}

static json_t *
json_cert(const struct mcert_cert_info *ci)
{
	json_t *o, *a;
	char nb[32], na[32];
	unsigned int bit;
	size_t i;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:s, "
	    "s:s, s:b, s:i}",
	    "subject", ci->subject, "issuer", ci->issuer, "serial", ci->serial,
	    "not_before", mcert_time_iso(ci->not_before, nb, sizeof(nb)),
	    "not_after", mcert_time_iso(ci->not_after, na, sizeof(na)),
	    "days_left", (json_int_t)ci->days_left,
	    "status", validity_word(ci->validity),
	    "san", json_san(ci->san, ci->nsan),
	    "key", json_key(&ci->key),
	    "signature_algorithm", ci->sig_alg,
	    "sha256", ci->sha256, "self_signed", ci->self_signed,
	    "version", ci->version);
	if (ci->has_ku) {
		a = json_array();
		for (bit = 1; bit <= MCERT_KU_DECIPHER_ONLY; bit <<= 1)
			if (ci->ku & bit)
				json_array_append_new(a,
				    json_string(mcert_ku_name(bit)));
		json_object_set_new(o, "key_usage", a);
	} else {
		json_object_set_new(o, "key_usage", json_null());
	}
	if (ci->has_eku) {
		a = json_array();
		for (i = 0; i < ci->neku; i++)
			json_array_append_new(a, json_string(ci->eku[i]));
		json_object_set_new(o, "extended_key_usage", a);
	} else {
		json_object_set_new(o, "extended_key_usage", json_null());
	}
	json_object_set_new(o, "basic_constraints", !ci->has_bc ? json_null() :
	    json_pack("{s:b, s:o}", "ca", ci->ca, "pathlen", ci->pathlen >= 0 ?
	    json_integer(ci->pathlen) : json_null()));
	if (ci->has_ns) {
		a = json_array();
		if (ci->ns & MCERT_NS_SSL_CLIENT)
			json_array_append_new(a, json_string("sslClient"));
		if (ci->ns & MCERT_NS_SSL_SERVER)
			json_array_append_new(a, json_string("sslServer"));
		if (ci->ns & MCERT_NS_SSL_CA)
			json_array_append_new(a, json_string("sslCA"));
		json_object_set_new(o, "netscape_cert_type", a);
	} else {
		json_object_set_new(o, "netscape_cert_type", json_null());
	}
	json_object_set_new(o, "subject_key_id", ci->ski ? json_string(ci->ski) :
	    json_null());
	json_object_set_new(o, "authority_key_id", ci->aki ?
	    json_string(ci->aki) : json_null());
	return o;
}

/* ---- Text, laid out like `pki inspect` with one fact per line. */

static void
print_cert(const struct mcert_cert_info *ci)
{
	static const char *const flag[] = { "", " [EXPIRES SOON]", " [EXPIRED]",
	    " [NOT YET VALID]" };
	char nb[32], na[32];
	unsigned int bit;
	size_t i;
	int fi;

	fi = ci->validity == MCERT_EXPIRES_SOON ? 1 : ci->validity ==
	    MCERT_EXPIRED ? 2 : ci->validity == MCERT_NOT_YET_VALID ? 3 : 0;
	cli_row(4, 20, _("subject"), "%s\n", ci->subject);
	cli_row(4, 20, _("issuer"), "%s\n", ci->issuer);
	cli_row(4, 20, _("serial"), "%s\n", ci->serial);
	cli_row(4, 20, _("not before"), "%s\n",
	    mcert_time_iso(ci->not_before, nb, sizeof(nb)));
	cli_row(4, 20, _("not after"), "%s (",
	    mcert_time_iso(ci->not_after, na, sizeof(na)));
	cli_print_days_left(ci->days_left);
	printf(")%s\n", flag[fi]);
	cli_label(4, 20, _("subjectAltName"));
	if (ci->nsan == 0)
		printf("%s", _("(none)"));
	for (i = 0; i < ci->nsan; i++)
		printf("%s%s:%s", i ? ", " : "", san_word(ci->san[i].kind),
		    ci->san[i].value);
	printf("\n");
	cli_row(4, 20, _("public key"), "%s %d%s%s\n", ci->key.type,
	    ci->key.bits, ci->key.curve[0] ? " " : "", ci->key.curve);
	cli_row(4, 20, _("signature"), "%s\n", ci->sig_alg);
	cli_label(4, 20, _("key usage"));
	if (!ci->has_ku)
		printf("%s", _("(absent: any)"));
	for (bit = 1, i = 0; bit <= MCERT_KU_DECIPHER_ONLY; bit <<= 1)
		if (ci->ku & bit)
			printf("%s%s", i++ ? ", " : "", mcert_ku_name(bit));
	printf("\n");
	cli_label(4, 20, _("extended key usage"));
	if (!ci->has_eku)
		printf("%s", _("(absent: any)"));
	for (i = 0; i < ci->neku; i++)
		printf("%s%s", i ? ", " : "", ci->eku[i]);
	printf("\n");
	cli_label(4, 20, _("basic constraints"));
	if (!ci->has_bc)
		printf("%s\n", _("(absent)"));
	else if (ci->pathlen >= 0)
		printf("CA:%s, pathlen:%ld\n", ci->ca ? "TRUE" : "FALSE",
		    ci->pathlen);
	else
		printf("CA:%s\n", ci->ca ? "TRUE" : "FALSE");
	if (ci->has_ns)
		cli_row(4, 20, _("netscape cert type"), "%s%s%s\n",
		    ci->ns & MCERT_NS_SSL_CLIENT ? "sslClient " : "",
		    ci->ns & MCERT_NS_SSL_SERVER ? "sslServer " : "",
		    ci->ns & MCERT_NS_SSL_CA ? "sslCA" : "");
	cli_row(4, 20, _("subject key id"), "%s\n", ci->ski ? ci->ski : "-");
	cli_row(4, 20, _("authority key id"), "%s\n", ci->aki ? ci->aki : "-");
	cli_row(4, 20, _("SHA-256"), "%s\n", ci->sha256);
	cli_row(4, 20, _("self-signed"), "%s\n", ci->self_signed ? _("yes") :
	    _("no"));
}

/* One file at a time, one object at a time: a trust store of hundreds of
 * certificates costs the memory of one. */
struct inspect {
	int json;
	time_t now;
	size_t files;		/* JSON files written so far */
	size_t objects;		/* JSON objects of the current file */
	int begun;
	unsigned int load_flags;
};

static void
json_put(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY);
	json_decref(v);
}

static int
on_begin(void *ctx, const struct mcert_file *f)
{
	struct inspect *in = ctx;

	in->begun = 1;
	in->objects = 0;
	if (in->json) {
		printf("%s\n{\"file\": ", in->files++ ? "," : "");
		json_put(json_string(f->path));
		printf(", \"format\": \"%s\", \"objects\": [",
		    format_word(f->format));
		return 0;
	}
	printf("%s: %s, ", f->path, format_word(f->format));
	printf(ngettext("%zu certificate", "%zu certificates", f->ncert),
	    f->ncert);
	printf(", ");
	printf(ngettext("%zu key", "%zu keys", f->nkey), f->nkey);
	printf(", ");
	printf(ngettext("%zu CSR", "%zu CSRs", f->ncsr), f->ncsr);
	if (f->ncrl > 0) {
		printf(", ");
		printf(ngettext("%zu CRL", "%zu CRLs", f->ncrl), f->ncrl);
	}
	printf("\n");
	return 0;
}

static json_t *
show_cert(const struct inspect *in, const struct mcert_file *f,
    const struct mcert_object *o)
{
	struct mcert_error err = { 0 };
	struct mcert_cert_info ci;
	json_t *jo = NULL;

	if (mcert_cert_info(o->cert, in->now, &ci, &err) != 0) {
		cli_error("%s: #%d: %s", f->path, o->index, err.msg);
		return NULL;
	}
	if (in->json) {
		jo = json_cert(&ci);
	} else {
		printf(_("  certificate #%d\n"), o->index);
		print_cert(&ci);
	}
	mcert_cert_info_free(&ci);
	return jo;
}

static json_t *
show_key(const struct inspect *in, const struct mcert_object *o)
{
	struct mcert_key_info ki;
	json_t *jo;

	mcert_key_info(o->key, &ki);
	if (in->json) {
		jo = json_pack("{s:b, s:s}", "encrypted", o->encrypted,
		    "encoding", o->encoding);
		json_object_set_new(jo, "key", o->key ? json_key(&ki) :
		    json_null());
		return jo;
	}
	printf(_("  private key #%d\n"), o->index);
	if (o->key != NULL)
		cli_row(4, 20, _("type"), "%s %d%s%s\n", ki.type, ki.bits,
		    ki.curve[0] ? " " : "", ki.curve);
	else
		cli_row(4, 20, _("type"), "%s\n", _("(locked: give the "
		    "passphrase with --passphrase-fd to see it)"));
	cli_row(4, 20, _("encoding"), "%s\n", o->encoding);
	cli_row(4, 20, _("encrypted"), "%s\n", o->encrypted ? _("yes") :
	    _("no"));
	return NULL;
}

static json_t *
show_csr(const struct inspect *in, const struct mcert_file *f,
    const struct mcert_object *o)
{
	struct mcert_error err = { 0 };
	struct mcert_csr_info ri;
	json_t *jo = NULL;
	size_t k;

	if (mcert_csr_info(o->csr, &ri, &err) != 0) {
		cli_error("%s: CSR #%d: %s", f->path, o->index, err.msg);
		return NULL;
	}
	if (in->json) {
		jo = json_pack("{s:s, s:o, s:o, s:s, s:b}", "subject",
		    ri.subject, "san", json_san(ri.san, ri.nsan), "key",
		    json_key(&ri.key), "signature_algorithm", ri.sig_alg,
		    "signature_ok", ri.signature_ok);
	} else {
		printf(_("  CSR #%d\n"), o->index);
		cli_row(4, 20, _("subject"), "%s\n", ri.subject);
		cli_label(4, 20, _("subjectAltName"));
		if (ri.nsan == 0)
			printf("%s", _("(none)"));
		for (k = 0; k < ri.nsan; k++)
			printf("%s%s:%s", k ? ", " : "",
			    san_word(ri.san[k].kind), ri.san[k].value);
		printf("\n");
		cli_row(4, 20, _("public key"), "%s %d%s%s\n",
		    ri.key.type, ri.key.bits, ri.key.curve[0] ? " " : "",
		    ri.key.curve);
		cli_row(4, 20, _("signature"), "%s\n", ri.signature_ok ?
		    _("verifies") : _("DOES NOT VERIFY: the CSR was altered; "
		    "make it again"));
	}
	mcert_csr_info_free(&ri);
	return jo;
}

static int
on_object(void *ctx, const struct mcert_file *f, const struct mcert_object *o)
{
	struct inspect *in = ctx;
	json_t *jo = NULL;

	switch (o->kind) {
	case MCERT_KIND_CERT:
		jo = show_cert(in, f, o);
		break;
	case MCERT_KIND_KEY:
		jo = show_key(in, o);
		break;
	case MCERT_KIND_CSR:
		jo = show_csr(in, f, o);
		break;
	case MCERT_KIND_CRL:
		if (!in->json)
			printf(_("  CRL #%d\n"), o->index);
		jo = crl_object(o->crl, in->json);
		break;
	}
	if (in->json && jo == NULL)
		return MCERT_E_NOMEM;
	if (jo != NULL) {
		json_object_set_new(jo, "kind", json_string(kind_word(o->kind)));
		json_object_set_new(jo, "index", json_integer(o->index));
		printf("%s\n", in->objects++ ? "," : "");
		json_put(jo);
	}
	return 0;
}

static int
inspect_file(struct inspect *in, const char *path,
    const struct mcert_passphrase *pp)
{
	const struct mcert_file_visitor v = { on_begin, on_object, in };
	struct mcert_error err = { 0 };
	int r;

	in->begun = 0;
	r = mcert_file_visit(path, in->load_flags, pp, &v, &err);
	if (in->json && in->begun)
		printf("]}");
	if (r != 0) {
		if (in->json && in->begun)
			fflush(stdout);
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "passphrase-fd", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_passphrase cp = { .fd = -1 };
	struct mcert_passphrase pp;
	struct inspect in = { 0 };
	int c, json = 0, ret = CLI_OK, r, shown = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'p':
			if ((cp.fd = cli_parse_fd(optarg)) < 0)
				return CLI_USAGE;
			break;
		default:
			return cli_usage(&cmd_inspect);
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_inspect);
	cli_passphrase_init(&cp, &pp);
	in.json = json;
	in.now = time(NULL);
	/* Keys stay locked unless a passphrase was given with
	 * --passphrase-fd: inspect never prompts on its own. */
	in.load_flags = cp.fd >= 0 ? 0 : MCERT_LOAD_KEEP_LOCKED;
	if (json)
		printf("{\"files\": [");
	for (; optind < argc; optind++) {
		if (!json && shown++ > 0)
			printf("\n");
		if ((r = inspect_file(&in, argv[optind], &pp)) != CLI_OK)
			ret = r;
	}
	if (json)
		printf("\n]}\n");
	return ret;
}

const struct cli_cmd cmd_inspect = {
	.name = "inspect",
	.summary = N_("show what certificates, keys and CSRs files hold"),
	.usage = N_("[--json] [--passphrase-fd N] FILE..."),
	.run = run,
};
