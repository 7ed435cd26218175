#!/bin/sh
# meetcert inspect on every form a CA, a browser export or an engineer hands
# over; inspect --json's field names; verify's warnings on bundles that are
# not in the guide's format (§1.2.4) but still verify.
. "$top_srcdir/tests/cli/lib.sh"

cat >>ext.cnf <<'EOF'
[nscert]
basicConstraints = CA:FALSE
nsCertType = server, client
subjectAltName = DNS:cms.example.com, IP:2001:db8::1, email:pki@example.com, URI:https://cms.example.com/
EOF
# A Latin-1 byte where a dNSName should hold IA5 text; terminal escapes
# (clear the screen, set the window title) in another.
printf '[latin1]\nsubjectAltName = DNS:caf\351.example.com\n' >>ext.cnf
printf '[escapes]\nsubjectAltName = DNS:a\033[2J\033]0;owned\007.example.com\n' \
    >>ext.cnf

pki
newkey rsa rsa.key
newkey ed25519 ed.key
issue rsa.key cms.example.com inter.pem inter.key server server-rsa.pem
issue ed.key cms.example.com inter.pem inter.key nscert nscert.pem
issue ed.key cms.example.com inter.pem inter.key server soon.pem 10
csr rsa.key cms.example.com req.csr \
    -addext "subjectAltName = DNS:cms.example.com, DNS:join.example.com"
ossl req -in req.csr -outform DER -out req.der

ca_init
csr ed.key cms.example.com ed.csr
ca_sign ed.csr 20200101000000Z 20210101000000Z expired.pem
ca_sign ed.csr 20990101000000Z 21000101000000Z future.pem

# ---- the forms of one certificate

sed 's/$/\r/' server-rsa.pem >crlf.pem
{ printf '\357\273\277'; cat server-rsa.pem; } >bom.pem
ossl x509 -in server-rsa.pem -text -out text.pem
ossl x509 -in server-rsa.pem -outform DER -out cert.der
ossl crl2pkcs7 -nocrl -certfile server-rsa.pem -certfile chain.pem -out p7b.pem
ossl crl2pkcs7 -nocrl -certfile server-rsa.pem -certfile chain.pem \
    -outform DER -out p7b.der
ossl pkcs12 -export -in server-rsa.pem -inkey rsa.key -certfile chain.pem \
    -passout pass:x -out export.p12
ossl pkcs12 -in export.p12 -nodes -passin pass:x -out p12.txt

# ---- keys: PKCS#1, PKCS#8 and SEC1, PEM and DER

ossl pkey -in rsa.key -traditional -out pkcs1.pem
ossl rsa -in rsa.key -traditional -outform DER -out pkcs1.der
ossl pkey -in ec.key -out pkcs8-ec.pem
# openssl pkey writes EC keys as SEC1 DER; pkcs8 -topk8 makes PKCS#8.
ossl pkcs8 -topk8 -nocrypt -in ec.key -outform DER -out pkcs8-ec.der
ossl pkey -in ed.key -outform DER -out pkcs8-ed.der
ossl pkey -in ec.key -traditional -out sec1.pem
ossl ec -in ec.key -outform DER -out sec1.der
ossl pkey -in ec.key -aes256 -passout pass:x -out enc.pem

# inspect_is FILE PATTERN...: inspect FILE exits 0 and prints each pattern.
inspect_is() {
	f=$1
	shift
	run "$MEETCERT" inspect "$f"
	ok "inspect $f" out_has 0 "$@"
}

inspect_is server-rsa.pem "^server-rsa.pem: PEM, 1 certificate, 0 keys, 0 CSRs$" \
    "subject +CN=cms.example.com" "issuer +CN=Test Issuing CA" \
    "subjectAltName +DNS:cms.example.com, DNS:join.example.com, IP:192.0.2.10" \
    "public key +RSA 2048" "key usage +digitalSignature, keyEncipherment" \
    "extended key usage +serverAuth" "basic constraints +CA:FALSE" \
    "self-signed +no"
inspect_is crlf.pem "^crlf.pem: PEM, 1 certificate" "subject +CN=cms.example.com"
inspect_is bom.pem "^bom.pem: PEM, 1 certificate" "subject +CN=cms.example.com"
inspect_is text.pem "^text.pem: PEM, 1 certificate" "subject +CN=cms.example.com"
inspect_is cert.der "^cert.der: DER, 1 certificate, 0 keys" \
    "subject +CN=cms.example.com"
inspect_is p7b.pem "^p7b.pem: PEM, 3 certificates, 0 keys" "certificate #3" \
    "subject +CN=Test Root CA"
inspect_is p7b.der "^p7b.der: PKCS#7, 3 certificates, 0 keys" "certificate #3"
inspect_is p12.txt "^p12.txt: PEM, 3 certificates, 1 key, 0 CSRs$" \
    "type +RSA 2048" "encrypted +no"
inspect_is req.csr "^req.csr: PEM, 0 certificates, 0 keys, 1 CSR$" \
    "subjectAltName +DNS:cms.example.com, DNS:join.example.com" \
    "signature +verifies"
inspect_is req.der "^req.der: DER, 0 certificates, 0 keys, 1 CSR$" \
    "signature +verifies"
inspect_is root.pem "self-signed +yes" "basic constraints +CA:TRUE$" \
    "key usage +keyCertSign, cRLSign"
inspect_is inter.pem "basic constraints +CA:TRUE, pathlen:0"
inspect_is nscert.pem "netscape cert type +sslClient sslServer" \
    "public key +Ed25519" \
    "DNS:cms.example.com, IP:2001:db8(::|:0:0:0:0:0:)1, email:pki@example.com, URI:https://cms.example.com/"
inspect_is expired.pem "not after +2021-01-01T00:00:00Z \(expired [0-9]+ days ago\) \[EXPIRED\]"
inspect_is soon.pem "\((9|10) days left\) \[EXPIRES SOON\]"
inspect_is future.pem "not before +2099-01-01T00:00:00Z" "\[NOT YET VALID\]"

inspect_is pkcs1.pem "type +RSA 2048" "encoding +PKCS#1" "encrypted +no"
inspect_is sec1.pem "type +EC 256 prime256v1" "encoding +SEC1"
inspect_is ed.key "type +Ed25519" "encoding +PKCS#8"
inspect_is pkcs1.der "type +RSA 2048"
inspect_is sec1.der "type +EC 256 prime256v1"
inspect_is enc.pem "encrypted +yes"

# FILE:ENCODING, as inspect --json must report them.
keys="pkcs1.pem:PKCS#1 pkcs1.der:PKCS#1 pkcs8-ec.pem:PKCS#8
pkcs8-ec.der:PKCS#8 pkcs8-ed.der:PKCS#8 sec1.pem:SEC1 sec1.der:SEC1
rsa.key:PKCS#8 ed.key:PKCS#8"

# ---- inspect --json

key_is() {	# key_is ENCODING: the last run's one object is such a key
	json_is files.0.objects.0.kind private_key &&
	    json_is files.0.objects.0.encoding "$1" &&
	    json_is files.0.objects.0.encrypted false
}

if python3 -c 'import json' 2>/dev/null; then
	have_python=1
else
	have_python=
fi

# json_is PATH VALUE: in the last run's JSON, PATH (a.0.b) holds VALUE
# (strings bare, the rest as JSON).
json_is() {
	exit_is 0 || return 1
	got=$(python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
for p in sys.argv[2].split("."):
    v = v[int(p)] if isinstance(v, list) else v[p]
print(v if isinstance(v, str) else json.dumps(v))
' "$OUT" "$1" 2>&1)
	[ "$got" = "$2" ] && return 0
	why="$1 is $got, not $2"
	return 1
}

# The field names are an interface (cmd-inspect.c): this is their list.
cat >schema.py <<'EOF'
import json, sys

def need(obj, fields, where):
    for name, types in fields.items():
        if name not in obj:
            sys.exit("%s: no field %s" % (where, name))
        if not isinstance(obj[name], types):
            sys.exit("%s: %s is %r" % (where, name, obj[name]))

key = {"type": str, "bits": int}
common = {"kind": str, "index": int}
cert = {"subject": str, "issuer": str, "serial": str, "not_before": str,
        "not_after": str, "days_left": int, "status": str, "san": list,
        "key": dict, "signature_algorithm": str, "key_usage": (list, type(None)),
        "extended_key_usage": (list, type(None)),
        "basic_constraints": (dict, type(None)),
        "netscape_cert_type": (list, type(None)),
        "subject_key_id": (str, type(None)),
        "authority_key_id": (str, type(None)), "sha256": str,
        "self_signed": bool}
private_key = {"encrypted": bool, "encoding": str, "key": (dict, type(None))}
csr = {"subject": str, "san": list, "key": dict, "signature_algorithm": str,
       "signature_ok": bool}
kinds = {"certificate": cert, "private_key": private_key, "csr": csr}

doc = json.load(sys.stdin)
need(doc, {"files": list}, "top")
seen = set()
for f in doc["files"]:
    need(f, {"file": str, "format": str, "objects": list}, "file")
    if f["format"] not in ("PEM", "DER", "PKCS#7"):
        sys.exit("format %r" % f["format"])
    for i, o in enumerate(f["objects"]):
        where = "%s object %d" % (f["file"], i)
        need(o, common, where)
        if o["kind"] not in kinds:
            sys.exit("%s: kind %r" % (where, o["kind"]))
        seen.add(o["kind"])
        need(o, kinds[o["kind"]], where)
        if o.get("key") is not None:
            need(o["key"], key, where + " key")
            if o["key"]["type"] == "EC":
                need(o["key"], {"curve": str}, where + " key")
        for s in o.get("san", []):
            need(s, {"type": str, "value": str}, where + " san")
            if s["type"] not in ("DNS", "IP", "email", "URI", "other"):
                sys.exit("%s: san type %r" % (where, s["type"]))
        if o["kind"] == "certificate":
            if o["status"] not in ("valid", "expired", "expires_soon",
                                   "not_yet_valid"):
                sys.exit("%s: status %r" % (where, o["status"]))
            if o["basic_constraints"] is not None:
                need(o["basic_constraints"], {"ca": bool,
                     "pathlen": (int, type(None))}, where + " bc")
if len(sys.argv) > 1 and seen != set(sys.argv[1:]):
    sys.exit("kinds seen: %s" % sorted(seen))
EOF

schema_ok() {	# schema_ok KIND...: the last run's JSON parses, fits, has KINDs
	exit_is 0 || return 1
	python3 -c 'import json, sys; json.load(sys.stdin)' <"$OUT" || {
		why="stdout is not JSON"
		return 1
	}
	why=$(python3 schema.py "$@" <"$OUT" 2>&1) || return 1
	why=
}

if [ -n "$have_python" ]; then
	run "$MEETCERT" inspect --json server-rsa.pem cert.der p7b.der p12.txt \
	    req.csr req.der pkcs1.pem sec1.der enc.pem nscert.pem inter.pem \
	    expired.pem soon.pem future.pem
	ok "inspect --json: parses, every documented field, all kinds" \
	    schema_ok certificate private_key csr
	ok "json: files[0].file" json_is files.0.file server-rsa.pem
	ok "json: files[0].format PEM" json_is files.0.format PEM
	ok "json: files[1].format DER" json_is files.1.format DER
	ok "json: files[2].format PKCS#7" json_is files.2.format 'PKCS#7'
	ok "json: a certificate's kind" json_is files.0.objects.0.kind certificate
	ok "json: index counts per kind" json_is files.3.objects.3.index 1
	ok "json: the PKCS#12 text's key" json_is files.3.objects.3.kind private_key
	ok "json: subject" json_is files.0.objects.0.subject CN=cms.example.com
	ok "json: issuer" json_is files.0.objects.0.issuer "CN=Test Issuing CA"
	ok "json: san[2]" json_is files.0.objects.0.san.2 \
	    '{"type": "IP", "value": "192.0.2.10"}'
	ok "json: key" json_is files.0.objects.0.key \
	    '{"type": "RSA", "bits": 2048, "curve": null}'
	ok "json: key_usage" json_is files.0.objects.0.key_usage \
	    '["digitalSignature", "keyEncipherment"]'
	ok "json: extended_key_usage" \
	    json_is files.0.objects.0.extended_key_usage '["serverAuth"]'
	ok "json: basic_constraints of a leaf" \
	    json_is files.0.objects.0.basic_constraints \
	    '{"ca": false, "pathlen": null}'
	ok "json: basic_constraints with pathlen" \
	    json_is files.10.objects.0.basic_constraints \
	    '{"ca": true, "pathlen": 0}'
	ok "json: netscape_cert_type" json_is files.9.objects.0.netscape_cert_type \
	    '["sslClient", "sslServer"]'
	ok "json: netscape_cert_type absent is null" \
	    json_is files.0.objects.0.netscape_cert_type null
	ok "json: self_signed" json_is files.2.objects.2.self_signed true
	ok "json: status valid" json_is files.0.objects.0.status valid
	ok "json: status expired" json_is files.11.objects.0.status expired
	ok "json: status expires_soon" json_is files.12.objects.0.status \
	    expires_soon
	ok "json: status not_yet_valid" json_is files.13.objects.0.status \
	    not_yet_valid
	ok "json: not_after" json_is files.11.objects.0.not_after \
	    2021-01-01T00:00:00Z
	ok "json: csr signature_ok" json_is files.4.objects.0.signature_ok true
	ok "json: csr san" json_is files.5.objects.0.san.1.value join.example.com
	ok "json: an encrypted key is locked without a passphrase" \
	    json_is files.8.objects.0 \
	    '{"encrypted": true, "encoding": "PKCS#8", "key": null, "kind": "private_key", "index": 1}'
	ok "json: the EC curve" json_is files.7.objects.0.key.curve prime256v1
	cert_fp=$("$OPENSSL" x509 -in server-rsa.pem -noout -fingerprint -sha256 |
	    sed 's/.*=//')
	ok "json: sha256 equals openssl's fingerprint" \
	    json_is files.0.objects.0.sha256 "$cert_fp"
	ski=$("$OPENSSL" x509 -in server-rsa.pem -noout -ext subjectKeyIdentifier |
	    sed -n 's/^ *//; 2p')
	ok "json: subject_key_id equals openssl's" \
	    json_is files.0.objects.0.subject_key_id "$ski"
	ok "json: authority_key_id is the issuer's key id" \
	    json_is files.0.objects.0.authority_key_id "$("$OPENSSL" x509 \
	    -in inter.pem -noout -ext subjectKeyIdentifier | sed -n 's/^ *//; 2p')"
	serial=$("$OPENSSL" x509 -in server-rsa.pem -noout -serial |
	    sed 's/.*=//; s/../&:/g; s/:$//')
	ok "json: serial as openssl gives it" json_is files.0.objects.0.serial \
	    "$serial"

	for kv in $keys; do
		f=${kv%%:*} enc=${kv#*:}
		run "$MEETCERT" inspect --json "$f"
		ok "json: $f is an unencrypted $enc key" key_is "$enc"
	done
else
	skip "no python3" "inspect --json"
fi

# ---- verify: bundles the guide would not write still verify, with a warning

cat root.pem inter.pem >reversed.pem
{ cat inter.pem; echo; cat root.pem; } >blank.pem
sed 's/$/\r/' chain.pem >crlf-chain.pem
printf '%s' "$(cat chain.pem)" >no-newline.pem
{ cat chain.pem; echo; } >two-newlines.pem
{ printf '\357\273\277'; cat chain.pem; } >bom-chain.pem
"$OPENSSL" x509 -in inter.pem -text >text-chain.pem
"$OPENSSL" x509 -in root.pem -text >>text-chain.pem
ossl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out chain.p7b

warns() {	# warns BUNDLE PATTERN: verify passes, with that warning
	run "$MEETCERT" verify server-rsa.pem "$1" --name cms.example.com
	ok "verify with $1: exit 0, warns" \
	    out_has 0 "^server-rsa.pem: verified" "^  warning: $2"
}

run "$MEETCERT" verify server-rsa.pem chain.pem --name cms.example.com
ok "verify with the guide's bundle: no warning" out_lacks 0 "warning"
warns reversed.pem "reversed.pem is not in the guide's order: reversed.pem #1 \(CN=Test Root CA\) comes before reversed.pem #2"
warns blank.pem "blank.pem has 1 blank line gap"
warns crlf-chain.pem "crlf-chain.pem has Windows \(CR LF\) line ends"
warns no-newline.pem "no-newline.pem ends with 0 newline\(s\)"
warns two-newlines.pem "two-newlines.pem ends with 2 newline\(s\)"
warns bom-chain.pem "bom-chain.pem starts with a UTF-8 byte order mark"
warns text-chain.pem "text-chain.pem has text outside the PEM blocks"
warns chain.p7b "chain.p7b is DER or PKCS#7, not PEM"
cat server-rsa.pem inter.pem >fullchain-crlf.pem
sed -i 's/$/\r/' fullchain-crlf.pem
run "$MEETCERT" verify fullchain-crlf.pem --ca root.pem
ok "verify a CRLF full chain: the certificate's own file warns" \
    out_has 0 "warning: fullchain-crlf.pem has Windows"

# ---- inputs that tripped the loader or inspect once

shown_clean() {	# shown_clean PATTERN: exit 0, PATTERN shown, no control bytes
	out_has 0 "$1" && no_control "$OUT"
}

# `openssl x509 -hash` writes the subject hash above the PEM block; one hash
# in sixteen starts with 0, the first byte of DER.
{ echo 0badcafe; cat server-rsa.pem; } >hash-first.pem
run "$MEETCERT" inspect hash-first.pem
ok "inspect: text starting with 0 before the PEM block" exit_is 0

ossl x509 -req -in req.csr -CA inter.pem -CAkey inter.key -days 30 \
    -set_serial "0x$(printf '7f%.0s' $(seq 70))" -out long-serial.pem
run "$MEETCERT" inspect long-serial.pem
ok "inspect: a certificate with a 70-byte serial" \
    out_has 0 "serial +(7F:){69}7F$"

ossl x509 -req -in req.csr -CA inter.pem -CAkey inter.key -days 30 \
    -extfile ext.cnf -extensions escapes -out escapes.pem
run "$MEETCERT" inspect escapes.pem
ok "inspect: escapes in a SAN do not reach the terminal" \
    shown_clean "DNS:a.*example.com"

if [ -n "$have_python" ]; then
	ossl x509 -req -in req.csr -CA inter.pem -CAkey inter.key -days 30 \
	    -extfile ext.cnf -extensions latin1 -out latin1.pem
	run "$MEETCERT" inspect --json latin1.pem
	ok "inspect --json: a dNSName that is not UTF-8 is kept" \
	    json_is files.0.objects.0.san.0.type DNS
else
	skip "no python3" "inspect --json: a dNSName that is not UTF-8"
fi

done_testing
