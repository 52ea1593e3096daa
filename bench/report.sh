#!/usr/bin/env bash
# bench/report.sh — the dashboard at scale: `touchmine report` render time and
# page size after the analyses (synth -> ingest -> segment --by rfm, untimed),
# then `wrk -c1000 -d10s` against `touchmine serve`'s /api/summary.
#   BENCH_CUSTOMERS (default 1000000), BENCH_DAYS (default 21: ~10 events a person),
#   BENCH_DIR (default bench/out/report), BENCH_DB: reuse a warehouse instead.
# Prints a markdown table for docs/benchmarks.md.
set -euo pipefail
BIN=${BIN:-build/touchmine}
BIN=$(realpath "$BIN")
n=${BENCH_CUSTOMERS:-1000000} days=${BENCH_DAYS:-21}
dir=${BENCH_DIR:-bench/out/report}
mkdir -p "$dir"
db=${BENCH_DB:-$dir/bench.db}
if [ -z "${BENCH_DB:-}" ]; then
  rm -rf "$dir/data" "$db" "$db-wal" "$db-shm"
  echo "synth $n customers, $days days ..." >&2
  "$BIN" synth --customers "$n" --days "$days" --seed 7 --out "$dir/data" > /dev/null
  echo "ingest ..." >&2
  "$BIN" ingest --db "$db" --config "$dir/data/touchmine.ini" > /dev/null 2>&1
  "$BIN" segment --by rfm --db "$db" > /dev/null
fi
customers=$(sqlite3 "$db" "SELECT count(*) FROM customers")
events=$(sqlite3 "$db" "SELECT count(*) FROM events")
"$BIN" summary --db "$db" > /dev/null  # the dataset snapshot exists after any analysis
times=()
for i in 1 2 3; do
  s=$(date +%s.%N)
  "$BIN" report --db "$db" --out "$dir/report.html" 2> /dev/null
  e=$(date +%s.%N)
  times+=("$(echo "$e - $s" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
bytes=$(wc -c < "$dir/report.html")
rss=$( { /usr/bin/time -f '%M' "$BIN" report --db "$db" --out "$dir/report.html" 2>&1 >/dev/null; } | tail -1)

port=$((30000 + $$ % 20000))
"$BIN" serve --db "$db" --port "$port" --threads 2 > /dev/null 2>&1 &
spid=$!
for i in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/api" && break; sleep 0.2; done
wrk_out=$(wrk -t2 -c1000 -d10s "http://127.0.0.1:$port/api/summary" 2>&1 || true)
wrk_f=$(wrk -t2 -c100 -d10s "http://127.0.0.1:$port/api/summary?channel=web" 2>&1 || true)
kill -TERM $spid; wait $spid || true
rps=$(echo "$wrk_out" | awk '/Requests\/sec/ {print $2}')
errs=$(echo "$wrk_out" | awk '/Socket errors/ {print}'; echo "$wrk_out" | awk '/Non-2xx/ {print}')
rps_f=$(echo "$wrk_f" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$wrk_out" | awk '/Latency/ && !/Distribution/ {print $2; exit}')
echo
echo "| measure | value |"
echo "|---|---|"
echo "| warehouse | $customers customers, $events events |"
echo "| \`touchmine report\` wall time (median of 3) | ${median} s (runs: ${times[*]}) |"
echo "| report size | $bytes bytes |"
echo "| report peak RSS | $rss KiB |"
echo "| wrk -t2 -c1000 -d10s /api/summary | ${rps} req/s, mean latency ${p99}, errors: ${errs:-none} |"
echo "| wrk -t2 -c100 -d10s /api/summary?channel=web (filtered: one pass per request) | ${rps_f} req/s |"
echo
echo "$wrk_out" >&2
