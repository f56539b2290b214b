"""Shared helpers of the web tests: start `prevalence serve` on a free
loopback port against the harness's embedded cluster, accounts, login."""
import os
import re
import socket
import subprocess
import sys
import time

import requests

BIN = os.environ['PREVALENCE_BIN']
SRC = os.environ['PREVALENCE_SOURCE_DIR']
TMP = os.environ.get('PREVALENCE_TEST_TMP', '/tmp')
FAILURES = []
HEADERS = {
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
}


def run(*args, stdin=None, check=True):
    p = subprocess.run([BIN, '-q', *args], input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f'FAIL: prevalence {" ".join(args)}: exit {p.returncode}: {p.stderr}')
    return p


def psql(sql):
    p = subprocess.run([BIN, '-q', 'db', 'psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
                        '-c', sql], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f'FAIL: psql {sql}: {p.stderr}')
    return p.stdout.strip()


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what, flush=True)
    if not cond:
        FAILURES.append(what)


def check_headers(r, what):
    for k, v in HEADERS.items():
        if v not in r.headers.get(k, ''):
            check(False, f'{what}: header {k} missing or wrong ({r.headers.get(k)!r})')
            return
    if 'frame-ancestors' not in r.headers.get('Content-Security-Policy', ''):
        check(False, f'{what}: CSP without frame-ancestors')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, *extra):
        self.port = free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.log = open(os.path.join(TMP, f'serve-{self.port}.log'), 'w')
        self.proc = subprocess.Popen([BIN, 'serve', '--listen', f'127.0.0.1:{self.port}',
                                      *extra], stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                if requests.get(self.base + '/healthz', timeout=1).text == 'ok\n':
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        sys.exit(f'FAIL: the server did not start (see {self.log.name})')

    def stop(self, sig=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.proc.returncode not in (0, -sig):
            # say why (a sanitizer's report goes to this log)
            with open(self.log.name, encoding='utf-8', errors='replace') as f:
                print(f'server log ({self.log.name}), last lines:\n' + ''.join(f.readlines()[-40:]))
        return self.proc.returncode


def setup_accounts():
    """init, the 2025 frame, one specialist per county (password NAME-pw-123456),
    an analyst and an admin."""
    run('init')
    run('load', 'frame', os.path.join(SRC, 'sample-data/2025/frame.csv'))
    for county in ['pima', 'maricopa', 'apache', 'cochise', 'coconino', 'gila', 'graham',
                   'greenlee', 'la-paz', 'mohave', 'navajo', 'pinal', 'santa-cruz',
                   'yavapai', 'yuma']:
        run('user', 'add', county, '--role', 'specialist', '--county',
            county.replace('-', ' '), '--password-stdin', stdin=f'{county}-pw-123456\n')
    run('user', 'add', 'ana', '--role', 'analyst', '--password-stdin',
        stdin='ana-pw-123456\n')
    run('user', 'add', 'root', '--role', 'admin', '--password-stdin',
        stdin='root-pw-123456\n')


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    return m.group(1) if m else None


def login(base, name, password=None, source=None):
    s = requests.Session()
    if source is not None:
        s.mount('http://', SourceAdapter(source))
    r = s.get(base + '/login')
    r = s.post(base + '/login', data={'csrf': csrf_of(r.text), 'name': name,
                                       'password': password or f'{name}-pw-123456'},
               allow_redirects=False)
    s.last_login = r
    return s


def page_csrf(s, base):
    return csrf_of(s.get(base + '/upload').text)


def upload(s, base, path, name=None, kind='responses', load=True, replace=False):
    """Check then (load) a file; returns (check response, load response or None)."""
    with open(path, 'rb') as f:
        data = f.read()
    tok = page_csrf(s, base)
    r = s.post(base + '/upload', data={'csrf': tok, 'kind': kind},
               files={'file': (name or os.path.basename(path), data)})
    m = re.search(r'name="id" value="([0-9a-f]+)"', r.text)
    if not load or m is None:
        return r, None
    form = {'csrf': tok, 'id': m.group(1)}
    if replace:
        form['replace'] = '1'
    return r, s.post(base + '/upload/load', data=form)


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connect from another loopback address (127.0.0.N) to test per-address rules."""
    def __init__(self, source, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *a, **kw):
        kw['source_address'] = (self.source, 0)
        return super().init_poolmanager(*a, **kw)


def done():
    if FAILURES:
        print(f'{len(FAILURES)} check(s) failed')
        sys.exit(1)
    print('all checks passed')
