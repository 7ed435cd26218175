/* The Expiry screen's parts: its model (struct expiry), the table's cells
 * and a certificate's details (expiry-details.c); the screen reads, draws
 * and takes keys (screen-expiry.c). */
#ifndef MCERT_EXPIRY_VIEW_H
#define MCERT_EXPIRY_VIEW_H

#include <jansson.h>

#include "ask.h"
#include "expiry.h"
#include "status.h"
#include "widgets.h"
#include "wizard.h"

struct expiry {
	/* shown: mcert_expiry_list and mcert_expiry_unknown of status */
	json_t *status, *list, *unknown;
	size_t sel, top;	/* the row chosen, the first shown */
	int on_button;		/* the focus on [ Next ] */
	int viewing;		/* the details are open */
	struct textview details;
	char when[32];
	/* the job's: its inputs, then what it read (taken once it ends) */
	const struct mcert_workspace *ws;
	const struct mcert_plan *plan;
	const struct mcert_services *svc;
	char dir[4096];
	struct wiz_ssh paths;
	struct ask ask;
	struct mcert_status_opts so;
	json_t *new_status;
	struct mcert_error err;
};

/* The mark of a band: x expired or within 30 days, ! within 60 or 90, ok
 * later; and the style it is drawn in (red, yellow, green). */
enum ui_mark ex_band_mark(enum mcert_band b);
enum ui_style ex_band_style(enum mcert_band b);
/* The band of a list entry. */
enum mcert_band ex_band(const json_t *e);

/* The cells of a row, each into buf: the CN of the subject (the whole
 * subject without one); the first service's short name, "+N" for the
 * others; the first file, "+N" for the others. */
const char *ex_cn(const json_t *e, char *buf, size_t len);
const char *ex_services(const struct expiry *x, const json_t *e, char *buf,
    size_t len);
const char *ex_files(const json_t *e, char *buf, size_t len);

/* The details of row x->sel into x->details, and opens them. */
void ex_open_details(struct expiry *x);

#endif
