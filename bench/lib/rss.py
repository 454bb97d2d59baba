#!/usr/bin/env python3
"""RSS sampler for bench/run.sh: reads VmRSS (and VmHWM) of --pid from /proc every --interval
seconds until SIGTERM/SIGINT or --duration, writes `seconds_since_start rss_kib` lines to --out and,
at the end, one JSON object: samples, peak sampled RSS, VmHWM at the end (MiB)."""
import argparse
import json
import signal
import sys
import time


def status(pid):
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                vals[k] = int(v.split()[0])
    return vals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--duration", type=float, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    t0 = time.time()
    peak = 0
    n = 0
    last = {}
    with open(args.out, "w") as out:
        while not stop and (not args.duration or time.time() - t0 < args.duration):
            try:
                last = status(args.pid)
            except OSError:
                break
            peak = max(peak, last.get("VmRSS", 0))
            n += 1
            out.write(f"{time.time() - t0:.2f} {last.get('VmRSS', 0)}\n")
            time.sleep(args.interval)
    print(json.dumps({"samples": n, "peak_rss_mib": round(peak / 1024, 1),
                      "hwm_mib": round(last.get("VmHWM", 0) / 1024, 1),
                      "last_rss_mib": round(last.get("VmRSS", 0) / 1024, 1)}))


if __name__ == "__main__":
    sys.exit(main())
