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
# cache; only a 401 drops the cached token and mints another.
goauth() { # goauth STATUS-LINE: the token goauth prints for the team URL
	printf '%s\nContent-Type: text/plain\n\n' "$1" |
		"$JWTCRED" goauth https://git.example.com/team/mod?go-get=1 |
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
fresh=$(goauth "HTTP/1.1 401 Unauthorized")
expect_eq "401: one new mint" "$((before + 1))" "$(server_stats token_requests)"
check "401: another token" test -n "$fresh" -a "$fresh" != "$first"
check "401: the new token is valid" curl -sf --cacert "$PKI/ca.crt" -o /dev/null \
	-K - <<<"header = \"Authorization: Bearer $fresh\"
url = \"$SERVER_URL/services/data/\""
again=$(goauth "HTTP/1.1 404 Not Found")
expect_eq "after the 401, the new token is cached" "$fresh" "$again"
expect_eq "after the 401, no further mint" "$((before + 1))" "$(server_stats token_requests)"
finish
