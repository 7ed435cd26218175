/* The plan's files, for the certificate screens. */
#ifndef MCERT_CERTS_H
#define MCERT_CERTS_H

#include <stddef.h>

#include "widgets.h"

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
	char *accept;		/* NULL, or the host key fingerprints the
				 * operator trusted for the servers where
				 * keys are made (comma-separated; freed
				 * with the job) */
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


/* The lines the job posted, into log (NULL: dropped); *finished when it
 * ended.  Returns how many. */
struct textview;
size_t job_lines(struct wiz *w, struct textview *log, int *finished);

#endif
