/* meetcert csr and meetcert selfsigned: a new key with a CSR, or with a
 * self-signed certificate, under names that never replace a file. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ca.h"
#include "cli.h"
#include "csr.h"
#include "files.h"
#include "keygen.h"
#include "names.h"

enum { OPT_KEY = 256, OPT_DIR, OPT_NO_USAGE, OPT_CA, OPT_DAYS, OPT_BATCH };

struct make {
	const struct cli_cmd *cmd;
	int selfsigned;
	enum mcert_keytype keytype;
	const char *dir;
	int usage;		/* csr: ask for KeyUsage and EKU */
	int ca;			/* selfsigned: a CA certificate */
	int days;
	const char *batch;	/* csr: a file of `pki csr` lines, or "-" */
};

static int
parse_options(struct make *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "no-usage", no_argument, NULL, OPT_NO_USAGE },
		{ "ca", no_argument, NULL, OPT_CA },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KEY:
			if (mcert_keytype_parse(optarg, &m->keytype) != 0) {
				cli_error(_("--key: '%s' is not a key type; use "
				    "rsa2048, rsa3072, rsa4096, ec256 or ec384"),
				    optarg);
				return -1;
			}
			break;
		case OPT_DIR:
			m->dir = optarg;
			break;
		case OPT_NO_USAGE:
			if (m->selfsigned)
				goto usage;
			m->usage = 0;
			break;
		case OPT_CA:
			if (!m->selfsigned)
				goto usage;
			m->ca = 1;
			break;
		case OPT_DAYS:
			if (!m->selfsigned)
				goto usage;
			m->days = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || m->days < 1 ||
			    m->days > 36500) {
				cli_error(_("--days: '%s' is not a number of days "
				    "from 1 to 36500"), optarg);
				return -1;
			}
			break;
		case OPT_BATCH:
			if (m->selfsigned)
				goto usage;
			m->batch = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind < argc || m->batch != NULL)
		return 0;
usage:
	cli_usage(m->cmd);
	return -1;
}

/* selfsigned with no CN: pki takes the basename, as `pki selfsigned
 * callbridge` does. */
static int
parse_subject(const struct make *m, const char *basename, int argc,
    char **argv, struct mcert_subject *s, struct mcert_error *err)
{
	char *cn = NULL, **v;
	int i, r, has_cn = 0;

	for (i = 0; i < argc; i++)
		has_cn |= strncmp(argv[i], "CN:", 3) == 0;
	if (!m->selfsigned || has_cn)
		return mcert_subject_parse(argc, argv, m->ca ? MCERT_CN_FREE :
		    MCERT_CN_HOST, s, err);
	if ((v = calloc((size_t)argc + 1, sizeof(char *))) == NULL ||
	    asprintf(&cn, "CN:%s", basename) == -1) {
		free(v);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	v[0] = cn;
	for (i = 0; i < argc; i++)
		v[i + 1] = argv[i];
	r = mcert_subject_parse(argc + 1, v, MCERT_CN_FREE, s, err);
	free(cn);
	free(v);
	return r;
}

static void
print_summary(const struct make *m, const char *basename,
    const struct mcert_subject *s, const char *keypath, const char *outpath)
{
	char *line;
	size_t i;

	if (m->selfsigned)
		printf(_("Created key file %s and %s certificate %s\n"), keypath,
		    m->ca ? _("self-signed CA") : _("self-signed"), outpath);
	else
		printf(_("Created key file %s and CSR %s\n"), keypath, outpath);
	cli_row(2, 16, _("subject"), "CN=%s\n", s->cn);
	cli_label(2, 16, _("subjectAltName"));
	if (s->nsan == 0)
		printf("%s", _("(none)"));
	for (i = 0; i < s->nsan; i++)
		printf("%s%s", i ? "," : "", s->san[i]);
	printf("\n");
	cli_row(2, 16, _("key"), "%s\n", mcert_keytype_name(m->keytype));
	if (!m->selfsigned && (line = mcert_subject_pki_line("csr", basename,
	    s)) != NULL) {
		cli_row(2, 16, _("on the MMP"), "%s\n", line);
		free(line);
	}
	if (!m->ca && s->nsan == 0 &&
	    mcert_name_check_fqdn(s->cn, "CN", 1, NULL) == MCERT_OK)
		cli_warning(_("%s has no subjectAltName; browsers and most "
		    "peers ignore the CN: add subjectAltName:%s"), outpath,
		    s->cn);
}

/* One key with its CSR or certificate, checked before anything is made. */
static int make_batch(struct make *m);
struct item {
	char *basename;
	struct mcert_subject s;
	char *keypath, *outpath;
};

static void
item_free(struct item *it)
{
	free(it->basename);
	mcert_subject_free(&it->s);
	free(it->keypath);
	free(it->outpath);
	memset(it, 0, sizeof(*it));
}

/* Checks names and attributes and that no file would be replaced: all of
 * it before the slow key generation, and before touching disk. */
static int
prepare(const struct make *m, const char *basename, int argc, char **argv,
    struct item *it, struct mcert_error *err)
{
	memset(it, 0, sizeof(*it));
	if (mcert_name_check_basename(basename, err) != MCERT_OK ||
	    parse_subject(m, basename, argc, argv, &it->s, err) != MCERT_OK)
		return -1;
	if ((it->basename = strdup(basename)) == NULL) {
		mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
		return -1;
	}
	it->keypath = cli_path(m->dir, basename, "key");
	it->outpath = cli_path(m->dir, basename, m->selfsigned ? "crt" :
	    "csr");
	if (mcert_path_exists(it->keypath) || mcert_path_exists(it->outpath)) {
		mcert_error_exists(mcert_path_exists(it->keypath) ?
		    it->keypath : it->outpath, err);
		return -1;
	}
	return 0;
}

static int
create(const struct make *m, const struct item *it)
{
	struct mcert_error err = { 0 };
	struct mcert_sign_opts so = { 0 };
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509 *cert = NULL;
	int ret = CLI_USAGE, key_written = 0;

	so.usage = m->ca ? MCERT_USAGE_CA : MCERT_USAGE_BOTH;
	so.days = m->days != 0 ? m->days : m->ca ? 3650 : 365;
	if (mcert_key_generate(m->keytype, &key, &err) != MCERT_OK ||
	    (m->selfsigned ? mcert_ca_selfsign(key, &it->s, &so, &cert, &err) :
	    mcert_csr_build(key, &it->s, m->usage, &req, &err)) != MCERT_OK ||
	    mcert_key_write(it->keypath, key, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	key_written = 1;
	if ((m->selfsigned ? mcert_cert_write(it->outpath, cert, &err) :
	    mcert_csr_write(it->outpath, req, &err)) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	print_summary(m, it->basename, &it->s, it->keypath, it->outpath);
	ret = CLI_OK;
out:
	/* The key is useless without its CSR or certificate: it was made just
	 * now, so it is no one's live key. */
	if (ret != CLI_OK && key_written)
		unlink(it->keypath);
	EVP_PKEY_free(key);
	X509_REQ_free(req);
	X509_free(cert);
	return ret;
}

static int
make(struct make *m, int argc, char **argv)
{
	struct mcert_error err = { 0 };
	struct item it;
	int ret;

	if (parse_options(m, argc, argv) != 0)
		return CLI_USAGE;
	if (m->batch != NULL) {
		if (optind != argc)
			return cli_usage(m->cmd);
		return make_batch(m);
	}
	if (optind >= argc)
		return cli_usage(m->cmd);
	if (prepare(m, argv[optind], argc - optind - 1, argv + optind + 1, &it,
	    &err) != 0) {
		cli_error("%s", err.msg);
		item_free(&it);
		return CLI_USAGE;
	}
	ret = create(m, &it);
	item_free(&it);
	return ret;
}

/* Reads the lines of a batch: "pki csr NAME ATTR..." or "NAME ATTR...";
 * blank lines and "#" comments are skipped. */
static int
read_batch(const struct make *m, struct item **items, size_t *n)
{
	struct mcert_error err = { 0 };
	FILE *fp = strcmp(m->batch, "-") == 0 ? stdin : fopen(m->batch, "r");
	char *line = NULL, **words = NULL;
	size_t cap = 0, nwords, lineno = 0, k, first;
	struct item *grown;
	ssize_t len;
	int ret = -1;

	*items = NULL;
	*n = 0;
	if (fp == NULL) {
		cli_error(_("%s: cannot read it: %s"), m->batch, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		mcert_words_free(words);
		words = NULL;
		if (mcert_pki_line_split(line, &words, &nwords, &err) != 0)
			goto bad;
		if (nwords == 0 || words[0][0] == '#')
			continue;
		first = nwords >= 2 && strcmp(words[0], "pki") == 0 &&
		    strcmp(words[1], "csr") == 0 ? 2 : 0;
		if (first >= nwords) {
			mcert_error_set(&err, MCERT_E_INVALID,
			    N_("no basename after pki csr"));
			goto bad;
		}
		if ((grown = realloc(*items, (*n + 1) * sizeof(**items))) ==
		    NULL) {
			cli_error("%s", _("out of memory"));
			goto out;
		}
		*items = grown;
		if (prepare(m, words[first], (int)(nwords - first - 1),
		    words + first + 1, &grown[*n], &err) != 0) {
			item_free(&grown[*n]);
			goto bad;
		}
		for (k = 0; k < *n; k++) {
			if (strcmp(grown[k].basename, grown[*n].basename) == 0) {
				item_free(&grown[*n]);
				mcert_error_set(&err, MCERT_E_INVALID,
				    N_("basename '%s' is used twice; give each "
				    "certificate its own"), words[first]);
				goto bad;
			}
		}
		(*n)++;
	}
	if (ferror(fp)) {
		cli_error(_("%s: cannot read it: %s"), m->batch, strerror(errno));
		goto out;
	}
	ret = 0;
	goto out;
bad:
	cli_error("%s:%zu: %s", m->batch, lineno, err.msg);
out:
	mcert_words_free(words);
	free(line);
	if (fp != stdin)
		fclose(fp);
	return ret;
}

/* Every line is checked before the first key is made: a typo on the last
 * line leaves nothing half done. */
static int
make_batch(struct make *m)
{
	struct item *items;
	size_t n, i;
	int ret = CLI_OK;

	if (read_batch(m, &items, &n) != 0) {
		ret = CLI_USAGE;
	} else if (n == 0) {
		cli_error(_("%s: no pki csr line in it"), m->batch);
		ret = CLI_USAGE;
	}
	for (i = 0; i < n && ret == CLI_OK; i++)
		ret = create(m, &items[i]);
	for (i = 0; i < n; i++)
		item_free(&items[i]);
	free(items);
	return ret;
}

static int
run_csr(int argc, char **argv)
{
	struct make m = { .cmd = &cmd_csr, .keytype = MCERT_KEY_RSA2048,
	    .usage = 1 };

	return make(&m, argc, argv);
}

static int
run_selfsigned(int argc, char **argv)
{
	struct make m = { .cmd = &cmd_selfsigned, .selfsigned = 1,
	    .keytype = MCERT_KEY_RSA2048 };

	return make(&m, argc, argv);
}

const struct cli_cmd cmd_csr = {
	.name = "csr",
	.summary = N_("make a key and a CSR, as pki csr does"),
	.usage = N_("BASENAME CN:value [OU:v] [O:v] [L:v] [ST:v] [C:v] "
	    "[emailAddress:v] [subjectAltName:a,b,c] "
	    "[--key rsa2048|rsa3072|rsa4096|ec256|ec384] [--dir DIR] "
	    "[--no-usage] | --batch FILE [--key TYPE] [--dir DIR]"),
	.run = run_csr,
};

const struct cli_cmd cmd_selfsigned = {
	.name = "selfsigned",
	.summary = N_("make a key and a self-signed certificate or CA"),
	.usage = N_("BASENAME [CN:value ...] [--ca] [--days N] "
	    "[--key TYPE] [--dir DIR]"),
	.run = run_selfsigned,
};
