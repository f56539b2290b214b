#!/usr/bin/python3
"""Synthetic respondent rows for bench/estimate.sh.

    make_respondents.py ROWS OUTDIR [YEAR]

writes OUTDIR/responses.csv (survey_year,fips,respondent_id,role,caseload,
confirmed,suspected; no header) and OUTDIR/frame.csv (survey_year,fips,
officers_total,youth_total; no header) for the 15 counties, rows spread
roughly like Arizona's probation population, about 2% of respondents with an
empty caseload, officers differing in how many victims they see.
"""
import sys

import numpy as np

FIPS = ["04001", "04003", "04005", "04007", "04009", "04011", "04012", "04013",
        "04015", "04017", "04019", "04021", "04023", "04025", "04027"]
SHARE = [2, 3, 3, 1, 1, 0.5, 0.5, 60, 4, 2, 14, 6, 1, 3, 4]


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    year = int(sys.argv[3]) if len(sys.argv) > 3 else 2025
    rng = np.random.default_rng(20250101)
    share = np.array(SHARE) / sum(SHARE)
    per = np.maximum(2, np.floor(share * rows).astype(int))
    per[7] += rows - per.sum()            # Maricopa takes the rounding
    fips = np.repeat(np.arange(15), per)
    caseload = rng.integers(1, 61, rows)
    caseload[rng.random(rows) < 0.02] = 0
    rate_c = rng.beta(0.6, 10, rows)
    rate_s = rng.beta(0.4, 12, rows)
    confirmed = rng.binomial(caseload, rate_c)
    suspected = rng.binomial(caseload - confirmed, rate_s)
    with open(f"{out}/responses.csv", "w") as f:
        f.writelines(f"{year},{FIPS[h]},R{i:07d},probation_officer,{x},{c},{s}\n"
                     for i, (h, x, c, s) in enumerate(zip(fips, caseload, confirmed,
                                                          suspected)))
    with open(f"{out}/frame.csv", "w") as f:
        for h in range(15):
            officers = int(np.ceil(per[h] / 0.7))
            youth = int(round(officers * caseload[fips == h].mean()))
            f.write(f"{year},{FIPS[h]},{officers},{youth}\n")


if __name__ == "__main__":
    main()
