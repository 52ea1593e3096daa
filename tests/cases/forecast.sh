# touchmine forecast: Holt-Winters against R's HoltWinters on AirPassengers
# (reference fits in ../shared/data/forecasting_airpassengers/SOURCE.md), the
# seasonal-naive baseline against an independent python computation, and the
# warehouse series against SQL over a synth history with a planted weekly cycle.
. tests/cases/lib.sh
near() { # near DESC GOT WANT ABSTOL
  if awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN{d=a-b; if(d<0)d=-d; exit !(d <= t)}'; then ok "$1 ($2 vs $3)"; else nok "$1 (got $2, want $3 within $4)"; fi; }
A=$TM_SHARED/forecasting_airpassengers/AirPassengers.csv
if [ -f "$A" ]; then
  tm forecast --input "$A" --period 12 --method additive --format json > "$TM_OUT/add.json" || nok "additive fit failed"
  j() { jq -r "$1" "$TM_OUT/add.json"; }
  # R: alpha 0.2479594897, beta 0.03453372965, gamma 1, SSE 21860.18462
  near "additive alpha as R (within 1e-4)" "$(j .alpha)" 0.2479594897 1e-4
  near "additive beta as R (within 1e-4)" "$(j .beta)" 0.03453372965 1e-4
  near "additive gamma as R (within 1e-4)" "$(j .gamma)" 1 1e-4
  near "additive SSE within 1% of R's 21860.18" "$(j .sse)" 21860.18462 218.6
  ge "additive SSE no lower than 0.01% below R's (same objective)" "$(j .sse)" 21858
  # R predict(): 453.4977218 ... 469.5315188
  near "additive forecast for 1961-01 (R 453.4977)" "$(j '.forecast[0].forecast')" 453.4977218 0.01
  near "additive forecast for 1961-12 (R 469.5315)" "$(j '.forecast[11].forecast')" 469.5315188 0.01
  eq "forecast periods continue the months" "$(j '.forecast[0].period + " " + .forecast[11].period')" "1961-01 1961-12"
  tm forecast --input "$A" --period 12 --method multiplicative --format json > "$TM_OUT/mul.json" || nok "multiplicative fit failed"
  j() { jq -r "$1" "$TM_OUT/mul.json"; }
  # R: alpha 0.2755924747, beta 0.03269295273, gamma 0.8707292223, SSE 16570.77787
  near "multiplicative alpha as R (within 1e-4)" "$(j .alpha)" 0.2755924747 1e-4
  near "multiplicative beta as R (within 1e-4)" "$(j .beta)" 0.03269295273 1e-4
  near "multiplicative gamma as R (within 1e-4)" "$(j .gamma)" 0.8707292223 1e-4
  near "multiplicative SSE within 1% of R's 16570.78" "$(j .sse)" 16570.77787 165.7
  near "multiplicative forecast for 1961-07 (R 666.5923)" "$(j '.forecast[6].forecast')" 666.5922934 0.01
  eq "intervals hold the forecasts" "$(j '[.forecast[] | select(.lo < .forecast and .forecast < .hi)] | length')" 12
  eq "the period is detected (12)" "$(tm forecast --input "$A" --format json | jq .period)" 12
  # holdout: the seasonal-naive MASE computed independently
  tm forecast --input "$A" --method multiplicative --holdout 24 --format json > "$TM_OUT/ho.json" || nok "holdout failed"
  want=$(/usr/bin/python3 -c "
import csv
x=[float(r['passengers']) for r in csv.DictReader(open('$A'))]
tr, te, m = x[:-24], x[-24:], 12
scale = sum(abs(tr[i]-tr[i-m]) for i in range(m, len(tr))) / (len(tr)-m)
naive = [tr[len(tr) - m + (h % m)] for h in range(24)]
print(sum(abs(a-f) for a, f in zip(te, naive)) / 24 / scale)")
  near "seasonal-naive MASE as python computes it" "$(jq .naive_mase "$TM_OUT/ho.json")" "$want" 1e-9
  le "Holt-Winters beats seasonal naive on the 1959-60 holdout (MASE)" "$(jq .mase "$TM_OUT/ho.json")" "$(jq .naive_mase "$TM_OUT/ho.json")"
else
  skip "AirPassengers absent"
fi
printf 'v\n1\n2\nx\n' > "$TM_OUT/bad.csv"
tm forecast --input "$TM_OUT/bad.csv" --method none > /dev/null 2> "$TM_OUT/bad.err"; eq "a bad value exits 2" "$?" 2
check "the error names file:line" grep -q "bad.csv:4:" "$TM_OUT/bad.err"

# Synth: purchases happen at a rate with a planted weekly cycle (docs/synth.md).
d=$TM_OUT/syn
tm synth --customers 4000 --days 365 --seed 3 --dirty-rate 0 --out "$d" > /dev/null || nok "synth failed"
db=$TM_OUT/f.db
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
sqlite3 -separator , "$db" "SELECT date(time), sum(amount) FROM touchpoints WHERE type = 'purchase' GROUP BY 1 ORDER BY 1" > "$TM_OUT/daily.csv"
# the cycle is in the purchase rate: orders per day show it (revenue adds the spend's noise)
sqlite3 -separator , "$db" "SELECT date(time), count(*) FROM touchpoints WHERE type = 'purchase' GROUP BY 1 ORDER BY 1" > "$TM_OUT/orders.csv"
eq "the planted weekly cycle is detected in the daily orders" "$(tm forecast --input "$TM_OUT/orders.csv" --format json | jq .period)" 7
OMP_NUM_THREADS=2 tm forecast --db "$db" --by product --grain week --holdout 8 --format json > "$TM_OUT/prod.json" || nok "forecast --by product failed"
run=$(jq .run_id "$TM_OUT/prod.json")
eq "one series per product sold" "$(jq .series "$TM_OUT/prod.json")" "$(sqlite3 "$db" "SELECT count(DISTINCT product_id) FROM order_lines" 2>/dev/null || echo '?')"
eq "forecast_series: one row per fitted series" "$(sqlite3 "$db" "SELECT count(*) FROM forecast_series WHERE run_id = $run")" "$(jq .fitted "$TM_OUT/prod.json")"
eq "forecast_points: history + horizon per series" "$(sqlite3 "$db" "SELECT count(*) FROM forecast_points WHERE run_id = $run")" \
   "$(jq '.fitted * (.points + .horizon)' "$TM_OUT/prod.json")"
OMP_NUM_THREADS=1 tm forecast --db "$db" --by product --grain week --holdout 8 --format json | jq -S 'del(.run_id)' > "$TM_OUT/p1.json"
jq -S 'del(.run_id)' "$TM_OUT/prod.json" > "$TM_OUT/p2.json"
eq "identical at 1 and 2 threads" "$(md5sum < "$TM_OUT/p1.json")" "$(md5sum < "$TM_OUT/p2.json")"
# the daily total series as SQL sums it (UTC days, whole days before the last)
tm forecast --db "$db" --grain day --format json > "$TM_OUT/total.json" || nok "forecast total failed"
trun=$(jq .run_id "$TM_OUT/total.json")
sqlite3 -separator , "$db" "SELECT period, printf('%.2f', actual) FROM forecast_points WHERE run_id = $trun AND actual IS NOT NULL ORDER BY 1" > "$TM_OUT/got.csv"
awk -F, '{printf "%s,%.2f\n", $1, $2}' "$TM_OUT/daily.csv" | head -n "$(wc -l < "$TM_OUT/got.csv")" > "$TM_OUT/want.csv"
eq "daily totals in forecast_points = SQL sums" "$(md5sum < "$TM_OUT/got.csv")" "$(md5sum < "$TM_OUT/want.csv")"
eq "daily grain uses the weekly season" "$(jq -r '.per_series[0].period' "$TM_OUT/total.json")" 7
