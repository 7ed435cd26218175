#!/bin/sh
# mkseeds.sh DIR: writes the fuzzers' seed corpus into DIR with the openssl
# CLI ($OPENSSL, else openssl): certificates, keys of each type and encoding,
# CSRs, PKCS#7, bundles in good and bad layouts, and inputs for fuzz-bundle
# (certificate file and bundle, each half of the input).
# Encrypted keys use the passphrase "fuzz", as fuzz-load's callback does.
set -eu

out=${1:?usage: mkseeds.sh DIR}
OPENSSL=${OPENSSL:-openssl}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/meetcert-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

ossl() {
	"$OPENSSL" "$@" >openssl.log 2>&1 || {
		cat openssl.log >&2
		echo "mkseeds.sh: openssl $* failed" >&2
		exit 1
	}
}

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
nameConstraints = critical, permitted;DNS:example.com, permitted;IP:192.0.2.0/255.255.255.0
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:cms.example.com, DNS:*.example.com, IP:192.0.2.10, email:pki@example.com, URI:https://cms.example.com/, dirName:dir
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nsCertType = server, client
[dir]
CN = directory name
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:postgres
EOF

# The smallest keys the verifier accepts keep the seeds short.
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root.key
ossl req -x509 -new -key root.key -subj "/CN=Fuzz Root/O=meetcert" \
    -config ext.cnf -extensions root -days 36500 -out root.pem
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out inter.key
ossl req -new -key inter.key -subj "/CN=Fuzz Issuing CA" -config ext.cnf \
    -out inter.csr
ossl x509 -req -in inter.csr -CA root.pem -CAkey root.key -set_serial 2 \
    -days 36500 -extfile ext.cnf -extensions inter -out inter.pem
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec.key
ossl genpkey -algorithm ED25519 -out ed.key
serial=10
for k in rsa ec ed; do
	serial=$((serial + 1))
	ossl req -new -key $k.key -subj "/CN=cms.example.com/O=Example/C=GB" \
	    -config ext.cnf -out $k.csr \
	    -addext "subjectAltName = DNS:cms.example.com, IP:192.0.2.10"
	ossl x509 -req -in $k.csr -CA inter.pem -CAkey inter.key -set_serial $serial \
	    -days 36500 -extfile ext.cnf -extensions server -out leaf-$k.pem
done
ossl x509 -req -in ec.csr -CA inter.pem -CAkey inter.key -set_serial 4 \
    -days 36500 -extfile ext.cnf -extensions client -out client.pem
cat inter.pem root.pem >chain.pem

cp root.pem inter.pem leaf-rsa.pem leaf-ec.pem leaf-ed.pem client.pem \
    chain.pem "$out/"
cat leaf-ec.pem chain.pem >"$out/fullchain.pem"
cat root.pem inter.pem >"$out/reversed.pem"
sed 's/$/\r/' chain.pem >"$out/crlf.pem"
{ printf '\357\273\277'; cat chain.pem; echo; } >"$out/bom-two-newlines.pem"
{ cat inter.pem; echo; cat root.pem; } >"$out/blank-line.pem"
ossl x509 -in leaf-ec.pem -text -out "$out/text.pem"
ossl x509 -in leaf-rsa.pem -outform DER -out "$out/leaf.der"
ossl x509 -in root.pem -outform DER -out "$out/root.der"
ossl crl2pkcs7 -nocrl -certfile leaf-ed.pem -certfile chain.pem \
    -out "$out/chain.p7b.pem"
ossl crl2pkcs7 -nocrl -certfile leaf-ed.pem -certfile chain.pem \
    -outform DER -out "$out/chain.p7b"
ossl x509 -in root.pem -trustout -addtrust serverAuth -out "$out/trusted.pem"

# Keys: PKCS#8, PKCS#1 and SEC1, PEM and DER, plain and encrypted.
cp rsa.key "$out/rsa-pkcs8.pem"
cp ec.key "$out/ec-pkcs8.pem"
cp ed.key "$out/ed-pkcs8.pem"
ossl pkey -in rsa.key -traditional -out "$out/rsa-pkcs1.pem"
ossl rsa -in rsa.key -traditional -outform DER -out "$out/rsa-pkcs1.der"
ossl pkey -in ec.key -traditional -out "$out/ec-sec1.pem"
ossl ec -in ec.key -outform DER -out "$out/ec-sec1.der"
ossl pkey -in ed.key -outform DER -out "$out/ed-pkcs8.der"
ossl pkey -in ec.key -aes256 -passout pass:fuzz -out "$out/ec-enc.pem"
ossl pkey -in rsa.key -traditional -aes128 -passout pass:fuzz \
    -out "$out/rsa-legacy-enc.pem"
ossl pkcs8 -topk8 -in ed.key -v2 aes256 -passout pass:fuzz -outform DER \
    -out "$out/ed-enc.der"
ossl pkey -in ec.key -aes256 -passout pass:other -out "$out/ec-other-pass.pem"
ossl pkey -in ec.key -pubout -out "$out/public-key.pem"

# CSRs, PEM and DER.
cp rsa.csr ec.csr ed.csr "$out/"
ossl req -in ec.csr -outform DER -out "$out/ec.csr.der"

# CRLs from the issuing CA: one empty, one revoking leaf-rsa.pem.
mkdir ca
: >ca/index.txt
echo 1000 >ca/crlnumber
cat >ca.cnf <<'EOF'
[ca]
default_ca = mini
[mini]
database = ca/index.txt
crlnumber = ca/crlnumber
default_md = sha256
default_crl_days = 36500
EOF
ossl ca -config ca.cnf -cert inter.pem -keyfile inter.key -gencrl \
    -out "$out/empty.crl"
ossl ca -config ca.cnf -cert inter.pem -keyfile inter.key \
    -revoke leaf-rsa.pem -crl_reason keyCompromise
ossl ca -config ca.cnf -cert inter.pem -keyfile inter.key -gencrl \
    -out revoked.crl
cp revoked.crl "$out/"
ossl crl -in revoked.crl -outform DER -out "$out/revoked.crl.der"
cat chain.pem revoked.crl >chain-crl.pem

# What the engineers paste: key and chain together, PKCS#12 text output.
cat ec.key leaf-ec.pem chain.pem >"$out/key-and-chain.pem"
ossl pkcs12 -export -in leaf-rsa.pem -inkey rsa.key -certfile chain.pem \
    -passout pass:fuzz -out bundle.p12
ossl pkcs12 -in bundle.p12 -nodes -passin pass:fuzz -out "$out/pkcs12.txt"

# fuzz-bundle: the first half of the input is the certificate file, the
# second half the bundle.  pad FILE N: FILE grown to N bytes with newlines.
pad() {
	have=$(wc -c <"$1")
	cat "$1"
	[ "$have" -ge "$2" ] || head -c $(($2 - have)) /dev/zero | tr '\0' '\n'
}
halves() {	# halves CERT BUNDLE OUT
	n=$(wc -c <"$2")
	[ "$(wc -c <"$1")" -gt "$n" ] && n=$(wc -c <"$1")
	{ pad "$1" "$n"; pad "$2" "$n"; } >"$3"
}
halves leaf-ec.pem chain.pem "$out/halves-ec.pem"
halves leaf-rsa.pem "$out/reversed.pem" "$out/halves-reversed.pem"
halves leaf-ed.pem inter.pem "$out/halves-no-root.pem"
halves client.pem "$out/crlf.pem" "$out/halves-crlf.pem"
halves "$out/fullchain.pem" root.pem "$out/halves-fullchain.pem"
halves leaf-rsa.pem chain-crl.pem "$out/halves-revoked.pem"
halves leaf-ec.pem chain-crl.pem "$out/halves-crl.pem"
