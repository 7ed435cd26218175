#!/bin/sh
# meetcert init (issue 4): a workspace from arguments, every option; never
# over an existing file; each bad --host item refused with its message and
# no file left behind.
. "$top_srcdir/tests/cli/lib.sh"

# ---- every option

run "$MEETCERT" init full.json --type resilient \
    --host label=cms1,fqdn=cms1.example.com,address=192.0.2.1,port=2222,user=admin,roles=callbridge+webadmin+webbridge3+database,database=primary \
    --host label=cms2,fqdn=cms2.example.com,roles=callbridge+webadmin+database,database=peer,web=198.51.100.2 \
    --host label=cms3,fqdn=cms3.example.com,roles=callbridge+database,database=peer \
    --host label=cms4,fqdn=cms4.example.com,roles=callbridge+turn+recorder+streamer+uploader+meetingapps,database=connect \
    --option turn_tls --option lync --option expressway_proxy \
    --option recorder --option streamer --option uploader --option meetingapps \
    --option sip_trust --option ldap_trust \
    --layout per-service --key ec384 --cluster-fqdn cms.example.com \
    --join-url join.example.com --login-domain example.com \
    --c2w-address 192.0.2.80 --c2w-port 4443 --https-port 8443 \
    --expressway wb.example.com
ok "init with every option: exit 0, saying what it made" \
    out_has 0 "^Created workspace full.json: resilient deployment, 4 hosts$"
mode() {
	m=$(stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1")
	[ "$m" = "$2" ] && return 0
	why="mode $m, not $2"
	return 1
}
ok "  the workspace has mode 600" mode full.json 600
# field_is_in FILE PATTERN...: each grep -E pattern is a line of FILE.
field_is_in() {
	_file=$1
	shift
	for p; do
		grep -q -E -e "^ *$p,?$" "$_file" || {
			why="$_file lacks /$p/"
			return 1
		}
	done
}
field_is() {
	field_is_in full.json "$@"
}
ok "  format, version and generation 1" field_is \
    '"format": "meetcert-workspace"' '"version": 1' '"generation": 1'
ok "  --type, --layout, --key" field_is '"type": "resilient"' \
    '"layout": "per-service"' '"key": "ec384"'
ok "  the names" field_is '"cluster_fqdn": "cms.example.com"' \
    '"join_url": "join.example.com"' '"login_domain": "example.com"' \
    '"c2w_address": "192.0.2.80"' '"c2w_port": 4443' '"https_port": 8443' \
    '"expressway_a_record": "wb.example.com"'
ok "  each option" field_is '"turn_tls"' '"lync"' '"expressway_proxy"' \
    '"recorder"' '"streamer"' '"uploader"' '"meetingapps"' '"sip_trust"' \
    '"ldap_trust"'
ok "  each host field" field_is '"label": "cms1"' '"fqdn": "cms1.example.com"' \
    '"address": "192.0.2.1"' '"port": 2222' '"user": "admin"' \
    '"database": "primary"' '"database": "peer"' '"database": "connect"' \
    '"label": "cms4"' '"web_address": "198.51.100.2"'
ok "  each role" field_is '"callbridge"' '"webadmin"' '"webbridge3"' \
    '"database"' '"turn"' '"recorder"' '"streamer"' '"uploader"' \
    '"meetingapps"'
run "$MEETCERT" plan full.json --format json
ok "  meetcert plan reads it" out_has 0 '"label": "cms4"' \
    '"command": "database cluster join 192.0.2.1"'

# The smallest: a single combined server.
run "$MEETCERT" init one.json --type combined --host label=cms,fqdn=cms.example.com
ok "init --type combined with one --host: exit 0" \
    out_has 0 "^Created workspace one.json: combined deployment, 1 host$"
ok "  a host without roles or ssh" field_is_in one.json '"label": "cms"' \
    '"fqdn": "cms.example.com"'
run "$MEETCERT" init two.json --type combined \
    --host label=cms,fqdn=cms.example.com,roles=callbridge+webadmin
run "$MEETCERT" plan two.json
ok "  with roles, its plan exits 0" out_has 0 "callbridge certs cms.key"

# init writes what save writes: init then plan --format json is the same
# as for the example it rebuilds.
run "$MEETCERT" init split.json --type split \
    --host label=core,fqdn=core.example.com,address=core.example.com,port=22,user=admin,roles=callbridge+webadmin \
    --host label=edge,fqdn=edge.example.com,address=edge.example.com,port=22,user=admin,roles=webbridge3+turn+webadmin \
    --option turn_tls --layout per-service --key rsa2048 \
    --join-url join.example.com --login-domain example.com \
    --c2w-address edge.example.com --c2w-port 9999
ok "init rebuilds data/examples/split.json" exit_is 0
ok "  byte for byte" cmp -s split.json "$top_srcdir/data/examples/split.json"

# ---- never over an existing file

cp one.json keep.json
cp one.json keep.orig
run "$MEETCERT" init keep.json --type resilient --host label=x,fqdn=x.example.com
ok "init over an existing workspace: exit 2, one line naming it" \
    rejected 2 keep.json
ok "  the file is left byte-identical" cmp -s keep.json keep.orig
printf 'garbage\n' >garbage.json
run "$MEETCERT" init garbage.json --type combined --host label=x,fqdn=x.example.com
ok "init over any existing file: exit 2" rejected 2 garbage.json
ok "  the file is left as it was" grep -q -x garbage garbage.json
ln -s nowhere.json dangling.json
run "$MEETCERT" init dangling.json --type combined --host label=x,fqdn=x.example.com
ok "init over a dangling symbolic link: exit 2" rejected 2 dangling.json
ok "  nothing is created where it points" test ! -e nowhere.json

# ---- bad arguments: each refused, its message, no file

# refused NAME MESSAGE ARGS...: init NAME.json ARGS... exits 2 with one
# stderr line holding MESSAGE (fixed string) and leaves no NAME.json.
refused() {
	_name=$1 _msg=$2
	shift 2
	run "$MEETCERT" init "$_name.json" "$@"
	ok "init $_name: refused with '$_msg'" rejected 2 "$_msg"
	ok "  no $_name.json and no temporary file" no_file "$_name"
}
no_file() {
	set -- "$1".json* "$1".json.*
	for f; do
		[ -e "$f" ] && { why="left behind: $f"; return 1; }
	done
	return 0
}
h=label=a,fqdn=a.example.com
refused noeq "--host #1: 'roles' is not KEY=VALUE" --type combined \
    --host "$h,roles"
refused emptykey "--host #1: '=x' is not KEY=VALUE" --type combined \
    --host "$h,=x"
refused badkey "--host #1: 'name' is not a host field" --type combined \
    --host "$h,name=x"
refused second "--host #2: 'bogus' is not a host field" --type resilient \
    --host "$h" --host label=b,fqdn=b.example.com,bogus=1
refused port0 "--host #1: port '0' is not a port number" --type combined \
    --host "$h,port=0"
refused port65536 "--host #1: port '65536' is not a port number" \
    --type combined --host "$h,port=65536"
refused portx "--host #1: port '22x' is not a port number" --type combined \
    --host "$h,port=22x"
refused portempty "--host #1: port '' is not a port number" --type combined \
    --host "$h,port="
refused nolabel "hosts[0].label is missing" --type combined \
    --host fqdn=a.example.com
refused nofqdn "hosts[0].fqdn is missing" --type combined --host label=a
refused badlabel "hosts[0].label: 'a.b' must be at most 32 letters, digits and hyphens" \
    --type combined --host label=a.b,fqdn=a.example.com
refused badfqdn "hosts[0].fqdn 'a_b.example.com' is not a fully qualified" \
    --type combined --host label=a,fqdn=a_b.example.com
refused shortfqdn "hosts[0].fqdn 'cms' is not a fully qualified" \
    --type combined --host label=a,fqdn=cms
refused badrole "hosts[0].roles[1]: 'xmpp' is not one of" --type combined \
    --host "$h,roles=callbridge+xmpp"
refused baddb "hosts[0].database: 'master' is not one of" --type resilient \
    --host "$h,database=master"
refused duplabel "hosts[1].label: 'a' is already hosts[0]'s" \
    --type resilient --host "$h" --host label=a,fqdn=b.example.com
refused dupfqdn "hosts[1].fqdn: 'A.example.com' is already hosts[0]'s" \
    --type resilient --host "$h" --host label=b,fqdn=A.example.com
refused badtype "type: 'scalable' is not one of" --type scalable --host "$h"
refused notype "type is missing" --host "$h"
refused nohost "hosts is missing or empty" --type combined
refused badoption "options[0]: 'xmpp' is not one of" --type combined \
    --host "$h" --option xmpp
refused badlayout "layout: 'per-host' is not one of" --type combined \
    --host "$h" --layout per-host
refused badkey2 "key: 'rsa1024' is not one of" --type combined --host "$h" \
    --key rsa1024
refused badjoin "names.join_url 'https://join' is not a fully qualified" \
    --type combined --host "$h" --join-url https://join
refused badcluster "names.cluster_fqdn" --type resilient --host "$h" \
    --cluster-fqdn cluster
refused badlogin "names.login_domain" --type combined --host "$h" \
    --login-domain "example com"
refused badc2w "names.c2w_address" --type combined --host "$h" \
    --c2w-address c2w_x
refused badexp "names.expressway_a_record" --type combined --host "$h" \
    --expressway wb_x.example.com
refused c2wport0 "--c2w-port: '0' is not a port number" --type combined \
    --host "$h" --c2w-port 0
refused c2wportx "--c2w-port: 'x' is not a port number" --type combined \
    --host "$h" --c2w-port x
run "$MEETCERT" init --type combined --host "$h"
ok "init without a workspace name: exit 2 with the usage" \
    err_has 2 "^usage: meetcert init WORKSPACE"
run "$MEETCERT" init a.json b.json --type combined --host "$h"
ok "init with two names: exit 2" exit_is 2
ok "  and neither file made" test ! -e a.json -a ! -e b.json
run "$MEETCERT" init u.json --type combined --host "$h" --bogus
ok "init with an unknown option: exit 2" exit_is 2
ok "  and no file made" no_file u
run "$MEETCERT" init no/such/dir/ws.json --type combined --host "$h"
ok "init into a missing directory: exit 2, naming the file" \
    rejected 2 no/such/dir/ws.json

done_testing
