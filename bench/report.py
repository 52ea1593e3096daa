#!/usr/bin/env python3
"""report.py — turns one size's measurements (written by bench/run.sh) into
the table it prints and the raw results JSON.

    python3 bench/report.py MEASUREMENTS.jsonl RESULTS.json

MEASUREMENTS.jsonl holds two kinds of lines: {"fact": K, "value": V} and
{"stage": S, "rep": N, "wall": seconds, "rss_kb": K, "file": F}, where F is the
stage's stdout (JSON for ingest, bench_dataset and the peers). Standard
library only. Ratios are peer / touchmine: above 1 means touchmine is faster.
"""
import json
import os
import platform
import statistics
import sys

AIM_INGEST_EPS = 1_000_000   # ingest >= 1M events/s end to end
AIM_IMPORT_RATIO = 2.0       # ingest >= 2x sqlite3 .import (CSV files)
AIM_LOAD_EPS = 5_000_000     # dataset load >= 5M events/s
AIM_BYTES_PER_EVENT = 64     # <= 64 bytes per event in memory


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    deb = ""
    try:
        with open("/etc/debian_version") as f:
            deb = f.read().strip()
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_bytes": mem, "debian": deb,
            "kernel": platform.release()}


def main():
    if len(sys.argv) != 3:
        print("usage: report.py MEASUREMENTS.jsonl RESULTS.json", file=sys.stderr)
        return 2
    facts, runs = {}, {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if "fact" in rec:
                facts[rec["fact"]] = rec["value"]
            else:
                rec["out"] = load_json(rec["file"])
                runs.setdefault(rec["stage"], []).append(rec)

    def stage(name):
        rs = runs.get(name, [])
        return {
            "reps": [r["wall"] for r in rs],
            "median": median([r["wall"] for r in rs]),
            "peak_rss_kb": max([r["rss_kb"] for r in rs if r["rss_kb"] is not None], default=None),
        }

    def outs(name):
        return [r["out"] for r in runs.get(name, []) if isinstance(r["out"], dict)]

    res = {"size": facts.get("size"), "machine": machine(), "facts": facts, "stages": {}}
    for name in runs:
        res["stages"][name] = stage(name)

    # ---- ingest, every file
    ing = outs("ingest")
    ing_wall = res["stages"].get("ingest", {}).get("median")
    ingest = {}
    if ing and ing_wall:
        last = ing[-1]
        ingest = {k: last.get(k) for k in ("read", "loaded", "rejected", "duplicates", "events",
                                            "order_lines", "identities", "customers", "merges")}
        ingest["seconds_internal_median"] = median([o.get("seconds") for o in ing])
        ingest["wall_median"] = ing_wall
        ingest["rows_per_second"] = last["read"] / ing_wall
        ingest["events_per_second"] = last["events"] / ing_wall
    res["ingest"] = ingest

    # ---- CSV only vs sqlite3 .import
    ingc = outs("ingest_csv")
    csv_wall = res["stages"].get("ingest_csv", {}).get("median")
    imp_wall = res["stages"].get("sqlite3_import", {}).get("median")
    csv = {}
    if ingc and csv_wall:
        csv = {"read": ingc[-1].get("read"), "events": ingc[-1].get("events"), "wall_median": csv_wall,
               "rows_per_second": ingc[-1]["read"] / csv_wall}
    if imp_wall:
        csv["sqlite3_import_wall_median"] = imp_wall
        csv["sqlite3_import_rows"] = facts.get("sqlite3_import_rows")
        if facts.get("sqlite3_import_rows"):
            csv["sqlite3_import_rows_per_second"] = facts["sqlite3_import_rows"] / imp_wall
        if csv_wall:
            csv["ratio"] = imp_wall / csv_wall
    res["ingest_csv_vs_sqlite3_import"] = csv

    # ---- dataset (bench_dataset)
    ds = outs("bench_dataset")
    dataset = {}
    if ds:
        for k in ("cold_seconds", "warm_seconds", "summary_seconds", "cold_events_per_second",
                  "warm_events_per_second", "summary_events_per_second", "bytes_per_event"):
            dataset[k + "_median"] = median([d.get(k) for d in ds])
        for k in ("events", "customers", "order_lines", "orders", "revenue", "memory_bytes"):
            dataset[k] = ds[-1].get(k)
        dataset["summary_hashes"] = sorted({d.get("summary_hash") for d in ds})
        dataset["summary_cold_equals_warm"] = all(d.get("summary_match") for d in ds)
        dataset["summary_lib_equals_cli"] = facts.get("summary_lib_equals_cli")
        dataset["summary_cli_cold_equals_warm"] = facts.get("summary_cli_cold_equals_warm")
    res["dataset"] = dataset

    # ---- touchmine's summary figures, from the CLI
    tm_sum = load_json(runs["summary_cli_cold"][0]["file"]) if "summary_cli_cold" in runs else None
    tm_fig = {}
    if tm_sum:
        tm_fig = {
            "touchpoints": tm_sum.get("events"), "orders": tm_sum.get("orders"),
            "returns": tm_sum.get("returns"), "revenue": tm_sum.get("revenue"), "aov": tm_sum.get("aov"),
            "customers": tm_sum.get("customers"),
            "by_channel": {r["channel"]: r["events"] for r in tm_sum.get("by_channel", [])},
            "by_month": {r["month"]: r["events"] for r in tm_sum.get("by_month", [])},
        }
    res["touchmine_summary"] = tm_fig

    # ---- peers
    peers = {}
    for p in ("duckdb", "pandas"):
        po = outs(p)
        if not po:
            continue
        peers[p] = {"version": po[-1].get("version"), "wall_median": res["stages"][p]["median"],
                    "self_seconds_median": median([o.get("seconds") for o in po]),
                    "peak_rss_kb": res["stages"][p]["peak_rss_kb"],
                    "figures": {k: v for k, v in po[-1].items() if k not in ("tool", "version", "seconds")}}
    res["peers"] = peers

    # ---- agreement between touchmine and the peers
    agree = []
    if tm_fig:
        keys = [("touchpoints", None), ("orders", None), ("returns", None), ("revenue", None), ("aov", None)]
        keys += [("by_channel", c) for c in sorted(tm_fig["by_channel"], key=lambda c: -tm_fig["by_channel"][c])]
        keys += [("by_month", m) for m in sorted(tm_fig["by_month"])]
        for k, sub in keys:
            tv = tm_fig[k] if sub is None else tm_fig[k].get(sub)
            row = {"figure": k if sub is None else "%s %s" % (k.replace("by_", ""), sub), "touchmine": tv}
            for p, pv in peers.items():
                fv = pv["figures"].get(k) if sub is None else (pv["figures"].get(k) or {}).get(sub)
                row[p] = fv
                if isinstance(tv, (int, float)) and isinstance(fv, (int, float)) and tv:
                    row[p + "_diff"] = (fv - tv) / tv
            agree.append(row)
    res["agreement"] = agree

    # ---- the table
    ev = ingest.get("events") or dataset.get("events") or 0
    rows = []  # stage, tm seconds, peer, peer seconds, ratio, figure, aim, met

    def row(st, tm, peer="", ps=None, fig="", aim="", met=None):
        ratio = ps / tm if (ps and tm) else None
        rows.append((st, tm, peer, ps, ratio, fig, aim, met))

    fmt_rate = lambda x: ("%.2fM/s" % (x / 1e6)) if x >= 1e6 else ("%.0fk/s" % (x / 1e3))
    synth = res["stages"].get("synth", {}).get("median")
    row("synth (%s people)" % facts.get("people"), synth, fig="%s of exports" % human(facts.get("export_bytes")))
    if ingest:
        eps = ingest["events_per_second"]
        row("ingest, all files", ingest["wall_median"],
            fig="%s rows, %s ev" % (fmt_rate(ingest["rows_per_second"]), fmt_rate(eps)),
            aim=">= 1M events/s", met=eps >= AIM_INGEST_EPS)
    if csv.get("wall_median"):
        row("ingest, CSV files only", csv["wall_median"], "sqlite3 .import", csv.get("sqlite3_import_wall_median"),
            fig="%s rows" % fmt_rate(csv["rows_per_second"]),
            aim=">= 2x .import", met=(csv.get("ratio") or 0) >= AIM_IMPORT_RATIO if "ratio" in csv else None)
    if dataset:
        row("dataset load, cold", dataset["cold_seconds_median"], fig=fmt_rate(dataset["cold_events_per_second_median"]) + " ev",
            aim=">= 5M events/s", met=dataset["cold_events_per_second_median"] >= AIM_LOAD_EPS)
        row("dataset load, warm", dataset["warm_seconds_median"], fig=fmt_rate(dataset["warm_events_per_second_median"]) + " ev",
            aim=">= 5M events/s", met=dataset["warm_events_per_second_median"] >= AIM_LOAD_EPS)
        row("dataset memory", None, fig="%.1f B/event" % dataset["bytes_per_event_median"],
            aim="<= 64 B/event", met=dataset["bytes_per_event_median"] <= AIM_BYTES_PER_EVENT)
        row("summary compute (in process)", dataset["summary_seconds_median"],
            fig=fmt_rate(dataset["summary_events_per_second_median"]) + " ev")
    cold = res["stages"].get("summary_cli_cold", {}).get("median")
    warm = res["stages"].get("summary_cli_warm", {}).get("median")
    row("touchmine summary, cold", cold)
    row("touchmine summary, warm", warm)
    e2e = (ingest.get("wall_median") or 0) + (cold or 0)
    for p, pv in peers.items():
        row("exports -> summary", e2e, p, pv["wall_median"], fig="ingest + cold summary")
    for p, pv in peers.items():
        row("summary again", warm, p, pv["wall_median"], fig="warm CLI vs re-read")

    print()
    print("  %s events (%s touchpoints loaded), %s, %s" % (res["size"], ev, res["machine"]["cpu"],
                                                          "%d cores" % res["machine"]["nproc"]))
    hdr = ("stage", "touchmine s", "peer", "peer s", "ratio", "rate / figure", "aim", "met")
    widths = [28, 11, 15, 9, 7, 24, 16, 4]
    line = lambda cells: "  " + "  ".join(str(c).ljust(w) if i in (0, 2, 5, 6, 7) else str(c).rjust(w)
                                          for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(hdr))
    print("  " + "  ".join("-" * w for w in widths))
    for st, tm, peer, ps, ratio, fig, aim, met in rows:
        print(line((st, secs(tm), peer, secs(ps) if ps else "",
                    "%.2f" % ratio if ratio else "", fig, aim, "" if met is None else ("yes" if met else "NO"))))
    res["table"] = [dict(zip(("stage", "touchmine_seconds", "peer", "peer_seconds", "ratio", "figure",
                              "aim", "met"), r)) for r in rows]

    if dataset:
        print("  summary hash %s; cold == warm dataset: %s; library == CLI: %s; CLI cold == warm: %s" % (
            ",".join(dataset["summary_hashes"]), dataset["summary_cold_equals_warm"],
            dataset["summary_lib_equals_cli"], dataset["summary_cli_cold_equals_warm"]))
    if agree and peers:
        worst = []
        for r in agree:
            for p in peers:
                d = r.get(p + "_diff")
                if d is not None and abs(d) > 0.005:
                    worst.append("%s: %s %s vs touchmine %s (%+.2f%%)" % (r["figure"], p, r[p], r["touchmine"], d * 100))
        if worst:
            print("  figures where a peer differs from touchmine by more than 0.5%:")
            for w in worst:
                print("    " + w)
        else:
            print("  every figure of the peers is within 0.5% of touchmine's (results JSON: agreement)")

    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    return 0


def secs(x):
    if x is None:
        return ""
    return "%.3f" % x if x < 1 else "%.2f" % x


def human(n):
    if n is None:
        return "?"
    for unit in ("", "K", "M", "G", "T"):
        if n < 1024 or unit == "T":
            return "%.1f %sB" % (n, unit) if unit else "%d B" % n
        n /= 1024.0
    return str(n)


if __name__ == "__main__":
    sys.exit(main())
