#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "error.h"

static mcert_translate_fn translator;

void
mcert_set_translator(mcert_translate_fn fn)
{
	translator = fn;
}

const char *
mcert_tr(const char *msgid)
{
	return translator != NULL ? translator(msgid) : msgid;
}

int
mcert_error_set(struct mcert_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), mcert_tr(fmt), ap);
	va_end(ap);
	return code;
}

void
mcert_error_add_openssl(struct mcert_error *err)
{
	unsigned long e = ERR_peek_error();
	const char *reason;
	size_t len;

	if (err != NULL && e != 0) {
		reason = ERR_reason_error_string(e);
		len = strlen(err->msg);
		if (reason != NULL && len + 3 < sizeof(err->msg))
			snprintf(err->msg + len, sizeof(err->msg) - len,
			    " (%s)", reason);
	}
	ERR_clear_error();
}

void
mcert_openssl_clear(void)
{
	ERR_clear_error();
}

void
mcert_wipe(void *p, size_t n)
{
	if (p != NULL)
		OPENSSL_cleanse(p, n);
}
