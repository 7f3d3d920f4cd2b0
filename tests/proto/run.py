#!/usr/bin/python3
"""Run protocol tests written as data: stdin, expected stdout, stderr, exit.

    === description
    args: get --profile team          (arguments after the program name)
    stdin: protocol=https\\nhost=x\\n\\n (one line, backslash escapes)
    stdin-python: b"host=" + b"a" * 70000   (instead of stdin: bytes from Python)
    stdout:                           (the following lines, up to the next key;
    username=alice@example.com         <TOKEN> and <EXPIRY> stand for a minted
    password=<TOKEN>                   token and a future epoch)
    stderr: exact text | stderr~: regular expression
    exit: 0

Usage: run.py PROGRAM FILE.t...   Prints TAP-like lines; exit 1 on failure.
"""
import codecs
import os
import re
import subprocess
import sys
import time

TOKEN_RE = re.compile(r'00D[A-Za-z0-9]+![A-Za-z0-9._-]+')


def parse(path):
    cases, case, key = [], None, None
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('=== '):
                case = {'name': line[4:], 'args': [], 'stdout': [], 'exit': 0}
                cases.append(case)
                key = None
            elif case is None or (not line and key != 'stdout') or line.startswith('#'):
                continue
            elif re.match(r'^(args|stdin|stdin-python|stdout|stderr|stderr~|exit):', line):
                key, _, value = line.partition(':')
                value = value[1:] if value.startswith(' ') else value
                if key == 'args':
                    case['args'] = value.split()
                elif key == 'stdin':
                    case['stdin'] = codecs.escape_decode(value.encode())[0]
                elif key == 'stdin-python':
                    case['stdin'] = eval(value, {})  # test data of our own
                elif key == 'exit':
                    case['exit'] = int(value)
                elif key in ('stderr', 'stderr~'):
                    case[key] = os.path.expandvars(value)
                elif value:
                    case['stdout'].append(value)
            elif key == 'stdout':
                if line:
                    case['stdout'].append(line)
    return cases


def normalise(out):
    now = int(time.time())
    lines = []
    for line in out.decode('utf-8', 'replace').splitlines():
        line = TOKEN_RE.sub('<TOKEN>', line)
        line = re.sub(r'^state\[\]=jwtcred\.entry=[0-9a-f]{16}$', 'state[]=jwtcred.entry=<ENTRY>', line)
        m = re.match(r'^password_expiry_utc=(\d+)$', line)
        if m and now < int(m.group(1)) < now + 86400:
            line = 'password_expiry_utc=<EXPIRY>'
        lines.append(line)
    return lines


def main():
    program, files = sys.argv[1], sys.argv[2:]
    n = failed = 0
    for path in files:
        for case in parse(path):
            n += 1
            p = subprocess.run([program] + case['args'], input=case.get('stdin', b''),
                               capture_output=True, timeout=60)
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
            if problems:
                failed += 1
                print('not ok %d - %s' % (n, case['name']))
                for problem in problems:
                    print('#   ' + problem)
            else:
                print('ok %d - %s' % (n, case['name']))
    print('# %d of %d protocol cases passed' % (n - failed, n))
    sys.exit(1 if failed or n == 0 else 0)


if __name__ == '__main__':
    main()
