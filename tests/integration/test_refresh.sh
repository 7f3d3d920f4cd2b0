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


# the token the cache serves at JWTCRED_NOW=$1, in file $2
token_at() { JWTCRED_NOW=$1 "$JWTCRED" token >"$2" 2>>token_at.err; }

# wait_until SECONDS CMD...: true as soon as CMD is, polled every 0.1 s for up to SECONDS
# (the caps are generous, for a nice-10 worker on a loaded machine: a pass costs nothing)
wait_until() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
held_is() { [ "$(server_stats held)" = "$1" ]; }

# wait_for_token NOW OLDFILE: up to 60 s, until the cache serves another token than OLDFILE's
# (asked 100 s before NOW, when the old token is not due: asking starts no refresh itself)
new_token() { token_at $(($1 - 100)) now.tok && ! cmp -s now.tok "$2"; }
wait_for_token() { wait_until 60 new_token "$1" "$2"; }

# refresh_finished STARTED: the entry's refresh record shows a refresh started at
# STARTED (a JWTCRED_NOW) that has finished (the worker is done with the cache)
refresh_finished() {
	/usr/bin/python3 - "$JWTCRED_CACHE_DIR" "$1" <<'PY'
import glob, json, sys
for f in glob.glob(sys.argv[1] + '/*.refresh'):
    try:
        r = json.load(open(f))
    except (OSError, ValueError):
        continue
    if r.get('started') == int(sys.argv[2]) and r.get('finished'):
        sys.exit(0)
sys.exit(1)
PY
}

# held_front NAME CMD...: run CMD as $(...) runs it (its stdout read through a pipe; for a
# NAME ending in "-2", with 2>&1, as Go's cmd.Output() reads docker's stderr: stderr
# through the same pipe), in the background, stdin from $HELD_IN (default /dev/null), while
# the token endpoint holds every token request.  Checks that CMD finished while held: it
# waited neither for the refresh's mint nor for a descriptor the worker kept; then that
# the refresh's request reached the endpoint, and releases it.  Leaves NAME.out
# (and NAME.err) and NAME.rc.
held_front() {
	local name=$1 before
	shift
	before=$(server_stats token_requests)
	rm -f "$name.rc" "$name.out" "$name.err"
	server_mode '{"hold": true}'
	if [ "${name%-2}" != "$name" ]; then
		(
			out=$("$@" <"${HELD_IN:-/dev/null}" 2>&1)
			rc=$?
			printf '%s' "$out" >"$name.out"
			echo "$rc" >"$name.rc"
		) &
	else
		(
			out=$("$@" <"${HELD_IN:-/dev/null}" 2>"$name.err")
			rc=$?
			printf '%s' "$out" >"$name.out"
			echo "$rc" >"$name.rc"
		) &
	fi
	check "$name: answered while the token endpoint held every request" wait_until 30 test -e "$name.rc"
	check "$name: its refresh reached the endpoint (held there)" wait_until 60 held_is 1
	expect_eq "$name: one token request, the refresh's" $((before + 1)) "$(server_stats token_requests)"
	server_mode '{}'
	wait $!
	expect_eq "$name: exit 0" 0 "$(cat "$name.rc" 2>/dev/null)" || show "$name.err"
}

T=$(date +%s)
JWTCRED_NOW=$T git clone -q "$REPO_URL" clone >clone.log 2>&1
expect_eq "clone: exit 0" 0 "$?" || show clone.log
token_at "$T" a.tok
expect_eq "clone: one token request" 1 "$(server_stats token_requests)"

# --- before the refresh point: a plain hit ---------------------------------------------
JWTCRED_NOW=$((T + 674)) git -C clone fetch -q >fetch1.log 2>&1
expect_eq "before the refresh point: fetch works" 0 "$?" || show fetch1.log
# -v says when a hit starts a refresh (before it forks): a certain answer, where counting
# token requests a moment later is not (a wrongly started nice-10 worker may be late)
JWTCRED_NOW=$((T + 674)) run_jwtcred before -v token
expect_eq "before the refresh point: the cached token" "$(cat a.tok)" "$(cat before.out)"
expect_no_grep "before the refresh point: -v starts no refresh" 'refreshing in the background' before.err
JWTCRED_NOW=$((T + 674)) run_jwtcred status status
expect_grep "status: when the entry will be refreshed" \
	"^prod +alice@example.com +[-0-9T:Z]+ +[-0-9T:Z]+ +[-0-9T:Z]+ +$(date -u -d "@$((T + 675))" +%Y-%m-%dT%H:%M:%SZ) +- +" status.out

# --- past it, every token request held: git does not wait for the refresh -----------------
held_front fetch env JWTCRED_NOW=$((T + 700)) git -C clone fetch -q
check "the background refresh lands" wait_for_token $((T + 700)) a.tok
cp now.tok b.tok
expect_eq "one refresh: exactly one more token request" 2 "$(server_stats token_requests)"
JWTCRED_NOW=$((T + 700)) run_jwtcred status2 status
expect_grep "status: the last refresh and when the next one is" \
	"$(date -u -d "@$((T + 700 + 675))" +%Y-%m-%dT%H:%M:%SZ) +$(date -u -d "@$((T + 700))" +%Y-%m-%dT%H:%M:%SZ) ok " status2.out

# the old token revoked: the next fetch can only work with the new one
printf 'token=%s' "$(cat a.tok)" >revoke.form
curl -sS -f --cacert "$PKI/ca.crt" --data-binary @revoke.form "$SERVER_URL/services/oauth2/revoke" >/dev/null
expect_eq "old token revoked" 0 "$?"
JWTCRED_NOW=$((T + 700)) git -C clone fetch -q >fetch3.log 2>&1
expect_eq "the next fetch uses the new token" 0 "$?" || show fetch3.log
expect_eq "the next fetch: no token request" 2 "$(server_stats token_requests)"

# --- git with its stderr on a pipe, and the other fronts, each plain and with 2>&1 ----------
# each answers at once with the cached token (issued at N), and its refresh lands
ln -s "$JWTCRED" "$TEST_TMP/bin/docker-credential-jwtcred"
printf '%s/git' "$SERVER_URL" >docker.in
N=$((T + 700)) prev=b.tok
for front in fetch-2 token token-2 exec exec-2 kubectl kubectl-2 docker docker-2 curl curl-2; do
	at=$((N + 700)) v=()
	[ "$front" = token ] && v=(-v) # -v says when a hit starts a refresh
	case ${front%-2} in
	fetch) held_front "$front" env JWTCRED_NOW=$at git -C clone fetch -q ;;
	token) held_front "$front" env JWTCRED_NOW=$at "$JWTCRED" "${v[@]}" token ;;
	exec) held_front "$front" env JWTCRED_NOW=$at "$JWTCRED" exec -- printenv JWTCRED_ACCESS_TOKEN ;;
	kubectl) held_front "$front" env JWTCRED_NOW=$at "$JWTCRED" kubectl ;;
	docker) HELD_IN=docker.in held_front "$front" env JWTCRED_NOW=$at docker-credential-jwtcred get ;;
	curl) held_front "$front" env JWTCRED_NOW=$at CURL_CA_BUNDLE="$PKI/ca.crt" "$JWTCRED" curl -- \
		-sS -f -o /dev/null -w '%{http_code}' "$REPO_URL/info/refs?service=git-upload-pack" ;;
	esac
	case ${front%-2} in
	fetch) expect_eq "$front: git printed nothing" "" "$(cat "$front.out")" ;;
	token | exec) expect_eq "$front, past the refresh point: the cached token" "$(cat "$prev")" "$(cat "$front.out")" ;;
	curl) expect_eq "$front, past the refresh point: the request worked" 200 "$(cat "$front.out")" ;;
	*) check "$front, past the refresh point: answers with the cached token" \
		grep -qF -f "$prev" "$front.out" ;;
	esac
	[ "$front" = token ] && expect_grep "token -v, past the refresh point: starts a refresh" \
		"served from cache; refreshing in the background" token.err
	check "$front: its refresh lands" wait_for_token "$at" "$prev"
	N=$at prev=$front.tok
	cp now.tok "$prev"
done
expect_eq "twelve refreshes: twelve more token requests" 13 "$(server_stats token_requests)"
cp "$prev" d.tok

# --- the endpoint down: hits until the margin, then the mint path's error -----------------
PORT=$SERVER_PORT
server_stop
# d.tok was issued at N: due at N + 675, stale at N + 840
JWTCRED_NOW=$((N + 700)) run_jwtcred down1 -v token
expect_eq "endpoint down, past the refresh point: served" "$(cat d.tok)" "$(cat down1.out)"
expect_grep "-v: served from cache; refreshing in the background" \
	'served from cache; refreshing in the background' down1.err
status_failed() {
	JWTCRED_NOW=$((N + 700)) run_jwtcred status3 status
	grep -Eq ' failed +[0-9]+m' status3.out
}
check "endpoint down: status says the refresh failed" wait_until 60 status_failed || show status3.out
JWTCRED_NOW=$((N + 730)) run_jwtcred down2 -v token
expect_eq "endpoint down, after the failed refresh: still served" "$(cat d.tok)" "$(cat down2.out)"
expect_grep "-v: the failure, and when the next try is" \
	"the background refresh of .* failed \(.*\): next try after $(date -u -d "@$((N + 760))" +%Y-%m-%dT%H:%M:%SZ)" down2.err
printf 'protocol=https\nhost=localhost:%s\npath=git/repo.git\n\n' "$PORT" >get.in
JWTCRED_NOW=$((N + 839)) "$JWTCRED" get <get.in >down3.out 2>down3.err
expect_eq "endpoint down, just outside the margin: git still served" "password=$(cat d.tok)" \
	"$(grep '^password=' down3.out)"
# past the minute, that hit started another refresh: let it finish before the cache is read
check "endpoint down: the refresh the hit at N + 839 started finishes" \
	wait_until 60 refresh_finished $((N + 839))
JWTCRED_NOW=$((N + 840)) run_jwtcred down4 token
expect_eq "endpoint down, at the margin: the mint fails" 1 "$RC"
expect_grep "endpoint down, at the margin: the mint path's error" 'cannot|connect|reach' down4.err
check "endpoint down, at the margin: nothing on stdout" test ! -s down4.out
# (asked before the refresh point, so that asking starts no refresh)
expect_eq "endpoint down: the cache still holds the old entry" "$(cat d.tok)" \
	"$(JWTCRED_NOW=$((N + 100)) "$JWTCRED" token 2>/dev/null)"

finish
