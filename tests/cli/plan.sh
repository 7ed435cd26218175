#!/bin/sh
# meetcert plan (issue 4): golden plans, the lab of ../shared/reference/003
# reproduced, exit codes and the script format.
#
# Golden plans: tests/data/plans/EXAMPLE-LAYOUT.json is `meetcert plan
# --format json` of data/examples/EXAMPLE.json with its "layout" set to
# LAYOUT (per-server, per-service, one-for-all), and lab-pod7.script is the
# lab's --format script.  Each file was reviewed against the guide
# (../shared/reference/000) before it was checked in: it is the expected
# plan, not merely the current one.  After a deliberate change to the plan,
# regenerate them with
#
#     MEETCERT_REGEN_PLANS=1 make check TESTS=tests/cli/plan.sh
#
# (from the build directory; it writes into $top_srcdir/tests/data/plans),
# then review `git diff tests/data/plans` against the guide before
# committing.  A golden file that records the right plan where meetcert is
# still wrong gets its comparison marked in golden_todo below.
. "$top_srcdir/tests/cli/lib.sh"

EX=$top_srcdir/data/examples
GOLD=$top_srcdir/tests/data/plans
examples="combined split resilient lab-pod7"
layouts="per-server per-service one-for-all"

# with_layout EXAMPLE LAYOUT OUT: the example with its layout replaced.
with_layout() {
	sed "s/\"layout\": \"[a-z-]*\"/\"layout\": \"$2\"/" "$EX/$1.json" >"$3"
}

# golden_todo NAME: the reason NAME's golden file and meetcert disagree
# (empty: they must agree).
golden_todo() {
	case $1 in
	*) echo "" ;;
	esac
}

same_as_golden() {	# same_as_golden FILE GOLDEN
	exit_is 0 || return 1
	if [ -n "${MEETCERT_REGEN_PLANS:-}" ]; then
		cp "$1" "$2"
		return 0
	fi
	if ! diff -u "$2" "$1" >"$T/.diff" 2>&1; then
		why="differs from $(basename "$2"):
$(sed -n '1,40p' "$T/.diff")"
		return 1
	fi
}

# ---- golden plans: each example in each layout

for e in $examples; do
	for l in $layouts; do
		with_layout "$e" "$l" "ws-$e-$l.json"
		run "$MEETCERT" plan "ws-$e-$l.json" --format json
		cp "$OUT" "$e-$l.json"
		todo "$(golden_todo "$e-$l")"
		ok "plan --format json $e ($l) is tests/data/plans/$e-$l.json" \
		    same_as_golden "$e-$l.json" "$GOLD/$e-$l.json"
		ok "$e ($l): its warnings on stderr, nothing else" \
		    sanitizer_quiet
	done
done

# ---- the text format's `pki csr` lines keep the guide's rules

# pki_lines FILE: the "on the MMP" lines of a text plan, without the label.
pki_lines() {
	sed -n 's/^    on the MMP //p' "$1"
}

# cn_listed: the pki csr lines (stdin) that list their own CN in the SAN,
# which pki appends by itself (guide §3.1 note: "do not list the CN").
cn_listed() {
	awk '{
		cn = ""; san = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^CN:/) cn = substr($i, 4)
			if ($i ~ /^subjectAltName:/) san = substr($i, 16)
		}
		n = split(san, s, ",")
		for (i = 1; i <= n; i++)
			if (tolower(s[i]) == tolower(cn)) { print; break }
	}'
}

listed=
for e in $examples; do
	for l in $layouts; do
		run "$MEETCERT" plan "ws-$e-$l.json"
		pki_lines "$OUT" >"pki-$e-$l.txt"
		bad=$(cn_listed <"pki-$e-$l.txt")
		[ -n "$bad" ] && listed="$listed
$e/$l: $bad"
	done
done
no_cn_listed() {
	[ -z "$listed" ] && return 0
	why="lines that list their CN in subjectAltName:$listed"
	return 1
}
ok "no pki csr line lists its CN in subjectAltName (guide §3.1 note)" \
    no_cn_listed

# ---- the lab (003): its pki csr lines, its files, its order

run "$MEETCERT" plan "$EX/lab-pod7.json"
cp "$OUT" lab.txt
ok "plan lab-pod7.json: exit 0" exit_is 0
has_line() {	# has_line FILE LINE: LINE is a line of FILE
	grep -q -x -F -e "$2" "$1" && return 0
	why="no line: $2"
	return 1
}
# 003 lines 122, 150, 159; line 127: cms1b and cms1c differ only in the
# server's name and the basename.
for h in cms1a cms1b cms1c; do
	ok "lab: pki csr $h as 003 line 122" has_line lab.txt \
	    "    on the MMP pki csr $h CN:cms1.pod7.cms.lab subjectAltName:$h.pod7.cms.lab,pod7.cms.lab,conf.pod7.cms.lab,join.pod7.cms.lab"
done
ok "lab: pki csr dbclusterserver as 003 line 150" has_line lab.txt \
    "    on the MMP pki csr dbclusterserver CN:cms1a.pod7.cms.lab subjectAltName:cms1b.pod7.cms.lab,cms1c.pod7.cms.lab"
ok "lab: pki csr dbclusterclient as 003 line 159" has_line lab.txt \
    "    on the MMP pki csr dbclusterclient CN:postgres"
# §3.1.4 step 1: the cluster's own root (the lab uses its AD root instead,
# against the caution on §3.1.4).
ok "lab: pki selfsigned dbca (guide §3.1.4 step 1)" has_line lab.txt \
    '    on the MMP pki selfsigned dbca CN:"Database cluster CA"'
in_order() {	# in_order FILE PATTERN...: each first match after the last
	_f=$1
	shift
	_at=0
	for _p; do
		_n=$(grep -n -F -e "$_p" "$_f" | head -n 1 | cut -d: -f1)
		if [ -z "$_n" ] || [ "$_n" -le "$_at" ]; then
			why="'$_p' missing or out of order"
			return 1
		fi
		_at=$_n
	done
}
ok "lab: cms1a's CSR, then dbclusterserver's, then dbclusterclient's (003)" \
    in_order lab.txt "pki csr cms1a " "pki csr dbclusterserver " \
    "pki csr dbclusterclient "

# The lab's files per host (003 lines 253-262, 326-337) in meetcert's
# names.  Where they differ:
#   LAB                   MEETCERT
#   cms1a.cer             cms1a.crt (certificates are .crt; App. B takes both)
#   cms1a-fullchain.cer   cms1a-fullchain.pem (bundles are .pem)
#   cmslab-root-ca.cer    cms1a-bundle.pem (the issuers, for webadmin and
#                         callbridge certs) and dbca.crt (the database
#                         cluster's own root: §3.1.4 forbids sharing the
#                         AD root as the lab does)
#   cms1abc.cer           callbridge-trust-cluster.pem, and the same three
#                         certificates again in webbridge3-c2w-trust.pem and
#                         callbridge-trust-c2w.pem (c2w trust both ways,
#                         App. D), which the lab leaves to a later section
#   dbcluster*.cer        dbcluster*.crt
#   *.csr                 not listed: they stay where pki csr made them
files_of() {	# files_of TEXT LABEL: the host's files, sorted, one a line
	awk -v h="$2" '
		$1 == "Host" && $2 == h { on = 1; next }
		on && $1 == "files:" { for (i = 2; i <= NF; i++) print $i; exit }
	' "$1" | sort
}
same_files() {	# same_files GOT WANT
	if ! diff "$2" "$1" >"$T/.diff"; then
		why="files differ (< expected, > meetcert):
$(cat "$T/.diff")"
		return 1
	fi
}
for h in cms1a cms1b cms1c; do
	files_of lab.txt $h >"files-$h.got"
	for f in $h.key $h.crt $h-bundle.pem $h-fullchain.pem \
	    callbridge-trust-cluster.pem webbridge3-c2w-trust.pem \
	    callbridge-trust-c2w.pem dbclusterserver.key dbclusterserver.crt \
	    dbclusterclient.key dbclusterclient.crt dbca.crt; do
		echo "$f"
	done | sort >"files-$h.want"
	ok "lab: $h's files are the lab's (003 lines 326-337), in meetcert's names" \
	    same_files "files-$h.got" "files-$h.want"
done

# The lab's command order (003 + 001 Step 5) in script form.
run "$MEETCERT" plan "$EX/lab-pod7.json" --format script
cp "$OUT" lab.script
todo "$(golden_todo lab-pod7.script)"
ok "plan --format script lab-pod7 is tests/data/plans/lab-pod7.script" \
    same_as_golden lab.script "$GOLD/lab-pod7.script"

# ---- --format script: "host> command" lines, grouped by phase

# script_shape FILE LABELS: every line a "# phase N" header (N rising) or
# "LABEL> command" with a known label; nothing before the first header.
script_shape() {
	awk -v labels="$2" '
		BEGIN { n = split(labels, l, " "); for (i = 1; i <= n; i++) ok[l[i]] = 1; last = -1 }
		/^# phase [0-9]+: / {
			p = $3 + 0
			if (p <= last) { print "phase " p " after " last; bad = 1 }
			last = p; next
		}
		/^[A-Za-z0-9-]+> [^ ]/ {
			if (last < 0) { print "before any phase: " $0; bad = 1 }
			lab = substr($1, 1, length($1) - 1)
			if (!(lab in ok)) { print "unknown host: " $0; bad = 1 }
			cmds++; next
		}
		{ print "not a script line: " $0; bad = 1 }
		END { if (cmds == 0) { print "no commands"; bad = 1 } exit bad }
	' "$1" >"$T/.shape" && return 0
	why=$(head -n 5 "$T/.shape")
	return 1
}
# same_count SCRIPT JSON: as many command lines as JSON steps.
same_count() {
	a=$(grep -c '> ' "$1")
	b=$(grep -c '"command": ' "$2")
	[ "$a" -eq "$b" ] && return 0
	why="$a script lines, $b steps in the JSON"
	return 1
}
# db_grouped SCRIPT: the remove lines, answered Y, form the phase after
# the services; the database certs come after every remove.
db_grouped() {
	awk '
		/^# phase/ { phase = $3 + 0; next }
		/database cluster remove/ {
			if ($0 !~ /# answer Y$/) { print "no Y: " $0; bad = 1 }
			if (certs) { print "remove after certs: " $0; bad = 1 }
			rp[phase] = 1; next
		}
		/database cluster certs/ { certs = 1 }
		{ if (phase in rp) { print "in the remove phase: " $0; bad = 1 } }
		END { exit bad }
	' "$1" >"$T/.shape" && return 0
	why=$(head -n 5 "$T/.shape")
	return 1
}
for e in $examples; do
	labels=$(sed -n 's/^ *"label": "\(.*\)",*$/\1/p' "$EX/$e.json" | tr '\n' ' ')
	run "$MEETCERT" plan "$EX/$e.json" --format script
	cp "$OUT" "$e.script"
	ok "plan --format script $e: exit 0" exit_is 0
	ok "$e script: \"host> command\" lines under rising phase headers" \
	    script_shape "$e.script" "$labels"
	ok "$e script: one line per step of the JSON plan" \
	    same_count "$e.script" "$e-$(sed -n 's/^ *"layout": "\(.*\)",*$/\1/p' "$EX/$e.json").json"
	case $e in
	resilient | lab-pod7)
		ok "$e script: database cluster remove alone in its phase, before any certs" \
		    db_grouped "$e.script" ;;
	esac
done

# ---- exit codes: 0 clean, 1 with error findings, 2 unusable input

for e in $examples; do
	run "$MEETCERT" plan "$EX/$e.json"
	ok "plan $e: exit 0 (warnings only)" exit_is 0
done

# A database cluster of two: an error finding, exit 1.
awk '!done && /"database": "peer"/ { sub(/"peer"/, "\"connect\""); done = 1 }
    { print }' "$EX/lab-pod7.json" >two.json
run "$MEETCERT" plan two.json
ok "a database cluster of two: exit 1, the error names hosts" \
    err_has 1 "^meetcert: two.json: hosts: the database cluster has 2 node" 
ok "  and the plan is still printed" out_has 1 "^Host cms1a "
run "$MEETCERT" plan two.json --format json
ok "  --format json: exit 1, the finding in the JSON" \
    out_has 1 '"level": "error"' '"text": "hosts: the database cluster'
grep -v '"join_url"' "$EX/resilient.json" >nojoin.json
run "$MEETCERT" plan nojoin.json --format script
ok "no join URL with Web Bridge 3: exit 1 naming names.join_url" \
    err_has 1 "names.join_url is missing"

run "$MEETCERT" plan missing.json
ok "a missing workspace: exit 2, one line naming it" rejected 2 missing.json
head -c 300 "$EX/lab-pod7.json" >cut.json
run "$MEETCERT" plan cut.json
ok "a truncated workspace: exit 2, one line naming it" rejected 2 cut.json
printf 'not json at all\n' >junk.json
run "$MEETCERT" plan junk.json
ok "a file that is not JSON: exit 2" rejected 2 junk.json
sed 's/"version": 1/"version": 9/' "$EX/combined.json" >newer.json
cp newer.json newer.orig
run "$MEETCERT" plan newer.json
ok "a newer version's workspace: exit 2, saying so" rejected 2 newer.json
ok "  the message says newer" err_has 2 "newer meetcert"
ok "  the file is left as it is" cmp -s newer.json newer.orig
sed 's/"fqdn": "core.example.com"/"fqdn": "core_1.example.com"/' \
    "$EX/split.json" >badfqdn.json
run "$MEETCERT" plan badfqdn.json
ok "a bad FQDN: exit 2, naming hosts[0].fqdn" rejected 2 "hosts[0].fqdn"
run "$MEETCERT" plan "$EX/combined.json" --format yaml
ok "--format yaml: exit 2, one line naming --format" rejected 2 "--format"
run "$MEETCERT" plan "$EX/combined.json" --format
ok "--format without a value: exit 2" exit_is 2
run "$MEETCERT" plan
ok "no workspace: exit 2" exit_is 2
run "$MEETCERT" plan "$EX/combined.json" "$EX/split.json"
ok "two workspaces: exit 2" exit_is 2
run "$MEETCERT" plan "$EX/combined.json" --bogus
ok "an unknown option: exit 2" exit_is 2
run "$MEETCERT" plan "$EX/combined.json" --services nowhere.json
ok "--services naming a missing table: exit 2, naming it" \
    rejected 2 nowhere.json
printf '{"version": 1, "services": [{"id": "x"}]}\n' >table.json
run "$MEETCERT" plan "$EX/combined.json" --services table.json
ok "--services with a broken table: exit 2, naming the entry" \
    err_has 2 "table.json: services\[0\] \(x\): name"
run "$MEETCERT" plan "$EX/combined.json" --services "$top_srcdir/data/services.json"
ok "--services data/services.json: exit 0" exit_is 0
run env MEETCERT_DATA="$T/nodata" "$MEETCERT" plan "$EX/combined.json"
ok "MEETCERT_DATA without services.json: exit 2" rejected 2 nodata

done_testing
