#!/bin/sh
# tests/integration/test_examples.sh: every config-examples/*.conf loads.
#
# For each example, creates the files it names under a private HOME: for
# each profile, a key of the type its algorithm needs (RSA 2048, EC P-256,
# P-384 or P-521, Ed25519) at its private_key path, as PKCS#12 when the path
# ends in .p12 or .pfx; a Google service account JSON key file at its
# service_account_file path; a self-signed certificate for the key at its
# certificate path; a passphrase file at every passphrase_file path; a
# consumer secret at every client_secret_file path.  Then
# runs "jwtcred --config FILE check" and expects exit 0, nothing on stderr,
# and one "fits" line per profile.  No network.
#
# Environment: JWTCRED (default ./jwtcred-uninstalled, the build tree's program),
# srcdir (default .).  Exit 0 pass, 1 fail, 77 skip.

: "${srcdir:=.}"
JWTCRED=${JWTCRED:-./jwtcred-uninstalled}
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

PASSPHRASE='jwtcred example passphrase'
printf '%s\n' "$PASSPHRASE" >"$TMP/passphrase"

# key TYPE: the path of a key (and TYPE.crt, its certificate) of TYPE
# (RSA, P-256, P-384, P-521, Ed25519), made on first use.
key() {
	if [ ! -f "$TMP/$1.pem" ]; then
		case $1 in
		RSA) set -- "$1" -algorithm RSA -pkeyopt rsa_keygen_bits:2048 ;;
		Ed25519) set -- "$1" -algorithm ED25519 ;;
		*) set -- "$1" -algorithm EC -pkeyopt "ec_paramgen_curve:$1" ;;
		esac
		type=$1
		shift
		if ! { openssl genpkey "$@" -out "$TMP/$type.pem" &&
			openssl req -new -x509 -key "$TMP/$type.pem" -out "$TMP/$type.crt" -days 365 \
				-subj "/CN=jwtcred example"; } >>"$TMP/openssl.log" 2>&1; then
			echo "openssl could not make a $type key:" >&2
			cat "$TMP/openssl.log" >&2
			return 1
		fi
		set -- "$type"
	fi
	echo "$TMP/$1.pem"
}

# values FILE SETTING: the string values of SETTING in FILE, one per line.
values() {
	sed -n "s/^[[:space:]]*$2[[:space:]]*[=:][[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$1"
}

# key_type ALG: the key type an algorithm needs.
key_type() {
	case $1 in
	ES256) echo P-256 ;;
	ES384) echo P-384 ;;
	ES512) echo P-521 ;;
	EdDSA) echo Ed25519 ;;
	*) echo RSA ;;
	esac
}

# files FILE: one line per file a profile names: "SETTING ALGORITHM PATH",
# with the profile's algorithm (default RS256).  Comments are dropped; a
# profile is a group one level inside "profiles".
files() {
	awk '
	function flush(   i) {
		for (i = 1; i <= n; i++)
			print set[i], (alg == "" ? "RS256" : alg), val[i]
		n = 0; alg = ""
	}
	{
		line = ""; q = 0
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "\"") q = !q
			if (!q && (c == "#" || substr($0, i, 2) == "//")) break
			line = line c
		}
		if (match(line, /^[ \t]*(private_key|service_account_file|certificate|passphrase_file|client_secret_file|ca_file|algorithm)[ \t]*[=:][ \t]*"[^"]*"/)) {
			name = line; sub(/^[ \t]*/, "", name); sub(/[ \t=:].*/, "", name)
			v = line; sub(/^[^"]*"/, "", v); sub(/".*/, "", v)
			if (name == "algorithm") alg = v
			else { n++; set[n] = name; val[n] = v }
		}
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c == "{") depth++
			if (c == "}") { depth--; if (depth == 1) flush() }
		}
	}
	END { flush() }
	' "$1"
}

# place SETTING ALGORITHM PATH: create what SETTING at PATH must hold.
place() {
	case $3 in
	\~/*) dest=$HOME/${3#\~/} ;;
	/*)
		[ "$1" = ca_file ] || [ -e "$3" ] || {
			echo "$1 '$3': use a path under ~/ so the test can create it" >&2
			return 1
		}
		return 0
		;;
	*)
		echo "$1 '$3': use a path under ~/ so the test can create it" >&2
		return 1
		;;
	esac
	mkdir -p "$(dirname "$dest")" && chmod 700 "$(dirname "$dest")" || return 1
	k=$(key "$(key_type "$2")") || return 1
	case $1 in
	private_key)
		case $dest in
		*.p12 | *.pfx)
			openssl pkcs12 -export -inkey "$k" -in "${k%.pem}.crt" -out "$dest" \
				-passout "pass:$PASSPHRASE" >>"$TMP/openssl.log" 2>&1 || return 1
			;;
		*) cp "$k" "$dest" || return 1 ;;
		esac
		;;
	service_account_file)
		k=$(key RSA) || return 1
		{
			printf '{\n  "type": "service_account",\n  "project_id": "example",\n'
			printf '  "private_key_id": "0123456789abcdef0123456789abcdef01234567",\n'
			printf '  "private_key": "'
			awk '{ printf "%s\\n", $0 }' "$k"
			printf '",\n  "client_email": "example@example.iam.gserviceaccount.com",\n'
			printf '  "token_uri": "https://oauth2.googleapis.com/token"\n}\n'
		} >"$dest" || return 1
		;;
	certificate) cp "${k%.pem}.crt" "$dest" || return 1 ;;
	passphrase_file) cp "$TMP/passphrase" "$dest" || return 1 ;;
	client_secret_file) printf '%s\n' 'example-consumer-secret' >"$dest" || return 1 ;;
	esac
	chmod 600 "$dest"
}

n=0
for conf in "$EXAMPLES"/*.conf; do
	[ -f "$conf" ] || continue
	n=$((n + 1))
	name=${conf##*/}
	if [ "$name" = fleet.conf ] && ! grep -q '^#define HAVE_HIREDIS 1' "$(dirname "$JWTCRED")/config.h"; then
		ok "$name: skipped: this build has no Redis support (a shared_cache group is refused)"
		continue
	fi
	out=$TMP/$name.out
	err=$TMP/$name.err
	if ! files "$conf" | { ok=0; while read -r setting alg path; do
		place "$setting" "$alg" "$path" || { ok=1; break; }; done; exit $ok; } 2>"$err"; then
		not_ok "$name: cannot create the files it names: $(cat "$err")"
		continue
	fi
	for var in $(values "$conf" passphrase_env); do
		export "$var=$PASSPHRASE"
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
	fits=$(grep -cE "^profile '.*': key '.*' \(.*\) fits [A-Za-z0-9]+\$" "$out")
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
