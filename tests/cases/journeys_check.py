#!/usr/bin/python3
"""Independent recomputation of funnels, retention and sequence support over
the warehouse's `touchpoints` view, for tests/cases/journeys.sh. Deliberately
the plain way: every start tried for the funnel (no dynamic programme), Python
dates for months, a subsequence scan for patterns.

  journeys_check.py DB funnel STEPS WINDOW_S     -> entered per step, "/"-joined
  journeys_check.py DB cohorts INTERVALS         -> monthly 'on' retention as CSV rows cohort,period,size,value
  journeys_check.py DB support ITEMS MAX_GAP_S   -> customers holding the sequence (collapsed channel:type steps)
"""
import datetime
import sqlite3
import sys

db, what = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
rows = con.execute(
    "SELECT customer_id, ts, channel, type FROM touchpoints WHERE customer_id IS NOT NULL ORDER BY customer_id, ts, id")
by_cust = {}
for c, ts, ch, ty in rows:
    by_cust.setdefault(c, []).append((ts, ch, ty))


def match(step, ch, ty):
    if ":" in step:
        sc, st = step.split(":", 1)
        return (sc == "*" or sc == ch) and (st == "*" or st == ty)
    return step == ty


if what == "funnel":
    steps = sys.argv[3].split(",")
    window = int(sys.argv[4]) * 1000
    k = len(steps)
    entered = [0] * k
    for evs in by_cust.values():
        best = 0
        for s, (t0, ch, ty) in enumerate(evs):
            if not match(steps[0], ch, ty):
                continue
            lvl = 1
            for t, ch2, ty2 in evs[s + 1:]:
                if t - t0 > window or lvl == k:
                    break
                if match(steps[lvl], ch2, ty2):
                    lvl += 1
            best = max(best, lvl)
        for j in range(best):
            entered[j] += 1
    print("/".join(map(str, entered)))
elif what == "cohorts":
    n = int(sys.argv[3])

    def month(ms):
        d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        return d.year * 12 + d.month - 1

    last = max(month(e[0]) for evs in by_cust.values() for e in evs)
    size, active = {}, {}
    for evs in by_cust.values():
        m0 = month(evs[0][0])
        size[m0] = size.get(m0, 0) + 1
        for i in {month(e[0]) - m0 for e in evs}:
            if i <= n:
                active[(m0, i)] = active.get((m0, i), 0) + 1
    for m0 in sorted(size):
        for i in range(n + 1):
            if m0 + i > last:
                break
            print("%04d-%02d-01,%d,%d,%.10g" % (m0 // 12, m0 % 12 + 1, i, size[m0], active.get((m0, i), 0) / size[m0]))
elif what == "support":
    items = sys.argv[3].split(",")
    gap = int(sys.argv[4]) * 1000
    count = 0
    for evs in by_cust.values():
        seq = []
        for t, ch, ty in evs:
            lab = ch + ":" + ty
            if not seq or seq[-1][1] != lab:
                seq.append((t, lab))
        # ends: positions where the prefix so far can end
        ends = [i for i, (t, lab) in enumerate(seq) if lab == items[0]]
        for it in items[1:]:
            nxt = set()
            for p in ends:
                for q in range(p + 1, len(seq)):
                    if seq[q][0] - seq[p][0] > gap:
                        break
                    if seq[q][1] == it:
                        nxt.add(q)
            ends = sorted(nxt)
        count += 1 if ends else 0
    print(count)
