#!/usr/bin/env python3
"""Concurrency and crashes (small, correctness only; bench/web_load.py is
the benchmark): 15 specialists upload their county's file at once while
dashboard readers read; every file is loaded exactly once and no response
is an error; the same file twice at once gives one batch. Then SIGKILL of
the server in the middle of a large load leaves no partial batch, and after
a restart the file loads once; SIGTERM lets a load in progress finish."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import (BIN, SRC, TMP, Server, check, done, login, psql, setup_accounts,  # noqa
                     upload)

COUNTIES = ['pima', 'maricopa', 'apache', 'cochise', 'coconino', 'gila', 'graham',
            'greenlee', 'la-paz', 'mohave', 'navajo', 'pinal', 'santa-cruz', 'yavapai', 'yuma']
READERS = int(os.environ.get('WEB_TEST_READERS', '10'))

setup_accounts()
srv = Server('--max-per-client', '128', '--threads', '4')
B = srv.base
errors = []
lock = threading.Lock()


def specialist(name):
    try:
        s = login(B, name)
        chk, ld = upload(s, B, os.path.join(SRC, f'sample-data/2025/responses-{name}.csv'))
        if ld is None or ld.status_code != 200 or 'Loaded' not in ld.text:
            with lock:
                errors.append(f'{name}: {chk.status_code} {ld and ld.status_code}')
    except Exception as e:      # noqa: BLE001
        with lock:
            errors.append(f'{name}: {e}')


def reader(i):
    try:
        s = login(B, 'ana')
        for _ in range(5):
            r = s.get(B + '/?year=2025')
            if r.status_code != 200:
                with lock:
                    errors.append(f'reader {i}: {r.status_code}')
    except Exception as e:      # noqa: BLE001
        with lock:
            errors.append(f'reader {i}: {e}')


try:
    threads = [threading.Thread(target=specialist, args=(c,)) for c in COUNTIES]
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    check(not errors, f'15 uploads and {READERS} readers at once: no error ({errors[:3]})')
    check(psql("SELECT count(*) FROM batches WHERE kind = 'responses' AND NOT superseded")
          == '15', 'every county file loaded exactly once')
    expected = sum(sum(1 for line in open(os.path.join(SRC, f'sample-data/2025/responses-{c}.csv'))
                       if line.strip()) - 1 for c in COUNTIES)
    got = psql("SELECT count(*) FROM responses WHERE active AND survey_year = 2025")
    check(got == str(expected), f'{got} rows loaded, as in the files ({expected})')

    # the same (new) file uploaded twice at once: one batch
    other = os.path.join(TMP, 'responses-pima-2024.csv')
    with open(os.path.join(SRC, 'sample-data/2024/responses-pima.csv'), 'rb') as f:
        open(other, 'wb').write(f.read())
    run_frame = subprocess.run([BIN, '-q', 'load', 'frame',
                                os.path.join(SRC, 'sample-data/2024/frame.csv')])
    outs = []

    def twice():
        s = login(B, 'pima')
        chk, ld = upload(s, B, other)
        # the second says so at its check, or at its load under the lock
        outs.append(ld.text if ld is not None else chk.text)
    ts = [threading.Thread(target=twice) for _ in range(2)]
    [t.start() for t in ts]
    [t.join(120) for t in ts]
    check(psql("SELECT count(*) FROM batch_scope WHERE survey_year = 2024 AND fips = '04019'"
               " AND batch_id IN (SELECT batch_id FROM batches WHERE kind = 'responses')")
          == '1', 'the same file twice at once: one batch')
    check(sum('Loaded' in o for o in outs) == 1 and sum('lready loaded' in o for o in outs) == 1,
          'one upload loads it, the other says already loaded')
finally:
    srv.stop()

# --- SIGKILL mid-load, then restart
big_dir = os.path.join(TMP, 'big')
subprocess.run([BIN, '-q', 'synth', '--seed', '7', '--out', big_dir, '--year', '2030',
                '--scale', '100000', '--single-file'], check=True)
big = os.path.join(big_dir, '2030', 'responses.csv')
subprocess.run([BIN, '-q', 'load', 'frame', os.path.join(big_dir, '2030', 'frame.csv')],
               check=True)
before = psql('SELECT count(*) FROM batches'), psql('SELECT count(*) FROM responses')
# the servers' upload folders in a folder of this test's own
SRV_TMP = os.path.join(TMP, 'srv-tmp')
os.makedirs(SRV_TMP, exist_ok=True)
os.environ['TMPDIR'] = SRV_TMP
srv = Server('--max-upload', str(256 * 1024 * 1024))
root = login(srv.base, 'root')
chk, _ = upload(root, srv.base, big, load=False)
import re  # noqa: E402
pid = re.search(r'name="id" value="([0-9a-f]+)"', chk.text)
check(pid is not None, 'the large file checks clean')
tok = re.search(r'name="csrf" value="([0-9a-f]+)"', chk.text).group(1)
# Hold the year's load lock elsewhere, so that the server's load has sent
# every row in its open transaction and waits there: killed at that point,
# deterministically mid-load.
holder = subprocess.Popen([BIN, '-q', 'db', 'psql', '-X', '-c',
                           'BEGIN; SELECT prevalence_lock_load_years(ARRAY[2030]); '
                           'SELECT pg_sleep(120); COMMIT;'],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.5)


def doomed_load():
    try:
        root.post(srv.base + '/upload/load', data={'csrf': tok, 'id': pid.group(1)})
    except Exception:       # noqa: BLE001  (the server is killed under it)
        pass


t = threading.Thread(target=doomed_load)
t.daemon = True
t.start()
waiting = False
for _ in range(600):
    if psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
            "query LIKE '%prevalence_lock_load_years%'") != '0':
        waiting = True
        break
    time.sleep(0.05)
check(waiting, 'the load reached the year lock with its rows sent')
srv.stop(9)
psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE "
     "'%pg_sleep(120)%' AND pid <> pg_backend_pid()")
holder.wait(30)
for _ in range(200):
    if psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
            "'%prevalence_lock_load_years%' AND pid <> pg_backend_pid()") == '0':
        break
    time.sleep(0.05)
after = psql('SELECT count(*) FROM batches'), psql('SELECT count(*) FROM responses')
check(after == before, f'SIGKILL mid-load: no batch, no row ({before} -> {after})')
import glob  # noqa: E402
left = glob.glob(os.path.join(SRV_TMP, 'prevalence-serve.*'))
check(len(left) == 1 and glob.glob(os.path.join(left[0], 'u*', '*')),
      f'the killed server left its upload folder with the file in it ({left})')
srv = Server('--max-upload', str(256 * 1024 * 1024))
now = glob.glob(os.path.join(SRV_TMP, 'prevalence-serve.*'))
check(left[0] not in now and len(now) == 1,
      f'the next server removes the upload folder nobody holds ({left} -> {now})')
root = login(srv.base, 'root')
_, ld = upload(root, srv.base, big)
check(ld is not None and 'Loaded 100000 rows' in ld.text, 'after a restart the file loads')
_, ld2 = upload(root, srv.base, big)
check(psql("SELECT count(*) FROM batch_scope s JOIN batches b USING (batch_id) WHERE "
           "b.kind = 'responses' AND s.survey_year = 2030") != '0'
      and psql("SELECT count(DISTINCT batch_id) FROM responses WHERE survey_year = 2030") == '1',
      'and exactly once')
srv.stop()
done()
