#!/usr/bin/python3
"""sink_check.py LOG FIRST ALLOWED...: the requests in LOG (sink.py's, from
line FIRST on, counting from 1) that carried a token where no profile
allows one.  Prints one line per such request and exits 0; the caller
counts the lines.

A token is the value of $TOKEN, or anything shaped like the test server's
tokens ($TOKEN_RE).  Each ALLOWED is PORT:SNI[:PATH]: a request carrying a
token is fine only on that listener, asked for that TLS server name, and,
with PATH, for PATH or below it.  The path is the request-target as sent
(the raw request line, not the one http.server tidied: "//allowed/x" is not
below /allowed), and every Host header, like an absolute-form target, must
name that server name too (either picks another virtual host or CDN tenant
behind the same address).
"""
import json
import os
import re
import sys


def sent_target(rec):
    """The request-target of the raw request line, as the client sent it."""
    words = rec['raw'].split('\r\n', 1)[0].split(' ')
    return words[1] if len(words) == 3 else rec['path']


def host_names(rec):
    """The host name of every Host header in the raw request, lower case."""
    # sink.py's raw: the request line, CRLF, then the headers as http.server
    # parsed them, one a line (LF), a blank line, and the body
    head = rec['raw'].split('\r\n', 1)[-1].split('\n\n', 1)[0].split('\n')
    values = [h.split(':', 1)[1].strip() for h in head if h.lower().startswith('host:')]
    return [re.sub(r':[0-9]*$', '', v).lower() for v in values]


def allowed(rec, rules):
    path = sent_target(rec).split('?', 1)[0]
    for rule in rules:
        port, sni, *prefix = rule.split(':', 2)
        if rec['port'] != int(port) or rec['sni'] != sni:
            continue
        if any(h != sni for h in host_names(rec)):
            continue
        absolute = re.match(r'(?i)[a-z][a-z0-9+.-]*://([^/?#]*)', sent_target(rec))
        if absolute and re.sub(r':[0-9]*$', '', absolute.group(1).split('@')[-1]).lower() != sni:
            continue  # an absolute-form target names its own origin (RFC 9112 3.2.2)
        if not prefix or path == prefix[0] or path.startswith(prefix[0].rstrip('/') + '/'):
            return True
    return False


def main():
    log, first, rules = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    token = os.environ.get('TOKEN', '')
    shape = re.compile(os.environ['TOKEN_RE'])
    try:
        lines = open(log, encoding='utf-8').read().splitlines()
    except FileNotFoundError:
        return 0
    for n, line in enumerate(lines[first - 1:], first):
        rec = json.loads(line)
        carried = (token and token in rec['raw']) or shape.search(rec['raw'])
        if carried and not allowed(rec, rules):
            print('line %d: %s %s (Host %s, port %d, sni %s) got a token'
                  % (n, rec['method'], sent_target(rec), rec['host'], rec['port'], rec['sni']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
