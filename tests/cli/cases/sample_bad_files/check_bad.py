#!/usr/bin/python3
"""An independent, minimal codebook-v1 validator for responses files, used
to show that each file in sample-data/bad/ has exactly the one problem its
name says (and that bom-crlf-valid.csv has none), so that a collector test
failing on one of them fails for the intended reason.

Usage: check_bad.py SAMPLE_DIR
Prints, per file, the problems found as LINE:COLUMN:KIND (column empty when
the problem is the whole line). Rows are also checked against
SAMPLE_DIR/2025/frame.csv, as if the file were loaded alone.
"""
import csv
import io
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
HEADER = ["survey_year", "county", "respondent_id", "role", "caseload", "confirmed",
          "suspected"]
ROLES = {"probation_officer", "supervisor", "other"}
PII_COLUMNS = {"name", "first_name", "last_name", "full_name", "dob", "date_of_birth",
               "birth_date", "birthdate", "ssn", "phone", "email", "address"}
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PII_ID = [
    re.compile(r"^\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}$"),        # phone
    re.compile(r"^\d{3}-?\d{2}-?\d{4}$"),                      # SSN
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[-/]\d{1,2}[-/]\d{2,4}$"),  # date
]


def county_name(value):
    return COUNTIES.get(value, value)


def read_frame(path):
    frame = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            frame[county_name(r["county"])] = (int(r["officers_total"]), int(r["youth_total"]))
    return frame


def integer(value, lo, hi):
    if not re.fullmatch(r"\d+", value):
        return None
    v = int(value)
    return v if lo <= v <= hi else None


def validate(path, frame):
    """Problems as (line, column, kind), and the valid rows."""
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line_start = raw.rfind(b"\n", 0, e.start) + 1
        line = raw.count(b"\n", 0, e.start) + 1
        field = raw.count(b",", line_start, e.start)
        first = raw[:raw.find(b"\n")].decode("utf-8", "replace").strip().split(",")
        return [(line, first[field] if field < len(first) else "", "invalid-utf8")], []
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header = rows[0]
    problems = []
    for i, col in enumerate(header):
        if col.strip().lower() in PII_COLUMNS:
            problems.append((1, col, "pii-column"))
        elif col not in HEADER:
            problems.append((1, col, "unknown-column"))
    if any(col not in header for col in HEADER):
        problems.append((1, "", "missing-column"))
    if problems:
        return problems, []

    seen, counts, good = {}, {}, []
    for n, fields in enumerate(rows[1:], start=2):
        if len(fields) != len(header):
            problems.append((n, "", "field-count"))
            continue
        r = dict(zip(header, fields))
        bad = len(problems)
        county = county_name(r["county"])
        if county not in NAMES:
            problems.append((n, "county", "unknown-county"))
        if integer(r["survey_year"], 2000, 2100) is None:
            problems.append((n, "survey_year", "bad-year"))
        rid = r["respondent_id"]
        if not ID_RE.match(rid):
            problems.append((n, "respondent_id", "bad-respondent-id"))
        elif any(p.match(rid) for p in PII_ID):
            problems.append((n, "respondent_id", "pii-respondent-id"))
        elif (r["survey_year"], rid) in seen:
            problems.append((n, "respondent_id", "duplicate-respondent"))
        else:
            seen[(r["survey_year"], rid)] = n
        if r["role"] not in ROLES:
            problems.append((n, "role", "bad-role"))
        cl = integer(r["caseload"], 0, 1000)
        co = integer(r["confirmed"], 0, 1000)
        su = integer(r["suspected"], 0, 1000)
        if cl is None or co is None or su is None:
            problems.append((n, "caseload", "bad-number"))
        elif co + su > cl:
            problems.append((n, "confirmed", "counts-exceed-caseload"))
        if len(problems) == bad:
            c = counts.setdefault(county, [0, 0])
            c[0] += 1
            c[1] += cl
            good.append((int(r["survey_year"]), county, rid, r["role"], cl, co, su))
    for county, (n, cl) in sorted(counts.items()):
        officers, youth = frame[county]
        if n > officers:
            problems.append((0, county, "more-respondents-than-officers"))
        if cl > youth:
            problems.append((0, county, "caseload-exceeds-youth"))
    return problems, good


def main():
    sample = sys.argv[1]
    frame = read_frame(os.path.join(sample, "2025", "frame.csv"))
    bad_dir = os.path.join(sample, "bad")
    status = 0
    for name in sorted(f for f in os.listdir(bad_dir) if f.endswith(".csv")):
        problems, good = validate(os.path.join(bad_dir, name), frame)
        found = " ".join(f"{line}:{col}:{kind}" for line, col, kind in problems)
        print(f"{name}: {found or 'valid'}")
        # The valid file carries the 2025 sample rows of three counties.
        if name == "bom-crlf-valid.csv":
            want = []
            for slug in ("la-paz", "santa-cruz", "yuma"):
                p = os.path.join(sample, "2025", f"responses-{slug}.csv")
                with open(p, newline="", encoding="utf-8") as f:
                    for r in csv.DictReader(f):
                        want.append((int(r["survey_year"]), r["county"], r["respondent_id"],
                                     r["role"], int(r["caseload"]), int(r["confirmed"]),
                                     int(r["suspected"])))
            if good != want:
                print(f"{name}: rows differ from the 2025 sample rows", file=sys.stderr)
                status = 1
        elif len(problems) != 1:
            print(f"{name}: {len(problems)} problems, want exactly one", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
