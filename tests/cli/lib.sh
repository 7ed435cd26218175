# Shared by the tests/cli/*.sh scripts: TAP output, a scratch directory that
# goes away on exit, `run` (one command under `timeout 5`, its exit code,
# output and duration kept) and an openssl-made PKI to test against.
# make check sets MEETCERT, OPENSSL, top_srcdir and top_builddir.

: "${MEETCERT:?MEETCERT is not set; run this through make check}"
OPENSSL=${OPENSSL:-openssl}
export LC_ALL=C

# ---- TAP

tap_n=0
tap_todo=
tap_planned=

plan() {
	tap_planned=$1
	echo "1..$1"
}

# Marks the next case as a known bug: `not ok` is then expected (XFAIL).
todo() {
	tap_todo=$1
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

tap_line() {	# tap_line ok|"not ok" DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ -n "$tap_todo" ]; then
		echo "$1 $tap_n - $2 # TODO $tap_todo"
	else
		echo "$1 $tap_n - $2"
	fi
	tap_todo=
}

# ok DESCRIPTION COMMAND...: one case, passing when COMMAND succeeds.  On a
# failure the last `run` and $why (set by the check functions) are shown,
# and ok returns 1.
ok() {
	desc=$1
	shift
	why=
	if "$@"; then
		tap_line ok "$desc"
	else
		tap_line "not ok" "$desc"
		[ -n "$why" ] && diag "$why"
		run_diag
		return 1
	fi
}

skip() {	# skip REASON DESCRIPTION
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $2 # SKIP $1"
}

done_testing() {
	[ -n "$tap_planned" ] || echo "1..$tap_n"
}

# ---- scratch directory; every script works inside it

T=$(mktemp -d "${TMPDIR:-/tmp}/meetcert-cli.XXXXXX") || exit 99
trap 'cd /; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 99' HUP INT TERM
cd "$T" || exit 99
exec </dev/null

# ---- running the program

# setsid puts meetcert in a session of its own: it has no /dev/tty to ask a
# passphrase on, so a test run from a terminal never stops to wait for one.
if setsid -w true </dev/null >/dev/null 2>&1; then
	have_setsid=1
	detach="setsid -w"
else
	have_setsid=
	detach=
fi
case $(date +%N) in
[0-9]*) have_ns_clock=1 ;;
*) have_ns_clock= ;;
esac

now_ms() {
	if [ -n "$have_ns_clock" ]; then
		echo $(($(date +%s%N) / 1000000))
	else
		echo $(($(date +%s) * 1000))
	fi
}

# run COMMAND...: runs it with `timeout 5`; stdin and other descriptors are
# run's own (`run ... 3<file`), /dev/null by default (see below).
# Sets rc, ms and run_cmd; stdout and stderr are in the files $OUT and $ERR.
OUT=$T/.stdout
ERR=$T/.stderr
run() {
	run_cmd=$*
	t0=$(now_ms)
	# shellcheck disable=SC2086
	timeout 5 $detach "$@" >"$OUT" 2>"$ERR"
	rc=$?
	ms=$(($(now_ms) - t0))
}

run_diag() {
	[ -n "${run_cmd:-}" ] || return 0
	diag "last command: $run_cmd" "exit $rc after $ms ms"
	[ -s "$ERR" ] && { echo "# stderr:"; sed -n '1,8s/^/#   /p' "$ERR"; }
	[ -s "$OUT" ] && { echo "# stdout:"; sed -n '1,8s/^/#   /p' "$OUT"; }
	return 0
}

# ---- checks on the last run; each returns 0 or sets $why

sanitizer_quiet() {
	if grep -q -e 'Sanitizer' -e 'runtime error' "$ERR"; then
		why="a sanitizer reported an error"
		return 1
	fi
	return 0
}

exit_is() {	# exit_is N: exit code N and no sanitizer report
	sanitizer_quiet || return 1
	[ "$rc" -eq "$1" ] && return 0
	why="expected exit $1, got $rc"
	[ "$rc" -eq 124 ] && why="$why (timed out after 5 s)"
	return 1
}

out_has() {	# out_has EXIT PATTERN...: exit code, and grep -E each in stdout
	exit_is "$1" || return 1
	shift
	for p; do
		grep -q -E -e "$p" "$OUT" || { why="stdout lacks /$p/"; return 1; }
	done
}

out_lacks() {	# out_lacks EXIT PATTERN
	exit_is "$1" || return 1
	! grep -q -E -e "$2" "$OUT" || { why="stdout has /$2/"; return 1; }
}

err_has() {	# err_has EXIT PATTERN...: exit code, and grep -E each in stderr
	exit_is "$1" || return 1
	shift
	for p; do
		grep -q -E -e "$p" "$ERR" || { why="stderr lacks /$p/"; return 1; }
	done
}

# no_control FILE: nothing for a terminal to act on (escapes, CR, BEL) in
# FILE, which is $OUT or $ERR; line ends and tabs aside.
no_control() {
	if tr -d '\n\t' <"$1" | grep -q '[[:cntrl:]]'; then
		why="$(basename "$1") holds control characters"
		return 1
	fi
}

fast() {
	[ "$ms" -lt 1000 ] && return 0
	why="took $ms ms (limit 1000)"
	return 1
}

# rejected EXIT NAME: how every unusable input must end: exit EXIT, exactly
# one line on stderr and it names NAME, no sanitizer report, within 1 s.
rejected() {
	exit_is "$1" || return 1
	lines=$(awk 'END { print NR }' "$ERR")
	if [ "$lines" -ne 1 ]; then
		why="stderr has $lines lines, not one"
		return 1
	fi
	if ! grep -q -F -e "$2" "$ERR"; then
		why="stderr does not name $2"
		return 1
	fi
	fast
}

# ---- fixtures, all made here by the openssl CLI

ossl() {	# openssl, quiet unless it fails
	if ! "$OPENSSL" "$@" >"$T/.ossl" 2>&1; then
		echo "Bail out! openssl $* failed: $(head -n 3 "$T/.ossl")"
		exit 99
	fi
}

# newkey TYPE FILE: rsa (2048 bits), ec (P-256), ed25519.
newkey() {
	case $1 in
	rsa) ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" ;;
	ec) ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" ;;
	ed25519) ossl genpkey -algorithm ED25519 -out "$2" ;;
	*) echo "Bail out! newkey: unknown type $1"; exit 99 ;;
	esac
}

# The extension sections every script may sign with; scripts append more.
cat >ext.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:cms.example.com, DNS:join.example.com, IP:192.0.2.10
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:postgres
[both]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:cms.example.com
EOF

# csr KEY CN OUT [openssl req args...]
csr() {
	_key=$1 _cn=$2 _out=$3
	shift 3
	ossl req -new -key "$_key" -subj "/CN=$_cn" -config ext.cnf -out "$_out" "$@"
}

# selfsigned KEY CN SECTION OUT [DAYS]
selfsigned() {
	ossl req -x509 -new -key "$1" -subj "/CN=$2" -config ext.cnf \
	    -extensions "$3" -days "${5:-3650}" -out "$4"
}

# sign CSR CA CAKEY SECTION OUT [DAYS]
sign() {
	ossl x509 -req -in "$1" -CA "$2" -CAkey "$3" -CAcreateserial \
	    -days "${6:-365}" -extfile ext.cnf -extensions "$4" -out "$5"
}

# issue KEY CN CA CAKEY SECTION OUT [DAYS]: a CSR for KEY, signed by CA.
issue() {
	csr "$1" "$2" "$T/.csr"
	sign "$T/.csr" "$3" "$4" "$5" "$6" "${7:-365}"
}

# pki: root.pem (EC), inter.pem (EC, pathlen:0) under it, chain.pem (inter
# then root, the guide's bundle order) and ec.key with server-ec.pem.
pki() {
	newkey ec root.key
	selfsigned root.key "Test Root CA" root root.pem
	newkey ec inter.key
	issue inter.key "Test Issuing CA" root.pem root.key inter inter.pem 3650
	cat inter.pem root.pem >chain.pem
	newkey ec ec.key
	issue ec.key cms.example.com inter.pem inter.key server server-ec.pem
}

# A minimal `openssl ca` over inter.pem, for what `openssl x509 -req` cannot
# do: set both dates, revoke, write CRLs.  Call pki first.
ca_init() {
	mkdir ca
	: >ca/index.txt
	echo 1000 >ca/serial
	echo 1000 >ca/crlnumber
	cat >ca.cnf <<'EOF'
[ca]
default_ca = mini
[mini]
database = ca/index.txt
new_certs_dir = ca
serial = ca/serial
crlnumber = ca/crlnumber
default_md = sha256
default_crl_days = 30
policy = any
unique_subject = no
email_in_dn = no
[any]
commonName = supplied
EOF
}

ca() {
	ossl ca -batch -config ca.cnf -cert inter.pem -keyfile inter.key "$@"
}

# ca_sign CSR START END OUT: a server certificate valid from START to END
# (YYYYMMDDHHMMSSZ).
ca_sign() {
	ca -in "$1" -startdate "$2" -enddate "$3" -extfile ext.cnf \
	    -extensions server -notext -out "$4"
}
