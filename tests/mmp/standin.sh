#!/bin/sh
# The MMP stand-in behind a real sshd, driven by the real OpenSSH client:
# exec and shell requests, SFTP uploads, the pki checks and key making,
# service and tls bindings kept on disk, the capital-Y question, a database
# cluster across three hosts, the fault knobs, a changed host key and the
# rig's authentication modes (TAP).
OPENSSL=${OPENSSL:-openssl}
export OPENSSL LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

mmp() {	# mmp HOST COMMAND...: the commands in one shell session, prompts cut
	mmp_h=$1
	shift
	printf '%s\n' "$@" exit | rig_ssh "$mmp_h" | sed "s/^\($mmp_h> \)*//"
}
in_state() {	# in_state KEY TEXT: TEXT in the state file's KEY object or list
	sed -n "/$1: [[{]\$/,/^ *[]}],\{0,1\}\$/p" "$D/.mmp-state.json" |
	    grep -F -q -- "$2"
}

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

# ---- pki csr, selfsigned, sign, unlock

rig_ssh cms1a 'pki csr web1 CN:web1.example.com O:"Example Inc." OU:"Video Team" subjectAltName:join.example.com' >"$RIG/out"
ok "pki csr: the lab's two lines" sh -c \
    'grep -qx "Created key file web1.key and CSR web1.csr" "$0" &&
     grep -qx "CSR file web1.csr ready for download via SFTP" "$0"' "$RIG/out"
ok "pki csr: the key is 0600" test "$(stat -c %a "$D/web1.key")" = 600
"$OPENSSL" req -in "$D/web1.csr" -noout -subject -text >"$RIG/out" 2>&1
ok "pki csr: quoted values with spaces, the CN appended to the SAN list" \
    sh -c 'grep -q "O = Example Inc\." "$0" && grep -q "OU = Video Team" "$0" &&
     grep -q "DNS:join.example.com, DNS:web1.example.com" "$0"' "$RIG/out"
ok "pki csr: a new name is not recorded as overwritten" \
    sh -c '! grep -q overwritten "$0"' "$D/.mmp-state.json"
cp "$D/web1.key" "$RIG/web1.key.old"
rig_ssh cms1a pki csr web1 CN:web1.example.com >"$RIG/out"
ok "pki csr over a live key: replaced without a word, as the MMP does" \
    sh -c 'grep -q "^Created key file web1.key" "$0" && ! grep -q FAILURE "$0" &&
     ! cmp -s "$1" "$2"' "$RIG/out" "$RIG/web1.key.old" "$D/web1.key"
ok "pki csr over a live key: the state lists it as overwritten" \
    in_state '"overwritten"' '"web1"'
rig_ssh cms1a pki csr web_1 CN:web1.example.com >"$RIG/out"
ok "pki csr: a bad name is the lab's refusal" \
    sh -c 'grep -qx "Invalid CSR name. Must be alphanumeric" "$0" &&
     ! test -e "$1"' "$RIG/out" "$D/web_1.key"
rig_ssh cms1a pki csr web2 CN:web2.example.com subjectAltName:a.example.com, >"$RIG/out"
ok "pki csr: a SAN list with an empty item is an Invalid argument" sh -c \
    'grep -qx "Invalid argument" "$0" && ! test -e "$1"' "$RIG/out" "$D/web2.key"
rig_ssh cms1a 'pki csr web2 CN:web2.example.com O:"Example' >"$RIG/out"
ok "an unclosed quote is an Invalid command" has "Invalid command"

rig_ssh cms1a pki selfsigned ss1 >"$RIG/out"
ok "pki selfsigned without a CN: key and certificate named after it" sh -c \
    'grep -qx "Created key file ss1.key and self-signed certificate ss1.crt" "$0" &&
     "$OPENSSL" x509 -in "$1" -noout -subject | grep -q "CN = ss1"' \
    "$RIG/out" "$D/ss1.crt"
mmp cms1a 'pki selfsigned ss_2' 'pki selfsigned ss2 C:"United States"' >"$RIG/out"
ok "pki selfsigned: a bad name, a bad attribute" sh -c \
    'grep -qx "Invalid CSR name. Must be alphanumeric" "$0" &&
     grep -qx "Invalid argument" "$0" && ! test -e "$1"' "$RIG/out" "$D/ss2.key"
rig_ssh cms1a pki sign web1 ss1 >"$RIG/out"
ok "pki sign: NAME.csr signed with CA.key into NAME.crt" sh -c \
    'grep -qx "Created certificate web1.crt signed by ss1.crt" "$0" &&
     "$OPENSSL" verify -CAfile "$1" "$2" >/dev/null' \
    "$RIG/out" "$D/ss1.crt" "$D/web1.crt"
rig_ssh cms1a pki sign nosuch ss1 >"$RIG/out"
ok "pki sign: a missing CSR is a FAILURE" has "FAILURE: nosuch.csr: file not found"
rig_ssh cms1a pki sign web1 webadmin >"$RIG/out"
ok "pki sign: a CA without its .crt is a FAILURE" has "FAILURE: webadmin.crt: file not found"

"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 \
    -pass pass:s3cret -out "$D/locked.key" 2>/dev/null
cp "$D/locked.key" "$D/locked2.key"
cp "$D/locked.key" "$D/locked3.key"
printf 'wrong\n' | rig_ssh cms1a pki unlock locked.key >"$RIG/out"
ok "pki unlock: a wrong password is a FAILURE and the key stays locked" sh -c \
    'grep -q "^Enter password: $" "$0" &&
     grep -qx "FAILURE: locked.key: incorrect password" "$0" &&
     grep -q "ENCRYPTED PRIVATE KEY" "$1"' "$RIG/out" "$D/locked.key"
printf 's3cret\n' | rig_ssh cms1a pki unlock locked >"$RIG/out"
ok "pki unlock: the right password unlocks the key in place (0600)" sh -c \
    'grep -qx "SUCCESS: locked.key unlocked" "$0" &&
     ! grep -q ENCRYPTED "$1" && test "$(stat -c %a "$1")" = 600 &&
     "$OPENSSL" pkey -in "$1" -noout -passin pass: 2>/dev/null' \
    "$RIG/out" "$D/locked.key"
rig_ssh cms1a pki unlock locked3.key </dev/null >"$RIG/out"
ok "pki unlock: no password at all is a FAILURE" \
    has "FAILURE: locked3.key: no password given"
rig_ssh cms1a pki unlock webadmin.key </dev/null >"$RIG/out"
ok "pki unlock: an unencrypted key is refused without a prompt" sh -c \
    'grep -qx "FAILURE: webadmin.key: private key is not encrypted" "$0" &&
     ! grep -q "Enter password" "$0"' "$RIG/out"
rig_ssh cms1a -tt >"$RIG/out" <<'IN'
pki unlock locked2
s3cret
exit
IN
ok "pki unlock in a PTY shell" sh -c \
    'grep -q "Enter password:" "$0" && grep -q "SUCCESS: locked2.key unlocked" "$0"' \
    "$RIG/out"

# ---- tls sip|ldap

rig_ssh cms1a tls sip trust root.cer >"$RIG/out"
rig_ssh cms1a tls sip >>"$RIG/out"
ok "tls sip trust: configured and shown" sh -c \
    'grep -qx "SUCCESS: trust bundle configured" "$0" &&
     grep -Eqx "Trust bundle +: root.cer" "$0" &&
     grep -Eqx "Verification +: disabled" "$0"' "$RIG/out"
ok "tls sip trust: in the state file" in_state '"tls-sip"' '"trust": "root.cer"'
rig_ssh cms1a tls ldap trust missing.cer >"$RIG/out"
ok "tls ldap trust: a missing file is a FAILURE" has "FAILURE: missing.cer: file not found"
mmp cms1a 'tls ldap trust bundle.cer' 'tls ldap verify enable' 'tls ldap' \
    >"$RIG/out"
ok "tls ldap trust and verify enable" sh -c \
    'grep -qx "SUCCESS: verification enabled" "$0" &&
     grep -Eqx "Trust bundle +: bundle.cer" "$0" &&
     grep -Eqx "Verification +: enabled" "$0"' "$RIG/out"
rig_ssh cms1a tls xmpp trust root.cer >"$RIG/out"
ok "tls: only sip and ldap" has "Invalid command"

# ---- a database cluster across three hosts (guide §3.1.4, 001 Step 3)

rig_host db1 127.0.0.21 || { echo "Bail out! sshd did not start"; exit 1; }
rig_host db2 127.0.0.22 MMP_CONNECT_DELAY_MS=2500 ||
    { echo "Bail out! sshd did not start"; exit 1; }
rig_host db3 127.0.0.23 || { echo "Bail out! sshd did not start"; exit 1; }
D1=$(rig_dir db1) D2=$(rig_dir db2) D3=$(rig_dir db3)

mmp db1 'pki selfsigned dbca CN:"Cluster CA"' \
    'pki csr dbserver CN:db1.example.com subjectAltName:db2.example.com,db3.example.com' \
    'pki csr dbclient CN:postgres' 'pki sign dbserver dbca' \
    'pki sign dbclient dbca' 'pki verify dbserver.crt dbca.crt' >"$RIG/out"
ok "the cluster's CA and certificates made with the stand-in's pki" sh -c \
    'test "$(grep -c "^Created" "$0")" = 5 && grep -q "SUCCESS: dbserver.crt verified" "$0"' \
    "$RIG/out"
for f in dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt; do
	cp "$D1/$f" "$D2/$f"
done
for f in dbclient.key dbclient.crt dbca.crt; do
	cp "$D1/$f" "$D3/$f"
done

rig_ssh db2 database cluster initialize >"$RIG/out"
ok "initialize without certs: a FAILURE naming all five files" has \
    "FAILURE: database cluster initialize failed: certificates not configured: server key, server certificate, client key, client certificate, CA certificate missing; use database cluster certs"
rig_ssh db3 database cluster certs dbclient.key dbclient.crt dbca.crt >"$RIG/out"
rig_ssh db3 database cluster initialize >>"$RIG/out"
ok "initialize with client certs only: the server's are missing" sh -c \
    'grep -qx "SUCCESS: database cluster certificates configured" "$0" &&
     grep -q "certificates not configured: server key, server certificate missing" "$0"' \
    "$RIG/out"
mmp db1 \
    'database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt' \
    'database cluster localnode a' 'database cluster initialize' \
    'database cluster status' >"$RIG/out"
ok "initialize: this node is the primary" sh -c \
    'grep -qx "SUCCESS: database cluster initialized with this node (127.0.0.21) as primary" "$0" &&
     grep -Eqx "Status +: Enabled" "$0" &&
     grep -Eqx "    127\.0\.0\.21 \(me\) +: Connected Primary" "$0"' "$RIG/out"
ok "the shared cluster file records each node's directory" \
    grep -q "\"dir\": \"$D1\"" "$RIG/cluster.json"

# The wrong CA: a second cluster's certificates, made with meetcert.
W=$RIG/wrongca
mkdir -p "$W"
{
	"$MEETCERT" selfsigned dbca CN:"Other CA" --ca --dir "$W" &&
	"$MEETCERT" csr dbserver CN:db2.example.com --dir "$W" &&
	"$MEETCERT" sign dbserver dbca --usage server --dir "$W" &&
	"$MEETCERT" csr dbclient CN:postgres --dir "$W" &&
	"$MEETCERT" sign dbclient dbca --usage client --dir "$W"
} >"$RIG/meetcert.log" 2>&1 || { echo "Bail out! meetcert failed"; exit 1; }
for f in dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt; do
	cp "$W/$f" "$D2/w$f"
done
mmp db2 \
    'database cluster certs wdbserver.key wdbserver.crt wdbclient.key wdbclient.crt wdbca.crt' \
    'database cluster join 127.0.0.21' >"$RIG/out"
ok "join with the wrong CA: certificate verify failed" sh -c \
    'grep -q "^FAILURE: database cluster join failed: SSL error: certificate verify failed: client certificate wdbclient.crt of this node is not trusted by dbca.crt of 127.0.0.21: " "$0"' \
    "$RIG/out"
rig_ssh db2 database cluster join 127.0.0.23 >"$RIG/out"
ok "join an address that is no primary: a FAILURE" has \
    "FAILURE: database cluster join failed: 127.0.0.23 is not the primary of a database cluster"

mmp db2 \
    'database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt' \
    'database cluster join 127.0.0.21' >"$RIG/out"
rig_ssh db1 database cluster status >>"$RIG/out"
ok "join: the node shows Connecting at first" sh -c \
    'grep -qx "SUCCESS: joining database cluster at 127.0.0.21; see database cluster status" "$0" &&
     grep -Eqx "    127\.0\.0\.22 +: Connecting Replica" "$0"' "$RIG/out"
wait_for() {	# wait_for HOST TEXT: database cluster status on HOST, 10 s
	w=0
	while [ $w -lt 50 ]; do
		rig_ssh "$1" database cluster status >"$RIG/out"
		grep -Eq -- "$2" "$RIG/out" && return 0
		sleep 0.2
		w=$((w + 1))
	done
	return 1
}
ok "join: Connected once MMP_CONNECT_DELAY_MS has passed" \
    wait_for db2 "^    127\.0\.0\.22 \(me\) +: Connected Replica$"
ok "status on a joined node: the primary first, this node marked" sh -c \
    'sed -n 3p "$0" | grep -Eqx "    127\.0\.0\.21 +: Connected Primary"' "$RIG/out"

# The client certificate's CN must be postgres: one signed by the right CA.
R=$RIG/rightca
mkdir -p "$R"
cp "$D1/dbca.key" "$D1/dbca.crt" "$R/"
{
	"$MEETCERT" csr badclient CN:client.example.com --dir "$R" &&
	"$MEETCERT" sign badclient dbca --usage client --dir "$R"
} >>"$RIG/meetcert.log" 2>&1 || { echo "Bail out! meetcert failed"; exit 1; }
cp "$R/badclient.key" "$R/badclient.crt" "$D3/"
mmp db3 'database cluster certs badclient.key badclient.crt dbca.crt' \
    'database cluster connect 127.0.0.21' >"$RIG/out"
ok "connect with a client certificate whose CN is not postgres: a FAILURE" has \
    'FAILURE: database cluster connect failed: certificate authentication failed for user "postgres" (badclient.crt has CN=client.example.com)'
mmp db3 'database cluster certs dbclient.key dbclient.crt dbca.crt' \
    'database cluster connect 127.0.0.21' >"$RIG/out"
ok "connect: a connect-only node with client certificates" \
    has "SUCCESS: connecting to database cluster at 127.0.0.21; see database cluster status"
ok "connect: Connected Client after the delay" \
    wait_for db3 "^    127\.0\.0\.23 \(me\) +: Connected Client$"
ok "status lists all three nodes" \
    test "$(grep -c '^    127\.0\.0\.2[123]' "$RIG/out")" = 3
rig_ssh db3 database cluster join 127.0.0.21 >"$RIG/out"
ok "join again: already in a cluster" has \
    "FAILURE: database cluster join failed: this node is already in a database cluster; run database cluster remove first"
rig_ssh db2 database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt >"$RIG/out"
ok "certs on a clustered node: refused until remove" has \
    "FAILURE: database cluster certificates cannot be changed while this node is in a database cluster; run database cluster remove first"
printf 'Y\n' | rig_ssh db2 database cluster remove >"$RIG/out"
rig_ssh db1 database cluster status >>"$RIG/out"
ok "remove: the node leaves the shared cluster" sh -c \
    'grep -qx "SUCCESS: Node removed from database cluster" "$0" &&
     ! grep -q "127\.0\.0\.22" "$0" && grep -q "127\.0\.0\.23" "$0"' "$RIG/out"
rig_ssh db2 database cluster status >"$RIG/out"
ok "remove: the node's own status is Disabled" sh -c \
    'grep -Eqx "Status +: Disabled" "$0" && ! grep -q "127\.0\.0" "$0"' "$RIG/out"

# ---- knobs

echo "MMP_SLOW_MS=700" >"$D/.mmp-knobs"
t0=$(date +%s%N)
rig_ssh cms1a hostname >"$RIG/out"
t1=$(date +%s%N)
ok "MMP_SLOW_MS: the answer comes N ms late" sh -c \
    'test $(( ($1 - $0) / 1000000 )) -ge 700 && grep -qx cms1a "$2"' \
    "$t0" "$t1" "$RIG/out"

head -c 5000 /dev/urandom >"$RIG/blob"
head -c 500 /dev/urandom >"$RIG/small"
echo "MMP_DROP_MID_UPLOAD=1000" >"$D/.mmp-knobs"
echo "put $RIG/blob blob1" >"$RIG/put.batch"
rig_sftp cms1a "$RIG/put.batch" >"$RIG/out" 2>&1
st=$?
ok "MMP_DROP_MID_UPLOAD: the upload fails, the file holds exactly N bytes" sh -c \
    'test "$0" != 0 && test "$(stat -c %s "$1")" = 1000 &&
     head -c 1000 "$2" | cmp -s - "$1"' "$st" "$D/blob1" "$RIG/blob"
echo "put $RIG/small small1" >"$RIG/put.batch"
rig_sftp cms1a "$RIG/put.batch" >"$RIG/out" 2>&1
ok "MMP_DROP_MID_UPLOAD: an upload under N passes" cmp -s "$RIG/small" "$D/small1"

echo "MMP_DISK_BYTES=1000" >"$D/.mmp-knobs"
echo "put $RIG/blob blob2" >"$RIG/put.batch"
rig_sftp cms1a "$RIG/put.batch" >"$RIG/out" 2>&1
st=$?
ok "MMP_DISK_BYTES: an SFTP upload past N bytes fails" sh -c \
    'test "$0" != 0 && test "$(stat -c %s "$1")" -le 1000' "$st" "$D/blob2"
rig_ssh cms1a pki csr full1 CN:full1.example.com >"$RIG/out"
ok "MMP_DISK_BYTES: pki csr on a full disk is a FAILURE, nothing written" sh -c \
    'grep -qx "FAILURE: full1.key: write failed: No space left on device" "$0" &&
     ! test -e "$1" && ! grep -q "^Created" "$0"' "$RIG/out" "$D/full1.key"
echo "MMP_DISK_BYTES=2000" >"$D/.mmp-knobs"
rig_ssh cms1a pki csr full2 CN:full2.example.com >"$RIG/out"
ok "MMP_DISK_BYTES: room for the key only leaves a key without its CSR" sh -c \
    'grep -qx "FAILURE: full2.csr: write failed: No space left on device" "$0" &&
     test -s "$1" && ! test -e "$2"' "$RIG/out" "$D/full2.key" "$D/full2.csr"
rm -f "$D/.mmp-knobs"

# ---- the rig: a changed host key, refused and password logins

rig_host rk 127.0.0.41 || { echo "Bail out! sshd did not start"; exit 1; }
rig_ssh rk hostname >"$RIG/out"
rk_port=$(cat "$RIG/rk/port")
rig_rekey rk
# shellcheck disable=SC2046
ssh $(rig_ssh_opts rk) "$(id -un)@127.0.0.41" hostname >"$RIG/out" 2>"$RIG/rk.err"
st=$?
cat "$RIG/rk.err" >>"$RIG/out"
ok "rig_rekey: the real ssh sees REMOTE HOST IDENTIFICATION HAS CHANGED" sh -c \
    'test "$0" != 0 && grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED" "$1" &&
     test "$(cat "$2")" = "$3"' "$st" "$RIG/rk.err" "$RIG/rk/port" "$rk_port"
ssh-keygen -q -R "[127.0.0.41]:$rk_port" -f "$RIG/known_hosts" >/dev/null 2>&1
rig_ssh rk hostname >"$RIG/out"
ok "rig_rekey: the same port answers once the old key is forgotten" has rk

RIG_AUTH=refuse
rig_host rf 127.0.0.42 || { echo "Bail out! sshd did not start"; exit 1; }
RIG_AUTH=
# shellcheck disable=SC2046
ssh $(rig_ssh_opts rf) "$(id -un)@127.0.0.42" hostname >"$RIG/out" 2>&1
st=$?
ok "RIG_AUTH=refuse: the key is refused" sh -c \
    'test "$0" != 0 && grep -q "Permission denied (publickey)" "$1" &&
     ! grep -qx rf "$1"' "$st" "$RIG/out"

cat >"$RIG/askpass" <<'A'
#!/bin/sh
printf '%s\n' "$RIG_PASSWORD"
A
chmod 755 "$RIG/askpass"
# auth_case MODE NAME ADDR METHOD: a host for RIG_AUTH=MODE, its config
# checked by sshd -t, the methods it offers, and a login with the password.
auth_case() {
	RIG_AUTH=$1
	rig_host "$2" "$3"
	st=$?
	RIG_AUTH=
	if [ $st = 77 ]; then
		skip "RIG_AUTH=$1: host starts, config accepted" "not root"
		skip "RIG_AUTH=$1: only $4 is offered" "not root"
		skip "RIG_AUTH=$1: login as mmptest runs the stand-in" "not root"
		return
	fi
	ok "RIG_AUTH=$1: host starts, config accepted" sh -c \
	    'test "$0" = 0 && "$1" -t -f "$2" && grep -qx "AllowUsers mmptest" "$2"' \
	    "$st" "$SSHD" "$RIG/$2/sshd_config"
	# shellcheck disable=SC2046
	ssh $(rig_ssh_opts "$2") "mmptest@$3" hostname >"$RIG/out" 2>&1
	ok "RIG_AUTH=$1: only $4 is offered" has "Permission denied ($4)"
	SSH_ASKPASS=$RIG/askpass SSH_ASKPASS_REQUIRE=force \
	    ssh -F /dev/null -p "$(cat "$RIG/$2/port")" \
	    -o UserKnownHostsFile="$RIG/known_hosts" \
	    -o StrictHostKeyChecking=accept-new -o ConnectTimeout=5 \
	    -o PreferredAuthentications="$4" -o NumberOfPasswordPrompts=1 \
	    -o LogLevel=ERROR "mmptest@$3" pki list </dev/null >"$RIG/out" 2>&1
	ok "RIG_AUTH=$1: login as mmptest runs the stand-in" \
	    has "User supplied certificates and keys:"
}
auth_case password pw 127.0.0.43 password
auth_case kbdint ki 127.0.0.44 keyboard-interactive

ok "no sanitizer report from the stand-in" \
    sh -c '! grep -q -E "Sanitizer|runtime error" "$0"' "$RIG/ssh.err"
rig_done
