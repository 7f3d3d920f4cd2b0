#!/usr/bin/python3
"""cargo_registry.py: a loopback sparse cargo registry that requires auth.

Two HTTPS listeners on 127.0.0.1: the registry ("index" port) and an
"other" port that stands for a different origin.  Both serve ROOT's files:
  /index/config.json      {"dl": ..., "auth-required": true}; dl is the index
                          port's /dl/ unless ROOT/mode.json says {"dl": "other"}
  /index/<path>           ROOT/index/<path> (the index files)
  /dl/<name>/<version>/download   ROOT/crates/<name>-<version>.crate
On the index port every request needs "Authorization: Bearer TOKEN" where
TOKEN is valid: the token endpoint's protected resource (--validate URL,
CA --cafile) answers 200 for it.  Otherwise 401 with "WWW-Authenticate:
Cargo".  The other port serves without asking (a sink: it only records).

Every request is appended to --log as one JSON line: {"port": "index" or
"other", "path", "status", "auth": null or the SHA-256 of the Authorization
header value} -- never the header itself.

usage: cargo_registry.py --cert C --key K --root ROOT --validate URL
       --cafile CA --port-file F --log L
  F gets "INDEX_PORT OTHER_PORT" once both listen.

The quiet handler base, the TLS server, the token check and the port
file live in loopback.py.
"""
import argparse
import hashlib
import json
import os
import sys
import threading

import loopback

LOCK = threading.Lock()
OPTS = None
PORTS = {}


def token_valid(header):
    if not header.startswith('Bearer '):
        return False
    return loopback.token_valid(OPTS.validate, OPTS.cafile, header)


def dl_port():
    try:
        with open(os.path.join(OPTS.root, 'mode.json'), encoding='utf-8') as f:
            mode = json.load(f)
    except OSError:
        mode = {}
    return PORTS['other' if mode.get('dl') == 'other' else 'index']


class Handler(loopback.QuietHandler):
    def answer(self, status, body, ctype='application/octet-stream', extra=()):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        return status

    def serve(self):
        path = self.path.split('?', 1)[0]
        if path == '/index/config.json':
            cfg = {'dl': 'https://127.0.0.1:%d/dl' % dl_port(), 'auth-required': True}
            return self.answer(200, json.dumps(cfg).encode(), 'application/json')
        rel = None
        if path.startswith('/index/'):
            rel = os.path.join('index', path[len('/index/'):])
        parts = path.strip('/').split('/')
        if len(parts) == 4 and parts[0] == 'dl' and parts[3] == 'download':
            rel = os.path.join('crates', '%s-%s.crate' % (parts[1], parts[2]))
        if rel is None or '..' in rel.split('/'):
            return self.answer(404, b'not found\n', 'text/plain')
        try:
            with open(os.path.join(OPTS.root, rel), 'rb') as f:
                return self.answer(200, f.read())
        except OSError:
            return self.answer(404, b'not found\n', 'text/plain')

    def do_GET(self):
        which = self.server.which
        header = self.headers.get('Authorization')
        if which == 'index' and not (header and token_valid(header)):
            status = self.answer(401, b'token required\n', 'text/plain',
                                 [('WWW-Authenticate', 'Cargo login_url="https://127.0.0.1/login"')])
        else:
            status = self.serve()
        record = {'port': which, 'path': self.path, 'status': status,
                  'auth': hashlib.sha256(header.encode()).hexdigest() if header else None}
        with LOCK, open(OPTS.log, 'a', encoding='utf-8') as f:
            f.write(json.dumps(record) + '\n')


def main():
    global OPTS
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for opt in ('--cert', '--key', '--root', '--validate', '--cafile', '--port-file', '--log'):
        p.add_argument(opt, required=True)
    OPTS = p.parse_args()
    ctx = loopback.server_context(OPTS.cert, OPTS.key)
    for which in ('index', 'other'):
        s = loopback.TLSServer(Handler, ctx)
        s.which = which
        PORTS[which] = s.port
        s.start()
    loopback.write_port_file(OPTS.port_file, [PORTS['index'], PORTS['other']])
    loopback.wait_forever()


if __name__ == '__main__':
    sys.exit(main())
