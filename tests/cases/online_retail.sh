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
# Exact duplicate rows and the net revenue of the others, recounted
# independently with the csv module in one pass over the file.
read -r dups want < <(/usr/bin/python3 - "$f" <<'PY'
import csv, gzip, sys
from decimal import Decimal
seen, dups, total = set(), 0, Decimal(0)
with gzip.open(sys.argv[1], "rt", newline="") as fh:
    r = csv.reader(fh); next(r)
    for row in r:
        k = tuple(row)
        if k in seen:
            dups += 1
            continue
        seen.add(k)
        total += Decimal(row[3]) * Decimal(row[5])
print(dups, f"{total:.2f}")
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
# Net revenue of the de-duplicated lines, against the recount above.
got=$(j '.revenue * 100 | round / 100' "$TM_OUT/summary.json")
eq "net revenue equals the python recount of de-duplicated lines" "$(printf '%.2f' "$got")" "$want"
eq "customer keys are the source's CustomerID (17850.0 -> 17850)" \
   "$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE customer_key = '17850'")" 1

# RFM as of 2011-12-10, cross-checked against an independent computation from
# the raw file with python's csv module (not the warehouse): exact-duplicate
# rows dropped as the ingest does; orders = distinct invoices not starting with
# C; monetary = sum of quantity x price over all the customer's rows, returns
# included; recency = days from the last order's date to 2011-12-10; scores and
# segments by the rules of docs/segments.md, written again here.
tm segment --by rfm --db "$db" --as-of 2011-12-10 --format csv > "$TM_OUT/rfm.csv" || nok "segment failed"
/usr/bin/python3 - "$f" "$TM_OUT/rfm.csv" > "$TM_OUT/rfm_check.txt" <<'PY'
import csv, gzip, sys, datetime
from decimal import Decimal
seen, orders, last, money = set(), {}, {}, {}
with gzip.open(sys.argv[1], "rt", newline="") as fh:
    r = csv.reader(fh); next(r)
    for row in r:
        k = tuple(row)
        if k in seen: continue
        seen.add(k)
        inv, _, _, qty, when, price, cust, _ = row
        if not cust or float(qty) == 0: continue
        cust = cust[:-2] if cust.endswith(".0") else cust
        money[cust] = money.get(cust, Decimal(0)) + Decimal(qty) * Decimal(price)
        if not inv.startswith("C"):
            orders.setdefault(cust, set()).add(inv)
            d = datetime.date.fromisoformat(when[:10])
            last[cust] = max(last.get(cust, d), d)
asof = datetime.date(2011, 12, 10)
rows = {c: ((asof - last[c]).days, len(orders[c]), money[c]) for c in orders}
n = len(rows)
def scores(key):
    order = sorted(rows, key=lambda c: (key(c), c))
    return {c: 5 - (5 * i) // n for i, c in enumerate(order)}
R = scores(lambda c: rows[c][0]); F = scores(lambda c: -rows[c][1]); M = scores(lambda c: -rows[c][2])
def seg(r, f):
    if r >= 4 and f >= 4: return "Loyal" if (r, f) == (4, 4) else "Champions"
    if (r, f) == (5, 1): return "New"
    if (r, f) == (4, 1): return "Promising"
    if r >= 4: return "Potential loyalists"
    if r == 3: return "Loyal" if f >= 4 else "Need attention" if f == 3 else "About to sleep"
    if f == 5: return "Can't lose them"
    if f >= 3: return "At risk"
    return "Hibernating" if r == 2 else "Lost"
got = {row["customer"]: row for row in csv.DictReader(open(sys.argv[2]))}
print("customers", n, len(got))
bad = 0
for c, (rec, freq, mon) in rows.items():
    g = got.get(c)
    want = (str(rec), str(freq), f"{mon:.2f}", str(R[c]), str(F[c]), str(M[c]), seg(R[c], F[c]))
    have = g and (g["recency_days"], g["frequency"], f"{Decimal(g['monetary']):.2f}", g["r"], g["f"], g["m"], g["segment"])
    if have != want:
        bad += 1
        if bad <= 3: print("differs", c, have, want, file=sys.stderr)
print("mismatches", bad)
counts = {}
for c in rows: counts[seg(R[c], F[c])] = counts.get(seg(R[c], F[c]), 0) + 1
print("segments", " ".join(f"{k}={counts[k]}" for k in sorted(counts)))
for c in ("12346", "12347", "17850", "14646", "18283"):
    print("customer", c, rows[c][0], rows[c][1], f"{rows[c][2]:.2f}", R[c], F[c], M[c], seg(R[c], F[c]))
PY
eq "RFM: one row per customer who ordered (4,339), as the python recount" \
   "$(grep '^customers' "$TM_OUT/rfm_check.txt")" "customers 4339 4339"
eq "RFM: every customer's recency, frequency, monetary, scores and segment equal the recount" \
   "$(grep '^mismatches' "$TM_OUT/rfm_check.txt")" "mismatches 0"
want=$(grep '^segments' "$TM_OUT/rfm_check.txt" | cut -d' ' -f2-)
got=$(tm segment --by rfm --db "$db" --as-of 2011-12-10 --format json | jq -r '[.segments[] | select(.customers > 0) | "\(.segment)=\(.customers)"] | sort | join(" ")')
eq "RFM: segment counts equal the recount" "$got" "$want"
for c in 12347 17850 14646; do
  eq "RFM of customer $c" \
     "$(awk -F, -v c=$c '$1 == c {printf "%s %s %.2f %s %s %s %s", $2, $3, $4, $5, $6, $7, $8}' "$TM_OUT/rfm.csv")" \
     "$(grep "^customer $c " "$TM_OUT/rfm_check.txt" | cut -d' ' -f3-)"
done
eq "RFM run saved to the warehouse" \
   "$(sqlite3 "$db" "SELECT count(*) FROM customer_rfm WHERE run_id = (SELECT max(id) FROM segment_runs)")" 4339
