# touchmine rules from the command line on hostile FIMI files: a bad item or
# an over-long basket stops with FILE:LINE: reason and exit 1 (never a
# crash); blank lines are empty baskets, with a warning naming the first one;
# bad options are usage errors (exit 2). Expected lines are the ones planted.
. tests/cases/lib.sh
f=$TM_OUT/bad.dat
printf '1 2 3\n2 3\n4 five 6\n' > "$f"
tm rules --input "$f" > /dev/null 2> "$TM_OUT/err"; rc=$?
eq "a non-numeric item exits 1" "$rc" 1
check "... naming file:line and the item" grep -q "bad.dat:3: item 'five' is not a whole number" "$TM_OUT/err"
# a basket of 1,000,001 items on line 2 (a 2 MB line)
{ echo 1; awk 'BEGIN { for (i = 0; i <= 1000000; i++) printf "%d ", i; print "" }'; } > "$TM_OUT/huge.dat"
tm rules --input "$TM_OUT/huge.dat" > /dev/null 2> "$TM_OUT/err"; rc=$?
eq "a basket over 1,000,000 items exits 1" "$rc" 1
check "... naming file:line" grep -q "huge.dat:2: more than 1000000 items" "$TM_OUT/err"
# binary junk
head -c 4096 /dev/urandom > "$TM_OUT/junk.dat"
tm rules --input "$TM_OUT/junk.dat" > /dev/null 2> "$TM_OUT/err"; rc=$?
eq "binary junk exits 1 (not a crash)" "$rc" 1
check "... with file:line" grep -q "junk.dat:[0-9]*: " "$TM_OUT/err"
printf '1 2\n\n1 2\n\n2\n' > "$TM_OUT/blank.dat"
out=$(tm rules --input "$TM_OUT/blank.dat" --min-support 2 --target frequent --format json 2> "$TM_OUT/err")
eq "blank lines count as baskets" "$(echo "$out" | jq .baskets)" 5
eq "... and are reported" "$(echo "$out" | jq .empty_baskets)" 2
check "... with a warning naming the first" grep -q "blank.dat:2: empty basket" "$TM_OUT/err"
eq "supports over all 5 baskets: {2} 3, {1} 2, {1 2} 2" \
   "$(tm rules --input "$TM_OUT/blank.dat" --min-support 40% --target frequent --format csv 2>/dev/null | tail -n +2 | tr '\n' ';')" \
   "2,3;1,2;2 1,2;"
tm rules --input "$TM_OUT/blank.dat" --min-support 1.5 > /dev/null 2>&1
eq "--min-support 1.5 is a usage error" "$?" 2
tm rules --input "$TM_OUT/blank.dat" --view baskets > /dev/null 2>&1
eq "--input with --view is a usage error" "$?" 2
tm rules --input "$TM_OUT/blank.dat" --window 7x > /dev/null 2>&1
eq "--window 7x is a usage error" "$?" 2
tm rules --input "$TM_OUT/nope.dat" > /dev/null 2> "$TM_OUT/err"
eq "a missing file exits 1" "$?" 1
check "... naming it" grep -q "nope.dat" "$TM_OUT/err"
