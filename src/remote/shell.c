/* A persistent MMP shell over a PTY (shell.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmp.h"
#include "shell.h"
#include "ssh-int.h"
#include "timefmt.h"

#define KEEPALIVE_MS 10000
#define SLICE_MS 100

struct mcert_shell {
	struct mcert_ssh *ssh;
	ssh_channel ch;
	FILE *transcript;
	char *prompt;		/* "cms1> ", learnt from the first one */
	char *buf;		/* what the current command printed */
	size_t len, cap;
	int dead;
};

static int
grow(struct mcert_shell *sh, const char *data, size_t n)
{
	char *grown;

	if (sh->len + n + 1 > sh->cap) {
		size_t cap = (sh->len + n + 1) * 2;

		if (cap > 16u * 1024 * 1024 || (grown = realloc(sh->buf,
		    cap)) == NULL)
			return -1;
		sh->buf = grown;
		sh->cap = cap;
	}
	memcpy(sh->buf + sh->len, data, n);
	sh->len += n;
	sh->buf[sh->len] = '\0';
	return 0;
}

/* Drops every CR: a PTY ends its lines with CRLF. */
static void
strip_cr(struct mcert_shell *sh)
{
	size_t i, j;

	for (i = j = 0; i < sh->len; i++)
		if (sh->buf[i] != '\r')
			sh->buf[j++] = sh->buf[i];
	sh->len = j;
	if (sh->buf != NULL)
		sh->buf[j] = '\0';
}

/* The last line ends in "> " and, once known, is the prompt. */
static int
at_prompt(const struct mcert_shell *sh)
{
	const char *last;

	if (sh->len < 2 || strcmp(sh->buf + sh->len - 2, "> ") != 0)
		return 0;
	last = strrchr(sh->buf, '\n');
	last = last != NULL ? last + 1 : sh->buf;
	return sh->prompt == NULL || strcmp(last, sh->prompt) == 0;
}

/* The session cannot go on: marks it and passes the error on. */
static int
ended(struct mcert_shell *sh, int ret)
{
	sh->dead = 1;
	if (sh->transcript != NULL) {
		fputs("[the session ended here]\n", sh->transcript);
		fflush(sh->transcript);
	}
	return ret;
}

static int
dropped(struct mcert_shell *sh, const char *command, struct mcert_error *err)
{
	return ended(sh, command != NULL ? mcert_error_set(err, MCERT_E_IO,
	    N_("%s: the connection dropped during '%s'; rerun to resume"),
	    sh->ssh->host, command) : mcert_error_set(err, MCERT_E_IO,
	    N_("%s: the connection dropped before the MMP's prompt"),
	    sh->ssh->host));
}

/* Reads into buf until the prompt, answering each question once. */
static int
read_answer(struct mcert_shell *sh, const char *command, const char *confirm,
    const char *secret, long timeout_ms, int *refused,
    struct mcert_error *err)
{
	long deadline = mcert_now_ms() + timeout_ms, quiet = mcert_now_ms();
	size_t answered = 0;
	char chunk[4096];
	int n, ask;

	for (;;) {
		n = ssh_channel_read_timeout(sh->ch, chunk, sizeof(chunk), 0,
		    SLICE_MS);
		if (n < 0 || (n == 0 && (ssh_channel_is_eof(sh->ch) ||
		    ssh_channel_is_closed(sh->ch))))
			return dropped(sh, command, err);
		if (n > 0) {
			if (grow(sh, chunk, (size_t)n) != 0)
				return ended(sh, mcert_error_set(err,
				    MCERT_E_LIMIT, N_("%s: '%s' printed too "
				    "much"), sh->ssh->host, command != NULL ?
				    command : "(login)"));
			strip_cr(sh);
			quiet = mcert_now_ms();
			if (at_prompt(sh))
				return MCERT_OK;
			ask = mcert_mmp_question(sh->buf + answered,
			    sh->len - answered);
			if (ask != MCERT_MMP_ASK_NONE) {
				const char *a = ask == MCERT_MMP_ASK_CONFIRM ?
				    (confirm != NULL ? confirm : "N") : secret;

				if (a == NULL || (ask == MCERT_MMP_ASK_CONFIRM &&
				    confirm == NULL))
					*refused = ask;
				if (a == NULL)
					a = "";
				answered = sh->len;
				if (ssh_channel_write(sh->ch, a, (uint32_t)strlen(a))
				    < 0 || ssh_channel_write(sh->ch, "\n", 1) < 0)
					return dropped(sh, command, err);
				if (sh->transcript != NULL)
					fprintf(sh->transcript, "%s", sh->buf);
			}
		} else if (mcert_now_ms() - quiet > KEEPALIVE_MS) {
			mcert_ssh_keepalive(sh->ssh);
			quiet = mcert_now_ms();
		}
		if (mcert_now_ms() > deadline)
			return ended(sh, mcert_error_set(err, MCERT_E_IO,
			    N_("%s: no answer to '%s' within %ld s; the session "
			    "was closed: rerun to resume"), sh->ssh->host,
			    command != NULL ? command : "(login)",
			    timeout_ms / 1000));
	}
}

int
mcert_shell_open(struct mcert_ssh *s, FILE *transcript, long timeout_ms,
    struct mcert_shell **out, struct mcert_error *err)
{
	struct mcert_shell *sh;
	const char *last;
	int refused = 0, ret;

	*out = NULL;
	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	sh->ssh = s;
	sh->transcript = transcript;
	/* Wide, so that no line of the MMP's is ever wrapped. */
	if ((sh->ch = ssh_channel_new(s->session)) == NULL ||
	    ssh_channel_open_session(sh->ch) != SSH_OK ||
	    ssh_channel_request_pty_size(sh->ch, "vt100", 400, 50) != SSH_OK ||
	    ssh_channel_request_shell(sh->ch) != SSH_OK) {
		ret = mcert_error_set(err, MCERT_E_IO, N_("%s: cannot open the "
		    "MMP shell: %s"), s->host, ssh_get_error(s->session));
		mcert_shell_close(sh);
		return ret;
	}
	if ((ret = read_answer(sh, NULL, NULL, NULL, timeout_ms, &refused,
	    err)) != MCERT_OK) {
		mcert_error_set(err, MCERT_E_IO, N_("%s: the MMP shell never "
		    "showed its prompt (is this a Meeting Server?)"), s->host);
		mcert_shell_close(sh);
		return ret;
	}
	last = strrchr(sh->buf, '\n');
	if ((sh->prompt = strdup(last != NULL ? last + 1 : sh->buf)) == NULL) {
		mcert_shell_close(sh);
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	}
	*out = sh;
	return MCERT_OK;
}

/* buf less the echoed command line and the closing prompt. */
static char *
answer_text(struct mcert_shell *sh, const char *command)
{
	char *start = sh->buf, *nl;
	size_t plen = strlen(sh->prompt), clen = strlen(command), n;

	if (strncmp(start, command, clen) == 0 && (start[clen] == '\n' ||
	    start[clen] == '\0'))
		start += clen + (start[clen] == '\n');
	n = strlen(start);
	if (n >= plen && strcmp(start + n - plen, sh->prompt) == 0)
		n -= plen;
	if ((nl = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(nl, start, n);
	nl[n] = '\0';
	return nl;
}

/* Replaces every copy of secret in s (an echo) with asterisks. */
static void
scrub(char *s, const char *secret)
{
	size_t n = secret != NULL ? strlen(secret) : 0;
	char *p;

	if (n == 0)
		return;
	while ((p = strstr(s, secret)) != NULL)
		memset(p, '*', n);
}

static void
transcribe(struct mcert_shell *sh, const char *command, const char *text,
    const char *confirm, int secret)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (sh->transcript == NULL)
		return;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(sh->transcript, "# %s\n%s%s\n%s", stamp, sh->prompt, command,
	    text);
	if (*text != '\0' && text[strlen(text) - 1] != '\n')
		fputc('\n', sh->transcript);
	if (confirm != NULL)
		fprintf(sh->transcript, "[answered %s]\n", confirm);
	if (secret)
		fputs("[a password was asked: the answer is not recorded]\n",
		    sh->transcript);
	fflush(sh->transcript);
}

int
mcert_shell_run(struct mcert_shell *sh, const char *command,
    const char *confirm, const char *secret, long timeout_ms, char **output,
    struct mcert_error *err)
{
	FILE *tr = sh->transcript;
	int refused = 0, ret;

	*output = NULL;
	if (sh->dead)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: the session "
		    "has ended; rerun to resume"), sh->ssh->host);
	if (!mcert_mmp_command_ok(command))
		return mcert_error_set(err, MCERT_E_INVALID, N_("%s: refusing to "
		    "send a command with control characters"), sh->ssh->host);
	sh->len = 0;
	if (ssh_channel_write(sh->ch, command, (uint32_t)strlen(command)) < 0 ||
	    ssh_channel_write(sh->ch, "\n", 1) < 0)
		return dropped(sh, command, err);
	sh->transcript = NULL;	/* questions are transcribed below */
	ret = read_answer(sh, command, confirm, secret, timeout_ms, &refused,
	    err);
	sh->transcript = tr;
	if (sh->buf != NULL)
		scrub(sh->buf, secret);
	if (ret != MCERT_OK) {
		transcribe(sh, command, sh->buf != NULL ? sh->buf : "", NULL,
		    0);
		return ret;
	}
	if ((*output = answer_text(sh, command)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	transcribe(sh, command, *output, refused ? "N" : confirm != NULL &&
	    strstr(*output, "(Y/N)") != NULL ? confirm : NULL,
	    secret != NULL && refused == 0 && strstr(*output, "assword") !=
	    NULL);
	if (refused == MCERT_MMP_ASK_CONFIRM)
		return mcert_error_set(err, MCERT_E_VERDICT, N_("%s: '%s' asked "
		    "a question the plan does not expect; answered N"),
		    sh->ssh->host, command);
	if (refused == MCERT_MMP_ASK_SECRET)
		return mcert_error_set(err, MCERT_E_VERDICT, N_("%s: '%s' asked "
		    "for a password and none was given"), sh->ssh->host,
		    command);
	return MCERT_OK;
}

int
mcert_shell_alive(const struct mcert_shell *sh)
{
	return sh != NULL && !sh->dead;
}

void
mcert_shell_close(struct mcert_shell *sh)
{
	if (sh == NULL)
		return;
	if (sh->ch != NULL) {
		if (!sh->dead) {
			ssh_channel_write(sh->ch, "exit\n", 5);
			ssh_channel_send_eof(sh->ch);
		}
		ssh_channel_close(sh->ch);
		ssh_channel_free(sh->ch);
	}
	if (sh->buf != NULL)
		mcert_wipe(sh->buf, sh->cap);
	free(sh->buf);
	free(sh->prompt);
	free(sh);
}
