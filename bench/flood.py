#!/usr/bin/env python3
"""Half-open connection flood for the front door (loopback only, bounded).

Opens COUNT connections to HOST:PORT, sends half a request line on each and then nothing,
holds them for HOLD seconds (reading and dropping whatever the hub answers), then closes them.
Prints how the connections ended: answered with a status, closed or reset by the hub, or
refused. Usage: flood.py PORT [COUNT=20000] [HOLD=30] [HOST=127.0.0.1]
"""
import collections
import selectors
import socket
import sys
import time

port = int(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
hold = float(sys.argv[3]) if len(sys.argv) > 3 else 30
host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
assert host in ("127.0.0.1", "::1", "localhost"), "loopback only"

sel = selectors.DefaultSelector()
outcome = collections.Counter()
status = {}
start = time.time()
for i in range(count):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.setblocking(False)
    try:
        s.connect_ex((host, port))
        sel.register(s, selectors.EVENT_WRITE, "connecting")
    except OSError as e:
        outcome["open failed: " + e.strerror] += 1
        s.close()
    if i % 500 == 0:  # service events now and then so the kernel queues do not overflow
        for key, _ in sel.select(0):
            pass

def step(timeout):
    for key, events in sel.select(timeout):
        s = key.fileobj
        if key.data == "connecting":
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                outcome["connect failed: errno %d" % err] += 1
                sel.unregister(s); s.close(); continue
            try:
                s.send(b"GET /.well-known/mercure?topic=")
            except OSError:
                pass
            sel.modify(s, selectors.EVENT_READ, "sent")
        else:
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                outcome["reset by the hub"] += 1
                sel.unregister(s); s.close(); continue
            if not data:
                outcome[status.pop(s, "closed by the hub without an answer")] += 1
                sel.unregister(s); s.close()
            elif s not in status:
                status[s] = "answered " + data.split(b"\r\n", 1)[0].decode(errors="replace")

deadline = start + hold
while time.time() < deadline and sel.get_map():
    step(0.2)
held = len(sel.get_map())
for key in list(sel.get_map().values()):
    key.fileobj.close()
outcome["still open after %.0f s (closed by us)" % hold] += held
print("flood of %d connections to %s:%d over %.1f s" % (count, host, port, time.time() - start))
for what, n in sorted(outcome.items(), key=lambda kv: -kv[1]):
    print("  %6d  %s" % (n, what))
