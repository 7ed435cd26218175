/* The wizard's screens, in the order it walks them. */
#include "config.h"

#include "screens.h"

const struct screen *const wiz_screens[] = {
	&screen_open,
	&screen_type,
	&screen_discover,
	&screen_expiry,
	&screen_options,
	&screen_hosts,
	&screen_plan,
	&screen_keys,
	&screen_signing,
	&screen_import,
	&screen_bundles,
	&screen_bind,
	&screen_validate,
	&screen_done,
};

const size_t wiz_nscreens = sizeof(wiz_screens) / sizeof(*wiz_screens);
