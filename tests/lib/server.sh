# shellcheck shell=bash
# tests/lib/server.sh - start, drive and stop the local token endpoint (source this file; bash).
#
#   server_start STATEDIR PKIDIR [extra token_server.py args]
#       writes STATEDIR/clients.json, starts tests/server/token_server.py with
#       /usr/bin/python3 on 127.0.0.1 (free port), waits up to 10 s for it.
#       Exports SERVER_PORT SERVER_URL SERVER_PID SERVER_STATEDIR SERVER_CACERT
#       SERVER_GIT_ROOT (= STATEDIR/git, the --git-root) SERVER_LOG.
#       Client: SERVER_CLIENT_ID=3MVG9test.consumer.key, certificate PKIDIR/client.crt,
#       users alice@example.com (approved) and bob@example.com (not approved),
#       accepted aud: https://login.salesforce.com only (add more: --audience AUD).
#   server_stop                  SIGTERM, then (after 5 s) SIGKILL; waits for it
#   server_stats [FIELD]         prints one counter (or the whole JSON)
#   server_mode JSON             sets the failure-injection mode ('{}' clears)
#   server_revoke_all            revokes every issued token
#   server_reset                 sets the counters to zero and forgets the history
#   server_history [PY_EXPR]     GET /admin/history: the assertions sent, newest last, as
#                                [{path, query, header, claims, form}]; with PY_EXPR, prints
#                                eval(PY_EXPR) over h (the list), e.g. 'h[-1]["claims"]["aud"]'
#   server_clients_merge JSON    merges JSON's top-level keys into clients.json (atomically;
#                                the server reloads it): service_accounts, generic_clients,
#                                app_not_found_audiences, audiences, clients
#   git_repo_make ROOT NAME      bare repository ROOT/NAME with one commit on main
#
# PKIDIR comes from pki_make (tests/lib/pki.sh).

_SERVER_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVER_SCRIPT=${SERVER_SCRIPT:-$_SERVER_SH_DIR/../server/token_server.py}
SERVER_PYTHON=${SERVER_PYTHON:-/usr/bin/python3}
SERVER_CLIENT_ID=3MVG9test.consumer.key

server_start() {
    if [ $# -lt 2 ]; then
        echo "usage: server_start STATEDIR PKIDIR [args]" >&2
        return 2
    fi
    local state=$1 pki=$2 i
    shift 2
    mkdir -p "$state/git" || return 1
    state=$(cd "$state" && pwd) && pki=$(cd "$pki" && pwd) || return 1
    cat >"$state/clients.json" <<EOF
{
  "clients": [
    {
      "client_id": "$SERVER_CLIENT_ID",
      "certificate": "$pki/client.crt",
      "users": ["alice@example.com", "bob@example.com"],
      "approved": ["alice@example.com"]
    }
  ],
  "audiences": ["https://login.salesforce.com"]
}
EOF
    rm -f "$state/port" "$state/pid"
    # Started from a subshell, so the server is not a child of the test's shell:
    # a bare `wait` in a test does not wait for it.
    (
        "$SERVER_PYTHON" "$SERVER_SCRIPT" --cert "$pki/server.crt" --key "$pki/server.key" \
            --clients "$state/clients.json" --port-file "$state/port" \
            --log "$state/server.log" --git-root "$state/git" "$@" \
            </dev/null >>"$state/server.out" 2>&1 &
        echo $! >"$state/pid"
    )
    SERVER_PID=$(cat "$state/pid") || return 1
    export SERVER_PID SERVER_STATEDIR=$state SERVER_CACERT=$pki/ca.crt
    export SERVER_GIT_ROOT=$state/git SERVER_LOG=$state/server.log
    for ((i = 0; i < 100; i++)); do
        if [ -s "$state/port" ]; then
            SERVER_PORT=$(cat "$state/port")
            export SERVER_PORT SERVER_URL=https://localhost:$SERVER_PORT
            return 0
        fi
        _server_alive "$SERVER_PID" || break
        sleep 0.1
    done
    echo "server_start: token server did not start; output and log:" >&2
    cat "$state/server.out" "$state/server.log" >&2 2>/dev/null || true
    server_stop
    return 1
}

# _server_alive PID: running (a zombie awaiting its reaper counts as gone).
_server_alive() {
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

server_stop() {
    local pid=${SERVER_PID:-} i
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        _server_alive "$pid" || break
        sleep 0.1
    done
    if _server_alive "$pid"; then
        echo "server_stop: $pid ignored SIGTERM, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    unset SERVER_PID SERVER_PORT SERVER_URL
    return 0
}

# _server_admin METHOD PATH [curl args]: one admin call, body on stdout.
_server_admin() {
    local method=$1 path=$2
    shift 2
    curl -sS -f --noproxy '*' --max-time 10 --cacert "$SERVER_CACERT" \
        -X "$method" "$@" "$SERVER_URL$path"
}

server_stats() {
    local json
    json=$(_server_admin GET /admin/stats) || return 1
    if [ $# -eq 0 ]; then
        printf '%s\n' "$json"
        return 0
    fi
    printf '%s' "$json" | "$SERVER_PYTHON" -c '
import json, sys
stats, name = json.load(sys.stdin), sys.argv[1]
if name not in stats:
    sys.exit("server_stats: no counter " + name)
print(stats[name])' "$1"
}

server_mode() {
    local body=${1:-}
    [ -n "$body" ] || body='{}'
    _server_admin POST /admin/mode -H 'Content-Type: application/json' \
        --data-binary "$body" >/dev/null
}

server_revoke_all() {
    _server_admin POST /admin/revoke-all >/dev/null
}

server_reset() {
    _server_admin POST /admin/reset >/dev/null
}

server_history() {
    local json
    json=$(_server_admin GET /admin/history) || return 1
    if [ $# -eq 0 ]; then
        printf '%s\n' "$json"
        return 0
    fi
    printf '%s' "$json" | "$SERVER_PYTHON" -c '
import json, sys
h = json.load(sys.stdin)
v = eval(sys.argv[1], {"h": h})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1"
}

server_clients_merge() {
    "$SERVER_PYTHON" - "$SERVER_STATEDIR/clients.json" "$1" <<'PY'
import json, os, sys
path, extra = sys.argv[1], json.loads(sys.argv[2])
with open(path) as f:
    doc = json.load(f)
doc.update(extra)
tmp = path + '.tmp'
with open(tmp, 'w') as f:
    json.dump(doc, f, indent=2)
os.replace(tmp, path)
PY
}

git_repo_make() {
    if [ $# -ne 2 ]; then
        echo "usage: git_repo_make ROOT NAME" >&2
        return 2
    fi
    local dir=$1/$2 blob tree commit
    (
        set -e
        export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_DIR=$dir
        export GIT_AUTHOR_NAME='jwtcred test' GIT_AUTHOR_EMAIL=test@example.com
        export GIT_COMMITTER_NAME='jwtcred test' GIT_COMMITTER_EMAIL=test@example.com
        git init -q --bare "$dir"
        git symbolic-ref HEAD refs/heads/main
        # One commit from plumbing: no work tree needed.
        blob=$(printf 'jwtcred test repository\n' | git hash-object -w --stdin)
        tree=$(printf '100644 blob %s\tREADME\n' "$blob" | git mktree)
        commit=$(git commit-tree -m 'initial commit' "$tree")
        git update-ref refs/heads/main "$commit"
    )
}
