#!/bin/bash
# Feedback and diagnostics where flags cannot be passed: JWTCRED_TRACE when
# git starts the helper (stderr, or appended to a file it refuses when it is
# not a plain file of ours), -vv phase timings, the progress line of a slow
# mint on a terminal (and never in a pipe, under CI or TERM=dumb), ports in
# diagnostics, key errors naming the file and line of the setting, the two
# TLS hints, and the proxy named in connection errors.
. "${srcdir:-.}/tests/integration/lib.sh"
command -v git >/dev/null || skip "git is not installed"
PTY_RUN="/usr/bin/python3 $TOP_SRCDIR/tests/integration/pty_run.py"

start_server
git_repo_make "$SERVER_GIT_ROOT" repo.git || { echo "FAIL: cannot make the test repository"; exit 1; }
write_config "urls = [ \"$SERVER_URL/git\" ];"
REPO_URL=$SERVER_URL/git/repo.git
git config --global http.sslCAInfo "$PKI/ca.crt"
git config --global credential.useHttpPath true
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcred
cd "$TEST_TMP" || exit 1

# line_of SETTING: the line of the configuration that sets it
line_of() { grep -n "^ *$1 = " "$JWTCRED_CONFIG" | cut -d: -f1; }

# -- JWTCRED_TRACE=1 when git starts the helper: the -v trace on stderr, with the port
JWTCRED_TRACE=1 git clone -q "$REPO_URL" clone >clone.out 2>clone.err
expect_eq "git clone with JWTCRED_TRACE=1: exit 0" 0 "$?"
expect_grep "JWTCRED_TRACE=1: the helper's trace reaches git's stderr" "^jwtcred: configuration '" clone.err
expect_grep "the request is named with its port" \
	"^jwtcred: request https://localhost:$SERVER_PORT/git/repo.git -> profile 'prod'" clone.err
git -C clone fetch -q >fetch.out 2>fetch.err
expect_no_grep "without JWTCRED_TRACE: no trace" "^jwtcred: " fetch.err

# -- JWTCRED_TRACE=/path: appended, 0600, no token in it
TRACE=$TEST_TMP/trace.log
printf 'url=%s\n\n' "$REPO_URL" | JWTCRED_TRACE=$TRACE git credential fill >fill.out 2>fill.err
expect_eq "credential fill with JWTCRED_TRACE=file: exit 0" 0 "$?"
expect_no_grep "JWTCRED_TRACE=file: nothing on stderr" "^jwtcred: " fill.err
check "JWTCRED_TRACE=file: the file is created" test -f "$TRACE"
expect_eq "JWTCRED_TRACE=file: mode 0600" 600 "$(stat -c %a "$TRACE" 2>/dev/null)"
expect_grep "JWTCRED_TRACE=file: time, pid and the -v line" \
	"^[0-9-]{10}T[0-9:.]{12}Z jwtcred\[[0-9]+\]: request https://localhost:$SERVER_PORT/git/repo.git -> profile 'prod'" "$TRACE"
lines1=$(wc -l <"$TRACE")
JWTCRED_TRACE=$TRACE "$JWTCRED" token --no-cache >token1.out 2>token1.err
lines2=$(wc -l <"$TRACE")
check "JWTCRED_TRACE=file: a second run appends" test "$lines2" -gt "$lines1"
expect_grep "JWTCRED_TRACE=file: the first run's lines are kept" "request https://localhost" "$TRACE"
expect_grep "JWTCRED_TRACE=file: the mint is traced" "mint for profile 'prod' succeeded" "$TRACE"
PASSWORD=$(sed -n 's/^password=//p' fill.out)
check "credential fill gave a token" test -n "$PASSWORD"
check "JWTCRED_TRACE=file: the token git got is not in it" test -n "$PASSWORD" -a \
	"$(grep -cF -f <(printf '%s\n' "$PASSWORD") "$TRACE")" = 0 # printf: a builtin, no token in argv
check "JWTCRED_TRACE=file: the minted token is not in it" test -s token1.out -a \
	"$(grep -cF -f token1.out "$TRACE")" = 0
check "JWTCRED_TRACE=file: no token shape at all" test "$(grep -cE "$TOKEN_RE" "$TRACE")" = 0

# -- refused trace files: one warning, nothing written there
ln -s "$TRACE" trace.link
before=$(wc -l <"$TRACE")
JWTCRED_TRACE=$TEST_TMP/trace.link "$JWTCRED" token >link.out 2>link.err
expect_eq "JWTCRED_TRACE=symlink: the command still works" 0 "$?"
expect_grep "JWTCRED_TRACE=symlink: refused with a warning" \
	"^jwtcred: warning: JWTCRED_TRACE file '.*trace.link' is a symbolic link" link.err
expect_lines "JWTCRED_TRACE=symlink: one line on stderr" 1 link.err
expect_eq "JWTCRED_TRACE=symlink: nothing written through it" "$before" "$(wc -l <"$TRACE")"
: >open.log && chmod 666 open.log
JWTCRED_TRACE=$TEST_TMP/open.log "$JWTCRED" token >open.out 2>open.err
expect_grep "JWTCRED_TRACE=group/world-writable file: refused with a warning" \
	"^jwtcred: warning: JWTCRED_TRACE file '.*open.log' is accessible by group or others" open.err
check "JWTCRED_TRACE=group/world-writable file: nothing written" test ! -s open.log
: >readable.log && chmod 644 readable.log
JWTCRED_TRACE=$TEST_TMP/readable.log "$JWTCRED" token >readable.out 2>readable.err
expect_grep "JWTCRED_TRACE=0644 file: refused with the chmod 600 fix" \
	"^jwtcred: warning: JWTCRED_TRACE file '.*readable.log' is accessible by group or others \\(mode 0644\\): run chmod 600 " readable.err
check "JWTCRED_TRACE=0644 file: nothing written" test ! -s readable.log
JWTCRED_TRACE=relative.log "$JWTCRED" token >rel.out 2>rel.err
expect_grep "JWTCRED_TRACE=relative path: refused with a warning" \
	"^jwtcred: warning: JWTCRED_TRACE is not 1, 2, true or an absolute path" rel.err
check "JWTCRED_TRACE=relative path: no file made" test ! -e relative.log

# -- -vv: the time of each phase; -v: none
run_jwtcred vv -vv token --refresh
expect_eq "-vv token: exit 0" 0 "$RC"
for phase in config cache key sign "tls connect" server write; do
	expect_grep "-vv: timing of phase '$phase'" "^jwtcred: timing: $phase [0-9]+ ms" "$TEST_TMP/vv.err"
done
run_jwtcred v1 -v token --refresh
expect_grep "-v: the trace" "^jwtcred: mint for profile 'prod' succeeded" "$TEST_TMP/v1.err"
expect_no_grep "-v: no timings" "timing:" "$TEST_TMP/v1.err"
JWTCRED_TRACE=2 "$JWTCRED" token --refresh >t2.out 2>t2.err
expect_grep "JWTCRED_TRACE=2 is -vv" "^jwtcred: timing: server [0-9]+ ms" t2.err

# -- the progress line: a mint over a second on a terminal
ESC=$(printf '\033') CR=$(printf '\r')
server_mode '{"delay_ms": 2500}'
(unset CI NO_COLOR; TERM=xterm $PTY_RUN pty.out sh -c "exec '$JWTCRED' token --no-cache >pty.token") </dev/null
expect_eq "slow mint on a terminal: exit 0" 0 "$?"
check "slow mint on a terminal: the token arrives" test -s pty.token
check "slow mint on a terminal: one status line with profile and origin" \
	grep -aqF "jwtcred: minting a token for 'prod' at https://localhost:$SERVER_PORT..." pty.out
check "slow mint on a terminal: the line is erased (CR, erase line)" \
	grep -aqF "...${CR}${ESC}[K" pty.out
expect_eq "slow mint on a terminal: the line is drawn once" 1 "$(grep -ao "minting a token" pty.out | wc -l)"
(unset CI NO_COLOR; export PTY_COLS=40; TERM=xterm $PTY_RUN narrow.out sh -c "exec '$JWTCRED' token --no-cache >narrow.token") </dev/null
check "slow mint on a 40-column terminal: the line is drawn" grep -aq "jwtcred: minting" narrow.out
# the drawn line: the bytes before the CR that erases it (\r\033[K)
narrow_len=$(/usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); i = d.find(b"jwtcred: minting"); j = d.find(b"\r", i); print(j - i if i >= 0 and j > i else 999)' narrow.out)
check "slow mint on a 40-column terminal: the line is at most 39 columns ($narrow_len)" test "$narrow_len" -le 39
"$JWTCRED" token --no-cache >pipe.token 2>pipe.err
expect_no_grep "slow mint in a pipe: no status line" "minting" pipe.err
(export CI=1; unset NO_COLOR; TERM=xterm $PTY_RUN ci.out sh -c "exec '$JWTCRED' token --no-cache >ci.token") </dev/null
check "slow mint on a terminal with CI=1: no status line" test "$(grep -ac minting ci.out)" = 0
(unset CI NO_COLOR; TERM=dumb $PTY_RUN dumb.out sh -c "exec '$JWTCRED' token --no-cache >dumb.token") </dev/null
check "slow mint on a terminal with TERM=dumb: no status line" test "$(grep -ac minting dumb.out)" = 0
(unset CI; export NO_COLOR=1; TERM=xterm $PTY_RUN nc.out sh -c "exec '$JWTCRED' token --no-cache >nc.token") </dev/null
check "NO_COLOR: the line is drawn" grep -aq "minting a token" nc.out
check "NO_COLOR: erased without an escape sequence" test "$(grep -ac "$ESC" nc.out)" = 0
(unset CI NO_COLOR; TERM=xterm $PTY_RUN v.out sh -c "exec '$JWTCRED' -v token --no-cache >v.token") </dev/null
check "-v on a terminal: the trace, no status line" test "$(grep -ac minting v.out)" = 0 -a \
	"$(grep -ac "mint for profile" v.out)" = 1
# waiting on another process's mint (single flight)
"$JWTCRED" purge >/dev/null 2>&1
"$JWTCRED" token >first.token 2>first.err &
first=$!
sleep 0.5
(unset CI NO_COLOR; TERM=xterm $PTY_RUN wait.out sh -c "exec '$JWTCRED' token >wait.token") </dev/null
wait "$first"
check "waiting on another's mint on a terminal: the waiting line" \
	grep -aqF "jwtcred: waiting for another jwtcred to mint 'prod'..." wait.out
check "waiting on another's mint: the same token" cmp -s first.token wait.token
server_mode '{}'
(unset CI NO_COLOR; TERM=xterm $PTY_RUN fast.out sh -c "exec '$JWTCRED' token --no-cache >fast.token") </dev/null
check "fast mint on a terminal: no status line" test "$(grep -ac minting fast.out)" = 0

# -- key errors name the profile and the setting's file and line
write_config "private_key = \"$TEST_TMP/deleted.key\";"
run_jwtcred gone token --no-cache
check "deleted private_key: fails" test "$RC" -ne 0
expect_grep "deleted private_key: '<file>':<line of private_key>: profile 'prod'" \
	"^jwtcred: '$JWTCRED_CONFIG':$(line_of private_key): profile 'prod': .*deleted.key" "$TEST_TMP/gone.err"

# -- TLS: no ca_file vs a ca_file that did not sign the server's certificate
write_config
sed -i '/ca_file/d' "$JWTCRED_CONFIG"
run_jwtcred noca token --no-cache
check "no ca_file, private CA: fails" test "$RC" -ne 0
expect_grep "no ca_file: the hint is to set ca_file" "TLS with 'https://localhost:$SERVER_PORT/.*set ca_file" "$TEST_TMP/noca.err"
expect_grep "no ca_file: names the URL setting's line (login_url)" \
	"^jwtcred: '$JWTCRED_CONFIG':$(line_of login_url): profile 'prod'" "$TEST_TMP/noca.err"
write_config "ca_file = \"$PKI/other-ca.crt\";"
run_jwtcred wrongca token --no-cache
expect_grep "wrong ca_file: not signed by ca_file '...'" \
	"the server's certificate is not signed by ca_file '$PKI/other-ca.crt'" "$TEST_TMP/wrongca.err"
expect_grep "wrong ca_file: names ca_file's line" \
	"^jwtcred: '$JWTCRED_CONFIG':$(line_of ca_file): profile 'prod'" "$TEST_TMP/wrongca.err"
expect_no_grep "wrong ca_file: not the 'set ca_file' hint" "set ca_file" "$TEST_TMP/wrongca.err"

# -- a proxy in the path is named, without its credentials
write_config
CLOSED=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
https_proxy=http://bob:pr0xy-s3cret@127.0.0.1:$CLOSED no_proxy='' "$JWTCRED" token --no-cache >proxy.out 2>proxy.err
check "unreachable proxy: fails" test $? -ne 0
expect_grep "unreachable proxy: named in the error" \
	"cannot reach 'https://localhost:$SERVER_PORT/services/oauth2/token' through proxy 'http://127.0.0.1:$CLOSED'" proxy.err
expect_no_grep "unreachable proxy: its credentials are not shown" "bob|pr0xy-s3cret" proxy.err
HTTPS_PROXY=127.0.0.1:$CLOSED no_proxy=example.com,.localhost,localhost "$JWTCRED" token --no-cache >np.out 2>np.err
expect_eq "no_proxy names the host: no proxy, the mint works" 0 "$?"
# an error on the direct path (a wrong ca_file) must not blame the proxy no_proxy skips
write_config "ca_file = \"$PKI/other-ca.crt\";"
HTTPS_PROXY=127.0.0.1:$CLOSED no_proxy=example.com,localhost "$JWTCRED" token --no-cache >np2.out 2>np2.err
expect_grep "no_proxy names the host: the direct path's error" "TLS with 'https://localhost:$SERVER_PORT/" np2.err
expect_no_grep "no_proxy names the host: no proxy named" "proxy" np2.err
HTTPS_PROXY=127.0.0.1:$CLOSED no_proxy=example.com "$JWTCRED" token --no-cache >np3.out 2>np3.err
expect_grep "HTTPS_PROXY (upper case, no scheme): named as http://" "through proxy 'http://127.0.0.1:$CLOSED'" np3.err

# -- an empty variable is unset for libcurl (curl_getenv): the next one counts
write_config
https_proxy= HTTPS_PROXY=http://127.0.0.1:$CLOSED no_proxy= "$JWTCRED" token --no-cache >ep.out 2>ep.err
check "https_proxy= HTTPS_PROXY=X: fails through the proxy" test $? -ne 0
expect_grep "https_proxy= HTTPS_PROXY=X: the proxy of HTTPS_PROXY is named" \
	"through proxy 'http://127.0.0.1:$CLOSED'" ep.err
write_config "ca_file = \"$PKI/other-ca.crt\";"
HTTPS_PROXY=127.0.0.1:$CLOSED no_proxy= NO_PROXY=localhost "$JWTCRED" token --no-cache >enp.out 2>enp.err
expect_grep "no_proxy= NO_PROXY=localhost: the direct path's error" "TLS with 'https://localhost:$SERVER_PORT/" enp.err
expect_no_grep "no_proxy= NO_PROXY=localhost: no proxy named" "proxy" enp.err

# -- no_proxy CIDR blocks against a numeric host (libcurl >= 7.86)
write_config "login_url = \"https://127.0.0.1:$SERVER_PORT\";" "ca_file = \"$PKI/other-ca.crt\";"
HTTPS_PROXY=127.0.0.1:$CLOSED no_proxy=example.com,127.0.0.0/8 "$JWTCRED" token --no-cache >cidr.out 2>cidr.err
expect_grep "no_proxy=127.0.0.0/8: the direct path's error" "TLS with 'https://127.0.0.1:$SERVER_PORT/" cidr.err
expect_no_grep "no_proxy=127.0.0.0/8: no proxy named" "proxy" cidr.err
HTTPS_PROXY=127.0.0.1:$CLOSED no_proxy=10.0.0.0/8,127.0.0.2/32 "$JWTCRED" token --no-cache >cidr2.out 2>cidr2.err
expect_grep "no_proxy=10.0.0.0/8,127.0.0.2/32: through the proxy" "through proxy 'http://127.0.0.1:$CLOSED'" cidr2.err

# -- a proxy variable libcurl cannot parse: its password is in no message, finding nor trace
write_config
BADPROXY='http://alice:Sup3rS3cret@127.0.0.1:99999'
HTTPS_PROXY=$BADPROXY no_proxy= "$JWTCRED" token --no-cache >bp.out 2>bp.err
check "HTTPS_PROXY with a bad port: fails" test $? -ne 0
expect_grep "HTTPS_PROXY with a bad port: said to be no valid URL" \
	"the proxy variable 'HTTPS_PROXY' is not a valid URL" bp.err
expect_no_grep "HTTPS_PROXY with a bad port: no password on stderr" "Sup3rS3cret" bp.err
HTTPS_PROXY=$BADPROXY no_proxy= "$JWTCRED" check --online --json >bpc.out 2>bpc.err
expect_grep "check --online --json: the proxy finding" "not a valid URL" bpc.out
expect_no_grep "check --online --json: no password in the findings" "Sup3rS3cret" bpc.out
expect_no_grep "check --online --json: no password on stderr" "Sup3rS3cret" bpc.err
: >"$TEST_TMP/bp.trace" && chmod 600 "$TEST_TMP/bp.trace"
JWTCRED_TRACE=$TEST_TMP/bp.trace HTTPS_PROXY=$BADPROXY no_proxy= "$JWTCRED" token --no-cache >bpt.out 2>bpt.err
check "JWTCRED_TRACE file of the bad proxy: written" test -s "$TEST_TMP/bp.trace"
expect_no_grep "JWTCRED_TRACE file: no proxy password" "Sup3rS3cret" "$TEST_TMP/bp.trace"
https_proxy='http://alice:Sup3rS3cret@proxy.invalid:8080' no_proxy= "$JWTCRED" token --no-cache >bp2.out 2>bp2.err
check "unresolvable proxy: fails" test $? -ne 0
expect_no_grep "unresolvable proxy: no password on stderr" "Sup3rS3cret" bp2.err

# -- check names the profile once, where jc_fail_where put it (file and line)
write_config "ca_file = \"$PKI/other-ca.crt\";"
"$JWTCRED" check --online >ck1.out 2>&1
expect_grep "check --online, wrong ca_file: the finding names the file and line" \
	"'$JWTCRED_CONFIG':$(line_of ca_file): profile 'prod': TLS with" ck1.out
expect_no_grep "check --online, wrong ca_file: the profile is named once" "profile 'prod': .*profile 'prod'" ck1.out
write_config "private_key = \"$TEST_TMP/deleted.key\";"
"$JWTCRED" check >ck2.out 2>&1
expect_grep "check, deleted key: the finding names the profile" "profile 'prod': " ck2.out
expect_no_grep "check, deleted key: the profile is named once" "profile 'prod': .*profile 'prod'" ck2.out

finish
