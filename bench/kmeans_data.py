#!/usr/bin/python3
"""Synthetic k-means input for bench/kmeans.sh: N x D float64 rows from 8
Gaussian blobs (seeded), and K initial centres drawn from the rows.

    kmeans_data.py N D K DATA CENTRES
"""
import sys
import numpy as np

n, d, k = map(int, sys.argv[1:4])
rng = np.random.default_rng(42)
means = rng.normal(0, 3, size=(8, d))
out = np.empty((n, d), dtype=np.float64)
step = 1_000_000
for lo in range(0, n, step):
    hi = min(n, lo + step)
    lab = rng.integers(0, 8, size=hi - lo)
    out[lo:hi] = means[lab] + rng.normal(0, 1.5, size=(hi - lo, d))
out.tofile(sys.argv[4])
out[rng.choice(n, size=k, replace=False)].tofile(sys.argv[5])
