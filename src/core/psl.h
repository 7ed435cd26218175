/* The Public Suffix List, for wildcard names: "*.co.uk" would cover every
 * company under co.uk, and no CA may issue it. */
#ifndef MCERT_PSL_H
#define MCERT_PSL_H

/* Where the list is read from: $MEETCERT_PSL, else Debian's publicsuffix
 * package. */
#define MCERT_PSL_DEFAULT "/usr/share/publicsuffix/public_suffix_list.dat"

/* 1 when domain (no leading "*.") is a public suffix, 0 when it is not,
 * -1 when no list could be read (then nothing is refused for it).  Only
 * the ICANN section counts: a private suffix belongs to one company.
 * Thread-safe; the list is read once. */
int mcert_psl_is_suffix(const char *domain);

#endif
