/* Translation for the front ends: _() translates, N_() only marks. */
#ifndef MCERT_I18N_H
#define MCERT_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#define ngettext(a, b, n) ((n) == 1 ? (a) : (b))
#endif

#ifndef N_
#define N_(s) (s)
#endif

#endif
