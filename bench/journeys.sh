#!/usr/bin/env bash
# bench/journeys.sh — a 20-step funnel (30-day window) and a 365-interval daily
# retention table, touchmine against pandas in the same run, printing ratios
# (docs/benchmarks.md, "## journeys").
#
#   bench/journeys.sh [EVENTS...]        (default: 10000000; e.g. 10M 100M)
#
# The events are built in memory by bench/bench_journeys.c (generating 100M
# events through synth + ingest takes far longer than what is measured), which
# also dumps them for the pandas peer (bench/journeys_pandas.py). pandas runs
# only up to PANDAS_MAX events (default 10M: its frames need ~40 bytes per
# event several times over). Both report their figures: the retention cells
# must agree exactly; the funnel counts of the pandas peer (first-start
# greedy) may be slightly below touchmine's (best of every start).
# A benchmark, not a test: no time is judged by the exit status.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/out}
mkdir -p "$out"
make -s -j2 build/libtouchmine.a
flags=$(pkg-config --cflags --libs sqlite3 zlib libzstd inih jansson libsodium libxxhash)
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc bench/bench_journeys.c build/libtouchmine.a $flags \
  -fopenmp -lm -lpthread -o "$out/bench_journeys"
pandas_max=${PANDAS_MAX:-10000000}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000000)
printf '%-12s %-10s %10s %10s %8s  %s\n' events task touchmine pandas ratio figures
for s in "${sizes[@]}"; do
  n=$(echo "$s" | sed 's/[Mm]$/000000/; s/[Kk]$/000/')
  dump="$out/journeys-$n.bin"
  if [ "$n" -le "$pandas_max" ]; then "$out/bench_journeys" "$n" "$dump" > "$out/journeys-$n.json"
  else "$out/bench_journeys" "$n" > "$out/journeys-$n.json"; fi
  tmj="$out/journeys-$n.json"
  ev=$(jq .events "$tmj")
  if [ "$n" -le "$pandas_max" ]; then
    /usr/bin/python3 bench/journeys_pandas.py "$dump" "$ev" > "$out/journeys-$n-pandas.json"
    rm -f "$dump"
    pj="$out/journeys-$n-pandas.json"
    same_ret=$([ "$(jq -c .retained_per_interval "$tmj")" = "$(jq -c .retained_per_interval "$pj")" ] && echo "retention cells equal" || echo "RETENTION DIFFERS")
    same_fun=$([ "$(jq -c .funnel_entered "$tmj")" = "$(jq -c .funnel_entered "$pj")" ] && echo "funnel counts equal" || echo "funnel: touchmine $(jq -c '.funnel_entered[-1]' "$tmj") vs pandas $(jq -c '.funnel_entered[-1]' "$pj") converted")
    for task in funnel cohorts; do
      a=$(jq ".${task}_s" "$tmj"); b=$(jq ".${task}_s" "$pj")
      printf '%-12s %-10s %9.3fs %9.3fs %7.1fx  %s\n' "$ev" "$task" "$a" "$b" "$(echo "$b / $a" | bc -l)" \
        "$([ "$task" = funnel ] && echo "$same_fun" || echo "$same_ret")"
    done
  else
    for task in funnel cohorts; do
      printf '%-12s %-10s %9.3fs %10s %8s  %s\n' "$ev" "$task" "$(jq ".${task}_s" "$tmj")" - - "(pandas not run)"
    done
  fi
done
