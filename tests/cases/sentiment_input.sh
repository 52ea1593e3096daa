# touchmine sentiment input handling: one row per line in order (blank lines
# included), CSV columns, hostile bytes never crash, an AFINN lexicon is
# detected, and usage errors exit 2. Expected compounds are recomputed here
# from VADER's formula x / sqrt(x^2 + 15).
. tests/cases/lib.sh
printf 'The book was good.\n\nThe book was bad.\r\nplain\n' > "$TM_OUT/lines.txt"
tm sentiment --input "$TM_OUT/lines.txt" --format csv > "$TM_OUT/lines.csv" || nok "lines run failed"
eq "header and one row per line, blank lines included" "$(wc -l < "$TM_OUT/lines.csv" | tr -d ' ')" 5
# 'good' 1.9 -> 1.9/sqrt(1.9^2+15) = 0.4404; 'bad' -2.5 -> -0.5423 (README: "The book was good." 0.4404)
eq "rows keep input order" "$(cut -d, -f4 "$TM_OUT/lines.csv" | paste -sd' ')" "compound 0.4404 0.0000 -0.5423 0.0000"
printf 'id;comment;stars\n1;"I love it; it is";5\n2;"awful, ""plain""";1\n' > "$TM_OUT/in.csv"
tm sentiment --input "$TM_OUT/in.csv" --column comment --format csv > "$TM_OUT/col.csv" || nok "csv run failed"
eq "CSV column scored, quotes and delimiters inside (love 3.2 -> 0.6369; awful -2.0 -> -0.4588)" \
   "$(tail -n +2 "$TM_OUT/col.csv" | cut -d, -f4 | paste -sd' ')" "0.6369 -0.4588"
tm sentiment --input "$TM_OUT/in.csv" --column nosuch --format csv > /dev/null 2> "$TM_OUT/err.txt"
eq "a missing column is an error naming it" "$(grep -c "no column 'nosuch'" "$TM_OUT/err.txt")" 1
tm sentiment --input "$TM_OUT/lines.txt" --mode nosuch > /dev/null 2>&1
eq "a bad --mode is a usage error (exit 2)" "$?" 2
# hostile bytes: random binary, truncated and overlong sequences, surrogates, > U+10FFFF
head -c 300000 /dev/urandom > "$TM_OUT/hostile.bin"
printf 'good\xff\xfe \xc3\x28 \xe2\x82 \xed\xa0\x80 \xc0\xaf :) \xf0\x9f\x98\x81\xf0\x9f\n\xf4\x90\x80\x80 VERY GOOD!!!\n' >> "$TM_OUT/hostile.bin"
tm sentiment --input "$TM_OUT/hostile.bin" --format csv > "$TM_OUT/hostile.csv"
eq "invalid UTF-8 is scored, not a crash" "$?" 0
eq "one row per line of hostile input" "$(($(wc -l < "$TM_OUT/hostile.csv") - 1))" "$(tr -dc '\n' < "$TM_OUT/hostile.bin" | wc -c)"
# AFINN: two fields per line, detected; values scaled by 0.8 onto VADER's range
printf 'good\t3\nbad\t-3\n' > "$TM_OUT/afinn.txt"
printf 'good\nbad\n' | tm sentiment --input - --lexicon "$TM_OUT/afinn.txt" --format csv > "$TM_OUT/afinn.csv" || nok "afinn run failed"
want=$(awk 'BEGIN{x=2.4; printf "%.4f %.4f", x/sqrt(x*x+15), -x/sqrt(x*x+15)}')
eq "AFINN lexicon detected and scaled" "$(tail -n +2 "$TM_OUT/afinn.csv" | cut -d, -f4 | paste -sd' ')" "$want"
printf 'good\tnot-a-number\n' > "$TM_OUT/badlex.txt"
tm sentiment --input "$TM_OUT/lines.txt" --lexicon "$TM_OUT/badlex.txt" > /dev/null 2> "$TM_OUT/lexerr.txt"
eq "a bad lexicon line is reported as file:line" "$(grep -c 'badlex.txt:1: valence is not a number' "$TM_OUT/lexerr.txt")" 1
# the data folder: TOUCHMINE_DATA wins, and a wrong one falls back to the source tree
TOUCHMINE_DATA=/nonexistent tm sentiment --input "$TM_OUT/lines.txt" --format csv > "$TM_OUT/fallback.csv"
eq "lexicons found without TOUCHMINE_DATA" "$(cut -d, -f4 "$TM_OUT/fallback.csv" | sed -n 2p)" 0.4404
