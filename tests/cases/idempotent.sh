# Re-ingesting adds nothing: a file ingested before is skipped by checksum (also
# under another name), and rows the warehouse already has are rejected as
# duplicates when they come back inside a different file.
. tests/cases/lib.sh
db=$TM_OUT/w.db
awk 'BEGIN { print "id,email,ts,amount"; for (i = 0; i < 500; i++) printf "e%d,u%d@example.com,2025-01-%02dT10:00:00Z,%d\n", i, i % 40, 1 + i % 28, i }' > "$TM_OUT/a.csv"
cat > "$TM_OUT/w.ini" <<INI
[source shop]
file = *.csv
event_id = id
time = ts
amount = amount
id.email = email
default.channel = store
default.type = purchase
INI
state() { sqlite3 "$db" "SELECT (SELECT count(*) FROM events) || ',' || (SELECT count(*) FROM customers) || ',' || (SELECT count(*) FROM identities) || ',' || (SELECT count(*) FROM order_lines) || ',' || (SELECT total(amount) FROM events)"; }
tm ingest --db "$db" --config "$TM_OUT/w.ini" --format json > "$TM_OUT/1.json"
eq "first run loads 500" "$(jq .loaded "$TM_OUT/1.json")" 500
first=$(state)
tm ingest --db "$db" --config "$TM_OUT/w.ini" --format json > "$TM_OUT/2.json"
eq "second run: the file is skipped" "$(jq -r '"\(.files_skipped) \(.read) \(.loaded)"' "$TM_OUT/2.json")" "1 0 0"
eq "second run changes nothing" "$(state)" "$first"
cp "$TM_OUT/a.csv" "$TM_OUT/copy.csv"
tm ingest --db "$db" --config "$TM_OUT/w.ini" --format json > "$TM_OUT/3.json"
eq "a byte-identical copy under another name is skipped" "$(jq .files_skipped "$TM_OUT/3.json")" 2
rm "$TM_OUT/copy.csv"
# an overlapping export: 100 old rows and 50 new ones
{ head -1 "$TM_OUT/a.csv"; sed -n '402,501p' "$TM_OUT/a.csv";
  awk 'BEGIN { for (i = 500; i < 550; i++) printf "e%d,u%d@example.com,2025-02-%02dT10:00:00Z,%d\n", i, i % 40, 1 + i % 28, i }'; } > "$TM_OUT/b.csv"
tm ingest --db "$db" --config "$TM_OUT/w.ini" --format json > "$TM_OUT/4.json"
eq "overlap: 50 new rows load, 100 known ones are duplicates" \
   "$(jq -r '"\(.read) \(.loaded) \(.duplicates)"' "$TM_OUT/4.json")" "150 50 100"
eq "events total 550" "$(sqlite3 "$db" 'SELECT count(*) FROM events')" 550
eq "the duplicates are in the rejects with their lines" \
   "$(sqlite3 "$db" "SELECT min(line) || '-' || max(line) FROM rejects WHERE file LIKE '%b.csv' AND reason LIKE 'duplicate%'")" "2-101"
