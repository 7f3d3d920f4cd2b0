#!/bin/bash
# The token cache: single-flight minting across processes, permissions,
# hostile entries, SIGKILL during a mint, expiry with an injected clock,
# status, purge and revoke.
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
write_config
entries() { find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' 2>/dev/null | wc -l; }

# --- 32 processes on an empty cache, endpoint delaying 500 ms --------------
server_mode '{"delay_ms": 500}'
pids=()
for i in $(seq 1 32); do
	"$JWTCRED" token >"$TEST_TMP/many.$i.out" 2>"$TEST_TMP/many.$i.err" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "32 concurrent: all exit 0" 0 "$failed"
expect_eq "32 concurrent: exactly one token request" 1 "$(server_stats token_requests)"
expect_eq "32 concurrent: all print the same token" 1 "$(cat "$TEST_TMP"/many.*.out | sort -u | wc -l)"
check "32 concurrent: the token is not empty" test -s "$TEST_TMP/many.1.out"
server_mode '{}'
TOKEN=$(cat "$TEST_TMP/many.1.out")

# --- file modes ------------------------------------------------------------------
expect_eq "cache directory is 0700" 700 "$(stat -c %a "$JWTCRED_CACHE_DIR")"
entry=$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????')
expect_eq "cache entry is 0600" 600 "$(stat -c %a "$entry")"
expect_no_grep "no temporary files left" . <(find "$JWTCRED_CACHE_DIR" -name '*.tmp.*')

# --- status and purge --------------------------------------------------------------
run_jwtcred status status
expect_grep "status: lists the profile and subject" '^prod +alice@example.com +' "$TEST_TMP/status.out"
expect_grep "status: shows remaining time" ' 1[45]m[0-9]{2}s$' "$TEST_TMP/status.out"
expect_no_grep "status: never the token" "$TOKEN" "$TEST_TMP/status.out"

# --- permissions ---------------------------------------------------------------------
chmod 755 "$JWTCRED_CACHE_DIR"
run_jwtcred open token
expect_eq "0755 cache directory: refused" 1 "$RC"
expect_grep "0755 cache directory: names the fix" "accessible by group or others \(mode 0755\): run chmod 700 '$JWTCRED_CACHE_DIR'" "$TEST_TMP/open.err"
chmod 700 "$JWTCRED_CACHE_DIR"

mv "$entry" "$TEST_TMP/saved-entry"
ln -s "$TEST_TMP/saved-entry" "$entry"
server_reset
run_jwtcred symlink token
expect_eq "symlinked entry: still answers" 0 "$RC"
check "symlinked entry: not trusted (a fresh token)" test "$TOKEN" != "$(cat "$TEST_TMP/symlink.out")"
expect_eq "symlinked entry: one mint" 1 "$(server_stats token_requests)"
check "symlinked entry: replaced by a regular file" test -f "$entry" -a ! -L "$entry"
check "symlinked entry: its target untouched" grep -q "$TOKEN" "$TEST_TMP/saved-entry"

chmod 644 "$entry"
run_jwtcred loose token
expect_eq "0644 entry: ignored and re-minted" 2 "$(server_stats token_requests)"
expect_eq "0644 entry: replaced with 0600" 600 "$(stat -c %a "$entry")"

printf '{"version":1,"profile":"prod","subj' >"$entry"
run_jwtcred torn token
expect_eq "torn entry: exit 0" 0 "$RC"
expect_eq "torn entry: ignored and re-minted" 3 "$(server_stats token_requests)"

# --- a profile edit is a new entry -------------------------------------------------------
write_config 'scope = "api";'
run_jwtcred edited token
expect_eq "edited profile: new mint" 4 "$(server_stats token_requests)"
expect_eq "edited profile: a second entry" 2 "$(entries)"
write_config

# --- waiters give up after the mint timeout -----------------------------------------------
"$JWTCRED" purge
rm -f "$JWTCRED_CACHE_DIR"/*.lock
run_jwtcred mklock token --refresh
"$JWTCRED" purge
lock=$(find "$JWTCRED_CACHE_DIR" -name '*.lock')
expect_eq "one lock file per entry" 1 "$(echo "$lock" | wc -l)"
write_config 'timeout = 1;'
flock -x "$lock" sleep 8 &
holder=$!
sleep 0.2
start=$(date +%s)
run_jwtcred busy token
elapsed=$(($(date +%s) - start))
expect_eq "held lock: exit 1" 1 "$RC"
expect_grep "held lock: says another jwtcred is minting" "another jwtcred has been minting" "$TEST_TMP/busy.err"
check "held lock: gave up after timeout + slack ($elapsed s)" test "$elapsed" -ge 5 -a "$elapsed" -le 7
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
write_config

# --- SIGKILL during a mint leaves no stale lock and no broken entry ---------------------
"$JWTCRED" purge
server_reset
server_mode '{"delay_ms": 3000}'
"$JWTCRED" token >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1 50); do [ "$(server_stats token_requests)" -ge 1 ] && break; sleep 0.1; done
kill -KILL "$victim"; wait "$victim" 2>/dev/null
server_mode '{}'
start=$(date +%s)
run_jwtcred afterkill token
expect_eq "after SIGKILL: the next call succeeds" 0 "$RC"
check "after SIGKILL: no wait for a stale lock" test $(($(date +%s) - start)) -le 2
expect_eq "after SIGKILL: one entry" 1 "$(entries)"
expect_no_grep "after SIGKILL: no temporary files" . <(find "$JWTCRED_CACHE_DIR" -name '*.tmp.*')

# --- expiry and margin with an injected clock ---------------------------------------------
# These checks count token requests at hits past 3/4 of a lifetime (839 s of
# 900, 199 s of 300): with refreshing ahead on (by default from 675 s of 900)
# such a hit would also start a background refresh, a second request racing
# the count.  They test the margin and the lifetime, not refreshing ahead
# (tests/integration/test_refresh.sh does), so refresh_ahead = 0 here.
"$JWTCRED" purge
server_reset
write_config 'refresh_ahead = 0;'
T=2000000000
JWTCRED_NOW=$T run_jwtcred t0 token
# the server checks exp against its own clock, so JWTCRED_NOW only moves
# the cache's clock forward in these checks (the assertion stays valid)
JWTCRED_NOW=$((T + 900 - 61)) run_jwtcred t839 token
expect_eq "839 s later (61 s left, margin 60): cached" "$(cat "$TEST_TMP/t0.out")" "$(cat "$TEST_TMP/t839.out")"
expect_eq "839 s later: no new request" 1 "$(server_stats token_requests)"
JWTCRED_NOW=$((T + 900 - 60)) run_jwtcred t840 token
check "840 s later (60 s left): a new token" test "$(cat "$TEST_TMP/t0.out")" != "$(cat "$TEST_TMP/t840.out")"
JWTCRED_NOW=$((T + 900 - 60 - 1000)) run_jwtcred back token
expect_eq "clock jumped back 1000 s: not trusted, re-minted" 3 "$(server_stats token_requests)"
# the entry of "back" was issued at T-160 under token_lifetime 900; a
# shorter token_lifetime applies to it at once
write_config 'token_lifetime = 300;' 'refresh_margin = 100;' 'refresh_ahead = 0;'
JWTCRED_NOW=$((T + 39)) run_jwtcred shorter token
expect_eq "shortened token_lifetime: existing entry still served inside it" "$(cat "$TEST_TMP/back.out")" "$(cat "$TEST_TMP/shorter.out")"
JWTCRED_NOW=$((T + 40)) run_jwtcred shorter2 token
check "shortened token_lifetime: existing entry dropped past it" test "$(cat "$TEST_TMP/back.out")" != "$(cat "$TEST_TMP/shorter2.out")"
"$JWTCRED" purge
JWTCRED_NOW=$T run_jwtcred short token
JWTCRED_NOW=$((T + 199)) run_jwtcred short2 token
expect_eq "token_lifetime 300, margin 100: cached at 199 s" "$(cat "$TEST_TMP/short.out")" "$(cat "$TEST_TMP/short2.out")"
JWTCRED_NOW=$((T + 200)) run_jwtcred short3 token
check "token_lifetime 300, margin 100: re-minted at 200 s" test "$(cat "$TEST_TMP/short.out")" != "$(cat "$TEST_TMP/short3.out")"
expect_eq "token_lifetime 300, margin 100: one request for each mint, none in the background" 6 "$(server_stats token_requests)"
write_config

# --- cache = false --------------------------------------------------------------------------
"$JWTCRED" purge
write_config 'cache = false;'
server_reset
run_jwtcred nc1 token
run_jwtcred nc2 token
expect_eq "cache = false: every call mints" 2 "$(server_stats token_requests)"
expect_eq "cache = false: nothing written" 0 "$(entries)"
write_config

# --- purge --profile and --revoke -----------------------------------------------------------
run_jwtcred keep token
run_jwtcred purge_other purge --profile other
expect_eq "purge --profile other: prod's entry kept" 1 "$(entries)"
server_reset
run_jwtcred revoke purge --revoke
expect_eq "purge --revoke: exit 0" 0 "$RC"
expect_eq "purge --revoke: one revocation at the provider" 1 "$(server_stats revoke_requests)"
expect_eq "purge --revoke: entry removed" 0 "$(entries)"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -K - "$SERVER_URL/services/data/" \
	< <(printf 'header = "Authorization: Bearer %s"\n' "$(cat "$TEST_TMP/keep.out")"))
expect_eq "purge --revoke: the provider no longer accepts the token" 401 "$code"

# --- what a cache hit loads --------------------------------------------------------------------
# The git helper answering from the cache loads neither libcurl nor OpenSSL, and libpsl
# (with libidn2 and libunistring) only when a "*." wildcard in urls must be checked.
# glibc's LD_DEBUG=files names every shared object the process loads.
hit_loads() { # NAME: the libraries a `get` for git.example.com loaded, one a line
	printf 'protocol=https\nhost=git.example.com\n\n' | LD_DEBUG=files git-credential-jwtcred get \
		>"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.ld"
	grep -oE 'file=[^ ]+' "$TEST_TMP/$1.ld" | sed 's|.*/||; s|^file=||' | sort -u
}
write_config 'urls = [ "https://git.example.com" ];'
run_jwtcred hitfill token
hit_loads hitplain >"$TEST_TMP/hitplain.libs"
check "cache hit: answered git" grep -q '^password=' "$TEST_TMP/hitplain.out"
expect_no_grep "cache hit: loads no libcurl, OpenSSL or libpsl" '^lib(curl|crypto|ssl|psl|idn2)\.' "$TEST_TMP/hitplain.libs"
write_config 'urls = [ "https://git.example.com", "https://*.corp.example.com" ];'
run_jwtcred hitfill2 token
hit_loads hitwild >"$TEST_TMP/hitwild.libs"
check "cache hit with a wildcard: answered git" grep -q '^password=' "$TEST_TMP/hitwild.out"
expect_grep "cache hit with a wildcard: loads libpsl to check it" '^libpsl\.so\.5$' "$TEST_TMP/hitwild.libs"
expect_no_grep "cache hit with a wildcard: still no libcurl or OpenSSL" '^lib(curl|crypto|ssl)\.' "$TEST_TMP/hitwild.libs"
write_config

finish
