# tests/core: unit tests of libmeetcert, one TAP program per core module.
# Fixtures (keys, certificates, CSRs, PKCS#7, files) are made at run time by
# tests/lib/fixture.c; nothing binary is kept in the tree.

check_LTLIBRARIES += tests/lib/libtestfix.la
tests_lib_libtestfix_la_SOURCES = \
	tests/lib/tap.c tests/lib/tap.h \
	tests/lib/fixture.c tests/lib/fixture.h
tests_lib_libtestfix_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/lib

CORE_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/lib
CORE_TEST_LDADD = tests/lib/libtestfix.la libmeetcert.la \
	$(OPENSSL_LIBS) $(JANSSON_LIBS)

check_PROGRAMS += tests/core/test-pem
TESTS += tests/core/test-pem
tests_core_test_pem_SOURCES = tests/core/test-pem.c
tests_core_test_pem_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_pem_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-load
TESTS += tests/core/test-load
tests_core_test_load_SOURCES = tests/core/test-load.c
tests_core_test_load_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_load_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-x509
TESTS += tests/core/test-x509
tests_core_test_x509_SOURCES = tests/core/test-x509.c
tests_core_test_x509_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_x509_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-verify
TESTS += tests/core/test-verify
tests_core_test_verify_SOURCES = tests/core/test-verify.c
tests_core_test_verify_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_verify_LDADD = $(CORE_TEST_LDADD)

# The commands of issue 3: names, keys and CSRs, the local CA, bundles, and
# the guide's own pki lines (tests/data/pki-lines.txt).
check_PROGRAMS += tests/core/test-names
TESTS += tests/core/test-names
tests_core_test_names_SOURCES = tests/core/test-names.c
tests_core_test_names_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_names_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-csr
TESTS += tests/core/test-csr
tests_core_test_csr_SOURCES = tests/core/test-csr.c
tests_core_test_csr_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_csr_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-ca
TESTS += tests/core/test-ca
tests_core_test_ca_SOURCES = tests/core/test-ca.c
tests_core_test_ca_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_ca_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-bundle
TESTS += tests/core/test-bundle
tests_core_test_bundle_SOURCES = tests/core/test-bundle.c
tests_core_test_bundle_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_bundle_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-golden
TESTS += tests/core/test-golden
tests_core_test_golden_SOURCES = tests/core/test-golden.c
tests_core_test_golden_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_golden_LDADD = $(CORE_TEST_LDADD)
EXTRA_DIST += tests/data/pki-lines.txt

# The deployment model of issue 4: the workspace file and the plan derived
# from it and data/services.json.
check_PROGRAMS += tests/core/test-workspace
TESTS += tests/core/test-workspace
tests_core_test_workspace_SOURCES = tests/core/test-workspace.c
tests_core_test_workspace_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_workspace_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-plan
TESTS += tests/core/test-plan
tests_core_test_plan_SOURCES = tests/core/test-plan.c
tests_core_test_plan_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_plan_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-mmp
TESTS += tests/core/test-mmp
tests_core_test_mmp_SOURCES = tests/core/test-mmp.c
tests_core_test_mmp_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_mmp_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/core/test-import
TESTS += tests/core/test-import
tests_core_test_import_SOURCES = tests/core/test-import.c
tests_core_test_import_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_import_LDADD = $(CORE_TEST_LDADD)

# meetcert discover (issue 7): a workspace from what the servers have bound.
check_PROGRAMS += tests/core/test-discover
TESTS += tests/core/test-discover
tests_core_test_discover_SOURCES = tests/core/test-discover.c
tests_core_test_discover_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_discover_LDADD = $(CORE_TEST_LDADD)

# Issue 7: every certificate bound, with its expiry band.
check_PROGRAMS += tests/core/test-expiry
TESTS += tests/core/test-expiry
tests_core_test_expiry_SOURCES = tests/core/test-expiry.c
tests_core_test_expiry_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_core_test_expiry_LDADD = $(CORE_TEST_LDADD)
