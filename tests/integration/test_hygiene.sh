#!/bin/bash
# Secret hygiene: no minted token, passphrase or private key in any log,
# error or verbose output.  It runs last (see Makefile.inc): it checks the
# logs of every other test against the tokens they saw (tests/secrets.list,
# filled by lib.sh), then drives every command with -v itself.
. "${srcdir:-.}/tests/integration/lib.sh"

# Secrets other than tokens: the passphrase and the key material.
PATTERNS=$TEST_TMP/patterns
cat "$KEYS/passphrase.txt" >"$PATTERNS"
# every full base64 line of every private key in the PKI
grep -hvE '^-----|^$|:' "$PKI"/*.key | awk 'length($0) >= 40' >>"$PATTERNS"

# --- the other tests' logs -----------------------------------------------------------
LOGS=$(find "$TOP_BUILDDIR/tests" -name '*.log' ! -name 'test_hygiene.log' ! -path '*/pki/*' 2>/dev/null)
if [ -s "${SECRETS_LIST:-/nonexistent}" ] && [ -n "$LOGS" ]; then
	sort -u "$SECRETS_LIST" >"$TEST_TMP/tokens"
	ntokens=$(wc -l <"$TEST_TMP/tokens")
	check "the suite minted tokens to look for ($ntokens)" test "$ntokens" -gt 10
	# shellcheck disable=SC2086
	if grep -lFf "$TEST_TMP/tokens" $LOGS >"$TEST_TMP/leaks" 2>/dev/null; then
		not_ok "no minted token in any test log"
		sed 's/^/#   leaked in: /' "$TEST_TMP/leaks"
	else
		ok "no minted token in any of $(echo "$LOGS" | wc -l) test logs"
	fi
	# shellcheck disable=SC2086
	if grep -lFf "$PATTERNS" $LOGS >"$TEST_TMP/leaks" 2>/dev/null; then
		not_ok "no passphrase or private key line in any test log"
		sed 's/^/#   leaked in: /' "$TEST_TMP/leaks"
	else
		ok "no passphrase or private key line in any test log"
	fi
else
	echo "# no other test logs (run through make check): checking this test's own outputs only"
fi

# --- every command, verbose, success and failure ----------------------------------------
start_server
git_repo_make "$SERVER_GIT_ROOT" repo.git
write_config "urls = [ \"$SERVER_URL\" ];" "private_key = \"$KEYS/client-enc.key\";" \
	"passphrase_file = \"$KEYS/passphrase.txt\";" 'docker_username = "robot";'
ln -s "$JWTCRED" "$TEST_TMP/bin/docker-credential-jwtcred"
ERR=$TEST_TMP/stderr.all
# v ARGS: run jwtcred -v, stderr to $ERR; every token it could know of is kept
# (its stdout, and the cache after it) to look for in $ERR afterwards
N=0
v() {
	local rc=0
	N=$((N + 1))
	"$JWTCRED" -v "$@" 2>>"$ERR" >"$TEST_TMP/v.$N.out" || rc=$?
	cat "$JWTCRED_CACHE_DIR"/???????????????? >>"$TEST_TMP/cache.snap.out" 2>/dev/null
	cat "$TEST_TMP/v.$N.out"
	return $rc
}
v token >"$TEST_TMP/token.out"
TOKEN=$(cat "$TEST_TMP/token.out")
check "a token was minted" test -n "$TOKEN"
v token --refresh >/dev/null
v token --format json >/dev/null
v assertion >/dev/null
v assertion --decode >"$TEST_TMP/decoded"
v check --online >"$TEST_TMP/check.out"
v status >"$TEST_TMP/status.out"
printf 'protocol=https\nhost=localhost:%s\n\n' "$SERVER_PORT" | v get >/dev/null
printf 'capability[]=authtype\nprotocol=https\nhost=localhost:%s\n\n' "$SERVER_PORT" | v get >/dev/null
printf 'protocol=https\nhost=localhost:%s\npassword=%s\n\n' "$SERVER_PORT" "$TOKEN" | v erase
v curl -- -s -o /dev/null --cacert "$PKI/ca.crt" "$SERVER_URL/services/data/"
v exec -- /bin/true
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1"}' v kubectl >/dev/null
printf 'localhost:%s' "$SERVER_PORT" | docker-credential-jwtcred get >/dev/null 2>>"$ERR"
# failures that handle the token, the key or the passphrase
server_mode '{"fail_statuses": [503, 503, 503], "retry_after": 0}'
v token --refresh >/dev/null
server_mode '{"ip_restricted": true}'
v token --refresh >/dev/null
server_mode '{}'
server_revoke_all
v curl -- -s -o /dev/null --cacert "$PKI/ca.crt" "$SERVER_URL/services/data/"
v purge --revoke
printf 'wrong\n' >"$TEST_TMP/wrongpass"; chmod 600 "$TEST_TMP/wrongpass"
write_config "private_key = \"$KEYS/client-enc.key\";" "passphrase_file = \"$TEST_TMP/wrongpass\";"
v token >/dev/null
cp "$KEYS/client.key" "$TEST_TMP/open.key"; chmod 644 "$TEST_TMP/open.key"
write_config "private_key = \"$TEST_TMP/open.key\";"
v token >/dev/null
collect_secrets
grep -hoaE "$TOKEN_RE" "$TEST_TMP"/*.out 2>/dev/null | sort -u >"$TEST_TMP/mine"
echo "$TOKEN" >>"$TEST_TMP/mine"

check "verbose output was produced" test "$(wc -l <"$ERR")" -gt 20
no_secret() { # DESCRIPTION LIST FILE...: none of LIST's lines (fixed strings) in the files
	local what=$1 list=$2
	shift 2
	if grep -qFf "$list" "$@"; then
		not_ok "$what"
		grep -lFf "$list" "$@" | sed 's/^/#   found in: /'
	else
		ok "$what"
	fi
}
no_secret "no token in any stderr or -v output" "$TEST_TMP/mine" "$ERR"
no_secret "no passphrase or private key line in stderr, -v, check, status or assertion --decode" \
	"$PATTERNS" "$ERR" "$TEST_TMP/decoded" "$TEST_TMP/check.out" "$TEST_TMP/status.out"
no_secret "no token in check, status or assertion --decode output" "$TEST_TMP/mine" \
	"$TEST_TMP/check.out" "$TEST_TMP/status.out" "$TEST_TMP/decoded"

finish
