#!/usr/bin/env bash
# bench/churn.sh — churn scoring end to end, from the warehouse to scored
# customers: `touchmine churn` against the pandas + scikit-learn (+ xgboost)
# pipeline of bench/churn_peer.py (same features, same model, same 5-fold CV,
# same final scoring) on the same synth warehouse, in the same run. Prints the
# seconds, the ratio and both AUCs. A benchmark, not a test.
#
# Usage: bench/churn.sh [PEOPLE] [OUT]   (default 100k people, bench/out/churn)
# Environment: BIN (default build/touchmine), MODELS (default "logreg gbt").
set -euo pipefail
people=${1:-100k}
out=${2:-bench/out/churn}
BIN=${BIN:-build/touchmine}
BIN=$(realpath "$BIN")
mkdir -p "$out"
db=$out/tm-$people.db
if [ ! -f "$db" ]; then
  "$BIN" synth --customers "$people" --out "$out/data-$people" > /dev/null
  "$BIN" ingest --config "$out/data-$people/touchmine.ini" --db "$db" > /dev/null
fi
now() { date +%s.%N; }
for model in ${MODELS:-logreg gbt}; do
  sqlite3 "$db" "DELETE FROM dataset_cache"   # cold: touchmine rebuilds its columnar snapshot
  t=$(now); "$BIN" churn --db "$db" --model "$model" --format json > "$out/tm-$model.json"; cold=$(echo "$(now) - $t" | bc)
  t=$(now); "$BIN" churn --db "$db" --model "$model" --format json > "$out/tm-$model.json"; warm=$(echo "$(now) - $t" | bc)
  /usr/bin/python3 bench/churn_peer.py "$db" "$model" > "$out/peer-$model.json"
  peer=$(jq .total_s "$out/peer-$model.json")
  printf '%-7s customers %s  touchmine cold %.2fs warm %.2fs (AUC %.4f)  pandas+sklearn%s %.2fs (AUC %.4f)  ratio cold %.1fx warm %.1fx\n' \
    "$model" "$(jq .customers "$out/tm-$model.json")" "$cold" "$warm" "$(jq .auc "$out/tm-$model.json")" \
    "$([ "$model" = gbt ] && echo '+xgboost')" "$peer" "$(jq .auc "$out/peer-$model.json")" \
    "$(echo "$peer / $cold" | bc -l)" "$(echo "$peer / $warm" | bc -l)"
  echo "  peer stages: $(jq -c '{read_s, features_s, cv_fit_s, score_s}' "$out/peer-$model.json")"
done
