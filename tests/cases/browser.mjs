// browser.mjs — drives headless Chromium over the DevTools protocol (node 20's
// global WebSocket, --experimental-websocket; nothing downloaded). Opens the
// written report and the served dashboard, checks the DOM (every section,
// every chart drawn, no console errors), clicks a filter and checks the KPI
// changes to the API's figure, and saves screenshots. Prints TAP lines.
// usage: node --experimental-websocket browser.mjs DEVTOOLS_PORT REPORT.html SERVER_URL OUTDIR EXPECTED_EMAIL_ACTIVE
import { writeFileSync } from "node:fs";

const [port, reportPath, serverUrl, outDir, wantFiltered] = process.argv.slice(2);
const ok = (c, d) => console.log(`${c ? "ok" : "not ok"} - ${d}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const page = targets.find((t) => t.type === "page");
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
let id = 0;
const pending = new Map(), errors = [], waiters = [];
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); return; }
  if (msg.method === "Runtime.exceptionThrown") errors.push(msg.params.exceptionDetails.text + " " + (msg.params.exceptionDetails.exception?.description || ""));
  if (msg.method === "Runtime.consoleAPICalled" && msg.params.type === "error") errors.push(JSON.stringify(msg.params.args));
  if (msg.method === "Log.entryAdded" && msg.params.entry.level === "error") errors.push(msg.params.entry.text + " " + (msg.params.entry.url || ""));
  if (msg.method === "Page.loadEventFired") waiters.splice(0).forEach((w) => w());
};
const send = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
const loaded = () => new Promise((r) => waiters.push(r));
const evaluate = async (expr) => (await send("Runtime.evaluate", { expression: expr, returnByValue: true, awaitPromise: true })).result?.result?.value;
await send("Page.enable"); await send("Runtime.enable"); await send("Log.enable");

async function open(url) { const l = loaded(); await send("Page.navigate", { url }); await l; await sleep(300); }
async function shot(name, width) {
  await send("Emulation.setDeviceMetricsOverride", { width, height: 900, deviceScaleFactor: 1, mobile: width < 600 });
  await sleep(200);
  const h = await evaluate("Math.ceil(document.documentElement.scrollHeight)");
  await send("Emulation.setDeviceMetricsOverride", { width, height: Math.min(h, 16000), deviceScaleFactor: 1, mobile: width < 600 });
  await sleep(300);
  if (width < 600) {
    const w = await evaluate("document.documentElement.scrollWidth");
    ok(w <= width + 2, `${name}: no sideways scrolling at phone width (${w}px for ${width}px)`);
  }
  const r = await send("Page.captureScreenshot", { format: "png" });
  writeFileSync(`${outDir}/${name}.png`, Buffer.from(r.result.data, "base64"));
  await send("Emulation.clearDeviceMetricsOverride");
}
const SECTIONS = ["summary", "quality", "segments", "rules", "journeys", "funnel", "cohorts", "clv", "churn",
  "sentiment", "forecast", "abtest", "attribution", "anomalies"];
const domChecks = async (what) => {
  const got = await evaluate(`JSON.stringify({
    sections: [...document.querySelectorAll("section[data-section]")].map(s => s.dataset.section),
    charts: document.querySelectorAll("svg[data-chart]").length,
    blank: [...document.querySelectorAll("svg[data-chart]")].filter(s => !s.querySelector(".mark, .pt")).length,
    sized: [...document.querySelectorAll("svg[data-chart]")].filter(s => s.closest("[hidden]") || s.getBoundingClientRect().width > 50).length
  })`);
  const g = JSON.parse(got);
  ok(SECTIONS.every((s) => g.sections.includes(s)), `${what}: every section is in the DOM (${g.sections.length})`);
  ok(g.charts > 5 && g.blank === 0, `${what}: ${g.charts} charts, each with drawn marks`);
  ok(g.sized === g.charts, `${what}: every visible chart is laid out with a width`);
};

// 1. The written report, from disk.
await open("file://" + reportPath);
await domChecks("report");
const sorted = await evaluate(`(() => { const t = document.querySelector('section[data-section="summary"] table.sortable');
  const th = t.querySelectorAll("th")[1]; th.click(); th.click();
  const v = [...t.tBodies[0].rows].map(r => parseFloat(r.cells[1].dataset.v));
  return v.every((x, i) => i === 0 || v[i - 1] >= x); })()`);
ok(sorted === true, "report: clicking a column header sorts the table (descending on the second click)");
const switched = await evaluate(`(() => { const s = document.querySelector('section[data-section="funnel"] select.breakdown');
  s.value = "1"; s.dispatchEvent(new Event("change"));
  const alts = [...s.closest(".switch").querySelectorAll(":scope > .alt")];
  return alts[0].hidden && !alts[1].hidden; })()`);
ok(switched === true, "report: the breakdown switch shows the other breakdown");
const tipped = await evaluate(`(() => { const m = document.querySelector("svg .mark[data-tip]"); const r = m.getBoundingClientRect();
  m.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: r.left + 1, clientY: r.top + 1}));
  const t = document.getElementById("tip"); return !t.hidden && t.textContent === m.dataset.tip; })()`);
ok(tipped === true, "report: hovering a mark shows its tooltip");
await evaluate(`document.querySelectorAll('select.breakdown').forEach(s => { s.value = "0"; s.dispatchEvent(new Event("change")); })`);
await shot("report-desktop", 1280);
await shot("report-phone", 390);

// 2. The served dashboard; a filter applied by the server.
await open(serverUrl + "/");
await domChecks("served");
const kpi = `document.querySelector('[data-kpi="active_customers"] .value').dataset.value`;
const before = await evaluate(kpi);
const nav = loaded();
await evaluate(`(() => { const s = document.querySelector('#filters select[name="channel"]'); s.value = "email"; s.dispatchEvent(new Event("change")); })()`);
await nav; await sleep(300);
const after = await evaluate(kpi), url = await evaluate("location.search");
ok(url.includes("channel=email"), `served: choosing a channel reloads with the filter (${url})`);
ok(after !== before, `served: the active customers figure changes with the filter (${before} -> ${after})`);
ok(after === wantFiltered, `served: the filtered figure is the API's (${after} = ${wantFiltered})`);
await shot("served-filtered", 1280);
ok(errors.length === 0, `no console errors or exceptions${errors.length ? ": " + errors.slice(0, 3).join(" | ") : ""}`);
ws.close();
process.exit(0);
