#!/bin/bash
# Protocol tests as data (tests/proto/*.t): the git credential helper's,
# Bazel's credential helper's and the GOAUTH command's answers to ordinary,
# hostile and malformed requests (a file's "# program:" line names the
# program it runs), then GOAUTH's 401 and 404 seen from the token endpoint.
. "${srcdir:-.}/tests/integration/lib.sh"

# bazel.t's answers are checked against the spec's JSON schemas: required
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	echo "FAIL: python3-jsonschema is not installed (tests/bootstrap.sh installs it:" \
		"apt-get install python3-jsonschema)" >&2
	exit 1
fi

start_server
cat >"$JWTCRED_CONFIG" <<CONF
profiles = {
  main = {
    client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt";
    urls = [ "https://git.example.com", "https://*.corp.example.com" ];
  };
  team = {
    client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt";
    git_username = "team-user";
    urls = [ "https://git.example.com/team" ];
  };
  port = {
    client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt";
    git_username = "port-user";
    urls = [ "https://git.example.com:8443", "https://[::1]:9443" ];
  };
  twin = {
    client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt";
    git_username = "twin-user";
    urls = [ "https://git.example.com" ];
  };
  broken = {
    client_id = "no-such-client"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt";
    urls = [ "https://broken.example.com" ];
  };
  wild = {
    client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt";
    urls = [ "https://*.wild.example.com/mods" ];
  };
};
CONF
ln -s "$JWTCRED" "$TEST_TMP/bin/bazel-credential-jwtcred"
ln -s "$JWTCRED" "$TEST_TMP/bin/jwtcred"

for t in "$TOP_SRCDIR"/tests/proto/*.t; do
	/usr/bin/python3 "$TOP_SRCDIR/tests/proto/run.py" "$TEST_TMP/bin/git-credential-jwtcred" "$t" \
		>"$TEST_TMP/proto.out" 2>&1
	rc=$?
	cat "$TEST_TMP/proto.out"
	expect_eq "$(basename "$t"): every case passed" 0 "$rc"
done

# -v says why an entry is not given to Go
"$JWTCRED" -v goauth --profile wild >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null
expect_eq "goauth -v, a \"*.\" entry only: nothing printed" "" "$(cat "$TEST_TMP/out")"
expect_grep "goauth -v: the wildcard entry skipped, and why" \
	"profile 'wild': urls entry https://\*\.wild\.example\.com/mods skipped: Go's URL prefixes have no wildcard hosts" \
	"$TEST_TMP/err"

# GOAUTH with a URL: a 404 (Go's ?go-get=1 probes) is answered from the
# cache; only a 401 drops the cached token and mints another, and only for
# a URL Go could have sent it to, and not within 30 s of its minting.
goauth() { # goauth STATUS-LINE [URL]: the token goauth prints for main's URL
	printf '%s\nContent-Type: text/plain\n\n' "$1" |
		"$JWTCRED" goauth "${2:-https://git.example.com/m/mod?go-get=1}" |
		sed -n 's/^Authorization: Bearer //p'
}
rm -rf "$JWTCRED_CACHE_DIR"
first=$(goauth "HTTP/1.1 404 Not Found")
before=$(server_stats token_requests)
again=$(goauth "HTTP/1.1 404 Not Found")
expect_eq "404: no new token" "$first" "$again"
expect_eq "404: no new mint" "$before" "$(server_stats token_requests)"
again=$(goauth "HTTP/2.0 403 Forbidden")
expect_eq "403: answered from the cache" "$before" "$(server_stats token_requests)"
# the loop guard: a token minted less than 30 s ago is not dropped
printf 'HTTP/1.1 401 Unauthorized\n\n' | "$JWTCRED" -v goauth https://git.example.com/m \
	>/dev/null 2>"$TEST_TMP/err"
expect_eq "401 for a token minted just now: no mint (loop guard)" "$before" \
	"$(server_stats token_requests)"
expect_grep "401 for a new token: -v says why" "less than 30 s old: answered from the cache" \
	"$TEST_TMP/err"
# a 401 for a URL Go had no token of main for: answered from the cache
export JWTCRED_NOW=$(($(date +%s) + 60))
for url in https://git.example.com:443/m https://GIT.example.com/m https://a.corp.example.com/m \
	https://b.corp.example.com/m https://git.example.com:443/x; do
	again=$(goauth "HTTP/1.1 401 Unauthorized" "$url")
done
expect_eq "5 401s for URLs Go sent no token to (:443, host case, \"*.\" hosts): no mint" \
	"$before" "$(server_stats token_requests)"
expect_eq "... and the cached token is still given" "$first" "$again"
printf 'HTTP/1.1 401 Unauthorized\n\n' | "$JWTCRED" -v goauth https://git.example.com:443/m \
	>/dev/null 2>"$TEST_TMP/err"
expect_grep "401 Go had no token for: -v says why" "Go had no token of it for this URL" \
	"$TEST_TMP/err"
fresh=$(goauth "HTTP/1.1 401 Unauthorized")
expect_eq "401: one new mint" "$((before + 1))" "$(server_stats token_requests)"
check "401: another token" test -n "$fresh" -a "$fresh" != "$first"
check "401: the new token is valid" curl -sf --cacert "$PKI/ca.crt" -o /dev/null \
	-K - <<<"header = \"Authorization: Bearer $fresh\"
url = \"$SERVER_URL/services/data/\""
again=$(goauth "HTTP/1.1 404 Not Found")
expect_eq "after the 401, the new token is cached" "$fresh" "$again"
expect_eq "after the 401, no further mint" "$((before + 1))" "$(server_stats token_requests)"
unset JWTCRED_NOW

# a profile with no entry Go can be given mints nothing
before=$(server_stats token_requests)
"$JWTCRED" goauth --profile team >"$TEST_TMP/out" </dev/null
"$JWTCRED" goauth --profile wild >>"$TEST_TMP/out" </dev/null
expect_eq "goauth, only path or \"*.\" entries: nothing printed" "" "$(cat "$TEST_TMP/out")"
expect_eq "goauth, only path or \"*.\" entries: no mint" "$before" "$(server_stats token_requests)"
"$JWTCRED" -v goauth --profile team >/dev/null 2>"$TEST_TMP/err" </dev/null
expect_grep "goauth -v: a path entry skipped, and why" \
	"profile 'team': urls entry https://git.example.com/team skipped: Go follows redirects to other paths of the host with the token: not given" \
	"$TEST_TMP/err"
finish
