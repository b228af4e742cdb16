#!/usr/bin/env python3
"""bench/report.py RESULTS.jsonl... -> Markdown tables (medians and min-max) on stdout.

Reads the JSON lines written by bench/run.sh (the Java load generator's report plus scenario,
run and load average). Publishing scenarios are grouped by scenario; idle (S3-*) runs are listed
one per row. Runs from before the generator had --protocol count as HTTP/1.1.
"""
import json
import statistics
import sys


def load(paths):
    runs = []
    for path in paths:
        with open(path) as f:
            runs += [json.loads(line) for line in f if line.strip()]
    return runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return "-"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def spread(values, digits=0):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    m = fmt(statistics.median(values), digits)
    if len(values) == 1:
        return m
    return f"{m} ({fmt(min(values), digits)}-{fmt(max(values), digits)})"


TITLES = {
    "S1": "S1: 1,000 subscribers, 1 topic, max-rate publisher (4 in flight), 10 s",
    "S2": "S2: 1,000 subscribers, 1 topic, 200 publishes/s, 10 s",
    "S2b": "S2b: 1,000 subscribers, 1 topic, 50 publishes/s, 10 s",
    "S4": "S4: 10,000 subscribers on 10,000 topics, round-robin max-rate publisher, 10 s",
    "S5-h2c": "S5-h2c: S1 with the subscribers as HTTP/2 streams, cleartext (prior knowledge), "
              "over 10 TCP connections; publishing over HTTP/1.1",
    "S5-h2": "S5-h2: S1 with the subscribers as HTTP/2 streams over TLS (ALPN h2), "
             "over 10 TCP connections; publishing over HTTP/1.1",
}
PUBLISHING = ("S1", "S2", "S2b", "S4", "S5-h2c", "S5-h2")


def protocol(r):
    """Subscriber protocol and TCP connections, e.g. 'h2c / 10'."""
    tcp = r.get("tcp_connections", r["connections"])
    return f"{r.get('protocol', 'h1')} / {fmt(tcp)}"


def publishing_table(runs):
    out = ["| scenario | runs | subscribers | protocol / TCP conns | publishes acked/s | delivered events/s (min-max) "
           "| delivery ratio (min) | latency p50 / p90 / p99 / p99.9 / max (ms, medians) "
           "| p99 min-max (ms) | max send lag (ms) | hub CPU-s | events per hub CPU-s (min-max) "
           "| loadgen CPU util | load avg before each run |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    order = [s for s in PUBLISHING if any(r["scenario"] == s for r in runs)]
    for scen in order:
        rs = [r for r in runs if r["scenario"] == scen]
        lat = lambda k: med([r["latency_ms"][k] for r in rs])
        p99s = [r["latency_ms"]["p99"] for r in rs]
        ratios = [r["events"]["delivery_ratio"] for r in rs if r["events"]["delivery_ratio"] is not None]
        out.append("| " + " | ".join([
            scen, str(len(rs)),
            fmt(med([r["connections"] for r in rs])),
            protocol(rs[0]),
            spread([r["pub"]["acked_per_s"] for r in rs], 1),
            spread([r["events"]["per_sec"] for r in rs]),
            fmt(min(ratios), 4) if ratios else "-",
            " / ".join(fmt(lat(k), 1) for k in ("p50", "p90", "p99", "p99_9", "max")),
            f"{fmt(min(p99s), 1)}-{fmt(max(p99s), 1)}",
            fmt(med([r["pub"]["max_lag_ms"] for r in rs]), 1),
            fmt(med([r["hub"].get("cpu_s_publish") for r in rs]), 2),
            spread([r["hub"].get("events_per_cpu_s") for r in rs]),
            fmt(med([r["loadgen"]["cpu_util"] for r in rs]), 2),
            "; ".join(r["loadavg_1_5_15_before"].split()[0] for r in rs),
        ]) + " |")
    return out


def idle_table(runs):
    out = ["| scenario | subscribers | protocol / TCP conns | established | failed | dropped "
           "| connect time (s) | connects/s "
           "| connect p50 / p99 (ms) | hub RSS before -> connected (MB) | KB/subscriber (RSS) "
           "| live heap before -> connected (MB) | KB/subscriber (heap) | load avg before |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted((r for r in runs if r["scenario"].startswith("S3")), key=lambda r: r["subs"]):
        c, h = r["conn"], r["hub"]
        failed = sum(c["failed"].values())
        mb = lambda kb: fmt(kb / 1024, 1) if kb is not None and kb >= 0 else "-"
        out.append("| " + " | ".join([
            r["scenario"], fmt(r["subs"]), protocol(r), fmt(c["established"]), fmt(failed),
            fmt(c["dropped"]),
            fmt(c["connect_s"], 2), fmt(c["connects_per_s"]),
            f"{fmt(c['connect_ms']['p50'], 1)} / {fmt(c['connect_ms']['p99'], 1)}",
            f"{mb(h.get('rss_kb_before'))} -> {mb(h.get('rss_kb_connected'))}",
            fmt(h.get("kb_per_conn_rss"), 1),
            f"{mb(h.get('heap_kb_before'))} -> {mb(h.get('heap_kb_connected'))}",
            fmt(h.get("kb_per_conn_heap"), 1),
            r["loadavg_1_5_15_before"].split()[0],
        ]) + " |")
    return out


def runs_table(runs):
    out = ["| scenario | run | load avg before | connections | acked/s | events/s | ratio "
           "| p50 / p99 / max (ms) | hub CPU-s | loadgen CPU util |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        if r["scenario"].startswith("S3"):
            continue
        lat = r["latency_ms"]
        out.append("| " + " | ".join([
            r["scenario"], str(r["run"]), r["loadavg_1_5_15_before"], fmt(r["connections"]),
            fmt(r["pub"]["acked_per_s"], 1), fmt(r["events"]["per_sec"]),
            fmt(r["events"]["delivery_ratio"], 4),
            f"{fmt(lat['p50'], 1)} / {fmt(lat['p99'], 1)} / {fmt(lat['max'], 1)}",
            fmt(r["hub"].get("cpu_s_publish"), 2), fmt(r["loadgen"]["cpu_util"], 2),
        ]) + " |")
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = load(sys.argv[1:])
    lines = []
    if any(not r["scenario"].startswith("S3") for r in runs):
        lines += ["### Publishing scenarios (medians over runs)", ""] + publishing_table(runs) + [""]
        lines += [f"- {TITLES[s]}" for s in TITLES if any(r["scenario"] == s for r in runs)] + [""]
    if any(r["scenario"].startswith("S3") for r in runs):
        lines += ["### S3: idle subscribers", ""] + idle_table(runs) + [""]
    if any(not r["scenario"].startswith("S3") for r in runs):
        lines += ["### Every run", ""] + runs_table(runs) + [""]
    opts = sorted({r.get("hub_java_opts", "") for r in runs})
    lines += [f"Hub JVM options: `{'`, `'.join(opts)}`; open-file limit "
              f"{', '.join(sorted({str(r.get('nofile')) for r in runs}))}."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
