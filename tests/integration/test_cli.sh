#!/bin/bash
# Help and output that scripts can use: each command's help (help CMD,
# CMD --help, the link names' --help), the command list, docker's version
# action, status --json and check --json (never a token), the status
# table's two times and adaptive widths, `profiles`, and -p NAME for a
# profile that does not exist (status, purge).
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
write_config
JSON=$TEST_TMP/jget.py
cat >"$JSON" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
print(eval(sys.argv[2], {"doc": doc}))
PY
# jq-like: jget FILE EXPR (a Python expression over doc)
jget() { /usr/bin/python3 "$JSON" "$1" "$2"; }

# --- help per command ------------------------------------------------------------------
COMMANDS="token curl exec kubectl cargo terraform bazel goauth pnpm assertion check status purge profiles help get"
for c in $COMMANDS; do
	run_jwtcred "help_$c" help "$c"
	expect_eq "help $c: exit 0" 0 "$RC"
	expect_grep "help $c: a usage line naming the command" "^usage: jwtcred .*\\b$c\\b" "$TEST_TMP/help_$c.out"
	expect_grep "help $c: an example" '^Example:$' "$TEST_TMP/help_$c.out"
	expect_eq "help $c: nothing on stderr" "" "$(cat "$TEST_TMP/help_$c.err")"
	expect_no_grep "help $c: every line fits 80 columns" '^.{81}' "$TEST_TMP/help_$c.out"
	run_jwtcred "dash_$c" "$c" --help
	expect_eq "$c --help: exit 0" 0 "$RC"
	check "$c --help: the same text as help $c" cmp -s "$TEST_TMP/help_$c.out" "$TEST_TMP/dash_$c.out"
done
run_jwtcred help_opts help token
expect_grep "help token: --format and its values" '^  --format FMT +bare \(default\), header, json, env or curl-config$' "$TEST_TMP/help_opts.out"
run_jwtcred dash_h token --format json -h
check "token --format json -h: token's help (-h after the command word)" cmp -s "$TEST_TMP/help_token.out" "$TEST_TMP/dash_h.out"
run_jwtcred help_store help store
check "help store: git's page" cmp -s "$TEST_TMP/help_get.out" "$TEST_TMP/help_store.out"
run_jwtcred help_init help init
expect_eq "help init: exit 0" 0 "$RC"
check "help init: init's usage" grep -q 'init' "$TEST_TMP/help_init.out"
run_jwtcred dash_init init --help
check "init --help: the same as help init" cmp -s "$TEST_TMP/help_init.out" "$TEST_TMP/dash_init.out"

# --- the command list ------------------------------------------------------------------------
run_jwtcred list --help
expect_eq "--help: exit 0" 0 "$RC"
run_jwtcred list2 help
check "help: the same list as --help" cmp -s "$TEST_TMP/list.out" "$TEST_TMP/list2.out"
for c in $COMMANDS init; do
	expect_eq "--help: one line for $c" 1 "$(grep -cE "^  $c(\\|[a-z|]+)? +[^ ]" "$TEST_TMP/list.out")"
done
expect_grep "--help: the global options" '^  -c, --config FILE ' "$TEST_TMP/list.out"
expect_grep "--help: points at help COMMAND" "jwtcred help COMMAND" "$TEST_TMP/list.out"
expect_no_grep "--help: no per-command option in the list" '--no-cache|--cargo-plugin' "$TEST_TMP/list.out"
check "--help: shorter than 40 lines" test "$(wc -l <"$TEST_TMP/list.out")" -lt 40
expect_no_grep "--help: every line fits 80 columns" '^.{81}' "$TEST_TMP/list.out"
run_jwtcred nohelp help nosuch
expect_eq "help nosuch: exit 2" 2 "$RC"
expect_eq "help nosuch: nothing on stdout" "" "$(cat "$TEST_TMP/nohelp.out")"
expect_lines "help nosuch: one line on stderr" 1 "$TEST_TMP/nohelp.err"
expect_grep "help nosuch: names it" "no help for 'nosuch'" "$TEST_TMP/nohelp.err"
run_jwtcred none
expect_eq "no command: exit 2 (as before)" 2 "$RC"
expect_grep "no command: the list on stderr" '^usage: jwtcred ' "$TEST_TMP/none.err"

# --- the link names ----------------------------------------------------------------------------
mkdir -p "$TEST_TMP/bin"
for n in git-credential-jwtcred docker-credential-jwtcred terraform-credentials-jwtcred \
	bazel-credential-jwtcred jwtcred-pnpm-helper; do
	ln -sf "$JWTCRED" "$TEST_TMP/bin/$n"
	RC=0
	"$TEST_TMP/bin/$n" --help >"$TEST_TMP/link_$n.out" 2>"$TEST_TMP/link_$n.err" </dev/null || RC=$?
	expect_eq "$n --help: exit 0" 0 "$RC"
	expect_grep "$n --help: its own usage" "^usage: $n" "$TEST_TMP/link_$n.out"
done
RC=0
"$TEST_TMP/bin/docker-credential-jwtcred" get --help >"$TEST_TMP/dget.out" 2>&1 </dev/null || RC=$?
expect_grep "docker-credential-jwtcred get --help: docker's help, not git's" '^usage: docker-credential-jwtcred' "$TEST_TMP/dget.out"

# docker-credential-helpers' version action: "NAME (PACKAGE) VERSION"
VERSION=$("$JWTCRED" --version | sed 's/^jwtcred //')
RC=0
"$TEST_TMP/bin/docker-credential-jwtcred" version >"$TEST_TMP/dversion.out" 2>"$TEST_TMP/dversion.err" </dev/null || RC=$?
expect_eq "docker version: exit 0" 0 "$RC"
expect_eq "docker version: NAME (PACKAGE) VERSION" "docker-credential-jwtcred (jwtcred) $VERSION" "$(cat "$TEST_TMP/dversion.out")"
expect_eq "docker version: nothing on stderr" "" "$(cat "$TEST_TMP/dversion.err")"

# --- profiles ----------------------------------------------------------------------------------
run_jwtcred profiles profiles
expect_eq "profiles: the one name" "prod" "$(cat "$TEST_TMP/profiles.out")"
cat >"$TEST_TMP/other.conf" <<CONF
profiles = {
  alpha = { client_id = "x"; username = "a@example.com"; login_url = "$SERVER_URL";
            private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; };
  beta = { client_id = "y"; username = "b@example.com"; login_url = "$SERVER_URL";
           private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; };
};
CONF
run_jwtcred profiles2 -c "$TEST_TMP/other.conf" profiles
expect_eq "profiles -c FILE: that file's names, one a line" "alpha beta" "$(tr '\n' ' ' <"$TEST_TMP/profiles2.out" | sed 's/ $//')"
JWTCRED_PROFILE=prod JWTCRED_CONFIG=$TEST_TMP/other.conf run_jwtcred profiles3 profiles
expect_eq "profiles: JWTCRED_CONFIG, and JWTCRED_PROFILE does not filter" "alpha beta" "$(tr '\n' ' ' <"$TEST_TMP/profiles3.out" | sed 's/ $//')"
expect_no_grep "profiles: no setting printed" 'client|key|example' "$TEST_TMP/profiles2.out"

# --- status: two times, --json, never a token -----------------------------------------------------
write_config 'refresh_margin = 120;'
run_jwtcred tok token --format json
expect_eq "token --format json: exit 0" 0 "$RC"
TOKEN=$(jget "$TEST_TMP/tok.out" 'doc["access_token"]')
EXPIRES_AT=$(jget "$TEST_TMP/tok.out" 'doc["expires_at"]')
run_jwtcred sj status --json
expect_eq "status --json: exit 0" 0 "$RC"
check "status --json: one JSON document" /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TEST_TMP/sj.out"
expect_eq "status --json: one entry" 1 "$(jget "$TEST_TMP/sj.out" 'len(doc["entries"])')"
expect_eq "status --json: profile" prod "$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["profile"]')"
expect_eq "status --json: subject" alice@example.com "$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["subject"]')"
expect_eq "status --json: serve_until is token --format json's expires_at" "$EXPIRES_AT" \
	"$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["serve_until"]')"
expect_eq "status --json: expires is the token's own expiry: serve_until + the margin (120 s)" 120 \
	"$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["expires_epoch"] - doc["entries"][0]["serve_until_epoch"]')"
expect_eq "status --json: RFC 3339 and epoch agree" "$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["expires"]')" \
	"$(date -u -d "@$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["expires_epoch"]')" +%Y-%m-%dT%H:%M:%SZ)"
expect_eq "status --json: issued before expires" True \
	"$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["issued_epoch"] < doc["entries"][0]["serve_until_epoch"]')"
expect_eq "status --json: served, refresh scheduled" "True scheduled" \
	"$(jget "$TEST_TMP/sj.out" 'str(doc["entries"][0]["served"]) + " " + doc["entries"][0]["refresh"]["state"]')"
expect_eq "status --json: remaining seconds" True \
	"$(jget "$TEST_TMP/sj.out" '0 < doc["entries"][0]["remaining_seconds"] <= doc["entries"][0]["expires_epoch"] - doc["now_epoch"]')"
expect_eq "status --json: no refresh yet" None "$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["last_refresh"]')"
expect_eq "status --json: the configuration read" "$JWTCRED_CONFIG" "$(jget "$TEST_TMP/sj.out" 'doc["configuration"]')"
expect_no_grep "status --json: never the token" "$TOKEN" "$TEST_TMP/sj.out"
expect_no_grep "status --json: no token shape at all" "$TOKEN_RE" "$TEST_TMP/sj.out"

run_jwtcred st status
expect_grep "status: SERVED UNTIL and EXPIRES columns" '^PROFILE +SUBJECT +ISSUED +SERVED UNTIL +EXPIRES +REFRESH +LAST REFRESH +REMAINING$' "$TEST_TMP/st.out"
expect_grep "status: the row shows both times" "^prod +alice@example.com +[-0-9T:Z]+ +$EXPIRES_AT +$(jget "$TEST_TMP/sj.out" 'doc["entries"][0]["expires"]') " "$TEST_TMP/st.out"
expect_grep "status: short names, narrow columns" '^PROFILE SUBJECT ' "$TEST_TMP/st.out"
expect_no_grep "status: never the token" "$TOKEN" "$TEST_TMP/st.out"

# adaptive widths: a 40-character profile name
LONG=a_forty_character_profile_name_for_width
check "the long name is 40 characters" test "${#LONG}" -eq 40
cat >"$JWTCRED_CONFIG" <<CONF
profiles = {
  prod = { client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com"; login_url = "$SERVER_URL";
           audience = "https://login.salesforce.com"; private_key = "$KEYS/client.key";
           ca_file = "$PKI/ca.crt"; refresh_margin = 120; };
  $LONG = { client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com";
           login_url = "$SERVER_URL"; audience = "https://login.salesforce.com";
           private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; };
};
CONF
run_jwtcred toklong -p "$LONG" token
expect_eq "token for the long profile: exit 0" 0 "$RC" || show "$TEST_TMP/toklong.err"
TOKEN2=$(cat "$TEST_TMP/toklong.out")
run_jwtcred wide status
expect_grep "status: the long profile in full, one space before SUBJECT" "^$LONG alice@example\\.com" "$TEST_TMP/wide.out"
expect_grep "status: prod padded to the long name" "^prod {37}alice@example.com" "$TEST_TMP/wide.out"
/usr/bin/python3 - "$TEST_TMP/wide.out" >"$TEST_TMP/wide.check" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0]
cols = ["SUBJECT", "ISSUED", "SERVED UNTIL", "EXPIRES", "REFRESH", "LAST REFRESH", "REMAINING"]
starts = [head.index(c) for c in cols]
bad = [l for l in lines[1:] if any(l[s - 1] != " " or l[s] == " " for s in starts)]
print("aligned" if not bad else "misaligned: " + repr(bad))
PY
expect_eq "status: every column of every row starts under its header" aligned "$(cat "$TEST_TMP/wide.check")"
expect_no_grep "status: not the first token" "$TOKEN" "$TEST_TMP/wide.out"
expect_no_grep "status: not the second token" "$TOKEN2" "$TEST_TMP/wide.out"

# --- check --json -------------------------------------------------------------------------------
run_jwtcred cj check --json
expect_eq "check --json: exit 0" 0 "$RC"
expect_eq "check --json: result ok, both profiles" "ok 2" "$(jget "$TEST_TMP/cj.out" 'doc["result"] + " " + str(len(doc["profiles"]))')"
expect_eq "check --json: each profile ok with findings" "ok ok" \
	"$(jget "$TEST_TMP/cj.out" '" ".join(p["result"] for p in doc["profiles"] if p["findings"])')"
expect_eq "check --json: info findings carry the text check prints" True \
	"$(jget "$TEST_TMP/cj.out" 'any(f["level"] == "info" and "fits" in f["text"] for f in doc["profiles"][0]["findings"])')"
expect_eq "check --json: nothing on stderr" "" "$(cat "$TEST_TMP/cj.err")"
run_jwtcred cjo check --online --json
expect_eq "check --online --json: exit 0" 0 "$RC" || show "$TEST_TMP/cjo.out"
expect_eq "check --online --json: online true" True "$(jget "$TEST_TMP/cjo.out" 'doc["online"]')"
expect_no_grep "check --online --json: no token shape" "$TOKEN_RE" "$TEST_TMP/cjo.out"
expect_no_grep "check --json: not the first token" "$TOKEN" "$TEST_TMP/cj.out"
expect_no_grep "check --json: not the second token" "$TOKEN2" "$TEST_TMP/cj.out"
cat >"$TEST_TMP/bad.conf" <<CONF
profiles = {
  good = { client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com"; login_url = "$SERVER_URL";
           private_key = "$KEYS/client.key"; ca_file = "$PKI/ca.crt"; };
  nokey = { client_id = "$SERVER_CLIENT_ID"; username = "alice@example.com"; login_url = "$SERVER_URL";
            private_key = "$PKI/ca.crt"; ca_file = "$PKI/ca.crt"; };
};
CONF
run_jwtcred cjbad -c "$TEST_TMP/bad.conf" check --json
expect_eq "check --json, a bad key: exit 1" 1 "$RC"
expect_eq "check --json, a bad key: result failed, good ok, nokey failed" "failed ok failed" \
	"$(jget "$TEST_TMP/cjbad.out" 'doc["result"] + " " + " ".join(p["result"] for p in doc["profiles"])')"
expect_eq "check --json, a bad key: an error finding" True \
	"$(jget "$TEST_TMP/cjbad.out" 'any(f["level"] == "error" for f in doc["profiles"][1]["findings"])')"
run_jwtcred cjnone -c "$TEST_TMP/nosuch.conf" check --json
expect_eq "check --json, no configuration: exit 1" 1 "$RC"
expect_eq "check --json, no configuration: failed, with the error" "failed True" \
	"$(jget "$TEST_TMP/cjnone.out" 'doc["result"] + " " + str("nosuch.conf" in doc["error"])')"

# --- -p NAME for a profile that does not exist --------------------------------------------------
run_jwtcred unk -p nosuch status
expect_eq "status -p nosuch: exit 1" 1 "$RC"
expect_eq "status -p nosuch: nothing on stdout" "" "$(cat "$TEST_TMP/unk.out")"
expect_lines "status -p nosuch: one line" 1 "$TEST_TMP/unk.err"
expect_grep "status -p nosuch: says so, with the known ones" "no profile 'nosuch' in '$JWTCRED_CONFIG' \\(known: prod, $LONG\\)" "$TEST_TMP/unk.err"
run_jwtcred unkj -p nosuch status --json
expect_eq "status --json -p nosuch: exit 1" 1 "$RC"
run_jwtcred known -p prod status
expect_eq "status -p prod: exit 0" 0 "$RC"
expect_eq "status -p prod: header and one row" 2 "$(wc -l <"$TEST_TMP/known.out")"
run_jwtcred punk -p nosuch purge
expect_eq "purge -p nosuch: exit 1" 1 "$RC"
expect_grep "purge -p nosuch: says so" "no profile 'nosuch' in '$JWTCRED_CONFIG' \\(known: prod, $LONG\\)" "$TEST_TMP/punk.err"
expect_lines "purge -p nosuch: one line" 1 "$TEST_TMP/punk.err"
run_jwtcred after status --json
expect_eq "purge -p nosuch removed nothing" 2 "$(jget "$TEST_TMP/after.out" 'len(doc["entries"])')"

# no configuration to tell: its error, exit 1 (status without -p still lists)
JWTCRED_CONFIG=$TEST_TMP/none.conf run_jwtcred nocfg -p nosuch status
expect_eq "status -p nosuch, no configuration: exit 1" 1 "$RC"
expect_grep "status -p nosuch, no configuration: says why" "none\.conf' does not exist" "$TEST_TMP/nocfg.err"
JWTCRED_CONFIG=$TEST_TMP/none.conf run_jwtcred nocfgp -p nosuch purge
expect_eq "purge -p nosuch, no configuration: exit 1" 1 "$RC"
expect_lines "purge -p nosuch, no configuration: one line" 1 "$TEST_TMP/nocfgp.err"
JWTCRED_CONFIG=$TEST_TMP/none.conf run_jwtcred nocfgall status
expect_eq "status, no configuration: exit 0, the entries listed" "0 3" "$RC $(wc -l <"$TEST_TMP/nocfgall.out")"

# a profile since removed from the configuration: its entries are still listed and purged
write_config 'refresh_margin = 120;'
run_jwtcred gone -p "$LONG" status --json
expect_eq "status -p REMOVED: exit 0 (its entry is still cached)" 0 "$RC"
expect_eq "status -p REMOVED: the entry, serve_until unknown (null)" "$LONG None" \
	"$(jget "$TEST_TMP/gone.out" 'doc["entries"][0]["profile"] + " " + str(doc["entries"][0]["serve_until"])')"
run_jwtcred gonet -p "$LONG" status
expect_grep "status -p REMOVED: SERVED UNTIL and REFRESH say ?" "^$LONG +alice@example\\.com +[-0-9T:Z]+ +\\? +[-0-9T:Z]+ +\\? " "$TEST_TMP/gonet.out"
run_jwtcred gonep -p "$LONG" purge
expect_eq "purge -p REMOVED: exit 0" 0 "$RC"
run_jwtcred left status --json
expect_eq "purge -p REMOVED: its entry is gone, prod's stays" prod "$(jget "$TEST_TMP/left.out" '" ".join(e["profile"] for e in doc["entries"])')"

finish
