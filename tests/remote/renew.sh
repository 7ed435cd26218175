#!/bin/sh
# A renewal of a running three-node deployment whose certificates expire in
# ten days: meetcert renew, make, then deploy one host at a time with each
# host's Web Bridge 3 ports probed before the next; the database cluster
# only when confirmed; a FAILURE halfway and a port that presents the old
# certificate, each leaving the old files bound; rollback to what was
# bound before; a rerun that finishes it (TAP).
export LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

bound() {	# bound HOST LABEL VALUE SCREEN
	rig_ssh "$1" "$4" >"$RIG/status" </dev/null
	grep -E -q "^$2 *: $3\$" "$RIG/status"
}
knob() {
	printf '%s\n' "$2" >"$(rig_dir "$1")/.mmp-knobs"
}
# presents N FILE: cms N's https port presents the certificate in FILE
presents() {
	"$MEETCERT" probe "127.0.0.8$1:8443" --name "cms$1.example.com" \
	    >"$RIG/probe" 2>&1
	want=$(openssl x509 -in "$2" -noout -fingerprint -sha256 | sed 's/.*=//')
	grep -q -i "$want" "$RIG/probe"
}

rig_init
for n in 1 2 3; do
	rig_host cms$n 127.0.0.8$n || { echo "Bail out! sshd did not start"; exit 1; }
	rig_tls cms$n 8443 9999 || { echo "Bail out! no TLS listener"; exit 1; }
done
W=$RIG/ws
mkdir -p "$W"
hosts=
for n in 1 2 3; do
	db=peer
	[ $n = 1 ] && db=primary
	hosts="$hosts --host label=cms$n,fqdn=cms$n.example.com,address=127.0.0.8$n,port=$(cat "$RIG/cms$n/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3+database,database=$db"
done
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts \
    --cluster-fqdn cms.example.com --join-url join.example.com \
    --c2w-address cms1.example.com --https-port 8443 --c2w-port 9999 \
    --key ec256 >"$RIG/out" 2>&1
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --key ec256 --dir "$W" \
    >"$RIG/out" 2>&1
"$MEETCERT" make "$W/cms.json" --ca labca --days 10 >"$RIG/out" 2>&1
ok "generation 1, signed for ten days" test $? = 0
fps=
for n in 1 2 3; do
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/cms$n/host_key.pub" | awk '{print $2}')"
done
: >"$RIG/known"
R() {	# R COMMAND [ARGS]: a remote command on the workspace
	rr=$1
	shift
	"$MEETCERT" "$rr" "$W/cms.json" --known-hosts "$RIG/known" \
	    --identity "$RIG/id" --ssh-config none --no-agent "$@" \
	    >"$RIG/out" 2>&1 </dev/null
}
# shellcheck disable=SC2086
R deploy --db-wait 20 $fps
ok "the first deployment: exit 0" test $? = 0
ok "  all at once (nothing is running yet): no probes" lacks "probe "
ok "  cms2 presents generation 1" presents 2 "$W/cms2.crt"
R status --expiring 30
ok "status --expiring 30: exit 1, they expire in ten days" test $? = 1
ok "  cms2's Call Bridge named" grep -E -q \
    "^cms2 ([a-z0-9-]+,)*callbridge(,[a-z0-9-]+)* cms2\.crt[ ,:]" "$RIG/out"

# ---- renew: the next generation, under new names
"$MEETCERT" renew "$RIG/nope.json" >"$RIG/out" 2>&1
ok "renew a workspace that is not there: exit 1" test $? = 1
cp "$W/cms.json" "$RIG/before.json"
"$MEETCERT" renew "$W/cms.json" >"$RIG/out" 2>&1
ok "renew: exit 0" test $? = 0
ok "  says generation 2 and that the live files are not touched" \
    has "generation 2 started; the live files are not touched"
ok "  lists the new certificates" has "cms2-g2  cms.example.com"
ok "  and what to run next" has "meetcert make $W/cms.json"
"$MEETCERT" renew "$W/cms.json" >"$RIG/out" 2>&1
ok "renew again before generation 2 is deployed: exit 1" test $? = 1
ok "  says why" has "generation 2 is not deployed yet"
"$MEETCERT" make "$W/cms.json" --ca labca >"$RIG/out" 2>&1
ok "make generation 2: exit 0" test $? = 0
ok "  new keys beside the old, which are kept" \
    test -s "$W/cms2-g2.key" -a -s "$W/cms2.key" -a -s "$W/dbca-g2.crt"

R deploy --db-wait 20
ok "deploy a renewal that includes the database, not confirmed: exit 1" test $? = 1
ok "  says the cluster goes down and how to confirm" has "--confirm-database, or --services-only"
ok "  nothing was bound" bound cms1 "Key file" cms1.key webadmin

# ---- a FAILURE on cms2's bind: cms1 renewed, cms2 put back, cms3 untouched
knob cms2 "MMP_FAIL_ON=webbridge3 https certs cms2-g2"
R deploy --db-wait 20 --confirm-database
ok "FAILURE on cms2's bind: exit 1" test $? = 1
ok "  cms1 went first and was probed" has "cms1: check  probe 127.0.0.81:8443 (webbridge3-https)"
ok "  cms1 presents generation 2" presents 1 "$W/cms1-g2.crt"
ok "  cms2 says what failed and that the old files are back" \
    has "the files bound before were put back"
ok "  cms2's Web Bridge 3 is on its old files" bound cms2 "HTTPS Key file" cms2.key webbridge3
ok "  and presents generation 1" presents 2 "$W/cms2.crt"
ok "  cms3 never started" has "cms3: not started, because another host failed first"
ok "  cms3 untouched" bound cms3 "Key file" cms3.key webadmin
ok "  the database cluster untouched" lacks "database cluster remove"
knob cms2 ""

# ---- rollback: every service put back on generation 1
R rollback --dry-run
ok "rollback --dry-run: exit 0" test $? = 0
ok "  says what it would put back on cms1" has "cms1: would: webadmin certs cms1.key cms1.crt cms1-bundle.pem"
ok "  and nothing on cms3" lacks "cms3: would"
ok "  changes nothing" bound cms1 "Key file" cms1-g2.key webadmin
R rollback
ok "rollback: exit 0" test $? = 0
ok "  cms1's Web Admin back on generation 1" bound cms1 "Key file" cms1.key webadmin
ok "  cms1's Call Bridge too" bound cms1 "Certificate file" cms1.crt callbridge
ok "  cms1 presents generation 1 again" presents 1 "$W/cms1.crt"
ok "  says deploy binds generation 2 again" has "binds generation 2 again"
R rollback
ok "rollback again: nothing to put back, exit 0" sh -c '[ $0 = 0 ] && grep -q "nothing to put back" "$1"' $? "$RIG/out"

# ---- a port that still presents the old certificate: put back
knob cms2 "MMP_SERVE_STALE=1"
R deploy --db-wait 20 --confirm-database --probe-wait 2
r=$?
if grep -q "presents" "$RIG/out"; then
	ok "a port presenting the old certificate after the bind: exit 1" test $r = 1
	ok "  names the port, the fingerprint and the file" has "cms2: 127.0.0.82:8443 (webbridge3-https) presents"
	ok "  cms2's services are put back" bound cms2 "HTTPS Key file" cms2.key webbridge3
	ok "  cms3 never started" bound cms3 "Key file" cms3.key webadmin
else
	skip "a port presenting the old certificate" "the stand-in has no MMP_SERVE_STALE knob"
fi
knob cms2 ""

# ---- the rerun finishes it, the database cluster included
R deploy --db-wait 20 --confirm-database
ok "the rerun completes: exit 0" test $? = 0
for n in 1 2 3; do
	ok "  cms$n: Web Admin on generation 2" bound cms$n "Key file" cms$n-g2.key webadmin
	ok "  cms$n presents generation 2" presents $n "$W/cms$n-g2.crt"
done
rig_ssh cms2 database cluster status >"$RIG/db" </dev/null
ok "  the cluster is connected again" test "$(grep -c ': Connected' "$RIG/db")" = 3
ok "  on the new database certificates" grep -q '"server_cert": "dbclusterserver-g2.crt"' "$W/cms.json"
R status --expiring 30
ok "status --expiring 30 after the renewal: exit 0, nothing printed" \
    sh -c '[ $0 = 0 ] && [ ! -s "$1" ]' $? "$RIG/out"
R status
ok "status: every service verified" sh -c '[ $0 = 0 ]' $?

# ---- the database goes back too, when it was changed
R rollback
ok "rollback after the database was renewed, not confirmed: exit 1" test $? = 1
ok "  says the cluster goes down" has "--confirm-database"
R rollback --db-wait 20 --confirm-database
ok "rollback with the database confirmed: exit 0" test $? = 0
ok "  the database certificates go back" has "database cluster certs dbclusterserver.key dbclusterserver.crt"
rig_ssh cms3 database cluster status >"$RIG/db" </dev/null
ok "  the cluster is connected again" test "$(grep -c ': Connected' "$RIG/db")" = 3
ok "  cms3 on generation 1" bound cms3 "Key file" cms3.key webadmin

# ---- --services-only leaves the database alone
R deploy --services-only
ok "deploy --services-only: exit 0" test $? = 0
ok "  the services are on generation 2" bound cms3 "Key file" cms3-g2.key webadmin
ok "  the database is not touched" lacks "database cluster"

rig_done
