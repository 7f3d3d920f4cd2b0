"""Client credentials with a private_key_jwt client assertion, and Salesforce
introspection, for token_server.py.

The client assertion (RFC 7523 2.2) is verified by Authlib's own
JWTBearerClientAssertion: signature against the client's certificate, iss =
sub, aud, exp, jti. Around it, the checks each vendor documents, chosen per
client by "shape" in clients.json ("cc_clients"):

  entra     POST /{tenant}/oauth2/v2.0/token; the tenant in the path must be the
            client's; the header's x5t#S256 (or x5t) must be the thumbprint of
            the uploaded certificate (AADSTS700027); scope must end in /.default.
  okta      POST /oauth2/default/v1/token; aud must be the full token URL.
  keycloak  POST /realms/{realm}/protocol/openid-connect/token; one aud (a
            string), a jti is never accepted twice ("Token reuse detected").
  auth0     POST /oauth/token; aud must be https://{tenant}/ (with the slash),
            exp - iat at most 300 s.

A token issued here is a valid token for the git endpoint. The error texts
are the vendors' documented ones, so jwtcred's hints are tested on them.

Introspection (RFC 7662, Salesforce's shape): POST /services/oauth2/introspect
with Basic client_id:secret ("sf_secrets" in clients.json: {client_id:
secret}) answers {"active", "exp", ...} for a token issued here; exp is its
issue time + "session_seconds" (clients.json, default 7200).
"""

import base64
import hashlib
import json
import os
import re
import secrets
import time

from authlib.jose import JsonWebKey
from authlib.oauth2 import OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
INTROSPECT_PATH = '/services/oauth2/introspect'
AUTH0_MAX = 300
ROUTES = (
    ('entra', re.compile(r'^/([^/]+)/oauth2/v2\.0/token$')),
    ('okta', re.compile(r'^/oauth2/default/v1/token$')),
    ('keycloak', re.compile(r'^/realms/([^/]+)/protocol/openid-connect/token$')),
    ('auth0', re.compile(r'^/oauth/token$')),
)


class CCError(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


class CCClient(ClientMixin):
    """A client registered with its certificate, as the vendors' consoles do."""

    def __init__(self, doc, base):
        self.client_id = doc['client_id']
        self.shape = doc.get('shape', 'okta')
        self.tenant = doc.get('tenant')
        self.expires_in = int(doc.get('expires_in', 3599))
        with open(os.path.join(base, doc['certificate']), 'rb') as f:
            pem = f.read()
        self.key = JsonWebKey.import_key(pem)
        der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
        self.x5t = b64url(hashlib.sha1(der).digest())
        self.x5t_s256 = b64url(hashlib.sha256(der).digest())

    def get_client_id(self):
        return self.client_id

    def check_endpoint_auth_method(self, method, endpoint):
        return method == 'private_key_jwt' and endpoint == 'token'

    def check_grant_type(self, grant_type):
        return grant_type == 'client_credentials'


def load(doc, base):
    """What clients.json says for this module: (clients, secrets, session seconds)."""
    clients = {c['client_id']: CCClient(c, base) for c in doc.get('cc_clients', [])}
    return clients, dict(doc.get('sf_secrets', {})), int(doc.get('session_seconds', 7200))


def shape_of(path):
    """(shape, path parameter) of a client-credentials token path, or None."""
    for shape, rx in ROUTES:
        m = rx.match(path)
        if m:
            return shape, (m.group(1) if m.groups() else None)
    return None


def unverified(part):
    return json.loads(base64.urlsafe_b64decode(part + '=' * (-len(part) % 4)))


class Assertion(JWTBearerClientAssertion):
    """Authlib's RFC 7523 client authentication; what it cannot know (keys,
    jti memory) comes from the state."""
    CLIENT_AUTH_METHOD = 'private_key_jwt'

    def __init__(self, state, aud):
        super().__init__(aud, validate_jti=True)
        self.state = state

    def validate_jti(self, claims, jti):
        with self.state.lock:
            if not isinstance(jti, str) or not jti or jti in self.state.seen_jti:
                return False
            self.state.seen_jti.add(jti)
            return True

    def resolve_client_public_key(self, client, headers):
        alg = headers.get('alg', '')
        kty = {'RS': 'RSA', 'PS': 'RSA', 'ES': 'EC'}.get(alg[:2])
        if kty != client.key.kty:               # never "none", never HMAC
            raise InvalidClientError()
        return client.key


def expected_aud(shape, client, url):
    if shape == 'auth0':
        return 'https://%s/' % client.tenant
    return url


def shape_checks(shape, param, client, header, claims, fields):
    """The vendor's checks that come before the signature is looked at."""
    if shape == 'entra':
        if param != client.tenant:
            raise CCError('invalid_request', "AADSTS90002: Tenant '%s' not found. Check to make sure you "
                          'have the correct tenant ID and are signing into the correct cloud.' % param)
        thumb = header.get('x5t#S256') or header.get('x5t')
        if thumb not in (client.x5t_s256, client.x5t) or (
                'x5t#S256' in header and header['x5t#S256'] != client.x5t_s256):
            raise CCError('invalid_client', 'AADSTS700027: The certificate with identifier used to sign the '
                          'client assertion is not registered on application. [Reason - The key was not '
                          "found., Thumbprint of key used by client: '%s']" % thumb, 401)
        scope = fields.get('scope', '')
        if not scope.endswith('/.default') or ' ' in scope:
            raise CCError('invalid_scope', 'AADSTS1002012: The provided value for scope %s is not valid. '
                          'Client credential flows must have a scope value with /.default suffixed to '
                          'the resource identifier (application ID URI).' % scope)
    if shape == 'keycloak' and not isinstance(claims.get('aud'), str):
        raise CCError('invalid_client', 'Client authentication with signed JWT failed: Invalid token audience', 401)
    if shape == 'auth0':
        if claims.get('exp', 0) - claims.get('iat', 0) > AUTH0_MAX:
            raise CCError('invalid_client', 'The client assertion exp claim must not be more than 5 minutes '
                          'after its iat claim', 401)


def refusal(shape, claims, aud, state_before_jti):
    """Authlib refused the assertion: the vendor's words for why."""
    if claims.get('aud') != aud:
        if shape == 'entra':
            return CCError('invalid_client', "AADSTS700212: No matching federated identity record found for "
                           "presented assertion audience '%s'." % claims.get('aud'), 401)
        if shape == 'okta':
            return CCError('invalid_client', 'The audience claim for client_assertion must be the endpoint '
                           'invoked for the request.', 401)
        if shape == 'keycloak':
            return CCError('invalid_client', 'Client authentication with signed JWT failed: Invalid token '
                           'audience', 401)
        return CCError('access_denied', 'Invalid audience claim for client assertion', 401)
    if state_before_jti:
        if shape == 'keycloak':
            return CCError('invalid_client', 'Client authentication with signed JWT failed: Token reuse detected', 401)
        return CCError('invalid_client', "The 'jti' claim in the client_assertion token has already been used", 401)
    return CCError('invalid_client', 'The client_assertion signature is invalid.', 401)


def token(state, path, fields, url):
    """A client credentials token request: (status, answer)."""
    shape, param = shape_of(path)
    if fields.get('grant_type') != 'client_credentials':
        raise CCError('unsupported_grant_type', 'grant type not supported')
    if fields.get('client_assertion_type') != ASSERTION_TYPE or not fields.get('client_assertion'):
        raise CCError('invalid_client', 'client_assertion and client_assertion_type are required', 401)
    try:
        head, body = fields['client_assertion'].split('.')[:2]
        header, claims = unverified(head), unverified(body)
    except ValueError:
        raise CCError('invalid_client', 'The client_assertion is not a JWT.', 401) from None
    client = state.cc_clients.get(fields.get('client_id'))
    if client is None or client.shape != shape or claims.get('sub') != client.client_id:
        if shape == 'entra':
            raise CCError('unauthorized_client', "AADSTS700016: Application with identifier '%s' was not found "
                          "in the directory '%s'." % (fields.get('client_id'), param))
        raise CCError('invalid_client', 'Invalid client or client credentials', 401)
    shape_checks(shape, param, client, header, claims, fields)
    aud = expected_aud(shape, client, url)
    with state.lock:
        seen = claims.get('jti') in state.seen_jti
    request = OAuth2Request('POST', url, body=fields, headers={})
    try:
        Assertion(state, aud)(state.cc_clients.get, request)   # Authlib verifies here
    except InvalidClientError:
        raise refusal(shape, claims, aud, seen) from None
    if request.client is not client:
        raise CCError('invalid_client', 'client_id and the assertion disagree', 401)
    issued = 'cc.' + secrets.token_urlsafe(48)
    state.issue(issued, client.client_id)
    answer = {'access_token': issued, 'token_type': 'Bearer', 'expires_in': client.expires_in}
    if fields.get('scope'):
        answer['scope'] = fields['scope']
    return 200, answer


def introspect(state, auth_header, fields):
    """Salesforce's introspection endpoint: (status, answer)."""
    scheme, _, value = (auth_header or '').strip().partition(' ')
    try:
        cid, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(':')
    except ValueError:
        cid = secret = None
    want = state.sf_secrets.get(cid) if cid else None
    if scheme.lower() != 'basic' or want is None or not secrets.compare_digest(want, secret or ''):
        return 401, {'error': 'invalid_client', 'error_description': 'invalid client credentials'}
    with state.lock:
        user = state.tokens.get(fields.get('token'))
        issued = state.issued_at.get(fields.get('token'))
    if user is None or issued is None:
        return 200, {'active': False}
    return 200, {'active': True, 'scope': 'api web', 'client_id': cid, 'username': user,
                 'token_type': 'access_token', 'iat': int(issued), 'nbf': int(issued),
                 'exp': int(issued) + state.session_seconds, 'sub': user}


def now():
    return time.time()
