# touchmine clv: BG/NBD + Gamma-Gamma against the published CDNOW fits (Fader,
# Hardie & Lee 2005, as quoted in ../shared/data/cdnow/SOURCE.md) and against
# synth's planted per-segment parameters; the warehouse tables against SQL.
. tests/cases/lib.sh
cd_=$TM_SHARED/cdnow
sig3() { awk -v v="$1" 'BEGIN{printf "%.3g", v}'; }
near() { # near DESC GOT WANT RELTOL
  if awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN{d=a-b; if(d<0)d=-d; s=b<0?-b:b; exit !(d <= t*s)}'; then ok "$1 ($2 vs $3)"; else nok "$1 (got $2, want $3 within $4)"; fi; }
if have_shared cdnow; then
  tm clv --summary "$cd_/cdnow_customers_summary_with_transactions.csv" --unit weeks --horizon 273 --format json > "$TM_OUT/cdnow.json" || nok "clv on CDNOW failed"
  j() { jq -r "$1" "$TM_OUT/cdnow.json"; }
  # published (SOURCE.md): r 0.243, alpha 4.414, a 0.793, b 2.426 (paper); Quickstart 0.242593 4.413532 0.792886 2.425752
  eq "CDNOW r to 3 s.f. (0.243)" "$(sig3 "$(j .r)")" 0.243
  eq "CDNOW alpha to 3 s.f. (4.41)" "$(sig3 "$(j .alpha)")" 4.41
  eq "CDNOW a to 3 s.f. (0.793)" "$(sig3 "$(j .a)")" 0.793
  eq "CDNOW b to 3 s.f. (2.43)" "$(sig3 "$(j .b)")" 2.43
  # Gamma-Gamma on the 946 repeat customers: p 6.25, q 3.74, gamma 15.44/15.45 (note 025, Quickstart)
  eq "CDNOW p to 3 s.f. (6.25)" "$(sig3 "$(j .p)")" 6.25
  eq "CDNOW q to 3 s.f. (3.74)" "$(sig3 "$(j .q)")" 3.74
  eq "CDNOW gamma to 3 s.f. (15.4)" "$(sig3 "$(j .gamma)")" 15.4
  eq "Gamma-Gamma fitted on the 946 repeat customers" "$(j .gg_customers)" 946
  # lifetimes Quickstart standard errors: r 0.012557, alpha 0.378221, a 0.185719, b 0.705345
  near "se(r) as lifetimes" "$(j .r_se)" 0.012557 0.001
  near "se(alpha) as lifetimes" "$(j .alpha_se)" 0.378221 0.001
  near "se(a) as lifetimes" "$(j .a_se)" 0.185719 0.001
  near "se(b) as lifetimes" "$(j .b_se)" 0.705345 0.001
  # Hardie's spreadsheet: E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226 (customer 1; horizon 273 days = 39 weeks)
  near "conditional expectation of customer 1 (1.226)" "$(j '.per_customer[0].expected_purchases')" 1.226 0.001
  # Hardie note 025: conditional expected spend of the first 10 customers (atol 0.1)
  got=$(j '[.per_customer[:10][].expected_spend | . * 100 | round / 100] | map(tostring) | join(" ")')
  bad=$(echo "$got" | awk '{split("24.65 18.91 35.17 35.17 35.17 71.46 18.91 35.17 27.28 35.17", w, " "); n=0; for (i=1;i<=10;i++){d=$i-w[i]; if(d<0)d=-d; if(d>0.1)n++}; print n}')
  eq "expected spend of the first 10 customers as Hardie's sheet ($got)" "$bad" 0
  # the lifetimes layout gives the same BG/NBD fit
  tm clv --summary "$cd_/cdnow_customers_summary.csv" --unit weeks --format json > "$TM_OUT/cdnow2.json" || nok "clv on the lifetimes layout failed"
  eq "lifetimes layout: same r" "$(jq .r "$TM_OUT/cdnow2.json")" "$(j .r)"
  eq "no spend column: no Gamma-Gamma" "$(jq 'has("p")' "$TM_OUT/cdnow2.json")" false
else
  skip "CDNOW data absent"
fi

# bad input: file:line and exit 2
printf 'frequency,recency,T\n1,2,3\n2,x,5\n' > "$TM_OUT/bad.csv"
tm clv --summary "$TM_OUT/bad.csv" > /dev/null 2> "$TM_OUT/bad.err"; rc=$?
eq "a bad summary row exits 2" "$rc" 2
check "the error names file:line" grep -q "bad.csv:3:" "$TM_OUT/bad.err"
printf 'frequency,recency,T\n3,5,4\n' > "$TM_OUT/bad2.csv"
tm clv --summary "$TM_OUT/bad2.csv" > /dev/null 2>&1; eq "recency > T is refused" "$?" 2

# Synth: 12k people over two years. Each segment fitted alone against its planted
# parameters; every z is printed. Store purchases on the store's default card
# (15%, docs/synth.md) belong to no customer, which thins the store-heavy
# segments' purchase streams (not a BG/NBD process any more): the BG/NBD check is
# on the online segments (store share <= 5%). The basket filling adds spread to
# each order's value, so Gamma-Gamma's p (within-customer shape) is not what was
# planted; q (between customers) and the mean spend p gamma / (q - 1) are.
d=$TM_OUT/syn
tm synth --customers 12k --days 730 --seed 5 --dirty-rate 0 --out "$d" > /dev/null || nok "synth failed"
db=$TM_OUT/clv.db
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null || nok "ingest failed"
OMP_NUM_THREADS=2 tm clv --db "$db" --truth "$d/truth.json" --format json > "$TM_OUT/syn.json" || nok "clv --db failed"
jq -r '.truth[] | "# \(.segment) \(.param): planted \(.planted) fitted \(.fitted) se \(.se) z \(.z)"' "$TM_OUT/syn.json"
online=$(jq -r '[.segments[] | select(.channel_mix.store <= 0.05) | .name] | join(",")' "$d/truth.json")
bad=$(jq -r --arg on "$online" '[.truth[] | select((.param | IN("r","alpha","a","b")) and (.segment | IN($on | split(",")[])) and ((.z | fabs) > 3))] | length' "$TM_OUT/syn.json")
eq "BG/NBD r, alpha, a, b within 3 se of the planted values ($online)" "$bad" 0
bad=$(jq -r '[.truth[] | select((.param | IN("q","mean_spend")) and ((.z | fabs) > 3))] | length' "$TM_OUT/syn.json")
eq "Gamma-Gamma q and mean spend within 3 se, every segment" "$bad" 0
eq "every segment fitted" "$(jq '[.truth[] | .segment] | unique | length' "$TM_OUT/syn.json")" 5

# the warehouse: one run, its customers, frequencies as SQL counts them
run=$(jq .run_id "$TM_OUT/syn.json")
eq "clv_runs holds the fit" "$(sqlite3 "$db" "SELECT printf('%.6f', r) FROM clv_runs WHERE id = $run")" "$(jq -r '.r * 1e6 | round / 1e6 | tostring' "$TM_OUT/syn.json" | awk '{printf "%.6f", $1}')"
eq "clv_customer: one row per customer" "$(sqlite3 "$db" "SELECT count(*) FROM clv_customer WHERE run_id = $run")" "$(jq .customers "$TM_OUT/syn.json")"
sqlite3 "$db" "SELECT customer_id, count(DISTINCT date(time)) - 1 FROM touchpoints WHERE type = 'purchase' AND customer_id IS NOT NULL GROUP BY 1 ORDER BY 1" > "$TM_OUT/sqlfreq.txt"
sqlite3 "$db" "SELECT customer_id, frequency FROM clv_customer WHERE run_id = $run ORDER BY 1" > "$TM_OUT/clvfreq.txt"
eq "frequency = distinct purchase days - 1 (SQL)" "$(md5sum < "$TM_OUT/clvfreq.txt")" "$(md5sum < "$TM_OUT/sqlfreq.txt")"
eq "P(alive) in [0, 1], CLV >= 0" "$(sqlite3 "$db" "SELECT count(*) FROM clv_customer WHERE run_id = $run AND (p_alive < 0 OR p_alive > 1 OR clv < 0 OR clv IS NULL)")" 0
OMP_NUM_THREADS=1 tm clv --db "$db" --truth "$d/truth.json" --format json | jq -S 'del(.run_id)' > "$TM_OUT/t1.json"
jq -S 'del(.run_id)' "$TM_OUT/syn.json" > "$TM_OUT/t2.json"
eq "identical at 1 and 2 threads" "$(md5sum < "$TM_OUT/t1.json")" "$(md5sum < "$TM_OUT/t2.json")"
