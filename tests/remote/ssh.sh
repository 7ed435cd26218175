#!/bin/sh
# The remote layer's SSH against a stand-in Meeting Server behind a real
# sshd on loopback (tests/mmp/rig.sh).
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP no sshd, ssh, sftp or ssh-keygen"
	exit 0
fi
rig_init
rig_host cms1 127.0.0.31 || { echo "Bail out! cannot start the stand-in"; exit 99; }
port=$(cat "$RIG/cms1/port")
ssh-keygen -l -E sha256 -f "$RIG/cms1/host_key.pub" | awk '{print $2}' >"$RIG/fp"
ssh-keygen -q -t ed25519 -N '' -C other -f "$RIG/other" || exit 99
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$RIG/impostor" || exit 99
ssh-keygen -l -E sha256 -f "$RIG/impostor.pub" | awk '{print $2}' >"$RIG/fp_old"
: >"$RIG/known_empty"
echo "[127.0.0.31]:$port $(cut -d' ' -f1-2 "$RIG/impostor.pub")" >"$RIG/known_changed"
RIG_ADDR=127.0.0.31 RIG_PORT=$port RIG_ID=$RIG/id RIG_OTHER_ID=$RIG/other \
RIG_FP=$RIG/fp RIG_FP_OLD=$RIG/fp_old RIG_KNOWN_EMPTY=$RIG/known_empty \
RIG_KNOWN_CHANGED=$RIG/known_changed RIG_DEAD_PORT=$((port + 1)) \
    "${top_builddir:-.}/tests/remote/test-ssh"
