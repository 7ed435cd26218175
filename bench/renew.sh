#!/bin/sh
# What a renewal costs, in one run: a three-node scalable and resilient
# deployment on stand-in Meeting Servers (real sshd on 127.0.5.1-3, each
# with its Web Bridge 3 TLS listener, the database connect delay 0), renewed
# N times (default 3) one host at a time with each host probed before the
# next (the default for a renewal), put back with rollback, then renewed
# all at once without probes (what deploy did before).  Prints a table of
# medians for the README.  Not a test.
#
#   bench/renew.sh [BUILD_DIR] [N]      (BUILD_DIR default: build)

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
n=${2:-3}
LC_ALL=C top_srcdir=$top top_builddir=$build MEETCERT=$build/meetcert
export LC_ALL top_srcdir top_builddir MEETCERT
. "$top/tests/mmp/rig.sh"
rig_have_ssh || { echo "bench/renew.sh: needs openssh-server" >&2; exit 2; }
rig_init
for k in 1 2 3; do
	rig_host cms$k 127.0.5.$k MMP_CONNECT_DELAY_MS=0 >/dev/null &&
	    rig_tls cms$k 8443 9999 2>/dev/null || { echo "no rig" >&2; exit 1; }
done
W=$RIG/ws
mkdir -p "$W"
hosts=
for k in 1 2 3; do
	db=peer
	[ $k = 1 ] && db=primary
	hosts="$hosts --host label=cms$k,fqdn=cms$k.example.com,address=127.0.5.$k,port=$(cat "$RIG/cms$k/port"),user=$(id -un),roles=callbridge+webadmin+webbridge3+database,database=$db"
done
fps=
for k in 1 2 3; do
	fps="$fps --accept $(ssh-keygen -l -E sha256 -f "$RIG/cms$k/host_key.pub" | awk '{print $2}')"
done
: >"$RIG/known"
O="--known-hosts $RIG/known --identity $RIG/id --ssh-config none --no-agent --db-wait 20"
# shellcheck disable=SC2086
"$MEETCERT" init "$W/cms.json" --type resilient $hosts --cluster-fqdn \
    cms.example.com --join-url join.example.com --c2w-address \
    cms1.example.com --https-port 8443 --key ec256 >/dev/null &&
"$MEETCERT" selfsigned labca CN:"Lab Root CA" --ca --key ec256 --dir "$W" \
    >/dev/null && "$MEETCERT" make "$W/cms.json" --ca labca >/dev/null &&
"$MEETCERT" deploy "$W/cms.json" $O $fps >/dev/null ||
    { echo "bench/renew.sh: the first deployment failed" >&2; exit 1; }

# secs COMMAND...: its wall time, or "failed"
secs() {
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo failed; return; }
	echo "$(( ($(date +%s%N) - s) / 1000000 ))"
}
median() {
	sort -n | awk '{ v[NR] = $1 }
	    END { if (NR == 0) { print "-"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f", m / 1000 }'
}
: >"$RIG/one" ; : >"$RIG/back" ; : >"$RIG/all"
i=0
while [ $i -lt "$n" ]; do
	"$MEETCERT" renew "$W/cms.json" >/dev/null &&
	    "$MEETCERT" make "$W/cms.json" --ca labca >/dev/null || exit 1
	# shellcheck disable=SC2086
	secs "$MEETCERT" deploy "$W/cms.json" $O --confirm-database >>"$RIG/one"
	# shellcheck disable=SC2086
	secs "$MEETCERT" rollback "$W/cms.json" $O --confirm-database >>"$RIG/back"
	# shellcheck disable=SC2086
	secs "$MEETCERT" deploy "$W/cms.json" $O --confirm-database \
	    --all-at-once --no-probe >>"$RIG/all"
	i=$((i + 1))
done
if grep -q failed "$RIG/one" "$RIG/back" "$RIG/all"; then
	echo "bench/renew.sh: a run failed" >&2
	exit 1
fi
printf '| %-58s | %4s | %8s |\n' "three hosts, the database cluster included" runs median
printf '|%s|%s|%s|\n' "------------------------------------------------------------" "------" "----------"
printf '| %-58s | %4s | %7ss |\n' "renewal, one host at a time, each probed (the default)" "$n" "$(median <"$RIG/one")"
printf '| %-58s | %4s | %7ss |\n' "rollback to what was bound before" "$n" "$(median <"$RIG/back")"
printf '| %-58s | %4s | %7ss |\n' "renewal all at once, no probes (--all-at-once --no-probe)" "$n" "$(median <"$RIG/all")"

exit 0
