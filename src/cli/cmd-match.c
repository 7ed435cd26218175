#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "verify.h"
#include "x509.h"

/* The public key of the first certificate or CSR in f that key matches, or
 * of the first one at all when none does. */
static int
find_match(const struct mcert_file *f, EVP_PKEY *key, const char **what,
    int *index)
{
	size_t i;
	int first = 1;

	for (i = 0; i < f->nobj; i++) {
		const struct mcert_object *o = &f->obj[i];
		EVP_PKEY *pub;

		if (o->kind == MCERT_KIND_CERT)
			pub = X509_get0_pubkey(o->cert);
		else if (o->kind == MCERT_KIND_CSR)
			pub = X509_REQ_get0_pubkey(o->csr);
		else
			continue;
		if (first) {
			*what = o->kind == MCERT_KIND_CERT ? "certificate" :
			    "CSR";
			*index = o->index;
			first = 0;
		}
		if (mcert_key_matches(key, pub)) {
			*what = o->kind == MCERT_KIND_CERT ? "certificate" :
			    "CSR";
			*index = o->index;
			return 1;
		}
	}
	return first ? -1 : 0;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-fd", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_passphrase cp = { .fd = -1 };
	struct mcert_passphrase pp;
	struct mcert_error err = { 0 };
	struct mcert_file *kf = NULL, *cf = NULL;
	const struct mcert_object *ko;
	const char *what = "";
	int c, index = 0, r, ret = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'p' && (cp.fd = cli_parse_fd(optarg)) >= 0)
			continue;
		if (c == 'p')
			return CLI_USAGE;
		return cli_usage(&cmd_match);
	}
	if (argc - optind != 2)
		return cli_usage(&cmd_match);
	cli_passphrase_init(&cp, &pp);
	if (mcert_file_load(argv[optind], 0, &pp, &kf, &err) != 0 ||
	    mcert_file_load(argv[optind + 1], MCERT_LOAD_KEEP_LOCKED, NULL, &cf,
	    &err) != 0) {
		cli_error("%s", err.msg);
		goto out;
	}
	if ((ko = mcert_file_first(kf, MCERT_KIND_KEY)) == NULL) {
		cli_error(_("%s: holds no private key; give the .key file "
		    "first, then the certificate"), kf->path);
		goto out;
	}
	r = find_match(cf, ko->key, &what, &index);
	if (r < 0) {
		cli_error(_("%s: holds no certificate or CSR to match the key "
		    "against"), cf->path);
	} else if (r == 1) {
		printf(_("%s matches %s #%d in %s\n"), kf->path, what, index,
		    cf->path);
		ret = CLI_OK;
	} else {
		printf(_("%s does NOT match %s #%d in %s: they are different "
		    "key pairs; find the key that was made with this "
		    "certificate's CSR, or make a new CSR from this key\n"),
		    kf->path, what, index, cf->path);
		ret = CLI_FAIL;
	}
out:
	mcert_file_free(kf);
	mcert_file_free(cf);
	return ret;
}

const struct cli_cmd cmd_match = {
	.name = "match",
	.summary = N_("check that a private key belongs to a certificate or CSR"),
	.usage = N_("[--passphrase-fd N] KEY CERT"),
	.run = run,
};
