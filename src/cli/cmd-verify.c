#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "cli.h"
#include "timefmt.h"
#include "verify.h"
#include "x509.h"

enum { OPT_BUNDLE = 256, OPT_CA, OPT_ROLE, OPT_NAME, OPT_AT, OPT_SYSTEM,
	OPT_MAX_DEPTH, OPT_CRL };

struct inputs {
	struct mcert_file *files[5];	/* cert, bundle, CA, system, CRL */
	size_t nfiles;
	struct mcert_cert *untrusted, *anchors;
	size_t nuntrusted, nanchors;
};

static int
load(struct inputs *in, const char *path, struct mcert_file **out)
{
	struct mcert_error err = { 0 };

	if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, out, &err) !=
	    0) {
		cli_error("%s", err.msg);
		return -1;
	}
	in->files[in->nfiles++] = *out;
	if ((*out)->ncert == 0) {
		cli_error(_("%s: holds no certificate"), path);
		return -1;
	}
	return 0;
}

static int
append(struct mcert_cert **v, size_t *n, const struct mcert_cert *c)
{
	struct mcert_cert *grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (grown == NULL)
		return -1;
	*v = grown;
	grown[(*n)++] = *c;
	return 0;
}

const char *
cli_system_store(void)
{
	const char *env = getenv(X509_get_default_cert_file_env());

	return env != NULL && *env != '\0' ? env : X509_get_default_cert_file();
}

static void
print_findings(const struct mcert_findings *f, enum mcert_level level)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].level == level)
			printf("  %s%s\n", level == MCERT_LEVEL_WARNING ?
			    _("warning: ") : "", f->v[i].text);
}

int
cli_verify_report(const char *what, const struct mcert_verify_opts *vo,
    const struct mcert_verify_result *res, const struct mcert_findings *extra)
{
	size_t i;
	char *d;

	if (!res->ok) {
		printf(_("%s: FAILED: "), what);
		for (i = 0; i < res->findings.n; i++)
			if (res->findings.v[i].level == MCERT_LEVEL_ERROR)
				printf("%s\n", res->findings.v[i].text);
	} else {
		printf(_("%s: verified"), what);
		if (vo->role != MCERT_ROLE_ANY)
			printf(_(" for a TLS %s"), vo->role == MCERT_ROLE_SERVER ?
			    _("server") : _("client"));
		if (vo->name != NULL)
			printf(_(" named %s"), vo->name);
		printf("\n");
		for (i = 0; i < res->nchain; i++) {
			d = mcert_cert_describe(&res->chain[i]);
			printf("  %s %s%s\n", i == 0 ? _("leaf  ") :
			    i + 1 == res->nchain ? _("anchor") : _("issuer"),
			    d != NULL ? d : "?", i + 1 == res->nchain && i > 0 ?
			    _(" (trusted)") : "");
			free(d);
		}
	}
	print_findings(&res->findings, MCERT_LEVEL_WARNING);
	if (extra != NULL)
		print_findings(extra, MCERT_LEVEL_WARNING);
	return res->ok ? CLI_OK : CLI_FAIL;
}

static int
verify(const char *cert, const char *bundle, const char *ca, int sys,
    const char *crl, struct mcert_verify_opts *vo)
{
	struct inputs in = { { NULL }, 0, NULL, NULL, 0, 0 };
	struct mcert_findings fmt = { NULL, 0 };
	struct mcert_verify_result res;
	struct mcert_error err = { 0 };
	struct mcert_file *cf, *bf = NULL, *af = NULL, *sf = NULL, *rf = NULL;
	X509_CRL **crls = NULL;
	size_t ncrls = 0;
	struct mcert_cert *leafv = NULL;
	size_t nleaf = 0, i;
	int ret = CLI_USAGE;

	if (load(&in, cert, &cf) != 0 ||
	    (bundle != NULL && load(&in, bundle, &bf) != 0) ||
	    (ca != NULL && load(&in, ca, &af) != 0) ||
	    (sys && load(&in, cli_system_store(), &sf) != 0))
		goto out;
	if (crl != NULL) {
		if (mcert_file_load(crl, MCERT_LOAD_KEEP_LOCKED, NULL, &rf,
		    &err) != 0) {
			cli_error("%s", err.msg);
			goto out;
		}
		in.files[in.nfiles++] = rf;
		if (rf->ncrl == 0) {
			cli_error(_("%s: holds no CRL"), crl);
			goto out;
		}
		if (mcert_file_crls(rf, &crls, &ncrls, &err) != 0)
			goto nomem;
		vo->crls = crls;
		vo->ncrls = ncrls;
	}
	/* The first certificate is the one verified; any others in its file
	 * (a full chain, as Web Bridge 3 takes) help build the path. */
	if (mcert_file_certs(cf, &leafv, &nleaf, &err) != 0)
		goto nomem;
	for (i = 1; i < nleaf; i++)
		if (append(&in.untrusted, &in.nuntrusted, &leafv[i]) != 0)
			goto nomem;
	if (bf != NULL && mcert_file_certs(bf, &in.untrusted, &in.nuntrusted,
	    &err) != 0)
		goto nomem;
	if (af != NULL && mcert_file_certs(af, &in.anchors, &in.nanchors,
	    &err) != 0)
		goto nomem;
	if (af == NULL && bf != NULL) {
		/* Without a CA file the bundle's own root is the anchor. */
		for (i = 0; i < in.nuntrusted; i++)
			if (mcert_is_self_signed(in.untrusted[i].x509) &&
			    append(&in.anchors, &in.nanchors,
			    &in.untrusted[i]) != 0)
				goto nomem;
	}
	if (sf != NULL && mcert_file_certs(sf, &in.anchors, &in.nanchors,
	    &err) != 0)
		goto nomem;
	if (mcert_verify(&leafv[0], in.untrusted, in.nuntrusted, in.anchors,
	    in.nanchors, vo, &res, &err) != 0)
		goto nomem;
	if (bf != NULL)
		mcert_bundle_format_findings(bf, &fmt);
	if (nleaf > 1)
		mcert_bundle_format_findings(cf, &fmt);
	ret = cli_verify_report(cert, vo, &res, &fmt);
	mcert_verify_result_free(&res);
	mcert_findings_free(&fmt);
	goto out;
nomem:
	cli_error("%s", err.msg[0] ? err.msg : _("out of memory"));
out:
	free(leafv);
	free(crls);
	free(in.untrusted);
	free(in.anchors);
	for (i = 0; i < in.nfiles; i++)
		mcert_file_free(in.files[i]);
	return ret;
}

int
cli_parse_role(const char *s, enum mcert_role *role)
{
	if (strcmp(s, "server") == 0)
		*role = MCERT_ROLE_SERVER;
	else if (strcmp(s, "client") == 0)
		*role = MCERT_ROLE_CLIENT;
	else if (strcmp(s, "any") == 0)
		*role = MCERT_ROLE_ANY;
	else
		return -1;
	return 0;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, OPT_BUNDLE },
		{ "ca", required_argument, NULL, OPT_CA },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "at", required_argument, NULL, OPT_AT },
		{ "system", no_argument, NULL, OPT_SYSTEM },
		{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
		{ "crl", required_argument, NULL, OPT_CRL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_verify_opts vo = { .role = MCERT_ROLE_ANY,
	    .max_depth = -1 };
	const char *bundle = NULL, *ca = NULL, *crl = NULL;
	long depth;
	char *end;
	int c, sys = 0, npos;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BUNDLE:
			bundle = optarg;
			break;
		case OPT_CA:
			ca = optarg;
			break;
		case OPT_ROLE:
			if (cli_parse_role(optarg, &vo.role) != 0) {
				cli_error(_("--role: '%s' is not server, client "
				    "or any"), optarg);
				return CLI_USAGE;
			}
			break;
		case OPT_NAME:
			if (*optarg == '\0') {
				cli_error(_("--name: give a host name or IP "
				    "address"));
				return CLI_USAGE;
			}
			vo.name = optarg;
			break;
		case OPT_AT:
			if (mcert_time_parse(optarg, &vo.at) != 0) {
				cli_error(_("--at: '%s' is not a time; write it "
				    "as 2026-01-31T12:00:00Z"), optarg);
				return CLI_USAGE;
			}
			vo.has_time = 1;
			break;
		case OPT_SYSTEM:
			sys = 1;
			break;
		case OPT_CRL:
			crl = optarg;
			break;
		case OPT_MAX_DEPTH:
			errno = 0;
			depth = strtol(optarg, &end, 10);
			vo.max_depth = (int)depth;
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    depth < 0 || depth > 64) {
				cli_error(_("--max-depth: '%s' is not a number "
				    "of intermediates from 0 to 64"), optarg);
				return CLI_USAGE;
			}
			break;
		default:
			return cli_usage(&cmd_verify);
		}
	}
	npos = argc - optind;
	if (npos < 1 || npos > 3 || (npos >= 2 && bundle != NULL) ||
	    (npos == 3 && ca != NULL))
		return cli_usage(&cmd_verify);
	if (npos >= 2)
		bundle = argv[optind + 1];
	if (npos == 3)
		ca = argv[optind + 2];
	return verify(argv[optind], bundle, ca, sys, crl, &vo);
}

const struct cli_cmd cmd_verify = {
	.name = "verify",
	.summary = N_("check a certificate's chain and the Meeting Server's "
	    "rules"),
	.usage = N_("CERT [BUNDLE [CA]] [--bundle FILE] [--ca FILE] "
	    "[--role server|client|any] [--name HOST|IP] "
	    "[--at 2026-01-31T12:00:00Z] [--system] [--crl FILE]"),
	.run = run,
};
