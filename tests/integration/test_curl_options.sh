#!/bin/bash
# jwtcred's table of curl's options (helper/cli/curlopts.c) against the installed
# curl, so that a curl that adds or changes an option fails here before
# jwtcred curl reads its arguments wrongly:
#
# 1. every option of `curl --help all` is in the table, with the same letter
#    and the same value-ness, and every allowed option is in the help (no
#    hidden alias is allowed);
# 2. curl's own parser agrees with every entry: it knows the name, requires
#    a value exactly for the value options, refuses --no- exactly for the
#    options that are not on/off, reads the table's shortest unique prefix
#    as the same option, and knows no short letter the table lacks;
# 3. the comparison reports a table altered on purpose, so it can fail.
. "${srcdir:-.}/tests/integration/lib.sh"

DUMP=$TOP_BUILDDIR/tests/integration/curlopts_dump
CHECK=$TOP_SRCDIR/tests/integration/curlopts_check.py
[ -x "$DUMP" ] || { echo "FAIL: no $DUMP (make check builds it)" >&2; exit 1; }
CURL_VERSION=$(curl --version | head -n 1 | cut -d " " -f 1,2)
echo "# $(curl --version | head -n 1)"

"$DUMP" >"$TEST_TMP/table" || { echo "FAIL: curlopts_dump failed" >&2; exit 1; }
curl --help all >"$TEST_TMP/help" 2>&1 || { show "$TEST_TMP/help"; echo "FAIL: curl --help all failed" >&2; exit 1; }
check "the table holds curl's options" test "$(wc -l <"$TEST_TMP/table")" -gt 200

# Each probe runs curl with one option and no URL, in an empty directory: only
# its "curl: option ...:" error line is read (some print help or warnings).
mkdir "$TEST_TMP/empty"
RC=0
(cd "$TEST_TMP/empty" && /usr/bin/python3 "$CHECK" probe curl "$TEST_TMP/table") \
	>"$TEST_TMP/probes" 2>"$TEST_TMP/probe.err" || RC=$?
expect_eq "curl was probed for every entry and letter" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/probe.err"
check "the probes wrote no file" test -z "$(ls -A "$TEST_TMP/empty")"

# compare NAME TABLE: run the comparison of TABLE with curl; $RC, $TEST_TMP/NAME.out
compare() {
	RC=0
	/usr/bin/python3 "$CHECK" compare "$2" "$TEST_TMP/help" "$TEST_TMP/probes" \
		>"$TEST_TMP/$1.out" 2>&1 || RC=$?
}

compare real "$TEST_TMP/table"
expect_eq "the table agrees with $CURL_VERSION" 0 "$RC"
if [ "$RC" -ne 0 ]; then show "$TEST_TMP/real.out"; fi
grep '^#' "$TEST_TMP/real.out"

# The comparison can fail: each altered table must be reported, and why.
# self_check DESCRIPTION SED-SCRIPT PATTERN
self_check() {
	sed -e "$2" "$TEST_TMP/table" >"$TEST_TMP/altered"
	if cmp -s "$TEST_TMP/table" "$TEST_TMP/altered"; then
		not_ok "self-check: $1 (the alteration changed nothing)"
		return
	fi
	compare altered "$TEST_TMP/altered"
	if [ "$RC" -eq 1 ] && grep -Eq -- "^mismatch: $3" "$TEST_TMP/altered.out"; then
		ok "self-check: $1 is reported"
	else
		echo "#   exit $RC, /^mismatch: $3/ not found in:"
		show "$TEST_TMP/altered.out"
		not_ok "self-check: $1 is reported"
	fi
}
self_check "--header taking no value" 's/^header H value /header H flag /' \
	"--header: curl's help shows the value <header/@file>, the table has it as flag"
self_check "--silent without --no-" 's/^silent s bool /silent s flag /' \
	"--no-silent: curl accepts it, the table has --silent as flag"
self_check "a hidden value option as a flag" 's/^krb4 - value /krb4 - flag /' \
	"--krb4: curl requires a value, the table has it as flag"
self_check "-k lost" 's/^insecure k /insecure - /' \
	"(--insecure: curl's letter is -k, the table's none|-k: curl knows it)"
self_check "--insecure missing" '/^insecure /d' "--insecure: in curl --help all, not in the table"
self_check "a hidden alias allowed" 's/^ftp-ssl - bool tls$/ftp-ssl - bool allow/' \
	"--ftp-ssl: allowed, but curl --help all does not list it"
self_check "a name curl does not know" '$a jwtcred-selfcheck - flag other' \
	"--jwtcred-selfcheck: curl does not know it"
self_check "--no-buffer's --buffer as a flag" 's/^buffer N bool /buffer N flag /' \
	"--no-buffer: curl lists it as the --no- form of --buffer"

# 4. jwtcred(1) lists exactly the allowed options (a --no- form stands for its option).
man_allowed() { # MANPAGE: the options named in the allow-list of jwtcred curl
	sed -n '/^what is sent$/,/^\.RE$/p' "$1" | grep -o '\\-\\-[a-z0-9.\\-]*' | sed 's/\\-/-/g; s/^--//' |
		while read -r name; do
			if grep -q "^$name " "$TEST_TMP/table"; then echo "$name"; else echo "${name#no-}"; fi
		done | sort -u
}
awk '$4 == "allow" { print $1 }' "$TEST_TMP/table" | sort -u >"$TEST_TMP/allowed"
man_allowed "$TOP_SRCDIR/man/jwtcred.1.in" >"$TEST_TMP/man-allowed"
if diff "$TEST_TMP/allowed" "$TEST_TMP/man-allowed" >"$TEST_TMP/man.diff"; then
	ok "jwtcred(1) lists exactly the allowed options ($(wc -l <"$TEST_TMP/allowed"))"
else
	echo "#   < the table allows it, jwtcred(1) does not say so; > the reverse"
	show "$TEST_TMP/man.diff"
	not_ok "jwtcred(1) lists exactly the allowed options"
fi
sed '/^\.BR \\-\\-retry ,$/d' "$TOP_SRCDIR/man/jwtcred.1.in" >"$TEST_TMP/man-altered.1"
check "self-check: a man page that drops --retry is caught" \
	test -n "$(man_allowed "$TEST_TMP/man-altered.1" | diff "$TEST_TMP/allowed" - | grep '^< retry$')"

finish
