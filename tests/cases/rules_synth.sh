# touchmine rules over a synth warehouse: the planted basket rules of
# truth.json are found with their planted lift (truth.json measures it on the
# same clean non-return baskets); the run is saved to rule_runs/assoc_rules
# as printed; --fdr keeps exactly the rules whose BH q-value is <= Q; the
# baskets, categories and touchpoints views equal an independent Python count
# over the warehouse tables (rules_views.py).
. tests/cases/lib.sh
d=$TM_OUT/data db=$TM_OUT/s.db
tm synth --customers 3000 --days 365 --seed 7 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null || nok "ingest failed"

tm rules --db "$db" --view baskets --min-support 0.001 --min-confidence 0.2 --truth "$d/truth.json" --format json \
  > "$TM_OUT/rules.json" || nok "rules failed"
j() { jq -r "$1" "$TM_OUT/rules.json"; }
eq "baskets = the truth's clean non-return baskets" "$(j .baskets)" "$(jq '.basket_rules[0].baskets' "$d/truth.json")"
eq "every planted rule is found" "$(j .planted_found)" "$(jq '.basket_rules | length' "$d/truth.json")"
eq "each found with its planted lift (to the 6 digits truth.json keeps)" \
   "$(j '[.planted[] | select(((.lift - .planted_lift) / .planted_lift | fabs) > 1e-5)] | length')" 0
eq "each planted rule is significant (BH q < 1e-6)" \
   "$(jq -r --slurpfile r "$TM_OUT/rules.json" '[.basket_rules[] | .lhs as $l | .rhs as $c |
      ($r[0].rules[] | select((.antecedent | split(",") | sort) == ($l | sort) and .consequent == $c) | .q_value)] | map(select(. < 1e-6)) | length' "$d/truth.json")" \
   "$(jq '.basket_rules | length' "$d/truth.json")"
eq "rules are ranked by lift" "$(j '[.rules[].lift] | . == (sort | reverse)')" true
run=$(j .run_id)
eq "the run is saved: one assoc_rules row per rule" \
   "$(sqlite3 "$db" "SELECT count(*) FROM assoc_rules WHERE run_id = $run")" "$(j '.rules | length')"
eq "saved rank 1 is the printed first rule" \
   "$(sqlite3 "$db" "SELECT antecedent || '>' || consequent FROM assoc_rules WHERE run_id = $run AND rank = 1")" \
   "$(j '.rules[0] | .antecedent + ">" + .consequent')"
eq "rule_runs records the view and baskets" "$(sqlite3 "$db" "SELECT view || ' ' || baskets FROM rule_runs WHERE id = $run")" \
   "baskets $(j .baskets)"

# --fdr Q keeps exactly the rules with q <= Q (q over all rules that passed the other filters).
tm rules --db "$db" --view baskets --min-support 0.001 --min-confidence 0.05 --format json > "$TM_OUT/all.json"
tm rules --db "$db" --view baskets --min-support 0.001 --min-confidence 0.05 --fdr 0.01 --format json > "$TM_OUT/fdr.json"
eq "--fdr 0.01 keeps the rules with q <= 0.01" "$(jq '.rules | length' "$TM_OUT/fdr.json")" \
   "$(jq '[.rules[] | select(.q_value <= 0.01)] | length' "$TM_OUT/all.json")"
ge "some rules fail the FDR cut" "$(jq '(.rules | length)' "$TM_OUT/all.json")" "$(( $(jq '.rules | length' "$TM_OUT/fdr.json") + 1 ))"
eq "--rhs-has keeps rules with that consequent only" \
   "$(tm rules --db "$db" --view baskets --min-support 0.001 --min-confidence 0.05 --rhs-has SPO-1002 --format json | jq -r '[.rules[].consequent | split(",") | index("SPO-1002") != null] | all')" true
eq "--exclude removes the item everywhere" \
   "$(tm rules --db "$db" --view baskets --min-support 0.001 --min-confidence 0.05 --exclude FTW-1001 --format csv | grep -c FTW-1001)" 0

# The three views against an independent count from the warehouse tables.
for v in baskets categories touchpoints; do
  tm rules --db "$db" --view $v --window 7d --min-support 0.005 --target frequent --format csv | tail -n +2 |
    /usr/bin/python3 -c 'import sys
for l in sys.stdin:
    i, c = l.rstrip("\n").rsplit(",", 1)
    print(" ".join(sorted(i.split())) + "\t" + c)' |
    LC_ALL=C sort > "$TM_OUT/tm_$v.txt"
  /usr/bin/python3 tests/cases/rules_views.py "$db" $v 0.005 | LC_ALL=C sort > "$TM_OUT/py_$v.txt"
  ge "$v view: some frequent itemsets" "$(wc -l < "$TM_OUT/tm_$v.txt")" 5
  eq "$v view: every itemset and support equal the independent count" \
     "$(diff "$TM_OUT/tm_$v.txt" "$TM_OUT/py_$v.txt" | head -3)" ""
done
