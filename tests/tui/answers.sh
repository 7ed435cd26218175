#!/bin/sh
# Yes/no questions in the operator's language, on the Hosts screen's
# "Remove host?": under de_DE.UTF-8 the locale's letter (j) answers yes,
# and y still does; n keeps the host; a catalog that translates "y/n" as
# "j/n" shows j in the question; under C.UTF-8, j is no answer (TAP).
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
gmo=
for d in "${top_builddir:-.}/po" "${top_srcdir:-.}/po"; do
	[ -f "$d/de.gmo" ] && gmo=$d/de.gmo && break
done
if [ -z "$gmo" ]; then
	echo "1..0 # SKIP po/de.gmo not built"
	exit 0
fi
tui_init
mkdir -p "$TUI/locale/de/LC_MESSAGES" "$TUI/jn/de/LC_MESSAGES"
cp "$gmo" "$TUI/locale/de/LC_MESSAGES/meetcert.mo" || exit 99
DE="LANG=de_DE.UTF-8 LANGUAGE=de MEETCERT_LOCALEDIR=$TUI/locale"
WS=$TUI/ws.json

# fresh: two hosts, the wizard resuming on the Hosts screen
fresh() {
	rm -f "$WS"
	"$MEETCERT" init "$WS" --type combined \
	    --host "label=cms1,fqdn=cms1.example.com,roles=callbridge+webadmin+webbridge3" \
	    --host "label=cms2,fqdn=cms2.example.com,roles=callbridge" \
	    --join-url join.example.com --c2w-address cms1.example.com \
	    --key ec256 >/dev/null 2>&1 || exit 99
	sed '1s/^{/{"wizard": {"screen": "hosts"},/' "$WS" >"$WS.new" &&
	    mv "$WS.new" "$WS" || exit 99
}
# wait_msg TEXT: until the message line (above the keys) shows TEXT
wait_msg() {
	i=0
	while [ $i -lt 250 ]; do
		tui_screen >"$TUI/out"
		tail -2 "$TUI/out" | head -1 | grep -F -q -- "$1" && return 0
		sleep 0.02
		i=$((i + 1))
	done
	return 1
}
k() {	# keys, then a moment for the screen to follow
	tui_keys "$@"
	sleep 0.1
}
# ask: down to cms2's row (the last) and Del on it
ask() {
	k Down Down Down Down Down Down
	k Delete
}

fresh
# shellcheck disable=SC2086
tui_start 80 24 $DE -- wizard "$WS"
ok "German: the Hosts screen" tui_wait "Hosts, Namen"
ask
ok "  Del asks before removing cms2" wait_msg "cms2"
k j
ok "  j (the locale's yes) removes it" tui_wait "Host cms2 entfernt"
ok "  the table no longer has it" lacks "cms2.example.com"

fresh
# shellcheck disable=SC2086
tui_start 80 24 $DE -- wizard "$WS"
tui_wait "Hosts, Namen"
ask
wait_msg "cms2"
k n
ok "German: n keeps it" tui_wait "Nichts entfernt"
ok "  still in the table" has "cms2.example.com"
ask
wait_msg "cms2"
k y
ok "German: y still removes" tui_wait "Host cms2 entfernt"

if command -v msgfmt >/dev/null 2>&1; then
	printf '%s\n' 'msgid ""' 'msgstr "Content-Type: text/plain; charset=UTF-8\n"' \
	    '' 'msgid "y/n"' 'msgstr "j/n"' >"$TUI/jn.po"
	msgfmt -o "$TUI/jn/de/LC_MESSAGES/meetcert.mo" "$TUI/jn.po" || exit 99
	fresh
	tui_start 80 24 LANG=de_DE.UTF-8 LANGUAGE=de \
	    MEETCERT_LOCALEDIR="$TUI/jn" -- wizard "$WS"
	tui_wait "Hosts, names"
	ask
	ok "\"y/n\" translated as \"j/n\": the question shows j" \
	    tui_wait "j removes it, n keeps it"
	k J
	ok "  J removes" tui_wait "Host cms2 removed"
else
	skip_n=2
	while [ $skip_n -gt 0 ]; do
		tui_n=$((tui_n + 1))
		echo "ok $tui_n # SKIP msgfmt not installed"
		skip_n=$((skip_n - 1))
	done
fi

fresh
tui_start 80 24 LANG=C.UTF-8 MEETCERT_LOCALEDIR="$TUI/locale" -- wizard "$WS"
tui_wait "Hosts, names"
ask
ok "C.UTF-8: the question shows y and n" tui_wait "y removes it, n keeps it"
k j
ok "  j is no yes there: nothing removed" tui_wait "Nothing removed"
ok "  cms2 stays" has "cms2.example.com"
k q y
tui_done
