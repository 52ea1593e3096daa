#!/usr/bin/python3
"""report_dom.py FILE.html — an independent reading of a dashboard page with
Python's html.parser (not touchmine's code): prints JSON with, per section,
whether it says "No data yet", its charts (kind, number of drawn marks, the
marks' tooltip texts) and its table cells' raw values; the KPI tiles' raw
values; and what would break a self-contained, escaped page (external
references, script elements)."""
import json, sys
from html.parser import HTMLParser

MARKS = {"rect", "path", "circle", "polygon", "line"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections, self.kpis, self.external, self.scripts = {}, {}, [], 0
        self.sec = None; self.svg = None; self.in_title = False; self.kpi = None
        self.stack = []; self.text = []; self.chart_kinds = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(tag)
        for k in ("src", "href"):
            v = a.get(k) or ""
            if v and not v.startswith("#") and not v.startswith("data:"):
                self.external.append(v)
        if tag == "script": self.scripts += 1
        if tag == "section" and "data-section" in a:
            self.sec = {"name": a["data-section"], "empty": False, "charts": [], "values": [], "text": ""}
            self.sections[a["data-section"]] = self.sec
        if tag == "p" and "empty" in (a.get("class") or "") and self.sec is not None:
            self.sec["empty"] = True
        if tag == "svg":
            self.svg = {"kind": a.get("data-chart"), "marks": 0, "titles": [], "viewBox": a.get("viewbox")}
            if self.sec is not None: self.sec["charts"].append(self.svg)
            self.chart_kinds.add(a.get("data-chart"))
        elif self.svg is not None and tag in MARKS and set((a.get("class") or "").split()) & {"mark", "pt"}:
            self.svg["marks"] += 1
        if tag == "title" and self.svg is not None: self.in_title = True; self.text = []
        if tag == "td" and "data-v" in a and self.sec is not None: self.sec["values"].append(a["data-v"])
        if tag == "div" and "kpi" in (a.get("class") or "").split(): self.kpi = a.get("data-kpi")
        if tag == "div" and "value" in (a.get("class") or "").split() and self.kpi:
            self.kpis[self.kpi] = a.get("data-value")

    def handle_endtag(self, tag):
        if self.stack: self.stack.pop()
        if tag == "title" and self.in_title:
            self.svg["titles"].append("".join(self.text)); self.in_title = False
        if tag == "svg": self.svg = None
        if tag == "section": self.sec = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack: self.stack.pop()

    def handle_data(self, data):
        if self.in_title: self.text.append(data)
        if self.sec is not None: self.sec["text"] += data


p = Page()
raw = open(sys.argv[1], encoding="utf-8").read()
p.feed(raw)
print(json.dumps({"sections": p.sections, "kpis": p.kpis, "external": p.external, "scripts": p.scripts,
                  "chart_kinds": sorted(k for k in p.chart_kinds if k), "bytes": len(raw.encode())}))
