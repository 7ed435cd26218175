/* A small TAP producer for automake's tap-driver.sh: results go to stdout,
 * diagnostics as "# " lines, the plan first (tap_plan) or last (tap_done). */
#ifndef TAP_H
#define TAP_H

/* Announces n tests up front.  Optional: tap_done prints a late plan. */
void	tap_plan(int n);

/* Skips the whole program (prints "1..0 # SKIP why") and exits 0. */
void	tap_skip_all(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* One result; the description is a printf format.  Returns cond. */
int	tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* The same with the got/want values in the diagnostics of a failure. */
int	tap_is_int(long long got, long long want, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int	tap_is_str(const char *got, const char *want, const char *file,
	    int line, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Passes when needle occurs in got (NULL got fails). */
int	tap_like(const char *got, const char *needle, const char *file,
	    int line, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	tap_unlike(const char *got, const char *needle, const char *file,
	    int line, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* n results that were not run, each "ok N # SKIP why". */
void	tap_skip(int n, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Marks the following results "# TODO why" (a known bug: a failure is
 * expected and does not fail the program); NULL ends the TODO block. */
void	tap_todo(const char *why);

void	tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops the program: "Bail out!" and exit 1. */
void	tap_bail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* Prints the plan if none was given and returns the exit status: 0 when
 * every result outside TODO blocks passed and the plan was kept. */
int	tap_done(void);

/* Number of results so far that failed outside TODO blocks. */
int	tap_failures(void);

#define ok(cond, ...) \
	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define like(got, needle, ...) \
	tap_like((got), (needle), __FILE__, __LINE__, __VA_ARGS__)
#define unlike(got, needle, ...) \
	tap_unlike((got), (needle), __FILE__, __LINE__, __VA_ARGS__)
#define diag(...) tap_diag(__VA_ARGS__)

#endif
