/* The Keys and CSRs screen's parts: its model (struct keys_screen, what
 * the folder holds of each certificate), its jobs (keys-job.c: the
 * servers' host keys, then the keys made, and their news) and the screen
 * (screen-keys.c: the table, drawing, keys). */
#ifndef MCERT_KEYS_H
#define MCERT_KEYS_H

#include <stddef.h>

#include "ask.h"
#include "hostkeys.h"
#include "widgets.h"
#include "wizard.h"

enum focus { F_LIST, F_MAKE, F_NEXT, NFOCUS };

/* Before keys are made on servers: their host keys learnt, then the
 * unknown ones asked about. */
enum keys_phase { KP_IDLE, KP_HOSTKEYS, KP_TRUST };

struct files_of {
	int key, csr, crt, server;
};

struct keys_screen {
	enum focus focus;
	size_t sel, top;
	struct files_of *f;	/* per plan certificate, from the folder */
	size_t nf;
	struct textview log;
	struct make_job *mj;	/* while it runs */
	enum keys_phase phase;
	struct hostkeys hk;	/* the servers where keys are made */
	struct wiz_ssh paths;	/* hk's known_hosts, identity, config */
};

/* Reads which files of each plan certificate the folder holds. */
void keys_scan(struct wiz *w, struct keys_screen *k);
/* Whether certificate i's key is to be made on its server (pki csr over
 * SSH, the CSR fetched). */
int keys_to_fetch(const struct keys_screen *k, size_t i);

/* Enter on Make: the host keys of the servers where keys are made
 * learnt first (the unknown ones asked about), then the keys made. */
void keys_start(struct wiz *w, struct keys_screen *k);
/* A key while a host key is asked about (KP_TRUST): 1 when taken. */
int keys_trust_key(struct wiz *w, struct keys_screen *k, int key);
/* The jobs' news (the screen's wake). */
void keys_wake(struct wiz *w);

#endif
