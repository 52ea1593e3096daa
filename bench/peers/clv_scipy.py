#!/usr/bin/python3
"""clv_scipy.py — the peer of touchmine clv in bench/clv.sh: BG/NBD and Gamma-Gamma
maximum likelihood with scipy.optimize.minimize (L-BFGS-B, numerical gradient, on
log-parameters) over the same likelihoods in vectorised numpy, then per-customer
predictions (expected purchases over the horizon, P(alive), expected spend, CLV
discounted monthly) as lifetimes computes them (scipy.special.hyp2f1 per customer
and month).

  clv_scipy.py cdnow FILE.csv           the lifetimes layout with zbar (weeks)
  clv_scipy.py synth DIR HORIZON_DAYS   DIR/{x,tx,T,m}.f64 from bench_clv gen-clv

The BG/NBD fit runs on the customers grouped by unique (x, t_x, T) with counts
(np.unique), the same sufficient statistics touchmine uses; Gamma-Gamma per
customer. For 10M customers the prediction pass is timed on the first 1M customers
and scaled by n / 1M (printed as predict_scaled_from). One JSON line on stdout.
"""
import json, sys, time
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, betaln, hyp2f1

def bg_negll(logp, x, tx, T, w):
    r, al, a, b = np.exp(logp)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(al)
    A2 = betaln(a, b + x) - betaln(a, b)
    A3 = -(r + x) * np.log(al + T)
    with np.errstate(divide="ignore"):
        A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(al + tx), -np.inf)
    return -(w * (A1 + A2 + np.logaddexp(A3, A4))).sum() / w.sum()

def gg_negll(logp, x, m):
    p, q, g = np.exp(logp)
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(m)
          + p * x * np.log(x) - (p * x + q) * np.log(g + x * m))
    return -ll.sum() / len(x)

def predict(par, gg, x, tx, T, m, horizon, unit):
    r, al, a, b = par
    p, q, g = gg
    months = int(np.ceil(horizon / 30.4375 - 1e-9))
    with np.errstate(divide="ignore", invalid="ignore"):
        logodds = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(al + T) - np.log(al + tx))
        den = np.where(x > 0, 1 + np.exp(logodds), 1.0)
    palive = 1 / den
    def cond(t):
        z = t / (al + T + t)
        return (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)) / den
    prev = np.zeros_like(x); disc = np.zeros_like(x)
    for k in range(1, months + 1):
        td = min(k * 30.4375, horizon)
        cur = cond(td / unit)
        disc += (cur - prev) / (1.10 ** (td / 365.25))
        prev = cur
    with np.errstate(invalid="ignore"):
        spend = np.where(x > 0, p * (g + x * np.nan_to_num(m)) / (p * x + q - 1), p * g / (q - 1))
    return prev, palive, spend, spend * disc

def fit(x, tx, T, m):
    t0 = time.perf_counter()
    keys, inv, cnt = np.unique(np.stack([x, tx, T], axis=1), axis=0, return_inverse=True, return_counts=True)
    gx, gtx, gT, w = keys[:, 0], keys[:, 1], keys[:, 2], cnt.astype(float)
    t_group = time.perf_counter() - t0
    start = np.log([1.0, max(1e-3, (w * gT).sum() / max((w * gx).sum(), 1e-9)), 1.0, 1.0])
    bg = minimize(bg_negll, start, args=(gx, gtx, gT, w), method="L-BFGS-B")
    sel = (x > 0) & (m > 0)
    gg = minimize(gg_negll, np.log([1.0, 2.0, np.exp(np.log(m[sel]).mean())]), args=(x[sel], m[sel]), method="L-BFGS-B")
    return np.exp(bg.x), np.exp(gg.x), bg, gg, len(keys), t_group, time.perf_counter() - t0

def main():
    if sys.argv[1] == "cdnow":
        d = np.genfromtxt(sys.argv[2], delimiter=",", names=True)
        x, tx, T, m = d["x"], d["t_x"], d["T"], d["zbar"]
        m = np.where(x > 0, m, np.nan)
        horizon, unit, n_pred = 365.0, 7.0, len(x)
    else:
        dr = sys.argv[2]
        x, tx, T, m = (np.fromfile(f"{dr}/{k}.f64") for k in ("x", "tx", "T", "m"))
        horizon, unit = float(sys.argv[3]), 1.0
        n_pred = min(len(x), 1_000_000)
    t0 = time.perf_counter()
    par, gg, bgres, ggres, groups, t_group, t_fit = fit(x, tx, T, m)
    t1 = time.perf_counter()
    predict(par, gg, x[:n_pred], tx[:n_pred], T[:n_pred], m[:n_pred], horizon, unit)
    t_pred = (time.perf_counter() - t1) * len(x) / n_pred
    print(json.dumps({"customers": len(x), "groups": int(groups), "seconds": t_fit + t_pred, "fit_seconds": t_fit,
                      "group_seconds": t_group, "predict_seconds": t_pred, "predict_scaled_from": n_pred,
                      "r": par[0], "alpha": par[1], "a": par[2], "b": par[3], "p": gg[0], "q": gg[1], "gamma": gg[2],
                      "bg_evals": int(bgres.nfev), "gg_evals": int(ggres.nfev),
                      "loglik": -bgres.fun * len(x), "converged": bool(bgres.success and ggres.success)}))

main()
