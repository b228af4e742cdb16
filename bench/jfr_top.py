#!/usr/bin/env python3
"""bench/jfr_top.py - summarise 'jfr print' output (stdin): where the hub's threads spend time.

    jfr print --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample F.jfr | jfr_top.py
    jfr print --stack-depth 8 --events jdk.ObjectAllocationSample F.jfr | jfr_top.py --allocations

Prints samples per thread, the top frames by self samples (the innermost frame) and by
inclusive samples (every method on the stack, once per sample), and the top 'hub-level' frames
(innermost frame in dev.herald.*). Native samples of threads waiting in epoll_wait or parked
are idle time and are counted separately.
"""
import collections
import re
import sys

IDLE = ("Native.epollWait", "Native.epollBusyWait", "Unsafe.park", "Object.wait", "Thread.sleep")


def events(text):
    for block in re.split(r"\n(?=jdk\.\w+ \{)", text):
        m = re.match(r"(jdk\.\w+) \{", block.strip())
        if not m:
            continue
        kind = m.group(1)
        thread = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', block)
        weight = re.search(r"weight = ([0-9.]+) (bytes|kB|MB|GB)", block)
        stack = re.search(r"stackTrace = \[\n(.*?)\n\s*\]", block, re.S)
        frames = []
        if stack:
            for line in stack.group(1).split("\n"):
                line = line.strip()
                if not line or line == "...":
                    continue
                frames.append(re.sub(r"\s+line: \d+.*$", "", line))
        w = 1.0
        if weight:
            scale = {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[weight.group(2)]
            w = float(weight.group(1)) * scale
        yield kind, thread.group(1) if thread else "?", frames, w


def short(frame):
    return re.sub(r"\(.*\)$", "", frame)


def top(counter, total, n, unit=""):
    for name, c in counter.most_common(n):
        print(f"  {100.0 * c / total:5.1f}%  {c:>12,.0f}{unit}  {name}")


def main():
    text = sys.stdin.read()
    allocations = "--allocations" in sys.argv
    by_thread = collections.Counter()
    self_ = collections.Counter()
    incl = collections.Counter()
    herald = collections.Counter()
    idle = 0
    total = 0.0
    for kind, thread, frames, w in events(text):
        if not frames:
            continue
        names = [short(f) for f in frames]
        if not allocations and any(i in names[0] for i in IDLE):
            idle += 1
            continue
        total += w
        thread_group = re.sub(r"-\d+$", "-N", thread)
        by_thread[thread_group] += w
        self_[names[0]] += w
        for name in set(names):
            incl[name] += w
        own = next((n for n in names if n.startswith("dev.herald.")), None)
        if own:
            herald[own] += w
    if total == 0:
        print("no samples")
        return
    unit = " B" if allocations else ""
    if not allocations:
        print(f"busy samples: {total:,.0f} (idle samples in epoll_wait/park left out: {idle:,})")
    print("by thread:")
    top(by_thread, total, 8, unit)
    print("top frames, self:")
    top(self_, total, 25, unit)
    if not allocations:
        print("top frames, inclusive:")
        top(incl, total, 30, unit)
    print("innermost dev.herald frame:")
    top(herald, total, 15, unit)


if __name__ == "__main__":
    main()
