#!/bin/bash
# check.sh: build jwtcred and run its whole test suite: unit, protocol and
# integration tests (against a local HTTPS token endpoint), make distcheck,
# then the same tests built with AddressSanitizer + UBSan, the unit tests
# under valgrind, and every fuzz target for FUZZ_SECONDS (default 30).
# Installs missing Debian packages when run as root; without root, a stage
# whose tool is missing is skipped and says why.
#
# The last line is the summary: the tests of make check, one by one, plus
# one for each further stage (distcheck, asan, valgrind, fuzz).
set -u
cd "$(dirname "$0")"
tests/bootstrap.sh --ci || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
jobs=$(nproc)
status=0 stage_pass=0 stage_fail=0 stage_skip=0 dir="" mark=$SECONDS

# stage NAME pass|fail|skip [WHY]: record a stage's outcome
stage() {
	case $2 in
	pass) stage_pass=$((stage_pass + 1)) ;;
	fail) stage_fail=$((stage_fail + 1)); status=1 ;;
	skip) stage_skip=$((stage_skip + 1)) ;;
	esac
	echo "check: $1: $2${3:+ ($3)} [$((SECONDS - mark))s]"
	mark=$SECONDS
}

# The failed tests' logs, which automake gathers in $1/test-suite.log.
show_failures() {
	[ -f "$1/test-suite.log" ] && sed -n '/^\(FAIL\|ERROR\): /,$p' "$1/test-suite.log" | head -150
}

# 1. the tests, then distcheck
rm -f test-suite.log
make -j"$jobs" check || status=1
count() { sed -n "s/^# $1: *//p" test-suite.log 2>/dev/null | head -1; }
pass=$(count PASS) fail=$(count FAIL) skip=$(count SKIP) error=$(count ERROR)
if [ $status -ne 0 ] && [ $((${fail:-0} + ${error:-0})) -eq 0 ]; then
	stage "make check" fail "the build or the test harness failed before the tests"
else
	echo "check: make check: ${pass:-0} passed [$((SECONDS - mark))s]"
	mark=$SECONDS
fi
# distcheck proves the tarball builds out of tree, installs, uninstalls
# and cleans; it runs the unit tests only, because the asan stage below
# runs every test from the same tarball.
if make -j"$jobs" distcheck TESTS='$(UNIT_TESTS)' >distcheck.log 2>&1; then
	stage distcheck pass
else
	tail -40 distcheck.log
	stage distcheck fail "see distcheck.log"
fi

# The later builds start from the release tarball (a VPATH build cannot
# share this configured source tree), each in its own directory.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jwtcred-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
tarball=$(sed -n 's/^PACKAGE = //p' Makefile)-$(sed -n 's/^VERSION = //p' Makefile).tar.gz
[ -f "$tarball" ] || make -s dist >/dev/null 2>&1
unpack() { # DIR: the release tree in $tmp/DIR; prints its path
	mkdir -p "$tmp/$1" && tar -xzf "$tarball" -C "$tmp/$1" && echo "$tmp/$1/${tarball%.tar.gz}"
}
supp=$PWD/tests/fuzz artifacts=$PWD/tests/fuzz/artifacts

# 2. AddressSanitizer + UndefinedBehaviorSanitizer: unit and integration tests
echo "check: asan: building with --enable-asan and running make check (asan.log)"
if dir=$(unpack asan) &&
	(cd "$dir" && ./configure -q --enable-asan && make -s -j"$jobs") >asan.log 2>&1 &&
	(cd "$dir" && LSAN_OPTIONS=suppressions=$supp/lsan.supp make -j"$jobs" check) >>asan.log 2>&1; then
	stage asan pass
else
	tail -20 asan.log
	show_failures "$dir"
	stage asan fail "see asan.log"
fi

# 3. valgrind memcheck over the unit tests and the fuzz replays
if ! command -v valgrind >/dev/null; then
	stage valgrind skip "valgrind is not installed: apt-get install valgrind"
else
	echo "check: valgrind: memcheck over the unit tests and fuzz replays (valgrind.log)"
	vg_fail=0 vg_ran=0
	: >valgrind.log
	for t in tests/unit/test_* tests/fuzz/replay_*; do
		case $t in *.*) continue ;; esac
		[ -x "$t" ] || continue
		vg_ran=$((vg_ran + 1))
		if srcdir=. ./libtool --mode=execute valgrind -q --error-exitcode=1 --leak-check=full \
			--errors-for-leak-kinds=definite --suppressions="$supp/valgrind.supp" \
			"$t" >>valgrind.log 2>&1; then
			echo "valgrind: $t: clean" >>valgrind.log
		else
			echo "valgrind: $t: FAILED" | tee -a valgrind.log
			vg_fail=$((vg_fail + 1))
		fi
	done
	if [ $vg_ran -eq 0 ]; then
		stage valgrind fail "no test program was built"
	elif [ $vg_fail -eq 0 ]; then
		stage valgrind pass "$vg_ran programs"
	else
		grep -A12 '^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|definitely lost\|Mismatched\)' valgrind.log | head -60
		stage valgrind fail "$vg_fail programs with errors, see valgrind.log"
	fi
fi

# 4. libFuzzer: every target for FUZZ_SECONDS, crashes kept in tests/fuzz/artifacts
fuzz_probe='int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }'
if ! command -v clang >/dev/null; then
	stage fuzz skip "clang is not installed: apt-get install clang libclang-rt-14-dev"
elif ! echo "$fuzz_probe" | clang -x c -fsanitize=fuzzer -o "$tmp/probe" - >/dev/null 2>&1; then
	stage fuzz skip "clang cannot link libFuzzer: apt-get install libclang-rt-14-dev"
elif echo "check: fuzz: building with clang --enable-fuzzing, ${FUZZ_SECONDS}s per target (fuzz.log)" &&
	dir=$(unpack fuzz) &&
	(cd "$dir" && ./configure -q CC=clang --enable-fuzzing && make -s -j"$jobs") >fuzz.log 2>&1 &&
	(cd "$dir" && make fuzz-smoke FUZZ_SECONDS="$FUZZ_SECONDS" FUZZ_JOBS="$jobs" \
		FUZZ_ARTIFACTS="$artifacts") >>fuzz.log 2>&1; then
	grep '^fuzz-smoke:' fuzz.log
	stage fuzz pass
else
	if grep -q '^fuzz-smoke:' fuzz.log; then
		grep -A40 '^fuzz-smoke:' fuzz.log | head -80
	else
		tail -20 fuzz.log
	fi
	stage fuzz fail "see fuzz.log; inputs in tests/fuzz/artifacts"
fi

# One summary line, last.
echo "$((${pass:-0} + stage_pass)) passed, $((${fail:-0} + ${error:-0} + stage_fail)) failed, $((${skip:-0} + stage_skip)) skipped"
exit $status
