#!/usr/bin/env python3
"""Benchmark of `prevalence serve` (not a test): 15 specialists upload their
county's file at once while 50 dashboard readers read, on loopback, bounded
(ROUNDS rounds, each upload replaces the county's earlier file). Prints
throughput and p50/p95 latencies; results in docs/performance.md.
  tests/harness/with-cluster.sh python3 bench/web_load.py [ROUNDS]
(needs PREVALENCE_BIN and PREVALENCE_SOURCE_DIR, as the tests)."""
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ['PREVALENCE_SOURCE_DIR'], 'tests', 'web'))
from webtest import SRC, Server, login, psql, setup_accounts, upload  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
COUNTIES = ['pima', 'maricopa', 'apache', 'cochise', 'coconino', 'gila', 'graham',
            'greenlee', 'la-paz', 'mohave', 'navajo', 'pinal', 'santa-cruz', 'yavapai', 'yuma']
setup_accounts()
srv = Server('--max-per-client', '256', '--threads', '4')
B = srv.base
up_lat, read_lat, errors = [], [], []
lock = threading.Lock()
stop = threading.Event()


def specialist(name):
    s = login(B, name)
    for i in range(ROUNDS):
        year = 2023 + i % 3
        t0 = time.monotonic()
        chk, ld = upload(s, B, os.path.join(SRC, f'sample-data/{year}/responses-{name}.csv'))
        with lock:
            up_lat.append(time.monotonic() - t0)
            if ld is None or ld.status_code != 200:
                errors.append((name, chk.status_code, ld and ld.status_code))


def reader():
    s = login(B, 'ana')
    while not stop.is_set():
        t0 = time.monotonic()
        r = s.get(B + '/?year=2025')
        with lock:
            read_lat.append(time.monotonic() - t0)
            if r.status_code != 200:
                errors.append(('reader', r.status_code))


for y in (2023, 2024):
    import subprocess
    subprocess.run([os.environ['PREVALENCE_BIN'], '-q', 'load', 'frame',
                    os.path.join(SRC, f'sample-data/{y}/frame.csv')], check=True)
readers = [threading.Thread(target=reader) for _ in range(50)]
ups = [threading.Thread(target=specialist, args=(c,)) for c in COUNTIES]
t0 = time.monotonic()
for t in readers + ups:
    t.start()
for t in ups:
    t.join()
elapsed = time.monotonic() - t0
stop.set()
for t in readers:
    t.join()
srv.stop()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000 if xs else float('nan')


print(f'{len(up_lat)} uploads (check+load) and {len(read_lat)} dashboard reads in {elapsed:.1f} s')
print(f'uploads: {len(up_lat) / elapsed:.1f}/s, p50 {pct(up_lat, 50):.0f} ms, p95 {pct(up_lat, 95):.0f} ms')
print(f'dashboard: {len(read_lat) / elapsed:.1f}/s, p50 {pct(read_lat, 50):.0f} ms, '
      f'p95 {pct(read_lat, 95):.0f} ms')
print(f'errors: {len(errors)} {errors[:3]}')
print('batches per county-year:', psql("SELECT count(*) FROM batches WHERE kind='responses'"))
