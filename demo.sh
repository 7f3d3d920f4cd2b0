#!/bin/bash
# demo.sh: build jwtcred, start a local HTTPS token endpoint with a
# throwaway connected app, and use jwtcred as a user would: check the
# profile, mint a token, see it cached, and clone a git repository through
# the credential helper.  Everything lives in a temp dir removed at the end.
set -eu
cd "$(dirname "$0")"
tests/bootstrap.sh
TOP=$(pwd)
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/jwtcred-demo.XXXXXX")
. tests/lib/pki.sh
. tests/lib/server.sh
trap 'server_stop >/dev/null 2>&1; rm -rf "$DEMO"' EXIT

if [ -t 1 ]; then
	step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
	step() { printf '\n$ %s\n' "$*"; }
fi

echo "== a throwaway connected app: key, certificate, and a local token endpoint"
pki_make "$DEMO/pki" >/dev/null
server_start "$DEMO/server" "$DEMO/pki"
git_repo_make "$SERVER_GIT_ROOT" demo.git
echo "token endpoint: $SERVER_URL/services/oauth2/token (Authlib RFC 7523 grant)"

# The user's side: a private key only they can read, and a profile.
export HOME=$DEMO/home JWTCRED_CACHE_DIR=$DEMO/cache
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$DEMO/home/.gitconfig GIT_TERMINAL_PROMPT=0
unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR GIT_SSL_CAINFO JWTCRED_CONFIG
mkdir -p "$HOME/.config/jwtcred" "$DEMO/bin"
install -m 600 "$DEMO/pki/client.key" "$HOME/.config/jwtcred/demo.key"
cat >"$HOME/.config/jwtcred/config" <<CONF
profiles = {
  demo = {
    client_id = "$SERVER_CLIENT_ID";        // the connected app's consumer key
    username = "alice@example.com";         // the user the token acts as
    login_url = "$SERVER_URL";              // https://login.salesforce.com in real life
    audience = "https://login.salesforce.com";
    private_key = "demo.key";               // relative to this file
    certificate = "$DEMO/pki/client.crt";   // what was uploaded to the connected app
    ca_file = "$DEMO/pki/ca.crt";           // the demo endpoint's private CA
    urls = [ "$SERVER_URL/git" ];           // where git may send the token
  };
};
CONF
# the build tree's program, which uses the build's own minting module
ln -s "$TOP/jwtcred-uninstalled" "$DEMO/bin/jwtcred"
ln -s "$TOP/jwtcred-uninstalled" "$DEMO/bin/git-credential-jwtcred"
export PATH=$DEMO/bin:$PATH
step "cat ~/.config/jwtcred/config"
cat "$HOME/.config/jwtcred/config"

step "jwtcred check --online"
jwtcred check --online

step "jwtcred assertion --decode      # what is signed, without the signature"
jwtcred assertion --decode

step "jwtcred token | sha256sum      # the token (a digest here: it is a secret)"
jwtcred token | sha256sum
step "jwtcred token | sha256sum      # again: the same token, from the cache"
jwtcred token | sha256sum
echo "token requests seen by the endpoint: $(server_stats token_requests) (check --online, then token)"

step "jwtcred status"
jwtcred status

step "git config --global credential.$SERVER_URL.helper jwtcred"
git config --global http.sslCAInfo "$DEMO/pki/ca.crt"
git config --global credential.useHttpPath true
git config --global "credential.$SERVER_URL.helper" ""
git config --global --add "credential.$SERVER_URL.helper" jwtcred
step "git clone $SERVER_URL/git/demo.git"
git clone "$SERVER_URL/git/demo.git" "$DEMO/demo"
cat "$DEMO/demo/README"
echo "token requests seen by the endpoint: $(server_stats token_requests) (git used the cached token)"
echo
echo "demo done."
