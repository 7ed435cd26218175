#!/bin/sh
# meetcert verify and match against chains and keys made by the openssl CLI,
# and `openssl verify` asked the same questions: the two must agree.
. "$top_srcdir/tests/cli/lib.sh"

cat >>ext.cnf <<'EOF'
[notca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, digitalSignature
[nomark]
subjectKeyIdentifier = hash
[kuonly]
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[wildcard]
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.com
[cnonly]
extendedKeyUsage = serverAuth
[signonly]
keyUsage = critical, keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = DNS:cms.example.com
EOF

pki
newkey rsa rsa.key
newkey ed25519 ed.key
newkey ec ec2.key
for k in rsa ec ed; do	# pki made server-ec.pem
	csr $k.key cms.example.com $k.csr
	[ $k = ec ] || sign $k.csr inter.pem inter.key server server-$k.pem
done
issue ec.key postgres inter.pem inter.key client client-ec.pem
issue ec2.key cms.example.com inter.pem inter.key both both.pem
issue ec2.key cms.example.com inter.pem inter.key server short.pem 1
issue ec2.key cms.example.com root.pem root.key server direct.pem
issue ec2.key x.example.com inter.pem inter.key wildcard wildcard.pem
issue ec2.key cnonly.example.com inter.pem inter.key cnonly cnonly.pem
issue ec2.key cn.example.com inter.pem inter.key server cnsan.pem
issue ec2.key cms.example.com inter.pem inter.key signonly signonly.pem
# Intermediates that are not CAs, and one CA below a pathlen:0 CA.
for s in notca nomark kuonly; do
	newkey ec $s-ca.key
	issue $s-ca.key "CA $s" root.pem root.key $s $s-ca.pem 3650
	issue ec2.key cms.example.com $s-ca.pem $s-ca.key server leaf-$s.pem
done
newkey ec sub-ca.key
issue sub-ca.key "Sub CA" inter.pem inter.key inter sub-ca.pem 3650
issue ec2.key cms.example.com sub-ca.pem sub-ca.key server leaf-sub.pem
cat sub-ca.pem inter.pem >sub-chain.pem
cat server-rsa.pem inter.pem root.pem >fullchain.pem

# Ten days from now, as meetcert and as openssl write it.
later=$(($(date +%s) + 10 * 86400))
later_iso=$(date -u -d "@$later" +%Y-%m-%dT%H:%M:%SZ)

# ---- meetcert verify, and openssl verify on the same question

openssl_says() {	# openssl_says EXIT ARGS...: 0 verified, else not
	want=$1
	shift
	"$OPENSSL" verify -no-CApath -no-CAstore "$@" >"$T/.ov" 2>&1
	orc=$?
	if [ "$want" -eq 0 ] && [ "$orc" -eq 0 ]; then return 0; fi
	if [ "$want" -ne 0 ] && [ "$orc" -ne 0 ]; then return 0; fi
	why="openssl verify exits $orc: $(tr '\n' ' ' <"$T/.ov")"
	return 1
}

# agree EXIT WHAT "MEETCERT VERIFY ARGS" "OPENSSL VERIFY ARGS" [PATTERN]:
# meetcert must give EXIT (and PATTERN on stdout), openssl the same verdict.
agree() {
	want=$1 what=$2 margs=$3 oargs=$4
	# shellcheck disable=SC2086
	run "$MEETCERT" verify $margs
	if [ -n "${5:-}" ]; then
		ok "verify $what: exit $want" out_has "$want" "$5"
	else
		ok "verify $what: exit $want" exit_is "$want"
	fi
	# shellcheck disable=SC2086
	ok "openssl verify agrees: $what" openssl_says "$want" $oargs
}

O="-CAfile root.pem -untrusted inter.pem"
for k in rsa ec ed; do
	agree 0 "$k leaf, positional bundle and CA" \
	    "server-$k.pem inter.pem root.pem" "$O server-$k.pem" \
	    "^server-$k.pem: verified$"
done
agree 0 "--bundle and --ca" \
    "server-rsa.pem --bundle inter.pem --ca root.pem" "$O server-rsa.pem" \
    "anchor +root.pem #1 \(CN=Test Root CA\) \(trusted\)"
agree 0 "the bundle's own self-signed root as anchor" \
    "server-ed.pem --bundle chain.pem" "$O server-ed.pem" \
    "anchor +chain.pem #2"
agree 0 "a full chain in the certificate's own file" \
    "fullchain.pem --ca root.pem" "$O fullchain.pem" \
    "issuer +fullchain.pem #2"
agree 0 "a leaf issued by the root itself" \
    "direct.pem --ca root.pem" "-CAfile root.pem direct.pem"
agree 0 "--role server, EKU serverAuth" \
    "server-ec.pem chain.pem --role server" "$O -purpose sslserver server-ec.pem" \
    "verified for a TLS server"
agree 0 "--role client, EKU clientAuth" \
    "client-ec.pem chain.pem --role client" "$O -purpose sslclient client-ec.pem" \
    "verified for a TLS client"
agree 0 "--role client, EKU serverAuth+clientAuth" \
    "both.pem chain.pem --role client" "$O -purpose sslclient both.pem"
agree 0 "--role server, EKU serverAuth+clientAuth" \
    "both.pem chain.pem --role server" "$O -purpose sslserver both.pem"
agree 0 "--role any ignores the EKU" \
    "client-ec.pem chain.pem --role any" "$O client-ec.pem"
agree 0 "--name, a DNS name in the SAN" \
    "server-rsa.pem chain.pem --role server --name join.example.com" \
    "$O -purpose sslserver -verify_hostname join.example.com server-rsa.pem" \
    "named join.example.com"
agree 0 "--name, an IP address in the SAN" \
    "server-ec.pem chain.pem --name 192.0.2.10" \
    "$O -verify_ip 192.0.2.10 server-ec.pem"
agree 0 "--name, a wildcard SAN one label deep" \
    "wildcard.pem chain.pem --name a.example.com" \
    "$O -verify_hostname a.example.com wildcard.pem"
agree 0 "--name, the CN when there is no SAN" \
    "cnonly.pem chain.pem --name cnonly.example.com" \
    "$O -verify_hostname cnonly.example.com cnonly.pem" \
    "warning: .*only through its subject CN"
# RFC 5280 §4.2.1.9: a CA carries basicConstraints; keyCertSign alone does
# not make one, for OpenSSL 3 as for meetcert.
agree 1 "an intermediate marked by keyCertSign alone" \
    "leaf-kuonly.pem kuonly-ca.pem root.pem" \
    "-CAfile root.pem -untrusted kuonly-ca.pem leaf-kuonly.pem" "FAILED"
agree 0 "a leaf a day from expiry, now" \
    "short.pem chain.pem" "$O short.pem" "warning: short.pem #1 .*expires in [01] day"

agree 1 "--role client, EKU serverAuth only" \
    "server-ec.pem chain.pem --role client" "$O -purpose sslclient server-ec.pem" \
    "FAILED: .*lacks clientAuth"
agree 1 "--role server, EKU clientAuth only" \
    "client-ec.pem chain.pem --role server" "$O -purpose sslserver client-ec.pem" \
    "FAILED: .*lacks serverAuth"
agree 1 "--role server, KeyUsage keyCertSign only" \
    "signonly.pem chain.pem --role server" "$O -purpose sslserver signonly.pem" \
    "FAILED: .*KeyUsage"
agree 1 "--name not in the SAN" \
    "server-rsa.pem chain.pem --name other.example.com" \
    "$O -verify_hostname other.example.com server-rsa.pem" \
    "FAILED: .*not valid for other.example.com"
agree 1 "--name, an IP address not in the SAN" \
    "server-ec.pem chain.pem --name 192.0.2.11" \
    "$O -verify_ip 192.0.2.11 server-ec.pem" "FAILED"
agree 1 "--name, the CN ignored when there is a DNS SAN" \
    "cnsan.pem chain.pem --name cn.example.com" \
    "$O -verify_hostname cn.example.com cnsan.pem" "FAILED"
agree 1 "--name, a wildcard does not cover two labels" \
    "wildcard.pem chain.pem --name a.b.example.com" \
    "$O -verify_hostname a.b.example.com wildcard.pem" "FAILED"
agree 1 "expired at --at, 10 days on" \
    "short.pem chain.pem --at $later_iso" "$O -attime $later short.pem" \
    "FAILED: .*expired on"
agree 1 "not yet valid at --at 2000-01-01" \
    "server-ec.pem chain.pem --at 2000-01-01" \
    "$O -attime 946684800 server-ec.pem" "FAILED: .*not valid until"
agree 1 "missing intermediate" \
    "server-rsa.pem --ca root.pem" "-CAfile root.pem server-rsa.pem" \
    "FAILED: .*CN=Test Issuing CA"
agree 1 "a full chain, its own root not trusted without --ca" \
    "fullchain.pem" "-no-CAfile -untrusted fullchain.pem fullchain.pem" \
    "FAILED: .*self-signed certificate that is not trusted"
agree 1 "untrusted root, no CA given" \
    "server-rsa.pem --bundle inter.pem" "-CAfile inter.pem server-rsa.pem" \
    "FAILED"
agree 1 "intermediate with CA:FALSE" \
    "leaf-notca.pem notca-ca.pem root.pem" \
    "-CAfile root.pem -untrusted notca-ca.pem leaf-notca.pem" \
    "FAILED: .*CA:FALSE"
agree 1 "intermediate with no CA marking at all" \
    "leaf-nomark.pem nomark-ca.pem root.pem" \
    "-CAfile root.pem -untrusted nomark-ca.pem leaf-nomark.pem" \
    "FAILED: .*no CA marking"
agree 1 "a CA below the pathlen:0 intermediate" \
    "leaf-sub.pem sub-chain.pem root.pem" \
    "-CAfile root.pem -untrusted sub-chain.pem leaf-sub.pem" \
    "FAILED: .*pathlen"

# A subject CN is the CA's customer's text: one holding a newline and an
# "erase line" must not print a second, forged verdict line.
csr ec2.key "$(printf 'evil\nforged.pem: verified\033[2K')" forged.csr
sign forged.csr inter.pem inter.key server forged.pem
forges_nothing() {
	out_lacks 1 "^forged.pem: verified" && no_control "$OUT"
}
run "$MEETCERT" verify forged.pem chain.pem --role client
ok "verify: a CN with a newline and escapes forges no line" forges_nothing

# ---- revocation: --crl against openssl verify -crl_check

ca_init
ca -gencrl -out empty.crl
ca -revoke server-rsa.pem -crl_reason keyCompromise
ca -gencrl -out revoked.crl
ossl crl -in revoked.crl -outform DER -out revoked.crl.der
C="$O -crl_check -CRLfile"
agree 0 "--crl that lists nothing" "server-rsa.pem chain.pem --crl empty.crl" \
    "$C empty.crl server-rsa.pem"
agree 0 "--crl that lists another certificate" \
    "server-ec.pem chain.pem --crl revoked.crl" "$C revoked.crl server-ec.pem"
agree 1 "--crl that lists the leaf" \
    "server-rsa.pem chain.pem --crl revoked.crl" \
    "$C revoked.crl server-rsa.pem" "FAILED: .*revoked"
agree 1 "--crl in DER that lists the leaf" \
    "server-rsa.pem chain.pem --crl revoked.crl.der" \
    "$C revoked.crl.der -CRLfile empty.crl server-rsa.pem" "FAILED: .*revoked"

# ---- meetcert match: every key type against certificates and CSRs

for k in rsa ec ed; do
	for c in rsa ec ed; do
		cert=server-$c.pem
		want=1
		[ $k = $c ] && want=0
		run "$MEETCERT" match $k.key $cert
		ok "match $k.key $cert: exit $want" exit_is $want
		run "$MEETCERT" match $k.key $c.csr
		ok "match $k.key $c.csr: exit $want" exit_is $want
	done
done
run "$MEETCERT" match ec2.key server-ec.pem
ok "match: another key of the same type is a mismatch" \
    out_has 1 "does NOT match certificate #1 in server-ec.pem"
run "$MEETCERT" match inter.key fullchain.pem
ok "match: the key of the second certificate of a chain" \
    out_has 0 "matches certificate #2 in fullchain.pem"
run "$MEETCERT" match server-ec.pem ec.key
ok "match: certificate and key swapped" rejected 2 server-ec.pem

# ---- encrypted keys

pass=s3cret
ossl pkey -in ec.key -aes256 -passout pass:$pass -out ec-enc.key
ossl pkey -in rsa.key -traditional -aes256 -passout pass:$pass -out rsa-enc.key
ossl pkcs8 -topk8 -in ed.key -v2 aes256 -passout pass:$pass -outform DER \
    -out ed-enc.der
printf '%s\n' $pass >right.pass
printf '%s\r\n' $pass >crlf.pass
printf 'not-%s\n' $pass >wrong.pass

for k in ec-enc.key:server-ec.pem rsa-enc.key:server-rsa.pem \
    ed-enc.der:server-ed.pem; do
	key=${k%%:*} cert=${k#*:}
	run "$MEETCERT" match --passphrase-fd 3 $key $cert 3<right.pass
	ok "match $key: right passphrase on fd 3" \
	    out_has 0 "^$key matches certificate #1 in $cert$"
	run "$MEETCERT" match --passphrase-fd 3 $key $cert 3<wrong.pass
	ok "match $key: wrong passphrase is exit 2" rejected 2 $key
	ok "match $key: the message says wrong passphrase" \
	    err_has 2 "wrong passphrase"
	if [ -n "$have_setsid" ]; then
		run "$MEETCERT" match $key $cert
		ok "match $key: no terminal, no --passphrase-fd: exit 2" \
		    rejected 2 $key
		ok "match $key: the message asks for the passphrase" \
		    err_has 2 "encrypted.*--passphrase-fd"
	else
		skip "no setsid -w" "match $key: no terminal, no --passphrase-fd"
		skip "no setsid -w" "match $key: the message asks for the passphrase"
	fi
done
run "$MEETCERT" match --passphrase-fd 3 ec-enc.key server-ec.pem 3<crlf.pass
ok "match: a passphrase line ending in CR LF" exit_is 0
run "$MEETCERT" match --passphrase-fd 3 ec-enc.key server-rsa.pem 3<right.pass
ok "match: unlocked key, other certificate: exit 1" out_has 1 "does NOT match"
run "$MEETCERT" inspect --passphrase-fd 3 ec-enc.key 3<right.pass
ok "inspect --passphrase-fd: the unlocked key's type" \
    out_has 0 "type +EC 256 prime256v1" "encrypted +yes"
if [ -n "$have_setsid" ]; then
	run "$MEETCERT" inspect ed-enc.der
	ok "inspect: an encrypted key without passphrase stays locked" \
	    out_has 0 "locked"
else
	skip "no setsid -w" "inspect: an encrypted key without passphrase"
fi
run "$MEETCERT" match --passphrase-fd x ec-enc.key server-ec.pem
ok "match --passphrase-fd x: exit 2, one line" rejected 2 "'x'"
run "$MEETCERT" match --passphrase-fd 9 ec-enc.key server-ec.pem
ok "match --passphrase-fd 9 (not open): the message names fd 9" \
    err_has 2 "(fd|descriptor) 9"

done_testing
