#!/usr/bin/python3
"""Independent frequent-itemset counter for the rules tests (not touchmine code).

Apriori (Agrawal & Srikant 1994), level by level: single items and pairs are
counted by enumerating each basket's frequent items; longer candidates are
joined from frequent sets that share all but their last item, pruned when a
subset is infrequent, and counted by intersecting tid bitsets (Python ints).
Writes one line per frequent itemset: items ascending (numeric), a tab, the
absolute support, into OUT.frequent; then filters the frequent sets the
textbook way into OUT.closed (no frequent superset with the same support) and
OUT.maximal (no frequent superset).

usage: rules_apriori.py FILE.dat MINCOUNT OUT
"""
import sys
from collections import Counter
from itertools import combinations


def main():
    path, minsup = sys.argv[1], int(sys.argv[2])
    prefix = sys.argv[3]
    baskets = []
    with open(path) as f:
        for line in f:
            baskets.append(sorted(set(int(t) for t in line.split())))
    c1 = Counter(i for b in baskets for i in b)
    f1 = {i for i, c in c1.items() if c >= minsup}
    freq = {(i,): c1[i] for i in f1}
    c2 = Counter()
    tid = {}
    for t, b in enumerate(baskets):
        fb = [i for i in b if i in f1]
        for i in fb:
            tid[i] = tid.get(i, 0) | (1 << t)
        c2.update(combinations(fb, 2))
    level = {p: c for p, c in c2.items() if c >= minsup}
    freq.update(level)
    bits = {p: tid[p[0]] & tid[p[1]] for p in level}
    k = 2
    while level:
        groups = {}
        for s in sorted(level):
            groups.setdefault(s[:-1], []).append(s)
        nxt, nbits = {}, {}
        for sets in groups.values():
            for a in range(len(sets)):
                for b in range(a + 1, len(sets)):
                    cand = sets[a] + (sets[b][-1],)
                    if any(cand[:j] + cand[j + 1:] not in level for j in range(k - 1)):
                        continue
                    bs = bits[sets[a]] & tid[sets[b][-1]]
                    c = bs.bit_count()
                    if c >= minsup:
                        nxt[cand], nbits[cand] = c, bs
        freq.update(nxt)
        level, bits, k = nxt, nbits, k + 1
    not_closed, not_maximal = set(), set()
    for s, c in freq.items():
        for j in range(len(s) if len(s) > 1 else 0):
            sub = s[:j] + s[j + 1:]
            not_maximal.add(sub)
            if freq[sub] == c:
                not_closed.add(sub)
    for name, drop in (("frequent", set()), ("closed", not_closed), ("maximal", not_maximal)):
        with open(prefix + "." + name, "w") as out:
            for s in sorted(freq):
                if s not in drop:
                    out.write(" ".join(map(str, s)) + "\t" + str(freq[s]) + "\n")

main()
