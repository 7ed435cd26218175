#!/bin/sh
# meetcert probe against `openssl s_server` on loopback: the chain a port
# presents, in the order presented, judged as `meetcert verify` judges a
# file; and ports that answer nothing, or not TLS, within --timeout.
. "$top_srcdir/tests/cli/lib.sh"

# ---- listeners on 127.0.0.1, each stopped by its PID on exit

listen_pids=
listen_n=0
listen_addr=127.0.0.1

stop_listeners() {
	for p in $listen_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $listen_pids; do
		wait "$p" 2>/dev/null
	done
	listen_pids=
}
trap 'stop_listeners; cd /; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT

# listen PATTERN FUNCTION [ARGS...]: runs FUNCTION (which execs the
# listener on port $LISTEN_PORT of $listen_addr) in the background until
# its output shows PATTERN, within 5 s; another port from 30000-39999 when
# this one is busy.  Sets $port and $pid.
listen() {
	pattern=$1
	shift
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		listen_n=$((listen_n + 1))
		port=$((30000 + ($$ * 7 + listen_n * 131) % 10000))
		log=$T/listen.$port
		(LISTEN_PORT=$port; "$@") >"$log" 2>&1 &
		pid=$!
		w=0
		while [ $w -lt 250 ]; do
			if grep -q "$pattern" "$log"; then
				listen_pids="$listen_pids $pid"
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.02
			w=$((w + 1))
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		grep -q -i 'in use' "$log" || {
			sed 's/^/# listener: /' "$log"
			return 1
		}
	done
	return 1
}

stop() {	# stop PID: one listener, now
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	listen_pids=$(echo "$listen_pids" | sed "s/ $1\$//; s/ $1 / /")
}

tls_server() {	# tls_server CERT KEY [s_server ARGS...]
	c=$1 k=$2
	shift 2
	exec "$OPENSSL" s_server -www -accept "$listen_addr:$LISTEN_PORT" \
	    -cert "$c" -key "$k" "$@" </dev/null
}

# serve CERT KEY [s_server ARGS...]: a TLS server; Bail out when none starts.
serve() {
	listen '^ACCEPT' tls_server "$@" && return 0
	echo "Bail out! openssl s_server does not start"
	exit 99
}

have_python=
python3 -c 'import socket' 2>/dev/null && have_python=1

# Plain TCP, not TLS: "silent" accepts and says nothing; "banner" says an
# SSH banner; "full" never accepts and fills its one-place queue itself, so
# that the next connect is never answered.
cat >listener.py <<'EOF'
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(0 if mode == "full" else 8)
held = []
if mode == "full":
    c = socket.socket()
    c.connect(("127.0.0.1", port))
    held.append(c)
print("LISTENING", flush=True)
while True:
    if mode == "full":
        time.sleep(60)
        continue
    c, _ = s.accept()
    if mode == "banner":
        c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
    held.append(c)
EOF

plain_server() {	# plain_server silent|banner|full
	exec python3 "$T/listener.py" "$1" "$LISTEN_PORT" </dev/null
}

# ---- certificates

cat >>ext.cnf <<'EOF'
[local]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:cms.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

pki	# root.pem, inter.pem, chain.pem, ec.key with server-ec.pem
newkey ec local.key
# s_server's -cert2 has no chain of its own: the root issues it.
issue local.key localhost root.pem root.key local local.pem
newkey ec self.key
selfsigned self.key cms.example.com server self.pem
newkey ec other.key
selfsigned other.key "Other Root CA" root other-root.pem
newkey ec stray.key
issue stray.key stray.example.com inter.pem inter.key server stray.pem
cat root.pem inter.pem >root-first.pem
cat inter.pem inter.pem >twice.pem
cat inter.pem stray.pem >with-stray.pem
ca_init
csr ec.key cms.example.com old.csr
ca_sign old.csr 20200101000000Z 20210101000000Z expired.pem

# No system trust store of this machine takes part: "the system's" is ours.
SSL_CERT_FILE=$T/other-root.pem
export SSL_CERT_FILE

# ---- a good chain

serve server-ec.pem ec.key -cert_chain inter.pem
good=$port
run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem --name cms.example.com
ok "a leaf and its intermediate, private root: exit 0" out_has 0 \
    "^127\.0\.0\.1:$good: TLSv1\.[23], [A-Z0-9_-]+, 2 certificates presented$" \
    "^127\.0\.0\.1:$good: verified for a TLS server named cms\.example\.com$" \
    "^  leaf   127\.0\.0\.1:$good #1 \(CN=cms\.example\.com\)$" \
    "^  issuer 127\.0\.0\.1:$good #2 \(CN=Test Issuing CA\)$" \
    "^  anchor root\.pem #1 \(CN=Test Root CA\) \(trusted\)$"

subjects() {	# the presented subjects, in order, joined by |
	sed -n 's/^    subject  *//p' "$OUT" | tr '\n' '|'
}
shown_in_order() {	# shown_in_order SUBJECT|...|
	exit_is "$1" || return 1
	[ "$(subjects)" = "$2" ] && return 0
	why="subjects shown: $(subjects)"
	return 1
}
ok "the chain is shown in the order presented" shown_in_order 0 \
    "CN=cms.example.com|CN=Test Issuing CA|"

fp=$("$OPENSSL" x509 -in server-ec.pem -noout -fingerprint -sha256 |
    sed 's/.*=//')
ok "the leaf's SHA-256, issuer and days left are shown" out_has 0 \
    "^    SHA-256  +$fp$" "^    issuer  +CN=Test Issuing CA$" \
    "^    not after  +20[0-9-]+T[0-9:]+Z \((36[45]) days left\)$"

run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem
ok "an address is not a name: no --name, no name checked" out_has 0 \
    "^127\.0\.0\.1:$good: verified for a TLS server$"

report() {	# the verdict and path of the last run, file names as F #N
	sed -n '/: verified/,$p' "$OUT" |
	    sed 's/^[^ ]*: /X: /; s/ [^ ]* #[0-9]* / F #N /'
}
run "$MEETCERT" verify server-ec.pem inter.pem root.pem --role server \
    --name cms.example.com
report >verify.report
run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem --name cms.example.com
report >probe.report
same_report() {
	[ -s verify.report ] || { why="verify reported nothing"; return 1; }
	cmp -s verify.report probe.report && return 0
	why="verify and probe report differently: $(diff verify.report \
probe.report | tr '\n' ' ')"
	return 1
}
ok "probe reports as verify does, names aside" same_report

run "$MEETCERT" probe "127.0.0.1:$good" --ca other-root.pem --ca root.pem \
    --name cms.example.com
ok "--ca given twice: both are anchors" out_has 0 "verified"

run "$MEETCERT" probe "127.0.0.1:$good" --name cms.example.com
ok "without --ca, the system store (SSL_CERT_FILE) does not trust it" \
    out_has 1 "FAILED: .*CN=Test Root CA"
SSL_CERT_FILE=$T/root.pem
run "$MEETCERT" probe "127.0.0.1:$good" --name cms.example.com
SSL_CERT_FILE=$T/other-root.pem
ok "without --ca, the system store (SSL_CERT_FILE) is the anchor" \
    out_has 0 "anchor .*root\.pem #1 \(CN=Test Root CA\) \(trusted\)"

# ---- the name: sent as SNI and checked

run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem --name other.example.com
ok "--name not in the leaf: exit 1 naming the name" out_has 1 \
    "^127\.0\.0\.1:$good: FAILED: .*not valid for other\.example\.com"

serve server-ec.pem ec.key -cert_chain inter.pem -cert2 local.pem \
    -key2 local.key -servername localhost
sni=$port
run "$MEETCERT" probe "localhost:$sni" --ca root.pem
ok "HOST a name: it is the name checked and sent as SNI" out_has 0 \
    "^localhost:$sni: verified for a TLS server named localhost$" \
    "subject +CN=localhost$"
run "$MEETCERT" probe "127.0.0.1:$sni" --ca root.pem --name localhost
ok "--name is sent as SNI" out_has 0 "subject +CN=localhost$" \
    "verified for a TLS server named localhost$"
run "$MEETCERT" probe "127.0.0.1:$sni" --ca root.pem
ok "an address is not sent as SNI" out_has 0 "subject +CN=cms\.example\.com$"
stop "$pid"

# ---- order and extras, as verify warns about a bundle

serve server-ec.pem ec.key -cert_chain root-first.pem
run "$MEETCERT" probe "127.0.0.1:$port" --ca root.pem --name cms.example.com
ok "root before intermediate: verified, with an order warning" out_has 0 \
    "verified" \
    "^  warning: 127\.0\.0\.1:$port is not in the guide's order: .*#2 \(CN=Test Root CA\) comes before .*#3"
ok "...shown in the order presented" shown_in_order 0 \
    "CN=cms.example.com|CN=Test Root CA|CN=Test Issuing CA|"
stop "$pid"

serve server-ec.pem ec.key -cert_chain chain.pem
run "$MEETCERT" probe "127.0.0.1:$port" --ca root.pem --name cms.example.com
ok "the guide's full chain, root last: verified, no warning" out_lacks 0 \
    "warning"
stop "$pid"

serve server-ec.pem ec.key -cert_chain twice.pem
run "$MEETCERT" probe "127.0.0.1:$port" --ca root.pem --name cms.example.com
ok "an intermediate presented twice: verified, with a warning" out_has 0 \
    "warning: 127\.0\.0\.1:$port #3 \(CN=Test Issuing CA\) is presented twice \(also as #2\)"
stop "$pid"

serve server-ec.pem ec.key -cert_chain with-stray.pem
run "$MEETCERT" probe "127.0.0.1:$port" --ca root.pem --name cms.example.com
ok "a certificate off the path: verified, with a warning" out_has 0 \
    "warning: 127\.0\.0\.1:$port #3 \(CN=stray\.example\.com\) is presented but is not on the path"
stop "$pid"

listen_addr="[::1]"
if listen '^ACCEPT' tls_server server-ec.pem ec.key -cert_chain inter.pem; then
	run "$MEETCERT" probe "[::1]:$port" --ca root.pem --name cms.example.com
	ok "IPv6: [::1]:PORT" out_has 0 "^\[::1\]:$port: verified"
	stop "$pid"
else
	skip "no IPv6 loopback" "IPv6: [::1]:PORT"
fi
listen_addr=127.0.0.1

# ---- verdicts against the leaf

serve self.pem self.key
run "$MEETCERT" probe "127.0.0.1:$port" --name cms.example.com
ok "a self-signed leaf, no --ca: exit 1" out_has 1 \
    "FAILED: .*#1 \(CN=cms\.example\.com\), a self-signed certificate that is not trusted"
stop "$pid"

serve expired.pem ec.key -cert_chain inter.pem
run "$MEETCERT" probe "127.0.0.1:$port" --ca root.pem --name cms.example.com
ok "an expired leaf: exit 1" out_has 1 "FAILED: .*expired on" \
    "not after +2021-01-01T00:00:00Z \(expired [0-9]+ days ago\)"
stop "$pid"

run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem --role client
ok "--role client on a server-only leaf: exit 1" out_has 1 \
    "FAILED: .*lacks clientAuth"
run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem --role any
ok "--role any" out_has 0 "^127\.0\.0\.1:$good: verified$"

# ---- --json

if [ -n "$have_python" ]; then
	run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem \
	    --name cms.example.com --json
	got=$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j["verified"], len(j["presented"]), j["presented"][1]["position"],
      j["presented"][0]["subject"], j["name"], j["role"], len(j["path"]),
      j["errors"], j["protocol"][:4])' "$OUT" 2>&1)
	json_ok() {
		exit_is 0 || return 1
		[ "$got" = "True 2 2 CN=cms.example.com cms.example.com server 3 [] TLSv" ] &&
		    return 0
		why="parsed: $got"
		return 1
	}
	ok "--json parses, with the chain and the verdict" json_ok
	run "$MEETCERT" probe "127.0.0.1:$good" --ca root.pem --name x.example --json
	got=$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j["verified"], len(j["errors"]))' "$OUT" 2>&1)
	json_fails() {
		exit_is 1 || return 1
		[ "$got" = "False 1" ] && return 0
		why="parsed: $got"
		return 1
	}
	ok "--json, a failed verdict: exit 1, one error" json_fails
else
	skip "no python3" "--json parses, with the chain and the verdict"
	skip "no python3" "--json, a failed verdict: exit 1, one error"
fi

# ---- ports that do not answer, or not with TLS

serve server-ec.pem ec.key
dead=$port
stop "$pid"
run "$MEETCERT" probe "127.0.0.1:$dead"
ok "nothing listening: exit 2, one line naming HOST:PORT" \
    rejected 2 "127.0.0.1:$dead: nothing answers (connection refused)"

run "$MEETCERT" probe "[::1]:$dead"
ok "IPv6, nothing listening: exit 2, one line naming [::1]:PORT" \
    rejected 2 "[::1]:$dead: "

within() {	# within EXIT MIN_MS MAX_MS PATTERN: one line, in that time
	exit_is "$1" || return 1
	lines=$(awk 'END { print NR }' "$ERR")
	[ "$lines" -eq 1 ] || { why="stderr has $lines lines"; return 1; }
	grep -q -E -e "$4" "$ERR" || { why="stderr lacks /$4/"; return 1; }
	[ "$ms" -ge "$2" ] && [ "$ms" -le "$3" ] && return 0
	why="took $ms ms, not $2 to $3"
	return 1
}

if [ -n "$have_python" ] && listen LISTENING plain_server silent; then
	run "$MEETCERT" probe "127.0.0.1:$port" --timeout 1
	ok "a silent plain TCP port: exit 2 after --timeout 1" within 2 900 2500 \
	    "^meetcert: 127\.0\.0\.1:$port: no TLS handshake within 1 s: is this a TLS port\?$"
	stop "$pid"
else
	skip "no python3" "a silent plain TCP port: exit 2 after --timeout 1"
fi
if [ -n "$have_python" ] && listen LISTENING plain_server banner; then
	run "$MEETCERT" probe "127.0.0.1:$port" --timeout 2
	ok "an SSH banner, not TLS: exit 2 at once" within 2 0 1000 \
	    "^meetcert: 127\.0\.0\.1:$port: the TLS handshake failed"
	stop "$pid"
else
	skip "no python3" "an SSH banner, not TLS: exit 2 at once"
fi
if [ -n "$have_python" ] && listen LISTENING plain_server full; then
	run "$MEETCERT" probe "127.0.0.1:$port" --timeout 1
	ok "a connect never answered: exit 2 after --timeout 1" within 2 900 2500 \
	    "^meetcert: 127\.0\.0\.1:$port: (no answer|no TLS handshake) within 1 s"
	stop "$pid"
else
	skip "no python3" "a connect never answered: exit 2 after --timeout 1"
fi

# The lookup waits as long as the resolver does: only where it says no fast.
timeout 1 getent hosts no-such-host.invalid >/dev/null 2>&1
if [ $? -ne 124 ]; then
	run "$MEETCERT" probe "no-such-host.invalid:443" --timeout 2
	ok "a name that does not resolve: exit 2, one line" \
	    rejected 2 "no-such-host.invalid:443: the name does not resolve"
else
	skip "a slow resolver" "a name that does not resolve: exit 2, one line"
fi

# ---- usage

usage_is() {	# usage_is DESCRIPTION NAMED ARGS...: exit 2, one line naming it
	d=$1 named=$2
	shift 2
	run "$MEETCERT" probe "$@"
	ok "usage: $d" rejected 2 "$named"
}
run "$MEETCERT" probe
ok "usage: no HOST:PORT" err_has 2 "^usage: meetcert probe HOST:PORT"
usage_is "no port" "'cms.example.com' is not HOST:PORT" cms.example.com
usage_is "port 0" "'cms.example.com:0'" cms.example.com:0
usage_is "port 65536" "'cms.example.com:65536'" cms.example.com:65536
usage_is "IPv6 without brackets" "'::1:443'" ::1:443
usage_is "--role other" "--role: 'other'" "127.0.0.1:$good" --role other
usage_is "--timeout 0" "--timeout: '0'" "127.0.0.1:$good" --timeout 0
usage_is "--name ''" "--name" "127.0.0.1:$good" --name ""
run "$MEETCERT" probe "127.0.0.1:$good" "127.0.0.1:$good"
ok "usage: two HOST:PORT" err_has 2 "^usage: meetcert probe HOST:PORT"
usage_is "--ca missing.pem" "missing.pem" "127.0.0.1:$good" --ca missing.pem

done_testing
