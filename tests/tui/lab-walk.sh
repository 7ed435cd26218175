#!/bin/sh
# A newcomer's first deployment, keys only: meetcert lab start, then the
# wizard in tmux (80x24, UTF-8) on the lab's workspace from its first
# screen to Done: type, options, hosts and names (as the lab filled them),
# certificates, keys and CSRs made, a lab CA made and everything signed
# (after a quit and a reopen on Signing), import (nothing), bundles, bind
# (the three host keys trusted with y), validate all green: every cell of
# the table read back and, for Web Bridge 3, probed live on the TLS ports
# the lab's stand-ins serve (443 and the c2w port, 9999).  Resized to 100x30,
# 60x20 and back on the way.  Then a wrong certificate bound by hand on
# cms2's Web Admin: reopened on Validate, its cell is red and Enter shows
# the fix.  Each screen is compared with its picture in docs/screens
# (normalised: temp paths, addresses, fingerprints, dates, times);
# MEETCERT_UPDATE_SCREENS=1 writes the pictures instead (TAP).
. "${top_srcdir:-.}/tests/tui/lib.sh"

MEETCERT_STANDIN=${MEETCERT_STANDIN:-${top_builddir:-.}/mmp-standin}
export MEETCERT_STANDIN
SHOTS=${top_srcdir:-.}/docs/screens

if ! tui_have; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/openssh/sftp-server ]; then
	echo "1..0 # SKIP sshd not installed (apt-get install openssh-server)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	# Validate probes Web Bridge 3 on 443, which only root may listen on
	echo "1..0 # SKIP not root: the lab's stand-ins cannot serve port 443"
	exit 0
fi
case $MEETCERT_STANDIN in
/*) ;;
*) MEETCERT_STANDIN=$(pwd)/$MEETCERT_STANDIN ;;
esac
case $SHOTS in
/*) ;;
*) SHOTS=$(pwd)/$SHOTS ;;
esac

tui_init
L=$TUI/lab
lab_down() {
	[ -f "$L/.meetcert-lab" ] && "$MEETCERT" lab stop --dir "$L" >/dev/null 2>&1
	tui_cleanup
}
trap lab_down EXIT
t0=$(date +%s)

# ---- helpers

# seen TEXT [SECONDS]: tui_wait, then the screen in $TUI/out once it has
# settled (the same twice 50 ms apart, for up to 2 s), so that no check
# reads half a redraw.
seen() {
	tui_wait "$1" "${2:-5}" || return 1
	j=0
	while [ $j -lt 40 ]; do
		sleep 0.05
		tui_screen >"$TUI/out2"
		cmp -s "$TUI/out" "$TUI/out2" && return 0
		mv "$TUI/out2" "$TUI/out"
		j=$((j + 1))
	done
	return 0
}

# press KEY TEXT MAX: KEY until the screen shows TEXT, at most MAX times.
press() {
	n=0
	while [ $n -lt "$3" ]; do
		tui_keys "$1"
		seen "$2" 1 && return 0
		n=$((n + 1))
	done
	return 1
}

# What varies from run to run, made fixed: the scratch directory, the
# lab's addresses and ports, host key fingerprints, dates and times.
re() {
	printf '%s' "$1" | sed 's/[].[*^$\/]/\\&/g'
}
norm() {
	untmp | sed -e "s/$(re "$A1")\([^0-9]\|$\)/@1@\1/g" \
	    -e "s/$(re "$A2")\([^0-9]\|$\)/@2@\1/g" \
	    -e "s/$(re "$A3")\([^0-9]\|$\)/@3@\1/g" \
	    -e 's/@\([123]\)@/127.0.0.10\1/g' \
	    -e "s/port $P1\([^0-9]\|$\)/port 2222\1/g" \
	    -e 's/SHA256:[A-Za-z0-9+\/]\{43\}/SHA256:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/g' \
	    -e 's/[0-9][0-9]:[0-9][0-9]:[0-9][0-9] UTC/12:00:00 UTC/g' \
	    -e 's/20[0-9][0-9]-[01][0-9]-[0-3][0-9]/YYYY-MM-DD/g'
}

# The scratch directory as /tmp/mc-tui.XXXXXX, the frame's right border
# kept where it was when $TUI is longer or shorter than that.
untmp() {
	awk -v tui="$TUI" -v rep=/tmp/mc-tui.XXXXXX '
	{
		line = $0
		out = ""
		k = 0
		while ((n = index(line, tui)) > 0) {
			out = out substr(line, 1, n - 1) rep
			line = substr(line, n + length(tui))
			k += length(tui) - length(rep)
		}
		line = out line
		if (k != 0 && match(line, / *│$/)) {
			pad = RLENGTH - length("│") + k
			line = substr(line, 1, RSTART - 1) \
			    sprintf("%*s", pad > 0 ? pad : 0, "") "│"
		}
		print line
	}'
}

# shot NN-NAME: the screen, normalised, is docs/screens/NN-NAME.txt (up
# to 3 s for it to settle); MEETCERT_UPDATE_SCREENS=1: written there once
# it is the same twice 100 ms apart.
shot() {
	f=$SHOTS/$1.txt
	i=0
	while [ $i -lt 60 ]; do
		tui_screen | norm >"$TUI/shot"
		if [ "${MEETCERT_UPDATE_SCREENS:-0}" != 0 ]; then
			sleep 0.1
			tui_screen | norm >"$TUI/shot2"
			if cmp -s "$TUI/shot" "$TUI/shot2"; then
				mkdir -p "$SHOTS" && cp "$TUI/shot" "$f"
				return
			fi
		elif [ -f "$f" ] && cmp -s "$TUI/shot" "$f"; then
			return 0
		fi
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

# ok_shot NN-NAME: shot, as a test.
ok_shot() {
	ok "  the screen is docs/screens/$1.txt" shot "$1"
}

# The right-hand pane's rows of the validation table: from its head to the
# first blank row.
table() {
	awk -F '││' '/││ Service  / { on = 1; next }
	    on { sub(/│$/, "", $2); if ($2 ~ /^ *$/) exit; print $2 }' "$TUI/out"
}

# Every cell of every row ✓, nothing else marked.
all_green() {
	table >"$TUI/table"
	rows=$(wc -l <"$TUI/table")
	[ "$rows" -ge 8 ] || { echo "# only $rows rows"; return 1; }
	! grep -q '[✗!]' "$TUI/table" || return 1
	awk '{ n = gsub(/✓/, "&"); if (n != 3) { print "# " $0; bad = 1 } }
	    END { exit bad }' "$TUI/table"
}

dead() {
	i=0
	while [ $i -lt 100 ]; do
		tui_dead && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# fp HOST: the SHA256 fingerprint of the lab host's key.
fp() {
	ssh-keygen -l -E sha256 -f "$L/$1/host_key.pub" | awk '{ print $2 }'
}

# mmp HOST COMMAND: one MMP command on a lab host, over ssh as an operator
# would (the stand-in run directly when there is no ssh client).
mmp() {
	if command -v ssh >/dev/null 2>&1; then
		ssh -F /dev/null -i "$L/id" -p "$(cat "$L/$1/port")" \
		    -o UserKnownHostsFile="$L/known_hosts" \
		    -o StrictHostKeyChecking=yes -o BatchMode=yes \
		    -o LogLevel=ERROR "$(id -un)@$(cat "$L/$1/addr")" "$2"
	else
		MMP_HOST=$1 MMP_DIR=$L/$1/files MMP_ADDR=$(cat "$L/$1/addr") \
		    MMP_CLUSTER=$L/cluster.json SSH_ORIGINAL_COMMAND=$2 \
		    "$MEETCERT_STANDIN"
	fi
}

# The wizard on the lab's workspace, its recent list in $TUI/state.
wizard() {
	tui_start "$1" "$2" LANG=C.UTF-8 XDG_STATE_HOME="$TUI/state" \
	    MEETCERT_KNOWN_HOSTS="$TUI/known_hosts" MEETCERT_IDENTITY="$L/id" \
	    -- wizard lab/lab.json
}

# ---- the lab

"$MEETCERT" lab start --dir "$L" >"$TUI/lab.out" 2>&1
st=$?
ok "meetcert lab start: exit 0 ($st)" test "$st" = 0
[ "$st" = 0 ] || { sed 's/^/# /' "$TUI/lab.out"; tui_done; exit 1; }
ok "  each host serves Web Bridge 3 on 443 and 9999" sh -c \
    'for h in cms1 cms2 cms3; do [ "$(cat "$0/$h/tls.ports")" = "443 9999" ] &&
     kill -0 "$(cat "$0/$h/tls.pid")" || exit 1; done' "$L"
A1=$(cat "$L/cms1/addr") A2=$(cat "$L/cms2/addr") A3=$(cat "$L/cms3/addr")
P1=$(cat "$L/cms1/port")
: >"$TUI/known_hosts"	# a newcomer's: no host known yet
mkdir -p "$TUI/state"

# The wizard from the lab's folder: its paths are short and the same in
# every run.
cd "$TUI" || exit 99

# ---- type, and the opening screen before it

wizard 80 24
ok "the lab's workspace opens on the deployment type" \
    seen "How are the Meeting Servers deployed?" 5
ok "  step 2 of 12, resilient already chosen" sh -c \
    'grep -q "step 2 of 12" "$0" && grep -q "▸ Scalable and resilient" "$0"' \
    "$TUI/out"
ok_shot 02-type
tui_keys Escape
ok "Esc: the workspace screen" seen "Workspace file" 3
ok "  with the lab's workspace, and in the recent ones" sh -c \
    'grep -q "││   lab/lab.json  " "$0" &&
     grep -q -F "$1/lab/lab.json" "$0"' "$TUI/out" "$TUI"
ok_shot 01-open
tui_keys Enter
ok "  Enter opens it again, on the deployment type" \
    seen "How are the Meeting Servers deployed?" 3

# ---- options, hosts and names

tui_keys Enter
ok "Enter: options" seen "What else does the deployment run?" 3
ok "  none on" sh -c '! grep -q "\[x\]" "$0"' "$TUI/out"
ok_shot 03-options
tui_keys Enter
ok "Enter: hosts and names, filled by the lab" seen "Cluster FQDN" 3
ok "  the cluster FQDN and join URL" sh -c \
    'grep -q "cms.lab.example.com" "$0" && grep -q "join.lab.example.com" "$0"' \
    "$TUI/out"
ok "  three hosts, one DB primary" sh -c \
    '[ "$(grep -c "cms[123]  root@" "$0")" = 3 ] && grep -q "prim" "$0"' \
    "$TUI/out"
ok_shot 04-hosts
# 5 names, then 5 cells a host: Enter moves on field by field, and on
# from the last one.
i=0
while [ $i -lt 20 ]; do
	tui_keys Enter
	i=$((i + 1))
done
ok "  Enter through every field goes on to the certificates" \
    press Enter "step 5 of 12" 5

# ---- certificates, resized on the way

ok "the certificate plan" seen "dbclusterclient" 3
ok "  no error in it" has "Findings: 0 error(s)"
ok_shot 05-plan
shows() {	# the screen shows TEXT now
	tui_screen >"$TUI/out"
	grep -F -q -- "$1" "$TUI/out"
}
wide() {
	tui_screen >"$TUI/out"
	head -1 "$TUI/out" | awk '{ exit !(length($0) > 80) }' &&
	    grep -q dbclusterclient "$TUI/out"
}
# resize COLS ROWS CHECK...: until CHECK holds (up to 3 s).  The wizard may
# see a resize only with the next key (when SIGWINCH comes between its
# read and its poll), so after a second without it, Up: a no-op on this
# list's first row, and swallowed while the terminal is too small.
resize() {
	tui_resize "$1" "$2"
	shift 2
	i=0
	while [ $i -lt 60 ]; do
		"$@" && return 0
		[ $i = 20 ] && tui_keys Up
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
ok "100x30: relaid out wider" resize 100 30 wide
ok "60x20: the size message" resize 60 20 \
    shows "needs a terminal of at least 80x24"
ok "80x24 again: the plan" resize 80 24 shows dbclusterclient
ok "  the same screen as before" shot 05-plan
tui_keys Enter
ok "Enter on a certificate: its details" seen "The same on a Meeting Server" 3
ok "  with its pki csr line" has "pki csr cms1 CN:cms.lab.example.com"
tui_keys Escape
seen "dbclusterclient" 3
tui_keys BTab
tui_keys Enter
ok "Shift-Tab, Enter: on to keys and CSRs" seen "step 6 of 12" 3

# ---- keys and CSRs

ok "  six to make" seen "Enter makes what is missing (6 certificate(s))." 3
tui_keys Enter
ok "Enter makes them" seen "CSR(s) wait for a CA (next: Signing)" 30
ok "  14 files, 3 CSRs for a CA" has "14 file(s) made; 3 CSR(s) wait"
ok "  no error" lacks "✗"
ok_shot 06-keys
tui_keys Enter
ok "Enter: signing, three CSRs waiting" seen "Waiting for a CA (3):" 3

# ---- signing: a lab CA, a quit and a reopen, then everything signed

tui_keys Tab Tab Tab
tui_keys Enter
ok "Tab to Create a lab CA, Enter: labca made" \
    seen "labca is a new CA for a lab" 20
ok "  and chosen" has "Local CA labca"
tui_keys F10
ok "F10 in the middle: asks" seen "y Save and quit" 3
tui_keys y
ok "  y quits" dead
st=$(tui_exit_status)
ok "  with exit status 0 ($st)" test "$st" = 0
ok "  the workspace records the screen" grep -q '"screen": "signing"' "$L/lab.json"
wizard 80 24
ok "reopened: on Signing again" seen "Waiting for a CA (3):" 5
ok "  step 7 of 12" has "step 7 of 12"
ok "  the same CSRs" sh -c 'grep -q "cms1.csr    public" "$0" &&
    grep -q "cms2.csr    public" "$0" && grep -q "cms3.csr    public" "$0"' "$TUI/out"
ok "  the lab CA offered again" has "Local CA labca"
tui_keys Tab Tab
tui_keys Enter
ok "Tab to Sign, Enter: all three signed" seen "3 signed; 0 CSR(s) still wait" 20
ok "  nothing waits" has "No CSR waits for a CA."
ok_shot 07-signing
tui_keys Tab Tab
tui_keys Enter
ok "Tab to Next, Enter: import" seen "step 8 of 12" 3

# ---- import (nothing to import), bundles

ok "  the folder's certificate files listed" seen "Certificate files in lab:" 3
ok_shot 08-import
tui_keys Enter
ok "Enter with no file: bundles" seen "step 9 of 12" 3
ok "  all nine there and verified" seen "9 bundle(s): 9 there, 0 missing" 3
ok "  none broken" lacks "✗"
ok_shot 09-bundles
tui_keys Enter
ok "Enter: bind" seen "b binds on every host" 3

# ---- bind: three host keys trusted

tui_keys b
ok "b: cms1's host key is asked about" seen "y Trust this key" 10
ok "  cms1 first" has "cms1 ($A1, port $P1) is not known"
ok "  its fingerprint is the lab's host key" has "$(fp cms1)"
ok_shot 10-bind
tui_keys y
ok "y: then cms2's" seen "cms2 ($A2, port" 5
ok "  its fingerprint" has "$(fp cms2)"
tui_keys y
ok "y: then cms3's" seen "cms3 ($A3, port" 5
ok "  its fingerprint" has "$(fp cms3)"
tui_keys y
ok "y: every host bound and checked" \
    seen "Every host is bound and checked" 60
ok "  three rows done" sh -c '[ "$(grep -c "✓ done" "$0")" = 3 ]' "$TUI/out"
ok "  the keys trusted are the lab's" sh -c \
    '[ "$(sort "$0/known_hosts")" = "$(sort "$0/lab/known_hosts")" ]' "$TUI"

# ---- validate: all green

tui_keys Enter
ok "Enter: validate, read and probed" seen "Read and probed at" 30
ok "  every cell ✓: nothing ✗, nothing !" all_green
ok_shot 11-validate
ok "  each host's Web Bridge 3 was probed on 443 and 9999" sh -c \
    'for h in cms1 cms2 cms3; do for p in 443 9999; do
     grep -q ":$p presented $h-fullchain.pem with $h.key (2 certificates)" \
     "$0/$h/tls.log" || exit 1; done; done' "$L"
tui_keys Down Down Down Down
tui_keys Enter
ok "Enter on cms1's WB3 https: port 443 presents what is bound" \
    seen "Port 443 ✓ presents the certificate bound" 3
tui_keys Escape
seen "DB cluster" 3
tui_keys Down
tui_keys Enter
ok "  and on its WB3 c2w: port 9999" \
    seen "Port 9999 ✓ presents the certificate bound" 3
tui_keys Escape
seen "DB cluster" 3
tui_keys Tab
tui_keys Enter
ok "Tab, Enter: done" seen "The deployment is certified." 3
ok_shot 12-done
tui_keys q
seen "y Save and quit" 3
tui_keys y
ok "q y quits" dead

# ---- a wrong certificate on cms2's Web Admin

: >"$TUI/mmp.out"
for c in "pki selfsigned rogue CN:rogue.example.com" "webadmin disable" \
    "webadmin certs rogue.key rogue.crt" "webadmin enable"; do
	mmp cms2 "$c" >>"$TUI/mmp.out" 2>&1
done
ok "cms2's Web Admin bound by hand to a self-signed rogue.crt" sh -c \
    '[ "$(grep -c "^SUCCESS:" "$0")" = 3 ]' "$TUI/mmp.out"
sed 's/"screen": "[a-z]*"/"screen": "validate"/' "$L/lab.json" >"$TUI/ws" &&
    cat "$TUI/ws" >"$L/lab.json"
wizard 80 24
ok "reopened on Validate: read and probed" seen "Read and probed at" 30
table >"$TUI/table"
ok "  cms2's Web Admin cell is red, the others green" sh -c \
    'grep -q "^ Web Admin      ✓ [0-9]* d *✗ fails *✓ [0-9]* d" "$0" &&
     [ "$(grep -c "✗" "$0")" = 1 ]' "$TUI/table"
tui_keys Right
ok "  Right: cms2's, with what is wrong" seen "✗ rogue.crt #1 (CN=rogue.example.com)" 3
tui_keys Enter
ok "  Enter: its details, not the plan's files" \
    seen "key rogue.key, cert rogue.crt (not the plan's" 3
tui_keys PageDown
ok "  and the fix: the plan's commands" seen "cms2.crt cms2-bundle.pem; webadmin enable" 3
ok "    on cms2's MMP" has "Fix      Run the plan's commands on cms2's MMP:"
ok "    binding cms2's own files" has "webadmin disable; webadmin certs cms2.key"
tui_keys Escape
seen "DB cluster" 3
tui_keys Tab
tui_keys Enter
ok "Done refuses while a cell is broken" seen "1 cell is broken: fix it first" 3
tui_keys q
seen "y Save and quit" 3
tui_keys y
ok "q y quits" dead

echo "# $(($(date +%s) - t0)) s"
tui_done
