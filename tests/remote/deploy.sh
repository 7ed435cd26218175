#!/bin/sh
# meetcert make and deploy: a three-node scalable deployment from empty
# stand-ins to bound and a connected database cluster, a rerun that does
# nothing twice, a renewal (generation 2) with every fault knob, and the
# host key and authentication refusals (TAP).
export LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

# bound HOST LABEL VALUE: HOST's status screens show LABEL : VALUE
bound() {
	rig_ssh "$1" "$4" >"$RIG/status" </dev/null
	grep -E -q "^$2 *: $3\$" "$RIG/status"
}
knob() {	# knob HOST TEXT: the host's knobs file
	printf '%s\n' "$2" >"$(rig_dir "$1")/.mmp-knobs"
}

rig_init
for n in 1 2 3; do
	rig_host cms$n 127.0.0.5$n || { echo "Bail out! sshd did not start"; exit 1; }
done
W=$RIG/ws
mkdir -p "$W"
hosts=
for n in 1 2 3; do
	db=peer
	[ $n = 1 ] && db=primary
	hosts="$hosts --host label=cms$n,fqdn=cms$n.example.com,address=127.0.0.5$n,port=$(cat "$RIG/cms$n/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3+database,database=$db"
done
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts \
    --cluster-fqdn cms.example.com --join-url join.example.com \
    --c2w-address cms1.example.com --key ec256 >"$RIG/out" 2>&1
ok "a three-node resilient workspace" test -s "$W/cms.json"
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --key ec256 --dir "$W" \
    >"$RIG/out" 2>&1
"$MEETCERT" make "$W/cms.json" >"$RIG/out" 2>&1
ok "make without a CA: exit 1, the CSRs wait for the CA" test $? = 1
ok "  each named, with what to do" has "cms2.csr waits for your CA"
ok "  the database CA and its certificates are made" \
    test -s "$W/dbca.crt" -a -s "$W/dbclusterserver.crt" -a -s "$W/dbclusterclient.crt"
ok "  keys are 0600" sh -c '[ "$(stat -c %a "$0/cms1.key")" = 600 ]' "$W"
"$MEETCERT" make "$W/cms.json" --ca labca >"$RIG/out" 2>&1
ok "make with a local CA: exit 0" test $? = 0
ok "  signs what waited and builds the bundles" \
    test -s "$W/cms3.crt" -a -s "$W/cms3-fullchain.pem" -a -s "$W/callbridge-trust-cluster.pem"
ok "  the keys made earlier are kept" has "made $W/cms1.crt"
ok "  and are not made again" lacks "made $W/cms1.key"

# make for eight hosts (dozens of files: no fixed limit)
mkdir -p "$RIG/big"
big=
for n in 1 2 3 4 5 6 7 8; do
	db=connect
	[ $n = 1 ] && db=primary
	[ $n = 2 ] || [ $n = 3 ] && db=peer
	big="$big --host label=b$n,fqdn=b$n.example.com,roles=callbridge+webadmin+webbridge3+database,database=$db"
done
# shellcheck disable=SC2086
"$MEETCERT" init "$RIG/big/b.json" --type resilient $big --cluster-fqdn b.example.com \
    --join-url join.example.com --key ec256 >/dev/null 2>&1
cp "$W/labca.crt" "$W/labca.key" "$RIG/big/"
"$MEETCERT" make "$RIG/big/b.json" --ca labca >"$RIG/out" 2>&1
ok "make for eight hosts: exit 0" test $? = 0
ok "  every bundle made" test -s "$RIG/big/b8-fullchain.pem" -a -s "$RIG/big/callbridge-trust-cluster.pem"

ssh-keygen -l -E sha256 -f "$RIG/cms1/host_key.pub" | awk '{print $2}' >"$RIG/fp1"
fps=
for n in 1 2 3; do
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/cms$n/host_key.pub" | awk '{print $2}')"
done
: >"$RIG/known"
D() {
	"$MEETCERT" deploy "$W/cms.json" --known-hosts "$RIG/known" \
	    --identity "$RIG/id" --ssh-config none --no-agent --db-wait 20 \
	    "$@" >"$RIG/out" 2>&1 </dev/null
}

S() {
	"$MEETCERT" status "$W/cms.json" --known-hosts "$RIG/known" \
	    --identity "$RIG/id" --ssh-config none --no-agent "$@" \
	    >"$RIG/out" 2>&1 </dev/null
}

# ---- host keys and authentication, before anything is changed
D
ok "unknown host keys: exit 1" test $? = 1
ok "  the error names the host and its fingerprint" has "cms1 (127.0.0.51): the host key is not known; if $(cat "$RIG/fp1")"
ok "  and says how to accept it" has "--accept SHA256:"
ok "  nothing was uploaded" test -z "$(ls "$(rig_dir cms1)")"
# shellcheck disable=SC2086
D --dry-run $fps
ok "dry run with the fingerprints accepted: exit 0" test $? = 0
ok "  says what it would do" has "cms2: would: webbridge3 https certs cms2.key cms2-fullchain.pem"
ok "  and the database phases" has "cms3: would: database cluster join 127.0.0.51"
ok "  uploads nothing" test -z "$(ls "$(rig_dir cms2)")"
ok "  binds nothing" bound cms1 "Key file" none webadmin
ok "  the accepted keys are now known" test "$(wc -l <"$RIG/known")" = 3
S
ok "status of empty servers: exit 1" test $? = 1
ok "  every service unbound" has "webadmin                 unbound"
ok "  the database cluster not connected" has "Disabled, 0 of 0 node(s) connected"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$RIG/stranger"
D --identity "$RIG/stranger"
ok "a key the servers refuse: exit 1" test $? = 1
ok "  the error names host, user and what was tried" \
    has "cms2 (127.0.0.52): the server refused $(id -un) (tried: $RIG/stranger)"

# ---- the first deployment
D
ok "deploy a three-node deployment from empty: exit 0" test $? = 0
ok "  every host is ok" sh -c 'for n in 1 2 3; do grep -q "^cms$n: ok" "$0" || exit 1; done' "$RIG/out"
ok "  files uploaded" has "cms2: upload cms2.key"
ok "  checked on the server first" has "cms3: check  pki verify cms3.crt cms3-bundle.pem"
ok "  the database remove answered" has "cms1: [13/16] database cluster remove"
ok "  cms1's Web Admin bound" bound cms1 "Key file" cms1.key webadmin
ok "  cms2's Web Bridge 3 c2w bound" bound cms2 "C2W Full chain certificate file" cms2-fullchain.pem webbridge3
ok "  cms3's Call Bridge trusts the cluster" bound cms3 "Cluster trusted certificate bundle" callbridge-trust-cluster.pem callbridge
rig_ssh cms2 database cluster status >"$RIG/out" </dev/null
ok "  the database cluster: three nodes connected" \
    test "$(grep -c ': Connected' "$RIG/out")" = 3
ok "  the transcripts are 0600" sh -c '[ "$(stat -c %a "$0/transcripts/cms1.log")" = 600 ]' "$W"
cat "$W/transcripts/cms1.log" >"$RIG/out"
ok "  they hold each command and its answer" has "cms1> webadmin certs cms1.key cms1.crt cms1-bundle.pem"
ok "  and no key material" lacks "PRIVATE KEY"
ok "  the steps are recorded done" grep -q '"cms3/g1/16 database cluster status": "done"' "$W/cms.json"
ok "  no file was overwritten on any server" sh -c \
    '! grep -q overwritten "$0"/cms1/files/.mmp-state.json "$0"/cms2/files/.mmp-state.json "$0"/cms3/files/.mmp-state.json' "$RIG"

S
ok "status after the deployment: exit 0" test $? = 0
ok "  cms2's Web Bridge 3 c2w verified" has "webbridge3-c2w           verified"
ok "  with its expiry" grep -q "expires .* (36[45] days left)" "$RIG/out"
ok "  the database cluster connected" has "Enabled, 3 of 3 node(s) connected"
S --expiring 30
ok "status --expiring 30 after the deployment: exit 0, nothing printed" sh -c '[ $0 = 0 ] && [ ! -s "$1" ]' $? "$RIG/out"
S --expiring 400
ok "status --expiring 400: exit 1" test $? = 1
ok "  a line per certificate expiring, once per host" has "cms2 webadmin,webbridge3-https,webbridge3-c2w,callbridge cms2.crt,cms2-fullchain.pem: CN=cms.example.com expires"
ok "  not the CA, valid ten years" lacks "Lab Root CA"
S --expiring 4000
ok "status --expiring 4000: the issuers too" has "cms3 webadmin,webbridge3-https,webbridge3-c2w,callbridge cms3-bundle.pem,cms3-fullchain.pem: CN=Lab Root CA expires"
S --json --host cms1
ok "status --json --host cms1: exit 0" test $? = 0
ok "  only cms1" sh -c '! grep -q "\"host\": \"cms2\"" "$0"' "$RIG/out"
ok "  each service with its verdict" has '"verdict": "verified"'
D
ok "a rerun: exit 0" test $? = 0
ok "  runs nothing again" lacks "] "
ok "  uploads nothing again" lacks "upload"
ok "  says what was done before" has "cms2: ok (0 step(s) run, 16 done before)"

# ---- a renewal: generation 2, new names, with faults.  A renewal binds
# one host at a time; this rig has no TLS listeners to probe (renew.sh has)
D() {
	"$MEETCERT" deploy "$W/cms.json" --known-hosts "$RIG/known" \
	    --identity "$RIG/id" --ssh-config none --no-agent --db-wait 20 \
	    --no-probe --confirm-database "$@" >"$RIG/out" 2>&1 </dev/null
}
sed "s/^  \"generation\": 1,/  \"generation\": 2,/" "$W/cms.json" >"$W/g2" && mv "$W/g2" "$W/cms.json"
chmod 600 "$W/cms.json"
"$MEETCERT" make "$W/cms.json" --ca labca >"$RIG/out" 2>&1
ok "generation 2: new files under new names" test -s "$W/cms2-g2.key" -a -s "$W/dbca-g2.crt"

S
ok "status after a new generation is made: still exit 0" test $? = 0
ok "  but says the bound files are not the plan's" has "verified, not the plan's files"
knob cms2 "MMP_FAIL_ON=webbridge3 c2w certs cms2-g2"
D
ok "FAILURE on a bind: exit 1" test $? = 1
ok "  the error names the host and the step" has "cms2: 'webbridge3 c2w certs cms2-g2.key cms2-g2-fullchain.pem' failed: FAILURE"
ok "  and says the old files were put back" has "the files bound before were put back"
ok "  cms2's Web Bridge 3 is back on its old files" bound cms2 "HTTPS Key file" cms2.key webbridge3
ok "  and enabled" bound cms2 "Enabled" true webbridge3
ok "  the database cluster was not touched" sh -c \
    'rig_ssh() { :; }; ! grep -q "database cluster remove" "$0"' "$RIG/out"
knob cms2 ""
D
ok "the rerun completes: exit 0" test $? = 0
ok "  cms2's Web Bridge 3 is on the new files" bound cms2 "HTTPS Key file" cms2-g2.key webbridge3
ok "  cms1's Web Admin too" bound cms1 "Key file" cms1-g2.key webadmin
rig_ssh cms3 database cluster status >"$RIG/out" </dev/null
ok "  the cluster is connected again" test "$(grep -c ': Connected' "$RIG/out")" = 3

# generation 3: a dropped connection, a slow server, a full disk
sed "s/^  \"generation\": 2,/  \"generation\": 3,/" "$W/cms.json" >"$W/g3" && mv "$W/g3" "$W/cms.json"
chmod 600 "$W/cms.json"
"$MEETCERT" make "$W/cms.json" --ca labca >"$RIG/out" 2>&1
knob cms2 "MMP_DISK_BYTES=200"
D
ok "a full disk: exit 1" test $? = 1
ok "  the error names the host and the file" has "cms2 (127.0.0.52): the upload of cms2-g3.key was cut short"
ok "  and says what to do" has "free some space and run again"
ok "  no partial file is left" sh -c '! ls "$0" | grep -q "g3"' "$(rig_dir cms2)"
ok "  cms2 still has generation 2 bound" bound cms2 "Key file" cms2-g2.key webadmin
ok "  and so have the others: they stop at the first barrier" bound cms1 "Key file" cms1-g2.key webadmin
knob cms2 "MMP_DROP_MID_UPLOAD=100"
D
ok "a drop in the middle of an upload: exit 1" test $? = 1
ok "  the error names the host" has "cms2 (127.0.0.52): "
ok "  no partial file under a real name" sh -c '! ls "$0" | grep -q "^cms2-g3"' "$(rig_dir cms2)"
knob cms2 ""
knob cms3 "MMP_DROP_ON=webbridge3 c2w certs cms3-g3"
D
ok "a dropped connection in the middle of a bind: exit 1" test $? = 1
ok "  the error names the host and the command" has "cms3 (127.0.0.53): the connection dropped during 'webbridge3 c2w certs cms3-g3.key cms3-g3-fullchain.pem'"
ok "  says the old files were put back" has "the files bound before were put back"
ok "  cms3's Web Bridge 3 HTTPS is back on generation 2" bound cms3 "HTTPS Key file" cms3-g2.key webbridge3
ok "  and enabled" bound cms3 "Enabled" true webbridge3
knob cms3 ""
knob cms1 "MMP_SLOW_MS=2500"
D --timeout 1
ok "a slow server: exit 1" test $? = 1
ok "  the error names the host, the command and the time" has "cms1 (127.0.0.51): no answer to 'pki list' within 1 s"
knob cms1 ""
D
ok "after every fault, a rerun completes: exit 0" test $? = 0
for n in 1 2 3; do
	ok "  cms$n: Web Admin on generation 3" bound cms$n "Key file" cms$n-g3.key webadmin
	ok "  cms$n: Call Bridge on generation 3" bound cms$n "Certificate file" cms$n-g3.crt callbridge
done
rig_ssh cms1 database cluster status >"$RIG/out" </dev/null
ok "  the cluster is connected" test "$(grep -c ': Connected' "$RIG/out")" = 3
ok "  and no partial upload is left" sh -c '! ls "$0"/cms*/files | grep -q mcpart' "$RIG"

# ---- a changed host key stops everyone before anything is bound
sed "s/^  \"generation\": 3,/  \"generation\": 4,/" "$W/cms.json" >"$W/g4" && mv "$W/g4" "$W/cms.json"
chmod 600 "$W/cms.json"
"$MEETCERT" make "$W/cms.json" --ca labca >"$RIG/out" 2>&1
rig_rekey cms2
D
ok "a changed host key: exit 1" test $? = 1
ok "  the error says CHANGED and names the file" has "cms2 (127.0.0.52): the host key CHANGED"
ok "  the other hosts stop before binding" has "cms1: stopped before phase 0 because another host failed"
ok "  cms1 still has generation 3 bound" bound cms1 "Key file" cms1-g3.key webadmin
D --host cms1 --dry-run
ok "--host cms1 --dry-run: only cms1" sh -c '! grep -q "^cms[23]" "$0"' "$RIG/out"

rig_stop cms3
S
ok "status with a host down: exit 2" test $? = 2
ok "  says which and why" has "cannot read it: 127.0.0.53: cannot connect"
ok "  the others are still shown" has "webadmin                 verified"

rig_done
