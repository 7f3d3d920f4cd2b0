#!/bin/bash
# Refresh ahead of expiry, end to end against the real endpoint and git:
# a hit past the refresh point answers at once, however slow the endpoint,
# and one detached process mints the next token, which the next call uses;
# no front (git, token, exec) waits for that process's descriptors; with
# the endpoint down, hits are served until the margin and then the normal
# mint path reports the error.  JWTCRED_NOW moves the cache's clock (the
# detached process inherits it).
. "${srcdir:-.}/tests/integration/lib.sh"
command -v git >/dev/null || skip "git is not installed"

start_server
git_repo_make "$SERVER_GIT_ROOT" repo.git || { echo "FAIL: cannot make the test repository"; exit 1; }
# token_lifetime 900, refresh_margin 60: the refresh point is 675 s after issue
write_config "urls = [ \"$SERVER_URL/git\" ];"
REPO_URL=$SERVER_URL/git/repo.git
git config --global http.sslCAInfo "$PKI/ca.crt"
git config --global credential.useHttpPath true
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcred
cd "$TEST_TMP" || exit 1

ms() { echo $(($(date +%s%N) / 1000000)); }

# the token the cache serves at JWTCRED_NOW=$1, in file $2
token_at() { JWTCRED_NOW=$1 "$JWTCRED" token >"$2" 2>>token_at.err; }

# wait_for_token NOW OLDFILE: up to 15 s, until the cache serves another token than OLDFILE's
# (asked 100 s before NOW, when the old token is not due: asking starts no refresh itself)
wait_for_token() {
	local i
	for ((i = 0; i < 150; i++)); do
		token_at $(($1 - 100)) now.tok && ! cmp -s now.tok "$2" && return 0
		sleep 0.1
	done
	return 1
}

T=$(date +%s)
JWTCRED_NOW=$T git clone -q "$REPO_URL" clone >clone.log 2>&1
expect_eq "clone: exit 0" 0 "$?" || show clone.log
token_at "$T" a.tok
expect_eq "clone: one token request" 1 "$(server_stats token_requests)"

# --- before the refresh point: a plain hit ---------------------------------------------
t0=$(ms)
JWTCRED_NOW=$((T + 674)) git -C clone fetch -q >fetch1.log 2>&1
rc=$? hit_ms=$(($(ms) - t0))
expect_eq "before the refresh point: fetch works" 0 "$rc"
sleep 0.5
expect_eq "before the refresh point: no token request" 1 "$(server_stats token_requests)"
JWTCRED_NOW=$((T + 674)) run_jwtcred status status
expect_grep "status: when the entry will be refreshed" \
	"^prod +alice@example.com +[-0-9T:Z]+ +[-0-9T:Z]+ +$(date -u -d "@$((T + 675))" +%Y-%m-%dT%H:%M:%SZ) +- +" status.out

# --- past it, the endpoint slow: git does not wait for the refresh ------------------------
server_mode '{"delay_ms": 2000}'
t0=$(ms)
JWTCRED_NOW=$((T + 700)) git -C clone fetch -q >fetch2.log 2>&1
rc=$? due_ms=$(($(ms) - t0))
expect_eq "past the refresh point: fetch works" 0 "$rc" || show fetch2.log
echo "# plain hit fetch ${hit_ms} ms, fetch that starts a refresh ${due_ms} ms (endpoint delay 2000 ms)"
check "past the refresh point: git did not wait for the 2 s mint (${due_ms} ms)" test "$due_ms" -lt 1200
check "past the refresh point: as fast as a plain hit (${due_ms} ms against ${hit_ms} ms)" \
	test "$due_ms" -lt $((hit_ms + 700))
check "the background refresh lands" wait_for_token $((T + 700)) a.tok
cp now.tok b.tok
expect_eq "one refresh: exactly one more token request" 2 "$(server_stats token_requests)"
JWTCRED_NOW=$((T + 700)) run_jwtcred status2 status
expect_grep "status: the last refresh and when the next one is" \
	"$(date -u -d "@$((T + 700 + 675))" +%Y-%m-%dT%H:%M:%SZ) +$(date -u -d "@$((T + 700))" +%Y-%m-%dT%H:%M:%SZ) ok " status2.out

# the old token revoked: the next fetch can only work with the new one
server_mode '{}'
printf 'token=%s' "$(cat a.tok)" >revoke.form
curl -sS -f --cacert "$PKI/ca.crt" --data-binary @revoke.form "$SERVER_URL/services/oauth2/revoke" >/dev/null
expect_eq "old token revoked" 0 "$?"
JWTCRED_NOW=$((T + 700)) git -C clone fetch -q >fetch3.log 2>&1
expect_eq "the next fetch uses the new token" 0 "$?" || show fetch3.log
expect_eq "the next fetch: no token request" 2 "$(server_stats token_requests)"

# --- the token and exec fronts: a command substitution waits for no refresh ---------------
server_mode '{"delay_ms": 2000}'
t0=$(ms)
out=$(JWTCRED_NOW=$((T + 700 + 700)) "$JWTCRED" token 2>token.err)
took=$(($(ms) - t0))
expect_eq "token, past the refresh point: the cached token" "$(cat b.tok)" "$out"
check "token: \$(...) did not wait for the refresh (${took} ms)" test "$took" -lt 1200
check "token: its refresh lands" wait_for_token $((T + 1400)) b.tok
cp now.tok c.tok
t0=$(ms)
out=$(JWTCRED_NOW=$((T + 1400 + 700)) "$JWTCRED" exec -- printenv JWTCRED_ACCESS_TOKEN 2>exec.err)
took=$(($(ms) - t0))
expect_eq "exec, past the refresh point: the command got the cached token" "$(cat c.tok)" "$out"
check "exec: \$(...) did not wait for the refresh (${took} ms)" test "$took" -lt 1200
check "exec: its refresh lands" wait_for_token $((T + 2100)) c.tok
cp now.tok d.tok
expect_eq "three refreshes: three more token requests" 4 "$(server_stats token_requests)"

# kubectl, docker and curl: each answers at once with the cached token, and its refresh lands
ln -s "$JWTCRED" "$TEST_TMP/bin/docker-credential-jwtcred"
printf '%s/git' "$SERVER_URL" >docker.in
N=$((T + 2100)) prev=d.tok
for front in kubectl docker curl; do
	t0=$(ms)
	case $front in
	kubectl) out=$(JWTCRED_NOW=$((N + 700)) "$JWTCRED" kubectl 2>front.err) ;;
	docker) out=$(JWTCRED_NOW=$((N + 700)) docker-credential-jwtcred get <docker.in 2>front.err) ;;
	curl) out=$(JWTCRED_NOW=$((N + 700)) CURL_CA_BUNDLE=$PKI/ca.crt "$JWTCRED" curl -- -sS -f -o /dev/null -w '%{http_code}' \
		"$REPO_URL/info/refs?service=git-upload-pack" 2>front.err) ;;
	esac
	took=$(($(ms) - t0))
	case $front in
	curl) expect_eq "curl, past the refresh point: the request worked" 200 "$out" || show front.err ;;
	*) check "$front, past the refresh point: answers with the cached token" \
		grep -qF "\"$(cat "$prev")\"" <<<"$out" ;;
	esac
	check "$front: \$(...) did not wait for the refresh (${took} ms)" test "$took" -lt 1200
	check "$front: its refresh lands" wait_for_token $((N + 700)) "$prev"
	N=$((N + 700)) prev=$front.tok
	cp now.tok "$prev"
done
expect_eq "six refreshes: six more token requests" 7 "$(server_stats token_requests)"
cp "$prev" d.tok
server_mode '{}'

# --- the endpoint down: hits until the margin, then the mint path's error -----------------
PORT=$SERVER_PORT
server_stop
# d.tok was issued at N: due at N + 675, stale at N + 840
JWTCRED_NOW=$((N + 700)) run_jwtcred down1 -v token
expect_eq "endpoint down, past the refresh point: served" "$(cat d.tok)" "$(cat down1.out)"
expect_grep "-v: served from cache; refreshing in the background" \
	'served from cache; refreshing in the background' down1.err
failed=no
for ((i = 0; i < 150; i++)); do
	JWTCRED_NOW=$((N + 700)) run_jwtcred status3 status
	if grep -Eq ' failed +[0-9]+m' status3.out; then failed=yes; break; fi
	sleep 0.1
done
expect_eq "endpoint down: status says the refresh failed" yes "$failed" || show status3.out
JWTCRED_NOW=$((N + 730)) run_jwtcred down2 -v token
expect_eq "endpoint down, after the failed refresh: still served" "$(cat d.tok)" "$(cat down2.out)"
expect_grep "-v: the failure, and when the next try is" \
	"the background refresh of .* failed \(.*\): next try after $(date -u -d "@$((N + 760))" +%Y-%m-%dT%H:%M:%SZ)" down2.err
printf 'protocol=https\nhost=localhost:%s\npath=git/repo.git\n\n' "$PORT" >get.in
JWTCRED_NOW=$((N + 839)) "$JWTCRED" get <get.in >down3.out 2>down3.err
expect_eq "endpoint down, just outside the margin: git still served" "password=$(cat d.tok)" \
	"$(grep '^password=' down3.out)"
JWTCRED_NOW=$((N + 840)) run_jwtcred down4 token
expect_eq "endpoint down, at the margin: the mint fails" 1 "$RC"
expect_grep "endpoint down, at the margin: the mint path's error" 'cannot|connect|reach' down4.err
check "endpoint down, at the margin: nothing on stdout" test ! -s down4.out
expect_eq "endpoint down: the cache still holds the old entry" "$(cat d.tok)" \
	"$(JWTCRED_NOW=$((N + 700)) "$JWTCRED" token 2>/dev/null)"

finish
