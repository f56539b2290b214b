#!/usr/bin/env python3
"""SQL that loads one year of sample-data into the schema, for the report
and export tests:  load_sample.py SAMPLE_DIR YEAR | prevalence db psql -f -

It writes what a load stores (one batch per file with the file's sha256,
its rows active) without going through the collector, so that these tests
exercise the report and the export alone. Sample files have no quoted
fields (docs/codebook.md), so a split on commas reads them."""
import hashlib
import os
import sys


def rows(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        lines = [l.rstrip('\r\n') for l in f if l.strip()]
    head = lines[0].split(',')
    return [dict(zip(head, l.split(','))) for l in lines[1:]]


def q(s):
    return "'" + s.replace("'", "''") + "'"


def batch(kind, path, n):
    sha = hashlib.sha256(open(path, 'rb').read()).hexdigest()
    return (f"WITH b AS (INSERT INTO batches (kind, sha256, file_name, row_count, tool_version)"
            f" VALUES ({q(kind)}, {q(sha)}, {q(os.path.basename(path))}, {n}, 'test') "
            f"RETURNING batch_id)\n")


def main():
    sample, year = sys.argv[1], sys.argv[2]
    folder = os.path.join(sample, year)
    out = ['BEGIN;']
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.startswith('responses-') and name.endswith('.csv'):
            rs = rows(path)
            vals = ',\n'.join(
                f"({r['survey_year']}, {q(r['county'])}, {q(r['respondent_id'])}, "
                f"{q(r['role'])}, {r['caseload']}, {r['confirmed']}, {r['suspected']})"
                for r in rs)
            out.append(batch('responses', path, len(rs)) +
                       "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, role,"
                       " caseload, confirmed, suspected)\n"
                       "SELECT b.batch_id, v.y, k.fips, v.id, v.role, v.c, v.cf, v.s FROM b,"
                       f" (VALUES {vals}) AS v(y, county, id, role, c, cf, s)\n"
                       " JOIN counties k ON k.name = v.county OR k.fips = v.county;")
        elif name == 'frame.csv':
            rs = rows(path)
            vals = ',\n'.join(
                f"({r['survey_year']}, {q(r['county'])}, {r['officers_total']}, "
                f"{r['youth_total']})" for r in rs)
            out.append(batch('frame', path, len(rs)) +
                       "INSERT INTO frames (batch_id, survey_year, fips, officers_total,"
                       " youth_total)\n"
                       "SELECT b.batch_id, v.y, k.fips, v.o, v.t FROM b,"
                       f" (VALUES {vals}) AS v(y, county, o, t)\n"
                       " JOIN counties k ON k.name = v.county OR k.fips = v.county;")
    out.append('COMMIT;')
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
