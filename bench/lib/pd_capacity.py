#!/usr/bin/env python3
"""How many events per second the fake PagerDuty itself takes: --count POSTs of a typical event over
one keep-alive connection (as MailGate's single lane per route sends them). Prints one JSON object.
It is posted with a subject that the latency probe never sends, so it does not disturb its matching."""
import argparse
import http.client
import json
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=500)
    args = ap.parse_args()
    body = json.dumps({"routing_key": "0" * 32, "event_action": "trigger", "dedup_key": "capacity",
                       "payload": {"summary": "capacity probe", "source": "bench", "severity": "info",
                                   "custom_details": {"subject": "capacity probe", "body": "x" * 2000}}})
    c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    lat = []
    t0 = time.perf_counter()
    for _ in range(args.count):
        t = time.perf_counter()
        c.request("POST", "/v2/enqueue", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        if r.status != 202:
            raise SystemExit(f"status {r.status}")
        lat.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - t0
    lat.sort()
    print(json.dumps({"count": args.count, "events_per_s": round(args.count / total),
                      "p50_ms": round(lat[len(lat) // 2], 2), "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 2)}))


if __name__ == "__main__":
    sys.exit(main())
