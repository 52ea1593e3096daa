#!/usr/bin/python3
"""Compares touchmine's rules (CSV) with Weka FPGrowth's printed rules: how
many each found, how many only one found and why (on the boundary: confidence
exactly the minimum, or support exactly the minimum count), and whether the
shared rules have the same counts.
usage: rules_compare.py TM.csv WEKA.out MINCOUNT MINCONF"""
import csv
import re
import sys

tm_path, wk_path, mincount, minconf = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
tm = {}
for r in csv.DictReader(open(tm_path)):
    tm[(frozenset(r["antecedent"].split(",")), frozenset(r["consequent"].split(",")))] = (
        int(r["count"]), float(r["confidence"]))
wk = {}
for line in open(wk_path):
    m = re.search(r"\[(.*?)\]: (\d+) ==> \[(.*?)\]: (\d+)", line)
    if m:
        side = lambda s: frozenset(x.strip()[1:-2] for x in s.split(","))
        wk[(side(m.group(1)), side(m.group(3)))] = int(m.group(4))
only_tm = [tm[k] for k in tm.keys() - wk.keys()]
conf_edge = sum(1 for c, f in only_tm if abs(f - minconf) < 1e-9)
count_edge = sum(1 for c, f in only_tm if c == mincount and abs(f - minconf) >= 1e-9)
same = all(tm[k][0] == wk[k] for k in tm.keys() & wk.keys())
print(f"touchmine {len(tm)}, Weka {len(wk)}, shared {len(tm.keys() & wk.keys())} (same counts: {same}); "
      f"touchmine only {len(only_tm)} = {conf_edge} with confidence exactly {minconf} + {count_edge} with support "
      f"exactly {mincount} + {len(only_tm) - conf_edge - count_edge} other; Weka only {len(wk.keys() - tm.keys())}")
