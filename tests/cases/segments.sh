# Segments: the new behavioural features, Lloyd = Hamerly, persona profiles in
# the warehouse, value by CLV and needs by themes (with their fallbacks), and
# custom rules files. Expected figures come from SQL over the warehouse's own
# tables (touchpoints view, customer_attrs) or from synth's truth.json.
. tests/cases/lib.sh
d=$TM_OUT/data
tm synth --customers 2500 --days 365 --seed 11 --out "$d" > /dev/null || nok "synth failed"
db=$TM_OUT/s.db
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
q() { sqlite3 "$db" "$1"; }

# 1. Features: tenure, inter-purchase time, mobile share; sentiment only when text_customer has rows.
tm segment --by cluster --db "$db" --k 5 --truth "$d/truth.json" --format json > "$TM_OUT/c.json" 2>/dev/null || nok "cluster failed"
eq "tenure, inter-purchase time and mobile share are features" \
   "$(jq -r '.features | split(",") | map(select(. == "log_tenure_days" or . == "log_interpurchase_days" or . == "mobile_share")) | length' "$TM_OUT/c.json")" 3
eq "without text_customer rows review sentiment is left out, and the result says so" \
   "$(jq -r '(.features | contains("review_sentiment")), (.review_sentiment | startswith("left out"))' "$TM_OUT/c.json" | paste -sd,)" "false,true"
ge "ARI against the planted segments stays >= 0.9" "$(jq .ari "$TM_OUT/c.json")" 0.9
run=$(jq .run_id "$TM_OUT/c.json")
# mobile_share recomputed in SQL: per customer, phone/tablet touchpoints over device-tagged ones, averaged over cluster 1
want=$(q "SELECT printf('%.6f', avg(m)) FROM (SELECT s.customer_id, avg(CASE WHEN t.device IN ('mobile','android','ios','phone','tablet') THEN 1.0 ELSE 0.0 END) m FROM customer_segments s JOIN touchpoints t ON t.customer_id = s.customer_id WHERE s.run_id = $run AND s.segment = 'cluster 1' AND t.device IS NOT NULL GROUP BY s.customer_id)")
# (customers of cluster 1 without any device-tagged touchpoint have share 0; SQL above skips them, so weight back)
tagged=$(q "SELECT count(DISTINCT s.customer_id) FROM customer_segments s JOIN touchpoints t ON t.customer_id = s.customer_id WHERE s.run_id = $run AND s.segment = 'cluster 1' AND t.device IS NOT NULL")
size=$(q "SELECT count(*) FROM customer_segments WHERE run_id = $run AND segment = 'cluster 1'")
want=$(awk -v m="$want" -v t="$tagged" -v n="$size" 'BEGIN{printf "%.6f", m * t / n}')
eq "mobile_share mean of a segment equals an SQL recount" \
   "$(q "SELECT printf('%.6f', mean) FROM segment_features WHERE run_id = $run AND segment = 'cluster 1' AND feature = 'mobile_share'")" "$want"
# with sentiment rows for a third of the customers (values made up here; the sentiment helper writes real ones)
q "INSERT INTO text_customer(customer_id, texts, mean_compound, run_id) SELECT id, 1, ((id * 37) % 200 - 100) / 100.0, 1 FROM customers WHERE id % 3 = 0"
tm segment --by cluster --db "$db" --k 5 --truth "$d/truth.json" --format json > "$TM_OUT/cs.json" 2>/dev/null
eq "with text_customer rows review_sentiment is a feature" "$(jq -r '.features | split(",") | index("review_sentiment") != null' "$TM_OUT/cs.json")" true
eq "... for every customer with a row (SQL count)" "$(jq .sentiment_customers "$TM_OUT/cs.json")" "$(q "SELECT count(*) FROM text_customer")"
ge "... and the ARI stays >= 0.9" "$(jq .ari "$TM_OUT/cs.json")" 0.9
q "DELETE FROM text_customer"

# 2. Hamerly is exact: the same assignments as Lloyd; mini-batch the same at 1 and 2 threads.
tm segment --by cluster --db "$db" --k 6 --algorithm lloyd --format csv > "$TM_OUT/lloyd.csv" 2>/dev/null
tm segment --by cluster --db "$db" --k 6 --algorithm hamerly --format csv > "$TM_OUT/hamerly.csv" 2>/dev/null
eq "Hamerly assigns every customer as Lloyd does" "$(md5sum < "$TM_OUT/hamerly.csv")" "$(md5sum < "$TM_OUT/lloyd.csv")"
OMP_NUM_THREADS=1 tm segment --by cluster --db "$db" --k 5 --algorithm minibatch --batch 500 --max-iter 50 --format csv > "$TM_OUT/mb1.csv" 2>/dev/null
OMP_NUM_THREADS=2 tm segment --by cluster --db "$db" --k 5 --algorithm minibatch --batch 500 --max-iter 50 --format csv > "$TM_OUT/mb2.csv" 2>/dev/null
eq "mini-batch: same seed, same assignments at 1 and 2 threads" "$(md5sum < "$TM_OUT/mb2.csv")" "$(md5sum < "$TM_OUT/mb1.csv")"
tm segment --by cluster --db "$db" --k 5 --algorithm minibatch --truth "$d/truth.json" --format json > "$TM_OUT/mb.json" 2>/dev/null
ge "mini-batch recovers the planted segments too (ARI >= 0.85)" "$(jq .ari "$TM_OUT/mb.json")" 0.85
tm segment --by cluster --db "$db" --algorithm elkan > /dev/null 2>&1
eq "an unknown --algorithm is a usage error" "$?" 2

# 3. Personas persisted for every run kind: profile counts = membership counts, shares sum to 1,
#    the top region equals an SQL count of purchases by region.
for kind in cluster rfm geographic; do
  tm segment --by $kind --db "$db" --format json > "$TM_OUT/p_$kind.json" 2>/dev/null || nok "$kind failed"
  r=$(jq .run_id "$TM_OUT/p_$kind.json")
  eq "$kind: profile counts equal customer_segments counts" \
     "$(q "SELECT count(*) FROM segment_profiles p WHERE p.run_id = $r AND p.customers = (SELECT count(*) FROM customer_segments s WHERE s.run_id = $r AND s.segment = p.segment)")" \
     "$(q "SELECT count(DISTINCT segment) FROM customer_segments WHERE run_id = $r")"
  eq "$kind: customer shares sum to 1" "$(q "SELECT round(sum(customer_share), 9) FROM segment_profiles WHERE run_id = $r")" 1.0
  eq "$kind: revenue shares sum to 1" "$(q "SELECT round(sum(revenue_share), 9) FROM segment_profiles WHERE run_id = $r")" 1.0
  eq "$kind: every segment's top region equals an SQL count of its purchases by region" \
     "$(q "SELECT count(*) FROM segment_profiles p WHERE p.run_id = $r AND p.top_regions <> '' AND substr(p.top_regions || ',', 1, instr(p.top_regions || ',', ',') - 1) IS NOT (SELECT t.region FROM touchpoints t JOIN customer_segments s ON s.customer_id = t.customer_id WHERE s.run_id = $r AND s.segment = p.segment AND t.type = 'purchase' AND t.region IS NOT NULL GROUP BY t.region ORDER BY count(*) DESC, t.region LIMIT 1)")" 0
  eq "$kind: a feature row per segment with buyers and feature" \
     "$(q "SELECT count(*) FROM segment_features WHERE run_id = $r")" \
     "$(( $(q "SELECT count(DISTINCT s.segment) FROM customer_segments s WHERE s.run_id = $r AND EXISTS (SELECT 1 FROM touchpoints t WHERE t.customer_id = s.customer_id AND t.type = 'purchase')") * $(jq -r '.persona_features | map(.feature) | unique | length' "$TM_OUT/p_$kind.json") ))"
done
eq "persona cards name their segment and say what sets it apart (largest first)" \
   "$(jq '[.personas[] | (.name | endswith("shoppers")) and (.sets_apart | split("; ") | map(capture(" (?<z>[-+][0-9.]+) sd$").z | tonumber | fabs) | . == (sort | reverse))] | all' "$TM_OUT/p_cluster.json")" true
# the median of log(1 + orders) in cluster 1 from SQL's order counts (log1p is monotone: median of the logs)
r=$(jq .run_id "$TM_OUT/p_cluster.json")
want=$(q "SELECT count(t.id) FROM customer_segments s JOIN touchpoints t ON t.customer_id = s.customer_id AND t.type = 'purchase' WHERE s.run_id = $r AND s.segment = 'cluster 1' GROUP BY s.customer_id ORDER BY 1" |
       awk '{v[NR] = log(1 + $1)} END {printf "%.6f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
eq "persona median of log_orders equals the median of SQL's order counts" \
   "$(q "SELECT printf('%.6f', median) FROM segment_features WHERE run_id = $r AND segment = 'cluster 1' AND feature = 'log_orders'")" "$want"

# 4. Value: net spend until CLV exists, then CLV deciles; needs: refused until themes exist, then top theme.
tm segment --by value --db "$db" --format json > "$TM_OUT/v0.json" 2>/dev/null
eq "value without CLV uses net spend" "$(jq -r '.value_basis | startswith("net spend")' "$TM_OUT/v0.json")" true
q "INSERT INTO clv_runs(id, created_at, customers) VALUES (1, 0, 20)"
q "INSERT INTO clv_customer(run_id, customer_id, clv) SELECT 1, id, id * 10.0 FROM customers ORDER BY id LIMIT 20"
tm segment --by value --db "$db" --format json > "$TM_OUT/v1.json" 2>/dev/null
eq "value with a CLV run uses CLV" "$(jq -r '.value_basis | startswith("clv")' "$TM_OUT/v1.json")" true
eq "... 20 customers with a CLV in ten deciles of 2" "$(jq -c '[.segments[] | select(.segment | startswith("decile")) | .customers]' "$TM_OUT/v1.json")" "[2,2,2,2,2,2,2,2,2,2]"
eq "... the top decile holds the two largest CLVs (SQL)" \
   "$(jq -r '[.assignments[] | select(.segment == "decile 01 (top)") | .customer] | sort | join(",")' "$TM_OUT/v1.json")" \
   "$(q "SELECT group_concat(k, ',') FROM (SELECT c.customer_key k FROM clv_customer v JOIN customers c ON c.id = v.customer_id ORDER BY v.clv DESC LIMIT 2 ) ORDER BY 1" | tr ',' '\n' | sort | paste -sd,)"
tm segment --by needs --db "$db" > /dev/null 2> "$TM_OUT/needs.err"
eq "needs without themes: exit 2" "$?" 2
check "... and the message says to run touchmine themes first" grep -q "touchmine themes" "$TM_OUT/needs.err"
q "INSERT INTO text_customer_themes(customer_id, theme, mentions) SELECT id, 'delivery', 1 + abs(id) % 3 FROM customers ORDER BY id LIMIT 30"
q "INSERT INTO text_customer_themes(customer_id, theme, mentions) SELECT id, 'price', 2 FROM customers ORDER BY id LIMIT 30"
tm segment --by needs --db "$db" --format json > "$TM_OUT/needs.json" 2>/dev/null || nok "needs with themes failed"
eq "needs: customers per top theme equal an SQL count (ties to the first theme by name)" \
   "$(jq -r '[.segments[] | "\(.segment)=\(.customers)"] | join(";")' "$TM_OUT/needs.json")" \
   "$(q "SELECT group_concat(t || '=' || n, ';') FROM (SELECT t, count(*) n FROM (SELECT c.id, coalesce((SELECT theme FROM text_customer_themes x WHERE x.customer_id = c.id ORDER BY mentions DESC, theme LIMIT 1), 'no feedback themes') t FROM customers c) GROUP BY t ORDER BY t)")"

# 5. Rules files: first match wins, else Other; counts equal SQL over the touchpoints and attributes.
cat > "$TM_OUT/rules.txt" <<'R'
# frequent buyers first, then Londoners, then the web-minded
Frequent: orders >= 4
Londoners: attr.region = "London"
Web-minded: channel_share_web > 0.5 and not (returns > 2)
R
tm segment --rules "$TM_OUT/rules.txt" --db "$db" --format json > "$TM_OUT/rules.json" 2>/dev/null || nok "--rules failed"
orders="(SELECT count(*) FROM touchpoints t WHERE t.customer_id = c.id AND t.type = 'purchase')"
web="(SELECT count(*) FROM touchpoints t WHERE t.customer_id = c.id AND t.type = 'purchase' AND t.channel = 'web')"
rets="(SELECT count(*) FROM touchpoints t WHERE t.customer_id = c.id AND t.type = 'return')"
london="EXISTS (SELECT 1 FROM customer_attrs a WHERE a.customer_id = c.id AND a.key = 'region' AND a.value = 'London')"
eq "rules: segment counts equal an SQL evaluation of the same rules" \
   "$(jq -r '[.segments[] | "\(.segment)=\(.customers)"] | join(";")' "$TM_OUT/rules.json")" \
   "$(q "SELECT group_concat(s || '=' || n, ';') FROM (SELECT s, count(*) n FROM (SELECT CASE WHEN $orders >= 4 THEN 'Frequent' WHEN $london THEN 'Londoners' WHEN $orders > 0 AND 1.0 * $web / $orders > 0.5 AND NOT $rets > 2 THEN 'Web-minded' ELSE 'Other' END s FROM customers c) GROUP BY s ORDER BY s)")"
eq "rules: saved as a run with profiles" "$(q "SELECT count(*) FROM segment_profiles WHERE run_id = $(jq .run_id "$TM_OUT/rules.json")")" 4
# hostile and mistaken files: exit 2 with file:line:col, never a crash (on a small warehouse, for speed)
tm synth --customers 150 --days 60 --seed 3 --out "$TM_OUT/small" > /dev/null && \
  tm ingest --db "$TM_OUT/small.db" --config "$TM_OUT/small/touchmine.ini" > /dev/null 2>&1 || nok "small synth failed"
bad() { # DESC CONTENT WANT-REGEX
  printf '%b' "$2" > "$TM_OUT/bad.txt"
  tm segment --rules "$TM_OUT/bad.txt" --db "$TM_OUT/small.db" > /dev/null 2> "$TM_OUT/bad.err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qE "$3" "$TM_OUT/bad.err"; then ok "rules: $1"; else nok "rules: $1 (exit $rc: $(head -c 200 "$TM_OUT/bad.err"))"; fi
}
bad "unknown name -> line:col and the names to use" "# c\nX: orderz > 1\n" "bad.txt:2:4: unknown name 'orderz'.*use orders"
bad "missing colon" "Frequent orders >= 3\n" "bad.txt:1:1: no ':'"
bad "missing number" "X: orders >=\n" "bad.txt:1:13: compare orders with a number"
bad "unclosed parenthesis" "X: (orders > 1 and returns < 2\n" "bad.txt:1:4: this '\\(' is not closed"
bad "text compared with <" "X: attr.region < \"a\"\n" "bad.txt:1:16: attributes are text"
bad "unclosed quote" "X: attr.region = \"Lon\n" "bad.txt:1:18: the quoted text is not closed"
bad "trailing words" "X: orders > 1 web\n" "bad.txt:1:15: unexpected 'web'"
bad "deep nesting" "X: $(printf '(%.0s' $(seq 200))orders > 1\n" "nested too deep"
bad "a NUL byte" "X: orders\\0 > 1\n" "bad.txt:1:10: a NUL byte"
bad "binary junk" "\\xff\\xfe\\x01\\x02: \\x80\\x81\n" "bad.txt:1:[0-9]+:"
bad "an empty file" "" "no rules"
bad "a very long line" "X: $(head -c 5000 /dev/zero | tr '\0' 'a') > 1\n" "longer than 4,096"
bad "an overflowing number" "X: orders > 1e999\n" "compare orders with a number"
tm segment --rules "$TM_OUT/nope.txt" --db "$TM_OUT/small.db" > /dev/null 2>&1
eq "rules: a missing file is exit 2" "$?" 2
