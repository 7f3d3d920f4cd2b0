#!/bin/bash
# GitHub App installation tokens (provider "github-app") against the
# GitHub-shaped API of the test server (tests/server/github.py, under
# /api/v3 like GitHub Enterprise Server), which verifies the app JWT with
# Authlib.  Real git: two organisations behind one app, each with its own
# installation, token and cache entry; discovery once per owner; a
# repository the app is not on; owner and installation_id settings;
# permissions narrowing; a wrong key and clock skew; the allow-list.
. "${srcdir:-.}/tests/integration/lib.sh"
command -v git >/dev/null || skip "git is not installed"

start_server
for r in acme/widgets acme/gadgets bolt-labs/bolts carol/dotfiles nobody/secret; do
	git_repo_make "$SERVER_GIT_ROOT" "$r.git" || { echo "FAIL: cannot make $r"; exit 1; }
done
# gh_install ACME_ID [ACME_PERMISSIONS]: the app's installations in the test server
gh_install() {
	local perms=${2:-'{"contents": "write", "metadata": "read"}'}
	server_clients_merge "{\"github\": {\"app_id\": 4242, \"client_id\": \"Iv23liTestApp\",
  \"certificate\": \"$KEYS/client.crt\", \"token_length\": 300, \"token_seconds\": ${GH_TOKEN_SECONDS:-3600},
  \"installations\": [
    {\"id\": $1, \"account\": \"acme\", \"type\": \"Organization\", \"repositories\": [\"widgets\", \"gadgets\"],
     \"permissions\": $perms},
    {\"id\": 202, \"account\": \"bolt-labs\", \"type\": \"Organization\", \"repositories\": [\"bolts\"],
     \"permissions\": {\"contents\": \"read\", \"metadata\": \"read\"}},
    {\"id\": 303, \"account\": \"carol\", \"type\": \"User\", \"repositories\": [\"dotfiles\"],
     \"permissions\": {\"contents\": \"read\"}}]}}"
}
gh_install 101
API=$SERVER_URL/api/v3

# gh_profile NAME SETTING...: a github-app profile for the test server; a
# SETTING replaces the default of the same name ("app_id = ..." also drops the
# default app_id when it is client_id)
gh_profile() {
	local name=$1 line set defaults
	shift
	defaults=(
		'provider = "github-app";'
		'app_id = "4242";'
		"private_key = \"$KEYS/client-pkcs1.key\";"
		"api_url = \"$API\";"
		"urls = [ \"$SERVER_URL/git/\" ];"
		"ca_file = \"$PKI/ca.crt\";"
		'timeout = 10;'
	)
	echo "  $name = {"
	for line in "${defaults[@]}"; do
		for set in "$@"; do
			[ "${set%% *}" = "${line%% *}" ] && continue 2
			[ "${set%% *}" = client_id ] && [ "${line%% *}" = app_id ] && continue 2
		done
		echo "    $line"
	done
	for set in "$@"; do
		echo "    $set"
	done
	echo '  };'
}
{
	echo 'profiles = {'
	gh_profile app
	gh_profile byowner 'owner = "carol";'
	gh_profile byid 'installation_id = "202";' 'client_id = "Iv23liTestApp";'
	gh_profile narrow 'installation_id = "202";' 'repositories = [ "bolts" ];' 'permissions = { contents = "read"; };'
	gh_profile greedy 'installation_id = "202";' 'permissions = { contents = "write"; };'
	gh_profile curly 'installation_id = "101";'
	gh_profile hostwide "urls = [ \"$SERVER_URL/\" ];"
	gh_profile wrongkey 'installation_id = "202";' "private_key = \"$KEYS/other.key\";"
	gh_profile brief 'installation_id = "202";' 'assertion_lifetime = 10;'
	gh_profile acmeowner 'owner = "acme";'
	gh_profile slow 'owner = "carol";' 'timeout = 2;'
	gh_profile acmewrite 'owner = "acme";' 'permissions = { contents = "write"; };'
	gh_profile longest 'installation_id = "202";' 'assertion_lifetime = 600;'
	gh_profile ahead 'refresh_margin = 1;' 'refresh_ahead = 6;'
	echo '};'
} >"$JWTCRED_CONFIG"

git config --global http.sslCAInfo "$PKI/ca.crt"
git config --global credential.useHttpPath true
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" "jwtcred --profile app"
entries() { find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' 2>/dev/null | wc -l; }

cd "$TEST_TMP" || exit 1
git clone -q "$SERVER_URL/git/acme/widgets.git" widgets >clone1.log 2>&1
expect_eq "acme/widgets: clone succeeds" 0 "$?" || show clone1.log
check "acme/widgets: the file is there" test -f widgets/README
expect_eq "acme/widgets: one installation lookup" 1 "$(server_stats github_lookups)"
expect_eq "acme/widgets: one token" 1 "$(server_stats github_tokens)"
expect_eq "acme/widgets: the lookup was by repository" \
	"/api/v3/repos/acme/widgets/installation" "$(server_history 'h[0]["path"]')"
expect_eq "acme/widgets: the token is installation 101's" \
	"/api/v3/app/installations/101/access_tokens" "$(server_history 'h[1]["path"]')"

git clone -q "$SERVER_URL/git/bolt-labs/bolts.git" bolts >clone2.log 2>&1
expect_eq "bolt-labs/bolts: clone succeeds" 0 "$?" || show clone2.log
expect_eq "bolt-labs/bolts: discovered installation 202" \
	"/api/v3/app/installations/202/access_tokens" "$(server_history 'h[-1]["path"]')"
expect_eq "two organisations: two lookups, two tokens" "2 2" \
	"$(server_stats github_lookups) $(server_stats github_tokens)"
expect_eq "two organisations: two cache entries" 2 "$(entries)"

git clone -q "$SERVER_URL/git/acme/gadgets.git" gadgets >clone3.log 2>&1
expect_eq "acme/gadgets: clone succeeds" 0 "$?" || show clone3.log
git -C widgets fetch -q >fetch.log 2>&1
expect_eq "acme/widgets: fetch succeeds" 0 "$?"
expect_eq "same owner again: no lookup, no token" "2 2" \
	"$(server_stats github_lookups) $(server_stats github_tokens)"
expect_eq "same owner again: still two entries" 2 "$(entries)"
check "the entry remembers the installation" grep -lq '"installation_id":"101"' "$JWTCRED_CACHE_DIR"/????????????????

# The app JWT as GitHub sees it (Authlib verified its signature; these are its claims).
expect_eq "app JWT: alg RS256" RS256 "$(server_history 'h[-1]["header"]["alg"]')"
expect_eq "app JWT: iss is the app ID" 4242 "$(server_history 'h[-1]["claims"]["iss"]')"
expect_eq "app JWT: exp ahead, at most 600 s from now (GitHub's rule, by its clock)" true \
	"$(server_history "0 < h[-1]['claims']['exp'] - $(date +%s) <= 600")"
expect_eq "app JWT: exp assertion_lifetime (180) from now, not from iat" true \
	"$(server_history "abs(h[-1]['claims']['exp'] - ($(date +%s) + 180)) < 30")"
expect_eq "app JWT: iat about 60 s back" true \
	"$(server_history "abs(h[-1]['claims']['iat'] - ($(date +%s) - 60)) < 120")"
expect_eq "app JWT: no aud, sub or jti" false \
	"$(server_history 'any(k in h[-1]["claims"] for k in ("aud", "sub", "jti"))')"
expect_eq "request: Accept" application/vnd.github+json "$(server_history 'h[-1]["form"]["accept"]')"
expect_eq "request: X-GitHub-Api-Version" 2022-11-28 "$(server_history 'h[-1]["form"]["api_version"]')"

# A token is for its installation's repositories only.
printf 'url=%s\n\n' "$SERVER_URL/git/bolt-labs/bolts.git" | git credential fill >fill.out 2>fill.err
expect_grep "credential fill: username x-access-token" '^username=x-access-token$' fill.out
expect_grep "credential fill: a token longer than 300 bytes" '^password=ghs_.{300}' fill.out
BOLT=$(sed -n 's/^password=//p' fill.out)
# git-lfs (useHttpPath) asks for owner/repo.git/info/lfs: the owner is the first segment, not "info"
before=$(server_stats github_requests)
printf 'url=%s\n\n' "$SERVER_URL/git/acme/widgets.git/info/lfs" | git credential fill >lfs.out 2>lfs.err
expect_grep "git-lfs path: a token" '^password=ghs_' lfs.out || show lfs.err
expect_eq "git-lfs path: acme's cached token, no request" "$before" "$(server_stats github_requests)"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -K - \
	"$SERVER_URL/git/acme/widgets.git/info/refs?service=git-upload-pack" \
	< <(printf 'user = "x-access-token:%s"\n' "$BOLT"))
expect_eq "bolt-labs' token does not open acme's repository" 401 "$code"

# Outside urls: git gets nothing, GitHub is not asked.
before=$(server_stats github_requests)
printf 'url=https://localhost:%s/elsewhere/acme/widgets.git\n\n' "$SERVER_PORT" |
	git credential fill >out-of-urls.out 2>out-of-urls.err
printf 'protocol=https\nhost=github.com\npath=acme/widgets.git\n\n' |
	"$JWTCRED" git get --profile app >github-com.out 2>github-com.err
check "outside urls: no answer" test ! -s out-of-urls.out -a ! -s github-com.out
expect_eq "outside urls: no request to the API" "$before" "$(server_stats github_requests)"
check "no token in any answer outside urls" sh -c "! grep -q ghs_ out-of-urls.out github-com.out"

# A rejected token: git's erase drops that owner's entry only; the next fetch mints anew.
server_revoke_all
git -C widgets fetch -q >fetch-revoked.log 2>&1
check "revoked: fetch fails" test $? -ne 0
expect_eq "revoked: git's erase dropped acme's entry, not bolt-labs'" 1 "$(entries)"
before=$(server_stats github_tokens)
git -C widgets fetch -q >fetch-again.log 2>&1
expect_eq "revoked: the next fetch succeeds" 0 "$?" || show fetch-again.log
expect_eq "revoked: with one new token" $((before + 1)) "$(server_stats github_tokens)"

# jwtcred curl: the token goes to an allowed URL, never to a listener outside urls.
/usr/bin/python3 "$TOP_SRCDIR/tests/server/sink.py" --cert "$PKI/server.crt" --key "$PKI/server.key" \
	--ports 1 --port-file "$TEST_TMP/sink.ports" --log "$TEST_TMP/sink.log" \
	</dev/null >"$TEST_TMP/sink.out" 2>&1 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null; _cleanup' EXIT
for _ in $(seq 100); do [ -s "$TEST_TMP/sink.ports" ] && break; sleep 0.1; done
read -r PS <"$TEST_TMP/sink.ports" || { echo "FAIL: the sink did not start" >&2; exit 1; }
: >>"$TEST_TMP/sink.log"
export CURL_CA_BUNDLE=$PKI/ca.crt
"$JWTCRED" curl --profile curly -- -s -o /dev/null "https://localhost:$PS/acme/widgets.git/info/refs" \
	>curl-sink.out 2>curl-sink.err
check "jwtcred curl to a URL outside urls: refused" test $? -ne 0
expect_grep "jwtcred curl to a URL outside urls: says why" "localhost:$PS" curl-sink.err
"$JWTCRED" curl --profile curly -- -s -o /dev/null "$SERVER_URL/git/acme/widgets.git/info/refs" \
	"https://localhost:$PS/x" >curl-sink2.out 2>curl-sink2.err
check "jwtcred curl with a second URL outside urls: refused" test $? -ne 0
expect_grep "jwtcred curl with a second URL outside urls: names it" "localhost:$PS" curl-sink2.err
check "the sink saw no GitHub token" sh -c "! grep -q ghs_ '$TEST_TMP/sink.log'"
# the control: a profile that allows the sink does send it the token
sed "s|^  wrongkey = {|  sinky = {\n    provider = \"github-app\";\n    app_id = \"4242\";\n    private_key = \"$KEYS/client-pkcs1.key\";\n    api_url = \"$API\";\n    installation_id = \"202\";\n    ca_file = \"$PKI/ca.crt\";\n    urls = [ \"https://localhost:$PS/\" ];\n  };\n&|" \
	"$JWTCRED_CONFIG" >"$TEST_TMP/config-sink"
"$JWTCRED" --config "$TEST_TMP/config-sink" curl --profile sinky -- -s -o /dev/null "https://localhost:$PS/x" \
	>curl-sink3.out 2>curl-sink3.err
expect_eq "control: jwtcred curl to a sink the profile allows: exit 0" 0 "$?" || show curl-sink3.err
check "control: that sink saw the token" grep -q 'ghs_' "$TEST_TMP/sink.log"
kill "$SINK_PID" 2>/dev/null

# A repository the app is not installed on.
git clone -q "$SERVER_URL/git/nobody/secret.git" secret >clone4.log 2>&1
check "nobody/secret: clone fails" test $? -ne 0
expect_grep "nobody/secret: the hint names the repository" \
	"not installed on the repository 'nobody/secret'" clone4.log

# Without the path, a profile with neither owner nor installation_id cannot tell.
git -c credential.useHttpPath=false -c "credential.$SERVER_URL.helper=" \
	-c "credential.$SERVER_URL.helper=jwtcred --profile hostwide" \
	clone -q "$SERVER_URL/git/acme/widgets.git" nopath >clone5.log 2>&1
check "no path: clone fails" test $? -ne 0
expect_grep "no path: the error says to set credential.useHttpPath" "credential.useHttpPath true" clone5.log
expect_grep "no path: or owner / installation_id" "'owner'.*'installation_id'" clone5.log

# owner = "carol": a user (the org lookup 404s, the user lookup finds it), then remembered.
server_reset
run_jwtcred owner1 token --profile byowner
expect_eq "owner: token" 0 "$RC" || show "$TEST_TMP/owner1.err"
expect_eq "owner: /orgs then /users" "/api/v3/orgs/carol/installation /api/v3/users/carol/installation" \
	"$(server_history '" ".join(e["path"] for e in h[:2])')"
run_jwtcred owner2 token --profile byowner --refresh
expect_eq "owner: refresh" 0 "$RC"
expect_eq "owner: the refresh costs a token, no lookup" "2 2" \
	"$(server_stats github_lookups) $(server_stats github_tokens)"
run_jwtcred owner3 token --profile byowner
expect_eq "owner: then cached" 2 "$(server_stats github_tokens)"

# installation_id: no lookup at all; client_id as iss.
server_reset
run_jwtcred byid token --profile byid
expect_eq "installation_id: token" 0 "$RC" || show "$TEST_TMP/byid.err"
expect_eq "installation_id: no lookup" 0 "$(server_stats github_lookups)"
expect_eq "client_id: is the iss" Iv23liTestApp "$(server_history 'h[-1]["claims"]["iss"]')"

# The shortest and the longest assertion_lifetime: an app JWT GitHub takes (exp from now, capped).
run_jwtcred brief token --profile brief
expect_eq "assertion_lifetime 10: token" 0 "$RC" || show "$TEST_TMP/brief.err"
expect_eq "assertion_lifetime 10: exp still ahead" true \
	"$(server_history "0 < h[-1]['claims']['exp'] - $(date +%s) <= 10")"
run_jwtcred longest token --profile longest
expect_eq "assertion_lifetime 600: token" 0 "$RC" || show "$TEST_TMP/longest.err"
expect_eq "assertion_lifetime 600: exp at most 540 s ahead" true \
	"$(server_history "500 < h[-1]['claims']['exp'] - $(date +%s) <= 540")"

# An installation_id that is not the app's.
sed 's/installation_id = "202";/installation_id = "999";/' "$JWTCRED_CONFIG" >"$TEST_TMP/config999"
run_jwtcred gone --config "$TEST_TMP/config999" token --profile byid
check "unknown installation_id: fails" test "$RC" -ne 0
expect_grep "unknown installation_id: says so" "installation 999 is not one of this app's installations" "$TEST_TMP/gone.err"

# Narrowing: what was asked for, and more than the installation grants.
run_jwtcred narrow token --profile narrow
expect_eq "narrow: token" 0 "$RC" || show "$TEST_TMP/narrow.err"
expect_eq "narrow: the body" '{"permissions": {"contents": "read"}, "repositories": ["bolts"]}' \
	"$(server_history '__import__("json").loads(h[-1]["form"]["body"])')"
run_jwtcred greedy token --profile greedy
check "permissions beyond the installation: fails" test "$RC" -ne 0
expect_grep "permissions beyond the installation: HTTP 422" "HTTP 422" "$TEST_TMP/greedy.err"
expect_grep "permissions beyond the installation: the hint" "exceed what the installation grants" "$TEST_TMP/greedy.err"

# A wrong key, then clock skew: 401 with both clocks.
run_jwtcred wrongkey token --profile wrongkey
check "wrong key: fails" test "$RC" -ne 0
expect_grep "wrong key: HTTP 401 and the hint" "HTTP 401.*did not accept the app JWT" "$TEST_TMP/wrongkey.err"
expect_grep "wrong key: the local UTC time" "UTC here [0-9]{4}-[0-9]{2}-[0-9]{2}T" "$TEST_TMP/wrongkey.err"
server_mode '{"clock_offset": 7200}'
run_jwtcred skew token --profile byid --refresh
server_mode '{}'
check "clock skew: fails" test "$RC" -ne 0
expect_grep "clock skew: the server's Date, two hours ahead" \
	"the server's Date $(date -u -d @$(($(date +%s) + 7200)) +%Y-%m-%dT%H)" "$TEST_TMP/skew.err"
expect_grep "clock skew: GitHub's message" "exp" "$TEST_TMP/skew.err"

# Cold cache, 8 git processes per owner at once: one token request per owner (single flight).
"$JWTCRED" purge >purge-all.out 2>&1
expect_eq "cold cache: no entries" 0 "$(entries)"
server_reset
pids=()
for i in 1 2 3 4 5 6 7 8; do
	for r in acme/widgets bolt-labs/bolts; do
		printf 'url=%s\n\n' "$SERVER_URL/git/$r.git" | git credential fill >"par-$i-${r%%/*}.out" 2>"par-$i-${r%%/*}.err" &
		pids+=($!)
	done
done
fails=0
for pid in "${pids[@]}"; do wait "$pid" || fails=$((fails + 1)); done
expect_eq "16 parallel fills: all succeed" 0 "$fails"
expect_eq "16 parallel fills: one token request per owner" 2 "$(server_stats github_tokens)"
expect_eq "16 parallel fills: installation 101 asked once" 1 \
	"$(server_history 'sum(e["path"] == "/api/v3/app/installations/101/access_tokens" for e in h)')"
expect_eq "16 parallel fills: installation 202 asked once" 1 \
	"$(server_history 'sum(e["path"] == "/api/v3/app/installations/202/access_tokens" for e in h)')"
expect_eq "16 parallel fills: acme's 8 share one token" 1 "$(cat par-*-acme.out | grep '^password=' | sort -u | wc -l)"

# status and purge --revoke: each owner's entry belongs to its profile (it is not "other settings").
run_jwtcred status status --profile app
expect_eq "status: exit 0" 0 "$RC"
expect_grep "status: acme's entry names its installation" "installation 101 \(of 'acme'\)" "$TEST_TMP/status.out"
expect_grep "status: bolt-labs' entry names its installation" "installation 202 \(of 'bolt-labs'\)" "$TEST_TMP/status.out"
run_jwtcred revoke purge --revoke --profile app
expect_no_grep "purge --revoke: the entries are the profile's" "other settings" "$TEST_TMP/revoke.err"
expect_grep "purge --revoke: says that jwtcred does not revoke GitHub tokens" \
	"does not revoke GitHub App installation tokens" "$TEST_TMP/revoke.err"
expect_eq "purge --revoke: the entries are kept" 2 "$(entries)"
run_jwtcred purge purge --profile app
expect_eq "purge: exit 0" 0 "$RC"
expect_eq "purge: the profile's entries are gone" 0 "$(entries)"

# A remembered installation that is gone (the app reinstalled as 111): the next mint finds the new one.
server_reset
run_jwtcred re1 token --profile acmeowner
run_jwtcred re2 token --profile acmewrite
expect_eq "reinstall: tokens from installation 101" "0 2" "$RC $(server_stats github_tokens)"
gh_install 111 '{"contents": "read", "metadata": "read"}'
run_jwtcred re3 token --profile acmeowner --refresh
expect_eq "reinstall: the refresh succeeds" 0 "$RC" || show "$TEST_TMP/re3.err"
expect_eq "reinstall: 101 gone, looked up again, 111's token" \
	"/api/v3/app/installations/101/access_tokens /api/v3/orgs/acme/installation /api/v3/app/installations/111/access_tokens" \
	"$(server_history '" ".join(e["path"] for e in h[-3:])')"
check "reinstall: the entry remembers installation 111" grep -lq '"installation_id":"111"' "$JWTCRED_CACHE_DIR"/????????????????
run_jwtcred re-status status --profile acmeowner
expect_grep "reinstall: the entry's subject names installation 111" "installation 111 \(of 'acme'\)" "$TEST_TMP/re-status.out"
expect_no_grep "reinstall: not 101" "installation 101" "$TEST_TMP/re-status.out"
run_jwtcred re4 token --profile acmewrite --refresh
check "reinstall: 111 grants less than acmewrite asks: fails" test "$RC" -ne 0
expect_grep "reinstall: the error names installation 111" "for installation 111 \(of 'acme'\).*HTTP 422" "$TEST_TMP/re4.err"
expect_no_grep "reinstall: the error does not name 101" "installation 101" "$TEST_TMP/re4.err"
gh_install 101

# Refresh ahead: an owner's entry is refreshed in the background for that owner, with the
# installation it remembers (no lookup).  Tokens of 12 s, refresh_ahead 6 and
# refresh_margin 1 (whole seconds): due 6 or 7 s after the mint, served until 11 or 12 s.
GH_TOKEN_SECONDS=12 gh_install 101
server_reset
wait_tokens() { # up to 5 s, until the server has issued $1 tokens
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(server_stats github_tokens)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
ahead_fill() {
	printf 'url=%s\n\n' "$SERVER_URL/git/$1.git" |
		git -c "credential.$SERVER_URL.helper=" -c "credential.$SERVER_URL.helper=jwtcred --profile ahead" \
			credential fill >"$2" 2>"$2.err"
}
ahead_fill bolt-labs/bolts ahead1.out
ahead_fill acme/widgets ahead2.out
expect_eq "ahead: two owners, two lookups, two tokens" "2 2" \
	"$(server_stats github_lookups) $(server_stats github_tokens)"
sleep 8
ahead_fill bolt-labs/bolts ahead3.out
check "ahead: past the refresh point, bolt-labs is served its cached token" \
	test "$(grep '^password=' ahead1.out)" = "$(grep '^password=' ahead3.out)"
# the fill answered before the refresh's request: it comes after, from the detached process
check "ahead: a background refresh asks for a token" wait_tokens 3
new_token() { # up to 2 s (its cache write follows its request), until a fill serves another token
	local i
	for ((i = 0; i < 20; i++)); do
		ahead_fill bolt-labs/bolts ahead4.out
		[ "$(grep '^password=' ahead4.out)" != "$(grep '^password=' ahead1.out)" ] && return 0
		sleep 0.1
	done
	return 1
}
check "ahead: the next fill gets bolt-labs's new token" new_token
expect_eq "ahead: one more token, no lookup (the remembered installation)" "2 3" \
	"$(server_stats github_lookups) $(server_stats github_tokens)"
expect_eq "ahead: the refresh asked for bolt-labs's installation (202)" \
	"/api/v3/app/installations/202/access_tokens" "$(server_history 'h[-1]["path"]')"
GH_TOKEN_SECONDS=3600 gh_install 101

# timeout is the whole mint: three requests of 0.9 s each do not fit in 2 s (each alone would).
server_mode '{"delay_ms": 900}'
t0=$(date +%s%N)
run_jwtcred slow token --profile slow
t1=$(date +%s%N)
server_mode '{}'
check "timeout 2 for three slow requests: fails" test "$RC" -ne 0
expect_grep "timeout 2 for three slow requests: says timeout" "within 2s \(timeout\)" "$TEST_TMP/slow.err"
expect_eq "timeout 2 for three slow requests: over within the timeout (and 1 s)" true \
	"$([ $(( (t1 - t0) / 1000000 )) -lt 3000 ] && echo true || echo false)"
run_jwtcred slow-ok token --profile slow
expect_eq "the same without the delay: token" 0 "$RC" || show "$TEST_TMP/slow-ok.err"

# jwtcred check: the key, and online one mint.
run_jwtcred check check --profile byid --online
expect_eq "check --online: passes" 0 "$RC" || show "$TEST_TMP/check.out"
expect_grep "check: the key is RSA and fits RS256" "RSA.*fits RS256" "$TEST_TMP/check.out"

finish
