/* Inside discover: what was read, host by host (discover.c), and what it
 * is taken to mean (discover-names.c: names, layout, key type, CAs, the
 * database cluster's files). */
#ifndef MCERT_DISCOVER_INT_H
#define MCERT_DISCOVER_INT_H

#include <openssl/x509.h>

#include "discover.h"
#include "load.h"
#include "workspace.h"

/* A fetched file, decoded and loaded once. */
struct dv_file {
	const char *name;	/* borrowed from observed */
	unsigned char *data;
	size_t len;
	struct mcert_file *f;	/* NULL: it does not parse (why) */
	char why[1024];
};

/* The certificate one service presents. */
struct dv_leaf {
	const struct mcert_service *s;
	struct dv_file *file;	/* its cert or fullchain file, or NULL */
	struct dv_file *chain;	/* its bundle, or NULL */
	X509 *x;		/* the file's first certificate, or NULL */
	char sha[96];
	char *cn;		/* NULL: none */
	json_t *names;		/* DNS names and addresses: the CN, the SAN */
};

struct dv_host {
	const json_t *obs;
	const char *address, *user;
	int port;
	char hostname[64];	/* `hostname`, its first label; "" if none */
	char hostfqdn[256];	/* when it printed a dotted name */
	json_t *bindings;	/* service id -> mcert_mmp_binding */
	json_t *pki;		/* `pki list`, names */
	json_t *db;		/* mcert_mmp_db_status, or NULL */
	struct dv_file *files;
	size_t nfiles;
	struct dv_leaf *leaves;
	size_t nleaves;
	char label[40];
	char *fqdn;
	unsigned int roles;
	enum mcert_dbrole dbrole;
	const char *dbservice;	/* "database-node", "database-connect" */
	json_t *dbbound;	/* placeholder -> file, or NULL */
};

struct dv {
	const struct mcert_services *svc;
	time_t now;
	struct dv_host *h;
	size_t nh;
	json_t *guesses;	/* field -> why, in the order found */
	json_t *names;		/* the workspace's "names" */
	enum mcert_deploy type;
	enum mcert_layout layout;
	const char *keytype;
	unsigned int options;
	int nomem;
};

/* Whether s is read from a status screen (a variant for an option that
 * binds as its plain service does is not: the plain one stands for it). */
int dv_readable(const struct mcert_services *svc,
    const struct mcert_service *s);

/* Whether database cluster status (parsed) shows this node, "(me)". */
int dv_in_cluster(const json_t *db);

/* Records a guess: field as a workspace error names it. */
void dv_guess(struct dv *d, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether name is in arr, case-insensitively. */
int dv_has(const json_t *arr, const char *name);

/* The leaf of service id on h, or NULL. */
const struct dv_leaf *dv_leaf(const struct dv_host *h, const char *id);

/* The fetched file name of h, or NULL. */
struct dv_file *dv_file_get(struct dv_host *h, const char *name);

/* "previous" and "bound" (discover-records.c). */
int dv_records(struct dv *d, struct mcert_workspace *ws,
    struct mcert_error *err);
/* "discovered": per host, per service, its files and certificate. */
int dv_inventory(const struct dv *d, struct mcert_workspace *ws,
    struct mcert_error *err);

/* A host's FQDN from its certificates (a guess when not matched to its
 * hostname); labels.  discover-names.c */
void dv_fqdns(struct dv *d);
/* layout, key type, names; the hosts' FQDNs must be known. */
void dv_layout(struct dv *d);
void dv_keytype(struct dv *d);
void dv_names(struct dv *d);
/* The database cluster's files among each node's pki list. */
void dv_database(struct dv *d);
/* certificates.NAME.ca for the plan's certificates of ws. */
int dv_cert_cas(struct dv *d, struct mcert_workspace *ws,
    const struct mcert_plan *p, struct mcert_error *err);

#endif
