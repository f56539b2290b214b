#!/usr/bin/python3
"""Generate the survey data sets behind the estimate goldens.

    /usr/bin/python3 tests/reference/make_estimate_data.py

writes tests/reference/data/estimate_{a,b,c,d}/{responses,frame}.csv in the
columns of codebook v1 (counties by name, as in sample-data/; all counties
of a set in one responses file). The files are committed; rerunning gives the same bytes (fixed seeds, Python's
random module only). Each set has a county with two respondents, a census
county (respondents = officers_total), a lonely-PSU county (one respondent,
not a census) and a county with no respondents; set c adds a county with no
confirmed case (p = 0); set d is set c without a frame (equal weights, no
finite population correction). Every caseload is at least 1, so the
youth-level expansion R uses keeps every respondent as a PSU.
"""
import csv
import math
import os
import random

# (name, respondent code prefix), in fips order; the prefixes are those of
# the sample data (synth/counties.c).
COUNTIES = [
    ("Apache", "APA"), ("Cochise", "CHS"), ("Coconino", "CCN"), ("Gila", "GIL"),
    ("Graham", "GRA"), ("Greenlee", "GRN"), ("La Paz", "LAP"), ("Maricopa", "MAR"),
    ("Mohave", "MOH"), ("Navajo", "NAV"), ("Pima", "PIM"), ("Pinal", "PIN"),
    ("Santa Cruz", "SCZ"), ("Yavapai", "YAV"), ("Yuma", "YUM"),
]

# name: (seed, survey year, respondents range, caseload range, special counties,
#        big counties with their respondent counts, counties with p = 0)
SETS = {
    "estimate_a": dict(seed=11, year=2024, n=(3, 25), caseload=(3, 45),
                       two="Greenlee", census="La Paz", lonely="Santa Cruz", none=["Graham"],
                       big={"Maricopa": 60}, zero=[]),
    "estimate_b": dict(seed=22, year=2025, n=(10, 120), caseload=(1, 80),
                       two="Gila", census="Greenlee", lonely="Apache", none=["Yuma", "La Paz"],
                       big={"Maricopa": 400, "Pima": 250}, zero=[]),
    "estimate_c": dict(seed=33, year=2023, n=(2, 9), caseload=(1, 20),
                       two="Cochise", census="Navajo", lonely="Mohave",
                       none=["Greenlee", "Graham"], big={}, zero=["Apache"]),
}


def beta(rng, mean, strength):
    return rng.betavariate(mean * strength, (1 - mean) * strength)


def binomial(rng, n, p):
    return sum(1 for _ in range(n) if rng.random() < p)


def generate(spec):
    rng = random.Random(spec["seed"])
    frame, responses = [], []
    for name, code in COUNTIES:
        if name in spec["none"]:
            n = 0
        elif name == spec["two"]:
            n = 2
        elif name == spec["lonely"]:
            n = 1
        elif name in spec["big"]:
            n = spec["big"][name]
        else:
            n = rng.randint(*spec["n"])
        if name == spec["census"]:
            n = max(n, 3)
            officers = n
        elif n == 0:
            officers = rng.randint(3, 12)
        else:
            officers = max(n + 1, math.ceil(n / rng.uniform(0.3, 0.9)))
        # Officers differ in how many victims they see (overdispersion), so
        # the design effect is usually above 1, as in real caseloads.
        rate_c = beta(rng, 0.06, 12)
        rate_s = beta(rng, 0.04, 15)
        caseloads = []
        for i in range(n):
            caseload = rng.randint(*spec["caseload"])
            if name in spec["zero"]:
                confirmed = 0
            else:
                confirmed = binomial(rng, caseload, beta(rng, rate_c, 8))
            suspected = binomial(rng, caseload - confirmed, beta(rng, rate_s, 8))
            caseloads.append(caseload)
            responses.append(dict(survey_year=spec["year"], county=name,
                                  respondent_id="%s-%d-%04d" % (code, spec["year"], i + 1),
                                  role="probation_officer", caseload=caseload,
                                  confirmed=confirmed, suspected=suspected))
        mean_caseload = sum(caseloads) / n if n else rng.uniform(10, 30)
        youth = round(officers * mean_caseload * rng.uniform(0.9, 1.1))
        frame.append(dict(survey_year=spec["year"], county=name, officers_total=officers,
                          youth_total=max(youth, sum(caseloads))))
    return frame, responses


def write(path, rows, fields):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    rfields = ["survey_year", "county", "respondent_id", "role", "caseload", "confirmed",
               "suspected"]
    ffields = ["survey_year", "county", "officers_total", "youth_total"]
    for name, spec in SETS.items():
        frame, responses = generate(spec)
        write(os.path.join(here, name, "responses.csv"), responses, rfields)
        write(os.path.join(here, name, "frame.csv"), frame, ffields)
        if name == "estimate_c":
            write(os.path.join(here, "estimate_d", "responses.csv"), responses, rfields)


if __name__ == "__main__":
    main()
