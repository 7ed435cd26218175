/* meetcert sign (as pki sign) and meetcert certreq (the AD CS line). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca.h"
#include "cli.h"
#include "files.h"
#include "names.h"
#include "x509.h"

enum { OPT_DAYS = 256, OPT_USAGE, OPT_DIR, OPT_PASSFD, OPT_TEMPLATE };

static int
run_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "usage", required_argument, NULL, OPT_USAGE },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "passphrase-fd", required_argument, NULL, OPT_PASSFD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_sign_opts so = { .usage = MCERT_USAGE_BOTH, .days = 365 };
	struct cli_passphrase cp = { .fd = -1 };
	struct mcert_passphrase pp;
	struct mcert_error err = { 0 };
	struct mcert_file *rf = NULL, *kf = NULL, *cf = NULL;
	const struct mcert_object *ro, *ko, *co;
	const char *dir = NULL;
	char *csrpath = NULL, *keypath = NULL, *capath = NULL, *outpath = NULL;
	char *end;
	X509 *x = NULL;
	int c, ret = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DAYS:
			so.days = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || so.days < 1 ||
			    so.days > 36500) {
				cli_error(_("--days: '%s' is not a number of days "
				    "from 1 to 36500"), optarg);
				return CLI_USAGE;
			}
			break;
		case OPT_USAGE:
			if (mcert_usage_parse(optarg, &so.usage) != 0) {
				cli_error(_("--usage: '%s' is not server, client, "
				    "both or ca"), optarg);
				return CLI_USAGE;
			}
			break;
		case OPT_DIR:
			dir = optarg;
			break;
		case OPT_PASSFD:
			if ((cp.fd = cli_parse_fd(optarg)) < 0)
				return CLI_USAGE;
			break;
		default:
			return cli_usage(&cmd_sign);
		}
	}
	if (argc - optind != 2)
		return cli_usage(&cmd_sign);
	if (mcert_name_check_basename(argv[optind], &err) != MCERT_OK ||
	    mcert_name_check_basename(argv[optind + 1], &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	cli_passphrase_init(&cp, &pp);
	csrpath = cli_path(dir, argv[optind], "csr");
	outpath = cli_path(dir, argv[optind], "crt");
	keypath = cli_path(dir, argv[optind + 1], "key");
	capath = cli_path(dir, argv[optind + 1], "crt");
	if (mcert_path_exists(outpath)) {
		mcert_error_exists(outpath, &err);
		cli_error("%s", err.msg);
		goto out;
	}
	if ((ro = cli_load_one(csrpath, MCERT_KIND_CSR, _("CSR"), NULL, &rf)) ==
	    NULL || (co = cli_load_one(capath, MCERT_KIND_CERT, _("certificate"),
	    NULL, &cf)) == NULL || (ko = cli_load_one(keypath, MCERT_KIND_KEY,
	    _("private key"), &pp, &kf)) == NULL)
		goto out;
	if (mcert_ca_sign(ro->csr, co->cert, ko->key, &so, &x, &err) !=
	    MCERT_OK) {
		cli_error(_("cannot sign %s with %s: %s"), csrpath, capath,
		    err.msg);
		ret = cli_exit_for(err.code);
		goto out;
	}
	if (mcert_cert_write(outpath, x, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	printf(_("Signed %s with %s into %s (valid %d days)\n"), csrpath,
	    capath, outpath, so.days);
	if (ASN1_TIME_compare(X509_get0_notAfter(co->cert),
	    X509_get0_notAfter(x)) < 0)
		cli_warning(_("%s expires before %s; renew the CA in time or "
		    "the certificate stops being trusted then"), capath,
		    outpath);
	ret = CLI_OK;
out:
	X509_free(x);
	mcert_file_free(rf);
	mcert_file_free(kf);
	mcert_file_free(cf);
	free(csrpath);
	free(keypath);
	free(capath);
	free(outpath);
	return ret;
}

/* guide §3.3: a request to an AD CS internal CA. */
static int
run_certreq(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, OPT_TEMPLATE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* The AD CS template that carries Client and Server Authentication. */
	const char *template = "Computer";
	struct mcert_error err = { 0 };
	int c;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c != OPT_TEMPLATE)
			return cli_usage(&cmd_certreq);
		template = optarg;
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_certreq);
	if (mcert_name_check_basename(argv[optind], &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	for (i = 0; template[i] != '\0'; i++)
		if (template[i] == '"' || template[i] < 0x20)
			break;
	if (*template == '\0' || template[i] != '\0') {
		cli_error(_("--template: '%s' is not a template name; give the "
		    "name as AD CS lists it, such as WebServer"), template);
		return CLI_USAGE;
	}
	printf("certreq -submit -attrib \"CertificateTemplate:%s\" %s.csr "
	    "%s.cer\n", template, argv[optind], argv[optind]);
	return CLI_OK;
}

const struct cli_cmd cmd_sign = {
	.name = "sign",
	.summary = N_("sign BASENAME.csr with a local CA, as pki sign does"),
	.usage = N_("BASENAME CA [--days N] [--usage server|client|both|ca] "
	    "[--dir DIR] [--passphrase-fd N]"),
	.run = run_sign,
};

const struct cli_cmd cmd_certreq = {
	.name = "certreq",
	.summary = N_("print the AD CS certreq line for BASENAME.csr"),
	.usage = N_("BASENAME [--template NAME]"),
	.run = run_certreq,
};
