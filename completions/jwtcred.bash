# bash completion for jwtcred(1): commands, options (global and per
# command), profile names (from `jwtcred profiles`, honouring -c/--config
# on the line and JWTCRED_CONFIG) and --format values.
# Installed where `pkg-config --variable=completionsdir bash-completion`
# says; bash-completion loads it on the first "jwtcred <TAB>".

_jwtcred_commands="token curl exec kubectl cargo terraform bazel goauth pnpm assertion init
check status purge profiles help get store erase"
_jwtcred_global="-c --config -p --profile -v --verbose -h --help -V --version"

# The profile names of the configuration the line names (-c FILE, --config FILE,
# --config=FILE), else of JWTCRED_CONFIG or the default one.
_jwtcred_profiles()
{
	local i w cfg=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c | --config)
			w=${COMP_WORDS[i + 1]}
			[ "$w" = = ] && w=${COMP_WORDS[i + 2]}
			cfg=(--config "${w/#\~/$HOME}")
			;;
		--config=*) cfg=(--config "${w#--config=}") ;;
		esac
	done
	"${COMP_WORDS[0]}" "${cfg[@]}" profiles 2>/dev/null
}

_jwtcred()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i w opt cmd="" dashdash="" nargs=0 opts=""
	COMPREPLY=()

	# the command word, the words after it, and a "--" before the cursor
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--) if [ -n "$cmd" ]; then dashdash=$i; break; fi ;;
		-c | --config | -p | --profile | --format | --provider | --key-type | --days)
			((i++))
			[ "${COMP_WORDS[i]}" = = ] && ((i++))
			;;
		-*) ;;
		*) if [ -z "$cmd" ]; then cmd=$w; else ((nargs++)); fi ;;
		esac
	done

	# an option's value: "--format json", "--format=json" (bash splits at =)
	opt=$prev
	if [ "$cur" = = ]; then
		cur=""
	elif [ "$prev" = = ] && [ "$COMP_CWORD" -ge 2 ]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	if [ -z "$dashdash" ]; then
		case $opt in
		-p | --profile) mapfile -t COMPREPLY < <(compgen -W "$(_jwtcred_profiles)" -- "$cur"); return ;;
		--format) mapfile -t COMPREPLY < <(compgen -W "bare header json env curl-config" -- "$cur"); return ;;
		-c | --config) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
		--provider) mapfile -t COMPREPLY < <(compgen -W "salesforce google github-app client-credentials generic" -- "$cur"); return ;;
		--key-type) mapfile -t COMPREPLY < <(compgen -W "rsa ec" -- "$cur"); return ;;
		--server) mapfile -t COMPREPLY < <(compgen -W "entra okta keycloak auth0" -- "$cur"); return ;;
		--key | --service-account-file | --ca-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
		--days) return ;;
		esac
	fi

	# after "--": curl's arguments, or the command exec runs
	if [ -n "$dashdash" ]; then
		if [ "$cmd" = exec ] && [ $((COMP_CWORD - dashdash)) -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return
	fi

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_jwtcred_global" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_jwtcred_commands" -- "$cur")
		fi
		return
	fi

	case $cmd in
	token) opts="--refresh --no-cache --format" ;;
	check) opts="--online --json" ;;
	status) opts="--json --shared" ;;
	purge) opts="--revoke --shared" ;;
	assertion) opts="--decode" ;;
	cargo) opts="--cargo-plugin" ;;
	curl | exec) opts="--" ;;
	init) opts="--provider --profile --url --key-type --days --sandbox --client-id --app-id --username --login-url --service-account-file --key --installation-id --owner --api-url --server --tenant --issuer --subject --token-url --audience --scope --resource --key-id --ca-file" ;;
	help)
		[ "$nargs" -eq 0 ] && mapfile -t COMPREPLY < <(compgen -W "$_jwtcred_commands" -- "$cur")
		return
		;;
	terraform)
		[ "$nargs" -eq 0 ] && [[ $cur != -* ]] &&
			{ mapfile -t COMPREPLY < <(compgen -W "get store forget" -- "$cur"); return; }
		;;
	bazel)
		[ "$nargs" -eq 0 ] && [[ $cur != -* ]] &&
			{ mapfile -t COMPREPLY < <(compgen -W "get" -- "$cur"); return; }
		;;
	esac
	if [[ $cur == -* ]] || [ "$cmd" = curl ] || [ "$cmd" = exec ]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts $_jwtcred_global" -- "$cur")
	fi
}

complete -F _jwtcred jwtcred
