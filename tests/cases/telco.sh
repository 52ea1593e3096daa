# Telco churn (IBM, ../shared/data/telco_churn): `touchmine churn --input` on
# the CRM extract as it is. Published baselines (SOURCE.md, Machine Learning
# Bookcamp): cross-validated logistic-regression AUC 0.839-0.842, test 0.858;
# the issue asks >= 0.84. An independent figure comes from scikit-learn in the
# same run (/usr/bin/python3: the same one-hot features, standardised,
# LogisticRegression(C=1, liblinear), stratified 5-fold out-of-fold AUC; it
# gave 0.8451 when this test was written, ours 0.8453). The metrics are then
# recomputed by scikit-learn from our own out-of-fold scores.
. tests/cases/lib.sh
have_shared telco_churn || { skip "telco: $TM_SHARED/telco_churn absent"; exit 0; }
f=$TM_SHARED/telco_churn/Telco-Customer-Churn.csv
tm churn --input "$f" --label Churn --format json > "$TM_OUT/lr.json" || nok "churn --input failed"
j() { jq -r "$1" "$TM_OUT/lr.json"; }
eq "all 7,043 customers are scored" "$(j .customers)" 7043
eq "the 1,869 churners are read from Yes/No" "$(j .positives)" 1869
ge "5-fold CV logistic AUC >= 0.84 (published 0.839-0.858)" "$(j .auc)" 0.84
eq "the id column (customerID) is the row id, not a feature" "$(j '[.importance[] | select(.feature | test("customerID"))] | length')" 0
eq "TotalCharges' 11 blank cells are flagged" "$(j '[.importance[] | select(.feature == "TotalCharges_missing")] | length')" 1
tm churn --input "$f" --label Churn --format csv > "$TM_OUT/scores.csv" || nok "csv scores failed"
/usr/bin/python3 - "$f" "$TM_OUT/lr.json" "$TM_OUT/scores.csv" > "$TM_OUT/sk.txt" <<'PY' || nok "scikit-learn reference failed"
import json, sys
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, average_precision_score, brier_score_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
df = pd.read_csv(sys.argv[1])
y = (df.pop("Churn") == "Yes").astype(int).values
df.pop("customerID")
df["TotalCharges"] = pd.to_numeric(df["TotalCharges"], errors="coerce").fillna(0)
X = pd.get_dummies(df, columns=[c for c in df.columns if df[c].dtype == object or df[c].nunique() <= 2]).astype(float)
model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="liblinear"))
p = cross_val_predict(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=42), method="predict_proba")[:, 1]
ours = json.load(open(sys.argv[2]))
sc = pd.read_csv(sys.argv[3]).merge(pd.read_csv(sys.argv[1])[["customerID", "Churn"]], left_on="customer", right_on="customerID")
yy = (sc.Churn == "Yes").astype(int).values
print("sklearn_auc %.6f" % roc_auc_score(y, p))
print("recomputed_auc %.9f" % roc_auc_score(yy, sc.score))
print("recomputed_ap %.9f" % average_precision_score(yy, sc.score))
print("recomputed_brier %.9f" % brier_score_loss(yy, sc.score))
top = sc.sort_values("score", ascending=False, kind="stable").head(len(sc) // 10)
print("top_decile_rate %.9f" % yy[top.index].mean())
PY
k() { awk -v k="$1" '$1 == k {print $2}' "$TM_OUT/sk.txt"; }
ge "scikit-learn's own CV AUC on the same features is >= 0.84 too" "$(k sklearn_auc)" 0.84
le "our AUC is within 0.01 of scikit-learn's" "$(awk -v a="$(j .auc)" -v b="$(k sklearn_auc)" 'BEGIN{d=a-b; print d<0?-d:d}')" 0.01
le "AUC recomputed by sklearn from our out-of-fold scores agrees (1e-6)" "$(awk -v a="$(j .auc)" -v b="$(k recomputed_auc)" 'BEGIN{d=a-b; print d<0?-d:d}')" 0.000001
le "PR-AUC agrees with sklearn's average_precision_score (1e-6)" "$(awk -v a="$(j .pr_auc)" -v b="$(k recomputed_ap)" 'BEGIN{d=a-b; print d<0?-d:d}')" 0.000001
le "Brier score agrees with sklearn's (1e-6)" "$(awk -v a="$(j .brier)" -v b="$(k recomputed_brier)" 'BEGIN{d=a-b; print d<0?-d:d}')" 0.000001
le "top-decile churn rate agrees (±0.01: ties at the decile edge)" "$(awk -v a="$(j '.deciles[0].rate')" -v b="$(k top_decile_rate)" 'BEGIN{d=a-b; print d<0?-d:d}')" 0.01
eq "capture reaches 100% at decile 10" "$(j '.deciles[9].capture')" 1
# gbt through xgboost, and the same result at 1 and 2 threads
tm churn --input "$f" --label Churn --model gbt --rounds 50 --threads 1 --format json > "$TM_OUT/gbt1.json" || nok "gbt failed"
tm churn --input "$f" --label Churn --model gbt --rounds 50 --threads 2 --format json > "$TM_OUT/gbt2.json" || nok "gbt (2 threads) failed"
ge "gbt (50 rounds) CV AUC >= 0.83" "$(jq -r .auc "$TM_OUT/gbt1.json")" 0.83
eq "gbt: identical output at 1 and 2 threads" "$(md5sum < "$TM_OUT/gbt1.json")" "$(md5sum < "$TM_OUT/gbt2.json")"
eq "gbt reasons come from SHAP: every top-decile customer has one" "$(jq '[.scores[] | select(.decile == 1 and (.reasons | length) == 0)] | length' "$TM_OUT/gbt1.json")" 0
# bad input: file:line: reason, usage exit code for a missing column
printf 'id,x,Churn\n1,2,Yes\n2,3,maybe\n' > "$TM_OUT/bad.csv"
tm churn --input "$TM_OUT/bad.csv" --label Churn > /dev/null 2> "$TM_OUT/bad.err"; rc=$?
eq "an unreadable label fails" "$rc" 1
check "the message names file:line and the value" grep -q "bad.csv:3: label 'maybe'" "$TM_OUT/bad.err"
tm churn --input "$f" --label Nope > /dev/null 2>&1; eq "a missing label column is a usage error" "$?" 2
