#!/usr/bin/python3
"""FIMI (one basket per line, integer items) -> sparse ARFF with one binary
attribute per item id, for Weka's FPGrowth. usage: rules_fimi2arff.py IN.dat OUT.arff"""
import sys

rows, top = [], -1
with open(sys.argv[1]) as f:
    for line in f:
        items = sorted(set(int(t) for t in line.split()))
        if items:
            top = max(top, items[-1])
        rows.append(items)
with open(sys.argv[2], "w") as out:
    out.write("@relation baskets\n")
    for i in range(top + 1):
        out.write("@attribute i%d {0,1}\n" % i)
    out.write("@data\n")
    for items in rows:
        out.write("{" + ",".join("%d 1" % i for i in items) + "}\n")
