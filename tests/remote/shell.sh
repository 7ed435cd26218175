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
# Password and keyboard-interactive hosts: they need root (a local user
# with a password); without it those cases skip.
pw_port= kbd_port=
if RIG_AUTH=password rig_host pw 127.0.0.33 && RIG_AUTH=kbdint rig_host kbd 127.0.0.34; then
	pw_port=$(cat "$RIG/pw/port")
	kbd_port=$(cat "$RIG/kbd/port")
	echo "[127.0.0.33]:$pw_port $(cut -d' ' -f1-2 "$RIG/pw/host_key.pub")" >>"$RIG/known"
	echo "[127.0.0.34]:$kbd_port $(cut -d' ' -f1-2 "$RIG/kbd/host_key.pub")" >>"$RIG/known"
fi
RIG_AUTH=	# some shells keep an assignment made before a function call
agent_pid=
if command -v ssh-agent >/dev/null 2>&1; then
	eval "$(ssh-agent -s)" >/dev/null && agent_pid=$SSH_AGENT_PID
	ssh-add -q "$RIG/id" 2>/dev/null
fi
RIG_ADDR=127.0.0.32 RIG_PORT=$(cat "$RIG/cms1/port") RIG_ID=$RIG/id RIG_KNOWN=$RIG/known \
RIG_DIR=$RIG RIG_FILES=$(rig_dir cms1) RIG_CONFIG=$RIG/config \
RIG_BAD_CONFIG=$RIG/bad_config RIG_PW_PORT=$pw_port RIG_KBD_PORT=$kbd_port \
RIG_PASSWORD=$RIG_PASSWORD \
    "${top_builddir:-.}/tests/remote/test-shell"
rc=$?
[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
exit $rc
