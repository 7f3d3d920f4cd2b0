#!/bin/bash
# tests/bootstrap.sh: make sure the Debian packages jwtcred needs are there
# (installing them when run as root), then build.  Used by demo.sh and
# check.sh; safe to run again.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="autoconf automake libtool pkg-config gcc make libssl-dev libcurl4-openssl-dev
libconfig-dev libjansson-dev libcmocka-dev python3-authlib openssl curl git ca-certificates"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
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
