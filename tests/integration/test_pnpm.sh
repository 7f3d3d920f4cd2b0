#!/bin/bash
# pnpm's tokenHelper, with real pnpm (10.x, from the npm registry, installed
# once per build tree under tests/pnpm) against a loopback npm registry that
# checks every request's bearer token with the token server: two installs
# with one mint, and the helper's refusals (no profile, no npmrc line, a
# registry the profile's urls do not allow) that make pnpm fail.
. "${srcdir:-.}/tests/integration/lib.sh"

PNPM_SPEC=pnpm@10
command -v node >/dev/null || skip "node is not installed"
command -v npm >/dev/null || skip "npm is not installed"

# pnpm, once per build tree: a lock, and a marker written when the install worked
PNPM_DIR=$TOP_BUILDDIR/tests/pnpm
mkdir -p "$PNPM_DIR"
(
	flock 9
	if [ ! -e "$PNPM_DIR/installed" ]; then
		npm install --prefix "$PNPM_DIR" --no-audit --no-fund --no-save --loglevel=error \
			--cache "$PNPM_DIR/.npm-cache" "$PNPM_SPEC" >"$PNPM_DIR/install.log" 2>&1 &&
			touch "$PNPM_DIR/installed"
	fi
) 9>"$TOP_BUILDDIR/tests/pnpm.lock"
[ -e "$PNPM_DIR/installed" ] || skip "npm registry unreachable (cannot install $PNPM_SPEC)"
PNPM=$PNPM_DIR/node_modules/pnpm/bin/pnpm.cjs
node "$PNPM" --version >"$TEST_TMP/pnpm-version" 2>&1 || skip "$PNPM_SPEC does not run on node $(node --version)"
echo "# pnpm $(cat "$TEST_TMP/pnpm-version"), node $(node --version)"

start_server
PKG=jc-tiny
REG_LOG=$TEST_TMP/registry.log
/usr/bin/python3 "$TOP_SRCDIR/tests/server/npm_registry.py" --cert "$PKI/server.crt" \
	--key "$PKI/server.key" --ca "$PKI/ca.crt" --validate "$SERVER_URL/services/data/" \
	--name "$PKG" --port-file "$TEST_TMP/registry.port" --log "$REG_LOG" \
	2>"$TEST_TMP/registry.err" &
REG_PID=$!
trap 'kill "$REG_PID" 2>/dev/null; _cleanup' EXIT
for _ in $(seq 100); do
	[ -s "$TEST_TMP/registry.port" ] && break
	sleep 0.1
done
[ -s "$TEST_TMP/registry.port" ] || { echo "FAIL: the registry did not start" >&2; exit 1; }
REG_URL=https://localhost:$(cat "$TEST_TMP/registry.port")/
NERFED=${REG_URL#https:}
: >"$REG_LOG"

write_config "urls = [ \"$REG_URL\" ];"
HELPER=$TEST_TMP/bin/jwtcred-pnpm-helper@prod
# the link, behind a script that counts pnpm's runs (exec -a keeps argv[0]: the name pnpm ran)
ln -s "$JWTCRED" "$TEST_TMP/jwtcred-link"
cat >"$HELPER" <<SH
#!/bin/bash
echo run >>"$TEST_TMP/helper.runs"
[ -z "\${HELPER_ERR:-}" ] || exec 2>>"\$HELPER_ERR"
exec -a "\$0" "$TEST_TMP/jwtcred-link"
SH
chmod +x "$HELPER"

# config-examples/npmrc as a user pastes it, with this test's registry and paths
sed -e "s|//npm.example.com/|$NERFED|g" -e "s|/usr/local/bin/jwtcred-pnpm-helper@prod|$HELPER|" \
	"$TOP_SRCDIR/config-examples/npmrc" >"$HOME/.npmrc"
cat >>"$HOME/.npmrc" <<EOF
registry=$REG_URL
cafile=$PKI/ca.crt
store-dir=$TEST_TMP/store
cache-dir=$TEST_TMP/pnpm-cache
update-notifier=false
EOF
# the line of the user npmrc that binds the helper
L=$(grep -n ':tokenHelper=' "$HOME/.npmrc" | head -1 | cut -d: -f1)
PROJECT=$TEST_TMP/project
mkdir -p "$PROJECT"
echo "{\"name\":\"jc-project\",\"version\":\"1.0.0\",\"dependencies\":{\"$PKG\":\"1.0.0\"}}" >"$PROJECT/package.json"

# run_pnpm NAME ARGS...: pnpm in the project; output in NAME.out, status in RC
run_pnpm() {
	local name=$1
	shift
	RC=0
	(cd "$PROJECT" && node "$PNPM" "$@" --reporter=append-only </dev/null) \
		>"$TEST_TMP/$name.out" 2>&1 || RC=$?
}

clean_project() {
	rm -rf "$PROJECT/node_modules" "$PROJECT/pnpm-lock.yaml" "$TEST_TMP/store" "$TEST_TMP/pnpm-cache"
}

# stats NAME: the token server's counter NAME
stats() {
	curl -s --cacert "$PKI/ca.crt" "$SERVER_URL/admin/stats" |
		/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

# --- the helper by itself ---------------------------------------------------
RC=0
"$HELPER" >"$TEST_TMP/direct.out" 2>"$TEST_TMP/direct.err" </dev/null || RC=$?
expect_eq "helper: exit 0" 0 "$RC"
expect_grep "helper: one line, 'Bearer TOKEN', the whole Authorization value pnpm 10 sends" \
	'^Bearer gen\.[A-Za-z0-9_-]{16,}$|^Bearer 00D[A-Za-z0-9]+![A-Za-z0-9._-]{16,}$' "$TEST_TMP/direct.out"
expect_lines "helper: nothing else on stdout" 1 "$TEST_TMP/direct.out"
check "helper: nothing on stderr" test ! -s "$TEST_TMP/direct.err"
TOKEN=$(sed 's/^Bearer //' "$TEST_TMP/direct.out")
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -K - "$SERVER_URL/services/data/" \
	<<<"header = \"Authorization: Bearer $TOKEN\"")
expect_eq "helper: the token is valid" 200 "$code"

# --- pnpm install, twice, one mint ---------------------------------------------
curl -s -X POST --cacert "$PKI/ca.crt" "$SERVER_URL/admin/reset" >/dev/null
"$JWTCRED" purge >/dev/null 2>&1
: >"$REG_LOG"
: >"$TEST_TMP/helper.runs"
run_pnpm install1 install
expect_eq "pnpm install: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/install1.out"
check "pnpm install: the package is installed" test -f "$PROJECT/node_modules/$PKG/index.js"
expect_grep "pnpm install: the registry served the packument with a valid token" \
	"\"path\": \"/$PKG\", \"auth\": \"ok\"" "$REG_LOG"
expect_grep "pnpm install: and the tarball" "\"path\": \"/$PKG/-/$PKG-1.0.0.tgz\", \"auth\": \"ok\"" "$REG_LOG"
expect_no_grep "pnpm install: no request without a valid token" '"auth": "(missing|invalid)"' "$REG_LOG"
expect_lines "pnpm install: runs the helper once" 1 "$TEST_TMP/helper.runs"
clean_project
run_pnpm install2 install
expect_eq "pnpm install again (clean store, node_modules, lockfile): exit 0" 0 "$RC"
check "pnpm install again: the package is installed" test -f "$PROJECT/node_modules/$PKG/index.js"
expect_eq "two installs, one mint" 1 "$(stats token_requests)"
expect_eq "registry: 2 packument and 2 tarball requests, all with a valid token" 4 \
	"$(grep -c '"auth": "ok"' "$REG_LOG")"
expect_no_grep "registry: none refused" '"auth": "(missing|invalid)"' "$REG_LOG"

# --- refusals -----------------------------------------------------------------------
# run_helper NAME: the helper as pnpm runs it (through sh, no arguments)
# (a time limit: a helper that hangs fails with 124)
run_helper() {
	RC=0
	timeout 20 sh -c "$HELPER" >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" </dev/null || RC=$?
}

# refused NAME WHAT REGEX: the helper, with the environment the caller set, refuses for REGEX
refused() {
	run_helper "$1"
	expect_eq "$2: exit 1" 1 "$RC"
	expect_grep "$2: says where and why" "$3" "$TEST_TMP/$1.err"
	expect_lines "$2: in one line" 1 "$TEST_TMP/$1.err"
	check "$2: nothing on stdout" test ! -s "$TEST_TMP/$1.out"
	SHOWN="$SHOWN $1.err"
}
SHOWN=""

# no profile: the plain link name and no JWTCRED_PROFILE
ln -s "$JWTCRED" "$TEST_TMP/bin/jwtcred-pnpm-helper"
RC=0
"$TEST_TMP/bin/jwtcred-pnpm-helper" >"$TEST_TMP/noprof.out" 2>"$TEST_TMP/noprof.err" </dev/null || RC=$?
expect_eq "no profile: exit 1" 1 "$RC"
expect_grep "no profile: names both ways to bind one" \
	'^jwtcred: no profile: run the helper as a link named jwtcred-pnpm-helper@PROFILE, or set JWTCRED_PROFILE$' \
	"$TEST_TMP/noprof.err"
check "no profile: nothing on stdout" test ! -s "$TEST_TMP/noprof.out"

# the user npmrc binds the helper to no registry (pnpm would not run it; a user might)
printf 'registry=%s\n' "$REG_URL" >"$TEST_TMP/bare.npmrc"
NPM_CONFIG_USERCONFIG=$TEST_TMP/bare.npmrc run_helper noline
expect_eq "no npmrc line: exit 1" 1 "$RC"
expect_grep "no npmrc line: says which line to add" \
	"has no line giving this helper a registry: add //HOST\[:PORT\]/PATH/:tokenHelper=$HELPER " \
	"$TEST_TMP/noline.err"
check "no npmrc line: nothing on stdout" test ! -s "$TEST_TMP/noline.out"

# the npmrc gives the helper a second registry the profile does not allow
sed "s|^\(//.*:tokenHelper=\)|//evil.example/:tokenHelper=$HELPER\n\1|" "$HOME/.npmrc" >"$TEST_TMP/evil.npmrc"
npm_config_userconfig=$TEST_TMP/evil.npmrc run_helper evil
expect_eq "registry not in urls: exit 1" 1 "$RC"
expect_grep "registry not in urls: names it" \
	"^jwtcred: $TEST_TMP/evil.npmrc:$L: the token of profile 'prod' may not go to registry 'https://evil.example/', which this line gives this helper to" \
	"$TEST_TMP/evil.err"
check "registry not in urls: nothing on stdout" test ! -s "$TEST_TMP/evil.out"

# a project's .npmrc (pnpm publish runs its helpers) gives it a registry not in urls
mkdir -p "$PROJECT/sub"
printf '//evil.example/:tokenHelper=%s\n' "$HELPER" >"$PROJECT/.npmrc"
RC=0
(cd "$PROJECT/sub" && sh -c "$HELPER") >"$TEST_TMP/project.out" 2>"$TEST_TMP/project.err" </dev/null || RC=$?
expect_eq "project .npmrc, registry not in urls: exit 1" 1 "$RC"
expect_grep "project .npmrc: names it and the file" \
	"$PROJECT/.npmrc:1: the token of profile 'prod' may not go to registry 'https://evil.example/', which this line gives this helper to" \
	"$TEST_TMP/project.err"
check "project .npmrc: nothing on stdout" test ! -s "$TEST_TMP/project.out"
rm -f "$PROJECT/.npmrc"

# pnpm itself, with a profile whose urls do not list the registry
write_config "urls = [ \"$SERVER_URL/services\" ];"
clean_project
run_pnpm refused install
check "pnpm install with the registry not in urls: fails" test "$RC" -ne 0
expect_grep "pnpm: names the helper that failed" \
	"Error running \"$HELPER\" as a token helper, configured as $NERFED:tokenHelper\. Exit code 1" \
	"$TEST_TMP/refused.out"
check "pnpm: nothing installed" test ! -e "$PROJECT/node_modules/$PKG"
run_helper refused-helper
expect_grep "helper: says why (pnpm does not show it)" \
	"$HOME/.npmrc:$L: the token of profile 'prod' may not go to registry '$REG_URL', which this line gives this helper to: it is not in the profile's urls" \
	"$TEST_TMP/refused-helper.err"

# --- lines jwtcred cannot be sure pnpm reads as it does -------------------------------
write_config "urls = [ \"$REG_URL\" ];"
# bad NAME LINE: the user npmrc with LINE (printf format) appended
bad() {
	cp "$HOME/.npmrc" "$TEST_TMP/$1.npmrc"
	# shellcheck disable=SC2059
	printf "$2\n" >>"$TEST_TMP/$1.npmrc"
}
N=$(($(wc -l <"$HOME/.npmrc") + 1))
# pnpm skips a line with U+2028 (JavaScript's '.' stops there): the earlier binding stands
bad ls "//evil.example/:tokenHelper=$HELPER\n//evil.example/:tokenHelper=/bin/true\xe2\x80\xa8"
npm_config_userconfig=$TEST_TMP/ls.npmrc refused ls "U+2028" \
	"^jwtcred: $TEST_TMP/ls.npmrc:$((N + 1)): a Unicode line separator \(U\+2028\), where pnpm's parser skips the line: remove it$"
# pnpm's trim() strips U+00A0: the line binds evil.example in pnpm
bad nbsp "//evil.example/:tokenHelper=$HELPER\xc2\xa0"
npm_config_userconfig=$TEST_TMP/nbsp.npmrc refused nbsp "U+00A0" \
	"^jwtcred: $TEST_TMP/nbsp.npmrc:$N: a non-ASCII character outside a comment, which pnpm may trim as white space: write the line in ASCII$"
# a JSON escape in a quoted value: pnpm decodes it to this helper's path
bad json "//evil.example/:tokenHelper=\"${HELPER%?}\\\\u00$(printf '%x' "'${HELPER: -1}")\""
npm_config_userconfig=$TEST_TMP/json.npmrc refused json "JSON escape" \
	"^jwtcred: $TEST_TMP/json.npmrc:$N: a quote and a backslash, which pnpm may decode as a JSON escape: write the line without quotes$"

# --- registry URLs the token reaches ----------------------------------------------------
# pnpm sends the token of //localhost:PORT/ to http://localhost:PORT/ too
HTTP_URL=http://localhost:$(cat "$TEST_TMP/registry.port")/
bad http "@jc:registry=$HTTP_URL"
npm_config_userconfig=$TEST_TMP/http.npmrc refused http "http:// registry in the npmrc" \
	"^jwtcred: $TEST_TMP/http.npmrc:$N: registry '$HTTP_URL' would get the token of '$NERFED' \($TEST_TMP/http.npmrc:$L; pnpm sends it over http:// and to any port of that host\), which the profile's urls do not allow"
npm_config_registry=$HTTP_URL refused http-env "http:// registry in the environment" \
	"^jwtcred: the environment: registry '$HTTP_URL' would get the token of '$NERFED'"
# another host's http:// registry does not get it
bad http-other "@jc:registry=http://other.example/"
npm_config_userconfig=$TEST_TMP/http-other.npmrc run_helper http-other
expect_eq "http:// registry of another host: exit 0" 0 "$RC"

# --- files pnpm reads that the helper did not ---------------------------------------------
# npm's globalconfig (pnpm publish runs its helpers): npm_config_globalconfig, or $PREFIX/etc/npmrc
printf '//evil.example/:tokenHelper=%s\n' "$HELPER" >"$TEST_TMP/global.npmrc"
npm_config_globalconfig=$TEST_TMP/global.npmrc refused global "npm_config_globalconfig" \
	"^jwtcred: $TEST_TMP/global.npmrc:1: the token of profile 'prod' may not go to registry 'https://evil.example/'"
mkdir -p "$TEST_TMP/prefix/etc"
cp "$TEST_TMP/global.npmrc" "$TEST_TMP/prefix/etc/npmrc"
PREFIX=$TEST_TMP/prefix refused prefix "\$PREFIX/etc/npmrc" \
	"^jwtcred: $TEST_TMP/prefix/etc/npmrc:1: the token of profile 'prod' may not go to registry 'https://evil.example/'"
# a tokenHelper in the environment (pnpm publish runs it; dash drops such a name, so no
# sh here), and a globalconfig set twice
RC=0
env "npm_config_//evil.example/:tokenHelper=$HELPER" timeout 20 "$HELPER" \
	>"$TEST_TMP/envhelper.out" 2>"$TEST_TMP/envhelper.err" </dev/null || RC=$?
expect_eq "tokenHelper in the environment: exit 1" 1 "$RC"
expect_grep "tokenHelper in the environment: says so" \
	"^jwtcred: the environment sets npm_config_//evil.example/:tokenHelper: put the tokenHelper in the user npmrc instead$" \
	"$TEST_TMP/envhelper.err"
SHOWN="$SHOWN envhelper.err envhelper.out"
RC=0
env npm_config_globalconfig=/a NPM_CONFIG_GLOBALCONFIG=/b timeout 20 sh -c "$HELPER" \
	>"$TEST_TMP/gc2.out" 2>"$TEST_TMP/gc2.err" </dev/null || RC=$?
expect_eq "globalconfig set twice: exit 1" 1 "$RC"
expect_grep "globalconfig set twice: says so" \
	"^jwtcred: npm_config_globalconfig is set more than once, to different files: set it once$" \
	"$TEST_TMP/gc2.err"
SHOWN="$SHOWN gc2.err gc2.out"
# a FIFO as the user npmrc: refused at once, not read forever
mkfifo "$TEST_TMP/fifo.npmrc"
npm_config_userconfig=$TEST_TMP/fifo.npmrc refused fifo "a FIFO" \
	"^jwtcred: $TEST_TMP/fifo.npmrc is not a regular file: refusing to read it$"
# a symbolic link to the user npmrc is fine (dotfiles)
ln -s "$HOME/.npmrc" "$TEST_TMP/link.npmrc"
npm_config_userconfig=$TEST_TMP/link.npmrc run_helper link
expect_eq "user npmrc through a symbolic link: exit 0" 0 "$RC"

# pnpm --config.userconfig=FILE reads another user npmrc than the helper: the helper sees
# pnpm's command line in /proc and refuses (FILE gives the helper evil.example too)
write_config "urls = [ \"$REG_URL\" ];"
"$JWTCRED" purge >/dev/null 2>&1
cp "$TEST_TMP/evil.npmrc" "$TEST_TMP/other.npmrc"
clean_project
: >"$TEST_TMP/other.err"
HELPER_ERR=$TEST_TMP/other.err run_pnpm other install --config.userconfig="$TEST_TMP/other.npmrc"
check "pnpm --config.userconfig=FILE: fails" test "$RC" -ne 0
expect_grep "pnpm --config.userconfig=FILE: the helper says why" \
	"^jwtcred: pnpm's command line has '--config.userconfig=$TEST_TMP/other.npmrc': the helper cannot read the npmrc pnpm then reads; put the setting in the user npmrc instead$" \
	"$TEST_TMP/other.err"
check "pnpm --config.userconfig=FILE: nothing installed" test ! -e "$PROJECT/node_modules/$PKG"
clean_project
: >"$TEST_TMP/cli-http.err"
HELPER_ERR=$TEST_TMP/cli-http.err run_pnpm cli-http install "--registry=$HTTP_URL"
check "pnpm --registry=http://...: fails" test "$RC" -ne 0
expect_grep "pnpm --registry=http://...: the helper says why" \
	"^jwtcred: pnpm's command line: registry '$HTTP_URL' would get the token of '$NERFED'" \
	"$TEST_TMP/cli-http.err"

# --- no token in anything shown --------------------------------------------------------
for f in install1.out install2.out refused.out noprof.err noline.err evil.err project.err refused-helper.err registry.log registry.err \
	other.out other.err cli-http.out cli-http.err $SHOWN; do
	expect_no_grep "no token in $f" "$TOKEN|gen\.[A-Za-z0-9_-]{16,}" "$TEST_TMP/$f"
done

finish
