#!/bin/bash
# smoke.sh: run libFuzzer targets for a bounded time each (make fuzz-smoke).
#
#   smoke.sh --seconds N --jobs J --artifacts DIR --srcdir DIR NAME...
#
# Each target tests/fuzz/fuzz_NAME runs for N seconds on a scratch copy of
# tests/fuzz/corpus/NAME (the committed corpus never grows here), with its
# dictionary when there is one, J targets at a time (0: one per processor).
# A crash, leak, timeout or out-of-memory input is saved as
# DIR/NAME-crash-<sha1> (and so on) and fails the run.
set -u

seconds=60 jobs=0 artifacts=tests/fuzz/artifacts srcdir=.
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--artifacts) artifacts=$2; shift 2 ;;
	--srcdir) srcdir=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "smoke.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: smoke.sh [--seconds N] [--jobs J] [--artifacts DIR] [--srcdir DIR] NAME..." >&2; exit 2; }
[ "$jobs" -gt 0 ] 2>/dev/null || jobs=$(nproc 2>/dev/null || echo 1)
mkdir -p "$artifacts" tests/fuzz/work || exit 1
# known leaks in the libraries we link (each one explained in the file)
export LSAN_OPTIONS="suppressions=$(cd "$srcdir" && pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# One target; its exit status is libFuzzer's (0: nothing found).
run_one() {
	local name=$1 work=tests/fuzz/work/$1 dict=$srcdir/tests/fuzz/dict/$1.dict
	local -a opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
		-artifact_prefix="$artifacts/$name-" -print_final_stats=1)
	[ -f "$dict" ] && opts+=(-dict="$dict")
	rm -rf "$work" && mkdir -p "$work" &&
		cp "$srcdir"/tests/fuzz/corpus/"$name"/* "$work"/ &&
		chmod u+w "$work"/* || return 1
	./tests/fuzz/fuzz_"$name" "${opts[@]}" "$work" >"$work.log" 2>&1
}

# Report one finished target from its log.
report() {
	local name=$1 rc=$2 log=tests/fuzz/work/$1.log runs cov
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz-smoke: $name: ok (${runs:-?} runs in ${seconds}s, ${cov:-cov: ?})"
	else
		echo "fuzz-smoke: $name: FAILED (exit $rc); the log's end:"
		grep -v '^#[0-9]\|^INFO:\|^stat::' "$log" | tail -40 | sed 's/^/  /'
		ls "$artifacts"/"$name"-* 2>/dev/null | sed 's/^/  saved input: /'
		echo "  replay it: tests/fuzz/replay_$name FILE; keep it: copy it into tests/fuzz/regressions/$name/"
	fi
}

# Running targets: name by process id.  wait -n -p needs bash 5.1.
declare -A name_of=()
failed=0
wait_one() {
	local pid rc
	wait -n -p pid
	rc=$?
	[ -n "${pid:-}" ] || return 0
	report "${name_of[$pid]}" "$rc"
	[ "$rc" -eq 0 ] || failed=$((failed + 1))
	unset "name_of[$pid]"
}

for name in "$@"; do
	if [ ! -x "tests/fuzz/fuzz_$name" ]; then
		echo "fuzz-smoke: tests/fuzz/fuzz_$name is not built" >&2
		failed=$((failed + 1))
		continue
	fi
	while [ "${#name_of[@]}" -ge "$jobs" ]; do
		wait_one
	done
	run_one "$name" &
	name_of[$!]=$name
done
while [ "${#name_of[@]}" -gt 0 ]; do
	wait_one
done
echo "fuzz-smoke: $# targets, $failed failed"
[ "$failed" -eq 0 ]
