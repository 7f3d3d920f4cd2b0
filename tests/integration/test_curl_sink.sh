#!/bin/bash
# jwtcred curl against real curl and a loopback HTTPS sink (tests/server/sink.py):
# whatever the arguments, the token reaches only a listener the profile allows.
#
# 1. The hostile corpus (tests/curl/hostile.args): each case's expected outcome,
#    and after each case, what the sink received.
# 2. A sweep over every option of the installed curl's --help all, in its long,
#    upper-case, shortest unique prefix and --no- spellings (and its letter),
#    each followed by a sink URL and an allowed URL.
# 3. A control: a profile that does allow the sink sends it a token, and the
#    check sees it, so the check can fail.
. "${srcdir:-.}/tests/integration/lib.sh"

CORPUS=$TOP_SRCDIR/tests/curl/hostile.args
SINK_CHECK=$TOP_SRCDIR/tests/integration/sink_check.py

start_server
/usr/bin/python3 "$TOP_SRCDIR/tests/server/sink.py" --cert "$PKI/server.crt" --key "$PKI/server.key" \
	--ports 3 --port-file "$TEST_TMP/sink.ports" --log "$TEST_TMP/sink.log" \
	</dev/null >"$TEST_TMP/sink.out" 2>&1 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null; _cleanup' EXIT
for _ in $(seq 100); do [ -s "$TEST_TMP/sink.ports" ] && break; sleep 0.1; done
read -r PA PB PS <"$TEST_TMP/sink.ports" || { echo "FAIL: the sink did not start" >&2; cat "$TEST_TMP/sink.out" >&2; exit 1; }

write_config "urls = [ \"https://localhost:$PA/allowed\", \"https://localhost:$PB\" ];"
export CURL_CA_BUNDLE=$PKI/ca.crt
TOKEN=$("$JWTCRED" token 2>"$TEST_TMP/token.err") || { show "$TEST_TMP/token.err"; echo "FAIL: no token" >&2; exit 1; }
export TOKEN TOKEN_RE
# The listeners that may see the token: PA for /allowed, PB for anything, and the
# token endpoint itself (its instance_url) is not a sink listener.
ALLOWED=("$PA:localhost:/allowed" "$PB:localhost")

# A curl in front of the real one notes that it ran.
REAL_CURL=$(command -v curl)
cat >"$TEST_TMP/bin/curl" <<SH
#!/bin/sh
echo ran >>"$TEST_TMP/curl.ran"
exec "$REAL_CURL" "\$@"
SH
chmod +x "$TEST_TMP/bin/curl"

mkdir -p "$TEST_TMP/scratch" && printf 'url = "https://127.0.0.1:%s/from-config"\n' "$PS" >"$TEST_TMP/scratch/evil.cfg"
: >"$TEST_TMP/sink.log"
expand() { # the corpus placeholders
	local s=$1
	s=${s//@A1@/https://127.0.0.1:$PA}
	s=${s//@A@/https://localhost:$PA}
	s=${s//@B@/https://localhost:$PB}
	s=${s//@SL@/https://localhost:$PS}
	s=${s//@S@/https://127.0.0.1:$PS}
	s=${s//@PA@/$PA}
	s=${s//@PB@/$PB}
	s=${s//@PS@/$PS}
	s=${s//@T@/$TEST_TMP/scratch}
	printf '%s' "$s"
}
log_lines() { wc -l <"$TEST_TMP/sink.log"; }
# leaks FROM: the requests since line FROM that got a token they should not have
leaks() { /usr/bin/python3 "$SINK_CHECK" "$TEST_TMP/sink.log" "$1" "${ALLOWED[@]}"; }

# run_curl ARGS...: jwtcred curl in the scratch directory; sets RC and RAN
run_curl() {
	rm -f "$TEST_TMP/curl.ran"
	RC=0
	(cd "$TEST_TMP/scratch" && timeout 30 "$JWTCRED" curl -- "$@") \
		</dev/null >"$TEST_TMP/case.out" 2>"$TEST_TMP/case.err" || RC=$?
	RAN=no
	[ -e "$TEST_TMP/curl.ran" ] && RAN=yes
}

# run_case ARGS...: run_curl, then what the sink got from it in LEAKS
run_case() {
	local from
	from=$(($(log_lines) + 1))
	run_curl "$@"
	LEAKS=$(leaks "$from")
}

# --- 1. the corpus ------------------------------------------------------------------
cases=0 leaked=0 wrong=0
while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	expect=${line%% *}
	words=$(expand "${line#* }")
	eval "args=($words)"
	cases=$((cases + 1))
	run_case "${args[@]}"
	what="case $cases (${line#* })"
	if [ "$RC" -eq 124 ]; then
		not_ok "$what: hung" || true
		wrong=$((wrong + 1))
	fi
	if [ -n "$LEAKS" ]; then
		echo "#   $what leaked:" && echo "$LEAKS" | redact | sed 's/^/#     /'
		leaked=$((leaked + 1))
	fi
	case $expect in
	refuse)
		if [ "$RAN" = yes ] || [ "$RC" -eq 0 ] || [ "$(wc -l <"$TEST_TMP/case.err")" -ne 1 ] ||
			! grep -q '^jwtcred: ' "$TEST_TMP/case.err"; then
			echo "#   $what: expected one refusal line and no curl; exit $RC, curl ran: $RAN, stderr:"
			show "$TEST_TMP/case.err"
			wrong=$((wrong + 1))
		fi
		;;
	run)
		if [ "$RAN" != yes ]; then
			echo "#   $what: expected curl to run; exit $RC, stderr:"
			show "$TEST_TMP/case.err"
			wrong=$((wrong + 1))
		fi
		;;
	esac
done <"$CORPUS"
check "corpus: at least 100 hostile cases ran ($cases)" test "$cases" -ge 100
expect_eq "corpus: every case had its expected outcome" 0 "$wrong"
expect_eq "corpus: no case sent a token to the sink" 0 "$leaked"
expect_grep "corpus: the allowed listener got the token (the setup is live)" "$TOKEN" "$TEST_TMP/sink.log"
check "corpus: a redirect reached the sink, without the token" \
	grep -q "\"port\": $PS, \"sni\": null, \"host\": \"127.0.0.1:$PS\", \"method\": \"GET\", \"path\": \"/stolen\"" "$TEST_TMP/sink.log"

# --- 2. the sweep over curl's own option list --------------------------------------
# Every spelling is followed by a sink URL (taken as the option's value, or as a
# URL) and by an allowed URL, so that a profile is found and curl may run.
sweep_from=$(($(log_lines) + 1))
curl --help all | /usr/bin/python3 -c '
import re, sys
names, letters = [], {}
for line in sys.stdin:
    m = re.match(r"\s*(?:-(\S), )?--(\S+)", line)
    if m:
        names.append(m.group(2))
        if m.group(1):
            letters[m.group(2)] = m.group(1)
def prefix(name):
    for n in range(1, len(name)):
        p = name[:n]
        if [x for x in names if x.startswith(p)] == [name]:
            return p
    return None
for name in names:
    spellings = ["--" + name, "--" + name.upper()]
    p = prefix(name)
    if p:
        spellings.append("--" + p)
    spellings.append("--" + name[3:] if name.startswith("no-") else "--no-" + name)
    if name in letters:
        spellings.append("-" + letters[name])
    for s in spellings:
        print(s)
' >"$TEST_TMP/spellings"
swept=0 sweep_hung=0
while IFS= read -r spelling; do
	swept=$((swept + 1))
	run_curl "$spelling" "https://127.0.0.1:$PS/sweep/$swept" "https://localhost:$PA/allowed/sweep/$swept"
	[ "$RC" -eq 124 ] && { echo "#   sweep: '$spelling' hung"; sweep_hung=$((sweep_hung + 1)); }
done <"$TEST_TMP/spellings"
check "sweep: every option of curl --help all, in 4-5 spellings ($swept runs)" test "$swept" -ge 800
expect_eq "sweep: nothing hung" 0 "$sweep_hung"
# the sink paths carry the run's number: line N of the spellings
sweep_leaks=$(leaks "$sweep_from")
[ -z "$sweep_leaks" ] || echo "$sweep_leaks" | redact | sed 's/^/#   /' | head -20
expect_eq "sweep: no spelling sent a token to the sink" "" "$sweep_leaks"

# --- 3. the control: the check sees a token that does reach the sink --------------------
control_from=$(($(log_lines) + 1))
write_config "urls = [ \"https://127.0.0.1:$PS\" ];"
run_case -sS "https://127.0.0.1:$PS/control"
expect_eq "control: a profile that lists the sink: curl ran" yes "$RAN"
check "control: the check reports the token at the sink" test -n "$(leaks "$control_from")"

finish
