# touchmine themes: synth -> ingest -> segment -> sentiment -> themes.
# Checked against independent computations: NPS recounted by python from the
# warehouse's feedback ratings; the document frequency of every 'all' key term
# and the negative-text count of every pain point recounted by python with its
# own tokeniser (regex words, the shipped stop list, NLTK's Snowball English
# stemmer); pain points against the complaint texts synth plants (src/synth/
# text.c: the negative feedback clauses -- slow delivery, poor quality, damaged,
# refund -- and the contact-centre complaint and delivery summaries -- faulty,
# replacement, staff member escalated to the manager, courier delay, late delivery).
. tests/cases/lib.sh
d=$TM_OUT/data; db=$TM_OUT/s.db; rm -rf "$d" "$db"*
tm synth --customers 2000 --days 365 --seed 7 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
tm segment --by rfm --db "$db" > /dev/null || nok "segment failed"
# personal data in 600 texts: never a theme, while the words around it are
sqlite3 "$db" "UPDATE feedback SET text = text || ' Mail me at jane.doe@example.com or +44 20 7946 0958'
  WHERE event_id IN (SELECT event_id FROM feedback WHERE length(text) > 0 ORDER BY event_id LIMIT 600)"
tm sentiment --db "$db" > /dev/null || nok "sentiment failed"
tm themes --db "$db" --format json > "$TM_OUT/t.json" || nok "themes failed"
j() { jq -r "$1" "$TM_OUT/t.json"; }
/usr/bin/python3 - "$db" "$PWD/data/text/stopwords_en.txt" > "$TM_OUT/recount.txt" <<'PY'
import re, sqlite3, sys
from nltk.stem.snowball import SnowballStemmer
db = sqlite3.connect(sys.argv[1])
stop = {l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith('#')}
stem = SnowballStemmer('english').stem
# NPS from 0-10 ratings
r = [x for (x,) in db.execute("SELECT rating FROM feedback WHERE scale = 'nps' AND rating BETWEEN 0 AND 10 AND length(text) > 0")]
p = sum(x >= 9 for x in r); pa = sum(7 <= x < 9 for x in r); de = sum(x < 7 for x in r)
print('NPS', len(r), p, pa, de, '%.6f' % (100 * (p - de) / len(r)))
def terms(text):
    text = re.sub(r'[\w.+-]+@[\w-]+(\.[\w-]+)+', ' ', text).replace('\u2019', "'")
    out, clause, toks = set(), 0, []
    for m in re.finditer(r"@?[\w']+|[,.!?;:()]", text):
        w = m.group(0)
        if w in ',.!?;:()': clause += 1; continue
        if w.startswith('@'): continue
        w = w.lower().strip("'")
        if len(w) < 2 or w.isdigit() or w in stop: continue
        toks.append((stem(w), clause))
    for i, (s, c) in enumerate(toks):
        out.add(s)
        if i + 1 < len(toks) and toks[i + 1][1] == c: out.add(s + ' ' + toks[i + 1][0])
    return out
df, negdf = {}, {}
for text, label in db.execute("SELECT f.text, s.label FROM feedback f JOIN text_sentiment s ON s.event_id = f.event_id WHERE length(f.text) > 0"):
    for t in terms(text):
        df[t] = df.get(t, 0) + 1
        if label == 'negative': negdf[t] = negdf.get(t, 0) + 1
def key(surface): return ' '.join(stem(w) for w in surface.split(' '))
bad = 0
for scope, term, docs in db.execute("SELECT scope, term, docs FROM text_themes WHERE scope IN ('all', 'pain')"):
    want = (df if scope == 'all' else negdf).get(key(term), 0)
    if want != docs:
        bad += 1
        print('# %s %r: docs %d, recount %d' % (scope, term, docs, want))
print('DF', bad)
PY
grep '^#' "$TM_OUT/recount.txt" | head -10
read -r _ resp prom pas det nps < <(grep '^NPS' "$TM_OUT/recount.txt")
eq "NPS responses = python recount" "$(j .nps_responses)" "$resp"
eq "promoters / passives / detractors = python recount" "$(j '"\(.promoters) \(.passives) \(.detractors)"')" "$prom $pas $det"
eq "NPS = python recount" "$(printf '%.6f' "$(j .nps)")" "$nps"
eq "text_nps saved" "$(sqlite3 "$db" "SELECT responses || ' ' || printf('%.6f', nps) FROM text_nps")" "$resp $nps"
eq "document frequencies of all key terms and pain points = python recount" "$(grep '^DF' "$TM_OUT/recount.txt" | cut -d' ' -f2)" 0
eq "15 key terms overall" "$(sqlite3 "$db" "SELECT count(*) FROM text_themes WHERE scope = 'all'")" 15
eq "15 pain points" "$(sqlite3 "$db" "SELECT count(*) FROM text_themes WHERE scope = 'pain'")" 15
ge "scopes per channel, rating band and segment" "$(sqlite3 "$db" "SELECT count(DISTINCT scope) FROM text_themes WHERE scope LIKE 'channel:%' OR scope LIKE 'rating:%' OR scope LIKE 'segment:%'")" 8
eq "detractors' terms present" "$(sqlite3 "$db" "SELECT count(*) > 0 FROM text_themes WHERE scope = 'detractors'")" 1
# pain points: synth's negative clauses name these aspects; its positive-only ones must not lead
planted='delivery|quality|refund|damaged|broke|sizing|overpriced|customer service|money|complaint|late|courier|delay|faulty|replacement|staff|manager|escalated|chased'
hits=$(sqlite3 "$db" "SELECT term FROM text_themes WHERE scope = 'pain' ORDER BY weight DESC LIMIT 10" | grep -cE "$planted")
ge "top 10 pain points: >= 6 name a planted complaint aspect" "$hits" 6
eq "no positive-only aspect among the top 5 pain points" \
   "$(sqlite3 "$db" "SELECT term FROM text_themes WHERE scope = 'pain' ORDER BY weight DESC LIMIT 5" | grep -cE 'recommend|comfortable|packed|value for money|fits')" 0
le "pain points come from negative texts (mean compound of the top one < 0)" \
   "$(sqlite3 "$db" "SELECT mean_compound FROM text_themes WHERE scope = 'pain' ORDER BY weight DESC LIMIT 1")" 0
eq "customer themes only name saved themes" "$(sqlite3 "$db" "SELECT count(*) FROM text_customer_themes WHERE theme NOT IN (SELECT term FROM text_themes WHERE scope IN ('all', 'pain'))")" 0
ge "customers with themes" "$(sqlite3 "$db" "SELECT count(DISTINCT customer_id) FROM text_customer_themes")" 100
eq "no e-mail address, phone or handle in any saved theme" "$(sqlite3 "$db" "SELECT count(*) FROM text_themes WHERE term LIKE '%@%' OR term GLOB '*[0-9][0-9][0-9]*' OR term LIKE '%jane%' OR term LIKE '%example%' OR term LIKE '%harbourfinch%'")" 0
eq "the words around the scrubbed e-mail are themes (so the texts were read)" "$(sqlite3 "$db" "SELECT count(*) FROM text_themes WHERE scope = 'all' AND term = 'mail'")" 1
tm themes --db "$db" > /dev/null
eq "a second run replaces the themes" "$(sqlite3 "$db" "SELECT count(DISTINCT run_id) FROM text_themes")" 1
