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
"""
import argparse
import hashlib
import json
import os
import socketserver
import ssl
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

LOCK = threading.Lock()
OPTS = None
PORTS = {}


def token_valid(header):
    if not header.startswith('Bearer '):
        return False
    ctx = ssl.create_default_context(cafile=OPTS.cafile)
    req = urllib.request.Request(OPTS.validate, headers={'Authorization': header})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def dl_port():
    try:
        with open(os.path.join(OPTS.root, 'mode.json'), encoding='utf-8') as f:
            mode = json.load(f)
    except OSError:
        mode = {}
    return PORTS['other' if mode.get('dl') == 'other' else 'index']


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

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


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, ctx, which):
        super().__init__(('127.0.0.1', 0), Handler)
        self.ctx = ctx
        self.which = which

    def get_request(self):
        sock, addr = super().get_request()
        sock.settimeout(10)
        return self.ctx.wrap_socket(sock, server_side=True), addr

    def handle_error(self, request, client_address):
        pass


def main():
    global OPTS
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for opt in ('--cert', '--key', '--root', '--validate', '--cafile', '--port-file', '--log'):
        p.add_argument(opt, required=True)
    OPTS = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(OPTS.cert, OPTS.key)
    servers = [Server(ctx, 'index'), Server(ctx, 'other')]
    for s in servers:
        PORTS[s.which] = s.server_address[1]
        threading.Thread(target=s.serve_forever, daemon=True).start()
    tmp = OPTS.port_file + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('%d %d\n' % (PORTS['index'], PORTS['other']))
    os.rename(tmp, OPTS.port_file)
    threading.Event().wait()


if __name__ == '__main__':
    sys.exit(main())
