#!/bin/bash
# An installed jwtcred loads its minting module from $(pkglibdir) and from
# nowhere else.  make install DESTDIR=..., plant a .libs/jwtcred-mint.so
# (a tiny shared object whose constructor writes a marker file) beside the
# installed program, mint: the marker must never appear.  The same planted
# module beside a copy of the build tree's jwtcred-uninstalled is loaded,
# which shows that the fake module would have been noticed.
. "${srcdir:-.}/tests/integration/lib.sh"

CC=${CC:-cc}
command -v "$CC" >/dev/null || skip "no C compiler ($CC) to build the planted module"
start_server
write_config

# --- install into a private DESTDIR --------------------------------------------------
DEST=$TEST_TMP/dest
# a make of our own: not the jobs or the variables of the make running the tests
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$TOP_BUILDDIR" install \
	DESTDIR="$DEST" >"$TEST_TMP/install.log" 2>&1; then
	show "$TEST_TMP/install.log"
	not_ok "make install DESTDIR=..."
	finish
fi
ok "make install DESTDIR=..."
INSTALLED=$(find "$DEST" -path '*/bin/jwtcred' -type f)
MODULE=$(find "$DEST" -name jwtcred-mint.so -type f)
check "the program is installed" test -n "$INSTALLED" -a -x "$INSTALLED"
check "the module is installed" test -n "$MODULE"
PKGLIB_MODULE=${MODULE#"$DEST"} # where the installed program looks: $(pkglibdir)/jwtcred-mint.so
BINDIR=$(dirname "$INSTALLED")
# the names git, docker, Bazel, Terraform and pnpm run it under
for name in git-credential-jwtcred docker-credential-jwtcred bazel-credential-jwtcred \
	terraform-credentials-jwtcred jwtcred-pnpm-helper; do
	expect_eq "make install: $name is a link to jwtcred" jwtcred "$(readlink "$BINDIR/$name")"
done

# --- the planted module ------------------------------------------------------------------
MARKER=$TEST_TMP/planted-module-ran
cat >"$TEST_TMP/planted.c" <<C
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void planted(void)
{
	int fd = open("$MARKER", O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd >= 0) {
		(void)write(fd, "ran\n", 4);
		close(fd);
	}
}
C
if ! "$CC" -shared -fPIC -o "$TEST_TMP/planted.so" "$TEST_TMP/planted.c" 2>"$TEST_TMP/cc.err"; then
	show "$TEST_TMP/cc.err"
	skip "cannot build a shared object with $CC"
fi
mkdir -p "$BINDIR/.libs"
cp "$TEST_TMP/planted.so" "$BINDIR/.libs/jwtcred-mint.so"
# and in the current directory, for good measure
mkdir -p "$TEST_TMP/cwd/.libs"
cp "$TEST_TMP/planted.so" "$TEST_TMP/cwd/.libs/jwtcred-mint.so"

# mint NAME PROGRAM ARGS...: a cache miss, which loads the module
mint() {
	local name=$1
	shift
	RC=0
	(cd "$TEST_TMP/cwd" && "$@" <"$TEST_TMP/request" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err") || RC=$?
}
printf 'protocol=https\nhost=git.example.com\n\n' >"$TEST_TMP/request"
write_config 'urls = [ "https://git.example.com" ];'

mint token "$INSTALLED" token --no-cache
mint assertion "$INSTALLED" assertion
mint git "$BINDIR/git-credential-jwtcred" get
check "installed jwtcred: the module beside it never ran" test ! -e "$MARKER"
for run in token assertion git; do
	expect_no_grep "installed jwtcred $run: does not look in .libs" '\.libs' "$TEST_TMP/$run.err"
	if [ -s "$TEST_TMP/$run.err" ]; then
		# nothing installed at the configured prefix: it says where it looked
		expect_grep "installed jwtcred $run: names \$(pkglibdir)/jwtcred-mint.so" \
			"^jwtcred: cannot load the minting module: '$PKGLIB_MODULE' is missing \(reinstall jwtcred\)$" \
			"$TEST_TMP/$run.err"
	fi
done

# --- the build tree's program does load a module beside it -----------------------------
mkdir -p "$TEST_TMP/uninst/.libs"
cp "$JWTCRED" "$TEST_TMP/uninst/jwtcred"
cp "$TEST_TMP/planted.so" "$TEST_TMP/uninst/.libs/jwtcred-mint.so"
mint control "$TEST_TMP/uninst/jwtcred" token --no-cache
check "control: the planted module is loaded by an uninstalled program" test -e "$MARKER"
expect_grep "control: and refused as another build's" "is from another jwtcred build" "$TEST_TMP/control.err"
# --- make uninstall takes the links away too ----------------------------------------
rm -rf "$BINDIR/.libs" # planted by this test, not installed
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$TOP_BUILDDIR" uninstall \
	DESTDIR="$DEST" >"$TEST_TMP/uninstall.log" 2>&1; then
	ok "make uninstall DESTDIR=..."
else
	show "$TEST_TMP/uninstall.log"
	not_ok "make uninstall DESTDIR=..."
fi
expect_eq "make uninstall: no program or link is left in bindir" "" "$(ls -A "$BINDIR" 2>/dev/null)"

finish
