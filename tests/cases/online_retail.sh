# The UCI Online Retail file (../shared/data/online_retail) loads with the counts
# its SOURCE.md publishes, and revenue equals an independent recount.
. tests/cases/lib.sh
f=$TM_SHARED/online_retail/online_retail.csv.gz
if [ ! -f "$f" ]; then skip "online retail: $f absent (../shared/data is not in a user's clone)"; exit 0; fi
db=$TM_OUT/retail.db
# The example config names the file relative to itself; point it at $TM_SHARED.
sed "s|^file = .*|file = $f|" examples/online-retail.ini > "$TM_OUT/retail.ini"
tm ingest --db "$db" --config "$TM_OUT/retail.ini" --format json > "$TM_OUT/ingest.json" || nok "ingest failed"
j() { jq -r "$1" "$2"; }
eq "rows read = 541,909 (SOURCE.md)" "$(j .read "$TM_OUT/ingest.json")" 541909
eq "read = loaded + rejected" "$(j '.loaded + .rejected' "$TM_OUT/ingest.json")" 541909
# Exact duplicate rows, counted independently with the csv module.
dups=$(/usr/bin/python3 - "$f" <<'PY'
import csv, gzip, sys
seen, dups = set(), 0
with gzip.open(sys.argv[1], "rt", newline="") as fh:
    r = csv.reader(fh); next(r)
    for row in r:
        k = tuple(row)
        if k in seen: dups += 1
        else: seen.add(k)
print(dups)
PY
)
eq "rejected rows are exactly the duplicate rows (python recount)" "$(j .rejected "$TM_OUT/ingest.json")" "$dups"
tm summary --db "$db" --format json > "$TM_OUT/summary.json"
eq "invoices = 25,900 (SOURCE.md): one touchpoint per invoice" "$(j .events "$TM_OUT/summary.json")" 25900
eq "customers = 4,372 (SOURCE.md)" "$(j .customers "$TM_OUT/summary.json")" 4372
eq "products = 4,070 stock codes (SOURCE.md)" "$(sqlite3 "$db" 'SELECT count(*) FROM products')" 4070
eq "countries = 38 (SOURCE.md)" "$(sqlite3 "$db" 'SELECT count(*) FROM regions')" 38
eq "first invoice time" "$(j .first "$TM_OUT/summary.json")" "2010-12-01T08:26:00Z"
eq "last invoice time" "$(j .last "$TM_OUT/summary.json")" "2011-12-09T12:50:00Z"
eq "cancellation invoices become returns (C prefix)" \
   "$(sqlite3 "$db" "SELECT count(*) FROM touchpoints WHERE type = 'return'")" \
   "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE order_id LIKE 'C%'")"
# Net revenue of the de-duplicated lines, recomputed independently.
want=$(/usr/bin/python3 - "$f" <<'PY'
import csv, gzip, sys
from decimal import Decimal
seen, total, rows_with_cust, custs = set(), Decimal(0), 0, set()
with gzip.open(sys.argv[1], "rt", newline="") as fh:
    r = csv.reader(fh); next(r)
    for row in r:
        k = tuple(row)
        if k in seen: continue
        seen.add(k)
        total += Decimal(row[3]) * Decimal(row[5])
print(f"{total:.2f}")
PY
)
got=$(j '.revenue * 100 | round / 100' "$TM_OUT/summary.json")
eq "net revenue equals the python recount of de-duplicated lines" "$(printf '%.2f' "$got")" "$want"
eq "customer keys are the source's CustomerID (17850.0 -> 17850)" \
   "$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE customer_key = '17850'")" 1
