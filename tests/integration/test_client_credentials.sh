#!/bin/bash
# provider = "client-credentials" (RFC 6749 4.4 with a private_key_jwt client
# assertion, RFC 7523 2.2) against Entra ID-, Okta-, Keycloak- and
# Auth0-shaped endpoints (tests/server/client_credentials.py: Authlib's
# JWTBearerClientAssertion verifies each assertion, the vendors' own checks
# around it), their refusals and jwtcred's hints, the x5t#S256 header checked
# again with the openssl command line, real git through an Azure
# DevOps-shaped URL; and Salesforce's real expiry from introspection with
# client_secret_file.
. "${srcdir:-.}/tests/integration/lib.sh"

command -v basenc >/dev/null || skip "basenc (coreutils 8.31 or later) is not installed"
command -v git >/dev/null || skip "git is not installed"

start_server
CID=11111111-2222-3333-4444-555555555555
TENANT=contoso.onmicrosoft.com
server_clients_merge "{\"cc_clients\": [
	{\"client_id\": \"$CID\", \"certificate\": \"$PKI/client.crt\", \"shape\": \"entra\", \"tenant\": \"$TENANT\"},
	{\"client_id\": \"0oa1okta\", \"certificate\": \"$PKI/client.crt\", \"shape\": \"okta\"},
	{\"client_id\": \"jwtcred-kc\", \"certificate\": \"$PKI/client.crt\", \"shape\": \"keycloak\"},
	{\"client_id\": \"auth0client\", \"certificate\": \"$PKI/client.crt\", \"shape\": \"auth0\", \"tenant\": \"localhost:$SERVER_PORT\"}],
	\"sf_secrets\": {\"$SERVER_CLIENT_ID\": \"s3cr3t-consumer-secret-0123456789\"}, \"session_seconds\": 5000}"

# conf NAME SETTING...: one profile NAME with these settings; a later
# setting replaces an earlier one of the same name.
conf() {
	local name=$1 line later i
	shift
	{
		echo 'profiles = {'
		echo "  $name = {"
		i=0
		for line in "$@"; do
			i=$((i + 1))
			for later in "${@:i+1}"; do
				[ "${later%% *}" = "${line%% *}" ] && continue 2
			done
			echo "    $line"
		done
		echo "    ca_file = \"$PKI/ca.crt\";"
		echo '    timeout = 10;'
		echo '  };'
		echo '};'
	} >"$JWTCRED_CONFIG"
}

purge() {
	"$JWTCRED" purge >/dev/null 2>&1 || true
}

# entry FIELD: a field of the (only) cache entry.
entry() {
	/usr/bin/python3 - "$JWTCRED_CACHE_DIR" "$1" <<'PY'
import glob, json, os, sys
files = [f for f in glob.glob(os.path.join(sys.argv[1], '*')) if os.path.basename(f).isalnum()]
if len(files) != 1:
    sys.exit('%d cache entries' % len(files))
with open(files[0]) as f:
    e = json.load(f)
v = eval(sys.argv[2], {'e': e})
print(v if isinstance(v, str) else json.dumps(v))
PY
}

ENTRA=(
	'provider = "client-credentials";'
	'server = "entra";'
	"client_id = \"$CID\";"
	"token_url = \"$SERVER_URL/$TENANT/oauth2/v2.0/token\";"
	"private_key = \"$KEYS/client.key\";"
	"certificate = \"$KEYS/client.crt\";"
	'scope = "499b84ac-1321-427f-aa17-267ca6975798/.default";'
	"urls = [ \"$SERVER_URL/git/acme/project/_git\" ];"
)

# ============================================================================
# Entra ID: x5t#S256 of the uploaded certificate, scope .../.default
# ============================================================================
conf entra "${ENTRA[@]}"
run_jwtcred entra token
expect_eq "entra: a token" 0 "$RC"
expect_grep "entra: the endpoint's token" '^cc\.' "$TEST_TMP/entra.out"
expect_eq "entra: the form" "client_credentials $CID urn:ietf:params:oauth:client-assertion-type:jwt-bearer 499b84ac-1321-427f-aa17-267ca6975798/.default" \
	"$(server_history 'h[-1]["form"]["grant_type"] + " " + h[-1]["form"]["client_id"] + " " + h[-1]["form"]["client_assertion_type"] + " " + h[-1]["form"]["scope"]')"
expect_eq "entra: iss = sub = client_id, aud the token URL" "$CID $CID $SERVER_URL/$TENANT/oauth2/v2.0/token" \
	"$(server_history 'h[-1]["claims"]["iss"] + " " + h[-1]["claims"]["sub"] + " " + h[-1]["claims"]["aud"]')"
expect_eq "entra: nbf = iat, exp 180 s later" "True 180" \
	"$(server_history 'str(h[-1]["claims"]["nbf"] == h[-1]["claims"]["iat"]) + " " + str(h[-1]["claims"]["exp"] - h[-1]["claims"]["iat"])')"
want=$(openssl x509 -in "$KEYS/client.crt" -outform DER | openssl dgst -sha256 -binary | basenc --base64url | tr -d '=')
expect_eq "entra: x5t#S256 is the certificate's SHA-256 (openssl)" "$want" "$(server_history 'h[-1]["header"]["x5t#S256"]')"
expect_eq "entra: typ JWT, no x5t by default" "JWT False" "$(server_history 'h[-1]["header"]["typ"] + " " + str("x5t" in h[-1]["header"])')"
expect_eq "entra: the answer's expires_in is the cache's" "true 3599" "$(entry 'e["server_expiry"]') $(entry 'e["expires"] - e["issued"]')"

purge
conf entra "${ENTRA[@]}" 'thumbprint = "both";' 'typ = "client-authentication+jwt";'
run_jwtcred both token
want1=$(openssl x509 -in "$KEYS/client.crt" -outform DER | openssl dgst -sha1 -binary | basenc --base64url | tr -d '=')
expect_eq "entra: thumbprint both sends x5t (openssl SHA-1) too" "0 $want1 client-authentication+jwt" \
	"$RC $(server_history 'h[-1]["header"]["x5t"] + " " + h[-1]["header"]["typ"]')"

purge
first=$(server_history 'h[-1]["claims"]["jti"]')
run_jwtcred again token
expect_eq "a new jti every time" "0 true" "$RC $(server_history "h[-1]['claims']['jti'] != '$first'")"

# refusals, each one line with its hint
# a key and its own certificate, neither uploaded: the server's AADSTS700027
purge
cp "$PKI/sa.key" "$PKI/sa.crt" "$KEYS/" && chmod 600 "$KEYS/sa.key"
conf entra "${ENTRA[@]}" "private_key = \"$KEYS/sa.key\";" "certificate = \"$KEYS/sa.crt\";"
run_jwtcred wrongcert token
expect_eq "entra: a thumbprint not uploaded fails" 1 "$RC"
expect_lines "entra: ... in one line" 1 "$TEST_TMP/wrongcert.err"
expect_grep "entra: ... AADSTS700027 and the fix" 'AADSTS700027.*upload .*az ad app credential reset --id '"$CID" "$TEST_TMP/wrongcert.err"
# a certificate of another key: refused before any request, both files named
n=$(server_stats cc_requests)
conf entra "${ENTRA[@]}" "certificate = \"$KEYS/ec.crt\";"
run_jwtcred mismatch token
expect_eq "entra: a certificate that is not the key's fails" 1 "$RC"
expect_lines "entra: ... in one line" 1 "$TEST_TMP/mismatch.err"
expect_grep "entra: ... naming both files and the fix" "certificate '$KEYS/ec.crt' does not match private key '$KEYS/client.key'.*set 'certificate' to the certificate made from this key" "$TEST_TMP/mismatch.err"
expect_eq "entra: ... before any request" "$n" "$(server_stats cc_requests)"
run_jwtcred mismatch_check check
expect_eq "entra: jwtcred check says so too" "1 1" "$RC $(grep -c "certificate '$KEYS/ec.crt' does not match private key" "$TEST_TMP/mismatch_check.err")"

conf entra "${ENTRA[@]}" "token_url = \"$SERVER_URL/fabrikam.onmicrosoft.com/oauth2/v2.0/token\";"
run_jwtcred wrongtenant token
expect_grep "entra: wrong tenant: AADSTS90002 and what to set" "AADSTS90002.*set 'tenant'" "$TEST_TMP/wrongtenant.err"
expect_lines "entra: ... in one line" 1 "$TEST_TMP/wrongtenant.err"

conf entra "${ENTRA[@]}" 'scope = "https://graph.microsoft.com/User.Read";'
n=$(server_stats cc_requests)
run_jwtcred badscope token
expect_grep "entra: a scope without /.default is refused when loading" "config.*:[0-9]+: 'scope' .* ending in /.default" "$TEST_TMP/badscope.err"
expect_eq "entra: ... before any request" "$n" "$(server_stats cc_requests)"

conf entra "${ENTRA[@]/client_id = \"$CID\";/client_id = \"99999999-0000-0000-0000-000000000000\";}"
run_jwtcred wrongapp token
expect_grep "entra: unknown app: AADSTS700016's hint" "AADSTS700016.*check 'client_id'" "$TEST_TMP/wrongapp.err"

# ============================================================================
# Azure DevOps-shaped git: real git, Basic with the token (git 2.39), and the
# Bearer answer for a git that says capability[]=authtype
# ============================================================================
purge
conf entra "${ENTRA[@]}"
git_repo_make "$SERVER_GIT_ROOT/acme/project/_git" repo >/dev/null
git config --global credential.helper jwtcred
git config --global credential.useHttpPath true
git config --global http.sslCAInfo "$PKI/ca.crt"
before=$(server_stats git_auth_failures)
mints=$(server_stats cc_requests)
if git clone -q "$SERVER_URL/git/acme/project/_git/repo" "$TEST_TMP/clone" >"$TEST_TMP/clone.log" 2>&1; then
	ok "azure devops: git clone with an Entra ID token"
else
	show "$TEST_TMP/clone.log"
	not_ok "azure devops: git clone with an Entra ID token"
fi
check "azure devops: the clone has the commit" test -n "$(git -C "$TEST_TMP/clone" log --oneline 2>/dev/null)"
expect_eq "azure devops: one mint for the clone" $((mints + 1)) "$(server_stats cc_requests)"
printf 'capability[]=authtype\nprotocol=https\nhost=localhost:%s\npath=git/acme/project/_git/repo\n\n' "$SERVER_PORT" |
	git-credential-jwtcred get >"$TEST_TMP/bearer.out" 2>"$TEST_TMP/bearer.err"
expect_grep "azure devops: authtype=Bearer for a git that can take it" '^authtype=Bearer$' "$TEST_TMP/bearer.out"
expect_grep "azure devops: ... with the cached token" '^credential=cc\.' "$TEST_TMP/bearer.out"
# a token from anywhere else is refused by the endpoint
after=$(server_stats git_auth_failures)
expect_eq "azure devops: no refused git request" "$before" "$after"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -u "x:cc.notissuedbytheendpoint0123456789" \
	"$SERVER_URL/git/acme/project/_git/repo/info/refs?service=git-upload-pack")
expect_eq "azure devops: the endpoint refuses a token it did not issue" 401 "$code"

# ============================================================================
# Okta: aud the full token URL
# ============================================================================
purge
OKTA=('provider = "client-credentials";' 'server = "okta";' 'client_id = "0oa1okta";'
	"token_url = \"$SERVER_URL/oauth2/default/v1/token\";" "private_key = \"$KEYS/client.key\";"
	'scope = "api:read";' 'key_id = "okta-key-1";')
conf okta "${OKTA[@]}"
run_jwtcred okta token
expect_eq "okta: a token" 0 "$RC"
expect_eq "okta: aud the token URL, kid" "$SERVER_URL/oauth2/default/v1/token okta-key-1" \
	"$(server_history 'h[-1]["claims"]["aud"] + " " + h[-1]["header"]["kid"]')"
purge
conf okta "${OKTA[@]}" 'audience = "https://example.okta.com";'
run_jwtcred okta_aud token
expect_eq "okta: a wrong aud fails" 1 "$RC"
expect_lines "okta: ... in one line" 1 "$TEST_TMP/okta_aud.err"
expect_grep "okta: ... with the aud sent and what to set" "aud 'https://example.okta.com'.*set 'audience'" "$TEST_TMP/okta_aud.err"

# ============================================================================
# Keycloak: one aud, a jti never twice
# ============================================================================
purge
KC=('provider = "client-credentials";' 'server = "keycloak";' 'client_id = "jwtcred-kc";'
	"token_url = \"$SERVER_URL/realms/ci/protocol/openid-connect/token\";" "private_key = \"$KEYS/client.key\";")
conf kc "${KC[@]}"
run_jwtcred kc token
expect_eq "keycloak: a token" 0 "$RC"
# two mints in a row: two jti values, both taken (Keycloak refuses a jti it has seen)
kc_jti=$(server_history 'h[-1]["claims"]["jti"]')
purge
run_jwtcred kc_again token
expect_eq "keycloak: a second mint is taken too" 0 "$RC"
expect_eq "keycloak: ... with another jti" "true keycloak" \
	"$(server_history "str(h[-1]['claims']['jti'] != '$kc_jti' and len(h[-1]['claims']['jti']) > 0).lower() + ' ' + ('keycloak' if '/realms/' in h[-1]['path'] else h[-1]['path'])")"
# replay the very assertion jwtcred sent: Keycloak's reuse error
jws=$("$JWTCRED" assertion 2>/dev/null)
form() {
	printf 'grant_type=client_credentials&client_id=jwtcred-kc&client_assertion_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Aclient-assertion-type%%3Ajwt-bearer&client_assertion=%s' "$jws"
}
form | curl -s --cacert "$PKI/ca.crt" --data-binary @- "$SERVER_URL/realms/ci/protocol/openid-connect/token" >"$TEST_TMP/kc1.json"
form | curl -s --cacert "$PKI/ca.crt" --data-binary @- "$SERVER_URL/realms/ci/protocol/openid-connect/token" >"$TEST_TMP/kc2.json"
expect_grep "keycloak: an assertion is taken once" '"access_token"' "$TEST_TMP/kc1.json"
expect_grep "keycloak: ... and refused the second time" 'Token reuse detected' "$TEST_TMP/kc2.json"
unset jws
conf kc "${KC[@]}" 'audience = [ "a", "b" ];'
run_jwtcred kc_two token
expect_grep "keycloak: two audiences are refused when loading" "must be one string" "$TEST_TMP/kc_two.err"

# ============================================================================
# Auth0: aud https://TENANT/ with the slash, at most 300 s
# ============================================================================
purge
A0=('provider = "client-credentials";' 'server = "auth0";' "tenant = \"localhost:$SERVER_PORT\";"
	'client_id = "auth0client";' "private_key = \"$KEYS/client.key\";" 'resource = "https://api.example.com/";')
conf a0 "${A0[@]}"
run_jwtcred a0 token
expect_eq "auth0: a token" 0 "$RC"
expect_eq "auth0: aud https://TENANT/, resource in the form" "https://localhost:$SERVER_PORT/ https://api.example.com/" \
	"$(server_history 'h[-1]["claims"]["aud"] + " " + h[-1]["form"]["resource"]')"
conf a0 "${A0[@]}" 'assertion_lifetime = 301;'
run_jwtcred a0_long token
expect_lines "auth0: a lifetime over 300 s: one line" 1 "$TEST_TMP/a0_long.err"
expect_grep "auth0: ... that says so" "Auth0 takes client assertions of at most 300 s" "$TEST_TMP/a0_long.err"
purge
conf a0 "${A0[@]}" "audience = \"https://localhost:$SERVER_PORT\";"
run_jwtcred a0_aud token
expect_grep "auth0: aud without the slash fails with the hint" "Auth0 https://TENANT/ with the slash" "$TEST_TMP/a0_aud.err"

# ============================================================================
# jwtcred check
# ============================================================================
purge
conf entra "${ENTRA[@]}"
run_jwtcred check check --online
expect_eq "check: passes" 0 "$RC"
cat "$TEST_TMP/check.out" "$TEST_TMP/check.err" >"$TEST_TMP/check.all" 2>/dev/null
expect_grep "check: the certificate matches the key" "certificate .* matches the key" "$TEST_TMP/check.all"

# ============================================================================
# Salesforce: the real expiry from introspection
# ============================================================================
purge
printf 's3cr3t-consumer-secret-0123456789\n' >"$KEYS/secret"
chmod 600 "$KEYS/secret"
# the secret as it travels: in the Basic header, after the consumer key
BASIC=$(printf '%s' "$SERVER_CLIENT_ID:s3cr3t-consumer-secret-0123456789" | base64 -w0)
write_config "client_secret_file = \"$KEYS/secret\";"
n0=$(server_stats introspect_requests)
run_jwtcred sf -v token --format json
expect_eq "introspect: a token" 0 "$RC"
expect_eq "introspect: one introspection" $((n0 + 1)) "$(server_stats introspect_requests)"
life=$(entry 'e["expires"] - e["issued"]')
check "introspect: the cache expiry is the introspected exp (5000 s, not token_lifetime)" test "$life" -ge 4998 -a "$life" -le 5001
expect_eq "introspect: ... kept as the server's expiry" true "$(entry 'e["server_expiry"]')"
at=$(/usr/bin/python3 -c 'import json,sys,datetime; print(int(datetime.datetime.fromisoformat(json.load(open(sys.argv[1]))["expires_at"].replace("Z","+00:00")).timestamp()))' "$TEST_TMP/sf.out")
expect_eq "introspect: token --format json shows it (less refresh_margin)" "$(entry 'e["expires"] - 60')" "$at"
expect_no_grep "introspect: the secret is in no output" "s3cr3t|czNjcjN0|${BASIC%?}|Basic" "$TEST_TMP/sf.err"

purge
printf 'wrong-secret\n' >"$KEYS/secret"
run_jwtcred sf_wrong -v token
expect_eq "introspect: a wrong secret still mints" 0 "$RC"
expect_eq "introspect: ... with token_lifetime" "false 900" "$(entry 'e["server_expiry"]') $(entry 'e["expires"] - e["issued"]')"
expect_grep "introspect: ... and a -v trace" "introspection answered HTTP 401; keeping token_lifetime" "$TEST_TMP/sf_wrong.err"
expect_no_grep "introspect: ... that does not show the secret" 'wrong-secret|d3Jvbmct' "$TEST_TMP/sf_wrong.err"

# The answer's instance_url names a host the profile never allowed (a sink):
# the consumer secret goes only to the login host, introspection still works.
purge
printf 's3cr3t-consumer-secret-0123456789\n' >"$KEYS/secret"
/usr/bin/python3 "$TOP_SRCDIR/tests/server/sink.py" --cert "$PKI/server.crt" --key "$PKI/server.key" \
	--ports 1 --port-file "$TEST_TMP/sink.ports" --log "$TEST_TMP/sink.log" \
	</dev/null >"$TEST_TMP/sink.out" 2>&1 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null; _cleanup' EXIT
for _ in $(seq 100); do [ -s "$TEST_TMP/sink.ports" ] && break; sleep 0.1; done
read -r PS <"$TEST_TMP/sink.ports" || { echo "FAIL: the sink did not start" >&2; cat "$TEST_TMP/sink.out" >&2; exit 1; }
: >"$TEST_TMP/sink.log"
n0=$(server_stats introspect_requests)
server_mode "{\"instance_url\": \"https://localhost:$PS/\"}"
run_jwtcred sf_sink -v token
server_mode '{}'
expect_eq "introspect: an instance_url elsewhere: a token" 0 "$RC"
expect_eq "introspect: ... introspected at the login host" $((n0 + 1)) "$(server_stats introspect_requests)"
life=$(entry 'e["expires"] - e["issued"]')
check "introspect: ... with its exp (5000 s)" test "$life" -ge 4998 -a "$life" -le 5001
expect_eq "introspect: ... the instance_url's host got no request" 0 "$(wc -l <"$TEST_TMP/sink.log")"
expect_no_grep "introspect: ... and never a Basic header or the secret" "Basic|s3cr3t|czNjcjN0|${BASIC%?}" "$TEST_TMP/sink.log"
# control: the sink does record what reaches it
curl -s -o /dev/null --cacert "$PKI/ca.crt" -H "Authorization: Basic $BASIC" "https://localhost:$PS/control" || true
expect_grep "introspect: ... (the sink records a Basic header it gets)" "Basic" "$TEST_TMP/sink.log"
: >"$TEST_TMP/sink.log"

# An exp beyond a Salesforce session's 24 hours is not believed; 24 hours is.
purge
server_clients_merge '{"session_seconds": 87000}'
run_jwtcred sf_long -v token
expect_eq "introspect: an exp 24 h 10 min ahead: a token" 0 "$RC"
expect_eq "introspect: ... cached for token_lifetime" "false 900" "$(entry 'e["server_expiry"]') $(entry 'e["expires"] - e["issued"]')"
expect_grep "introspect: ... and a -v trace" "exp is 8(69[0-9][0-9]|700[01]) s from now, more than a Salesforce session's 24 hours; keeping token_lifetime" "$TEST_TMP/sf_long.err"
purge
server_clients_merge '{"session_seconds": 86400}'
run_jwtcred sf_day -v token
life=$(entry 'e["expires"] - e["issued"]')
check "introspect: an exp 24 h ahead is taken" test "$RC" = 0 -a "$life" -ge 86398 -a "$life" -le 86401
server_clients_merge '{"session_seconds": 5000}'

purge
server_mode '{"introspect_status": 503}'
run_jwtcred sf_down -v token
server_mode '{}'
expect_eq "introspect: a failing endpoint still mints" 0 "$RC"
expect_eq "introspect: ... with token_lifetime" "false 900" "$(entry 'e["server_expiry"]') $(entry 'e["expires"] - e["issued"]')"
expect_grep "introspect: ... and a -v trace" "introspection answered HTTP 503; keeping token_lifetime" "$TEST_TMP/sf_down.err"

chmod 644 "$KEYS/secret"
purge
run_jwtcred sf_mode -v token
expect_eq "introspect: a readable secret file is not used, the mint goes on" "0 false" "$RC $(entry 'e["server_expiry"]')"
expect_grep "introspect: ... and the trace names the fix" "chmod 600" "$TEST_TMP/sf_mode.err"

leaks=
for f in "$TEST_TMP"/*.out "$TEST_TMP"/*.err "$SERVER_LOG" "$TEST_TMP/server/server.out"; do
	[ -f "$f" ] || continue
	grep -qE "s3cr3t-consumer|czNjcjN0LWNvbnN1bWVy|${BASIC%?}" "$f" && leaks="$leaks $f"
done
expect_eq "the consumer secret is in no output and not in the server's log" "" "$leaks"

finish
