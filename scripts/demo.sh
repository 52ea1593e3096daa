#!/usr/bin/env bash
# The main job on generated sample data: synth -> ingest -> identity -> summary -> RFM -> report.
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
echo "The warehouse is $out/touchmine.db — query it with: sqlite3 $out/touchmine.db 'SELECT * FROM touchpoints LIMIT 5'"
echo
echo "== dashboard"
"$BIN" report --db "$out/touchmine.db" --out "$out/report.html"
echo "The dashboard is $(cd "$out" && pwd)/report.html — open it in a browser, or serve it live with: $BIN serve --db $out/touchmine.db"
