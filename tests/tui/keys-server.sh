#!/bin/sh
# The Keys screen making a key on its server (pki csr over SSH) when this
# wizard does not know the server's host key yet: the question with the
# fingerprint, y trusts it (the line goes into the wizard's known_hosts),
# the CSR comes back and the workspace marks the key as on the server; a
# second workspace refuses the key with n: nothing is made, the message
# line says so; a key that CHANGED is refused without a question.
# Stand-ins on 127.0.3.1 and 127.0.3.2 (TAP).
# rig.sh first: lib.sh's TAP (ok, has, lacks on the screen) is the one used
. "${top_srcdir:-.}/tests/mmp/rig.sh"
. "${top_srcdir:-.}/tests/tui/lib.sh"

if ! tui_have; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

rig_init
tui_init
trap 'tui_cleanup; rig_cleanup' EXIT
rig_host cms1 127.0.3.1 || { echo "Bail out! sshd did not start"; exit 1; }
rig_host cms2 127.0.3.2 || { echo "Bail out! sshd did not start"; exit 1; }

# workspace DIR HOST: a combined deployment of one server, HOST's
# stand-in, its certificate cms1; the wizard resumes on Keys and CSRs
workspace() {
	mkdir -p "$1"
	"$MEETCERT" init "$1/site.json" --type combined --host \
	    "label=cms1,fqdn=cms1.example.com,address=$(cat "$RIG/$2/addr"),port=$(cat "$RIG/$2/port"),user=$(cat "$RIG/$2/user"),roles=callbridge+webadmin+webbridge3" \
	    --join-url join.example.com --c2w-address cms1.example.com \
	    --key ec256 >/dev/null 2>&1 || exit 99
	sed '1s/^{/{"wizard": {"screen": "keys"},/' "$1/site.json" \
	    >"$1/site.new" && mv "$1/site.new" "$1/site.json" || exit 99
}
k() {	# keys, then a moment for the screen to follow
	tui_keys "$@"
	sleep 0.1
}
# the fingerprint ssh-keygen gives NAME's host key
fingerprint() {
	ssh-keygen -l -E sha256 -f "$RIG/$1/host_key.pub" | cut -d' ' -f2
}

W=$TUI/one
workspace "$W" cms1
tui_start 80 24 LANG=C.UTF-8 MEETCERT_IDENTITY="$RIG/id" -- wizard \
    "$W/site.json"
ok "Keys and CSRs: cms1 to make" tui_wait "Make keys and CSRs"
k Right
ok "Right: cms1's key is to be made on cms1" tui_wait "its key is made on cms1"
ok "  the table says so" has "on server"
k Enter
ok "Enter: cms1's host key is asked about" tui_wait "y Trust this key" 10
ok "  naming the server and its address" has \
    "cms1 (127.0.3.1, port $(cat "$RIG/cms1/port")) is not known"
ok "  with the fingerprint of its key" has "$(fingerprint cms1)"
ok "  the message line asks for y or n" has "then y or n."
ok "  nothing asked of the server yet" test ! -e "$(rig_dir cms1)/cms1.key"
k y
ok "y: the key is made there and its CSR fetched" \
    tui_wait "fetched cms1.csr" 20
ok "  the CSR is here" test -s "$W/cms1.csr"
ok "  the key is not" test ! -e "$W/cms1.key"
ok "  the key stays on the server" test -s "$(rig_dir cms1)/cms1.key"
ok "  the wizard's known_hosts has the key now" grep -q \
    "^\[127.0.3.1\]:$(cat "$RIG/cms1/port") ssh-ed25519 " "$W/known_hosts"
ok "  the table: key on server, a CSR" sh -c \
    'grep "cms1 " "$0" | grep -q "on server.*CSR"' "$TUI/out"
ok "  the workspace marks the key as on the server" grep -q \
    '"key": "server"' "$W/site.json"
ok "  and its CSR made" grep -q '"state": "csr"' "$W/site.json"
"$MEETCERT" inspect "$W/cms1.csr" >"$TUI/out" 2>&1
ok "  the CSR carries the plan's names" has "cms1.example.com"
k q y

W=$TUI/two
workspace "$W" cms2
tui_start 80 24 LANG=C.UTF-8 MEETCERT_IDENTITY="$RIG/id" -- wizard \
    "$W/site.json"
tui_wait "Make keys and CSRs"
k Right
tui_wait "its key is made on cms1"
k Enter
ok "a server not known: asked about" tui_wait "y Trust this key" 10
ok "  its own fingerprint" has "$(fingerprint cms2)"
k n
ok "n: the message line says nothing was made" \
    tui_wait "cms1's key was not trusted: nothing was made."
ok "  nothing here" sh -c '! ls "$0" | grep -q "\.key$\|\.csr$\|\.crt$"' "$W"
ok "  nothing on the server" sh -c '! ls "$0" | grep -q "\.key$\|\.csr$"' \
    "$(rig_dir cms2)"
ok "  known_hosts left empty" test ! -s "$W/known_hosts"
ok "  the log says how to be asked again" has "Enter asks again"
k Enter
ok "Enter asks again" tui_wait "y Trust this key" 10
k Escape
ok "  Esc is a no" tui_wait "cms1's key was not trusted: nothing was made."
k q y

# known with the key cms2 had, which has changed since
echo "[127.0.3.2]:$(cat "$RIG/cms2/port") $(cut -d' ' -f1-2 \
    "$RIG/cms2/host_key.pub")" >"$W/known_hosts"
rig_rekey cms2 || { echo "Bail out! sshd did not restart"; exit 1; }
tui_start 80 24 LANG=C.UTF-8 MEETCERT_IDENTITY="$RIG/id" -- wizard \
    "$W/site.json"
tui_wait "Make keys and CSRs"
k Enter
ok "a key that CHANGED: refused, nothing made" \
    tui_wait "A host key CHANGED: nothing was made." 10
ok "  no question" lacks "Trust this key"
ok "  why, with the new fingerprint" has "$(fingerprint cms2)"
ok "  nothing on the server" sh -c '! ls "$0" | grep -q "\.key$\|\.csr$"' \
    "$(rig_dir cms2)"
k q y
tui_done
