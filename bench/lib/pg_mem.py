#!/usr/bin/env python3
"""PostgreSQL memory sampler for bench/run.sh: every --interval seconds, the postmaster --pid and all its
children (the backends, one per open connection, and the background processes), summed: VmRSS (counts
shared_buffers once per process that touched it, so it over-counts) and Pss from smaps_rollup (shared pages
divided among the processes that map them: the fair total). Runs until SIGTERM/SIGINT; prints one JSON
object (MiB): first and peak of each sum, and the most processes seen."""
import argparse
import json
import os
import signal
import sys
import time


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def field(path, name):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample(pid):
    pids = [pid] + children(pid)
    rss = sum(field(f"/proc/{p}/status", "VmRSS:") for p in pids)
    pss = sum(field(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
    return len(pids), rss / 1024, pss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True, help="the postmaster")
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--once", action="store_true", help="one sample, then exit")
    args = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    first = None
    peak_rss = peak_pss = 0.0
    procs = 0
    while True:
        n, rss, pss = sample(args.pid)
        first = first or (rss, pss)
        peak_rss, peak_pss, procs = max(peak_rss, rss), max(peak_pss, pss), max(procs, n)
        if stop or args.once:
            break
        time.sleep(args.interval)
    print(json.dumps({"processes": procs, "first_rss_mib": round(first[0], 1), "first_pss_mib": round(first[1], 1),
                      "peak_rss_mib": round(peak_rss, 1), "peak_pss_mib": round(peak_pss, 1)}))


if __name__ == "__main__":
    sys.exit(main())
