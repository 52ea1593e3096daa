# Cohort retention on the hand-built dataset (tests/data/journeys/events.csv;
# the touchpoints are listed in tests/cases/funnel.sh). Expected figures by hand.
#
# Months active (UTC): A Jan, Mar; B Jan, Feb; C D E F G H K Jan only (K's signup
# is 01-31 23:30); I Feb, Apr; J Mar. The data ends in April (I's 04-02 view).
# Monthly cohorts by first touchpoint: Jan = A B C D E F G H K (9), Feb = I (1),
# Mar = J (1).
#   on:          Jan p0 9/9, p1 B 1/9, p2 A 1/9, p3 0/9; Feb p0 1, p1 0, p2 1 (April);
#                Mar p0 1, p1 0. Average (weighted by size, over cohorts observed):
#                p0 11/11 = 1; p1 (1+0+0)/11 = 0.0909; p2 (1+1)/10 = 0.2; p3 0/9 = 0
#   on-or-after: Jan p1 A,B 2/9, p2 A 1/9; Feb p1 1, p2 1; Mar p1 0.
#                p1 (2+1+0)/11 = 0.2727; p2 (1+1)/10 = 0.2; p3 0
#   revenue:     Jan p0 20+15+40+10+25+5+5+12 = 132, p2 30 (A's March purchase);
#                Feb p0 50. Per customer: p0 182/11 = 16.5455; p1 0; p2 30/10 = 3
. tests/cases/lib.sh
db=$TM_OUT/c.db
rm -f "$db" "$db-wal" "$db-shm"
tm ingest --db "$db" --config tests/data/journeys/journeys.ini > /dev/null || nok "ingest failed"
# avg ARGS...: the average row values, 4 decimals, joined by /
avg() { tm cohorts --db "$db" --format json "$@" | jq -r '[.average[] | .value * 10000 | round / 10000] | map(tostring) | join("/")'; }
eq "monthly, on: average retention" "$(avg --period month --intervals 3)" "1/0.0909/0.2/0"
eq "monthly, on-or-after: average retention" "$(avg --period month --intervals 3 --mode on-or-after)" "1/0.2727/0.2/0"
eq "monthly revenue per customer" "$(avg --period month --intervals 3 --measure revenue)" "16.5455/0/3/0"
tri=$(tm cohorts --db "$db" --period month --intervals 3 --format json | jq -c '[.triangle[] | [.cohort, .size, .p0, .p1, .p2, .p3]]')
eq "the triangle: Jan 1, 1/9, 1/9, 0; Feb 1, 0, 1, (unobserved); Mar 1, 0" "$tri" \
   '[["2025-01-01",9,1,0.1111111111,0.1111111111,0],["2025-02-01",1,1,0,1,null],["2025-03-01",1,1,0,null,null]]'
# revenue cells are sums: Jan p0 = 132, Jan p2 = 30, Feb p0 = 50
eq "revenue cells" "$(tm cohorts --db "$db" --period month --intervals 3 --measure revenue --format csv | awk -F, '$4 != 0 && NR > 1 { printf "%s/%s=%s ", $1, $2, $4 }')" \
   "2025-01-01/0=132 2025-01-01/2=30 2025-02-01/0=50 "
# purchase cohorts: first purchase in Jan: A B C D E G H (7), Feb: I (1).
# Returning purchases: A in March (p2); G's second purchase is in January (p0).
# p1 0/8; p2 (1 + 0)/8 = 0.125 (Feb + 2 = April observed); p3 0/7
eq "first-event and return-event purchase" "$(avg --period month --intervals 3 --first-event purchase --return-event purchase)" "1/0/0.125/0"
# weekly (weeks from Monday): 2025-01-01 is a Wednesday -> the week of 2024-12-30
eq "weeks begin on Monday" "$(tm cohorts --db "$db" --period week --intervals 1 --format json | jq -r '.triangle[0].cohort')" "2024-12-30"
# daily, 365 intervals: any number of intervals; A is active on day 0 and day 68 (03-10)
eq "365 daily intervals: A's return on day 68" \
   "$(tm cohorts --db "$db" --period day --intervals 365 --format csv | awk -F, '$1 == "2025-01-01" && $2 == 68 { print $3 "/" $4 }')" "1/1"
eq "a day cohort ends at the last day of data (2025-04-02 = day 91)" \
   "$(tm cohorts --db "$db" --period day --intervals 365 --format csv | awk -F, '$1 == "2025-01-01"' | wc -l | tr -d ' ')" 92
# --tz: K's signup at 23:30 UTC on 01-31 is February at +01:00
eq "UTC: K's signup is in the January cohort" "$(tm cohorts --db "$db" --first-event signup --format json | jq -r '.triangle[0].cohort')" "2025-01-01"
eq "--tz +01:00: K's signup is in February" "$(tm cohorts --db "$db" --first-event signup --tz +01:00 --format json | jq -r '.triangle[0].cohort')" "2025-02-01"
# saved
eq "saved to cohort_retention (the last run: 1 cohort x 3 observed months)" \
   "$(sqlite3 "$db" "SELECT count(*) FROM cohort_retention WHERE run_id = (SELECT max(id) FROM journey_runs WHERE kind = 'cohorts')")" 3
tm cohorts --db "$db" --measure revenue --mode on-or-after 2> /dev/null; eq "on-or-after with revenue is a usage error" "$?" 2
eq "--tz Europe/Paris (UTC+1 in winter): February" "$(tm cohorts --db "$db" --first-event signup --tz Europe/Paris --format json | jq -r '.triangle[0].cohort')" "2025-02-01"
eq "--tz Europe/London (UTC+0 in winter): January" "$(tm cohorts --db "$db" --first-event signup --tz Europe/London --format json | jq -r '.triangle[0].cohort')" "2025-01-01"
tm cohorts --db "$db" --tz Mars/Olympus 2> /dev/null; eq "an unknown zone is a usage error" "$?" 2
