/* The guide's and the lab's own `pki csr` / `pki selfsigned` lines
 * (tests/data/pki-lines.txt): each split as the MMP reads it, parsed with
 * pki's rules, built into a request, and checked for the subject and SAN
 * pki gives; mcert_subject_pki_line must give an equivalent line back. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ca.h"
#include "csr.h"
#include "fixture.h"
#include "names.h"
#include "tap.h"

/* Fewer cases than this: the file was cut short. */
#define MIN_CASES 25

struct golden {
	int lineno;
	char *line;
	char *subject, *san, *refused;
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		tap_bail("out of memory");
	return p;
}

/* Reads the cases; each "pki " line with the indented lines after it. */
static size_t
load_cases(const char *path, struct golden **out)
{
	FILE *f = fopen(path, "r");
	struct golden *v = NULL, *g = NULL;
	char buf[4096], *p;
	size_t n = 0;
	int lineno = 0;

	if (f == NULL)
		tap_bail("cannot open %s", path);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		lineno++;
		if ((p = strchr(buf, '\n')) == NULL)
			tap_bail("%s:%d: line too long", path, lineno);
		*p = '\0';
		if (strncmp(buf, "pki ", 4) == 0) {
			if ((v = realloc(v, (n + 1) * sizeof(*v))) == NULL)
				tap_bail("out of memory");
			g = &v[n++];
			memset(g, 0, sizeof(*g));
			g->lineno = lineno;
			g->line = xstrdup(buf);
			continue;
		}
		if (buf[0] != '\t')
			continue;	/* comments and blank lines */
		if (g == NULL)
			tap_bail("%s:%d: an expectation before any command",
			    path, lineno);
		if (strncmp(buf, "\tsubject ", 9) == 0)
			g->subject = xstrdup(buf + 9);
		else if (strncmp(buf, "\tsan ", 5) == 0)
			g->san = xstrdup(buf + 5);
		else if (strncmp(buf, "\trefused ", 9) == 0)
			g->refused = xstrdup(buf + 9);
		else
			tap_bail("%s:%d: not an expectation: %s", path, lineno,
			    buf);
	}
	fclose(f);
	*out = v;
	return n;
}

static int
cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* words[from..n) sorted and joined by '|'. */
static void
sorted_words(char **words, size_t from, size_t n, char *buf, size_t size)
{
	char **copy = calloc(n + 1, sizeof(char *));
	size_t i, len = 0;

	if (copy == NULL)
		tap_bail("out of memory");
	for (i = from; i < n; i++)
		copy[i - from] = words[i];
	qsort(copy, n - from, sizeof(char *), cmp_words);
	buf[0] = '\0';
	for (i = 0; i < n - from; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i ? "|" : "", copy[i]);
	free(copy);
}

/* The attribute words of a command line: for `pki selfsigned NAME`
 * without a CN, "CN:NAME" first, as pki and meetcert selfsigned name it. */
static char **
attr_words(char **words, size_t n, int selfsigned, size_t *nattr)
{
	char **v = calloc(n + 2, sizeof(char *));
	size_t i, k = 0;
	int has_cn = 0;

	if (v == NULL)
		tap_bail("out of memory");
	for (i = 3; i < n; i++)
		has_cn |= strncmp(words[i], "CN:", 3) == 0;
	if (selfsigned && !has_cn) {
		size_t len = strlen(words[2]) + 4;

		if ((v[k] = malloc(len)) == NULL)
			tap_bail("out of memory");
		snprintf(v[k++], len, "CN:%s", words[2]);
	}
	for (i = 3; i < n; i++)
		v[k++] = xstrdup(words[i]);
	*nattr = k;
	return v;
}

static void
run_case(const struct golden *g, EVP_PKEY *key)
{
	struct mcert_subject s, again;
	struct mcert_error err = { 0 };
	char **words = NULL, **attrs, **back = NULL;
	char got[2048], want_words[2048], got_words[2048], *line;
	size_t n = 0, nattr, nback = 0, i;
	int selfsigned, r, rule;
	GENERAL_NAMES *gens = NULL;

	if (!is_int(mcert_pki_line_split(g->line, &words, &n, &err), MCERT_OK,
	    "line %d: splits", g->lineno) || n < 3) {
		mcert_words_free(words);
		return;
	}
	selfsigned = strcmp(words[1], "selfsigned") == 0;
	ok(strcmp(words[0], "pki") == 0 && (selfsigned ||
	    strcmp(words[1], "csr") == 0), "line %d: pki csr or pki selfsigned",
	    g->lineno);
	is_int(mcert_name_check_basename(words[2], &err), MCERT_OK,
	    "line %d: basename %s", g->lineno, words[2]);
	rule = selfsigned ? MCERT_CN_FREE : MCERT_CN_HOST;
	attrs = attr_words(words, n, selfsigned, &nattr);
	r = mcert_subject_parse((int)nattr, attrs, (enum mcert_cn_rule)rule, &s,
	    &err);
	if (g->refused != NULL) {
		is_int(r, MCERT_E_INVALID, "line %d: refused", g->lineno);
		like(err.msg, g->refused, "line %d: the message", g->lineno);
		goto out_words;
	}
	if (!is_int(r, MCERT_OK, "line %d: parses", g->lineno)) {
		diag("%s", err.msg);
		goto out_words;
	}

	/* What pki makes of it: the request, or the self-signed certificate. */
	if (selfsigned) {
		struct mcert_sign_opts o = { .usage = MCERT_USAGE_BOTH,
		    .days = 365 };
		X509 *x = NULL;

		r = mcert_ca_selfsign(key, &s, &o, &x, &err);
		is_int(r, MCERT_OK, "line %d: self-signed", g->lineno);
		if (x != NULL) {
			fx_name_dump(X509_get_subject_name(x), got, sizeof(got));
			gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
			    NULL);
		}
		X509_free(x);
	} else {
		STACK_OF(X509_EXTENSION) *exts;
		X509_REQ *req = NULL;

		r = mcert_csr_build(key, &s, 1, &req, &err);
		is_int(r, MCERT_OK, "line %d: CSR built", g->lineno);
		if (req != NULL) {
			fx_name_dump(X509_REQ_get_subject_name(req), got,
			    sizeof(got));
			exts = X509_REQ_get_extensions(req);
			gens = X509V3_get_d2i(exts, NID_subject_alt_name, NULL,
			    NULL);
			sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		}
		X509_REQ_free(req);
	}
	if (r == MCERT_OK) {
		is_str(got, g->subject, "line %d: subject", g->lineno);
		fx_gens_dump(gens, got, sizeof(got));
		is_str(got, g->san, "line %d: subjectAltName", g->lineno);
	}
	GENERAL_NAMES_free(gens);

	/* The line back: the same words, in pki's order. */
	line = mcert_subject_pki_line(selfsigned ? "selfsigned" : "csr",
	    words[2], &s);
	if (line == NULL ||
	    mcert_pki_line_split(line, &back, &nback, &err) != MCERT_OK ||
	    nback < 3) {
		ok(0, "line %d: pki_line splits", g->lineno);
		goto out_line;
	}
	ok(strcmp(back[0], "pki") == 0 && strcmp(back[1], words[1]) == 0 &&
	    strcmp(back[2], words[2]) == 0, "line %d: pki_line: the same "
	    "command and basename", g->lineno);
	sorted_words(attrs, 0, nattr, want_words, sizeof(want_words));
	sorted_words(back, 3, nback, got_words, sizeof(got_words));
	is_str(got_words, want_words, "line %d: pki_line: the same attributes",
	    g->lineno);
	is_int(mcert_subject_parse((int)nback - 3, back + 3,
	    (enum mcert_cn_rule)rule, &again, &err), MCERT_OK,
	    "line %d: pki_line parses again", g->lineno);
	ok(again.nsan == s.nsan && again.cn_appended == s.cn_appended,
	    "line %d: pki_line: the same SAN list", g->lineno);
	for (i = 0; i < again.nsan && i < s.nsan; i++)
		if (strcmp(again.san[i], s.san[i]) != 0)
			ok(0, "line %d: SAN %zu: %s, not %s", g->lineno, i,
			    again.san[i], s.san[i]);
	mcert_subject_free(&again);
out_line:
	mcert_words_free(back);
	free(line);
	mcert_subject_free(&s);
out_words:
	mcert_words_free(attrs);
	mcert_words_free(words);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	struct golden *cases = NULL;
	char path[4096];
	size_t n, i;
	EVP_PKEY *key;

	snprintf(path, sizeof(path), "%s/tests/data/pki-lines.txt",
	    top != NULL ? top : ".");
	n = load_cases(path, &cases);
	ok(n >= MIN_CASES, "%zu command lines in pki-lines.txt (at least %d)",
	    n, MIN_CASES);
	key = fx_key(FX_EC_P256, 0);
	for (i = 0; i < n; i++) {
		const struct golden *g = &cases[i];

		if (g->refused == NULL &&
		    (g->subject == NULL || g->san == NULL))
			tap_bail("%s:%d: a command without subject and san",
			    path, g->lineno);
		diag("line %d: %s", g->lineno, g->line);
		run_case(g, key);
	}
	for (i = 0; i < n; i++) {
		free(cases[i].line);
		free(cases[i].subject);
		free(cases[i].san);
		free(cases[i].refused);
	}
	free(cases);
	fx_cleanup();
	return tap_done();
}
