# git credential helper: git-credential-jwtcred ARGS < stdin.
# Profiles (see tests/integration/test_proto.sh):
#   main  https://git.example.com, https://*.corp.example.com  (username alice@example.com)
#   team  https://git.example.com/team                          (team-user)
#   port  https://git.example.com:8443, https://[::1]:9443      (port-user)
#   twin  https://git.example.com, listed after main            (twin-user)

=== exact host answers with the profile's username and a token
args: get
stdin: protocol=https\nhost=git.example.com\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== request ended by EOF instead of a blank line
args: get
stdin: protocol=https\nhost=git.example.com\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== CRLF line endings
args: get
stdin: protocol=https\r\nhost=git.example.com\r\n\r\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== upper-case host is the same host
args: get
stdin: protocol=https\nhost=GIT.Example.COM\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== explicit default port is the same origin
args: get
stdin: protocol=https\nhost=git.example.com:443\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== another port goes to the profile listing that port
args: get
stdin: protocol=https\nhost=git.example.com:8443\n\n
stdout:
username=port-user
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== IPv6 literal with port
args: get
stdin: protocol=https\nhost=[::1]:9443\n\n
stdout:
username=port-user
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== unlisted port: nothing
args: get
stdin: protocol=https\nhost=git.example.com:8444\n\n

=== http is not https: nothing
args: get
stdin: protocol=http\nhost=git.example.com\n\n

=== suffix trick example.com.evil.net: nothing
args: get
stdin: protocol=https\nhost=git.example.com.evil.net\n\n

=== evil.net with the allowed host in its path: nothing
args: get
stdin: protocol=https\nhost=evil.net\npath=git.example.com/\n\n

=== userinfo in host (allowed host before @): nothing
args: get
stdin: protocol=https\nhost=git.example.com@evil.net\n\n

=== userinfo in host (allowed host after @): nothing, host must be a plain name
args: get
stdin: protocol=https\nhost=evil.net@git.example.com\n\n

=== url with userinfo pointing at evil.net: nothing
args: get
stdin: url=https://git.example.com@evil.net/repo.git\n\n

=== url whose host is the allowed one, with a user name: answered
args: get
stdin: url=https://someone@git.example.com/repo.git\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== trailing dot: nothing
args: get
stdin: protocol=https\nhost=git.example.com.\n\n

=== carriage return inside the host: nothing
args: get
stdin: protocol=https\nhost=git.exa\rmple.com\n\n

=== space inside the host: nothing
args: get
stdin: protocol=https\nhost=git.example.com evil.net\n\n

=== wildcard matches one label
args: get
stdin: protocol=https\nhost=build.corp.example.com\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== wildcard does not match the bare domain
args: get
stdin: protocol=https\nhost=corp.example.com\n\n

=== wildcard does not match two labels
args: get
stdin: protocol=https\nhost=a.b.corp.example.com\n\n

=== path under a path-limited profile: the more specific profile wins
args: get
stdin: protocol=https\nhost=git.example.com\npath=team/repo.git\n\n
stdout:
username=team-user
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== path prefix only on a slash boundary
args: get
stdin: protocol=https\nhost=git.example.com\npath=teamx/repo.git\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== --profile limits the choice; team's urls need a path
args: --profile team get
stdin: protocol=https\nhost=git.example.com\n\n

=== --profile team with a dot-dot path escaping the prefix: nothing
args: --profile team get
stdin: protocol=https\nhost=git.example.com\npath=team/../other/repo.git\n\n

=== --profile team with an encoded slash: nothing
args: --profile team get
stdin: protocol=https\nhost=git.example.com\npath=team%2f..%2fother\n\n

=== --profile main answers a path team would take
args: --profile main get
stdin: protocol=https\nhost=git.example.com\npath=team/repo.git\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== --profile names an unknown profile: one line, exit 1
args: --profile nope get
stdin: protocol=https\nhost=git.example.com\n\n
stderr: jwtcred: no profile 'nope' in '${JWTCRED_CONFIG}' (known: main, team, port, twin, broken, wild)
exit: 1

=== --profile twin picks the later of two equal profiles (without it, main, the first, answers)
args: --profile twin get
stdin: protocol=https\nhost=git.example.com\n\n
stdout:
username=twin-user
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== no host: nothing
args: get
stdin: protocol=https\n\n

=== no protocol: nothing
args: get
stdin: host=git.example.com\n\n

=== empty request: nothing
args: get
stdin: \n

=== last value wins (allowed last)
args: get
stdin: protocol=https\nhost=evil.net\nhost=git.example.com\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== last value wins (hostile last)
args: get
stdin: protocol=https\nhost=git.example.com\nhost=evil.net\n\n

=== keys after the blank line are not part of the request
args: get
stdin: protocol=https\n\nhost=git.example.com\n\n

=== unknown keys are ignored
args: get
stdin: protocol=https\nwwwauth[]=Basic realm="x"\nhost=git.example.com\nfrobnicate=1\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== capability authtype: a Bearer answer
args: get
stdin: capability[]=authtype\nprotocol=https\nhost=git.example.com\n\n
stdout:
capability[]=authtype
authtype=Bearer
credential=<TOKEN>
ephemeral=1
password_expiry_utc=<EXPIRY>

=== capability state as well: state names the cache entry
args: get
stdin: capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=git.example.com\n\n
stdout:
capability[]=authtype
authtype=Bearer
credential=<TOKEN>
ephemeral=1
password_expiry_utc=<EXPIRY>
capability[]=state
state[]=jwtcred.entry=<ENTRY>

=== an empty capability[] clears the array
args: get
stdin: capability[]=authtype\ncapability[]=\nprotocol=https\nhost=git.example.com\n\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== a NUL byte ends the request: one line, no answer
args: get
stdin: protocol=https\nhost=git.example.com\x00\n\n
stderr: jwtcred: credential request contains a NUL byte
exit: 1

=== a line over 64 KiB: one line, no answer
args: get
stdin-python: b"protocol=https\nhost=git.example.com\npath=" + b"a" * 65536 + b"\n\n"
stderr: jwtcred: credential request has a line longer than 65536 bytes
exit: 1

=== more than 1 MiB in all: one line, no answer
args: get
stdin-python: b"protocol=https\nhost=git.example.com\n" + b"x=" + b"a" * 60000 + b"\n" + (b"y=" + b"b" * 60000 + b"\n") * 20 + b"\n"
stderr: jwtcred: credential request is larger than 1048576 bytes
exit: 1

=== a line without '=' ends the request: one line, no answer (git: "invalid credential line")
args: get
stdin: protocol=https\nhost=git.example.com\nfrobnicate\n\n
stderr: jwtcred: credential request not answered: line 3 has no '=' (every line must be key=value)
exit: 1

=== a line without '=' first, an allowed host after it: no answer
args: get
stdin: garbage\nprotocol=https\nhost=git.example.com\n\n
stderr: jwtcred: credential request not answered: line 1 has no '=' (every line must be key=value)
exit: 1

=== a last line without '=' and without newline: no answer
args: get
stdin: protocol=https\nhost=git.example.com\npassword
stderr: jwtcred: credential request not answered: line 3 has no '=' (every line must be key=value)
exit: 1

=== a line without '=' with CRLF endings: no answer
args: get
stdin: capability[]=authtype\r\nprotocol=https\r\nhost=git.example.com\r\nx\r\n\r\n
stderr: jwtcred: credential request not answered: line 4 has no '=' (every line must be key=value)
exit: 1

=== the message does not repeat the line (it may be a secret that lost its key)
args: get
stdin: protocol=https\nhost=git.example.com\n00D5g000004Xyz!AQ0AQHzzzzzzzzzzzzzzzzzzzz\n\n
stderr: jwtcred: credential request not answered: line 3 has no '=' (every line must be key=value)
exit: 1

=== a line without '=' after the blank line is not part of the request: answered
args: get
stdin: protocol=https\nhost=git.example.com\n\nfrobnicate\n
stdout:
username=alice@example.com
password=<TOKEN>
password_expiry_utc=<EXPIRY>

=== erase with a line without '=': nothing, no answer
args: erase
stdin: protocol=https\nhost=git.example.com\npassword=00Dnot!cached\nbogus\n\n
stderr: jwtcred: credential request not answered: line 4 has no '=' (every line must be key=value)
exit: 1

=== store: nothing
args: store
stdin: protocol=https\nhost=git.example.com\nusername=x\npassword=y\n\n

=== erase of a token that is not cached: nothing
args: erase
stdin: protocol=https\nhost=git.example.com\nusername=x\npassword=00Dnot!cached\n\n

=== an unknown action is ignored
args: frobnicate
stdin: protocol=https\nhost=git.example.com\n\n
