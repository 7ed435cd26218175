/* The Hosts screen's parts: its tables and model (hosts-model.c: the
 * fields, their checks, the workspace written as they are typed), its
 * drawing (hosts-view.c) and its keys (screen-hosts.c). */
#ifndef MCERT_HOSTS_INT_H
#define MCERT_HOSTS_INT_H

#include <stddef.h>

#include "widgets.h"
#include "wizard.h"

/* ---- the tables */

enum name_kind { K_FQDN, K_ADDRESS, K_PORT };

enum { NM_CLUSTER, NM_JOIN, NM_LOGIN, NM_C2W, NM_C2W_PORT, NM_DOMAIN,
	NM_EXPRESSWAY, NNAMES };

/* A deployment name above the table. */
struct hosts_name {
	const char *key;	/* in "names" */
	const char *title, *hint, *empty;	/* N_() */
	enum name_kind kind;
};
extern const struct hosts_name hosts_names[NNAMES];

enum { COL_LABEL, COL_SSH, COL_FQDN, COL_ROLES, COL_DB, NCOLS };
#define NTEXT 3		/* the columns that are text */

/* A column of the table: its heading and, on the field line, its name
 * (N_()). */
struct hosts_column {
	const char *title, *field;
};
extern const struct hosts_column hosts_columns[NCOLS];

/* A role one can toggle; the database bit follows the database role
 * (primary and peer hold one), so it is not among them. */
struct hosts_role {
	unsigned int bit, option;	/* MCERT_HOST_*, MCERT_OPT_* or 0 */
	const char *tag, *title;	/* title N_() */
};
#define NROLES 8
extern const struct hosts_role hosts_roles[];	/* NROLES */

/* A database role, in the order of enum mcert_dbrole (N_()). */
struct hosts_dbrole {
	const char *brief, *title, *what;
};
#define NDBROLES 4
extern const struct hosts_dbrole hosts_dbroles[];	/* NDBROLES */

/* ---- the model */

struct hrow {
	struct field f[NTEXT];	/* label, SSH address, FQDN */
	char err[NTEXT][200];	/* why the text is not written, or "" */
	int dirty[NTEXT];	/* typed since shown: to be written */
	int chosen;		/* roles or database role changed */
	unsigned int roles;
	int db;			/* enum mcert_dbrole */
	json_t *obj;		/* the host as written (owned) */
};

enum { AT_NAME, AT_CELL, AT_ACTION };
enum { ACT_ADD, ACT_REMOVE, NACTIONS };

struct item {
	int at;
	size_t a, b;		/* name; row, column; action */
};

struct hosts {
	struct field name[NNAMES];
	char name_err[NNAMES][200];
	int name_dirty[NNAMES];
	struct hrow *rows;
	size_t nrows;
	struct item focus;
	size_t sel;		/* the host row last focused */
	size_t role;		/* the role under the cursor in Roles */
	size_t top;		/* the first host row shown */
	size_t ftop;		/* the first finding shown */
	int confirm;		/* 1: asking whether to remove sel */
	unsigned int cut;	/* the focused row's cells cut short, bits */
};

/* The workspace's type is resilient; its options as MCERT_OPT_* bits. */
int hosts_resilient(const struct wiz *w);
unsigned int hosts_options(const struct wiz *w);
/* The columns shown: the database role for the resilient type, or while
 * a host still has one (to clear it after the type changed). */
size_t hosts_ncols(const struct wiz *w, const struct hosts *h);
/* The rows of names shown, each one or two names (c2w address and port
 * share one; out[i][1] is -1 for one): how many. */
size_t hosts_name_rows(const struct wiz *w, const struct hosts *h,
    int out[][2]);
/* Every item in Tab order into out (at most max); how many. */
size_t hosts_items(const struct wiz *w, const struct hosts *h,
    struct item *out, size_t max);
/* The text field focused, or NULL (roles, database role, actions). */
struct field *hosts_focused_field(struct hosts *h);
/* Whether the focus is on the end of the form: Enter there goes on. */
int hosts_last_cell(const struct wiz *w, const struct hosts *h);
/* Moves the focus to item { at, a, b }, a text's cursor to its end. */
void hosts_focus(struct hosts *h, int at, size_t a, size_t b);
/* How messages name host i: its label, or "host N" while it has none;
 * returns buf. */
const char *hosts_row_label(const struct hrow *r, size_t i, char *buf,
    size_t sz);

/* Checks every field, writes what is valid into the workspace, and plans
 * again. */
void hosts_sync(struct wiz *w);
/* A new host, guessed from the one before (said on the message line). */
void hosts_add(struct wiz *w);
void hosts_remove(struct wiz *w, size_t i);
/* Row r (cleared first) as the workspace's host says. */
void hosts_load_row(struct hrow *r, json_t *host);

/* ---- the view */

void hosts_draw(struct wiz *w);

#endif
