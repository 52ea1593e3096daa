#!/usr/bin/python3
"""The pandas peer of bench/journeys.sh: a 20-step funnel (30-day window) and a
365-interval daily retention table over the events bench_journeys dumped
(int32 customer, int64 ts ms, int16 type; sorted by customer and time).

Retention is the same computation as touchmine's ("on", activity, cohorts by
first touchpoint's UTC day; a cell is observed when cohort + i <= the last
day), so its figures must be equal. The funnel is the way a pandas user would
write it: from each customer's FIRST s01 touchpoint, the earliest next step
after the previous one (merge_asof), within 30 days of the s01 — lighter than
touchmine's, which takes the best of every s01 start, so its counts can be a
little lower. Prints one JSON object with the seconds and figures.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

path, n = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as f:
    cust = np.fromfile(f, dtype=np.int32, count=n)
    ts = np.fromfile(f, dtype=np.int64, count=n)
    typ = np.fromfile(f, dtype=np.int16, count=n)
df = pd.DataFrame({"c": cust.astype(np.int64), "ts": ts, "type": typ})
del cust, ts, typ

# ---- funnel
t0 = time.perf_counter()
W = 30 * 86400000
first = df[df.type == 1].groupby("c", sort=False).ts.min()
cur = pd.DataFrame({"c": first.index.values, "t0": first.values, "t": first.values}).sort_values("t")
entered = [len(cur)]
for s in range(2, 21):
    ev = df.loc[df.type == s, ["c", "ts"]].sort_values("ts")
    m = pd.merge_asof(cur, ev, left_on="t", right_on="ts", by="c", direction="forward", allow_exact_matches=False)
    m = m[m.ts.notna() & (m.ts - m.t0 <= W)]
    cur = pd.DataFrame({"c": m.c.values, "t0": m.t0.values, "t": m.ts.values.astype(np.int64)}).sort_values("t")
    entered.append(len(cur))
t_funnel = time.perf_counter() - t0

# ---- retention: 365 daily intervals
t0 = time.perf_counter()
day = df.ts // 86400000
d = pd.DataFrame({"c": df.c, "day": day})
cohort = d.groupby("c").day.transform("min")
d["i"] = d.day - cohort
d["cohort"] = cohort
d = d[d.i <= 365].drop_duplicates(["c", "i"])
cells = d.groupby(["cohort", "i"]).size()
last = int(day.max())
cells = cells[cells.index.get_level_values(0) + cells.index.get_level_values(1) <= last]
per_interval = cells.groupby(level=1).sum().reindex(range(366), fill_value=0)
t_cohorts = time.perf_counter() - t0

print(json.dumps({"funnel_s": round(t_funnel, 3), "cohorts_s": round(t_cohorts, 3), "funnel_entered": entered,
                  "retained_per_interval": [int(x) for x in per_interval.values], "retention_cells": int(len(cells))}))
