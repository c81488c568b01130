#!/usr/bin/env python3
"""slow_clients.py - abusive clients against a server on 127.0.0.1, and the
latency of ordinary requests meanwhile. For tests/cli/abuse-web.sh; also a
measuring tool (it prints the figures).

  slow_clients.py PORT [--conns N] [--pattern P] [--gap A:B] [--seconds S]
                       [--probe PATH]... [--probe-every MS] [--open-gap MS]

Opens N connections (default 200) that behave as P says, and for S seconds
(default 12) sends one ordinary request at a time, each on a new connection
with Connection: close, every probe-every ms (default 50), cycling over the
probe paths (default /healthz). Patterns, with one send every A to B seconds
(default 1:2, uniformly random):

  header      one byte of a header that never ends ("X-Slow: aaaa...")
  lines       a request line, then one whole header line per send, no end
  body        a complete GET header with Content-Length: 100000, then one
              byte of body per send
  idle        connects and sends nothing
  halfclose   half a header, then shuts its sending side (EOF)
  keepalive   one complete request, reads the answer, then stays silent

Prints one JSON object: "opened", "connect_failed", "closed" (connections
the server closed), "closed_after" ([min, median, max] seconds from open to
close, or null), "answered" (of the closed, how many got bytes first),
"first_bytes" (the first 12 bytes each answered one got, distinct), and for
the probes "probes", "probe_ok" (answered 2xx), "probe_codes", "p50_ms",
"p99_ms", "max_ms". Standard library only; it stops after S seconds plus
the time to open the connections and never runs more than S + 30 s.
"""
import argparse
import heapq
import json
import math
import random
import selectors
import socket
import threading
import time

HOST = "127.0.0.1"


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", type=int, default=200)
    ap.add_argument("--pattern", default="header",
                    choices=["header", "lines", "body", "idle", "halfclose", "keepalive"])
    ap.add_argument("--gap", default="1:2")
    ap.add_argument("--seconds", type=float, default=12)
    ap.add_argument("--probe", action="append")
    ap.add_argument("--probe-every", type=float, default=50)
    ap.add_argument("--open-gap", type=float, default=2)
    a = ap.parse_args()
    lo, hi = a.gap.split(":")
    a.gap = (float(lo), float(hi))
    a.probe = a.probe or ["/healthz"]
    return a


class Slow:
    """One abusive connection: what it sends next, and what became of it."""

    def __init__(self, sock, pattern, opened):
        self.sock = sock
        self.pattern = pattern
        self.opened = opened
        self.sent = 0
        self.got = b""
        self.closed_at = None

    def first(self):
        """What it sends right after connecting."""
        req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if self.pattern == "lines":
            return req
        if self.pattern == "body":
            return req + b"Content-Length: 100000\r\n\r\n"
        if self.pattern == "halfclose":
            return req
        if self.pattern == "keepalive":
            return req + b"\r\n"
        return b""

    def next_chunk(self):
        """What it sends at its next turn; None: nothing, ever again."""
        self.sent += 1
        if self.pattern == "header":
            head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            return head[self.sent - 1:self.sent] if self.sent <= len(head) else b"a"
        if self.pattern == "lines":
            return b"X-Slow-%d: v\r\n" % self.sent
        if self.pattern == "body":
            return b"b"
        return None


def percentile(sorted_values, p):
    """The nearest-rank percentile."""
    if not sorted_values:
        return None
    k = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[k - 1]


def probe_once(port, path):
    """One ordinary request on a new connection: (status, ms)."""
    t0 = time.monotonic()
    status = 0
    try:
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  % path.encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
        if data.startswith(b"HTTP/1.") and len(data) >= 12:
            status = int(data[9:12])
    except (OSError, ValueError):
        status = 0
    return status, (time.monotonic() - t0) * 1000.0


def prober(port, paths, every_ms, until, out):
    i = 0
    while time.monotonic() < until:
        t0 = time.monotonic()
        out.append(probe_once(port, paths[i % len(paths)]))
        i += 1
        rest = every_ms / 1000.0 - (time.monotonic() - t0)
        if rest > 0:
            time.sleep(rest)


def mark_closed(c, now):
    if c.closed_at is None:
        c.closed_at = now


def on_readable(sel, c, now):
    try:
        b = c.sock.recv(4096)
    except OSError:
        b = b""
    if b:
        c.got += b
        if c.pattern == "keepalive" and c.closed_at is None:
            return  # the answer to its one request; it now stays silent
    if not b:
        mark_closed(c, now)
        sel.unregister(c.sock)
        c.sock.close()


def send_turn(sel, c, now, gap, heap, seq):
    chunk = c.next_chunk()
    if chunk is None:
        return
    try:
        c.sock.send(chunk)
    except OSError:
        mark_closed(c, now)
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()
        return
    heapq.heappush(heap, (now + random.uniform(*gap), next(seq), c))


def open_all(a, sel, heap, seq):
    conns, failed = [], 0
    for _ in range(a.conns):
        try:
            s = socket.create_connection((HOST, a.port), timeout=5)
        except OSError:
            failed += 1
            continue
        now = time.monotonic()
        c = Slow(s, a.pattern, now)
        first = c.first()
        try:
            if first:
                s.sendall(first)
            if a.pattern == "halfclose":
                s.shutdown(socket.SHUT_WR)
        except OSError:
            mark_closed(c, now)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, c)
        conns.append(c)
        heapq.heappush(heap, (now + random.uniform(*a.gap), next(seq), c))
        time.sleep(a.open_gap / 1000.0)
    return conns, failed


def main():
    a = parse_args()
    sel = selectors.DefaultSelector()
    heap, seq = [], iter(range(1 << 62))
    conns, failed = open_all(a, sel, heap, seq)
    until = time.monotonic() + a.seconds
    probes = []
    t = threading.Thread(target=prober, args=(a.port, a.probe, a.probe_every, until, probes))
    t.start()
    while True:
        now = time.monotonic()
        if now >= until:
            break
        wait = min(until, heap[0][0] if heap else until) - now
        for key, _ in sel.select(timeout=max(0.0, min(wait, 0.2))):
            on_readable(sel, key.data, time.monotonic())
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, c = heapq.heappop(heap)
            if c.closed_at is None:
                send_turn(sel, c, now, a.gap, heap, seq)
    t.join(timeout=30)
    for c in conns:
        if c.closed_at is None:
            c.sock.close()

    closed = sorted(c.closed_at - c.opened for c in conns if c.closed_at is not None)
    lat = sorted(ms for _, ms in probes)
    codes = {}
    for st, _ in probes:
        codes[str(st)] = codes.get(str(st), 0) + 1
    answered = [c for c in conns if c.closed_at is not None and c.got]
    print(json.dumps({
        "opened": len(conns),
        "connect_failed": failed,
        "closed": len(closed),
        "closed_after": [round(closed[0], 2), round(closed[len(closed) // 2], 2),
                         round(closed[-1], 2)] if closed else None,
        "answered": len(answered),
        "first_bytes": sorted({c.got[:12].decode("latin1") for c in answered}),
        "probes": len(probes),
        "probe_ok": sum(1 for st, _ in probes if 200 <= st < 300),
        "probe_codes": codes,
        "p50_ms": round(percentile(lat, 50), 2) if lat else None,
        "p99_ms": round(percentile(lat, 99), 2) if lat else None,
        "max_ms": round(lat[-1], 2) if lat else None,
    }))


if __name__ == "__main__":
    main()
