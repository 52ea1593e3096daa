# Churn, propensity and leads on a synth warehouse, against its planted truth.
# The generator's best_auc ranks buyers by their true probability, which needs
# the hidden dropout state; no model can see it. truth.json also records the
# bounds a model can reach from the purchase history (docs/synth.md): with each
# buyer's own rates (best_observable_auc, still an oracle) and with only the
# planted BG/NBD segment parameters (bgnbd_observable_auc, the Bayes-optimal
# score from purchase timing). The model must come within 0.03 of the latter
# (it also sees browsing and email, which fall after a dropout, so it may pass it).
# Labels are checked against SQL over the warehouse, and leakage by deleting
# everything after the horizon: nothing may change.
. tests/cases/lib.sh
d=$TM_OUT/data db=$TM_OUT/s.db
tm synth --customers 10k --days 365 --seed 5 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
t() { jq -r "$1" "$d/truth.json"; }
tm churn --db "$db" --truth "$d/truth.json" --format json > "$TM_OUT/lr.json" || nok "churn failed"
j() { jq -r "$1" "$TM_OUT/lr.json"; }
eq "the cutoff is the generator's" "$(j .cutoff)" "$(t .churn.cutoff)"
le "eligible buyers within 1% of the planted count (identity merges)" \
  "$(awk -v a="$(j .customers)" -v b="$(t .churn.eligible_customers)" 'BEGIN{d=(a-b)/b; print d<0?-d:d}')" 0.01
le "churners within 1% of the planted count" \
  "$(awk -v a="$(j .positives)" -v b="$(t .churn.no_purchase_in_window)" 'BEGIN{d=(a-b)/b; print d<0?-d:d}')" 0.01
eq "--truth adds the planted bounds" "$(j '[.truth_best_auc, .truth_observable_auc, .truth_bgnbd_auc] | map(. > 0.5) | all')" true
ge "logreg AUC within 0.03 of the planted BG/NBD observable bound" "$(j .auc)" "$(j '.truth_bgnbd_auc - 0.03')"
echo "# logreg auc $(j .auc); bounds: bgnbd_observable $(t .churn.bgnbd_observable_auc), own-rates $(t .churn.best_observable_auc), true-state $(t .churn.best_auc)"
# labels by SQL: buyers before the cutoff, no purchase in [cutoff, cutoff + 90 d)
cut=$(( $(date -d "$(j .cutoff)" +%s) * 1000 )); end=$(( cut + 90 * 86400000 ))
q="WITH b AS (SELECT customer_id, max(ts < $cut) pre, sum(ts >= $cut AND ts < $end) post FROM touchpoints
   WHERE type = 'purchase' AND customer_id IS NOT NULL GROUP BY 1) SELECT count(*), sum(post = 0) FROM b WHERE pre = 1"
eq "eligible and churners equal the SQL count" "$(j '"\(.customers)|\(.positives)"')" "$(sqlite3 "$db" "$q")"
# saved: one run, every scored customer, ten deciles adding up
eq "model_runs row" "$(sqlite3 "$db" "SELECT kind, model, customers, round(auc, 6) FROM model_runs WHERE id = $(j .run_id)")" \
  "churn|logreg|$(j .customers)|$(printf '%.6f' "$(j .auc)")"
eq "model_scores holds every scored customer" "$(sqlite3 "$db" "SELECT count(*) FROM model_scores WHERE run_id = $(j .run_id)")" "$(j .scored)"
eq "model_deciles add up to the customers" "$(sqlite3 "$db" "SELECT count(*), sum(customers), sum(positives) FROM model_deciles WHERE run_id = $(j .run_id)")" \
  "10|$(j .customers)|$(j .positives)"
eq "every top-decile customer has reasons" "$(sqlite3 "$db" "SELECT count(*) FROM model_scores WHERE run_id = $(j .run_id) AND decile = 1 AND reasons = ''")" 0
# gbt: SHAP reasons, same at 1 and 2 threads, also near the bound
tm churn --db "$db" --truth "$d/truth.json" --model gbt --rounds 40 --depth 3 --threads 1 --format json > "$TM_OUT/g1.json" || nok "gbt failed"
tm churn --db "$db" --truth "$d/truth.json" --model gbt --rounds 40 --depth 3 --threads 2 --format json > "$TM_OUT/g2.json" || nok "gbt 2 threads failed"
eq "gbt scores and reasons identical at 1 and 2 threads" "$(jq -c '[.auc, .scores]' "$TM_OUT/g1.json" | md5sum)" "$(jq -c '[.auc, .scores]' "$TM_OUT/g2.json" | md5sum)"
ge "gbt AUC within 0.03 of the planted BG/NBD observable bound" "$(jq -r .auc "$TM_OUT/g2.json")" "$(t '.churn.bgnbd_observable_auc - 0.03')"
# no leakage: delete everything after cutoff + horizon; the CV result is the same
cp "$db" "$TM_OUT/cut.db"
sqlite3 "$TM_OUT/cut.db" "DELETE FROM order_lines WHERE event_id IN (SELECT id FROM events WHERE ts >= $end); DELETE FROM events WHERE ts >= $end; DELETE FROM dataset_cache;"
tm churn --db "$TM_OUT/cut.db" --cutoff "$(j .cutoff)" --horizon 90 --format json > "$TM_OUT/cut.json" || nok "churn on the cut warehouse failed"
eq "no leakage: deleting data after the horizon changes nothing" "$(jq -c '[.auc, .customers, .positives, .deciles]' "$TM_OUT/cut.json")" "$(jq -c '[.auc, .customers, .positives, .deciles]' "$TM_OUT/lr.json")"
# backtest: three cutoffs a horizon apart
tm churn --db "$db" --backtest 2 --folds 3 --format json > "$TM_OUT/bt.json" || nok "backtest failed"
eq "backtest reports three cutoffs" "$(jq '.backtest | length' "$TM_OUT/bt.json")" 3
# (the earliest cutoff, 270 days before the end, has half a year of history: ~0.69 here)
ge "backtest AUCs stay above 0.65" "$(jq '[.backtest[].auc] | min' "$TM_OUT/bt.json")" 0.65
le "backtest spread (sd) below 0.08" "$(jq -r .backtest_auc_sd "$TM_OUT/bt.json")" 0.08
# propensity and leads, labels by SQL
tm propensity --db "$db" --horizon 60 --format json > "$TM_OUT/prop.json" || nok "propensity failed"
ge "propensity AUC > 0.7" "$(jq -r .auc "$TM_OUT/prop.json")" 0.7
cut=$(( $(date -d "$(jq -r .cutoff "$TM_OUT/prop.json")" +%s) * 1000 )); end=$(( cut + 60 * 86400000 ))
q="WITH c AS (SELECT customer_id, min(ts) first, sum(type = 'purchase' AND ts >= $cut AND ts < $end) post FROM touchpoints
   WHERE customer_id IS NOT NULL GROUP BY 1) SELECT count(*), sum(post > 0) FROM c WHERE first < $cut"
eq "propensity eligible and buyers equal the SQL count" "$(jq -r '"\(.customers)|\(.positives)"' "$TM_OUT/prop.json")" "$(sqlite3 "$db" "$q")"
tm leads --db "$db" --horizon 60 --folds 3 --format json > "$TM_OUT/leads.json" || nok "leads failed"
q="WITH c AS (SELECT customer_id, min(ts) first, sum(type = 'purchase' AND ts < $cut) pre, sum(type = 'purchase' AND ts >= $cut AND ts < $end) post
   FROM touchpoints WHERE customer_id IS NOT NULL GROUP BY 1) SELECT count(*), sum(post > 0) FROM c WHERE first < $cut AND pre = 0"
eq "leads: prospects and first purchases equal the SQL count" "$(jq -r '"\(.customers)|\(.positives)"' "$TM_OUT/leads.json")" "$(sqlite3 "$db" "$q")"
ge "lead-score AUC > 0.6" "$(jq -r .auc "$TM_OUT/leads.json")" 0.6
cat=$(sqlite3 "$db" "SELECT category FROM products WHERE category IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
tm propensity --db "$db" --category "$cat" --folds 2 --format json > "$TM_OUT/cat.json" || nok "propensity --category failed"
check "a category's buyers are fewer than all buyers" test "$(jq .positives "$TM_OUT/cat.json")" -lt "$(sqlite3 "$db" "SELECT count(DISTINCT customer_id) FROM touchpoints WHERE type = 'purchase'")"
tm propensity --db "$db" --category NoSuchThing > /dev/null 2>&1; eq "an unknown category fails" "$?" 1
