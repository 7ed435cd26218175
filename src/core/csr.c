#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "csr.h"
#include "files.h"
#include "names.h"

/* With the X.520 upper bounds (RFC 5280 App. A) OpenSSL enforces. */
static const struct {
	const char *key;
	size_t offset;
	size_t max;
} attrs[] = {
	{ "CN", offsetof(struct mcert_subject, cn), 64 },
	{ "OU", offsetof(struct mcert_subject, ou), 64 },
	{ "O", offsetof(struct mcert_subject, o), 64 },
	{ "L", offsetof(struct mcert_subject, l), 128 },
	{ "ST", offsetof(struct mcert_subject, st), 128 },
	{ "C", offsetof(struct mcert_subject, c), 2 },
	{ "emailAddress", offsetof(struct mcert_subject, email), 128 },
};

void
mcert_subject_free(struct mcert_subject *s)
{
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(*attrs); i++)
		free(*(char **)((char *)s + attrs[i].offset));
	for (i = 0; i < s->nsan; i++)
		free(s->san[i]);
	free(s->san);
	memset(s, 0, sizeof(*s));
}

/* The value without one pair of surrounding double quotes. */
static char *
unquote(const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return strndup(v + 1, n - 2);
	return strdup(v);
}

static int
san_add(struct mcert_subject *s, const char *item)
{
	char **grown = realloc(s->san, (s->nsan + 1) * sizeof(char *));

	if (grown == NULL)
		return -1;
	s->san = grown;
	if ((s->san[s->nsan] = strdup(item)) == NULL)
		return -1;
	s->nsan++;
	return 0;
}

static int
check_email(const char *v, const char *field, struct mcert_error *err)
{
	const char *at = strchr(v, '@');

	if (at == NULL || at == v || strchr(at + 1, '@') != NULL ||
	    mcert_name_check_fqdn(at + 1, field, 0, NULL) != MCERT_OK)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s '%s' is not an e-mail address; write it as "
		    "name@example.com"), field, v);
	return MCERT_OK;
}

/* guide §3.1: "ensure there are no spaces between the ',' delimiter and
 * the items in the list". */
static int
parse_san(struct mcert_subject *s, const char *list, struct mcert_error *err)
{
	char *copy, *item, *save = NULL;
	const char *p;
	int ret = MCERT_OK;

	if (*list == '\0')
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("subjectAltName is empty; list names as "
		    "subjectAltName:a.example.com,b.example.com or leave it "
		    "out"));
	if (strpbrk(list, " \t") != NULL)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("subjectAltName '%s' has a space; the list takes no "
		    "spaces: a.example.com,b.example.com"), list);
	if (list[strlen(list) - 1] == ',')
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("subjectAltName '%s' ends with a comma: was there a space "
		    "after it? The list takes no spaces: a.example.com,"
		    "b.example.com"), list);
	for (p = list; *p != '\0'; p++)
		if ((*p == ',' && (p == list || p[1] == ',' || p[1] == '\0')))
			return mcert_error_set(err, MCERT_E_INVALID,
			    N_("subjectAltName '%s' has an empty item; remove "
			    "the extra comma"), list);
	if ((copy = strdup(list)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	for (item = strtok_r(copy, ",", &save); item != NULL && ret == MCERT_OK;
	    item = strtok_r(NULL, ",", &save)) {
		if (mcert_name_is_ip(item))
			;
		else if (strchr(item, '@') != NULL)
			ret = check_email(item, "subjectAltName", err);
		else
			ret = mcert_name_check_fqdn(item, "subjectAltName", 1,
			    err);
		if (ret == MCERT_OK && san_add(s, item) != 0)
			ret = mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
	}
	free(copy);
	return ret;
}

static int
check_cn(const char *cn, enum mcert_cn_rule rule, struct mcert_error *err)
{
	if (rule == MCERT_CN_FREE || strcmp(cn, "postgres") == 0 ||
	    mcert_name_is_ip(cn))
		return MCERT_OK;
	if (mcert_name_check_fqdn(cn, "CN", 1, NULL) == MCERT_OK)
		return MCERT_OK;
	return mcert_error_set(err, MCERT_E_INVALID,
	    N_("CN '%s' is not a fully qualified domain name; write the "
	    "server's DNS name, such as callbridge.example.com (CN:postgres "
	    "is right for the database client)"), cn);
}

static int
set_attr(struct mcert_subject *s, const char *key, const char *value,
    struct mcert_error *err)
{
	size_t i;
	char **slot;

	for (i = 0; i < sizeof(attrs) / sizeof(*attrs); i++)
		if (strcmp(key, attrs[i].key) == 0)
			break;
	if (i == sizeof(attrs) / sizeof(*attrs))
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("'%s' is not an attribute; use CN, OU, O, L, ST, C, "
		    "emailAddress or subjectAltName, as in CN:host.example.com"),
		    key);
	slot = (char **)((char *)s + attrs[i].offset);
	if (strlen(value) > attrs[i].max && strcmp(key, "CN") == 0)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("CN is longer than %zu characters, the most a certificate "
		    "can hold; use a shorter CN and put the long name in "
		    "subjectAltName"), attrs[i].max);
	if (strlen(value) > attrs[i].max && strcmp(key, "C") != 0)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s is longer than %zu characters, the most a certificate "
		    "can hold; shorten it"), key, attrs[i].max);
	if (*slot != NULL)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s is given twice; give it once"), key);
	if (strcmp(key, "C") == 0 && mcert_name_check_country(value, err) !=
	    MCERT_OK)
		return MCERT_E_INVALID;
	if (strcmp(key, "emailAddress") == 0 && check_email(value, key, err) !=
	    MCERT_OK)
		return MCERT_E_INVALID;
	if ((*slot = strdup(value)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if (strcmp(key, "C") == 0) {
		(*slot)[0] = (char)toupper((unsigned char)(*slot)[0]);
		(*slot)[1] = (char)toupper((unsigned char)(*slot)[1]);
	}
	return MCERT_OK;
}

int
mcert_subject_parse(int argc, char *const *argv, enum mcert_cn_rule rule,
    struct mcert_subject *out, struct mcert_error *err)
{
	struct mcert_subject s;
	int i, ret = MCERT_OK;
	size_t k;

	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	for (i = 0; i < argc && ret == MCERT_OK; i++) {
		const char *colon = strchr(argv[i], ':');
		char *key, *value;

		if (colon == NULL || colon == argv[i]) {
			ret = mcert_error_set(err, MCERT_E_INVALID,
			    N_("'%s' is not an attribute; write it as KEY:value, "
			    "such as CN:host.example.com or O:\"Example Inc.\""),
			    argv[i]);
			break;
		}
		key = strndup(argv[i], (size_t)(colon - argv[i]));
		value = unquote(colon + 1);
		if (key == NULL || value == NULL)
			ret = mcert_error_set(err, MCERT_E_NOMEM,
			    N_("out of memory"));
		else if (*value == '\0' && strcmp(key, "subjectAltName") != 0)
			ret = mcert_error_set(err, MCERT_E_INVALID,
			    N_("%s is empty; give a value or leave it out"),
			    key);
		else if (strcmp(key, "subjectAltName") == 0 && s.has_san)
			ret = mcert_error_set(err, MCERT_E_INVALID,
			    N_("subjectAltName is given twice; give one list"));
		else if (strcmp(key, "subjectAltName") == 0) {
			s.has_san = 1;
			ret = parse_san(&s, value, err);
		} else
			ret = set_attr(&s, key, value, err);
		free(key);
		free(value);
	}
	if (ret == MCERT_OK && s.cn == NULL)
		ret = mcert_error_set(err, MCERT_E_INVALID,
		    N_("the CN is missing; give CN:host.example.com"));
	if (ret == MCERT_OK)
		ret = check_cn(s.cn, rule, err);
	/* guide §3.1: pki csr appends the CN to a SAN list without it. */
	if (ret == MCERT_OK && s.has_san && rule == MCERT_CN_HOST) {
		for (k = 0; k < s.nsan; k++)
			if (strcasecmp(s.san[k], s.cn) == 0)
				break;
		if (k == s.nsan) {
			if (san_add(&s, s.cn) != 0)
				ret = mcert_error_set(err, MCERT_E_NOMEM,
				    N_("out of memory"));
			s.cn_appended = 1;
		}
	}
	if (ret != MCERT_OK) {
		mcert_subject_free(&s);
		return ret;
	}
	*out = s;
	return MCERT_OK;
}

void
mcert_words_free(char **words)
{
	size_t i;

	for (i = 0; words != NULL && words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

int
mcert_pki_line_split(const char *line, char ***words, size_t *n,
    struct mcert_error *err)
{
	char **v = NULL, **grown, *w;
	size_t nv = 0, o;
	const char *p = line;
	int quoted;

	*words = NULL;
	*n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if ((w = malloc(strlen(p) + 1)) == NULL)
			goto nomem;
		for (o = 0, quoted = 0; *p != '\0' && (quoted ||
		    (*p != ' ' && *p != '\t')); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				w[o++] = *p;
		}
		w[o] = '\0';
		if (quoted) {
			free(w);
			mcert_words_free(v);
			return mcert_error_set(err, MCERT_E_INVALID,
			    N_("a '\"' is not closed in: %s"), line);
		}
		if ((grown = realloc(v, (nv + 2) * sizeof(char *))) == NULL) {
			free(w);
			goto nomem;
		}
		v = grown;
		v[nv++] = w;
		v[nv] = NULL;
	}
	*words = v;
	*n = nv;
	return MCERT_OK;
nomem:
	mcert_words_free(v);
	return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
}

static int
append(char **buf, size_t *len, const char *fmt, const char *a,
    const char *b)
{
	char *more;
	size_t n;
	int r;

	if ((r = snprintf(NULL, 0, fmt, a, b)) < 0)
		return -1;
	n = (size_t)r;
	if ((more = realloc(*buf, *len + n + 1)) == NULL)
		return -1;
	*buf = more;
	snprintf(*buf + *len, n + 1, fmt, a, b);
	*len += n;
	return 0;
}

char *
mcert_subject_pki_line(const char *verb, const char *basename,
    const struct mcert_subject *s)
{
	char *buf = NULL;
	size_t len = 0, i;
	int r;

	r = append(&buf, &len, "pki %s %s", verb, basename);
	for (i = 0; i < sizeof(attrs) / sizeof(*attrs) && r == 0; i++) {
		const char *v = *(char *const *)((const char *)s +
		    attrs[i].offset);

		if (v != NULL)
			r = append(&buf, &len, strchr(v, ' ') != NULL ?
			    " %s:\"%s\"" : " %s:%s", attrs[i].key, v);
	}
	/* Without the CN pki appends: the line makes the same request. */
	for (i = 0; i < s->nsan - (s->cn_appended ? 1 : 0) && r == 0; i++)
		r = append(&buf, &len, i == 0 ? " %s%s" : ",%s%s",
		    i == 0 ? "subjectAltName:" : "", s->san[i]);
	if (r != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

X509_NAME *
mcert_subject_name(const struct mcert_subject *s)
{
	static const struct {
		const char *field;
		size_t offset;
	} order[] = {
		{ "C", offsetof(struct mcert_subject, c) },
		{ "ST", offsetof(struct mcert_subject, st) },
		{ "L", offsetof(struct mcert_subject, l) },
		{ "O", offsetof(struct mcert_subject, o) },
		{ "OU", offsetof(struct mcert_subject, ou) },
		{ "CN", offsetof(struct mcert_subject, cn) },
		{ "emailAddress", offsetof(struct mcert_subject, email) },
	};
	X509_NAME *name = X509_NAME_new();
	size_t i;

	for (i = 0; name != NULL && i < sizeof(order) / sizeof(*order); i++) {
		const char *v = *(char *const *)((const char *)s +
		    order[i].offset);

		if (v != NULL && !X509_NAME_add_entry_by_txt(name,
		    order[i].field, MBSTRING_UTF8, (const unsigned char *)v, -1,
		    -1, 0)) {
			X509_NAME_free(name);
			name = NULL;
		}
	}
	ERR_clear_error();
	return name;
}

X509_EXTENSION *
mcert_subject_san_ext(const struct mcert_subject *s)
{
	GENERAL_NAMES *gens;
	X509_EXTENSION *ext = NULL;
	size_t i;

	if (s->nsan == 0 || (gens = GENERAL_NAMES_new()) == NULL)
		return NULL;
	for (i = 0; i < s->nsan; i++) {
		GENERAL_NAME *g;
		int type = mcert_name_is_ip(s->san[i]) ? GEN_IPADD :
		    strchr(s->san[i], '@') != NULL ? GEN_EMAIL : GEN_DNS;

		if (type == GEN_IPADD)
			g = a2i_GENERAL_NAME(NULL, NULL, NULL, GEN_IPADD,
			    s->san[i], 0);
		else
			g = a2i_GENERAL_NAME(NULL, NULL, NULL, type, s->san[i],
			    0);
		if (g == NULL || !sk_GENERAL_NAME_push(gens, g)) {
			GENERAL_NAME_free(g);
			goto out;
		}
	}
	ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens);
out:
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return ext;
}

const EVP_MD *
mcert_sign_digest(const EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448"))
		return NULL;
	return EVP_sha256();
}

/* KeyUsage and EKU for a TLS server and client: digitalSignature for all
 * keys (WebRTC DTLS needs it, guide §2.1), keyEncipherment for RSA. */
static int
add_usage(STACK_OF(X509_EXTENSION) *exts, EVP_PKEY *key)
{
	X509_EXTENSION *ku, *eku;

	ku = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage,
	    EVP_PKEY_is_a(key, "RSA") ? "critical,digitalSignature,"
	    "keyEncipherment" : "critical,digitalSignature");
	eku = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage,
	    "serverAuth,clientAuth");
	if (ku == NULL || eku == NULL || !sk_X509_EXTENSION_push(exts, ku)) {
		X509_EXTENSION_free(ku);
		X509_EXTENSION_free(eku);
		return -1;
	}
	if (!sk_X509_EXTENSION_push(exts, eku)) {
		X509_EXTENSION_free(eku);
		return -1;
	}
	return 0;
}

int
mcert_csr_build(EVP_PKEY *key, const struct mcert_subject *s,
    int request_usage, X509_REQ **out, struct mcert_error *err)
{
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_REQ *r = X509_REQ_new();
	X509_NAME *name = mcert_subject_name(s);
	X509_EXTENSION *san = mcert_subject_san_ext(s);
	int ret = MCERT_E_NOMEM;

	*out = NULL;
	if (exts == NULL || r == NULL || name == NULL ||
	    (s->nsan > 0 && san == NULL))
		goto out;
	if (san != NULL) {
		if (!sk_X509_EXTENSION_push(exts, san))
			goto out;
		san = NULL;	/* transferred */
	}
	if (request_usage && add_usage(exts, key) != 0)
		goto out;
	if (!X509_REQ_set_version(r, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(r, name) ||
	    !X509_REQ_set_pubkey(r, key) ||
	    (sk_X509_EXTENSION_num(exts) > 0 &&
	    !X509_REQ_add_extensions(r, exts)) ||
	    X509_REQ_sign(r, key, mcert_sign_digest(key)) <= 0)
		goto out;
	*out = r;
	r = NULL;	/* transferred */
	ret = MCERT_OK;
out:
	if (ret != MCERT_OK) {
		mcert_error_set(err, ret, N_("cannot build the CSR for %s"),
		    s->cn != NULL ? s->cn : "?");
		mcert_error_add_openssl(err);
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_EXTENSION_free(san);
	X509_NAME_free(name);
	X509_REQ_free(r);
	ERR_clear_error();
	return ret;
}

int
mcert_csr_write(const char *path, X509_REQ *r, struct mcert_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ret;

	if (bio == NULL || !PEM_write_bio_X509_REQ(bio, r) ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0) {
		BIO_free(bio);
		ERR_clear_error();
		return mcert_error_set(err, MCERT_E_NOMEM,
		    N_("%s: cannot encode the CSR"), path);
	}
	ret = mcert_write_new(path, data, (size_t)n, 0644, err);
	BIO_free(bio);
	return ret;
}
