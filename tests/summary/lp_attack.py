#!/usr/bin/python3
"""lp_attack.py — an intruder's linear-programming attack on a summary release,
written apart from the plugin (which audits with GLPK; this uses scipy's HiGHS).

It reads a tidy CSV release (`hhreg export summary`), takes every relation that
docs/summary.md documents between published counts — table margins, each parent
area as the sum of its children, 60+/65+/80+ as sums of the population's age
rows, foreign residents as the nationality total, all persons in the population
and difficulty tables, all households by size and by type, difficulty
"not-asked" as the persons aged 0–4 — and bounds every withheld count (each at
least 1) by minimising and maximising it over them. A cell already seen at values
far enough apart in feasible points (solutions of earlier LPs) needs no solve of
its own: its interval is at least that wide.

  lp_attack.py RELEASE.csv [--truth PLAIN.csv --min-count N --percent P]
               [--sample N --seed S] [--no-identities] [--only-small]

Prints one JSON object: cells (withheld counts attacked), withheld (all of them),
relations, linear_programs (solved), recovered (bounded to a
single value), and with --truth (the unprotected export, to know each cell's
value): narrow (small counts, 1..N-1, whose interval is narrower than
max(N, P % of the value)). Exit 0 when nothing is recovered or narrow, 1 otherwise.
--only-small publishes every withheld count that is not small (from --truth): the
release as it would be without secondary suppression, which the attack must break.
"""
import argparse
import csv
import json
import math
import random
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

LEVELS = ["district", "street", "community", "grid", "building"]
AGES = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
        "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"]
ONE_DIM = {"household-size": "size", "household-type": "type", "difficulty": "difficulty",
           "disability-certificate": "certificate", "foreign-residents": "nationality"}


def read(path):
    cells = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["table"] == "indicators" or "measure=rate" in row["dimensions"]:
                continue
            key = (row["table"], row["area_level"], row["area_code"], row["dimensions"])
            cells[key] = None if row["value"] == "" else int(row["value"])
    return cells


def relations(cells, identities):
    """Each relation as (total key, [part keys]), all keys present in the release."""
    areas = sorted({(k[1], k[2]) for k in cells}, key=lambda a: (LEVELS.index(a[0]), a[1]))
    dims = {}
    for (table, level, code, d) in cells:
        dims.setdefault(table, set()).add(d)
    rel = []
    for level, code in areas:
        def key(table, d):
            return (table, level, code, d)
        for table, dim in ONE_DIM.items():
            parts = [d for d in dims.get(table, ()) if d != dim + "=_T"]
            rel.append((key(table, dim + "=_T"), [key(table, d) for d in parts]))
        for age in AGES + ["_T"]:
            rel.append((key("population", f"age={age};sex=_T"),
                        [key("population", f"age={age};sex={s}") for s in ("male", "female")]))
        for sex in ("male", "female", "_T"):
            rel.append((key("population", f"age=_T;sex={sex}"),
                        [key("population", f"age={a};sex={sex}") for a in AGES]))
        for group, first in (("aged-60-plus", "60-64"), ("aged-65-plus", "65-69"), ("aged-80-plus", "80-84")):
            rel.append((key("special-groups", f"group={group};measure=count"),
                        [key("population", f"age={a};sex=_T") for a in AGES[AGES.index(first):]]))
        rel.append((key("special-groups", "group=foreign-residents;measure=count"),
                    [key("foreign-residents", "nationality=_T")]))
        if identities:
            rel.append((key("population", "age=_T;sex=_T"), [key("difficulty", "difficulty=_T")]))
            rel.append((key("household-size", "size=_T"), [key("household-type", "type=_T")]))
            rel.append((key("population", "age=0-4;sex=_T"), [key("difficulty", "difficulty=not-asked")]))
    # each area is the sum of its children: the nearest area of a higher level whose code starts its own
    by_level = {}
    for level, code in areas:
        by_level.setdefault(level, []).append(code)
    children = {}
    for level, code in areas:
        for up in reversed(LEVELS[:LEVELS.index(level)]):
            parent = [p for p in by_level.get(up, []) if code.startswith(p)]
            if parent:
                children.setdefault((up, parent[0]), []).append((level, code))
                break
    for (plevel, pcode), kids in children.items():
        for (table, level, code, d) in cells:
            if level == plevel and code == pcode:
                rel.append(((table, plevel, pcode, d), [(table, kl, kc, d) for kl, kc in kids]))
    return [(t, p) for t, p in rel if t in cells and all(x in cells for x in p)]


def attack(cells, rel, targets, need, rng):
    """{key: (lo, hi)} for the target keys (withheld cells): an interval of
    values the cell is known to take in feasible points, at least need[key] wide,
    or, where no such points were found, the cell's exact interval (min and max
    by linear programming). A cell's width is thus below need[key] exactly when
    its true interval is. The feasible points come from a few LPs with random
    objectives per group of linked cells, then from every exact solve: on the
    20,000-household street that spares most of the 49,000 solves."""
    unknown = [k for k, v in cells.items() if v is None]
    index = {k: i for i, k in enumerate(unknown)}
    parent = list(range(len(unknown)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    rows = []
    for total, parts in rel:
        members = [(total, -1.0)] + [(p, 1.0) for p in parts]
        var = [(index[k], s) for k, s in members if cells[k] is None]
        if not var:
            continue
        rhs = -sum(s * cells[k] for k, s in members if cells[k] is not None)
        for i, _ in var[1:]:
            parent[find(i)] = find(var[0][0])
        rows.append((var, rhs))
    groups = {}
    for i in range(len(unknown)):
        groups.setdefault(find(i), []).append(i)
    rows_of = {}
    for var, rhs in rows:
        rows_of.setdefault(find(var[0][0]), []).append((var, rhs))
    out = {}
    solves = 0
    wanted = {}
    for k in targets:
        wanted.setdefault(find(index[k]), []).append(index[k])
    for root, want in wanted.items():
        members = groups[root]
        local = {g: j for j, g in enumerate(members)}
        eq = rows_of.get(root, [])
        if not eq:
            for i in want:
                out[unknown[i]] = (1.0, math.inf)
            continue
        data, ri, ci, b = [], [], [], []
        for r, (var, rhs) in enumerate(eq):
            for i, s in var:
                data.append(s)
                ri.append(r)
                ci.append(local[i])
            b.append(rhs)
        A = csr_matrix((data, (ri, ci)), shape=(len(eq), len(members)))
        low = np.full(len(members), math.inf)
        high = np.full(len(members), -math.inf)

        def solve(c, what):
            nonlocal solves
            solves += 1
            res = linprog(c, A_eq=A, b_eq=b, bounds=(1, None), method="highs")
            if res.status == 3:
                return math.inf
            if res.status != 0:
                raise SystemExit(f"the LP for {what} failed: {res.message}")
            np.minimum(low, res.x, out=low)
            np.maximum(high, res.x, out=high)
            return res.fun
        def width(j):
            return -1 if high[j] < low[j] else math.floor(high[j] + 1e-6) - math.ceil(low[j] - 1e-6)

        # push every cell not yet seen wide enough towards the side it lacks (up
        # when it was seen only at its lower bound 1, else down), all in one LP,
        # while that settles more than a few cells at a time
        solve(np.array([rng.uniform(-1, 1) for _ in members]), "a random objective")
        open_cells = [local[i] for i in want]
        while True:
            open_cells = [j for j in open_cells if width(j) < need.get(unknown[members[j]], 1)]
            if len(open_cells) < 8:
                break
            c = np.zeros(len(members))
            for j in open_cells:
                c[j] = -1.0 if low[j] <= 1 + 1e-6 else 1.0
            before = len(open_cells)
            solve(c, "a batch")
            if sum(width(j) >= need.get(unknown[members[j]], 1) for j in open_cells) < max(2, before // 100):
                break
        for i in want:
            j = local[i]
            if width(j) >= need.get(unknown[i], 1):
                out[unknown[i]] = (low[j], high[j])
                continue
            c = np.zeros(len(members))
            c[j] = 1.0
            lo = solve(c, unknown[i])
            c[j] = -1.0
            hi = solve(c, unknown[i])
            out[unknown[i]] = (lo, -hi)
    return out, solves


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("release")
    ap.add_argument("--truth")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--percent", type=int, default=10)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-identities", action="store_true")
    ap.add_argument("--only-small", action="store_true")
    args = ap.parse_args()
    cells = read(args.release)
    truth = read(args.truth) if args.truth else {}
    if args.only_small:
        cells = {k: (truth[k] if v is None and truth[k] >= args.min_count else v) for k, v in cells.items()}
    rel = relations(cells, not args.no_identities)
    targets = sorted(k for k, v in cells.items() if v is None)
    rng = random.Random(args.seed)
    if args.sample and len(targets) > args.sample:
        targets = rng.sample(targets, args.sample)
    need = {k: max(args.min_count, math.ceil(truth[k] * args.percent / 100))
            for k in targets if 1 <= truth.get(k, 0) < args.min_count}
    bounds, solves = attack(cells, rel, targets, need, rng)
    recovered = narrow = 0
    for k, (lo, hi) in bounds.items():
        lo_i, hi_i = math.ceil(lo - 1e-6), (math.inf if math.isinf(hi) else math.floor(hi + 1e-6))
        if hi_i - lo_i < 1:
            recovered += 1
        narrow += k in need and hi_i - lo_i < need[k]
    print(json.dumps({"cells": len(bounds), "withheld": sum(v is None for v in cells.values()),
                      "relations": len(rel), "linear_programs": solves, "recovered": recovered, "narrow": narrow}))
    return 1 if recovered or narrow else 0


if __name__ == "__main__":
    sys.exit(main())
