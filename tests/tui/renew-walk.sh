#!/bin/sh
# The renewal in the wizard, keystrokes only: a three-node deployment made
# by meetcert whose certificates expire in ten days, which the wizard has
# never seen.  Renew an existing deployment: the servers' addresses, their
# host keys asked about, what they have bound read into a new workspace;
# Expiry shows what expires; new keys, signed by the lab CA, bundles; Bind
# asks before the database cluster goes down and renews one host at a
# time; a FAILURE on cms2 leaves cms2 and cms3 on their old files, u puts
# cms1 back; the rerun binds everything and Validate is all green; r on
# Done starts the next generation.  Stand-ins on 127.0.4.1-3 (TAP).
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
# seen TEXT [SECONDS]: the screen shows TEXT, then stops changing
seen() {
	tui_wait "$1" "${2:-5}" || return 1
	j=0
	while [ $j -lt 20 ]; do
		sleep 0.05
		tui_screen >"$TUI/out2"
		cmp -s "$TUI/out" "$TUI/out2" && return 0
		mv "$TUI/out2" "$TUI/out"
		j=$((j + 1))
	done
	return 0
}
bound() {	# bound HOST LABEL VALUE SCREEN
	rig_ssh "$1" "$4" </dev/null | grep -E -q "^$2 *: $3\$"
}
count() {	# count N TEXT: the screen shows TEXT on N lines
	[ "$(grep -c -F -- "$2" "$TUI/out")" = "$1" ]
}

# The screens as the manual shows them (docs/screens/renew-*.txt): ports,
# times and dates made fixed; MEETCERT_UPDATE_SCREENS=1 writes them.
SHOTS=${top_srcdir:-.}/docs/screens
norm() {
	sed -e 's/\(127\.0\.4\.[0-9]\):[0-9]\{1,5\}/\1:2222/g' \
	    -e 's/port [0-9]\{1,5\}/port 2222/g' \
	    -e 's/SHA256:[A-Za-z0-9+\/]\{43\}/SHA256:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/g' \
	    -e 's/[0-9][0-9]:[0-9][0-9]:[0-9][0-9] UTC/12:00:00 UTC/g' \
	    -e 's/20[0-9][0-9]-[01][0-9]-[0-3][0-9]/YYYY-MM-DD/g'
}
shot() {
	f=$SHOTS/$1.txt
	i=0
	while [ $i -lt 40 ]; do
		tui_screen | norm >"$TUI/shot"
		if [ "${MEETCERT_UPDATE_SCREENS:-0}" != 0 ]; then
			cp "$TUI/shot" "$f"
			return 0
		fi
		cmp -s "$TUI/shot" "$f" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	if [ -f "$f" ]; then
		diff -u "$f" "$TUI/shot" | sed 's/^/# /'
	else
		echo "# $f: missing (MEETCERT_UPDATE_SCREENS=1 writes it)"
	fi
	return 1
}

rig_init
tui_init
trap 'tui_cleanup; rig_cleanup' EXIT
for n in 1 2 3; do
	rig_host cms$n 127.0.4.$n || { echo "Bail out! sshd did not start"; exit 1; }
	rig_tls cms$n 8443 9999 || { echo "Bail out! no TLS listener"; exit 1; }
done

# ---- the deployment to renew, made and deployed by meetcert elsewhere
W=$RIG/ws
mkdir -p "$W"
hosts=
for n in 1 2 3; do
	db=peer
	[ $n = 1 ] && db=primary
	hosts="$hosts --host label=cms$n,fqdn=cms$n.example.com,address=127.0.4.$n,port=$(cat "$RIG/cms$n/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3+database,database=$db"
done
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts \
    --cluster-fqdn cms.example.com --join-url join.example.com \
    --c2w-address cms1.example.com --https-port 8443 --key ec256 \
    >/dev/null 2>&1 &&
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --key ec256 --dir "$W" \
    >/dev/null 2>&1 &&
"$MEETCERT" make "$W/cms.json" --ca labca --days 10 >/dev/null 2>&1 ||
    { echo "Bail out! cannot make the deployment"; exit 1; }
fps=
for n in 1 2 3; do
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/cms$n/host_key.pub" | awk '{print $2}')"
done
: >"$RIG/known"
# shellcheck disable=SC2086
"$MEETCERT" deploy "$W/cms.json" --known-hosts "$RIG/known" --identity \
    "$RIG/id" --ssh-config none --no-agent --db-wait 20 $fps \
    >"$RIG/out" 2>&1 </dev/null || { echo "Bail out! cannot deploy"; exit 1; }

# ---- the wizard, in its own folder with the lab CA and no host known
D=$TUI/renewal
mkdir -p "$D" "$TUI/state"
cp "$W/labca.crt" "$W/labca.key" "$D/"
: >"$D/known_hosts"
wizard() {
	tui_start 80 24 LANG=C.UTF-8 XDG_STATE_HOME="$TUI/state" \
	    MEETCERT_KNOWN_HOSTS="$D/known_hosts" MEETCERT_IDENTITY="$RIG/id" \
	    -- wizard "$D/renew.json"
}
wizard
ok "a new workspace opens on the deployment type" \
    seen "How are the Meeting Servers deployed?"
ok "  Renew an existing deployment is offered" has "Renew an existing deployment"
tui_keys Down Down Down
seen "▸ Renew an existing deployment" 2
tui_keys Enter
ok "Renew, Enter: the Servers screen" seen "Type the SSH addresses" 3
ok "  the renewal's steps: Servers and Expiry, not Options or Hosts" sh -c \
    'grep -q "Servers" "$0" && grep -q "Expiry" "$0" &&
     ! grep -q "Options" "$0" && ! grep -q "Hosts, names" "$0"' "$TUI/out"
ok "  step 3 of 12" has "step 3 of 12"
tui_keys Enter
ok "Enter with no address: said under the field" \
    seen "type the address of at least one Meeting Server" 2
P1=$(cat "$RIG/cms1/port")
tui_keys "127.0.4.1:$P1 127.0.4.1:$P1" Enter
ok "the same address twice: said" seen "127.0.4.1:$P1 is given twice" 2
tui_keys C-u "127.0.4.1:$P1 127.0.4.2:$(cat "$RIG/cms2/port") 127.0.4.3:$(cat "$RIG/cms3/port")" \
    Tab "$(id -un)" Enter
ok "Enter: the first server's host key is asked about" seen "y Trust this key" 10
ok "  with its fingerprint" has "$(ssh-keygen -l -E sha256 -f "$RIG/cms1/host_key.pub" | awk '{print $2}')"
tui_keys y
seen "127.0.4.2 (127.0.4.2, port" 5
tui_keys y
seen "127.0.4.3 (127.0.4.3, port" 5
tui_keys y
ok "y three times: the servers are read" seen "Read 3 server(s)" 20
ok "  a scalable and resilient deployment, generation 2 next" \
    has "3 server(s), resilient; the new certificates will be"
ok "  cms1 with its address, FQDN and roles" has "cms1  127.0.4.1  cms1.example.com  CB+WA+WB3+DB"
ok "  the database primary in the workspace" sh -c \
    'tr -d " \n" <"$0" | grep -q "\"database\":\"primary\",\"fqdn\":\"cms1.example.com\""' "$D/renew.json"
ok "  cms3 a peer" has "cms3  127.0.4.3  cms3.example.com  CB+WA+WB3+DB peer"
ok "  what was guessed is listed" has "Guessed (check them"
ok "  the workspace is written, its flow the renewal" \
    grep -q '"flow": "renew"' "$D/renew.json"
ok "  the host keys trusted went into the wizard's known_hosts" \
    test "$(wc -l <"$D/known_hosts")" = 3
ok "  the screen is docs/screens/renew-03-servers.txt" shot renew-03-servers

tui_keys Enter
ok "Enter: Expiry" seen "within 30 days" 15
ok "  every server's certificate, nine days left" sh -c \
    'for h in cms1 cms2 cms3; do grep -q "✗    9 $h Web Admin" "$0" || exit 1; done' "$TUI/out"
ok "  the database certificates flagged" has "takes"
ok "  the database line says what renewing them means" has "the cluster down and up again"
ok "  the screen is docs/screens/renew-04-expiry.txt" shot renew-04-expiry
tui_keys Tab Enter
ok "Tab, Enter: the certificates, under new names" seen "cms1-g2" 3
ok "  the database's too" has "dbclusterserver-g2"
tui_keys BTab Enter
ok "on to Keys and CSRs" seen "Make keys and CSRs" 3
tui_keys Enter
ok "Enter makes them" seen "CSR(s) wait for a CA (next: Signing)" 30
ok "  the old keys are kept beside the new" sh -c \
    'test -s "$0/cms1-g2.key" && [ "$(stat -c %a "$0/cms1-g2.key")" = 600 ]' "$D"
tui_keys Enter
ok "Signing: the lab CA offered" seen "Local CA labca" 3
tui_keys Tab Tab
sleep 0.2
tui_keys Enter
ok "Sign: all three signed" seen "3 signed; 0 CSR(s) still wait" 20
tui_keys Tab Tab
sleep 0.2
tui_keys Enter
ok "Next: import" seen "step 8 of 12" 3
tui_keys Enter
ok "Enter: bundles" seen "step 9 of 12" 3
tui_keys Enter
ok "Enter: bind" seen "step 10 of 12" 3

# ---- a FAILURE on cms2's bind
printf 'MMP_FAIL_ON=webbridge3 https certs cms2-g2\n' >"$(rig_dir cms2)/.mmp-knobs"
tui_keys b
ok "b: the database cluster going down is asked about first" \
    seen "s Services alone" 5
ok "  saying what it means" has "database is down until all are"
ok "  the screen is docs/screens/renew-10-bind.txt" shot renew-10-bind
tui_keys y
ok "y: cms2 fails" seen "Not every host is bound" 40
ok "  cms2 rolled back, its files bound before put back" sh -c \
    'grep -q "cms2 .*rolled back" "$0" && grep -q "the files bound before were put back" "$0"' "$TUI/out"
ok "  cms3 not started" has "cms3: not started, because another host failed"
ok "  cms1 renewed (one host at a time, it went first)" \
    bound cms1 "HTTPS Key file" cms1-g2.key webbridge3
ok "  cms2 still on its old files" bound cms2 "HTTPS Key file" cms2.key webbridge3
ok "  cms3 untouched" bound cms3 "Key file" cms3.key webadmin
: >"$(rig_dir cms2)/.mmp-knobs"
tui_keys u
ok "u: asks before putting back" seen "y Put back" 3
tui_keys y
ok "y: put back" seen "Put back: what this renewal touched" 30
ok "  cms1 on its old files again" bound cms1 "HTTPS Key file" cms1.key webbridge3
ok "  cms3 untouched" has "untouched"

# ---- the rerun
tui_keys b
seen "s Services alone" 5
tui_keys y
ok "b, y: every host bound and checked" seen "Every host is bound and checked" 60
ok "  three rows done" count 3 "✓ done"
for n in 1 2 3; do
	ok "  cms$n on generation 2" bound cms$n "Certificate file" cms$n-g2.crt callbridge
done
ok "  each host's https port was probed before the next" sh -c \
    'for n in 1 2 3; do grep -q "presented cms$n-g2-fullchain.pem" "$0/cms$n/tls.log" || exit 1; done' "$RIG"
tui_keys Enter
ok "Enter: Validate, all read and probed" seen "Read and probed at" 30
ok "  nothing red or yellow" sh -c '! grep -q "[✗!]" "$0"' "$TUI/out"
ok "  the new certificates, a year left" has "✓ 364 d"
tui_keys Tab Enter
ok "Tab, Enter: done" seen "The deployment is certified." 3
ok "  r starts the renewal from here" has "r Renew"
tui_keys r
ok "r: the next generation, on the Servers screen" seen "Generation 3" 5
ok "  the servers known" has "The servers below are the deployment"
tui_keys F10
seen "y Save and quit" 3
tui_keys y
ok "  saved with generation 3" grep -q '"generation": 3' "$D/renew.json"

tui_done
