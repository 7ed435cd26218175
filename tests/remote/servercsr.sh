#!/bin/sh
# meetcert server-csr: the key made on the Meeting Server with pki csr and
# never copied off it, the CSR signed here, and deploy binding the key in
# place (TAP).
export LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

rig_init
rig_host cms1 127.0.0.71 || { echo "Bail out! sshd did not start"; exit 1; }
W=$RIG/ws
D=$(rig_dir cms1)
mkdir -p "$W"
echo "[127.0.0.71]:$(cat "$RIG/cms1/port") $(cut -d' ' -f1-2 "$RIG/cms1/host_key.pub")" >"$RIG/known"
"$MEETCERT" init "$W/c.json" --type combined --host \
    "label=cms1,fqdn=cms1.example.com,address=127.0.0.71,port=$(cat "$RIG/cms1/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3" \
    --join-url join.example.com --c2w-address cms1.example.com --key ec256 \
    >/dev/null 2>&1
"$MEETCERT" selfsigned labca CN:"Lab CA" --ca --key ec256 --dir "$W" >/dev/null
SSH="--known-hosts $RIG/known --identity $RIG/id --ssh-config none --no-agent"

# shellcheck disable=SC2086
"$MEETCERT" server-csr "$W/c.json" cms1 $SSH >"$RIG/out" 2>&1
ok "server-csr: exit 0" test $? = 0
ok "  the CSR is fetched" test -s "$W/cms1.csr"
ok "  the key stays on the server" sh -c '[ ! -e "$0/cms1.key" ] && [ -s "$1/cms1.key" ]' "$W" "$D"
ok "  the workspace remembers it" grep -q '"key": "server"' "$W/c.json"
"$MEETCERT" inspect "$W/cms1.csr" >"$RIG/out" 2>&1
ok "  the CSR carries the plan's names" has "cms1.example.com"
# shellcheck disable=SC2086
"$MEETCERT" server-csr "$W/c.json" cms1 $SSH >"$RIG/out" 2>&1
ok "again: refused, pki csr would replace a live key" test $? = 1
ok "  saying why" has "cms1.key is already there"
# shellcheck disable=SC2086
"$MEETCERT" server-csr "$W/c.json" nosuch $SSH >"$RIG/out" 2>&1
ok "a certificate the plan lacks: exit 2" test $? = 2
"$MEETCERT" make "$W/c.json" --ca labca >"$RIG/out" 2>&1
ok "make signs the server's CSR: exit 0" test $? = 0
ok "  without making a key here" sh -c '[ ! -e "$0/cms1.key" ] && [ -s "$0/cms1.crt" ]' "$W"
# shellcheck disable=SC2086
"$MEETCERT" deploy "$W/c.json" $SSH >"$RIG/out" 2>&1
ok "deploy binds it: exit 0" test $? = 0
ok "  the key in place, not uploaded" sh -c '! grep -q "upload cms1.key" "$0"' "$RIG/out"
rig_ssh cms1 webadmin >"$RIG/out" </dev/null
ok "  Web Admin on cms1.key and cms1.crt" sh -c 'grep -q "Key file *: cms1.key" "$0" && grep -q "Certificate file *: cms1.crt" "$0"' "$RIG/out"
ok "  no key was ever overwritten on the server" sh -c '! grep -q overwritten "$0/.mmp-state.json"' "$D"
# shellcheck disable=SC2086
"$MEETCERT" status "$W/c.json" $SSH >"$RIG/out" 2>&1
ok "status reads the binding back, verified" has "webadmin                 verified"
rig_done
