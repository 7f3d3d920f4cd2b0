#!/bin/bash
# The background refresh's process, against the real endpoint: purge waits
# for a refresh in flight and nothing is written after it returns (with
# --revoke both the old and the new token are revoked); jwtcred status
# says "running" only while the refresh holds the entry's lock, "killed"
# for one that died, and "backing off" while no new one may start.
# JWTCRED_NOW moves the cache's clock (the worker inherits it).
. "${srcdir:-.}/tests/integration/lib.sh"
[ -d /proc/self/fd ] || skip "no /proc: the worker cannot be found"

start_server
# token_lifetime 900, refresh_margin 60: the refresh point is 675 s after issue
write_config
cd "$TEST_TMP" || exit 1

ms() { echo $(($(date +%s%N) / 1000000)); }
entries() { find "$JWTCRED_CACHE_DIR" -maxdepth 1 -regextype egrep -regex '.*/[0-9a-f]{16}' | wc -l; }

# lock_holder: the pid of the process holding an entry's lock file open
# (the worker: one of this test's), or nothing.  One find(1) over every
# process's descriptors: a readlink per descriptor would take seconds on a
# machine with many, longer than the refresh holds the lock.
lock_holder() {
	local fd
	fd=$(find /proc/[0-9]*/fd -maxdepth 1 -lname "$JWTCRED_CACHE_DIR/*.lock" -print -quit 2>/dev/null)
	[ -n "$fd" ] || return 1
	fd=${fd#/proc/}
	echo "${fd%%/*}"
}

# wait_holder: up to 5 s for a worker to hold the lock; its pid in $HOLDER
wait_holder() {
	local i
	for ((i = 0; i < 100; i++)); do
		HOLDER=$(lock_holder) && return 0
		sleep 0.05
	done
	return 1
}

# due_hit: a fresh cache entry (token in a.tok), then a due hit that starts a
# refresh the endpoint answers in $1 ms; returns once the worker holds the lock
due_hit() {
	"$JWTCRED" purge >/dev/null
	server_mode '{}'
	server_reset
	T=$(date +%s)
	JWTCRED_NOW=$T "$JWTCRED" token >a.tok
	server_mode "{\"delay_ms\": $1}"
	JWTCRED_NOW=$((T + 700)) "$JWTCRED" token >due.tok
	cmp -s a.tok due.tok && wait_holder
}

# --- purge waits for the refresh in flight; the cache stays empty ----------------------
check "a due hit: the cached token, a refresh in flight" due_hit 2000
t0=$(ms)
JWTCRED_NOW=$((T + 700)) run_jwtcred purge purge
rc=$RC purge_ms=$(($(ms) - t0))
expect_eq "purge during a refresh: exit 0" 0 "$rc" || show purge.err
echo "# purge took ${purge_ms} ms (the refresh's endpoint answers in 2000 ms)"
# (how long it waits depends on how far the refresh had got: the checks below are what
# the lock guarantees, whatever the order)
expect_eq "purge: the cache is empty when it returns" 0 "$(entries)"
sleep 2.5
expect_eq "purge: still empty after the refresh had time to land" 0 "$(entries)"
expect_eq "the refresh minted once" 2 "$(server_stats token_requests)"

# --- purge --revoke: the new token and the one it replaced are both revoked -------------
check "a due hit: a refresh in flight (--revoke)" due_hit 2000
JWTCRED_NOW=$((T + 700)) run_jwtcred purge_revoke purge --revoke
expect_eq "purge --revoke during a refresh: exit 0" 0 "$RC" || show purge_revoke.err
sleep 2.5
expect_eq "purge --revoke: the cache stays empty" 0 "$(entries)"
# every token minted is revoked: the old one, and the refreshed one when the refresh
# took the lock first (else it found the entry gone and minted nothing)
expect_eq "purge --revoke: every token minted was revoked" "$(server_stats token_requests)" \
	"$(server_stats revoke_requests)"

# --- status: running while the lock is held, killed when the worker died ----------------
check "a due hit: a refresh in flight (status)" due_hit 20000
JWTCRED_NOW=$((T + 700)) run_jwtcred status_running status
expect_grep "status: a refresh at work is running" \
	"^prod .* $(date -u -d "@$((T + 700))" +%Y-%m-%dT%H:%M:%SZ) running +[0-9]+m" status_running.out
kill -KILL "$HOLDER"
for ((i = 0; i < 50; i++)); do lock_holder >/dev/null || break; sleep 0.1; done
JWTCRED_NOW=$((T + 710)) run_jwtcred status_killed status
expect_grep "status: a refresh that died is killed, not running" \
	"^prod .* $(date -u -d "@$((T + 700))" +%Y-%m-%dT%H:%M:%SZ) killed +[0-9]+m" status_killed.out
expect_grep "status: due, but backing off after the killed refresh" \
	"^prod +alice@example.com +[-0-9T:Z]+ +[-0-9T:Z]+ +[-0-9T:Z]+ +backing off +" status_killed.out
JWTCRED_NOW=$((T + 770)) run_jwtcred status_due status
expect_grep "status: due again a minute after the killed refresh" \
	"^prod +alice@example.com +[-0-9T:Z]+ +[-0-9T:Z]+ +[-0-9T:Z]+ +due +" status_due.out
server_mode '{}'

finish
