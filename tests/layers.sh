#!/bin/sh
# tests/layers.sh: the direction of dependencies between helper/'s folders.
#
# Scans every .c and .h under $srcdir/helper, whatever files the folders hold
# today, and enforces:
#   - every quoted include names its folder ("core/conf.h", not "conf.h"),
#     or is one of the top-level headers (config.h, jwtcred.h,
#     jwtcred-version.h); our own headers are never included with <>;
#   - helper/core includes only core/ headers of ours, and no OpenSSL, libcurl,
#     hiredis or libpsl header (pubsuffix.c, which dlopens libpsl, may use its header
#     for the types);
#   - helper/engine includes core/ and engine/ headers, never cli/ or lib/;
#   - helper/cli includes core/ and cli/ headers, never engine/ or lib/ (the
#     program reaches the engine only through core/engine.h's table), and no
#     OpenSSL, libcurl or hiredis header (a cache hit loads none of them);
#   - helper/lib includes anything of ours but cli/;
#   - helper/core and helper/engine never print: no printf, fprintf, vprintf,
#     vfprintf, dprintf, puts, fputs, putchar, perror, stdout or stderr
#     (snprintf and vsnprintf are fine).  Comments and string literals are
#     not code and are not scanned for these.
#   - a file directly in helper/, or in a folder with no rule here, is a
#     violation: a new folder needs its rule.
# One line per violation, "helper/FILE:LINE: what rule", and exit 1.
# Before the tree, it checks itself on a planted tree that breaks each rule
# once: a check that cannot fail would prove nothing.
#
# Exceptions are listed below, each with the reason it exists; an exception
# that no longer matches anything is reported so that it gets removed.
#
# Environment: srcdir (default .).  Exit 0 pass, 1 fail.

: "${srcdir:=.}"
HELPER=$srcdir/helper
[ -d "$HELPER" ] || { echo "FAIL: layers: no directory $HELPER" >&2; exit 1; }

# Exceptions: "FILE RULE" (FILE relative to helper/, RULE as printed).
#
# core/credproto.c's writer formats key=value lines with fprintf
# into a FILE * the caller passes: the core shapes the protocol, the program
# chooses the stream.
EXCEPTIONS='
core/credproto.c prints (fprintf)
'

TMP=$(mktemp -d "${TMPDIR:-/tmp}/jwtcred-layers.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

# What printing looks like, in code with comments and literals blanked.
PRINTS='(^|[^A-Za-z0-9_])((printf|fprintf|vprintf|vfprintf|dprintf|puts|fputs|putchar|perror)[[:space:]]*\(|(stdout|stderr)([^A-Za-z0-9_]|$))'

# strip MODE FILE: FILE with comments blanked (MODE code: string and
# character literals blanked too), line numbers kept.
strip() {
	awk -v mode="$1" '
	BEGIN { st = 0 }  # 0 code, 1 block comment, 2 string, 3 char
	{
		out = ""; n = length($0); i = 1
		while (i <= n) {
			c = substr($0, i, 1); d = substr($0, i, 2)
			if (st == 1) {
				if (d == "*/") { st = 0; out = out "  "; i += 2; continue }
				out = out " "; i++; continue
			}
			if (st == 2 || st == 3) {
				q = (st == 2) ? "\"" : "\047"
				if (c == "\\") { out = out (mode == "code" ? "  " : d); i += 2; continue }
				if (c == q) { st = 0; out = out c; i++; continue }
				out = out (mode == "code" ? " " : c); i++; continue
			}
			if (d == "/*") { st = 1; out = out "  "; i += 2; continue }
			if (d == "//") break
			if (c == "\"") st = 2
			else if (c == "\047") st = 3
			out = out c; i++
		}
		if (st == 3) st = 0   # an apostrophe in an #error line
		print out
	}' "$2"
}

# scan DIR: the violations under DIR (a helper/ folder), one per line.
scan() {
	(cd "$1" && find . -name '*.[ch]' | sed 's|^\./||' | LC_ALL=C sort) |
	while read -r f; do
		layer=${f%%/*}
		case $f in
		*/*) ;;
		*) layer= ;;
		esac
		case $layer in
		core|engine|cli|lib) ;;
		*)
			echo "helper/$f:1: not in a folder with layering rules (core, engine, cli, lib)"
			continue
			;;
		esac
		# includes: comments stripped, strings kept
		strip include "$1/$f" | awk -v f="$f" -v layer="$layer" '
		function bad(what) { printf "helper/%s:%d: %s\n", f, NR, what }
		/^[ \t]*#[ \t]*include/ {
			line = $0
			sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
			if (line ~ /^"/) {
				h = line; sub(/^"/, "", h); sub(/".*/, "", h)
				if (h == "config.h" || h == "jwtcred.h" || h == "jwtcred-version.h")
					next
				if (h !~ /^(core|engine|cli|lib)\/[A-Za-z0-9_.-]+\.h$/ || h ~ /\.\./) {
					bad("a quoted include names its folder (\"core/x.h\"), not \"" h "\"")
					next
				}
				dir = h; sub(/\/.*/, "", dir)
				if ((layer == "core" && dir != "core") ||
				    (layer == "engine" && (dir == "cli" || dir == "lib")) ||
				    (layer == "cli" && (dir == "engine" || dir == "lib")) ||
				    (layer == "lib" && dir == "cli"))
					bad("includes \"" h "\": " layer "/ must not include " dir "/ headers")
			} else if (line ~ /^</) {
				h = line; sub(/^</, "", h); sub(/>.*/, "", h)
				if (h ~ /^(core|engine|cli|lib)\//)
					bad("our own header <" h "> is included with quotes and its folder")
				else if ((layer == "core" || layer == "cli") && h ~ /^(openssl|curl|hiredis)\//)
					bad("includes <" h ">: no OpenSSL, libcurl or hiredis in " layer "/")
				else if (layer == "core" && h == "libpsl.h" && f != "core/pubsuffix.c")
					bad("includes <libpsl.h>: only core/pubsuffix.c, which dlopens libpsl, may")
			} else {
				bad("an include of a macro cannot be checked: name the header")
			}
		}'
		# printing: comments and literals stripped
		case $layer in
		core|engine)
			strip code "$1/$f" |
				grep -nE "$PRINTS" |
				while IFS=: read -r n text; do
					how=$(printf '%s\n' "$text" | grep -oE "$PRINTS" | head -n 1 |
						sed 's/^[^A-Za-z_]*//; s/[^A-Za-z_]*$//')
					echo "helper/$f:$n: prints ($how); only helper/cli prints (return the text in a jwtcred_error)"
				done
			;;
		esac
	done
}

# Self-check: a tree with one violation of each rule, each of which must be
# reported, beside a clean file that must not be.
P=$TMP/planted/helper
mkdir -p "$P/core" "$P/engine" "$P/cli" "$P/lib" "$P/misc"
cat >"$P/core/ok.c" <<'EOF'
#include "config.h"
#include <stdio.h>
#include <jansson.h>
#include "jwtcred.h"
#include "core/ok.h"
/* printf("in a comment"), stderr
   puts(stdout) */
static int f(char *b) { return snprintf(b, 4, "puts(%s)", "stdout") + vsnprintf(b, 4, "%c", '"'); }
EOF
cat >"$P/core/bad.c" <<'EOF'
#include <openssl/evp.h>
#include <curl/curl.h>
#include <libpsl.h>
#include "engine/key.h"
#include "conf.h"
#include "core/../cli/cli.h"
#include <core/conf.h>
static void f(void) { fputs("x", stderr); }
static void g(void) { printf("x"); }
EOF
cat >"$P/engine/bad.c" <<'EOF'
#include <openssl/evp.h>
#include "core/conf.h"
#include "engine/key.h"
#include "cli/cli.h"
#include "lib/x.h"
static void f(void) { perror("x"); }
EOF
cat >"$P/cli/bad.c" <<'EOF'
#include <stdio.h>
#include "core/engine.h"
#include "cli/cli.h"
#include "engine/key.h"
#include <openssl/evp.h>
#include <hiredis/hiredis.h>
static void f(void) { printf("x"); }
EOF
cat >"$P/lib/bad.c" <<'EOF'
#include <curl/curl.h>
#include "core/conf.h"
#include "engine/mint.h"
#include "cli/cli.h"
EOF
echo 'int x;' >"$P/misc/x.c"
echo 'int y;' >"$P/top.c"
cat >"$TMP/expected" <<'EOF'
helper/cli/bad.c:4: includes "engine/key.h": cli/ must not include engine/ headers
helper/cli/bad.c:5: includes <openssl/evp.h>: no OpenSSL, libcurl or hiredis in cli/
helper/cli/bad.c:6: includes <hiredis/hiredis.h>: no OpenSSL, libcurl or hiredis in cli/
helper/core/bad.c:1: includes <openssl/evp.h>: no OpenSSL, libcurl or hiredis in core/
helper/core/bad.c:2: includes <curl/curl.h>: no OpenSSL, libcurl or hiredis in core/
helper/core/bad.c:3: includes <libpsl.h>: only core/pubsuffix.c, which dlopens libpsl, may
helper/core/bad.c:4: includes "engine/key.h": core/ must not include engine/ headers
helper/core/bad.c:5: a quoted include names its folder ("core/x.h"), not "conf.h"
helper/core/bad.c:6: a quoted include names its folder ("core/x.h"), not "core/../cli/cli.h"
helper/core/bad.c:7: our own header <core/conf.h> is included with quotes and its folder
helper/core/bad.c:8: prints (fputs); only helper/cli prints (return the text in a jwtcred_error)
helper/core/bad.c:9: prints (printf); only helper/cli prints (return the text in a jwtcred_error)
helper/engine/bad.c:4: includes "cli/cli.h": engine/ must not include cli/ headers
helper/engine/bad.c:5: includes "lib/x.h": engine/ must not include lib/ headers
helper/engine/bad.c:6: prints (perror); only helper/cli prints (return the text in a jwtcred_error)
helper/lib/bad.c:4: includes "cli/cli.h": lib/ must not include cli/ headers
helper/misc/x.c:1: not in a folder with layering rules (core, engine, cli, lib)
helper/top.c:1: not in a folder with layering rules (core, engine, cli, lib)
EOF
scan "$P" | LC_ALL=C sort >"$TMP/planted.out"
if ! cmp -s "$TMP/expected" "$TMP/planted.out"; then
	echo "FAIL: layers: self-check: planted violations not reported as expected (< expected, > reported)"
	diff "$TMP/expected" "$TMP/planted.out"
	exit 1
fi
echo "ok: layers: self-check: $(wc -l <"$TMP/expected") planted violations reported, a clean file passed"

nfiles=$(find "$HELPER" -name '*.[ch]' | wc -l)
[ "$nfiles" -gt 0 ] || { echo "FAIL: layers: no .c or .h file under $HELPER" >&2; exit 1; }
scan "$HELPER" >"$TMP/found"

# Apply the exceptions: "helper/FILE:N: RULE..." matches "FILE RULE".
: >"$TMP/violations"
: >"$TMP/used"
while IFS= read -r v; do
	file=${v%%:*}
	file=${file#helper/}
	rule=${v#*:*: }
	excused=
	while IFS= read -r e; do
		[ -n "$e" ] || continue
		case "$file $rule" in
		"$e"*) excused=$e ;;
		esac
	done <<EOF
$EXCEPTIONS
EOF
	if [ -n "$excused" ]; then
		echo "$excused" >>"$TMP/used"
	else
		echo "$v" >>"$TMP/violations"
	fi
done <"$TMP/found"

# an exception that excuses nothing is a stale hole in the rules
echo "$EXCEPTIONS" | while IFS= read -r e; do
	[ -n "$e" ] || continue
	grep -qxF "$e" "$TMP/used" ||
		echo "helper/${e%% *}:1: exception '$e' matches nothing any more: remove it from tests/layers.sh"
done >>"$TMP/violations"
sort -u "$TMP/used" | sed 's/^/# excepted: /'

if [ -s "$TMP/violations" ]; then
	cat "$TMP/violations"
	echo "FAIL: layers: $(wc -l <"$TMP/violations") violation(s) in $nfiles files under helper/"
	exit 1
fi
echo "ok: layers: $nfiles files under helper/ follow the layering rules"
exit 0
