# Every timestamp form the ingest accepts lands as the right UTC instant
# (expected values from `date -u -d ... +%s`), and impossible dates are rejected
# with file, line and reason.
. tests/cases/lib.sh
db=$TM_OUT/t.db
tm ingest --db "$db" --config tests/data/times/times.ini --format json > "$TM_OUT/ingest.json"
eq "ingest exits 0" "$?" 0
eq "read" "$(jq .read "$TM_OUT/ingest.json")" 14
eq "loaded" "$(jq .loaded "$TM_OUT/ingest.json")" 11
eq "rejected" "$(jq .rejected "$TM_OUT/ingest.json")" 3
ts() { sqlite3 "$db" "SELECT e.ts FROM events e JOIN sources s ON s.id = e.source_id WHERE s.name = '$1' ORDER BY e.id LIMIT 1 OFFSET $2"; }
eq "ISO-8601 Z"                    "$(ts auto 0)" 1740823200000
eq "ISO-8601 +02:00"               "$(ts auto 1)" 1740823200000
eq "ISO space, fraction, -0130"    "$(ts auto 2)" 1740828600250
eq "date only"                     "$(ts auto 3)" 1740787200000
eq "epoch seconds"                 "$(ts auto 4)" 1740823200000
eq "epoch milliseconds"            "$(ts auto 5)" 1740823200123
eq "%m/%d/%Y %H:%M (12/1/2010 8:26)" "$(ts pattern 0)" 1291191960000
eq "%m/%d/%Y %H:%M (1/31/2011 17:05)" "$(ts pattern 1)" 1296493500000
eq "%d/%m/%Y with zone +01:00"     "$(ts zone 0)" 1740817800000
eq "Europe/London in summer (BST)"  "$(ts london 0)" 1751367600000
eq "Europe/London in winter (GMT)"  "$(ts london 1)" 1736942400000
rej() { sqlite3 "$db" "SELECT line || ' ' || reason FROM rejects WHERE file LIKE '%$1' ORDER BY line"; }
eq "impossible and unparseable dates rejected with line and reason" "$(rej auto.csv)" \
"8 bad time: '2025-02-30T10:00:00Z' in when
9 bad time: 'not a time' in when"
eq "29 February of a common year rejected" "$(rej pattern.csv)" "4 bad time: '2/29/2011 10:00' in when"
eq "rejects keep the raw row" "$(sqlite3 "$db" "SELECT raw FROM rejects WHERE line = 9")" "8,a@x.com,not a time"
