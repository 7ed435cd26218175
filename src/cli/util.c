#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "verify.h"

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("meetcert: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_warning(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s", _("warning: "));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage(const struct cli_cmd *cmd)
{
	fprintf(stderr, _("usage: meetcert %s %s\n"), cmd->name, _(cmd->usage));
	fprintf(stderr, _("Try 'meetcert --help' for more.\n"));
	return CLI_USAGE;
}

int
cli_exit_for(int code)
{
	return code == MCERT_E_VERDICT ? CLI_FAIL : CLI_USAGE;
}

int
cli_parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < 0 || v > INT_MAX) {
		cli_error(_("--passphrase-fd: '%s' is not a file descriptor "
		    "number"), s);
		return -1;
	}
	if (fcntl((int)v, F_GETFD) == -1) {
		cli_error(_("--passphrase-fd: file descriptor %ld is not open; "
		    "open it for the command (as in 3<passfile)"), v);
		return -1;
	}
	return (int)v;
}

/* Reads one line (without its line end) from fd into buf. */
static int
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char c;

	while (n + 1 < size) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (int)n;
}

static int
ask_terminal(const char *file, char *buf, size_t size)
{
	struct termios old, quiet;
	int fd, n;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (tcgetattr(fd, &old) == -1) {
		close(fd);
		return -1;
	}
	dprintf(fd, _("Passphrase for %s: "), file);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	n = read_line(fd, buf, size);
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	return n;
}

static int
passphrase_get(void *ctx, const char *file, char *buf, size_t size)
{
	struct cli_passphrase *cp = ctx;

	if (cp->fd >= 0) {
		/* One line per key, in the order the keys are read. */
		cp->used = 1;
		return read_line(cp->fd, buf, size);
	}
	return ask_terminal(file, buf, size);
}

void
cli_passphrase_init(struct cli_passphrase *cp, struct mcert_passphrase *pp)
{
	pp->get = passphrase_get;
	pp->ctx = cp;
}

char *
cli_path(const char *dir, const char *base, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s%s%s.%s", dir != NULL ? dir : "",
	    dir != NULL && *dir != '\0' && dir[strlen(dir) - 1] != '/' ? "/" :
	    "", base, ext) == -1) {
		cli_error("%s", _("out of memory"));
		exit(CLI_USAGE);
	}
	return p;
}

void
cli_print_days_left(long days)
{
	if (days >= 0)
		printf(ngettext("%ld day left", "%ld days left",
		    (unsigned long)days), days);
	else
		printf(ngettext("expired %ld day ago", "expired %ld days ago",
		    (unsigned long)-days), -days);
}

/* The wizard's ui_width (src/tui/ui.c) is the same measure for curses;
 * the commands stay out of the wizard's curses layer (ui.h) for it. */
int
cli_width(const char *s)
{
	wchar_t small[128], *wcs = small;
	size_t n = mbstowcs(NULL, s, 0);
	int w;

	if (n == (size_t)-1)
		return (int)strlen(s);	/* not text in this locale: bytes */
	if (n >= sizeof(small) / sizeof(*small) &&
	    (wcs = calloc(n + 1, sizeof(*wcs))) == NULL)
		return (int)n;
	mbstowcs(wcs, s, n + 1);
	/* a character with no width (a control) counts one */
	if ((w = wcswidth(wcs, n)) < 0)
		w = (int)n;
	if (wcs != small)
		free(wcs);
	return w;
}

void
cli_label(int indent, int width, const char *label)
{
	int pad = width - cli_width(label);

	printf("%*s%s%*s ", indent, "", label, pad > 0 ? pad : 0, "");
}

void
cli_row(int indent, int width, const char *label, const char *fmt, ...)
{
	va_list ap;

	cli_label(indent, width, label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void
cli_print_warnings(const struct mcert_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		cli_warning("%s", f->v[i].text);
}

const struct mcert_object *
cli_load_one(const char *path, enum mcert_kind kind, const char *what,
    const struct mcert_passphrase *pp, struct mcert_file **f)
{
	struct mcert_error err = { 0 };
	const struct mcert_object *o;

	if (mcert_file_load(path, 0, pp, f, &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		return NULL;
	}
	if ((o = mcert_file_first(*f, kind)) == NULL)
		cli_error(_("%s: holds no %s"), path, what);
	return o;
}

int
cli_seconds(const char *opt, const char *arg, long lo, long hi, long *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v < lo || v > hi) {
		cli_error(_("%s: '%s' is not a number of seconds from %ld to "
		    "%ld"), opt, arg, lo, hi);
		return -1;
	}
	*ms = v * 1000;
	return 0;
}
