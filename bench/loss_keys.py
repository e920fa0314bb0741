#!/usr/bin/python3
"""loss_keys.py -- the person tables of bench/bench-loss.sh: one row per person,
hh (household), hh_size (counted exactly) and the 13 quasi-identifiers of the
anonymise plugin, a blank ("") being absent or suppressed.

  recoded JSONL PROFILE REPORT OUT  the store (hhreg export jsonl) after the
      recodes of docs/anonymise.md steps 3-6 (plugins/anonymise/recode.c, the
      variables as microdata.c takes them from the form); stops unless its persons
      at risk equal the release's report (persons_at_risk.after_recodes)
  release DIR OUT                   a release's persons.csv joined to households.csv
  table NAME PROFILE IN HHREG SDC SECONDS_HHREG SECONDS_SDC
                                    one line of the comparison, and per variable
"""
import json
import sys

import pandas as pd

HOUSEHOLD_QI = ["area", "hh_type", "dwelling", "tenure"]
PERSON_QI = ["age", "sex", "relationship", "marital", "ethnicity", "nationality",
             "residence", "education", "activity"]
QI = HOUSEHOLD_QI + PERSON_QI
CODED = [v for v in QI if v not in ("area", "age")]   # those with a code list: pooled
PROFILES = {"public": {"k": 5, "min_area": 1000, "bands": True, "top": 80},
            "licensed": {"k": 3, "min_area": 500, "bands": False, "top": 85}}


def text(v):
    """A form value as microdata.c keeps it: None and "" are blank."""
    return "" if v is None or v == "" else str(v)


def age_code(age, p):
    if age is None:
        return ""
    if age >= p["top"]:
        return f"{p['top']}+" if p["bands"] else str(p["top"])
    return f"{age // 5 * 5}-{age // 5 * 5 + 4}" if p["bands"] else str(age)


def read_jsonl(path, p):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            h = json.loads(line)
            persons = h["persons"] or []   # a household of nobody is left out of a release
            for q in persons:
                rows.append({"hh": n, "hh_size": len(persons),
                             "area": text((h.get("address") or {}).get("streetCode")),
                             "hh_type": text(h.get("householdType")), "dwelling": text(h.get("dwellingType")),
                             "tenure": text(h.get("tenure")), "age": age_code(q["derived"]["age"], p),
                             "sex": text(q.get("sex")), "relationship": text(q.get("relationship")),
                             "marital": text(q.get("maritalStatus")), "ethnicity": text(q.get("ethnicity")),
                             "nationality": text(q.get("nationality")), "residence": text(q.get("residence")),
                             "education": text(q.get("education")), "activity": text(q.get("activity"))})
    return pd.DataFrame(rows, columns=["hh", "hh_size"] + QI)


def at_risk(t, k):
    """Persons in groups of fewer than k: a blank is a value of its own."""
    size = t.groupby(QI + ["hh_size"], dropna=False)["hh"].transform("size")
    return int((size < k).sum())


def recoded(jsonl, profile, report, out):
    p = PROFILES[profile]
    t = read_jsonl(jsonl, p)
    persons_in_area = t.loc[t.area != "", "area"].value_counts()
    small = persons_in_area[persons_in_area < p["min_area"]].index
    t.loc[t.area.isin(small), "area"] = ""
    for v in CODED:
        n = t.loc[t[v] != "", v].value_counts()
        t.loc[t[v].isin(n[n < p["k"]].index), v] = "other"
    expected = json.load(open(report, encoding="utf-8"))["persons_at_risk"]["after_recodes"]
    got = at_risk(t, p["k"])
    if got != expected:
        sys.exit(f"loss_keys.py: the recoded input has {got} persons at risk, the release's report "
                 f"{expected}: the reproduction of the recodes is wrong, no fair comparison")
    t.to_csv(out, index=False)
    print(f"recoded: {len(t)} persons, {got} at risk (= the report's after_recodes)")


def release(directory, out):
    persons = pd.read_csv(f"{directory}/persons.csv", dtype=str, keep_default_na=False)
    households = pd.read_csv(f"{directory}/households.csv", dtype=str, keep_default_na=False)
    t = persons[["hh_id"] + PERSON_QI].merge(households[["hh_id"] + HOUSEHOLD_QI], on="hh_id",
                                             how="left", validate="many_to_one")
    assert len(t) == len(persons) and t[HOUSEHOLD_QI].notna().all().all(), "persons without their household"
    t["hh_size"] = t.groupby("hh_id")["hh_id"].transform("size")
    t = t.rename(columns={"hh_id": "hh"})[["hh", "hh_size"] + QI]
    t.to_csv(out, index=False)


def blanks(path):
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    return len(t), (t[QI] == "").sum()


def table(name, profile, inp, hhreg, sdc, s_hhreg, s_sdc):
    n, b0 = blanks(inp)
    _, bh = blanks(hhreg)
    _, bs = blanks(sdc)
    blanked_h, blanked_s = int(bh.sum() - b0.sum()), int(bs.sum() - b0.sum())
    ratio = f"{blanked_h / blanked_s:.2f}" if blanked_s else "-"
    print(f"{name:<7} {profile:<9} {n:>7} {int(b0.sum()):>9} {int(bs.sum()):>9} {int(bh.sum()):>9} "
          f"{ratio:>6} {float(s_sdc):>7.1f}s {float(s_hhreg):>6.1f}s")
    print("        blanked per variable (hhreg / sdcMicro): " +
          ", ".join(f"{v} {int(bh[v] - b0[v])}/{int(bs[v] - b0[v])}" for v in QI))


if __name__ == "__main__":
    commands = {"recoded": (recoded, 4), "release": (release, 2), "table": (table, 7)}
    if len(sys.argv) < 2 or sys.argv[1] not in commands or len(sys.argv) - 2 != commands[sys.argv[1]][1]:
        sys.exit(__doc__)
    commands[sys.argv[1]][0](*sys.argv[2:])
