#!/bin/bash
# Providers beyond the basic Salesforce profile, against the local endpoint:
# a Google-shaped one (service account file, kid, scope claim, expires_in,
# Google's errors), a generic RFC 7523 one with every signing algorithm
# (each assertion verified by Authlib on the server and again by the
# openssl command line here), extra claims and form parameters, PKCS#12 and
# encrypted keys of every type, and Salesforce's audience fallback, approval
# URL and clock skew report.
. "${srcdir:-.}/tests/integration/lib.sh"

command -v basenc >/dev/null || skip "basenc (coreutils 8.31 or later) is not installed"

start_server
for f in ec384.key ec521.key ed25519.key ec384.crt ec521.crt ed25519.crt ec-enc.key \
	ec384-enc.key ec521-enc.key ed25519-enc.key ec-sec1.key client.p12 ec384.p12 \
	ed25519.p12 client-legacy.p12 client-nopass.p12 client-soon.crt client-expired.crt sa.key; do
	cp "$PKI/$f" "$KEYS/$f"
done
chmod 600 "$KEYS"/*

# conf NAME SETTING...: a configuration with one profile NAME and these settings.
conf() {
	local name=$1 line
	shift
	{
		echo 'profiles = {'
		echo "  $name = {"
		for line in "$@"; do
			echo "    $line"
		done
		echo "    ca_file = \"$PKI/ca.crt\";"
		echo '    timeout = 10;'
		echo '  };'
		echo '};'
	} >"$JWTCRED_CONFIG"
}

# entry FIELD: a field of the (only) cache entry, via python.
entry() {
	/usr/bin/python3 - "$JWTCRED_CACHE_DIR" "$1" <<'PY'
import glob, json, os, sys
files = [f for f in glob.glob(os.path.join(sys.argv[1], '*')) if os.path.basename(f).isalnum()]
if len(files) != 1:
    sys.exit('%d cache entries' % len(files))
with open(files[0]) as f:
    e = json.load(f)
v = eval(sys.argv[2], {'e': e})
print(v if isinstance(v, str) else json.dumps(v))
PY
}

purge() {
	"$JWTCRED" purge >/dev/null 2>&1 || true
}

# ============================================================================
# Google: a service account key file as Google issues it
# ============================================================================
SA_EMAIL=ci-bot@jwtcred-test.iam.gserviceaccount.com
SA_KID=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
# sa_file PATH KEY TOKEN_URI: the JSON key file ("": the local endpoint's; "-": no token_uri)
sa_file() {
	/usr/bin/python3 - "$@" "$SA_EMAIL" "$SA_KID" "$SERVER_URL/google/token" <<'PY'
import json, os, sys
path, keyfile, uri, email, kid, default_uri = sys.argv[1:7]
doc = {'type': 'service_account', 'project_id': 'jwtcred-test', 'private_key_id': kid,
       'private_key': open(keyfile).read(), 'client_email': email,
       'client_id': '104242424242424242424', 'auth_uri': 'https://accounts.google.com/o/oauth2/auth'}
if uri != '-':
    doc['token_uri'] = uri or default_uri
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, 'w') as f:
    json.dump(doc, f, indent=2)
PY
}
sa_file "$KEYS/sa.json" "$KEYS/sa.key" ""
server_clients_merge "{\"service_accounts\": [{\"client_email\": \"$SA_EMAIL\",
	\"certificate\": \"$PKI/sa.crt\", \"key_id\": \"$SA_KID\", \"delegation\": [\"admin@example.com\"]}]}"
GOOGLE=(
	'provider = "google";'
	"service_account_file = \"$KEYS/sa.json\";"
	'scopes = [ "https://www.googleapis.com/auth/cloud-platform",'
	'           "https://www.googleapis.com/auth/devstorage.read_only" ];'
)
SCOPES='https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/devstorage.read_only'

conf gcp "${GOOGLE[@]}"
server_reset
run_jwtcred google token
expect_eq "google: exit 0" 0 "$RC"
expect_grep "google: an access token" '^ya29\.c\.[A-Za-z0-9_-]+$' "$TEST_TMP/google.out"
expect_eq "google: nothing on stderr" "" "$(cat "$TEST_TMP/google.err")"
expect_eq "google: one request to the token_uri of the key file" 1 "$(server_stats google_requests)"
expect_eq "google: header kid is the key file's private_key_id" "$SA_KID" "$(server_history 'h[-1]["header"]["kid"]')"
expect_eq "google: header alg" RS256 "$(server_history 'h[-1]["header"]["alg"]')"
expect_eq "google: iss is client_email" "$SA_EMAIL" "$(server_history 'h[-1]["claims"]["iss"]')"
expect_eq "google: scope claim, space-separated" "$SCOPES" "$(server_history 'h[-1]["claims"]["scope"]')"
expect_eq "google: aud is token_uri" "$SERVER_URL/google/token" "$(server_history 'h[-1]["claims"]["aud"]')"
expect_eq "google: no sub without delegation" false "$(server_history '"sub" in h[-1]["claims"]')"
expect_eq "google: no jti (as Google's libraries)" false "$(server_history '"jti" in h[-1]["claims"]')"
expect_eq "google: exp - iat <= 3600" true "$(server_history '0 < h[-1]["claims"]["exp"] - h[-1]["claims"]["iat"] <= 3600')"
expect_eq "google: expires_in 3600 sets the cache expiry" 3600 "$(entry 'e["expires"] - e["issued"]')"
expect_eq "google: the expiry is the server's" true "$(entry 'e["server_expiry"]')"
expect_eq "google: the entry's subject is the service account" "$SA_EMAIL" "$(entry 'e["subject"]')"
check "google: the token works on the protected resource" \
	curl -sf --max-time 10 --cacert "$PKI/ca.crt" -K - "$SERVER_URL/services/data/" -o /dev/null \
	< <(printf 'header = "Authorization: Bearer %s"\n' "$(cat "$TEST_TMP/google.out")")
run_jwtcred google2 token
expect_eq "google: second call served from the cache" "$(cat "$TEST_TMP/google.out")" "$(cat "$TEST_TMP/google2.out")"
expect_eq "google: no second request" 1 "$(server_stats google_requests)"
run_jwtcred gstatus status
expect_grep "google: status shows the service account" "^gcp +$SA_EMAIL " "$TEST_TMP/gstatus.out"

run_jwtcred gcheck check
expect_eq "google: check exits 0" 0 "$RC"
expect_grep "google: check names the key and algorithm" "^profile 'gcp': key '$KEYS/sa.json' \(RSA, 2048 bits\) fits RS256$" "$TEST_TMP/gcheck.out"
expect_grep "google: check names the account, kid and endpoint" "service account $SA_EMAIL, key id $SA_KID, token endpoint $SERVER_URL/google/token" "$TEST_TMP/gcheck.out"

# domain-wide delegation
purge
conf gcp "${GOOGLE[@]}" 'subject = "admin@example.com";'
run_jwtcred gsub token
expect_eq "google: delegated subject: exit 0" 0 "$RC"
expect_eq "google: sub claim" admin@example.com "$(server_history 'h[-1]["claims"]["sub"]')"
conf gcp "${GOOGLE[@]}" 'subject = "intruder@example.com";'
run_jwtcred gnosub token
expect_eq "google: undelegated subject: exit 1" 1 "$RC"
expect_grep "google: unauthorized_client with the delegation hint" "unauthorized_client: .*domain-wide delegation.*'subject'" "$TEST_TMP/gnosub.err"
expect_lines "google: one line" 1 "$TEST_TMP/gnosub.err"

# Google's signature errors: another key id, another key
conf gcp "${GOOGLE[@]}"
server_clients_merge "{\"service_accounts\": [{\"client_email\": \"$SA_EMAIL\",
	\"certificate\": \"$PKI/sa.crt\", \"key_id\": \"0000000000\"}]}"
run_jwtcred gkid token --no-cache
expect_eq "google: key id unknown to the server: exit 1" 1 "$RC"
expect_grep "google: Invalid JWT Signature with the fix" "invalid_grant: Invalid JWT Signature\.; Google did not verify the signature: the key of '$KEYS/sa.json'.*create a new key" "$TEST_TMP/gkid.err"
server_clients_merge "{\"service_accounts\": [{\"client_email\": \"$SA_EMAIL\",
	\"certificate\": \"$PKI/sa.crt\", \"key_id\": \"$SA_KID\", \"delegation\": [\"admin@example.com\"]}]}"
sa_file "$KEYS/sa-other.json" "$KEYS/other.key" ""
conf gcp "${GOOGLE[@]/sa.json/sa-other.json}"
run_jwtcred gkey token --no-cache
expect_grep "google: another key with the same kid: Invalid JWT Signature" "Invalid JWT Signature" "$TEST_TMP/gkey.err"

# clock skew: a server two hours ahead finds the assertion expired, and says its Date
conf gcp "${GOOGLE[@]}"
server_mode '{"clock_offset": 7200}'
run_jwtcred gclock token --no-cache
server_mode '{}'
expect_eq "google: server clock 2 h ahead: exit 1" 1 "$RC"
expect_grep "google: Google's short-lived token error" "Token must be a short-lived token" "$TEST_TMP/gclock.err"
expect_grep "google: local UTC time and the server's Date, 2 h apart" "this machine's UTC time is [0-9T:-]+Z, the server's Date is [0-9T:-]+Z \((719[89]|720[012]) s ahead\)" "$TEST_TMP/gclock.err"

# the key file: no token_uri (then Google's default unless token_url is set), permissions
sa_file "$KEYS/sa-nouri.json" "$KEYS/sa.key" -
conf gcp "${GOOGLE[@]/sa.json/sa-nouri.json}" "token_url = \"$SERVER_URL/google/token\";"
server_reset
run_jwtcred gnouri token --no-cache
expect_eq "google: token_url for a key file without token_uri: exit 0" 0 "$RC"
expect_eq "google: aud is then token_url" "$SERVER_URL/google/token" "$(server_history 'h[-1]["claims"]["aud"]')"
chmod 644 "$KEYS/sa.json"
conf gcp "${GOOGLE[@]}"
run_jwtcred gperm token --no-cache
expect_grep "google: a key file others can read is refused" "service account file '$KEYS/sa.json' is accessible by group or others \(mode 0644\): run chmod 600" "$TEST_TMP/gperm.err"
chmod 600 "$KEYS/sa.json"
conf gcp 'provider = "google";' "private_key = \"$KEYS/sa.key\";" 'scope = "x";'
run_jwtcred gconf token
expect_grep "google: private_key is refused, naming the setting to use" "'private_key' in profile 'gcp' applies to providers \"salesforce\", \"generic\", \"client-credentials\" and \"github-app\" only, not \"google\": use 'service_account_file'" "$TEST_TMP/gconf.err"

# ============================================================================
# Generic RFC 7523: every algorithm, extra claims and form parameters
# ============================================================================
CLAIMS_JSON='{"tenant": "acme", "level": 3, "admin": false, "groups": ["ops", "dev"]}'
generic_client() { # ISSUER CERT [EXTRA_JSON_MEMBERS]
	printf '{"issuer": "%s", "certificate": "%s", "kid": "kid-%s", "claims": %s,
	  "form": {"resource": "https://api.example.com"}, "scope": "deploy:write",
	  "scope_in": "form", "require_jti": true%s}' "$1" "$2" "$1" "$CLAIMS_JSON" "${3:+, $3}"
}
ALGS=(RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA)
key_of() {
	case $1 in
	RS* | PS*) echo client ;;
	ES256) echo ec ;;
	ES384) echo ec384 ;;
	ES512) echo ec521 ;;
	EdDSA) echo ed25519 ;;
	esac
}
clients=
for alg in "${ALGS[@]}"; do
	clients=${clients:+$clients,}$(generic_client "gen-$alg" "$PKI/$(key_of "$alg").crt")
done
clients=$clients,$(generic_client gen-aud "$PKI/client.crt" \
	'"audiences": ["https://idp.example.com/token"], "expires_in": 600')
clients=$clients,$(generic_client gen-claim "$PKI/client.crt" '"scope_in": "claim"')
clients=$clients,$(generic_client gen-both "$PKI/client.crt" '"scope_in": "both"')
server_clients_merge "{\"generic_clients\": [$clients]}"

GENERIC_CLAIMS=(
	'claims = {'
	'  tenant = "acme";'
	'  level = 3;'
	'  admin = false;'
	'  groups = [ "ops", "dev" ];'
	'};'
	'form = { resource = "https://api.example.com"; };'
	'scope = "deploy:write";'
)
generic() { # ALG KEYFILE [SETTING...]
	local alg=$1 key=$2
	shift 2
	conf gen 'provider = "generic";' "token_url = \"$SERVER_URL/generic/token\";" \
		"issuer = \"gen-$alg\";" "algorithm = \"$alg\";" "key_id = \"kid-gen-$alg\";" \
		"private_key = \"$KEYS/$key\";" "${GENERIC_CLAIMS[@]}" "$@"
}

# b64d: base64url on stdin to bytes on stdout
b64d() {
	local s
	s=$(cat)
	while [ $((${#s} % 4)) -ne 0 ]; do s=$s=; done
	printf '%s' "$s" | basenc --base64url -d
}

# verify_cli ALG KEYNAME JWS: the openssl command line verifies the signature.
verify_cli() {
	local alg=$1 key=$2 jws=$3 d=$TEST_TMP/cli-$1 bits=${1:2}
	mkdir -p "$d"
	printf '%s' "${jws%.*}" >"$d/input"
	printf '%s' "${jws##*.}" | b64d >"$d/sig"
	openssl pkey -in "$KEYS/$key.key" -pubout -out "$d/pub.pem" 2>/dev/null || return 1
	case $alg in
	RS*) openssl dgst "-sha$bits" -verify "$d/pub.pem" -signature "$d/sig" "$d/input" ;;
	PS*) openssl dgst "-sha$bits" -sigopt rsa_padding_mode:pss -sigopt "rsa_pss_saltlen:$((bits / 8))" \
		-verify "$d/pub.pem" -signature "$d/sig" "$d/input" ;;
	ES*)
		# JWS R || S to the DER the command line verifies (cryptography's encoder)
		/usr/bin/python3 -c '
import sys
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
raw = open(sys.argv[1], "rb").read(); n = len(raw) // 2
open(sys.argv[2], "wb").write(encode_dss_signature(int.from_bytes(raw[:n], "big"), int.from_bytes(raw[n:], "big")))' \
			"$d/sig" "$d/sig.der" || return 1
		openssl dgst "-sha$bits" -verify "$d/pub.pem" -signature "$d/sig.der" "$d/input" ;;
	EdDSA) openssl pkeyutl -verify -pubin -inkey "$d/pub.pem" -rawin -in "$d/input" -sigfile "$d/sig" ;;
	esac >/dev/null 2>&1
}

declare -A SIGLEN=([RS256]=256 [RS384]=256 [RS512]=256 [PS256]=256 [PS384]=256 [PS512]=256
	[ES256]=64 [ES384]=96 [ES512]=132 [EdDSA]=64)
for alg in "${ALGS[@]}"; do
	key=$(key_of "$alg")
	purge
	generic "$alg" "$key.key"
	server_reset
	run_jwtcred "gen-$alg" token
	expect_eq "generic $alg: Authlib accepts the assertion" 0 "$RC"
	[ "$RC" -eq 0 ] || show "$TEST_TMP/gen-$alg.err"
	expect_grep "generic $alg: a token" '^gen\.[A-Za-z0-9_-]+$' "$TEST_TMP/gen-$alg.out"
	expect_eq "generic $alg: header alg and kid" "$alg kid-gen-$alg" \
		"$(server_history 'h[-1]["header"]["alg"] + " " + h[-1]["header"]["kid"]')"
	run_jwtcred "jws-$alg" assertion
	jws=$(cat "$TEST_TMP/jws-$alg.out")
	expect_eq "generic $alg: signature length" "${SIGLEN[$alg]}" "$(printf '%s' "${jws##*.}" | b64d | wc -c)"
	check "generic $alg: the openssl command line verifies the signature" verify_cli "$alg" "$key" "$jws"
	# and the check can fail: a flipped byte of the signed input does not verify
	bad=${jws%%.*}X.${jws#*.}
	if verify_cli "$alg" "$key" "$bad"; then not_ok "generic $alg: a tampered assertion fails the openssl check"; else ok "generic $alg: a tampered assertion fails the openssl check"; fi
done

# what the last (EdDSA) request carried: extra claims, the form parameters, scope in the form
expect_eq "generic: extra claims as typed" '{"admin": false, "groups": ["ops", "dev"], "level": 3, "tenant": "acme"}' \
	"$(server_history '{k: h[-1]["claims"][k] for k in ("tenant", "level", "admin", "groups")}')"
expect_eq "generic: extra form parameter" https://api.example.com "$(server_history 'h[-1]["form"]["resource"]')"
expect_eq "generic: scope as a form parameter (the default)" "deploy:write False" \
	"$(server_history 'h[-1]["form"]["scope"] + " " + str("scope" in h[-1]["claims"])')"
expect_eq "generic: sub defaults to iss" gen-EdDSA "$(server_history 'h[-1]["claims"]["sub"]')"
expect_eq "generic: aud defaults to token_url" "$SERVER_URL/generic/token" "$(server_history 'h[-1]["claims"]["aud"]')"
expect_eq "generic: a jti" 22 "$(server_history 'len(h[-1]["claims"]["jti"])')"
expect_eq "generic: expires_in sets the cache expiry" 1800 "$(entry 'e["expires"] - e["issued"]')"

# wrong key type per family: refused before any request, naming what fits
server_reset
wrong() { # NAME ALG KEYFILE PATTERN
	generic "$2" "$3"
	run_jwtcred "$1" token --no-cache
	expect_eq "$1: exit 1" 1 "$RC"
	expect_grep "$1: says what the key is and needs" "$4" "$TEST_TMP/$1.err"
}
wrong wrong-rs RS256 ec.key "private key '$KEYS/ec.key' is EC, but RS256 needs an RSA key \(algorithm = \"ES256\" fits this key\)"
wrong wrong-ps PS384 ed25519.key "is Ed25519, but PS384 needs an RSA key \(algorithm = \"EdDSA\" fits this key\)"
wrong wrong-es ES256 ec384.key "is EC on curve P-384, but ES256 needs curve P-256 \(algorithm = \"ES384\" fits this key\)"
wrong wrong-es2 ES512 client.key "is RSA, but ES512 needs an EC key on curve P-521"
wrong wrong-ed EdDSA ec521.key "is EC, but EdDSA needs an Ed25519 key \(algorithm = \"ES512\" fits this key\)"
expect_eq "wrong key types: no request reached the server" 0 "$(server_stats generic_requests)"

# scope as a claim, or both
conf gen 'provider = "generic";' "token_url = \"$SERVER_URL/generic/token\";" 'issuer = "gen-claim";' \
	'key_id = "kid-gen-claim";' "private_key = \"$KEYS/client.key\";" "${GENERIC_CLAIMS[@]}" 'scope_in = "claim";'
run_jwtcred scope-claim token --no-cache
expect_eq "generic: scope_in claim: exit 0" 0 "$RC"
expect_eq "generic: scope_in claim: in the claims, not the form" "deploy:write False" \
	"$(server_history 'h[-1]["claims"]["scope"] + " " + str("scope" in h[-1]["form"])')"
conf gen 'provider = "generic";' "token_url = \"$SERVER_URL/generic/token\";" 'issuer = "gen-both";' \
	'key_id = "kid-gen-both";' "private_key = \"$KEYS/client.key\";" "${GENERIC_CLAIMS[@]}" 'scope_in = "both";'
run_jwtcred scope-both token --no-cache
expect_eq "generic: scope_in both: exit 0" 0 "$RC"
conf gen 'provider = "generic";' "token_url = \"$SERVER_URL/generic/token\";" 'issuer = "gen-both";' \
	'key_id = "kid-gen-both";' "private_key = \"$KEYS/client.key\";" "${GENERIC_CLAIMS[@]}"
run_jwtcred scope-form-only token --no-cache
expect_grep "generic: scope only in the form when the server wants both: refused" "invalid_scope" "$TEST_TMP/scope-form-only.err"

# the server checks the extra claims, form parameters and jti: so jwtcred's are tested
generic RS256 client.key
sed -i 's/tenant = "acme"/tenant = "other"/' "$JWTCRED_CONFIG"
run_jwtcred badclaim token --no-cache
expect_grep "generic: a wrong extra claim is refused by the server" 'claim "tenant" missing or wrong' "$TEST_TMP/badclaim.err"
generic RS256 client.key
sed -i '/^    form = /d' "$JWTCRED_CONFIG"
run_jwtcred noform token --no-cache
expect_grep "generic: a missing form parameter is refused by the server" 'parameter "resource" missing or wrong' "$TEST_TMP/noform.err"
generic RS256 client.key 'jti = false;'
run_jwtcred nojti token --no-cache
expect_grep "generic: jti = false sends none" 'jti missing or replayed' "$TEST_TMP/nojti.err"
conf gen 'provider = "generic";' "token_url = \"$SERVER_URL/generic/token\";" 'issuer = "nobody";' \
	"private_key = \"$KEYS/client.key\";"
run_jwtcred unknown-iss token --no-cache
expect_grep "generic: unknown issuer: the generic hint" "invalid_client: unknown issuer; the server does not accept this issuer or key: check 'issuer'" "$TEST_TMP/unknown-iss.err"

# an audience list for a generic server: the refused one first, then the accepted one
purge
generic RS256 client.key
conf gen 'provider = "generic";' "token_url = \"$SERVER_URL/generic/token\";" 'issuer = "gen-aud";' \
	'key_id = "kid-gen-aud";' "private_key = \"$KEYS/client.key\";" "${GENERIC_CLAIMS[@]}" \
	"audience = [ \"$SERVER_URL/generic/token\", \"https://idp.example.com/token\" ];"
server_reset
run_jwtcred gen-aud token
expect_eq "generic audiences: exit 0" 0 "$RC"
expect_eq "generic audiences: tried in order" "$SERVER_URL/generic/token https://idp.example.com/token" \
	"$(server_history '" ".join(x["claims"]["aud"] for x in h)')"
expect_eq "generic audiences: the one that worked is remembered" https://idp.example.com/token "$(entry 'e["audience_used"]')"
expect_eq "generic audiences: expires_in 600" 600 "$(entry 'e["expires"] - e["issued"]')"
server_reset
run_jwtcred gen-aud2 token --refresh
expect_eq "generic audiences: the next mint starts with it" https://idp.example.com/token \
	"$(server_history '" ".join(x["claims"]["aud"] for x in h)')"

# revocation needs an endpoint: generic profiles have none unless revoke_url is set
run_jwtcred gen-revoke purge --revoke
expect_eq "generic: purge --revoke without revoke_url: exit 1" 1 "$RC"
expect_grep "generic: says to set revoke_url" "profile 'gen' has no revocation endpoint: set 'revoke_url'" "$TEST_TMP/gen-revoke.err"
purge

# ============================================================================
# Keys: PKCS#12, encrypted keys of every type, certificates of every type
# ============================================================================
write_config "private_key = \"$KEYS/client.p12\";" "passphrase_file = \"$KEYS/passphrase.txt\";"
run_jwtcred p12 token --no-cache
expect_eq "PKCS#12 with its passphrase: mints" 0 "$RC"
run_jwtcred p12check check
expect_grep "PKCS#12: check compares the certificate inside with the key" "the certificate in '$KEYS/client.p12' matches the key, valid for 36[45] more days" "$TEST_TMP/p12check.out"
write_config "private_key = \"$KEYS/client-legacy.p12\";" "passphrase_file = \"$KEYS/passphrase.txt\";"
run_jwtcred p12legacy token --no-cache
expect_eq "PKCS#12 with RC2-40 (Java 8, -legacy): mints" 0 "$RC"
[ "$RC" -eq 0 ] || show "$TEST_TMP/p12legacy.err"
write_config "private_key = \"$KEYS/client-nopass.p12\";"
run_jwtcred p12nopass token --no-cache
expect_eq "PKCS#12 with an empty passphrase, none set: mints" 0 "$RC"
write_config "private_key = \"$KEYS/client.p12\";"
run_jwtcred p12needpass token --no-cache
expect_grep "PKCS#12 without its passphrase: says which settings" "PKCS#12 file '$KEYS/client.p12' is protected by a passphrase: set passphrase_file or passphrase_env" "$TEST_TMP/p12needpass.err"
printf 'wrong\n' >"$TEST_TMP/wrongpass"; chmod 600 "$TEST_TMP/wrongpass"
write_config "private_key = \"$KEYS/client.p12\";" "passphrase_file = \"$TEST_TMP/wrongpass\";"
run_jwtcred p12wrong token --no-cache
expect_grep "PKCS#12 with a wrong passphrase: says so" "cannot open PKCS#12 file '$KEYS/client.p12': wrong passphrase" "$TEST_TMP/p12wrong.err"

try_generic() { # NAME DESCRIPTION ALG KEYFILE [SETTING...]
	local name=$1 what=$2
	shift 2
	generic "$@"
	run_jwtcred "$name" token --no-cache
	expect_eq "$what: mints" 0 "$RC"
	[ "$RC" -eq 0 ] || show "$TEST_TMP/$name.err"
}
PASSFILE="passphrase_file = \"$KEYS/passphrase.txt\";"
try_generic enc-p256 "encrypted P-256 key" ES256 ec-enc.key "$PASSFILE"
try_generic enc-p384 "encrypted P-384 key" ES384 ec384-enc.key "$PASSFILE"
try_generic enc-p521 "encrypted P-521 key" ES512 ec521-enc.key "$PASSFILE"
try_generic enc-ed "encrypted Ed25519 key" EdDSA ed25519-enc.key "$PASSFILE"
try_generic enc-rsa "encrypted RSA key (PS256)" PS256 client-enc.key "$PASSFILE"
try_generic sec1 "SEC1 EC key" ES256 ec-sec1.key
try_generic p12-p384 "P-384 PKCS#12" ES384 ec384.p12 "$PASSFILE"
try_generic p12-ed "Ed25519 PKCS#12" EdDSA ed25519.p12 "$PASSFILE"
generic EdDSA ed25519-enc.key
run_jwtcred ed-nopass token --no-cache
expect_grep "encrypted Ed25519 key without passphrase: says so" "is encrypted: set passphrase_file or passphrase_env" "$TEST_TMP/ed-nopass.err"

certcheck() { # NAME ALG KEYFILE CERT
	generic "$2" "$3" "certificate = \"$KEYS/$4\";"
	run_jwtcred "$1" check
}
certcheck cert-ec384 ES384 ec384.key ec384.crt
expect_grep "check: an EC P-384 certificate matches its key" "certificate '$KEYS/ec384.crt' matches the key" "$TEST_TMP/cert-ec384.out"
expect_grep "check: describes the EC key" "\(EC, curve P-384\) fits ES384" "$TEST_TMP/cert-ec384.out"
certcheck cert-ed EdDSA ed25519.key ed25519.crt
expect_grep "check: an Ed25519 certificate matches its key" "certificate '$KEYS/ed25519.crt' matches the key" "$TEST_TMP/cert-ed.out"
certcheck cert-mismatch ES384 ec384.key ec521.crt
expect_eq "check: a certificate of another EC key: exit 1" 1 "$RC"
expect_grep "check: says it does not match" "certificate '$KEYS/ec521.crt' does not match private key '$KEYS/ec384.key'" "$TEST_TMP/cert-mismatch.err"
certcheck cert-soon RS256 client.key client-soon.crt
expect_eq "check: a certificate expiring in 10 days still passes" 0 "$RC"
expect_grep "check: but warns, in days" "warning: certificate '$KEYS/client-soon.crt' expires in (9|10) days: the server stops accepting the key that day" "$TEST_TMP/cert-soon.err"
certcheck cert-expired RS256 client.key client-expired.crt
expect_eq "check: an expired certificate fails" 1 "$RC"
expect_grep "check: says it expired" "certificate '$KEYS/client-expired.crt' has expired" "$TEST_TMP/cert-expired.err"

# ============================================================================
# Salesforce's rough edges
# ============================================================================
# audience list: My Domain (app_not_found), sandbox host (audience is invalid), production
purge
server_clients_merge '{"app_not_found_audiences": ["https://acme.my.salesforce.com"]}'
AUDS='audience = [ "https://acme.my.salesforce.com", "https://test.salesforce.com", "https://login.salesforce.com" ];'
write_config "$AUDS"
server_reset
run_jwtcred sf-aud token
expect_eq "salesforce audiences: exit 0" 0 "$RC"
expect_eq "salesforce audiences: tried in order until one worked" \
	"https://acme.my.salesforce.com https://test.salesforce.com https://login.salesforce.com" \
	"$(server_history '" ".join(x["claims"]["aud"] for x in h)')"
expect_eq "salesforce audiences: three requests" 3 "$(server_stats token_requests)"
expect_eq "salesforce audiences: the one that worked is in the cache entry" https://login.salesforce.com "$(entry 'e["audience_used"]')"
server_reset
run_jwtcred sf-aud2 token --refresh
expect_eq "salesforce audiences: the next mint starts with it" "https://login.salesforce.com" \
	"$(server_history '" ".join(x["claims"]["aud"] for x in h)')"
run_jwtcred sf-aud-v -v token --refresh
expect_no_grep "salesforce audiences: -v shows no token" '00D[A-Za-z0-9]+![A-Za-z0-9._-]{16,}' "$TEST_TMP/sf-aud-v.err"
write_config 'audience = [ "https://acme.my.salesforce.com", "https://test.salesforce.com" ];'
run_jwtcred sf-aud-none token --no-cache
expect_eq "salesforce audiences, none right: exit 1" 1 "$RC"
expect_grep "salesforce audiences, none right: names every one tried" "audience is invalid; the assertion was sent with aud 'https://acme.my.salesforce.com', then 'https://test.salesforce.com'" "$TEST_TMP/sf-aud-none.err"
expect_lines "salesforce audiences, none right: one line" 1 "$TEST_TMP/sf-aud-none.err"
write_config 'audience = "https://acme.my.salesforce.com";'
run_jwtcred sf-notfound token --no-cache
expect_grep "salesforce app_not_found: the hint" "invalid_client: app_not_found; no app with this consumer key answers for aud 'https://acme.my.salesforce.com'" "$TEST_TMP/sf-notfound.err"
purge

# the one-time approval URL
write_config 'username = "bob@example.com";' 'callback_url = "https://localhost:1717/OauthRedirect";'
run_jwtcred approve token --no-cache
expect_eq "unapproved user: exit 1" 1 "$RC"
expect_grep "unapproved user: the approval URL for the profile" \
	"user hasn't approved this consumer; approve the app once as this user at $SERVER_URL/services/oauth2/authorize\?response_type=code&client_id=3MVG9test\.consumer\.key&redirect_uri=https%3A%2F%2Flocalhost%3A1717%2FOauthRedirect" \
	"$TEST_TMP/approve.err"
expect_grep "unapproved user: and the pre-authorization advice" "or pre-authorize the user \(app policies: Admin approved users are pre-authorized" "$TEST_TMP/approve.err"
expect_lines "unapproved user: one line" 1 "$TEST_TMP/approve.err"
write_config 'username = "bob@example.com";'
run_jwtcred approve-nocb token --no-cache
expect_grep "unapproved user without callback_url: says to set it" "set 'callback_url' to get the URL that approves it once" "$TEST_TMP/approve-nocb.err"

# clock skew: the assertion an hour old; the message has the server's Date
write_config
JWTCRED_NOW=$(($(date +%s) - 3600)) run_jwtcred sf-clock token --no-cache
expect_grep "salesforce clock skew: local UTC time and the server's Date" "expired authorization code; .*this machine's UTC time is $(date -u +%Y-%m-%d)T[0-9:]+Z, the server's Date is $(date -u +%Y-%m-%d)T[0-9:]+Z \([0-9] s (ahead|behind)\)" "$TEST_TMP/sf-clock.err"
# iat is a little in the past, for a server whose clock is behind
JWTCRED_NOW=1700000000 run_jwtcred iat assertion --decode
expect_grep "iat 30 s before now" '"iat": 1699999970' "$TEST_TMP/iat.out"

finish
