#!/bin/bash
# Shell completion (completions/): bash's registers with complete and
# answers compgen runs (commands, options per command, profile names from
# the configuration the line or JWTCRED_CONFIG names, --format values);
# zsh's and fish's the same where those shells are installed; and make
# installs them in the directories configure chose.
. "${srcdir:-.}/tests/integration/lib.sh"

COMPLETIONS=$TOP_SRCDIR/completions
# the completions run "jwtcred profiles": the build's program under that name
mkdir -p "$TEST_TMP/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$JWTCRED" >"$TEST_TMP/bin/jwtcred"
chmod +x "$TEST_TMP/bin/jwtcred"
export PATH=$TEST_TMP/bin:$PATH

cat >"$JWTCRED_CONFIG" <<CONF
profiles = {
  prod = { client_id = "x"; username = "a@example.com"; login_url = "https://login.example.com";
           private_key = "$KEYS/client.key"; };
  staging = { client_id = "y"; username = "b@example.com"; login_url = "https://login.example.com";
              private_key = "$KEYS/client.key"; };
};
CONF
cat >"$TEST_TMP/other.conf" <<CONF
profiles = {
  alpha = { client_id = "x"; username = "a@example.com"; login_url = "https://login.example.com";
            private_key = "$KEYS/client.key"; };
};
CONF
# has WORD LIST...: is WORD one of the lines of LIST?
has() { grep -qxF -- "$1" <<<"$2"; }
# lacks WORD LIST
lacks() { ! has "$@"; }

# --- bash ------------------------------------------------------------------------------------
expect_eq "bash: complete -p jwtcred" "complete -F _jwtcred jwtcred" \
	"$(bash -c 'source "$1"; complete -p jwtcred' _ "$COMPLETIONS/jwtcred.bash")"
# bcomp WORD...: COMPREPLY for the line WORD... with the cursor on the last word
bcomp() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_jwtcred; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/jwtcred.bash" "$@"
}
out=$(bcomp jwtcred to)
expect_eq "bash: jwtcred to<TAB> is token" token "$out"
out=$(bcomp jwtcred "")
check "bash: jwtcred <TAB> lists token" has token "$out"
check "bash: jwtcred <TAB> lists status" has status "$out"
check "bash: jwtcred <TAB> lists profiles" has profiles "$out"
check "bash: jwtcred <TAB> offers no option" lacks --refresh "$out"
out=$(bcomp jwtcred --profile "")
expect_eq "bash: --profile <TAB>: the configuration's profiles" "prod staging" "$(echo $out)"
out=$(bcomp jwtcred -p st)
expect_eq "bash: -p st<TAB>: staging" staging "$out"
out=$(bcomp jwtcred -c "$TEST_TMP/other.conf" token -p "")
expect_eq "bash: -c FILE ... -p <TAB>: that file's profiles" alpha "$out"
out=$(bcomp jwtcred --config = "$TEST_TMP/other.conf" -p "")
expect_eq "bash: --config=FILE ... -p <TAB>: that file's profiles" alpha "$out"
out=$(JWTCRED_CONFIG=$TEST_TMP/other.conf bcomp jwtcred -p "")
expect_eq "bash: JWTCRED_CONFIG: its profiles" alpha "$out"
out=$(bcomp jwtcred token --format "")
expect_eq "bash: --format <TAB>: the formats" "bare header json env curl-config" "$(echo $out)"
out=$(bcomp jwtcred token --format = j)
expect_eq "bash: --format=j<TAB>: json" json "$out"
out=$(bcomp jwtcred token --)
check "bash: token --<TAB>: --format" has --format "$out"
check "bash: token --<TAB>: --refresh" has --refresh "$out"
check "bash: token --<TAB>: the global --profile" has --profile "$out"
check "bash: token --<TAB>: not status's --json" lacks --json "$out"
out=$(bcomp jwtcred status --)
check "bash: status --<TAB>: --json" has --json "$out"
check "bash: status --<TAB>: --shared" has --shared "$out"
out=$(bcomp jwtcred check --)
check "bash: check --<TAB>: --online" has --online "$out"
out=$(bcomp jwtcred help to)
expect_eq "bash: help to<TAB>: token" token "$out"
out=$(bcomp jwtcred terraform "")
expect_eq "bash: terraform <TAB>: its verbs" "get store forget" "$(echo $out)"
out=$(bcomp jwtcred init --server "")
expect_eq "bash: init --server <TAB>: the servers init knows" "entra okta keycloak auth0" "$(echo $out)"
out=$(bcomp jwtcred init --pro)
check "bash: init --pro<TAB>: --provider" has --provider "$out"
out=$(bcomp jwtcred -)
check "bash: -<TAB>: the global options" has --config "$out"
out=$(bcomp jwtcred curl -- --pro)
check "bash: after --, not jwtcred's options" lacks --profile "$out"

# bash-completion's own loader finds the file under the name it looks for
if [ -r /usr/share/bash-completion/bash_completion ]; then
	mkdir -p "$TEST_TMP/bc/bash-completion/completions"
	cp "$COMPLETIONS/jwtcred.bash" "$TEST_TMP/bc/bash-completion/completions/"
	out=$(XDG_DATA_DIRS=$TEST_TMP/bc bash -c '. /usr/share/bash-completion/bash_completion
		__load_completion jwtcred && complete -p jwtcred' 2>&1)
	expect_eq "bash-completion loads jwtcred.bash on demand" "complete -F _jwtcred jwtcred" "$out"
fi

# --- zsh -----------------------------------------------------------------------------------
if command -v zsh >/dev/null; then
	check "zsh: _jwtcred parses (zsh -n)" zsh -n "$COMPLETIONS/_jwtcred"
	# zcomp WORD...: what _jwtcred offers, loaded by compinit from $fpath as zsh
	# loads it; compadd and _describe stubbed to print the candidates
	zcomp() {
		zsh -f -c '
			fpath=("$1" $fpath); shift
			autoload -Uz compinit && compinit -u -D
			[[ $_comps[jwtcred] == _jwtcred ]] || { print "not registered"; exit 1; }
			compadd() { if [[ $1 == -a ]]; then shift; local n; for n; do print -l -- ${(P)n}; done
				else print -l -- "$@"; fi; }
			_describe() { print -l -- ${${(P)4}%%:*}; }
			_files() { print FILES; }
			compset() { PREFIX=${PREFIX#*=}; }
			words=("$@"); CURRENT=$#; PREFIX=${words[-1]}
			_jwtcred' _ "$COMPLETIONS" "$@" 2>&1
	}
	out=$(zcomp jwtcred "")
	check "zsh: jwtcred <TAB> lists token" has token "$out"
	check "zsh: jwtcred <TAB> lists profiles" has profiles "$out"
	out=$(zcomp jwtcred --profile "")
	expect_eq "zsh: --profile <TAB>: the configuration's profiles" "prod staging" "$(echo $out)"
	out=$(zcomp jwtcred -c "$TEST_TMP/other.conf" -p "")
	expect_eq "zsh: -c FILE -p <TAB>: that file's profiles" alpha "$out"
	out=$(zcomp jwtcred token --format "")
	expect_eq "zsh: --format <TAB>: the formats" "bare header json env curl-config" "$(echo $out)"
	out=$(zcomp jwtcred token --format=j)
	expect_eq "zsh: --format=j<TAB>: the formats" "bare header json env curl-config" "$(echo $out)"
	out=$(zcomp jwtcred status --)
	check "zsh: status --<TAB>: --json" has --json "$out"
	check "zsh: status --<TAB>: not token's --refresh" lacks --refresh "$out"
	out=$(zcomp jwtcred help "")
	check "zsh: help <TAB>: the commands" has token "$out"
	zsh -f -c 'autoload -Uz compinit && compinit -u -D; source "$1"; print $_comps[jwtcred]' _ \
		"$COMPLETIONS/_jwtcred" >"$TEST_TMP/zsrc.out" 2>&1
	expect_eq "zsh: sourcing it registers _jwtcred" _jwtcred "$(cat "$TEST_TMP/zsrc.out")"
else
	ok "zsh is not installed: its completion not run # SKIP"
fi

# --- fish ----------------------------------------------------------------------------------
if command -v fish >/dev/null; then
	check "fish: jwtcred.fish parses (fish -n)" fish -n "$COMPLETIONS/jwtcred.fish"
	# fcomp LINE: the candidates fish offers for LINE (first field)
	fcomp() {
		fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$COMPLETIONS/jwtcred.fish" "$1" 2>&1 |
			cut -f1
	}
	out=$(fcomp 'jwtcred to')
	expect_eq "fish: jwtcred to<TAB> is token" token "$out"
	out=$(fcomp 'jwtcred ')
	check "fish: jwtcred <TAB> lists status" has status "$out"
	out=$(fcomp 'jwtcred --profile ')
	expect_eq "fish: --profile <TAB>: the configuration's profiles" "prod staging" "$(echo $out)"
	out=$(fcomp "jwtcred -c $TEST_TMP/other.conf -p ")
	expect_eq "fish: -c FILE -p <TAB>: that file's profiles" alpha "$out"
	out=$(fcomp 'jwtcred token --format ')
	expect_eq "fish: --format <TAB>: the formats" "bare curl-config env header json" "$(echo $out | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
	out=$(fcomp 'jwtcred status --')
	check "fish: status --<TAB>: --json" has --json "$out"
	check "fish: status --<TAB>: not token's --refresh" lacks --refresh "$out"
	out=$(fcomp 'jwtcred init --provider ')
	check "fish: init --provider <TAB>: github-app" has github-app "$out"
	out=$(fcomp 'jwtcred help ')
	check "fish: help <TAB>: the commands" has token "$out"
else
	ok "fish is not installed: its completion not run # SKIP"
fi

# --- make installs them where configure says -------------------------------------------------
DEST=$TEST_TMP/dest
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$TOP_BUILDDIR" \
	install-bashcompletionDATA install-zshcompletionDATA install-fishcompletionDATA \
	prefix=/opt/jc DESTDIR="$DEST" >"$TEST_TMP/install.log" 2>&1; then
	ok "make install-*completionDATA DESTDIR=..."
else
	show "$TEST_TMP/install.log"
	not_ok "make install-*completionDATA DESTDIR=..."
fi
check "bash's: under the prefix, in bash-completion/completions" \
	test -f "$DEST/opt/jc/share/bash-completion/completions/jwtcred.bash"
check "zsh's: in zsh/vendor-completions" test -f "$DEST/opt/jc/share/zsh/vendor-completions/_jwtcred"
check "fish's: in fish/vendor_completions.d" test -f "$DEST/opt/jc/share/fish/vendor_completions.d/jwtcred.fish"

finish
