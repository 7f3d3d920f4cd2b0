#!/bin/bash
# libjwtcred's ownership rules (include/jwtcred.h): a token outlives its
# configuration, and jwtcred_token_invalidate() uses the configuration it is
# given.  api_lifetime runs under valgrind when it is installed (an
# AddressSanitizer build checks itself), so that a token still reading its
# freed configuration fails here rather than by luck.
. "${srcdir:-.}/tests/integration/lib.sh"

PROG=$TOP_BUILDDIR/tests/integration/api_lifetime
[ -x "$PROG" ] || { not_ok "api_lifetime built ($PROG)"; finish; }

start_server
write_config "urls = [ \"$SERVER_URL\" ];"
OTHER=$TEST_TMP/other.conf
sed 's/^  prod = {$/  staging = {/' "$JWTCRED_CONFIG" >"$OTHER"
check "the other configuration has no profile 'prod'" test "$(grep -c 'prod = {' "$OTHER")" -eq 0

RUN=()
if [ "${JWTCRED_ASAN:-}" = 1 ]; then
	echo "# built with AddressSanitizer: it catches a read of freed memory itself"
elif command -v valgrind >/dev/null 2>&1; then
	RUN=("$TOP_BUILDDIR/libtool" --mode=execute valgrind -q --error-exitcode=99 --leak-check=no)
else
	echo "# valgrind is not installed: a read of freed memory may go unseen"
fi
server_reset
RC=0
"${RUN[@]}" "$PROG" "$SERVER_URL/services/data/" "$OTHER" >"$TEST_TMP/api.out" 2>"$TEST_TMP/api.err" || RC=$?
expect_eq "api_lifetime: exit 0 (99: valgrind found a memory error)" 0 "$RC" || show "$TEST_TMP/api.err"
show "$TEST_TMP/api.out"
expect_eq "api_lifetime: all its checks passed" "10:0" \
	"$(grep -c '^ok - ' "$TEST_TMP/api.out"):$(grep -c '^not ok - ' "$TEST_TMP/api.out")"
expect_eq "two tokens minted: the first, and the one after invalidate" 2 "$(server_stats token_requests)"

# Refresh ahead of expiry (api_refresh.c): a token issued at T, the clock moved
# with JWTCRED_NOW; the endpoint answers in 2 s, so a get that waited shows.
PROG=$TOP_BUILDDIR/tests/integration/api_refresh
"$JWTCRED" purge >/dev/null
server_reset
T=$(date +%s)
JWTCRED_NOW=$T "$JWTCRED" token >/dev/null
server_mode '{"delay_ms": 2000}'
RC=0
"$PROG" "$T" >"$TEST_TMP/refresh.out" 2>"$TEST_TMP/refresh.err" || RC=$?
server_mode '{}'
expect_eq "api_refresh: exit 0" 0 "$RC" || show "$TEST_TMP/refresh.err"
show "$TEST_TMP/refresh.out"
expect_eq "api_refresh: all its checks passed" "15:0" \
	"$(grep -c '^ok - ' "$TEST_TMP/refresh.out"):$(grep -c '^not ok - ' "$TEST_TMP/refresh.out")"
expect_eq "api_refresh: three tokens minted: the first, the host's refresh, the background one" \
	3 "$(server_stats token_requests)"

# A multi-threaded host (api_threads.c): opted in, a due get forks no worker
# (a fork beside another thread can deadlock); its own thread refreshes.
PROG=$TOP_BUILDDIR/tests/integration/api_threads
"$JWTCRED" purge >/dev/null
server_reset
T=$(date +%s)
JWTCRED_NOW=$T "$JWTCRED" token >/dev/null
RC=0
"$PROG" "$T" >"$TEST_TMP/threads.out" 2>"$TEST_TMP/threads.err" || RC=$?
expect_eq "api_threads: exit 0" 0 "$RC" || show "$TEST_TMP/threads.err"
show "$TEST_TMP/threads.out"
expect_eq "api_threads: all its checks passed" "6:0" \
	"$(grep -c '^ok - ' "$TEST_TMP/threads.out"):$(grep -c '^not ok - ' "$TEST_TMP/threads.out")"
expect_eq "api_threads: two tokens minted: the first and the host's own refresh, no background one" \
	2 "$(server_stats token_requests)"

finish
