#!/bin/bash
# Tool fronts: token formats, jwtcred curl (token never in argv or
# environment), jwtcred exec, the kubectl exec plugin with real kubectl,
# docker's credential helper protocol, and the libjwtcred example.
. "${srcdir:-.}/tests/integration/lib.sh"

start_server
write_config "urls = [ \"$SERVER_URL/services\", \"https://registry.example.com\" ];" \
	'docker_username = "robot";'
DATA=$SERVER_URL/services/data/
ln -s "$JWTCRED" "$TEST_TMP/bin/docker-credential-jwtcred"

run_jwtcred bare token
TOKEN=$(cat "$TEST_TMP/bare.out")
check "token: not empty" test -n "$TOKEN"

# --- token --format --------------------------------------------------------
run_jwtcred header token --format header
expect_eq "--format header" "Authorization: Bearer $TOKEN" "$(cat "$TEST_TMP/header.out")"
run_jwtcred json token --format json
expect_grep "--format json: token, type, expiry, instance" \
	"^\{\"access_token\":\"[^\"]+\",\"token_type\":\"Bearer\",\"expires_at\":\"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\",\"instance_url\":\"$SERVER_URL\"\}$" \
	"$TEST_TMP/json.out"
expect_eq "--format json: the access_token is the token" "$TOKEN" \
	"$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <"$TEST_TMP/json.out")"
run_jwtcred env token --format env
expect_eq "--format env: eval gives the token" "$TOKEN" "$(eval "$(cat "$TEST_TMP/env.out")"; echo "$JWTCRED_ACCESS_TOKEN")"
expect_eq "--format env: and the instance URL" "$SERVER_URL" "$(eval "$(cat "$TEST_TMP/env.out")"; echo "$JWTCRED_INSTANCE_URL")"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -K <("$JWTCRED" token --format curl-config) "$DATA")
expect_eq "--format curl-config: curl -K <(...) is accepted" 200 "$code"
run_jwtcred badformat token --format yaml
expect_eq "--format yaml: usage error" 2 "$RC"
expect_grep "--format yaml: names the formats" "unknown format 'yaml' \(bare, header, json, env or curl-config\)" "$TEST_TMP/badformat.err"

# --- jwtcred curl ---------------------------------------------------------------
# jwtcred curl refuses --cacert (it changes whom curl trusts): the test CA comes
# from the environment, as a private CA would.
export CURL_CA_BUNDLE=$PKI/ca.crt
# A curl in front of the real one records what it was given: its command line
# and environment as the kernel shows them (/proc/self), then runs curl.
REAL_CURL=$(command -v curl)
cat >"$TEST_TMP/bin/curl" <<SH
#!/bin/bash
tr '\0' '\n' </proc/\$\$/cmdline >"$TEST_TMP/curl.cmdline"
tr '\0' '\n' </proc/\$\$/environ >"$TEST_TMP/curl.environ"
exec "$REAL_CURL" "\$@"
SH
chmod +x "$TEST_TMP/bin/curl"
run_jwtcred curl curl -- -sS "$DATA"
expect_eq "curl: exit 0" 0 "$RC"
expect_grep "curl: the endpoint accepted the token" '"ok": ?true' "$TEST_TMP/curl.out"
expect_no_grep "curl: the token is not in curl's command line" "$TOKEN" "$TEST_TMP/curl.cmdline"
expect_no_grep "curl: the token is not in curl's environment" "$TOKEN" "$TEST_TMP/curl.environ"
expect_grep "curl: the token came on a pipe (-K /dev/fd/N)" '^/dev/fd/[0-9]+$' "$TEST_TMP/curl.cmdline"
run_jwtcred curl404 curl -- -sS -f "$SERVER_URL/services/nothing"
expect_eq "curl: exit status is curl's (22 for -f on a 404)" 22 "$RC"
run_jwtcred curlother curl -- -sS https://elsewhere.example/
expect_eq "curl: an unlisted URL is refused" 1 "$RC"
expect_grep "curl: says no profile lists it" "no profile lists 'https://elsewhere.example/' in its urls" "$TEST_TMP/curlother.err"
run_jwtcred curltwo curl -- -sS "$DATA" https://elsewhere.example/
expect_eq "curl: a second, unlisted URL is refused" 1 "$RC"
expect_grep "curl: names the URL the token may not go to" "may not go to 'https://elsewhere.example/'" "$TEST_TMP/curltwo.err"
run_jwtcred curltrusted curl -- --location-trusted "$DATA"
expect_eq "curl: --location-trusted refused" 2 "$RC"
expect_grep "curl: says why, and what to do instead" "refusing curl option '--location-trusted': it can send the request, token included, somewhere other than the URL jwtcred checked; to decide where the token goes yourself, run curl -q -K <\\(jwtcred token --format curl-config\\)" "$TEST_TMP/curltrusted.err"
# curl takes unambiguous abbreviations and short clusters: so does the check
for bad in "--location-t" "-sSk" "--insecure" "-K /dev/null" "--conf /dev/null" "--next" "--unix-socket /tmp/s"; do
	# shellcheck disable=SC2086
	run_jwtcred curlbad curl -- $bad "$DATA"
	expect_eq "curl: '$bad' refused before anything runs" 2 "$RC"
done
# a message quotes what it was given, but no control character reaches the terminal
run_jwtcred escword $'\e[31mred\nline'
check "a message never carries an ESC or a line break" test "$(tr -d -c '\033' <"$TEST_TMP/escword.err" | wc -c)" -eq 0
expect_lines "a message is one line" 1 "$TEST_TMP/escword.err"
# without "--", a word meant for curl could be read as jwtcred's own option
run_jwtcred curlnodash curl "$DATA"
expect_eq "curl: arguments without '--' are a usage error" 2 "$RC"
expect_grep "curl: says to put '--' first" "put '--' before the arguments of curl" "$TEST_TMP/curlnodash.err"
run_jwtcred execnodash exec true
expect_eq "exec: a command without '--' is a usage error" 2 "$RC"
run_jwtcred curlnourl curl -- -sS
expect_grep "curl: no URL, clear message" "no URL among the curl arguments" "$TEST_TMP/curlnourl.err"
# curl takes a word without a scheme for an http:// URL: the token must not go there
run_jwtcred curlbare curl -- -sS "$DATA" 127.0.0.1:9/steal
expect_eq "curl: a URL without scheme is refused" 2 "$RC"
expect_grep "curl: says it is not a full URL" "refusing the URL '127.0.0.1:9/steal' in the curl arguments: it is not an absolute URL" "$TEST_TMP/curlbare.err"
run_jwtcred curlhttp curl -- -sS "http://localhost:$SERVER_PORT/services/data/"
expect_eq "curl: an http:// URL is refused" 2 "$RC"
# an option's value is not a URL, a URL after a flag is
run_jwtcred curlval curl -- -sS -A https://elsewhere.example/ "$DATA"
expect_eq "curl: an option value that looks like a URL is not taken for one" 0 "$RC"
run_jwtcred curlflag curl -- -sS --socks5-gssapi https://elsewhere.example/ "$DATA"
expect_eq "curl: an option off the allow-list is refused, URL or not after it" 2 "$RC"
rm "$TEST_TMP/curl.cmdline"
run_jwtcred curltrusted2 curl -- --location-trusted "$DATA"
check "curl: nothing ran for a refused call" test ! -e "$TEST_TMP/curl.cmdline"
# a 401 drops the cached token, so the next call mints a fresh one
server_revoke_all
server_reset
run_jwtcred curl401 curl -- -s -o /dev/null -w '%{http_code}' "$DATA"
expect_eq "curl after revocation: the server said 401" 401 "$(cat "$TEST_TMP/curl401.out")"
run_jwtcred curlafter curl -- -sS "$DATA"
cp "$TEST_TMP/curl.cmdline" "$TEST_TMP/curlafter.cmdline" # before server_stats runs curl
expect_eq "curl after a 401: the next call works" 0 "$RC"
expect_eq "curl after a 401: with one newly minted token" 1 "$(server_stats token_requests)"
# (the recorded command line starts with bash and the wrapper's path)
expect_eq "curl: -q comes first, so ~/.curlrc cannot add URLs" "-q" \
	"$(awk -v me="$TEST_TMP/bin/curl" 'prev == me { print; exit } { prev = $0 }' "$TEST_TMP/curlafter.cmdline")"
TOKEN=$("$JWTCRED" token)
# a profile without urls may still send its token to its own instance_url
write_config 'docker_username = "robot";'
run_jwtcred curlinst curl --profile prod -- -sS "$DATA"
expect_eq "curl --profile: the token's instance_url is allowed" 0 "$RC"
write_config "urls = [ \"$SERVER_URL/services\", \"https://registry.example.com\" ];" \
	'docker_username = "robot";'
# jwtcred keeps umask 077 for its own files; curl's are the caller's business
(umask 022 && "$JWTCRED" curl -- -sS -o "$TEST_TMP/umask.out" "$DATA") >/dev/null 2>&1
expect_eq "curl: writes its output with the caller's umask" 644 "$(stat -c %a "$TEST_TMP/umask.out" 2>&1)"

# --- jwtcred exec -----------------------------------------------------------------
cat >"$TEST_TMP/child" <<SH
#!/bin/bash
[ "\$JWTCRED_ACCESS_TOKEN" = "$TOKEN" ] || exit 11
[ "\$SF_ACCESS_TOKEN" = "$TOKEN" ] || exit 12
[ "\$JWTCRED_INSTANCE_URL" = "$SERVER_URL" ] || exit 13
[ "\$SF_INSTANCE_URL" = "$SERVER_URL" ] || exit 14
[ "\$1" = "a b" ] && [ "\$2" = '\$HOME' ] || exit 15
exit 7
SH
chmod +x "$TEST_TMP/child"
run_jwtcred exec exec -- "$TEST_TMP/child" "a b" '$HOME'
expect_eq "exec: the child saw the token, instance and its arguments; its status passes" 7 "$RC"
expect_eq "exec: the command runs with the caller's umask" 0022 "$(umask 022 && "$JWTCRED" exec -- sh -c umask 2>&1)"
# SIGXFSZ is ignored by jwtcred itself; an ignored signal would survive exec
sigign=$("$JWTCRED" exec -- sh -c 'sed -n "s/^SigIgn:[[:space:]]*//p" /proc/self/status' 2>&1)
check "exec: the command does not inherit jwtcred's ignored SIGXFSZ ($sigign)" \
	test $((0x${sigign:-1000000} & 0x1000000)) -eq 0
run_jwtcred execmissing exec -- "$TEST_TMP/no-such-program"
expect_eq "exec: a missing command exits 127" 127 "$RC"
expect_grep "exec: and says so" "cannot run '.*no-such-program': No such file or directory" "$TEST_TMP/execmissing.err"

# --- kubectl exec plugin --------------------------------------------------------------
KUBE_INFO='{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}'
KUBERNETES_EXEC_INFO=$KUBE_INFO run_jwtcred kube kubectl
expect_eq "kubectl plugin: exit 0" 0 "$RC"
expect_lines "kubectl plugin: exactly one line on stdout" 1 "$TEST_TMP/kube.out"
expect_eq "kubectl plugin: one ExecCredential of the requested apiVersion" \
	"client.authentication.k8s.io/v1beta1 ExecCredential $TOKEN" \
	"$(/usr/bin/python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["apiVersion"], o["kind"], o["status"]["token"])' <"$TEST_TMP/kube.out")"
expect_grep "kubectl plugin: RFC 3339 expirationTimestamp" '"expirationTimestamp":"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' "$TEST_TMP/kube.out"
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v9"}' run_jwtcred kubebad kubectl
expect_eq "kubectl plugin: unknown apiVersion fails" 1 "$RC"
expect_eq "kubectl plugin: and prints nothing on stdout" "" "$(cat "$TEST_TMP/kubebad.out")"
expect_grep "kubectl plugin: names the versions it speaks" "speaks client.authentication.k8s.io/v1 and" "$TEST_TMP/kubebad.err"
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://evil.example:6443"}}}' \
	run_jwtcred kubeevil kubectl
expect_grep "kubectl plugin: an unlisted cluster server is refused" "may not go to cluster 'https://evil.example:6443'" "$TEST_TMP/kubeevil.err"
# kubectl's values reach the terminal escaped: no ESC, CR or LF of theirs on stderr
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://evil.example\u001b[2J\r\njwtcred: forged:6443"}}}' \
	run_jwtcred kubeesc kubectl
expect_eq "kubectl plugin: a cluster server with control characters is refused" 1 "$RC"
expect_lines "kubectl plugin: and its message is one line" 1 "$TEST_TMP/kubeesc.err"
expect_grep "kubectl plugin: with the control characters escaped" \
	"may not go to cluster 'https://evil.example\\\\x1b\[2J\\\\x0d\\\\x0ajwtcred: forged:6443'" "$TEST_TMP/kubeesc.err"
expect_no_grep "kubectl plugin: no raw ESC or CR on stderr" $'[\x1b\r]' "$TEST_TMP/kubeesc.err"
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v9\u001b]0;pwned\u0007"}' run_jwtcred kubeescapi kubectl
expect_lines "kubectl plugin: an apiVersion with control characters: one line" 1 "$TEST_TMP/kubeescapi.err"
expect_no_grep "kubectl plugin: no raw ESC or BEL on stderr" $'[\x1b\x07]' "$TEST_TMP/kubeescapi.err"
# a cluster that is there but names no server as a string is an error, not "no cluster info"
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":6443}}}' \
	run_jwtcred kubenum kubectl
expect_eq "kubectl plugin: a cluster server that is a number fails" 1 "$RC"
expect_eq "kubectl plugin: and prints no credential" "" "$(cat "$TEST_TMP/kubenum.out")"
expect_grep "kubectl plugin: says the server is not a string" \
	"^jwtcred: KUBERNETES_EXEC_INFO: 'spec.cluster.server' is a number, not a string" "$TEST_TMP/kubenum.err"
expect_lines "kubectl plugin: in one line" 1 "$TEST_TMP/kubenum.err"
write_config 'docker_username = "robot";'
KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://evil.example:6443"}}}' \
	run_jwtcred kubenourls kubectl
expect_eq "kubectl plugin: a profile without urls refuses a named cluster too" 1 "$RC"
write_config "urls = [ \"$SERVER_URL/services\", \"https://registry.example.com\" ];" \
	'docker_username = "robot";'

if command -v kubectl >/dev/null; then
	write_config "urls = [ \"$SERVER_URL\" ];"
	cat >"$TEST_TMP/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $SERVER_URL
    certificate-authority: $PKI/ca.crt
users:
- name: jwtcred
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $JWTCRED
      args: [kubectl, --profile, prod]
      interactiveMode: Never
      provideClusterInfo: true
contexts:
- name: local
  context: {cluster: local, user: jwtcred}
current-context: local
YAML
	kubectl --kubeconfig "$TEST_TMP/kubeconfig" get --raw /api >"$TEST_TMP/kubectl.out" 2>"$TEST_TMP/kubectl.err"
	expect_eq "real kubectl get --raw /api: exit 0" 0 "$?" || show "$TEST_TMP/kubectl.err"
	expect_grep "real kubectl: the API server accepted the token" '"kind": ?"APIVersions"' "$TEST_TMP/kubectl.out"
	write_config "urls = [ \"$SERVER_URL/services\", \"https://registry.example.com\" ];" \
		'docker_username = "robot";'
else
	echo "# kubectl is not installed: skipping the real kubectl check"
fi

# --- docker credential helper --------------------------------------------------------------
docker_helper() { # NAME ACTION INPUT
	RC=0
	printf '%s' "$3" | docker-credential-jwtcred "$2" >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" || RC=$?
}
docker_helper dget get registry.example.com
expect_eq "docker get: exit 0" 0 "$RC"
expect_eq "docker get: ServerURL, Username, Secret" "registry.example.com robot $TOKEN" \
	"$(/usr/bin/python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["ServerURL"], o["Username"], o["Secret"])' <"$TEST_TMP/dget.out")"
docker_helper dgeturl get https://registry.example.com
expect_eq "docker get with a URL: exit 0" 0 "$RC"
docker_helper dunknown get registry.evil.example
expect_eq "docker get, unknown registry: exit 1" 1 "$RC"
expect_eq "docker get, unknown registry: docker's not-found text on stdout" \
	"credentials not found in native keychain" "$(cat "$TEST_TMP/dunknown.out")"
docker_helper dlist list ""
expect_grep "docker list: the registries the profiles allow" "\"https://registry.example.com\":\"robot\"" "$TEST_TMP/dlist.out"
docker_helper dstore store '{"ServerURL":"registry.example.com","Username":"u","Secret":"s"}'
expect_eq "docker store: exit 0, nothing printed" "0:" "$RC:$(cat "$TEST_TMP/dstore.out")"
docker_helper derase erase registry.example.com
expect_eq "docker erase: exit 0" 0 "$RC"
server_reset
docker_helper dget2 get registry.example.com
check "docker erase: the next get mints a new token" test "$(server_stats token_requests)" -eq 1

# --- the libjwtcred example -----------------------------------------------------------------
EXAMPLE=$TOP_BUILDDIR/tests/examples/example_api
if [ -x "$EXAMPLE" ]; then
	server_reset
	"$EXAMPLE" "$DATA" "$PKI/ca.crt" >"$TEST_TMP/example.out" 2>"$TEST_TMP/example.err"
	expect_eq "example: exit 0" 0 "$?" || show "$TEST_TMP/example.err"
	expect_grep "example: got the protected resource" '"ok": ?true' "$TEST_TMP/example.out"
	expect_eq "example: served from the cache" 0 "$(server_stats token_requests)"
	server_revoke_all
	"$EXAMPLE" "$DATA" "$PKI/ca.crt" >"$TEST_TMP/example2.out" 2>"$TEST_TMP/example2.err"
	expect_eq "example after revocation: exit 0" 0 "$?" || show "$TEST_TMP/example2.err"
	expect_grep "example after revocation: retried after the 401" "HTTP 401, retrying with a fresh token" "$TEST_TMP/example2.err"
	expect_eq "example after revocation: one new token" 1 "$(server_stats token_requests)"
else
	not_ok "example program built ($EXAMPLE)"
fi

finish
