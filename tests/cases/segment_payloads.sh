# The real Segment (analytics-go fixtures) and RudderStack payloads in
# ../shared/data/event_payloads ingest: every message is loaded or rejected,
# identify/alias join identities, track/page/screen become touchpoints.
. tests/cases/lib.sh
d=$TM_SHARED/event_payloads
if [ ! -d "$d" ]; then skip "event payloads: $d absent"; exit 0; fi
cat > "$TM_OUT/seg.ini" <<INI
[source segment]
file = $d/segment_analytics_go_fixtures/*.json
format = segment
segment.user_id = customer_id

[source rudder]
file = $d/rudderstack_rudder_server/*.json
format = segment
INI
db=$TM_OUT/seg.db
tm ingest --db "$db" --config "$TM_OUT/seg.ini" --format json > "$TM_OUT/ingest.json" || nok "ingest failed"
# Messages counted independently: a batch document counts its elements.
# A file whose bytes were ingested already (test-interval-track.json is a copy of
# test-enqueue-track.json) is skipped whole.
want=$(/usr/bin/python3 - "$d" <<'PY'
import glob, json, sys, hashlib
n, seen = 0, set()
for f in sorted(glob.glob(sys.argv[1] + "/*/*.json")):
    raw = open(f, "rb").read()
    h = hashlib.md5(raw).digest()
    if h in seen: continue
    seen.add(h)
    doc = json.loads(raw)
    n += len(doc["batch"]) if isinstance(doc, dict) and "batch" in doc else 1
print(n)
PY
)
read=$(jq .read "$TM_OUT/ingest.json")
eq "every message read (python count of batch elements and single messages)" "$read" "$want"
eq "read = loaded + rejected" "$(jq '.loaded + .rejected' "$TM_OUT/ingest.json")" "$read"
eq "only duplicates are rejected (retried messages, identical batch copies)" \
   "$(jq '.rejected - .duplicates' "$TM_OUT/ingest.json")" 0
eq "16 files ingested, the byte-identical copy skipped" \
   "$(jq -r '"\(.files),\(.files_skipped)"' "$TM_OUT/ingest.json")" "16,1"
cust() { sqlite3 "$db" "SELECT customer_id FROM identities WHERE type = '$1' AND value = '$2'"; }
eq "identify joins userId B and anonymousId A" "$(cust customer_id B)" "$(cust cookie A)"
eq "RudderStack identify joins userId, anonymousId, traits.email and phone" \
   "$(cust user_id sample_user_id_2),$(cust cookie 8d872292709c6fbe),$(cust phone 9876543210)" \
   "$(cust email identify@test.com),$(cust email identify@test.com),$(cust email identify@test.com)"
alias_prev=$(jq -r '.batch[0].previousId' "$d/segment_analytics_go_fixtures/test-enqueue-alias.json")
alias_user=$(jq -r '.batch[0].userId' "$d/segment_analytics_go_fixtures/test-enqueue-alias.json")
eq "alias joins previousId to userId" "$(cust cookie "$alias_prev")" "$(cust customer_id "$alias_user")"
types=$(sqlite3 "$db" "SELECT group_concat(name, ',') FROM (SELECT DISTINCT t.name FROM events e JOIN touch_types t ON t.id = e.type_id ORDER BY 1)")
eq "track, page and screen become touchpoints" "$types" "demo_track,demo_track_5,demo_track_new,download,page_view,push_received,screen_view"
eq "mobile SDK messages (context.app) are on the app channel" \
   "$(sqlite3 "$db" "SELECT DISTINCT channel FROM touchpoints WHERE source = 'rudder'")" app
eq "timestamps in UTC from the messages" \
   "$(sqlite3 "$db" "SELECT time FROM touchpoints WHERE type = 'push_received' LIMIT 1")" "2022-09-28T14:34:54Z"
