#!/usr/bin/env python3
"""Coverage study of every interval `prevalence` publishes (issue #14).

    bench/coverage/coverage.py [--reps N] [--years Y] [--seed S] [--icc 0.05,0.15]
                               [--methods korn-graubard,wilson,logit,wald]
                               [--deff-caps after-fpc,before-fpc]
                               [--weights design,calibrated] [--sae confirmed,any]
                               [--out FILE]

A known finite population of 15 counties sized like Arizona's (officers in
proportion to synth/counties.c's youth, minimum 1; Graham 2) is drawn once
per ICC and survey year: each officer has a caseload and a victim
probability drawn from a beta distribution with intra-officer correlation
ICC around the county's rate, so victims cluster by officer. Each replicate
survey draws respondents without replacement (response 30-70% by county;
Apache, Coconino and the one-officer counties answer in full: census strata;
some small counties end up with one or no cases), for Y consecutive survey
years. All replicates live in ONE database as different survey years
(loaded with COPY like bench/estimate.sh), and are run through the program:
`prevalence estimate --measure all` for every method and `prevalence trend`
(changes and slopes). The truth is the population's value: the county's
(or state's) finite-population proportion, the difference of two years'
values, and for a slope the same weighted combination of the TRUE yearly
values that the estimate applies to the estimates (sum c_t P_t).

Korn-Graubard intervals are computed under each --deff-caps rule (where
NCHS's cap "a design effect below 1 counts as 1" applies; docs/methods.md,
"The design-effect cap"); their rows are named "korn-graubard RULE".
Changes also give their ratio p_b / p_a with its log-scale interval (rows
"ratio", truth P_b / P_a; median widths in ratio units, not points). Model-based
county estimates (`estimate --small-area`, Fay-Herriot) for the measures in
--sae give rows "model": their interval against the county's true value
(a replicate-year whose model does not fit is counted, not tallied).
With calibrated in --weights, the Arizona rows of the youth measures are
also estimated with `--weights calibrated` (default method; county rows do
not change under calibration), rows named "korn-graubard calibrated".

Prints, per ICC, coverage (with its Monte-Carlo standard error) and mean
width of each interval kind, grouped by respondents per county (1, 2-4,
5-15, 16-59, 60+, census; state) and by NCHS flag. Nominal level 95%.

Environment: PREVALENCE_BIN (default build/cli/prevalence). Needs the
embedded cluster (`prevalence init`), created in a temporary folder and
removed at exit. A benchmark, not a CI test (tests/bench/coverage_smoke.sh
runs a few replicates).
"""
import argparse
import csv
import io
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

# fips, name, youth_pop, minimum officers, response rate class (None: census)
COUNTIES = [
    ("04001", "Apache", 16916, 1, None), ("04003", "Cochise", 26117, 1, 0.5),
    ("04005", "Coconino", 29109, 1, None), ("04007", "Gila", 10266, 1, 0.6),
    ("04009", "Graham", 10818, 2, 0.5), ("04011", "Greenlee", 2720, 1, None),
    ("04012", "La Paz", 3052, 1, 0.5), ("04013", "Maricopa", 1038182, 1, 0.3),
    ("04015", "Mohave", 35806, 1, 0.4), ("04017", "Navajo", 27509, 1, 0.5),
    ("04019", "Pima", 209168, 1, 0.5), ("04021", "Pinal", 99624, 1, 0.4),
    ("04023", "Santa Cruz", 12454, 1, 0.7), ("04025", "Yavapai", 37073, 1, 0.5),
    ("04027", "Yuma", 50712, 1, 0.6),
]
RATES = {"04001": 0.025, "04003": 0.075, "04005": 0.05, "04007": 0.045, "04009": 0.03,
         "04011": 0.02, "04012": 0.02, "04013": 0.06, "04015": 0.045, "04017": 0.035,
         "04019": 0.07, "04021": 0.055, "04023": 0.11, "04025": 0.04, "04027": 0.085}
YOUTH_PER_OFFICER = 18
PROBATION_SHARE = 0.003   # youth on probation per resident youth

def beta_draw(rng, mean, icc):
    s = (1 - icc) / icc          # a + b: ICC = 1 / (a + b + 1)
    return rng.betavariate(max(mean * s, 1e-3), max((1 - mean) * s, 1e-3))

def population(rng, icc, year_shift):
    """One survey year's finite population: per county a list of officers
    (caseload, confirmed, suspected)."""
    pop = {}
    for fips, _, youth, minimum, _ in COUNTIES:
        n_officers = max(minimum, round(youth * PROBATION_SHARE / YOUTH_PER_OFFICER))
        rate = RATES[fips] * (1 + 0.1 * year_shift)
        officers = []
        for _ in range(n_officers):
            caseload = max(1, int(rng.gauss(YOUTH_PER_OFFICER, 6)))
            p = beta_draw(rng, rate, icc)
            q = beta_draw(rng, rate * 0.6, icc)
            conf = sum(rng.random() < p for _ in range(caseload))
            susp = sum(rng.random() < q for _ in range(caseload - conf))
            officers.append((caseload, conf, susp))
        pop[fips] = officers
    return pop

def truth(pop):
    t = {}
    allc = {"confirmed": [0, 0], "any": [0, 0], "officer_any": [0, 0]}
    for fips, offs in pop.items():
        x = sum(o[0] for o in offs)
        c = sum(o[1] for o in offs)
        a = sum(o[1] + o[2] for o in offs)
        k = sum(o[1] > 0 for o in offs)
        t[(fips, "confirmed")] = c / x
        t[(fips, "any")] = a / x
        t[(fips, "officer_any")] = k / len(offs)
        for m, (num, den) in (("confirmed", (c, x)), ("any", (a, x)),
                              ("officer_any", (k, len(offs)))):
            allc[m][0] += num
            allc[m][1] += den
    for m, (num, den) in allc.items():
        t[("04", m)] = num / den
    return t

def sample(rng, pop, year, rows, frames):
    for fips, _, _, _, rr in COUNTIES:
        offs = pop[fips]
        n_off = len(offs)
        if rr is None or n_off == 1:
            n = n_off
        else:
            n = max(1, min(n_off, round(n_off * rng.uniform(rr - 0.1, rr + 0.2))))
        chosen = rng.sample(range(n_off), n)
        for i in chosen:
            c, k, s = offs[i]
            rows.append(f"{year},{fips},r{year}-{fips}-{i},probation_officer,{c},{k},{s},1")
        frames.append(f"{year},{fips},{n_off},{sum(o[0] for o in offs)},2")

def run(binary, *args):
    r = subprocess.run([binary, "-q", *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"coverage: prevalence {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return list(csv.DictReader(io.StringIO(r.stdout)))

def num(s):
    return float(s) if s not in ("", None) else math.nan

def size_group(resp, officers):
    if officers > 0 and resp == officers:
        return "census"
    if resp <= 1:
        return "1"
    if resp <= 4:
        return "2-4"
    if resp <= 15:
        return "5-15"
    if resp <= 59:
        return "16-59"
    return "60+"

class Tally:
    def __init__(self):
        self.n = 0
        self.hit = 0
        self.width = 0.0
        self.widths = []

    def add(self, lo, hi, true):
        if math.isnan(lo) or math.isnan(hi):
            return
        self.n += 1
        # Limits are printed to 17 digits: an interval [p, p] must cover p.
        eps = 1e-12
        self.hit += lo - eps <= true <= hi + eps
        self.width += hi - lo
        self.widths.append(hi - lo)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=150)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--icc", default="0.05,0.15")
    ap.add_argument("--methods", default="korn-graubard,wilson,logit,wald")
    ap.add_argument("--deff-caps", default="after-fpc,before-fpc")
    ap.add_argument("--weights", default="design,calibrated")
    ap.add_argument("--sae", default="confirmed,any",
                    help="measures whose model-based intervals are checked ('' for none)")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    binary = os.environ.get("PREVALENCE_BIN", "build/cli/prevalence")
    methods = []
    for m in a.methods.split(","):
        if m == "korn-graubard":
            methods += [(m, ("--deff-cap", cap)) for cap in a.deff_caps.split(",")]
        else:
            methods.append((m, ()))
    iccs = [float(x) for x in a.icc.split(",")]
    rng = random.Random(a.seed)
    out = sys.stdout if a.out == "-" else open(a.out, "w")

    home = tempfile.mkdtemp(prefix="prevalence-coverage.")
    os.chmod(home, 0o755)
    env_home = os.path.join(home, "home")
    os.environ["PREVALENCE_HOME"] = env_home
    for v in ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER",
              "DATABASE_URL"):
        os.environ.pop(v, None)
    try:
        subprocess.run([binary, "-q", "init"], check=True, capture_output=True)
        tallies = defaultdict(Tally)   # (icc, kind, group) -> Tally
        # The schema allows survey years 2000-2100: replicates are loaded in
        # chunks of up to 100 years, run, and the tables emptied for the next.
        per_chunk = max(1, 100 // a.years)
        for icc in iccs:
            pops = [population(rng, icc, y) for y in range(a.years)]
            truths = [truth(p) for p in pops]
            done = 0
            while done < a.reps:
                rows, frames, blocks = [], [], []
                year0 = 2000
                for r in range(min(per_chunk, a.reps - done)):
                    years = [year0 + y for y in range(a.years)]
                    for y, year in enumerate(years):
                        sample(rng, pops[y], year, rows, frames)
                    blocks.append(years)
                    year0 += a.years
                load(binary, home, rows, frames)
                for years in blocks:
                    evaluate(binary, icc, years, truths, methods, tallies,
                             "calibrated" in a.weights.split(","),
                             [m for m in a.sae.split(",") if m])
                done += len(blocks)
        report(out, tallies, iccs, a)
    finally:
        subprocess.run([binary, "-q", "db", "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)

def load(binary, home, rows, frames):
    rpath = os.path.join(home, "responses.csv")
    fpath = os.path.join(home, "frames.csv")
    with open(rpath, "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(fpath, "w") as f:
        f.write("\n".join(frames) + "\n")
    os.chmod(rpath, 0o644)
    os.chmod(fpath, 0o644)
    r = subprocess.run(
        [binary, "db", "psql", "-q", "-v", "ON_ERROR_STOP=1",
         "-c", "INSERT INTO batches (batch_id, kind, sha256, file_name, row_count, tool_version) OVERRIDING SYSTEM VALUE "
               "SELECT * FROM (VALUES (1, 'responses', repeat('a', 64), 'coverage.csv', 1, "
               "'coverage'), (2, 'frame', repeat('b', 64), 'frames.csv', 1, 'coverage')) v "
               "WHERE NOT EXISTS (SELECT 1 FROM batches)",
         "-c", "TRUNCATE responses, frames",
         "-c", f"\\copy responses (survey_year, fips, respondent_id, role, caseload, confirmed, "
               f"suspected, batch_id) FROM '{rpath}' WITH (FORMAT csv)",
         "-c", f"\\copy frames (survey_year, fips, officers_total, youth_total, batch_id) "
               f"FROM '{fpath}' WITH (FORMAT csv)",
         "-c", "ANALYZE"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"coverage: loading failed: {r.stderr}")

def evaluate(binary, icc, years, truths, methods, tallies, calibrated, sae):
    groups = {}     # (year, fips) -> size group
    kg = {}         # (year, fips, measure) -> row of korn-graubard
    for y, year in enumerate(years):
        for method, extra in methods:
            label = f"{method} {extra[1]}" if extra else method
            for row in run(binary, "estimate", "--year", str(year), "--measure", "all",
                           "--method", method, *extra, "--format", "csv"):
                if row["estimate"] == "":
                    continue
                fips, m = row["fips"], row["measure"]
                g = "state" if fips == "04" else size_group(int(row["respondents"]),
                                                            int(row["officers_total"]))
                groups[(year, fips)] = g
                if method == "korn-graubard":
                    kg[(year, fips, m)] = row   # se does not depend on the cap
                true = truths[y][(fips, m)]
                lo, hi = num(row["ci_low"]), num(row["ci_high"])
                tallies[(icc, f"level {m} {label}", g)].add(lo, hi, true)
                tallies[(icc, f"level {m} {label}", "flag " + row["flag"])].add(lo, hi, true)
        for m in ("confirmed", "any") if calibrated else ():
            row = run(binary, "estimate", "--year", str(year), "--measure", m,
                      "--weights", "calibrated", "--format", "csv")[-1]
            if row["estimate"] == "":
                continue
            lo, hi = num(row["ci_low"]), num(row["ci_high"])
            label = f"level {m} korn-graubard calibrated"
            tallies[(icc, label, "state")].add(lo, hi, truths[y][("04", m)])
            tallies[(icc, label, "flag " + row["flag"])].add(lo, hi, truths[y][("04", m)])
        for m in sae:
            r = subprocess.run([binary, "-q", "estimate", "--year", str(year), "--measure", m,
                                "--small-area", "--format", "csv"], capture_output=True, text=True)
            if r.returncode != 0:
                tallies[(icc, f"model {m}", "no fit")].n += 1
                continue
            for row in csv.DictReader(io.StringIO(r.stdout)):
                fips = row["fips"]
                if fips == "04" or row["sae_estimate"] == "":
                    continue
                g = groups.get((year, fips)) or ("0" if row["respondents"] == "0" else None)
                if g is None:
                    continue
                lo, hi = num(row["sae_ci_low"]), num(row["sae_ci_high"])
                true = truths[y][(fips, m)]
                tallies[(icc, f"model {m}", g)].add(lo, hi, true)
                tallies[(icc, f"model {m}", "flag " + row["sae_flag"])].add(lo, hi, true)
    if len(years) < 2:
        return
    for m in ("confirmed", "any", "officer_any"):
        for row in run(binary, "trend", "--from", str(years[0]), "--to", str(years[-1]),
                       "--measure", m, "--rows", "changes", "--format", "csv"):
            a, b, fips = int(row["from_year"]), int(row["to_year"]), row["fips"]
            true = truths[b - years[0]][(fips, m)] - truths[a - years[0]][(fips, m)]
            ga, gb = groups.get((a, fips)), groups.get((b, fips))
            if ga is None or gb is None:
                continue
            g = ga if ga == gb else "mixed (census/sizes)"
            lo, hi = num(row["ci_low"]), num(row["ci_high"])
            tallies[(icc, f"change {m}", g)].add(lo, hi, true)
            tallies[(icc, f"change {m}", "flag " + row["flag"])].add(lo, hi, true)
            pa = truths[a - years[0]][(fips, m)]
            if row["ratio"] != "" and pa > 0:
                true_ratio = truths[b - years[0]][(fips, m)] / pa
                lo, hi = num(row["ratio_ci_low"]), num(row["ratio_ci_high"])
                tallies[(icc, f"ratio {m}", g)].add(lo, hi, true_ratio)
                tallies[(icc, f"ratio {m}", "flag " + row["flag"])].add(lo, hi, true_ratio)
        if len(years) < 3:
            continue
        for row in run(binary, "trend", "--from", str(years[0]), "--to", str(years[-1]),
                       "--measure", m, "--rows", "slopes", "--format", "csv"):
            fips = row["fips"]
            pts = [kg.get((year, fips, m)) for year in years]
            if any(p is None for p in pts) or row["slope"] == "":
                continue
            se = [num(p["se"]) for p in pts]
            if any(not s > 0 for s in se):
                continue
            w = [1 / s ** 2 for s in se]
            t = list(range(len(years)))
            tbar = sum(wi * ti for wi, ti in zip(w, t)) / sum(w)
            sxx = sum(wi * (ti - tbar) ** 2 for wi, ti in zip(w, t))
            true = sum(wi * (ti - tbar) / sxx * truths[ti][(fips, m)] for wi, ti in zip(w, t))
            gs = {groups[(year, fips)] for year in years}
            g = gs.pop() if len(gs) == 1 else "mixed (census/sizes)"
            lo, hi = num(row["ci_low"]), num(row["ci_high"])
            tallies[(icc, f"slope {m}", g)].add(lo, hi, true)
            tallies[(icc, f"slope {m}", "flag " + row["flag"])].add(lo, hi, true)

ORDER = ["0", "1", "2-4", "5-15", "16-59", "60+", "census", "mixed (census/sizes)", "state",
         "flag present", "flag review", "flag suppress", "no fit"]

def report(out, tallies, iccs, a):
    out.write(f"# coverage of nominal 95% intervals: {a.reps} replicate surveys x {a.years} "
              f"years per ICC, seed {a.seed}\n")
    out.write("# coverage % (Monte-Carlo se) [mean width, percentage points; ratio rows: "
              "median width in ratio units] n intervals; model rows: column 0 = counties without "
              "respondents (the model's synthetic estimate), no fit = replicate-years whose "
              "model did not fit\n")
    first = {"level": 0, "model": 1, "change": 2, "ratio": 3, "slope": 4}
    kinds = sorted({k[1] for k in tallies}, key=lambda s: (first.get(s.split()[0], 9), s))
    for icc in iccs:
        out.write(f"\n## ICC {icc}\n\n| interval | " + " | ".join(ORDER) + " |\n")
        out.write("|---" * (len(ORDER) + 1) + "|\n")
        for kind in kinds:
            cells = []
            for g in ORDER:
                t = tallies.get((icc, kind, g))
                if t is None or t.n == 0:
                    cells.append("")
                    continue
                if g == "no fit":
                    cells.append(f"{t.n}")
                    continue
                c = t.hit / t.n
                mc = math.sqrt(max(c * (1 - c), 1e-12) / t.n)
                # A ratio's interval is unbounded when p_a is near 0: its
                # mean width says nothing, the median does.
                w = (sorted(t.widths)[len(t.widths) // 2] if kind.startswith("ratio")
                     else 100 * t.width / t.n)
                cells.append(f"{100 * c:.1f} ({100 * mc:.1f}) [{w:.{2 if kind.startswith('ratio') else 1}f}] "
                             f"{t.n}")
            out.write(f"| {kind} | " + " | ".join(cells) + " |\n")

if __name__ == "__main__":
    main()
