#!/usr/bin/python3
"""tf_registry.py: a loopback Terraform module registry for test_terraform.sh.

Two HTTPS listeners on 127.0.0.1 (the registry's own port and an "other"
one, standing for another host), both serving the same paths:

  /.well-known/terraform.json        {"modules.v1": "/v1/modules/"}, or the
                                     contents of --disco-file when it exists
  /v1/modules/NS/NAME/SYS/versions   one version, 1.0.0
  /v1/modules/NS/NAME/SYS/1.0.0/download
                                     204 with X-Terraform-Get: the archive on
                                     the other listener when NAME is "other",
                                     on this one otherwise
  /archive/mod.tar.gz                the --archive file

Every path but the archive needs "Authorization: Bearer TOKEN" with a token
that the token endpoint's protected resource accepts (GET --validate-url
answers 200; CA --ca); others get 401.  The archive is served to anyone, so
that the log shows whether Terraform sent a token there.  Every request is
one JSON line in --log: {"port", "method", "path", "auth"} with auth "none", "valid"
or "invalid" (never the token).

usage: tf_registry.py --cert C --key K --ca CA --validate-url URL
                      --archive TGZ --port-file F --log L [--disco-file D]
  F gets "PORT OTHER_PORT" once both listen.

The quiet handler base, the TLS server, the token check and the port
file live in loopback.py.
"""
import argparse
import json
import os
import re
import sys
import threading

import loopback

LOCK = threading.Lock()
MODULE = re.compile(r'^/v1/modules/([a-z0-9-]+)/([a-z0-9-]+)/([a-z0-9-]+)/(versions|1\.0\.0/download)$')


class Handler(loopback.QuietHandler):
    opts = None
    ports = None

    def auth_state(self):
        value = self.headers.get('Authorization')
        if not value:
            return 'none'
        if not value.startswith('Bearer ') or len(value) > 8192:
            return 'invalid'
        if loopback.token_valid(self.opts.validate_url, self.opts.ca, value):
            return 'valid'
        return 'invalid'

    def answer(self, status, body=b'', ctype='application/json', headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 204:
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self.end_headers()
        if status != 204 and self.command != 'HEAD':
            self.wfile.write(body)
        self.close_connection = True

    def route(self, path):
        """(status, body, content type, headers) for an authorised request."""
        if path == '/.well-known/terraform.json':
            body = b'{"modules.v1": "/v1/modules/"}'
            if self.opts.disco_file and os.path.exists(self.opts.disco_file):
                with open(self.opts.disco_file, 'rb') as f:
                    body = f.read()
            return 200, body, 'application/json', ()
        m = MODULE.match(path)
        if m and m.group(4) == 'versions':
            return 200, b'{"modules": [{"versions": [{"version": "1.0.0"}]}]}', 'application/json', ()
        if m:
            port = self.ports[1] if m.group(2) == 'other' else self.ports[0]
            get = 'https://127.0.0.1:%d/archive/mod.tar.gz' % port
            return 204, b'', '', (('X-Terraform-Get', get),)
        return 404, b'{"errors": ["not found"]}', 'application/json', ()

    def do_GET(self):
        path = self.path.split('?', 1)[0]
        auth = self.auth_state()
        with LOCK, open(self.opts.log, 'a', encoding='utf-8') as f:
            f.write(json.dumps({'port': self.server.server_address[1], 'method': self.command,
                                'path': path, 'auth': auth}) + '\n')
        if path == '/archive/mod.tar.gz':
            with open(self.opts.archive, 'rb') as f:
                self.answer(200, f.read(), 'application/x-gzip')
        elif auth != 'valid':
            self.answer(401, b'{"errors": ["not authorized"]}')
        else:
            self.answer(*self.route(path))

    do_HEAD = do_GET


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for name in ('--cert', '--key', '--ca', '--validate-url', '--archive', '--port-file', '--log'):
        p.add_argument(name, required=True)
    p.add_argument('--disco-file')
    a = p.parse_args()
    ctx = loopback.server_context(a.cert, a.key)
    Handler.opts = a
    servers = [loopback.TLSServer(Handler, ctx) for _ in range(2)]
    Handler.ports = [s.port for s in servers]
    for s in servers:
        s.start()
    loopback.write_port_file(a.port_file, Handler.ports)
    loopback.wait_forever()


if __name__ == '__main__':
    sys.exit(main())
