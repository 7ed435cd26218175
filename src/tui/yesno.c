/* Yes/no answers in the operator's language (yesno.h). */
#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "i18n.h"
#include "yesno.h"

/* The first character of s, or 0 when s is empty or not text. */
static wchar_t
first_char(const char *s, size_t *len)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
		return 0;
	*len = n;
	return wc;
}

/* The translation's letters: "y/n" translated as one letter, a slash and
 * another letter; 0 when it is not that (then y and n alone). */
static int
translated(const char **text, wchar_t *yes, wchar_t *no, size_t *ylen,
    size_t *nlen)
{
	/* TRANSLATORS: the letters that answer a yes/no question in the
	 * wizard, yes first, as one letter, "/", one letter ("j/n" in
	 * German).  y and n are always taken as well. */
	const char *t = *text = _("y/n");

	if ((*yes = first_char(t, ylen)) == 0 || t[*ylen] != '/' ||
	    (*no = first_char(t + *ylen + 1, nlen)) == 0 ||
	    t[*ylen + 1 + *nlen] != '\0' || !iswalpha((wint_t)*yes) ||
	    !iswalpha((wint_t)*no) ||
	    towlower((wint_t)*yes) == towlower((wint_t)*no))
		return 0;
	return 1;
}

const char *
yesno_letter(enum yesno which)
{
	static char letter[2][MB_LEN_MAX + 1];
	const char *t;
	wchar_t yes, no;
	size_t ylen, nlen;

	if (!translated(&t, &yes, &no, &ylen, &nlen))
		return which == YESNO_YES ? "y" : "n";
	if (which == YESNO_YES)
		snprintf(letter[1], sizeof(letter[1]), "%.*s", (int)ylen, t);
	else
		snprintf(letter[0], sizeof(letter[0]), "%.*s", (int)nlen,
		    t + ylen + 1);
	return letter[which == YESNO_YES];
}

/* Whether the locale's expression (YESEXPR or NOEXPR) takes the letter
 * wc as an answer, as rpmatch does. */
static int
locale_takes(nl_item item, wchar_t wc)
{
	const char *expr = nl_langinfo(item);
	char mb[MB_LEN_MAX + 1];
	mbstate_t st;
	regex_t re;
	size_t n;
	int match;

	if (expr == NULL || *expr == '\0')
		return 0;
	memset(&st, 0, sizeof(st));
	if ((n = wcrtomb(mb, wc, &st)) == (size_t)-1)
		return 0;
	mb[n] = '\0';
	if (regcomp(&re, expr, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	match = regexec(&re, mb, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

enum yesno
yesno_key(int key)
{
	wchar_t wc = (wchar_t)key, yes, no;
	size_t ylen, nlen;
	const char *t;

	if (key == 'y' || key == 'Y')
		return YESNO_YES;
	if (key == 'n' || key == 'N')
		return YESNO_NO;
	/* only letters: a stray digit or sign ("1", "+") answers nothing */
	if (key < 0 || key > 0x10ffff || !iswalpha((wint_t)wc))
		return YESNO_NONE;
	if (translated(&t, &yes, &no, &ylen, &nlen)) {
		if (towlower((wint_t)wc) == towlower((wint_t)yes))
			return YESNO_YES;
		if (towlower((wint_t)wc) == towlower((wint_t)no))
			return YESNO_NO;
	}
	if (locale_takes(YESEXPR, wc))
		return YESNO_YES;
	if (locale_takes(NOEXPR, wc))
		return YESNO_NO;
	return YESNO_NONE;
}
