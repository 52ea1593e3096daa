# touchmine sentiment, fidelity mode, against the reference Python VADER:
# vader_reference_scores/reference_scores.tsv.gz holds neg/neu/pos/compound of
# 26,719 real texts as scored by cjhutto/vaderSentiment (commit 44fc044) with
# the lexicons shipped in data/vader (see its SOURCE.md). Required: |dcompound|
# <= 1e-4 on >= 99.5% of them and on all 16 README sentences; the texts that
# differ are listed.
. tests/cases/lib.sh
ref=$TM_SHARED/sentiment/vader_reference_scores/reference_scores.tsv.gz
if [ ! -f "$ref" ]; then skip "reference scores not available ($ref)"; exit 0; fi
py=/usr/bin/python3
$py - "$ref" "$TM_OUT/texts.csv" <<'PY'
import csv, gzip, sys
rows = list(csv.DictReader(gzip.open(sys.argv[1], 'rt', encoding='utf-8'), delimiter='\t'))
with open(sys.argv[2], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['text'])
    for r in rows: w.writerow([r['text']])
PY
tm sentiment --input "$TM_OUT/texts.csv" --column text --format csv > "$TM_OUT/scores.csv" || nok "sentiment failed"
$py - "$ref" "$TM_OUT/scores.csv" > "$TM_OUT/compare.txt" <<'PY'
import csv, gzip, sys
ref = list(csv.DictReader(gzip.open(sys.argv[1], 'rt', encoding='utf-8'), delimiter='\t'))
got = list(csv.DictReader(open(sys.argv[2])))
close = readme = readme_close = 0
diff = []
for r, g in zip(ref, got):
    d = abs(float(r['compound']) - float(g['compound']))
    ok = d <= 1e-4
    close += ok
    if r['source'].startswith('vader_readme'):
        readme += 1; readme_close += ok
    if not ok: diff.append('%s:%s %r ref %s got %s' % (r['source'], r['line'], r['text'][:80], r['compound'], g['compound']))
parts = sum(all(abs(float(r[k]) - float(g[k])) <= 1e-3 for k in ('neg', 'neu', 'pos')) for r, g in zip(ref, got))
print(len(ref), len(got), close, readme, readme_close, parts)
for line in diff: print('#', line)
PY
read -r n got close readme readme_close parts < "$TM_OUT/compare.txt"
grep '^#' "$TM_OUT/compare.txt" | head -50
eq "one score row per reference text, in order" "$got" "$n"
eq "26,719 reference texts" "$n" 26719
ge "share with |dcompound| <= 1e-4" "$(awk -v a="$close" -v b="$n" 'BEGIN{printf "%.5f", a/b}')" 0.995
eq "all 16 README sentences within 1e-4" "$readme_close/$readme" "16/16"
ge "share with neg/neu/pos within 1e-3" "$(awk -v a="$parts" -v b="$n" 'BEGIN{printf "%.5f", a/b}')" 0.995
