#!/bin/bash
# jwtcred token/assertion/check against the local Authlib RFC 7523 endpoint:
# success, every failure the foundation promises a clear message for, and
# every key variant.
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
write_config

# --- success --------------------------------------------------------------
run_jwtcred mint token
expect_eq "token: exit 0" 0 "$RC"
expect_lines "token: exactly one line on stdout" 1 "$TEST_TMP/mint.out"
expect_grep "token: looks like a Salesforce session id" '^00D[A-Za-z0-9]+![A-Za-z0-9._-]+$' "$TEST_TMP/mint.out"
expect_eq "token: nothing on stderr" "" "$(cat "$TEST_TMP/mint.err")"
TOKEN=$(cat "$TEST_TMP/mint.out")
check "token: not empty" test -n "$TOKEN"
expect_eq "token: the server counted one request" 1 "$(server_stats token_requests)"
check "token: the server accepts it on a protected resource" \
	curl -sf --cacert "$PKI/ca.crt" -K - "$SERVER_URL/services/data/" -o /dev/null \
	< <(printf 'header = "Authorization: Bearer %s"\n' "$TOKEN")

run_jwtcred again token
expect_eq "token again: served from the cache" "$TOKEN" "$(cat "$TEST_TMP/again.out")"
expect_eq "token again: no new request" 1 "$(server_stats token_requests)"

run_jwtcred refresh token --refresh
expect_eq "token --refresh: exit 0" 0 "$RC"
check "token --refresh: a new token" test "$TOKEN" != "$(cat "$TEST_TMP/refresh.out")"
expect_eq "token --refresh: one more request" 2 "$(server_stats token_requests)"

run_jwtcred nocache token --no-cache
check "token --no-cache: a new token" test "$(cat "$TEST_TMP/refresh.out")" != "$(cat "$TEST_TMP/nocache.out")"
run_jwtcred after token
expect_eq "token --no-cache did not replace the cached token" "$(cat "$TEST_TMP/refresh.out")" "$(cat "$TEST_TMP/after.out")"

run_jwtcred verbose -v token --refresh
expect_grep "-v: names the token endpoint" "/services/oauth2/token" "$TEST_TMP/verbose.err"
expect_grep "-v: shows the HTTP status" "HTTP 200" "$TEST_TMP/verbose.err"
expect_no_secret "-v: never shows the token" "$TEST_TMP/verbose.out" "$TEST_TMP/verbose.err"

# --- assertion --------------------------------------------------------------
run_jwtcred assertion assertion
expect_grep "assertion: a compact JWS" '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' "$TEST_TMP/assertion.out"
JWTCRED_NOW=1700000000 run_jwtcred decoded assertion --decode
expect_grep "assertion --decode: header" '"alg": "RS256"' "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: typ" '"typ": "JWT"' "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: iss" "\"iss\": \"$SERVER_CLIENT_ID\"" "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: sub" '"sub": "alice@example.com"' "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: aud" '"aud": "https://login.salesforce.com"' "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: iat 30 s in the past (clock skew)" '"iat": 1699999970' "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: exp = iat + 180" '"exp": 1700000150' "$TEST_TMP/decoded.out"
expect_grep "assertion --decode: jti" '"jti": "[A-Za-z0-9_-]{22}"' "$TEST_TMP/decoded.out"

# --- check ------------------------------------------------------------------
write_config "certificate = \"$KEYS/client.crt\";"
run_jwtcred check check --online
expect_eq "check --online: exit 0" 0 "$RC"
expect_grep "check: key fits RS256" "RSA, 2048 bits\) fits RS256" "$TEST_TMP/check.out"
expect_grep "check: certificate matches" "matches the key" "$TEST_TMP/check.out"
expect_grep "check --online: reports instance_url" "minted a token .* for instance https://localhost" "$TEST_TMP/check.out"
expect_no_grep "check --online: never prints the token" '00D[A-Za-z0-9]+!' "$TEST_TMP/check.out"
write_config "certificate = \"$PKI/ec.crt\";"
run_jwtcred badcert check
expect_eq "check: a certificate of another key fails" 1 "$RC"
expect_grep "check: says the certificate does not match" "does not match private key" "$TEST_TMP/badcert.err"

# --- an instance_url that is not a plain https URL fails the exchange ------------------
# (check --online prints it, --format env and exec hand it to scripts, exec and curl send the token there)
write_config
run_jwtcred instpurge purge
server_reset
server_mode '{"instance_url": "https://evil.example/x\nJWTCRED_ACCESS_TOKEN=forged"}'
for args in "token" "token --format env" "check --online" "exec -- /usr/bin/env"; do
	name=inst${args%% *}
	# shellcheck disable=SC2086
	run_jwtcred "$name" $args
	expect_eq "bad instance_url, $args: exit 1" 1 "$RC"
	expect_eq "bad instance_url, $args: no token or variable on stdout" "" \
		"$(grep -E 'JWTCRED_|00D|forged' "$TEST_TMP/$name.out")"
	expect_grep "bad instance_url, $args: says so" \
		"^jwtcred: (profile 'prod': )?the token endpoint's instance_url 'https://evil.example/x\\\\x0aJWTCRED_ACCESS_TOKEN=forged' contains a space or a control character" \
		"$TEST_TMP/$name.err"
	expect_lines "bad instance_url, $args: one line on stderr" 1 "$TEST_TMP/$name.err"
done
expect_eq "bad instance_url: nothing cached, each attempt asked again" 4 "$(server_stats token_requests)"
server_mode '{"instance_url": "https://acme.my.example.com:8443/x"}'
run_jwtcred instgood token --format env --refresh
expect_grep "a plain https instance_url is handed on" "^JWTCRED_INSTANCE_URL='https://acme.my.example.com:8443/x'$" "$TEST_TMP/instgood.out"
server_mode '{}'
run_jwtcred instback token --refresh
expect_eq "back to a good endpoint: mints" 0 "$RC"

# --- key variants -------------------------------------------------------------
try_key() { # NAME SETTING... -> mints with --no-cache
	local name=$1
	shift
	write_config "$@"
	run_jwtcred "$name" token --no-cache
}
try_key pkcs1 "private_key = \"$KEYS/client-pkcs1.key\";"
expect_eq "PKCS#1 key: mints" 0 "$RC"
try_key encfile "private_key = \"$KEYS/client-enc.key\";" "passphrase_file = \"$KEYS/passphrase.txt\";"
expect_eq "encrypted PKCS#8 with passphrase_file: mints" 0 "$RC"
export TEST_PASSPHRASE
TEST_PASSPHRASE=$(cat "$KEYS/passphrase.txt")
try_key encenv "private_key = \"$KEYS/client-enc.key\";" 'passphrase_env = "TEST_PASSPHRASE";'
expect_eq "encrypted PKCS#8 with passphrase_env: mints" 0 "$RC"
printf 'wrong\n' >"$TEST_TMP/wrongpass"; chmod 600 "$TEST_TMP/wrongpass"
try_key wrongpass "private_key = \"$KEYS/client-enc.key\";" "passphrase_file = \"$TEST_TMP/wrongpass\";"
expect_grep "wrong passphrase: says so" "^jwtcred: '.*':[0-9]+: profile 'prod': cannot decrypt private key .*: wrong passphrase$" "$TEST_TMP/wrongpass.err"
try_key nopass "private_key = \"$KEYS/client-enc.key\";"
expect_grep "encrypted key without passphrase: names the settings" "is encrypted: set passphrase_file or passphrase_env" "$TEST_TMP/nopass.err"
cp "$KEYS/client.key" "$KEYS/open.key"; chmod 644 "$KEYS/open.key"
try_key perms "private_key = \"$KEYS/open.key\";"
expect_grep "0644 key: refused with the chmod fix" "accessible by group or others \(mode 0644\): run chmod 600 '$KEYS/open.key'" "$TEST_TMP/perms.err"
try_key cert "private_key = \"$KEYS/client.crt\";"
expect_grep "certificate instead of key: says so" "is a certificate, not a private key" "$TEST_TMP/cert.err"
try_key ec "private_key = \"$KEYS/ec.key\";"
expect_grep "EC key for RS256: refused" "is EC, but RS256 needs an RSA key" "$TEST_TMP/ec.err"

# --- server refusals (Salesforce's error bodies) ------------------------------
refused() { # NAME SETTING PATTERN DESCRIPTION
	if [ -n "$2" ]; then write_config "$2"; else write_config; fi
	run_jwtcred "$1" token --no-cache
	expect_eq "$4: exit 1" 1 "$RC"
	expect_grep "$4: explains" "$3" "$TEST_TMP/$1.err"
	expect_lines "$4: one line on stderr" 1 "$TEST_TMP/$1.err"
	expect_eq "$4: nothing on stdout" "" "$(cat "$TEST_TMP/$1.out")"
}
refused unapproved 'username = "bob@example.com";' "user hasn't approved this consumer.*pre-authorized" "unapproved user"
refused audience 'audience = "https://test.salesforce.com";' "audience is invalid.*sent with aud 'https://test.salesforce.com'" "wrong audience"
refused clientid 'client_id = "3MVG9wrong";' "invalid_client_id.*Consumer Key" "wrong consumer key"
refused mismatch "private_key = \"$KEYS/other.key\";" "invalid assertion.*certificate" "key not matching the certificate"
JWTCRED_NOW=$(($(date +%s) - 3600)) refused expired "" "expired authorization code.*clock.*UTC" "expired assertion"
server_mode '{"ip_restricted": true}'
refused iprestricted "" "ip restricted or invalid login hours.*IP" "IP restricted"
server_mode '{}'

# --- transport ----------------------------------------------------------------
write_config
server_reset
server_mode '{"fail_statuses": [503]}'
run_jwtcred retry token --no-cache
expect_eq "503 then success: exit 0" 0 "$RC"
expect_eq "503 then success: two requests" 2 "$(server_stats token_requests)"

server_reset
server_mode '{"fail_statuses": [400]}'
run_jwtcred no4xxretry token --no-cache
expect_eq "a 400 is not retried" 1 "$(server_stats token_requests)"

server_mode '{"fail_statuses": [503, 503, 503, 503]}'
run_jwtcred give_up token --no-cache
expect_eq "503 three times: exit 1" 1 "$RC"
expect_grep "503 three times: says HTTP 503 and not JSON" "HTTP 503 with a body that is not JSON" "$TEST_TMP/give_up.err"
server_mode '{}'

server_mode '{"hang": true}'
write_config 'timeout = 2;'
start=$(date +%s%N)
run_jwtcred hang token --no-cache
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "hanging server: exit 1" 1 "$RC"
expect_grep "hanging server: timeout message" "no answer from .* within 2s \(timeout\)" "$TEST_TMP/hang.err"
check "hanging server: gave up within 2 s + 1 s ($elapsed_ms ms)" test "$elapsed_ms" -lt 3000
server_mode '{}'

write_config
server_mode '{"non_json": true}'
run_jwtcred html token --no-cache
expect_grep "HTML error page: says not JSON with the status" "HTTP 500 with a body that is not JSON" "$TEST_TMP/html.err"
server_mode '{"oversize": true}'
run_jwtcred big token --no-cache
expect_grep "10 MB body: refused at the cap" "larger than 65536 bytes" "$TEST_TMP/big.err"
server_mode '{"truncated": true}'
run_jwtcred trunc token --no-cache
expect_grep "truncated JSON: refused" "not JSON" "$TEST_TMP/trunc.err"
server_mode '{}'

write_config "ca_file = \"$PKI/other-ca.crt\";"
run_jwtcred unknownca token --no-cache
expect_eq "unknown CA: exit 1" 1 "$RC"
expect_grep "unknown CA: TLS failure with the ca_file hint" "TLS with .* failed.*ca_file" "$TEST_TMP/unknownca.err"

chmod 664 "$JWTCRED_CONFIG"
run_jwtcred groupwritable token
expect_eq "group-writable configuration: refused" 1 "$RC"
expect_grep "group-writable configuration: names the fix" "is writable by group or others \(mode 0664\): run chmod go-w" "$TEST_TMP/groupwritable.err"
chmod 644 "$JWTCRED_CONFIG"

sed -i "s|login_url = \"https://|login_url = \"http://|" "$JWTCRED_CONFIG"
run_jwtcred http token --no-cache
expect_eq "http:// login_url: exit 1" 1 "$RC"
expect_grep "http:// login_url: refused at load with file and line" "config':5: 'login_url' in profile 'prod' must be an https URL" "$TEST_TMP/http.err"

# --- token_url with a query (RFC 6749 section 3.2 allows one) -------------------------
write_config "token_url = \"$SERVER_URL/services/oauth2/token?api-version=2.0&tenant=a%20b\";"
run_jwtcred query token --no-cache
expect_eq "token_url with a query: mints" 0 "$RC"
expect_eq "token_url with a query: posted to exactly that path and query" \
	"/services/oauth2/token ?api-version=2.0&tenant=a%20b" \
	"$(server_history '" ?".join([h[-1]["path"], h[-1]["query"]])')"
expect_eq "token_url with a query: the form is the usual one" "grant_type" \
	"$(server_history '",".join(sorted(h[-1]["form"]))')"
for bad in "https://localhost/t#frag|has a fragment" "https://me@localhost/t?x=1|has a user name or password" \
	"https://localhost/a/../t?x=1|has a '.' or '..' path segment" "https://localhost/t?x=%zz|has a '%' that is not followed"; do
	write_config "token_url = \"${bad%%|*}\";"
	run_jwtcred badquery token --no-cache
	check "token_url ${bad%%|*}: refused at load, with the reason" grep -qF -- \
		"config':10: 'token_url' in profile 'prod' is not a valid URL: '${bad%%|*}' ${bad#*|}" "$TEST_TMP/badquery.err"
	expect_lines "token_url ${bad%%|*}: one line" 1 "$TEST_TMP/badquery.err"
done

# a setting that is not UTF-8 (here a libconfig \xff escape) is refused at load, by name
# and line, not as "out of memory" when the claims or the cache key are built
write_config 'username = "al\xffice@example.com";'
for cmd in token assertion; do
	run_jwtcred "utf8$cmd" "$cmd"
	expect_eq "non-UTF-8 username, $cmd: exit 1" 1 "$RC"
	expect_grep "non-UTF-8 username, $cmd: names the setting, file and line" \
		"^jwtcred: '[^']*config':9: 'username' in profile 'prod' is not valid UTF-8: save the file as UTF-8" "$TEST_TMP/utf8$cmd.err"
	expect_lines "non-UTF-8 username, $cmd: one line on stderr" 1 "$TEST_TMP/utf8$cmd.err"
done

# --- JWTCRED_PROFILE: the default --profile of every command -------------------
cat >"$TEST_TMP/two.conf" <<CONF
profiles = {
  prod = {
    client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; 
  };
  other = {
    client_id = "$SERVER_CLIENT_ID"; username = "bob@example.com";
    login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; 
  };
};
CONF
run_jwtcred envp_json --config "$TEST_TMP/two.conf" token --format json
check "two profiles, no profile named: refused" [ "$RC" -ne 0 ]
JWTCRED_PROFILE=other run_jwtcred envp_other --config "$TEST_TMP/two.conf" assertion --decode
expect_eq "JWTCRED_PROFILE=other: the command uses that profile" 0 "$RC"
check "JWTCRED_PROFILE=other: its settings (sub bob)" /usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["claims"]
sys.exit(c["sub"] != "bob@example.com")' "$TEST_TMP/envp_other.out"
JWTCRED_PROFILE=nosuch run_jwtcred envp_nosuch --config "$TEST_TMP/two.conf" token
check "JWTCRED_PROFILE names no profile: fails" [ "$RC" -ne 0 ]
expect_grep "JWTCRED_PROFILE names no profile: says which" "nosuch" "$TEST_TMP/envp_nosuch.err"
JWTCRED_PROFILE=nosuch run_jwtcred envp_flag --config "$TEST_TMP/two.conf" --profile prod token
expect_eq "--profile wins over JWTCRED_PROFILE" 0 "$RC"
JWTCRED_PROFILE= run_jwtcred envp_empty --config "$TEST_TMP/two.conf" token
expect_eq "an empty JWTCRED_PROFILE is no profile (same as unset)" "$(cat "$TEST_TMP/envp_json.err")" "$(cat "$TEST_TMP/envp_empty.err")"

finish
