#!/bin/sh
# meetcert csr, selfsigned, sign, certreq, split and bundle (issue 3) end to
# end, with the openssl CLI as the outside party both ways: meetcert's CSRs
# signed by `openssl x509 -req` pass meetcert verify, meetcert's certificates
# pass `openssl verify` by purpose.  Every refusal with its exact message;
# nothing ever overwritten; nothing left behind by a failure.
. "$top_srcdir/tests/cli/lib.sh"

M=$MEETCERT
EXISTS="already exists; meetcert never overwrites a file (a live key \
replaced breaks its service at once): choose a new name, such as one ending \
in -2"
LETTERS="use letters, digits and hyphens, such as"
CN_NOT_FQDN="is not a fully qualified domain name; write the server's DNS \
name, such as callbridge.example.com (CN:postgres is right for the database \
client)"
NOT_FQDN="is not a fully qualified domain name; write it as \
host.example.com (letters, digits, hyphens and dots)"
NO_SAN="has no subjectAltName; browsers and most peers ignore the CN: add"
NOT_GIVEN="whose certificate is not given; add it (from the CA) and run again"

# ---- helpers

# run_slow COMMAND...: run for RSA 3072/4096 key generation, whose time
# varies by seconds from run to run.
run_slow() {
	run_cmd=$*
	t0=$(now_ms)
	# shellcheck disable=SC2086
	timeout 60 $detach "$@" >"$OUT" 2>"$ERR"
	rc=$?
	ms=$(($(now_ms) - t0))
}

# err_is EXIT MESSAGE: exit EXIT, nothing on stdout, and stderr exactly
# the one line MESSAGE.
err_is() {
	exit_is "$1" || return 1
	printf '%s\n' "$2" >"$T/.want"
	if ! cmp -s "$T/.want" "$ERR"; then
		why="stderr is not exactly: $2"
		return 1
	fi
	if [ -s "$OUT" ]; then
		why="stdout is not empty"
		return 1
	fi
}

# out_is EXIT TEXT: exit EXIT and stdout exactly TEXT (one line).
out_is() {
	exit_is "$1" || return 1
	printf '%s\n' "$2" >"$T/.want"
	cmp -s "$T/.want" "$OUT" || { why="stdout is not exactly: $2"; return 1; }
}

# warns EXIT LINE: exit EXIT and LINE, whole, among the lines on stderr.
warns() {
	exit_is "$1" || return 1
	grep -q -x -F -e "$2" "$ERR" && return 0
	why="stderr lacks the line: $2"
	return 1
}

# quiet_err EXIT: exit EXIT and nothing on stderr.
quiet_err() {
	exit_is "$1" || return 1
	[ -s "$ERR" ] || return 0
	why="stderr: $(head -n 2 "$ERR")"
	return 1
}

is() {	# is GOT WANT
	[ "$1" = "$2" ] && return 0
	why="got '$1', want '$2'"
	return 1
}

# ls_is DIR "a b c": DIR holds exactly these names (dot files too).
ls_is() {
	is "$(ls -A "$1" | tr '\n' ' ' | sed 's/ $//')" "$2"
}

mode_is() {	# mode_is FILE 600
	is "$(stat -c %a "$1")" "$2"
}

same() {	# same A B: byte for byte
	cmp -s "$1" "$2" && return 0
	why="$1 and $2 differ"
	return 1
}

absent() {	# absent FILE...
	for f; do
		[ ! -e "$f" ] || { why="$f exists"; return 1; }
	done
}

ossl_ok() {	# ossl_ok ARGS...: openssl exits 0
	"$OPENSSL" "$@" >"$T/.o" 2>&1 && return 0
	why="openssl $*: $(head -n 2 "$T/.o" | tr '\n' ' ')"
	return 1
}

ossl_fails() {	# ossl_fails ARGS...: openssl exits non-zero
	"$OPENSSL" "$@" >"$T/.o" 2>&1 || return 0
	why="openssl $* succeeded"
	return 1
}

# What openssl reads in a CSR or certificate: the subject as /C=../CN=..,
# the SAN as DNS:a,IP:b ("-": none), one extension's value.
req_subject() {
	"$OPENSSL" req -in "$1" -noout -subject -nameopt compat |
	    sed 's/^subject=//'
}
crt_subject() {
	"$OPENSSL" x509 -in "$1" -noout -subject -nameopt compat |
	    sed 's/^subject=//'
}
# ext_of req|x509 FILE "Extension Name": the line after the header,
# "(none)" when absent; " critical" appended to the header's name.
ext_of() {
	"$OPENSSL" "$1" -in "$2" -noout -text | awk -v name="$3" '
	    index($0, name ":") { crit = index($0, "critical") ? " critical" : "";
		getline; sub(/^ +/, ""); print $0 crit; found = 1; exit }
	    END { if (!found) print "(none)" }'
}
san_of() {	# san_of req|x509 FILE
	ext_of "$1" "$2" "X509v3 Subject Alternative Name" |
	    sed 's/IP Address:/IP:/g; s/, /,/g; s/^(none)$/-/'
}

# subjects FILE: the subject of each PEM block of FILE, one per line, as
# `openssl x509 -noout -subject` prints it for that block alone.
subjects() {
	rm -f "$T"/.blk.*
	awk -v pre="$T/.blk." '
	    /-----BEGIN CERTIFICATE-----/ { n++; f = pre n }
	    f != "" { print > f }
	    /-----END CERTIFICATE-----/ { close(f); f = "" }' "$1"
	i=1
	while [ -f "$T/.blk.$i" ]; do
		"$OPENSSL" x509 -in "$T/.blk.$i" -noout -subject -nameopt compat
		i=$((i + 1))
	done
}

# valid_days FILE N: FILE's certificate ends between N-1 and N+1 days on.
valid_days() {
	"$OPENSSL" x509 -in "$1" -noout -checkend $((($2 - 1) * 86400)) \
	    >/dev/null || { why="$1 ends before $(($2 - 1)) days"; return 1; }
	! "$OPENSSL" x509 -in "$1" -noout -checkend $((($2 + 1) * 86400)) \
	    >/dev/null || { why="$1 lasts beyond $(($2 + 1)) days"; return 1; }
}

pem_of() {	# pem_of FILE...: each certificate as openssl x509 writes it
	for f; do "$OPENSSL" x509 -in "$f"; done
}

# ======================================================================
# meetcert csr

mkdir c1
run "$M" csr cb CN:cms1.example.com "O:Example Inc." \
    subjectAltName:join.example.com,192.0.2.10 --key ec256 --dir c1
ok "csr: made" out_has 0 "^Created key file c1/cb.key and CSR c1/cb.csr$" \
    "^  subject +CN=cms1.example.com$" \
    "^  subjectAltName +join.example.com,192.0.2.10,cms1.example.com$" \
    "^  key +ec256$" \
    "^  on the MMP +pki csr cb CN:cms1.example.com O:\"Example Inc.\" subjectAltName:join.example.com,192.0.2.10$"
ok "csr: nothing on stderr" quiet_err 0
ok "csr: the key and the CSR, nothing else" ls_is c1 "cb.csr cb.key"
ok "csr: the key is 0600" mode_is c1/cb.key 600
ok "csr: the CSR is 0644" mode_is c1/cb.csr 644
ok "csr: openssl req -verify" ossl_ok req -in c1/cb.csr -verify -noout
ok "csr: the subject" is "$(req_subject c1/cb.csr)" \
    "/O=Example Inc./CN=cms1.example.com"
ok "csr: SAN typed, the CN appended" is "$(san_of req c1/cb.csr)" \
    "DNS:join.example.com,IP:192.0.2.10,DNS:cms1.example.com"
ok "csr: KeyUsage digitalSignature, critical (EC)" \
    is "$(ext_of req c1/cb.csr "X509v3 Key Usage")" "Digital Signature critical"
ok "csr: EKU serverAuth and clientAuth" \
    is "$(ext_of req c1/cb.csr "X509v3 Extended Key Usage")" \
    "TLS Web Server Authentication, TLS Web Client Authentication"
ok "csr: signed with ecdsa-with-SHA256" \
    is "$("$OPENSSL" req -in c1/cb.csr -noout -text |
    sed -n 's/^ *Signature Algorithm: //p' | head -n 1)" "ecdsa-with-SHA256"
"$OPENSSL" req -in c1/cb.csr -noout -pubkey >pub-csr.pem
"$OPENSSL" pkey -in c1/cb.key -pubout >pub-key.pem
ok "csr: the CSR is the key's" same pub-csr.pem pub-key.pem
ok "csr: the key is unencrypted PKCS#8" \
    is "$(head -n 1 c1/cb.key)" "-----BEGIN PRIVATE KEY-----"

# Never overwritten: the same command again.
cp c1/cb.key cb.key.before
cp c1/cb.csr cb.csr.before
run "$M" csr cb CN:cms1.example.com "O:Example Inc." \
    subjectAltName:join.example.com,192.0.2.10 --key ec256 --dir c1
ok "csr again: refused, exit 2" err_is 2 "meetcert: c1/cb.key $EXISTS"
ok "csr again: the key unchanged" same c1/cb.key cb.key.before
ok "csr again: the CSR unchanged" same c1/cb.csr cb.csr.before
ok "csr again: no file added" ls_is c1 "cb.csr cb.key"

# A CSR alone under the name: no key is made beside it.
mkdir c2
echo "an old request" >c2/half.csr
run "$M" csr half CN:half.example.com --key ec256 --dir c2
ok "csr over an existing CSR: refused" err_is 2 "meetcert: c2/half.csr $EXISTS"
ok "csr over an existing CSR: no key made" ls_is c2 "half.csr"
echo "an old key" >c2/solo.key
run "$M" csr solo CN:solo.example.com --key ec256 --dir c2
ok "csr over an existing key: refused" err_is 2 "meetcert: c2/solo.key $EXISTS"
ok "csr over an existing key: no CSR made" ls_is c2 "half.csr solo.key"

# --dir: a directory that is not there.
run "$M" csr nodir CN:nodir.example.com --key ec256 --dir missing
ok "csr --dir missing: refused" err_is 2 \
    "meetcert: missing/nodir.key: cannot create it: No such file or directory"
ok "csr --dir missing: nothing made" absent missing

# The CSR cannot be written after the key was (a file size limit): the
# key goes too, and no temporary file stays.
mkdir c3
sans=a.example.com,b.example.com,c.example.com,d.example.com,e.example.com
sans=$sans,f.example.com,g.example.com,h.example.com
run sh -c 'trap "" XFSZ; ulimit -f 1; exec "$0" "$@"' "$M" csr big \
    CN:big.example.com "O:Example Incorporated" "OU:Unified Communications" \
    "subjectAltName:$sans" --key ec256 --dir c3
ok "csr whose CSR cannot be written: refused" err_is 2 \
    "meetcert: c3/big.csr: cannot write it: File too large"
ok "csr whose CSR cannot be written: no key, no temporary file" ls_is c3 ""

# Each key type, as openssl pkey reads it.
mkdir keys
keytype_is() {	# keytype_is BASENAME "Private-Key line" [NIST CURVE]
	is "$("$OPENSSL" pkey -in "keys/$1.key" -noout -text | head -n 1)" "$2" ||
	    return 1
	[ -z "$3" ] || "$OPENSSL" pkey -in "keys/$1.key" -noout -text |
	    grep -q -x -F "NIST CURVE: $3" || { why="not $3"; return 1; }
}
for kt in ec256 ec384 rsa2048 rsa3072 rsa4096; do
	case $kt in
	ec256) want="Private-Key: (256 bit)" curve=P-256 ;;
	ec384) want="Private-Key: (384 bit)" curve=P-384 ;;
	rsa*) want="Private-Key: (${kt#rsa} bit, 2 primes)" curve= ;;
	esac
	run_slow "$M" csr "k-$kt" CN:k.example.com subjectAltName:k.example.com \
	    --key "$kt" --dir keys
	ok "csr --key $kt: made" out_has 0 "^  key +$kt$"
	ok "csr --key $kt: openssl pkey -text" keytype_is "k-$kt" "$want" "$curve"
	ok "csr --key $kt: 0600" mode_is "keys/k-$kt.key" 600
	ok "csr --key $kt: openssl req -verify" \
	    ossl_ok req -in "keys/k-$kt.csr" -verify -noout
done
ok "csr --key rsa2048: KeyUsage adds keyEncipherment" \
    is "$(ext_of req keys/k-rsa2048.csr "X509v3 Key Usage")" \
    "Digital Signature, Key Encipherment critical"
ok "csr --key rsa2048: sha256WithRSAEncryption" \
    is "$("$OPENSSL" req -in keys/k-rsa2048.csr -noout -text |
    sed -n 's/^ *Signature Algorithm: //p' | head -n 1)" \
    "sha256WithRSAEncryption"
run "$M" csr k-default CN:k.example.com --dir keys
ok "csr without --key: rsa2048" out_has 0 "^  key +rsa2048$"
ok "csr without --key: an RSA 2048 key" \
    keytype_is k-default "Private-Key: (2048 bit, 2 primes)"
ok "csr without a SAN: a warning to add one" warns 0 \
    "warning: keys/k-default.csr $NO_SAN subjectAltName:k.example.com"

# --no-usage: no KeyUsage, no EKU; the SAN stays.
run "$M" csr nou CN:nou.example.com subjectAltName:nou.example.com \
    --no-usage --key ec256
ok "csr --no-usage: made" out_has 0 "^Created key file nou.key and CSR nou.csr$"
ok "csr --no-usage: no KeyUsage" \
    is "$(ext_of req nou.csr "X509v3 Key Usage")" "(none)"
ok "csr --no-usage: no EKU" \
    is "$(ext_of req nou.csr "X509v3 Extended Key Usage")" "(none)"
ok "csr --no-usage: the SAN" is "$(san_of req nou.csr)" "DNS:nou.example.com"

# ---- csr refusals: one line, the reason, a suggested name; no file made

mkdir r
refuse() {	# refuse DESC MESSAGE ARGS...: meetcert csr ARGS in r/
	desc=$1 msg=$2
	shift 2
	run "$M" csr "$@" --key ec256 --dir r
	ok "csr refuses $desc" err_is 2 "meetcert: $msg"
	ok "csr refuses $desc: no file made" ls_is r ""
}
refuse "a basename with '.'" \
    "basename 'base.name' has a '.' (the MMP takes one '.' only, before the extension); $LETTERS 'base-name'" \
    base.name CN:a.example.com
refuse "a basename with '_'" \
    "basename 'base_name' has a '_' (the guide forbids it); $LETTERS 'base-name'" \
    base_name CN:a.example.com
refuse "a basename with a space" \
    "basename 'base name' has a space; $LETTERS 'base-name'" \
    "base name" CN:a.example.com
refuse "a basename with another character" \
    "basename 'web@bridge' has a character other than letters, digits and hyphens; $LETTERS 'web-bridge'" \
    web@bridge CN:a.example.com
refuse "a basename with a path" \
    "basename 'sub/cb' has a character other than letters, digits and hyphens; $LETTERS 'sub-cb'" \
    sub/cb CN:a.example.com
refuse "an empty basename" \
    "the basename is empty; give one such as callbridge" \
    "" CN:a.example.com
refuse "a SAN list with a space" \
    "subjectAltName 'a.example.com, b.example.com' has a space; the list takes no spaces: a.example.com,b.example.com" \
    cb CN:cms1.example.com "subjectAltName:a.example.com, b.example.com"
refuse "a SAN list with an empty item" \
    "subjectAltName 'a.example.com,,b.example.com' has an empty item; remove the extra comma" \
    cb CN:cms1.example.com subjectAltName:a.example.com,,b.example.com
refuse "a SAN list ending in a comma" \
    "subjectAltName 'a.example.com,' ends with a comma: was there a space after it? The list takes no spaces: a.example.com,b.example.com" \
    cb CN:cms1.example.com subjectAltName:a.example.com,
refuse "an empty SAN list" \
    "subjectAltName is empty; list names as subjectAltName:a.example.com,b.example.com or leave it out" \
    cb CN:cms1.example.com subjectAltName:
refuse "a SAN name that is no FQDN" \
    "subjectAltName 'cms2' $NOT_FQDN" \
    cb CN:cms1.example.com subjectAltName:cms2
refuse "a SAN e-mail that is none" \
    "subjectAltName 'pki@' is not an e-mail address; write it as name@example.com" \
    cb CN:cms1.example.com subjectAltName:pki@
refuse "a C of three letters" \
    "C 'USA' is not a two-letter country code; use the ISO code, such as US, GB or DE" \
    cb CN:cms1.example.com C:USA
refuse "a C with a digit" \
    "C 'U1' is not a two-letter country code; use the ISO code, such as US, GB or DE" \
    cb CN:cms1.example.com C:U1
refuse "a CN that is no FQDN" \
    "CN 'cms1' $CN_NOT_FQDN" \
    cb CN:cms1
refuse "a CN with a trailing hyphen" \
    "CN 'cms-.example.com' $CN_NOT_FQDN" \
    cb CN:cms-.example.com
refuse "a missing CN" "the CN is missing; give CN:host.example.com" \
    cb "O:Example Inc."
refuse "an unknown attribute" \
    "'SAN' is not an attribute; use CN, OU, O, L, ST, C, emailAddress or subjectAltName, as in CN:host.example.com" \
    cb CN:cms1.example.com SAN:a.example.com
refuse "an attribute without a colon" \
    "'cms1.example.com' is not an attribute; write it as KEY:value, such as CN:host.example.com or O:\"Example Inc.\"" \
    cb cms1.example.com
refuse "a CN given twice" "CN is given twice; give it once" \
    cb CN:cms1.example.com CN:cms2.example.com
refuse "a SAN given twice" "subjectAltName is given twice; give one list" \
    cb CN:cms1.example.com subjectAltName:a.example.com \
    subjectAltName:b.example.com
refuse "an empty O" "O is empty; give a value or leave it out" \
    cb CN:cms1.example.com O:
refuse "an e-mail that is none" \
    "emailAddress 'pki' is not an e-mail address; write it as name@example.com" \
    cb CN:cms1.example.com emailAddress:pki
# X.520 bounds: a CN or O of more than 64 characters cannot be encoded.
LONG_HOST=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com
LONG_ORG=Example-Incorporated-With-A-Rather-Long-Name-For-Its-Organization
run "$M" csr cb "CN:$LONG_HOST" --key ec256 --dir r
ok "csr refuses a CN of 75 characters, saying why" err_has 2 "CN.*64"
run "$M" csr cb CN:cms1.example.com "O:$LONG_ORG" --key ec256 --dir r
ok "csr refuses an O of 65 characters, saying why" err_has 2 "O.*64"
ok "csr with a too long CN or O: nothing made" ls_is r ""
run "$M" csr cb CN:cms1.example.com --key dsa --dir r
ok "csr refuses an unknown --key" err_is 2 \
    "meetcert: --key: 'dsa' is not a key type; use rsa2048, rsa3072, rsa4096, ec256 or ec384"
run "$M" csr cb CN:cms1.example.com --ca --key ec256 --dir r
ok "csr --ca: usage" err_has 2 "^usage: meetcert csr BASENAME CN:value"
run "$M" csr cb CN:cms1.example.com --days 5 --key ec256 --dir r
ok "csr --days: usage" err_has 2 "^usage: meetcert csr "
run "$M" csr
ok "csr without a basename: usage" err_has 2 "^usage: meetcert csr "
ok "csr refusals: nothing made at all" ls_is r ""

# ---- the guide's and the lab's own lines (tests/data/pki-lines.txt)

# golden VERB: each `pki VERB` line of the file that is not refused, run as
# meetcert VERB, with the subject and SAN the file gives.
golden() {
	verb=$1 min=$2
	awk -v verb="$verb" '
	    /^pki / { if (cmd != "" && !refused) print cmd "\t" subj "\t" san
		cmd = ""; refused = 0
		if ($2 == verb) cmd = substr($0, length("pki " verb " ") + 1) }
	    /^\tsubject / { subj = substr($0, 10) }
	    /^\tsan / { san = substr($0, 6) }
	    /^\trefused / { refused = 1 }
	    END { if (cmd != "" && !refused) print cmd "\t" subj "\t" san }' \
	    "$top_srcdir/tests/data/pki-lines.txt" >"golden-$verb.txt"
	n=0
	while IFS='	' read -r cmd subj san; do
		n=$((n + 1))
		mkdir "g-$verb-$n"
		eval "set -- $cmd"
		# pki selfsigned dbca makes the database CA: meetcert's --ca.
		case $verb$1 in
		selfsigneddbca) set -- "$@" --ca ;;
		esac
		run "$M" "$verb" "$@" --key ec256 --dir "g-$verb-$n"
		ok "pki $verb $cmd: meetcert makes it" exit_is 0
		if [ "$verb" = csr ]; then
			f=g-$verb-$n/$1.csr kind=req
			ok "pki $verb $cmd: openssl req -verify" \
			    ossl_ok req -in "$f" -verify -noout
			got=$(req_subject "$f")
		else
			f=g-$verb-$n/$1.crt kind=x509
			got=$(crt_subject "$f")
		fi
		ok "pki $verb $cmd: subject $subj" is "$got" "$subj"
		ok "pki $verb $cmd: SAN $san" is "$(san_of $kind "$f")" "$san"
	done <"golden-$verb.txt"
	ok "golden: $n pki $verb lines run (at least $min)" test "$n" -ge "$min"
}
golden csr 20
golden selfsigned 3

# The guide's test3 as printed, the spaces after its commas split by the
# shell as by the MMP: refused.
cmd=$(grep '^pki csr test3 .*, ' "$top_srcdir/tests/data/pki-lines.txt" |
    sed 's/^pki csr //')
mkdir g-test3
eval "set -- $cmd"
run "$M" csr "$@" --key ec256 --dir g-test3
ok "pki csr test3 with spaces in its list: refused" err_is 2 \
    "meetcert: subjectAltName 'exampledemo.com,' ends with a comma: was there a space after it? The list takes no spaces: a.example.com,b.example.com"
ok "pki csr test3 with spaces: nothing made" ls_is g-test3 ""
ok "pki csr test3 with spaces: the message names the space" \
    err_has 2 "space"

# ======================================================================
# meetcert selfsigned

mkdir s
run "$M" selfsigned lab --key ec256 --dir s
ok "selfsigned: made" out_has 0 \
    "^Created key file s/lab.key and self-signed certificate s/lab.crt$" \
    "^  subject +CN=lab$"
ok "selfsigned: the key 0600" mode_is s/lab.key 600
ok "selfsigned: the CN is the basename" is "$(crt_subject s/lab.crt)" "/CN=lab"
ok "selfsigned: it signs itself" ossl_ok verify -no-CApath -no-CAstore \
    -CAfile s/lab.crt s/lab.crt
ok "selfsigned: a server" ossl_ok verify -no-CApath -no-CAstore \
    -CAfile s/lab.crt -purpose sslserver s/lab.crt
ok "selfsigned: a client" ossl_ok verify -no-CApath -no-CAstore \
    -CAfile s/lab.crt -purpose sslclient s/lab.crt
ok "selfsigned: CA:FALSE" \
    is "$(ext_of x509 s/lab.crt "X509v3 Basic Constraints")" "CA:FALSE critical"
ok "selfsigned: 365 days by default" valid_days s/lab.crt 365
run "$M" selfsigned lab --key ec256 --dir s
ok "selfsigned again: refused" err_is 2 "meetcert: s/lab.key $EXISTS"

run "$M" selfsigned web CN:web.example.com subjectAltName:join.example.com \
    --days 30 --key ec256 --dir s
ok "selfsigned with CN and SAN: made" exit_is 0
ok "selfsigned: the CN appended to the SAN" \
    is "$(san_of x509 s/web.crt)" "DNS:join.example.com,DNS:web.example.com"
ok "selfsigned --days 30" valid_days s/web.crt 30
ok "selfsigned: EKU server and client" \
    is "$(ext_of x509 s/web.crt "X509v3 Extended Key Usage")" \
    "TLS Web Server Authentication, TLS Web Client Authentication"
run "$M" selfsigned web2 CN:web2.example.com --key ec256 --dir s
ok "selfsigned without a SAN: a warning" warns 0 \
    "warning: s/web2.crt $NO_SAN subjectAltName:web2.example.com"
run "$M" selfsigned web3 CN:web3 --key ec256 --dir s
ok "selfsigned: a leaf's CN must be an FQDN" err_is 2 \
    "meetcert: CN 'web3' $CN_NOT_FQDN"

# --ca: the database cluster's dedicated CA (guide §3.1.4).
run "$M" selfsigned dbca "CN:My company CA" --ca --key ec256
ok "selfsigned --ca: made" out_has 0 \
    "^Created key file dbca.key and self-signed CA certificate dbca.crt$"
ok "selfsigned --ca: no SAN warning for a CA" quiet_err 0
ok "selfsigned --ca: the subject" is "$(crt_subject dbca.crt)" "/CN=My company CA"
ok "selfsigned --ca: critical CA:TRUE" \
    is "$(ext_of x509 dbca.crt "X509v3 Basic Constraints")" "CA:TRUE critical"
ok "selfsigned --ca: keyCertSign, cRLSign" \
    is "$(ext_of x509 dbca.crt "X509v3 Key Usage")" \
    "Certificate Sign, CRL Sign critical"
ok "selfsigned --ca: an SKI" ossl_ok x509 -in dbca.crt -noout -ext \
    subjectKeyIdentifier
ok "selfsigned --ca: 3650 days by default" valid_days dbca.crt 3650
ok "selfsigned --ca: the key 0600" mode_is dbca.key 600
run "$M" selfsigned shortca "CN:Short CA" --ca --days 400 --key ec256
ok "selfsigned --ca --days 400" valid_days shortca.crt 400
for d in 0 36501 -1 x ""; do
	run "$M" selfsigned bad CN:bad.example.com --days "$d" --key ec256
	ok "selfsigned --days '$d': refused" err_is 2 \
	    "meetcert: --days: '$d' is not a number of days from 1 to 36500"
done
run "$M" selfsigned bad CN:bad.example.com --no-usage --key ec256
ok "selfsigned --no-usage: usage" err_has 2 "^usage: meetcert selfsigned "
ok "selfsigned refusals: nothing made" absent bad.key bad.crt

# ======================================================================
# meetcert sign, checked by openssl verify

OV="verify -no-CApath -no-CAstore -CAfile dbca.crt"
mkcsr() {	# mkcsr BASENAME CN [SAN]
	run "$M" csr "$1" "CN:$2" ${3:+"subjectAltName:$3"} --key ec256
	[ "$rc" -eq 0 ] || { echo "Bail out! csr $1: $(cat "$ERR")"; exit 99; }
}
mkcsr dbserver cms1a.example.com cms1b.example.com,cms1c.example.com
mkcsr dbclient postgres
mkcsr cb cms1.example.com cms1.example.com,join.example.com
mkcsr sub db.example.com

run "$M" sign dbserver dbca --usage server
ok "sign --usage server: signed" out_is 0 \
    "Signed dbserver.csr with dbca.crt into dbserver.crt (valid 365 days)"
# shellcheck disable=SC2086
ok "sign --usage server: openssl verify -purpose sslserver" \
    ossl_ok $OV -purpose sslserver dbserver.crt
# shellcheck disable=SC2086
ok "sign --usage server: not sslclient" ossl_fails $OV -purpose sslclient dbserver.crt
ok "sign --usage server: the SAN copied" is "$(san_of x509 dbserver.crt)" \
    "DNS:cms1b.example.com,DNS:cms1c.example.com,DNS:cms1a.example.com"
ok "sign --usage server: EKU serverAuth" \
    is "$(ext_of x509 dbserver.crt "X509v3 Extended Key Usage")" \
    "TLS Web Server Authentication"
ok "sign: CA:FALSE" \
    is "$(ext_of x509 dbserver.crt "X509v3 Basic Constraints")" "CA:FALSE critical"
ok "sign: 365 days by default" valid_days dbserver.crt 365
ok "sign: the certificate is 0644" mode_is dbserver.crt 644
ok "sign: AKI is the CA's SKI" is \
    "$(ext_of x509 dbserver.crt "X509v3 Authority Key Identifier" | sed 's/^keyid://')" \
    "$(ext_of x509 dbca.crt "X509v3 Subject Key Identifier")"
run "$M" verify dbserver.crt dbca.crt --role server
ok "sign --usage server: meetcert verify --role server" out_has 0 "verified"
run "$M" verify dbserver.crt dbca.crt --role client
ok "sign --usage server: meetcert verify --role client fails" exit_is 1

run "$M" sign dbclient dbca --usage client --days 730
ok "sign --usage client --days 730: signed" out_is 0 \
    "Signed dbclient.csr with dbca.crt into dbclient.crt (valid 730 days)"
# shellcheck disable=SC2086
ok "sign --usage client: openssl verify -purpose sslclient" \
    ossl_ok $OV -purpose sslclient dbclient.crt
# shellcheck disable=SC2086
ok "sign --usage client: not sslserver" ossl_fails $OV -purpose sslserver dbclient.crt
ok "sign --days 730" valid_days dbclient.crt 730
ok "sign --usage client: the subject postgres" is "$(crt_subject dbclient.crt)" \
    "/CN=postgres"

run "$M" sign cb dbca
ok "sign (both by default): signed" exit_is 0
# shellcheck disable=SC2086
ok "sign both: sslserver" ossl_ok $OV -purpose sslserver cb.crt
# shellcheck disable=SC2086
ok "sign both: sslclient" ossl_ok $OV -purpose sslclient cb.crt
# shellcheck disable=SC2086
ok "sign both: the host name" ossl_ok $OV -verify_hostname join.example.com cb.crt

run "$M" sign sub dbca --usage ca
ok "sign --usage ca: signed" exit_is 0
ok "sign --usage ca: critical CA:TRUE" \
    is "$(ext_of x509 sub.crt "X509v3 Basic Constraints")" "CA:TRUE critical"
mkcsr under under.example.com under.example.com
run "$M" sign under sub
ok "sign with the sub-CA: signed" exit_is 0
ok "sign --usage ca: what it signs verifies through it" \
    ossl_ok verify -no-CApath -no-CAstore -CAfile dbca.crt -untrusted sub.crt \
    -purpose sslserver under.crt

# Never overwritten.
cp dbserver.crt dbserver.crt.before
run "$M" sign dbserver dbca --usage server
ok "sign again: refused" err_is 2 "meetcert: dbserver.crt $EXISTS"
ok "sign again: the certificate unchanged" same dbserver.crt dbserver.crt.before

# The CA expires before what it signs.
mkcsr long long.example.com long.example.com
run "$M" sign long shortca --days 1000
ok "sign beyond the CA's end: a warning" warns 0 \
    "warning: shortca.crt expires before long.crt; renew the CA in time or the certificate stops being trusted then"

# An encrypted CA key, its passphrase from a file descriptor.
"$OPENSSL" pkey -in dbca.key -aes256 -passout pass:s3cret -out encca.key
cp dbca.crt encca.crt
echo s3cret >pass.txt
echo wrong >wrong.txt
mkcsr enc1 enc1.example.com enc1.example.com
run "$M" sign enc1 encca --passphrase-fd 3 3<pass.txt
ok "sign with an encrypted CA key, --passphrase-fd" out_is 0 \
    "Signed enc1.csr with encca.crt into enc1.crt (valid 365 days)"
# shellcheck disable=SC2086
ok "sign with an encrypted CA key: verifies" ossl_ok $OV enc1.crt
mkcsr enc2 enc2.example.com enc2.example.com
run "$M" sign enc2 encca --passphrase-fd 3 3<wrong.txt
ok "sign with the wrong passphrase: refused" err_is 2 \
    "meetcert: encca.key: wrong passphrase for the private key; try again or check which key this is"
run "$M" sign enc2 encca
ok "sign with an encrypted key and no passphrase: refused" err_is 2 \
    "meetcert: encca.key: the private key is encrypted; give its passphrase on the terminal or with --passphrase-fd N"
run "$M" sign enc2 encca --passphrase-fd 9
ok "sign --passphrase-fd of a closed descriptor: refused" err_is 2 \
    "meetcert: --passphrase-fd: file descriptor 9 is not open; open it for the command (as in 3<passfile)"
ok "sign refusals: no certificate made" absent enc2.crt

# Refusals.
mkcsr tamper www.example.com www.example.com
"$OPENSSL" req -in tamper.csr -outform DER -out tamper.der
perl -0777 -pi -e 's/www\.example/wxw.example/' tamper.der
rm tamper.csr
"$OPENSSL" req -inform DER -in tamper.der -out tamper.csr
run "$M" sign tamper dbca
ok "sign a tampered CSR: refused, exit 1" err_is 1 \
    "meetcert: cannot sign tamper.csr with dbca.crt: the CSR's signature \
does not verify: it was altered or damaged; make the CSR again"
ok "sign a tampered CSR: no certificate" absent tamper.crt

newkey ec other.key
cp other.key wrongca.key
cp dbca.crt wrongca.crt
mkcsr r1 r1.example.com r1.example.com
run "$M" sign r1 wrongca
ok "sign with a CA key not the CA's: refused, exit 1" err_is 1 \
    "meetcert: cannot sign r1.csr with wrongca.crt: the CA key does not \
belong to the CA certificate; give the key and certificate made together"
cp dbclient.csr s/dbclient.csr
run "$M" sign dbclient web --dir s
ok "sign with a CA that is no CA: refused, exit 1" err_is 1 \
    "meetcert: cannot sign s/dbclient.csr with s/web.crt: the CA \
certificate is not a CA (no CA:TRUE); make one with meetcert selfsigned --ca"
ok "sign with a CA that is no CA: no certificate" absent s/dbclient.crt
run "$M" sign nothere dbca
ok "sign a CSR that is not there: refused" err_is 2 \
    "meetcert: nothere.csr: no such file; check the path"
for d in 0 36501 ten; do
	run "$M" sign cb dbca --days "$d"
	ok "sign --days $d: refused" err_is 2 \
	    "meetcert: --days: '$d' is not a number of days from 1 to 36500"
done
run "$M" sign cb dbca --usage web
ok "sign --usage web: refused" err_is 2 \
    "meetcert: --usage: 'web' is not server, client, both or ca"
run "$M" sign cb.csr dbca
ok "sign a file name, not a basename: refused" err_is 2 \
    "meetcert: basename 'cb.csr' has a '.' (the MMP takes one '.' only, \
before the extension); $LETTERS 'cb-csr'"
run "$M" sign cb db_ca
ok "sign with a CA basename with '_': refused" err_is 2 \
    "meetcert: basename 'db_ca' has a '_' (the guide forbids it); use letters, digits and hyphens, such as 'db-ca'"
run "$M" sign cb
ok "sign without a CA: usage" err_has 2 "^usage: meetcert sign "

# ======================================================================
# The other way: meetcert's CSRs signed by openssl as a stand-in CA.

pki	# lib.sh: root.pem, inter.pem, chain.pem, ec.key, server-ec.pem
mkcsr ext ext.example.com ext.example.com,join.example.com
"$OPENSSL" x509 -req -in ext.csr -CA inter.pem -CAkey inter.key \
    -CAcreateserial -days 30 -copy_extensions copy -out ext-ossl.pem \
    >/dev/null 2>&1
run "$M" verify ext-ossl.pem chain.pem --role server --name join.example.com
ok "openssl x509 -req keeps meetcert's requested extensions: verify as server" \
    out_has 0 "verified"
run "$M" verify ext-ossl.pem chain.pem --role client
ok "openssl x509 -req keeps meetcert's requested extensions: verify as client" \
    out_has 0 "verified"
sign dbclient.csr inter.pem inter.key client dbclient-ossl.pem
run "$M" verify dbclient-ossl.pem chain.pem --role client
ok "a meetcert CSR signed by openssl as a client: meetcert verify" \
    out_has 0 "verified"

# ======================================================================
# meetcert certreq (guide §3.3)

run "$M" certreq cb
ok "certreq: the Computer template by default" out_is 0 \
    'certreq -submit -attrib "CertificateTemplate:Computer" cb.csr cb.cer'
run "$M" certreq webbridge3 --template WebServer
ok "certreq --template" out_is 0 \
    'certreq -submit -attrib "CertificateTemplate:WebServer" webbridge3.csr webbridge3.cer'
run "$M" certreq cb --template "Cisco CMS"
ok "certreq --template with a space" out_is 0 \
    'certreq -submit -attrib "CertificateTemplate:Cisco CMS" cb.csr cb.cer'
run "$M" certreq cb --template 'Web"Server'
ok "certreq --template with a quote: refused" err_is 2 \
    "meetcert: --template: 'Web\"Server' is not a template name; give the name as AD CS lists it, such as WebServer"
run "$M" certreq cb --template ""
ok "certreq --template empty: refused" err_is 2 \
    "meetcert: --template: '' is not a template name; give the name as AD CS lists it, such as WebServer"
run "$M" certreq cb_1
ok "certreq with a bad basename: refused" err_is 2 \
    "meetcert: basename 'cb_1' has a '_' (the guide forbids it); use letters, digits and hyphens, such as 'cb-1'"
run "$M" certreq
ok "certreq without a basename: usage" err_has 2 "^usage: meetcert certreq "

# ======================================================================
# meetcert split: whatever the CA returned

newkey ec other2.key
issue other2.key other.example.com inter.pem inter.key server other-leaf.pem
selfsigned other2.key "Other Root" root other-root.pem
pem_of server-ec.pem >want-leaf.pem
pem_of inter.pem root.pem >want-chain.pem
ROOT_SUBJ="subject=/CN=Test Root CA"
INTER_SUBJ="subject=/CN=Test Issuing CA"
LEAF_SUBJ="subject=/CN=cms.example.com"

# split_ok DESC FILE [--key KEY]: the leaf and the two-certificate chain.
split_ok() {
	desc=$1 in=$2
	shift 2
	n=$((n + 1))
	run "$M" split "$in" "$@" --leaf "sl$n.crt" --chain "sc$n.pem"
	ok "split $desc: done" out_has 0 "^Wrote the leaf to sl$n.crt$" \
	    "^Wrote 2 chain certificates to sc$n.pem \(issuer of the leaf first, root last\)$"
	ok "split $desc: nothing on stderr" quiet_err 0
	ok "split $desc: the leaf" same "sl$n.crt" want-leaf.pem
	ok "split $desc: the chain, issuer first, root last" \
	    same "sc$n.pem" want-chain.pem
	ok "split $desc: openssl x509 per block" is "$(subjects "sc$n.pem" |
	    tr '\n' '|')" "$INTER_SUBJ|$ROOT_SUBJ|"
}
n=0
{
	"$OPENSSL" x509 -in root.pem -text
	"$OPENSSL" x509 -in server-ec.pem -text
	"$OPENSSL" x509 -in inter.pem -text
} >text.pem
split_ok "PEM with text, shuffled" text.pem
split_ok "PEM with text, --key" text.pem --key ec.key
cat inter.pem root.pem server-ec.pem | sed 's/$/\r/' >crlf.cer
split_ok "CRLF PEM, leaf last" crlf.cer
"$OPENSSL" crl2pkcs7 -nocrl -certfile root.pem -certfile server-ec.pem \
    -certfile inter.pem -out p7b.pem
split_ok ".p7b PEM" p7b.pem
"$OPENSSL" crl2pkcs7 -nocrl -certfile inter.pem -certfile root.pem \
    -certfile server-ec.pem -outform DER -out ca.p7b
split_ok ".p7b DER" ca.p7b
split_ok ".p7b DER, --key" ca.p7b --key ec.key
cat root.pem server-ec.pem root.pem inter.pem server-ec.pem >dups.pem
run "$M" split dups.pem --leaf dl.crt --chain dc.pem
ok "split: the leaf twice in the file" exit_is 0

# DER: one certificate, no chain.
"$OPENSSL" x509 -in server-ec.pem -outform DER -out leaf.der
run "$M" split leaf.der --leaf l-der.crt --chain c-der.pem
ok "split DER: the leaf written" out_has 0 "^Wrote the leaf to l-der.crt$"
ok "split DER: a warning that there is no chain" warns 0 \
    "warning: leaf.der holds no chain for the leaf, so c-der.pem was not \
written; get the intermediate and root certificates from the CA"
ok "split DER: the leaf as PEM" same l-der.crt want-leaf.pem
ok "split DER: no chain file" absent c-der.pem

# A chain without its root.
cat inter.pem server-ec.pem >noroot.pem
run "$M" split noroot.pem --leaf l-nr.crt --chain c-nr.pem
ok "split without the root: written" out_has 0 \
    "^Wrote 1 chain certificate to c-nr.pem \(issuer of the leaf first, root last\)$"
ok "split without the root: a warning naming it" warns 0 \
    "warning: the chain ends below its root: add the certificate of \"CN=Test Root CA\" (from the CA) before bundling"
ok "split without the root: the intermediate" is "$(subjects c-nr.pem)" \
    "$INTER_SUBJ"

# Two leaves and a stranger: --key picks, the rest is left out.
"$OPENSSL" crl2pkcs7 -nocrl -certfile other-leaf.pem -certfile root.pem \
    -certfile server-ec.pem -certfile other-root.pem -certfile inter.pem \
    -out mixed.p7b
run "$M" split mixed.p7b --leaf l-mx.crt --chain c-mx.pem
ok "split two leaves without --key: refused, exit 1" err_is 1 \
    "meetcert: mixed.p7b: 3 certificates issue no other (mixed.p7b #1 \
(CN=other.example.com), mixed.p7b #3 (CN=cms.example.com), mixed.p7b #4 \
(CN=Other Root)); give --key with the private key to pick the leaf"
ok "split refused: nothing written" absent l-mx.crt c-mx.pem
run "$M" split mixed.p7b --key ec.key --leaf l-mx.crt --chain c-mx.pem
ok "split --key: the key's certificate" exit_is 0
ok "split --key: the leaf" same l-mx.crt want-leaf.pem
ok "split --key: its chain" same c-mx.pem want-chain.pem
ok "split --key: the other leaf left out, said so" warns 0 \
    "warning: mixed.p7b #1 (CN=other.example.com) is not in the leaf's chain; left out"
ok "split --key: the other root left out, said so" warns 0 \
    "warning: mixed.p7b #4 (CN=Other Root) is not in the leaf's chain; left out"
"$OPENSSL" pkey -in ec.key -aes256 -passout pass:s3cret -out ec-enc.key
run "$M" split mixed.p7b --key ec-enc.key --passphrase-fd 3 \
    --leaf l-enc.crt --chain c-enc.pem 3<pass.txt
ok "split --key encrypted, --passphrase-fd: the key's certificate" exit_is 0
ok "split --key encrypted: the leaf" same l-enc.crt want-leaf.pem
run "$M" split mixed.p7b --key ec-enc.key --leaf l-enc2.crt --chain c-enc2.pem
ok "split --key encrypted without a passphrase: refused" err_is 2 \
    "meetcert: ec-enc.key: the private key is encrypted; give its passphrase on the terminal or with --passphrase-fd N"
ok "split refused: nothing written" absent l-enc2.crt c-enc2.pem
run "$M" split p7b.pem --key other.key --leaf l-ok.crt --chain c-ok.pem
ok "split --key of no certificate: refused, exit 1" err_is 1 \
    "meetcert: p7b.pem: no certificate matches the key; the CA returned \
the certificate of another CSR, or this is not its key"

# Output names (App. B), both checked before anything is written.
run "$M" split p7b.pem --leaf leaf.key --chain c-n1.pem
ok "split --leaf .key: refused" err_is 2 \
    "meetcert: leaf.key: the Meeting Server takes .pem, .der, .cer or .crt here, not .key"
run "$M" split p7b.pem --leaf l-n2.crt --chain chain.der
ok "split --chain .der: refused" err_is 2 \
    "meetcert: chain.der: the Meeting Server takes .pem, .cer or .crt here, not .der"
run "$M" split p7b.pem --leaf my_leaf.crt --chain c-n3.pem
ok "split --leaf with '_': refused" err_is 2 \
    "meetcert: my_leaf.crt: basename 'my_leaf' has a '_' (the guide \
forbids it); $LETTERS 'my-leaf'"
run "$M" split p7b.pem --leaf l-n4.crt --chain cb.chain.pem
ok "split --chain with two dots: refused" err_is 2 \
    "meetcert: cb.chain.pem: a Meeting Server file name has exactly one '.', before its extension (.pem, .cer or .crt)"
run "$M" split p7b.pem --leaf same.pem --chain same.pem
ok "split --leaf and --chain the same: refused" err_is 2 \
    "meetcert: --leaf and --chain name the same file same.pem; give two names"
run "$M" split p7b.pem --leaf sl1.crt --chain c-n5.pem
ok "split over an existing leaf: refused" err_is 2 "meetcert: sl1.crt $EXISTS"
ok "split refusals: nothing written" absent l-n2.crt c-n1.pem l-n4.crt \
    c-n3.pem c-n5.pem same.pem
ok "split over an existing leaf: it is unchanged" same sl1.crt want-leaf.pem
run "$M" split p7b.pem --leaf l-n6.crt
ok "split without --chain: usage" err_has 2 "^usage: meetcert split "

# ======================================================================
# meetcert bundle (guide §1.2.4)

pem_of server-ec.pem inter.pem root.pem >want-full.pem
run "$M" bundle --fullchain full.pem server-ec.pem root.pem chain.pem \
    inter.pem root.pem
ok "bundle --fullchain from shuffled inputs with duplicates" out_is 0 \
    "Wrote the full chain full.pem: 3 certificates, leaf first, root last"
ok "bundle --fullchain: nothing on stderr" quiet_err 0
ok "bundle --fullchain: the exact bytes" same full.pem want-full.pem
ok "bundle --fullchain: leaf, issuer, root" is "$(subjects full.pem |
    tr '\n' '|')" "$LEAF_SUBJ|$INTER_SUBJ|$ROOT_SUBJ|"
run "$M" verify server-ec.pem full.pem
ok "bundle --fullchain: meetcert verify with it finds no format fault" \
    quiet_err 0

# Inputs in every form; the output always the guide's format.
{ printf 'Bag Attributes\n\n'; cat server-ec.pem; printf '\n\n'; } >leaf-text.pem
"$OPENSSL" x509 -in root.pem -outform DER -out root.der
run "$M" bundle --fullchain full2.cer leaf-text.pem crlf.cer root.der ca.p7b
ok "bundle --fullchain from text, CRLF, DER and .p7b inputs" exit_is 0
ok "bundle --fullchain from every form: the exact bytes" same full2.cer \
    want-full.pem

run "$M" bundle --fullchain broken.pem server-ec.pem root.pem
ok "bundle a broken chain: refused, exit 1, the missing issuer named" \
    err_is 1 "meetcert: the chain is broken: server-ec.pem #1 \
(CN=cms.example.com) was issued by \"CN=Test Issuing CA\", $NOT_GIVEN"
ok "bundle a broken chain: nothing written" absent broken.pem
run "$M" bundle --fullchain broken.pem server-ec.pem inter.pem
ok "bundle without the root: refused, the root named" err_is 1 \
    "meetcert: the chain is broken: inter.pem #1 (CN=Test Issuing CA) was \
issued by \"CN=Test Root CA\", $NOT_GIVEN"

ca_init
csr ec.key cms.example.com old.csr
ca_sign old.csr 20200101000000Z 20210101000000Z expired.pem
run "$M" bundle --fullchain old-full.pem expired.pem chain.pem
ok "bundle with an expired member: written" exit_is 0
ok "bundle with an expired member: warned" warns 0 \
    "warning: expired.pem #1 (CN=cms.example.com) has expired; get the CA's current certificate"

run "$M" bundle --fullchain extra.pem server-ec.pem chain.pem other-root.pem
ok "bundle --fullchain with a stranger: written" exit_is 0
ok "bundle --fullchain with a stranger: left out, said so" warns 0 \
    "warning: other-root.pem #1 (CN=Other Root) is not in the leaf's chain; left out"
ok "bundle --fullchain with a stranger: the chain only" same extra.pem want-full.pem

# --trust: a set, in the order given, duplicates removed.
pem_of other-root.pem root.pem inter.pem >want-trust.pem
run "$M" bundle --trust trust.crt other-root.pem root.der root.pem chain.pem
ok "bundle --trust: written" out_is 0 "Wrote the trust bundle trust.crt"
ok "bundle --trust: the exact bytes" same trust.crt want-trust.pem
run "$M" bundle --trust trust2.pem expired.pem root.pem
ok "bundle --trust with an expired member: warned" warns 0 \
    "warning: expired.pem #1 (CN=cms.example.com) has expired; get the CA's current certificate"

# Names and files.
cp full.pem full.pem.before
run "$M" bundle --fullchain full.pem server-ec.pem chain.pem
ok "bundle over an existing file: refused" err_is 2 "meetcert: full.pem $EXISTS"
ok "bundle over an existing file: unchanged" same full.pem full.pem.before
run "$M" bundle --fullchain full.der server-ec.pem chain.pem
ok "bundle to .der: refused" err_is 2 \
    "meetcert: full.der: the Meeting Server takes .pem, .cer or .crt here, not .der"
run "$M" bundle --trust trust.key root.pem
ok "bundle to .key: refused" err_is 2 \
    "meetcert: trust.key: the Meeting Server takes .pem, .cer or .crt here, not .key"
run "$M" bundle --fullchain my_chain.pem server-ec.pem chain.pem
ok "bundle to a name with '_': refused" err_is 2 \
    "meetcert: my_chain.pem: basename 'my_chain' has a '_' (the guide \
forbids it); $LETTERS 'my-chain'"
run "$M" bundle --fullchain cb.full.pem server-ec.pem chain.pem
ok "bundle to a name with two dots: refused" err_is 2 \
    "meetcert: cb.full.pem: a Meeting Server file name has exactly one '.', before its extension (.pem, .cer or .crt)"
run "$M" bundle --fullchain nocert.pem ec.key chain.pem
ok "bundle a key file: refused" err_is 2 "meetcert: ec.key: holds no certificate"
run "$M" bundle --fullchain x1.pem --trust x2.pem root.pem
ok "bundle --fullchain and --trust: usage" err_has 2 "^usage: meetcert bundle "
run "$M" bundle --fullchain x3.pem
ok "bundle without input: usage" err_has 2 "^usage: meetcert bundle "
ok "bundle refusals: nothing written" absent full.der trust.key my_chain.pem \
    cb.full.pem nocert.pem x1.pem x2.pem x3.pem

done_testing
