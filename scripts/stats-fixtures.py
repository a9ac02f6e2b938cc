#!/usr/bin/env python3
"""
Reference values for lib/stats (issue #20), computed with SciPy (Debian's python3-scipy) — an implementation
independent of the stdlib packages the app uses. Writes test/fixtures/stats-reference.json; test/unit/stats.test.ts
compares every statistic with it.  Run: python3 scripts/stats-fixtures.py
Each arm is given as per-unit moments: n exposed units, sum of the units' values, sum of their squares (binary goal:
both sums = converting units). Where SciPy answers NaN/inf (nothing estimable) the expected value is null.
"""
import json, math, os
import numpy as np
from scipy import stats

def moments_binary(n, converted): return {"n": n, "sum": converted, "sumSquares": converted}

def mean_var(m):
    n = m["n"]
    if n == 0: return None, None
    mu = m["sum"] / n
    if n < 2: return mu, None
    return mu, max(0.0, (m["sumSquares"] - n * mu * mu) / (n - 1))

def num(x):
    return None if x is None or not np.isfinite(x) else float(x)

def seq_rho(alpha, N): return math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / N)

def seq_half(se, n, alpha, N):
    rho = seq_rho(alpha, N); k = n * rho**2 + 1
    return math.sqrt(se * se * n) * math.sqrt(2 * k / (n * rho) ** 2 * math.log(math.sqrt(k) / alpha))

def seq_p(est, se, n, alpha, N):
    rho = seq_rho(alpha, N); k = n * rho**2 + 1
    log_e = rho**2 * (est * est * n / (se * se)) / (2 * k) - 0.5 * math.log(k)
    return 1.0 if log_e <= 0 else min(1.0, math.exp(-log_e))

def arm(m, alpha, mode, N):
    mu, v = mean_var(m)
    if mu is None or v is None: return {"mean": num(mu), "interval": None}
    se = math.sqrt(v / m["n"])
    half = (0.0 if se == 0 else seq_half(se, m["n"], alpha, N)) if mode == "sequential" else stats.t.ppf(1 - alpha / 2, m["n"] - 1) * se
    return {"mean": mu, "interval": [mu - half, mu + half]}

def compare(c, t, alpha, mode, N):
    mc, vc = mean_var(c); mt, vt = mean_var(t)
    if None in (mc, vc, mt, vt): return {"absoluteLift": None, "relativeLift": None, "pValue": None, "df": None}
    diff = mt - mc
    se2 = vc / c["n"] + vt / t["n"]
    if not se2 > 0:
        return {"absoluteLift": {"estimate": diff, "interval": None}, "relativeLift": ({"estimate": mt / mc - 1, "interval": None} if mc != 0 else None), "pValue": None, "df": None}
    res = stats.ttest_ind_from_stats(mt, math.sqrt(vt), t["n"], mc, math.sqrt(vc), c["n"], equal_var=False)
    a, b = vc / c["n"], vt / t["n"]
    df = (a + b) ** 2 / (a * a / (c["n"] - 1) + b * b / (t["n"] - 1))
    se = math.sqrt(se2); n = c["n"] + t["n"]
    if mode == "sequential":
        half = lambda s: seq_half(s, n, alpha, N)
        p = seq_p(diff, se, n, alpha, N)
    else:
        q = stats.t.ppf(1 - alpha / 2, df)
        half = lambda s: q * s
        p = float(res.pvalue)
    rel = None
    if mc != 0:
        rse = math.sqrt(vt / t["n"] / mc**2 + mt**2 * vc / c["n"] / mc**4)
        est = mt / mc - 1
        rel = {"estimate": est, "interval": [est - half(rse), est + half(rse)] if rse > 0 else None}
    return {"absoluteLift": {"estimate": diff, "interval": [diff - half(se), diff + half(se)]}, "relativeLift": rel,
            "pValue": num(p), "df": None if mode == "sequential" else num(df), "welchT": num(res.statistic)}

def holm(ps):
    idx = sorted(range(len(ps)), key=lambda i: ps[i]); m = len(ps); out = [0.0] * m; run = 0.0
    for k, i in enumerate(idx):
        run = max(run, min(1.0, (m - k) * ps[i])); out[i] = run
    return out

N = 5000
cases = [
    ("binary, clear winner", moments_binary(10000, 1000), moments_binary(10000, 1150), 0.05, "fixed"),
    ("binary, flat", moments_binary(5000, 400), moments_binary(5100, 405), 0.05, "fixed"),
    ("binary, alpha 0.1", moments_binary(2000, 200), moments_binary(2000, 230), 0.1, "fixed"),
    ("binary, alpha 0.01", moments_binary(2000, 200), moments_binary(2000, 230), 0.01, "fixed"),
    ("binary, unequal arms", moments_binary(300, 30), moments_binary(3000, 420), 0.05, "fixed"),
    ("binary, zero conversions in control", moments_binary(1000, 0), moments_binary(1000, 12), 0.05, "fixed"),
    ("binary, zero conversions anywhere", moments_binary(1000, 0), moments_binary(1000, 0), 0.05, "fixed"),
    ("binary, everyone converts", moments_binary(500, 500), moments_binary(500, 500), 0.05, "fixed"),
    ("binary, one arm empty", moments_binary(0, 0), moments_binary(1000, 100), 0.05, "fixed"),
    ("binary, one unit", moments_binary(1, 1), moments_binary(1000, 100), 0.05, "fixed"),
    ("binary, huge n", moments_binary(10_000_000, 1_000_000), moments_binary(10_000_000, 1_003_000), 0.05, "fixed"),
    ("value, revenue", {"n": 8000, "sum": 4000.0 * 5.1, "sumSquares": 4000 * 5.1**2 + 4000 * 30.0}, {"n": 8000, "sum": 4000 * 5.6, "sumSquares": 4000 * 5.6**2 + 4000 * 33.0}, 0.05, "fixed"),
    ("count, applies", {"n": 3000, "sum": 1800, "sumSquares": 4200}, {"n": 3100, "sum": 1850, "sumSquares": 4300}, 0.05, "fixed"),
    ("value, zero variance in one arm", {"n": 100, "sum": 300, "sumSquares": 900}, {"n": 100, "sum": 320, "sumSquares": 1200}, 0.05, "fixed"),
    ("sequential, winner", moments_binary(10000, 1000), moments_binary(10000, 1150), 0.05, "sequential"),
    ("sequential, flat", moments_binary(5000, 400), moments_binary(5100, 405), 0.05, "sequential"),
    ("sequential, alpha 0.1", moments_binary(2000, 200), moments_binary(2000, 250), 0.1, "sequential"),
    ("sequential, huge n", moments_binary(10_000_000, 1_000_000), moments_binary(10_000_000, 1_003_000), 0.05, "sequential"),
]
out_cases = []
for name, c, t, alpha, mode in cases:
    out_cases.append({"name": name, "control": c, "treatment": t, "alpha": alpha, "mode": mode, "sequentialN": N,
                      "expected": {"control": arm(c, alpha, mode, N), "treatment": arm(t, alpha, mode, N), "comparison": compare(c, t, alpha, mode, N)}})

srm_cases = [
    ("balanced", [5000, 5030], [0.5, 0.5]),
    ("planted 20% loss", [5000, 4000], [0.5, 0.5]),
    ("warning zone", [5000, 5260], [0.5, 0.5]),
    ("three arms unequal shares", [2500, 2480, 5100], [0.25, 0.25, 0.5]),
    ("an arm with zero traffic", [1000, 0, 1000], [1 / 3, 1 / 3, 1 / 3]),
    ("huge n, tiny skew", [5_000_000, 5_010_000], [0.5, 0.5]),
]
out_srm = []
for name, observed, shares in srm_cases:
    total = sum(observed)
    expected = [s * total for s in shares]
    r = stats.chisquare(observed, expected)
    out_srm.append({"name": name, "observed": observed, "expected": expected, "chiSquare": float(r.statistic), "pValue": float(r.pvalue)})

holm_cases = [[0.01, 0.04, 0.03], [0.2, 0.001], [0.5], [0.04, 0.04, 0.04, 0.001]]
out = {"generatedBy": "scripts/stats-fixtures.py", "scipy": __import__("scipy").__version__,
       "comparisons": out_cases, "srm": out_srm, "holm": [{"pValues": h, "adjusted": holm(h)} for h in holm_cases],
       "quantiles": [{"p": p, "df": df, "t": float(stats.t.ppf(p, df))} for p, df in [(0.975, 10), (0.95, 3.5), (0.995, 1e6)]] +
                    [{"p": p, "df": None, "z": float(stats.norm.ppf(p))} for p in [0.975, 0.95]]}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "stats-reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print("wrote", os.path.normpath(path), len(out_cases), "comparisons", len(out_srm), "srm")
