/* meetcert split (leaf and chain out of what the CA returned) and
 * meetcert bundle (full chains and trust bundles in the guide's format). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "cli.h"
#include "files.h"
#include "names.h"
#include "x509.h"

enum { OPT_KEY = 256, OPT_LEAF, OPT_CHAIN, OPT_FULLCHAIN, OPT_TRUST,
	OPT_PASSFD };

struct files {
	struct mcert_file **v;
	size_t n;
	struct mcert_cert *certs;
	size_t ncerts;
};

static void
files_free(struct files *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		mcert_file_free(fs->v[i]);
	free(fs->v);
	free(fs->certs);
}

/* Loads path and appends its certificates; -1 after printing the error. */
static int
files_add(struct files *fs, const char *path)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f, **grown;

	if (mcert_file_load(path, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) !=
	    MCERT_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	if ((grown = realloc(fs->v, (fs->n + 1) * sizeof(*grown))) == NULL) {
		mcert_file_free(f);
		cli_error("%s", _("out of memory"));
		return -1;
	}
	fs->v = grown;
	fs->v[fs->n++] = f;
	if (f->ncert == 0) {
		cli_error(_("%s: holds no certificate"), path);
		return -1;
	}
	if (mcert_file_certs(f, &fs->certs, &fs->ncerts, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Both output names are checked before anything is written. */
static int
check_out(const char *path, enum mcert_file_kind kind)
{
	struct mcert_error err = { 0 };

	if (mcert_name_check_file(path, kind, &err) != MCERT_OK ||
	    (mcert_path_exists(path) && mcert_error_exists(path, &err))) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static int
write_out(const char *path, const struct mcert_cert *c, size_t n)
{
	struct mcert_error err = { 0 };

	if (mcert_bundle_write(path, c, n, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static void
warn_validity(const struct mcert_cert *c, size_t n)
{
	struct mcert_findings w = { NULL, 0 };

	mcert_bundle_validity_findings(c, n, time(NULL), &w);
	cli_print_warnings(&w);
	mcert_findings_free(&w);
}

static void
warn_left_out(const struct files *fs, const struct mcert_cert *chain,
    size_t n)
{
	size_t i, k;

	for (i = 0; i < fs->ncerts; i++) {
		char *d;

		for (k = 0; k < n; k++)
			if (X509_cmp(fs->certs[i].x509, chain[k].x509) == 0)
				break;
		if (k < n)
			continue;
		d = mcert_cert_describe(&fs->certs[i]);
		cli_warning(_("%s is not in the leaf's chain; left out"),
		    d != NULL ? d : "?");
		free(d);
	}
}

static char *
describe_issuer(const struct mcert_cert *c)
{
	return mcert_name_oneline(X509_get_issuer_name(c->x509));
}

static int
run_split(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "leaf", required_argument, NULL, OPT_LEAF },
		{ "chain", required_argument, NULL, OPT_CHAIN },
		{ "passphrase-fd", required_argument, NULL, OPT_PASSFD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_passphrase cp = { .fd = -1 };
	struct mcert_passphrase pp;
	struct mcert_error err = { 0 };
	struct files fs = { NULL, 0, NULL, 0 };
	struct mcert_file *kf = NULL;
	const struct mcert_object *ko = NULL;
	const char *keypath = NULL, *leafout = NULL, *chainout = NULL;
	struct mcert_cert *chain = NULL;
	size_t nchain = 0, leaf;
	int c, complete, ret = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KEY:
			keypath = optarg;
			break;
		case OPT_LEAF:
			leafout = optarg;
			break;
		case OPT_CHAIN:
			chainout = optarg;
			break;
		case OPT_PASSFD:
			if ((cp.fd = cli_parse_fd(optarg)) < 0)
				return CLI_USAGE;
			break;
		default:
			return cli_usage(&cmd_split);
		}
	}
	if (argc - optind != 1 || leafout == NULL || chainout == NULL)
		return cli_usage(&cmd_split);
	if (strcmp(leafout, chainout) == 0) {
		cli_error(_("--leaf and --chain name the same file %s; give two "
		    "names"), leafout);
		return CLI_USAGE;
	}
	if (check_out(leafout, MCERT_FILE_CERT) != 0 ||
	    check_out(chainout, MCERT_FILE_BUNDLE) != 0 ||
	    files_add(&fs, argv[optind]) != 0)
		goto out;
	if (keypath != NULL) {
		cli_passphrase_init(&cp, &pp);
		if ((ko = cli_load_one(keypath, MCERT_KIND_KEY, _("private key"),
		    &pp, &kf)) == NULL)
			goto out;
	}
	if (mcert_chain_pick_leaf(fs.certs, fs.ncerts, ko ? ko->key : NULL,
	    &leaf, &err) != MCERT_OK) {
		cli_error("%s: %s", argv[optind], err.msg);
		ret = cli_exit_for(err.code);
		goto out;
	}
	if (mcert_chain_order(&fs.certs[leaf], fs.certs, fs.ncerts, &chain,
	    &nchain, &complete, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (write_out(leafout, chain, 1) != 0)
		goto out;
	printf(_("Wrote the leaf to %s\n"), leafout);
	if (nchain > 1) {
		if (write_out(chainout, chain + 1, nchain - 1) != 0)
			goto out;
		printf(ngettext("Wrote %zu chain certificate to %s (issuer of "
		    "the leaf first, root last)\n", "Wrote %zu chain "
		    "certificates to %s (issuer of the leaf first, root last)\n",
		    nchain - 1), nchain - 1, chainout);
	} else {
		cli_warning(_("%s holds no chain for the leaf, so %s was not "
		    "written; get the intermediate and root certificates from "
		    "the CA"), argv[optind], chainout);
	}
	if (!complete && nchain > 1) {
		char *issuer = describe_issuer(&chain[nchain - 1]);

		cli_warning(_("the chain ends below its root: add the "
		    "certificate of \"%s\" (from the CA) before bundling"),
		    issuer != NULL ? issuer : "?");
		free(issuer);
	}
	warn_left_out(&fs, chain, nchain);
	warn_validity(chain, nchain);
	ret = CLI_OK;
out:
	free(chain);
	mcert_file_free(kf);
	files_free(&fs);
	return ret;
}

static int
run_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fullchain", required_argument, NULL, OPT_FULLCHAIN },
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct files fs = { NULL, 0, NULL, 0 };
	struct mcert_error err = { 0 };
	struct mcert_cert *chain = NULL;
	const char *out = NULL;
	size_t nchain = 0, leaf;
	int c, trust = -1, complete, ret = CLI_USAGE, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((c != OPT_FULLCHAIN && c != OPT_TRUST) || trust != -1)
			return cli_usage(&cmd_bundle);
		trust = c == OPT_TRUST;
		out = optarg;
	}
	if (trust == -1 || optind >= argc)
		return cli_usage(&cmd_bundle);
	if (check_out(out, MCERT_FILE_BUNDLE) != 0)
		goto done;
	for (i = optind; i < argc; i++)
		if (files_add(&fs, argv[i]) != 0)
			goto done;
	if (trust) {
		/* A trust bundle is a set: written in the order given. */
		if (write_out(out, fs.certs, fs.ncerts) != 0)
			goto done;
		printf(_("Wrote the trust bundle %s\n"), out);
		warn_validity(fs.certs, fs.ncerts);
		ret = CLI_OK;
		goto done;
	}
	/* LEAF may be a whole chain in any order: its leaf is the one that
	 * issued none of the others. */
	if (mcert_chain_pick_leaf(fs.certs, fs.v[0]->ncert, NULL, &leaf, &err)
	    != MCERT_OK) {
		cli_error("%s: %s", argv[optind], err.msg);
		ret = cli_exit_for(err.code);
		goto done;
	}
	if (mcert_chain_order(&fs.certs[leaf], fs.certs, fs.ncerts, &chain,
	    &nchain, &complete, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto done;
	}
	if (!complete) {
		char *d = mcert_cert_describe(&chain[nchain - 1]);
		char *issuer = describe_issuer(&chain[nchain - 1]);

		cli_error(_("the chain is broken: %s was issued by \"%s\", "
		    "whose certificate is not given; add it (from the CA) and "
		    "run again"), d != NULL ? d : "?",
		    issuer != NULL ? issuer : "?");
		free(d);
		free(issuer);
		ret = CLI_FAIL;
		goto done;
	}
	if (write_out(out, chain, nchain) != 0)
		goto done;
	printf(ngettext("Wrote the full chain %s: %zu certificate, leaf "
	    "first, root last\n", "Wrote the full chain %s: %zu certificates, "
	    "leaf first, root last\n", nchain), out, nchain);
	warn_left_out(&fs, chain, nchain);
	warn_validity(chain, nchain);
	ret = CLI_OK;
done:
	free(chain);
	files_free(&fs);
	return ret;
}

const struct cli_cmd cmd_split = {
	.name = "split",
	.summary = N_("split what the CA returned into the leaf and its chain"),
	.usage = N_("FILE [--key KEY] --leaf OUT --chain OUT"),
	.run = run_split,
};

const struct cli_cmd cmd_bundle = {
	.name = "bundle",
	.summary = N_("write a full chain or a trust bundle in the guide's "
	    "format"),
	.usage = N_("--fullchain OUT LEAF [CHAIN...] | --trust OUT CERT..."),
	.run = run_bundle,
};
