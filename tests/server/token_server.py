#!/usr/bin/python3
"""Local HTTPS token endpoint for jwtcred's integration tests.

A Salesforce-shaped OAuth 2.0 server whose JWT bearer grant (RFC 7523) is
Authlib's own JWTBearerGrant: Authlib checks the assertion's signature against
the client's certificate, and its iss, aud and exp claims. Beside it, a
Google-shaped endpoint (service accounts: kid, scope claim, exp <= iat + 3600,
expires_in, Google's error bodies) and a generic RFC 7523 endpoint (any RS,
PS, ES or EdDSA key, extra claims and form parameters), whose signatures
Authlib's JWT decoder verifies too. Around them: a protected resource, a git
smart-HTTP endpoint (git http-backend as CGI) that accepts the issued tokens,
admin endpoints for the tests, and failure injection. See README.md beside
this file.

Run with /usr/bin/python3 (Debian's python3-authlib and python3-cryptography).
Tokens are never logged or printed: the log has paths, status codes, counts.
"""

import argparse
import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import select
import signal
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import (ExpiredTokenError, InvalidClaimError, JoseError,
                                 MissingClaimError)
from authlib.oauth2 import AuthorizationServer, OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749 import (ClientMixin, InvalidClientError, InvalidGrantError,
                                    UnsupportedGrantTypeError)
from authlib.oauth2.rfc7523 import JWTBearerGrant

import client_credentials as cc   # beside this file: client credentials, introspection
import github  # the GitHub-shaped API beside this file (/api/v3)

log = logging.getLogger('token_server')

TOKEN_PATH = '/services/oauth2/token'
REVOKE_PATH = '/services/oauth2/revoke'
# Another organisation's revocation endpoint on the same server (login_url
# https://localhost:PORT/other): what reaches it is counted apart.
OTHER_REVOKE_PATH = '/other/services/oauth2/revoke'
GOOGLE_PATH = '/google/token'
GENERIC_PATH = '/generic/token'
JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
ORG_ID = '00D5g000004Xyz'          # token prefix, as in real Salesforce tokens
COUNTERS = ('token_requests', 'revoke_requests', 'other_revoke_requests', 'issued', 'git_requests',
            'git_auth_failures', 'git_anonymous', 'data_requests', 'kube_requests',
            'google_requests', 'generic_requests', 'cc_requests',
            'introspect_requests', 'held') + github.COUNTERS
# Algorithms a client certificate may verify: RSA and EC families only, so
# neither "none" nor an HMAC keyed with the certificate text gets near Authlib.
KEY_FAMILY = {'RS': 'RSA', 'PS': 'RSA', 'ES': 'EC', 'Ed': 'OKP'}
# The asymmetric JWS algorithms; Authlib's default decoder would also take
# "none" and HMAC.
ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512',
              'EdDSA']
VERIFIER = JsonWebToken(ASYMMETRIC)
HISTORY = 100                      # assertions kept for GET /admin/history
GOOGLE_LEEWAY = 60                 # seconds an iat may be in the server's future
SMALL_BODY = 1 << 20               # token, revoke, admin requests
GIT_BODY = 256 << 20               # git pushes
# 'hold': a token request waits (before it is answered) while the mode says hold; a
# test releases every held request by setting a mode without it (server_mode '{}')
MODE_BOOLS = ('hang', 'drip', 'non_json', 'oversize', 'truncated', 'invalid_utf8',
              'ip_restricted', 'hold')
MODE_INTS = ('delay_ms', 'retry_after', 'expires_in', 'introspect_status')
MODE_STRINGS = ('instance_url',)
MAX_CLOCK_OFFSET = 10 * 86400


def sf_error(error, description):
    """An OAuth2Error with Salesforce's error and error_description."""
    return OAuth2Error(error=error, description=description)


def not_approved():
    return sf_error('invalid_grant', "user hasn't approved this consumer")


def invalid_assertion():
    return sf_error('invalid_grant', 'invalid assertion')


class HTTPFail(Exception):
    """Abort a request with a plain status (malformed HTTP, too big, ...)."""
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Client(ClientMixin):
    def __init__(self, client_id, key, users, approved):
        self.client_id, self.key = client_id, key
        self.users, self.approved = set(users), set(approved)

    def get_client_id(self):
        return self.client_id

    def check_grant_type(self, grant_type):
        return grant_type == JWTBearerGrant.GRANT_TYPE


class ServiceAccount:
    """A Google service account: its key (verifying the assertion), the key's
    id (the header's kid) and the users it may act for (domain-wide delegation)."""
    def __init__(self, client_email, key, key_id, delegation):
        self.client_email, self.key, self.key_id = client_email, key, key_id
        self.delegation = set(delegation)


class GenericClient:
    """A client of the generic RFC 7523 endpoint, and what it must send."""
    def __init__(self, doc, key):
        self.issuer, self.key = doc['issuer'], key
        self.kid = doc.get('kid')
        self.subjects = doc.get('subjects')          # None: any sub
        self.audiences = doc.get('audiences')        # None: the endpoint's URL
        self.claims = dict(doc.get('claims', {}))
        self.form = dict(doc.get('form', {}))
        self.scope = doc.get('scope')
        self.scope_in = doc.get('scope_in', 'form')
        self.require_jti = bool(doc.get('require_jti', False))
        self.expires_in = int(doc.get('expires_in', 1800))
        if self.scope_in not in ('claim', 'form', 'both'):
            raise ValueError('scope_in must be claim, form or both')


def load_key(base, doc):
    """Authlib reads the certificate (or public key) named in doc."""
    name = doc.get('certificate') or doc['public_key']
    with open(os.path.join(base, name), 'rb') as f:
        return JsonWebKey.import_key(f.read())


class State:
    """Everything shared between the request threads, behind one lock."""

    def __init__(self, clients_path, extra_audiences, git_root):
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.clients_path = clients_path
        self.extra_audiences = list(extra_audiences)
        self.git_root = git_root
        self.port = 0
        self.counters = dict.fromkeys(COUNTERS, 0)
        self.tokens = {}                   # valid access token -> user (sub)
        self.mode = {}
        self.children = set()              # running git http-backend processes
        self.hmac_key = secrets.token_bytes(32)
        self.clients, self.audiences, self._mtime = {}, [], None
        self.app_not_found = []            # aud values answered with app_not_found
        self.service_accounts, self.generic_clients = {}, {}
        self.history = []                  # what the last assertions said
        self.seen_jti = set()
        self.cc_clients, self.sf_secrets, self.session_seconds = {}, {}, 7200
        self.issued_at = {}                # token -> when it was issued (introspection)
        self.github = github.GitHub(self)
        self.reload_clients()

    def reload_clients(self):
        """(Re)read CLIENTS_JSON when its mtime changed; tests may edit it live."""
        mtime = os.stat(self.clients_path).st_mtime_ns
        if mtime == self._mtime:
            return
        with open(self.clients_path, encoding='utf-8') as f:
            doc = json.load(f)
        base = os.path.dirname(os.path.abspath(self.clients_path))
        clients = {}
        for c in doc.get('clients', []):
            with open(os.path.join(base, c['certificate']), 'rb') as f:
                key = JsonWebKey.import_key(f.read())   # Authlib reads the certificate
            clients[c['client_id']] = Client(c['client_id'], key, c.get('users', []),
                                             c.get('approved', []))
        audiences = list(doc.get('audiences', [])) + self.extra_audiences
        if not audiences:
            # Authlib would accept ANY aud when given an empty list of values.
            raise ValueError('no accepted audience: set "audiences" or --audience')
        accounts = {}
        for a in doc.get('service_accounts', []):
            accounts[a['client_email']] = ServiceAccount(a['client_email'], load_key(base, a),
                                                         a['key_id'], a.get('delegation', []))
        generic = {}
        for c in doc.get('generic_clients', []):
            generic[c['issuer']] = GenericClient(c, load_key(base, c))
        self.github.load(doc, base)
        with self.lock:
            self.clients, self.audiences, self._mtime = clients, audiences, mtime
            self.app_not_found = list(doc.get('app_not_found_audiences', []))
            self.service_accounts, self.generic_clients = accounts, generic
            self.cc_clients, self.sf_secrets, self.session_seconds = cc.load(doc, base)
        log.info('loaded %d client(s), %d audience(s), %d service account(s), %d generic client(s)',
                 len(clients), len(audiences), len(accounts), len(generic))

    def clock_offset(self):
        with self.lock:
            return self.mode.get('clock_offset', 0)

    def remember(self, target, assertion, fields):
        """Keep what an assertion said (unverified: the tests ask what was sent),
        and the path and query it was posted to."""
        url = urllib.parse.urlsplit(target)
        entry = {'path': url.path, 'query': url.query,
                 'form': {k: v for k, v in fields.items() if k != 'assertion'}}
        try:
            head, body = assertion.split('.')[:2]
            entry['header'] = json.loads(base64.urlsafe_b64decode(head + '=' * (-len(head) % 4)))
            entry['claims'] = json.loads(base64.urlsafe_b64decode(body + '=' * (-len(body) % 4)))
        except (ValueError, AttributeError):
            entry['undecodable'] = True
        with self.lock:
            self.history.append(entry)
            del self.history[:-HISTORY]

    def issue(self, token, user):
        with self.lock:
            self.tokens[token] = user
            self.issued_at[token] = time.time()
            self.counters['issued'] += 1

    def count(self, name, n=1):
        with self.lock:
            self.counters[name] += n

    def user_of(self, token):
        with self.lock:
            return self.tokens.get(token)

    def take_mode(self):
        """A copy of the mode; pops the next forced status, if any."""
        with self.lock:
            mode = dict(self.mode)
            statuses = self.mode.get('fail_statuses')
            mode['fail_status'] = statuses.pop(0) if statuses else None
            return mode

    def take_revoke_status(self):
        """The next forced status of the revocation endpoints, or None."""
        with self.lock:
            statuses = self.mode.get('revoke_statuses')
            return statuses.pop(0) if statuses else None


class SalesforceJWTBearerGrant(JWTBearerGrant):
    """Authlib's RFC 7523 grant; the overrides only find clients, users and
    keys, and translate Authlib's errors into Salesforce's."""

    def resolve_public_key(self, headers, payload):
        # Authlib indexes payload['iss'], a KeyError (HTTP 500) when it is missing.
        client = self.resolve_issuer_client(payload.get('iss'))
        return self.resolve_client_key(client, headers, payload)

    def resolve_issuer_client(self, issuer):
        client = self.server.state.clients.get(issuer) if isinstance(issuer, str) else None
        if client is None:
            raise sf_error('invalid_client_id', 'client identifier invalid')
        return client

    def resolve_client_key(self, client, headers, payload):
        alg = headers.get('alg')
        if not isinstance(alg, str) or KEY_FAMILY.get(alg[:2]) != client.key.kty:
            raise invalid_assertion()
        return client.key

    def authenticate_user(self, subject):
        return subject if subject in self.request.client.users else None

    def has_granted_permission(self, client, user):
        return user in client.approved

    def process_assertion_claims(self, assertion):
        # An External Client App asked for at the wrong login host: Salesforce
        # finds no app there, before it looks at the signature.
        if unverified_claims(assertion).get('aud') in self.server.state.app_not_found:
            raise sf_error('invalid_client', 'app_not_found')
        # Authlib's CLAIMS_OPTIONS only require iss, aud and exp; the accepted
        # audiences come from the configuration.
        self.CLAIMS_OPTIONS = {'iss': {'essential': True}, 'exp': {'essential': True},
                               'aud': {'essential': True,
                                       'values': self.server.state.audiences}}
        try:
            return super().process_assertion_claims(assertion)
        except InvalidGrantError as e:
            # Authlib keeps only the JoseError's description; the JoseError itself
            # is the exception's __context__.
            raise claims_error(e.__context__) from None
        except (ValueError, KeyError, TypeError):
            # Authlib lets these through: too long, key/curve mismatch, ...
            raise invalid_assertion() from None

    def validate_token_request(self):
        try:
            super().validate_token_request()
        except InvalidGrantError:
            # The only InvalidGrantError left: "sub" is not a known user.
            raise not_approved() from None
        except InvalidClientError:
            # Authlib: "Client has no permission to access user data".
            raise not_approved() from None
        if self.request.mode.get('ip_restricted'):
            raise sf_error('invalid_grant', 'ip restricted or invalid login hours')

    def generate_token(self, **kwargs):
        kwargs['expires_in'] = self.request.mode.get('expires_in')
        token = super().generate_token(**kwargs)
        if self.request.mode.get('instance_url') is not None:
            token['instance_url'] = self.request.mode['instance_url']
        return token


def unverified_claims(assertion):
    """The claims of a JWT, not verified (only to route or to record)."""
    try:
        body = assertion.split('.')[1]
        claims = json.loads(base64.urlsafe_b64decode(body + '=' * (-len(body) % 4)))
        return claims if isinstance(claims, dict) else {}
    except (ValueError, IndexError, AttributeError):
        return {}


class TokenError(Exception):
    """An OAuth error answer (RFC 6749 section 5.2) of the Google or generic endpoint."""
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def answer(self):
        return self.status, {'error': self.error, 'error_description': self.description}


def family_fits(alg, key):
    return isinstance(alg, str) and alg in ASYMMETRIC and KEY_FAMILY.get(alg[:2]) == key.kty


GOOGLE_BAD_SIGNATURE = ('invalid_grant', 'Invalid JWT Signature.')
GOOGLE_TIME = ('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and '
               'in a reasonable timeframe. Check your iat and exp values in the JWT claim.')


def google_token(state, fields, url, now):
    """A Google-shaped token request: (status, answer)."""
    if fields.get('grant_type') != JWT_BEARER:
        raise TokenError('unsupported_grant_type', 'Invalid grant_type: %s' % fields.get('grant_type', '')[:60])
    assertion = fields.get('assertion')
    if not assertion:
        raise TokenError('invalid_request', 'Missing required parameter: assertion')
    found = {}

    def resolve(header, payload):
        account = state.service_accounts.get(payload.get('iss'))
        if account is None:
            raise TokenError('invalid_grant', 'Invalid grant: account not found')
        # Google looks the key up by its id: another kid is another key.
        if header.get('alg') != 'RS256' or header.get('kid') != account.key_id:
            raise TokenError(*GOOGLE_BAD_SIGNATURE)
        found['account'] = account
        return account.key

    try:
        claims = VERIFIER.decode(assertion, resolve)      # Authlib checks the signature
    except (JoseError, ValueError, KeyError, TypeError):
        raise TokenError(*GOOGLE_BAD_SIGNATURE) from None
    account = found['account']
    if claims.get('aud') != url:
        raise TokenError('invalid_grant', 'Invalid JWT: Failed audience check. The expected audience is %s.' % url)
    iat, exp = claims.get('iat'), claims.get('exp')
    if (not isinstance(iat, int) or not isinstance(exp, int) or exp - iat > 3600 or exp <= iat
            or exp <= now or iat > now + GOOGLE_LEEWAY):
        raise TokenError(*GOOGLE_TIME)
    scope = claims.get('scope')
    if not isinstance(scope, str) or not scope.strip():
        raise TokenError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.')
    sub = claims.get('sub')
    if sub is not None and sub not in account.delegation:
        raise TokenError('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this '
                         'method, or client not authorized for any of the scopes requested.', 401)
    token = 'ya29.c.' + secrets.token_urlsafe(96)
    state.issue(token, sub or account.client_email)
    return 200, {'access_token': token, 'expires_in': 3600, 'token_type': 'Bearer'}


def generic_token(state, fields, url, now):
    """A token request at the generic RFC 7523 endpoint: (status, answer)."""
    if fields.get('grant_type') != JWT_BEARER:
        raise TokenError('unsupported_grant_type', 'grant type not supported')
    assertion = fields.get('assertion')
    if not assertion:
        raise TokenError('invalid_request', 'missing parameter "assertion"')
    found = {}

    def resolve(header, payload):
        client = state.generic_clients.get(payload.get('iss'))
        if client is None:
            raise TokenError('invalid_client', 'unknown issuer', 401)
        if not family_fits(header.get('alg'), client.key) or (client.kid and header.get('kid') != client.kid):
            raise TokenError('invalid_grant', 'signature verification failed')
        found['client'] = client
        return client.key

    try:
        claims = VERIFIER.decode(assertion, resolve, claims_options={
            'iss': {'essential': True}, 'exp': {'essential': True}, 'aud': {'essential': True}})
    except (JoseError, ValueError, KeyError, TypeError):
        raise TokenError('invalid_grant', 'signature verification failed') from None
    client = found['client']
    claims.options['aud']['values'] = client.audiences or [url]
    try:
        claims.validate(now=now)                          # Authlib checks iss, aud, exp, nbf, iat
    except ExpiredTokenError:
        raise TokenError('invalid_grant', 'JWT expired') from None
    except (InvalidClaimError, MissingClaimError) as e:
        if '"aud"' in (e.description or ''):
            raise TokenError('invalid_grant', 'JWT "aud" claim mismatch') from None
        raise TokenError('invalid_grant', 'invalid claims: %s' % e.description) from None
    except JoseError:
        raise TokenError('invalid_grant', 'invalid claims') from None
    sub = claims.get('sub')
    if client.subjects is not None and sub not in client.subjects:
        raise TokenError('invalid_grant', 'unknown subject')
    for name, want in client.claims.items():
        if claims.get(name) != want:
            raise TokenError('invalid_grant', 'claim "%s" missing or wrong' % name)
    for name, want in client.form.items():
        if fields.get(name) != want:
            raise TokenError('invalid_request', 'parameter "%s" missing or wrong' % name)
    if client.scope is not None:
        where = {'claim': [claims.get('scope')], 'form': [fields.get('scope')],
                 'both': [claims.get('scope'), fields.get('scope')]}[client.scope_in]
        if any(v != client.scope for v in where):
            raise TokenError('invalid_scope', 'scope "%s" required in the %s' % (client.scope, client.scope_in))
    if client.require_jti:
        jti = claims.get('jti')
        with state.lock:
            fresh = isinstance(jti, str) and jti and jti not in state.seen_jti
            if fresh:
                state.seen_jti.add(jti)
        if not fresh:
            raise TokenError('invalid_grant', 'jti missing or replayed')
    token = 'gen.' + secrets.token_urlsafe(48)
    state.issue(token, sub or client.issuer)
    answer = {'access_token': token, 'token_type': 'Bearer', 'expires_in': client.expires_in}
    if client.scope:
        answer['scope'] = client.scope
    return 200, answer


def claims_error(jose_error):
    """Map the JoseError raised inside Authlib's jwt.decode/validate."""
    if isinstance(jose_error, ExpiredTokenError):
        return sf_error('invalid_grant', 'expired authorization code')
    if isinstance(jose_error, (InvalidClaimError, MissingClaimError)):
        # Their only trace of the claim name is the description: 'Invalid claim "aud"'.
        m = re.search(r'"(\w+)"', jose_error.description or '')
        claim = m.group(1) if m else ''
        if claim == 'exp':
            return sf_error('invalid_grant', 'expired authorization code')
        if claim == 'aud':
            return sf_error('invalid_grant', 'audience is invalid')
    return invalid_assertion()      # bad signature, undecodable, nbf, ...


class TokenServer(AuthorizationServer):
    """Authlib's AuthorizationServer with the plumbing a framework would give."""

    def __init__(self, state):
        super().__init__()
        self.state = state
        self.register_grant(SalesforceJWTBearerGrant)
        self.register_token_generator('default', self.make_token)

    def query_client(self, client_id):
        return self.state.clients.get(client_id)

    def create_oauth2_request(self, request):
        return request              # the handler builds the OAuth2Request

    def handle_response(self, status, body, headers):
        return status, body, headers

    def handle_error_response(self, request, error):
        if isinstance(error, UnsupportedGrantTypeError):
            error = sf_error('unsupported_grant_type', 'grant type not supported')
        return super().handle_error_response(request, error)

    def send_signal(self, name, *args, **kwargs):
        pass

    def make_token(self, grant_type, client, user=None, scope=None, expires_in=None,
                   include_refresh_token=False):
        origin = 'https://localhost:%d' % self.state.port
        subject = user or client.client_id
        user_id = '005' + hashlib.sha256(subject.encode()).hexdigest()[:12] + 'AAA'
        ident = '%s/id/%sEAA/%s' % (origin, ORG_ID, user_id)
        issued_at = str(int(time.time() * 1000))
        # Salesforce signs id + issued_at with HMAC-SHA256 (keyed with the
        # consumer secret); any server-side key does here.
        sig = hmac.new(self.state.hmac_key, (ident + issued_at).encode(), 'sha256')
        token = {
            'access_token': ORG_ID + '!AR8AQ' + secrets.token_urlsafe(72),
            'instance_url': origin, 'id': ident, 'token_type': 'Bearer',
            'scope': scope or 'api web', 'issued_at': issued_at,
            'signature': base64.b64encode(sig.digest()).decode(),
        }
        if expires_in is not None:
            token['expires_in'] = expires_in
        return token

    def save_token(self, token, request):
        with self.state.lock:
            self.state.tokens[token['access_token']] = request.user or request.client.client_id
            self.state.issued_at[token['access_token']] = time.time()
            self.state.counters['issued'] += 1


def json_bytes(obj):
    return json.dumps(obj, separators=(',', ':')).encode()


JSON = [('Content-Type', 'application/json')]
HTML = [('Content-Type', 'text/html; charset=UTF-8')]


def html_page(status, title):
    return ('<html><head><title>%d %s</title></head><body><h1>%s</h1></body></html>\n'
            % (status, title, title)).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'      # keep-alive; also answers Expect: 100-continue
    server_version = 'jwtcred-test-server/1'
    timeout = 60                       # idle keep-alive connections

    @property
    def state(self):
        return self.server.state

    def setup(self):
        # The TLS handshake runs here, in the connection's own thread, so a
        # client that never finishes it cannot stall the accept loop.
        self.request.settimeout(self.timeout)
        self.request.do_handshake()
        super().setup()

    # -- logging: method, path without its query, status; never a header or body
    def log_request(self, code='-', size='-'):
        path = urllib.parse.urlsplit(self.path).path[:200]
        log.info('%s %s %s', self.command, path, code)

    def log_message(self, fmt, *args):
        # Query strings may carry a token (GET /services/oauth2/revoke?token=).
        log.info('%s: %s', self.client_address[0], re.sub(r'\?\S*', '?...', fmt % args)[:200])

    # -- plumbing
    def do_GET(self):
        self.route()

    do_POST = do_GET

    def route(self):
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path == TOKEN_PATH:
                self.token_endpoint()
            elif path == GOOGLE_PATH:
                self.jwt_endpoint('google_requests', google_token)
            elif path == GENERIC_PATH:
                self.jwt_endpoint('generic_requests', generic_token)
            elif path == REVOKE_PATH:
                self.revoke_endpoint('revoke_requests')
            elif path == OTHER_REVOKE_PATH:
                self.revoke_endpoint('other_revoke_requests')
            elif path == '/services/data' or path.startswith('/services/data/'):
                self.data_endpoint()
            elif path.startswith(github.PREFIX + '/'):
                self.github_endpoint(path)
            elif path == '/api' or path.startswith('/api/'):
                self.kube_endpoint()
            elif path.startswith('/git/'):
                self.git_endpoint(path)
            elif path.startswith('/admin/'):
                self.admin_endpoint(path)
            elif cc.shape_of(path):
                self.cc_endpoint(path)
            elif path == cc.INTROSPECT_PATH:
                self.introspect_endpoint()
            else:
                self.read_body(SMALL_BODY)
                self.send(404, json_bytes({'error': 'not_found'}), JSON)
        except HTTPFail as e:
            self.close_connection = True
            self.send(e.status, json_bytes({'error': 'invalid_request',
                                            'error_description': str(e)}), JSON)
        except (ConnectionError, ssl.SSLError, TimeoutError) as e:
            self.close_connection = True
            log.info('%s %s: client went away (%s)', self.command, path, type(e).__name__)

    def date_time_string(self, timestamp=None):
        # The Date header, from a clock the mode may set off (clock skew tests).
        if timestamp is None:
            timestamp = time.time() + self.state.clock_offset()
        return super().date_time_string(timestamp)

    def send(self, status, body=b'', headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self, limit):
        """The request body: Content-Length or chunked, at most limit bytes."""
        te = self.headers.get('Transfer-Encoding', '').strip().lower()
        if te == 'chunked':
            return self.read_chunked(limit)
        if te:
            raise HTTPFail(501, 'unsupported Transfer-Encoding')
        try:
            n = int(self.headers.get('Content-Length', '0'))
        except ValueError:
            raise HTTPFail(400, 'bad Content-Length') from None
        if n < 0 or n > limit:
            raise HTTPFail(413, 'request body too large')
        body = self.rfile.read(n)
        if len(body) != n:
            raise HTTPFail(400, 'truncated request body')
        return body

    def read_chunked(self, limit):
        parts, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b';', 1)[0].strip(), 16)
            except ValueError:
                raise HTTPFail(400, 'bad chunk size') from None
            if size == 0:
                break
            total += size
            if size < 0 or total > limit:
                raise HTTPFail(413, 'request body too large')
            parts.append(self.rfile.read(size))
            if len(parts[-1]) != size or self.rfile.readline(3) != b'\r\n':
                raise HTTPFail(400, 'bad chunk')
        while self.rfile.readline(1024) not in (b'\r\n', b'\n', b''):
            pass                                   # trailers
        return b''.join(parts)

    def form(self, body):
        """Form fields of a urlencoded body (or the query of a GET); one value each."""
        if self.command == 'GET':
            text = urllib.parse.urlsplit(self.path).query
        else:
            ctype = self.headers.get('Content-Type', '').split(';')[0].strip().lower()
            if ctype != 'application/x-www-form-urlencoded':
                raise HTTPFail(400, 'expected application/x-www-form-urlencoded')
            try:
                text = body.decode('utf-8')
            except UnicodeDecodeError:
                raise HTTPFail(400, 'form is not UTF-8') from None
        fields = {}
        for name, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
            if name in fields:
                raise HTTPFail(400, 'duplicate parameter')
            fields[name] = value
        return fields

    def bearer_token(self):
        """The token from 'Bearer TOKEN' or 'Basic base64(user:TOKEN)', or None."""
        scheme, _, value = self.headers.get('Authorization', '').strip().partition(' ')
        if scheme.lower() == 'bearer':
            return value.strip() or None
        if scheme.lower() == 'basic':
            try:
                return base64.b64decode(value.strip(), validate=True).decode().partition(':')[2]
            except ValueError:
                return None
        return None

    # -- token endpoint
    def token_endpoint(self):
        self.state.count('token_requests')
        body = self.read_body(SMALL_BODY)
        mode = self.state.take_mode()
        if mode.get('hold'):
            self.hold()
        if mode.get('delay_ms'):
            self.state.stopping.wait(mode['delay_ms'] / 1000)
        if self.canned_answer(mode):
            return
        try:
            fields = self.form(body)
        except HTTPFail as e:
            return self.send(400, json_bytes({'error': 'invalid_request',
                                              'error_description': str(e)}), JSON)
        self.state.remember(self.path, fields.get('assertion'), fields)
        request = OAuth2Request(self.command, 'https://localhost:%d%s' % (self.state.port, self.path),
                                body=fields, headers=dict(self.headers))
        request.mode = mode
        try:
            self.state.reload_clients()
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.error('cannot reload clients: %s', e)
        status, payload, headers = self.server.authority.create_token_response(request)
        body = json_bytes(payload)
        log.info('token: %d %s', status, payload.get('error', 'issued'))
        if status == 200 and mode.get('drip'):
            return self.drip(body, headers)
        self.send(status, body, headers)

    def cc_endpoint(self, path):
        """Client credentials with a client assertion (client_credentials.py)."""
        self.state.count('cc_requests')
        body = self.read_body(SMALL_BODY)
        try:
            fields = self.form(body)
            self.state.reload_clients()
        except HTTPFail as e:
            return self.send(400, json_bytes({'error': 'invalid_request', 'error_description': str(e)}), JSON)
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.error('cannot reload clients: %s', e)
        self.state.remember(self.path, fields.get('client_assertion'),
                            {k: v for k, v in fields.items() if k != 'client_assertion'})
        url = 'https://localhost:%d%s' % (self.state.port, path)
        try:
            status, answer = cc.token(self.state, path, fields, url)
        except cc.CCError as e:
            status, answer = e.status, {'error': e.error, 'error_description': e.description}
        log.info('client credentials %s: %d %s', path, status, answer.get('error', 'issued'))
        self.send(status, json_bytes(answer), JSON)

    def introspect_endpoint(self):
        self.state.count('introspect_requests')
        body = self.read_body(SMALL_BODY)
        mode = self.state.take_mode()
        status = mode.get('fail_status') or mode.get('introspect_status')
        if status:
            return self.send(status, json_bytes({'error': 'unavailable'}), JSON)
        try:
            fields = self.form(body)
        except HTTPFail as e:
            return self.send(400, json_bytes({'error': 'invalid_request', 'error_description': str(e)}), JSON)
        status, answer = cc.introspect(self.state, self.headers.get('Authorization'), fields)
        log.info('introspect: %d %s', status, answer.get('error', 'active' if answer.get('active') else 'inactive'))
        self.send(status, json_bytes(answer), JSON)

    def jwt_endpoint(self, counter, grant):
        """The Google-shaped and the generic endpoint: failure injection, then grant()."""
        self.state.count(counter)
        body = self.read_body(SMALL_BODY)
        mode = self.state.take_mode()
        if mode.get('hold'):
            self.hold()
        if mode.get('delay_ms'):
            self.state.stopping.wait(mode['delay_ms'] / 1000)
        if self.canned_answer(mode):
            return
        try:
            fields = self.form(body)
        except HTTPFail as e:
            return self.send(400, json_bytes({'error': 'invalid_request',
                                              'error_description': str(e)}), JSON)
        try:
            self.state.reload_clients()
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.error('cannot reload clients: %s', e)
        path = urllib.parse.urlsplit(self.path).path
        self.state.remember(self.path, fields.get('assertion'), fields)
        url = 'https://localhost:%d%s' % (self.state.port, path)
        try:
            status, answer = grant(self.state, fields, url, int(time.time()) + mode.get('clock_offset', 0))
        except TokenError as e:
            status, answer = e.answer()
        log.info('%s: %d %s', path, status, answer.get('error', 'issued'))
        self.send(status, json_bytes(answer), JSON + [('Cache-Control', 'no-store')])

    def canned_answer(self, mode):
        """Failure injection that answers before (without) Authlib. True if sent."""
        status = mode['fail_status']
        if status:
            headers = list(HTML)
            if status == 429 or mode.get('retry_after') is not None:
                headers.append(('Retry-After', str(mode.get('retry_after', 1))))
            title = {503: 'Service Unavailable', 429: 'Too Many Requests'}.get(status, 'Error')
            self.send(status, html_page(status, title), headers)
        elif mode.get('hang'):
            self.hang()
        elif mode.get('non_json'):
            self.send(500, html_page(500, 'Internal Server Error'), HTML)
        elif mode.get('oversize'):
            filler = b'A' * (10 * 1024 * 1024)
            self.send(200, b'{"access_token":"' + ORG_ID.encode() + b'!' + filler +
                      b'","token_type":"Bearer"}', JSON)
        elif mode.get('truncated') or mode.get('invalid_utf8'):
            fake = json_bytes({'access_token': ORG_ID + '!AR8AQ' + 'x' * 80,
                               'instance_url': 'https://localhost:%d' % self.state.port,
                               'token_type': 'Bearer', 'scope': 'api web',
                               'issued_at': str(int(time.time() * 1000))})
            if mode.get('truncated'):
                fake = fake[:len(fake) // 2]
            else:
                fake = fake.replace(b'xxxx', b'\xff\xfe\xc3\x28', 1)
            self.send(200, fake, JSON)
        else:
            return False
        return True

    def hold(self):
        """Wait while the mode says hold (or until shutdown); 'held' counts the waiting."""
        self.state.count('held')
        try:
            while not self.state.stopping.wait(0.02):
                with self.state.lock:
                    if not self.state.mode.get('hold'):
                        break
        finally:
            self.state.count('held', -1)

    def hang(self):
        """Never answer; return when the client hangs up, or on shutdown."""
        self.close_connection = True
        deadline = time.monotonic() + 3600
        while not self.state.stopping.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.5)
            if readable:
                try:
                    if not self.connection.recv(4096):
                        break                  # orderly close
                except (OSError, ValueError):
                    break
        log.info('hang: released')

    def drip(self, body, headers):
        """Send a complete 200 response, its body one byte per second."""
        self.close_connection = True
        self.send_response(200)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            if self.state.stopping.wait(1):
                break

    # -- revocation, protected resource
    # Errors a revocation endpoint may answer with (RFC 7009 2.2.1, RFC 6749 5.2).
    REVOKE_ERRORS = {
        400: ('unsupported_token_type', 'the authorization server does not support revoking this token type'),
        401: ('invalid_client', 'client authentication failed'),
        403: ('access_denied', 'this client may not revoke tokens'),
    }

    def revoke_endpoint(self, counter):
        self.state.count(counter)
        token = self.form(self.read_body(SMALL_BODY)).get('token', '')
        status = self.state.take_revoke_status()
        if status:
            # the token stays valid: the revocation did not happen
            if status in self.REVOKE_ERRORS or 400 <= status < 500:
                error, desc = self.REVOKE_ERRORS.get(status, ('invalid_request', 'refused'))
                return self.send(status, json_bytes({'error': error, 'error_description': desc}), JSON)
            headers = list(HTML)
            if self.state.mode.get('retry_after') is not None:
                headers.append(('Retry-After', str(self.state.mode['retry_after'])))
            title = {503: 'Service Unavailable'}.get(status, 'Error')
            return self.send(status, html_page(status, title), headers)
        with self.state.lock:
            known = self.state.tokens.pop(token, None) is not None
        if known:
            self.send(200)
        else:
            self.send(400, json_bytes({'error': 'invalid_token',
                                       'error_description': 'invalid token'}), JSON)

    def github_endpoint(self, path):
        try:
            self.state.reload_clients()
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.error('cannot reload clients: %s', e)
        self.state.github.handle(self, path)

    def data_endpoint(self):
        self.state.count('data_requests')
        self.read_body(SMALL_BODY)
        scheme, _, token = self.headers.get('Authorization', '').strip().partition(' ')
        user = self.state.user_of(token.strip()) if scheme.lower() == 'bearer' else None
        if user is None:
            self.send(401, json_bytes([{'errorCode': 'INVALID_SESSION_ID',
                                        'message': 'Session expired or invalid'}]),
                      JSON + [('WWW-Authenticate', 'Bearer')])
        else:
            self.send(200, json_bytes({'ok': True, 'user': user}), JSON)

    def kube_endpoint(self):
        """A Kubernetes API server's /api, for kubectl's exec credential plugin."""
        self.state.count('kube_requests')
        self.read_body(SMALL_BODY)
        scheme, _, token = self.headers.get('Authorization', '').strip().partition(' ')
        user = self.state.user_of(token.strip()) if scheme.lower() == 'bearer' else None
        if user is None:
            self.send(401, json_bytes({'kind': 'Status', 'apiVersion': 'v1', 'status': 'Failure',
                                       'message': 'Unauthorized', 'reason': 'Unauthorized',
                                       'code': 401}), JSON)
        else:
            self.send(200, json_bytes({'kind': 'APIVersions', 'versions': ['v1'],
                                       'serverAddressByClientCIDRs': [
                                           {'clientCIDR': '0.0.0.0/0',
                                            'serverAddress': '127.0.0.1'}]}), JSON)

    # -- git smart HTTP through git http-backend (CGI)
    def git_endpoint(self, path):
        self.state.count('git_requests')
        token = self.bearer_token()
        user = self.state.user_of(token) if token else None
        # a GitHub App token: as x-access-token, for its installation's repositories only
        if user and user.startswith('github:') and not self.state.github.git_allowed(self, token, path):
            user = None
        if user is None:
            self.state.count('git_auth_failures' if 'Authorization' in self.headers
                             else 'git_anonymous')
            self.close_connection = True           # the body stays unread
            return self.send(401, b'authentication required\n',
                             [('Content-Type', 'text/plain'),
                              ('WWW-Authenticate', 'Basic realm="jwtcred test"')])
        if not self.state.git_root:
            return self.send(404, b'no --git-root\n', [('Content-Type', 'text/plain')])
        body = self.read_body(GIT_BODY)
        env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'GATEWAY_INTERFACE': 'CGI/1.1', 'SERVER_PROTOCOL': 'HTTP/1.1',
            'SERVER_NAME': 'localhost', 'SERVER_PORT': str(self.state.port),
            'GIT_PROJECT_ROOT': self.state.git_root, 'GIT_HTTP_EXPORT_ALL': '1',
            'GIT_CONFIG_NOSYSTEM': '1', 'GIT_CONFIG_GLOBAL': '/dev/null',
            'GIT_CONFIG_COUNT': '1', 'GIT_CONFIG_KEY_0': 'http.receivepack',
            'GIT_CONFIG_VALUE_0': 'true', 'HOME': self.state.git_root,
            'REQUEST_METHOD': self.command,
            'PATH_INFO': urllib.parse.unquote(path[len('/git'):]),
            'QUERY_STRING': urllib.parse.urlsplit(self.path).query,
            'CONTENT_TYPE': self.headers.get('Content-Type', ''),
            'CONTENT_LENGTH': str(len(body)),      # de-chunked here
            'REMOTE_USER': user, 'REMOTE_ADDR': self.client_address[0],
        }
        for name, value in self.headers.items():   # Git-Protocol, Content-Encoding, ...
            if name.lower() not in ('authorization', 'proxy-authorization', 'content-type',
                                    'content-length', 'transfer-encoding'):
                env['HTTP_' + name.upper().replace('-', '_')] = value
        proc = subprocess.Popen(['git', 'http-backend'], env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with self.state.lock:
            self.state.children.add(proc)
        try:
            out, err = proc.communicate(body, timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        finally:
            with self.state.lock:
                self.state.children.discard(proc)
        if err:
            log.info('git http-backend: %s', err.decode(errors='replace').strip()[:300])
        self.send_cgi(out)

    def send_cgi(self, out):
        """Relay a CGI response: header lines, a blank line, the body."""
        ends = [(i, len(sep)) for sep in (b'\r\n\r\n', b'\n\n') for i in [out.find(sep)] if i >= 0]
        if not ends:
            return self.send(500, b'bad CGI output\n', [('Content-Type', 'text/plain')])
        cut, seplen = min(ends)
        status, headers = 200, []
        for line in out[:cut].decode('latin-1').splitlines():
            name, _, value = line.partition(':')
            name, value = name.strip(), value.strip()
            if name.lower() == 'status':
                status = int(value.split()[0])
            elif name.lower() not in ('content-length', 'transfer-encoding', 'connection'):
                headers.append((name, value))
        self.send(status, out[cut + seplen:], headers)

    # -- admin (test control)
    def admin_endpoint(self, path):
        body = self.read_body(SMALL_BODY)
        st = self.state
        # never send under st.lock: the Date header takes it (clock_offset)
        if path == '/admin/history':
            with st.lock:
                history = json_bytes(st.history)
            return self.send(200, history, JSON)
        if path == '/admin/stats':
            with st.lock:
                stats = dict(st.counters, valid=len(st.tokens))
            return self.send(200, json_bytes(stats), JSON)
        if self.command == 'GET' and path == '/admin/mode':
            with st.lock:
                mode = json_bytes(st.mode)
            return self.send(200, mode, JSON)
        if self.command != 'POST':
            return self.send(405, json_bytes({'error': 'use POST'}), JSON)
        if path == '/admin/revoke-all':
            with st.lock:
                n = len(st.tokens)
                st.tokens.clear()
            log.info('admin: revoked %d token(s)', n)
            return self.send(200, json_bytes({'revoked': n}), JSON)
        if path == '/admin/reset':
            with st.lock:
                st.counters = dict.fromkeys(COUNTERS, 0)
                st.history = []
            return self.send(200, json_bytes({'ok': True}), JSON)
        if path == '/admin/mode':
            try:
                mode = parse_mode(json.loads(body or b'{}'))
            except ValueError as e:
                return self.send(400, json_bytes({'error': str(e)}), JSON)
            with st.lock:
                st.mode = mode
            log.info('admin: mode %s', json.dumps(mode, sort_keys=True))
            return self.send(200, json_bytes(mode), JSON)
        self.send(404, json_bytes({'error': 'not_found'}), JSON)


def parse_mode(doc):
    """Validate a failure-injection mode (see README.md); ValueError if bad."""
    if not isinstance(doc, dict):
        raise ValueError('mode must be a JSON object')
    for key, value in doc.items():
        if key in MODE_BOOLS:
            ok = isinstance(value, bool)
        elif key == 'clock_offset':
            ok = isinstance(value, int) and not isinstance(value, bool) and \
                abs(value) <= MAX_CLOCK_OFFSET
        elif key in MODE_STRINGS:
            ok = isinstance(value, str)
        elif key in MODE_INTS:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        elif key in ('fail_statuses', 'revoke_statuses'):
            ok = isinstance(value, list) and all(
                isinstance(s, int) and 100 <= s <= 599 for s in value)
        else:
            ok = False
        if not ok:
            raise ValueError('bad mode key or value: %s' % key)
    return {k: (list(v) if isinstance(v, list) else v) for k, v in doc.items()}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128             # 32+ clients connecting at once

    def server_bind(self):
        # HTTPServer.server_bind would call socket.getfqdn (a DNS lookup).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = 'localhost', self.server_address[1]

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError, OSError)):
            log.info('%s: connection error: %s', client_address[0], type(exc).__name__)
        else:
            log.exception('%s: unexpected error', client_address[0])


def write_port_file(path, port):
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write('%d\n' % port)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--cert', required=True, help='server certificate (PEM)')
    p.add_argument('--key', required=True, help='server private key (PEM)')
    p.add_argument('--clients', required=True, help='CLIENTS_JSON (see README.md)')
    p.add_argument('--port-file', required=True, help='written atomically once listening')
    p.add_argument('--port', type=int, default=0, help='0 (default): any free port')
    p.add_argument('--log', help='log file (default: stderr)')
    p.add_argument('--git-root', help='GIT_PROJECT_ROOT for /git/')
    p.add_argument('--audience', action='append', default=[], help='accepted aud (repeatable)')
    args = p.parse_args(argv)

    handler = logging.FileHandler(args.log) if args.log else logging.StreamHandler()
    handler.setFormatter(logging.Formatter('%(asctime)s %(threadName)s %(message)s'))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    # Authlib logs issued tokens and assertion errors at DEBUG: silence it whatever
    # the root logger's configuration.
    logging.getLogger('authlib').setLevel(logging.CRITICAL + 1)

    git_root = os.path.abspath(args.git_root) if args.git_root else None
    state = State(args.clients, args.audience, git_root)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)

    server = Server(('127.0.0.1', args.port), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                    do_handshake_on_connect=False)
    server.state, server.authority = state, TokenServer(state)
    state.port = server.server_address[1]

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2},
                              name='accept', daemon=True)
    thread.start()
    write_port_file(args.port_file, state.port)
    log.info('listening on 127.0.0.1:%d (pid %d)', state.port, os.getpid())

    while not stop.wait(1):
        pass
    log.info('stopping')
    state.stopping.set()                 # releases hanging / dripping handlers
    server.shutdown()
    server.server_close()
    with state.lock:
        for proc in state.children:
            proc.kill()
    try:
        os.unlink(args.port_file)
    except OSError:
        pass
    log.info('stopped: %s', json.dumps(state.counters, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
