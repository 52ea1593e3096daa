#!/usr/bin/env bash
# bench/kmeans.sh — k-means per iteration: touchmine (bench/kmeans_bench.c on
# build/libtouchmine.a) against scikit-learn's KMeans (bench/kmeans_sklearn.py,
# Debian's /usr/bin/python3) on the same data from the same initial centres,
# plus the memory-bandwidth bound of one iteration and the k-means part of
# --k auto. A benchmark, not a test: prints figures, judges nothing.
#
#   bench/kmeans.sh [SIZES...]      sizes in rows (default: 1000000); e.g. 1000000 10000000
#   env: OUT (scratch, default /tmp/touchmine-kmeans-bench), ITERS (20), K (8), D (8), AUTO=1 (time --k auto's k-means)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/touchmine-kmeans-bench}
ITERS=${ITERS:-20}
K=${K:-8}
D=${D:-8}
PY=/usr/bin/python3
mkdir -p "$OUT"
[ -f build/libtouchmine.a ] || make -j2 build/libtouchmine.a >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -fopenmp -Iinclude -Isrc bench/kmeans_bench.c build/libtouchmine.a -fopenmp -lm -o "$OUT/kmeans_bench"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000)
echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); OMP_NUM_THREADS=${OMP_NUM_THREADS:-all}"
"$OUT/kmeans_bench" --bandwidth 1024 | tee "$OUT/bandwidth.txt"
bw=$(awk '$1 == "bandwidth_gbs" {print $2}' "$OUT/bandwidth.txt")
bwc=$(awk '$1 == "bandwidth_cpu_gbs" {print $2}' "$OUT/bandwidth.txt")
for n in "${sizes[@]}"; do
  data=$OUT/x$n.f64 centres=$OUT/c$n.f64
  [ -f "$data" ] || $PY bench/kmeans_data.py "$n" "$D" "$K" "$data" "$centres"
  "$OUT/kmeans_bench" "$data" "$centres" "$n" "$D" "$K" "$ITERS" > "$OUT/tm$n.txt"
  $PY bench/kmeans_sklearn.py "$data" "$centres" "$n" "$D" "$K" "$ITERS" > "$OUT/sk$n.txt"
  cat "$OUT/tm$n.txt" "$OUT/sk$n.txt" | awk -v n="$n" -v d="$D" -v k="$K" -v bw="$bw" -v bwc="$bwc" '
    { v[$1] = $2 }
    END {
      bytes = n * d * 8   # the rows, read once per iteration (centres and labels are small next to them)
      bound = bytes / (bw * 1e9)
      printf "n=%d d=%d k=%d: %d Lloyd iterations each, same data and initial centres\n", n, d, k, v["lloyd_iterations"]
      printf "  touchmine Lloyd    %.4f s/iteration\n", v["lloyd_seconds_per_iteration"]
      printf "  touchmine Hamerly  %.4f s/iteration (same assignments)\n", v["hamerly_seconds_per_iteration"]
      printf "  scikit-learn %s Lloyd %.4f s/iteration\n", v["sklearn_version"], v["sklearn_seconds_per_iteration"]
      printf "  ratio sklearn / touchmine Lloyd: %.2fx (wall)\n", v["sklearn_seconds_per_iteration"] / v["lloyd_seconds_per_iteration"]
      printf "  CPU seconds per iteration (all threads): touchmine Lloyd %.4f, Hamerly %.4f, sklearn %.4f; ratio %.2fx\n", v["lloyd_cpu_seconds_per_iteration"], v["hamerly_cpu_seconds_per_iteration"], v["sklearn_cpu_seconds_per_iteration"], v["sklearn_cpu_seconds_per_iteration"] / v["lloyd_cpu_seconds_per_iteration"]
      printf "  bandwidth bound: %.0f MB / %.2f GB/s = %.4f s/iteration; touchmine Lloyd at %.2fx the bound\n", bytes / 1e6, bw, bound, v["lloyd_seconds_per_iteration"] / bound
      printf "  bandwidth bound in CPU time: %.0f MB / %.2f GB per CPU second = %.4f CPU s/iteration; touchmine Lloyd at %.2fx\n", bytes / 1e6, bwc, bytes / (bwc * 1e9), v["lloyd_cpu_seconds_per_iteration"] / (bytes / (bwc * 1e9))
      printf "  inertia: touchmine %.6f, sklearn %.6f (relative difference %.1e)\n", v["lloyd_inertia"], v["sklearn_inertia"], (v["lloyd_inertia"] - v["sklearn_inertia"]) / v["sklearn_inertia"]
    }'
  if [ "${AUTO:-0}" = 1 ]; then
    "$OUT/kmeans_bench" --auto "$data" "$n" "$D" | tail -1 | awk '{printf "  --k auto k-means (k = 2..10, 8 restarts each, k-means++ seeding included): %.1f s\n", $2}'
  fi
done
