#!/usr/bin/env python3
"""HTTP-level checks of every request-security rule of `prevalence serve`
(docs/commands/serve.md), one check per rule, against a real server and a
throw-away cluster (run under tests/harness/with-cluster.sh)."""
import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import (SRC, Server, check, check_headers, done, login, page_csrf, psql,  # noqa
                     setup_accounts, upload, csrf_of, run, TMP)
import requests

setup_accounts()
srv = Server('--max-upload', '200000')
B = srv.base
seen = []          # every response, for the headers rule
batches = lambda: psql('SELECT count(*) FROM batches')  # noqa: E731


def keep(r):
    seen.append(r)
    return r


try:
    pima = login(B, 'pima')
    check(pima.last_login.status_code == 303 and 'HttpOnly' in
          pima.last_login.headers.get('Set-Cookie', '') and 'SameSite=Strict' in
          pima.last_login.headers.get('Set-Cookie', ''), 'login sets an HttpOnly, SameSite=Strict cookie')
    keep(pima.last_login)
    cookie = pima.cookies.get('prevalence_session')
    check(cookie is not None and len(cookie) == 64, 'session token is 256 bits (64 hex digits)')
    check(psql(f"SELECT count(*) FROM web_sessions WHERE token_sha256 = '{cookie}'") == '0',
          'the token itself is not stored')
    good = os.path.join(SRC, 'sample-data/2025/responses-pima.csv')

    # --- CSRF: missing or wrong token -> 403, nothing changed
    n0 = batches()
    with open(good, 'rb') as f:
        data = f.read()
    r = keep(pima.post(B + '/upload', files={'file': ('responses-pima.csv', data)},
                       data={'kind': 'responses'}))
    check(r.status_code == 403, f'upload without CSRF token -> 403 (got {r.status_code})')
    r = keep(pima.post(B + '/upload', files={'file': ('responses-pima.csv', data)},
                       data={'kind': 'responses', 'csrf': 'a' * 64}))
    check(r.status_code == 403, f'upload with a wrong CSRF token -> 403 (got {r.status_code})')
    chk, _ = upload(pima, B, good, load=False)
    import re
    pid = re.search(r'name="id" value="([0-9a-f]+)"', chk.text).group(1)
    r = keep(pima.post(B + '/upload/load', data={'id': pid}))
    check(r.status_code == 403, f'load without CSRF token -> 403 (got {r.status_code})')
    r = keep(pima.post(B + '/upload/load', data={'id': pid, 'csrf': '0' * 64}))
    check(r.status_code == 403, f'load with a wrong CSRF token -> 403 (got {r.status_code})')
    r = keep(pima.post(B + '/logout', data={}))
    check(r.status_code == 403, 'logout without CSRF token -> 403')
    check(batches() == n0, 'nothing loaded by the refused POSTs')
    check(keep(pima.get(B + '/', allow_redirects=False)).status_code == 200,
          'the session survives a refused logout')
    r = requests.Session()
    t = r.get(B + '/login')
    keep(r.post(B + '/login', data={'csrf': 'b' * 64, 'name': 'pima',
                                    'password': 'pima-pw-123456'}, allow_redirects=False))
    check(seen[-1].status_code == 403, 'login with a CSRF token that is not its cookie -> 403')

    # --- another county's rows -> 403, naming the lines, nothing loaded
    chk, ld = upload(pima, B, os.path.join(SRC, 'sample-data/2025/responses-maricopa.csv'))
    keep(chk)
    check(chk.status_code == 403 and ld is None, f'another county\'s file -> 403 (got {chk.status_code})')
    check('this account sends Pima' in chk.text and '<td class="n">2</td>' in chk.text,
          'the refusal names the lines of the other county')
    check(batches() == n0, 'nothing of another county loaded')
    r = keep(pima.post(B + '/upload', data={'csrf': page_csrf(pima, B), 'kind': 'frame'},
                       files={'file': ('frame.csv', open(os.path.join(SRC, 'sample-data/2025/frame.csv'), 'rb').read())}))
    check(r.status_code == 403, 'a specialist may not upload the frame')

    # --- authorization by role and county
    r = keep(pima.get(B + '/download/report.html?year=2025'))
    check(r.status_code == 403, f'a specialist cannot download the report (got {r.status_code})')
    st = keep(pima.get(B + '/api/v1/status?year=2025')).json()
    check(len(st) == 1 and st[0]['county'] == 'Pima', 'a specialist\'s API shows their county only')
    r = keep(pima.get(B + '/?year=2025'))
    check('Maricopa' not in r.text, 'a specialist\'s dashboard shows no other county')

    # --- load the good file; idempotent by sha256
    chk, ld = upload(pima, B, good)
    check(ld is not None and ld.status_code == 200 and 'Loaded 20 rows' in ld.text,
          'a clean file loads')
    chk, ld = upload(pima, B, good)
    check('already loaded as batch' in chk.text, 'the same file again: already loaded')

    # --- over the limit -> 413, nothing loaded (with Content-Length, and chunked)
    n1 = batches()
    big = b'survey_year,county,respondent_id,role,caseload,confirmed,suspected\n' + \
          b'2025,Pima,P9999,probation_officer,10,1,0\n' * 6000
    r = keep(pima.post(B + '/upload', data={'csrf': page_csrf(pima, B), 'kind': 'responses'},
                       files={'file': ('responses-pima.csv', big)}))
    check(r.status_code == 413, f'upload over --max-upload -> 413 (got {r.status_code})')
    tok = page_csrf(pima, B)
    body = (b'--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + tok.encode()
            + b'\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
            b'Content-Type: text/csv\r\n\r\n' + big + b'\r\n--XyZ--\r\n')
    r = keep(pima.post(B + '/upload', data=(body[i:i + 65536] for i in range(0, len(body), 65536)),
                       headers={'Content-Type': 'multipart/form-data; boundary=XyZ'}))
    check(r.status_code == 413, f'chunked upload over --max-upload -> 413 (got {r.status_code})')
    check(batches() == n1, 'nothing loaded from a refused large upload')

    # --- malformed multipart -> 400
    r = keep(pima.post(B + '/upload', data=b'--XyZ\r\nthis is not a part\r\n',
                       headers={'Content-Type': 'multipart/form-data; boundary=XyZ'}))
    check(r.status_code == 400, f'malformed multipart -> 400 (got {r.status_code})')
    r = keep(pima.post(B + '/upload', data=b'x=1',
                       headers={'Content-Type': 'multipart/form-data'}))
    check(r.status_code == 400, f'multipart without boundary -> 400 (got {r.status_code})')
    check(batches() == n1, 'nothing loaded from malformed forms')

    # --- unknown paths and '..' -> 404
    for path in ['/nope', '/../etc/passwd', '/download/../../etc/passwd', '/%2e%2e/etc/passwd',
                 '/upload/../../../etc/passwd', '/api/v1/../../../etc/passwd', '/static/x.css']:
        c = http.client.HTTPConnection('127.0.0.1', srv.port, timeout=10)
        c.putrequest('GET', path, skip_accept_encoding=True)
        c.putheader('Cookie', 'prevalence_session=' + cookie)
        c.endheaders()
        resp = c.getresponse()
        body = resp.read()
        check(resp.status == 404 and b'root:' not in body, f'GET {path} -> 404 (got {resp.status})')
        for k, v in {'Content-Security-Policy': "default-src 'none'",
                     'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer'}.items():
            check(v in (resp.getheader(k) or ''), f'GET {path}: header {k}')
        c.close()

    # --- expired sessions (idle 30 min, absolute 8 h) and logged-out sessions
    for name, sql in [('idle', "last_seen = now() - interval '31 minutes'"),
                      ('absolute', "created_at = now() - interval '8 hours 1 minute'")]:
        s = login(B, 'apache')
        tok = s.cookies.get('prevalence_session')
        check(keep(s.get(B + '/', allow_redirects=False)).status_code == 200, f'{name}: session works')
        psql(f"UPDATE web_sessions SET {sql} WHERE account_id = "
             f"(SELECT account_id FROM web_accounts WHERE name = 'apache')")
        r = keep(s.get(B + '/', allow_redirects=False))
        check(r.status_code == 303 and r.headers.get('Location') == '/login',
              f'{name}-expired session -> sign in again (got {r.status_code})')
        check(keep(s.get(B + '/api/v1/status')).status_code == 401, f'{name}-expired session: API 401')
    s = login(B, 'cochise')
    tok = s.cookies.get('prevalence_session')
    keep(s.post(B + '/logout', data={'csrf': page_csrf(s, B)}, allow_redirects=False))
    check(psql("SELECT count(*) FROM web_sessions s JOIN web_accounts a USING (account_id) "
               "WHERE a.name = 'cochise'") == '0', 'logout deletes the session server-side')
    r = keep(requests.get(B + '/api/v1/status', cookies={'prevalence_session': tok}))
    check(r.status_code == 401, f'a logged-out token is refused (got {r.status_code})')

    # --- analyst downloads
    ana = login(B, 'ana')
    r = keep(ana.get(B + '/download/report.html?year=2025'))
    check(r.status_code == 200 and '<html' in r.text and 'attachment' in
          r.headers.get('Content-Disposition', ''), 'the analyst downloads report.html')
    r = keep(ana.get(B + '/download/county_estimates.csv?year=2025'))
    check(r.status_code == 200 and r.text.startswith('county') or 'fips' in r.text[:200],
          'the analyst downloads the protected county table')
    # the same library call as `prevalence report`: the same cells, the
    # model-based columns included (the other counties loaded first, so
    # that the model can be fitted)
    import glob
    others = [f for f in sorted(glob.glob(os.path.join(SRC, 'sample-data/2025/responses-*.csv')))
              if not f.endswith('-pima.csv')]
    run('load', 'responses', *others)
    r = keep(ana.get(B + '/download/county_estimates.csv?year=2025'))
    cli_out = os.path.join(TMP, 'cli-report')
    run('report', '--year', '2025', '--out', cli_out)
    check(r.headers.get('Content-Disposition', '').endswith('filename="county_estimates_2025.csv"'),
          'the downloaded table keeps its file name, with the year')
    with open(os.path.join(cli_out, 'tables', 'county_estimates_2025.csv'), encoding='utf-8',
              newline='') as f:
        cli_table = f.read()
    check(r.text == cli_table and 'sae_estimate_pct' in r.text,
          'the downloaded county table equals the one prevalence report writes')
    r = keep(ana.get(B + '/download/export.tar.gz?year=2025'))
    check(r.status_code == 200 and r.content[:2] == b'\x1f\x8b', 'the partner bundle is a .tar.gz')

    # --- throttling: per account (from five addresses) and per address
    for i in range(5):
        s = login(B, 'yuma', 'wrong-password-1', source=f'127.0.0.{10 + i}')
        check(s.last_login.status_code == 401, f'wrong password {i + 1} -> 401')
    s = login(B, 'yuma', source='127.0.0.20')
    keep(s.last_login)
    check(s.last_login.status_code == 429, f'6th attempt on the account -> 429, even with the '
          f'right password (got {s.last_login.status_code})')
    for i in range(5):
        login(B, f'nobody{i}', 'wrong-password-1', source='127.0.0.30')
    s = login(B, 'yavapai', source='127.0.0.30')
    keep(s.last_login)
    check(s.last_login.status_code == 429, f'6th failure from one address -> 429 (got '
          f'{s.last_login.status_code})')
    s = login(B, 'yavapai', source='127.0.0.31')
    check(s.last_login.status_code == 303, 'another address still signs in')
    audit = psql("SELECT string_agg(DISTINCT action, ',' ORDER BY action) FROM audit_log")
    for a in ['login', 'login_failed', 'login_throttled', 'logout', 'check', 'load', 'download',
              'account_add', 'denied']:
        check(a in audit.split(','), f'audit log has {a}')
    check(psql("SELECT count(*) FROM audit_log WHERE result LIKE '%pw-123456%' OR account LIKE "
               "'%wrong-password%' OR account LIKE 'nobody%'") == '0',
          'no password and no unknown name in the audit log')

    # --- security headers on every response seen
    for r in seen:
        check_headers(r, f'{r.request.method} {r.request.path_url} {r.status_code}')
    check(len(seen) > 25, f'headers checked on {len(seen)} responses')
finally:
    rc = srv.stop()
check(rc == 0, f'SIGTERM: the server exits 0 (got {rc})')
done()
