/* The hosts form's rules, without the screen: SSH addresses as typed
 * (user@address:port, [IPv6]:port), FQDN checks with a short reason that
 * names the field, and the guesses for a new host (cms1a -> cms1b). */
#ifndef MCERT_HOSTFORM_H
#define MCERT_HOSTFORM_H

#include <stddef.h>

#include <jansson.h>

struct ssh_addr {
	char user[128], address[256];
	int port;		/* 0: not given */
};

/* The first character of s that is neither a letter, a digit nor in extra,
 * as text for a message ("a space", "\"_\""): 1 when there is one. */
int first_bad(const char *s, const char *extra, char *out, size_t sz);
/* Whether s is a valid FQDN; if not, a short reason naming field. */
int check_fqdn(const char *s, const char *field, char *why, size_t sz);
/* One DNS label (an ~/.ssh/config alias, a name the resolver completes). */
int short_name(const char *s);
int parse_port(const char *s, int *port);
/* "user@address:port", each part optional; 0 with why on a bad one. */
int parse_ssh(const char *s, struct ssh_addr *a, char *why, size_t sz);
/* A workspace host's "ssh" object as the form shows it. */
void format_ssh(json_t *ssh, char *out, size_t sz);
/* "cms1" -> "cms2", "cms09" -> "cms10", "cms1a" -> "cms1b". */
void next_name(const char *s, char *out, size_t sz);
/* The first DNS label of name changed as the label was. */
void next_fqdn(const char *name, const char *old_label, const char *new_label,
    char *out, size_t sz);
/* The next IPv4 address, or the address named like the FQDN. */
void next_address(const struct ssh_addr *a, const char *old_fqdn,
    const char *old_label, const char *new_label, const char *new_fqdn,
    char *out, size_t sz);

#endif
