# touchmine sentiment --db: synth -> ingest -> score the warehouse feedback.
# Checks: every planted feedback / social text is matched to its truth label;
# the accuracy equals an independent recount (python joins synth's own files,
# feedback.csv and social_mentions.csv, to truth.json by id and scores the same
# texts through `sentiment --input`); text_customer agrees with SQL over
# text_sentiment; a second run replaces the rows instead of adding to them.
. tests/cases/lib.sh
d=$TM_OUT/data; db=$TM_OUT/s.db; rm -rf "$d" "$db"*
tm synth --customers 2000 --days 365 --seed 5 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null || nok "ingest failed"
tm sentiment --db "$db" --truth "$d/truth.json" --format json > "$TM_OUT/s.json" || nok "sentiment --db failed"
j() { jq -r "$1" "$TM_OUT/s.json"; }
eq "every planted text matched" "$(j .truth_matched)" "$(jq '.feedback | length' "$d/truth.json")"
eq "texts scored = feedback rows with text" "$(j .texts)" "$(sqlite3 "$db" "SELECT count(*) FROM feedback WHERE length(text) > 0")"
eq "text_sentiment holds one row per text" "$(sqlite3 "$db" "SELECT count(*) FROM text_sentiment")" "$(j .texts)"
ge "accuracy against planted labels >= 0.75" "$(j .accuracy)" 0.75
# independent recount from the generator's files
/usr/bin/python3 - "$d" "$TM_OUT/texts.csv" "$TM_OUT/labels.txt" <<'PY'
import csv, json, sys
d = sys.argv[1]
truth = {e['id']: e['label'] for e in json.load(open(d + '/truth.json'))['feedback']}
rows = []
for r in csv.DictReader(open(d + '/feedback.csv', encoding='utf-8', errors='surrogateescape'), delimiter=';'): rows.append((r['feedback_id'], r['text']))
for r in csv.DictReader(open(d + '/social_mentions.csv', encoding='utf-8', errors='surrogateescape')): rows.append((r['mention_id'], r['text']))
with open(sys.argv[2], 'w', newline='', encoding='utf-8', errors='surrogateescape') as f, open(sys.argv[3], 'w') as g:
    w = csv.writer(f); w.writerow(['text'])
    for i, t in rows:  # the first row of an id: synth plants duplicates, which ingest skips
        if i in truth: w.writerow([t]); g.write(truth.pop(i) + '\n')
PY
tm sentiment --input "$TM_OUT/texts.csv" --column text --format csv > "$TM_OUT/texts.scores" || nok "file scoring failed"
acc=$(tail -n +2 "$TM_OUT/texts.scores" | cut -d, -f4 | paste -d' ' - "$TM_OUT/labels.txt" |
  awk '{p = $1 >= 0.05 ? "positive" : $1 <= -0.05 ? "negative" : "neutral"; n++; r += p == $2} END {printf "%.6f", r / n}')
eq "accuracy equals the recount over synth's own files" "$(printf '%.6f' "$(j .accuracy)")" "$acc"
eq "labels follow the 0.05 thresholds" "$(sqlite3 "$db" "SELECT count(*) FROM text_sentiment WHERE label != CASE WHEN compound >= 0.05 THEN 'positive' WHEN compound <= -0.05 THEN 'negative' ELSE 'neutral' END")" 0
eq "text_customer mean and negative share agree with SQL" "$(sqlite3 "$db" "
  SELECT count(*) FROM text_customer c JOIN (SELECT customer_id, count(*) n, avg(compound) m,
    avg(label = 'negative') s FROM text_sentiment WHERE customer_id IS NOT NULL GROUP BY 1) t USING (customer_id)
  WHERE c.texts != t.n OR abs(c.mean_compound - t.m) > 1e-9 OR abs(c.negative_share - t.s) > 1e-9")" 0
eq "one text_customer row per customer with texts" "$(sqlite3 "$db" "SELECT count(*) FROM text_customer")" \
   "$(sqlite3 "$db" "SELECT count(DISTINCT customer_id) FROM text_sentiment WHERE customer_id IS NOT NULL")"
eq "recent_negative = a negative text in the last 30 days of feedback" "$(sqlite3 "$db" "
  WITH m AS (SELECT max(e.ts) AS t FROM feedback f JOIN events e ON e.id = f.event_id WHERE length(f.text) > 0)
  SELECT count(*) FROM text_customer c WHERE c.recent_negative != (SELECT count(*) > 0 FROM text_sentiment s
    JOIN events e ON e.id = s.event_id, m WHERE s.customer_id = c.customer_id AND s.label = 'negative'
    AND e.ts > m.t - 30 * 86400000)")" 0
tm sentiment --db "$db" --mode improved > /dev/null || nok "second run failed"
eq "a second run replaces the rows" "$(sqlite3 "$db" "SELECT count(*) FROM text_sentiment")" "$(j .texts)"
eq "runs are recorded with their mode" "$(sqlite3 "$db" "SELECT group_concat(mode, ' ') FROM text_runs WHERE kind = 'sentiment'")" "fidelity improved"
eq "text_sentiment rows point at the latest run" "$(sqlite3 "$db" "SELECT count(DISTINCT run_id) || ':' || (max(run_id) = (SELECT max(id) FROM text_runs)) FROM text_sentiment")" "1:1"
