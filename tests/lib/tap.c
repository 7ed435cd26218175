#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static int planned = -1;
static int ran;
static int failed;
static const char *todo;

void
tap_plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void
tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(0);
}

/* Prints a description on the result line: no line breaks, and '#' escaped
 * so that it is not read as a directive. */
static void
put_description(const char *fmt, va_list ap)
{
	char buf[1024];
	const char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (p = buf; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			putchar(' ');
		else if (*p == '#')
			fputs("\\#", stdout);
		else
			putchar(*p);
	}
}

static int
result(int cond, const char *file, int line, const char *fmt, va_list ap)
{
	ran++;
	printf("%s %d - ", cond ? "ok" : "not ok", ran);
	put_description(fmt, ap);
	if (todo != NULL)
		printf(" # TODO %s", todo);
	printf("\n");
	if (!cond) {
		printf("#   %s at %s line %d\n", todo != NULL ?
		    "Failed (TODO) test" : "Failed test", file, line);
		if (todo == NULL)
			failed++;
	}
	fflush(stdout);
	return cond;
}

int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(cond, file, line, fmt, ap);
	va_end(ap);
	return cond;
}

int
tap_is_int(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int cond = got == want;

	va_start(ap, fmt);
	result(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("       got: %lld\n  expected: %lld", got, want);
	return cond;
}

int
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int cond;

	cond = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_start(ap, fmt);
	result(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("       got: %s%s%s\n  expected: %s%s%s",
		    got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		    want ? "'" : "", want ? want : "NULL", want ? "'" : "");
	return cond;
}

int
tap_like(const char *got, const char *needle, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int cond = got != NULL && strstr(got, needle) != NULL;

	va_start(ap, fmt);
	result(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("                  '%s'\n    doesn't contain '%s'",
		    got ? got : "(NULL)", needle);
	return cond;
}

int
tap_unlike(const char *got, const char *needle, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int cond = got != NULL && strstr(got, needle) == NULL;

	va_start(ap, fmt);
	result(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("                  '%s'\n          contains '%s'",
		    got ? got : "(NULL)", needle);
	return cond;
}

void
tap_skip(int n, const char *fmt, ...)
{
	va_list ap;

	while (n-- > 0) {
		ran++;
		printf("ok %d # SKIP ", ran);
		va_start(ap, fmt);
		put_description(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

void
tap_todo(const char *why)
{
	todo = why;
}

void
tap_diag(const char *fmt, ...)
{
	char buf[4096], *line, *next;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = buf; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		printf("# %s\n", line);
	}
	fflush(stdout);
}

void
tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

int
tap_failures(void)
{
	return failed;
}

int
tap_done(void)
{
	if (planned < 0)
		printf("1..%d\n", ran);
	else if (planned != ran)
		tap_diag("planned %d tests but ran %d", planned, ran);
	if (failed > 0)
		tap_diag("failed %d of %d tests", failed, ran);
	fflush(stdout);
	return failed > 0 || (planned >= 0 && planned != ran) ? 1 : 0;
}
