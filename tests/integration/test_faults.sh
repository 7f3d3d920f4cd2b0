#!/bin/bash
# Faults: a broken token endpoint, a broken disk, killed processes, two
# profiles at once, and load.  Each must give one clear error line and a
# non-zero exit, nothing on the git helper's stdout, and leave the cached
# entry as it was: never a crash, a hang, a leaked secret or a lost cache.
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 2;'
REQ=$'protocol=https\nhost=git.example.com\n\n'
entry_file() { find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' | head -1; }
entries() { find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' 2>/dev/null | wc -l; }

# A cached entry that has gone stale by the clock the helper will see: a
# failed refresh must leave it byte for byte.
run_jwtcred seed token
ENTRY=$(entry_file)
SUM=$(sha256sum "$ENTRY")
LATER=$(($(date +%s) + 3600))

# git_fault NAME DESCRIPTION PATTERN: `get` under the current fault
git_fault() {
	local start elapsed
	start=$(date +%s%N)
	RC=0
	printf '%s' "$REQ" | JWTCRED_NOW=$LATER git-credential-jwtcred get \
		>"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" || RC=$?
	elapsed=$((($(date +%s%N) - start) / 1000000))
	expect_eq "$2: exit 1" 1 "$RC"
	expect_eq "$2: nothing on the helper's stdout" "" "$(cat "$TEST_TMP/$1.out")"
	expect_lines "$2: one line on stderr" 1 "$TEST_TMP/$1.err"
	expect_grep "$2: says what went wrong" "$3" "$TEST_TMP/$1.err"
	expect_eq "$2: the cached entry is untouched" "$SUM" "$(sha256sum "$ENTRY")"
	check "$2: within the 2 s timeout and a second ($elapsed ms)" test "$elapsed" -lt 3500
}

# --- the token endpoint -----------------------------------------------------------
CLOSED_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 2;' \
	"login_url = \"https://localhost:$CLOSED_PORT\";"
SUM=$(sha256sum "$ENTRY") # a new login_url is a new entry: the old must stay as is
git_fault refused "refused connection" "cannot reach 'https://localhost:$CLOSED_PORT/services/oauth2/token'"
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 2;'

server_mode '{"hang": true}'
git_fault hang "endpoint accepts and never answers" "no answer from .* within 2s \(timeout\)"
server_mode '{"drip": true}'
git_fault drip "endpoint drips a byte a second" "no answer from .* within 2s \(timeout\)"
server_mode '{"truncated": true}'
git_fault truncated "truncated JSON" "HTTP 200 with a body that is not JSON"
server_mode '{"invalid_utf8": true}'
git_fault utf8 "invalid UTF-8" "HTTP 200 with a body that is not JSON"
server_mode '{"oversize": true}'
git_fault oversize "a 10 MB body" "larger than 65536 bytes"
server_mode '{"fail_statuses": [503, 503, 503], "retry_after": 0}'
git_fault unavailable "503 on every try" "HTTP 503 with a body that is not JSON"
server_mode '{}'
# a token with an instance_url that is not a plain https URL is not used (nor cached)
server_mode '{"instance_url": "https://evil.example/\u001b[2J\r\njwtcred: forged"}'
git_fault instance "instance_url with control characters" \
	"^jwtcred: the token endpoint's instance_url 'https://evil.example/\\\\x1b\[2J\\\\x0d\\\\x0ajwtcred: forged' contains a space or a control character"
expect_no_grep "instance_url with control characters: no raw ESC or CR on stderr" $'[\x1b\r]' "$TEST_TMP/instance.err"
server_mode '{"instance_url": "http://evil.example"}'
git_fault instancehttp "instance_url over http" "instance_url 'http://evil.example' is not an https URL"
server_mode '{}'

# 429 then 503, each with Retry-After: 1: the third try succeeds, after the waits
server_reset
server_mode '{"fail_statuses": [429, 503], "retry_after": 1}'
start=$(date +%s%N)
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 10;'
run_jwtcred retry_after token --no-cache
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_eq "429 and 503 with Retry-After: then success" 0 "$RC"
expect_eq "429 and 503 with Retry-After: three requests" 3 "$(server_stats token_requests)"
check "429 and 503 with Retry-After: waited as told ($elapsed ms)" test "$elapsed" -ge 2000
server_mode '{}'
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 2;'

# a TLS certificate for another host name, from the trusted CA
server_stop
server_start "$TEST_TMP/server2" "$PKI" --cert "$PKI/wronghost.crt" --key "$PKI/wronghost.key" ||
	{ echo "FAIL: cannot start the wrong-host server"; exit 1; }
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 2;'
SUM=$(sha256sum "$ENTRY")
git_fault wronghost "certificate for the wrong host" "TLS with .* failed"
server_stop
start_server
write_config "urls = [ \"https://git.example.com\" ];" 'timeout = 10;'
ENTRY=$(entry_file)

# --- the disk ------------------------------------------------------------------------
"$JWTCRED" purge
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k,mode=700 tmpfs "$JWTCRED_CACHE_DIR" 2>/dev/null; then
	trap 'umount "$JWTCRED_CACHE_DIR" 2>/dev/null; _cleanup' EXIT
	run_jwtcred fresh token
	ENTRY=$(entry_file)
	SUM=$(sha256sum "$ENTRY")
	# disk full: fill the filesystem, then force a refresh
	dd if=/dev/zero of="$JWTCRED_CACHE_DIR/filler" bs=4k 2>/dev/null
	run_jwtcred full token --refresh
	expect_eq "disk full: the minted token is still served" 0 "$RC"
	expect_grep "disk full: a warning names the cause" "cannot write the cache entry.*No space left on device" "$TEST_TMP/full.err"
	expect_eq "disk full: the old entry is intact" "$SUM" "$(sha256sum "$ENTRY")"
	expect_no_grep "disk full: no temporary file left behind" . <(find "$JWTCRED_CACHE_DIR" -name '*.tmp.*')
	rm -f "$JWTCRED_CACHE_DIR/filler"
	# read-only: entries are still read
	mount -o remount,ro "$JWTCRED_CACHE_DIR"
	run_jwtcred rohit token
	expect_eq "read-only cache directory: a cached token is still served" 0 "$RC"
	run_jwtcred romiss token --refresh
	expect_eq "read-only cache directory: a refresh still answers" 0 "$RC"
	expect_grep "read-only cache directory: a warning names the cause" "Read-only file system" "$TEST_TMP/romiss.err"
	umount "$JWTCRED_CACHE_DIR"
	trap _cleanup EXIT
else
	echo "# not root or no tmpfs: skipping the disk-full and read-only cache checks"
fi
# a file size limit: write(2) fails with EFBIG, and SIGXFSZ must not kill us
"$JWTCRED" purge
run_jwtcred fsize0 token
ENTRY=$(entry_file)
SUM=$(sha256sum "$ENTRY")
# (the limit for jwtcred alone: its output goes through pipes, which it does not cover)
prlimit --fsize=0 "$JWTCRED" token --refresh 2> >(cat >"$TEST_TMP/fsize.err") | cat >"$TEST_TMP/fsize.out"
expect_eq "RLIMIT_FSIZE 0: no crash, the token is served" "0 1" "${PIPESTATUS[0]} $(wc -l <"$TEST_TMP/fsize.out")"
sleep 0.1 # the stderr reader
expect_grep "RLIMIT_FSIZE 0: a warning names the cause" "cannot write the cache entry.*File too large" "$TEST_TMP/fsize.err"
expect_eq "RLIMIT_FSIZE 0: the old entry is intact" "$SUM" "$(sha256sum "$ENTRY")"

# --- SIGKILL at every step of a mint -------------------------------------------------------
"$JWTCRED" purge
for delay in 0 0.002 0.005 0.01 0.02 0.03 0.04 0.06 0.08 0.1 0.15 0.2; do
	"$JWTCRED" token --refresh >/dev/null 2>&1 &
	victim=$!
	sleep "$delay"
	kill -KILL "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	run_jwtcred status status
	if grep -q "damaged or foreign" "$TEST_TMP/status.out"; then
		not_ok "SIGKILL after ${delay}s: the cache entry is damaged"
	fi
done
start=$(date +%s)
run_jwtcred afterkills token
expect_eq "after 12 SIGKILLs mid-mint: a token, and no stale lock" "0 0" "$RC $(($(date +%s) - start > 2))"
run_jwtcred status2 status
expect_no_grep "after 12 SIGKILLs mid-mint: no damaged entry" "damaged or foreign" "$TEST_TMP/status2.out"

# --- two profiles minting at once ---------------------------------------------------------------
"$JWTCRED" purge
cat >"$JWTCRED_CONFIG" <<CONF
profiles = {
  one = { client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com"; login_url = "$SERVER_URL";
          audience = "https://login.salesforce.com"; private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; };
  two = { client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com"; login_url = "$SERVER_URL";
          audience = "https://login.salesforce.com"; private_key = "$KEYS/client-pkcs1.key"; ca_file = "$PKI/ca.crt"; };
};
CONF
server_reset
server_mode '{"delay_ms": 500}'
for i in 1 2 3 4 5 6; do
	"$JWTCRED" --profile one token >"$TEST_TMP/one.$i" 2>&1 &
	"$JWTCRED" --profile two token >"$TEST_TMP/two.$i" 2>&1 &
done
wait
server_mode '{}'
expect_eq "two profiles at once: one request each" 2 "$(server_stats token_requests)"
expect_eq "two profiles at once: each profile's callers agree" "1 1" \
	"$(sort -u "$TEST_TMP"/one.* | wc -l) $(sort -u "$TEST_TMP"/two.* | wc -l)"
check "two profiles at once: different tokens" test "$(cat "$TEST_TMP/one.1")" != "$(cat "$TEST_TMP/two.1")"
expect_eq "two profiles at once: two entries" 2 "$(entries)"

# --- the clock -----------------------------------------------------------------------------------
server_reset
JWTCRED_NOW=$(($(date +%s) + 100000)) run_jwtcred future token --profile one
expect_eq "clock far ahead: the entry counts as expired and is replaced" 1 "$(server_stats token_requests)"
run_jwtcred now token --profile one
expect_eq "clock back to now: the entry issued 'in the future' is not trusted" 2 "$(server_stats token_requests)"

# --- load -------------------------------------------------------------------------------------------
write_config "urls = [ \"https://git.example.com\" ];"
"$JWTCRED" purge
server_reset
server_mode '{"delay_ms": 300}'
pids=()
for i in $(seq 1 200); do
	printf '%s' "$REQ" | git-credential-jwtcred get >"$TEST_TMP/cold.$i" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
server_mode '{}'
expect_eq "200 concurrent gets on a cold cache: all succeed" 0 "$failed"
expect_eq "200 concurrent gets on a cold cache: one token request" 1 "$(server_stats token_requests)"
expect_eq "200 concurrent gets on a cold cache: one answer" 1 "$(cat "$TEST_TMP"/cold.* | grep '^password=' | sort -u | wc -l)"
pids=()
for i in $(seq 1 200); do
	printf '%s' "$REQ" | git-credential-jwtcred get >"$TEST_TMP/warm.$i" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "200 concurrent gets on a warm cache: all succeed" 0 "$failed"
expect_eq "200 concurrent gets on a warm cache: no request" 1 "$(server_stats token_requests)"
expect_eq "200 concurrent gets on a warm cache: all answered" 200 "$(cat "$TEST_TMP"/warm.* | grep -c '^password=')"

finish
