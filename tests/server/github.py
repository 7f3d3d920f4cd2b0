"""A GitHub-shaped REST API for token_server.py: GitHub App installation tokens.

Served under /api/v3 (the shape of GitHub Enterprise Server's API). It checks
what GitHub checks of an app JWT: an RS256 signature by the app's key
(verified by Authlib against the app's certificate or public key), iss (the
app's client ID or app ID), iat and exp as integers, exp in the future but at
most 600 s ahead and iat not in the future (by the server's clock, which the
mode's clock_offset shifts: GitHub's rule is about its clock, not exp - iat), and the Accept header. Routes:

  GET  /repos/{owner}/{repo}/installation   the installation with that repository
  GET  /orgs/{org}/installation             an Organization's installation
  GET  /users/{user}/installation           a User's installation
  POST /app/installations/{id}/access_tokens
       body {"repositories": [...], "permissions": {...}} narrows the token;
       422 when it asks for more than the installation has; 201 with a token
       and expires_at one hour (token_seconds) ahead.

The mode's delay_ms delays every answer.

Configuration, in clients.json:

  "github": {"app_id": 4242, "client_id": "Iv23liTest", "certificate": "app.crt",
             "token_length": 200, "token_seconds": 3600,
             "installations": [{"id": 101, "account": "acme", "type": "Organization",
                                "repositories": ["widgets"],
                                "permissions": {"contents": "write", "metadata": "read"}}]}

A token opens git (the /git/OWNER/REPO.git endpoint) with Basic
x-access-token:TOKEN only for the repositories it was issued for.
"""

import base64
import json
import os
import re
import secrets
import threading
import time
import urllib.parse

from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError

PREFIX = '/api/v3'
COUNTERS = ('github_requests', 'github_lookups', 'github_tokens', 'github_refused')
VERIFIER = JsonWebToken(['RS256'])
LEVELS = {'read': 1, 'write': 2, 'admin': 3}
MAX_JWT_LIFETIME = 600
TOKEN_LIFETIME = 3600
NAME = r'[A-Za-z0-9._-]{1,100}'
JSON = [('Content-Type', 'application/json; charset=utf-8')]
DOCS = 'https://docs.github.com/rest/apps/apps'


def answer(obj):
    return json.dumps(obj, sort_keys=True).encode()


class Refusal(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


class GitHub:
    """The app, its installations and the tokens issued, behind the state's lock."""

    def __init__(self, state):
        self.state = state
        self.lock = threading.Lock()
        self.app = None               # (app_id, client_id, key, token_length, token_seconds)
        self.installations = []
        self.tokens = {}              # token -> (installation, repositories)

    def load(self, doc, base):
        gh = doc.get('github')
        if not gh:
            with self.lock:
                self.app, self.installations = None, []
            return
        with open(os.path.join(base, gh['certificate']), 'rb') as f:
            key = JsonWebKey.import_key(f.read())
        app = (str(gh['app_id']), gh.get('client_id'), key, int(gh.get('token_length', 200)),
                   int(gh.get('token_seconds', TOKEN_LIFETIME)))
        with self.lock:
            self.app, self.installations = app, list(gh.get('installations', []))

    # -- the app JWT
    def verify_app(self, handler):
        scheme, _, jwt = handler.headers.get('Authorization', '').strip().partition(' ')
        if scheme.lower() != 'bearer' or not jwt:
            raise Refusal(401, 'A JSON web token could not be decoded')
        with self.lock:
            app = self.app
        if app is None:
            raise Refusal(404, 'Not Found')
        now = int(time.time()) + self.state.clock_offset()
        try:
            claims = VERIFIER.decode(jwt.strip(), app[2])
        except (JoseError, ValueError):
            raise Refusal(401, 'A JSON web token could not be decoded') from None
        iss, iat, exp = claims.get('iss'), claims.get('iat'), claims.get('exp')
        if str(iss) not in (app[0], app[1]):
            raise Refusal(401, "'Issuer' claim ('iss') must be the app's client ID or app ID")
        if not isinstance(iat, int) or not isinstance(exp, int) or isinstance(iat, bool):
            raise Refusal(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.")
        if exp > now + MAX_JWT_LIFETIME:
            raise Refusal(401, "'Expiration time' claim ('exp') is too far in the future")
        if exp <= now:
            raise Refusal(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
        if iat > now:
            raise Refusal(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.")
        return jwt.strip()

    def find(self, test):
        with self.lock:
            for inst in self.installations:
                if test(inst):
                    return inst
        return None

    @staticmethod
    def describe(inst):
        return {'id': inst['id'], 'app_id': 0, 'target_type': inst.get('type', 'Organization'),
                'account': {'login': inst['account'], 'type': inst.get('type', 'Organization')},
                'repository_selection': 'selected', 'permissions': inst.get('permissions', {})}

    # -- routes
    def handle(self, handler, path):
        st = self.state
        st.count('github_requests')
        body = handler.read_body(1 << 20)
        with st.lock:
            delay = st.mode.get('delay_ms')
        if delay:
            st.stopping.wait(delay / 1000)
        sub = path[len(PREFIX):]
        try:
            if handler.headers.get('Accept', '').split(',')[0].strip() != 'application/vnd.github+json':
                raise Refusal(415, "Unsupported 'Accept' header: use application/vnd.github+json")
            jwt = self.verify_app(handler)
            st.remember(handler.path, jwt, {'accept': handler.headers.get('Accept'),
                                            'api_version': handler.headers.get('X-GitHub-Api-Version'),
                                            'body': body.decode('utf-8', 'replace')[:2000]})
            m = re.fullmatch(r'/repos/(%s)/(%s)/installation' % (NAME, NAME), sub)
            if handler.command == 'GET' and m:
                return self.lookup(handler, lambda i: i['account'].lower() == m.group(1).lower() and
                                   m.group(2).lower() in [r.lower() for r in i.get('repositories', [])])
            m = re.fullmatch(r'/(orgs|users)/(%s)/installation' % NAME, sub)
            if handler.command == 'GET' and m:
                kind = 'Organization' if m.group(1) == 'orgs' else 'User'
                return self.lookup(handler, lambda i: i['account'].lower() == m.group(2).lower() and
                                   i.get('type', 'Organization') == kind)
            m = re.fullmatch(r'/app/installations/([0-9]{1,20})/access_tokens', sub)
            if handler.command == 'POST' and m:
                return self.access_token(handler, int(m.group(1)), body)
            raise Refusal(404, 'Not Found')
        except Refusal as r:
            st.count('github_refused')
            handler.send(r.status, answer({'message': r.message, 'documentation_url': DOCS}), JSON)

    def lookup(self, handler, test):
        self.state.count('github_lookups')
        inst = self.find(test)
        if inst is None:
            raise Refusal(404, 'Not Found')
        handler.send(200, answer(self.describe(inst)), JSON)

    def access_token(self, handler, inst_id, body):
        inst = self.find(lambda i: i['id'] == inst_id)
        if inst is None:
            raise Refusal(404, 'Not Found')
        try:
            req = json.loads(body or b'{}')
        except ValueError:
            raise Refusal(400, 'Problems parsing JSON') from None
        if not isinstance(req, dict):
            raise Refusal(400, 'Problems parsing JSON')
        have = [r.lower() for r in inst.get('repositories', [])]
        repos = req.get('repositories')
        if repos is not None:
            if not isinstance(repos, list) or any(not isinstance(r, str) or r.lower() not in have for r in repos):
                raise Refusal(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.')
            have = [r.lower() for r in repos]
        granted = inst.get('permissions', {})
        perms = req.get('permissions')
        if perms is not None:
            if not isinstance(perms, dict) or any(
                    LEVELS.get(v, 99) > LEVELS.get(granted.get(k), 0) for k, v in perms.items()):
                raise Refusal(422, 'The permissions requested are not granted to this installation.')
            granted = perms
        with self.lock:
            length, lifetime = self.app[3], self.app[4]
        token = ('ghs_' + secrets.token_urlsafe(length))[:4 + length]
        with self.lock:
            self.tokens[token] = (inst, have)
        self.state.issue(token, 'github:%d' % inst_id)
        self.state.count('github_tokens')
        expires = int(time.time()) + self.state.clock_offset() + lifetime
        handler.send(201, answer({'token': token,
                                  'expires_at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(expires)),
                                  'permissions': granted, 'repository_selection': 'selected'}), JSON)

    # -- git
    def git_allowed(self, handler, token, path):
        """Basic x-access-token:TOKEN, for a repository of the token's installation."""
        scheme, _, value = handler.headers.get('Authorization', '').strip().partition(' ')
        try:
            user = base64.b64decode(value.strip(), validate=True).decode().partition(':')[0]
        except ValueError:
            return False
        if scheme.lower() != 'basic' or user != 'x-access-token':
            return False
        with self.lock:
            found = self.tokens.get(token)
        parts = urllib.parse.unquote(path)[len('/git/'):].split('/')
        if not found or len(parts) < 2:
            return False
        inst, repos = found
        repo = parts[1][:-4] if parts[1].endswith('.git') else parts[1]
        return inst['account'].lower() == parts[0].lower() and repo.lower() in repos
