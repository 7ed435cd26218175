#!/bin/sh
# meetcert discover: a three-node deployment made and deployed by meetcert,
# then discovered from the addresses alone into a new workspace; its plan,
# status, and a renewal (make and deploy) from it.  The refusals: an
# unknown host key, an address nobody listens on, a --host given twice, an
# existing workspace, a server with nothing bound (TAP).
export LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

bound() {	# bound HOST LABEL VALUE COMMAND: the host's screen shows it
	rig_ssh "$1" "$4" >"$RIG/status" </dev/null
	grep -E -q "^$2 *: $3\$" "$RIG/status"
}

rig_init
for n in 1 2 3; do
	rig_host cms$n 127.0.1.1$n || { echo "Bail out! sshd did not start"; exit 1; }
	rig_tls cms$n 8443 9999 || { echo "Bail out! no TLS listener"; exit 1; }
done
rig_host empty 127.0.1.14 || { echo "Bail out! sshd did not start"; exit 1; }
W=$RIG/ws
D=$RIG/found
mkdir -p "$W" "$D"
me=$(id -un)
hosts=
addrs=
for n in 1 2 3; do
	db=peer
	[ $n = 1 ] && db=primary
	port=$(cat "$RIG/cms$n/port")
	hosts="$hosts --host label=cms$n,fqdn=cms$n.example.com,address=127.0.1.1$n,port=$port,user=$me,roles=callbridge+webadmin+webbridge3+database,database=$db"
	addrs="$addrs --host 127.0.1.1$n:$port"
done
eport=$(cat "$RIG/empty/port")
fps=
for n in cms1 cms2 cms3 empty; do
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/$n/host_key.pub" | awk '{print $2}')"
done
: >"$RIG/known"
SSH="--known-hosts $RIG/known --identity $RIG/id --ssh-config none --no-agent --timeout 20"

# ---- a deployment made by meetcert itself
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts \
    --cluster-fqdn cms.example.com --join-url join.example.com \
    --c2w-address cms1.example.com --key ec256 >"$RIG/out" 2>&1
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --key ec256 --dir "$W" \
    >"$RIG/out" 2>&1
"$MEETCERT" make "$W/cms.json" --ca labca --days 10 >"$RIG/out" 2>&1
ok "the deployment to discover: made, expiring in ten days" test $? = 0
# shellcheck disable=SC2086
"$MEETCERT" deploy "$W/cms.json" $SSH $fps --db-wait 20 >"$RIG/out" 2>&1 </dev/null
ok "  and deployed" test $? = 0
# the empty server's key too
# shellcheck disable=SC2086
"$MEETCERT" discover "$RIG/none.json" --host 127.0.1.14:$eport --user "$me" \
    $SSH $fps >/dev/null 2>&1 </dev/null

# Discover DIR/NAME.json from the addresses alone.
X() {
	# shellcheck disable=SC2086
	"$MEETCERT" discover "$@" --user "$me" $SSH >"$RIG/out" 2>&1 </dev/null
}

# ---- the refusals first: nothing may be written
X "$D/x.json" $addrs --host 127.0.1.12:$(cat "$RIG/cms2/port")
ok "the same --host twice: exit 2" test $? = 2
ok "  says so" has "--host 127.0.1.12 is given twice"
ok "  writes nothing" test ! -e "$D/x.json"
printf 'keep\n' >"$D/taken.json"
X "$D/taken.json" $addrs
ok "an existing workspace: exit 1" test $? = 1
ok "  says it is never overwritten" has "taken.json already exists"
ok "  and it is untouched" test "$(cat "$D/taken.json")" = keep
# shellcheck disable=SC2086
"$MEETCERT" discover "$D/x.json" $addrs --user "$me" --known-hosts "$RIG/k2" \
    --identity "$RIG/id" --ssh-config none --no-agent >"$RIG/out" 2>&1 </dev/null
ok "an unknown host key: exit 1" test $? = 1
ok "  names the address and its fingerprint" \
    has "127.0.1.11: the host key is not known; if $(ssh-keygen -l -E sha256 -f "$RIG/cms1/host_key.pub" | awk '{print $2}')"
ok "  says how to accept it" has "--accept SHA256:"
ok "  writes nothing" test ! -e "$D/x.json"
X "$D/x.json" $addrs --host 127.0.1.59:1
ok "an address nobody listens on: exit 1" test $? = 1
ok "  names it" has "127.0.1.59: cannot connect"
ok "  writes nothing" test ! -e "$D/x.json"
X "$D/x.json" --host 127.0.1.14:$eport
ok "a server with nothing bound alone: exit 1" test $? = 1
ok "  says there is nothing to discover" has "nothing is bound on 127.0.1.14"
ok "  writes nothing" test ! -e "$D/x.json"

# ---- discovered from the addresses alone
X "$D/found.json" $addrs
ok "discover three servers: exit 0" test $? = 0
ok "  the workspace is written, 0600" sh -c '[ "$(stat -c %a "$0")" = 600 ]' "$D/found.json"
ok "  resilient, per-server, ec256, generation 2" \
    has "3 Meeting Server(s), resilient, layout per-server, key ec256, generation 2"
ok "  cms1: the primary, with its roles and FQDN" \
    has "cms1       127.0.1.11:$(cat "$RIG/cms1/port")  cms1.example.com  callbridge+webadmin+webbridge3+database, database primary"
ok "  cms2: a peer" has "cms2.example.com  callbridge+webadmin+webbridge3+database, database peer"
ok "  cms3: a peer" has "cms3.example.com  callbridge+webadmin+webbridge3+database, database peer"
ok "  the names" has "names: cluster_fqdn cms.example.com, c2w_address cms1.example.com, join_url join.example.com"
ok "  each certificate's days left" grep -q "cms2 .*webadmin .*cms2.crt: \(9\|10\) days left" "$RIG/out"
ok "  and the database's" grep -q "cms3 .*database-node .*dbclusterserver.crt: \(9\|10\) days left" "$RIG/out"
ok "  what was guessed" has "guessed (check these in $D/found.json before the renewal):"
ok "  the layout among them" has "  layout: per-server"
ok "  the database files found by content" has "bound.cms1.database-node: found among pki list by content"
ok "  and the next commands" has "next: meetcert plan $D/found.json, then meetcert make $D/found.json and meetcert deploy $D/found.json"
ok "  the file records the flow and the guesses" \
    sh -c 'grep -q "\"flow\": \"renew\"" "$0" && grep -q "\"guesses\": {" "$0"' "$D/found.json"
ok "  Web Bridge 3's https port, from its status screen" \
    grep -q '"https_port": 8443' "$D/found.json"
ok "  and what to put back" grep -q '"server_key": "dbclusterserver.key"' "$D/found.json"

"$MEETCERT" plan "$D/found.json" >"$RIG/out" 2>&1
ok "plan of the discovered workspace: exit 0" test $? = 0
ok "  no error" lacks "error"
"$MEETCERT" plan "$D/found.json" --format json >"$RIG/plan.json" 2>&1
grep -oE '"[A-Za-z0-9-]+\.(key|crt|pem|csr)"' "$RIG/plan.json" | tr -d '"' |
    sort -u >"$RIG/planned"
ok "  it plans files" test -s "$RIG/planned"
for n in cms1 cms2 cms3; do
	rig_ssh $n pki list </dev/null >"$RIG/pki.$n"
done
ok "  every planned file name is new on every server" sh -c '
	while read -r f; do
		cat "$0"/pki.cms1 "$0"/pki.cms2 "$0"/pki.cms3 | tr -d "\r" |
		    grep -qx "$f" && { echo "$f is live" >"$0/out"; exit 1; }
	done <"$0/planned"; exit 0' "$RIG"

S() {
	# shellcheck disable=SC2086
	"$MEETCERT" status "$D/found.json" $SSH "$@" >"$RIG/out" 2>&1 </dev/null
}
S
ok "status of the discovered workspace: exit 0" test $? = 0
ok "  reads what is bound" has "webbridge3-c2w           verified, not the plan's files"
ok "  and the cluster" has "Enabled, 3 of 3 node(s) connected"
S --expiring 30
ok "status --expiring 30 of the discovered workspace: exit 1" test $? = 1
ok "  each server's certificate named" sh -c \
    'for n in 1 2 3; do grep -q "^cms$n .*cms$n.crt.*within 30" "$0" || exit 1; done' "$RIG/out"
ok "  the database's flagged" has "database cluster: renewing takes the cluster down and up again"

# ---- the renewal
cp "$W/labca.crt" "$W/labca.key" "$D/"
"$MEETCERT" make "$D/found.json" --ca labca >"$RIG/out" 2>&1
ok "make the discovered workspace: exit 0" test $? = 0
ok "  new names" test -s "$D/cms1-g2.key" -a -s "$D/dbca-g2.crt"
# a failed bind: the old files, read by discover, are put back
printf 'MMP_FAIL_ON=webbridge3 c2w certs cms2-g2\n' >"$(rig_dir cms2)/.mmp-knobs"
# shellcheck disable=SC2086
"$MEETCERT" deploy "$D/found.json" $SSH --db-wait 20 --confirm-database >"$RIG/out" 2>&1 </dev/null
ok "a renewal whose bind fails: exit 1" test $? = 1
ok "  says the old files were put back" has "the files bound before were put back"
ok "  cms2's Web Bridge 3 is back on the files discover found" \
    bound cms2 "HTTPS Key file" cms2.key webbridge3
ok "  and enabled" bound cms2 "Enabled" true webbridge3
: >"$(rig_dir cms2)/.mmp-knobs"
# shellcheck disable=SC2086
"$MEETCERT" deploy "$D/found.json" $SSH --db-wait 20 --confirm-database >"$RIG/out" 2>&1 </dev/null
ok "deploy it (the renewal): exit 0" test $? = 0
ok "  one host at a time, each probed on the port discover found" \
    has "cms2: check  probe 127.0.1.12:8443 (webbridge3-https)"
ok "  cms2's Web Admin on the new files" bound cms2 "Key file" cms2-g2.key webadmin
ok "  cms3's Web Bridge 3 too" bound cms3 "HTTPS Key file" cms3-g2.key webbridge3
ok "  no live file was overwritten" sh -c \
    '! grep -q overwritten "$0"/cms1/files/.mmp-state.json "$0"/cms2/files/.mmp-state.json "$0"/cms3/files/.mmp-state.json' "$RIG"
rig_ssh cms2 database cluster status >"$RIG/out" </dev/null
ok "  the cluster is connected again" test "$(grep -c ': Connected' "$RIG/out")" = 3
S --expiring 30
ok "status --expiring 30 after the renewal: exit 0, nothing printed" \
    sh -c '[ $0 = 0 ] && [ ! -s "$1" ]' $? "$RIG/out"
S
ok "status after the renewal: exit 0" test $? = 0
ok "  verified, the plan's files" has "webbridge3-c2w           verified"
ok "  no longer the old ones" lacks "not the plan's files"

# ---- again, with the empty server: discovered, with nothing bound
X "$D/again.json" $addrs --host 127.0.1.14:$eport
ok "discover again with a server that has nothing bound: exit 0" test $? = 0
ok "  generation 3: the renewal's names are live" has "generation 3"
ok "  the empty server is listed" has "empty      127.0.1.14:$eport  empty.example.com  (nothing bound)"
ok "  its FQDN a guess" has "hosts[3].fqdn: empty.example.com: made up"
ok "  the newest database files are taken" grep -q '"client_cert": "dbclusterclient-g2.crt"' "$D/again.json"

# ---- a server given without its port: reached as ~/.ssh/config says, and
# the workspace says no port, so the config keeps deciding
printf 'Host 127.0.1.11\n  Port %s\n' "$(cat "$RIG/cms1/port")" >"$RIG/sshcfg"
CFG="--known-hosts $RIG/known --identity $RIG/id --ssh-config $RIG/sshcfg --no-agent"
# shellcheck disable=SC2086
"$MEETCERT" discover "$D/viacfg.json" --host 127.0.1.11 --user "$me" $CFG \
    >"$RIG/out" 2>&1 </dev/null
ok "discover a server without its port, the config giving it: exit 0" test $? = 0
ok "  listed without a port" has "cms1       127.0.1.11  cms1.example.com"
ok "  the workspace names no port" sh -c '! grep -q "\"port\"" "$0"' "$D/viacfg.json"
# shellcheck disable=SC2086
"$MEETCERT" status "$D/viacfg.json" $CFG >"$RIG/out" 2>&1 </dev/null
ok "  status reaches it through the config's port" sh -c \
    'grep -q "^  webadmin " "$0" && ! grep -q "cannot read" "$0"' "$RIG/out"

rig_done
