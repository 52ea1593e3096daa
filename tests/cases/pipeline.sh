# The whole job on one synth warehouse, through the CLI only: every analysis
# writes its results, the later ones read the earlier ones' (sentiment feeds
# the segment features, CLV the value segments, themes the needs segments),
# and the dashboard shows a section for each with charts — no "No data yet"
# left but for the analyses that do not exist (A/B tests, attribution,
# anomalies). Figures on the page are checked against the result tables the
# commands wrote (SQL), which each command's own case checks against truth.
. tests/cases/lib.sh
PY=/usr/bin/python3
d=$TM_OUT/data db=$TM_OUT/p.db
rm -f "$db" "$db-wal" "$db-shm"
q() { sqlite3 "$db" "$1"; }
tm synth --customers 1500 --days 365 --seed 23 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"

run() { local name=$1; shift; tm "$@" --db "$db" > "$TM_OUT/$name.out" 2> "$TM_OUT/$name.err"; eq "$name exits 0" $? 0; }
run sentiment sentiment
run themes themes
run clv clv --horizon 365
run forecast forecast --by category --grain month --holdout 2
run rules rules --view baskets --min-support 0.2%
run paths paths --event purchase --first
run funnel funnel --steps view,add_to_cart,purchase --window 7d
run cohorts cohorts --period month --intervals 12
run churn churn --horizon 60
run drivers drivers --target churn
run cluster segment --by cluster --k 5
run rfm segment --by rfm

# Each analysis left rows in its tables (docs/warehouse.md).
for t in text_sentiment text_customer text_themes clv_customer forecast_points assoc_rules path_transitions \
         funnel_steps cohort_retention segment_profiles segment_features model_scores model_deciles; do
  ge "$t has rows" "$(q "SELECT count(*) FROM $t")" 1
done
# Feeds the rest: review sentiment is a clustering feature once sentiment has run,
# value segments use CLV deciles once clv has run, needs segments use the themes.
eq "review sentiment is a clustering feature" \
   "$(q "SELECT count(*) > 0 FROM segment_features f JOIN segment_runs r ON r.id = f.run_id WHERE r.kind = 'cluster' AND f.feature LIKE '%sentiment%'")" 1
tm segment --by value --db "$db" --format json > "$TM_OUT/value.json" 2> /dev/null
eq "value segments are CLV deciles" "$(jq -r '.. | .value_basis? // empty' "$TM_OUT/value.json" | head -1 | cut -c1-3)" clv
tm segment --by needs --db "$db" > /dev/null 2>&1; eq "needs segments run once themes exist" $? 0

tm report --db "$db" --out "$TM_OUT/all.html" 2> /dev/null; eq "report exits 0" $? 0
$PY tests/cases/report_dom.py "$TM_OUT/all.html" > "$TM_OUT/all.json" || nok "page does not parse"
J() { jq -r "$1" "$TM_OUT/all.json"; }
for s in summary quality segments rules journeys funnel cohorts clv churn sentiment forecast; do
  eq "section $s is filled by the real analysis" "$(J ".sections.$s | (.empty | not) and (.charts | length > 0)")" true
done
eq "every chart has drawn marks" "$(J '[.sections[].charts[] | select(.marks == 0)] | length')" 0
# The page shows the commands' results: the funnel's first-step count and the
# largest CLV as the tables hold them.
first=$(q "SELECT entered FROM funnel_steps WHERE run_id = (SELECT max(run_id) FROM funnel_steps) AND breakdown = 'all' AND step_no = 1")
eq "funnel step 1 on the page = funnel_steps" "$(J ".sections.funnel.text | contains(\"$first\")")" true
top=$(q "SELECT printf('%.2f', max(clv)) FROM clv_customer WHERE run_id = (SELECT max(id) FROM clv_runs)")
grep -q -F "$top" "$TM_OUT/all.html"; eq "largest CLV on the page = clv_customer ($top)" $? 0
# The churn section's figures are the run's: its AUC (a fraction, not rounded to 0).
auc=$(q "SELECT printf('%.3g', auc) FROM model_runs WHERE id = (SELECT max(id) FROM model_runs WHERE kind = 'churn')")
grep -q -F "data-key=\"auc\">$auc<" "$TM_OUT/all.html"; eq "churn section's AUC = model_runs ($auc)" $? 0
# The churn tile is the share of the latest churn run's scores at 0.5 or more.
share=$(q "SELECT printf('%.1f%%', 100.0 * avg(score >= 0.5)) FROM model_scores WHERE run_id = (SELECT max(id) FROM model_runs WHERE kind = 'churn')")
grep -q -F "$share" "$TM_OUT/all.html"; eq "churn tile = model_scores ($share)" $? 0

# CLV deciles and churn's top reasons are computed in C (clv_bands, churn_reasons in
# src/report/sections.c); the JSON API's tables equal the SQL they replaced.
port=$((20000 + ($$ + 7919) % 20000))
"$TM_BIN" serve --db "$db" --port "$port" > /dev/null 2>&1 &
spid=$!
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/api" && break; sleep 0.2; done
curl -s "http://127.0.0.1:$port/api/clv" > "$TM_OUT/clv_api.json"
curl -s "http://127.0.0.1:$port/api/churn" > "$TM_OUT/churn_api.json"
kill -TERM $spid; wait $spid 2> /dev/null
eq "CLV deciles = SQL ntile(10)" \
   "$(jq -r '[.clv_bands[] | "\(.band)=\(.customers)=\(.min_clv * 100 | round)=\(.total_clv * 100 | round)"] | join(" ")' "$TM_OUT/clv_api.json")" \
   "$(q "WITH c AS (SELECT clv FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer)),
         t AS (SELECT clv, ntile(10) OVER (ORDER BY clv) AS decile FROM c)
         SELECT group_concat(x, ' ') FROM (SELECT 'decile ' || decile || '=' || count(*) || '=' || CAST(round(min(clv) * 100) AS INTEGER)
           || '=' || CAST(round(sum(clv) * 100) AS INTEGER) AS x FROM t GROUP BY decile ORDER BY decile DESC)")"
eq "churn top reasons = SQL split of the riskiest tenth's reasons" \
   "$(jq -r '[.reasons[] | "\(.reason)=\(.customers)"] | join("|")' "$TM_OUT/churn_api.json")" \
   "$(q "WITH RECURSIVE hi AS (SELECT reasons || ';' AS rest FROM model_scores WHERE run_id =
           (SELECT max(id) FROM model_runs WHERE kind = 'churn') AND decile = 1 AND reasons IS NOT NULL),
         split(reason, rest) AS (SELECT NULL, rest FROM hi UNION ALL SELECT trim(substr(rest, 1, instr(rest, ';') - 1)),
           substr(rest, instr(rest, ';') + 1) FROM split WHERE rest <> '')
         SELECT group_concat(x, '|') FROM (SELECT reason || '=' || count(*) AS x FROM split WHERE reason IS NOT NULL
           AND reason <> '' GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 12)")"
# Sections of analyses touchmine does not have name no command that does not exist.
for s in abtest attribution anomalies; do
  eq "section $s names no missing command" "$(grep -c -F "touchmine $s" "$TM_OUT/all.html")" 0
done
