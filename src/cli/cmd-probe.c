#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "cli.h"
#include "names.h"
#include "probe.h"
#include "timefmt.h"
#include "verify.h"
#include "x509.h"

enum { OPT_NAME = 256, OPT_CA, OPT_ROLE, OPT_TIMEOUT, OPT_JSON };

struct probe_cli {
	const char *target;	/* HOST:PORT as given: names it in the report */
	char host[256];
	struct mcert_probe_opts po;
	struct mcert_verify_opts vo;
	int json;
	const char **ca;	/* --ca files; none: the system store */
	size_t nca;
	struct mcert_file **files;
	size_t nfiles;
	struct mcert_cert *anchors;
	size_t nanchors;
	struct mcert_probe_result pr;
	struct mcert_cert *presented;	/* pr.chain, named TARGET #N */
	size_t npresented;
	struct mcert_verify_result res;
	struct mcert_findings extra;	/* what the port presents needlessly */
};

/* "cms1.example.com:443", "192.0.2.10:443", "[2001:db8::10]:443". */
static int
parse_target(struct probe_cli *pc, const char *arg)
{
	const char *host;
	int port = 0;

	if (strlen(arg) < sizeof(pc->host)) {
		memcpy(pc->host, arg, strlen(arg) + 1);
		if (mcert_name_split_hostport(pc->host, &host, &port) != 0)
			port = 0;
	}
	if (port == 0) {
		cli_error(_("'%s' is not HOST:PORT; write it as "
		    "cms1.example.com:443, 192.0.2.10:443 or [2001:db8::10]:443"),
		    arg);
		return -1;
	}
	pc->po.host = host;
	pc->po.port = port;
	pc->target = arg;
	return 0;
}

static int
load_anchors(struct probe_cli *pc, const char *path)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL;

	if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) !=
	    MCERT_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	pc->files[pc->nfiles++] = f;
	if (f->ncert == 0) {
		cli_error(_("%s: holds no certificate"), path);
		return -1;
	}
	if (mcert_file_certs(f, &pc->anchors, &pc->nanchors, &err) !=
	    MCERT_OK) {
		cli_error("%s", err.msg[0] ? err.msg : _("out of memory"));
		return -1;
	}
	return 0;
}

/* The --ca files, else the system store as `verify --system` reads it. */
static int
load_all_anchors(struct probe_cli *pc)
{
	size_t i;

	if ((pc->files = calloc(pc->nca + 1, sizeof(*pc->files))) == NULL) {
		cli_error("%s", _("out of memory"));
		return -1;
	}
	if (pc->nca == 0)
		return load_anchors(pc, cli_system_store());
	for (i = 0; i < pc->nca; i++)
		if (load_anchors(pc, pc->ca[i]) != 0)
			return -1;
	return 0;
}

/* A certificate presented twice, or one the path does not use. */
static int
presented_findings(struct probe_cli *pc)
{
	size_t i, j;
	int r = 0;
	char *d;

	for (i = 1; i < pc->npresented && pc->res.ok; i++) {
		X509 *x = pc->presented[i].x509;

		for (j = 0; j < i && X509_cmp(x, pc->presented[j].x509); j++)
			continue;
		d = mcert_cert_describe(&pc->presented[i]);
		if (j < i)
			r |= mcert_findings_add(&pc->extra, MCERT_LEVEL_WARNING,
			    N_("%s is presented twice (also as #%zu); keep one "
			    "copy in the service's certificate and bundle"),
			    d != NULL ? d : "?", j + 1);
		for (j = 0; j < pc->res.nchain &&
		    X509_cmp(x, pc->res.chain[j].x509); j++)
			continue;
		if (j == pc->res.nchain)
			r |= mcert_findings_add(&pc->extra, MCERT_LEVEL_WARNING,
			    N_("%s is presented but is not on the path to the "
			    "trust anchor; leave it out of the service's "
			    "bundle"),
			    d != NULL ? d : "?");
		free(d);
	}
	return r;
}

static int
judge(struct probe_cli *pc)
{
	struct mcert_error err = { 0 };
	size_t i, n = (size_t)sk_X509_num(pc->pr.chain);

	if ((pc->presented = calloc(n, sizeof(*pc->presented))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		pc->presented[i].x509 = sk_X509_value(pc->pr.chain, (int)i);
		pc->presented[i].file = pc->target;
		pc->presented[i].index = (int)i + 1;
	}
	pc->npresented = n;
	/* The first is the certificate the handshake proved the key of: the
	 * leaf, wherever the rest of the bundle puts it. */
	if (mcert_verify(&pc->presented[0], pc->presented + 1, n - 1,
	    pc->anchors, pc->nanchors, &pc->vo, &pc->res, &err) != MCERT_OK ||
	    presented_findings(pc) != 0)
		goto nomem;
	return 0;
nomem:
	cli_error("%s", err.msg[0] ? err.msg : _("out of memory"));
	return -1;
}

/* ---- Text */

static void
print_presented_one(size_t pos, const struct mcert_cert_info *ci)
{
	char na[32];

	printf(_("  certificate #%zu\n"), pos);
	cli_row(4, 20, _("subject"), "%s\n", ci->subject);
	cli_row(4, 20, _("issuer"), "%s\n", ci->issuer);
	cli_row(4, 20, _("not after"), "%s (",
	    mcert_time_iso(ci->not_after, na, sizeof(na)));
	cli_print_days_left(ci->days_left);
	printf(")\n");
	cli_row(4, 20, _("SHA-256"), "%s\n", ci->sha256);
}

static int
print_presented(const struct probe_cli *pc, time_t now)
{
	struct mcert_error err = { 0 };
	struct mcert_cert_info ci;
	size_t i;

	printf("%s", pc->target);
	if (!mcert_name_is_ip(pc->host) && pc->pr.address[0] != '\0')
		printf(" (%s)", pc->pr.address);
	printf(": %s, %s, ", pc->pr.protocol, pc->pr.cipher);
	printf(ngettext("%zu certificate presented",
	    "%zu certificates presented", pc->npresented), pc->npresented);
	printf("\n");
	for (i = 0; i < pc->npresented; i++) {
		if (mcert_cert_info(pc->presented[i].x509, now, &ci, &err) !=
		    MCERT_OK) {
			cli_error(_("%s #%zu: %s"), pc->target, i + 1, err.msg);
			return -1;
		}
		print_presented_one(i + 1, &ci);
		mcert_cert_info_free(&ci);
	}
	return 0;
}

/* ---- JSON */

static const char *
role_word(enum mcert_role r)
{
	return r == MCERT_ROLE_SERVER ? "server" : r == MCERT_ROLE_CLIENT ?
	    "client" : "any";
}

static json_t *
json_presented(const struct probe_cli *pc, time_t now)
{
	struct mcert_error err = { 0 };
	struct mcert_cert_info ci;
	json_t *a = json_array();
	char na[32];
	size_t i;

	for (i = 0; a != NULL && i < pc->npresented; i++) {
		if (mcert_cert_info(pc->presented[i].x509, now, &ci, &err) !=
		    MCERT_OK) {
			cli_error(_("%s #%zu: %s"), pc->target, i + 1, err.msg);
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:I, "
		    "s:s}", "position", (json_int_t)(i + 1), "subject",
		    ci.subject, "issuer", ci.issuer, "not_after",
		    mcert_time_iso(ci.not_after, na, sizeof(na)), "days_left",
		    (json_int_t)ci.days_left, "sha256", ci.sha256));
		mcert_cert_info_free(&ci);
	}
	return a;
}

static json_t *
json_findings(const struct mcert_findings *f, enum mcert_level level,
    json_t *a)
{
	size_t i;

	for (i = 0; a != NULL && f != NULL && i < f->n; i++)
		if (f->v[i].level == level)
			json_array_append_new(a, json_string(f->v[i].text));
	return a;
}

static json_t *
json_path(const struct mcert_verify_result *res)
{
	json_t *a = json_array();
	size_t i;
	char *d;

	for (i = 0; a != NULL && res->ok && i < res->nchain; i++) {
		d = mcert_cert_describe(&res->chain[i]);
		json_array_append_new(a, json_string(d != NULL ? d : "?"));
		free(d);
	}
	return a;
}

static int
print_json(const struct probe_cli *pc, time_t now)
{
	json_t *o, *presented;

	if ((presented = json_presented(pc, now)) == NULL)
		return -1;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:b, s:o, s:o, "
	    "s:o}", "target", pc->target, "address", pc->pr.address,
	    "protocol", pc->pr.protocol, "cipher", pc->pr.cipher,
	    "role", role_word(pc->vo.role), "name", pc->vo.name,
	    "presented", presented, "verified", pc->res.ok,
	    "path", json_path(&pc->res),
	    "errors", json_findings(&pc->res.findings, MCERT_LEVEL_ERROR,
	    json_array()),
	    "warnings", json_findings(&pc->extra, MCERT_LEVEL_WARNING,
	    json_findings(&pc->res.findings, MCERT_LEVEL_WARNING,
	    json_array())));
	if (o == NULL) {
		cli_error("%s", _("out of memory"));
		return -1;
	}
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(o);
	return 0;
}

/* ---- The command */

static int
probe(struct probe_cli *pc)
{
	struct mcert_error err = { 0 };
	time_t now = time(NULL);

	if (load_all_anchors(pc) != 0)
		return CLI_USAGE;
	if (mcert_probe(&pc->po, &pc->pr, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	if (judge(pc) != 0)
		return CLI_USAGE;
	if (pc->json)
		return print_json(pc, now) != 0 ? CLI_USAGE : pc->res.ok ?
		    CLI_OK : CLI_FAIL;
	if (print_presented(pc, now) != 0)
		return CLI_USAGE;
	return cli_verify_report(pc->target, &pc->vo, &pc->res, &pc->extra);
}

static void
probe_free(struct probe_cli *pc)
{
	size_t i;

	mcert_findings_free(&pc->extra);
	mcert_verify_result_free(&pc->res);
	free(pc->presented);
	mcert_probe_result_free(&pc->pr);
	free(pc->anchors);
	for (i = 0; i < pc->nfiles; i++)
		mcert_file_free(pc->files[i]);
	free(pc->files);
	free(pc->ca);
}

static int
parse_option(struct probe_cli *pc, int c)
{
	switch (c) {
	case OPT_NAME:
		if (*optarg == '\0') {
			cli_error(_("--name: give a host name or IP address"));
			return -1;
		}
		pc->vo.name = optarg;
		return 0;
	case OPT_CA:
		pc->ca[pc->nca++] = optarg;
		return 0;
	case OPT_ROLE:
		if (cli_parse_role(optarg, &pc->vo.role) == 0)
			return 0;
		cli_error(_("--role: '%s' is not server, client or any"),
		    optarg);
		return -1;
	case OPT_TIMEOUT:
		return cli_seconds("--timeout", optarg, 1, 600,
		    &pc->po.timeout_ms);
	case OPT_JSON:
		pc->json = 1;
		return 0;
	default:
		cli_usage(&cmd_probe);
		return -1;
	}
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "ca", required_argument, NULL, OPT_CA },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_cli pc = { .vo = { .role = MCERT_ROLE_SERVER,
	    .max_depth = -1 } };
	int c, ret = CLI_USAGE;

	if ((pc.ca = calloc((size_t)argc, sizeof(*pc.ca))) == NULL) {
		cli_error("%s", _("out of memory"));
		return CLI_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (parse_option(&pc, c) != 0)
			goto out;
	if (argc - optind != 1) {
		cli_usage(&cmd_probe);
		goto out;
	}
	if (parse_target(&pc, argv[optind]) != 0)
		goto out;
	/* A name is checked against the leaf and sent as SNI, which may not
	 * be an address (RFC 6066 §3). */
	if (pc.vo.name == NULL && !mcert_name_is_ip(pc.host))
		pc.vo.name = pc.host;
	if (pc.vo.name != NULL && !mcert_name_is_ip(pc.vo.name))
		pc.po.sni = pc.vo.name;
	ret = probe(&pc);
out:
	probe_free(&pc);
	return ret;
}

const struct cli_cmd cmd_probe = {
	.name = "probe",
	.summary = N_("a live TLS handshake: the chain a port presents, "
	    "verified"),
	.usage = N_("HOST:PORT [--name FQDN] [--ca FILE]... "
	    "[--role server|client|any] [--timeout SECONDS] [--json]"),
	.run = run,
};
