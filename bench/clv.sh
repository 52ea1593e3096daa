#!/usr/bin/env bash
# bench/clv.sh — touchmine clv and Holt-Winters against their Python peers, in one run
# (docs/benchmarks.md "## clv and forecast"):
#   1. BG/NBD + Gamma-Gamma fit and per-customer CLV on CDNOW (2,357 customers):
#      `touchmine clv --summary` (whole process) vs scipy.optimize on the same
#      likelihoods (bench/peers/clv_scipy.py, whole process and its own timing);
#   2. the same on N synthetic customers (default 10M) drawn from the BG/NBD and
#      Gamma-Gamma processes by bench/bench_clv.c (days as the unit): the library
#      (group + fit + predict, file reading excluded) vs clv_scipy.py (fit on
#      np.unique-grouped statistics; prediction timed on 1M customers and scaled);
#   3. Holt-Winters (additive, period 12) on S series (default 10,000) of 72 monthly
#      points: the library, all series in parallel, vs statsmodels ExponentialSmoothing
#      per series on a sample (default 200), scaled to S.
# Prints the figures as JSON lines and a summary; CPU seconds (user + sys) next to
# wall seconds, since the machine may be shared.
# Usage: bench/clv.sh [--customers N] [--series S] [--sample K] [--out DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"
N=10000000 S=10000 K=200 out=bench/out/clv
while [ $# -gt 0 ]; do
  case $1 in
    --customers) N=$2; shift 2 ;;
    --series) S=$2; shift 2 ;;
    --sample) K=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench/clv.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
BIN=${BIN:-build/touchmine}
PY=/usr/bin/python3
mkdir -p "$out"
make -j2 "$BIN" build/libtouchmine.a > /dev/null
L="sqlite3 zlib libzstd inih jansson libsodium libxxhash libmicrohttpd xgboost liblbfgs"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -D_GNU_SOURCE -O2 -fopenmp -Iinclude -Isrc $(pkg-config --cflags $L) bench/bench_clv.c build/libtouchmine.a \
  $(pkg-config --libs $L) -llinear -lstemmer -lroaring -lm -lpthread -o "$out/bench_clv"
# timed CMD...: runs CMD, stdout to $out/last.out, and sets WALL and CPU (user + sys seconds)
timed() {
  /usr/bin/time -f "%e %U %S" -o "$out/time.txt" "$@" > "$out/last.out"
  read -r WALL u s < "$out/time.txt"
  CPU=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u + s}')
}
j() { jq -r "$1" "$out/last.out"; }
echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

cd_=${TM_SHARED:-../shared/data}/cdnow/cdnow_customers_summary_with_transactions.csv
timed "$BIN" clv --summary "$cd_" --unit weeks --format json
tm_cd_wall=$WALL tm_cd_cpu=$CPU
echo "{\"bench\":\"cdnow\",\"tool\":\"touchmine\",\"wall\":$WALL,\"cpu\":$CPU,\"r\":$(j .r),\"alpha\":$(j .alpha),\"a\":$(j .a),\"b\":$(j .b),\"p\":$(j .p),\"q\":$(j .q),\"gamma\":$(j .gamma)}"
timed $PY bench/peers/clv_scipy.py cdnow "$cd_"
py_cd_wall=$WALL py_cd_cpu=$CPU py_cd_inner=$(j .seconds)
echo "{\"bench\":\"cdnow\",\"tool\":\"scipy\",\"wall\":$WALL,\"cpu\":$CPU,\"inner\":$(j .seconds),\"r\":$(j .r),\"alpha\":$(j .alpha),\"a\":$(j .a),\"b\":$(j .b),\"p\":$(j .p),\"q\":$(j .q),\"gamma\":$(j .gamma)}"

"$out/bench_clv" gen-clv "$N" 42 "$out"
timed "$out/bench_clv" clv "$out" 365
tm_big=$(j .seconds) tm_big_cpu=$CPU
echo "{\"bench\":\"synthetic\",\"tool\":\"touchmine\",\"cpu_process\":$CPU,$(cut -c2- "$out/last.out")"
timed $PY bench/peers/clv_scipy.py synth "$out" 365
py_big=$(j .seconds) py_big_cpu=$CPU
echo "{\"bench\":\"synthetic\",\"tool\":\"scipy\",\"cpu_process\":$CPU,$(cut -c2- "$out/last.out")"

"$out/bench_clv" gen-hw "$S" 72 7 "$out/hw.f64"
timed "$out/bench_clv" hw "$out/hw.f64" "$S" 72 12
tm_hw=$(j .per_series_ms) tm_hw_cpu=$CPU
echo "{\"bench\":\"holt-winters\",\"tool\":\"touchmine\",\"cpu_process\":$CPU,$(cut -c2- "$out/last.out")"
timed $PY bench/peers/hw_statsmodels.py "$out/hw.f64" "$S" 72 12 "$K"
sm_hw=$(j .per_series_ms) sm_hw_cpu=$CPU
echo "{\"bench\":\"holt-winters\",\"tool\":\"statsmodels\",\"cpu_process\":$CPU,$(cut -c2- "$out/last.out")"
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
awk -v a="$tm_cd_wall" -v b="$py_cd_wall" -v c="$py_cd_inner" -v d="$tm_big" -v e="$py_big" -v f="$tm_hw" -v g="$sm_hw" \
    -v h="$tm_big_cpu" -v i="$py_big_cpu" -v S="$S" -v N="$N" 'BEGIN{
  printf "CDNOW: touchmine %.2f s (process) vs scipy %.2f s (process; %.2f s inside python): %.1fx\n", a, b, c, b / a
  printf "%d customers: touchmine %.2f s (group+fit+predict; process CPU %.1f s) vs scipy %.2f s (process CPU %.1f s): %.1fx\n", N, d, h, e, i, e / d
  printf "Holt-Winters, %d series: touchmine %.3f ms/series (wall, all series in parallel) vs statsmodels %.1f ms/series: %.0fx\n", S, f, g, g / f }'
