# Funnels on a small hand-built dataset (tests/data/journeys/events.csv): the
# expected figures are worked out by hand below, customer by customer.
#
# Steps view, add_to_cart, purchase (types; any channel). Touchpoints (UTC, 2025):
#   A  01-01 10:00 view, 10:10 cart, 10:30 purchase; 03-10 purchase
#   B  01-02 09:00 view, 09:05 page_view, 09:10 cart; 01-03 09:00 purchase; 02-14 view
#   C  01-03 12:00 view; 01-05 12:00 cart; 01-10 12:00 purchase  (exactly 7 days after the view)
#   D  01-04 08:00 cart, 08:05 view (app), 08:20 purchase        (cart BEFORE the view)
#   E  01-05 10:00 view, 10:05 cart, 10:07 call_centre support, 10:20 purchase
#   F  01-06 10:00 view
#   G  01-07 10:00 view, 10:01 cart, 10:02 purchase; 01-20 10:00 view, 10:05 cart, 10:15 purchase; 01-25 view
#   H  01-08 store purchase only
#   I  02-03 10:00 view (app), 10:30 purchase; 04-02 view (app)
#   J  03-05 view          K  01-31 23:30 signup
. tests/cases/lib.sh
db=$TM_OUT/j.db
rm -f "$db" "$db-wal" "$db-shm"
tm ingest --db "$db" --config tests/data/journeys/journeys.ini > /dev/null || nok "ingest failed"
# f ARGS...: "entered per step | median seconds per step" of breakdown 'all'
f() {
  tm funnel --db "$db" --format csv "$@" | awk -F, 'NR > 1 && $1 == "all" { e = e (e == "" ? "" : "/") $4; m = m (m == "" ? "" : "/") ($7 == "" ? "-" : $7) } END { print e " | " m }'
}
S="--steps view,add_to_cart,purchase"

# ordered, 7 d: view: A B C D E F G I J = 9; cart after the view: A B C E G = 5
# (D's cart came first); purchase: the same 5 (C's purchase is exactly 7 d after
# its view: the window includes its end). view->cart: A 600, B 600, C 172800,
# E 300, G 60 (G's first attempt) -> median 600; cart->purchase: A 1200, B 85800,
# C 432000, E 900, G 60 -> median 1200.
eq "ordered, 7d window" "$(f $S --window 7d)" "9/5/5 | -/600/1200"
# 167 h: C's purchase falls outside -> 4 convert; medians 60 900 1200 85800 -> 1050
eq "ordered, window cut-off (167h drops C's purchase at exactly 7d)" "$(f $S --window 167h)" "9/5/4 | -/600/1050"
# strict: no other touchpoint between the steps. A, C, G complete; B's page_view
# breaks it (1); D: view then purchase (1); E: the support contact after the
# cart stops it at 2; F, I, J 1. view->cart: A 600, C 172800, E 300, G 60 ->
# (300+600)/2 = 450; cart->purchase A 1200, C 432000, G 60 -> 1200.
eq "strict order" "$(f $S --window 7d --order strict)" "9/4/3 | -/450/1200"
# any order: any step enters, so H's purchase counts (10 enter). Two or more
# distinct steps within 7 d of the first: A B C D E G I (7); all three: A B C D E G
# (6). Gaps between the distinct steps in the order done: 2nd: A 600, B 600,
# C 172800, D 300, E 300, G 60, I 1800 -> 600; 3rd: A 1200, B 85800, C 432000,
# D 900, E 900, G 60 -> (900+1200)/2 = 1050.
eq "any order" "$(f $S --window 7d --order any)" "10/7/6 | -/600/1050"
# exclusion: E's support contact lies between its view and its purchase: E is
# dropped. 8 enter; cart A B C G; purchase A B C G. Medians: 60 600 600 172800
# -> 600; 60 1200 85800 432000 -> (1200+85800)/2 = 43500.
eq "exclusion drops E" "$(f $S --window 7d --exclude call_centre:support)" "8/4/4 | -/600/43500"
# totals: attempts one after another. A 1 (complete), B 2 (complete; the view
# of 02-14), C 1 (complete), D 1 (view only), E 1 (complete), F 1, G 3
# (complete, complete, view only), I 2 (view, purchase without cart: 1; view
# 04-02: 1), J 1 -> 13 enter; 6 reach cart and 6 purchase. Cart gaps: 600 600 172800 300 60 300
# -> (300+600)/2 = 450; purchase gaps: 1200 85800 432000 900 60 600 -> 1050.
eq "count totals" "$(f $S --window 7d --count totals)" "13/6/6 | -/450/1050"
# no window: C converts anyway; the same as 7 d here (no attempt is longer)
eq "no window" "$(f $S)" "9/5/5 | -/600/1200"
# breakdown by the channel of the step-1 touchpoint: D and I viewed on the app
# (2 enter, none reach the cart); the other 7 on the web (5 and 5).
by=$(tm funnel --db "$db" $S --window 7d --by channel --format csv | awk -F, 'NR > 1 && $1 != "all" { printf "%s:%s ", $1, $4 }')
eq "breakdown by channel" "$by" "channel=web:7 channel=web:5 channel=web:5 channel=app:2 channel=app:0 channel=app:0 "
# conversion and drop-off are shares of the entered counts
eq "conversion and drop-off" "$(tm funnel --db "$db" $S --window 167h --format json | jq -c '[.funnel[] | [.conversion, .drop_off]] | map(map(. * 1000 | round))')" \
   "[[1000,0],[556,444],[444,200]]"
# a step with a filter: views on the app only enter (D, I), neither reaches the cart
eq "step filters" "$(f --steps 'view[channel=app]',add_to_cart,purchase --window 7d)" "2/0/0 | -/-/-"
# CHANNEL:TYPE steps: D's app view 08:05 -> purchase 08:20 (900 s), I's 10:00 ->
# 10:30 (1800 s) -> median 1350
eq "channel:type steps" "$(f --steps app:view,web:purchase --window 1h)" "2/2 | -/1350"
# saved: one journey run per funnel, its rows in funnel_steps
n=$(sqlite3 "$db" "SELECT count(*) FROM journey_runs WHERE kind = 'funnel'")
eq "each run is saved to journey_runs (11 funnels above)" "$n" 11
eq "funnel_steps holds the last run's rows" \
   "$(sqlite3 "$db" "SELECT group_concat(entered, '/') FROM (SELECT entered FROM funnel_steps WHERE run_id = (SELECT max(id) FROM journey_runs) ORDER BY step_no)")" "2/2"
# usage errors exit 2 and say what to do
tm funnel --db "$db" --steps view,nonesuch 2> "$TM_OUT/err.txt"; eq "an unknown step is a usage error" "$?" 2
grep -q "no touchpoint has type 'nonesuch'" "$TM_OUT/err.txt" && ok "the error names the step" || nok "the error names the step"
tm funnel --db "$db" --steps view,purchase --window 7x 2> /dev/null; eq "a bad window is a usage error" "$?" 2
tm funnel --help | grep -q "Examples:" && ok "--help has an example" || nok "--help has an example"
