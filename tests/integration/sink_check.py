#!/usr/bin/python3
"""sink_check.py LOG FIRST ALLOWED...: the requests in LOG (sink.py's, from
line FIRST on, counting from 1) that carried a token where no profile
allows one.  Prints one line per such request and exits 0; the caller
counts the lines.

A token is the value of $TOKEN, or anything shaped like the test server's
tokens ($TOKEN_RE).  Each ALLOWED is PORT:SNI[:PATH]: a request carrying a
token is fine only on that listener, asked for that TLS server name, and,
with PATH, for PATH or below it.
"""
import json
import os
import re
import sys


def allowed(rec, rules):
    path = rec['path'].split('?', 1)[0]
    for rule in rules:
        port, sni, *prefix = rule.split(':', 2)
        if rec['port'] != int(port) or rec['sni'] != sni:
            continue
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
            print('line %d: %s https://%s%s (port %d, sni %s) got a token'
                  % (n, rec['method'], rec['host'], rec['path'], rec['port'], rec['sni']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
