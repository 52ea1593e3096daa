# Hostile input through the whole ingest (tests/data/hostile): nothing crashes,
# every readable row is loaded or rejected with a reason, and a file that
# cannot be read at all (corrupt compression) fails the run with a message
# naming it, leaving the warehouse unchanged.
. tests/cases/lib.sh
h=$PWD/tests/data/hostile
for f in "$h"/csv_*.csv "$h"/json_*.json; do
  name=$(basename "$f")
  case $name in csv_*) fmt=csv ;; *) fmt=segment ;; esac
  # map whatever the first column is as the identifier: the point is survival
  first=$(head -c 4096 "$f" | head -1 | tr -d '\r' | cut -d, -f1 | tr -cd '[:alnum:]_')
  [ -n "$first" ] || first=id
  cat > "$TM_OUT/h.ini" <<INI
[source h]
file = $f
format = $fmt
time = ${first}
id.customer_id = ${first}
missing_id = keep
INI
  [ "$fmt" = segment ] && printf '[source h]\nfile = %s\nformat = segment\n' "$f" > "$TM_OUT/h.ini"
  rm -f "$TM_OUT/h.db"*
  tm ingest --db "$TM_OUT/h.db" --config "$TM_OUT/h.ini" --format json > "$TM_OUT/out.json" 2> "$TM_OUT/err.txt"
  rc=$?
  if [ $rc -eq 0 ]; then
    eq "$name: read = loaded + rejected" "$(jq '.loaded + .rejected' "$TM_OUT/out.json")" "$(jq .read "$TM_OUT/out.json")"
    eq "$name: every reject has a reason and a line" \
       "$(sqlite3 "$TM_OUT/h.db" "SELECT count(*) FROM rejects WHERE reason = '' OR line < 1")" 0
  else
    # a file the CSV reader cannot even take a header from is refused whole, with a message
    eq "$name: refused with exit 1, not a crash" "$rc" 1
    check "$name: the message names the file" grep -q "$name" "$TM_OUT/err.txt"
  fi
done
for f in "$h"/gz_*.gz "$h"/zst_*.zst; do
  name=$(basename "$f")
  printf '[source h]\nfile = %s\ntime = t\nid.email = e\n' "$f" > "$TM_OUT/h.ini"
  rm -f "$TM_OUT/h.db"*
  tm ingest --db "$TM_OUT/h.db" --config "$TM_OUT/h.ini" > /dev/null 2> "$TM_OUT/err.txt"
  eq "$name: corrupt compressed input fails with exit 1" "$?" 1
  check "$name: ... naming the file" grep -q "$name" "$TM_OUT/err.txt"
  eq "$name: ... and loads nothing" "$(sqlite3 "$TM_OUT/h.db" "SELECT count(*) FROM events" 2>/dev/null || echo 0)" 0
done
