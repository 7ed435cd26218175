/* Small pieces the screens share, drawn with ui.h: a one-line text field,
 * a list cursor, a scrollable text, a question asked from background work,
 * and the SSH options of the screens that reach the servers. */
#ifndef MCERT_WIDGETS_H
#define MCERT_WIDGETS_H

#include <pthread.h>
#include <stddef.h>

#include "ssh.h"
#include "ui.h"
#include "verify.h"

struct field {
	char text[256];		/* UTF-8 */
	size_t cursor;		/* byte offset in text */
};

void field_set(struct field *f, const char *text);
/* Edits f with key: 1 when the key was an edit (or a move in it). */
int field_key(struct field *f, int key);
/* Draws f at row, col, width columns; with focus, the cursor is put in
 * it. */
void field_draw(const struct field *f, int row, int col, int width,
    int focus);

/* Moves *sel within 0..n-1 for Up, Down, Home, End, PgUp, PgDn: 1 when the
 * key was one of them. */
int list_key(size_t *sel, size_t n, int key);

/* Copies text into out (of size sz), cut to at most width columns; a
 * cut ends in an ellipsis mark (U+2026 in UTF-8, "~" under LANG=C), so
 * a table cell never runs into the next.  Returns out. */
char *text_clip(char *out, size_t sz, const char *text, int width);

/* ---- A scrollable text: lines wrapped at blanks to the width drawn,
 * each in its style (a transcript, a certificate's details). */
struct textview {
	char **lines;		/* owned */
	enum ui_style *style;
	int *hang;		/* columns its wrapped rows are indented by */
	size_t n;
	size_t top;		/* the first row shown, in wrapped rows */
	int follow;		/* keep the last row in view as lines come */
	size_t total, page;	/* wrapped rows and rows shown, last draw */
};

/* Appends a copy of text (its tabs made blanks, other control
 * characters dropped); 0, or -1 out of memory. */
int textview_add(struct textview *t, enum ui_style style, const char *text);
/* The same, its wrapped rows indented by hang columns (a label's). */
int textview_add_hanging(struct textview *t, enum ui_style style, int hang,
    const char *text);
/* Empties t (the scroll position too). */
void textview_clear(struct textview *t);
/* Draws rows x width from row, col: the rows from t->top on, or the last
 * ones when following. */
void textview_draw(struct textview *t, int row, int col, int rows,
    int width);
/* Up, Down, PgUp, PgDn, Home, End: 1 when the key was one of them. */
int textview_key(struct textview *t, int key);

/* ---- A question from background work (an SSH password, a keyboard-
 * interactive answer, a key's passphrase): the job's thread asks and waits;
 * the screen draws the question with ask_draw and gives it its keys with
 * ask_key; Enter hands the answer over, Esc refuses it, and so does the
 * job being cancelled.  One question at a time; the answer is wiped once
 * handed over. */
struct wiz_job;

struct ask {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct wiz_job *job;	/* wakes the screen; its cancel ends a wait */
	int state;		/* idle, waiting, answered, refused */
	char prompt[512];
	int echo;		/* 0: the answer shows as asterisks */
	char answer[512];
	struct field field;
};

void ask_init(struct ask *a, struct wiz_job *job);
/* Wipes and destroys a: no job may be using it any more. */
void ask_free(struct ask *a);
/* An mcert_ssh_opts.ask (ctx: the struct ask), for a job's thread, never
 * the UI's: 0 with buf filled, -1 refused or cancelled. */
int ask_ssh(void *ctx, const char *prompt, int echo, char *buf, size_t len);
/* On the UI thread: whether a question waits for the operator. */
int ask_waiting(struct ask *a);
/* Draws the waiting question and its field from row, width columns (the
 * cursor put in the field): the rows used, 0 when none waits. */
int ask_draw(struct ask *a, int row, int col, int width);
/* 1 when a question waits and took key (every key but F1). */
int ask_key(struct ask *a, int key);

/* ---- SSH for the screens that reach the Meeting Servers (Bind,
 * Validate): known_hosts is $MEETCERT_KNOWN_HOSTS, else the wizard's own
 * DIR/known_hosts beside the workspace (made 0600 when missing); the key
 * $MEETCERT_IDENTITY when set, then ssh-agent and ~/.ssh/config; passwords
 * and the like asked through a (NULL: never asked). */
struct wiz_ssh {
	char known[4096], identity[4096], config[4096];
};

/* Fills o (its strings live in s, which must outlive it). */
void wiz_ssh_opts(struct wiz_ssh *s, const char *dir, struct ask *a,
    struct mcert_ssh_opts *o);

/* The first of n rows to show in a window of rows rows so that sel is in
 * view, moving *top (kept between draws) as little as possible. */
size_t list_top(size_t *top, size_t sel, size_t n, int rows);

/* "[ label ]" at row, col, UI_SELECTED when it has the focus; returns the
 * column after it. */
int button_draw(int row, int col, const char *label, int focus);

/* As ui_wrap, but a word longer than a row (a SAN list, a path) is cut
 * across rows instead of lost; returns the rows used. */
int text_draw(int row, int col, int width, int maxrows, enum ui_style style,
    const char *text);

/* ---- A paste area: lines typed or pasted (a PEM block), ended by a
 * line holding only "." or by Ctrl-D; Esc cancels.  At most
 * PASTE_MAX bytes are kept. */
#define PASTE_MAX (256 * 1024)

struct paste {
	char *text;		/* NUL-terminated, LF line ends; NULL: none */
	size_t len;
};

enum paste_state {
	PASTE_MORE,		/* the key was taken: go on */
	PASTE_DONE,		/* ended: the text is in p (without the ".") */
	PASTE_CANCELLED,	/* Esc: the text is dropped */
	PASTE_PASSED,		/* not the area's key (F1, F10) */
};

enum paste_state paste_key(struct paste *p, int key);
/* Draws the last lines that fit in rows from row, the cursor at the end
 * of the text. */
void paste_draw(const struct paste *p, int row, int col, int rows,
    int width);
void paste_free(struct paste *p);

/* ---- The plan's files, for the certificate steps (Certificates, Keys
 * and CSRs, Signing, Import, Bundles). */
struct mcert_plan_cert;
struct mcert_workspace;
struct wiz;

/* The `pki csr NAME CN:... subjectAltName:...` line (`pki selfsigned` for
 * a CA) that makes certificate c on a Meeting Server, as `meetcert plan`
 * prints it; caller frees.  NULL on no memory. */
char *cert_pki_line(const struct mcert_plan_cert *c);

/* Whether the operator chose to make c's key on its server (workspace
 * "certificates": {NAME: {"key": "server"}}), so that it never leaves
 * it; whether c may be (one host, not a CA, not self-signed); and the
 * choice set (save to keep it): 0, or -1 out of memory. */
int cert_key_on_server(const struct mcert_workspace *ws, const char *name);
int cert_key_server_allowed(const struct mcert_plan_cert *c);
int cert_set_key_on_server(struct mcert_workspace *ws, const char *name,
    int on);

/* Records in the workspace how far each certificate of w's plan got,
 * from its files (a CSR: "csr", a certificate: "signed"), never moving a
 * state back; 1 when one changed (save to keep it). */
int cert_states_sync(struct wiz *w);

/* A run of mcert_make in a wiz_job, on copies of the workspace and plan
 * so that the screen goes on using its own.  It makes one certificate at
 * a time (the CAs first, the bundles last) so that Esc stops it between
 * two, posting each file made; a certificate whose key is made on its
 * server is not made here: its CSR is signed when a CA signs here, else
 * what to run there is said. */
struct make_job {
	struct mcert_workspace *ws;	/* the job's own */
	struct mcert_plan *plan;
	char *dir;
	char *ca;		/* a local CA (mcert_make_opts.ca), or NULL */
	int certs;		/* 0: only the CAs and the bundles */
	int bundles;		/* 0: not the bundles (1 from make_job_new) */
	char **only;		/* NULL, or the names of the only certificates
				 * to make (freed with the job) */
	size_t nonly;
	/* Read once the job has finished: */
	struct mcert_findings findings;	/* what waits, each said once */
	struct mcert_error err;	/* why it stopped, when failed */
	int failed, cancelled;
	size_t nmade;		/* files made */
};

/* A job on copies of w's workspace and plan; ca may be NULL.  NULL with
 * the reason said. */
struct make_job *make_job_new(struct wiz *w, const char *ca, int certs);
/* Starts it: 0, or -1 (said); the caller still owns mj. */
int make_job_start(struct wiz *w, struct make_job *mj);
/* Frees mj (NULL is fine); never while its job runs. */
void make_job_free(struct make_job *mj);

#endif
