# shellcheck shell=bash
# tests/integration/lib.sh: shared setup for the integration tests (source it).
#
# Gives each test a private temp dir, HOME, cache and git configuration, the
# shared test PKI, and small assertion helpers.  A test ends with `finish`:
# exit 0 when every check passed, 1 otherwise; `skip REASON` exits 77.
set -u

: "${srcdir:=.}"
TOP_SRCDIR=$(cd "$srcdir" && pwd)
TOP_BUILDDIR=$(pwd)
JWTCRED=${JWTCRED:-$TOP_BUILDDIR/jwtcred-uninstalled}
TEST_NAME=$(basename "$0" .sh)

# shellcheck source=../lib/pki.sh
. "$TOP_SRCDIR/tests/lib/pki.sh"
# shellcheck source=../lib/server.sh
. "$TOP_SRCDIR/tests/lib/server.sh"

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

[ -x "$JWTCRED" ] || { echo "FAIL: no program at $JWTCRED" >&2; exit 1; }
command -v openssl >/dev/null || skip "openssl is not installed"
command -v curl >/dev/null || skip "curl is not installed"
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is missing (Debian python3)"
/usr/bin/python3 -c 'import authlib' 2>/dev/null || skip "python3-authlib is not installed (apt-get install python3-authlib)"

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/jwtcred-$TEST_NAME.XXXXXX")
_cleanup() {
	server_stop >/dev/null 2>&1
	collect_secrets
	rm -rf "$TEST_TMP"
}

# Every token this test saw (outputs, cache entries) goes to a list that
# test_hygiene.sh checks all test logs against, once the other tests ran.
SECRETS_LIST=$TOP_BUILDDIR/tests/secrets.list
# the test server's token shapes: Salesforce, Google, generic
TOKEN_RE='00D[A-Za-z0-9]+![A-Za-z0-9._-]{16,}|ya29\.[A-Za-z0-9._-]{16,}|gen\.[A-Za-z0-9_-]{16,}|cc\.[A-Za-z0-9_-]{16,}|ghs_[A-Za-z0-9_-]{16,}'
collect_secrets() {
	[ -d "${TEST_TMP:-}" ] || return 0
	(
		flock 9
		grep -rhoaE "$TOKEN_RE" "$TEST_TMP" 2>/dev/null | sort -u >>"$SECRETS_LIST"
	) 9>"$SECRETS_LIST.lock"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

# Isolation: nothing of the user's or the machine's configuration leaks in.
export HOME=$TEST_TMP/home
export JWTCRED_CACHE_DIR=$TEST_TMP/cache
export JWTCRED_CONFIG=$TEST_TMP/config
unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR JWTCRED_NOW JWTCRED_PROFILE
unset GIT_SSL_CAINFO GIT_SSL_CAPATH GIT_SSL_NO_VERIFY GIT_ASKPASS SSH_ASKPASS
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$TEST_TMP/gitconfig GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME='jwtcred test' GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME='jwtcred test' GIT_COMMITTER_EMAIL=test@example.com
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY
export no_proxy='*'
mkdir -p "$HOME" "$TEST_TMP/bin"
: >"$GIT_CONFIG_GLOBAL"
ln -s "$JWTCRED" "$TEST_TMP/bin/git-credential-jwtcred"
export PATH=$TEST_TMP/bin:$PATH

# The PKI is shared by all tests of a build (generated once, under a lock).
PKI=$TOP_BUILDDIR/tests/pki
mkdir -p "$PKI"
(
	flock 9
	pki_make "$PKI" >/dev/null
) 9>"$TOP_BUILDDIR/tests/pki.lock" || { echo "FAIL: cannot generate the test PKI" >&2; exit 1; }

# Keys as a user keeps them: our own copies, 0600.
KEYS=$TEST_TMP/keys
mkdir -p "$KEYS"
cp "$PKI"/client.key "$PKI"/client-pkcs1.key "$PKI"/client-enc.key "$PKI"/passphrase.txt \
	"$PKI"/other.key "$PKI"/ec.key "$PKI"/client.crt "$PKI"/ec.crt "$KEYS"/
chmod 600 "$KEYS"/*

CHECKS=0
FAILURES=0

ok() {
	CHECKS=$((CHECKS + 1))
	echo "ok $CHECKS - $*"
}

not_ok() {
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
	echo "not ok $CHECKS - $*"
	return 1
}

# Show at most a short prefix of anything that may hold a token.
redact() {
	sed -E -e 's/(00D[A-Za-z0-9]{3})[A-Za-z0-9!._-]{8,}/\1[redacted]/g' \
		-e 's/(ya29\.|gen\.|cc\.|ghs_)[A-Za-z0-9._-]{16,}/\1[redacted]/g'
}

# check DESCRIPTION CONDITION...: run the condition, record the result.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3" | redact
		not_ok "$1"
	fi
}

# expect_grep DESCRIPTION PATTERN FILE: an extended regexp must match.
expect_grep() {
	if grep -Eq -- "$2" "$3"; then
		ok "$1"
	else
		echo "#   /$2/ not found in:"
		show "$3"
		not_ok "$1"
	fi
}

# expect_no_grep DESCRIPTION PATTERN FILE
# expect_no_secret NAME SECRET_FILE FILE...: no line of SECRET_FILE (a token,
# a password) occurs in the FILEs.  The secret goes to grep in a file, never
# in its argv; an empty SECRET_FILE fails (it would find nothing).
expect_no_secret() {
	local name=$1 secret=$2
	shift 2
	if [ ! -s "$secret" ]; then
		not_ok "$name (no secret to look for in '$secret')"
	elif grep -qF -f "$secret" -- "$@"; then
		echo "#   a line of '$secret' found in: $*"
		not_ok "$name"
	else
		ok "$name"
	fi
}

expect_no_grep() {
	if grep -Eq -- "$2" "$3"; then
		echo "#   /$2/ unexpectedly found in:"
		show "$3"
		not_ok "$1"
	else
		ok "$1"
	fi
}

# expect_lines DESCRIPTION N FILE: FILE has exactly N lines.
expect_lines() {
	local n
	n=$(wc -l <"$3")
	expect_eq "$1" "$2" "$n"
}

finish() {
	echo "# $TEST_NAME: $((CHECKS - FAILURES)) of $CHECKS checks passed"
	[ "$CHECKS" -gt 0 ] || { echo "FAIL: no checks ran" >&2; exit 1; }
	[ "$FAILURES" -eq 0 ]
	exit $?
}

# write_config [SETTING...]: a one-profile configuration "prod" pointing at
# the local endpoint.  Each SETTING is a libconfig line ("name = value;"); it
# replaces the default of the same name or adds to the profile.
write_config() {
	local defaults=(
		"client_id = \"$SERVER_CLIENT_ID\";"
		'username = "alice@example.com";'
		"login_url = \"$SERVER_URL\";"
		'audience = "https://login.salesforce.com";'
		"private_key = \"$KEYS/client.key\";"
		"ca_file = \"$PKI/ca.crt\";"
		'timeout = 10;'
	) line set name
	{
		echo 'profiles = {'
		echo '  prod = {'
		for line in "${defaults[@]}"; do
			name=${line%% *}
			for set in "$@"; do
				[ "${set%% *}" = "$name" ] && continue 2
			done
			echo "    $line"
		done
		for set in "$@"; do
			echo "    $set"
		done
		echo '  };'
		echo '};'
	} >"$JWTCRED_CONFIG"
}

# run_jwtcred NAME ARGS...: run, stdout to $TEST_TMP/NAME.out, stderr to
# NAME.err, exit status in $RC.
run_jwtcred() {
	local name=$1
	shift
	RC=0
	"$JWTCRED" "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" </dev/null || RC=$?
}

start_server() {
	server_start "$TEST_TMP/server" "$PKI" "$@" || { echo "FAIL: token server did not start" >&2; exit 1; }
}

# show FILE: print a log into the test output, commented and redacted.
show() {
	sed 's/^/#   /' "$1" | redact
}
