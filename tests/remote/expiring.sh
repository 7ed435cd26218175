#!/bin/sh
# meetcert status --expiring: three stand-ins deployed with certificates
# made to last 10 days under a CA that lasts 20; a line per certificate
# (leaf and chain, once per host, soonest first) within the days asked,
# database cluster ones flagged; the exit status cron reads (0 nothing
# within, 1 something, 2 a host not read); --json; database files the
# workspace records, and unknown ones said (TAP).
export LC_ALL=C
. "${top_srcdir:-.}/tests/mmp/rig.sh"

if ! rig_have_ssh; then
	echo "1..0 # SKIP sshd, ssh or sftp not installed"
	exit 0
fi

rig_init
for n in 1 2 3; do
	rig_host cms$n 127.0.2.$n || { echo "Bail out! sshd did not start"; exit 1; }
done
W=$RIG/ws
mkdir -p "$W"
hosts=
fps=
for n in 1 2 3; do
	db=peer
	[ $n = 1 ] && db=primary
	hosts="$hosts --host label=cms$n,fqdn=cms$n.example.com,address=127.0.2.$n,port=$(cat "$RIG/cms$n/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3+database,database=$db"
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/cms$n/host_key.pub" | awk '{print $2}')"
done
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts \
    --cluster-fqdn cms.example.com --join-url join.example.com \
    --c2w-address cms1.example.com --key ec256 >"$RIG/out" 2>&1
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --days 20 --key ec256 \
    --dir "$W" >"$RIG/out" 2>&1
"$MEETCERT" make "$W/cms.json" --ca labca --days 10 >"$RIG/out" 2>&1
ok "make --days 10 under a 20-day CA: exit 0" test $? = 0
: >"$RIG/known"
# shellcheck disable=SC2086
"$MEETCERT" deploy "$W/cms.json" --known-hosts "$RIG/known" \
    --identity "$RIG/id" --ssh-config none --no-agent --db-wait 20 $fps \
    >"$RIG/out" 2>&1 </dev/null
ok "deployed to three stand-ins" test $? = 0

S() {
	"$MEETCERT" status "$W/cms.json" --known-hosts "$RIG/known" \
	    --identity "$RIG/id" --ssh-config none --no-agent "$@" \
	    >"$RIG/out" 2>"$RIG/err" </dev/null
}
# lines LABEL...: how many lines of the output start so
count() {
	grep -c "^$1" "$RIG/out"
}

S
ok "status: exit 0" test $? = 0
ok "  the database server certificate read back and verified" \
    has "database-node (server)   verified"
ok "  the client one too" has "database-node (client)   verified"
ok "  from the files the plan bound" has "server_cert dbclusterserver.crt"

S --expiring 5
ok "--expiring 5: exit 0" test $? = 0
ok "  nothing printed" test ! -s "$RIG/out" -a ! -s "$RIG/err"

S --expiring 30
ok "--expiring 30: exit 1" test $? = 1
ok "  a line for cms2's certificate, once, with every service using it" \
    grep -E -q "^cms2 webadmin,webbridge3-https,webbridge3-c2w,callbridge cms2.crt,cms2-fullchain.pem: CN=cms.example.com expires [0-9T:-]+Z \((9|10) days, within 30\)$" "$RIG/out"
ok "  the CA above it, from the bundle and the full chain" \
    grep -E -q "^cms2 [a-z0-9,-]+ cms2-bundle.pem,cms2-fullchain.pem: CN=Lab Root CA expires [0-9T:-]+Z \((19|20) days, within 30\)$" "$RIG/out"
ok "  the database server certificate, flagged" \
    grep -E -q "^cms3 database-node dbclusterserver.crt: CN=cms1.example.com expires .* \((9|10) days, within 30\); database cluster: renewing takes the cluster down and up again \(guide §5.3\)$" "$RIG/out"
ok "  the client certificate, flagged" \
    grep -E -q "^cms1 database-node dbclusterclient.crt: CN=postgres expires .*; database cluster: renewing" "$RIG/out"
ok "  the database CA, flagged" \
    grep -E -q "^cms2 database-node dbca.crt: CN=Database cluster CA expires .*; database cluster: renewing" "$RIG/out"
ok "  each certificate once per host" \
    test "$(count "cms2 .*CN=cms.example.com ")" = 1 -a "$(count "cms2 .*CN=Lab Root CA ")" = 1 -a "$(count "cms2 .*CN=Database cluster CA ")" = 1
ok "  five lines a host: leaf, CA, the database's server, client and CA" \
    test "$(count cms1)" = 5 -a "$(count cms2)" = 5 -a "$(count cms3)" = 5
ok "  soonest first: the 20-day CA lines last" \
    sh -c 'tail -n 3 "$0" | grep -q "CN=Lab Root CA" && ! head -n 3 "$0" | grep -q "CN=Lab Root CA"' "$RIG/out"
ok "  nothing on stderr" test ! -s "$RIG/err"
cp "$RIG/out" "$RIG/out30"

S --expiring 15
ok "--expiring 15: exit 1" test $? = 1
ok "  the leaves" has "cms2.crt,cms2-fullchain.pem: CN=cms.example.com expires"
ok "  not the 20-day CA" lacks "CN=Lab Root CA"

S --expiring 30 --host cms2
ok "--expiring 30 --host cms2: exit 1, only cms2" sh -c \
    '[ $0 = 1 ] && ! grep -q "^cms[13]" "$1" && grep -q "^cms2" "$1"' $? "$RIG/out"

S --expiring 30 --json
ok "--expiring 30 --json: exit 1" test $? = 1
ok "  JSON that parses" sh -c 'command -v python3 >/dev/null || exit 0;
    python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$0"' "$RIG/out"
ok "  the days asked" has '"days": 30'
ok "  each certificate with its band" has '"band": "30"'
ok "  database ones flagged" has '"database": true'
ok "  with the services using it" has '"webbridge3-c2w"'
ok "  and nothing unknown" grep -q '"unknown": \[\]' "$RIG/out"

S --expiring 5 --json
ok "--expiring 5 --json: exit 0, an empty list" sh -c \
    '[ $0 = 0 ] && grep -q "\"certificates\": \[\]" "$1"' $? "$RIG/out"

S --expiring 30 --timeout 0
ok "--expiring with a bad timeout: exit 2" test $? = 2
S --expiring ten
ok "--expiring ten: exit 2" test $? = 2
ok "  said so" grep -q "expiring: 'ten' is not a number of days" "$RIG/err"

# ---- the database's files: the workspace's record, else the plan's while
# its bind step is done, else unknown
ok "deploy recorded the database's files" grep -q '^  "bound": {' "$W/cms.json"
# the record dropped: the plan's files, its bind step being done
sed '/^  "bound": {/,/^  },/d' "$W/cms.json" >"$W/nb" && mv "$W/nb" "$W/cms.json"
chmod 600 "$W/cms.json"
S --expiring 30
ok "without the record: exit 1" test $? = 1
ok "  the plan's files are read, its database step being done" \
    has "cms3 database-node dbclusterserver.crt: CN=cms1.example.com expires"
ok "  and nothing said unknown" test ! -s "$RIG/err"
# a new generation, not deployed: the plan's files are not bound yet
sed "s/^  \"generation\": 1,/  \"generation\": 2,/" "$W/cms.json" >"$W/g2" &&
    mv "$W/g2" "$W/cms.json"
chmod 600 "$W/cms.json"
S --expiring 30
ok "generation 2 made, not deployed: exit 1 all the same" test $? = 1
ok "  the services still read from their status screens" \
    has "cms2 webadmin,webbridge3-https,webbridge3-c2w,callbridge cms2.crt"
ok "  no database lines" lacks "database-node"
ok "  each database node said unknown, on stderr" sh -c \
    '[ "$(grep -c "database-node: cannot tell when it expires: database certificate files unknown" "$0")" = 3 ]' "$RIG/err"
S
ok "status says so too, and still exits 0" sh -c \
    '[ $0 = 0 ] && grep -q "database-node (server)   unknown" "$1"' $? "$RIG/out"
sed 's/^{$/{\n  "bound": {"cms1": {"database-node": {"server_key": "dbclusterserver.key", "server_cert": "dbclusterserver.crt", "client_key": "dbclusterclient.key", "client_cert": "dbclusterclient.crt", "ca": "dbca.crt"}}},/' \
    "$W/cms.json" >"$W/b" && mv "$W/b" "$W/cms.json"
chmod 600 "$W/cms.json"
S --expiring 30
ok "the files recorded bound for cms1: exit 1" test $? = 1
ok "  cms1's database certificates are back" \
    has "cms1 database-node dbclusterserver.crt: CN=cms1.example.com expires"
ok "  the others still unknown" sh -c \
    '[ "$(grep -c "cannot tell when it expires" "$0")" = 2 ] && ! grep -q "^meetcert: cms1" "$0"' "$RIG/err"
S --host cms1
ok "  status shows them as not the plan's (generation 2's)" \
    has "database-node (server)   verified, not the plan's files"

rig_stop cms3
S --expiring 30
ok "a host down: exit 2" test $? = 2
ok "  the others' lines are still there" has "cms2 webadmin,webbridge3-https"
ok "  the host not read is said on stderr" \
    grep -q "cms3 (127.0.2.3): cannot read it: 127.0.2.3: cannot connect" "$RIG/err"
S --expiring 5
ok "a host down, nothing within 5 days: exit 2 still" test $? = 2
S --expiring 30 --json
ok "a host down, --json: exit 2" test $? = 2
ok "  the host listed as unknown" has '"why": "127.0.2.3: cannot connect'

rig_done
