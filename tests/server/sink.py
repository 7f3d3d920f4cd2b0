#!/usr/bin/python3
"""sink.py: loopback HTTPS listeners that record every request they receive.

The differential test of `jwtcred curl` runs real curl against these: one
listener stands for an API the profile allows, the others for places a
token must never reach.  Every request is appended to the log as one JSON
line: {"port", "sni", "host", "method", "path", "raw"} where sni is the
TLS server name the client asked for (null for an IP address), and raw is the request
line, the headers and up to 64 KiB of body, as received.  The test decides
from the log which requests carried a token and whether they were allowed.

Paths that answer with a redirect (for -L):
  /redirect?to=URL   302 to URL
Anything else answers 200 "sink".
Every answer closes the connection, but to a path with "keep-alive" in it
(so that a test can send a second request on the same connection).

usage: sink.py --cert C --key K --ports N --port-file F --log L
  F gets the N ports, space separated, once all listen.

The quiet handler base, the TLS server, the port file and the wait live
in loopback.py.
"""
import argparse
import json
import sys
import threading
import urllib.parse

import loopback

MAX_BODY = 64 * 1024
LOCK = threading.Lock()


class Handler(loopback.QuietHandler):
    log_path = None

    def read_body(self):
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            body = b''
            while len(body) <= MAX_BODY:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
            return body[:MAX_BODY]
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(min(n, MAX_BODY)) if n > 0 else b''

    def handle_any(self):
        body = self.read_body()
        raw = self.requestline + '\r\n' + str(self.headers) + body.decode('latin-1')
        record = {
            'port': self.server.server_address[1],
            'sni': getattr(self.request, 'sni', None),
            'host': self.headers.get('Host', ''),
            'method': self.command,
            'path': self.path,
            'raw': raw,
        }
        with LOCK, open(self.log_path, 'a', encoding='utf-8') as f:
            f.write(json.dumps(record) + '\n')
        url = urllib.parse.urlsplit(self.path)
        if url.path == '/redirect':
            to = urllib.parse.parse_qs(url.query).get('to', ['/'])[0]
            self.send_response(302)
            self.send_header('Location', to)
            out = b''
        else:
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            out = b'sink\n'
        keep = 'keep-alive' in url.path
        self.send_header('Content-Length', str(len(out)))
        if not keep:
            self.send_header('Connection', 'close')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(out)
        self.close_connection = not keep

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--cert', required=True)
    p.add_argument('--key', required=True)
    p.add_argument('--ports', type=int, default=3)
    p.add_argument('--port-file', required=True)
    p.add_argument('--log', required=True)
    a = p.parse_args()
    ctx = loopback.server_context(a.cert, a.key)
    ctx.sni_callback = lambda sock, name, _ctx: setattr(sock, 'sni', name)
    Handler.log_path = a.log
    servers = [loopback.TLSServer(Handler, ctx).start() for _ in range(a.ports)]
    loopback.write_port_file(a.port_file, [s.port for s in servers])
    loopback.wait_forever()


if __name__ == '__main__':
    sys.exit(main())
