#!/usr/bin/python3
"""hw_statsmodels.py — the peer of touchmine's Holt-Winters in bench/clv.sh:
statsmodels ExponentialSmoothing(trend="add", seasonal="add", seasonal_periods=P).fit()
with its defaults, one series at a time, on the first SAMPLE series of FILE (float64,
S series of N points, row-major), forecasting 12 ahead. Prints one JSON line: the
time per series (the sample's mean) — scaled to all S series by the caller.

  hw_statsmodels.py FILE S N PERIOD SAMPLE
"""
import json, sys, time, warnings
import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

def main():
    path, s, n, period, sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    v = np.fromfile(path).reshape(s, n)
    warnings.simplefilter("ignore")
    sse = 0.0
    t0 = time.perf_counter()
    for k in range(min(sample, s)):
        fit = ExponentialSmoothing(v[k], trend="add", seasonal="add", seasonal_periods=period).fit()
        fit.forecast(12)
        sse += float(fit.sse)
    t = time.perf_counter() - t0
    k = min(sample, s)
    print(json.dumps({"series_timed": k, "seconds": t, "per_series_ms": 1000 * t / k, "sum_sse_sample": sse}))

main()
