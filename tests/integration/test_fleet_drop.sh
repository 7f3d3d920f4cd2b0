#!/bin/bash
# A rejected token leaves the fleet too: `token --refresh` does not take the
# shared entry holding the token it replaces, and git's erase deletes the
# shared entry only while it holds the rejected token (an erase of an older
# token leaves the newer entry alone).  Real redis-server (tests/lib/redis.sh),
# machines = cache directories; tokens are compared by hash, never shown.
. "${srcdir:-.}/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/lib/redis.sh"
redis_start "$TEST_TMP/redis" || exit 1
start_server
sed -e "s|\"redis://redis.ci.example.com:6379/0\"|\"$REDIS_URL\"|" \
	-e "s|\"~/.config/jwtcred/redis.pass\"|\"$REDIS_PASS_FILE\"|" \
	-e "s|\"3MVG9example.consumer.key.for.ci\"|\"$SERVER_CLIENT_ID\"|" \
	-e 's|"ci-integration@example.com"|"alice@example.com"|' \
	-e "s|private_key = \"~/.config/jwtcred/ci.key\";|private_key = \"$KEYS/client.key\"; login_url = \"$SERVER_URL\"; audience = \"https://login.salesforce.com\"; ca_file = \"$PKI/ca.crt\"; timeout = 10; urls = [ \"https://git.example.com\" ];|" \
	"$TOP_SRCDIR/config-examples/fleet.conf" >"$JWTCRED_CONFIG"
export JWTCRED_PROFILE=ci
entries() { redis_keys 'jwtcred:entry:*' | wc -l; }
digest() { sha256sum <"$1" | cut -c1-16; }
# erase_with MACHINE FILE: git's erase on MACHINE of the token in FILE
erase_with() {
	{ printf 'protocol=https\nhost=git.example.com\nusername=x\npassword='; cat "$2"; echo; } |
		JWTCRED_CACHE_DIR=$TEST_TMP/$1 "$JWTCRED" -v erase 2>>"$TEST_TMP/erase.err"
}

JWTCRED_CACHE_DIR=$TEST_TMP/a run_jwtcred a token
expect_eq "machine a: a token" 0 "$RC" || show "$TEST_TMP/a.err"
expect_eq "machine a: one mint" 1 "$(server_stats token_requests)"
JWTCRED_CACHE_DIR=$TEST_TMP/a run_jwtcred b token --refresh
expect_eq "a --refresh: exit 0" 0 "$RC" || show "$TEST_TMP/b.err"
expect_eq "a --refresh: a mint, not the shared entry's token it replaces" 2 "$(server_stats token_requests)"
check "a --refresh: another token" test "$(digest "$TEST_TMP/a.out")" != "$(digest "$TEST_TMP/b.out")"
JWTCRED_CACHE_DIR=$TEST_TMP/c run_jwtcred c token
expect_eq "machine c: the new token, from the shared cache" "$(digest "$TEST_TMP/b.out")" \
	"$(digest "$TEST_TMP/c.out")"
expect_eq "machine c: no mint" 2 "$(server_stats token_requests)"

erase_with c "$TEST_TMP/a.out"
expect_eq "erase of the old token: the shared entry stays" 1 "$(entries)"
erase_with c "$TEST_TMP/c.out"
expect_eq "erase of the shared entry's token: the entry is gone" 0 "$(entries)"
# (compared in the shell: a token never goes into a command's argv)
trace=$(cat "$TEST_TMP/erase.err") piece=$(head -c 24 "$TEST_TMP/c.out")
check "erase: no token in the trace" test -n "$piece" -a "${trace#*"$piece"}" = "$trace"
JWTCRED_CACHE_DIR=$TEST_TMP/d run_jwtcred d token
expect_eq "machine d: mints (the rejected token is nowhere)" 3 "$(server_stats token_requests)"

# A fleet lock left behind (a machine killed while minting; here one with no
# expiry at all) must not make this machine's waiters give up: the one that
# talks to Redis waits out a mint window, then mints here, within the local
# lock window the others give it.
key=$(redis_keys 'jwtcred:entry:*' | head -1)
rcli DEL "$key" >/dev/null
rcli SET "jwtcred:lock:${key#jwtcred:entry:}" dead-machine >/dev/null
sed 's/timeout = 10;/timeout = 1;/' "$JWTCRED_CONFIG" >"$TEST_TMP/short.conf"
pids=""
for i in 1 2 3 4; do
	JWTCRED_CONFIG=$TEST_TMP/short.conf JWTCRED_CACHE_DIR=$TEST_TMP/e "$JWTCRED" token \
		>"$TEST_TMP/e$i.out" 2>"$TEST_TMP/e$i.err" &
	pids="$pids $!"
done
failed=0
for pid in $pids; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "a dead machine's fleet lock: all 4 callers get a token" 0 "$failed" || show "$TEST_TMP/e2.err"
expect_eq "a dead machine's fleet lock: one mint here" 4 "$(server_stats token_requests)"
expect_eq "a dead machine's fleet lock: one token for the 4" 1 \
	"$(cat "$TEST_TMP"/e[1-4].out | sort -u | wc -l)"
finish
