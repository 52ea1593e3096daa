#!/usr/bin/env bash
# The main job on generated sample data: synth -> ingest -> identity -> summary -> segments,
# text, rules, journeys, CLV, churn, forecasts -> the dashboard.
# Writes into ./demo (sample exports, truth.json, the warehouse demo/touchmine.db).
set -euo pipefail
BIN=${BIN:-build/touchmine}
out=${DEMO_DIR:-demo}
customers=${DEMO_CUSTOMERS:-20000}
rm -rf "$out/data" "$out/touchmine.db" "$out/touchmine.db-wal" "$out/touchmine.db-shm"
mkdir -p "$out"
echo "== synth: $customers customers, 365 days, seed 42 -> $out/data"
"$BIN" synth --customers "$customers" --days 365 --seed 42 --out "$out/data"
echo
echo "== ingest -> $out/touchmine.db"
"$BIN" ingest --db "$out/touchmine.db" --config "$out/data/touchmine.ini"
echo
echo "== identity resolution against the planted truth"
"$BIN" identity --db "$out/touchmine.db" --truth "$out/data/truth.json" --limit 5
echo
echo "== summary"
"$BIN" summary --db "$out/touchmine.db" --limit 12
echo
echo "== RFM segments"
"$BIN" segment --by rfm --db "$out/touchmine.db" --limit 12
echo
echo "== sentiment of the feedback, themes and pain points"
"$BIN" sentiment --db "$out/touchmine.db" --truth "$out/data/truth.json" --limit 5
"$BIN" themes --db "$out/touchmine.db" --limit 8
echo
echo "== behavioural segments and persona cards (review sentiment is a feature now)"
"$BIN" segment --by cluster --k 6 --db "$out/touchmine.db" --limit 8
echo
echo "== association rules in the baskets"
"$BIN" rules --view baskets --min-support 0.1% --min-lift 2 --db "$out/touchmine.db" --limit 8
echo
echo "== journeys, funnel and cohort retention"
"$BIN" paths --event purchase --first --db "$out/touchmine.db" --limit 8
"$BIN" funnel --steps view,add_to_cart,purchase --window 7d --db "$out/touchmine.db"
"$BIN" cohorts --period month --intervals 12 --db "$out/touchmine.db" --limit 12
echo
echo "== customer lifetime value (BG/NBD + Gamma-Gamma)"
"$BIN" clv --horizon 365 --db "$out/touchmine.db" --truth "$out/data/truth.json" --limit 8
echo
echo "== churn scores with reasons"
"$BIN" churn --horizon 60 --db "$out/touchmine.db" --limit 8
echo
echo "== demand forecast by category"
"$BIN" forecast --by category --grain month --db "$out/touchmine.db" --limit 8
echo
echo "The warehouse is $out/touchmine.db — query it with: sqlite3 $out/touchmine.db 'SELECT * FROM touchpoints LIMIT 5'"
echo
echo "== dashboard"
"$BIN" report --db "$out/touchmine.db" --out "$out/report.html"
echo "The dashboard is $(cd "$out" && pwd)/report.html — open it in a browser, or serve it live with: $BIN serve --db $out/touchmine.db"
