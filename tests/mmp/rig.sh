# Sourced by the tests/mmp/*.sh scripts: Meeting Server stand-ins, each a
# real sshd on its own 127.0.0.x address whose ForceCommand is mmp-standin
# (../shared/testing.md).  Everything lives in one scratch directory that goes
# away on exit; every sshd is stopped by the PID recorded when it started.
#
#   rig_init                      scratch dir $RIG, user key $RIG/id, trap
#   rig_host NAME ADDR [VAR=VAL]  start a host (VAR=VAL: extra SetEnv knobs)
#   rig_ssh NAME [ARGS...]        the real OpenSSH client, to NAME
#   rig_sftp NAME BATCHFILE       sftp -b BATCHFILE, to NAME
#   rig_dir NAME                  the host's flat SFTP directory
#   rig_stop NAME                 stop the host's sshd
# make check sets top_builddir; MMP_STANDIN may point elsewhere.

SSHD=${SSHD:-/usr/sbin/sshd}
MMP_STANDIN=${MMP_STANDIN:-${top_builddir:-.}/tests/mmp/mmp-standin}
RIG=
rig_pids=

rig_have_ssh() {
	[ -x "$SSHD" ] && command -v ssh >/dev/null 2>&1 &&
	    command -v sftp >/dev/null 2>&1 &&
	    command -v ssh-keygen >/dev/null 2>&1
}

rig_cleanup() {
	for p in $rig_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $rig_pids; do
		wait "$p" 2>/dev/null
	done
	rig_pids=
	[ -n "$RIG" ] && rm -rf "$RIG"
}

rig_init() {
	RIG=$(mktemp -d "${TMPDIR:-/tmp}/mmp-rig.XXXXXX") || exit 99
	trap rig_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	case $MMP_STANDIN in
	/*) ;;
	*) MMP_STANDIN=$(cd "$(dirname "$MMP_STANDIN")" && pwd)/$(basename "$MMP_STANDIN") ;;
	esac
	if [ "$(id -u)" = 0 ]; then
		mkdir -p /run/sshd
	fi
	ssh-keygen -q -t ed25519 -N '' -C rig -f "$RIG/id" || exit 99
	: >"$RIG/known_hosts"
}

# rig_host NAME ADDR [VAR=VALUE...]: writes $RIG/NAME/{sshd_config,port,pid}
# and the flat directory $RIG/NAME/files; retries on a busy port.
rig_host() {
	name=$1 addr=$2
	shift 2
	h=$RIG/$name
	mkdir -p "$h/files"
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$h/host_key" || return 1
	tries=0
	while [ $tries -lt 20 ]; do
		port=$((20000 + ($$ * 7 + tries * 131 + $(printf %d "'$name")) % 10000))
		tries=$((tries + 1))
		cat >"$h/sshd_config" <<CONF
ListenAddress $addr:$port
HostKey $h/host_key
PidFile none
AuthorizedKeysFile $RIG/id.pub
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
SetEnv MMP_HOST=$name MMP_DIR=$h/files $*
ForceCommand $MMP_STANDIN
Subsystem sftp internal-sftp
CONF
		"$SSHD" -D -e -f "$h/sshd_config" 2>"$h/sshd.log" &
		pid=$!
		rig_w=0
		while [ $rig_w -lt 250 ]; do	# up to 5 s
			if grep -q 'Server listening' "$h/sshd.log"; then
				rig_pids="$rig_pids $pid"
				echo "$pid" >"$h/pid"
				echo "$port" >"$h/port"
				echo "$addr" >"$h/addr"
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.02
			rig_w=$((rig_w + 1))
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		grep -q -i 'bind' "$h/sshd.log" || {
			sed 's/^/# sshd: /' "$h/sshd.log" >&2
			return 1
		}
	done
	return 1
}

rig_dir() {
	echo "$RIG/$1/files"
}

rig_stop() {
	p=$(cat "$RIG/$1/pid")
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

rig_ssh_opts() {
	echo "-F /dev/null -i $RIG/id -p $(cat "$RIG/$1/port") \
-o UserKnownHostsFile=$RIG/known_hosts -o StrictHostKeyChecking=accept-new \
-o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR"
}

# rig_ssh NAME [ARGS...]: ssh to NAME's stand-in (stderr to $RIG/ssh.err).
rig_ssh() {
	rig_h=$1
	shift
	# shellcheck disable=SC2046
	ssh $(rig_ssh_opts "$rig_h") "$(id -un)@$(cat "$RIG/$rig_h/addr")" "$@" \
	    2>>"$RIG/ssh.err"
}

rig_sftp() {
	# shellcheck disable=SC2046
	sftp $(rig_ssh_opts "$1" | sed 's/-p /-P /') -b "$2" \
	    "$(id -un)@$(cat "$RIG/$1/addr")" 2>>"$RIG/ssh.err"
}
