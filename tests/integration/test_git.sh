#!/bin/bash
# Real git end to end: clone, fetch and push over HTTPS with only jwtcred
# configured; a revoked token is erased and the next command mints anew;
# git credential fill; the Bearer (capability[]=authtype) protocol by hand.
. "${srcdir:-.}/tests/integration/lib.sh"
command -v git >/dev/null || skip "git is not installed"

start_server
git_repo_make "$SERVER_GIT_ROOT" repo.git || { echo "FAIL: cannot make the test repository"; exit 1; }
write_config "urls = [ \"$SERVER_URL/git\" ];"
REPO_URL=$SERVER_URL/git/repo.git

git config --global http.sslCAInfo "$PKI/ca.crt"
git config --global credential.useHttpPath true
# an empty helper first: no other helper may store the token
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcred
git config --global init.defaultBranch main

cd "$TEST_TMP" || exit 1
git clone -q "$REPO_URL" clone >git-clone.log 2>&1
expect_eq "clone: exit 0" 0 "$?" || show git-clone.log
check "clone: the repository's file is there" test -f clone/README
expect_eq "clone: one token request" 1 "$(server_stats token_requests)"

git -C clone fetch -q >git-fetch.log 2>&1
expect_eq "fetch: exit 0" 0 "$?"
echo change >>clone/README
git -C clone commit -qam "a change" && git -C clone push -q origin main >git-push.log 2>&1
expect_eq "push: exit 0" 0 "$?"
expect_eq "push: arrived in the server's repository" \
	"$(git -C clone rev-parse HEAD)" "$(git --git-dir="$SERVER_GIT_ROOT/repo.git" rev-parse main)"
expect_eq "fetch and push: still one token request" 1 "$(server_stats token_requests)"
check "cache: one entry file" test "$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' | wc -l)" -eq 1

# Revocation: the next command fails, git erases the entry, the one after
# mints a new token and succeeds.
server_revoke_all
git -C clone fetch -q >git-fetch2.log 2>&1
check "after revocation: fetch fails" test $? -ne 0
check "after revocation: git's erase dropped the entry" \
	test "$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' | wc -l)" -eq 0
git -C clone fetch -q >git-fetch3.log 2>&1
expect_eq "after erase: fetch succeeds" 0 "$?"
expect_eq "after erase: exactly one more token request" 2 "$(server_stats token_requests)"

# A helper string with arguments, as git documents it.
git config --global --unset-all "credential.$SERVER_URL.helper"
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" "jwtcred --profile prod"
git -C clone fetch -q >git-fetch4.log 2>&1
expect_eq "helper = \"jwtcred --profile prod\": fetch works" 0 "$?"
git config --global --unset-all "credential.$SERVER_URL.helper"
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" "jwtcred --profile nosuch"
git -C clone fetch -q >git-fetch5.log 2>&1
check "helper for an unknown profile: fetch fails" test $? -ne 0
expect_grep "helper for an unknown profile: git shows jwtcred's reason" "no profile 'nosuch'" git-fetch5.log
git config --global --unset-all "credential.$SERVER_URL.helper"
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcred

# git credential fill
printf 'url=%s\n\n' "$REPO_URL" | git credential fill >fill.out 2>fill.err
expect_eq "credential fill: exit 0" 0 "$?"
expect_grep "credential fill: username is the profile's subject" '^username=alice@example.com$' fill.out
expect_grep "credential fill: password is a token" '^password=00D[A-Za-z0-9]+!' fill.out
printf 'url=https://elsewhere.example/git/repo.git\n\n' | git credential fill >fill2.out 2>fill2.err
check "credential fill for an unlisted host: git gets nothing" test ! -s fill2.out

# The Bearer path (git >= 2.46 asks with capability[]=authtype), by hand.
printf 'capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=localhost:%s\npath=git/repo.git\n\n' "$SERVER_PORT" |
	git-credential-jwtcred get >bearer.out 2>bearer.err
expect_eq "bearer get: exit 0" 0 "$?"
expect_eq "bearer get: the answer's keys, in order" \
	"capability[] authtype credential ephemeral password_expiry_utc capability[] state[]" \
	"$(cut -d= -f1 bearer.out | tr '\n' ' ' | sed 's/ $//')"
expect_grep "bearer get: authtype=Bearer" '^authtype=Bearer$' bearer.out
expect_grep "bearer get: ephemeral" '^ephemeral=1$' bearer.out
expect_grep "bearer get: state names the entry, not the token" '^state\[\]=jwtcred\.entry=[0-9a-f]{16}$' bearer.out
BEARER=$(sed -n 's/^credential=//p' bearer.out)
curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -K - \
	"$REPO_URL/info/refs?service=git-upload-pack" >bearer.status \
	< <(printf 'header = "Authorization: Bearer %s"\n' "$BEARER")
expect_eq "bearer credential: the git server accepts it" 200 "$(cat bearer.status)"
EXPIRY=$(sed -n 's/^password_expiry_utc=//p' bearer.out)
now=$(date +%s)
check "password_expiry_utc: about token_lifetime - refresh_margin ahead" \
	test "$EXPIRY" -gt $((now + 700)) -a "$EXPIRY" -le $((now + 840))

# erase with a token that is not the cached one leaves the entry alone
printf 'protocol=https\nhost=localhost:%s\npath=git/repo.git\npassword=00Dnot!thecachedtoken\n\n' "$SERVER_PORT" |
	git-credential-jwtcred erase
check "erase with another token: entry kept" \
	test "$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' | wc -l)" -eq 1
printf 'capability[]=authtype\nprotocol=https\nhost=localhost:%s\npath=git/repo.git\nauthtype=Bearer\ncredential=%s\n\n' "$SERVER_PORT" "$BEARER" |
	git-credential-jwtcred erase
check "erase with the cached Bearer credential: entry dropped" \
	test "$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????' | wc -l)" -eq 0

# store changes nothing and prints nothing
printf 'protocol=https\nhost=localhost:%s\nusername=x\npassword=y\n\n' "$SERVER_PORT" |
	git-credential-jwtcred store >store.out
check "store: no output" test ! -s store.out

finish
