# Identity resolution on a small hand-built fixture (tests/data/identity):
# 60 people with customer id, email, loyalty card and (every third) phone in the
# CRM; till sales by card, and by the store's default card STORE-DEFAULT with
# the customer's e-receipt email (55 people); call-centre contacts by phone in
# another format. Expected: 60 customers; the default card quarantined and no
# two people merged through it; every touchpoint on its owner.
. tests/cases/lib.sh
db=$TM_OUT/id.db
tm ingest --db "$db" --config tests/data/identity/identity.ini --format json > "$TM_OUT/ingest.json" || nok "ingest failed"
eq "60 customers" "$(jq .customers "$TM_OUT/ingest.json")" 60
eq "the store's default card is quarantined" \
   "$(sqlite3 "$db" "SELECT status FROM identities WHERE value = 'STORE-DEFAULT'")" quarantined
eq "no customer holds two customer ids" \
   "$(sqlite3 "$db" "SELECT count(*) FROM (SELECT customer_id FROM identities WHERE type = 'customer_id' GROUP BY customer_id HAVING count(*) > 1)")" 0
eq "each customer is keyed by its CRM id" \
   "$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE key_type = 'customer_id' AND customer_key LIKE 'C%'")" 60
eq "emails normalised (trim, lower case) and joined" \
   "$(sqlite3 "$db" "SELECT count(DISTINCT value) FROM identities WHERE type = 'email'")" 60
eq "phones in two formats are one identifier" \
   "$(sqlite3 "$db" "SELECT count(*) FROM identities WHERE type = 'phone'")" 20
eq "every sale and call is on its owner (card, e-receipt email or phone)" \
   "$(sqlite3 "$db" "SELECT count(*) FROM touchpoints t JOIN customers c ON c.id = t.customer_id")" \
   "$(( $(wc -l < tests/data/identity/till.csv) - 1 + $(wc -l < tests/data/identity/calls.csv) - 1 ))"
eq "the default-card sale of person 7 is on C007" \
   "$(sqlite3 "$db" "SELECT c.customer_key FROM events e JOIN identities i ON i.id = e.identity_id JOIN customers c ON c.id = i.customer_id JOIN sources s ON s.id = e.source_id WHERE s.name = 'till' AND e.amount = 12.0")" C007
tm identity --db "$db" --explain C003 --format json > "$TM_OUT/explain.json"
eq "explain lists the customer's identifiers" \
   "$(jq -r '[.explain_identities[].type] | sort | join(",")' "$TM_OUT/explain.json")" "customer_id,email,loyalty,phone"
eq "explain gives the evidence: rule and source of each merge" \
   "$(jq -r '[.explain_merges[] | select(.merged == 1) | .source] | sort | join(",")' "$TM_OUT/explain.json")" "crm,crm,crm"
eq "refused links to the quarantined card are shown" \
   "$(jq -r '[.explain_merges[] | select(.merged == -1) | .note] | join(",")' "$TM_OUT/explain.json")" "quarantined identifier"
tm identity --db "$db" --explain email:nobody@example.com > /dev/null 2> "$TM_OUT/err.txt"
eq "explaining an unknown identifier fails with exit 1" "$?" 1
check "... and a message that says what to give" grep -q "give a customer key" "$TM_OUT/err.txt"

# The same input in another order gives the same customers and keys.
mkdir -p "$TM_OUT/shuffled"
for f in crm till calls; do
  { head -1 tests/data/identity/$f.csv; tail -n +2 tests/data/identity/$f.csv | tac; } > "$TM_OUT/shuffled/$f.csv"
done
sed 's/^\[source crm\]/[source crm]/' tests/data/identity/identity.ini > "$TM_OUT/shuffled/identity.ini"
# sources in another order too
/usr/bin/python3 - "$TM_OUT/shuffled/identity.ini" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
parts = re.split(r'(?m)^(?=\[source )', t)
head, srcs = parts[0], parts[1:]
open(sys.argv[1], "w").write(head + "".join(reversed(srcs)))
PY
tm ingest --db "$TM_OUT/shuffled.db" --config "$TM_OUT/shuffled/identity.ini" > /dev/null || nok "shuffled ingest failed"
q="SELECT group_concat(id || '=' || customer_key, ';') FROM (SELECT id, customer_key FROM customers ORDER BY id)"
eq "same customers and keys whatever the row and source order" "$(sqlite3 "$TM_OUT/shuffled.db" "$q")" "$(sqlite3 "$db" "$q")"
q="SELECT group_concat(type || ':' || value || '=' || coalesce(customer_id, 'none'), ';') FROM (SELECT * FROM identities ORDER BY type, value)"
eq "same identifier-to-customer map whatever the order" "$(sqlite3 "$TM_OUT/shuffled.db" "$q")" "$(sqlite3 "$db" "$q")"
