#!/usr/bin/env python3
"""Start-up time for bench/run.sh: starts the given command (a MailGate `serve` command line in which
{smtp_port}, {http_port} and {spool} are filled in fresh for each run), and measures the time from
just before the process is created until a TCP connection to {smtp_port} reads a `220` greeting
(polled every 5 ms). Then stops it with SIGTERM (its own child, by PID) and waits for the exit.
Prints one JSON object with each run's milliseconds and the median."""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def greeted(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.settimeout(2)
            return s.recv(64).startswith(b"220")
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = [c for c in args.cmd if c != "--"]
    times = []
    with open(args.log, "a") as log:
        for i in range(args.runs):
            spool = os.path.join(args.workdir, f"startup-spool-{i}")
            smtp_port, http_port = free_port(), free_port()
            argv = [c.format(smtp_port=smtp_port, http_port=http_port, spool=spool) for c in cmd]
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdout=log, stderr=log)
            ok = False
            while time.perf_counter() - t0 < 30:
                if p.poll() is not None:
                    break
                if greeted(smtp_port):
                    ok = True
                    break
                time.sleep(0.005)
            elapsed = (time.perf_counter() - t0) * 1000
            p.terminate()
            try:
                p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            if not ok:
                print(json.dumps({"error": f"run {i}: no 220 (exit {p.returncode})"}))
                return 1
            times.append(round(elapsed))
    print(json.dumps({"runs_ms": times, "median_ms": statistics.median(times),
                      "min_ms": min(times), "max_ms": max(times)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
