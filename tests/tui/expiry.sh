#!/bin/sh
# The Expiry screen of a renewal: three stand-ins deployed with
# certificates made to last 10 days under a CA that lasts 75; the wizard
# reopened on a workspace that stopped on Expiry reads them back in the
# background and lists every certificate, leaf and chain, soonest first,
# with its mark (x within 30 days, ! within 90), database ones flagged and
# what renewing them means, scrolling past the screen's rows; Enter shows a
# certificate's details and what to do; r reads again, a host down is said;
# monochrome (vt100, NO_COLOR) and LANG=C draw marks in ASCII; a first
# deployment's workspace never shows the screen (TAP).
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
for n in 1 2 3; do
	rig_host cms$n 127.0.2.2$n || { echo "Bail out! sshd did not start"; exit 1; }
done

# ---- a deployment whose certificates expire in 10 days
W=$RIG/ws
mkdir -p "$W"
hosts=
fps=
for n in 1 2 3; do
	db=peer
	[ $n = 1 ] && db=primary
	hosts="$hosts --host label=cms$n,fqdn=cms$n.example.com,address=127.0.2.2$n,port=$(cat "$RIG/cms$n/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3+database,database=$db"
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/cms$n/host_key.pub" | awk '{print $2}')"
done
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts \
    --cluster-fqdn cms.example.com --join-url join.example.com \
    --c2w-address cms1.example.com --key ec256 >"$TUI/out" 2>&1
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --days 75 --key ec256 \
    --dir "$W" >>"$TUI/out" 2>&1
"$MEETCERT" make "$W/cms.json" --ca labca --days 10 >>"$TUI/out" 2>&1
ok "certificates made to last 10 days" test $? = 0
: >"$W/known_hosts"
# shellcheck disable=SC2086
"$MEETCERT" deploy "$W/cms.json" --known-hosts "$W/known_hosts" \
    --identity "$RIG/id" --ssh-config none --no-agent --db-wait 20 $fps \
    >"$TUI/out" 2>&1 </dev/null
ok "deployed to three stand-ins" test $? = 0

# a renewal that stopped on Expiry: the wizard resumes there
cp "$W/cms.json" "$RIG/deployed.json"
resume() {	# resume FLOW: the workspace's flow and the screen to resume on
	sed "s/^{\$/{\\n  \"flow\": \"$1\",\\n  \"wizard\": {\"screen\": \"expiry\"},/" \
	    "$RIG/deployed.json" >"$W/cms.json" && chmod 600 "$W/cms.json"
}
resume renew
SSHENV="MEETCERT_IDENTITY=$RIG/id MEETCERT_KNOWN_HOSTS=$W/known_hosts"
k() {	# keys, then a moment for the screen to follow
	tui_keys "$@"
	sleep 0.15
}

# shellcheck disable=SC2086
tui_start 80 24 LANG=C.UTF-8 $SSHENV -- wizard "$W/cms.json"
ok "the wizard resumes on Expiry" tui_wait "Expiry ─"
ok "  the step list shows it after the deployment type" sh -c \
    'grep -q "✓ Deployment" "$0" && grep -q "▸ Expiry" "$0"' "$TUI/out"
ok "  each host is read in the background" tui_wait "Read at" 15
ok "  a summary of the bands" has "12 within 30 days, 3 within 90"
ok "  a row per certificate: cms2's, once for its four services" sh -c \
    'grep -E -q "✗ +9 cms2 Web Admin\+3 cms2\.crt\+1 +cms\.example\.com +│" "$0"' "$TUI/out"
ok "  the database server certificate, marked DB" sh -c \
    'grep -E -q "✗ +9 cms1 DB server +dbcluster.* cms1\.example\.c.* DB │" "$0"' "$TUI/out"
ok "  the client one" sh -c \
    'grep -E -q "✗ +9 cms2 DB client +dbcluster.* postgres +DB │" "$0"' "$TUI/out"
ok "  the database CA above them" sh -c \
    'grep -E -q "✗ +9 cms3 DB CA +dbca\.crt +Database clust.* DB │" "$0"' "$TUI/out"
ok "  what renewing them means" has "renewing them takes"
ok "  (guide section 5.3)" has "the cluster down and up again (guide section 5.3)."
ok "  soonest first: the 10-day ones on top" sh -c \
    'sed -n 5p "$0" | grep -E -q "✗ +9 cms"' "$TUI/out"
ok "  more rows than fit: where they are" has "1-13/15"
ok "  the 75-day CA's other rows not in view yet" \
    test "$(grep -c "Lab Root CA" "$TUI/out")" = 1
k End
ok "End scrolls to the last" tui_wait "3-15/15"
ok "  the CA last, marked ! (within 90)" sh -c \
    'grep -E -q "! +7[45] cms3 Web Admin\+3 cms3-bund.* Lab Root CA" "$0"' "$TUI/out"
ok "  once per host" test "$(grep -c "Lab Root CA" "$TUI/out")" = 3
k Enter
ok "Enter opens its details" tui_wait "cms3: Lab Root CA (a CA in the chain)"
ok "  its expiry and band" sh -c \
    'grep -E -q "Expires +! .*Z \(7[45] days left, within" "$0"' "$TUI/out"
ok "  what to do with a CA" has "renewed certificate from the CA's owner"
ok "  the certificates it issued" sh -c \
    'grep -E -q "Issued +CN=cms\.example\.com" "$0"' "$TUI/out"
k PageDown
tui_wait "Used by" 2
ok "  scrolled: the services using it, with their files" sh -c \
    'grep -q "Web Bridge 3 HTTPS: cms3-fullchain.pem" "$0" && grep -q "Call Bridge: cms3-bundle.pem" "$0"' "$TUI/out"
k Escape
ok "Esc closes them" tui_wait "3-15/15"
# open_row TEXT: Enter on each row from the top until its details show
# TEXT (rows made in the same second sort by host; a second apart, not)
open_row() {
	k Home
	tui_wait "1-13/15" 2 || return 1
	j=0
	while [ $j -lt 15 ]; do
		k Enter
		tui_wait "Esc Close" 2 || return 1
		has "$1" && return 0
		k Escape Down
		j=$((j + 1))
	done
	return 1
}
ok "the database server certificate's details" open_row "cms2: cms1.example.com"
ok "  flagged" has "A database cluster certificate."
ok "  what renewing it means" has "database cluster remove on every node"
k PageDown
tui_wait "Used by" 2
ok "  its role: the server certificate" sh -c \
    'grep -q "Used by  Database cluster (database node), server" "$0" && grep -q " certificate: dbclusterserver.crt" "$0"' "$TUI/out"
ok "  its SHA-256, in two rows" sh -c \
    'grep -E -q "SHA-256  ([0-9A-F]{2}:){15}[0-9A-F]{2} " "$0" && grep -E -q "│          ([0-9A-F]{2}:){15}[0-9A-F]{2} │" "$0"' "$TUI/out"
k Escape
ok "a leaf's details" open_row "cms1: cms.example.com"
ok "  10 days: within 30" sh -c \
    'grep -E -q "Expires +✗ .*Z \(9 days left, within 30\)" "$0"' "$TUI/out"
ok "  how to renew it" has "Go on (Tab, Enter) to renew it"
ok "  its chain, verified" sh -c \
    'grep -q "Chain    CN=Lab Root CA, expires" "$0" && grep -q "Verdict  ✓ verified" "$0"' "$TUI/out"
k Escape
rig_stop cms3
k r
ok "r reads again" tui_wait "Read at" 15
sleep 0.2
tui_screen >"$TUI/out"
ok "  a host down is said below the table" has "cms3: 127.0.2.23: cannot connect"
ok "  and its rows are gone" lacks " cms3 "
ok "  the others' stay" has "cms2 Web Admin+3"
k Tab
k Enter
ok "Tab, Enter goes on to renew" tui_wait "✓ Expiry"
k q y
st=$(tui_exit_status)
ok "saved and quit (exit $st)" test "$st" = 0
# cms3 back, on its address, port and key
t=0
until rig_start cms3; do
	t=$((t + 1))
	[ $t -lt 10 ] || { echo "Bail out! sshd did not restart"; exit 1; }
	sleep 0.2
done

# ---- monochrome, ASCII
resume renew
# shellcheck disable=SC2086
tui_start 80 24 LANG=C TERM=vt100 NO_COLOR=1 $SSHENV -- wizard "$W/cms.json"
ok "monochrome and LANG=C: read again" tui_wait "Read at" 15
ok "  ASCII lines" has "+ Expiry ---"
ok "  marks as text: [x] within 30 days" sh -c \
    'grep -E -q "\[x\] +9 cms1 Web Admin\+3 cms1\.crt\+1 +cms\.example\.com" "$0"' "$TUI/out"
ok "  DB rows marked" sh -c 'grep -E -q "\[x\] +9 cms1 DB server .* DB \|" "$0"' "$TUI/out"
ok "  a cut name ends in ~" has "dbcluster~"
k End
ok "  End scrolls" tui_wait "3-15/15"
ok "  [!] within 90" sh -c \
    'grep -E -q "\[!\] +7[45] cms3 Web Admin\+3 cms3-bund~ +Lab Root CA" "$0"' "$TUI/out"
ok "  no UTF-8 at all" sh -c '! LC_ALL=C grep -q "[^ -~]" "$0"' "$TUI/out"
k Enter
ok "  the details too" tui_wait "Expires  [!]"
ok "  in ASCII" sh -c '! LC_ALL=C grep -q "[^ -~]" "$0"' "$TUI/out"
k Escape
k q y

# ---- a first deployment never shows it
resume new
tui_start 80 24 LANG=C.UTF-8 -- wizard "$W/cms.json"
ok "a first deployment's workspace saved on Expiry opens on the next" \
    tui_wait "▸ Options"
ok "  the step list has no Expiry" lacks "Expiry"
k q y
tui_done
