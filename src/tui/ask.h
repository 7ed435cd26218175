/* A question from background work answered on the screen (an SSH
 * password, a key's passphrase), and the SSH options of the screens that
 * reach the Meeting Servers. */
#ifndef MCERT_ASK_H
#define MCERT_ASK_H

#include <pthread.h>
#include <stddef.h>

#include "ssh.h"
#include "widgets.h"

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

#endif
