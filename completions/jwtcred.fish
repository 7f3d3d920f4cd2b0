# fish completion for jwtcred(1): commands, options (global and per
# command), profile names (from `jwtcred profiles`, honouring -c/--config
# on the line and JWTCRED_CONFIG) and --format values.  Installed in
# $(datadir)/fish/vendor_completions.d.

set -l __jwtcred_commands token curl exec kubectl cargo terraform bazel goauth pnpm assertion init check status purge profiles help get store erase

# The profile names of the configuration the line names, else the default one.
function __jwtcred_profiles
    set -l words (commandline -opc)
    set -l cfg
    set -l i 2
    while test $i -le (count $words)
        switch $words[$i]
            case -c --config
                set i (math $i + 1)
                test $i -le (count $words); and set cfg --config $words[$i]
            case '--config=*'
                set cfg --config (string replace -- --config= '' $words[$i])
        end
        set i (math $i + 1)
    end
    $words[1] $cfg profiles 2>/dev/null
end

# "jwtcred help <TAB>": no topic yet
function __jwtcred_help_topic
    set -l words (commandline -opc)
    set -l at (contains -i -- help $words); or return 1
    test $at -eq (count $words)
end

complete -c jwtcred -f
# global options
complete -c jwtcred -s c -l config -r -F -d 'configuration file'
complete -c jwtcred -s p -l profile -x -a '(__jwtcred_profiles)' -d 'the profile to use'
complete -c jwtcred -s v -l verbose -d 'diagnostics on stderr'
complete -c jwtcred -s h -l help -d 'help (of the command)'
complete -c jwtcred -s V -l version -d 'the version'

# commands
set -l nocmd "not __fish_seen_subcommand_from $__jwtcred_commands"
complete -c jwtcred -n $nocmd -a token -d 'print an access token'
complete -c jwtcred -n $nocmd -a curl -d 'run curl with the token on a pipe'
complete -c jwtcred -n $nocmd -a exec -d 'run a command with JWTCRED_ACCESS_TOKEN set'
complete -c jwtcred -n $nocmd -a kubectl -d 'kubectl exec credential plugin'
complete -c jwtcred -n $nocmd -a cargo -d 'Cargo credential provider'
complete -c jwtcred -n $nocmd -a terraform -d 'Terraform/OpenTofu credentials helper'
complete -c jwtcred -n $nocmd -a bazel -d 'Bazel credential helper'
complete -c jwtcred -n $nocmd -a goauth -d 'GOAUTH command for go'
complete -c jwtcred -n $nocmd -a pnpm -d 'pnpm tokenHelper'
complete -c jwtcred -n $nocmd -a assertion -d 'print the signed assertion'
complete -c jwtcred -n $nocmd -a init -d 'create a first profile'
complete -c jwtcred -n $nocmd -a check -d 'check the configuration and keys'
complete -c jwtcred -n $nocmd -a status -d 'list cached tokens'
complete -c jwtcred -n $nocmd -a purge -d 'remove cached tokens'
complete -c jwtcred -n $nocmd -a profiles -d 'list the profile names'
complete -c jwtcred -n $nocmd -a help -d "show a command's help"
complete -c jwtcred -n $nocmd -a 'get store erase' -d 'git credential helper'

# per command
complete -c jwtcred -n '__fish_seen_subcommand_from token' -l refresh -d 'mint even when fresh'
complete -c jwtcred -n '__fish_seen_subcommand_from token' -l no-cache -d 'neither read nor write the cache'
complete -c jwtcred -n '__fish_seen_subcommand_from token' -l format -x -a 'bare header json env curl-config' -d 'output format'
complete -c jwtcred -n '__fish_seen_subcommand_from check' -l online -d 'also mint once per profile'
complete -c jwtcred -n '__fish_seen_subcommand_from check status' -l json -d 'one JSON document'
complete -c jwtcred -n '__fish_seen_subcommand_from status purge' -l shared -d "the fleet's shared cache"
complete -c jwtcred -n '__fish_seen_subcommand_from purge' -l revoke -d 'revoke the tokens too'
complete -c jwtcred -n '__fish_seen_subcommand_from assertion' -l decode -d 'header and claims as JSON'
complete -c jwtcred -n '__fish_seen_subcommand_from cargo' -l cargo-plugin -d 'as cargo runs a provider'
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l provider -x -a 'salesforce google github-app client-credentials generic'
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l key-type -x -a 'rsa ec'
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l days -x
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l server -x -a 'entra okta keycloak auth0'
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l sandbox -d 'a Salesforce sandbox'
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l key -l service-account-file -l ca-file -r -F
complete -c jwtcred -n '__fish_seen_subcommand_from init' -l url -l client-id -l app-id -l username -l login-url -l installation-id -l owner -l api-url -l tenant -l issuer -l subject -l token-url -l audience -l scope -l resource -l key-id -x
complete -c jwtcred -n '__fish_seen_subcommand_from terraform; and not __fish_seen_subcommand_from get store forget' -a 'get store forget'
complete -c jwtcred -n '__fish_seen_subcommand_from bazel; and not __fish_seen_subcommand_from get' -a get
complete -c jwtcred -n __jwtcred_help_topic -a "$__jwtcred_commands"
