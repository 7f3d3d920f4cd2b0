#!/bin/bash
# git >= 2.46 end to end with the Bearer credential protocol: git asks with
# capability[]=authtype, jwtcred answers authtype=Bearer and credential=TOKEN
# (no password), and git sends "Authorization: Bearer" to the token server's
# git endpoint.  Runs with the git on PATH when it is new enough, else skips:
# Debian 12 ships git 2.39, bookworm-backports has no git, and trixie's
# (2.47) needs glibc 2.38, so no newer git can be had without changing the
# system.
. "${srcdir:-.}/tests/integration/lib.sh"
command -v git >/dev/null || skip "git is not installed"

version=$(git --version | sed -n 's/^git version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
read -r major minor <<<"$version"
if [ -z "$version" ] || [ "$major" -lt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -lt 46 ]; }; then
	skip "$(git --version) is older than 2.46, the first git with capability[]=authtype"
fi

start_server
git_repo_make "$SERVER_GIT_ROOT" repo.git || { echo "FAIL: cannot make the test repository"; exit 1; }
write_config "urls = [ \"$SERVER_URL/git\" ];"
REPO_URL=$SERVER_URL/git/repo.git

# a helper in front of jwtcred records what git asked and what jwtcred answered
cat >"$TEST_TMP/bin/git-credential-jwtcredrec" <<SH
#!/bin/bash
tee -a "$TEST_TMP/helper.in" | "$JWTCRED" "\$@" | tee -a "$TEST_TMP/helper.out"
SH
chmod +x "$TEST_TMP/bin/git-credential-jwtcredrec"

git config --global http.sslCAInfo "$PKI/ca.crt"
git config --global credential.useHttpPath true
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcredrec
git config --global init.defaultBranch main

cd "$TEST_TMP" || exit 1
: >helper.in
: >helper.out
# GIT_TRACE_CURL keeps the scheme of an Authorization header and redacts the rest
GIT_TRACE_CURL=$TEST_TMP/curl.trace git clone -q "$REPO_URL" clone >git-clone.log 2>&1
expect_eq "clone: exit 0" 0 "$?" || show git-clone.log
check "clone: the repository's file is there" test -f clone/README
expect_grep "git asked with capability[]=authtype" '^capability\[\]=authtype$' helper.in
expect_grep "jwtcred answered authtype=Bearer" '^authtype=Bearer$' helper.out
expect_grep "jwtcred answered the token as credential=" '^credential=.+' helper.out
expect_grep "jwtcred marked it ephemeral" '^ephemeral=1$' helper.out
expect_no_grep "jwtcred sent no password" '^password=' helper.out
expect_grep "git sent Authorization: Bearer" 'Authorization: Bearer <redacted>' curl.trace
expect_no_grep "git sent no Basic credentials" 'Authorization: Basic' curl.trace
expect_eq "one token request" 1 "$(server_stats token_requests)"
expect_eq "no credential the git endpoint refused" 0 "$(server_stats git_auth_failures)"

git -C clone fetch -q >git-fetch.log 2>&1
expect_eq "fetch: exit 0" 0 "$?"
expect_eq "fetch: still one token request" 1 "$(server_stats token_requests)"

TOKEN=$(sed -n 's/^credential=//p' helper.out | head -1)
check "the token was recorded" test -n "$TOKEN"
for f in git-clone.log git-fetch.log curl.trace; do
	expect_no_grep "no token in $f" "${TOKEN:-no token recorded}|gen\.[A-Za-z0-9_-]{16,}|00D[A-Za-z0-9]+![A-Za-z0-9._-]{16,}" "$f"
done
finish
