# tests/cli: the meetcert command against openssl-made fixtures (TAP).
TESTS += \
	tests/cli/interop.sh \
	tests/cli/formats.sh \
	tests/cli/badinput.sh \
	tests/cli/csr.sh
EXTRA_DIST += \
	tests/cli/lib.sh \
	tests/cli/interop.sh \
	tests/cli/formats.sh \
	tests/cli/badinput.sh \
	tests/cli/csr.sh
