/* The plan: a pure function of a workspace and the service table
 * (data/services.json): every certificate, file and MMP command of a
 * deployment, in a safe order. */
#ifndef MCERT_PLAN_H
#define MCERT_PLAN_H

#include <stddef.h>

#include <jansson.h>

#include "ca.h"
#include "error.h"
#include "verify.h"
#include "workspace.h"

/* ---- the service table */

struct mcert_service {
	const char *id, *name, *guide, *ca, *takes, *cn, *note;
	unsigned int host_role;	/* MCERT_HOST_* bit */
	unsigned int option;	/* MCERT_OPT_* bit, 0: always */
	unsigned int deployments;	/* 1 << enum mcert_deploy */
	int role;		/* enum mcert_usage, or -1 for trust only */
	int order;
	json_t *san;		/* array of symbolic names */
	json_t *commands;	/* object: status, disable, bind, enable, ... */
	json_t *status_fields;	/* object: placeholder -> status label */
};

struct mcert_services {
	json_t *root;
	struct mcert_service *v;
	size_t n;
};

/* Reads and checks a service table; an error names the entry and field. */
int mcert_services_load(const char *path, struct mcert_services **out,
    struct mcert_error *err);
void mcert_services_free(struct mcert_services *s);

/* The service table to read: given, else $MEETCERT_DATA/services.json,
 * else the installed one, else the source tree's (a meetcert run from its
 * build directory).  Returns buf or given. */
const char *mcert_services_path(const char *given, char *buf, size_t sz);

/* The service of the table whose id is id, or NULL (also for id NULL). */
const struct mcert_service *mcert_service_get(const struct mcert_services *svc,
    const char *id);

/* The command template of service s named what ("bind"), or NULL. */
const char *mcert_service_command(const struct mcert_service *s,
    const char *what);

/* The TCP ports where service s presents its certificate on a host of
 * ws: the table's "ports", with Web Bridge 3's https and c2w ports the
 * workspace's.  At most max into out; the count. */
size_t mcert_service_ports(const struct mcert_workspace *ws,
    const struct mcert_services *svc, const struct mcert_service *s,
    int *out, size_t max);

/* ---- the plan */

struct mcert_plan_cert {
	char *name;		/* the basename of its key, CSR and cert */
	char *cn;
	json_t *san;		/* array of strings, the CN first */
	enum mcert_usage usage;
	const char *ca;		/* "public", "internal", "dedicated", "self" */
	json_t *hosts;		/* labels of the hosts that hold it */
	json_t *services;	/* ids of the services that use it */
};

struct mcert_plan_step {
	const char *host;	/* label */
	int phase;		/* steps of one phase run on every host before
				 * the next phase starts (database cluster) */
	char *command;
	const char *confirm;	/* the answer the command asks for, or NULL */
	const char *service;
	const char *what;	/* its template: "disable", "bind", "enable",
				 * "restart", "remove", "initialize", "join",
				 * "connect", "status" */
	json_t *files;		/* bind: {placeholder: file}; else NULL */
	size_t seq;		/* the order it was made in */
};

struct mcert_plan {
	struct mcert_plan_cert *certs;
	size_t ncerts;
	json_t *files;		/* object: host label -> array of file names */
	struct mcert_plan_step *steps;
	size_t nsteps;
	json_t *operator;	/* array: what the operator does by hand */
	json_t *bundles;	/* object: file -> {"kind", "certificates"} */
	struct mcert_findings findings;	/* errors stop the plan */
};

/* Derives the plan (its strings may borrow from ws: free the plan
 * first); problems with the workspace (a database cluster not
 * of 3 to 5 nodes, a missing join URL, ...) go into findings, naming the
 * field.  Returns MCERT_OK when a plan was made, even with findings. */
int mcert_plan_build(const struct mcert_workspace *ws,
    const struct mcert_services *svc, struct mcert_plan **out,
    struct mcert_error *err);

void mcert_plan_free(struct mcert_plan *p);

/* The status screen that shows what step st's service has bound (its
 * "status" command, when the table says how to read it), or NULL. */
const char *mcert_plan_step_screen(const struct mcert_services *svc,
    const struct mcert_plan_step *st);

/* The end (one past) of the group starting at p->steps[first]: the steps
 * in a row of one host and phase whose services share a status screen,
 * one component's disable ... enable, bound and put back together. */
size_t mcert_plan_group_end(const struct mcert_plan *p,
    const struct mcert_services *svc, size_t first);

/* The subject of c as `pki csr` makes it: the CN appended to the SAN list
 * (guide §3.1).  names (json_array_size(c->san) + 2 pointers) receives the
 * list; s borrows from c and names: do not free it. */
void mcert_plan_cert_subject(const struct mcert_plan_cert *c,
    struct mcert_subject *s, char **names);

/* The `pki csr` (or, for a CA, `pki selfsigned`) line that makes c on a
 * Meeting Server.  Caller frees; NULL on no memory. */
char *mcert_plan_cert_pki_line(const struct mcert_plan_cert *c);

/* The plan as JSON: {"certificates": [{"name", "cn", "san", "usage",
 * "ca", "hosts", "services"}], "hosts": [{"label", "fqdn", "files",
 * "steps": [{"command", "phase", "confirm", "service"}]}], "bundles":
 * {file: {"kind", "certificates"}}, "operator", "findings"}.  The names
 * are an interface: only ever add to them. */
json_t *mcert_plan_json(const struct mcert_workspace *ws,
    const struct mcert_plan *p);

#endif
