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
run_helper() {
	RC=0
	sh -c "$HELPER" >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" </dev/null || RC=$?
}

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
	"may not go to registry 'https://evil.example/', which $TEST_TMP/evil.npmrc gives this helper to" \
	"$TEST_TMP/evil.err"
check "registry not in urls: nothing on stdout" test ! -s "$TEST_TMP/evil.out"

# a project's .npmrc (pnpm publish runs its helpers) gives it a registry not in urls
mkdir -p "$PROJECT/sub"
printf '//evil.example/:tokenHelper=%s\n' "$HELPER" >"$PROJECT/.npmrc"
RC=0
(cd "$PROJECT/sub" && sh -c "$HELPER") >"$TEST_TMP/project.out" 2>"$TEST_TMP/project.err" </dev/null || RC=$?
expect_eq "project .npmrc, registry not in urls: exit 1" 1 "$RC"
expect_grep "project .npmrc: names it and the file" \
	"may not go to registry 'https://evil.example/', which $PROJECT/.npmrc gives this helper to" \
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
	"may not go to registry '$REG_URL', which $HOME/.npmrc gives this helper to: it is not in the profile's urls" \
	"$TEST_TMP/refused-helper.err"

# --- no token in anything shown --------------------------------------------------------
for f in install1.out install2.out refused.out noprof.err noline.err evil.err project.err refused-helper.err registry.log registry.err; do
	expect_no_grep "no token in $f" "$TOKEN|gen\.[A-Za-z0-9_-]{16,}" "$TEST_TMP/$f"
done

finish
