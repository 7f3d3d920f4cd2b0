#!/bin/bash
# jwtcred init: for each provider the local endpoint speaks (salesforce,
# generic, client-credentials as Keycloak and Entra ID, github-app,
# google) init makes a profile that passes jwtcred check --online once the
# server knows the certificate it made.  It appends to a configuration
# keeping its text and profiles, refuses to replace a profile or a key
# (files unchanged), makes the key 0600 in a 0700 directory, never asks
# without a terminal (one line, exit 2) and asks on one (a pty), makes a
# P-256 key with --key-type ec and a 30-day certificate with --days 30.
. "${srcdir:-.}/tests/integration/lib.sh"

command -v sha256sum >/dev/null || skip "sha256sum is not installed"
command -v timeout >/dev/null || skip "timeout is not installed"

start_server
DIR=$TEST_TMP/conf/jwtcred
CFG=$DIR/config
CA=$PKI/ca.crt
hash() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
mode() { stat -c %a "$1"; }
# init NAME ARGS...: jwtcred -c $CFG init ARGS (stdin /dev/null, as in a pipe)
init() {
	local name=$1
	shift
	run_jwtcred "$name" -c "$CFG" init "$@"
}

# ============================================================================
# A configuration that is there already: its text and profile stay
# ============================================================================
mkdir -p "$DIR"
chmod 700 "$DIR"
cat >"$CFG" <<EOC
# my configuration: profiles = { in a comment is not the group }
profiles = {
  prod = {
    client_id = "$SERVER_CLIENT_ID";  # a string with a brace: "}"
    username = "alice@example.com";
    login_url = "$SERVER_URL";
    audience = "https://login.salesforce.com";
    private_key = "$KEYS/client.key";
    ca_file = "$CA";
    /* a block comment } */
  };
};
# the end of my file }
EOC
chmod 600 "$CFG"
ORIGINAL=$(head -n -2 "$CFG")

# ============================================================================
# salesforce
# ============================================================================
init sf --provider salesforce --profile sf --client-id 3MVG9init.consumer.key \
	--username alice@example.com --login-url "$SERVER_URL" --audience https://login.salesforce.com \
	--ca-file "$CA" --url "$SERVER_URL/services/data/"
expect_eq "salesforce: exit 0" 0 "$RC" || show "$TEST_TMP/sf.err"
expect_eq "salesforce: nothing on stderr" "" "$(cat "$TEST_TMP/sf.err")"
expect_eq "salesforce: the key is 0600" 600 "$(mode "$DIR/sf.key")"
expect_grep "salesforce: an RSA 2048 key" 'Private-Key: \(2048 bit' <(openssl pkey -in "$DIR/sf.key" -noout -text 2>&1)
expect_grep "salesforce: a certificate for that key, CN the profile" 'CN ?= ?sf' <(openssl x509 -in "$DIR/sf.crt" -noout -subject 2>&1)
expect_eq "salesforce: the certificate's key is the key's" \
	"$(openssl pkey -in "$DIR/sf.key" -pubout 2>/dev/null | sha256sum)" \
	"$(openssl x509 -in "$DIR/sf.crt" -noout -pubkey 2>/dev/null | sha256sum)"
END365=$(date -u -d '+365 days' +%Y-%m-%d)
expect_grep "salesforce: warns that the app stops working the day the certificate expires" \
	"^warning: the app stops working on $END365" "$TEST_TMP/sf.out"
expect_grep "salesforce: says to tick Use digital signatures with the certificate" \
	"Use digital signatures.*" "$TEST_TMP/sf.out"
expect_grep "salesforce: names the certificate to upload" "upload the certificate '$DIR/sf.crt'" "$TEST_TMP/sf.out"
expect_grep "salesforce: says to pre-authorize" 'Admin approved users are' "$TEST_TMP/sf.out"
expect_grep "salesforce: ends with the check to run" \
	"^  jwtcred --config '$CFG' check --online --profile sf\$" <(tail -n 1 "$TEST_TMP/sf.out")
expect_eq "salesforce: the configuration's text is kept" "$ORIGINAL" "$(head -n "$(wc -l <<<"$ORIGINAL")" "$CFG")"
expect_eq "salesforce: the profile goes inside the group, before the file's end" \
	"$(printf '  };\n};\n# the end of my file }')" "$(tail -n 3 "$CFG")"
expect_eq "salesforce: the configuration is 0600" 600 "$(mode "$CFG")"

# the server does not know the new certificate yet: check --online fails
run_jwtcred sf-unknown -c "$CFG" check --online --profile sf
check "salesforce: check --online fails while the app lacks the certificate" test "$RC" -ne 0

# ============================================================================
# generic, with an EC key
# ============================================================================
init gen --provider generic --profile gen --issuer init-bot --token-url "$SERVER_URL/generic/token" \
	--key-type ec --ca-file "$CA"
expect_eq "generic: exit 0" 0 "$RC" || show "$TEST_TMP/gen.err"
expect_grep "--key-type ec: a P-256 key" 'NIST CURVE: P-256' <(openssl pkey -in "$DIR/gen.key" -noout -text 2>&1)
expect_grep "generic: says the profile has no urls, and works for jwtcred token" "no urls: it works for 'jwtcred token'" "$TEST_TMP/gen.out"

# ============================================================================
# client-credentials: Keycloak (30-day certificate) and Entra ID
# ============================================================================
init kc --provider client-credentials --server keycloak --profile kc --client-id init-kc \
	--token-url "$SERVER_URL/realms/ci/protocol/openid-connect/token" --days 30 --ca-file "$CA"
expect_eq "keycloak: exit 0" 0 "$RC" || show "$TEST_TMP/kc.err"
END30=$(date -u -d '+30 days' '+%b %e %Y' | tr -s ' ')
expect_eq "--days 30: the certificate ends in 30 days" "$END30" \
	"$(openssl x509 -in "$DIR/kc.crt" -noout -enddate | sed -E 's/notAfter=([A-Za-z]+) +([0-9]+) [0-9:]+ ([0-9]+) GMT/\1 \2 \3/')"
expect_grep "keycloak: says where the certificate goes" 'Import key, Certificate PEM' "$TEST_TMP/kc.out"
EID=22222222-3333-4444-5555-666666666666
init entra --provider client-credentials --server entra --profile entra --client-id "$EID" \
	--tenant contoso.onmicrosoft.com --token-url "$SERVER_URL/contoso.onmicrosoft.com/oauth2/v2.0/token" \
	--scope 499b84ac-1321-427f-aa17-267ca6975798/.default --ca-file "$CA"
expect_eq "entra: exit 0" 0 "$RC" || show "$TEST_TMP/entra.err"
expect_grep "entra: the az command that uploads the certificate" \
	"^  az ad app credential reset --id $EID --cert @$DIR/entra.crt --append\$" "$TEST_TMP/entra.out"

# ============================================================================
# github-app: the key GitHub generated, no key made
# ============================================================================
init gh --provider github-app --profile gh --app-id 4242 --key "$KEYS/client-pkcs1.key" \
	--installation-id 101 --api-url "$SERVER_URL/api/v3" --url "$SERVER_URL/git/" --ca-file "$CA"
expect_eq "github-app: exit 0" 0 "$RC" || show "$TEST_TMP/gh.err"
check "github-app: no key made" test ! -e "$DIR/gh.key"
expect_grep "github-app: says where the key comes from" 'Private keys > Generate a private key' "$TEST_TMP/gh.out"
expect_grep "github-app: the profile points at the downloaded key" "private_key = \"$KEYS/client-pkcs1.key\";" "$CFG"

cp "$KEYS/client-pkcs1.key" "$TEST_TMP/readable.pem"
chmod 644 "$TEST_TMP/readable.pem"
init gh-readable --provider github-app --profile ghr --app-id 4242 --key "$TEST_TMP/readable.pem"
expect_grep "github-app: a key others may read is named, with the fix" \
	"^jwtcred: warning: key file '$TEST_TMP/readable.pem' is accessible by group or others.*: run chmod 600 '$TEST_TMP/readable.pem'\$" "$TEST_TMP/gh-readable.err"

# ============================================================================
# google: the service account's key file, no key made
# ============================================================================
SA_EMAIL=init-bot@jwtcred-test.iam.gserviceaccount.com
SA_KID=0123456789abcdef0123456789abcdef01234567
/usr/bin/python3 - "$KEYS/sa.json" "$KEYS/client.key" "$SA_EMAIL" "$SA_KID" "$SERVER_URL/google/token" <<'PY'
import json, os, sys
path, keyfile, email, kid, uri = sys.argv[1:6]
doc = {'type': 'service_account', 'project_id': 'jwtcred-test', 'private_key_id': kid,
       'private_key': open(keyfile).read(), 'client_email': email, 'token_uri': uri}
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, 'w') as f:
    json.dump(doc, f)
PY
init google --provider google --profile google --service-account-file "$KEYS/sa.json" \
	--scope https://www.googleapis.com/auth/cloud-platform --ca-file "$CA"
expect_eq "google: exit 0" 0 "$RC" || show "$TEST_TMP/google.err"
expect_grep "google: nothing to upload" 'nothing to upload' "$TEST_TMP/google.out"

# ============================================================================
# a pty: a missing value is asked for, and the answer used
# ============================================================================
/usr/bin/python3 - "$JWTCRED" "$CFG" "$SERVER_URL/generic/token" "$CA" >"$TEST_TMP/pty.out" <<'PY'
import os, pty, select, signal, sys, time
jw, cfg, url, ca = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.execv(jw, [jw, '-c', cfg, 'init', '--provider', 'generic', '--profile', 'asked',
                  '--token-url', url, '--ca-file', ca])
buf, answered, deadline = b'', False, time.time() + 30
while time.time() < deadline:
    if select.select([fd], [], [], 0.2)[0]:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
        if not answered and b'(--issuer): ' in buf:
            os.write(fd, b'asked-bot\n')
            answered = True
else:
    os.kill(pid, signal.SIGKILL)
status = os.waitpid(pid, 0)[1]
sys.stdout.write(buf.decode(errors='replace'))
print('\nexit=%d asked=%s' % (os.waitstatus_to_exitcode(status), answered))
PY
expect_grep "pty: asks for the missing --issuer, and init succeeds" 'exit=0 asked=True' "$TEST_TMP/pty.out"
expect_grep "pty: the answer is the profile's issuer" 'issuer = "asked-bot";' "$CFG"

# ============================================================================
# The servers learn the certificates: every profile passes check --online
# ============================================================================
server_clients_merge "{
  \"clients\": [
    {\"client_id\": \"$SERVER_CLIENT_ID\", \"certificate\": \"$PKI/client.crt\",
     \"users\": [\"alice@example.com\"], \"approved\": [\"alice@example.com\"]},
    {\"client_id\": \"3MVG9init.consumer.key\", \"certificate\": \"$DIR/sf.crt\",
     \"users\": [\"alice@example.com\"], \"approved\": [\"alice@example.com\"]}],
  \"generic_clients\": [
    {\"issuer\": \"init-bot\", \"certificate\": \"$DIR/gen.crt\"},
    {\"issuer\": \"asked-bot\", \"certificate\": \"$DIR/asked.crt\"}],
  \"cc_clients\": [
    {\"client_id\": \"init-kc\", \"certificate\": \"$DIR/kc.crt\", \"shape\": \"keycloak\"},
    {\"client_id\": \"$EID\", \"certificate\": \"$DIR/entra.crt\", \"shape\": \"entra\", \"tenant\": \"contoso.onmicrosoft.com\"}],
  \"service_accounts\": [{\"client_email\": \"$SA_EMAIL\", \"certificate\": \"$PKI/client.crt\", \"key_id\": \"$SA_KID\"}],
  \"github\": {\"app_id\": 4242, \"certificate\": \"$PKI/client.crt\",
    \"installations\": [{\"id\": 101, \"account\": \"acme\", \"type\": \"Organization\",
      \"repositories\": [\"widgets\"], \"permissions\": {\"contents\": \"read\"}}]}}"
sleep 1 # the server reloads clients.json on its next request after the mtime changes
for p in sf gen kc entra gh google asked; do
	run_jwtcred "check-$p" -c "$CFG" check --online --profile "$p"
	expect_eq "$p: check --online passes" 0 "$RC" || { show "$TEST_TMP/check-$p.out"; show "$TEST_TMP/check-$p.err"; }
done
run_jwtcred check-prod -c "$CFG" check --online --profile prod
expect_eq "the profile that was there still passes check --online" 0 "$RC" || show "$TEST_TMP/check-prod.err"

# salesforce's token works on the protected resource (the server's own check)
run_jwtcred sf-token -c "$CFG" token --profile sf
check "salesforce: the token works on the protected resource" \
	curl -sf --cacert "$CA" -o /dev/null -K - "$SERVER_URL/services/data/" \
	< <(printf 'header = "Authorization: Bearer %s"\n' "$(cat "$TEST_TMP/sf-token.out")")

# ============================================================================
# Never replaced: a profile, a key; no value without a terminal
# ============================================================================
CFG_HASH=$(hash "$CFG")
KEY_HASH=$(hash "$DIR/sf.key")
CRT_HASH=$(hash "$DIR/sf.crt")
init again --provider salesforce --profile sf --client-id other --username bob@example.com
expect_eq "an existing profile: exit 1" 1 "$RC"
expect_lines "an existing profile: one line on stderr" 1 "$TEST_TMP/again.err"
expect_grep "an existing profile: names the file and the fix" \
	"'$CFG' already has a profile 'sf' \(line [0-9]+\): choose another --profile" "$TEST_TMP/again.err"
expect_eq "an existing profile: the configuration is unchanged" "$CFG_HASH" "$(hash "$CFG")"
expect_eq "an existing profile: its key is unchanged" "$KEY_HASH" "$(hash "$DIR/sf.key")"
expect_eq "an existing profile: its certificate is unchanged" "$CRT_HASH" "$(hash "$DIR/sf.crt")"

echo 'not a key, but mine' >"$DIR/stray.key"
STRAY_HASH=$(hash "$DIR/stray.key")
init stray --provider generic --profile stray --issuer stray --token-url "$SERVER_URL/generic/token"
expect_eq "an existing key file: exit 1" 1 "$RC"
expect_lines "an existing key file: one line on stderr" 1 "$TEST_TMP/stray.err"
expect_grep "an existing key file: names it" "'$DIR/stray.key' exists and init never replaces it" "$TEST_TMP/stray.err"
expect_eq "an existing key file: unchanged" "$STRAY_HASH" "$(hash "$DIR/stray.key")"
expect_eq "an existing key file: the configuration is unchanged" "$CFG_HASH" "$(hash "$CFG")"
check "an existing key file: no certificate made" test ! -e "$DIR/stray.crt"

RC=0
timeout 10 "$JWTCRED" -c "$CFG" init --provider salesforce --profile nouser --client-id x \
	</dev/null >"$TEST_TMP/nouser.out" 2>"$TEST_TMP/nouser.err" || RC=$?
expect_eq "no terminal, a missing value: exit 2 (no prompt, no hang)" 2 "$RC"
expect_lines "no terminal, a missing value: one line on stderr" 1 "$TEST_TMP/nouser.err"
expect_grep "no terminal, a missing value: names the flag" 'missing --username' "$TEST_TMP/nouser.err"
expect_eq "no terminal, a missing value: nothing on stdout" "" "$(cat "$TEST_TMP/nouser.out")"
check "no terminal, a missing value: no key made" test ! -e "$DIR/nouser.key"
expect_eq "no terminal, a missing value: the configuration is unchanged" "$CFG_HASH" "$(hash "$CFG")"

init ctl --provider generic --profile ctl --issuer "$(printf 'a\tb')" --token-url "$SERVER_URL/generic/token"
expect_eq "a control character in a value: exit 2" 2 "$RC"
expect_eq "a control character in a value: the configuration is unchanged" "$CFG_HASH" "$(hash "$CFG")"

# a configuration that does not load is left as it is
# (a mistake of the file itself: one inside a profile only breaks that profile)
printf 'profiles = { x = { issuer = "i"; };\n' >"$TEST_TMP/bad.conf"
BAD_HASH=$(hash "$TEST_TMP/bad.conf")
run_jwtcred bad -c "$TEST_TMP/bad.conf" init --provider generic --profile b --issuer i --token-url "$SERVER_URL/generic/token"
expect_eq "a configuration that does not load: exit 1" 1 "$RC"
expect_grep "a configuration that does not load: says why, nothing written" \
	"nothing written: '$TEST_TMP/bad.conf':" "$TEST_TMP/bad.err"
expect_eq "a configuration that does not load: unchanged" "$BAD_HASH" "$(hash "$TEST_TMP/bad.conf")"
check "a configuration that does not load: no key made" test ! -e "$TEST_TMP/b.key"

# an empty file and an empty group take the profile
: >"$TEST_TMP/empty.conf"
run_jwtcred empty -c "$TEST_TMP/empty.conf" init --provider generic --profile e --issuer i --token-url "$SERVER_URL/generic/token"
expect_eq "an empty configuration file: exit 0" 0 "$RC" || show "$TEST_TMP/empty.err"
printf '# mine\nprofiles = {\n};\n' >"$TEST_TMP/group.conf"
run_jwtcred group -c "$TEST_TMP/group.conf" init --provider generic --profile g --issuer i --token-url "$SERVER_URL/generic/token"
expect_eq "an empty profiles group: exit 0" 0 "$RC" || show "$TEST_TMP/group.err"
expect_eq "an empty profiles group: the profile goes in it" '  g = {' "$(sed -n 3p "$TEST_TMP/group.conf")"

# a configuration that is a symbolic link is not replaced by a file
ln -s "$TEST_TMP/group.conf" "$TEST_TMP/link.conf"
GROUP_HASH=$(hash "$TEST_TMP/group.conf")
run_jwtcred link -c "$TEST_TMP/link.conf" init --provider generic --profile l --issuer i --token-url "$SERVER_URL/generic/token"
expect_eq "a symbolic link: exit 1" 1 "$RC"
expect_grep "a symbolic link: says so" "'$TEST_TMP/link.conf' is a symbolic link" "$TEST_TMP/link.err"
check "a symbolic link: still a link, to an unchanged file" \
	test -L "$TEST_TMP/link.conf" -a "$(hash "$TEST_TMP/group.conf")" = "$GROUP_HASH"

# a FIFO where the configuration should be: refused at once, no hang
mkfifo "$TEST_TMP/fifo.conf"
RC=0
timeout 10 "$JWTCRED" -c "$TEST_TMP/fifo.conf" init --provider generic --profile f --issuer i \
	--token-url "$SERVER_URL/generic/token" </dev/null >"$TEST_TMP/fifo.out" 2>"$TEST_TMP/fifo.err" || RC=$?
expect_eq "a FIFO: exit 1, no hang" 1 "$RC"
expect_grep "a FIFO: says it is not a regular file" "'$TEST_TMP/fifo.conf' is a FIFO" "$TEST_TMP/fifo.err"
check "a FIFO: still a FIFO, no key made" test -p "$TEST_TMP/fifo.conf" -a ! -e "$TEST_TMP/f.key"

# a configuration others may write is refused, as every command does, not rewritten 0600
printf 'profiles = {\n};\n' >"$TEST_TMP/shared.conf"
chmod 620 "$TEST_TMP/shared.conf"
SHARED_HASH=$(hash "$TEST_TMP/shared.conf")
run_jwtcred shared -c "$TEST_TMP/shared.conf" init --provider generic --profile s --issuer i --token-url "$SERVER_URL/generic/token"
expect_eq "a configuration others may write: exit 1" 1 "$RC"
expect_grep "a configuration others may write: says the fix" "chmod go-w '$TEST_TMP/shared.conf'" "$TEST_TMP/shared.err"
check "a configuration others may write: unchanged, still 0620" \
	test "$(hash "$TEST_TMP/shared.conf")" = "$SHARED_HASH" -a "$(mode "$TEST_TMP/shared.conf")" = 620

# a BROKEN profile of the same name is a profile of that name too
printf 'profiles = {\n  br = {\n    issuer = 42;\n  };\n};\n' >"$TEST_TMP/broken.conf"
chmod 600 "$TEST_TMP/broken.conf"
BROKEN_HASH=$(hash "$TEST_TMP/broken.conf")
run_jwtcred broken -c "$TEST_TMP/broken.conf" init --provider generic --profile br --issuer i --token-url "$SERVER_URL/generic/token"
expect_eq "a broken profile of that name: exit 1" 1 "$RC"
expect_grep "a broken profile of that name: says it is there" \
	"'$TEST_TMP/broken.conf' already has a profile 'br' \(line 2\)" "$TEST_TMP/broken.err"
expect_eq "a broken profile of that name: unchanged" "$BROKEN_HASH" "$(hash "$TEST_TMP/broken.conf")"

# --sandbox: Salesforce's sandbox login host
init sandbox --provider salesforce --profile sandbox --client-id 3MVG9sb --username alice@example.com.sb --sandbox
expect_eq "--sandbox: exit 0" 0 "$RC" || show "$TEST_TMP/sandbox.err"
expect_grep "--sandbox: login_url is test.salesforce.com" 'login_url = "https://test.salesforce.com";' "$CFG"

# quotes and backslashes are escaped: the value comes back as given
init quoted --provider generic --profile quoted --issuer 'q"\bot' --token-url "$SERVER_URL/generic/token"
expect_eq "quotes and backslashes: exit 0" 0 "$RC" || show "$TEST_TMP/quoted.err"
run_jwtcred quoted-a -c "$CFG" assertion --profile quoted --decode
expect_grep "quotes and backslashes: the issuer reads back as given" '"iss": "q\\"\\\\bot"' "$TEST_TMP/quoted-a.out"

# ============================================================================
# A new configuration in a new directory: 0700, the file 0600
# ============================================================================
NEW=$TEST_TMP/fresh/a/jwtcred
run_jwtcred fresh -c "$NEW/config" init --provider generic --profile first --issuer init-bot \
	--token-url "$SERVER_URL/generic/token" --key-type ec --ca-file "$CA"
expect_eq "a new configuration: exit 0" 0 "$RC" || show "$TEST_TMP/fresh.err"
expect_eq "a new configuration: the directory is 0700" 700 "$(mode "$NEW")"
expect_eq "a new configuration: the file is 0600" 600 "$(mode "$NEW/config")"
expect_eq "a new configuration: the key is 0600" 600 "$(mode "$NEW/first.key")"
expect_grep "a new configuration: says it wrote it" "^wrote the profile 'first' in the new '$NEW/config'" "$TEST_TMP/fresh.out"

run_jwtcred help init --help
expect_eq "init --help: exit 0" 0 "$RC"
expect_grep "init --help: the usage" '^usage: jwtcred \[--config FILE\] init --provider' "$TEST_TMP/help.out"
expect_grep "init --help: an example" '^example:' "$TEST_TMP/help.out"

finish
