# Sourced by the tests/mmp/*.sh scripts: Meeting Server stand-ins, each a
# real sshd on its own 127.0.0.x address whose ForceCommand is mmp-standin
# (../shared/testing.md).  Everything lives in one scratch directory that goes
# away on exit; every sshd is stopped by the PID recorded when it started.
#
#   rig_init                      scratch dir $RIG, user key $RIG/id, trap,
#                                 $RIG_PASSWORD (random unless set)
#   rig_host NAME ADDR [VAR=VAL]  start a host (VAR=VAL: extra SetEnv knobs);
#                                 env RIG_AUTH picks how it lets users in:
#                                   (unset)  public key $RIG/id, this user
#                                   refuse   no key accepted (empty
#                                            AuthorizedKeysFile)
#                                   password user mmptest, password
#                                            $RIG_PASSWORD, UsePAM no
#                                   kbdint   user mmptest, keyboard-
#                                            interactive through PAM
#                                 password and kbdint need root: 77 (skip)
#                                 otherwise; their files dir is mmptest's
#   rig_user                      make the user mmptest (once; 77 unless
#                                 root) and set its password to $RIG_PASSWORD
#   rig_rekey NAME                a new host key, NAME's sshd restarted on the
#                                 same address and port (clients that knew the
#                                 old key see it CHANGED)
#   rig_ssh NAME [ARGS...]        the real OpenSSH client, to NAME
#   rig_sftp NAME BATCHFILE       sftp -b BATCHFILE, to NAME
#   rig_dir NAME                  the host's flat SFTP directory
#   rig_stop NAME                 stop the host's sshd
#   ok DESC CMD..., skip DESC WHY, has TEXT, lacks TEXT, rig_done
#                                 TAP: a case passes when CMD succeeds (on a
#                                 failure the last output, $RIG/out, is shown);
#                                 has/lacks look for a fixed string in it;
#                                 rig_done prints the plan, fails on a failure
#   rig_tls NAME [HTTPS [C2W]]    optional: Web Bridge 3's ports for NAME,
#                                 mmp-standin --serve on NAME's address,
#                                 presenting what NAME has bound (https port
#                                 HTTPS, default 443 as root, else 8443; c2w
#                                 port C2W, default 9999); 0 when it listens,
#                                 1 (its log on stderr) otherwise;
#                                 $RIG/NAME/{tls.pid,tls.ports,tls.log};
#                                 stopped by rig_cleanup by its PID
#
# Every host gets MMP_HOST=NAME, MMP_DIR=$RIG/NAME/files, MMP_ADDR=ADDR and
# MMP_CLUSTER=$RIG/cluster.json (the database cluster the rig's hosts
# share).  $RIG/NAME/{sshd_config,port,addr,pid,user} describe the host.
#
# The user mmptest (and its group) stays on the system after the tests: a
# test must not remove accounts, and useradd runs only when it is missing.
# make check sets top_builddir; MMP_STANDIN may point elsewhere.

SSHD=${SSHD:-/usr/sbin/sshd}
MMP_STANDIN=${MMP_STANDIN:-${top_builddir:-.}/mmp-standin}
RIG_TEST_USER=mmptest
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
	: >"$RIG/no_keys"
	if [ -z "$RIG_PASSWORD" ]; then
		RIG_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	fi
	export RIG_PASSWORD
}

# rig_user: the local user mmptest, made once and kept, with the password
# $RIG_PASSWORD.  77 when not root.
rig_user() {
	[ "$(id -u)" = 0 ] || return 77
	if ! id "$RIG_TEST_USER" >/dev/null 2>&1; then
		useradd -M -d / -s /bin/sh "$RIG_TEST_USER" ||
		    return 1
	fi
	echo "$RIG_TEST_USER:$RIG_PASSWORD" | chpasswd
}

# The authentication lines of sshd_config for RIG_AUTH.
rig_auth_config() {
	case ${RIG_AUTH:-key} in
	key)
		cat <<CONF
AuthorizedKeysFile $RIG/id.pub
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CONF
		;;
	refuse)
		cat <<CONF
AuthorizedKeysFile $RIG/no_keys
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CONF
		;;
	password)
		cat <<CONF
PubkeyAuthentication no
AuthorizedKeysFile none
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
AllowUsers $RIG_TEST_USER
CONF
		;;
	kbdint)
		cat <<CONF
PubkeyAuthentication no
AuthorizedKeysFile none
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication yes
AllowUsers $RIG_TEST_USER
CONF
		;;
	*)
		echo "rig: RIG_AUTH=$RIG_AUTH is not key, refuse, password or kbdint" >&2
		return 1
		;;
	esac
}

# For a host whose stand-in runs as mmptest: it must reach its directory,
# the stand-in and the shared cluster file.
rig_share_with_user() {
	chmod 711 "$RIG" "$RIG/$1"
	chown -R "$RIG_TEST_USER" "$RIG/$1/files"
	: >>"$RIG/cluster.json"
	chmod 666 "$RIG/cluster.json"
}

# rig_wait_log PID LOG PATTERN: until LOG shows PATTERN (0), or PID has
# ended or 5 s have passed (1).
rig_wait_log() {
	rig_w=0
	while [ $rig_w -lt 250 ]; do
		grep -q "$3" "$2" && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.02
		rig_w=$((rig_w + 1))
	done
	return 1
}

# rig_start NAME: starts sshd with $RIG/NAME/sshd_config.  0 when it
# listens, 2 when the port was taken, 1 on any other failure.
rig_start() {
	rig_h=$RIG/$1
	"$SSHD" -D -e -f "$rig_h/sshd_config" 2>"$rig_h/sshd.log" &
	rig_p=$!
	if rig_wait_log "$rig_p" "$rig_h/sshd.log" 'Server listening'; then
		rig_pids="$rig_pids $rig_p"
		echo "$rig_p" >"$rig_h/pid"
		return 0
	fi
	kill "$rig_p" 2>/dev/null
	wait "$rig_p" 2>/dev/null
	grep -q -i 'bind' "$rig_h/sshd.log" && return 2
	sed 's/^/# sshd: /' "$rig_h/sshd.log" >&2
	return 1
}

# rig_host NAME ADDR [VAR=VALUE...]: writes $RIG/NAME/{sshd_config,port,
# addr,pid,user} and the flat directory $RIG/NAME/files; retries on a busy
# port.
rig_host() {
	name=$1 addr=$2
	shift 2
	h=$RIG/$name
	user=$(id -un)
	case ${RIG_AUTH:-key} in
	password | kbdint)
		rig_user || return $?
		user=$RIG_TEST_USER
		;;
	esac
	mkdir -p "$h/files"
	[ "$user" = "$RIG_TEST_USER" ] && rig_share_with_user "$name"
	echo "$user" >"$h/user"
	echo "$addr" >"$h/addr"
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$h/host_key" || return 1
	tries=0
	while [ $tries -lt 20 ]; do
		port=$((20000 + ($$ * 7 + tries * 131 + $(printf %d "'$name")) % 10000))
		tries=$((tries + 1))
		{
			cat <<CONF
ListenAddress $addr:$port
HostKey $h/host_key
PidFile none
StrictModes no
SetEnv MMP_HOST=$name MMP_DIR=$h/files MMP_ADDR=$addr MMP_CLUSTER=$RIG/cluster.json $*
ForceCommand $MMP_STANDIN
Subsystem sftp internal-sftp
CONF
			rig_auth_config
		} >"$h/sshd_config" || return 1
		echo "$port" >"$h/port"
		rig_start "$name"
		case $? in
		0) return 0 ;;
		2) ;;
		*) return 1 ;;
		esac
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
	rig_pids=$(echo " $rig_pids " | sed "s/ $p / /")
}

# rig_rekey NAME: a new host key for NAME, its sshd restarted on the same
# address and port.
rig_rekey() {
	rm -f "$RIG/$1/host_key" "$RIG/$1/host_key.pub"
	ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$RIG/$1/host_key" ||
	    return 1
	rig_stop "$1"
	rig_t=0
	while [ $rig_t -lt 10 ]; do
		rig_start "$1"
		case $? in
		0) return 0 ;;
		2) sleep 0.2 ;;	# the old listener is not gone yet
		*) return 1 ;;
		esac
		rig_t=$((rig_t + 1))
	done
	return 1
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
	ssh $(rig_ssh_opts "$rig_h") "$(cat "$RIG/$rig_h/user")@$(cat "$RIG/$rig_h/addr")" "$@" \
	    2>>"$RIG/ssh.err"
}

rig_sftp() {
	# shellcheck disable=SC2046
	sftp $(rig_ssh_opts "$1" | sed 's/-p /-P /') -b "$2" \
	    "$(cat "$RIG/$1/user")@$(cat "$RIG/$1/addr")" 2>>"$RIG/ssh.err"
}

# rig_tls NAME [HTTPS [C2W]]: mmp-standin --serve for NAME (see above).
rig_tls() {
	rig_h=$RIG/$1
	if [ -n "$2" ]; then
		rig_https=$2
	elif [ "$(id -u)" = 0 ]; then
		rig_https=443
	else
		rig_https=8443
	fi
	rig_c2w=${3:-9999}
	MMP_HOST=$1 MMP_DIR=$rig_h/files MMP_ADDR=$(cat "$rig_h/addr") \
	    MMP_HTTPS_PORT=$rig_https MMP_C2W_PORT=$rig_c2w \
	    "$MMP_STANDIN" --serve 2>"$rig_h/tls.log" &
	rig_p=$!
	if rig_wait_log "$rig_p" "$rig_h/tls.log" '^mmp-standin: serving'; then
		rig_pids="$rig_pids $rig_p"
		echo "$rig_p" >"$rig_h/tls.pid"
		echo "$rig_https $rig_c2w" >"$rig_h/tls.ports"
		return 0
	fi
	kill "$rig_p" 2>/dev/null
	wait "$rig_p" 2>/dev/null
	sed 's/^/# mmp-standin --serve: /' "$rig_h/tls.log" >&2
	return 1
}

# ---- TAP for the scripts that drive the rig

tap_n=0
tap_fails=0

ok() {	# ok DESCRIPTION CONDITION-COMMAND...
	tap_desc=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@"; then
		echo "ok $tap_n - $tap_desc"
	else
		echo "not ok $tap_n - $tap_desc"
		tap_fails=$((tap_fails + 1))
		[ -f "$RIG/out" ] && sed 's/^/# /' "$RIG/out" | tail -40
	fi
}

skip() {	# skip DESCRIPTION REASON
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

has() {	# has TEXT: the last output ($RIG/out) holds the fixed string
	grep -F -q -- "$1" "$RIG/out"
}

lacks() {
	! grep -F -q -- "$1" "$RIG/out"
}

rig_done() {
	echo "1..$tap_n"
	[ "$tap_fails" = 0 ]
}
