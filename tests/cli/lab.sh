#!/bin/sh
# meetcert lab: three stand-in Meeting Servers behind real sshd on
# 127.0.0.x, started, shown, walked through plan, make, deploy and status,
# started again, half stopped, stopped and purged; every sshd it started is
# gone at the end, and the trap stops them by their recorded PIDs if a case
# goes wrong.
. "$top_srcdir/tests/cli/lib.sh"

if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/openssh/sftp-server ]; then
	echo "1..0 # SKIP sshd not installed (apt-get install openssh-server)"
	exit 0
fi
MEETCERT_STANDIN=${MEETCERT_STANDIN:-$top_builddir/mmp-standin}
export MEETCERT_STANDIN

L=$T/lab
S=$T/state	# an XDG_STATE_HOME for the default directory

# lab_kill DIR: stops the sshd recorded in DIR, each checked to be the
# host's own before it is signalled.
lab_kill() {
	for h in cms1 cms2 cms3; do
		[ -f "$1/$h/pid" ] || continue
		p=$(cat "$1/$h/pid")
		grep -q -F "$1/$h/sshd_config" "/proc/$p/cmdline" 2>/dev/null &&
		    kill "$p"
	done
	return 0
}
trap 'lab_kill "$L"; lab_kill "$S/meetcert/lab"; cd /;
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT

# runl COMMAND...: run, with time for a deployment.
runl() {
	run_cmd=$*
	t0=$(now_ms)
	# shellcheck disable=SC2086
	timeout 120 $detach "$@" >"$OUT" 2>"$ERR"
	rc=$?
	ms=$(($(now_ms) - t0))
}
mode() {
	m=$(stat -c %a "$1")
	[ "$m" = "$2" ] && return 0
	why="$1: mode $m, not $2"
	return 1
}
pids() {
	cat "$L/cms1/pid" "$L/cms2/pid" "$L/cms3/pid" 2>/dev/null | tr '\n' ' '
}
# lab_sshd H PID: PID runs host H's sshd
lab_sshd() {
	grep -q -F "$L/$1/sshd_config" "/proc/$2/cmdline" 2>/dev/null
}
all_listen() {
	for h in cms1 cms2 cms3; do
		lab_sshd $h "$(cat "$L/$h/pid")" || {
			why="$h: no sshd with its config"
			return 1
		}
		a=$(cat "$L/$h/addr") port=$(cat "$L/$h/port")
		# /proc/net/tcp: the address as one little-endian word
		hex=$(echo "$a $port" | awk '{ split($1, o, ".");
		    printf "%02X%02X%02X%02X:%04X", o[4], o[3], o[2], o[1], $2 }')
		grep -q " $hex 00000000:0000 0A " /proc/net/tcp || {
			why="$h: nothing listens on $a:$port"
			return 1
		}
	done
}
none_left() {	# none_left PIDS: none of them is a lab sshd any more
	n=0
	for p in $1; do
		n=$((n + 1))
		lab_sshd cms$n "$p" && { why="sshd $p still runs"; return 1; }
	done
	return 0
}
R() {	# the SSH options of the lab
	echo "--known-hosts $L/known_hosts --identity $L/id --ssh-config none --no-agent"
}

# ---- start

run "$MEETCERT" lab start --dir "$L"
ok "lab start: exit 0, three hosts started" out_has 0 \
    "^  cms1  127\.0\.0\.[0-9]+:[0-9]+ +started \(sshd [0-9]+\)$" \
    "^  cms2  " "^  cms3  "
ok "  says where the workspace is" out_has 0 "^Workspace: $L/lab.json \(new"
ok "  and the wizard's environment" out_has 0 \
    "^  MEETCERT_KNOWN_HOSTS=$L/known_hosts MEETCERT_IDENTITY=$L/id meetcert wizard $L/lab.json$"
ok "  and the commands' options" out_has 0 \
    "meetcert deploy $L/lab.json --known-hosts $L/known_hosts --identity $L/id --ssh-config none$"
ok "  quickly" fast
ok "  every host's sshd listens on its address" all_listen
ok "  the directory is 0700" mode "$L" 700
ok "  the client key is 0600" mode "$L/id" 600
ok "  known_hosts holds the three host keys" sh -c \
    '[ "$(grep -c -E "^\[127\.0\.0\.[0-9]+\]:[0-9]+ ssh-ed25519 [A-Za-z0-9+/=]+$" "$0")" = 3 ]' \
    "$L/known_hosts"
ok "  the workspace is 0600" mode "$L/lab.json" 600
ok "  a resilient deployment of cms1..cms3" sh -c \
    'grep -q "\"type\": \"resilient\"" "$0" && grep -q "\"fqdn\": \"cms3.lab.example.com\"" "$0" &&
     grep -q "\"database\": \"primary\"" "$0" && grep -q "\"user\": \"$(id -un)\"" "$0"' "$L/lab.json"
if command -v ssh >/dev/null 2>&1; then
	a=$(cat "$L/cms2/addr") port=$(cat "$L/cms2/port")
	run ssh -F /dev/null -i "$L/id" -p "$port" -o BatchMode=yes \
	    -o UserKnownHostsFile="$L/known_hosts" -o StrictHostKeyChecking=yes \
	    -o LogLevel=ERROR "$(id -un)@$a" pki list
	ok "  OpenSSH reaches cms2's stand-in with the lab's key and known_hosts" \
	    out_has 0 "^User supplied certificates and keys:"
else
	skip "no ssh client" "  OpenSSH reaches cms2's stand-in"
fi

run "$MEETCERT" lab status --dir "$L"
ok "lab status: exit 0, every host running" out_has 0 \
    "^  cms1  .* running \(sshd [0-9]+\)$" "^  cms3  .* running" \
    "^Workspace: $L/lab.json$"

# ---- the flow, against the lab

run "$MEETCERT" plan "$L/lab.json"
ok "the workspace plans without errors" exit_is 0
run "$MEETCERT" selfsigned labca CN:"Lab CA" --ca --dir "$L"
ok "a lab CA" exit_is 0
runl "$MEETCERT" make "$L/lab.json" --ca labca
ok "make --ca labca: exit 0" exit_is 0
# shellcheck disable=SC2046
runl "$MEETCERT" deploy "$L/lab.json" $(R) --db-wait 20
ok "deploy with the lab's known_hosts and key: exit 0" out_has 0 \
    "^cms1: ok" "^cms2: ok" "^cms3: ok"
# shellcheck disable=SC2046
runl "$MEETCERT" status "$L/lab.json" $(R)
ok "status: exit 0, the database cluster connected" out_has 0 \
    "Enabled, 3 of 3 node\(s\) connected"

# ---- again, and a host gone

before=$(pids)
run "$MEETCERT" lab start --dir "$L"
ok "lab start again: exit 0, already running" out_has 0 "is already running$" \
    "^  cms2  .* running \(sshd"
ok "  the same sshd" test "$(pids)" = "$before"
ok "  the workspace kept" out_has 0 "^Workspace: $L/lab.json$"

p2=$(cat "$L/cms2/pid")
lab_sshd cms2 "$p2" && kill "$p2"
w=0
while lab_sshd cms2 "$p2" && [ $w -lt 100 ]; do sleep 0.05; w=$((w + 1)); done
run "$MEETCERT" lab status --dir "$L"
ok "cms2's sshd killed: status exit 1, cms2 not running" out_has 1 \
    "^  cms2  .* not running$" "^  cms1  .* running" "^Start it with: meetcert lab start --dir $L$"
run "$MEETCERT" lab start --dir "$L"
ok "lab start brings cms2 back, the others as they were" out_has 0 \
    "^  cms2  .* started \(sshd" "^  cms1  .* running \(sshd $(cat "$L/cms1/pid")\)$"
ok "  on its address" all_listen
# shellcheck disable=SC2046
runl "$MEETCERT" status "$L/lab.json" $(R)
ok "  its files and bindings are still there" exit_is 0

# ---- stop

before=$(pids)
run "$MEETCERT" lab stop --dir "$L"
ok "lab stop: exit 0, each host stopped" out_has 0 \
    "^Stopped cms1 \(127\.0\.0\.[0-9]+:[0-9]+, sshd [0-9]+\)$" "^Stopped cms3 "
ok "  says what it keeps" out_has 0 "^Kept the workspace $L/lab.json"
ok "  no sshd left" none_left "$before"
ok "  no pid file left" sh -c '! ls "$0"/cms*/pid 2>/dev/null | grep -q .' "$L"
ok "  the workspace and the servers' files kept" \
    test -s "$L/lab.json" -a -s "$L/cms1/files/.mmp-state.json"
run "$MEETCERT" lab status --dir "$L"
ok "lab status after stop: exit 1" out_has 1 "^  cms1  .* not running$"
run "$MEETCERT" lab stop --dir "$L"
ok "lab stop again: exit 0, was not running" out_has 0 "was not running$"

# ---- refusals

mkdir "$T/other" && echo keep >"$T/other/notes"
run "$MEETCERT" lab start --dir "$T/other"
ok "lab start in a directory that is not a lab: one line, exit 2" \
    rejected 2 "$T/other: not a lab directory"
run "$MEETCERT" lab stop --purge --dir "$T/other"
ok "lab stop --purge of a directory that is not a lab: exit 2" \
    rejected 2 "$T/other: no lab here"
ok "  nothing removed" test -s "$T/other/notes"
run "$MEETCERT" lab status --dir "$T/nowhere"
ok "lab status of no lab: exit 2, one line" rejected 2 "$T/nowhere: no lab here"
run "$MEETCERT" lab start --dir "$T/a b"
ok "a directory with a blank: exit 2, one line" rejected 2 "$T/a b"
run "$MEETCERT" lab restart
ok "an unknown verb: exit 2" rejected 2 "'restart'"
run "$MEETCERT" lab status --purge --dir "$L"
ok "--purge with status: exit 2" rejected 2 "--purge"

# ---- purge

run "$MEETCERT" lab stop --purge --dir "$L"
ok "lab stop --purge: exit 0, says so" out_has 0 "^Removed $L"
ok "  the directory is gone" test ! -e "$L"
run "$MEETCERT" lab status --dir "$L"
ok "lab status after purge: exit 2" rejected 2 "$L: no lab here"

# ---- the default directory

run env XDG_STATE_HOME="$S" "$MEETCERT" lab start
ok "lab start without --dir: \$XDG_STATE_HOME/meetcert/lab" out_has 0 \
    "^The practice lab in $S/meetcert/lab:" "^Stop it with: meetcert lab stop \(--purge"
ok "  each directory it made is 0700" sh -c \
    'for d in "$0" "$0/meetcert" "$0/meetcert/lab"; do [ "$(stat -c %a "$d")" = 700 ] || exit 1; done' "$S"
run env XDG_STATE_HOME="$S" "$MEETCERT" lab stop --purge
ok "  and lab stop --purge removes it" out_has 0 "^Removed $S/meetcert/lab"
ok "  only the lab" test -d "$S/meetcert" -a ! -e "$S/meetcert/lab"

done_testing
