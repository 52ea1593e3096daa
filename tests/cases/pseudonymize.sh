# --pseudonymize-key: identifiers reach the warehouse only as keyed hashes, yet
# resolution works the same (hashing keeps equality); rejects keep no raw
# e-mail either; a different key gives different values.
. tests/cases/lib.sh
head -c 32 /dev/urandom > "$TM_OUT/key"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TM_OUT/key2.hex"
cp tests/data/identity/*.csv tests/data/identity/identity.ini "$TM_OUT/"
printf 'S999,2025-13-45T00:00:00Z,,mallory@evil.example,1.00\n' >> "$TM_OUT/till.csv"   # a bad row with an e-mail
db=$TM_OUT/p.db
tm ingest --db "$db" --config "$TM_OUT/identity.ini" --pseudonymize-key "$TM_OUT/key" --format json > "$TM_OUT/i.json" || nok "ingest failed"
eq "still 60 customers" "$(jq .customers "$TM_OUT/i.json")" 60
eq "the bad row is rejected" "$(jq .rejected "$TM_OUT/i.json")" 1
eq "no e-mail address anywhere in the warehouse" "$(sqlite3 "$db" .dump | grep -ciE '[a-z0-9.]+@[a-z0-9]+\.[a-z]+')" 0
# (the digits of the fixture's phones, +44 7700 9xxxxx; long enough not to turn up in hex by chance)
eq "no phone number anywhere in the warehouse" "$(sqlite3 "$db" .dump | grep -cE '4477009[0-9]{5}|7700[ -]?9[0-9]{5}')" 0
eq "identifier values are 32 hex digits" \
   "$(sqlite3 "$db" "SELECT count(*) FROM identities WHERE length(value) = 32 AND value NOT GLOB '*[^0-9a-f]*'")" \
   "$(sqlite3 "$db" "SELECT count(*) FROM identities")"
eq "the shared till card is still quarantined" "$(sqlite3 "$db" "SELECT count(*) FROM identities WHERE status = 'quarantined'")" 1
tm ingest --db "$TM_OUT/p2.db" --config "$TM_OUT/identity.ini" --pseudonymize-key "$TM_OUT/key2.hex" --format json > "$TM_OUT/i2.json" || nok "hex key ingest failed"
eq "a key written as 64 hex digits works too" "$(jq .customers "$TM_OUT/i2.json")" 60
sqlite3 "$db" "ATTACH '$TM_OUT/p2.db' AS o; SELECT count(*) FROM identities i JOIN o.identities j ON i.value = j.value" > "$TM_OUT/common"
eq "no value in common between two keys" "$(cat "$TM_OUT/common")" 0
printf 'short' > "$TM_OUT/badkey"
tm ingest --db "$TM_OUT/p3.db" --config "$TM_OUT/identity.ini" --pseudonymize-key "$TM_OUT/badkey" 2> "$TM_OUT/err" > /dev/null
eq "a bad key file is refused" "$?" 1
printf '0123456789abcdef0123456789abcde\n' > "$TM_OUT/key_nl"   # 32 raw bytes ending in a newline byte
tm ingest --db "$TM_OUT/p4.db" --config "$TM_OUT/identity.ini" --pseudonymize-key "$TM_OUT/key_nl" --format json > "$TM_OUT/i4.json"
eq "a raw key whose last byte is a newline is still 32 bytes" "$(jq .customers "$TM_OUT/i4.json")" 60
check "... saying how to make one" grep -q "head -c 32 /dev/urandom" "$TM_OUT/err"
