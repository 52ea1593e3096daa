#!/usr/bin/python3
"""The scikit-learn peer of bench/kmeans_bench.c: KMeans(algorithm="lloyd",
n_init=1, init=CENTRES, max_iter=ITERS, tol=0) on the same raw float64 data.

    kmeans_sklearn.py DATA CENTRES N D K ITERS  ->  "key value" lines
"""
import sys, time
import numpy as np
from sklearn.cluster import KMeans

data, centres, n, d, k, iters = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
x = np.fromfile(data, dtype=np.float64).reshape(n, d)
c = np.fromfile(centres, dtype=np.float64).reshape(k, d)
best = None
for rep in range(2):  # the first warms up, as for touchmine
    km = KMeans(n_clusters=k, init=c, n_init=1, max_iter=iters, tol=0, algorithm="lloyd")
    t0, u0 = time.perf_counter(), time.process_time()
    km.fit(x)
    t, u = time.perf_counter() - t0, time.process_time() - u0
print(f"sklearn_iterations {km.n_iter_}")
print(f"sklearn_seconds {t:.4f}")
# sklearn's fit also runs one last assignment pass (labels of the final centres)
print(f"sklearn_seconds_per_iteration {t / (km.n_iter_ + 1):.5f}")
print(f"sklearn_cpu_seconds_per_iteration {u / (km.n_iter_ + 1):.5f}")
print(f"sklearn_inertia {km.inertia_:.6f}")
import sklearn
print(f"sklearn_version {sklearn.__version__}")
