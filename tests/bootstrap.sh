#!/bin/bash
# tests/bootstrap.sh [--ci]: make sure the Debian packages jwtcred needs are
# there (installing them when run as root), then build.  Used by demo.sh and
# check.sh; safe to run again.  --ci (check.sh) also wants the tools of the
# sanitizer, valgrind and fuzzing stages; without root, a missing one is
# only named, and check.sh skips its stage.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="autoconf automake libtool pkg-config gcc make libssl-dev libcurl4-openssl-dev
libconfig-dev libjansson-dev libpsl-dev libhiredis-dev libcmocka-dev python3-authlib python3-jsonschema
openssl curl git bash-completion
ca-certificates"
CI_PACKAGES="valgrind clang libclang-rt-14-dev redis-server zsh fish"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=""
for p in $PACKAGES; do
	installed "$p" || missing="$missing $p"
done
if [ "${1:-}" = --ci ]; then
	ci_missing=""
	for p in $CI_PACKAGES; do
		installed "$p" || ci_missing="$ci_missing $p"
	done
	if [ -n "$ci_missing" ] && { [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; }; then
		echo "bootstrap: not installed:$ci_missing; check.sh skips the stages that need them" >&2
		echo "bootstrap: install them with: sudo apt-get install$ci_missing" >&2
	elif [ -n "$ci_missing" ]; then
		missing="$missing$ci_missing"
	fi
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "bootstrap: installing Debian packages:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	else
		echo "bootstrap: missing Debian packages:$missing" >&2
		echo "bootstrap: install them with: sudo apt-get install$missing" >&2
		exit 1
	fi
fi

[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)" >/dev/null
