/* Errors as values: every core call returns 0 or a negative MCERT_E_* code
 * and, when given a struct mcert_error, fills it with one sentence that names
 * the file, certificate or field and says what to do. */
#ifndef MCERT_ERROR_H
#define MCERT_ERROR_H

#include <stddef.h>

enum {
	MCERT_OK = 0,
	MCERT_E_IO = -1,	/* a file cannot be read or written */
	MCERT_E_PARSE = -2,	/* the content is not what it should be */
	MCERT_E_NOMEM = -3,
	MCERT_E_PASSPHRASE = -4,	/* missing or wrong passphrase */
	MCERT_E_VERDICT = -5,	/* the input is fine, the check failed */
	MCERT_E_INVALID = -6,	/* a bad argument or option value */
	MCERT_E_LIMIT = -7,	/* too large, too many, too deep */
};

struct mcert_error {
	int code;
	char msg[1024];
};

/* Marks a string for translation; the front end translates it. */
#define N_(s) (s)

/* The front end installs gettext here, so that messages the core formats are
 * already in the user's language.  Defaults to the identity. */
typedef const char *(*mcert_translate_fn)(const char *msgid);
void mcert_set_translator(mcert_translate_fn fn);
const char *mcert_tr(const char *msgid);

/* Sets err (which may be NULL) and returns code.  fmt is an N_() msgid. */
int mcert_error_set(struct mcert_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends ": <OpenSSL's reason>" for the first error on OpenSSL's queue and
 * clears the queue.  The one place OpenSSL errors become ours. */
void mcert_error_add_openssl(struct mcert_error *err);

/* Clears OpenSSL's error queue (after a probe that was allowed to fail). */
void mcert_openssl_clear(void);

/* Overwrites secrets before they are freed. */
void mcert_wipe(void *p, size_t n);

#endif
