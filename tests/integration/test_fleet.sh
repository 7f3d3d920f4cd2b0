#!/bin/bash
# The shared cache in Redis (issue 15), end to end with Debian's redis-server
# (tests/lib/redis.sh: an ACL user with only the rights the docs recommend,
# the default user with none) and the local token endpoint.
#
# A "machine" is a cache directory of its own (JWTCRED_CACHE_DIR): its own
# local cache and local single flight; the machines of a "fleet" share one
# Redis and config-examples/fleet.conf (copied here with the paths filled
# in).  Checked: 8 machines x 16 callers on cold caches make exactly one
# token request and print one token; Redis killed while the callers wait;
# a slow (stopped) Redis; tampered, swapped and foreign entries; a wrong
# password and an unreachable URL degrade to the local cache with one
# warning line; no token in clear in Redis; status/purge --shared;
# refreshing ahead on the fleet makes one request.  Tokens are compared
# by their hashes and never printed.
. "${srcdir:-.}/tests/integration/lib.sh"
# shellcheck source=../lib/redis.sh
. "$TOP_SRCDIR/tests/lib/redis.sh"

redis_start "$TEST_TMP/redis" || { echo "FAIL: redis-server did not start" >&2; exit 1; }
start_server
EXAMPLE=$TOP_SRCDIR/config-examples/fleet.conf
export JWTCRED_PROFILE=ci     # the example has three profiles
# the one warning a process prints when the shared cache fails it
WARN_RE="shared cache '[^']+' .*: using the local cache"
# the -v line of an entry that does not open (tampered, swapped, too big)
REFUSED_RE='shared entry( of [0-9]+ bytes)? ignored'

# fleet_config FILE [SED-EXPRESSION...]: config-examples/fleet.conf with the
# test's endpoint, key, Redis and password file, then the extra sed edits.
fleet_config() {
	local out=$1 e args=()
	shift
	for e in "$@"; do args+=(-e "$e"); done
	sed -e "s|\"redis://redis.ci.example.com:6379/0\"|\"$REDIS_URL\"|" \
		-e "s|\"~/.config/jwtcred/redis.pass\"|\"$REDIS_PASS_FILE\"|" \
		-e "s|\"3MVG9example.consumer.key.for.ci\"|\"$SERVER_CLIENT_ID\"|" \
		-e 's|"ci-integration@example.com"|"alice@example.com"|' \
		-e "s|private_key = \"~/.config/jwtcred/ci.key\";|private_key = \"$KEYS/client.key\"; login_url = \"$SERVER_URL\"; audience = \"https://login.salesforce.com\"; ca_file = \"$PKI/ca.crt\"; timeout = 10;|" \
		"${args[@]}" "$EXAMPLE" >"$out.tmp" && mv "$out.tmp" "$out"
}
fleet_config "$JWTCRED_CONFIG"
check "the example names the ACL the test's Redis user has" grep -qF "$REDIS_ACL" "$EXAMPLE"
check "the example's Redis URL was substituted" grep -qF "$REDIS_URL" "$JWTCRED_CONFIG"

run_jwtcred probe check
if grep -q 'built without Redis support' "$TEST_TMP/probe.err"; then
	skip "this jwtcred is built without Redis support (hiredis)"
fi
expect_eq "jwtcred check loads the fleet example" 0 "$RC"
show "$TEST_TMP/probe.err"

now_ms() { date +%s%3N; }
# section TITLE: a heading in the log, with the seconds since the start
section() { echo "# --- $1 (at ${SECONDS} s)"; }
not() { ! "$@"; }
entry_keys() { redis_keys 'jwtcred:entry:*'; }
lock_keys() { redis_keys 'jwtcred:lock:*'; }
count_lines() { if [ -s "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# the endpoint's token_requests counter (server_stats without a Python per call)
tokens() { _server_admin GET /admin/stats | grep -o '"token_requests": *[0-9]*' | grep -o '[0-9]*$'; }
# distinct FILE...: how many different contents (by SHA-256)
distinct() { sha256sum "$@" | cut -c1-64 | sort -u | wc -l; }
# valid FILE: the token in FILE opens the endpoint's protected resource
valid() {
	local hdr=$TEST_TMP/valid.hdr code
	printf 'Authorization: Bearer %s\n' "$(cat "$1")" >"$hdr"
	code=$(curl -sS --cacert "$PKI/ca.crt" -H @"$hdr" -o /dev/null -w '%{http_code}' \
		"$SERVER_URL/services/data/v59.0/")
	rm -f "$hdr"
	[ "$code" = 200 ]
}
# warnings DIR: how many *.err in DIR hold a warning, and how many hold anything but one
# warning line ("WARNED BAD")
warnings() {
	local f n=0 bad=0
	for f in "$1"/*.err; do
		[ -s "$f" ] || continue
		if [ "$(wc -l <"$f")" -ne 1 ] || ! grep -Eq "$WARN_RE" "$f"; then
			bad=$((bad + 1))
			[ "$bad" -le 2 ] && show "$f" >&2
		fi
		n=$((n + 1))
	done
	echo "$n $bad"
}

# fleet NAME MACHINES CALLERS [COMMAND...]: MACHINES machines (cache
# directories NAME/m1.., or FLEET_BASE/m1..), each with CALLERS COMMANDs
# (default: jwtcred token) on whatever their caches hold, all spawned at once
# (posix_spawn from one Python: a loop of bash forks takes seconds on a
# loaded machine).  NAME/mI.J.out/.err, FLEET_FAILED (non-zero exits),
# FLEET_CRASHED (killed by a signal), FLEET_MS (wall time, first spawn to
# last exit), FLEET_END (epoch ms of the last exit).  FLEET_HOOK: a function started in the background just before.
fleet() {
	local name=$1 machines=$2 callers=$3 base m
	shift 3
	[ $# -gt 0 ] || set -- "$JWTCRED" token
	base=$TEST_TMP/${FLEET_BASE:-$name}
	mkdir -p "$TEST_TMP/$name"
	for ((m = 1; m <= machines; m++)); do
		mkdir -p "$base/m$m" && chmod 700 "$base/m$m"
	done
	FLEET_HOOK_PID=''
	if [ -n "${FLEET_HOOK:-}" ]; then
		"$FLEET_HOOK" &
		FLEET_HOOK_PID=$!
	fi
	FLEET_FAILED=$((machines * callers)) FLEET_CRASHED=0 FLEET_MS=0
	read -r FLEET_FAILED FLEET_CRASHED FLEET_MS FLEET_END < <(/usr/bin/python3 - "$TEST_TMP/$name" "$base" \
		"$machines" "$callers" "$@" <<'PY'
import os, sys, time
out, base, machines, callers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
argv = sys.argv[5:]
W = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
pids = set()
t0 = time.monotonic()
for c in range(1, callers + 1):
    for m in range(1, machines + 1):
        env = dict(os.environ, JWTCRED_CACHE_DIR='%s/m%d' % (base, m))
        f = '%s/m%d.%d' % (out, m, c)
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, f + '.out', W, 0o600),
                   (os.POSIX_SPAWN_OPEN, 2, f + '.err', W, 0o600)]
        pids.add(os.posix_spawnp(argv[0], argv, env, file_actions=actions))
failed = crashed = 0
while pids:
    pid, status = os.wait()
    if pid in pids:
        pids.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        failed += code != 0
        crashed += code < 0
print(failed, crashed, int((time.monotonic() - t0) * 1000), int(time.time() * 1000))
PY
	)
	return 0
}

section "8 machines x 16 callers, cold caches, the endpoint answering in 500 ms"
# 8 machines x 16 callers, cold caches, the endpoint answering in 500 ms
server_reset
server_mode '{"delay_ms": 500}'
fleet cold 8 16
server_mode '{}'
expect_eq "fleet: all 128 callers exit 0" 0 "$FLEET_FAILED"
expect_eq "fleet: no caller killed by a signal" 0 "$FLEET_CRASHED"
expect_eq "fleet: exactly one token request for 8 machines" 1 "$(tokens)"
expect_eq "fleet: all 128 print the same token" 1 "$(distinct "$TEST_TMP"/cold/*.out)"
check "fleet: the token is not empty" test -s "$TEST_TMP/cold/m1.1.out"
check "fleet: the token is valid at the resource" valid "$TEST_TMP/cold/m1.1.out"
expect_eq "fleet: nothing on stderr" 0 "$(cat "$TEST_TMP"/cold/*.err | wc -l)"
check "fleet: wall time ${FLEET_MS} ms, under 15 s" test "$FLEET_MS" -lt 15000
expect_eq "fleet: one shared entry" 1 "$(entry_keys | wc -l)"
expect_eq "fleet: no lock left behind" 0 "$(lock_keys | wc -l)"
ENTRY=$(entry_keys | head -n 1)
# Salesforce says nothing of the expiry: token_lifetime 900 s, margin 60 s
pttl=$(rcli PTTL "$ENTRY")
check "fleet: the entry's TTL is the expiry minus the margin (${pttl} ms of 840000)" \
	test "$pttl" -le 840000 -a "$pttl" -gt 800000
cp "$TEST_TMP/cold/m1.1.out" "$TEST_TMP/token1"

section "what someone who reads Redis gets"
# what someone who reads Redis gets
grep_value() {
	# GET KEY into a file (raw bytes) and look for every form of the token in it
	local key=$1 f=$TEST_TMP/value pat=$TEST_TMP/patterns tok b64 hex found=1
	rcli --raw GET "$key" >"$f" 2>/dev/null
	tok=$(cat "$TEST_TMP/token1")
	b64=$(printf '%s' "$tok" | base64 -w0)
	hex=$(printf '%s' "$tok" | od -An -tx1 | tr -d ' \n')
	# the token, a 24-character piece of it, its base64, hex (both cases);
	# the patterns go to grep in a file, never in its argv
	printf '%s\n' "$tok" "${tok:20:24}" "${b64:8:32}" >"$pat"
	printf '%s\n' "${hex:0:48}" >"$pat.hex"
	if grep -qaF -f "$pat" "$f" || grep -qaiF -f "$pat.hex" "$f" ||
		printf '%s' "$key" | grep -qF -f "$pat"; then
		found=0
	fi
	rm -f "$f" "$pat" "$pat.hex"
	return $found
}
leaks=0 nkeys=0
while IFS= read -r key; do
	nkeys=$((nkeys + 1))
	grep_value "$key" && leaks=$((leaks + 1))
done < <(redis_keys)
check "attacker: Redis holds keys to look at ($nkeys)" test "$nkeys" -ge 1
expect_eq "attacker: no key or value holds the token, its base64 or hex" 0 "$leaks"
# a control: the scan would see a token stored in clear
{ printf x; cat "$TEST_TMP/token1"; printf x; } | rcli -x SET jwtcred:control >/dev/null
check "attacker: (control) a token in clear is found" grep_value jwtcred:control
rcli DEL jwtcred:control >/dev/null

section "a new machine: a shared hit, no request"
# a new machine: a shared hit, no request
JWTCRED_CACHE_DIR="$TEST_TMP/hitm" run_jwtcred hit token
expect_eq "shared hit: exit 0" 0 "$RC"
expect_eq "shared hit: the fleet's token" 1 "$(distinct "$TEST_TMP/hit.out" "$TEST_TMP/token1")"
expect_eq "shared hit: no token request" 1 "$(tokens)"

section "status --shared and purge --shared"
# status --shared and purge --shared
run_jwtcred status status --shared
expect_eq "status --shared: exit 0" 0 "$RC"
expect_grep "status --shared: the profile and subject" '^ci +alice@example.com' "$TEST_TMP/status.out"
expect_grep "status --shared: its expiry" '1[34]m[0-9]{2}s|[0-9]{4}-[0-9]{2}-[0-9]{2}' "$TEST_TMP/status.out"
expect_no_secret "status --shared: never the token" "$TEST_TMP/token1" "$TEST_TMP/status.out" "$TEST_TMP/status.err"
run_jwtcred status-json status --shared --json
expect_eq "status --shared --json: exit 0" 0 "$RC" || show "$TEST_TMP/status-json.err"
check "status --shared --json: one entry of ci's, with its times" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d["entries"]
assert len(e) == 1 and e[0]["profile"] == "ci" and e[0]["subject"] == "alice@example.com", e
assert e[0]["issued_epoch"] < e[0]["serve_until_epoch"] < e[0]["expires_epoch"], e
assert d["now_epoch"] > 0 and "token" not in json.dumps(d).lower(), d
' "$TEST_TMP/status-json.out"
expect_no_secret "status --shared --json: never the token" "$TEST_TMP/token1" "$TEST_TMP/status-json.out"
run_jwtcred purge purge --shared
expect_eq "purge --shared: exit 0" 0 "$RC"
expect_eq "purge --shared: no entry left in Redis" 0 "$(entry_keys | wc -l)"
JWTCRED_CACHE_DIR="$TEST_TMP/purgedm" run_jwtcred purged token
expect_eq "purge --shared: a new machine mints" 2 "$(tokens)"
cp "$TEST_TMP/purged.out" "$TEST_TMP/token2"
ENTRY=$(entry_keys | head -n 1)

section "tampered entries"
# tampered entries: refused (a -v line), the caller mints, never a crash
# tamper NAME LUA [RE]: run the script on the entry (KEYS[1]), then a cold machine
# with -v, whose stderr must match RE (default: REFUSED_RE)
tamper() {
	local name=$1 script=$2 re=${3:-$REFUSED_RE} before
	rcli EVAL "$script" 1 "$ENTRY" >/dev/null
	before=$(tokens)
	JWTCRED_CACHE_DIR="$TEST_TMP/$name.m" run_jwtcred "$name" -v token
	expect_eq "$name: exit 0" 0 "$RC"
	expect_eq "$name: refused, a mint instead" $((before + 1)) "$(tokens)"
	check "$name: a token" test -s "$TEST_TMP/$name.out"
	expect_grep "$name: a -v line says the entry was refused" "$re" "$TEST_TMP/$name.err"
	ENTRY=$(entry_keys | head -n 1)
}
tamper flipped "local v = redis.call('GET', KEYS[1]); local i = math.floor(#v / 2)
redis.call('SET', KEYS[1], v:sub(1, i - 1) .. string.char(bit.bxor(v:byte(i), 1)) .. v:sub(i + 1), 'KEEPTTL')"
check "flipped: the new entry holds another token than the tampered one" \
	test "$(distinct "$TEST_TMP/flipped.out" "$TEST_TMP/token2")" = 2
tamper lastbyte "local v = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], v:sub(1, -2) .. string.char(bit.bxor(v:byte(-1), 128)), 'KEEPTTL')"
tamper truncated "local v = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], v:sub(1, 12), 'KEEPTTL')"
# a list where the entry should be: a Redis error (WRONGTYPE) like any other
tamper wrongtype "redis.call('DEL', KEYS[1]); redis.call('RPUSH', KEYS[1], 'x')" "$WARN_RE"
rcli DEL "$ENTRY" >/dev/null
tamper huge "redis.call('SET', KEYS[1], string.rep('A', 4 * 1024 * 1024))"
# after a refusal the entry is rewritten with the new token: another machine hits it
before=$(tokens)
JWTCRED_CACHE_DIR="$TEST_TMP/rewritten.m" run_jwtcred rewritten token
expect_eq "after the refusals: the rewritten entry is a hit" "$before" "$(tokens)"
expect_eq "after the refusals: the token of the last mint" 1 "$(distinct "$TEST_TMP/rewritten.out" "$TEST_TMP/huge.out")"

section "an entry copied to another profile's key"
# an entry copied to another profile's key: "nightly" shares the key file, so only
# the fingerprint in the additional data tells the two apart
rcli FLUSHALL >/dev/null
JWTCRED_CACHE_DIR=$TEST_TMP/swap1 "$JWTCRED" --profile ci token >"$TEST_TMP/swap-ci.out" 2>"$TEST_TMP/swap-ci.err"
CI_ENTRY=$(entry_keys)
JWTCRED_CACHE_DIR=$TEST_TMP/swap2 "$JWTCRED" --profile nightly token >"$TEST_TMP/swap-n.out" 2>"$TEST_TMP/swap-n.err"
NIGHTLY_ENTRY=$(entry_keys | grep -vxF "$CI_ENTRY")
expect_eq "swap: two profiles, two entries" 2 "$(entry_keys | wc -l)"
check "swap: the two profiles have different tokens" test "$(distinct "$TEST_TMP/swap-ci.out" "$TEST_TMP/swap-n.out")" = 2
rcli COPY "$CI_ENTRY" "$NIGHTLY_ENTRY" REPLACE >/dev/null
before=$(tokens)
JWTCRED_CACHE_DIR="$TEST_TMP/swap3" run_jwtcred swapped -v --profile nightly token
expect_eq "swap: exit 0" 0 "$RC"
expect_eq "swap: ci's entry under nightly's key is refused: a mint" $((before + 1)) "$(tokens)"
expect_eq "swap: nightly is not handed ci's token" 2 "$(distinct "$TEST_TMP/swapped.out" "$TEST_TMP/swap-ci.out")"
expect_grep "swap: a -v line" "$REFUSED_RE" "$TEST_TMP/swapped.err"
# and the other way round, by a plain GET/SET of the bytes
rcli FLUSHALL >/dev/null
JWTCRED_CACHE_DIR=$TEST_TMP/swap4 "$JWTCRED" --profile nightly token >/dev/null 2>&1
rcli EVAL "redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]), 'PX', 600000)" 2 "$(entry_keys)" "$CI_ENTRY" >/dev/null
before=$(tokens)
JWTCRED_CACHE_DIR="$TEST_TMP/swap5" run_jwtcred swapped2 --profile ci token
expect_eq "swap: nightly's entry under ci's key is refused too" $((before + 1)) "$(tokens)"

# a profile with shared_cache = false never reaches Redis
rcli FLUSHALL >/dev/null
JWTCRED_CACHE_DIR="$TEST_TMP/optout" run_jwtcred optout --profile local token
expect_eq "shared_cache = false: exit 0" 0 "$RC"
expect_eq "shared_cache = false: nothing in Redis" 0 "$(redis_keys | wc -l)"

# two fleets (two key prefixes) on one Redis do not share: a control for the counts
fleet_config "$TEST_TMP/config.other" 's|key_prefix = "jwtcred:";|key_prefix = "jwtcred:other:";|'
before=$(tokens)
JWTCRED_CACHE_DIR=$TEST_TMP/pfx1 "$JWTCRED" token >/dev/null 2>&1
JWTCRED_CACHE_DIR=$TEST_TMP/pfx2 JWTCRED_CONFIG=$TEST_TMP/config.other "$JWTCRED" token >/dev/null 2>&1
expect_eq "two key prefixes: two fleets, two mints" $((before + 2)) "$(tokens)"
expect_eq "two key prefixes: one entry under each" 1 "$(redis_keys 'jwtcred:other:entry:*' | wc -l)"

section "a wrong password: every machine degrades to its local cache, one warning line"
# a wrong password: every machine degrades to its local cache, one warning line
printf 'not-the-password\n' >"$TEST_TMP/wrong.pass"
chmod 600 "$TEST_TMP/wrong.pass"
fleet_config "$TEST_TMP/config.wrong" "s|\"$REDIS_PASS_FILE\"|\"$TEST_TMP/wrong.pass\"|"
rcli FLUSHALL >/dev/null
before=$(tokens)
JWTCRED_CONFIG=$TEST_TMP/config.wrong fleet wrongpw 2 4
expect_eq "wrong password: all callers exit 0" 0 "$FLEET_FAILED"
expect_eq "wrong password: one mint per machine" $((before + 2)) "$(tokens)"
read -r warned bad < <(warnings "$TEST_TMP/wrongpw")
expect_eq "wrong password: stderr is one warning line or nothing" 0 "$bad"
expect_eq "wrong password: one warning per machine (the process that asked Redis)" 2 "$warned"
expect_grep "wrong password: the warning names the Redis URL" "redis://127.0.0.1:$REDIS_PORT" <(cat "$TEST_TMP"/wrongpw/*.err)
printf '%s\n' not-the-password >"$TEST_TMP/wrongpw.secrets"
cat "$REDIS_PASS_FILE" >>"$TEST_TMP/wrongpw.secrets"
check "wrong password: no password in any message" not grep -qrF -f "$TEST_TMP/wrongpw.secrets" "$TEST_TMP/wrongpw"
expect_eq "wrong password: nothing written to Redis" 0 "$(redis_keys | wc -l)"

# an unreachable URL (a closed port): served, one warning, at once
closed=$(_redis_free_port)
fleet_config "$TEST_TMP/config.closed" "s|\"$REDIS_URL\"|\"redis://127.0.0.1:$closed/0\"|"
t0=$(now_ms)
JWTCRED_CONFIG=$TEST_TMP/config.closed JWTCRED_CACHE_DIR="$TEST_TMP/closed.m" run_jwtcred closed token
elapsed=$(($(now_ms) - t0))
expect_eq "closed port: exit 0" 0 "$RC"
check "closed port: a valid token" valid "$TEST_TMP/closed.out"
expect_eq "closed port: one warning line" 1 "$(count_lines "$TEST_TMP/closed.err")"
expect_grep "closed port: the warning" "$WARN_RE" "$TEST_TMP/closed.err"
check "closed port: within timeout + mint ($elapsed ms)" test "$elapsed" -lt 3000

# a Redis that accepts connections and never answers (stopped): timeout, then local
fleet_config "$TEST_TMP/config.slow" 's|timeout = 500;|timeout = 300;|'
redis_pause
t0=$(now_ms)
JWTCRED_CONFIG=$TEST_TMP/config.slow JWTCRED_CACHE_DIR="$TEST_TMP/stopped.m" run_jwtcred stopped token
elapsed=$(($(now_ms) - t0))
redis_resume
expect_eq "stopped Redis: exit 0" 0 "$RC"
check "stopped Redis: a valid token" valid "$TEST_TMP/stopped.out"
expect_eq "stopped Redis: one warning line" 1 "$(count_lines "$TEST_TMP/stopped.err")"
check "stopped Redis: within a few timeouts + mint ($elapsed ms)" test "$elapsed" -lt 3000

section "Redis killed halfway"
# Redis killed while the holder mints and the other machines wait for it: every
# caller succeeds without waiting out the lock
rcli FLUSHALL >/dev/null
server_reset
# the endpoint holds every token request until the test lets go: the holder
# is still minting when Redis dies, however slow the machine
server_mode '{"hold": true}'
# a lock timeout of 20 s + slack: waiting it out cannot pass for degrading
fleet_config "$JWTCRED_CONFIG" 's|timeout = 10;|timeout = 20;|'
# once the callers start: wait for the fleet lock (its holder is minting), let
# the other machines subscribe, kill Redis, let the endpoint answer
kill_halfway() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -n "$(lock_keys)" ] && break
		sleep 0.1
	done
	sleep 0.5
	lock_keys | wc -l >"$TEST_TMP/halfway.locked"
	tokens >"$TEST_TMP/halfway.held"
	kill -KILL "$REDIS_PID"
	now_ms >"$TEST_TMP/halfway.killed"
	server_mode '{"delay_ms": 200}'
}
FLEET_HOOK=kill_halfway fleet halfway 8 16
wait "$FLEET_HOOK_PID"
after=$((FLEET_END - $(cat "$TEST_TMP/halfway.killed")))
server_mode '{}'
expect_eq "Redis killed halfway: the lock was taken before the kill" 1 "$(cat "$TEST_TMP/halfway.locked")"
expect_eq "Redis killed halfway: ... and one machine was minting" 1 "$(cat "$TEST_TMP/halfway.held")"
expect_eq "Redis killed halfway: all 128 callers exit 0" 0 "$FLEET_FAILED"
expect_eq "Redis killed halfway: no caller killed by a signal" 0 "$FLEET_CRASHED"
check "Redis killed halfway: all done ${after} ms after the kill, well under the 20 s lock timeout" test "$after" -lt 10000
n=$(tokens)
check "Redis killed halfway: at most one mint per machine ($n)" test "$n" -ge 1 -a "$n" -le 8
m_bad=0
for m in $(seq 1 8); do
	[ "$(distinct "$TEST_TMP"/halfway/m"$m".*.out)" = 1 ] || m_bad=$((m_bad + 1))
done
expect_eq "Redis killed halfway: each machine's callers print one token" 0 "$m_bad"
read -r warned bad < <(warnings "$TEST_TMP/halfway")
expect_eq "Redis killed halfway: stderr is one warning line or nothing" 0 "$bad"
check "Redis killed halfway: warnings from at most one process per machine ($warned)" test "$warned" -ge 1 -a "$warned" -le 8
bad=0
for m in $(seq 1 8); do valid "$TEST_TMP/halfway/m$m.1.out" || bad=$((bad + 1)); done
expect_eq "Redis killed halfway: every machine's token is valid" 0 "$bad"
redis_start "$TEST_TMP/redis" || { echo "FAIL: redis-server did not restart" >&2; exit 1; }
fleet_config "$JWTCRED_CONFIG"

section "refreshing ahead on the fleet: 8 machines past the refresh point, one refresh mint"
# refreshing ahead on the fleet: 8 machines past the refresh point, one refresh mint
rcli FLUSHALL >/dev/null
server_reset
T=$(date +%s)
fleet warm 8 1 env JWTCRED_NOW="$T" "$JWTCRED" token
expect_eq "refresh: 8 machines, one mint" 1 "$(tokens)"
server_mode '{"delay_ms": 500}'
# token_lifetime 900, margin 60: refresh point 675 s after issue
FLEET_BASE=warm fleet due 8 1 env JWTCRED_NOW=$((T + 700)) "$JWTCRED" token
expect_eq "refresh: the hits past the refresh point answer" 0 "$FLEET_FAILED"
expect_eq "refresh: ... with the old token" 1 "$(distinct "$TEST_TMP"/due/*.out "$TEST_TMP/warm/m1.1.out")"
# the detached refreshes: done when every machine serves a new token (asked before due)
new_everywhere() {
	local m
	for m in $(seq 1 8); do
		JWTCRED_NOW=$((T + 600)) JWTCRED_CACHE_DIR=$TEST_TMP/warm/m$m "$JWTCRED" token \
			>"$TEST_TMP/warm/new.$m" 2>/dev/null || return 1
		cmp -s "$TEST_TMP/warm/new.$m" "$TEST_TMP/warm/m1.1.out" && return 1
	done
	return 0
}
for _ in $(seq 1 50); do new_everywhere && break; sleep 0.2; done
server_mode '{}'
check "refresh: every machine serves a new token" new_everywhere
expect_eq "refresh: one token for the fleet" 1 "$(distinct "$TEST_TMP"/warm/new.*)"
expect_eq "refresh: one refresh mint for 8 machines" 2 "$(tokens)"

finish
