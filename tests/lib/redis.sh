# shellcheck shell=bash
# tests/lib/redis.sh - a private redis-server for a test (source it after
# tests/integration/lib.sh; bash).
#
#   redis_start DIR     start Debian's /usr/bin/redis-server on 127.0.0.1 with
#                       a free port and on the Unix socket DIR/redis.sock, no
#                       persistence (--save '' --appendonly no), wait for it
#                       (at most 10 s) and put redis_stop in front of the
#                       script's EXIT trap.  When redis-server or redis-cli is
#                       absent: `skip REASON` if the script has a skip
#                       function (lib.sh: exit 77), else return 77 with the
#                       reason in REDIS_SKIP_REASON.  Other failures: return 1.
#                       Users (redis.conf, 0600, never argv):
#                         default  no rights at all (off, no password, -@all)
#                         jwtcred  exactly the ACL the docs recommend (REDIS_ACL
#                                  below), password in $REDIS_PASS_FILE (0600)
#                         admin    everything, for the test itself
#                                  (password in $REDIS_ADMIN_PASS_FILE)
#                       Exports REDIS_DIR REDIS_PORT REDIS_SOCK REDIS_PID
#                       REDIS_URL (redis://127.0.0.1:PORT/0) REDIS_UNIX_URL
#                       (unix://DIR/redis.sock) REDIS_PASS_FILE
#                       REDIS_ADMIN_PASS_FILE.  A second call after
#                       redis_stop/redis_kill starts it again on the same
#                       port and socket, with the same passwords, empty.
#   redis_stop          SIGTERM, then (after 5 s) SIGKILL; waits for it
#   redis_kill          SIGKILL at once (a server that dies under its clients)
#   redis_pause / redis_resume
#                       SIGSTOP / SIGCONT: a server that accepts connections
#                       (the kernel's backlog) and never answers
#   rcli ARGS...        redis-cli as admin over the socket; the password goes
#                       through REDISCLI_AUTH, never argv.  Output raw.
#   redis_keys [PATTERN]  every key (SCAN, default '*'), one a line, sorted
#
# The jwtcred user's ACL: the minimal rights on the key prefix "jwtcred:"
# (keys and pub/sub channels) that the README's "Running a fleet" recommends.

REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}
REDIS_ACL='~jwtcred:* &jwtcred:* +get +getrange +set +del +eval +evalsha +publish +subscribe +scan'

# _redis_free_port: a TCP port free on 127.0.0.1 right now.
_redis_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# _redis_alive PID: running and not a zombie.
_redis_alive() {
	local stat
	kill -0 "$1" 2>/dev/null || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

_redis_write_conf() {
	local pass admin
	pass=$(cat "$REDIS_PASS_FILE") && admin=$(cat "$REDIS_ADMIN_PASS_FILE") || return 1
	(
		umask 077
		cat >"$REDIS_DIR/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
unixsocket $REDIS_SOCK
unixsocketperm 700
dir $REDIS_DIR
logfile $REDIS_DIR/redis.log
daemonize no
protected-mode yes
user default reset
user jwtcred on >$pass $REDIS_ACL
user admin on >$admin ~* &* +@all
EOF
	)
}

# _redis_on_exit: redis_stop first in the EXIT trap, before the script's own
# cleanup removes the server's directory.
_redis_on_exit() {
	local cur
	cur=$(trap -p EXIT)
	case $cur in *redis_stop*) return 0 ;; esac
	cur=${cur#trap -- \'}
	cur=${cur%\' EXIT}
	# shellcheck disable=SC2064  # the current trap, expanded now
	trap "redis_stop >/dev/null 2>&1; $cur" EXIT
}

_redis_skip() {
	REDIS_SKIP_REASON=$1
	if declare -F skip >/dev/null; then skip "$1"; fi
	return 77
}

redis_start() {
	local dir=${1:?usage: redis_start DIR} i try
	[ -x "$REDIS_SERVER" ] || { _redis_skip "$REDIS_SERVER is not installed (apt-get install redis-server)"; return; }
	[ -x "$REDIS_CLI" ] || { _redis_skip "$REDIS_CLI is not installed (apt-get install redis-tools)"; return; }
	redis_stop                  # a server of an earlier call
	mkdir -p "$dir" && chmod 700 "$dir" || return 1
	REDIS_DIR=$(cd "$dir" && pwd)
	REDIS_SOCK=$REDIS_DIR/redis.sock
	REDIS_PASS_FILE=$REDIS_DIR/jwtcred.pass
	REDIS_ADMIN_PASS_FILE=$REDIS_DIR/admin.pass
	(
		umask 077
		[ -s "$REDIS_PASS_FILE" ] || openssl rand -hex 24 >"$REDIS_PASS_FILE"
		[ -s "$REDIS_ADMIN_PASS_FILE" ] || openssl rand -hex 24 >"$REDIS_ADMIN_PASS_FILE"
	) || return 1
	for try in 1 2 3; do
		# the port of the first start is kept: profiles name it
		[ -n "${REDIS_PORT:-}" ] && [ "$try" = 1 ] || REDIS_PORT=$(_redis_free_port) || return 1
		_redis_write_conf || return 1
		rm -f "$REDIS_SOCK"
		(
			"$REDIS_SERVER" "$REDIS_DIR/redis.conf" --save '' --appendonly no \
				</dev/null >>"$REDIS_DIR/redis.out" 2>&1 &
			echo $! >"$REDIS_DIR/pid"
		)
		REDIS_PID=$(cat "$REDIS_DIR/pid")
		for ((i = 0; i < 100; i++)); do
			if [ -S "$REDIS_SOCK" ] && [ "$(rcli PING 2>/dev/null)" = PONG ]; then
				export REDIS_DIR REDIS_PORT REDIS_SOCK REDIS_PID REDIS_PASS_FILE REDIS_ADMIN_PASS_FILE
				export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0 REDIS_UNIX_URL=unix://$REDIS_SOCK
				_redis_on_exit
				return 0
			fi
			_redis_alive "$REDIS_PID" || break
			sleep 0.1
		done
		redis_stop
	done
	echo "redis_start: redis-server did not start; its log:" >&2
	sed 's/^/#   /' "$REDIS_DIR/redis.log" "$REDIS_DIR/redis.out" >&2 2>/dev/null
	return 1
}

redis_stop() {
	local pid=${REDIS_PID:-} i
	[ -n "$pid" ] || return 0
	kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_redis_alive "$pid" || break
		sleep 0.1
	done
	_redis_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_redis_alive "$pid" || break
		sleep 0.1
	done
	unset REDIS_PID
	return 0
}

redis_kill() {
	local pid=${REDIS_PID:-} i
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_redis_alive "$pid" || break
		sleep 0.1
	done
	unset REDIS_PID
}

redis_pause() { kill -STOP "$REDIS_PID"; }
redis_resume() { kill -CONT "$REDIS_PID"; }

rcli() {
	REDISCLI_AUTH=$(cat "$REDIS_ADMIN_PASS_FILE") \
		"$REDIS_CLI" -s "$REDIS_SOCK" --user admin --no-auth-warning "$@"
}

redis_keys() {
	rcli --scan --pattern "${1:-*}" | sort
}
