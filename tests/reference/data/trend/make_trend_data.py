#!/usr/bin/python3
"""Synthetic survey files for the trend goldens (tests/reference/make_trend_goldens.R).

Two data sets, three annual surveys each (2023-2025), written next to this
script; the same seed always gives the same bytes:

  three-years/  all fifteen counties every year, like the sample data.
                Greenlee is a census (every officer answers), so its
                estimates have no sampling variance; its 2024 survey found
                no confirmed case, so the ratio of that year is undefined.
  gap/          the same with another seed, except that La Paz did not take
                part in 2024: no frame row and no responses that year.

Files per data set and year in the codebook v1 layout of sample-data/
(one folder per year, all counties in one responses file):
  YEAR/responses.csv  survey_year,county,respondent_id,role,caseload,confirmed,suspected
  YEAR/frame.csv      survey_year,county,officers_total,youth_total

Usage: make_trend_data.py   (run from anywhere; rewrites the files)
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
YEARS = (2023, 2024, 2025)

# fips, name, respondent_id prefix, officers in the county, base rate of
# confirmed victims per youth
COUNTIES = [
    ("04001", "Apache", "APA", 9, 0.030),
    ("04003", "Cochise", "CHS", 16, 0.028),
    ("04005", "Coconino", "CCN", 15, 0.034),
    ("04007", "Gila", "GIL", 8, 0.040),
    ("04009", "Graham", "GRA", 6, 0.025),
    ("04011", "Greenlee", "GRN", 3, 0.020),
    ("04012", "La Paz", "LAP", 5, 0.035),
    ("04013", "Maricopa", "MAR", 260, 0.031),
    ("04015", "Mohave", "MOH", 24, 0.036),
    ("04017", "Navajo", "NAV", 12, 0.029),
    ("04019", "Pima", "PIM", 110, 0.038),
    ("04021", "Pinal", "PIN", 38, 0.027),
    ("04023", "Santa Cruz", "SCZ", 7, 0.022),
    ("04025", "Yavapai", "YAV", 22, 0.033),
    ("04027", "Yuma", "YUM", 25, 0.030),
]
CENSUS = {"04011"}          # every officer answers
YEAR_SHIFT = {2023: -0.004, 2024: 0.0, 2025: 0.005}


def binom(rng, n, p):
    return sum(1 for _ in range(n) if rng.random() < p)


def survey(rng, year, fips, name, code, officers, rate):
    """Rows of one county and year: (frame row, response rows)."""
    caseloads = [max(0, int(rng.gauss(17, 6))) for _ in range(officers)]
    if fips in CENSUS:
        answered = list(range(officers))
    else:
        share = rng.uniform(0.55, 0.85)
        k = max(2, round(officers * share))   # two or more: no lonely PSU
        answered = sorted(rng.sample(range(officers), k))
    p = max(0.0, rate + YEAR_SHIFT[year] + rng.uniform(-0.006, 0.006))
    rows = []
    for i in answered:
        c = caseloads[i]
        confirmed = binom(rng, c, p)
        suspected = binom(rng, c - confirmed, 0.04)
        role = "supervisor" if rng.random() < 0.05 else "probation_officer"
        rows.append((year, name, "%s-%d-%04d" % (code, year, i + 1), role, c,
                     confirmed, suspected))
    return (year, name, officers, sum(caseloads)), rows


def write(path, header, rows):
    with open(path + ".tmp", "w", newline="") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")
    os.replace(path + ".tmp", path)


def dataset(name, seed, missing=()):
    rng = random.Random(seed)
    for year in YEARS:
        out = os.path.join(HERE, name, str(year))
        os.makedirs(out, exist_ok=True)
        frame, responses = [], []
        for fips, county, code, officers, rate in COUNTIES:
            f, rows = survey(rng, year, fips, county, code, officers, rate)
            if (year, fips) in missing:
                continue
            if fips == "04011" and year == 2024:
                # A county-year with no confirmed case: ratio undefined.
                rows = [r[:5] + (0, r[6]) for r in rows]
            frame.append(f)
            responses.extend(rows)
        write(os.path.join(out, "responses.csv"),
              "survey_year,county,respondent_id,role,caseload,confirmed,suspected",
              responses)
        write(os.path.join(out, "frame.csv"),
              "survey_year,county,officers_total,youth_total", frame)


dataset("three-years", 20230501)
dataset("gap", 20240501, missing={(2024, "04012")})
