"""loopback.py: the parts the loopback HTTPS test servers share.

cargo_registry.py, npm_registry.py, tf_registry.py and sink.py import this
(stdlib only, run with /usr/bin/python3 from this directory):

  QuietHandler                an HTTP/1.1 request handler that logs nothing
                              (each server's JSON log is the record)
  server_context(cert, key)   an ssl server context with that cert and key
  TLSServer(handler, ctx)     a threading TCP server on 127.0.0.1, a free
                              port, that wraps every accepted socket in TLS
                              (10 s timeout) and ignores clients that give
                              up mid-handshake; .start() serves it in a
                              daemon thread
  token_valid(url, ca, hdr)   True iff a GET of the token endpoint's
                              protected resource (url) with "Authorization:
                              hdr", trusting CA file ca, answers 200; the
                              one way a test server judges a token
  write_port_file(path, ports)  the ports, space separated, written to a
                              temporary file renamed to path (the test waits
                              for path, so it never reads half a file)
  wait_forever()              park the main thread while the servers serve
"""
import functools
import os
import socketserver
import ssl
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

TIMEOUT = 10


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):  # quiet: the JSON log is the record
        pass


def server_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class TLSServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, ctx):
        super().__init__(('127.0.0.1', 0), handler)
        self.ctx = ctx

    @property
    def port(self):
        return self.server_address[1]

    def get_request(self):
        sock, addr = super().get_request()
        sock.settimeout(TIMEOUT)
        return self.ctx.wrap_socket(sock, server_side=True), addr

    def handle_error(self, request, client_address):
        pass  # a client that gives up mid-handshake is not news

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


@functools.lru_cache(maxsize=None)
def _client_context(ca_file):
    return ssl.create_default_context(cafile=ca_file)


def token_valid(validate_url, ca_file, header):
    req = urllib.request.Request(validate_url, headers={'Authorization': header})
    try:
        with urllib.request.urlopen(req, context=_client_context(ca_file),
                                    timeout=TIMEOUT) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def write_port_file(path, ports):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(' '.join(str(p) for p in ports) + '\n')
    os.rename(tmp, path)


def wait_forever():
    threading.Event().wait()
