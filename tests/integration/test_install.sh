#!/bin/bash
# An installed jwtcred loads its minting module from $(pkglibdir) and from
# nowhere else.  make install DESTDIR=..., plant a .libs/jwtcred-mint.so
# (a tiny shared object whose constructor writes a marker file) beside the
# installed program, mint: the marker must never appear.  The same planted
# module beside a copy of the build tree's jwtcred-uninstalled is loaded,
# which shows that the fake module would have been noticed.
# Installed as a distribution packages it: man pages for the link names,
# the docs and examples under $(docdir), hints that name them, no .la
# files (unless KEEP_LA_FILES=yes, as ./configure --enable-la-files
# sets), and make uninstall leaves nothing of ours, not even a directory.
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

# --- installed like a Debian-packaged tool -------------------------------------------
MAN1=$(find "$DEST" -path '*/man/man1' -type d)
DOC_SRC=$TOP_SRCDIR
DOCDIR=$(find "$DEST" -path '*/doc/jwtcred' -type d)
check "man1 is installed" test -n "$MAN1" -a -f "$MAN1/jwtcred.1"
check "\$(docdir) is installed" test -n "$DOCDIR"
# the date of the pages: configure's (SOURCE_DATE_EPOCH, else the release's)
DATE=$(sed -n 's/^JWTCRED_DATE = //p' "$TOP_BUILDDIR/Makefile")
expect_grep "jwtcred(1): .TH has configure's date" "^\.TH JWTCRED 1 $DATE \"jwtcred " "$MAN1/jwtcred.1"
for name in git-credential-jwtcred docker-credential-jwtcred bazel-credential-jwtcred \
	terraform-credentials-jwtcred jwtcred-pnpm-helper; do
	expect_eq "man page $name(1) is jwtcred(1)" ".so man1/jwtcred.1" "$(cat "$MAN1/$name.1" 2>&1)"
done
if command -v man >/dev/null && command -v nroff >/dev/null; then
	# as "man git-credential-jwtcred" and "git credential-jwtcred --help" find it
	MANPATH=$(dirname "$MAN1") MANPAGER=cat PAGER=cat MANWIDTH=80 man git-credential-jwtcred \
		>"$TEST_TMP/man.out" 2>"$TEST_TMP/man.err"
	expect_grep "man git-credential-jwtcred: renders jwtcred(1)" "^JWTCRED\(1\) +User Commands" "$TEST_TMP/man.out" ||
		show "$TEST_TMP/man.err"
	if command -v git >/dev/null; then
		(cd "$TEST_TMP" && PATH=$BINDIR:$PATH MANPATH=$(dirname "$MAN1") MANPAGER=cat PAGER=cat \
			GIT_PAGER=cat git credential-jwtcred --help >"$TEST_TMP/githelp.out" 2>"$TEST_TMP/githelp.err")
		expect_grep "git credential-jwtcred --help: shows jwtcred(1)" "git-credential-jwtcred" \
			"$TEST_TMP/githelp.out" || show "$TEST_TMP/githelp.err"
	fi
else
	ok "man pages not rendered: man or nroff is not installed"
fi
# no path of the build's default prefix is written into the sources of the pages
cat "$TOP_SRCDIR"/man/*.in >"$TEST_TMP/man-sources"
expect_no_grep "man/*.in: no hard-coded /usr/local" "/usr/local" "$TEST_TMP/man-sources"
# README.md, SECURITY.md and config-examples/ under $(docdir)
for doc in README.md SECURITY.md; do
	check "\$(docdir)/$doc is installed" cmp -s "$DOC_SRC/$doc" "$DOCDIR/$doc"
done
missing=$(cd "$DOC_SRC/config-examples" && for f in *; do
	cmp -s "$f" "$DOCDIR/examples/$f" || echo "$f"
done)
expect_eq "every file of config-examples/ is in \$(docdir)/examples (Makefile.am: dist_examples_DATA)" "" "$missing"
# the hints name the installed examples
JWTCRED_CONFIG=$TEST_TMP/no-such-config "$INSTALLED" token >/dev/null 2>"$TEST_TMP/hint.err"
expect_grep "a missing configuration: the hint names \$(docdir)/examples" \
	"create it \(see '${DOCDIR#"$DEST"}/examples'\)" "$TEST_TMP/hint.err"
printf '# no profiles\n' >"$TEST_TMP/empty.conf"
JWTCRED_CONFIG=$TEST_TMP/empty.conf "$INSTALLED" token >/dev/null 2>"$TEST_TMP/hint2.err"
expect_grep "no profiles group: the hint names \$(docdir)/examples" \
	"see '${DOCDIR#"$DEST"}/examples' or jwtcred.conf\(5\)" "$TEST_TMP/hint2.err"
cat "$TEST_TMP/hint.err" "$TEST_TMP/hint2.err" >"$TEST_TMP/hints.err"
expect_no_grep "the hints do not say config-examples/" "config-examples" "$TEST_TMP/hints.err"
# Debian policy: no libtool archives
expect_eq "no .la file is installed" "" "$(find "$DEST" -name '*.la')"

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
expect_eq "make uninstall: no file is left" "" "$(find "$DEST" ! -type d)"
check "make uninstall: no \$(pkglibdir) is left" test ! -e "$(dirname "$MODULE")"
check "make uninstall: no \$(docdir) is left" test ! -e "$DOCDIR"
expect_eq "make uninstall: no empty directory of jwtcred's" "" "$(find "$DEST" -empty -name '*jwtcred*')"

# --- ./configure --enable-la-files: the hook keeps them (KEEP_LA_FILES=yes) -------------
DEST=$TEST_TMP/dest-la
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$TOP_BUILDDIR" install \
	DESTDIR="$DEST" KEEP_LA_FILES=yes >"$TEST_TMP/install-la.log" 2>&1; then
	expect_eq "KEEP_LA_FILES=yes: libjwtcred.la and jwtcred-mint.la are installed" \
		"jwtcred-mint.la libjwtcred.la" "$(find "$DEST" -name '*.la' -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"
else
	show "$TEST_TMP/install-la.log"
	not_ok "make install KEEP_LA_FILES=yes"
fi
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$TOP_BUILDDIR" uninstall \
	DESTDIR="$DEST" KEEP_LA_FILES=yes >"$TEST_TMP/uninstall-la.log" 2>&1
expect_eq "KEEP_LA_FILES=yes: make uninstall leaves no file" "" "$(find "$DEST" ! -type d)" ||
	show "$TEST_TMP/uninstall-la.log"

finish
