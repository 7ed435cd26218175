# tests/mmp: the Meeting Server MMP stand-in behind a real sshd (issue 5).
check_PROGRAMS += tests/mmp/mmp-standin
tests_mmp_mmp_standin_SOURCES = tests/mmp/mmp-standin.c
tests_mmp_mmp_standin_LDADD = libmeetcert.la $(OPENSSL_LIBS) $(JANSSON_LIBS)
TESTS += tests/mmp/standin.sh
EXTRA_DIST += tests/mmp/rig.sh tests/mmp/standin.sh
