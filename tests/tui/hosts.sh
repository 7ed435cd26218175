#!/bin/sh
# The deployment type, options and hosts screens, typed as an operator
# would: three resilient hosts, the names, a bad FQDN and a duplicate
# label refused under their fields, and a workspace that plans (TAP).
. "${top_srcdir:-.}/tests/tui/lib.sh"

if ! tui_have; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
tui_init
WS=$TUI/site.json
k() {	# keys, then a moment for the screen to follow
	tui_keys "$@"
	sleep 0.1
}

tui_start 80 24 LANG=C.UTF-8 -- wizard "$WS"
tui_wait "How are the Meeting Servers deployed?"
k Down Down Enter
ok "options: a checkbox per option" tui_wait "TURN with TLS"
k Space Down Down Down Down Down Space
ok "  Space turns them on" tui_wait "[x] SIP TLS trust"
k Enter
ok "hosts and names" tui_wait "Cluster FQDN"
k -l "cms1.pod7.cms.lab"; k Enter
k -l "join.pod7.cms.lab"; k Enter
k -l "conf.pod7.cms.lab"; k Enter Enter Enter
k -l "pod7.cms.lab"; k Enter
k Enter
k -l "cms1a"; k Enter; k -l "admin@10.0.224.11"; k Enter
k -l "cms1a.pod7.cms.lab_"
ok "a bad FQDN: the error under the field, as typed" tui_wait 'FQDN: no "_"'
k BSpace; k Enter
k Right Right Right Space; k Enter
k Insert
k Insert
ok "Ins adds a host, guessed from the one before" tui_wait "cms1c"
ok "  its FQDN too" has "cms1c.pod7.cms."
ok "  and its SSH address" has "10.0.224.13"
ok "  the database roles follow (primary, peer, peer)" sh -c \
    'grep -q "prim" "$0" && [ "$(grep -c peer "$0")" -ge 2 ]' "$TUI/out"
k Up Up
k End BSpace BSpace BSpace BSpace BSpace; k -l "CMS1B"
ok "a duplicate label: refused under its field" tui_wait "is taken by cms1b"
k BSpace BSpace BSpace BSpace BSpace; k -l "cms1a"
k F10
tui_wait "y Save and quit"
k y
st=$(tui_exit_status)
ok "saved and quit (exit $st)" test "$st" = 0
"$MEETCERT" plan "$WS" >"$TUI/out" 2>&1
ok "the workspace typed plans without errors" test $? = 0
ok "  three hosts" has "Host cms1c (cms1c.pod7.cms.lab)"
ok "  the first keeps its label" has "Host cms1a (cms1a.pod7.cms.lab)"
ok "  TURN with TLS on" grep -q '"turn_tls"' "$WS"
ok "  the SSH address written" grep -q '"address": "10.0.224.12"' "$WS"
ok "  the user too" grep -q '"user": "admin"' "$WS"

tui_start 80 24 LANG=C.UTF-8 -- wizard "$WS"
ok "reopened on the hosts, with the same data" tui_wait "cms1b"
k q y
tui_done
