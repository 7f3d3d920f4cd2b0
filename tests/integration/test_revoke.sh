#!/bin/bash
# purge --revoke: a token goes only to the revocation endpoint of the
# settings it was minted with (a profile of the same name in another
# configuration never sees it), and only HTTP 200 counts as revoked
# (RFC 7009 2.2): a refusal or an unavailable endpoint keeps the entry and
# says so in one line.
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
write_config
entries() { find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' 2>/dev/null | wc -l; }
# accepted TOKEN: the protected resource's answer to it (200 valid, 401 not)
accepted() {
	curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -K - "$SERVER_URL/services/data/" \
		< <(printf 'header = "Authorization: Bearer %s"\n' "$1")
}
# other_config FILE SETTING...: a configuration elsewhere, with a profile "prod" too
other_config() {
	local file=$1
	shift
	(JWTCRED_CONFIG=$file && write_config "$@")
}

run_jwtcred seed token
TOKEN=$(cat "$TEST_TMP/seed.out")
ENTRY=$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????')
check "seed: one entry" test -f "$ENTRY"

# kept DESCRIPTION NAME PATTERN: purge --revoke NAME failed and kept the token
kept() {
	expect_eq "$1: exit 1" 1 "$RC"
	expect_lines "$1: one line on stderr" 1 "$TEST_TMP/$2.err"
	expect_grep "$1: says why" "$3" "$TEST_TMP/$2.err"
	expect_no_grep "$1: never the token" "$TOKEN" "$TEST_TMP/$2.err"
	expect_eq "$1: entry kept" 1 "$(entries)"
	expect_eq "$1: the token is still valid" 200 "$(accepted "$TOKEN")"
}

# --- (a) another configuration, same profile name ------------------------------------
OTHER=$TEST_TMP/other.conf
other_config "$OTHER" "login_url = \"$SERVER_URL/other\";"
server_reset
run_jwtcred otherorg --config "$OTHER" purge --revoke
kept "another organisation's prod" otherorg \
	"^jwtcred: cannot revoke cache entry $(basename "$ENTRY") of profile 'prod': it was minted with other settings than '$OTHER' gives"
expect_eq "another organisation's prod: its revocation endpoint saw nothing" 0 "$(server_stats other_revoke_requests)"
expect_eq "another organisation's prod: ours neither" 0 "$(server_stats revoke_requests)"

# the same settings but for revoke_url: still another endpoint
other_config "$OTHER" "revoke_url = \"$SERVER_URL/other/services/oauth2/revoke\";"
run_jwtcred otherrevoke --config "$OTHER" purge --revoke --profile prod
kept "same settings, another revoke_url" otherrevoke "it was minted with other settings than '$OTHER' gives"
expect_eq "same settings, another revoke_url: that endpoint saw nothing" 0 "$(server_stats other_revoke_requests)"

# our own configuration edited the same way: the entry is no longer its own
write_config "revoke_url = \"$SERVER_URL/other/services/oauth2/revoke\";"
run_jwtcred edited purge --revoke
kept "revoke_url edited since the mint" edited "other settings than '$JWTCRED_CONFIG' gives"
expect_eq "revoke_url edited since the mint: nothing sent" 0 "$(server_stats other_revoke_requests)"
write_config

# --- (b) only HTTP 200 is a revocation -----------------------------------------------------
server_mode '{"revoke_statuses": [400]}'
run_jwtcred r400 purge --revoke
kept "HTTP 400 unsupported_token_type" r400 \
	"^jwtcred: revoking at '$SERVER_URL/services/oauth2/revoke' was refused with HTTP 400 \(unsupported_token_type: .*\): the token may still be valid; entry kept \(jwtcred purge without --revoke removes it\)$"
server_mode '{"revoke_statuses": [401]}'
run_jwtcred r401 purge --revoke
kept "HTTP 401 invalid_client" r401 "refused with HTTP 401 \(invalid_client: client authentication failed\)"
server_mode '{"revoke_statuses": [403]}'
run_jwtcred r403 purge --revoke
kept "HTTP 403" r403 "refused with HTTP 403"
server_reset
server_mode '{"revoke_statuses": [503, 503, 503], "retry_after": 0}'
run_jwtcred r503 purge --revoke
kept "HTTP 503 three times" r503 "HTTP 503.*unavailable.*try again later"
expect_eq "HTTP 503 three times: tried three times" 3 "$(server_stats revoke_requests)"
server_mode '{"revoke_statuses": [500, 500, 500], "retry_after": 0}'
run_jwtcred r500 purge --revoke
kept "HTTP 500" r500 "HTTP 500"
server_mode '{"revoke_statuses": [302]}'
run_jwtcred r302 purge --revoke
kept "HTTP 302" r302 "redirect \(HTTP 302\).*not followed.*revoke_url"
server_mode '{"revoke_statuses": [204]}'
run_jwtcred r204 purge --revoke
kept "HTTP 204 (not the 200 RFC 7009 says)" r204 "HTTP 204"

# a 503 then a 200: the retry revokes it
server_reset
server_mode '{"revoke_statuses": [503], "retry_after": 0}'
run_jwtcred retry purge --revoke
expect_eq "503 then 200: exit 0" 0 "$RC"
expect_eq "503 then 200: two requests" 2 "$(server_stats revoke_requests)"
expect_eq "503 then 200: entry removed" 0 "$(entries)"
expect_eq "503 then 200: the token is revoked" 401 "$(accepted "$TOKEN")"
server_mode '{}'

# a token the provider has forgotten (revoked elsewhere): its 400 is not a success
run_jwtcred seed2 token
TOKEN=$(cat "$TEST_TMP/seed2.out")
server_revoke_all
run_jwtcred gone purge --revoke
expect_eq "a token the provider does not know: exit 1" 1 "$RC"
expect_grep "a token the provider does not know: says so, and how to remove it" \
	"refused with HTTP 400 \(invalid_token: invalid token\): .*; entry kept \(jwtcred purge without --revoke removes it\)$" "$TEST_TMP/gone.err"
expect_eq "a token the provider does not know: entry kept" 1 "$(entries)"
run_jwtcred plain purge
expect_eq "purge without --revoke removes it" 0 "$(entries)"

# --- the right configuration revokes ----------------------------------------------------------
run_jwtcred seed3 token
TOKEN=$(cat "$TEST_TMP/seed3.out")
server_reset
run_jwtcred ours purge --revoke
expect_eq "our own configuration: exit 0" 0 "$RC"
expect_eq "our own configuration: one revocation, at our endpoint" 1 "$(server_stats revoke_requests)"
expect_eq "our own configuration: nothing elsewhere" 0 "$(server_stats other_revoke_requests)"
expect_eq "our own configuration: entry removed" 0 "$(entries)"
expect_eq "our own configuration: the token is revoked" 401 "$(accepted "$TOKEN")"
finish
