#!/bin/bash
# The shared cache against a hostile Redis (issue 15's review):
# tests/server/fake_redis.py speaks RESP and misbehaves in one way per run.
# Each run must end within a bound, degrade to the local path with one
# warning that names the case (and never the password), and print a token
# the endpoint accepts:
#   trickle   one byte every 200 ms of a 1 MB bulk string: the timeout is per
#             step, not per read()
#   huge      a 1.5 GB bulk string: at most 2 * JC_SEAL_MAX + 4 kB are read
#   bigarray  5000 elements: refused at the array header
#   scanloop  status --shared: a cursor that never ends stops after 1000 SCANs
#   flood     a waiter under a flood of messages keeps its backoff steps
#             (50 ms doubling to 500 ms) between lookups, not a busy loop
#   nowrite   the entry's SET refused: the holder still releases its lock
#             and publishes
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
PASS_FILE=$TEST_TMP/redis.pass
(umask 077 && echo 'hostile-test-password' >"$PASS_FILE")
FAKE_PID=''
fake_stop() {
	[ -n "$FAKE_PID" ] || return 0
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=''
}
trap 'fake_stop; _cleanup' EXIT

# fake_start MODE: the fake server in MODE; FAKE_PORT, FAKE_LOG (command names)
# and a configuration pointing profile prod's shared cache at it.
fake_start() {
	local i
	fake_stop
	FAKE_LOG=$TEST_TMP/$1.log
	rm -f "$TEST_TMP/$1.port" "$FAKE_LOG"
	/usr/bin/python3 "$TOP_SRCDIR/tests/server/fake_redis.py" "$1" "$TEST_TMP/$1.port" "$FAKE_LOG" \
		2>"$TEST_TMP/$1.server.err" &
	FAKE_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$TEST_TMP/$1.port" ] && break
		sleep 0.1
	done
	FAKE_PORT=$(cat "$TEST_TMP/$1.port" 2>/dev/null) || { echo "FAIL: fake_redis.py $1 did not start" >&2; exit 1; }
	write_config 'timeout = 2;'
	{
		echo 'shared_cache = {'
		echo "  url = \"redis://127.0.0.1:$FAKE_PORT/0\";"
		echo "  password_file = \"$PASS_FILE\";"
		echo '  timeout = 500;'
		echo '};'
		cat "$JWTCRED_CONFIG"
	} >"$JWTCRED_CONFIG.tmp" && mv "$JWTCRED_CONFIG.tmp" "$JWTCRED_CONFIG"
	export JWTCRED_CACHE_DIR=$TEST_TMP/cache-$1
	mkdir -p "$JWTCRED_CACHE_DIR" && chmod 700 "$JWTCRED_CACHE_DIR"
}

# jw NAME ARGS...: run_jwtcred, killed after 60 s (RC 124); ELAPSED_MS
jw() {
	local t0 name=$1
	shift
	t0=$(date +%s%3N)
	RC=0
	timeout 60 "$JWTCRED" "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" </dev/null || RC=$?
	ELAPSED_MS=$(($(date +%s%3N) - t0))
}

# valid FILE: the token in FILE opens the endpoint's protected resource
valid() {
	local hdr=$TEST_TMP/valid.hdr code
	printf 'Authorization: Bearer %s\n' "$(cat "$1")" >"$hdr"
	code=$(curl -sS --cacert "$PKI/ca.crt" -H @"$hdr" -o /dev/null -w '%{http_code}' \
		"$SERVER_URL/services/data/v59.0/")
	rm -f "$hdr"
	[ "$code" = 200 ]
}
count() { grep -c "^$1\$" "$FAKE_LOG" || true; }
# degraded NAME WHAT-RE: a token the endpoint takes, one warning line naming WHAT-RE, no password
degraded() {
	expect_eq "$1: jwtcred token exits 0" 0 "$RC"
	check "$1: the token printed is valid" valid "$TEST_TMP/$1.out"
	expect_grep "$1: one warning naming the case" "shared cache '[^']+' .*$2.*: using the local cache" "$TEST_TMP/$1.err"
	expect_eq "$1: stderr is that one line" 1 "$(wc -l <"$TEST_TMP/$1.err")"
	expect_no_grep "$1: the password is not in the warning" 'hostile-test-password' "$TEST_TMP/$1.err"
	show "$TEST_TMP/$1.err"
}

fake_start trickle
jw trickle token
degraded trickle 'no answer within 500 ms'
check "trickle: done within 10 s (took ${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 10000

fake_start huge
jw huge token
degraded huge 'a reply of more than [0-9]+ bytes'
check "huge: done within 10 s (took ${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 10000
fake_stop
sent=$(sed -n 's/^SENT //p' "$FAKE_LOG" | sort -n | tail -1)
check "huge: the client stopped reading early (server sent ${sent:-?} bytes)" test "${sent:-0}" -lt 67108864

fake_start bigarray
jw bigarray token
degraded bigarray 'a reply of more than 1000 elements'

fake_start scanloop
jw scanloop status --shared
expect_eq "scanloop: status --shared ends (no timeout kill)" 0 "$((RC == 124))"
cat "$TEST_TMP/scanloop.out" "$TEST_TMP/scanloop.err" >"$TEST_TMP/scanloop.all"
expect_grep "scanloop: it says the scan stopped" stopped "$TEST_TMP/scanloop.all"
scans=$(count SCAN)
check "scanloop: at most 1000 SCANs (sent $scans)" test "$scans" -le 1000
show "$TEST_TMP/scanloop.out"
show "$TEST_TMP/scanloop.err"

fake_start flood
jw flood token
gets=$(count GETRANGE)
expect_eq "flood: jwtcred token exits 0" 0 "$RC"
check "flood: the token printed is valid" valid "$TEST_TMP/flood.out"
# the mint window: timeout 2 s + 5 s slack; steps of 50 ms doubling to 500 ms: about 20 GETs
check "flood: the waiter looked at most 40 times in $ELAPSED_MS ms (looked $gets)" test "$gets" -le 40
check "flood: it did look again while waiting (looked $gets)" test "$gets" -ge 3
show "$TEST_TMP/flood.err"

fake_start nowrite
jw nowrite token
degraded nowrite 'OOM'
check "nowrite: the holder released its lock anyway" grep -Eq '^EVAL(SHA)?$' "$FAKE_LOG"
check "nowrite: the holder published anyway" grep -q '^PUBLISH$' "$FAKE_LOG"
fake_stop

finish
