#!/bin/sh
# The wizard's frame in a real terminal: the first screens, F1 help, the
# message below 80x24 and the relayout after it, LANG=C, monochrome, quit
# and resume on the same screen (TAP).
. "${top_srcdir:-.}/tests/tui/lib.sh"

if ! tui_have; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
tui_init
WS=$TUI/site.json

tui_start 80 24 LANG=C.UTF-8 -- wizard "$WS"
ok "a new workspace opens on the deployment type" tui_wait "How are the Meeting Servers deployed?"
ok "  the step list shows where we are" has "step 2 of"
ok "  the keys are on the last line" sh -c 'tail -1 "$0" | grep -q "F1 Help.*F10 Quit"' "$TUI/out"
ok "  UTF-8 lines and marks" has "┌ Steps"
tui_keys F1
ok "F1 opens the step's help" tui_wait "Help: Deployment"
ok "  with the guide's reason" has "three shapes"
tui_keys x
ok "  any key closes it" sh -c 'sleep 0.2; ! tmux -S "$0/sock" capture-pane -p | grep -q "Help: Deployment"' "$TUI"
tui_keys Down Down
tui_wait "x" 1
tui_resize 60 20
ok "smaller than 80x24: a clear message" tui_wait "needs a terminal of at least 80x24; this one is"
ok "  with its size" has "60x20"
tui_resize 100 30
ok "larger again: the screen comes back, relaid out" tui_wait "How are the Meeting Servers deployed?"
ok "  at 100 columns" sh -c 'head -1 "$0" | awk "{ exit !(length(\$0) > 80) }"' "$TUI/out"
tui_resize 80 24
tui_keys Enter
ok "Enter goes on" tui_wait "step 3 of"
tui_keys F10
ok "F10 asks before quitting" tui_wait "y Save and quit"
tui_keys y
ok "  y quits" sh -c 'i=0; while [ $i -lt 100 ]; do [ "$(tmux -S "$0/sock" display -p "#{pane_dead}")" = 1 ] && exit 0; sleep 0.05; i=$((i+1)); done; exit 1' "$TUI"
st=$(tui_exit_status)
ok "  with exit status 0 ($st)" test "$st" = 0
ok "  the workspace is saved 0600" sh -c '[ "$(stat -c %a "$0")" = 600 ]' "$WS"
ok "  with the type chosen" grep -q '"type": "resilient"' "$WS"

tui_start 80 24 LANG=C -- wizard "$WS"
ok "reopened: on the same screen" tui_wait "step 3 of"
ok "LANG=C: ASCII lines" has "+ Steps"
ok "  and ASCII marks" has "+ Workspace"
lacks "┌" && ok "  no UTF-8 at all" sh -c '! LC_ALL=C grep -q "[^ -~]" "$0"' "$TUI/out"
tui_keys Escape
ok "Esc goes back" tui_wait "How are the Meeting Servers deployed?"
tui_keys q y

tui_start 80 24 LANG=C.UTF-8 TERM=vt100 NO_COLOR=1 -- wizard "$WS"
ok "monochrome (vt100, NO_COLOR): the same screen" tui_wait "How are the Meeting Servers deployed?"
tui_keys q y

tui_start 80 24 LANG=C.UTF-8 -- validate "$WS"
ok "meetcert validate opens the validation screen" tui_wait "step 11 of"
tui_keys Escape
tui_keys q y
"$MEETCERT" validate "$TUI/none.json" >"$TUI/out" 2>&1
ok "meetcert validate without a workspace: exit 2" test $? = 2
ok "  naming it" has "none.json: no such workspace"

tui_start 80 24 LANG=C.UTF-8 -- wizard "$TUI/nodir/x.json"
tui_wait "How are the Meeting Servers deployed?" 5
tui_keys Enter
ok "a workspace that cannot be saved: said on the message line" tui_wait "cannot write it"
tui_keys q y
ok "  quitting says it cannot save" tui_wait "Not saved (y again quits anyway)"
tui_keys y
ok "  and a second y quits" sh -c 'i=0; while [ $i -lt 100 ]; do [ "$(tmux -S "$0/sock" display -p "#{pane_dead}")" = 1 ] && exit 0; sleep 0.05; i=$((i+1)); done; exit 1' "$TUI"
tui_done
