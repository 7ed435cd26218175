/* The wizard's frame: the header, the step list, the box the screen draws
 * in, the message line and the keys; the help and quit dialogs; the
 * message for a terminal too small. */
#ifndef MCERT_FRAME_H
#define MCERT_FRAME_H

struct wiz;

#define FRAME_MIN_ROWS 24
#define FRAME_MIN_COLS 80

void frame_draw(struct wiz *w);
/* Opens the help of the current screen (F1). */
void frame_help(struct wiz *w);
/* Asks whether to quit (F10, q). */
void frame_ask_quit(struct wiz *w);
/* A dialog takes the key when one is open: 1 when it did. */
int frame_modal(struct wiz *w, int key);

#endif
