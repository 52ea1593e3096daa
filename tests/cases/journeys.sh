# Journeys (touchmine paths) on the hand-built dataset, with figures worked out
# by hand; then funnels, retention and sequential patterns on synth against an
# independent recomputation (tests/cases/journeys_check.py: plain Python over
# the touchpoints view) and the journeys synth planted (truth.json).
. tests/cases/lib.sh
py=/usr/bin/python3
check=tests/cases/journeys_check.py
db=$TM_OUT/h.db
rm -f "$db" "$db-wal" "$db-shm"
tm ingest --db "$db" --config tests/data/journeys/journeys.ini > /dev/null || nok "ingest failed"
# The touchpoints are listed in tests/cases/funnel.sh. Steps are CHANNEL:TYPE,
# repeats collapsed (A's two purchases in a row are one step).
tm paths --db "$db" --event purchase --first --steps 2 --patterns --min-support 3 --max-len 3 --format json > "$TM_OUT/p.json" || nok "paths failed"
p() { jq -r "$1" "$TM_OUT/p.json"; }
# converted: A B C D E G H I (8). First touchpoint -> first purchase: A 1800,
# B 86400, C 604800, D 1200, E 1200, G 120, H 0, I 1800 s. Sorted 0 120 1200 1200
# 1800 1800 86400 604800: median 1500; p25 at 1.75: 120 + .75 x 1080 = 930;
# p75 at 5.25: 1800 + .25 x 84600 = 22950.
eq "customers converted" "$(p .converted)" 8
eq "time to convert: p25 / median / p75 seconds" "$(p '[.p25_seconds_to_convert, .median_seconds_to_convert, .p75_seconds_to_convert] | map(tostring) | join("/")')" "930/1500/22950"
# two steps before the first purchase: A, C, G do view > cart > purchase (3 of 8)
eq "top path to the first purchase" "$(p '.paths_to[0] | "\(.path)|\(.customers)"')" "web:view > web:add_to_cart > web:purchase|3"
eq "D's path: cart, app view, purchase" "$(p '[.paths_to[] | select(.path == "web:add_to_cart > app:view > web:purchase") | .customers] | .[0]')" 1
# web:view is left 10 times: to the cart A C E G G (5), to page_view B (1), to the
# end B F G J (4) -> P(cart | view) = 0.5
eq "transition web:view -> web:add_to_cart" "$(p '.transitions[] | select(.from_step == "web:view" and .to_step == "web:add_to_cart") | "\(.count)|\(.probability)"')" "5|0.5"
eq "transition web:view -> end" "$(p '.transitions[] | select(.from_step == "web:view" and .to_step == "end") | .count')" 4
# view > cart > purchase as a subsequence: A B C E G (5 of 11). Rule lift:
# P(purchase after view > cart) = 5/5 over P(web:purchase) = 7/11 -> 11/7 = 1.5714
eq "pattern support and lift" "$(p '.patterns[] | select(.pattern == "web:view > web:add_to_cart > web:purchase") | "\(.customers)|\(.lift * 10000 | round)"')" "5|15714"
# with at most 1 h between steps: A (10 + 20 min), E (5 + 15), G (1 + 1); B's and
# C's purchases come a day and more after the cart; view > cart within 1 h:
# A B E G (4) -> lift 3/4 / (7/11) = 1.1786
tm paths --db "$db" --event purchase --patterns --min-support 3 --max-gap 1h --max-len 3 --format json > "$TM_OUT/p1.json"
eq "pattern with --max-gap 1h" "$(jq -r '.patterns[] | select(.pattern == "web:view > web:add_to_cart > web:purchase") | "\(.customers)|\(.lift * 10000 | round)"' "$TM_OUT/p1.json")" "3|11786"
eq "transitions saved to path_transitions" "$(sqlite3 "$db" "SELECT count(*) FROM path_transitions WHERE run_id = $(p .run_id)")" "$(p '.transitions | length')"
eq "top paths saved to top_paths, both directions" "$(sqlite3 "$db" "SELECT count(*) FROM top_paths WHERE run_id = $(p .run_id)")" "$(p '(.paths_to | length) + (.paths_from | length)')"

# ---- synth: independent recomputation and planted journeys
d=$TM_OUT/synth
tm synth --customers 2000 --days 365 --seed 7 --out "$d" > /dev/null || nok "synth failed"
sdb=$TM_OUT/s.db
tm ingest --db "$sdb" --config "$d/touchmine.ini" > /dev/null || nok "synth ingest failed"
fun() { tm funnel --db "$sdb" --format csv "$@" | awk -F, 'NR > 1 && $1 == "all" { e = e (e == "" ? "" : "/") $4 } END { print e }'; }
S=web:view,web:add_to_cart,web:checkout,web:purchase
eq "synth 4-step web funnel (7d) = independent count" "$(fun --steps $S --window 7d)" "$($py $check "$sdb" funnel $S 604800)"
S2=email:open,web:view,store:purchase
eq "synth email > web > store funnel (2d) = independent count" "$(fun --steps $S2 --window 2d)" "$($py $check "$sdb" funnel $S2 172800)"
eq "synth monthly retention (12 intervals) = independent computation" \
   "$(tm cohorts --db "$sdb" --period month --intervals 12 --format csv | tail -n +2 | md5sum)" "$($py $check "$sdb" cohorts 12 | md5sum)"
# the same at 1 and 2 threads
a=$(OMP_NUM_THREADS=1 tm funnel --db "$sdb" --steps $S --window 7d --by channel --format json | jq -c 'del(.run_id)')
b=$(OMP_NUM_THREADS=2 tm funnel --db "$sdb" --steps $S --window 7d --by channel --format json | jq -c 'del(.run_id)')
eq "funnel identical at 1 and 2 threads" "$(echo "$a" | md5sum)" "$(echo "$b" | md5sum)"
a=$(OMP_NUM_THREADS=1 tm cohorts --db "$sdb" --period day --intervals 60 --format json | jq -c 'del(.run_id)')
b=$(OMP_NUM_THREADS=2 tm cohorts --db "$sdb" --period day --intervals 60 --format json | jq -c 'del(.run_id)')
eq "cohorts identical at 1 and 2 threads" "$(echo "$a" | md5sum)" "$(echo "$b" | md5sum)"
# --by segment: the latest segment run (RFM: buyers only). The breakdown's
# step-1 counts add up to the whole funnel's; customers outside the run have
# never bought, so none of them reaches the web purchase.
tm segment --by rfm --db "$sdb" > /dev/null || nok "segment failed"
tm funnel --db "$sdb" --steps web:view,web:purchase --window 7d --by segment --format csv > "$TM_OUT/seg.csv"
eq "by segment: the segments' entries add up to all" "$(awk -F, '$2 == 1 && $1 != "all" { s += $4 } END { print s }' "$TM_OUT/seg.csv")" \
   "$(awk -F, '$2 == 1 && $1 == "all" { print $4 }' "$TM_OUT/seg.csv")"
eq "by segment: customers in no segment never buy" "$(awk -F, '$1 == "segment=(none)" && $2 == 2 { print $4 }' "$TM_OUT/seg.csv")" 0
eq "by segment: the RFM segments are the breakdown" \
   "$(awk -F, '$2 == 1 && $1 ~ /^segment=/ && $1 != "segment=(none)" { sub(/^segment=/, "", $1); print $1 }' "$TM_OUT/seg.csv" | sort | tr '\n' ,)" \
   "$(sqlite3 "$sdb" "SELECT DISTINCT segment FROM customer_segments WHERE run_id = (SELECT max(id) FROM segment_runs)" | sort | tr '\n' ,)"
# Planted journeys (truth.json journeys[]: steps, within_hours, planted = how
# many purchases got the journey). Each is found by PrefixSpan with consecutive
# steps within within_hours, with the support an independent subsequence scan
# gives; and the purchases preceded by it (funnel completions counting totals,
# window within_hours) are at least 85% of the planted ones: truth counts the
# planted purchases before dirty rows (1%) and unresolved ad ids remove some,
# and background touchpoints add more (so this is a lower bound, not equality).
for i in 0 1 2; do
  name=$(jq -r ".journeys[$i].name" "$d/truth.json")
  steps=$(jq -r ".journeys[$i].steps | map(.channel + \":\" + .type) | join(\",\")" "$d/truth.json")
  hours=$(jq -r ".journeys[$i].within_hours" "$d/truth.json")
  planted=$(jq -r ".journeys[$i].planted" "$d/truth.json")
  pat=$(echo "$steps" | sed 's/,/ > /g')
  got=$(tm paths --db "$sdb" --event "${steps##*,}" --patterns --min-support 0.02 --max-gap "${hours}h" --max-len 3 --format json |
        jq -r --arg p "$pat" '[.patterns[] | select(.pattern == $p) | "\(.customers)"] | .[0] // "missing"')
  eq "$name: found by PrefixSpan with the independent support" "$got" "$($py $check "$sdb" support "$steps" $((hours * 3600)))"
  done_=$(tm funnel --db "$sdb" --steps "$steps" --window "${hours}h" --count totals --format csv | awk -F, -v k=3 'NR > 1 && $1 == "all" && $2 == k { print $4 }')
  ge "$name: purchases preceded by the journey >= 85% of the $planted planted" "$done_" "$(awk -v p="$planted" 'BEGIN { print int(p * 0.85) }')"
done
tm paths --db "$sdb" --event nonesuch 2> /dev/null; eq "an unknown event is a usage error" "$?" 2
tm paths --help | grep -q "Examples:" && ok "--help has an example" || nok "--help has an example"
