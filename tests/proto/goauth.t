# program: jwtcred
# validate: goauth
# Go's GOAUTH command (go help goauth): without a URL, one credential set
# per profile (URL prefixes, blank line, Authorization header, blank
# line); with a URL (after a 4xx, the response on stdin), the set of the
# profile that allows it.  Every answer is parsed as Go parses it, and
# go-reaches / go-misses apply Go's own prefix lookup to it.
# Profiles: tests/integration/test_proto.sh.

=== every profile: the https entries Go can be given, first profile first
args: goauth
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
https://git.example.com:8443
https://[::1]:9443
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
stderr~: ^jwtcred: profile 'broken': .+
exit: 0
go-reaches: https://git.example.com/x https://git.example.com/team/m https://git.example.com:8443/a https://[::1]:9443/
go-misses: https://git.example.com.evil.net/ https://a.corp.example.com/ https://broken.example.com/ https://x.wild.example.com/mods https://[::1]/ https://git.example.com:444/

=== --profile team: a path entry is not given (Go follows redirects to other paths of the host with the token), nothing minted
args: goauth --profile team
go-misses: https://git.example.com/team https://git.example.com/team/mod/v2?go-get=1 https://git.example.com/ https://git.example.com/team/../admin

=== JWTCRED_PROFILE=port: ports and an IPv6 literal
args: goauth
env: JWTCRED_PROFILE=port
stdout:
https://git.example.com:8443
https://[::1]:9443
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
go-reaches: https://git.example.com:8443/ https://[::1]:9443/cache
go-misses: https://git.example.com/ https://git.example.com:9443/ https://[::1]/

=== --profile twin alone keeps the prefix main would claim
args: goauth --profile twin
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
go-reaches: https://git.example.com/a
go-misses: https://evilgit.example.com/ https://a.git.example.com/

=== --profile wild: a "*." entry Go cannot be given: nothing, exit 0
args: goauth --profile wild

=== --profile broken: nothing could be printed and it failed: exit 1
args: goauth --profile broken
stderr~: ^jwtcred: profile 'broken': .+
exit: 1

=== --profile nosuch
args: goauth --profile nosuch
stderr~: ^jwtcred: .*nosuch
exit: 1

=== two URLs
args: goauth https://git.example.com/a https://git.example.com/b
stderr~: ^jwtcred: goauth takes one URL at most
exit: 2

=== URL after a 404: the most specific profile (team) has only a path entry: nothing
args: goauth https://git.example.com/team/mod?go-get=1
stdin: HTTP/1.1 404 Not Found\nContent-Type: text/plain; charset=utf-8\nContent-Length: 19\n\n
go-misses: https://git.example.com/team/mod?go-get=1

=== URL after a 404: main's set, from the cache
args: goauth https://git.example.com/m/mod?go-get=1
stdin: HTTP/1.1 404 Not Found\nContent-Type: text/plain; charset=utf-8\nContent-Length: 19\n\n
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
go-reaches: https://git.example.com/m/mod?go-get=1
go-misses: https://git.example.com.evil.net/

=== URL after a 401: a fresh token, the same shape
args: goauth https://git.example.com/other
stdin: HTTP/1.1 401 Unauthorized\nWww-Authenticate: Bearer\n\n
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
go-reaches: https://git.example.com/other

=== URL with --profile: only that profile answers
args: goauth --profile team https://git.example.com/other
stdin: HTTP/1.1 404 Not Found\n\n

=== URL under a "*." entry with a path: not given (a path entry)
args: goauth https://x.wild.example.com/mods/foo/@v/list
stdin: HTTP/2.0 404 Not Found\n\n
go-misses: https://x.wild.example.com/mods/foo/@v/list https://x.wild.example.com/

=== URL under main's "*." entry: written for the host asked for, only the entry that matches the URL
args: goauth https://a.corp.example.com/m
stdin: HTTP/1.1 403 Forbidden\n\n
stdout:
https://a.corp.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
go-reaches: https://a.corp.example.com/m
go-misses: https://b.corp.example.com/m https://corp.example.com/

=== URL no profile allows: nothing, exit 0
args: goauth https://evil.net/x
stdin: HTTP/1.1 404 Not Found\n\n

=== URL lookalike host: nothing
args: goauth https://git.example.com.evil.net/x
stdin: HTTP/1.1 401 Unauthorized\n\n

=== URL with userinfo: nothing
args: goauth https://git.example.com@evil.net/x
stdin: HTTP/1.1 401 Unauthorized\n\n

=== URL with userinfo before the allowed host: nothing
args: goauth https://user:pw@git.example.com/x
stdin: HTTP/1.1 401 Unauthorized\n\n

=== URL with a backslash: nothing
args: goauth https://git.example.com/team\..\admin
stdin: HTTP/1.1 401 Unauthorized\n\n

=== URL over http: nothing
args: goauth http://git.example.com/x
stdin: HTTP/1.1 401 Unauthorized\n\n

=== URL with a dot segment out of /team: nothing from team
args: goauth --profile team https://git.example.com/team/../admin
stdin: HTTP/1.1 404 Not Found\n\n

=== URL with a CR LF in it: nothing
args-python: ['goauth', 'https://git.example.com/x\r\nX: y']
stdin: HTTP/1.1 404 Not Found\n\n

=== URL, no input at all (EOF): answered from the cache
args: goauth https://git.example.com/m/x
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>

=== URL, CRLF line ends
args: goauth https://git.example.com/m/x
stdin: HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>

=== URL, the status line only, no blank line after it
args: goauth https://git.example.com/m/x
stdin: HTTP/1.1 404 Not Found
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>

=== URL for a profile that cannot mint: one line, exit 1
args: goauth https://broken.example.com/x
stdin: HTTP/1.1 401 Unauthorized\n\n
stderr~: ^jwtcred: profile 'broken': .+
exit: 1

=== malformed: not a status line
args: goauth https://git.example.com/team/x
stdin: 404 Not Found\n\n
stderr: jwtcred: Go's response does not start with a status line
exit: 1

=== malformed: a status that is not three digits
args: goauth https://git.example.com/team/x
stdin: HTTP/1.1 40x Not Found\n\n
stderr: jwtcred: Go's response does not start with a status line
exit: 1

=== malformed: a four-digit status
args: goauth https://git.example.com/team/x
stdin: HTTP/1.1 4011\n\n
stderr: jwtcred: Go's response does not start with a status line
exit: 1

=== hostile: a NUL byte in the status line
args: goauth https://git.example.com/m/x
stdin-python: b'HTTP/1.1 401\0 Unauthorized\nX: y\n\n'
stderr: jwtcred: Go's response contains a NUL byte
exit: 1

=== a NUL byte after the status line: only the status line is read
args: goauth https://git.example.com/m/x
stdin-python: b'HTTP/1.1 404 Not Found\n\0X: y\n\n'
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>

=== a response larger than 256 KiB: only the status line is used, the rest read and discarded
args: goauth https://git.example.com/m/x
stdin-python: b'HTTP/1.1 404 Not Found\n' + b'X-Pad: ' + b'a' * 300000 + b'\n\n'
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>

=== hostile: a status line longer than 8 KiB
args: goauth https://git.example.com/m/x
stdin-python: b'HTTP/1.1 404 ' + b'a' * 9000 + b'\n\n'
stderr: jwtcred: the first line of Go's response is longer than 8192 bytes
exit: 1

=== URL mode: only the entry that matches the URL (port's other entry is not repeated)
args: goauth https://[::1]:9443/x
stdin: HTTP/1.1 404 Not Found\n\n
stdout:
https://[::1]:9443
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
go-misses: https://git.example.com:8443/x

=== URL with --profile twin: the no-URL run prints twin alone, so twin's entry
args: goauth --profile twin https://git.example.com/x
stdin: HTTP/1.1 404 Not Found\n\n
stdout:
https://git.example.com
<BLANK>
Authorization: Bearer <TOKEN>
<BLANK>
