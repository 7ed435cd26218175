/* Yes/no questions in the operator's language: the letters a question
 * shows, and the keys that answer it.  y and n answer in every locale;
 * so do the letters the translation of "y/n" names ("j/n" in German) and
 * those the C library's locale takes for yes and no (nl_langinfo YESEXPR
 * and NOEXPR, as rpmatch matches them). */
#ifndef MCERT_YESNO_H
#define MCERT_YESNO_H

enum yesno { YESNO_NONE = -1, YESNO_NO = 0, YESNO_YES = 1 };

/* The letter shown for yes or no (UTF-8, one character): the
 * translation's, else "y" and "n".  Static storage, for the UI thread. */
const char *yesno_letter(enum yesno which);

/* What key (a Unicode character, or a UI_KEY_* code) answers:
 * YESNO_YES, YESNO_NO, or YESNO_NONE for any other key. */
enum yesno yesno_key(int key);

#endif
