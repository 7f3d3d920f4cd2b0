#!/usr/bin/python3
"""npm_registry.py: a loopback npm registry over HTTPS that wants a bearer token.

It serves one tiny package, built at start: GET /NAME answers the packument
(abbreviated metadata is the same document), GET /NAME/-/NAME-1.0.0.tgz
the tarball, whose sha1 shasum and sha512 integrity the packument carries.
Every request must carry "Authorization: Bearer TOKEN" where TOKEN is valid:
the registry asks the token server's protected resource (--validate, a GET
with the same header, trusting --ca) and answers 401 unless it says 200.
Anything else is 404.

Every request is appended to --log as one JSON line {"path", "auth"}, where
auth is "ok", "missing" (no bearer header) or "invalid"; never the token.

usage: npm_registry.py --cert C --key K --ca CA --validate URL --name NAME
                       --port-file F --log L
  F gets the port once the registry listens.

The quiet handler base, the TLS server, the token check and the port
file live in loopback.py.
"""
import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import threading

import loopback

LOCK = threading.Lock()
VERSION = '1.0.0'


def build_tarball(name):
    """The package as npm packs it: package/package.json and package/index.js."""
    files = {
        'package/package.json': json.dumps({'name': name, 'version': VERSION,
                                            'main': 'index.js'}).encode(),
        'package/index.js': b"module.exports = 'jwtcred tiny package';\n",
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Handler(loopback.QuietHandler):
    cfg = None

    def auth_state(self):
        header = self.headers.get('Authorization', '')
        if not header.startswith('Bearer ') or len(header) <= len('Bearer '):
            return 'missing'
        if loopback.token_valid(self.cfg['validate'], self.cfg['ca'], header):
            return 'ok'
        return 'invalid'

    def answer(self, status, body, ctype):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        if status == 401:
            self.send_header('WWW-Authenticate', 'Bearer realm="jwtcred test registry"')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def do_GET(self):
        auth = self.auth_state()
        with LOCK, open(self.cfg['log'], 'a', encoding='utf-8') as f:
            f.write(json.dumps({'path': self.path, 'auth': auth}) + '\n')
        if auth != 'ok':
            self.answer(401, b'{"error":"authentication required"}', 'application/json')
            return
        name = self.cfg['name']
        if self.path.split('?')[0] == '/' + name:
            self.answer(200, self.cfg['packument'](self.headers.get('Host', '')), 'application/json')
        elif self.path == f'/{name}/-/{name}-{VERSION}.tgz':
            self.answer(200, self.cfg['tarball'], 'application/octet-stream')
        else:
            self.answer(404, b'{"error":"not found"}', 'application/json')

    do_HEAD = do_GET


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for opt in ('--cert', '--key', '--ca', '--validate', '--name', '--port-file', '--log'):
        p.add_argument(opt, required=True)
    a = p.parse_args()
    tarball = build_tarball(a.name)
    shasum = hashlib.sha1(tarball).hexdigest()
    integrity = 'sha512-' + base64.b64encode(hashlib.sha512(tarball).digest()).decode()

    def packument(host):
        doc = {
            'name': a.name,
            'dist-tags': {'latest': VERSION},
            'versions': {VERSION: {
                'name': a.name, 'version': VERSION, 'main': 'index.js',
                'dist': {'tarball': f'https://{host}/{a.name}/-/{a.name}-{VERSION}.tgz',
                         'shasum': shasum, 'integrity': integrity},
            }},
        }
        return json.dumps(doc).encode()

    Handler.cfg = {'validate': a.validate, 'ca': a.ca, 'log': a.log,
                   'name': a.name, 'tarball': tarball, 'packument': packument}
    server = loopback.TLSServer(Handler, loopback.server_context(a.cert, a.key)).start()
    loopback.write_port_file(a.port_file, [server.port])
    loopback.wait_forever()


if __name__ == '__main__':
    sys.exit(main())
