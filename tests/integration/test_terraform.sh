#!/bin/bash
# test_terraform.sh: terraform-credentials-jwtcred, the Terraform/OpenTofu
# credentials helper, driven by a real `terraform init` against a loopback
# module registry (tests/server/tf_registry.py) whose every API answer
# needs a token that the test endpoint's protected resource accepts.
#
# Terraform finds credentials helpers only in ~/.terraform.d/plugins and
# ~/.terraform.d/plugins/OS_ARCH (cliconfig.GlobalPluginDirs, $HOME first),
# so the link lives in $HOME/.terraform.d/plugins.  The module has outputs
# only: no provider, nothing leaves the machine.
. "${srcdir:-.}/tests/integration/lib.sh"

TERRAFORM=$(command -v terraform || true)
[ -n "$TERRAFORM" ] || skip "terraform is not installed"

start_server

# the module package: one output, as a tar.gz
mkdir -p "$TEST_TMP/module"
echo 'output "greeting" { value = "hello" }' >"$TEST_TMP/module/main.tf"
tar -C "$TEST_TMP/module" -czf "$TEST_TMP/module.tar.gz" main.tf

REG_LOG=$TEST_TMP/registry.log
DISCO=$TEST_TMP/disco.json
: >"$REG_LOG"
/usr/bin/python3 "$TOP_SRCDIR/tests/server/tf_registry.py" --cert "$PKI/server.crt" \
	--key "$PKI/server.key" --ca "$PKI/ca.crt" --validate-url "$SERVER_URL/services/data/" \
	--archive "$TEST_TMP/module.tar.gz" --port-file "$TEST_TMP/registry.ports" \
	--log "$REG_LOG" --disco-file "$DISCO" </dev/null >"$TEST_TMP/registry.out" 2>&1 &
REG_PID=$!
trap 'kill $REG_PID 2>/dev/null; _cleanup' EXIT
for _ in $(seq 100); do
	[ -s "$TEST_TMP/registry.ports" ] && break
	sleep 0.1
done
read -r REG_PORT OTHER_PORT <"$TEST_TMP/registry.ports" || { echo "FAIL: registry did not start" >&2; exit 1; }
# A registry host needs a dot (terraform: "invalid module registry hostname: must
# contain at least one dot", so not localhost:PORT): 127.0.0.1:PORT, which the
# test server certificate names too (SAN IP:127.0.0.1)
REG=127.0.0.1:$REG_PORT
OTHER=127.0.0.1:$OTHER_PORT

# Terraform's environment: our CLI configuration, the test CA, no prompts, no checkpoint
export TF_CLI_CONFIG_FILE=$TEST_TMP/terraformrc
export SSL_CERT_FILE=$PKI/ca.crt CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_LOG TF_LOG_PATH TF_PLUGIN_CACHE_DIR TF_DATA_DIR SSL_CERT_DIR
for v in $(env | sed -n 's/^\(TF_TOKEN_[^=]*\)=.*/\1/p'); do unset "$v"; done
PLUGINS=$HOME/.terraform.d/plugins
mkdir -p "$PLUGINS"
ln -s "$JWTCRED" "$PLUGINS/terraform-credentials-jwtcred"
HELPER=$PLUGINS/terraform-credentials-jwtcred
# config-examples/terraformrc as it is: JWTCRED_CONFIG names the configuration
cp "$TOP_SRCDIR/config-examples/terraformrc" "$TF_CLI_CONFIG_FILE"

# root_module DIR NAME: a root module that calls 127.0.0.1:PORT/acme/NAME/null
root_module() {
	mkdir -p "$1"
	cat >"$1/main.tf" <<EOF
module "m" {
  source  = "$REG/acme/$2/null"
  version = "1.0.0"
}
output "greeting" { value = module.m.greeting }
EOF
}

# tf_init NAME DIR: terraform init in DIR, output to NAME.out, status in $RC
tf_init() {
	RC=0
	(cd "$2" && rm -rf .terraform .terraform.lock.hcl &&
		"$TERRAFORM" init -input=false -no-color) >"$TEST_TMP/$1.out" 2>&1 </dev/null || RC=$?
}

# reg_count PORT PATH_RE AUTH: requests to the registry listener on PORT
reg_count() {
	/usr/bin/python3 -c '
import json, re, sys
port, path, auth = int(sys.argv[2]), re.compile(sys.argv[3]), sys.argv[4]
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    n += r["port"] == port and bool(path.search(r["path"])) and r["auth"] == auth
print(n)' "$REG_LOG" "$@"
}

# helper NAME ARGS...: the link as Terraform runs it (stdin /dev/null, as for get)
helper() {
	local name=$1
	shift
	RC=0
	"$HELPER" --config "$JWTCRED_CONFIG" "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" \
		</dev/null || RC=$?
}

tokens() { server_stats token_requests; }

write_config "urls = [ \"https://$REG\" ];"

# --- the protocol, directly ---
helper get1 get "$REG"
expect_eq "get: exit 0 for an allowed host" 0 "$RC"
check "get: prints {\"token\": ...} and nothing else" /usr/bin/python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(not (list(o) == ["token"] and isinstance(o["token"], str) and len(o["token"]) > 20))' \
	"$TEST_TMP/get1.out"
expect_lines "get: one line" 1 "$TEST_TMP/get1.out"
expect_eq "get: nothing on stderr" "" "$(cat "$TEST_TMP/get1.err")"
expect_eq "get: minted once" 1 "$(tokens)"
helper get2 get "$REG"
expect_eq "get again: from the cache" 1 "$(tokens)"
check "get again: the same token" cmp -s "$TEST_TMP/get1.out" "$TEST_TMP/get2.out"

run_jwtcred viamain terraform get "$REG"
check "jwtcred terraform get: the same answer as the link" cmp -s "$TEST_TMP/get1.out" "$TEST_TMP/viamain.out"
helper getother get "$OTHER"
expect_eq "get, host not in urls: exit 0" 0 "$RC"
expect_eq "get, host not in urls: {}" "{}" "$(cat "$TEST_TMP/getother.out")"
helper nosuch --profile nosuch get "$REG"
expect_eq "get --profile naming no profile: fails" 1 "$RC"
expect_grep "get --profile naming no profile: says so" "^jwtcred: no profile 'nosuch' in " "$TEST_TMP/nosuch.err"
expect_eq "get --profile naming no profile: nothing on stdout" "" "$(cat "$TEST_TMP/nosuch.out")"
helper getport get "127.0.0.1"
expect_eq "get, same host on another port (443): {}" "{}" "$(cat "$TEST_TMP/getport.out")"

RC=0
printf '{"token":"%s"}' "given-by-terraform-login" |
	"$HELPER" --config "$JWTCRED_CONFIG" store "$REG" >"$TEST_TMP/store.out" 2>"$TEST_TMP/store.err" || RC=$?
expect_eq "store: exit 0" 0 "$RC"
expect_eq "store: no output" "" "$(cat "$TEST_TMP/store.out" "$TEST_TMP/store.err")"
helper get3 get "$REG"
check "store: changes nothing (get answers the minted token)" cmp -s "$TEST_TMP/get1.out" "$TEST_TMP/get3.out"
expect_eq "store: mints nothing" 1 "$(tokens)"
RC=0
printf '{"token":"%s"}' "given-by-terraform-login" |
	"$HELPER" --config "$JWTCRED_CONFIG" store "$OTHER" >"$TEST_TMP/storeother.out" 2>"$TEST_TMP/storeother.err" || RC=$?
expect_eq "store, host not in urls: fails (the token would be lost)" 1 "$RC"
expect_lines "store, host not in urls: one line on stderr" 1 "$TEST_TMP/storeother.err"
expect_grep "store, host not in urls: says to use a credentials block" \
	"keeps no tokens of its own, and no profile's urls cover https://$OTHER/; keep this host's token in a credentials block" \
	"$TEST_TMP/storeother.err"
expect_eq "store, host not in urls: nothing on stdout" "" "$(cat "$TEST_TMP/storeother.out")"

RC=0
head -c 70000 /dev/zero | tr '\0' ' ' |
	"$HELPER" --config "$JWTCRED_CONFIG" store "$REG" >"$TEST_TMP/big.out" 2>"$TEST_TMP/big.err" || RC=$?
check "store: oversize input fails" [ "$RC" -ne 0 ]
expect_lines "store: oversize input, one line on stderr" 1 "$TEST_TMP/big.err"
expect_grep "store: oversize input says the limit" "larger than 65536 bytes" "$TEST_TMP/big.err"
RC=0
echo 'not json' | "$HELPER" store "$REG" >"$TEST_TMP/bad.out" 2>"$TEST_TMP/bad.err" || RC=$?
check "store: input that is not a JSON object fails" [ "$RC" -ne 0 ]
expect_lines "store: not JSON, one line on stderr" 1 "$TEST_TMP/bad.err"

helper verb frobnicate "$REG"
check "unknown verb: non-zero" [ "$RC" -ne 0 ]
expect_lines "unknown verb: one line on stderr" 1 "$TEST_TMP/verb.err"
run_jwtcred verb2 terraform frobnicate "$REG"
check "jwtcred terraform, unknown verb: non-zero" [ "$RC" -ne 0 ]
expect_grep "jwtcred terraform, unknown verb: says so" "unknown verb 'frobnicate'" "$TEST_TMP/verb2.err"
helper noarg get
check "get without a host: non-zero" [ "$RC" -ne 0 ]
expect_lines "get without a host: one line" 1 "$TEST_TMP/noarg.err"
helper twoargs get "$REG" extra
check "get with two hosts: non-zero" [ "$RC" -ne 0 ]
expect_eq "get with two hosts: no answer" "" "$(cat "$TEST_TMP/twoargs.out")"
for bad in "LOCALHOST:$REG_PORT" "https://$REG" "$REG/v1" "localhost:0" "localhost:65536" \
	"localhost:0$REG_PORT" "a..b" "a-.example" "" "user@$REG" "localhost:" "localhost."; do
	helper badhost get "$bad"
	check "get '$bad': an error" [ "$RC" -ne 0 ]
	expect_eq "get '$bad': nothing on stdout" "" "$(cat "$TEST_TMP/badhost.out")"
	expect_grep "get '$bad': says the host name is invalid" "invalid host name" "$TEST_TMP/badhost.err"
done
helper puny get "xn--caf-dma.example"
expect_eq "get, a punycode host no profile lists: {}" "{}" "$(cat "$TEST_TMP/puny.out")"

# --- real terraform init ---
root_module "$TEST_TMP/root" same
tf_init init1 "$TEST_TMP/root"
expect_eq "terraform init: succeeds" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/init1.out"
check "terraform init: module installed" [ -f "$TEST_TMP/root/.terraform/modules/m/main.tf" ]
expect_eq "terraform init: discovery with a valid token" 1 \
	"$(reg_count "$REG_PORT" '^/.well-known/terraform.json$' valid)"
expect_eq "terraform init: versions with a valid token" 1 "$(reg_count "$REG_PORT" '/versions$' valid)"
expect_eq "terraform init: download with a valid token" 1 "$(reg_count "$REG_PORT" '/download$' valid)"
expect_eq "terraform init: no API request without one" 0 "$(reg_count "$REG_PORT" '^/(v1|\.well-known)/' none)"
# go-getter fetches the X-Terraform-Get URL without credentials, even on the registry's host
check "terraform init: the archive fetched (without a token)" [ "$(reg_count "$REG_PORT" '^/archive/' none)" -ge 1 ]
tf_init init2 "$TEST_TMP/root"
expect_eq "terraform init again: succeeds" 0 "$RC"
expect_eq "terraform init again: valid token again" 2 "$(reg_count "$REG_PORT" '/download$' valid)"
expect_eq "two inits (and the direct gets): the endpoint minted once" 1 "$(tokens)"

# X-Terraform-Get on another host:port: does the registry's token go there?
root_module "$TEST_TMP/rootother" other
tf_init initother "$TEST_TMP/rootother"
expect_eq "download on another port: init succeeds" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/initother.out"
check "download on another port: the archive was fetched" \
	[ "$(reg_count "$OTHER_PORT" '^/archive/' none)" -ge 1 ]
expect_eq "download on another port: no token reached it" 0 \
	"$(reg_count "$OTHER_PORT" '' valid)"

# terraform logout runs `forget`: the cache entry goes, the next get mints
RC=0
(cd "$TEST_TMP/root" && "$TERRAFORM" logout -no-color "$REG") >"$TEST_TMP/logout.out" 2>&1 </dev/null || RC=$?
expect_eq "terraform logout (forget): succeeds" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/logout.out"
helper get4 get "$REG"
expect_eq "after forget, get mints again" 2 "$(tokens)"
differ() { ! cmp -s "$1" "$2"; }
check "after forget, a new token" differ "$TEST_TMP/get1.out" "$TEST_TMP/get4.out"
helper forget2 forget "$OTHER"
expect_eq "forget, host no profile lists: exit 0" 0 "$RC"
expect_eq "forget: no output" "" "$(cat "$TEST_TMP/forget2.out" "$TEST_TMP/forget2.err")"

# A token the registry rejects (revoked while jwtcred still holds it): init
# fails with the registry's 401; terraform logout (forget) lets the next run mint.
server_revoke_all
tf_init rejected "$TEST_TMP/root"
check "rejected token: terraform init fails" [ "$RC" -ne 0 ]
expect_grep "rejected token: terraform names the 401" "401 Unauthorized" "$TEST_TMP/rejected.out"
expect_eq "rejected token: jwtcred did not mint again by itself" 2 "$(tokens)"
RC=0
(cd "$TEST_TMP/root" && "$TERRAFORM" logout -no-color "$REG") >"$TEST_TMP/logout2.out" 2>&1 </dev/null || RC=$?
tf_init afterlogout "$TEST_TMP/root"
expect_eq "rejected token: after terraform logout, init works" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/afterlogout.out"
expect_eq "rejected token: with a fresh mint" 3 "$(tokens)"

# discovery may name an absolute URL elsewhere: Terraform then sends the
# registry's token there (an observation, for the documentation)
echo "{\"modules.v1\": \"https://$OTHER/v1/modules/\"}" >"$DISCO"
tf_init initdisco "$TEST_TMP/root"
echo "# observed: discovery pointing at $OTHER: init rc=$RC," \
	"token requests with a valid token on the other port: $(reg_count "$OTHER_PORT" '/versions$' valid)"
rm -f "$DISCO"

# a host not in urls: {} -> the registry answers 401 -> init fails
MINTS=$(tokens)
write_config 'urls = [ "https://registry.example.com" ];'
tf_init initno "$TEST_TMP/root"
check "host not in urls: init fails" [ "$RC" -ne 0 ]
expect_grep "host not in urls: terraform's error names the registry" "$REG" "$TEST_TMP/initno.out"
expect_grep "host not in urls: terraform says 401" "401 Unauthorized" "$TEST_TMP/initno.out"
expect_eq "host not in urls: no mint" "$MINTS" "$(tokens)"

# an entry with a path cannot be honoured: Terraform sends the token to every path
write_config "urls = [ \"https://$REG/v1/modules\" ];"
helper getpath get "$REG"
expect_eq "urls entry with a path: {}" "{}" "$(cat "$TEST_TMP/getpath.out")"
helper getpathv -v get "$REG"
expect_grep "urls entry with a path: -v says why" "allows only the path '/v1/modules'" "$TEST_TMP/getpathv.err"
tf_init initpath "$TEST_TMP/root"
check "urls entry with a path: init fails" [ "$RC" -ne 0 ]
expect_eq "urls entry with a path: no mint" "$MINTS" "$(tokens)"

# no token in anything shown: terraform's output and the helper's stderr
cat "$TEST_TMP"/init*.out "$TEST_TMP"/logout.out "$TEST_TMP"/*.err >"$TEST_TMP/all-output"
expect_no_grep "no token in terraform's output or the helper's stderr" "$TOKEN_RE" "$TEST_TMP/all-output"
expect_no_grep "no token in the registry log" "$TOKEN_RE" "$REG_LOG"

finish
