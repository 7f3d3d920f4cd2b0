# program: bazel-credential-jwtcred
# validate: bazel
# Bazel's credential helper (--credential_helper, EngFlow's
# credential-helper-spec): get reads {"uri": ...}.  A URI a profile's urls
# allow gets the Authorization header and when jwtcred stops serving the
# token; any other URI gets {} and exit 0; bad input one line and exit 1.
# Profiles: tests/integration/test_proto.sh.

=== ordinary: a URI under main's urls
args: get
stdin: {"uri": "https://git.example.com/releases/v1.tar.gz"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== jwtcred bazel get: the same
program: jwtcred
args: bazel get
stdin: {"uri": "https://git.example.com/releases/v1.tar.gz"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== an unknown extra member is ignored (spec: helpers SHOULD NOT fail)
args: get
stdin: {"uri": "https://git.example.com/x", "headers": {"X": ["y"]}, "future": [1, 2]}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== the root of the host, no path
args: get
stdin: {"uri": "https://git.example.com"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== a query is fine, and not part of the match
args: get
stdin: {"uri": "https://git.example.com/dl?file=a.zip&sig=1"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== CRLF and white space around the JSON
args: get
stdin: \r\n  {"uri":"https://git.example.com/x"}\r\n
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== scheme and host in capitals are the same URL
args: get
stdin: {"uri": "HTTPS://GIT.Example.COM/x"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== the default port written out
args: get
stdin: {"uri": "https://git.example.com:443/x"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== another port: the port profile
args: get --profile port
stdin: {"uri": "https://git.example.com:8443/x"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== an IPv6 literal with its port
args: get --profile port
stdin: {"uri": "https://[::1]:9443/cache/ac/0123"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== a port no entry lists: {}
args: get
stdin: {"uri": "https://git.example.com:444/x"}
stdout:
{}

=== path prefix: /team itself
args: get --profile team
stdin: {"uri": "https://git.example.com/team"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== path prefix: below /team/
args: get --profile team
stdin: {"uri": "https://git.example.com/team/a/b.tar.gz"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== path prefix: /teamX is not under /team
args: get --profile team
stdin: {"uri": "https://git.example.com/teamX/a"}
stdout:
{}

=== path prefix: /tea is not under /team
args: get --profile team
stdin: {"uri": "https://git.example.com/tea"}
stdout:
{}

=== path prefix: a dot segment out of /team
args: get --profile team
stdin: {"uri": "https://git.example.com/team/../admin"}
stdout:
{}

=== path prefix: an encoded dot segment out of /team
args: get --profile team
stdin: {"uri": "https://git.example.com/team/%2e%2e/admin"}
stdout:
{}

=== path prefix: an encoded slash
args: get --profile team
stdin: {"uri": "https://git.example.com/team%2F..%2Fadmin"}
stdout:
{}

=== wildcard: one label under *.corp.example.com
args: get
stdin: {"uri": "https://build.corp.example.com/x"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== wildcard: two labels are not one
args: get
stdin: {"uri": "https://a.build.corp.example.com/x"}
stdout:
{}

=== wildcard: the bare domain is not under it
args: get
stdin: {"uri": "https://corp.example.com/x"}
stdout:
{}

=== lookalike: the allowed host as a label of another
args: get
stdin: {"uri": "https://git.example.com.evil.net/x"}
stdout:
{}

=== lookalike: a longer first label
args: get
stdin: {"uri": "https://evilgit.example.com/x"}
stdout:
{}

=== lookalike: a trailing dot
args: get
stdin: {"uri": "https://git.example.com./x"}
stdout:
{}

=== lookalike: a non-ASCII letter
args: get
stdin: {"uri": "https://g\\u00edt.example.com/x"}
stdout:
{}

=== userinfo: a user before the allowed host
args: get
stdin: {"uri": "https://user:pw@git.example.com/x"}
stdout:
{}

=== userinfo: the allowed host as the user name
args: get
stdin: {"uri": "https://git.example.com@evil.net/x"}
stdout:
{}

=== other scheme: http
args: get
stdin: {"uri": "http://git.example.com/x"}
stdout:
{}

=== other scheme: grpcs, no urls entry of that scheme
args: get
stdin: {"uri": "grpcs://git.example.com:8980/x"}
stdout:
{}

=== gRPC remote cache: Bazel asks https://authority/Service even for a plaintext grpc:// channel: refused
args: get
stdin: {"uri": "https://git.example.com/build.bazel.remote.execution.v2.ActionCache"}
stdout:
{}

=== gRPC CAS (ByteStream): refused
args: get
stdin: {"uri": "https://git.example.com/google.bytestream.ByteStream"}
stdout:
{}

=== gRPC BES: refused
args: get
stdin: {"uri": "https://git.example.com/google.devtools.build.v1.PublishBuildEvent"}
stdout:
{}

=== gRPC remote asset API and health check: refused
args: get
stdin: {"uri": "https://git.example.com/grpc.health.v1.Health"}
stdout:
{}

=== a file name with dots is no gRPC service: served
args: get
stdin: {"uri": "https://git.example.com/release-1.0.Final"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== a service name below a path is a download: served
args: get
stdin: {"uri": "https://git.example.com/dl/google.bytestream.ByteStream"}
stdout:
{"headers":{"Authorization":["Bearer <TOKEN>"]},"expires":"<RFC3339>"}

=== other scheme: none at all
args: get
stdin: {"uri": "git.example.com/x"}
stdout:
{}

=== a fragment
args: get
stdin: {"uri": "https://git.example.com/x#frag"}
stdout:
{}

=== CRLF inside the uri (header injection)
args: get
stdin: {"uri": "https://git.example.com/x\\r\\nAuthorization: evil"}
stdout:
{}

=== a space inside the uri
args: get
stdin: {"uri": "https://git.example.com/a b"}
stdout:
{}

=== an empty uri
args: get
stdin: {"uri": ""}
stdout:
{}

=== a uri longer than 2048 bytes
args: get
stdin-python: b'{"uri": "https://git.example.com/' + b'a' * 3000 + b'"}'
stdout:
{}

=== a profile that cannot mint: one line, exit 1
args: get
stdin: {"uri": "https://broken.example.com/x"}
stderr~: ^jwtcred: .+
exit: 1

=== an unknown --profile
args: get --profile nosuch
stdin: {"uri": "https://git.example.com/x"}
stderr~: ^jwtcred: .*nosuch
exit: 1

=== malformed: not JSON
args: get
stdin: uri=https://git.example.com/x
stderr~: ^jwtcred: input is not JSON
exit: 1
request-schema: invalid

=== malformed: truncated JSON
args: get
stdin: {"uri": "https://git.example.com/x"
stderr~: ^jwtcred: input is not JSON
exit: 1
request-schema: invalid

=== malformed: no input at all
args: get
stdin:
stderr~: ^jwtcred: input is not JSON
exit: 1
request-schema: invalid

=== malformed: an array
args: get
stdin: ["https://git.example.com/x"]
stderr: jwtcred: input is not a JSON object
exit: 1
request-schema: invalid

=== malformed: no uri member
args: get
stdin: {"url": "https://git.example.com/x"}
stderr: jwtcred: input has no "uri" string
exit: 1
request-schema: invalid

=== malformed: uri not a string
args: get
stdin: {"uri": ["https://git.example.com/x"]}
stderr: jwtcred: input has no "uri" string
exit: 1
request-schema: invalid

=== hostile: two uri members (which would win?)
args: get
stdin: {"uri": "https://evil.net/", "uri": "https://git.example.com/x"}
stderr~: ^jwtcred: input is not JSON .*duplicate
exit: 1

=== hostile: a NUL byte after the JSON
args: get
stdin-python: b'{"uri": "https://git.example.com/x"}\0{"uri": "https://evil.net/"}'
stderr: jwtcred: input contains a NUL byte
exit: 1

=== hostile: an escaped NUL inside the uri
args: get
stdin: {"uri": "https://evil.net/\\u0000https://git.example.com/x"}
stderr~: ^jwtcred: input is not JSON
exit: 1

=== hostile: input larger than 64 KiB
args: get
stdin-python: b'{"uri": "https://git.example.com/x", "pad": "' + b'a' * 70000 + b'"}'
stderr: jwtcred: input is larger than 65536 bytes
exit: 1

=== an unknown verb (jwtcred bazel)
program: jwtcred
args: bazel put
stdin: {"uri": "https://git.example.com/x"}
stderr: jwtcred: unknown command 'put' (Bazel's credential helpers answer get)
exit: 2

=== an unknown verb (bazel-credential-jwtcred)
args: store
stdin: {"uri": "https://git.example.com/x"}
stderr~: ^jwtcred: unknown command 'store'
exit: 2
