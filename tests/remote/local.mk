# tests/remote: the remote layer against MMP stand-ins behind a real sshd.
check_PROGRAMS += tests/remote/test-ssh
tests_remote_test_ssh_SOURCES = tests/remote/test-ssh.c
tests_remote_test_ssh_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/remote \
	-I$(top_srcdir)/tests/lib
tests_remote_test_ssh_LDADD = tests/lib/libtestfix.la libmeetremote.la \
	libmeetcert.la $(LIBSSH_LIBS) $(OPENSSL_LIBS) $(JANSSON_LIBS)
TESTS += tests/remote/ssh.sh
EXTRA_DIST += tests/remote/ssh.sh
