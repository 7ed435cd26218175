# tests/tui: the wizard in a real terminal (tmux), keys in, text out.
TESTS += tests/tui/frame.sh tests/tui/hosts.sh tests/tui/german.sh \
	tests/tui/answers.sh tests/tui/keys-server.sh tests/tui/expiry.sh
EXTRA_DIST += tests/tui/lib.sh tests/tui/frame.sh tests/tui/hosts.sh \
	tests/tui/german.sh tests/tui/answers.sh tests/tui/keys-server.sh \
	tests/tui/expiry.sh
TESTS += tests/tui/lab-walk.sh
EXTRA_DIST += tests/tui/lab-walk.sh \
	docs/screens/01-open.txt docs/screens/02-type.txt \
	docs/screens/03-options.txt docs/screens/04-hosts.txt \
	docs/screens/05-plan.txt docs/screens/06-keys.txt \
	docs/screens/07-signing.txt docs/screens/08-import.txt \
	docs/screens/09-bundles.txt docs/screens/10-bind.txt \
	docs/screens/11-validate.txt docs/screens/12-done.txt \
	docs/screens/renew-03-servers.txt docs/screens/renew-04-expiry.txt \
	docs/screens/renew-10-bind.txt
TESTS += tests/tui/renew-walk.sh
EXTRA_DIST += tests/tui/renew-walk.sh
