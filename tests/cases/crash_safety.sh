# A kill -9 in the middle of an ingest leaves the warehouse exactly as it was:
# the run is one transaction. The file is big enough that the child is still
# loading when it is killed (checked), and the warehouse is compared before
# and after, table by table.
. tests/cases/lib.sh
db=$TM_OUT/w.db
mk() { # $1 file, $2 rows, $3 id prefix
  awk -v n="$2" -v p="$3" 'BEGIN { print "id,email,ts,amount,campaign";
    for (i = 0; i < n; i++) printf "%s%d,user%d@example.com,%d,%d.%02d,camp%d\n", p, i, i % 50000, 1735689600 + i, i % 500, i % 100, i % 37 }' > "$1"
}
mk "$TM_OUT/small.csv" 2000 a
mk "$TM_OUT/big.csv" 1500000 b
cat > "$TM_OUT/small.ini" <<INI
[source web]
file = small.csv
event_id = id
time = ts
amount = amount
campaign = campaign
id.email = email
default.channel = web
default.type = view
INI
sed 's/small.csv/big.csv/' "$TM_OUT/small.ini" > "$TM_OUT/big.ini"
tm ingest --db "$db" --config "$TM_OUT/small.ini" > /dev/null || nok "first ingest failed"
snapshot() { sqlite3 "$db" .dump | md5sum; }
before=$(snapshot)
"$TM_BIN" ingest --db "$db" --config "$TM_OUT/big.ini" > /dev/null 2>&1 &  # not the tm function: $! must be the process itself
pid=$!
# wait until the child has written a good part of its transaction (the WAL grows)
for i in $(seq 1 200); do
  sz=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
  [ "$sz" -gt 10000000 ] && break
  sleep 0.05
done
alive=no; kill -0 "$pid" 2>/dev/null && alive=yes
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
eq "the ingest was still running when killed" "$alive" yes
eq "integrity check passes after the kill" "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok
eq "the whole warehouse (sqlite3 .dump) is exactly as before the killed run" "$(snapshot)" "$before"
# and the warehouse still works: the same big run now completes
tm ingest --db "$db" --config "$TM_OUT/big.ini" --format json > "$TM_OUT/after.json" || nok "ingest after the kill failed"
eq "a run after the kill loads everything" "$(jq .loaded "$TM_OUT/after.json")" 1500000
