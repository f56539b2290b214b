#!/usr/bin/python3
"""Check that the committed sample data has the features the estimators
and their tests rely on, independently of the generator's own code:

  * every survey year has all 15 counties, in the frame and in responses;
  * every row follows codebook v1 (ranges, roles, pseudonymous codes that
    are unique statewide within a year, confirmed + suspected <= caseload);
  * respondents <= officers_total and sum caseload <= youth_total per county;
  * a census county (respondents == officers_total >= 2), and a county with
    a single respondent that is not a census (officers_total >= 2);
  * statewide confirmed prevalence (sum confirmed / sum caseload) 4%..8%;
  * 50%..70% of respondents report at least one confirmed youth.

Usage: check.py SAMPLE_DIR YEAR...   Prints one summary line per year;
exits 1 and says why when a feature is missing.
"""
import csv
import os
import re
import sys

COUNTIES = {
    "04001": "Apache", "04003": "Cochise", "04005": "Coconino", "04007": "Gila",
    "04009": "Graham", "04011": "Greenlee", "04012": "La Paz", "04013": "Maricopa",
    "04015": "Mohave", "04017": "Navajo", "04019": "Pima", "04021": "Pinal",
    "04023": "Santa Cruz", "04025": "Yavapai", "04027": "Yuma",
}
NAMES = set(COUNTIES.values())
ROLES = {"probation_officer", "supervisor", "other"}
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Codes must not look like a phone number, SSN or date: no run of more than
# seven digits once separators are ignored, and no date shapes.
PII_RE = re.compile(r"\d{3}[-. ]?\d{3}[-. ]?\d{4}|\d{3}-\d{2}-\d{4}|(19|20)\d\d-\d\d-\d\d")

problems = []


def fail(msg):
    problems.append(msg)


def county_name(value):
    return COUNTIES.get(value, value)


def read_csv(path, header):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != header:
        fail(f"{path}: header is {rows[0] if rows else None}")
        return []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            fail(f"{path}:{n}: {len(row)} fields")
    return [dict(zip(header, r)) for r in rows[1:]]


def check_year(sample, year):
    ydir = os.path.join(sample, str(year))
    frame = {}
    for r in read_csv(os.path.join(ydir, "frame.csv"),
                      ["survey_year", "county", "officers_total", "youth_total"]):
        frame[county_name(r["county"])] = (int(r["officers_total"]), int(r["youth_total"]))
        if int(r["survey_year"]) != year:
            fail(f"{year}: frame row for another year {r['survey_year']}")
    if set(frame) != NAMES:
        fail(f"{year}: frame counties {sorted(frame)}")

    header = ["survey_year", "county", "respondent_id", "role", "caseload",
              "confirmed", "suspected"]
    per = {name: [0, 0, 0] for name in NAMES}  # respondents, caseload, confirmed
    ids = set()
    respondents = caseload = confirmed = with_confirmed = 0
    files = sorted(f for f in os.listdir(ydir) if f.startswith("responses"))
    for f in files:
        for r in read_csv(os.path.join(ydir, f), header):
            where = f"{year}/{f}:{r['respondent_id']}"
            c = county_name(r["county"])
            if c not in NAMES:
                fail(f"{where}: county {r['county']}")
                continue
            if int(r["survey_year"]) != year:
                fail(f"{where}: survey_year {r['survey_year']}")
            rid = r["respondent_id"]
            if not ID_RE.match(rid) or PII_RE.search(rid):
                fail(f"{where}: respondent_id does not look pseudonymous")
            if rid in ids:
                fail(f"{where}: duplicate respondent_id")
            ids.add(rid)
            if r["role"] not in ROLES:
                fail(f"{where}: role {r['role']}")
            cl, co, su = int(r["caseload"]), int(r["confirmed"]), int(r["suspected"])
            if not (0 <= cl <= 1000 and co >= 0 and su >= 0 and co + su <= cl):
                fail(f"{where}: counts {cl},{co},{su}")
            per[c][0] += 1
            per[c][1] += cl
            per[c][2] += co
            respondents += 1
            caseload += cl
            confirmed += co
            with_confirmed += co > 0

    census, single = [], []
    for name in sorted(NAMES):
        n, cl, _ = per[name]
        officers, youth = frame.get(name, (0, 0))
        if n == 0:
            fail(f"{year}: no respondents in {name}")
        if n > officers:
            fail(f"{year}: {name} has {n} respondents but {officers} officers")
        if cl > youth:
            fail(f"{year}: {name} caseload {cl} exceeds youth_total {youth}")
        if n == officers and officers >= 2:
            census.append(f"{name} ({n} of {n})")
        if n == 1 and officers >= 2:
            single.append(f"{name} (1 of {officers})")
    if not census:
        fail(f"{year}: no census county with two or more officers")
    if not single:
        fail(f"{year}: no single-respondent county that is not a census")
    prevalence = confirmed / caseload if caseload else 0.0
    share = with_confirmed / respondents if respondents else 0.0
    if not 0.04 <= prevalence <= 0.08:
        fail(f"{year}: statewide prevalence {prevalence:.4f} outside 4%..8%")
    if not 0.50 <= share <= 0.70:
        fail(f"{year}: {share:.3f} of respondents have a confirmed youth, not 50%..70%")
    officers = sum(o for o, _ in frame.values())
    youth = sum(y for _, y in frame.values())
    print(f"{year}: {respondents} respondents of {officers} officers, caseload "
          f"{caseload} of {youth} youth, confirmed {confirmed} ({100 * prevalence:.2f}%), "
          f"{100 * share:.1f}% with a confirmed youth; census: {', '.join(census)}; "
          f"single respondent: {', '.join(single)}")


def main():
    sample, years = sys.argv[1], [int(y) for y in sys.argv[2:]]
    for year in years:
        check_year(sample, year)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
