#!/usr/bin/env bash
# bench/rules.sh — touchmine rules against Weka's FPGrowth (Debian weka), in
# the same run: FIMI retail.dat at min support 1%, 0.1%, 0.05%, 0.01% and a
# seeded synthetic file of N baskets (bench/rules_gen.c, default 10M) at 0.5%
# (its planted patterns are in ~0.67% of baskets each).
# Both mine every rule with confidence >= 0.9 at the same absolute minimum
# support (ceil(fraction x baskets)); the rules are compared one by one
# (bench/rules_compare.py: a faster wrong answer is not a result). Wall time
# and peak memory (max RSS, from /usr/bin/time) of whole runs, input reading
# included; Weka gets -Xmx16g and
# TIMEOUT seconds (default 300). Prints a markdown table.
#   BIN=build/touchmine N=10000000 TIMEOUT=300 bench/rules.sh
# RETAIL_SUPPORTS="0.01 0.001" and SYN_SUPPORTS="0.005" choose the points.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-build/touchmine}
OUT=${OUT:-/tmp/tm-bench-rules}
N=${N:-10000000}
TIMEOUT=${TIMEOUT:-300}
SHARED=${TM_SHARED:-$PWD/../shared/data}
RETAIL=$SHARED/fimi_retail/retail.dat
WEKA=/usr/share/java/weka.jar
CONF=0.9
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "build $BIN first" >&2; exit 1; }
[ -f "$RETAIL" ] || { echo "no $RETAIL" >&2; exit 1; }
have_weka=1; [ -f "$WEKA" ] && command -v java > /dev/null || have_weka=0

/usr/bin/python3 bench/rules_fimi2arff.py "$RETAIL" "$OUT/retail.arff"
cc -O2 -o "$OUT/rules_gen" bench/rules_gen.c -lm
if [ ! -f "$OUT/syn_$N.dat" ]; then
  echo "generating $N synthetic baskets ..." >&2
  "$OUT/rules_gen" "$N" 42 "$OUT/syn_$N.dat" "$OUT/syn_$N.arff"
fi

# run NAME CMD...: sets SECS (wall), CPU (user + sys), RSS_MB (or SECS=timeout)
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
  local rc=$? usr sys
  read -r SECS RSS usr sys < <(tail -n 1 "$OUT/$name.time")
  CPU=$(awk -v u="$usr" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')
  RSS_MB=$(awk -v k="$RSS" 'BEGIN{printf "%.0f", k / 1024}')
  if [ $rc -eq 124 ] || grep -q "Command exited with non-zero status 124" "$OUT/$name.time"; then SECS=timeout; fi
}

printf '| data | baskets | min support | count | touchmine s | touchmine CPU s | touchmine MB | input MB | RSS / input | Weka s | Weka CPU s | Weka MB | Weka / touchmine (wall) | rules (tm / Weka) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
bench() { # label file arff baskets fraction
  local label=$1 file=$2 arff=$3 n=$4 frac=$5
  local count; count=$(awk -v f="$frac" -v n="$n" 'BEGIN{c = f * n; i = int(c); if (i < c - 1e-9) i++; print i}')
  local in_mb; in_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN{printf "%.1f", b / 1048576}')
  run "tm_${label}_$count" "$BIN" rules --input "$file" --min-support "$count" --min-confidence $CONF --format csv
  local tm_s=$SECS tm_cpu=$CPU tm_mb=$RSS_MB tm_rules=$(( $(wc -l < "$OUT/tm_${label}_$count.out") - 1 ))
  local wk_s="n/a" wk_cpu="n/a" wk_mb="n/a" wk_rules="n/a" ratio="n/a"
  if [ $have_weka = 1 ]; then
    run "weka_${label}_$count" timeout "$TIMEOUT" java -Xmx16g -cp "$WEKA" weka.associations.FPGrowth -t "$arff" \
      -S -M "$count" -C $CONF -N 1000000000
    wk_s=$SECS wk_cpu=$CPU wk_mb=$RSS_MB
    wk_rules=$(sed -n 's/^FPGrowth found \([0-9]*\) rules.*/\1/p' "$OUT/weka_${label}_$count.out")
    [ -n "$wk_rules" ] || wk_rules="-"
    [ "$wk_rules" != "-" ] && echo "- $label at $count: $(/usr/bin/python3 bench/rules_compare.py "$OUT/tm_${label}_$count.out" \
      "$OUT/weka_${label}_$count.out" "$count" $CONF)" >> "$OUT/compare.txt"
    if [ "$wk_s" = timeout ]; then wk_s=">$TIMEOUT"; ratio=$(awk -v w="$TIMEOUT" -v t="$tm_s" 'BEGIN{printf ">%.1f", w / t}')
    else ratio=$(awk -v w="$wk_s" -v t="$tm_s" 'BEGIN{printf "%.1f", w / (t > 0.005 ? t : 0.005)}'); fi
  fi
  local per; per=$(awk -v r="$tm_mb" -v i="$in_mb" 'BEGIN{printf "%.2f", r / i}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |\n' "$label" "$n" "$frac" "$count" \
    "$tm_s" "$tm_cpu" "$tm_mb" "$in_mb" "$per" "$wk_s" "$wk_cpu" "$wk_mb" "$ratio" "$tm_rules" "$wk_rules"
}
nret=$(wc -l < "$RETAIL")
: > "$OUT/compare.txt"
for f in ${RETAIL_SUPPORTS-0.01 0.001 0.0005 0.0001}; do bench retail "$RETAIL" "$OUT/retail.arff" "$nret" $f; done
for f in ${SYN_SUPPORTS-0.005}; do bench synthetic "$OUT/syn_$N.dat" "$OUT/syn_$N.arff" "$N" $f; done
echo
echo "Rules found by each (bench/rules_compare.py):"
cat "$OUT/compare.txt"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg) at the end; shared with other builds"
