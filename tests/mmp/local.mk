# tests/mmp: the Meeting Server MMP stand-in (src/standin, also the
# practice lab's) behind a real sshd.
TESTS += tests/mmp/standin.sh
EXTRA_DIST += tests/mmp/rig.sh tests/mmp/standin.sh
