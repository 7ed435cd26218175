# tests/remote: the remote layer against MMP stand-ins behind a real sshd.
check_PROGRAMS += tests/remote/test-ssh
tests_remote_test_ssh_SOURCES = tests/remote/test-ssh.c
tests_remote_test_ssh_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/remote \
	-I$(top_srcdir)/tests/lib
tests_remote_test_ssh_LDADD = tests/lib/libtestfix.la libmeetremote.la \
	libmeetcert.la $(LIBSSH_LIBS) $(OPENSSL_LIBS) $(JANSSON_LIBS)
TESTS += tests/remote/ssh.sh
EXTRA_DIST += tests/remote/ssh.sh
TESTS += tests/remote/probe.sh
EXTRA_DIST += tests/remote/probe.sh
check_PROGRAMS += tests/remote/test-shell
tests_remote_test_shell_SOURCES = tests/remote/test-shell.c
tests_remote_test_shell_CPPFLAGS = $(tests_remote_test_ssh_CPPFLAGS)
tests_remote_test_shell_LDADD = $(tests_remote_test_ssh_LDADD)
TESTS += tests/remote/shell.sh
EXTRA_DIST += tests/remote/shell.sh
TESTS += tests/remote/deploy.sh
EXTRA_DIST += tests/remote/deploy.sh
TESTS += tests/remote/servercsr.sh
TESTS += tests/remote/expiring.sh
EXTRA_DIST += tests/remote/expiring.sh
EXTRA_DIST += tests/remote/servercsr.sh
TESTS += tests/remote/renew.sh
EXTRA_DIST += tests/remote/renew.sh
TESTS += tests/remote/discover.sh
EXTRA_DIST += tests/remote/discover.sh
