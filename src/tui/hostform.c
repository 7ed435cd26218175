/* The hosts form's rules (hostform.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostform.h"
#include "i18n.h"
#include "names.h"

/* The first character of s that is not in the rules, as text. */
int
first_bad(const char *s, const char *extra, char *out, size_t sz)
{
	size_t n;

	for (; *s != '\0'; s++) {
		if (isascii((unsigned char)*s) && (isalnum((unsigned char)*s) ||
		    strchr(extra, *s) != NULL))
			continue;
		for (n = 1; (s[n] & 0xc0) == 0x80; n++)
			;
		if (*s == ' ')
			snprintf(out, sz, "%s", _("a space"));
		else if (!isascii((unsigned char)*s))
			snprintf(out, sz, "%s", _("a letter outside A-Z"));
		else
			snprintf(out, sz, "\"%.*s\"", (int)n, s);
		return 1;
	}
	return 0;
}

/* Whether s is a valid FQDN (mcert_name_check_fqdn); if not, a short
 * reason naming the field in why. */
int
check_fqdn(const char *s, const char *field, char *why, size_t sz)
{
	struct mcert_error e = { 0 };
	const char *p, *last;
	char bad[64];
	size_t len;

	if (mcert_name_check_fqdn(s, field, 0, &e) == MCERT_OK)
		return 1;
	last = strrchr(s, '.');
	if (first_bad(s, "-.", bad, sizeof(bad)))
		snprintf(why, sz, _("%s: no %s; letters, digits, \"-\" and "
		    "\".\" only"), field, bad);
	else if (last == NULL)
		snprintf(why, sz, _("%s: give the full name, such as "
		    "%s.example.com"), field, s);
	else if (strstr(s, "..") != NULL || *s == '.' || last[1] == '\0')
		snprintf(why, sz, _("%s: an empty part between dots"), field);
	else if (strstr(s, "-.") != NULL || strstr(s, ".-") != NULL ||
	    *s == '-' || s[strlen(s) - 1] == '-')
		snprintf(why, sz, _("%s: a part begins or ends with \"-\""),
		    field);
	else {
		for (p = last + 1; isdigit((unsigned char)*p); p++)
			;
		len = strlen(s);
		if (*p == '\0')
			snprintf(why, sz, _("%s: the last part cannot be all "
			    "digits"), field);
		else if (len > 253)
			snprintf(why, sz, _("%s: longer than 253 characters"),
			    field);
		else
			snprintf(why, sz, "%.*s", (int)sz - 1, e.msg);
	}
	return 0;
}

/* One DNS label: a short host name (an ~/.ssh/config alias, a name the
 * resolver completes). */
int
short_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 63 && !first_bad(s, "-", (char[8]){ 0 }, 8) &&
	    s[0] != '-' && s[n - 1] != '-' && strspn(s, "0123456789") != n;
}

int
parse_port(const char *s, int *port)
{
	char *end;
	long v;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		return 0;
	v = strtol(s, &end, 10);
	if (v < 1 || v > 65535)
		return 0;
	*port = (int)v;
	return 1;
}

/* "user@address:port", each part optional; an IPv6 address with a port
 * in brackets. */
int
parse_ssh(const char *s, struct ssh_addr *a, char *why, size_t sz)
{
	const char *at = strchr(s, '@'), *rest = s, *colon, *close;
	char port[16] = "", bad[64], f[96];

	memset(a, 0, sizeof(*a));
	if (strchr(s, ' ') != NULL) {
		snprintf(why, sz, "%s", _("SSH address: no spaces; write it "
		    "as user@address:port"));
		return 0;
	}
	if (at != NULL) {
		if (strchr(at + 1, '@') != NULL || at == s) {
			snprintf(why, sz, "%s", _("SSH address: one user, one "
			    "\"@\": admin@10.0.0.1"));
			return 0;
		}
		snprintf(a->user, sizeof(a->user), "%.*s", (int)(at - s), s);
		if (first_bad(a->user, "._-", bad, sizeof(bad))) {
			snprintf(why, sz, _("SSH user: no %s; letters, digits, "
			    "\".\", \"_\" and \"-\""), bad);
			return 0;
		}
		rest = at + 1;
	}
	if (*rest == '[') {
		if ((close = strchr(rest, ']')) == NULL || (close[1] != '\0' &&
		    close[1] != ':')) {
			snprintf(why, sz, "%s", _("SSH address: IPv6 with a port "
			    "is [address]:port"));
			return 0;
		}
		snprintf(a->address, sizeof(a->address), "%.*s",
		    (int)(close - rest - 1), rest + 1);
		if (close[1] == ':')
			snprintf(port, sizeof(port), "%s", close + 2);
		if (!mcert_name_is_ip(a->address)) {
			snprintf(why, sz, _("SSH address: %s is not an IPv6 "
			    "address"), a->address);
			return 0;
		}
	} else if ((colon = strchr(rest, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		snprintf(a->address, sizeof(a->address), "%.*s",
		    (int)(colon - rest), rest);
		snprintf(port, sizeof(port), "%.15s", colon + 1);
		if (colon[1] == '\0')
			port[0] = '?';	/* "host:" */
	} else
		snprintf(a->address, sizeof(a->address), "%s", rest);
	if (port[0] != '\0' && !parse_port(port, &a->port)) {
		snprintf(why, sz, "%s", _("SSH port: a number from 1 to "
		    "65535, after the \":\""));
		return 0;
	}
	if (a->address[0] == '\0' || mcert_name_is_ip(a->address) ||
	    short_name(a->address))
		return 1;
	/* not an IP: it must be a DNS name */
	if (strspn(a->address, "0123456789.") == strlen(a->address)) {
		snprintf(why, sz, _("SSH address: %s is not an IPv4 address"),
		    a->address);
		return 0;
	}
	if (strchr(a->address, ':') != NULL) {
		snprintf(why, sz, _("SSH address: %s is not an IPv6 address"),
		    a->address);
		return 0;
	}
	snprintf(f, sizeof(f), "%s", _("SSH address"));
	return check_fqdn(a->address, f, why, sz);
}

void
format_ssh(json_t *ssh, char *out, size_t sz)
{
	const char *user = json_string_value(json_object_get(ssh, "user"));
	const char *addr = json_string_value(json_object_get(ssh, "address"));
	json_int_t port = json_integer_value(json_object_get(ssh, "port"));
	size_t o = 0;

	out[0] = '\0';
	if (user != NULL)
		o += (size_t)snprintf(out, sz, "%s@", user);
	if (addr != NULL && o < sz)
		o += (size_t)snprintf(out + o, sz - o, strchr(addr, ':') !=
		    NULL && port != 0 && port != 22 ? "[%s]" : "%s", addr);
	if (port != 0 && port != 22 && o < sz)
		snprintf(out + o, sz - o, ":%d", (int)port);
}

/* "cms1" -> "cms2", "cms09" -> "cms10", "cms1a" -> "cms1b", "edge" ->
 * "edge2". */
void
next_name(const char *s, char *out, size_t sz)
{
	size_t n = strlen(s), d = n;
	unsigned long v;

	while (d > 0 && isdigit((unsigned char)s[d - 1]))
		d--;
	if (d < n) {
		v = strtoul(s + d, NULL, 10) + 1;
		snprintf(out, sz, "%.*s%0*lu", (int)d, s, (int)(n - d), v);
	} else if (n >= 2 && s[n - 1] >= 'a' && s[n - 1] < 'z' &&
	    isdigit((unsigned char)s[n - 2]))
		snprintf(out, sz, "%.*s%c", (int)(n - 1), s, s[n - 1] + 1);
	else
		snprintf(out, sz, "%s2", s);
}

/* The first DNS label of name changed as the label was. */
void
next_fqdn(const char *name, const char *old_label, const char *new_label,
    char *out, size_t sz)
{
	const char *dot = strchr(name, '.');
	char first[128];

	if (dot == NULL) {
		next_name(name, out, sz);
		return;
	}
	snprintf(first, sizeof(first), "%.*s", (int)(dot - name), name);
	if (strcasecmp(first, old_label) == 0)
		snprintf(out, sz, "%s%s", new_label, dot);
	else {
		next_name(first, out, sz);
		snprintf(out + strlen(out), sz - strlen(out), "%s", dot);
	}
}

/* The next IPv4 address, or the address named like the FQDN. */
void
next_address(const struct ssh_addr *a, const char *old_fqdn,
    const char *old_label, const char *new_label, const char *new_fqdn,
    char *out, size_t sz)
{
	unsigned int b[4];
	char tail;

	if (sscanf(a->address, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3],
	    &tail) == 4 && b[3] < 254)
		snprintf(out, sz, "%u.%u.%u.%u", b[0], b[1], b[2], b[3] + 1);
	else if (strcasecmp(a->address, old_fqdn) == 0)
		snprintf(out, sz, "%s", new_fqdn);
	else if (a->address[0] != '\0' && !mcert_name_is_ip(a->address))
		next_fqdn(a->address, old_label, new_label, out, sz);
	else
		out[0] = '\0';
}

