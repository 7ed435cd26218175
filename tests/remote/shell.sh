#!/bin/sh
# The persistent MMP shell, ssh-agent and ~/.ssh/config against a stand-in
# behind a real sshd on loopback (tests/mmp/rig.sh).
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP no sshd, ssh, sftp or ssh-keygen"
	exit 0
fi
rig_init
rig_host cms1 127.0.0.32 || { echo "Bail out! cannot start the stand-in"; exit 99; }
port=$(cat "$RIG/cms1/port")
echo "[127.0.0.32]:$port $(cut -d' ' -f1-2 "$RIG/cms1/host_key.pub")" >"$RIG/known"
cat >"$RIG/config" <<CONF
Host cms-alias
	HostName 127.0.0.32
	Port $port
	User $(id -un)
	IdentityFile $RIG/id
CONF
sed 's/User .*/User nobody-here/' "$RIG/config" >"$RIG/bad_config"
agent_pid=
if command -v ssh-agent >/dev/null 2>&1; then
	eval "$(ssh-agent -s)" >/dev/null && agent_pid=$SSH_AGENT_PID
	ssh-add -q "$RIG/id" 2>/dev/null
fi
RIG_ADDR=127.0.0.32 RIG_PORT=$port RIG_ID=$RIG/id RIG_KNOWN=$RIG/known \
RIG_DIR=$RIG RIG_FILES=$(rig_dir cms1) RIG_CONFIG=$RIG/config \
RIG_BAD_CONFIG=$RIG/bad_config \
    "${top_builddir:-.}/tests/remote/test-shell"
rc=$?
[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
exit $rc
