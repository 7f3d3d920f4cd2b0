#!/bin/bash
# tests/integration/test_cargo.sh: jwtcred as cargo's credential provider.
#
# The protocol line by line (jwtcred --cargo-plugin fed directly), then real
# cargo against a loopback sparse registry that requires auth
# (tests/server/cargo_registry.py, which asks the token endpoint's
# protected resource whether a token is valid): the fetch works, a second
# cargo run is served from jwtcred's cache, an index no profile allows gets
# url-not-supported, and where the token goes when the registry's
# config.json names a download host of its own.

# Find cargo before lib.sh points HOME at the test's directory: rustup's
# proxy needs the real RUSTUP_HOME.  We run the toolchain's cargo itself
# (rustup which), with its rustc first on PATH, so no rustup setting matters.
CARGO_FOUND=${CARGO:-$(command -v cargo 2>/dev/null || true)}
[ -n "$CARGO_FOUND" ] || { [ -x "${HOME:-/nonexistent}/.cargo/bin/cargo" ] && CARGO_FOUND=$HOME/.cargo/bin/cargo; }
REAL_RUSTUP_HOME=${RUSTUP_HOME:-${HOME:-/nonexistent}/.rustup}
REAL_CARGO=
if [ -n "$CARGO_FOUND" ]; then
	RUSTUP=$(dirname "$CARGO_FOUND")/rustup
	if [ -x "$RUSTUP" ]; then
		REAL_CARGO=$(RUSTUP_HOME=$REAL_RUSTUP_HOME "$RUSTUP" which cargo 2>/dev/null || true)
	fi
	[ -n "$REAL_CARGO" ] || REAL_CARGO=$CARGO_FOUND
fi

. "${srcdir:-.}/tests/integration/lib.sh"

[ -n "$REAL_CARGO" ] && [ -x "$REAL_CARGO" ] || skip "cargo is not installed"
export PATH=$(dirname "$REAL_CARGO"):$PATH
unset RUSTUP_TOOLCHAIN CARGO CARGO_REGISTRIES_CRATES_IO_PROTOCOL CARGO_HTTP_CAINFO
unset CARGO_REGISTRY_TOKEN CARGO_REGISTRY_CREDENTIAL_PROVIDER CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS
CARGO_VERSION=$("$REAL_CARGO" --version 2>/dev/null | awk '{print $2}')
case $CARGO_VERSION in
1.[0-9].* | 1.[0-6][0-9].* | 1.7[0-3].* | "") skip "cargo ${CARGO_VERSION:-?} is older than 1.74" ;;
esac
echo "# cargo $CARGO_VERSION ($REAL_CARGO)"
# the test's own cargo home: configuration and registry caches, nothing of the user's
export CARGO_HOME=$TEST_TMP/cargo-home
export CARGO_NET_RETRY=0 CARGO_TERM_COLOR=never
mkdir -p "$CARGO_HOME"

start_server

# --- the registry: one crate, served from files --------------------------
REG=$TEST_TMP/registry
mkdir -p "$REG/index/jc/de" "$REG/crates"
/usr/bin/python3 - "$REG" <<'EOF'
import hashlib, io, json, sys, tarfile
root = sys.argv[1]
files = {
    'jcdemo-0.1.0/Cargo.toml': b'[package]\nname = "jcdemo"\nversion = "0.1.0"\nedition = "2021"\n',
    'jcdemo-0.1.0/src/lib.rs': b'pub fn answer() -> u32 { 42 }\n',
}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w:gz') as tar:
    for name, data in files.items():
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
crate = buf.getvalue()
with open(root + '/crates/jcdemo-0.1.0.crate', 'wb') as f:
    f.write(crate)
line = {'name': 'jcdemo', 'vers': '0.1.0', 'deps': [], 'cksum': hashlib.sha256(crate).hexdigest(),
        'features': {}, 'yanked': False}
with open(root + '/index/jc/de/jcdemo', 'w') as f:
    f.write(json.dumps(line) + '\n')
EOF
REGLOG=$TEST_TMP/registry.log
(
	/usr/bin/python3 "$TOP_SRCDIR/tests/server/cargo_registry.py" --cert "$PKI/server.crt" \
		--key "$PKI/server.key" --root "$REG" --validate "$SERVER_URL/services/data/" \
		--cafile "$PKI/ca.crt" --port-file "$TEST_TMP/registry.port" --log "$REGLOG" \
		</dev/null >"$TEST_TMP/registry.out" 2>&1 &
	echo $! >"$TEST_TMP/registry.pid"
)
REGPID=$(cat "$TEST_TMP/registry.pid")
stop_registry() { kill "$REGPID" 2>/dev/null; server_stop >/dev/null 2>&1; }
trap 'stop_registry; _cleanup' EXIT
for _ in $(seq 100); do [ -s "$TEST_TMP/registry.port" ] && break; sleep 0.1; done
read -r REGPORT OTHERPORT <"$TEST_TMP/registry.port" || { echo "FAIL: registry did not start" >&2; cat "$TEST_TMP/registry.out" >&2; exit 1; }
INDEX=https://127.0.0.1:$REGPORT/index/

write_config "urls = [ \"$INDEX\" ];"

# --- the protocol, line by line --------------------------------------------
# feed NAME: NAME.in to `jwtcred --cargo-plugin` (as cargo runs it); NAME.out/.err, $RC
feed() {
	RC=0
	"$JWTCRED" --cargo-plugin <"$TEST_TMP/$1.in" >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" || RC=$?
}
req() { # req KIND INDEX_URL [EXTRA_JSON]
	printf '{"v":1,"registry":{"index-url":"%s","name":"corp","headers":["WWW-Authenticate: Cargo"]},"kind":"%s"%s,"args":["cargo"]}\n' "$2" "$1" "${3:-}"
}
line() { sed -n "${2}p" "$TEST_TMP/$1.out"; }
HELLO='{"v":[1]}'

: >"$TEST_TMP/eof.in"
feed eof
expect_eq "EOF at once: the hello line, exit 0" "$HELLO/0" "$(cat "$TEST_TMP/eof.out")/$RC"

req get "sparse+$INDEX" ',"operation":"read"' >"$TEST_TMP/get.in"
feed get
expect_eq "get: exit 0" 0 "$RC"
expect_eq "get: hello first" "$HELLO" "$(line get 1)"
expect_lines "get: hello and one answer on stdout" 2 "$TEST_TMP/get.out"
GET_ANSWER=$(line get 2)
echo "$GET_ANSWER" >"$TEST_TMP/get.answer"
expect_grep "get: Ok with a Bearer token, cache expires, operation independent" \
	'^\{"Ok":\{"kind":"get","token":"Bearer 00D[^"]+","cache":"expires","expiration":[0-9]+,"operation_independent":true\}\}$' \
	"$TEST_TMP/get.answer"
expect_eq "get: one mint" 1 "$(server_stats token_requests)"
check "get: nothing on stderr" test ! -s "$TEST_TMP/get.err"
# the expiration is the one git is told (the entry's deadline: expiry minus margin)
printf 'protocol=https\nhost=127.0.0.1:%s\npath=index/\n\n' "$REGPORT" >"$TEST_TMP/git.in"
"$JWTCRED" get <"$TEST_TMP/git.in" >"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err"
expect_eq "get: expiration is git's password_expiry_utc" \
	"$(sed -n 's/^password_expiry_utc=//p' "$TEST_TMP/git.out")" \
	"$(sed -E 's/.*"expiration":([0-9]+).*/\1/' "$TEST_TMP/get.answer")"

# several requests, until EOF; the last without a newline
{ req get "sparse+$INDEX" ',"operation":"publish","name":"jcdemo","vers":"0.1.0","cksum":"00"'
  req get "sparse+$INDEX" ',"operation":"yank","name":"jcdemo","vers":"0.1.0"' | tr -d '\n'; } >"$TEST_TMP/two.in"
feed two
expect_eq "two requests: exit 0" 0 "$RC"
expect_lines "two requests: hello and two answers" 3 "$TEST_TMP/two.out"
expect_eq "two requests: both served from the cache" 1 "$(server_stats token_requests)"
check "two requests: the same answer as before" \
	test "$(line two 2)" = "$GET_ANSWER" -a "$(line two 3)" = "$GET_ANSWER"

{ req login "sparse+$INDEX" ',"token":"00Dlogin!TOKENabcdefghijklmnop"'; req logout "sparse+$INDEX"; req fly "sparse+$INDEX"; } >"$TEST_TMP/other.in"
feed other
expect_eq "login, logout, unknown kind: exit 0" 0 "$RC"
expect_eq "login: operation-not-supported" '{"Err":{"kind":"operation-not-supported"}}' "$(line other 2)"
expect_eq "logout: operation-not-supported" '{"Err":{"kind":"operation-not-supported"}}' "$(line other 3)"
expect_eq "unknown kind: operation-not-supported" '{"Err":{"kind":"operation-not-supported"}}' "$(line other 4)"
expect_no_grep "login: its token is never echoed" 'TOKENabc' "$TEST_TMP/other.out"

req get "sparse+https://127.0.0.1:$OTHERPORT/index/" ',"operation":"read"' >"$TEST_TMP/stray.in"
feed stray
expect_eq "index not in urls: url-not-supported, exit 0" '{"Err":{"kind":"url-not-supported"}}/0' "$(line stray 2)/$RC"
# a git index at a URL the profile allows: cargo would send its token to the api
# URL of the repository's config.json, not to this host: url-not-supported
req get "$INDEX" ',"operation":"publish","name":"jcdemo","vers":"0.1.0","cksum":"00"' >"$TEST_TMP/gitindex.in"
RC=0; "$JWTCRED" -v --cargo-plugin <"$TEST_TMP/gitindex.in" >"$TEST_TMP/gitindex.out" 2>"$TEST_TMP/gitindex.err" || RC=$?
expect_eq "git index (no sparse+) in urls: url-not-supported, exit 0" '{"Err":{"kind":"url-not-supported"}}/0' "$(line gitindex 2)/$RC"
expect_grep "git index: -v says why" 'is not a sparse index' "$TEST_TMP/gitindex.err"
req get "sparse+http://127.0.0.1:$REGPORT/index/" ',"operation":"read"' >"$TEST_TMP/plainhttp.in"
feed plainhttp
expect_eq "http index: url-not-supported" '{"Err":{"kind":"url-not-supported"}}' "$(line plainhttp 2)"
printf '{"v":1,"registry":{"index-url":"sparse+%s"},"kind":"get","operation":"read","args":["cargo","--profile","nosuch"]}\n' "$INDEX" >"$TEST_TMP/named.in"
feed named
expect_eq "--profile in args names a profile that is not there: url-not-supported" \
	'{"Err":{"kind":"url-not-supported"}}' "$(line named 2)"
expect_grep "--profile: says why on stderr" "profile 'nosuch' does not list" "$TEST_TMP/named.err"
printf '{"v":1,"registry":{"index-url":"sparse+%s"},"kind":"get","operation":"read","args":["cargo","--profile","prod"]}\n' "$INDEX" >"$TEST_TMP/namedok.in"
feed namedok
expect_eq "--profile prod in args: served" "$GET_ANSWER" "$(line namedok 2)"
printf '{"v":1,"registry":{"index-url":"sparse+%s"},"kind":"get","operation":"read","args":["cargo","--profile","nosuch","-p","prod"]}\n' "$INDEX" >"$TEST_TMP/twiceprofile.in"
feed twiceprofile
expect_eq "--profile twice in args: exit 1" 1 "$RC"
expect_eq "--profile twice in args: refused, not the last one taken" \
	'{"Err":{"kind":"other","message":"cargo request: --profile given twice"}}' "$(line twiceprofile 2)"

# a broken conversation: Err other, one line on stderr, exit 1, nothing read after it
{ echo '{"v":1,'; req get "sparse+$INDEX" ',"operation":"read"'; } >"$TEST_TMP/malformed.in"
feed malformed
expect_eq "malformed: exit 1" 1 "$RC"
expect_lines "malformed: hello and one Err" 2 "$TEST_TMP/malformed.out"
expect_grep "malformed: Err other saying so" '^\{"Err":\{"kind":"other","message":"cargo request is not JSON' "$TEST_TMP/malformed.out"
expect_lines "malformed: one line on stderr" 1 "$TEST_TMP/malformed.err"
# what a reason quotes: escaped on stderr, in the JSON only as JSON escapes it
cat >"$TEST_TMP/oddarg.in" <<EOF
{"v":1,"registry":{"index-url":"sparse+$INDEX"},"kind":"get","args":["cargo","--x\u001b[31m\\\\"]}
EOF
feed oddarg
expect_eq "odd argument: exit 1" 1 "$RC"
expect_eq "odd argument: in the JSON as JSON escapes it" \
	'{"Err":{"kind":"other","message":"cargo request: unknown argument '"'"'--x\u001B[31m\\'"'"' (jwtcred takes --profile NAME)"}}' \
	"$(line oddarg 2)"
check "odd argument: escaped on stderr" grep -qF 'unknown argument '"'"'--x\x1b[31m\\'"'"'' "$TEST_TMP/oddarg.err"
printf '{"v":2,"registry":{"index-url":"sparse+%s"},"kind":"get","operation":"read"}\n' "$INDEX" >"$TEST_TMP/wrongv.in"
feed wrongv
expect_eq "wrong v: exit 1" 1 "$RC"
expect_grep "wrong v: Err other" '^\{"Err":\{"kind":"other","message":"cargo request: protocol version' "$TEST_TMP/wrongv.out"
/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"v\":1,\"x\":\"" + "a" * 70000 + "\"}\n")' >"$TEST_TMP/oversize.in"
feed oversize
expect_eq "oversize: exit 1" 1 "$RC"
expect_grep "oversize: Err other" '^\{"Err":\{"kind":"other","message":"cargo request is longer than 65536 bytes"\}\}$' "$TEST_TMP/oversize.out"
expect_lines "oversize: one line on stderr" 1 "$TEST_TMP/oversize.err"

run_jwtcred noplugin cargo
expect_eq "jwtcred cargo without --cargo-plugin: exit 2" 2 "$RC"
expect_grep "without --cargo-plugin: says how cargo runs it" 'cargo runs this .*--cargo-plugin.*credential-provider' "$TEST_TMP/noplugin.err"
check "without --cargo-plugin: nothing on stdout" test ! -s "$TEST_TMP/noplugin.out"
req get "sparse+$INDEX" ',"operation":"read"' >"$TEST_TMP/verb.in"
RC=0; "$JWTCRED" cargo --cargo-plugin <"$TEST_TMP/verb.in" >"$TEST_TMP/verb.out" 2>"$TEST_TMP/verb.err" || RC=$?
expect_eq "jwtcred cargo --cargo-plugin works too" "$GET_ANSWER/0" "$(line verb 2)/$RC"

# a mint failure: Err other with the endpoint's reason, on stderr too; still exit 0
"$JWTCRED" purge >/dev/null 2>&1
server_mode '{"ip_restricted": true}'
req get "sparse+$INDEX" ',"operation":"read"' >"$TEST_TMP/mintfail.in"
feed mintfail
server_mode '{}'
expect_eq "mint failure: exit 0 (cargo shows the message only then)" 0 "$RC"
expect_grep "mint failure: Err other with a message" '^\{"Err":\{"kind":"other","message":"[^"]+"\}\}$' "$TEST_TMP/mintfail.out"
expect_lines "mint failure: one line on stderr" 1 "$TEST_TMP/mintfail.err"
expect_grep "mint failure: the same reason on stderr" "$(sed -E 's/.*"message":"([^"]{1,30}).*/\1/' "$TEST_TMP/mintfail.out" | sed 's/[][\.*^$()+?{|]/\\&/g')" "$TEST_TMP/mintfail.err"

# a refresh due: every answer of the conversation is out, and then one
# background refresh per profile (prod twice, dev once).  Starting a refresh
# points stdout at /dev/null, so none may start before EOF.
INDEX2=https://127.0.0.1:$REGPORT/index2/
sed -n '/^  prod = {/,/^  };/p' "$JWTCRED_CONFIG" | sed -e 's/prod = {/dev = {/' -e "s|$INDEX|$INDEX2|" >"$TEST_TMP/dev.profile"
sed -i -e '$d' "$JWTCRED_CONFIG"
{ cat "$TEST_TMP/dev.profile"; echo '};'; } >>"$JWTCRED_CONFIG"
"$JWTCRED" purge >/dev/null 2>&1
T=$(date +%s)
{ req get "sparse+$INDEX" ',"operation":"read"'; req get "sparse+$INDEX2" ',"operation":"read"'; } >"$TEST_TMP/mint2.in"
RC=0; JWTCRED_NOW=$T "$JWTCRED" --cargo-plugin <"$TEST_TMP/mint2.in" >"$TEST_TMP/mint2.out" 2>"$TEST_TMP/mint2.err" || RC=$?
expect_eq "refresh due: both profiles minted first" "0/3" "$RC/$(wc -l <"$TEST_TMP/mint2.out")"
BEFORE=$(server_stats token_requests)
{ req get "sparse+$INDEX" ',"operation":"read"'; req get "sparse+$INDEX2" ',"operation":"read"'
  req get "sparse+$INDEX" ',"operation":"publish","name":"jcdemo","vers":"0.1.0","cksum":"00"'; } >"$TEST_TMP/due.in"
RC=0; JWTCRED_NOW=$((T + 700)) "$JWTCRED" -v --cargo-plugin <"$TEST_TMP/due.in" >"$TEST_TMP/due.out" 2>"$TEST_TMP/due.err" || RC=$?
expect_eq "refresh due: exit 0" 0 "$RC"
expect_lines "refresh due: hello and all three answers" 4 "$TEST_TMP/due.out"
expect_eq "refresh due: the answers are the cached tokens" "$(sed -n 2p "$TEST_TMP/mint2.out")" "$(line due 4)"
expect_eq "refresh due: one refresh started per profile" 2 "$(grep -c 'refreshing in the background' "$TEST_TMP/due.err")"
for _ in $(seq 100); do [ "$(server_stats token_requests)" -ge $((BEFORE + 2)) ] && break; sleep 0.1; done
sleep 1 # the refreshes write the cache after their mint
expect_eq "refresh due: the two refreshes minted" $((BEFORE + 2)) "$(server_stats token_requests)"
write_config "urls = [ \"$INDEX\" ];"

# cargo gone before the answer: one line on stderr and exit 1, not a silent SIGPIPE
req get "sparse+$INDEX" ',"operation":"read"' >"$TEST_TMP/gone.in"
/usr/bin/python3 - "$JWTCRED" "$TEST_TMP/gone" <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[2] + '.in', 'rb') as i, open(sys.argv[2] + '.err', 'wb') as e:
    rc = subprocess.call([sys.argv[1], '--cargo-plugin'], stdin=i, stdout=w, stderr=e)
with open(sys.argv[2] + '.rc', 'w') as f:
    f.write('%d\n' % rc)
EOF
expect_eq "stdout closed: exit 1 (not killed by SIGPIPE)" 1 "$(cat "$TEST_TMP/gone.rc")"
expect_grep "stdout closed: says so" 'cannot write to standard output' "$TEST_TMP/gone.err"
expect_lines "stdout closed: one line on stderr" 1 "$TEST_TMP/gone.err"

# --- real cargo --------------------------------------------------------------
# the documented example, with this test's paths
sed -e "s|/usr/local/bin/jwtcred|$JWTCRED|" -e "s|https://cargo.example.com/index/|$INDEX|" \
	"$TOP_SRCDIR/config-examples/cargo-config.toml" >"$CARGO_HOME/config.toml"
printf '\n[http]\ncainfo = "%s"\n' "$PKI/ca.crt" >>"$CARGO_HOME/config.toml"
PROJ=$TEST_TMP/proj
mkdir -p "$PROJ/src"
: >"$PROJ/src/lib.rs"
cat >"$PROJ/Cargo.toml" <<'EOF'
[package]
name = "uses-jcdemo"
version = "0.1.0"
edition = "2021"

[dependencies]
jcdemo = { version = "0.1", registry = "corp" }
EOF
# cargo_run NAME ARGS...: in the project, output to NAME.log, status in $RC
cargo_run() {
	local name=$1
	shift
	RC=0
	(cd "$PROJ" && "$REAL_CARGO" "$@") >"$TEST_TMP/$name.log" 2>&1 </dev/null || RC=$?
}
# forget what cargo itself cached, so that it asks again
cargo_forget() { rm -rf "$CARGO_HOME/registry" "$PROJ/Cargo.lock"; : >"$REGLOG"; }

"$JWTCRED" purge >/dev/null 2>&1
server_reset
cargo_forget
cargo_run fetch1 generate-lockfile
[ "$RC" = 0 ] && cargo_run fetch1b fetch && cat "$TEST_TMP/fetch1b.log" >>"$TEST_TMP/fetch1.log"
expect_eq "cargo: generate-lockfile and fetch succeed with jwtcred" 0 "$RC"
[ "$RC" = 0 ] || show "$TEST_TMP/fetch1.log"
check "cargo: the crate is in cargo's cache" test -n "$(find "$CARGO_HOME/registry" -name 'jcdemo-0.1.0.crate' 2>/dev/null)"
expect_eq "cargo: one mint" 1 "$(server_stats token_requests)"
expect_grep "registry: an index request without a token got 401" '"path": "/index/config.json", "status": 401, "auth": null' "$REGLOG"
expect_grep "registry: then index requests with a valid token" '"port": "index", "path": "/index/jc/de/jcdemo", "status": 200, "auth": "[0-9a-f]{64}"' "$REGLOG"
expect_grep "registry: the download with a valid token" '"port": "index", "path": "/dl/jcdemo/0.1.0/download", "status": 200, "auth": "[0-9a-f]{64}"' "$REGLOG"
expect_no_grep "cargo's output: no token" "$TOKEN_RE" "$TEST_TMP/fetch1.log"

# a new cargo run: cargo asks again, jwtcred answers from its cache
cargo_forget
cargo_run fetch2 generate-lockfile
expect_eq "cargo, second run: succeeds" 0 "$RC"
expect_eq "cargo, second run: served from jwtcred's cache (no new mint)" 1 "$(server_stats token_requests)"
expect_grep "cargo, second run: the registry saw the token again" '"path": "/index/jc/de/jcdemo", "status": 200' "$REGLOG"

# The registry's config.json names a download host on another port (another
# origin).  What cargo does, observed: it sends the token there as well.
echo '{"dl": "other"}' >"$REG/mode.json"
cargo_forget
cargo_run otherdl generate-lockfile
[ "$RC" = 0 ] && cargo_run otherdlb fetch && cat "$TEST_TMP/otherdlb.log" >>"$TEST_TMP/otherdl.log"
rm -f "$REG/mode.json"
expect_eq "dl on another origin: the fetch succeeds" 0 "$RC"
INDEX_AUTH=$(sed -nE 's/.*"port": "index", "path": "\/index\/jc\/de\/jcdemo", "status": 200, "auth": "([0-9a-f]+)".*/\1/p' "$REGLOG" | head -1)
OTHER_AUTH=$(sed -nE 's/.*"port": "other", "path": "\/dl\/jcdemo\/0.1.0\/download", "status": 200, "auth": "?([0-9a-f]+|null)"?.*/\1/p' "$REGLOG" | head -1)
echo "# dl on another origin: index token sha256 ${INDEX_AUTH:0:12}..., the other origin's Authorization: ${OTHER_AUTH:0:12}..."
check "dl on another origin: cargo downloaded from there" test -n "$OTHER_AUTH"
expect_eq "dl on another origin: cargo sent it the registry's token (config.json decides)" "$INDEX_AUTH" "$OTHER_AUTH"
expect_eq "dl on another origin: jwtcred was not asked for it (no new mint)" 1 "$(server_stats token_requests)"

# A token the registry rejects (revoked while jwtcred still holds it): cargo
# fails and names the registry; jwtcred purge lets the next run mint anew.
server_revoke_all
cargo_forget
cargo_run rejected generate-lockfile
check "rejected token: cargo fails" test "$RC" -ne 0
expect_grep "rejected token: cargo says the registry refused it" 'token rejected for .corp.' "$TEST_TMP/rejected.log"
expect_no_grep "rejected token: cargo's output holds no token" "$TOKEN_RE" "$TEST_TMP/rejected.log"
sed 's/^/# cargo: /' "$TEST_TMP/rejected.log" | grep -v '^# cargo: *$' | head -8 | redact
"$JWTCRED" purge >/dev/null 2>&1
cargo_forget
cargo_run afterpurge generate-lockfile
expect_eq "rejected token: after jwtcred purge the next run works" 0 "$RC"
expect_eq "rejected token: with a fresh mint" 2 "$(server_stats token_requests)"

# an index no profile's urls allow: url-not-supported, and cargo has no other provider
write_config "urls = [ \"https://127.0.0.1:$REGPORT/elsewhere/\" ];"
cargo_forget
cargo_run stray generate-lockfile
check "index not in urls: cargo fails" test "$RC" -ne 0
expect_grep "index not in urls: cargo says no provider could handle it" 'no credential providers could handle the request' "$TEST_TMP/stray.log"
expect_no_grep "index not in urls: no token reached the registry" '"auth": "' "$REGLOG"
expect_no_grep "index not in urls: cargo's output holds no token" "$TOKEN_RE" "$TEST_TMP/stray.log"

finish
