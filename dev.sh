#!/bin/sh
# The two commands of the README:
#   ./dev.sh start [ARGS]  install what is missing, build, start the
#                          practice lab (meetcert lab start: three stand-in
#                          Meeting Servers on 127.0.0.x) and open the wizard
#                          on its workspace; with ARGS, run meetcert ARGS
#                          instead (the lab's environment set)
#   ./dev.sh test          install what is missing, build from scratch, run
#                          the whole suite (plain, ASan+UBSan, fuzzers,
#                          distcheck) and end with "N passed, N failed"
set -eu

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

PACKAGES="build-essential autoconf automake libtool autopoint gettext \
pkg-config libssl-dev libssh-dev libncurses-dev libjansson-dev openssl \
ca-certificates publicsuffix clang libclang-rt-14-dev openssh-server openssh-client tmux time locales"

need_packages() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "dev.sh: installing$missing" >&2
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

# need_locale: de_DE.UTF-8 for tests/tui/german.sh, made once (root only;
# without it that test skips)
need_locale() {
	locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$' && return 0
	[ "$(id -u)" -eq 0 ] || return 0
	localedef -i de_DE -f UTF-8 de_DE.UTF-8 >/dev/null 2>&1 || true
}

bootstrap() {
	[ -x configure ] && [ configure -nt configure.ac ] &&
	    [ Makefile.in -nt Makefile.am ] || autoreconf -fi >/dev/null 2>&1 ||
	    autoreconf -fi
}

# build DIR [configure args...]
build() {
	dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } &&
	    make -s -j"$jobs" >/dev/null)
}

# counts DIR: adds that tree's automake results to the totals
counts() {
	log=$1/test-suite.log
	[ -f "$log" ] || return 0
	p=$(sed -n 's/^# PASS: *//p; s/^# XFAIL: *//p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^# FAIL: *//p; s/^# XPASS: *//p; s/^# ERROR: *//p' "$log" | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p))
	failed=$((failed + f))
}

step() {	# step NAME COMMAND...: one pass/fail of its own
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "PASS: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
	fi
}

cmd=${1:-start}
[ $# -gt 0 ] && shift
case $cmd in
start)
	need_packages
	bootstrap
	build build
	# The lab's default directory, as meetcert lab computes it (XDG).
	case ${XDG_STATE_HOME:-} in
	/*) lab=$XDG_STATE_HOME/meetcert/lab ;;
	*) lab=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.local/state/meetcert/lab ;;
	esac
	MEETCERT_KNOWN_HOSTS=$lab/known_hosts
	MEETCERT_IDENTITY=$lab/id
	export MEETCERT_KNOWN_HOSTS MEETCERT_IDENTITY
	[ $# -gt 0 ] && exec ./build/meetcert "$@"
	MEETCERT_STANDIN=$top/build/mmp-standin ./build/meetcert lab start --dir "$lab"
	if [ ! -t 0 ] || [ ! -t 1 ]; then
		echo "dev.sh: no terminal for the wizard; the lab runs (see above)" >&2
		exit 0
	fi
	exec ./build/meetcert wizard "$lab/lab.json"
	;;
test)
	need_packages
	need_locale
	bootstrap
	passed=0
	failed=0
	rm -rf build-test build-asan build-fuzz
	echo "== build and make check"
	build build-test --enable-werror
	(cd build-test && make -j"$jobs" check) || true
	counts build-test
	echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
	build build-asan --enable-werror --enable-asan
	(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 make -j"$jobs" check) || true
	counts build-asan
	echo "== libFuzzer targets"
	build build-fuzz CC=clang --enable-fuzzing --enable-asan
	for t in build-fuzz/tests/fuzz/fuzz-*; do
		[ -x "$t" ] || continue
		n=$(basename "$t")
		corpus=build-fuzz/corpus-$n
		mkdir -p "$corpus"
		step "$n (20 s)" sh -c "cd build-fuzz && make -s -C . tests/fuzz/seeds >/dev/null 2>&1; \
		    ./tests/fuzz/$n -max_total_time=20 -timeout=5 -rss_limit_mb=2048 \
		    ../$corpus tests/fuzz/seeds >../$corpus.log 2>&1 || { tail -40 ../$corpus.log; exit 1; }"
	done
	echo "== make distcheck"
	step distcheck sh -c "cd build-test && make -s -j$jobs distcheck >distcheck.log 2>&1 || { tail -40 distcheck.log; exit 1; }"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	;;
*)
	echo "usage: ./dev.sh start [ARGS] | ./dev.sh test" >&2
	exit 2
	;;
esac
