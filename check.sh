#!/bin/bash
# check.sh: build jwtcred and run its whole test suite (unit tests,
# protocol tests, integration tests against a local HTTPS token endpoint,
# and make distcheck).  Installs missing Debian packages when run as root.
set -u
cd "$(dirname "$0")"
tests/bootstrap.sh || exit 1

status=0
make -j"$(nproc)" check || status=1
if [ $status -eq 0 ]; then
	make -j"$(nproc)" distcheck >distcheck.log 2>&1 || { status=1; tail -40 distcheck.log; }
fi

# One summary line, from automake's test-suite.log.
count() { sed -n "s/^# $1: *//p" test-suite.log 2>/dev/null | head -1; }
pass=$(count PASS) fail=$(count FAIL) skip=$(count SKIP) error=$(count ERROR)
echo "$((${pass:-0})) passed, $((${fail:-0} + ${error:-0})) failed, $((${skip:-0})) skipped"
[ $status -eq 0 ] && echo "make distcheck: passed"
exit $status
