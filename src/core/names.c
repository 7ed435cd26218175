#include "config.h"

#include <errno.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"

#define BASENAME_MAX 64

static int
basename_char(unsigned char c)
{
	return isascii(c) && (isalnum(c) || c == '-');
}

char *
mcert_name_suggest_basename(const char *s)
{
	size_t n = strlen(s), o = 0, i;
	char *out = malloc(n + 5);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n && o < BASENAME_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (basename_char(c) && c != '-')
			out[o++] = (char)c;
		else if (o > 0 && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	if (o == 0) {
		strcpy(out, "cert");
		return out;
	}
	out[o] = '\0';
	return out;
}

int
mcert_name_check_basename(const char *s, struct mcert_error *err)
{
	const char *why = NULL;
	char *suggest;
	size_t i, n = strlen(s);
	int ret;

	if (n == 0)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("the basename is empty; give one such as callbridge"));
	if (n > BASENAME_MAX)
		why = N_("is longer than 64 characters");
	for (i = 0; i < n && why == NULL; i++) {
		if (s[i] == '.')
			why = N_("has a '.' (the MMP takes one '.' only, before "
			    "the extension)");
		else if (s[i] == '_')
			why = N_("has a '_' (the guide forbids it)");
		else if (s[i] == ' ')
			why = N_("has a space");
		else if (!basename_char((unsigned char)s[i]))
			why = N_("has a character other than letters, digits "
			    "and hyphens");
	}
	if (why == NULL)
		return MCERT_OK;
	suggest = mcert_name_suggest_basename(s);
	ret = mcert_error_set(err, MCERT_E_INVALID,
	    N_("basename '%s' %s; use letters, digits and hyphens, such as "
	    "'%s'"), s, mcert_tr(why), suggest != NULL ? suggest : "cert");
	free(suggest);
	return ret;
}

int
mcert_name_is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

int
mcert_name_check_fqdn(const char *s, const char *field, int allow_wildcard,
    struct mcert_error *err)
{
	const char *p = s, *label;
	size_t len, labels = 0;
	int numeric = 1;

	if (allow_wildcard && strncmp(p, "*.", 2) == 0)
		p += 2;
	if (strlen(s) > 253)
		goto bad;
	for (label = p;; p++) {
		if (*p == '.' || *p == '\0') {
			len = (size_t)(p - label);
			if (len == 0 || len > 63 || label[0] == '-' ||
			    p[-1] == '-')
				goto bad;
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
			numeric = 1;
			continue;
		}
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && *p != '-'))
			goto bad;
		if (!isdigit((unsigned char)*p))
			numeric = 0;
	}
	if (labels >= 2 && !numeric)
		return MCERT_OK;
bad:
	return mcert_error_set(err, MCERT_E_INVALID,
	    N_("%s '%s' is not a fully qualified domain name; write it as "
	    "host.example.com (letters, digits, hyphens and dots)"), field, s);
}

int
mcert_name_check_country(const char *s, struct mcert_error *err)
{
	if (strlen(s) == 2 && isascii((unsigned char)s[0]) &&
	    isalpha((unsigned char)s[0]) && isascii((unsigned char)s[1]) &&
	    isalpha((unsigned char)s[1]))
		return MCERT_OK;
	return mcert_error_set(err, MCERT_E_INVALID,
	    N_("C '%s' is not a two-letter country code; use the ISO code, "
	    "such as US, GB or DE"), s);
}

int
mcert_name_check_file(const char *path, enum mcert_file_kind kind,
    struct mcert_error *err)
{
	static const char *const exts[][5] = {
		[MCERT_FILE_CERT] = { "pem", "der", "cer", "crt", NULL },
		[MCERT_FILE_KEY] = { "key", "pem", "der", NULL },
		[MCERT_FILE_CSR] = { "csr", NULL },
		[MCERT_FILE_BUNDLE] = { "pem", "cer", "crt", NULL },
	};
	static const char *const allowed[] = {
		[MCERT_FILE_CERT] = ".pem, .der, .cer or .crt",
		[MCERT_FILE_KEY] = ".key, .pem or .der",
		[MCERT_FILE_CSR] = ".csr",
		[MCERT_FILE_BUNDLE] = ".pem, .cer or .crt",
	};
	const char *base = strrchr(path, '/'), *dot;
	char stem[BASENAME_MAX + 2];
	size_t i;

	base = base != NULL ? base + 1 : path;
	dot = strchr(base, '.');
	if (dot == NULL || strchr(dot + 1, '.') != NULL)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s: a Meeting Server file name has exactly one '.', "
		    "before its extension (%s)"), path, allowed[kind]);
	for (i = 0; exts[kind][i] != NULL; i++)
		if (strcmp(dot + 1, exts[kind][i]) == 0)
			break;
	if (exts[kind][i] == NULL)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s: the Meeting Server takes %s here, not .%s"), path,
		    allowed[kind], dot + 1);
	if ((size_t)(dot - base) > BASENAME_MAX)
		return mcert_error_set(err, MCERT_E_INVALID,
		    N_("%s: the name before the '.' is longer than 64 "
		    "characters"), path);
	memcpy(stem, base, (size_t)(dot - base));
	stem[dot - base] = '\0';
	if (mcert_name_check_basename(stem, err) != MCERT_OK) {
		char msg[sizeof(err->msg)];

		if (err != NULL) {
			memcpy(msg, err->msg, sizeof(msg));
			mcert_error_set(err, MCERT_E_INVALID, "%s: %s", path,
			    msg);
		}
		return MCERT_E_INVALID;
	}
	return MCERT_OK;
}

int
mcert_name_split_hostport(char *s, const char **host, int *port)
{
	char *colon = NULL, *end, *pend;
	long v;

	*host = s;
	*port = 0;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		*end = '\0';
		*host = s + 1;
		if (end[1] == ':')
			colon = end + 1;
		else if (end[1] != '\0')
			return -1;
	} else if ((colon = strchr(s, ':')) != NULL) {
		if (strchr(colon + 1, ':') != NULL)
			colon = NULL;	/* an IPv6 address, no port */
		else
			*colon = '\0';
	}
	if (**host == '\0' || strpbrk(*host, " \t") != NULL)
		return -1;
	if (colon == NULL)
		return 0;
	errno = 0;
	v = strtol(colon + 1, &pend, 10);
	if (colon[1] < '0' || colon[1] > '9' || *pend != '\0' || errno != 0 ||
	    v < 1 || v > 65535)
		return -2;
	*port = (int)v;
	return 0;
}
