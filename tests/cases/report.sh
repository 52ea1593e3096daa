# touchmine report: the written page read back by an independent HTML parser
# (tests/cases/report_dom.py, Python's html.parser). Every section is there;
# every chart has drawn marks; the KPI tiles equal SQL over the warehouse;
# result rows inserted with sqlite3 into the analyses' tables show up as
# charts with those values; hostile names from the data come out escaped; the
# page references nothing outside itself.
. tests/cases/lib.sh
PY=/usr/bin/python3
d=$TM_OUT/data db=$TM_OUT/r.db
rm -f "$db" "$db-wal" "$db-shm"
tm synth --customers 1500 --days 240 --seed 5 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
tm segment --by rfm --db "$db" > /dev/null || nok "segment failed"
# A hostile region name (dimension) and segment name (result), as the data could carry them.
H='<script>alert("x")</script>'
sqlite3 "$db" "UPDATE regions SET name = '$H' WHERE id = (SELECT min(id) FROM regions); DELETE FROM dataset_cache;
  UPDATE customer_segments SET segment = '<img src=x onerror=alert(1)>' WHERE segment = (SELECT min(segment) FROM customer_segments);"

tm report --db "$db" --out "$TM_OUT/before.html" 2> /dev/null; eq "report exits 0" $? 0
$PY tests/cases/report_dom.py "$TM_OUT/before.html" > "$TM_OUT/before.json" || nok "page does not parse"
J() { jq -r "$1" "$TM_OUT/before.json"; }
for s in summary quality segments rules journeys funnel cohorts clv churn sentiment forecast abtest attribution anomalies; do
  eq "section $s is present" "$(J ".sections.$s.name")" "$s"
done
eq "every chart has drawn marks" "$(J '[.sections[].charts[] | select(.marks == 0)] | length')" 0
eq "every chart scales (viewBox)" "$(J '[.sections[].charts[] | select(.viewBox == null)] | length')" 0
eq "summary, quality and segments have charts" "$(J '[.sections.summary, .sections.quality, .sections.segments | .charts | length > 0] | all')" true
eq "bar, heatmap, line, pie and scatter are drawn" "$(J '.chart_kinds | join(",")')" "bar,heatmap,line,pie,scatter"
eq "an empty section says which command fills it" \
   "$(J '.sections.clv | .empty and (.text | contains("No data yet: run touchmine clv --db"))')" true
eq "no external references (self-contained)" "$(J '.external | length')" 0
eq "one script element: the page's own" "$(J .scripts)" 1
eq "hostile names never appear raw" "$(grep -c -F -e "$H" -e '<img src=x' "$TM_OUT/before.html")" 0
eq "hostile names appear escaped" "$(grep -c -F '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$TM_OUT/before.html" | awk '{print ($1 > 0)}')" 1
eq "escaped segment name reads back as text" "$(J '.sections.segments.text | contains("<img src=x onerror=alert(1)>")')" true

# KPI tiles = SQL over the warehouse. The period is the 30 days before the
# midnight after the last touchpoint; the previous one the 30 days before it.
P="WITH b AS (SELECT (max(ts) / 86400000 + 1) * 86400000 AS t1 FROM events), p AS (SELECT t1 - 30 * 86400000 AS t0, t1 FROM b)"
q() { sqlite3 "$db" "$P $1"; }
eq "customers tile = customers with a touchpoint before the period's end" "$(J .kpis.customers)" \
   "$(q "SELECT count(DISTINCT customer_id) FROM touchpoints, p WHERE customer_id IS NOT NULL AND ts < t1")"
eq "active customers tile = SQL" "$(J .kpis.active_customers)" \
   "$(q "SELECT count(DISTINCT customer_id) FROM touchpoints, p WHERE ts >= t0 AND ts < t1")"
eq "revenue tile = SQL (purchases and returns)" "$(J .kpis.revenue)" \
   "$(q "SELECT printf('%.2f', sum(amount)) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type IN ('purchase', 'return')")"
eq "orders tile = SQL" "$(J .kpis.orders)" "$(q "SELECT count(*) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type = 'purchase'")"
eq "AOV tile = SQL" "$(J .kpis.aov)" \
   "$(q "SELECT printf('%.2f', avg(amount)) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type = 'purchase'")"
eq "conversion tile = SQL (buyers / active)" "$(J .kpis.conversion)" \
   "$(q "SELECT printf('%.6f', 1.0 * count(DISTINCT CASE WHEN type = 'purchase' THEN customer_id END) / count(DISTINCT customer_id)) FROM touchpoints, p WHERE ts >= t0 AND ts < t1")"
eq "churn tile = SQL (previous period's active customers not active now)" "$(J .kpis.churn)" \
   "$(q ", prev AS (SELECT DISTINCT customer_id c FROM touchpoints, p WHERE ts >= t0 - 30 * 86400000 AND ts < t0 AND customer_id IS NOT NULL),
          cur AS (SELECT DISTINCT customer_id c FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND customer_id IS NOT NULL)
        SELECT printf('%.6f', 1.0 * (SELECT count(*) FROM prev WHERE c NOT IN (SELECT c FROM cur)) / (SELECT count(*) FROM prev))")"
eq "NPS tile = SQL over 0-10 survey ratings" "$(J .kpis.nps)" \
   "$(sqlite3 "$db" "SELECT printf('%.6f', 100.0 * (sum(rating >= 9) - sum(rating <= 6)) / count(*)) FROM feedback WHERE scale = 'nps' AND rating IS NOT NULL")"

# A filter: only the web channel's touchpoints.
tm report --db "$db" --channel web --out "$TM_OUT/web.html" 2> /dev/null
$PY tests/cases/report_dom.py "$TM_OUT/web.html" > "$TM_OUT/web.json"
eq "filtered revenue tile = SQL with channel = web" "$(jq -r .kpis.revenue "$TM_OUT/web.json")" \
   "$(q "SELECT printf('%.2f', coalesce(sum(amount), 0)) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type IN ('purchase', 'return') AND channel = 'web'")"
eq "filtered active customers tile = SQL with channel = web" "$(jq -r .kpis.active_customers "$TM_OUT/web.json")" \
   "$(q "SELECT count(DISTINCT customer_id) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND channel = 'web'")"

# Results of the other analyses, inserted as their commands would write them.
sqlite3 "$db" < tests/cases/dashboard_results.sql || nok "inserting results failed"
tm report --db "$db" --out "$TM_OUT/after.html" 2> /dev/null
$PY tests/cases/report_dom.py "$TM_OUT/after.html" > "$TM_OUT/after.json"
A() { jq -r "$1" "$TM_OUT/after.json"; }
eq "every chart has drawn marks (after results)" "$(A '[.sections[].charts[] | select(.marks == 0)] | length')" 0
for s in rules funnel cohorts clv churn sentiment forecast; do
  eq "section $s now has charts, not the empty note" "$(A ".sections.$s | (.empty | not) and (.charts | length > 0)")" true
done
has() { A ".sections.$1 | [.charts[].titles[]] | map(select(contains(\"$2\"))) | length > 0"; }
val() { A ".sections.$1.values | index(\"$2\") != null"; }
eq "rules: the top rule's lift is a bar" "$(has rules 'tent → sleeping bag: 4.25')" true
eq "rules: escaped antecedent reads back" "$(A '.sections.rules.text | contains("<b>kettle</b>")')" true
eq "funnel: entered counts are bars" "$(has funnel 'add_to_cart: 420')" true
eq "funnel: the web breakdown is drawn too" "$(has funnel 'add_to_cart: 300')" true
eq "cohorts: the retention heatmap holds 46%" "$(has cohorts '2025-01-01, +1: 46%')" true
eq "clv: the top customer's CLV is in the data" "$(val clv 1234.5)" true
eq "clv: a binned or plotted scatter and bars" "$(A '[.sections.clv.charts[].kind] | sort | unique | join(",")')" "bar,scatter"
eq "churn: the top reason counts 2 of the riskiest" "$(has churn 'no purchase in 90 days: 2')" true
eq "churn tile = SQL over model_scores (share with risk >= 0.5)" "$(A .kpis.churn)" \
   "$(sqlite3 "$db" "SELECT printf('%.6f', avg(score >= 0.5)) FROM model_scores WHERE run_id = 1")"
eq "segments: a persona card with its escaped name and what sets it apart" \
   "$(A '.sections.segments.text | contains("Loyal <b>big</b> spenders") and contains("orders +1.8 sd")')" true
eq "sentiment: the pain point is a bar" "$(has sentiment 'late delivery: 7.75')" true
eq "NPS tile = text_nps" "$(A .kpis.nps)" "20.000000"
eq "forecast: a line with the interval band" "$(A '[.sections.forecast.charts[] | select(.kind == "line")] | length > 0')" true
eq "forecast: the forecast point is drawn" "$(has forecast 'forecast, 2025-03-01: 131.5')" true
le "page size for a small warehouse (bytes)" "$(A .bytes)" 1000000
cp "$TM_OUT/after.html" "$TM_OUT/../report-sample.html" 2> /dev/null || true
