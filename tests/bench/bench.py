#!/usr/bin/python3
"""jwtcred benchmark: medians over many runs, ratios against baselines
measured side by side in the same run, PASS/MISS per target.

Started by tests/bench/run, which builds what is missing, makes an isolated
temporary HOME / configuration / cache, starts the local token endpoint and
exports the BENCH_* variables read below.  Run that script, not this one.

Every timed command is started with posix_spawn and reaped with wait4; its
time is the wall time from spawn to reap (time.perf_counter_ns).  Commands
compared with each other run alternately (A B, B A, A B, ...) so that noise
hits all of them alike.  No output of a timed command is ever printed: stdout
goes to /dev/null, or to a file in the temporary directory that is checked
and never shown.
"""

import hashlib
import http.client
import json
import os
import platform
import shutil
import ssl
import statistics
import subprocess
import sys
import time

E = os.environ
TMP = E['BENCH_TMP']
JWTCRED = E['BENCH_JWTCRED']
PEAKRSS = E['BENCH_PEAKRSS']
GIT = E['BENCH_GIT']
CURL = E['BENCH_CURL']
TRUE = shutil.which('true') or '/bin/true'
NODE = E.get('BENCH_NODE', '')            # empty: Node rows skipped
BASELINE = E.get('BENCH_BASELINE_JWTCRED', '')  # another build's jwtcred(-uninstalled): "before"
NODE_SKIP = E.get('BENCH_NODE_SKIP', '')  # why
PORT = int(E['SERVER_PORT'])
CACERT = E['SERVER_CACERT']
TOKEN_URL = 'https://localhost:%d/services/oauth2/token' % PORT

HITS = int(E.get('BENCH_HITS', '200'))
MINTS = int(E.get('BENCH_MINTS', '30'))
ROUNDS = int(E.get('BENCH_ROUNDS', '10'))
CONC = int(E.get('BENCH_CONCURRENCY', '64'))
DELAY_MS = int(E.get('BENCH_DELAY_MS', '0'))
SLOW_DELAY_MS = int(E.get('BENCH_SLOW_DELAY_MS', '500'))
RSS_RUNS = int(E.get('BENCH_RSS_RUNS', '20'))
STEADY_LIFETIME = int(E.get('BENCH_STEADY_LIFETIME', '8'))     # the endpoint's expires_in, s
STEADY_LIFETIMES = int(E.get('BENCH_STEADY_LIFETIMES', '10'))  # how long the steady rows run
STEADY_DELAY_MS = int(E.get('BENCH_STEADY_DELAY_MS', '500'))
STEADY_PERIOD_MS = 100                                          # a call every 100 ms
STEADY_MARGIN = 1                                               # refresh_margin, s

# The fleet row (issue 15): MACHINES cache directories sharing one Redis (tests/bench/run starts
# it and writes BENCH_FLEET_CONFIG; BENCH_FLEET_SKIP says why not).
FLEET_CONFIG = E.get('BENCH_FLEET_CONFIG', '')
FLEET_SKIP = E.get('BENCH_FLEET_SKIP', '')
FLEET_MACHINES = int(E.get('BENCH_FLEET_MACHINES', '8'))
FLEET_CALLERS = int(E.get('BENCH_FLEET_CALLERS', '16'))
FLEET_ROUNDS = int(E.get('BENCH_FLEET_ROUNDS', '5'))
FLEET_DELAY_MS = int(E.get('BENCH_FLEET_DELAY_MS', '500'))

TARGET_HIT = 0.85
TARGET_STEADY_MAX = 5.0    # x the cache-hit median
TARGET_MINT = 1.3
TARGET_CONC = 1.5
TARGET_RSS_KIB = 4096
TARGET_FLEET = 2.0

DEVNULL = os.devnull
REQUEST = os.path.join(TMP, 'git-request')
STORE = os.path.join(TMP, 'git-credentials')
FORM = os.path.join(TMP, 'assertion-form')
ERRLOG = os.path.join(TMP, 'stderr.log')


def die(msg):
    print('bench: ' + msg, file=sys.stderr)
    sys.exit(2)


# --- running commands ------------------------------------------------------

class Cmd:
    """A command to time: argv, stdin file, untimed commands before each run."""

    def __init__(self, label, argv, stdin=DEVNULL, pre=()):
        self.label, self.argv, self.stdin, self.pre = label, argv, stdin, list(pre)
        self.samples = []


def spawn(argv, stdin=DEVNULL, stdout=DEVNULL):
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, ERRLOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
    ]
    try:
        return os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    except OSError as e:
        die('cannot run %s: %s' % (argv[0], e.strerror))


def reap(pid, argv):
    _, status, _ = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        die('%s exited with %d; its stderr is in %s' % (' '.join(argv[:3]), code, ERRLOG))


def run(argv, stdin=DEVNULL, stdout=DEVNULL):
    """Run once, untimed; fail on a non-zero exit."""
    reap(spawn(argv, stdin, stdout), argv)


def timed(cmd):
    for argv in cmd.pre:
        run(argv)
    t0 = time.perf_counter_ns()
    pid = spawn(cmd.argv, cmd.stdin)
    reap(pid, cmd.argv)
    return time.perf_counter_ns() - t0


def alternate(cmds, n, warmup):
    """n timed runs of each command, interleaved; the first `warmup` dropped."""
    for i in range(warmup + n):
        order = cmds if i % 2 == 0 else cmds[::-1]
        for c in order:
            t = timed(c)
            if i >= warmup:
                c.samples.append(t)


def ms(ns):
    return ns / 1e6


def med(c):
    return statistics.median(c.samples)


def spread(c):
    """p10-p90 of the samples, in ms, for the detail lines."""
    if len(c.samples) < 2:
        return '-'
    q = statistics.quantiles(c.samples, n=10)
    return '%.2f-%.2f' % (ms(q[0]), ms(q[-1]))


# --- the token endpoint's admin interface ------------------------------------

_ctx = ssl.create_default_context(cafile=CACERT)


def admin(method, path, body=None):
    conn = http.client.HTTPSConnection('localhost', PORT, context=_ctx, timeout=10)
    try:
        headers = {'Content-Type': 'application/json'} if body is not None else {}
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=headers)
        res = conn.getresponse()
        data = res.read()
        if res.status != 200:
            die('admin %s %s: HTTP %d' % (method, path, res.status))
        return json.loads(data) if data else None
    finally:
        conn.close()


def token_requests():
    return admin('GET', '/admin/stats')['token_requests']


# --- checks that the commands answer what they should -------------------------

def check_output(argv, stdin, want, what):
    """Run once with stdout to a private file; `want(text)` must hold.
    The output may hold a token: it is never printed."""
    out = os.path.join(TMP, 'check.out')
    run(argv, stdin, out)
    with open(out, encoding='utf-8', errors='replace') as f:
        text = f.read()
    os.unlink(out)
    if not want(text):
        die('%s did not answer as expected (output not shown: it may hold a token)' % what)


def has_password(text):
    return any(line.startswith('password=') and len(line) > len('password=')
               for line in text.splitlines())


def has_token(text):
    return len(text.strip()) > 20 and '\n' not in text.strip()


# --- the measurements ----------------------------------------------------------

RESULTS = []   # one dict per table row
DETAILS = []   # lines printed under the table
HIT_MEDIAN = {}  # 'jwtcred get': the cache-hit median (ns), for the steady rows
STEADY_WHEN = {}  # config -> each steady call's start (realtime ns)


def row(what, value, base_what='', base=None, ratio=None, target='', ok=None,
        count=None, base_count=None):
    """A table row: times in ns (value, base) or preformatted counts; ok None
    means informational (no target)."""
    RESULTS.append(dict(what=what, value=value, base_what=base_what, base=base, ratio=ratio,
                        target=target, ok=ok, count=count, base_count=base_count))


def bench_hit():
    purge = [JWTCRED, 'purge']
    run(purge)
    run([JWTCRED, 'token'])   # fill the cache
    check_output([JWTCRED, 'get'], REQUEST, has_password, 'jwtcred get')
    check_output([GIT, 'credential-store', '--file', STORE, 'get'], REQUEST, has_password,
                 'git credential-store get')
    jw = Cmd('jwtcred get', [JWTCRED, 'get'], REQUEST)
    gs = Cmd('git credential-store get', [GIT, 'credential-store', '--file', STORE, 'get'], REQUEST)
    floor = Cmd('/bin/true (starting a process)', [TRUE])
    cmds = [jw, gs, floor]
    base = None
    if BASELINE:
        check_output([BASELINE, 'get'], REQUEST, has_password, BASELINE + ' get')
        base = Cmd('baseline build: jwtcred get', [BASELINE, 'get'], REQUEST)
        cmds.append(base)
    nd = None
    if NODE:
        run(NODE_ARGV)            # fill its cache file
        check_output(NODE_ARGV, DEVNULL, has_token, 'node token.js')
        nd = Cmd('node token.js (cache hit)', NODE_ARGV)
        cmds.append(nd)
    before = token_requests()
    alternate(cmds, HITS, warmup=max(5, HITS // 20))
    if token_requests() != before:
        die('a cache hit made a token request')
    HIT_MEDIAN['jwtcred get'] = med(jw)
    r = med(jw) / med(gs)
    row('cache hit: jwtcred get', med(jw), 'git credential-store get', med(gs), r,
        '<= %.2fx' % TARGET_HIT, r <= TARGET_HIT)
    if base:
        row('cache hit: jwtcred get, this build', med(jw), 'the same, baseline build', med(base),
            med(jw) / med(base))
    row('start a process: /bin/true', med(floor), 'git credential-store get', med(gs),
        med(floor) / med(gs))
    if nd:
        row('cache hit: node token.js', med(nd), 'git credential-store get', med(gs),
            med(nd) / med(gs))
    else:
        row('cache hit: node token.js', None, target='skipped: ' + NODE_SKIP)
    for c in cmds:
        DETAILS.append('%-34s median %8.2f ms  p10-p90 %s ms  (%d runs)'
                       % (c.label, ms(med(c)), spread(c), len(c.samples)))


def bench_mint():
    purge = [JWTCRED, 'purge']
    # The baseline: curl posting an assertion jwtcred signed beforehand
    # (assertion_lifetime is an hour, so one serves every run).
    form = os.path.join(TMP, 'assertion')
    run([JWTCRED, 'assertion'], DEVNULL, form)
    with open(form, encoding='ascii') as f:
        assertion = f.read().strip()
    os.unlink(form)
    fd = os.open(FORM, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, ('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer'
                  '&assertion=' + assertion).encode())
    os.close(fd)
    curl_argv = [CURL, '-sS', '-f', '-o', DEVNULL, '--noproxy', '*', '--cacert', CACERT,
                 '--data-binary', '@' + FORM, TOKEN_URL]
    run(curl_argv)
    check_output([JWTCRED, 'token', '--no-cache'], DEVNULL, has_token, 'jwtcred token')

    miss = Cmd('jwtcred token (cache miss)', [JWTCRED, 'token'], pre=[purge])
    nocache = Cmd('jwtcred token --no-cache', [JWTCRED, 'token', '--no-cache'])
    curl = Cmd('curl POST (pre-signed assertion)', curl_argv)
    cmds = [miss, curl, nocache]
    nd = None
    if NODE:
        nd = Cmd('node token.js --no-cache', NODE_ARGV + ['--no-cache'])
        cmds.append(nd)
    before = token_requests()
    warm = max(2, MINTS // 10)
    alternate(cmds, MINTS, warmup=warm)
    made = token_requests() - before
    if made != (MINTS + warm) * len(cmds):
        die('expected %d token requests during the mints, the endpoint counted %d'
            % ((MINTS + warm) * len(cmds), made))
    r = med(miss) / med(curl)
    row('cold mint: jwtcred token', med(miss), 'curl POST, pre-signed', med(curl), r,
        '<= %.1fx' % TARGET_MINT, r <= TARGET_MINT)
    row('cold mint: jwtcred token --no-cache', med(nocache), 'curl POST, pre-signed', med(curl),
        med(nocache) / med(curl))
    if nd:
        row('cold mint: node token.js', med(nd), 'curl POST, pre-signed', med(curl),
            med(nd) / med(curl))
    else:
        row('cold mint: node token.js', None, target='skipped: ' + NODE_SKIP)
    for c in cmds:
        DETAILS.append('%-34s median %8.2f ms  p10-p90 %s ms  (%d runs)'
                       % (c.label, ms(med(c)), spread(c), len(c.samples)))


def cache_entry_mtime():
    """mtime (ns, realtime clock) of the one cache entry: when the token was written."""
    cache = E['JWTCRED_CACHE_DIR']
    names = [n for n in os.listdir(cache) if len(n) == 16 and '.' not in n]
    if len(names) != 1:
        die('expected one cache entry, found %d' % len(names))
    return os.stat(os.path.join(cache, names[0])).st_mtime_ns


def batch(n, argv=None):
    """n `jwtcred token` (or argv) started together: wall time from the first
    spawn to the last exit, whether all printed one same output, and each
    process's (spawn, exit) times on the realtime clock."""
    outs = [os.path.join(TMP, 'conc.%d' % i) for i in range(n)]
    argv = argv or [JWTCRED, 'token']
    started = {}
    t0 = time.perf_counter_ns()
    for out in outs:
        started[spawn(argv, DEVNULL, out)] = time.time_ns()
    times = []
    while len(times) < n:
        pid, status, _ = os.wait4(-1, 0)
        times.append((started[pid], time.time_ns()))
        if os.waitstatus_to_exitcode(status) != 0:
            die('a concurrent jwtcred token failed; its stderr is in ' + ERRLOG)
    t = time.perf_counter_ns() - t0
    digests = set()
    for out in outs:
        with open(out, 'rb') as f:
            digests.add(hashlib.sha256(f.read()).hexdigest())
        os.unlink(out)
    return t, len(digests) == 1, times


def concurrent_rounds(delay_ms, floors):
    """Rounds of: one cold `jwtcred token`; CONC of them on an empty cache;
    with floors, also CONC of them on a full cache and CONC /bin/true (what
    starting CONC processes costs on this machine).  The endpoint waits
    delay_ms before it answers."""
    purge = [JWTCRED, 'purge']
    admin('POST', '/admin/mode', {'delay_ms': delay_ms} if delay_ms else {})
    r = dict(one=[], cold=[], warm=[], true=[], requests=[], lag=[], tail=[], same=True)
    kinds = ('one', 'cold', 'warm', 'true') if floors else ('one', 'cold')
    for i in range(ROUNDS + 1):
        for kind in (kinds if i % 2 == 0 else kinds[::-1]):
            if kind == 'true':
                t, _, _ = batch(CONC, [TRUE])
                if i:
                    r['true'].append(t)
                continue
            if kind != 'warm':
                run(purge)
            before = token_requests()
            t, one_token, exits = batch(1 if kind == 'one' else CONC)
            made = token_requests() - before
            if kind == 'warm' and made:
                die('%d concurrent cache hits made %d token requests' % (CONC, made))
            if kind == 'one' and made != 1:
                die('one cold jwtcred token made %d token requests' % made)
            if i == 0:
                continue          # warm-up round
            r[kind].append(t)
            if kind == 'cold':
                r['requests'].append(made)
                r['same'] = r['same'] and one_token
                # processes started before the token was written waited for
                # the lock: how long after the write did they exit?
                written = cache_entry_mtime()
                waited = [e - written for s0, e in exits if s0 < written and e > written]
                if waited:
                    r['lag'].append(statistics.median(waited))
                    r['tail'].append(max(waited))
    admin('POST', '/admin/mode', {})
    return r


def bench_concurrent():
    med_ = statistics.median
    a = concurrent_rounds(DELAY_MS, True)
    b = concurrent_rounds(SLOW_DELAY_MS, False) if SLOW_DELAY_MS else None
    s, c, w = med_(a['one']), med_(a['cold']), med_(a['warm'])
    # The target is judged with the endpoint answering like a real one (a
    # Salesforce token call takes hundreds of ms).  Against a local endpoint
    # answering at once, starting 64 processes costs more than a mint on a
    # small machine, so that row shows the floor (64 /bin/true) beside it.
    delay = ', endpoint +%d ms' % DELAY_MS if DELAY_MS else ''
    row('%d concurrent cold%s: wall time' % (CONC, delay), c, 'one cold jwtcred token', s, c / s)
    requests = a['requests'] + (b['requests'] if b else [])
    same = a['same'] and (b['same'] if b else True)
    row('%d concurrent cold: token requests' % CONC, None, target='= 1 per batch',
        ok=(set(requests) == {1} and same), count='%d-%d' % (min(requests), max(requests)))
    row('%d concurrent cache hits: wall time' % CONC, w, 'one cold jwtcred token', s, w / s)
    row('%d concurrent /bin/true: wall time' % CONC, med_(a['true']), 'one cold jwtcred token', s,
        med_(a['true']) / s)
    if b:
        r = med_(b['cold']) / med_(b['one'])
        row('%d concurrent cold, endpoint +%d ms: wall time' % (CONC, SLOW_DELAY_MS),
            med_(b['cold']), 'one cold jwtcred token, endpoint +%d ms' % SLOW_DELAY_MS,
            med_(b['one']), r, '<= %.1fx' % TARGET_CONC, r <= TARGET_CONC)
    if not same:
        DETAILS.append('%d concurrent: NOT all processes printed the same token' % CONC)
    DETAILS.append('%d concurrent: %d batches per endpoint delay, token requests per batch %s'
                   % (CONC, len(a['cold']), sorted(set(requests))))
    for name, x in (('', a), (', endpoint +%d ms' % SLOW_DELAY_MS, b)):
        if x and x['lag']:
            DETAILS.append('%d concurrent cold%s: processes started before the token was written '
                           'exit a median %.1f ms after it, the last %.1f ms after it'
                           % (CONC, name, ms(med_(x['lag'])), ms(med_(x['tail']))))


def fleet_dirs(tag):
    """The fleet's machines: one cache directory each, made empty."""
    dirs = [os.path.join(TMP, 'fleet-%s-%d' % (tag, i)) for i in range(FLEET_MACHINES)]
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
        os.mkdir(d, 0o700)
    return dirs


def fleet_batch(dirs, argv=None):
    """FLEET_CALLERS `jwtcred token` (or argv) on each machine (cache directory) of dirs,
    all started together: wall time from the first spawn to the last exit, and whether
    all printed one same token."""
    argv = argv or [JWTCRED, '-c', FLEET_CONFIG, 'token']
    outs, pids = [], set()
    envs = [dict(os.environ, JWTCRED_CACHE_DIR=d) for d in dirs]
    t0 = time.perf_counter_ns()
    for i in range(FLEET_CALLERS):
        for m, env in enumerate(envs):
            out = os.path.join(TMP, 'fleet.%d.%d' % (m, i))
            outs.append(out)
            actions = [
                (os.POSIX_SPAWN_OPEN, 0, DEVNULL, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                (os.POSIX_SPAWN_OPEN, 2, ERRLOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
            ]
            pids.add(os.posix_spawn(argv[0], argv, env, file_actions=actions))
    while pids:
        pid, status, _ = os.wait4(-1, 0)
        if pid not in pids:
            continue          # not ours (a detached worker reparented to us)
        pids.discard(pid)
        if os.waitstatus_to_exitcode(status) != 0:
            die('a fleet jwtcred token failed; its stderr is in ' + ERRLOG)
    t = time.perf_counter_ns() - t0
    digests = set()
    for out in outs:
        with open(out, 'rb') as f:
            digests.add(hashlib.sha256(f.read()).hexdigest())
        os.unlink(out)
    return t, len(digests) == 1


def bench_fleet():
    """The shared cache (issue 15): FLEET_MACHINES x FLEET_CALLERS callers on cold caches
    (local and shared), the endpoint answering in FLEET_DELAY_MS, against one cold local
    mint with the same delay; then a shared hit (local miss) beside a local hit."""
    n = FLEET_MACHINES * FLEET_CALLERS
    label = 'fleet: %d machines x %d callers cold, endpoint +%d ms' % (
        FLEET_MACHINES, FLEET_CALLERS, FLEET_DELAY_MS)
    if FLEET_SKIP:
        row(label, None, target='skipped: ' + FLEET_SKIP)
        row('fleet: shared hit (local miss)', None, target='skipped: ' + FLEET_SKIP)
        return
    fleet = [JWTCRED, '-c', FLEET_CONFIG]
    purge_shared = fleet + ['purge', '--shared']
    admin('POST', '/admin/mode', {'delay_ms': FLEET_DELAY_MS})
    one, cold, floor, requests, same = [], [], [], [], True
    for i in range(FLEET_ROUNDS + 1):
        for kind in (('one', 'fleet', 'true') if i % 2 == 0 else ('true', 'fleet', 'one')):
            if kind == 'true':    # what starting the processes costs on this machine
                t, _ = fleet_batch(fleet_dirs('true'), [TRUE])
                if i:
                    floor.append(t)
                continue
            run([JWTCRED, 'purge'])
            run(purge_shared)
            before = token_requests()
            if kind == 'one':
                t = timed(Cmd('one', [JWTCRED, 'token']))
            else:
                t, one_token = fleet_batch(fleet_dirs('cold'))
            made = token_requests() - before
            if kind == 'one' and made != 1:
                die('one cold jwtcred token made %d token requests' % made)
            if i == 0:
                continue          # warm-up round
            if kind == 'one':
                one.append(t)
            else:
                cold.append(t)
                requests.append(made)
                same = same and one_token
    admin('POST', '/admin/mode', {})
    s, c = statistics.median(one), statistics.median(cold)
    row(label + ': wall time', c, 'one cold jwtcred token, endpoint +%d ms' % FLEET_DELAY_MS, s,
        c / s, '<= %.1fx' % TARGET_FLEET, c / s <= TARGET_FLEET)
    f = statistics.median(floor)
    row('fleet: %d /bin/true started together: wall time' % n, f,
        'one cold jwtcred token, endpoint +%d ms' % FLEET_DELAY_MS, s, f / s)
    row('fleet: %d cold callers: token requests' % n, None, target='= 1 per batch',
        ok=(set(requests) == {1} and same), count='%d-%d' % (min(requests), max(requests)))
    if not same:
        DETAILS.append('fleet: NOT all %d callers printed the same token' % n)
    # a shared hit: the local cache empty, the shared entry there; beside a local hit
    run(purge_shared)
    run(fleet + ['token'])
    local = Cmd('fleet: local hit', fleet + ['token'])
    shared = Cmd('fleet: shared hit (local miss)', fleet + ['token'], pre=[fleet + ['purge']])
    before = token_requests()
    alternate([local, shared], MINTS, warmup=3)
    if token_requests() != before:
        die('a shared-cache hit made a token request')
    row('fleet: shared hit (local miss)', med(shared), 'fleet: local hit', med(local),
        med(shared) / med(local))
    run(purge_shared)
    run([JWTCRED, 'purge'])
    for c in (local, shared):
        DETAILS.append('%-34s median %8.2f ms  p10-p90 %s ms  (%d runs)'
                       % (c.label, ms(med(c)), spread(c), len(c.samples)))
    DETAILS.append('fleet: %d rounds of %d machines x %d callers; token requests per batch %s'
                   % (len(cold), FLEET_MACHINES, FLEET_CALLERS, sorted(set(requests))))


def steady_config(name, extra):
    """The bench profile with refresh_margin STEADY_MARGIN and `extra` lines, in a file of its own."""
    with open(E['JWTCRED_CONFIG'], encoding='utf-8') as f:
        text = f.read()
    lines = '    refresh_margin = %d;\n%s    urls =' % (STEADY_MARGIN, ''.join('    %s\n' % x for x in extra))
    path = os.path.join(TMP, name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text.replace('    urls =', lines, 1))
    return path


PR_SET_CHILD_SUBREAPER = 36           # <linux/prctl.h>


def become_subreaper():
    """Make the detached refresh workers (double forked by `jwtcred get`) our children, so
    that reap_workers() can wait for them."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        die('prctl(PR_SET_CHILD_SUBREAPER): %s' % os.strerror(ctypes.get_errno()))


def reap_workers(limit_s=60):
    """Wait (at most limit_s) for every child left, the detached refresh workers: then no
    refresh is still on its way to the endpoint."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                die('a background refresh still runs %d s after the steady run' % limit_s)
            time.sleep(0.01)


def steady_run(config):
    """`jwtcred get` every STEADY_PERIOD_MS for STEADY_LIFETIMES token lifetimes, from an
    empty cache, the endpoint answering in STEADY_DELAY_MS with tokens of STEADY_LIFETIME
    seconds: each call's time (ns) and the token requests the endpoint saw."""
    become_subreaper()
    reap_workers()
    run([JWTCRED, 'purge'])
    admin('POST', '/admin/mode', {'delay_ms': STEADY_DELAY_MS, 'expires_in': STEADY_LIFETIME})
    cmd = Cmd('steady', [JWTCRED, '-c', config, 'get'], REQUEST)
    before = token_requests()
    start = time.monotonic()
    end = start + STEADY_LIFETIME * STEADY_LIFETIMES
    nxt = start
    samples, when = [], []
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if nxt > now:
            time.sleep(nxt - now)
        when.append(time.time_ns())
        samples.append(timed(cmd))
        nxt += STEADY_PERIOD_MS / 1000
    made = token_requests() - before
    STEADY_WHEN[config] = when
    # a refresh still on its way (started by one of the last calls) lands before the next
    # row, not in its count: wait for the workers themselves, not for a guessed time
    reap_workers()
    admin('POST', '/admin/mode', {})
    run([JWTCRED, 'purge'])
    return samples, made


def bench_steady():
    """Steady use: one caller all day.  With refresh ahead (the default), no call after the
    first waits for a mint; with refresh_ahead = 0, one call per token lifetime does."""
    hit = HIT_MEDIAN['jwtcred get']
    lifetime, margin = STEADY_LIFETIME, STEADY_MARGIN
    # the refresh point (core/refresh.h), and how many tokens the run needs at one per
    # refresh period: a token is replaced `ahead` before its expiry
    ahead = min(max(lifetime // 4, 2 * margin), lifetime // 2)
    run_s = lifetime * STEADY_LIFETIMES
    rows = (('steady use, refresh ahead (default)', [], lifetime - ahead),
            ('steady use, refresh_ahead = 0', ['refresh_ahead = 0;'], lifetime - margin))
    for label, extra, period in rows:
        config = steady_config('steady-%d.conf' % len(extra), extra)
        samples, made = steady_run(config)
        rest = samples[1:]      # the first call finds the cache empty: it mints
        # the hit median of this very workload (a call every 100 ms is slower than calls
        # back to back): nearly all its calls are hits
        median = statistics.median(samples)
        limit = TARGET_STEADY_MAX * median
        waited = sum(1 for t in rest if t > limit)
        worst = max(rest)
        bound = run_s // period + 1
        refreshing = not extra
        row(label + ': median (a hit)', median, 'cache hit: jwtcred get', hit, median / hit)
        row(label + ': max after the first call', worst, label + ': median', median, worst / median,
            '<= %.0fx' % TARGET_STEADY_MAX if refreshing else '', (worst <= limit) if refreshing else None)
        row(label + ': calls that waited (> %.0fx the median)' % TARGET_STEADY_MAX, None,
            target='= 0 after the first' if refreshing else '', ok=(waited == 0) if refreshing else None,
            count='%d of %d' % (waited, len(rest)))
        row(label + ': token requests', None, target='<= %d (%d s / %d s + 1)' % (bound, run_s, period),
            ok=made <= bound, count='%d (%d lifetimes)' % (made, STEADY_LIFETIMES))
        c = Cmd(label, [])
        c.samples = samples
        t0 = STEADY_WHEN[config][0]
        slow = ['+%.1f s: %.1f ms' % ((w - t0) / 1e9, ms(t)) for w, t in
                zip(STEADY_WHEN[config][1:], rest) if t > limit]
        if slow:
            DETAILS.append('%s: calls over %.1f ms: %s' % (label, ms(limit), ', '.join(slow[:20])))
        DETAILS.append('%s: %d calls, every %d ms for %d s; tokens of %d s, refresh_margin %d, '
                       'endpoint +%d ms; p10-p90 %s ms'
                       % (label, len(samples), STEADY_PERIOD_MS, run_s, lifetime, margin,
                          STEADY_DELAY_MS, spread(c)))


def peak_rss(argv, stdin):
    out = os.path.join(TMP, 'rss.out')
    vals = []
    for _ in range(RSS_RUNS):
        run([PEAKRSS] + argv, stdin, out)
        with open(out, encoding='ascii') as f:
            vals.append(int(f.read().strip()))
    os.unlink(out)
    return vals


def bench_rss():
    run([JWTCRED, 'token'])   # the cache is full
    jw = peak_rss([JWTCRED, 'get'], REQUEST)
    gs = peak_rss([GIT, 'credential-store', '--file', STORE, 'get'], REQUEST)
    m = max(jw)
    row('peak RSS, cache hit: jwtcred get', None, 'git credential-store get', None,
        target='<= %d KiB' % TARGET_RSS_KIB, ok=m <= TARGET_RSS_KIB,
        count='%d KiB' % m, base_count='%d KiB' % max(gs))
    if NODE:
        nd = peak_rss(NODE_ARGV, DEVNULL)
        row('peak RSS, cache hit: node token.js', None, count='%d KiB' % max(nd))
    DETAILS.append('peak RSS (max of %d runs, KiB): jwtcred get %d, git credential-store get %d'
                   % (RSS_RUNS, m, max(gs)))


# --- the report ------------------------------------------------------------------

def machine():
    model = '?'
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    osname = platform.system()
    try:
        with open('/etc/os-release', encoding='utf-8') as f:
            for line in f:
                if line.startswith('PRETTY_NAME='):
                    osname = line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass
    ncpu = len(os.sched_getaffinity(0))
    return '%s, %d CPU%s (%s), kernel %s' % (osname, ncpu, '' if ncpu == 1 else 's', model,
                                            platform.release())


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout
        return out.splitlines()[0].strip() if out else '?'
    except (OSError, subprocess.TimeoutExpired):
        return '?'


def fmt_ms(v):
    return '%.2f ms' % ms(v)


def report():
    head = ('measure', 'median', 'baseline', 'baseline median', 'ratio', 'target', 'result')
    lines = []
    for r in RESULTS:
        value = r['count'] if r['count'] is not None else (fmt_ms(r['value'])
                                                           if r['value'] is not None else '-')
        base = r['base_count'] if r['base_count'] is not None else (fmt_ms(r['base'])
                                                                    if r['base'] is not None else '')
        ratio = '%.2fx' % r['ratio'] if r['ratio'] is not None else ''
        result = '' if r['ok'] is None else ('PASS' if r['ok'] else 'MISS')
        target = r['target']
        if target.startswith('skipped') and r['value'] is None and r['count'] is None:
            value = '-'
        lines.append((r['what'], value, r['base_what'], base, ratio, target, result))
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '|'.join(['---', '--:', '---', '--:', '--:', '---', '---']) + '|')
    for line in lines:
        print('| ' + ' | '.join(line) + ' |')
    print()
    print('machine: ' + machine())
    print('tools: %s; %s; %s%s' % (version([JWTCRED, '--version']), version([GIT, '--version']),
                                   version([CURL, '--version']).split(' (')[0],
                                   ('; node ' + version([NODE_ARGV[0], '--version'])) if NODE else ''))
    print('runs: %d per cache-hit command, %d per mint command, %d batches of %d, '
          'alternated; cache in %s' % (HITS, MINTS, ROUNDS, CONC, E['JWTCRED_CACHE_DIR']))
    for d in DETAILS:
        print('  ' + d)
    return all(r['ok'] is not False for r in RESULTS)


NODE_ARGV = [E.get('BENCH_NODE_BIN', 'node'), NODE] if NODE else []


def main():
    for f in (REQUEST, STORE):
        if not os.path.exists(f):
            die('missing ' + f)
    steps = [('cache hits', bench_hit), ('mints', bench_mint),
             ('%d concurrent cold requests' % CONC, bench_concurrent),
             ('fleet (%d machines x %d callers, shared cache)' % (FLEET_MACHINES, FLEET_CALLERS),
              bench_fleet),
             ('steady use (%d lifetimes of %d s)' % (STEADY_LIFETIMES, STEADY_LIFETIME), bench_steady),
             ('peak RSS', bench_rss)]
    for name, step in steps:
        print('bench: %s...' % name, file=sys.stderr, flush=True)
        step()
    sys.stderr.flush()
    ok = report()
    sys.stdout.flush()
    if not ok:
        print('\nbench: a target was missed (MISS above)', file=sys.stderr)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
