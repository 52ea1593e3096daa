// duckdb_summary.mjs — the summary a DuckDB user would write over the raw
// exports of `touchmine synth`, for bench/run.sh.
//
//   node bench/peers/duckdb_summary.mjs SYNTH_DIR [THREADS]
//
// Reads every file (the CSVs and the Segment JSON Lines clickstream), keeps
// what touchmine would load (a parseable time, at least one identifier, a sane
// quantity; the first row of each event id), and computes: touchpoints by
// channel and by month (UTC), orders, returns, revenue (net, returns
// included), AOV (purchase revenue / orders) and distinct customers by the CRM
// customer id / Segment userId. Prints one JSON object on stdout, "seconds"
// being its own wall time from before the first read to the last result
// (node's start-up and the module load excluded).
//
// The file layout is synth's (see the touchmine.ini it writes); this is a
// benchmark peer, not a general loader.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node duckdb_summary.mjs SYNTH_DIR [THREADS]');
  process.exit(2);
}
const threads = process.argv[3] ? Number(process.argv[3]) : 0;

// The package is installed under bench/node_modules (npm install --prefix bench).
const require = createRequire(new URL('../package.json', import.meta.url));
const { DuckDBInstance, version } = await import(require.resolve('@duckdb/node-api'));

const t0 = process.hrtime.bigint();
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const run = (sql) => con.run(sql);
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();

const f = (name) => {
  const p = join(dir, name);
  return "'" + p.replaceAll("'", "''") + "'";
};
const csv = (name, delim = ',') =>
  `read_csv(${f(name)}, header = true, delim = '${delim}', quote = '"', all_varchar = true, ignore_errors = true)`;
const web = existsSync(join(dir, 'web_events.jsonl')) ? 'web_events.jsonl' : 'web_events.jsonl.gz';

await run(`SET TimeZone = 'UTC'`);
if (threads > 0) await run(`SET threads = ${threads}`);

// Order lines: valid lines, first of each line id, then one touchpoint per order.
await run(`
CREATE TEMP TABLE lines AS
SELECT DISTINCT ON (line_id) line_id, order_id, channel, t, q, p
FROM (SELECT line_id, order_id, channel,
             try_strptime(ts, '%Y-%m-%d %H:%M:%S') AS t,
             try_cast(quantity AS INTEGER) AS q, try_cast(unit_price AS DOUBLE) AS p,
             coalesce(nullif(loyalty_card, ''), nullif(customer_id, ''), nullif(email, '')) AS anyid,
             customer_id
      FROM ${csv('orders.csv')})
WHERE t IS NOT NULL AND q BETWEEN -1000 AND 1000 AND q <> 0 AND p IS NOT NULL
  AND anyid IS NOT NULL AND line_id IS NOT NULL AND order_id IS NOT NULL`);
await run(`
CREATE TEMP TABLE orders AS
SELECT order_id, any_value(channel) AS channel, min(t) AS t,
       sum(round(q * p * 100))::BIGINT AS cents, starts_with(order_id, 'R') AS is_return
FROM lines GROUP BY order_id`);

// Every touchpoint: (channel, time).
await run(`
CREATE TEMP TABLE tp AS
SELECT channel, t FROM orders
UNION ALL
SELECT DISTINCT ON (event_id) 'email', make_timestamp(try_cast(ts AS BIGINT) * 1000000)
FROM ${csv('email_events.csv')}
WHERE try_cast(ts AS BIGINT) IS NOT NULL AND nullif(email, '') IS NOT NULL AND event_id IS NOT NULL
UNION ALL
SELECT DISTINCT ON (event_id) 'ad', make_timestamp(try_cast(ts AS BIGINT) * 1000)
FROM ${csv('ad_events.csv')}
WHERE try_cast(ts AS BIGINT) IS NOT NULL AND nullif(ad_id, '') IS NOT NULL AND event_id IS NOT NULL
UNION ALL
SELECT DISTINCT ON (contact_id) channel, try_strptime(ts, '%d/%m/%Y %H:%M')
FROM ${csv('contacts.csv')}
WHERE try_strptime(ts, '%d/%m/%Y %H:%M') IS NOT NULL
  AND coalesce(nullif(phone, ''), nullif(email, '')) IS NOT NULL AND contact_id IS NOT NULL
UNION ALL
SELECT DISTINCT ON (feedback_id) 'survey', try_cast(ts AS TIMESTAMPTZ)::TIMESTAMP
FROM ${csv('feedback.csv', ';')}
WHERE try_cast(ts AS TIMESTAMPTZ) IS NOT NULL
  AND coalesce(nullif(customer_id, ''), nullif(email, '')) IS NOT NULL AND feedback_id IS NOT NULL
UNION ALL
SELECT DISTINCT ON (mention_id) 'social', try_cast(ts AS TIMESTAMPTZ)::TIMESTAMP
FROM ${csv('social_mentions.csv')}
WHERE try_cast(ts AS TIMESTAMPTZ) IS NOT NULL AND nullif(handle, '') IS NOT NULL AND mention_id IS NOT NULL`);

// The clickstream: track, page and screen calls are touchpoints.
await run(`
CREATE TEMP TABLE web AS
SELECT type, messageId, userId,
       try_cast("timestamp" AS TIMESTAMPTZ)::TIMESTAMP AS t,
       CASE WHEN type = 'screen' OR json_extract(context, '$.app') IS NOT NULL THEN 'app' ELSE 'web' END AS channel,
       coalesce(nullif(userId, ''), nullif(anonymousId, ''), nullif(previousId, '')) AS anyid
FROM read_ndjson(${f(web)}, columns = {type: 'VARCHAR', messageId: 'VARCHAR', "timestamp": 'VARCHAR',
                 userId: 'VARCHAR', anonymousId: 'VARCHAR', previousId: 'VARCHAR', event: 'VARCHAR',
                 context: 'JSON'}, ignore_errors = true)`);
await run(`
INSERT INTO tp
SELECT DISTINCT ON (messageId, type) channel, t FROM web
WHERE type IN ('track', 'page', 'screen') AND t IS NOT NULL AND anyid IS NOT NULL AND messageId IS NOT NULL`);

const byChannel = await rows(`SELECT channel, count(*) AS events FROM tp GROUP BY 1 ORDER BY 2 DESC, 1`);
const byMonth = await rows(`SELECT strftime(t, '%Y-%m') AS month, count(*) AS events FROM tp GROUP BY 1 ORDER BY 1`);
const [o] = await rows(`
SELECT count(*) FILTER (WHERE NOT is_return) AS orders, count(*) FILTER (WHERE is_return) AS returns,
       sum(cents) AS cents, sum(cents) FILTER (WHERE NOT is_return) AS order_cents FROM orders`);
const [c] = await rows(`
SELECT count(DISTINCT id) AS customers FROM (
  SELECT nullif(customer_id, '') AS id FROM ${csv('crm_customers.csv')}
  UNION ALL SELECT nullif(customer_id, '') FROM ${csv('orders.csv')}
  UNION ALL SELECT nullif(customer_id, '') FROM ${csv('feedback.csv', ';')}
  UNION ALL SELECT nullif(userId, '') FROM web)`);
const [n] = await rows(`SELECT count(*) AS touchpoints FROM tp`);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

const num = (x) => Number(x ?? 0);
const out = {
  tool: 'duckdb',
  version: version ? version() : null,
  seconds,
  touchpoints: num(n.touchpoints),
  orders: num(o.orders),
  returns: num(o.returns),
  revenue: num(o.cents) / 100,
  aov: num(o.orders) ? num(o.order_cents) / 100 / num(o.orders) : 0,
  customers: num(c.customers),
  by_channel: Object.fromEntries(byChannel.map((r) => [r.channel, num(r.events)])),
  by_month: Object.fromEntries(byMonth.map((r) => [r.month, num(r.events)])),
};
console.log(JSON.stringify(out));
