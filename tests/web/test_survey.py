#!/usr/bin/env python3
"""The anonymous officer questionnaire (/r, `prevalence survey`), at the
HTTP level against a real server and a throw-away cluster: the flow with a
validation error and a changed answer, one row per code under concurrency
(200 codes at once; one code 20 times at once), revoked and closed codes,
the guessing brake (429), nothing about the client stored, no code in any
log, the codes' hashes only, a county loaded from a file refused, and the
estimates of a year collected through /r equal to the same answers loaded
as files. Run under tests/harness/with-cluster.sh."""
import concurrent.futures
import csv
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import (BIN, SRC, TMP, Server, SourceAdapter, check, done, psql, run,  # noqa
                     setup_accounts)
import requests


def codes(county, n, out):
    path = os.path.join(TMP, out)
    run('survey', 'codes', '--year', '2025', '--county', county, '--count', str(n),
        '--out', path)
    with open(path, newline='') as f:
        return [r['code'] for r in csv.DictReader(f)]


def answer(base, code, role='probation_officer', caseload=30, confirmed=1, suspected=2,
           session=None):
    """The whole flow for one code: code, answer, confirm. Returns the last response."""
    s = session or requests.Session()
    try:
        r = s.post(base + '/r', data={'step': 'code', 'code': code})
        if 'name="caseload"' not in r.text:
            return r
        fields = {'code': code, 'role': role, 'caseload': str(caseload),
                  'confirmed': str(confirmed), 'suspected': str(suspected)}
        r = s.post(base + '/r', data={'step': 'answer', **fields})
        if 'Please confirm' not in r.text:
            return r
        return s.post(base + '/r', data={'step': 'confirm', **fields})
    finally:
        if session is None:
            s.close()   # one connection per officer, not one left open each


setup_accounts()
# A frame where Pima has 300 officers, so that 230 of them can answer.
frame = os.path.join(TMP, 'frame-2025.csv')
with open(os.path.join(SRC, 'sample-data/2025/frame.csv')) as f, open(frame, 'w') as g:
    for line in f:
        g.write('2025,Pima,300,9000\n' if line.startswith('2025,Pima,') else line)
run('load', 'frame', '--replace', frame)
for c in ('maricopa',):
    run('load', 'responses', os.path.join(SRC, f'sample-data/2025/responses-{c}.csv'))
p = run('survey', 'codes', '--year', '2025', '--county', 'Pima', '--count', '1', '--out',
        os.path.join(TMP, 'early.csv'), check=False)
check(p.returncode == 65 and 'survey open' in p.stderr, 'codes before the year is open: 65')
run('survey', 'open', '--year', '2025', '--closes', '2099-12-31')
p = run('survey', 'codes', '--year', '2025', '--county', 'Maricopa', '--count', '3', '--out',
        os.path.join(TMP, 'mar.csv'), check=False)
check(p.returncode == 65 and 'already loaded from a file' in p.stderr and
      'responses-maricopa.csv' in p.stderr and not os.path.exists(os.path.join(TMP, 'mar.csv')),
      'codes for a county loaded from a file are refused, naming the file')

p = run('survey', 'codes', '--year', '2025', '--county', 'Yuma', '--count', '500', '--out',
        os.path.join(TMP, 'too-many.csv'), check=False)
check(p.returncode == 65 and 'more codes than officers' in p.stderr,
      'more codes than the frame has officers: refused')
pima = codes('Pima', 230, 'pima.csv')
yuma = codes('Yuma', 4, 'yuma.csv')
all_codes = pima + yuma
check(len(set(all_codes)) == len(all_codes) and
      all(re.fullmatch(r'[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}', c)
          for c in all_codes), 'codes: distinct, 3 groups of 4 from the look-alike-free alphabet')
check(psql('SELECT count(*) FROM survey_codes') == str(len(all_codes)) and
      psql("SELECT count(*) FROM survey_codes WHERE length(code_hash) = 32") == str(len(all_codes)),
      'every code is stored as a 32-byte keyed hash')
dump = subprocess.run([BIN, '-q', 'db', 'psql', '-X', '-A', '-t', '-c',
                       'SELECT encode(code_hash, \'escape\'), * FROM survey_codes'],
                      capture_output=True, text=True).stdout
check(not any(c.replace('-', '') in dump.upper() or c in dump for c in all_codes),
      'no code is stored in the clear')

srv = Server('--max-per-client', '256', '--threads', '8')
B = srv.base
# One pool of at most 24 connections for the concurrent officers (the
# questionnaire keeps no cookie, so they can share it).
pool = requests.Session()
pool.mount('http://', requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=24,
                                                    pool_block=True))
try:
    r = requests.get(B + '/r')
    check(r.status_code == 200 and '<label for="code">' in r.text and 'What counts' in r.text,
          'GET /r: the code form, labelled, with what counts')
    check('commercial sex act' in r.text and 'never a name' in r.text,
          'the page says what counts and to give numbers, never names')
    s = requests.Session()
    code = pima[0]
    r = s.post(B + '/r', data={'step': 'code', 'code': code.lower().replace('-', ' ')})
    check('name="caseload"' in r.text and 'Pima County' in r.text,
          'a code typed in lower case with spaces opens the Pima form')
    bad = {'step': 'answer', 'code': code, 'role': 'probation_officer', 'caseload': '10',
           'confirmed': '8', 'suspected': '5'}
    r = s.post(B + '/r', data=bad)
    check('aria-describedby="confirmed-error"' in r.text and 'id="confirmed-error"' in r.text
          and 'more than your caseload' in r.text and 'role="alert"' in r.text,
          'confirmed + suspected > caseload: the error next to its field, announced')
    r = s.post(B + '/r', data={**bad, 'caseload': '12%'})
    check('id="caseload-error"' in r.text and 'whole number' in r.text,
          'a percent sign in the caseload: its own error')
    check(psql('SELECT count(*) FROM survey_answers') == '0', 'nothing stored before confirming')
    r = answer(B, code, caseload=20, confirmed=1, suspected=3, session=s)
    check(r.status_code == 200 and 'Thank you' in r.text, 'fixed, confirmed: thank you')
    row = psql("SELECT role, caseload, confirmed, suspected, answered_on = current_date "
               "FROM survey_answers")
    check(row == 'probation_officer|20|1|3|t', f'the answer is stored ({row})')
    r = answer(B, code, role='supervisor', caseload=25, confirmed=2, suspected=0)
    check('replaced' in r.text, 'the same code changes its answer')
    row = psql("SELECT count(*), min(role), min(caseload) FROM survey_answers")
    check(row == '1|supervisor|25', f'the answer was replaced, not duplicated ({row})')

    # 200 officers at once: 200 rows
    batch = pima[1:201]
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        res = list(ex.map(lambda c: answer(B, c, caseload=40, confirmed=1, suspected=1,
                                           session=pool), batch))
    check(all('Thank you' in r.text for r in res), '200 concurrent officers all thanked')
    check(psql('SELECT count(*) FROM survey_answers') == '201', '200 concurrent codes: 200 rows')
    # one code 20 times at once (a double click, two devices): one row;
    # ten codes in turn, each sent 20 times at once on 16 connections
    same = pima[201:211]
    for one in same:
        fields = {'code': one, 'role': 'probation_officer', 'caseload': '30', 'confirmed': '0'}
        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            res = list(ex.map(lambda k: pool.post(B + '/r', data={
                'step': 'confirm', **fields, 'suspected': str(k % 5)}), range(20)))
        if not all(r.status_code == 200 and 'Thank you' in r.text for r in res):
            break
    check(all(r.status_code == 200 and 'Thank you' in r.text for r in res),
          'the same code 20 times at once: every request answered')
    check(psql('SELECT count(*) FROM survey_answers') == '211' and
          psql("SELECT count(*) FROM survey_codes WHERE state = 'used'") == '211',
          'the same code 20 times at once: exactly one row per code')

    # the questionnaire takes a small form only, and leaves no audit line
    r = requests.post(B + '/r', data={'step': 'code', 'code': 'x' * 20000})
    check(r.status_code == 413, f'a body over 16 KiB on /r: 413 (got {r.status_code})')

    # a revoked code
    run('survey', 'revoke', pima[212])
    r = answer(B, pima[212])
    check('withdrawn' in r.text and 'name="caseload"' not in r.text, 'a revoked code is refused')
    p = run('survey', 'revoke', pima[0], check=False)
    check(p.returncode == 65, 'a used code cannot be revoked')

    # the guessing brake, per client address
    g = requests.Session()
    g.mount('http://', SourceAdapter('127.0.0.7'))
    statuses = [g.post(B + '/r', data={'step': 'code', 'code': f'2222-2222-22{a}{b}'}).status_code
                for a in '2345' for b in '23456']
    check(statuses[:20] == [200] * 20, 'wrong codes: 20 answered with the form')
    r = g.post(B + '/r', data={'step': 'code', 'code': pima[213]})
    check(r.status_code == 429 and 'name="caseload"' not in r.text,
          'the 21st attempt in ten minutes, even with a good code: 429')
    r = answer(B, pima[213])
    check('Thank you' in r.text, 'another address is not held back')

    # anonymity: nothing about the client, no time of day
    cols = psql("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) "
                "FROM information_schema.columns WHERE table_name = 'survey_answers'")
    check(cols == 'answer_id:text,answered_on:date,caseload:integer,confirmed:integer,'
                  'fips:text,role:text,survey_year:integer,suspected:integer',
          f'an answer row holds the answer and its date only ({cols})')
    audit = psql("SELECT count(*) FROM audit_log WHERE client LIKE '127.%' AND action "
                 "NOT IN ('login', 'login_failed', 'logout')")
    check(audit == '0', 'the questionnaire writes nothing to the audit log')
    check(psql("SELECT count(*) FROM survey_answers a JOIN survey_codes c USING (answer_id) "
               "WHERE a.answer_id <> c.answer_id") == '0', 'consistency')
    priv = psql("SELECT has_table_privilege('prevalence_analyst', 'survey_codes', 'SELECT')::text"
                " || has_table_privilege('prevalence_reader', 'survey_answers', 'SELECT')::text"
                " || has_table_privilege('prevalence_collector', 'survey_codes', 'SELECT')::text")
    check(priv == 'falsefalsefalse', 'no role but the service and the owner reads codes or answers')
    ids = psql("SELECT string_agg(answer_id, ' ') FROM survey_answers").split()
    check(all(re.fullmatch(r'Q(-\d{3}){5}', i) for i in ids) and len(set(ids)) == len(ids),
          'answer ids are fresh random Q-ddd-ddd-ddd-ddd-ddd, not codes')

    # Yuma answers too; then close
    for c in yuma[:3]:
        answer(B, c, caseload=35, confirmed=2, suspected=1)
    p = run('survey', 'status', '--year', '2025')
    check(re.search(r'Pima\s+230\s+212\s+1\s+212\s', p.stdout) is not None,
          f'status: Pima 230 issued, 212 used, 1 revoked, 212 answers\n{p.stdout}')
    from webtest import login
    adm = login(B, 'root')
    page = adm.get(B + '/?year=2025').text
    row = re.search(r'<tr id="q-04019">(.*?)</tr>', page)
    check(row is not None and re.findall(r'<td class="n">([^<]*)</td>', row.group(1))
          == ['230', '212', '212', '300', '71%'],
          f'dashboard: Pima codes issued, used, answers, officers, response rate '
          f'({row.group(1) if row else None})')
    check('q-04027' in page and 'Counts only' in page, 'dashboard: every county with codes')
    yp = login(B, 'yuma').get(B + '/?year=2025').text
    check('q-04027' in yp and 'q-04019' not in yp, 'a specialist sees only their county')
    run('survey', 'close', '--year', '2025')
    r = answer(B, pima[0])
    check('closed' in r.text and 'name="caseload"' not in r.text,
          'after closing, a used code cannot change its answer')
    r = answer(B, pima[220])
    check('closed' in r.text, 'after closing, an unused code cannot answer')
finally:
    rc = srv.stop()
    check(rc in (0, -15), f'the server stopped cleanly ({rc})')

# no code in any log line
with open(srv.log.name, encoding='utf-8', errors='replace') as f:
    log = f.read()
check(not any(c in log or c.replace('-', '') in log for c in all_codes),
      'the server log holds no access code')
check(psql("SELECT count(*) FROM audit_log WHERE result ~ '[2-9A-Z]{4}-[2-9A-Z]{4}'") == '0',
      'the audit log holds no access code')

# the year collected through /r equals the same answers loaded as files
batches = psql("SELECT string_agg(file_name, ',' ORDER BY file_name) FROM batches "
               "WHERE kind = 'responses' AND NOT superseded")
check('questionnaire-pima-2025.csv' in batches and 'questionnaire-yuma-2025.csv' in batches,
      f'closing loaded one batch per county ({batches})')
web = run('estimate', '--year', '2025', '--measure', 'all', '--format', 'csv').stdout
rows = psql("SELECT c.name || ',' || a.answer_id || ',' || a.role || ',' || a.caseload || ','"
            " || a.confirmed || ',' || a.suspected FROM survey_answers a "
            "JOIN counties c USING (fips) ORDER BY 1").splitlines()
home2 = os.path.join(TMP, 'files-home')
files = []
for county in ('Pima', 'Yuma'):
    path = os.path.join(TMP, f'files-{county}.csv')
    with open(path, 'w') as f:
        f.write('survey_year,county,respondent_id,role,caseload,confirmed,suspected\n')
        for line in rows:
            if line.startswith(county + ','):
                f.write('2025,' + line + '\n')
    files.append(path)
env = dict(os.environ, PREVALENCE_HOME=home2)
try:
    for args in (['init'], ['load', 'frame', frame],
                 ['load', 'responses', os.path.join(SRC, 'sample-data/2025/responses-maricopa.csv'),
                  *files]):
        subprocess.run([BIN, '-q', *args], env=env, check=True, capture_output=True)
    loaded = subprocess.run([BIN, '-q', 'estimate', '--year', '2025', '--measure', 'all',
                             '--format', 'csv'], env=env, check=True, capture_output=True,
                            text=True).stdout
    check(loaded == web and len(web.splitlines()) > 10,
          'the estimates of the year collected through /r equal those of the same answers '
          'loaded as files, to the last digit')
    # and the same report: every published table, cell for cell
    out_web, out_files = os.path.join(TMP, 'report-web'), os.path.join(TMP, 'report-files')
    run('report', '--year', '2025', '--out', out_web)
    subprocess.run([BIN, '-q', 'report', '--year', '2025', '--out', out_files], env=env,
                   check=True, capture_output=True)
    same = True
    for name in ('county_estimates_2025.csv', 'officer_measure_2025.csv', 'notes_2025.csv'):
        with open(os.path.join(out_web, 'tables', name), 'rb') as a, \
                open(os.path.join(out_files, 'tables', name), 'rb') as b:
            same = same and a.read() == b.read()
    check(same, 'the report of the year collected through /r publishes the same tables as the '
                'report of the same answers loaded as files')
finally:
    subprocess.run([BIN, '-q', 'db', 'stop'], env=env, capture_output=True)
done()
