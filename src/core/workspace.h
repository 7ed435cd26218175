/* One deployment, saved and resumable: a JSON file (jansson) that is the
 * source of truth, with a checked, typed view for the plan. */
#ifndef MCERT_WORKSPACE_H
#define MCERT_WORKSPACE_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"
#include "keygen.h"

#define MCERT_WS_FORMAT "meetcert-workspace"
#define MCERT_WS_VERSION 1

enum mcert_deploy {
	MCERT_DEPLOY_COMBINED,	/* single combined */
	MCERT_DEPLOY_SPLIT,	/* single split: core + edge */
	MCERT_DEPLOY_RESILIENT,	/* scalable and resilient */
};

/* guide §3.1: one certificate per server (as in the lab), one per
 * service, or one for all. */
enum mcert_layout {
	MCERT_LAYOUT_PER_SERVER,
	MCERT_LAYOUT_PER_SERVICE,
	MCERT_LAYOUT_ONE_FOR_ALL,
};

enum mcert_dbrole {
	MCERT_DB_NONE,
	MCERT_DB_PRIMARY,	/* database cluster initialize */
	MCERT_DB_PEER,		/* database cluster join */
	MCERT_DB_CONNECT,	/* database cluster connect: no database */
};

/* Host roles, one bit each, in the order of mcert_ws_role_names. */
enum {
	MCERT_HOST_CALLBRIDGE = 1 << 0,
	MCERT_HOST_WEBADMIN = 1 << 1,
	MCERT_HOST_WEBBRIDGE3 = 1 << 2,
	MCERT_HOST_TURN = 1 << 3,
	MCERT_HOST_DATABASE = 1 << 4,
	MCERT_HOST_RECORDER = 1 << 5,
	MCERT_HOST_STREAMER = 1 << 6,
	MCERT_HOST_UPLOADER = 1 << 7,
	MCERT_HOST_MEETINGAPPS = 1 << 8,
};

/* Options, one bit each, in the order of mcert_ws_option_names. */
enum {
	MCERT_OPT_TURN_TLS = 1 << 0,
	MCERT_OPT_RECORDER = 1 << 1,
	MCERT_OPT_STREAMER = 1 << 2,
	MCERT_OPT_UPLOADER = 1 << 3,
	MCERT_OPT_MEETINGAPPS = 1 << 4,
	MCERT_OPT_SIP_TRUST = 1 << 5,
	MCERT_OPT_LDAP_TRUST = 1 << 6,
	MCERT_OPT_LYNC = 1 << 7,
	MCERT_OPT_EXPRESSWAY_PROXY = 1 << 8,
};

extern const char *const mcert_ws_role_names[];	/* NULL-terminated */
extern const char *const mcert_ws_option_names[];
extern const char *const mcert_ws_type_names[];
extern const char *const mcert_ws_layout_names[];
extern const char *const mcert_ws_dbrole_names[];

/* The index of s in a NULL-terminated name table, or -1. */
int mcert_ws_name_index(const char *const *table, const char *s);

struct mcert_ws_host {
	const char *label;	/* strings borrow from the JSON */
	const char *address;	/* SSH address; NULL: the FQDN */
	const char *web_address;	/* where its web ports listen (an
					 * interface other than SSH's);
					 * NULL: as SSH */
	int port;		/* 0: as ~/.ssh/config says, else 22 */
	const char *user;
	const char *fqdn;
	unsigned int roles;
	enum mcert_dbrole db;
};

struct mcert_workspace {
	json_t *root;		/* the file; everything else is a view */
	enum mcert_deploy type;
	unsigned int options;
	const char *cluster_fqdn, *join_url, *login_domain, *c2w_address;
	const char *expressway_a_record;
	const char *domain;	/* the deployment's DNS domain (guide §3.1) */
	int c2w_port;
	int https_port;		/* Web Bridge 3's (webbridge3 https listen) */
	enum mcert_layout layout;
	enum mcert_keytype keytype;
	int generation;		/* in every file name: a renewal never
				 * reuses a live name */
	struct mcert_ws_host *hosts;
	size_t nhosts;
};

/* A workspace from root, which it takes over (even on error).  Every
 * field is checked; an error names it ("hosts[1].fqdn: ...").  A file
 * from a newer meetcert is refused. */
int mcert_ws_from_json(json_t *root, const char *name,
    struct mcert_workspace **out, struct mcert_error *err);

/* Reads and checks path. */
int mcert_ws_load(const char *path, struct mcert_workspace **out,
    struct mcert_error *err);

/* Writes ws to path atomically (a temporary file beside it, synced, then
 * renamed over it), mode 0600, keys sorted so that load and save give the
 * same bytes.  An existing path that is not a workspace this meetcert can
 * read (corrupt, or from a newer version) is never replaced. */
int mcert_ws_save(const struct mcert_workspace *ws, const char *path,
    struct mcert_error *err);

/* Per certificate of the plan (by its name): "certificates": {NAME:
 * {"ca": "public"|"internal"|"dedicated"|"self", "state": one of
 * mcert_ws_state_names}}, and per step: "steps": {"HOST/N": state}.  The
 * work resumes where it stopped. */
extern const char *const mcert_ws_state_names[];
extern const char *const mcert_ws_ca_names[];

/* The CA chosen for certificate name, or NULL (the plan derives one). */
const char *mcert_ws_cert_ca(const struct mcert_workspace *ws,
    const char *name);

/* The state of certificate name, or of step key ("cms1a/3"); "planned"
 * when none is recorded. */
const char *mcert_ws_cert_state(const struct mcert_workspace *ws,
    const char *name);
const char *mcert_ws_step_state(const struct mcert_workspace *ws,
    const char *key);

/* Records a state (one of mcert_ws_state_names); save to keep it. */
int mcert_ws_set_cert_state(struct mcert_workspace *ws, const char *name,
    const char *state, struct mcert_error *err);
int mcert_ws_set_step_state(struct mcert_workspace *ws, const char *key,
    const char *state, struct mcert_error *err);

/* Forgets every step recorded for host label in generation (keys
 * "LABEL/gN/..."): a rollback undid them.  Save to keep it. */
void mcert_ws_forget_steps(struct mcert_workspace *ws, const char *label,
    int generation);

/* Whether certificate name's key was made on its Meeting Server (pki csr:
 * it never leaves it): "certificates": {NAME: {"key": "server"}}. */
int mcert_ws_key_on_server(const struct mcert_workspace *ws, const char *name);

/* Marks it so (on) or not; save to keep it.  0, or -1 on no memory. */
int mcert_ws_set_key_on_server(struct mcert_workspace *ws, const char *name,
    int on);

/* The database cluster's nodes: hosts marked primary or peer. */
size_t mcert_ws_db_nodes(const struct mcert_workspace *ws);

/* Where to reach h over SSH: its address, else its FQDN. */
const char *mcert_ws_host_address(const struct mcert_ws_host *h);

/* Where h's services listen, for a live TLS probe: its web_address, else
 * as SSH. */
const char *mcert_ws_probe_address(const struct mcert_ws_host *h);

/* What each service had bound before this generation was deployed, read
 * from its status screen: "previous": {"generation": N, "hosts": {LABEL:
 * {SERVICE: {placeholder: file|null, "enabled": bool|null}}}}.  The
 * first record per host and service wins (a rerun after a rollback must
 * not record the half-way state); a new generation starts afresh.
 * Rollback and renewal put these back. */
int mcert_ws_record_binding(struct mcert_workspace *ws, const char *host,
    const char *service, json_t *binding, struct mcert_error *err);
/* The record, or NULL (borrowed). */
json_t *mcert_ws_binding(const struct mcert_workspace *ws, const char *host,
    const char *service);

/* What meetcert knows is bound for a service whose status screen does not
 * name its files (the database cluster's certs): "bound": {LABEL:
 * {SERVICE: {placeholder: file}}}.  Deploy records it once the
 * certificates are bound; discover from the files it found.  Status,
 * expiry and rollback read it.  set copies files. */
int mcert_ws_set_bound(struct mcert_workspace *ws, const char *host,
    const char *service, json_t *files, struct mcert_error *err);
/* The record, or NULL (borrowed). */
json_t *mcert_ws_bound(const struct mcert_workspace *ws, const char *host,
    const char *service);

/* Something discover had to guess: "guesses": {FIELD: why}, FIELD named
 * as a workspace error names it ("hosts[1].db", "names.join_url"). */
int mcert_ws_add_guess(struct mcert_workspace *ws, const char *field,
    const char *why, struct mcert_error *err);

/* Starts a renewal: the next generation (every file name is new, so the
 * live files are never touched), with "previous" begun afresh and each
 * "bound" record (the database's) copied into it as what to put back.
 * Certificate states of the old generation stay as they were (their names
 * differ).  Save to keep it. */
int mcert_ws_renew(struct mcert_workspace *ws, struct mcert_error *err);

/* Rebuilds the typed view after root was changed. */
int mcert_ws_refresh(struct mcert_workspace *ws, struct mcert_error *err);

void mcert_ws_free(struct mcert_workspace *ws);

#endif
