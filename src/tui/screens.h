/* Every screen of the wizard, one file each (screen-NAME.c). */
#ifndef MCERT_SCREENS_H
#define MCERT_SCREENS_H

#include "wizard.h"

extern const struct screen screen_open;
extern const struct screen screen_type;
extern const struct screen screen_discover;
extern const struct screen screen_expiry;
extern const struct screen screen_options;
extern const struct screen screen_hosts;
extern const struct screen screen_plan;
extern const struct screen screen_keys;
extern const struct screen screen_signing;
extern const struct screen screen_import;
extern const struct screen screen_bundles;
extern const struct screen screen_bind;
extern const struct screen screen_validate;
extern const struct screen screen_done;

#endif
