#!/usr/bin/env python3
"""Median table of bench/configurations.sh runs: one row per jar and configuration.

    python3 bench/configurations.py RESULTS_DIR

S1: delivered events/s, events per hub CPU-second, latency p99; S4: acknowledged publishes/s,
publish ack p50, events per hub CPU-second. Medians over the runs; n says how many."""
import json
import os
import statistics
import sys


def load(directory):
    rows = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".jsonl"):
            continue
        for line in open(os.path.join(directory, name)):
            line = line.strip()
            if not line:
                continue
            run = json.loads(line)
            rows.setdefault((name[:-6], run["scenario"]), []).append(run)
    return rows


def get(run, path):
    value = run
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def median(runs, path):
    values = [v for v in (get(r, path) for r in runs) if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def main():
    rows = load(sys.argv[1])
    print("| configuration | S1 events/s | S1 events per hub CPU-s | S1 p99 ms | S1 delivery |"
          " S4 publishes/s | S4 ack p50 ms | S4 events per hub CPU-s | S4 delivery | n (S1/S4) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in sorted({key[0] for key in rows}):
        s1 = rows.get((name, "S1"), [])
        s4 = rows.get((name, "S4"), [])
        print(f"| {name} | {fmt(median(s1, 'events.per_sec'))} |"
              f" {fmt(median(s1, 'server.events_per_cpu_s'))} |"
              f" {fmt(median(s1, 'latency_ms.p99'), 1)} |"
              f" {fmt(median(s1, 'events.delivery_ratio'), 3)} |"
              f" {fmt(median(s4, 'pub.acked_per_s'))} | {fmt(median(s4, 'pub.ack_ms.p50'), 2)} |"
              f" {fmt(median(s4, 'server.events_per_cpu_s'))} |"
              f" {fmt(median(s4, 'events.delivery_ratio'), 3)} | {len(s1)}/{len(s4)} |")


if __name__ == "__main__":
    main()
