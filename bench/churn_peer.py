#!/usr/bin/python3
"""bench/churn_peer.py — the pandas + scikit-learn (+ xgboost) pipeline a user
would write for what `touchmine churn` does, from the same warehouse: read the
touchpoints with sqlite3, build the same per-customer features as of the
cutoff (src/predict/model_features.c), label churn = no purchase in the 90
days after it, stratified 5-fold CV (StandardScaler + LogisticRegression
liblinear C=1, or XGBClassifier hist depth 4, 100 rounds, eta 0.1), fit on
everyone, then score every buyer as of the end of the data with their top three
reasons (coefficient x standardised value, or xgboost's SHAP values). Prints the AUC and
the seconds of each stage as JSON.

Usage: bench/churn_peer.py WAREHOUSE.db [logreg|gbt]
"""
import json, sqlite3, sys, time
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DAY = 86400000
t0 = time.time()
db, model = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "logreg")
con = sqlite3.connect(db)
ev = pd.read_sql_query("SELECT customer_id, ts, type, channel, amount, campaign, rating FROM touchpoints "
                       "WHERE customer_id IS NOT NULL", con)
t_read = time.time() - t0
end = int(ev.ts.max()) + 1
H = 90 * DAY


def features(ev, cut):
    e = ev[ev.ts < cut]
    g = e.groupby("customer_id")
    f = pd.DataFrame({"first": g.ts.min(), "last": g.ts.max(), "channels_used": g.channel.nunique()})
    buy = e[e.type == "purchase"]
    gb = buy.groupby("customer_id")
    f["orders"] = gb.size()
    f = f[f.orders > 0].copy()
    f["first_buy"], f["last_buy"] = gb.ts.min(), gb.ts.max()
    f["spend"] = gb.amount.sum()
    f["recent"] = buy[buy.ts >= cut - H].groupby("customer_id").size()
    f["prior"] = buy[(buy.ts >= cut - 2 * H) & (buy.ts < cut - H)].groupby("customer_id").size()
    f["disc"] = buy[buy.campaign.notna()].groupby("customer_id").size()
    for ch in sorted(buy.channel.unique()):
        f["share_" + ch] = buy[buy.channel == ch].groupby("customer_id").size()
    count = lambda mask: e[mask].groupby("customer_id").size()
    f["returns"] = count(e.type == "return")
    f["sends"], f["opens"], f["clicks"] = count(e.type == "send"), count(e.type == "open"), count(e.type == "click")
    f["support"] = count(e.type == "support")
    f["support_recent"] = count((e.type == "support") & (e.ts >= cut - H))
    f["unsub"] = count(e.type == "unsubscribe")
    f["cart"] = count(e.type == "add_to_cart")
    browse = e.channel.isin(["web", "app"]) & (e.type != "purchase")
    f["browse"], f["browse_recent"] = count(browse), count(browse & (e.ts >= cut - H))
    f["low"] = count(e.rating <= 2)
    f = f.fillna(0)
    x = pd.DataFrame(index=f.index)
    x["recency"] = (cut - f.last_buy) / DAY
    x["since_active"] = (cut - f["last"]) / DAY
    x["tenure"] = (cut - f["first"]) / DAY
    x["orders"] = np.log1p(f.orders)
    x["recent"], x["prior"] = np.log1p(f.recent), np.log1p(f.prior)
    x["spend"] = np.log1p(f.spend.clip(lower=0))
    x["aov"] = np.log1p((f.spend / f.orders).clip(lower=0))
    gap = np.where(f.orders >= 2, (f.last_buy - f.first_buy) / DAY / (f.orders - 1).clip(lower=1), x.tenure)
    x["gap"] = gap
    x["overdue"] = np.log1p(x.recency / np.maximum(gap, 1))
    x["return_rate"] = f.returns / f.orders
    x["support"], x["support_recent"] = np.log1p(f.support), np.log1p(f.support_recent)
    x["open_rate"] = np.where(f.sends > 0, f.opens / f.sends.clip(lower=1), 0)
    x["click_rate"] = np.where(f.sends > 0, f.clicks / f.sends.clip(lower=1), 0)
    x["sends"], x["unsub"] = np.log1p(f.sends), (f.unsub > 0).astype(float)
    x["browse"], x["browse_recent"], x["cart"] = np.log1p(f.browse), np.log1p(f.browse_recent), np.log1p(f.cart)
    x["discount"] = f.disc / f.orders
    x["low"] = np.log1p(f.low)
    x["channels_used"] = f.channels_used
    for c in f.columns:
        if c.startswith("share_"):
            x[c] = f[c] / f.orders
    return x


t1 = time.time()
cut = end - H
X = features(ev, cut)
post = ev[(ev.type == "purchase") & (ev.ts >= cut) & (ev.ts < cut + H)].groupby("customer_id").size()
y = (~X.index.isin(post.index)).astype(int)
t_feat = time.time() - t1
if model == "gbt":
    from xgboost import XGBClassifier
    est = XGBClassifier(n_estimators=100, max_depth=4, learning_rate=0.1, tree_method="hist", n_jobs=1,
                        random_state=42, verbosity=0)
else:
    est = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="liblinear"))
t2 = time.time()
p = cross_val_predict(est, X.values, y, cv=StratifiedKFold(5, shuffle=True, random_state=42), method="predict_proba")[:, 1]
auc = roc_auc_score(y, p)
est.fit(X.values, y)
t_cv = time.time() - t2
t3 = time.time()
S = features(ev, end).reindex(columns=X.columns, fill_value=0)
scores = est.predict_proba(S.values)[:, 1]
# per-customer top three reasons, as touchmine gives: logistic coefficient x
# standardised value, or xgboost's SHAP values (pred_contribs)
if model == "gbt":
    import xgboost
    contrib = est.get_booster().predict(xgboost.DMatrix(S.values), pred_contribs=True)[:, :-1]
else:
    sc, lr = est.named_steps["standardscaler"], est.named_steps["logisticregression"]
    contrib = sc.transform(S.values) * lr.coef_[0]
top = np.argsort(-contrib, axis=1)[:, :3]
names = np.array(S.columns)
reasons = ["; ".join(names[j] for j, c in zip(t, row[t]) if c > 0) for t, row in zip(top, contrib)]
out = pd.DataFrame({"customer_id": S.index, "score": scores, "reasons": reasons})
out["decile"] = pd.qcut(out.score.rank(method="first", ascending=False), 10, labels=False) + 1
out.to_sql("peer_scores", sqlite3.connect(":memory:"))
t_score = time.time() - t3
print(json.dumps({"model": model, "customers": int(len(y)), "positives": int(y.sum()), "features": X.shape[1],
                  "auc": auc, "scored": int(len(out)), "read_s": t_read, "features_s": t_feat, "cv_fit_s": t_cv,
                  "score_s": t_score, "total_s": time.time() - t0}))
