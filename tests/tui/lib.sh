# Sourced by tests/tui/*.sh: the wizard in a real terminal (tmux), driven
# by keys, read back as text (../shared/testing.md).
#
#   tui_init                     scratch dir $TUI, a private tmux server
#   tui_start COLS ROWS ENV... -- ARGS...
#                                meetcert ARGS in a new pane (ENV: VAR=VAL)
#   tui_keys KEY...              tmux send-keys
#   tui_wait TEXT [SECONDS]      until the screen shows TEXT (fixed string)
#   tui_screen                   the screen's text now
#   tui_resize COLS ROWS
#   tui_exit_status              the program's exit status once it ended
#   ok DESC CMD..., has TEXT, lacks TEXT, tui_done (the plan and exit code)

TUI=
tui_n=0
tui_fails=0

tui_have() {
	command -v tmux >/dev/null 2>&1
}

tui_cleanup() {
	if [ -n "$TUI" ] && [ -S "$TUI/sock" ]; then
		p=$(tmux -S "$TUI/sock" display -p '#{pid}' 2>/dev/null)
		[ -n "$p" ] && kill "$p" 2>/dev/null
	fi
	[ -n "$TUI" ] && rm -rf "$TUI"
}

tui_init() {
	TUI=$(mktemp -d "${TMPDIR:-/tmp}/mc-tui.XXXXXX") || exit 99
	trap tui_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	mkdir -p "$TUI/home"
}

# tui_start COLS ROWS [VAR=VALUE...] -- [meetcert arguments...]
tui_start() {
	cols=$1 rows=$2
	shift 2
	envs=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs -e $1"
		shift
	done
	[ "$1" = "--" ] && shift
	if [ -S "$TUI/sock" ]; then
		tmux -S "$TUI/sock" kill-server 2>/dev/null
		sleep 0.1
	fi
	rm -f "$TUI/status"
	# The status goes to a file: tmux's pane_dead_status is not always
	# there in time.
	# shellcheck disable=SC2086
	tmux -S "$TUI/sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
	    -e HOME="$TUI/home" -e ESCDELAY=25 -e TERM=screen $envs \
	    sh -c "\"\$0\" \"\$@\"; echo \$? >$TUI/status" "$MEETCERT" "$@"
	tmux -S "$TUI/sock" set -g remain-on-exit on >/dev/null
}

tui_keys() {
	tmux -S "$TUI/sock" send-keys "$@"
}

tui_screen() {
	tmux -S "$TUI/sock" capture-pane -p
}

# tui_wait TEXT [SECONDS]: polls every 20 ms; the screen goes to $TUI/out.
tui_wait() {
	limit=$(( ${2:-5} * 50 ))
	i=0
	while [ $i -lt "$limit" ]; do
		tui_screen >"$TUI/out" 2>/dev/null
		if grep -F -q -- "$1" "$TUI/out"; then
			# a frame comes in several writes: the same screen
			# twice, 30 ms apart, is a whole one
			sleep 0.03
			tui_screen >"$TUI/out2" 2>/dev/null
			cmp -s "$TUI/out" "$TUI/out2" && return 0
		fi
		sleep 0.02
		i=$((i + 1))
	done
	return 1
}

tui_resize() {
	tmux -S "$TUI/sock" resize-window -x "$1" -y "$2"
}

# The program's exit status, once it has ended (up to 2 s).
tui_exit_status() {
	i=0
	while [ $i -lt 100 ]; do
		st=$(cat "$TUI/status" 2>/dev/null)
		[ -n "$st" ] && break
		sleep 0.02
		i=$((i + 1))
	done
	echo "$st"
}

tui_dead() {
	[ "$(tmux -S "$TUI/sock" display -p '#{pane_dead}')" = 1 ]
}

ok() {
	desc=$1
	shift
	tui_n=$((tui_n + 1))
	if "$@"; then
		echo "ok $tui_n - $desc"
	else
		echo "not ok $tui_n - $desc"
		tui_fails=$((tui_fails + 1))
		[ -f "$TUI/out" ] && sed 's/^/# /' "$TUI/out"
	fi
}

has() {
	grep -F -q -- "$1" "$TUI/out"
}

lacks() {
	! grep -F -q -- "$1" "$TUI/out"
}

tui_done() {
	echo "1..$tui_n"
	[ "$tui_fails" = 0 ]
}
