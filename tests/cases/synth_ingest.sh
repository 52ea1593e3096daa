# Synth -> ingest against the planted truth: every file's rows are read, the
# clean ones load and exactly the planted dirty rows are rejected, at their
# lines; identity resolution recovers the planted people (pairwise precision
# and recall >= 0.99) and no planted shared identifier merges strangers.
. tests/cases/lib.sh
d=$TM_OUT/data
tm synth --customers 2500 --days 365 --seed 11 --out "$d" > /dev/null || nok "synth failed"
db=$TM_OUT/s.db
tm ingest --db "$db" --config "$d/touchmine.ini" --format json > "$TM_OUT/ingest.json" || nok "ingest failed"
j() { jq -r "$1" "$TM_OUT/ingest.json"; }
t() { jq -r "$1" "$d/truth.json"; }
eq "read = loaded + rejected" "$(j '.loaded + .rejected')" "$(j .read)"
eq "every data row of every file is read" "$(j .read)" "$(t '[.files[] | select(.name != "truth.json" and .rows != null) | .rows] | add')"
eq "the clean rows load" "$(j .loaded)" "$(t '[.files[] | select(.rows != null) | .clean_rows] | add')"
eq "the planted dirty rows are rejected, no more and no fewer" "$(j .rejected)" "$(t '.dirty_rows')"
# Each planted dirty line is in the rejects of its file, at that line.
t '.files[] | select(.rows != null) | .name as $f | .dirty_lines[] | "\($f) \(.[0]) \(.[1])"' > "$TM_OUT/planted.txt"
sqlite3 "$db" "SELECT replace(file, rtrim(file, replace(file, '/', '')), '') || ' ' || line FROM rejects" | sort > "$TM_OUT/rejected.txt"
awk '{print $1 " " $2}' "$TM_OUT/planted.txt" | sort > "$TM_OUT/planted_lines.txt"
eq "rejected (file, line) pairs are exactly the planted ones" "$(comm -3 "$TM_OUT/planted_lines.txt" "$TM_OUT/rejected.txt" | head -5)" ""
# the reason matches the kind of dirt planted
sqlite3 -separator ' ' "$db" "SELECT replace(file, rtrim(file, replace(file, '/', '')), ''), line, reason FROM rejects" > "$TM_OUT/reasons.txt"
bad=$(awk '
  NR == FNR { key = $1 " " $2; $1 = $2 = ""; reason[key] = substr($0, 3); next }
  { want = "^(wrong field count|malformed record)"
    if ($3 == "bad_date") want = "^bad time"
    if ($3 == "bad_quantity") want = "^bad quantity"
    if ($3 ~ /duplicate/) want = "^duplicate"
    if ($3 == "invalid_utf8") want = "^invalid UTF-8"
    if ($3 == "missing_id") want = "^missing identifier"
    got = reason[$1 " " $2]
    if (got !~ want) { n++; if (n <= 3) print "# " $1 ":" $2 " planted " $3 ", rejected as: " got > "/dev/stderr" } }
  END { print n + 0 }' "$TM_OUT/reasons.txt" "$TM_OUT/planted.txt")
eq "each rejection names the kind of dirt planted" "$bad" 0

tm identity --db "$db" --truth "$d/truth.json" --format json > "$TM_OUT/identity.json" || nok "identity failed"
ge "pairwise precision >= 0.99" "$(jq .precision "$TM_OUT/identity.json")" 0.99
ge "pairwise recall >= 0.99" "$(jq .recall "$TM_OUT/identity.json")" 0.99
eq "every planted shared identifier is quarantined" \
   "$(sqlite3 "$db" "SELECT count(*) FROM identities WHERE status = 'quarantined'")" "$(t '.shared_identifiers | length')"
eq "no shared identifier merges strangers" "$(jq .shared_identifiers_merged "$TM_OUT/identity.json")" 0

tm summary --db "$db" --format json > "$TM_OUT/summary.json" || nok "summary failed"
eq "orders = planted purchases (store + web + app + fraud bursts)" "$(jq .orders "$TM_OUT/summary.json")" \
   "$(t '.orders.store + .orders.web + .orders.app')"
eq "returns = planted returns" "$(jq .returns "$TM_OUT/summary.json")" "$(t .orders.returns)"
eq "order lines = planted lines" "$(jq .order_lines "$TM_OUT/summary.json")" "$(t .orders.lines)"

# The dataset and summary: the same at 1 and 2 threads; the as-of cut from the
# columnar snapshot equals the as-of load from the tables.
rm -f "$TM_OUT/s.db-shm"
sqlite3 "$db" "DELETE FROM dataset_cache"
OMP_NUM_THREADS=1 tm summary --db "$db" --as-of 2025-07-01 --format json > "$TM_OUT/asof_cold.json"   # from the tables
OMP_NUM_THREADS=1 tm summary --db "$db" --format json > "$TM_OUT/all_1.json"                         # builds the snapshot
eq "a summary saves the dataset snapshot" "$(sqlite3 "$db" "SELECT count(*) > 0 FROM dataset_cache")" 1
OMP_NUM_THREADS=2 tm summary --db "$db" --format json > "$TM_OUT/all_2.json"                         # from the snapshot
eq "summary identical at 1 and 2 threads (and from tables vs snapshot)" "$(md5sum < "$TM_OUT/all_2.json")" "$(md5sum < "$TM_OUT/all_1.json")"
OMP_NUM_THREADS=2 tm summary --db "$db" --as-of 2025-07-01 --format json > "$TM_OUT/asof_warm.json"  # cut from the snapshot
eq "as-of from the snapshot equals as-of from the tables" "$(md5sum < "$TM_OUT/asof_warm.json")" "$(md5sum < "$TM_OUT/asof_cold.json")"
eq "as-of keeps nothing after the date" "$(jq -r .last "$TM_OUT/asof_warm.json" | cut -c1-7)" "2025-06"
le "as-of has fewer events" "$(jq .events "$TM_OUT/asof_warm.json")" "$(( $(jq .events "$TM_OUT/all_1.json") - 1 ))"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null   # nothing new, but a run
eq "an ingest run voids the snapshot" "$(sqlite3 "$db" "SELECT count(*) FROM dataset_cache")" 0

# Two rating columns in one file (surveys' nps, reviews' stars): "rating = nps|stars"
# takes the first non-empty, and the scale of that column goes with it.
eq "every review's rating is on the stars scale" \
   "$(sqlite3 "$db" "SELECT count(*) FROM feedback f JOIN touchpoints t ON t.id = f.event_id WHERE t.type = 'review' AND (f.scale IS NOT 'stars' OR f.rating NOT BETWEEN 1 AND 5)")" 0
eq "every survey's rating is on the nps scale" \
   "$(sqlite3 "$db" "SELECT count(*) FROM feedback f JOIN touchpoints t ON t.id = f.event_id WHERE t.type = 'survey' AND (f.scale IS NOT 'nps' OR f.rating NOT BETWEEN 0 AND 10)")" 0
check "reviews with stars were loaded" test "$(sqlite3 "$db" "SELECT count(*) FROM feedback WHERE scale = 'stars'")" -gt 0

# attr.* on touchpoint sources describe the touchpoint (event_attrs), not the person
eq "every loaded contact has its reason" \
   "$(sqlite3 "$db" "SELECT count(*) FROM touchpoints t WHERE t.source = 'contacts' AND NOT EXISTS (SELECT 1 FROM event_attrs a WHERE a.event_id = t.id AND a.key = 'reason')")" 0
eq "contact reasons are the five planted ones" \
   "$(sqlite3 "$db" "SELECT group_concat(value, ',') FROM (SELECT DISTINCT value FROM event_attrs WHERE key = 'reason' ORDER BY 1)")" \
   "$(tail -n +2 "$d/contacts.csv" | cut -d, -f6 | grep -E '^[a-z_]+$' | sort -u | paste -sd, -)"
eq "every order has its payment method" \
   "$(sqlite3 "$db" "SELECT count(*) FROM touchpoints t WHERE t.source = 'orders' AND NOT EXISTS (SELECT 1 FROM event_attrs a WHERE a.event_id = t.id AND a.key = 'payment')")" 0
eq "touchpoint attributes do not become customer attributes" \
   "$(sqlite3 "$db" "SELECT count(*) FROM customer_attrs WHERE key IN ('reason', 'payment', 'platform')")" 0

# Behavioural clusters recover the planted segments, the same at 1 and 2 threads.
OMP_NUM_THREADS=1 tm segment --by cluster --db "$db" --k 5 --truth "$d/truth.json" --format json > "$TM_OUT/cluster1.json" || nok "cluster failed"
ge "k-means on behavioural features recovers the planted segments: ARI >= 0.9" "$(jq .ari "$TM_OUT/cluster1.json")" 0.9
# (a buyer whose only store visits used the shop's default card with no e-receipt
# cannot be told apart from strangers, so a handful stay out)
ge "at least 99% of the planted buyers were clustered" \
   "$(awk -v a="$(jq .truth_matched "$TM_OUT/cluster1.json")" -v b="$(t '[.customers[] | select(.segment >= 0)] | length')" 'BEGIN{print a/b}')" 0.99
OMP_NUM_THREADS=1 tm segment --by cluster --db "$db" --k 5 --format csv > "$TM_OUT/assign1.csv"
OMP_NUM_THREADS=2 tm segment --by cluster --db "$db" --k 5 --format csv > "$TM_OUT/assign2.csv"
eq "same seed, same assignments at 1 and 2 threads" "$(md5sum < "$TM_OUT/assign2.csv")" "$(md5sum < "$TM_OUT/assign1.csv")"
check "... and a real assignment (every customer, five segments)" \
  test "$(tail -n +2 "$TM_OUT/assign1.csv" | cut -d, -f2 | sort -u | wc -l)" -eq 5
tm segment --by cluster --db "$db" --k auto --k-max 8 --format json > "$TM_OUT/auto.json" || nok "--k auto failed"
eq "--k auto tries k = 2..8" "$(jq -c '[.k_selection[].k]' "$TM_OUT/auto.json")" "[2,3,4,5,6,7,8]"
eq "--k auto keeps the k with the largest silhouette" "$(jq .k "$TM_OUT/auto.json")" \
   "$(jq '.k_selection | max_by(.silhouette) | .k' "$TM_OUT/auto.json")"
eq "... and reports that k's figures" "$(jq '.silhouette == (.k_selection | max_by(.silhouette) | .silhouette)' "$TM_OUT/auto.json")" true
eq "silhouettes lie in [-1, 1]; Calinski-Harabasz and Davies-Bouldin are positive" \
   "$(jq '[.k_selection[] | (.silhouette >= -1 and .silhouette <= 1 and .calinski_harabasz > 0 and .davies_bouldin > 0)] | all' "$TM_OUT/auto.json")" true
eq "inertia falls as k grows" "$(jq '[.k_selection[].inertia] | . == (sort | reverse)' "$TM_OUT/auto.json")" true

# Personas describe the planted segments: each cluster is matched to the planted
# segment most of its customers belong to, and its card must say what synth
# planted for that segment (docs/synth.md): store regulars shop in store,
# app trendsetters in the app, bargain hunters use discounts, premium customers
# spend the most per order.
tm segment --by cluster --db "$db" --k 5 --format json > "$TM_OUT/personas.json"
/usr/bin/python3 - "$TM_OUT/personas.json" "$d/truth.json" > "$TM_OUT/persona_check.txt" <<'PY'
import json, sys, collections
res, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
planted = {p["id"]: p["segment_name"] for p in truth["customers"] if p["segment"] >= 0}
votes = collections.defaultdict(collections.Counter)
for a in res["assignments"]:
    if a["customer"] in planted: votes[a["segment"]][planted[a["customer"]]] += 1
card = {p["segment"]: p for p in res["personas"]}
for seg, v in sorted(votes.items()):
    name, p = v.most_common(1)[0][0], card[seg]
    if name == "store_regular": ok = p["top_channel"] == "store"
    elif name == "app_trendsetter": ok = p["top_channel"] == "app"
    elif name == "bargain_hunter": ok = "discount_share +" in p["sets_apart"] or p["name"].startswith("Discount")
    elif name == "premium_omnichannel": ok = p["sets_apart"].startswith("log_mean_order_value +") and p["name"].startswith("High-spend")
    else: ok = True
    print(name, "ok" if ok else "WRONG", p["name"], "|", p["sets_apart"])
PY
eq "each persona card says what was planted for its segment" "$(grep -c WRONG "$TM_OUT/persona_check.txt")" 0
eq "... for all five segments" "$(wc -l < "$TM_OUT/persona_check.txt")" 5

# Rule-based segments, cross-checked with SQL over the warehouse's own tables.
tm segment --by geographic --db "$db" --format json > "$TM_OUT/geo.json"
eq "geographic: customers per region (else country) equal an SQL count" \
   "$(jq -r '[.segments[] | "\(.segment)=\(.customers)"] | sort | join(";")' "$TM_OUT/geo.json")" \
   "$(sqlite3 "$db" "SELECT group_concat(s || '=' || n, ';') FROM (SELECT s, count(*) n FROM (SELECT coalesce((SELECT value FROM customer_attrs a WHERE a.customer_id = c.id AND a.key = 'region' AND value <> ''), (SELECT value FROM customer_attrs a WHERE a.customer_id = c.id AND a.key = 'country' AND value <> ''), 'unknown') s FROM customers c) GROUP BY s ORDER BY s)")"
tm segment --by firmographic --db "$db" --format json > "$TM_OUT/firm.json"
eq "firmographic: every B2B account (SQL) is in an industry segment, the rest 'consumer'" \
   "$(jq '[.segments[] | select(.segment != "consumer") | .customers] | add' "$TM_OUT/firm.json")" \
   "$(sqlite3 "$db" "SELECT count(*) FROM customer_attrs WHERE key = 'account_type' AND upper(value) = 'B2B'")"
tm segment --by value --db "$db" --format json > "$TM_OUT/value.json"
eq "value: ten deciles of the buyers, sizes within one of each other" \
   "$(jq '[.segments[] | select(.segment | startswith("decile")) | .customers] | (length == 10 and (max - min) <= 1)' "$TM_OUT/value.json")" true
eq "value: the top decile holds the most revenue" \
   "$(jq '[.segments[] | select(.segment | startswith("decile"))] | (max_by(.revenue) | .segment)' "$TM_OUT/value.json")" '"decile 01 (top)"'
eq "value: buyers equal the RFM customers" \
   "$(jq '[.segments[] | select(.segment | startswith("decile")) | .customers] | add' "$TM_OUT/value.json")" \
   "$(tm segment --by rfm --db "$db" --format json | jq .customers)"
tm segment --by needs --db "$db" > /dev/null 2>&1
eq "needs-based segments are refused until feedback themes exist (exit 2)" "$?" 2
