#!/bin/sh
# The wizard in German (LANG=de_DE.UTF-8, po/de.po): the frame, the step
# list, the keys on the last line, the deployment type screen and its F1
# help, the message below 80x24, the options screen, quitting; and
# meetcert --help.  The catalog is the build's po/de.gmo, found through
# MEETCERT_LOCALEDIR; without a de_DE.UTF-8 locale or NLS, skipped (TAP).
. "${top_srcdir:-.}/tests/tui/lib.sh"

if ! tui_have; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	echo "1..0 # SKIP no de_DE.UTF-8 locale (localedef -i de_DE -f UTF-8 de_DE.UTF-8)"
	exit 0
fi
if ! grep -q '^#define ENABLE_NLS 1' "${top_builddir:-.}/config.h" 2>/dev/null; then
	echo "1..0 # SKIP built without NLS"
	exit 0
fi
# gettext's po/Makefile writes the catalogs beside the .po files
gmo=
for d in "${top_builddir:-.}/po" "${top_srcdir:-.}/po"; do
	[ -f "$d/de.gmo" ] && gmo=$d/de.gmo && break
done
if [ -z "$gmo" ]; then
	echo "1..0 # SKIP po/de.gmo not built"
	exit 0
fi
tui_init
mkdir -p "$TUI/locale/de/LC_MESSAGES"
cp "$gmo" "$TUI/locale/de/LC_MESSAGES/meetcert.mo" || exit 99
WS=$TUI/site.json
DE="LANG=de_DE.UTF-8 LANGUAGE=de MEETCERT_LOCALEDIR=$TUI/locale"

# shellcheck disable=SC2086
tui_start 80 24 $DE -- wizard "$WS"
ok "a new workspace opens on the deployment type, in German" \
    tui_wait "Wie sind die Meeting Server bereitgestellt?"
ok "  the header counts the steps" has "Schritt 2 von"
ok "  the step list is titled" has "┌ Schritte"
ok "  the steps are named" sh -c 'grep -q "✓ Arbeitsbereich" "$0" &&
    grep -q "▸ Bereitstellung" "$0" && grep -q "Schlüssel, CSRs" "$0" &&
    grep -q "Validieren" "$0"' "$TUI/out"
ok "  the screen's box is titled" has "┌ Bereitstellung ─"
ok "  the three shapes" sh -c 'grep -q "Einzelner kombinierter Server" "$0" &&
    grep -q "Einzelner geteilter Server (Core und Edge)" "$0" &&
    grep -q "Skalierbar und ausfallsicher" "$0"' "$TUI/out"
ok "  each description whole in its three rows" has "für kleine Standorte oder ein Lab."
ok "  the keys on the last line, whole" sh -c 'tail -1 "$0" |
    grep -q "^ F1 Hilfe  ↑/↓ Wählen  Enter Weiter  Esc Zurück  F10 Ende *$"' \
    "$TUI/out"
ok "  nothing English left on it" sh -c '! grep -q \
    "Steps\|step 2\|How are\|Help\|Choose\|Back\|Quit" "$0"' "$TUI/out"
tui_keys F1
ok "F1: the step's help, in German" tui_wait "Hilfe: Bereitstellung"
ok "  with the guide's reason" has "drei Formen der Bereitstellung"
# the screen may be caught half drawn: wait for the last line too
ok "  and how it closes" tui_wait "Beliebige Taste Hilfe schließen"
tui_keys x
ok "  any key closes it" sh -c 'sleep 0.2; ! tmux -S "$0/sock" capture-pane -p |
    grep -q "Hilfe: Bereitstellung"' "$TUI"
tui_resize 60 20
ok "smaller than 80x24: the message in German" \
    tui_wait "meetcert braucht ein Terminal von mindestens 80x24"
ok "  with its size and the way out" sh -c 'grep -q "hat 60x20" "$0" &&
    grep -q "(q beendet)" "$0"' "$TUI/out"
tui_resize 80 24
ok "80x24 again: the screen comes back" \
    tui_wait "Wie sind die Meeting Server bereitgestellt?"
tui_keys Enter
ok "Enter: the options, in German" tui_wait "Schritt 3 von"
ok "  what else runs" has "Was läuft sonst noch?"
ok "  the layout and the key type" sh -c 'grep -q "Zertifikatsaufteilung" "$0" &&
    grep -q "Schlüsseltyp" "$0"' "$TUI/out"
ok "  its keys, whole" sh -c 'tail -1 "$0" | grep -q \
    "^ F1 Hilfe  Leertaste Ein/Aus  ←/→ Ändern  Enter Weiter  Esc Zurück  F10 Ende *$"' \
    "$TUI/out"
tui_keys F10
ok "F10 asks, in German, with the German letters (j/n)" \
    tui_wait " j Speichern und beenden  n Bleiben"
tui_keys j
ok "  j quits" sh -c 'i=0; while [ $i -lt 100 ]; do
    [ "$(tmux -S "$0/sock" display -p "#{pane_dead}")" = 1 ] && exit 0
    sleep 0.05; i=$((i+1)); done; exit 1' "$TUI"
st=$(tui_exit_status)
ok "  with exit status 0 ($st)" test "$st" = 0
ok "  the workspace keeps its English values" grep -q '"type": "combined"' "$WS"

# The same catalog, but a C locale: English.
tui_start 80 24 LANG=C.UTF-8 MEETCERT_LOCALEDIR="$TUI/locale" -- wizard "$WS"
ok "LANG=C.UTF-8: English as before" tui_wait "step 3 of"
ok "  no German" lacks "Schritt"
tui_keys q y

LANG=de_DE.UTF-8 LANGUAGE=de MEETCERT_LOCALEDIR=$TUI/locale \
    "$MEETCERT" --help >"$TUI/out" 2>&1
st=$?
ok "meetcert --help in German: exit 0 ($st)" test "$st" = 0
ok "  its usage line" has "Aufruf: meetcert BEFEHL [ARGUMENTE...]"
ok "  the commands, named as they are typed" sh -c 'grep -q "^Befehle:" "$0" &&
    grep -q "^  verify     Kette eines Zertifikats" "$0"' "$TUI/out"
ok "  options and exit status" sh -c 'grep -q "diese Hilfe anzeigen" "$0" &&
    grep -q "^Exit-Status: 0 Prüfung bestanden" "$0"' "$TUI/out"
LANG=C MEETCERT_LOCALEDIR=$TUI/locale "$MEETCERT" --help >"$TUI/out" 2>&1
ok "  LANG=C: English" has "Usage: meetcert COMMAND"
tui_done
