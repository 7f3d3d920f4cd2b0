#!/bin/bash
# Protocol tests as data (tests/proto/*.t): the git credential helper's
# answers to ordinary, hostile and malformed requests.
. "${srcdir:-.}/tests/integration/lib.sh"

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
};
CONF

for t in "$TOP_SRCDIR"/tests/proto/*.t; do
	/usr/bin/python3 "$TOP_SRCDIR/tests/proto/run.py" "$TEST_TMP/bin/git-credential-jwtcred" "$t" \
		>"$TEST_TMP/proto.out" 2>&1
	rc=$?
	cat "$TEST_TMP/proto.out"
	expect_eq "$(basename "$t"): every case passed" 0 "$rc"
done
finish
