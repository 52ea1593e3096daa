#!/usr/bin/python3
"""pandas_summary.py — the summary a pandas user would write over the raw
exports of `touchmine synth`, for bench/run.sh.

    /usr/bin/python3 bench/peers/pandas_summary.py SYNTH_DIR

Reads every file (the CSVs and the Segment JSON Lines clickstream), keeps what
touchmine would load (valid UTF-8, a parseable time, at least one identifier,
a sane quantity; the first row of each event id), and computes: touchpoints by
channel and by month (UTC), orders, returns, revenue (net, returns included),
AOV (purchase revenue / orders) and distinct customers by the CRM customer id /
Segment userId. Prints one JSON object on stdout, "seconds" being its own wall
time from before the first read to the last result (interpreter start-up and
imports excluded).

The file layout is synth's (see the touchmine.ini it writes); this is a
benchmark peer, not a general loader. Single-threaded, as pandas is.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import pandas as pd

BAD = "\ufffd"  # what invalid UTF-8 decodes to with errors="replace"


def read_csv(path, sep=","):
    df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                     on_bad_lines="skip", encoding="utf-8", encoding_errors="replace",
                     engine="c")
    bad = np.zeros(len(df), dtype=bool)
    for col in df.columns:
        bad |= df[col].str.contains(BAD, regex=False, na=False).to_numpy()
    return df[~bad]


def any_id(df, cols):
    return df[cols].notna().any(axis=1)


def month_counts(channel, t):
    """channel: Series of str, t: Series of datetime64 (UTC, naive)."""
    keep = t.notna()
    return pd.DataFrame({"channel": channel[keep].to_numpy(),
                         "month": (t[keep].dt.year * 100 + t[keep].dt.month).to_numpy()})


def main():
    if len(sys.argv) < 2:
        print("usage: pandas_summary.py SYNTH_DIR", file=sys.stderr)
        return 2
    d = sys.argv[1]
    p = lambda name: os.path.join(d, name)
    t0 = time.monotonic()
    parts = []
    customers = set()

    # Order lines -> one touchpoint per order.
    o = read_csv(p("orders.csv"))
    o = o.assign(t=pd.to_datetime(o["ts"], format="%Y-%m-%d %H:%M:%S", errors="coerce"),
                 q=pd.to_numeric(o["quantity"], errors="coerce"),
                 pr=pd.to_numeric(o["unit_price"], errors="coerce"))
    o = o[o["t"].notna() & o["q"].between(-1000, 1000) & (o["q"] != 0) & (o["q"] == o["q"].round())
          & o["pr"].notna() & any_id(o, ["loyalty_card", "customer_id", "email"])
          & o["line_id"].notna() & o["order_id"].notna()]
    o = o.drop_duplicates(subset="line_id", keep="first")
    customers.update(o["customer_id"].dropna().unique())
    o = o.assign(cents=np.round(o["q"] * o["pr"] * 100))
    orders = o.groupby("order_id", sort=False).agg(channel=("channel", "first"), t=("t", "min"),
                                                   cents=("cents", "sum")).reset_index()
    is_ret = orders["order_id"].str.startswith("R")
    parts.append(month_counts(orders["channel"], orders["t"]))

    def events(name, id_col, id_cols, channel, t_of, sep=",", channel_col=None):
        df = read_csv(p(name), sep)
        t = t_of(df["ts"])
        df = df.assign(t=t)
        df = df[df["t"].notna() & any_id(df, id_cols) & df[id_col].notna()]
        df = df.drop_duplicates(subset=id_col, keep="first")
        ch = df[channel_col] if channel_col else pd.Series(channel, index=df.index)
        parts.append(month_counts(ch, df["t"]))
        return df

    epoch = lambda unit: lambda s: pd.to_datetime(pd.to_numeric(s, errors="coerce"), unit=unit, errors="coerce")
    iso = lambda s: pd.to_datetime(s, utc=True, errors="coerce").dt.tz_localize(None)
    events("email_events.csv", "event_id", ["email"], "email", epoch("s"))
    events("ad_events.csv", "event_id", ["ad_id"], "ad", epoch("ms"))
    events("contacts.csv", "contact_id", ["phone", "email"], None,
           lambda s: pd.to_datetime(s, format="%d/%m/%Y %H:%M", errors="coerce"), channel_col="channel")
    fb = events("feedback.csv", "feedback_id", ["customer_id", "email"], "survey", iso, sep=";")
    customers.update(fb["customer_id"].dropna().unique())
    events("social_mentions.csv", "mention_id", ["handle"], "social", iso)
    crm = read_csv(p("crm_customers.csv"))
    customers.update(crm["customer_id"].dropna().unique())

    # The clickstream, one JSON message per line; a line that is not valid JSON
    # or not valid UTF-8 is skipped.
    path = p("web_events.jsonl")
    opener = open
    if not os.path.exists(path):
        path, opener = p("web_events.jsonl.gz"), gzip.open
    keys, chans, stamps = [], [], []
    loads = json.loads
    with opener(path, "rb") as fh:
        for raw in fh:
            try:
                # decode strictly first: json.loads(bytes) would let encoded
                # surrogates (invalid UTF-8) through
                m = loads(raw.decode("utf-8"))
            except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
                continue
            if not isinstance(m, dict):
                continue
            uid = m.get("userId")
            if uid:
                customers.add(uid)
            typ = m.get("type")
            if typ not in ("track", "page", "screen"):
                continue
            mid = m.get("messageId")
            ts = m.get("timestamp")
            if not mid or not ts or not (uid or m.get("anonymousId") or m.get("previousId")):
                continue
            ctx = m.get("context")
            app = typ == "screen" or (isinstance(ctx, dict) and "app" in ctx)
            keys.append(mid + "\x1f" + typ)
            chans.append("app" if app else "web")
            stamps.append(ts)
    web = pd.DataFrame({"key": keys, "channel": chans, "ts": stamps})
    del keys, chans, stamps
    web = web.assign(t=pd.to_datetime(web["ts"], utc=True, errors="coerce").dt.tz_localize(None))
    web = web[web["t"].notna()].drop_duplicates(subset="key", keep="first")
    parts.append(month_counts(web["channel"], web["t"]))

    tp = pd.concat(parts, ignore_index=True)
    by_channel = tp["channel"].value_counts()
    by_month = tp["month"].value_counts().sort_index()
    n_orders = int((~is_ret).sum())
    cents = float(orders["cents"].sum())
    order_cents = float(orders.loc[~is_ret, "cents"].sum())
    customers.discard(None)
    seconds = time.monotonic() - t0

    out = {
        "tool": "pandas",
        "version": pd.__version__,
        "seconds": seconds,
        "touchpoints": int(len(tp)),
        "orders": n_orders,
        "returns": int(is_ret.sum()),
        "revenue": round(cents / 100, 2),
        "aov": order_cents / 100 / n_orders if n_orders else 0,
        "customers": len(customers),
        "by_channel": {k: int(v) for k, v in by_channel.items()},
        "by_month": {"%04d-%02d" % (m // 100, m % 100): int(v) for m, v in by_month.items()},
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
