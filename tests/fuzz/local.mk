# tests/fuzz: libFuzzer targets, built with CC=clang ./configure
# --enable-fuzzing [--enable-asan].  Run one as
#   tests/fuzz/fuzz-load -max_total_time=60 CORPUS tests/fuzz/seeds
# after `make tests/fuzz/seeds`, which writes the seed corpus with openssl.

EXTRA_DIST += tests/fuzz/mkseeds.sh

if FUZZING
# The core again, with libFuzzer's coverage instrumentation: without it the
# fuzzers would see only their own few branches and mutate blind.
noinst_LTLIBRARIES += tests/fuzz/libmeetcert-fuzz.la
tests_fuzz_libmeetcert_fuzz_la_SOURCES = $(libmeetcert_la_SOURCES)
tests_fuzz_libmeetcert_fuzz_la_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link

FUZZ_COMPILE_FLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_LINK_LIBS = tests/fuzz/libmeetcert-fuzz.la $(OPENSSL_LIBS) $(JANSSON_LIBS)

noinst_PROGRAMS += tests/fuzz/fuzz-load tests/fuzz/fuzz-pem \
	tests/fuzz/fuzz-bundle
tests_fuzz_fuzz_load_SOURCES = tests/fuzz/fuzz-load.c
tests_fuzz_fuzz_load_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_load_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_load_LDADD = $(FUZZ_LINK_LIBS)
tests_fuzz_fuzz_pem_SOURCES = tests/fuzz/fuzz-pem.c
tests_fuzz_fuzz_pem_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_pem_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_pem_LDADD = $(FUZZ_LINK_LIBS)
tests_fuzz_fuzz_bundle_SOURCES = tests/fuzz/fuzz-bundle.c
tests_fuzz_fuzz_bundle_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_bundle_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_bundle_LDADD = $(FUZZ_LINK_LIBS)
endif

# A directory in the build tree, remade when the script changes.
tests/fuzz/seeds: $(top_srcdir)/tests/fuzz/mkseeds.sh
	$(AM_V_GEN)rm -rf $@ $@.tmp && \
	OPENSSL='$(OPENSSL_BIN)' $(SHELL) $(top_srcdir)/tests/fuzz/mkseeds.sh \
	    $@.tmp && mv $@.tmp $@

clean-local: clean-fuzz-seeds
clean-fuzz-seeds:
	rm -rf tests/fuzz/seeds tests/fuzz/seeds.tmp
.PHONY: clean-fuzz-seeds
