# touchmine drivers on a synth warehouse. Every figure is recomputed by an
# independent /usr/bin/python3 (numpy) script from the feature table that
# `drivers --format csv` exports: Pearson r of the target with every feature
# and of every pair, Fisher-z 95% intervals, the churn rate and lift per
# quantile band (cut points at sorted rank n*k/B, equal values in one band).
# Then planted behaviour: synth's dropped-out buyers browse half as much and
# buy no more, so recent orders and browsing must lower churn.
. tests/cases/lib.sh
d=$TM_OUT/data db=$TM_OUT/s.db
tm synth --customers 5k --days 365 --seed 3 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
for target in churn revenue; do
  tm drivers --db "$db" --target $target --format json > "$TM_OUT/$target.json" || nok "drivers $target failed"
  tm drivers --db "$db" --target $target --format csv > "$TM_OUT/$target.csv" || nok "drivers $target csv failed"
  /usr/bin/python3 - "$TM_OUT/$target.json" "$TM_OUT/$target.csv" $target > "$TM_OUT/$target.py.txt" <<'PY' || nok "python recomputation failed"
import json, sys
import numpy as np
doc = json.load(open(sys.argv[1])); target = sys.argv[3]
import csv
rows = list(csv.reader(open(sys.argv[2])))
head, data = rows[0], np.array([[float(v) for v in r[1:]] for r in rows[1:]])
names, X, y = head[1:-1], data[:, :-1], data[:, -1]
n = len(y)
col = {nm: X[:, i] for i, nm in enumerate(names)}; col[target] = y
worst_r = worst_ci = 0.0
for c in doc["correlations"]:
    r = np.corrcoef(col[c["a"]], col[c["b"]])[0, 1]
    z, se = np.arctanh(r), 1 / np.sqrt(n - 3)
    worst_r = max(worst_r, abs(r - c["r"]))
    worst_ci = max(worst_ci, abs(np.tanh(z - 1.959963984540054 * se) - c["ci_low"]), abs(np.tanh(z + 1.959963984540054 * se) - c["ci_high"]))
B = doc["bands"]; overall = y.mean(); worst_lift = 0.0; bands = 0
for nm in names:
    v = col[nm]; s = np.sort(v)
    cuts = [s[k * n // B] for k in range(1, B)]
    band = np.array([sum(x > c for c in cuts) for x in v]) + 1
    for b in doc["lift"]:
        if b["feature"] != nm: continue
        m = band == b["band"]
        assert m.sum() == b["customers"], (nm, b, m.sum())
        worst_lift = max(worst_lift, abs(y[m].mean() / overall - b["lift"]))
        bands += 1
print("n", n)
print("pairs", len(doc["correlations"]))
print("worst_r %.3g" % worst_r)
print("worst_ci %.3g" % worst_ci)
print("worst_lift %.3g" % worst_lift)
print("bands", bands)
PY
  k() { awk -v k="$1" '$1 == k {print $2}' "$TM_OUT/$target.py.txt"; }
  eq "$target: the feature table has every customer" "$(k n)" "$(jq .customers "$TM_OUT/$target.json")"
  ge "$target: correlations cover the target and every pair" "$(k pairs)" 300
  le "$target: every r equals numpy's (1e-9)" "$(k worst_r)" 1e-9
  le "$target: every Fisher-z interval equals the recomputed one (1e-9)" "$(k worst_ci)" 1e-9
  le "$target: every band's size and lift equal the recomputed ones (1e-9)" "$(k worst_lift)" 1e-9
  ge "$target: bands checked" "$(k bands)" 50
done
j() { jq -r "$1" "$TM_OUT/churn.json"; }
le "recent orders go with less churn (r < -0.2, interval below 0)" "$(j '.correlations[] | select(.a == "churn" and .b == "log_orders_recent") | .ci_high')" -0.2
le "recent browsing goes with less churn" "$(j '.correlations[] | select(.a == "churn" and .b == "log_browse_recent") | .r')" -0.1
ge "days since the last purchase go with more churn" "$(j '.correlations[] | select(.a == "churn" and .b == "days_since_last_purchase") | .ci_low')" 0.2
eq "the ranked list is in plain words" "$(j '.drivers[0].statement | test("^customers with .* churn [0-9.]+× as often")')" true
ge "the top driver's lift is far from 1 (|log lift| > 0.4)" "$(j '.drivers[0].lift | log | fabs')" 0.4
ge "revenue: recent orders go with more revenue" "$(jq -r '.correlations[] | select(.a == "revenue" and .b == "log_orders_recent") | .r' "$TM_OUT/revenue.json")" 0.1
tm drivers --db "$db" --target nope > /dev/null 2>&1; eq "an unknown target is a usage error" "$?" 2
