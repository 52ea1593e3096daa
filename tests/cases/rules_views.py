#!/usr/bin/python3
"""Independent frequent-itemset count of touchmine's three transaction views,
straight from the warehouse tables (not touchmine code):
  baskets      products (codes) of each event with order lines, returns excluded
  categories   the same events, product categories
  touchpoints  per customer (events whose identity has a customer), events in
               (ts, id) order, tumbling 7-day windows opened by the first event
               and then by the first event >= 7 days after the window's start;
               items "channel_type"
Counts every sub-itemset of every basket (baskets are small) and prints those
with support >= ceil(minfrac x baskets): items sorted, a tab, the support.
usage: rules_views.py DB VIEW MINFRAC
"""
import math
import sqlite3
import sys
from collections import Counter
from itertools import combinations

db, view, frac = sys.argv[1], sys.argv[2], float(sys.argv[3])
con = sqlite3.connect(db)
baskets = []
if view in ("baskets", "categories"):
    col = "p.code" if view == "baskets" else "p.category"
    rows = con.execute(f"""SELECT l.event_id, {col} FROM order_lines l JOIN events e ON e.id = l.event_id
        JOIN touch_types t ON t.id = e.type_id JOIN products p ON p.id = l.product_id
        WHERE t.name != 'return' ORDER BY l.event_id""")
    cur, items = None, set()
    for ev, it in rows:
        if ev != cur:
            if cur is not None:
                baskets.append(items)
            cur, items = ev, set()
        if it:
            items.add(it)
    if cur is not None:
        baskets.append(items)
else:
    window = 7 * 86400000
    rows = con.execute("""SELECT i.customer_id, e.ts, c.name || '_' || t.name FROM events e
        JOIN identities i ON i.id = e.identity_id JOIN channels c ON c.id = e.channel_id
        JOIN touch_types t ON t.id = e.type_id WHERE i.customer_id IS NOT NULL ORDER BY i.customer_id, e.ts, e.id""")
    cur, start, items = None, 0, set()
    for cust, ts, it in rows:
        if cust != cur or ts - start >= window:
            if cur is not None:
                baskets.append(items)
            cur, start, items = cust, ts, set()
        items.add(it)
    if cur is not None:
        baskets.append(items)
minsup = max(1, math.ceil(frac * len(baskets) - 1e-9))
single = Counter(i for b in baskets for i in b)
keep = {i for i, c in single.items() if c >= minsup}
counts = Counter()
for b in baskets:
    fb = sorted(i for i in b if i in keep)
    for k in range(1, len(fb) + 1):
        counts.update(combinations(fb, k))
for s, c in counts.items():
    if c >= minsup:
        print(" ".join(sorted(s)) + "\t" + str(c))
