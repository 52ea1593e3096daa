#!/usr/bin/env bash
# bench/sentiment.sh — texts per second of `touchmine sentiment` against NLTK's
# VADER (Debian python3-nltk, given the same lexicon file) and the npm
# vader-sentiment package (node), on the same texts in the same run: the
# 26,719 texts of the VADER reference scores (README sentences, UCI labelled
# sentences, the paper's ground truth), repeated --repeat times.
# touchmine is timed end to end as a process (start, lexicon load, reading,
# scoring, writing CSV); the peers only over their scoring loop, lexicon
# already loaded: the comparison is conservative for touchmine.
# A benchmark, not a test. Prints a markdown table; --append adds it to
# docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=4; append=0; runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --append) append=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; echo "Usage: bench/sentiment.sh [--repeat N] [--runs N] [--append]"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BIN=${BIN:-build/touchmine}
SHARED=${TM_SHARED:-../shared/data}
ref=$SHARED/sentiment/vader_reference_scores/reference_scores.tsv.gz
[ -f "$ref" ] || { echo "needs $ref" >&2; exit 1; }
[ -x "$BIN" ] || make -j2 "$BIN" >&2
[ -d bench/node_modules/vader-sentiment ] || npm install --prefix bench --no-audit --no-fund >&2
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
/usr/bin/python3 - "$ref" "$out/texts.txt" "$repeat" <<'PY'
import csv, gzip, sys
rows = [r['text'] for r in csv.DictReader(gzip.open(sys.argv[1], 'rt', encoding='utf-8'), delimiter='\t')]
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    for _ in range(int(sys.argv[3])):
        for t in rows: f.write(t.replace('\n', ' ').replace('\r', ' ') + '\n')
PY
n=$(wc -l < "$out/texts.txt")
# NLTK reads the lexicon split on "\n" and fails on the final empty line: the same entries without it
head -c -1 data/vader/vader_lexicon.txt > "$out/lexicon.txt"

best() { sort -g | head -1; }
# touchmine: best of $runs process runs
for _ in $(seq "$runs"); do
  s=$(date +%s.%N); "$BIN" sentiment --input "$out/texts.txt" --format csv > "$out/c.csv"; e=$(date +%s.%N)
  echo "$e - $s" | bc
done | best > "$out/c.time"
c_sec=$(cat "$out/c.time")
[ "$(($(wc -l < "$out/c.csv") - 1))" = "$n" ] || { echo "touchmine wrote the wrong number of rows" >&2; exit 1; }

nltk_sec=$(/usr/bin/python3 - "$out/texts.txt" "$out/lexicon.txt" "$runs" <<'PY'
import sys, time
from nltk.sentiment.vader import SentimentIntensityAnalyzer
texts = open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1]
sia = SentimentIntensityAnalyzer(lexicon_file='file:' + sys.argv[2])
best = None
for _ in range(max(1, int(sys.argv[3]) - 2)):  # python is slow: fewer runs
    t = time.perf_counter()
    for x in texts: sia.polarity_scores(x)
    d = time.perf_counter() - t
    best = d if best is None else min(best, d)
print(best)
PY
)
node_sec=$(NODE_PATH=bench/node_modules node - "$out/texts.txt" "$runs" <<'JS'
const fs = require('fs');
const vader = require('vader-sentiment');
const texts = fs.readFileSync(process.argv[2], 'utf8').split('\n').slice(0, -1);
let best = Infinity;
for (let r = 0; r < Math.max(1, Number(process.argv[3]) - 2); r++) {  // slow: fewer runs
  const t = process.hrtime.bigint();
  for (const x of texts) vader.SentimentIntensityAnalyzer.polarity_scores(x);
  best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
}
console.log(best);
JS
)
rate() { awk -v n="$n" -v s="$1" 'BEGIN{printf "%.0f", n / s}'; }
c_rate=$(rate "$c_sec"); nltk_rate=$(rate "$nltk_sec"); node_rate=$(rate "$node_sec")
fast=$(( nltk_rate > node_rate ? nltk_rate : node_rate ))
ratio=$(awk -v a="$c_rate" -v b="$fast" 'BEGIN{printf "%.1f", a / b}')
table=$(cat <<MD
| scorer | texts | seconds | texts / s | touchmine is |
|---|---:|---:|---:|---:|
| touchmine sentiment (C, whole process) | $n | $(printf '%.3f' "$c_sec") | $c_rate | |
| NLTK VADER $(/usr/bin/python3 -c 'import nltk; print(nltk.__version__)') (python3, scoring loop) | $n | $(printf '%.3f' "$nltk_sec") | $nltk_rate | $(awk -v a="$c_rate" -v b="$nltk_rate" 'BEGIN{printf "%.1fx", a / b}') |
| npm vader-sentiment 1.1.3 (node $(node --version), scoring loop) | $n | $(printf '%.3f' "$node_sec") | $node_rate | $(awk -v a="$c_rate" -v b="$node_rate" 'BEGIN{printf "%.1fx", a / b}') |

touchmine against the faster peer: **${ratio}x** (aim: >= 50x). Best of $runs runs (the peers: $(( runs > 2 ? runs - 2 : 1 ))), one thread each.
MD
)
echo "$table"
if [ "$append" = 1 ]; then
  {
    echo
    echo "## text (sentiment)"
    echo
    echo "\`bench/sentiment.sh --repeat $repeat\` on $(date -u +%Y-%m-%d), $(nproc) cores shared with other jobs (figures are ratios from one run):"
    echo "the 26,719 texts of the VADER reference scores repeated $repeat times, the same file for every scorer."
    echo
    echo "$table"
  } >> docs/benchmarks.md
fi
