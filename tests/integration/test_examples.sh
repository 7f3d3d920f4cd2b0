#!/bin/sh
# tests/integration/test_examples.sh: every config-examples/*.conf loads.
#
# For each example, creates the files it names under a private HOME (one
# RSA 2048 key copied to every private_key path, a self-signed certificate
# for it at every certificate path, a passphrase file at every
# passphrase_file path), then runs "jwtcred --config FILE check" and expects
# exit 0, nothing on stderr, and one "fits" line per profile.  No network.
#
# Environment: JWTCRED (default ./jwtcred, from the top build directory),
# srcdir (default .).  Exit 0 pass, 1 fail, 77 skip.

: "${srcdir:=.}"
JWTCRED=${JWTCRED:-./jwtcred}
case $JWTCRED in
/*) ;;
*) JWTCRED=$(pwd)/$JWTCRED ;;
esac
EXAMPLES=$(cd "$srcdir/config-examples" 2>/dev/null && pwd) || {
	echo "FAIL: test_examples: no directory $srcdir/config-examples" >&2
	exit 1
}
[ -x "$JWTCRED" ] || { echo "FAIL: test_examples: no program at $JWTCRED" >&2; exit 1; }
command -v openssl >/dev/null 2>&1 || { echo "SKIP: test_examples: openssl is not installed"; exit 77; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/jwtcred-examples.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

export HOME="$TMP/home"
export JWTCRED_CACHE_DIR="$TMP/cache"
unset JWTCRED_CONFIG JWTCRED_NOW XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR
mkdir -p "$HOME" || exit 1
umask 077

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
}

# One key and its certificate, copied wherever an example wants one.
if ! { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/key.pem" &&
	openssl req -new -x509 -key "$TMP/key.pem" -out "$TMP/cert.pem" -days 365 \
		-subj "/CN=jwtcred example"; } >"$TMP/openssl.log" 2>&1; then
	echo "FAIL: test_examples: openssl could not make a key and certificate:" >&2
	cat "$TMP/openssl.log" >&2
	exit 1
fi

# values FILE SETTING: the string values of SETTING in FILE, one per line.
values() {
	sed -n "s/^[[:space:]]*$2[[:space:]]*[=:][[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$1"
}

# place FILE SETTING SOURCE: copy SOURCE to every ~/ path FILE gives SETTING.
# Absolute paths are used as they are; others cannot be created here.
place() {
	values "$1" "$2" | while IFS= read -r path; do
		case $path in
		\~/*)
			dest=$HOME/${path#\~/}
			mkdir -p "$(dirname "$dest")" && chmod 700 "$(dirname "$dest")" &&
				cp "$3" "$dest" && chmod 600 "$dest" || exit 1
			;;
		/*)
			[ "$2" = ca_file ] || [ -e "$path" ] || {
				echo "$2 '$path': use a path under ~/ so the test can create it" >&2
				exit 1
			}
			;;
		*)
			echo "$2 '$path': use a path under ~/ so the test can create it" >&2
			exit 1
			;;
		esac
	done
}

printf '%s\n' 'jwtcred example passphrase' >"$TMP/passphrase"
n=0
for conf in "$EXAMPLES"/*.conf; do
	[ -f "$conf" ] || continue
	n=$((n + 1))
	name=${conf##*/}
	out=$TMP/$name.out
	err=$TMP/$name.err
	if ! { place "$conf" private_key "$TMP/key.pem" &&
		place "$conf" certificate "$TMP/cert.pem" &&
		place "$conf" passphrase_file "$TMP/passphrase" &&
		place "$conf" ca_file "$TMP/cert.pem"; } 2>"$err"; then
		not_ok "$name: cannot create the files it names: $(cat "$err")"
		continue
	fi
	for var in $(values "$conf" passphrase_env); do
		export "$var=jwtcred example passphrase"
	done

	"$JWTCRED" --config "$conf" check >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$name: jwtcred check exits 0"
	else
		not_ok "$name: jwtcred check exits $rc"
		sed 's/^/#   /' "$err"
	fi
	if [ -s "$err" ]; then
		not_ok "$name: jwtcred check writes nothing on stderr"
		sed 's/^/#   /' "$err"
	else
		ok "$name: jwtcred check writes nothing on stderr"
	fi
	profiles=$(sed -n "s/^configuration '.*': \\([0-9][0-9]*\\) profiles*\$/\\1/p" "$out")
	fits=$(grep -c "^profile '.*': key '.*' (.*) fits RS256\$" "$out")
	if [ -n "$profiles" ] && [ "$profiles" -gt 0 ] && [ "$fits" -eq "$profiles" ]; then
		ok "$name: all $profiles profile(s) have a usable key"
	else
		not_ok "$name: ${profiles:-?} profile(s), $fits with a usable key"
		sed 's/^/#   /' "$out"
	fi
done
if [ "$n" -eq 0 ]; then
	not_ok "config-examples/ holds no .conf file"
fi

# The check above must be able to fail: a misspelt setting in a copy of an
# example is refused with the file and line.
first=
for conf in "$EXAMPLES"/*.conf; do
	[ -f "$conf" ] && first=$conf && break
done
if [ -n "$first" ]; then
	sed 's/^\([[:space:]]*\)private_key\([[:space:]]*[=:]\)/\1private_kye\2/' "$first" \
		>"$TMP/broken.conf"
	"$JWTCRED" --config "$TMP/broken.conf" check >/dev/null 2>"$TMP/broken.err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF "'$TMP/broken.conf':" "$TMP/broken.err" &&
		grep -qF ": unknown setting 'private_kye' in profile" "$TMP/broken.err"; then
		ok "a misspelt setting fails with file and line"
	else
		not_ok "a misspelt setting fails with file and line (exit $rc)"
		sed 's/^/#   /' "$TMP/broken.err"
	fi
fi

echo "1..$CHECKS"
[ "$FAILURES" -eq 0 ] || {
	echo "FAIL: test_examples: $FAILURES of $CHECKS checks failed"
	exit 1
}
exit 0
