# tests/cli: the meetcert command against openssl-made fixtures (TAP).
TESTS += \
	tests/cli/interop.sh \
	tests/cli/formats.sh \
	tests/cli/badinput.sh \
	tests/cli/csr.sh \
	tests/cli/plan.sh \
	tests/cli/init.sh \
	tests/cli/columns.sh \
	tests/cli/lab.sh
EXTRA_DIST += \
	tests/cli/lib.sh \
	tests/cli/interop.sh \
	tests/cli/formats.sh \
	tests/cli/badinput.sh \
	tests/cli/csr.sh \
	tests/cli/plan.sh \
	tests/cli/init.sh \
	tests/cli/columns.sh \
	tests/cli/lab.sh \
	tests/data/plans/combined-per-server.json \
	tests/data/plans/combined-per-service.json \
	tests/data/plans/combined-one-for-all.json \
	tests/data/plans/split-per-server.json \
	tests/data/plans/split-per-service.json \
	tests/data/plans/split-one-for-all.json \
	tests/data/plans/resilient-per-server.json \
	tests/data/plans/resilient-per-service.json \
	tests/data/plans/resilient-one-for-all.json \
	tests/data/plans/lab-pod7-per-server.json \
	tests/data/plans/lab-pod7-per-service.json \
	tests/data/plans/lab-pod7-one-for-all.json \
	tests/data/plans/lab-pod7.script
