#!/bin/sh
# Unusable input, and usage mistakes: every one must end within a second with
# exit 2 (1 where it is a verdict), exactly one line on stderr that names the
# file, and no sanitizer report.  A big but valid certificate must still pass.
. "$top_srcdir/tests/cli/lib.sh"

pki
good=server-ec.pem

# ---- the inputs

: >empty.pem
head -c 4096 /dev/urandom >random.bin
# The two ways the loader reads a file: as DER when it starts with 0x30
# (SEQUENCE), as text otherwise.
{ printf '\060'; head -c 4095 /dev/urandom; } >random.der
{ printf 'R'; head -c 4095 /dev/urandom; } >random.txt
lines=$(wc -l <$good)
head -n $((lines / 2)) $good >truncated.pem
sed '3s/^..../!@#$/' $good >bad-base64.pem
sed '$s/CERTIFICATE/PRIVATE KEY/' $good >mismatched-end.pem
ossl x509 -in $good -outform DER -out good.der
{ cat good.der; printf 'trailing'; } >trailing.der
truncate -s 50M huge.pem 2>/dev/null ||
    dd if=/dev/zero of=huge.pem bs=1048576 count=50 2>/dev/null
mkdir directory.pem
ossl pkey -in ec.key -aes256 -passout pass:right -out locked.key
printf 'wrong\n' >wrong.pass
cp $good unreadable.pem
chmod 000 unreadable.pem

# A certificate with 5,000 subjectAltName entries.
{
	printf '[many]\nsubjectAltName = @alt\n[alt]\n'
	i=1
	while [ $i -le 5000 ]; do
		echo "DNS.$i = host$i.example.com"
		i=$((i + 1))
	done
} >>ext.cnf
issue ec.key host1.example.com inter.pem inter.key many many-san.pem

# ---- each input, for each command that reads it

# A random input that fails is worth keeping: the log shows it.
keep() {
	case $1 in
	random.*) diag "$1 was:"; base64 <"$1" | sed 's/^/# /' ;;
	esac
}

# bad FILE: FILE refused by inspect, match (as key and as certificate) and
# verify (as certificate, bundle, CA and CRL).
bad() {
	f=$1
	run "$MEETCERT" inspect "$f"
	ok "inspect $f" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" inspect --json "$f"
	ok "inspect --json $f" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" match "$f" $good
	ok "match $f (as the key)" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" match ec.key "$f"
	ok "match ec.key $f (as the certificate)" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" verify "$f" chain.pem
	ok "verify $f (as the certificate)" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" verify $good "$f"
	ok "verify $good $f (as the bundle)" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" verify $good inter.pem "$f"
	ok "verify $good inter.pem $f (as the CA)" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" verify $good --ca "$f" --role server
	ok "verify $good --ca $f" rejected 2 "$f" || keep "$f"
	run "$MEETCERT" verify $good chain.pem --crl "$f"
	ok "verify $good chain.pem --crl $f" rejected 2 "$f" || keep "$f"
}

for f in empty.pem random.bin random.der random.txt truncated.pem \
    bad-base64.pem mismatched-end.pem trailing.der huge.pem directory.pem \
    missing.pem /dev/zero; do
	bad $f
done

if [ "$(id -u)" -ne 0 ]; then
	bad unreadable.pem
elif setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	# Root reads files of mode 000: be nobody for these two.
	chmod 711 "$T"
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	run $nobody "$MEETCERT" inspect unreadable.pem
	ok "inspect unreadable.pem (as nobody)" rejected 2 unreadable.pem
	run $nobody "$MEETCERT" verify unreadable.pem
	ok "verify unreadable.pem (as nobody)" rejected 2 unreadable.pem
else
	skip "root reads files of mode 000" "unreadable.pem"
fi

# Fifty megabytes through a pipe: no size to check up front.
run sh -c 'head -c 52428800 /dev/zero | exec "$0" inspect /dev/stdin' \
    "$MEETCERT"
ok "inspect /dev/stdin, 50 MB from a pipe" rejected 2 /dev/stdin

run "$MEETCERT" match --passphrase-fd 3 locked.key $good 3<wrong.pass
ok "match, wrong passphrase" rejected 2 locked.key
run "$MEETCERT" inspect --passphrase-fd 3 locked.key 3<wrong.pass
ok "inspect, wrong passphrase" rejected 2 locked.key
run "$MEETCERT" verify locked.key chain.pem
ok "verify an encrypted key as the certificate" rejected 2 locked.key

# A PEM label is the file's text too: with a CR and "erase line" in it the
# message would hide its own beginning, the file name, on a terminal.
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE\r\033[2K-----\n' \
    >escape-label.pem
run "$MEETCERT" inspect escape-label.pem
ok "inspect escape-label.pem" rejected 2 escape-label.pem
ok "inspect escape-label.pem: no control characters in the message" \
    no_control "$ERR"

# Labels are compared as C strings: a NUL byte ends them early, and BEGIN
# and END labels that differ after it pass for a match.
{
	printf -- '-----BEGIN CERTIFICATE\000junk-----\n'
	sed '1d;$d' $good
	printf -- '-----END CERTIFICATE\000other-----\n'
} >nul-label.pem
run "$MEETCERT" inspect nul-label.pem
ok "inspect nul-label.pem" rejected 2 nul-label.pem

# Files of the wrong kind.
csr ec.key cms.example.com only.csr
run "$MEETCERT" verify only.csr chain.pem
ok "verify a CSR" rejected 2 only.csr
run "$MEETCERT" verify $good ec.key
ok "verify with a key as the bundle" rejected 2 ec.key
run "$MEETCERT" match $good ec.key
ok "match with certificate and key swapped" rejected 2 $good
run "$MEETCERT" verify $good chain.pem --crl chain.pem
ok "verify --crl with certificates, no CRL" rejected 2 chain.pem
run "$MEETCERT" match ec.key ec.key
ok "match with a key as the certificate" rejected 2 ec.key
run "$MEETCERT" inspect $good empty.pem
ok "inspect a good and a bad file: exit 2, the bad one named" \
    rejected 2 empty.pem
ok "inspect a good and a bad file: the good one is shown" \
    out_has 2 "^$good: PEM, 1 certificate"

# ---- 5,000 subjectAltName entries: big, but a certificate like any other

run "$MEETCERT" inspect many-san.pem
ok "inspect, 5,000 SAN entries: exit 0" out_has 0 "DNS:host5000.example.com$"
ok "inspect, 5,000 SAN entries: within a second" fast
if python3 -c 'import json' 2>/dev/null; then
	run "$MEETCERT" inspect --json many-san.pem
	ok "inspect --json, 5,000 SAN entries" exit_is 0
	n=$(python3 -c '
import json, sys
print(len(json.load(sys.stdin)["files"][0]["objects"][0]["san"]))' <"$OUT")
	ok "inspect --json, 5,000 SAN entries: all 5000 listed ($n)" \
	    test "$n" = 5000
else
	skip "no python3" "inspect --json, 5,000 SAN entries"
	skip "no python3" "inspect --json, 5,000 SAN entries: all listed"
fi
run "$MEETCERT" verify many-san.pem chain.pem --name host5000.example.com
ok "verify --name, the 5,000th SAN entry" exit_is 0
ok "verify --name, 5,000 SAN entries: within a second" fast
run "$MEETCERT" verify many-san.pem chain.pem --name host5001.example.com
ok "verify --name not among 5,000 SAN entries: exit 1" out_has 1 FAILED
run "$MEETCERT" match ec.key many-san.pem
ok "match, 5,000 SAN entries" exit_is 0

# ---- usage: exit 2, the first line says what is wrong, then at most the
# synopsis and the pointer to --help.

usage_error() {	# usage_error PATTERN
	exit_is 2 || return 1
	first=$(head -n 1 "$ERR")
	if ! printf '%s\n' "$first" | grep -q -E -e "$1"; then
		why="the first line of stderr lacks /$1/"
		return 1
	fi
	if sed 1d "$ERR" | grep -v -E "^(usage: meetcert |Try 'meetcert --help')" |
	    grep -q .; then
		why="stderr has more than the reason, the synopsis and the hint"
		return 1
	fi
	fast
}

for c in inspect match verify; do
	run "$MEETCERT" $c
	ok "$c without arguments" usage_error "^usage: meetcert $c "
	run "$MEETCERT" $c --bogus $good
	ok "$c --bogus" usage_error "'--bogus'"
	run "$MEETCERT" $c --bogus $good
	ok "$c --bogus: the message starts with meetcert:" usage_error "^meetcert: "
done
run "$MEETCERT" match ec.key
ok "match with one file" usage_error "^usage: meetcert match "
run "$MEETCERT" match ec.key $good $good
ok "match with three files" usage_error "^usage: meetcert match "
run "$MEETCERT" verify $good inter.pem root.pem extra.pem
ok "verify with four files" usage_error "^usage: meetcert verify "
run "$MEETCERT" verify $good inter.pem --bundle chain.pem
ok "verify with a bundle twice" usage_error "^usage: meetcert verify "
run "$MEETCERT" frobnicate
ok "an unknown command" rejected 2 frobnicate
run "$MEETCERT" verify $good chain.pem --at tomorrow
ok "verify --at tomorrow" rejected 2 "'tomorrow'"
run "$MEETCERT" verify $good chain.pem --at 2026-13-01
ok "verify --at 2026-13-01" rejected 2 "'2026-13-01'"
run "$MEETCERT" verify $good chain.pem --at 2026-01-31T25:00:00Z
ok "verify --at 2026-01-31T25:00:00Z" rejected 2 "'2026-01-31T25:00:00Z'"
run "$MEETCERT" verify $good chain.pem --at 2025-02-29
ok "verify --at 2025-02-29" rejected 2 "'2025-02-29'"
run "$MEETCERT" verify $good chain.pem --role admin
ok "verify --role admin" rejected 2 "'admin'"
run "$MEETCERT" verify $good chain.pem --role ''
ok "verify --role ''" rejected 2 "--role"
run "$MEETCERT" verify $good chain.pem --name ''
ok "verify --name ''" rejected 2 "--name"
run "$MEETCERT" verify $good chain.pem --max-depth two
ok "verify --max-depth two" rejected 2 "'two'"
run "$MEETCERT" inspect --passphrase-fd -1 $good
ok "inspect --passphrase-fd -1" rejected 2 "'-1'"

# seconds: one parser (cli_seconds) for every option that takes them
for v in 0 ' 5' 5s '' 99999999999999999999; do
	run "$MEETCERT" status none.json --timeout "$v"
	ok "status --timeout '$v'" err_has 2 \
	    "--timeout: '$v' is not a number of seconds from 1 to 3600"
done
run "$MEETCERT" status none.json --timeout +5
ok "status --timeout +5" err_has 2 \
    "--timeout: '[+]5' is not a number of seconds from 1 to 3600"
run "$MEETCERT" probe 127.0.0.1:1 --timeout 601
ok "probe --timeout 601" err_has 2 "--timeout: '601' is not a number of seconds from 1 to 600"
run "$MEETCERT" deploy none.json --db-wait soon
ok "deploy --db-wait soon" err_has 2 "--db-wait: 'soon' is not a number of seconds from 1 to 3600"
run "$MEETCERT" deploy none.json --probe-wait 0
ok "deploy --probe-wait 0" err_has 2 "--probe-wait: '0' is not a number of seconds from 1 to 600"
run "$MEETCERT" rollback none.json --db-wait -1
ok "rollback --db-wait -1" err_has 2 "--db-wait: '-1' is not a number of seconds from 1 to 3600"

# addresses: one reading of ADDR[:PORT] (mcert_name_split_hostport)
run "$MEETCERT" discover new.json --host cms1:70000
ok "discover --host cms1:70000" err_has 2 \
    "--host: 'cms1:70000' has no port number from 1 to 65535 after its ':'"
run "$MEETCERT" discover new.json --host '[2001:db8::1]x'
ok "discover --host [2001:db8::1]x" err_has 2 \
    "--host: give a Meeting Server's address, as ADDR or ADDR:PORT"
ok "  nothing written" test ! -e new.json
run "$MEETCERT" probe '[2001:db8::1]'
ok "probe [2001:db8::1] (no port)" err_has 2 "is not HOST:PORT"

done_testing
