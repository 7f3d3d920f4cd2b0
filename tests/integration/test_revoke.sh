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
