#!/bin/bash
# One bad profile does not disable the others: with profile "good" and a
# profile "bad" that has a mistake inside its group, real git clones with
# good's token; a request that bad's urls cover gets bad's error (and no
# token of good's, whose urls are less specific); `jwtcred -p bad` and
# `jwtcred check` say bad's error; a URL no profile allows names the broken
# profiles under -v.
. "${srcdir:-.}/tests/integration/lib.sh"
command -v git >/dev/null || skip "git is not installed"

start_server
git_repo_make "$SERVER_GIT_ROOT" repo.git || { echo "FAIL: cannot make the test repository"; exit 1; }

# profile NAME LINES...: one profile of the test server's, with LINES added
profile() {
	local name=$1
	shift
	printf '  %s = {\n' "$name"
	printf '    %s\n' "client_id = \"$SERVER_CLIENT_ID\";" 'username = "alice@example.com";' \
		"login_url = \"$SERVER_URL\";" 'audience = "https://login.salesforce.com";' \
		"private_key = \"$KEYS/client.key\";" "ca_file = \"$PKI/ca.crt\";" 'timeout = 10;' "$@"
	printf '  };\n'
}
{
	echo 'profiles = {'
	profile good "urls = [ \"$SERVER_URL/git\" ];"
	# line 12: bad starts; 20: its urls (read all the same); 21: its mistake
	profile bad "urls = [ \"$SERVER_URL/git/team\" ];" 'frobnicate = 1;'
	# unread: its urls cannot be read (not even a list), so nothing matches it
	profile unread 'urls = "http://unread.example.com";'
	echo '};'
} >"$JWTCRED_CONFIG"
# (a pattern for expect_grep, and the start of the exact line)
BAD_ERROR="'$JWTCRED_CONFIG':21: unknown setting 'frobnicate' in profile 'bad'"

git config --global http.sslCAInfo "$PKI/ca.crt"
git config --global credential.useHttpPath true
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcred
cd "$TEST_TMP" || exit 1

# --- the good profile is served ------------------------------------------------------
git clone -q "$SERVER_URL/git/repo.git" clone >git-clone.log 2>&1
expect_eq "good: git clone works beside a broken profile" 0 "$?" || show git-clone.log
check "good: the repository's file is there" test -f clone/README
expect_no_grep "good: no word of bad's error" "frobnicate" git-clone.log

# --- a request bad's urls cover: bad's error, never good's token -----------------------
printf 'url=%s/git/team/repo.git\n\n' "$SERVER_URL" | git credential fill >fill.out 2>fill.err
check "bad's URL: git credential fill fails" test $? -ne 0
check "bad's URL: no password reaches git" test ! -s fill.out
expect_grep "bad's URL: git shows bad's error, with its file and line" "$BAD_ERROR" fill.err
expect_eq "one token request in all (good's clone)" 1 "$(server_stats token_requests)"

# --- by name --------------------------------------------------------------------------
run_jwtcred bad-token -p bad token
check "token -p bad: fails" test "$RC" -ne 0
expect_eq "token -p bad: exactly bad's error" "jwtcred: $BAD_ERROR (see jwtcred.conf(5))" \
	"$(cat "$TEST_TMP/bad-token.err")"
check "token -p bad: prints no token" test ! -s "$TEST_TMP/bad-token.out"
run_jwtcred good-token -p good token
expect_eq "token -p good: exit 0" 0 "$RC" || show "$TEST_TMP/good-token.err"
expect_grep "token -p good: a token" '^00D' "$TEST_TMP/good-token.out"
run_jwtcred none-token token
check "token without -p: fails (three profiles)" test "$RC" -ne 0
expect_grep "token without -p: names the broken ones" "known: good, bad \(broken\), unread \(broken\)" \
	"$TEST_TMP/none-token.err"

# --- check: bad's error, and good is still checked --------------------------------------
run_jwtcred check check
check "check: fails" test "$RC" -ne 0
expect_grep "check: counts the broken profiles" "3 profiles, 2 broken" "$TEST_TMP/check.out"
expect_grep "check: says bad's error" "^jwtcred: $BAD_ERROR" "$TEST_TMP/check.err"
expect_grep "check: says unread cannot be matched" \
	"^jwtcred: profile 'unread': its urls could not be read" "$TEST_TMP/check.err"
expect_grep "check: good is checked all the same" "good" "$TEST_TMP/check.out"
run_jwtcred check-bad -p bad check
check "check -p bad: fails" test "$RC" -ne 0
expect_grep "check -p bad: says bad's error" "$BAD_ERROR" "$TEST_TMP/check-bad.err"

# --- a URL no profile allows: the broken ones are named under -v -------------------------
printf 'protocol=https\nhost=elsewhere.example\n\n' >"$TEST_TMP/elsewhere"
RC=0
"$JWTCRED" -v get <"$TEST_TMP/elsewhere" >"$TEST_TMP/elsewhere.out" 2>"$TEST_TMP/elsewhere.err" || RC=$?
expect_eq "unlisted host: git gets nothing (exit 0)" 0 "$RC"
check "unlisted host: no output" test ! -s "$TEST_TMP/elsewhere.out"
expect_grep "unlisted host, -v: names the broken profiles" \
	"no profile allows this URL; broken, so not considered: 'bad', 'unread' \(its urls could not be read\)" \
	"$TEST_TMP/elsewhere.err"
"$JWTCRED" get <"$TEST_TMP/elsewhere" >"$TEST_TMP/quiet.out" 2>"$TEST_TMP/quiet.err"
check "unlisted host, without -v: silent" test ! -s "$TEST_TMP/quiet.err"

# --- a broken profile with one urls entry that does not parse: the others still
# shadow, and that one by its host (here a public-suffix wildcard, refused)
{
	echo 'profiles = {'
	profile good2 "urls = [ \"$SERVER_URL/git\" ];"
	profile team2 "urls = [ \"$SERVER_URL/git/team2\", \"https://*.com/x\" ];"
	profile lenient "urls = [ \"https://lenient.example.org/only\", \"http://Other.Example.ORG:80/x\" ];" 'frobnicate = 1;'
	profile fallback 'urls = [ "https://other.example.org" ];'
	echo '};'
} >"$TEST_TMP/lenient.conf"
printf 'protocol=https\nhost=%s\npath=git/team2/repo.git\n\n' "${SERVER_URL#https://}" |
	JWTCRED_CONFIG=$TEST_TMP/lenient.conf "$JWTCRED" get >"$TEST_TMP/team2.out" 2>"$TEST_TMP/team2.err"
check "one bad urls entry: its good entry still shadows (no password)" test ! -s "$TEST_TMP/team2.out"
expect_grep "one bad urls entry: the broken profile's error" "profile 'team2'" "$TEST_TMP/team2.err"
printf 'protocol=https\nhost=other.example.org\npath=x\n\n' |
	JWTCRED_CONFIG=$TEST_TMP/lenient.conf "$JWTCRED" get >"$TEST_TMP/lenient.out" 2>"$TEST_TMP/lenient.err"
check "an entry read by host alone: no other profile's token on that host" test ! -s "$TEST_TMP/lenient.out"
expect_grep "an entry read by host alone: the broken profile's error" "profile 'lenient'" \
	"$TEST_TMP/lenient.err"

# --- Go without a URL: a whole host whose part a broken profile claims is not given -----
# (Go keeps a prefix's header for every path, port and subdomain under it)
{
	echo 'profiles = {'
	profile whole 'urls = [ "https://git.example.test", "https://other.example.test" ];'
	profile teamb 'urls = [ "https://sub.git.example.test/team" ];' 'frobnicate = 1;'
	echo '};'
} >"$TEST_TMP/goauth.conf"
run_jwtcred goauth-all -v -c "$TEST_TMP/goauth.conf" goauth
expect_eq "goauth: exit 0" 0 "$RC" || show "$TEST_TMP/goauth-all.err"
expect_grep "goauth: the host no broken profile claims is given" '^https://other\.example\.test$' \
	"$TEST_TMP/goauth-all.out"
expect_no_grep "goauth: not the host under which the broken profile has urls" 'git\.example\.test' \
	"$TEST_TMP/goauth-all.out"
expect_grep "goauth, -v: says why" "skipped: broken profile 'teamb' has urls on that host" \
	"$TEST_TMP/goauth-all.err"

# --- terraform and docker answer for a whole host: not one a broken profile has urls on ---
{
	echo 'profiles = {'
	profile hostwide 'urls = [ "https://reg.example.test", "https://free.example.test" ];' 'docker_username = "robot";'
	profile teamr 'urls = [ "https://reg.example.test/team" ];' 'frobnicate = 1;'
	echo '};'
} >"$TEST_TMP/host.conf"
run_jwtcred tf-shadowed -v -c "$TEST_TMP/host.conf" terraform get reg.example.test
expect_no_grep "terraform: no token for a host a broken profile has urls on" token "$TEST_TMP/tf-shadowed.out"
expect_grep "terraform, -v: says why" "broken profile 'teamr' has urls on that host" "$TEST_TMP/tf-shadowed.err"
run_jwtcred tf-free -c "$TEST_TMP/host.conf" terraform get free.example.test
expect_grep "terraform: the other host is answered" '"token":' "$TEST_TMP/tf-free.out"
ln -sf "$JWTCRED" "$TEST_TMP/bin/docker-credential-jwtcred"
dget() { # dget NAME SERVER [-v]
	RC=0
	printf '%s' "$2" | JWTCRED_CONFIG=$TEST_TMP/host.conf docker-credential-jwtcred ${3:-} get \
		>"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" || RC=$?
}
dget dk-shadowed reg.example.test -v
check "docker: a host-only registry a broken profile has urls on: not found" test "$RC" -ne 0
expect_no_grep "docker: no secret for it" '"Secret"' "$TEST_TMP/dk-shadowed.out"
expect_grep "docker, -v: says why" "broken profile 'teamr' has urls on that host" "$TEST_TMP/dk-shadowed.err"
dget dk-free free.example.test
expect_grep "docker: the other host gets its secret" '"Secret":"00D' "$TEST_TMP/dk-free.out"

# --- jwtcred curl with several URLs: each picks its profile, all must pick the same ---
export CURL_CA_BUNDLE=$PKI/ca.crt
run_jwtcred curl-bad curl -- -s "$SERVER_URL/git/repo.git/info/refs" "$SERVER_URL/git/team/repo.git/info/refs"
check "curl: a second URL bad covers: refused" test "$RC" -ne 0
expect_grep "curl: says bad's error" "$BAD_ERROR" "$TEST_TMP/curl-bad.err"
check "curl: curl did not run" test ! -s "$TEST_TMP/curl-bad.out"
{
	echo 'profiles = {'
	profile wide "urls = [ \"$SERVER_URL/services\" ];"
	profile narrow "urls = [ \"$SERVER_URL/services/data\" ];"
	echo '};'
} >"$TEST_TMP/curl.conf"
run_jwtcred curl-two -c "$TEST_TMP/curl.conf" curl -- -s "$SERVER_URL/services/x" "$SERVER_URL/services/data/"
check "curl: a second URL of a more specific good profile: refused" test "$RC" -ne 0
expect_grep "curl: names both profiles" "is for profile 'wide', but .* is for profile 'narrow'" "$TEST_TMP/curl-two.err"
check "curl: curl did not run" test ! -s "$TEST_TMP/curl-two.out"
run_jwtcred curl-one -c "$TEST_TMP/curl.conf" curl -- -s "$SERVER_URL/services/data/" "$SERVER_URL/services/data/"
expect_eq "curl: URLs of one profile: exit 0" 0 "$RC" || show "$TEST_TMP/curl-one.err"

finish
