/* The Meeting Server's naming rules: basenames (guide §3.1), file names
 * (Appendix B), FQDNs, SAN lists and countries as `pki csr` takes them. */
#ifndef MCERT_NAMES_H
#define MCERT_NAMES_H

#include <stddef.h>

#include "error.h"

/* A key/cert basename: letters, digits and hyphens only, at most 64.  The
 * guide forbids "." and "_" (the MMP's SFTP directory is flat and its own
 * sources disagree on "_", so be strict).  The error suggests a name. */
int mcert_name_check_basename(const char *s, struct mcert_error *err);

/* s with every character the basename rules refuse turned into '-' (runs
 * collapsed, ends trimmed); "cert" if nothing is left.  Caller frees. */
char *mcert_name_suggest_basename(const char *s);

/* A fully qualified domain name: two or more labels of letters, digits and
 * hyphens, not all-numeric at the end; with allow_wildcard a leading "*."
 * too.  field names the input in the message ("CN", "subjectAltName"). */
int mcert_name_check_fqdn(const char *s, const char *field,
    int allow_wildcard, struct mcert_error *err);

/* Whether s is an IPv4 or IPv6 address in text form. */
int mcert_name_is_ip(const char *s);

/* s, written "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" (an IPv6 address
 * without brackets has no port), split in place: *host points into s
 * (ended there), *port is the port or 0 when none is given.  0; -1 when
 * the host is empty or holds a blank, or something follows "]" other than
 * ":PORT"; -2 when the port is not a number from 1 to 65535 (digits
 * only). */
int mcert_name_split_hostport(char *s, const char **host, int *port);

/* A two-letter ISO 3166 country code. */
int mcert_name_check_country(const char *s, struct mcert_error *err);

enum mcert_file_kind {
	MCERT_FILE_CERT,	/* .pem .der .cer .crt */
	MCERT_FILE_KEY,		/* .key .pem .der */
	MCERT_FILE_CSR,		/* .csr */
	MCERT_FILE_BUNDLE,	/* .pem .cer .crt: PEM only */
};

/* The last part of path must be a basename, one ".", and an extension the
 * Meeting Server accepts for kind (Appendix B). */
int mcert_name_check_file(const char *path, enum mcert_file_kind kind,
    struct mcert_error *err);

#endif
