#!/bin/sh
# The MMP stand-in behind a real sshd, driven by the real OpenSSH client:
# exec and shell requests, SFTP uploads, the pki checks, service bindings
# kept on disk, the capital-Y question and the fault knobs (TAP).
OPENSSL=${OPENSSL:-openssl}
export LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

tap_n=0
fails=0
ok() {	# ok DESCRIPTION CONDITION-COMMAND...
	desc=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@"; then
		echo "ok $tap_n - $desc"
	else
		echo "not ok $tap_n - $desc"
		fails=$((fails + 1))
		[ -f "$RIG/out" ] && sed 's/^/# /' "$RIG/out"
	fi
}
has() {	# has TEXT: the last output ($RIG/out) holds the fixed string
	grep -F -q -- "$1" "$RIG/out"
}
lacks() {
	! grep -F -q -- "$1" "$RIG/out"
}

echo "1..24"
rig_init
rig_host cms1a 127.0.0.11 || { echo "Bail out! sshd did not start"; exit 1; }
D=$(rig_dir cms1a)

# An openssl-made PKI: root, intermediate, a leaf for webadmin, a stray key.
P=$RIG/pki
mkdir -p "$P"
(
	cd "$P" || exit 1
	cat >ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:cms1a.example.com
CNF
	"$OPENSSL" req -x509 -newkey rsa:2048 -nodes -keyout root.key \
	    -out root.cer -subj /CN=Lab-Root -days 30 \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign
	"$OPENSSL" req -newkey rsa:2048 -nodes -keyout int.key -out int.csr \
	    -subj /CN=Lab-Issuing
	"$OPENSSL" x509 -req -in int.csr -CA root.cer -CAkey root.key \
	    -CAcreateserial -out int.cer -days 30 -extfile ext.cnf -extensions ca
	"$OPENSSL" req -newkey rsa:2048 -nodes -keyout webadmin.key \
	    -out webadmin.csr -subj /CN=cms1a.example.com
	"$OPENSSL" x509 -req -in webadmin.csr -CA int.cer -CAkey int.key \
	    -CAcreateserial -out webadmin.cer -days 30 -extfile ext.cnf \
	    -extensions leaf
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out stray.key
	cat int.cer >bundle.cer
	cat webadmin.cer int.cer root.cer >fullchain.cer
	"$OPENSSL" req -x509 -newkey rsa:2048 -nodes -keyout other.key \
	    -out other-root.cer -subj /CN=Other-Root -days 30
) >"$RIG/openssl.log" 2>&1 || { echo "Bail out! openssl failed"; exit 1; }

rig_ssh cms1a pki list >"$RIG/out"
ok "exec request: pki list answers" has "User supplied certificates and keys:"
ok "first contact recorded in known_hosts" \
    grep -q "^\[127.0.0.11\]:$(cat "$RIG/cms1a/port") ssh-ed25519 " \
    "$RIG/known_hosts"

cat >"$RIG/put.batch" <<B
put $P/webadmin.key webadmin.key
put $P/webadmin.cer webadmin.cer
put $P/stray.key stray.key
put $P/bundle.cer bundle.cer
put $P/root.cer root.cer
put $P/other-root.cer other-root.cer
put $P/fullchain.cer fullchain.cer
B
rig_sftp cms1a "$RIG/put.batch" >"$RIG/out" 2>&1
ok "sftp uploads into the flat directory" cmp -s "$P/webadmin.key" \
    "$D/webadmin.key"
rig_ssh cms1a pki list >"$RIG/out"
ok "pki list shows the uploaded files" sh -c \
    'grep -qx webadmin.key "$0" && grep -qx webadmin.cer "$0"' "$RIG/out"

rig_ssh cms1a pki match webadmin.key webadmin.cer >"$RIG/out"
ok "pki match: a matching pair" has "Matching certificate and private key"
rig_ssh cms1a pki match stray.key webadmin.cer >"$RIG/out"
ok "pki match: a mismatch is a FAILURE" has "FAILURE:"

rig_ssh cms1a pki verify webadmin.cer bundle.cer root.cer >"$RIG/out"
ok "pki verify: chain to the root" has "SUCCESS:"
rig_ssh cms1a pki verify webadmin.cer bundle.cer other-root.cer >"$RIG/out"
ok "pki verify: the wrong CA is a FAILURE" has "FAILURE:"
rig_ssh cms1a pki inspect webadmin.cer >"$RIG/out"
ok "pki inspect: subject and SAN" sh -c \
    'grep -q "CN=cms1a.example.com" "$0" && grep -q "DNS:cms1a.example.com" "$0"' \
    "$RIG/out"

rig_ssh cms1a webadmin certs stray.key webadmin.cer >"$RIG/out"
ok "webadmin certs: mismatch FAILURE text" \
    has "FAILURE: Key and certificate problem: certificate and key do not match"
rig_ssh cms1a webadmin certs webadmin.key missing.cer >"$RIG/out"
ok "webadmin certs: a missing file is a FAILURE" has "FAILURE: missing.cer"
rig_ssh cms1a webadmin certs webadmin.key webadmin.cer bundle.cer >"$RIG/out"
ok "webadmin certs: a matching pair binds" \
    has "SUCCESS: Key and certificate pair match"
rig_ssh cms1a webadmin >"$RIG/out"
ok "bare webadmin shows the bound files" sh -c \
    'grep -Eq "^Key file +: webadmin.key$" "$0" &&
     grep -Eq "^Certificate file +: webadmin.cer$" "$0"' "$RIG/out"
ok "the state file records the binding" sh -c \
    'grep -q "\"key\": \"webadmin.key\"" "$0" &&
     grep -q "\"bundle\": \"bundle.cer\"" "$0"' "$D/.mmp-state.json"
rig_ssh cms1a webbridge3 https certs webadmin.key fullchain.cer >"$RIG/out"
rig_ssh cms1a webbridge3 >>"$RIG/out"
ok "webbridge3 https certs binds the full chain" \
    grep -Eq "^HTTPS Full chain certificate file +: fullchain.cer$" "$RIG/out"

rig_ssh cms1a -tt >"$RIG/out" <<'IN'
pki list
webadmin restart
exit
IN
ok "PTY shell: prompt and answers" sh -c \
    'grep -q "cms1a> " "$0" && grep -q "User supplied certificates" "$0" &&
     grep -q "SUCCESS: webadmin restarted" "$0"' "$RIG/out"
printf 'hostname\nexit\n' | rig_ssh cms1a >"$RIG/out"
ok "shell without a PTY: prompt and answer" sh -c \
    'grep -q "^cms1a> cms1a" "$0"' "$RIG/out"
rig_ssh cms1a frobnicate >"$RIG/out"
ok "an unknown command is refused" has "Invalid command"

cat >"$D/.mmp-state.json" <<'J'
{"database": {"status": "Enabled", "nodes": [
 {"address": "127.0.0.11 (me)", "state": "Connected Primary"}]}}
J
rig_ssh cms1a database cluster status >"$RIG/out"
ok "database cluster status lists the nodes" has "Connected Primary"
printf 'y\n' | rig_ssh cms1a database cluster remove >"$RIG/out"
ok "database cluster remove: a lower-case y keeps the cluster" sh -c \
    'grep -q "Are you sure? (Y/N)" "$0" && grep -q Enabled "$1"' \
    "$RIG/out" "$D/.mmp-state.json"
printf 'Y\n' | rig_ssh cms1a database cluster remove >"$RIG/out"
ok "database cluster remove: a capital Y removes the node" sh -c \
    'grep -q "^SUCCESS:" "$0" && grep -q Disabled "$1"' \
    "$RIG/out" "$D/.mmp-state.json"

echo "MMP_FAIL_ON=callbridge restart" >"$D/.mmp-knobs"
rig_ssh cms1a callbridge restart >"$RIG/out"
ok "MMP_FAIL_ON: the chosen command fails" has "FAILURE:"
echo "MMP_DROP_AFTER=1" >"$D/.mmp-knobs"
printf 'hostname\nhostname\nhostname\n' | rig_ssh cms1a >"$RIG/out"
ok "MMP_DROP_AFTER: the session ends after N commands" \
    test "$(grep -c '^cms1a> cms1a' "$RIG/out")" = 1
rm -f "$D/.mmp-knobs"

ok "no sanitizer report from the stand-in" \
    sh -c '! grep -q -E "Sanitizer|runtime error" "$0"' "$RIG/ssh.err"
[ $fails -eq 0 ]
