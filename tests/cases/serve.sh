# touchmine serve: the JSON API's figures equal SQL over the warehouse, with
# and without filters; the page is served; traversal, oversize, malformed
# requests and other methods get 400/404/413/405; the warehouse is not
# written; SIGTERM stops the server cleanly.
. tests/cases/lib.sh
d=$TM_OUT/data db=$TM_OUT/s.db
rm -f "$db" "$db-wal" "$db-shm"
tm synth --customers 1200 --days 200 --seed 9 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
tm segment --by rfm --db "$db" > /dev/null || nok "segment failed"
tm summary --db "$db" > /dev/null  # leaves the dataset snapshot, as any analysis would
sum_before=$(sha256sum "$db" | cut -d' ' -f1)
port=$((20000 + $$ % 20000))
"$TM_BIN" serve --db "$db" --port "$port" > /dev/null 2> "$TM_OUT/serve.err" &
pid=$!
u=http://127.0.0.1:$port
for i in $(seq 50); do curl -s -o /dev/null "$u/api" && break; sleep 0.2; done
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
eq "GET /api/summary is 200" "$(code "$u/api/summary")" 200
curl -s "$u/api/summary" > "$TM_OUT/summary.json"
S() { jq -r "$1" "$TM_OUT/summary.json"; }
P="WITH b AS (SELECT (max(ts) / 86400000 + 1) * 86400000 AS t1 FROM events), p AS (SELECT t1 - 30 * 86400000 AS t0, t1 FROM b)"
q() { sqlite3 "$db" "$P $1"; }
eq "active_customers = SQL" "$(S .active_customers)" "$(q "SELECT count(DISTINCT customer_id) FROM touchpoints, p WHERE ts >= t0 AND ts < t1")"
eq "orders = SQL" "$(S .orders)" "$(q "SELECT count(*) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type = 'purchase'")"
eq "revenue = SQL" "$(S '.revenue * 100 | round')" \
   "$(q "SELECT CAST(round(sum(amount) * 100) AS INTEGER) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type IN ('purchase', 'return')")"
eq "by_channel events = SQL" "$(S '[.by_channel[] | "\(.channel)=\(.events)"] | sort | join(" ")')" \
   "$(sqlite3 "$db" "SELECT group_concat(x, ' ') FROM (SELECT channel || '=' || count(*) AS x FROM touchpoints GROUP BY channel ORDER BY 1)")"

# Filters change the figures, as SQL says they should.
curl -s "$u/api/summary?channel=email" > "$TM_OUT/email.json"
eq "channel filter: revenue = SQL" "$(jq -r '.revenue * 100 | round' "$TM_OUT/email.json")" \
   "$(q "SELECT CAST(round(coalesce(sum(amount), 0) * 100) AS INTEGER) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type IN ('purchase', 'return') AND channel = 'email'")"
eq "channel filter: active customers = SQL" "$(jq -r .active_customers "$TM_OUT/email.json")" \
   "$(q "SELECT count(DISTINCT customer_id) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND channel = 'email'")"
check "channel filter changes the figures" [ "$(jq -r .events "$TM_OUT/email.json")" != "$(S .events)" ]
curl -s "$u/api/summary?from=2025-03-01&to=2025-03-31" > "$TM_OUT/march.json"
eq "date range: active customers in March = SQL" "$(jq -r .active_customers "$TM_OUT/march.json")" \
   "$(sqlite3 "$db" "SELECT count(DISTINCT customer_id) FROM touchpoints WHERE time >= '2025-03-01' AND time < '2025-04-01'")"
seg=$(sqlite3 "$db" "SELECT segment FROM customer_segments GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
curl -s -G "$u/api/summary" --data-urlencode "segment=$seg" > "$TM_OUT/seg.json"
eq "segment filter: active customers = SQL" "$(jq -r .active_customers "$TM_OUT/seg.json")" \
   "$(q "SELECT count(DISTINCT t.customer_id) FROM touchpoints t, p JOIN customer_segments s ON s.customer_id = t.customer_id
         AND s.run_id = (SELECT max(id) FROM segment_runs WHERE kind = 'rfm') WHERE ts >= t0 AND ts < t1 AND s.segment = '$seg'")"
reg=$(sqlite3 "$db" "SELECT region FROM touchpoints WHERE region IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
curl -s -G "$u/api/summary" --data-urlencode "region=$reg" > "$TM_OUT/reg.json"
eq "region filter: orders = SQL" "$(jq -r .orders "$TM_OUT/reg.json")" \
   "$(q "SELECT count(*) FROM touchpoints, p WHERE ts >= t0 AND ts < t1 AND type = 'purchase' AND region = '$reg'")"

# The segments section reads customer_segments and customer_rfm in one merge pass in C
# (rfm_pass in src/report/sections.c); its tables equal the SQL GROUP BYs it replaced.
curl -s "$u/api/segments" > "$TM_OUT/segments.json"
G() { jq -r "$1" "$TM_OUT/segments.json"; }
RUN="(SELECT max(id) FROM segment_runs WHERE kind = 'rfm')"
eq "segment sizes and revenue = SQL" "$(G '[.segment_sizes[] | "\(.segment)=\(.customers)=\(.revenue * 100 | round)"] | join(" ")')" \
   "$(sqlite3 "$db" "SELECT group_concat(x, ' ') FROM (SELECT s.segment || '=' || count(*) || '=' ||
      CAST(round(coalesce(sum(r.monetary), 0) * 100) AS INTEGER) AS x FROM customer_segments s LEFT JOIN customer_rfm r
      ON r.customer_id = s.customer_id AND r.run_id = $RUN WHERE s.run_id = $RUN GROUP BY s.segment ORDER BY count(*) DESC, s.segment)")"
eq "R x F grid = SQL" "$(G '[.rfm_grid[] | "\(.r),\(.f)=\(.customers)=\(.mean_monetary * 100 | round)"] | join(" ")')" \
   "$(sqlite3 "$db" "SELECT group_concat(x, ' ') FROM (SELECT r || ',' || f || '=' || count(*) || '=' ||
      CAST(round(avg(monetary) * 100) AS INTEGER) AS x FROM customer_rfm WHERE run_id = $RUN GROUP BY r, f ORDER BY r, f)")"
eq "scatter points = every customer's recency and monetary, by id (under 100k: no sampling)" \
   "$(G '[.rfm_points_of] + [.rfm_points[] | "\(.recency_days)/\(.monetary * 100 | round)"] | join(" ")')" \
   "$(sqlite3 "$db" "SELECT (SELECT count(*) FROM customer_rfm WHERE run_id = $RUN) || ' ' || group_concat(x, ' ') FROM
      (SELECT recency_days || '/' || CAST(round(monetary * 100) AS INTEGER) AS x FROM customer_rfm WHERE run_id = $RUN ORDER BY customer_id)")"

# One path per section, each JSON.
for s in $(curl -s "$u/api" | jq -r '.endpoints[]'); do
  eq "GET $s is JSON" "$(curl -s "$u$s" | jq -e 'type == "object"' 2> /dev/null)" true
done
eq "GET / is the page with every section" "$(curl -s "$u/" | grep -o 'data-section="[a-z]*"' | sort -u | wc -l)" 14
eq "the filtered page shows the filtered figure" \
   "$(curl -s "$u/?channel=email" | grep -o 'data-kpi="active_customers"><div class="label">Active customers</div><div class="value" data-value="[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"')" \
   "$(jq -r .active_customers "$TM_OUT/email.json")"
eq "assets are served from the binary" "$(curl -s "$u/assets/dashboard.js" | head -c 300 | grep -c 'touchmine dashboard')" 1
eq "HEAD / is 200" "$(code -I "$u/")" 200

# What must be refused.
eq "traversal ../ is 400" "$(code --path-as-is "$u/assets/../../etc/passwd")" 400
eq "traversal %2e%2e is 400" "$(code --path-as-is "$u/%2e%2e/%2e%2e/etc/passwd")" 400
eq "unknown path is 404" "$(code "$u/etc/passwd")" 404
eq "unknown API path is 404" "$(code "$u/api/nothing")" 404
eq "POST is 405" "$(code -X POST -d x=1 "$u/api/summary")" 405
eq "DELETE is 405" "$(code -X DELETE "$u/")" 405
eq "405 says what is allowed" "$(curl -s -D - -o /dev/null -X PUT "$u/" | tr -d '\r' | grep -i '^Allow:' | cut -d' ' -f2-)" "GET, HEAD"
eq "oversize header is 413" "$(code -H "X-Big: $(head -c 12000 /dev/zero | tr '\0' a)" "$u/")" 413
eq "oversize URL is 413" "$(code "$u/api/summary?channel=$(head -c 10000 /dev/zero | tr '\0' a)")" 413
eq "a GET with a body is 400" "$(code -X GET --data-binary 'abc' "$u/api/summary")" 400
eq "bad date is 400" "$(code "$u/api/summary?from=yesterday")" 400
eq "unknown parameter is 400" "$(code "$u/api/summary?foo=1")" 400
eq "from after to is 400" "$(code "$u/api/summary?from=2025-05-01&to=2025-04-01")" 400
# raw requests over a socket: curl would not send these
raw() { /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin1"))
print((s.recv(200).split(b"\r\n")[0].decode() + " - -").split()[1])' "$port" "$1"; }
eq "a malformed header line is 400" "$(raw 'GET /api HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n')" 400
eq "a malformed Content-Length is 400" "$(raw 'GET /api HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n')" 400
eq "the server binds 127.0.0.1 by default" "$(grep -c "http://127.0.0.1:$port/" "$TM_OUT/serve.err")" 1

kill -TERM $pid
for i in $(seq 50); do kill -0 $pid 2> /dev/null || break; sleep 0.1; done
wait $pid; rc=$?
eq "SIGTERM stops the server with status 0" "$rc" 0
eq "the warehouse was not written" "$(sha256sum "$db" | cut -d' ' -f1)" "$sum_before"
