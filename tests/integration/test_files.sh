#!/bin/bash
# Special files where jwtcred expects a regular file: a FIFO or a device as
# the configuration, a key, a passphrase file or a cache lock file.  Each is
# refused at once, with one line naming the path; none may hang jwtcred
# (every run is under `timeout`, so a regression fails instead of hanging).
. "${srcdir:-.}/tests/integration/lib.sh"

command -v timeout >/dev/null || skip "timeout (coreutils) is not installed"
start_server
LIMIT=10 # seconds; a refusal takes milliseconds

# refused NAME DESCRIPTION PATTERN ARGS...: jwtcred ARGS is refused promptly
refused() {
	local name=$1 what=$2 pattern=$3 start elapsed
	shift 3
	start=$(date +%s%N)
	RC=0
	timeout -k 2 "$LIMIT" "$JWTCRED" "$@" </dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" || RC=$?
	elapsed=$((($(date +%s%N) - start) / 1000000))
	check "$what: does not hang (${elapsed} ms)" test "$RC" -ne 124 -a "$RC" -ne 137
	expect_eq "$what: exit 1" 1 "$RC"
	expect_eq "$what: nothing on stdout" "" "$(cat "$TEST_TMP/$name.out")"
	expect_lines "$what: one line on stderr" 1 "$TEST_TMP/$name.err"
	expect_grep "$what: says what is wrong and where" "$pattern" "$TEST_TMP/$name.err"
}

# --- the configuration -------------------------------------------------------------
write_config
mv "$JWTCRED_CONFIG" "$TEST_TMP/config.real"
mkfifo -m 600 "$JWTCRED_CONFIG"
refused conffifo "FIFO as the configuration" \
	"^jwtcred: configuration '$JWTCRED_CONFIG' is a FIFO, not a regular file: point --config or JWTCRED_CONFIG at a regular file$" \
	token
refused conffifo-arg "FIFO given with --config" "configuration '$JWTCRED_CONFIG' is a FIFO" \
	--config "$JWTCRED_CONFIG" token
# git's helper reads the configuration too, after the request
RC=0
printf 'protocol=https\nhost=git.example.com\n\n' |
	timeout -k 2 "$LIMIT" "$TEST_TMP/bin/git-credential-jwtcred" get >"$TEST_TMP/gitfifo.out" 2>"$TEST_TMP/gitfifo.err" || RC=$?
expect_eq "FIFO as the configuration, git helper: exit 1 (not a hang)" 1 "$RC"
expect_eq "FIFO as the configuration, git helper: nothing for git" "" "$(cat "$TEST_TMP/gitfifo.out")"
expect_grep "FIFO as the configuration, git helper: one line" "is a FIFO, not a regular file" "$TEST_TMP/gitfifo.err"
rm -f "$JWTCRED_CONFIG"
ln -s "$TEST_TMP/fifo" "$JWTCRED_CONFIG"
mkfifo -m 600 "$TEST_TMP/fifo"
refused conflink "symlink to a FIFO as the configuration" "configuration '$JWTCRED_CONFIG' is a FIFO" token
rm -f "$JWTCRED_CONFIG"
refused confzero "/dev/zero as the configuration" \
	"^jwtcred: configuration '/dev/zero' is a character device, not a regular file: " \
	--config /dev/zero token
refused confnull "/dev/null as the configuration" "configuration '/dev/null' is a character device" \
	--config /dev/null token
mkdir "$TEST_TMP/confdir"
refused confdir "a directory as the configuration" "configuration '$TEST_TMP/confdir' is a directory, not a regular file" \
	--config "$TEST_TMP/confdir" token
mv "$TEST_TMP/config.real" "$JWTCRED_CONFIG"

# --- key and passphrase files --------------------------------------------------------
mkfifo -m 600 "$KEYS/fifo.key"
write_config "private_key = \"$KEYS/fifo.key\";"
refused keyfifo "FIFO as the private key" "private key '$KEYS/fifo.key' is a FIFO, not a regular file" \
	token --no-cache
mkfifo -m 600 "$KEYS/fifo.pass"
write_config "private_key = \"$KEYS/client-enc.key\";" "passphrase_file = \"$KEYS/fifo.pass\";"
refused passfifo "FIFO as the passphrase file" "'$KEYS/fifo.pass' is a FIFO, not a regular file" \
	token --no-cache
write_config

# --- the cache lock file -----------------------------------------------------------------
run_jwtcred seed token
expect_eq "seed: a token" 0 "$RC"
entry=$(find "$JWTCRED_CACHE_DIR" -maxdepth 1 -name '????????????????')
lock=$entry.lock
check "seed: the lock file is there" test -f "$lock"
"$JWTCRED" purge
rm -f "$lock"
mkfifo -m 600 "$lock"
refused lockfifo "FIFO as the lock file" \
	"^jwtcred: lock file '$lock' is a FIFO, not a regular file: remove it$" token
check "FIFO as the lock file: left for the user to remove" test -p "$lock"
rm -f "$lock"
ln -s /dev/zero "$lock"
refused locklink "symlink to /dev/zero as the lock file" "lock file '$lock' is a symbolic link" token
rm -f "$lock"
mkdir "$lock"
refused lockdir "a directory as the lock file" "lock file '$lock' is a directory" token
rmdir "$lock"
run_jwtcred after token
expect_eq "lock file removed: mints again" 0 "$RC"
check "lock file removed: a regular lock file again" test -f "$lock" -a ! -L "$lock"

# --- a FIFO as a cache entry is ignored, not waited for ---------------------------------
"$JWTCRED" purge
mkfifo -m 600 "$entry"
RC=0
timeout -k 2 "$LIMIT" "$JWTCRED" token >"$TEST_TMP/entryfifo.out" 2>"$TEST_TMP/entryfifo.err" </dev/null || RC=$?
expect_eq "FIFO as a cache entry: ignored, a token minted (not a hang)" 0 "$RC"
check "FIFO as a cache entry: replaced by a regular entry" test -f "$entry" -a ! -p "$entry"

finish
