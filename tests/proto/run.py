#!/usr/bin/python3
"""Run protocol tests written as data: stdin, expected stdout, stderr, exit.

    # program: bazel-credential-jwtcred   (file header: the program run, a name
                                        beside PROGRAM; default PROGRAM itself)
    # validate: bazel | goauth           (file header: check every answer, below)
    === description
    program: jwtcred                  (this case only: the program run)
    args: get --profile team          (arguments after the program name)
    args-python: ['goauth', 'a\\r\\n']  (instead of args: a list from Python)
    env: JWTCRED_PROFILE=team         (extra environment, NAME=VALUE words)
    stdin: protocol=https\\nhost=x\\n\\n (one line, backslash escapes)
    stdin-python: b"host=" + b"a" * 70000   (instead of stdin: bytes from Python)
    stdout:                           (the following lines, up to the next key;
    username=alice@example.com         <TOKEN> stands for a minted token,
    password=<TOKEN>                   <EXPIRY> for a future epoch and <RFC3339>
                                       for a future "YYYY-MM-DDTHH:MM:SSZ";
                                       <BLANK> for an empty line)
    stderr: exact text | stderr~: regular expression
    exit: 0
    request-schema: invalid           (bazel: stdin must NOT pass the request schema)
    go-reaches: URL...                (goauth: Go's own lookup finds a credential
    go-misses: URL...                  in the answer for each URL / for none)

validate: bazel checks every stdout against the credential-helper-spec
response schema (tests/proto/schemas/, python3-jsonschema) and the stdin
of every case that exits 0 against the request schema.  validate: goauth
parses every stdout with the grammar of `go help goauth` (Response =
{ CredentialSet }; CredentialSet = URLLine { URLLine } BlankLine
{ HeaderLine } BlankLine), checks every URL line starts with https:// and
every header line is "Authorization: Bearer <token>", and applies Go's
prefix lookup (cmd/go/internal/auth loadCredential) for go-reaches and
go-misses.

Usage: run.py PROGRAM FILE.t...   Prints TAP-like lines; exit 1 on failure.
"""
import codecs
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

TOKEN_RE = re.compile(r'00D[A-Za-z0-9]+![A-Za-z0-9._-]+')
HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = r'^(program|args|args-python|env|stdin|stdin-python|stdout|stderr|stderr~|exit|request-schema|go-reaches|go-misses):'


def parse(path):
    cases, case, key, header = [], None, None, {}
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.rstrip('\n')
            m = re.match(r'^# (program|validate): *(\S+)$', line)
            if case is None and m:
                header[m.group(1)] = m.group(2)
            elif line.startswith('=== '):
                case = {'name': line[4:], 'args': [], 'stdout': [], 'exit': 0, 'env': {}}
                cases.append(case)
                key = None
            elif case is None or (not line and key != 'stdout') or line.startswith('#'):
                continue
            elif re.match(KEYS, line):
                key, _, value = line.partition(':')
                value = value[1:] if value.startswith(' ') else value
                if key == 'program':
                    case['program'] = value
                elif key == 'args-python':
                    case['args'] = eval(value, {})  # test data of our own
                elif key == 'args':
                    case['args'] = value.split()
                elif key == 'env':
                    case['env'].update(w.split('=', 1) for w in value.split())
                elif key == 'stdin':
                    case['stdin'] = codecs.escape_decode(value.encode())[0]
                elif key == 'stdin-python':
                    case['stdin'] = eval(value, {})  # test data of our own
                elif key == 'exit':
                    case['exit'] = int(value)
                elif key in ('stderr', 'stderr~'):
                    case[key] = os.path.expandvars(value)
                elif key in ('request-schema', 'go-reaches', 'go-misses'):
                    case[key] = value.split()
                elif value:
                    case['stdout'].append(value)
            elif key == 'stdout':
                if line:
                    case['stdout'].append('' if line == '<BLANK>' else line)
    return header, cases


def normalise(out):
    now = int(time.time())
    lines = []
    for line in out.decode('utf-8', 'replace').splitlines():
        line = TOKEN_RE.sub('<TOKEN>', line)
        line = re.sub(r'^state\[\]=jwtcred\.entry=[0-9a-f]{16}$', 'state[]=jwtcred.entry=<ENTRY>', line)
        m = re.match(r'^password_expiry_utc=(\d+)$', line)
        if m and now < int(m.group(1)) < now + 86400:
            line = 'password_expiry_utc=<EXPIRY>'

        def rfc3339(m):
            t = time.mktime(time.strptime(m.group(1), '%Y-%m-%dT%H:%M:%SZ')) - time.timezone
            return '"<RFC3339>"' if now < t < now + 86400 else m.group(0)
        line = re.sub(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"', rfc3339, line)
        lines.append(line)
    return lines


def schema(name):
    import jsonschema  # python3-jsonschema, which tests/bootstrap.sh installs
    with open(os.path.join(HERE, 'schemas', name), encoding='utf-8') as f:
        s = json.load(f)
    return jsonschema.Draft202012Validator(s, format_checker=jsonschema.FormatChecker())


def check_bazel(case, p, problems):
    response, request = schema('get-credentials-response.schema.json'), \
        schema('get-credentials-request.schema.json')
    if p.stdout:
        try:
            answer = json.loads(p.stdout)
        except ValueError as e:
            problems.append('stdout is not JSON: %s' % e)
        else:
            for e in response.iter_errors(answer):
                problems.append('response schema: %s' % e.message)
    try:
        req = json.loads(case.get('stdin', b''))
    except ValueError:
        req = None
    valid = req is not None and request.is_valid(req)
    if case.get('request-schema') == ['invalid'] and valid:
        problems.append('stdin passes the request schema, but the case says it does not')
    if p.returncode == 0 and not valid:
        problems.append('exit 0 for a stdin the request schema refuses')


def go_response(text):
    """Go's parseUserAuth, re-done: prefix (no https://, no trailing /) -> headers."""
    creds, data = {}, text
    while data:
        urls, headers = [], []
        while True:
            line, sep, data = data.partition('\n')
            if not sep:
                raise ValueError('missing empty line after URLs')
            if not line:
                break
            if not line.startswith('https://'):
                raise ValueError('URL line does not start with https://: %r' % line)
            u = urllib.parse.urlsplit(line)
            if u.query or u.fragment or u.username is not None or not u.netloc:
                raise ValueError('URL line is not a plain prefix: %r' % line)
            urls.append(line)
        if not urls:
            raise ValueError('a credential set without a URL line')
        while True:
            line, sep, data = data.partition('\n')
            if not sep:
                raise ValueError('missing empty line after headers')
            if not line:
                break
            name, sep, value = line.partition(': ')
            if not sep or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name) or \
                    not re.fullmatch(r'[\x21-\x7e]+( [\x21-\x7e]+)*', value.strip()):
                raise ValueError('invalid header line')
            headers.append((name, value.strip()))
        if headers != [('Authorization', headers[0][1])] or \
                not re.fullmatch(r'Bearer [\x21-\x7e]+', headers[0][1]):
            raise ValueError('a set whose headers are not one "Authorization: Bearer ..."')
        for u in urls:
            creds[u[len('https://'):].rstrip('/')] = headers
    return creds


def go_lookup(creds, url):
    """Go's loadCredential: host + escaped path, trailing / cut, then whole segments."""
    u = urllib.parse.urlsplit(url)
    prefix = (u.netloc.rpartition('@')[2] + u.path).rstrip('/')
    while True:
        if prefix in creds:
            return creds[prefix]
        if '/' not in prefix:
            return None
        prefix = prefix.rpartition('/')[0]


def check_goauth(case, p, problems):
    try:
        creds = go_response(p.stdout.decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as e:
        problems.append('Go would refuse the answer: %s' % e)
        return
    for url in case.get('go-reaches', []):
        if go_lookup(creds, url) is None:
            problems.append('Go finds no credential for %s' % url)
    for url in case.get('go-misses', []):
        if go_lookup(creds, url) is not None:
            problems.append('Go would send a credential to %s' % url)


def main():
    program, files = sys.argv[1], sys.argv[2:]
    n = failed = 0
    for path in files:
        header, cases = parse(path)
        for case in cases:
            run = os.path.join(os.path.dirname(program), header['program']) \
                if 'program' in header else program
            n += 1
            if 'program' in case:
                run = os.path.join(os.path.dirname(program), case['program'])
            p = subprocess.run([run] + case['args'], input=case.get('stdin', b''),
                               capture_output=True, timeout=60, env=dict(os.environ, **case['env']))
            problems = []
            got = normalise(p.stdout)
            if got != case['stdout']:
                problems.append('stdout: expected %r, got %r' % (case['stdout'], got))
            err = TOKEN_RE.sub('<TOKEN>', p.stderr.decode('utf-8', 'replace')).rstrip('\n')
            if 'stderr~' in case and not re.search(case['stderr~'], err):
                problems.append('stderr: /%s/ not in %r' % (case['stderr~'], err))
            if 'stderr~' not in case and err != case.get('stderr', ''):
                problems.append('stderr: expected %r, got %r' % (case.get('stderr', ''), err))
            if '\n' in err:
                problems.append('stderr has more than one line')
            if p.returncode != case['exit']:
                problems.append('exit: expected %d, got %d' % (case['exit'], p.returncode))
            if header.get('validate') == 'bazel':
                check_bazel(case, p, problems)
            elif header.get('validate') == 'goauth':
                check_goauth(case, p, problems)
            if problems:
                failed += 1
                print('not ok %d - %s' % (n, case['name']))
                for problem in problems:
                    print('#   ' + TOKEN_RE.sub('<TOKEN>', problem))
            else:
                print('ok %d - %s' % (n, case['name']))
    print('# %d of %d protocol cases passed' % (n - failed, n))
    sys.exit(1 if failed or n == 0 else 0)


if __name__ == '__main__':
    main()
