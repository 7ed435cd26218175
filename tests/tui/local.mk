# tests/tui: the wizard in a real terminal (tmux), keys in, text out.
TESTS += tests/tui/frame.sh tests/tui/hosts.sh tests/tui/german.sh
EXTRA_DIST += tests/tui/lib.sh tests/tui/frame.sh tests/tui/hosts.sh \
	tests/tui/german.sh
