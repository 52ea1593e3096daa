# The dashboard in a real browser: headless Chromium, driven over the DevTools
# protocol by tests/cases/browser.mjs, opens the written report and the served
# dashboard; checks the DOM, clicks, the filter; saves screenshots in tests/out.
. tests/cases/lib.sh
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! command -v node > /dev/null; then
  skip "browser test: needs $CHROMIUM and node (scripts/install-deps.sh installs chromium)"; exit 0
fi
d=$TM_OUT/data db=$TM_OUT/b.db shots=${TM_SHOTS:-$TM_OUT/..}
rm -f "$db" "$db-wal" "$db-shm"
tm synth --customers 2000 --days 365 --seed 3 --out "$d" > /dev/null || nok "synth failed"
tm ingest --db "$db" --config "$d/touchmine.ini" > /dev/null 2>&1 || nok "ingest failed"
tm segment --by rfm --db "$db" > /dev/null || nok "segment failed"
sqlite3 "$db" < tests/cases/dashboard_results.sql || nok "inserting results failed"
tm report --db "$db" --out "$TM_OUT/report.html" 2> /dev/null || nok "report failed"
port=$((20000 + ($$ + 7) % 20000))
"$TM_BIN" serve --db "$db" --port "$port" > /dev/null 2> "$TM_OUT/serve.err" &
spid=$!
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/api" && break; sleep 0.2; done
want=$(curl -s "http://127.0.0.1:$port/api/summary?channel=email" | jq -r .active_customers)
profile=$(mktemp -d)
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --remote-debugging-port=0 about:blank \
  > "$TM_OUT/chromium.log" 2>&1 &
cpid=$!
for i in $(seq 100); do [ -s "$profile/DevToolsActivePort" ] && break; sleep 0.2; done
dport=$(head -1 "$profile/DevToolsActivePort" 2> /dev/null)
if [ -z "$dport" ]; then
  nok "chromium did not start (see $TM_OUT/chromium.log)"
else
  timeout 90 node --experimental-websocket --no-warnings tests/cases/browser.mjs "$dport" "$(realpath "$TM_OUT/report.html")" \
    "http://127.0.0.1:$port" "$(realpath "$shots")" "$want" || nok "browser script failed"
fi
kill -TERM $cpid $spid 2> /dev/null; wait $cpid $spid 2> /dev/null
rm -rf "$profile"
for s in report-desktop report-phone served-filtered; do check "screenshot $s.png saved" [ -s "$shots/$s.png" ]; done
