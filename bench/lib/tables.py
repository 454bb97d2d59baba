#!/usr/bin/env python3
"""Markdown tables for bench/run.sh from its raw measurements.

  tables.py throughput RAW.tsv              peer size sessions rep N seconds errors, one run a line
  tables.py latency LABEL=JSON…             latency.py outputs
  tables.py memory ROWS.tsv BIG_SIZE        label, before MiB, peak MiB, note
  tables.py soak RSS.txt JSON               rss.py samples (seconds, KiB), latency.py output
  tables.py pgmemory IDLE HWM PGIDLE LABEL PEAK PGJSON NOTE   MailGate MiB and pg_mem.py outputs
"""
import json
import statistics
import sys


def f(x, nd=0):
    return f"{x:,.{nd}f}"


def throughput(path):
    runs = {}
    errors = {}
    for line in open(path):
        peer, size, s, rep, n, secs, errs = line.rstrip("\n").split("\t")
        key = (int(size), int(s))
        runs.setdefault(key, {}).setdefault(peer, []).append(int(n) / float(secs))
        if errs != "0":
            errors.setdefault(key, []).append(f"{peer} rep {rep}: {errs} error lines")
    sizes = sorted({k[0] for k in runs})
    for size in sizes:
        label = f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} B"
        print(f"**{label} messages** (msg/s, median (min–max))\n")
        print("| sessions | MailGate (file) | MailGate (PostgreSQL) | Postfix | smtp-sink | file ÷ Postfix | PostgreSQL ÷ Postfix | file ÷ smtp-sink |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (sz, s) in sorted(k for k in runs if k[0] == size):
            cell = runs[(sz, s)]
            med = {p: statistics.median(v) for p, v in cell.items()}
            def show(p):
                v = cell.get(p)
                return f"{f(med[p])} ({f(min(v))}–{f(max(v))})" if v else "–"
            def ratio(a, b):
                return f"{med[a] / med[b]:.2f}×" if a in med and b in med else "–"
            print(f"| {s} | {show('mailgate')} | {show('mailgate-pg')} | {show('postfix')} | {show('smtp-sink')} | "
                  f"{ratio('mailgate', 'postfix')} | {ratio('mailgate-pg', 'postfix')} | {ratio('mailgate', 'smtp-sink')} |")
        print()
    if errors:
        print("Runs with output from smtp-source (errors): " + "; ".join(
            f"{k[0]} B/{k[1]} sessions: " + ", ".join(v) for k, v in sorted(errors.items())))
    else:
        print("No run had an error from smtp-source.")


def latency(items):
    print("| load | accepted / offered | paged | achieved rate | deliver p50 | p95 | p99 | max | accept p50 | p99 | all paged after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    for item in items:
        label, _, js = item.partition("=")
        try:
            d = json.loads(js)
        except ValueError:
            print(f"| {label} | failed: {js[:80]!r} | | | | | | | | | |")
            continue
        dl, ac = d["deliver_ms"], d["accept_ms"]
        def ms(x):
            return "–" if x is None else (f"{x:,.1f} ms" if x < 1000 else f"{x / 1000:,.2f} s")
        print(f"| {label} | {d['accepted']} / {d['offered']} | {d['paged']} | {d['achieved_rate']}/s | "
              f"{ms(dl.get('p50'))} | {ms(dl.get('p95'))} | {ms(dl.get('p99'))} | {ms(dl.get('max'))} | "
              f"{ms(ac.get('p50'))} | {ms(ac.get('p99'))} | {d['all_paged_after_s']} s |")
        if d["failed"]:
            notes.append(f"{label}: {d['failed']} failed, e.g. {d['failures_sample']}")
    if notes:
        print("\n" + "; ".join(notes))


def memory(path, big):
    rows = [l.rstrip("\n").split("\t") for l in open(path)]
    idle = float(rows[0][1])
    print("| phase | RSS before (MiB) | peak RSS (MiB) | peak − idle (MiB) | client |")
    print("|---|---:|---:|---:|---|")
    for label, before, peak, note in rows:
        extra = float(peak) - idle
        print(f"| {label} | {before} | {peak} | {extra:+.1f} | {note} |")
    big_mib = int(big) / 1048576
    big_peak = float(rows[-1][2]) - float(rows[-1][1])
    print(f"\nOne {big_mib:.0f} MiB message: peak − RSS before = {big_peak:.1f} MiB = "
          f"{big_peak / big_mib:.2f}× the message size. The first row's peak is the VmHWM of start-up.")


def soak(path, js):
    pts = []
    for line in open(path):
        t, kib = line.split()
        pts.append((float(t), int(kib) / 1024))
    if not pts:
        print("no samples")
        return
    end = pts[-1][0]
    step = max(1, round(end / 6))
    print("| t (s) | " + " | ".join(str(round(t)) for t, _ in pts[::step]) + " |")
    print("|---|" + "---:|" * len(pts[::step]))
    print("| RSS (MiB) | " + " | ".join(f"{r:.1f}" for _, r in pts[::step]) + " |")
    third = max(1, len(pts) // 3)
    first, last = [r for _, r in pts[:third]], [r for _, r in pts[-third:]]
    half = pts[len(pts) // 2:]
    n = len(half)
    mt = sum(t for t, _ in half) / n
    mr = sum(r for _, r in half) / n
    var = sum((t - mt) ** 2 for t, _ in half)
    slope = (sum((t - mt) * (r - mr) for t, r in half) / var * 60) if var else 0.0
    print(f"\nMedian RSS first third {statistics.median(first):.1f} MiB, last third "
          f"{statistics.median(last):.1f} MiB, max {max(r for _, r in pts):.1f} MiB; "
          f"least-squares slope over the second half {slope:+.2f} MiB/min.")
    try:
        d = json.loads(js)
        dl = d["deliver_ms"]
        print(f"Soak traffic: {d['accepted']}/{d['offered']} accepted, {d['paged']} paged, {d['failed']} failed; "
              f"deliver p50 {dl.get('p50', 0):.1f} ms, p99 {dl.get('p99', 0):.1f} ms.")
    except (ValueError, KeyError, TypeError):
        print(f"Soak traffic: no result ({js[:80]!r}).")


def pgmemory(idle, start_hwm, pg_idle, label, peak, pg_load, note):
    pi, pl = json.loads(pg_idle), json.loads(pg_load)
    print("| phase | MailGate RSS before (MiB) | MailGate peak RSS (MiB) | PostgreSQL PSS before → peak (MiB) | "
          "PostgreSQL RSS sum before → peak (MiB) | PostgreSQL processes | client |")
    print("|---|---:|---:|---:|---:|---:|---|")
    print(f"| idle, 5 s after the 220 | {idle} | {start_hwm} (start-up) | {pi['first_pss_mib']} | "
          f"{pi['first_rss_mib']} | {pi['processes']} | - |")
    print(f"| {label} | {idle} | **{peak}** | {pl['first_pss_mib']} → **{pl['peak_pss_mib']}** | "
          f"{pl['first_rss_mib']} → {pl['peak_rss_mib']} | {pl['processes']} | {note} |")
    print(f"\nMailGate alone: peak {peak} MiB = {float(peak) * 1.048576:.0f} MB; with PostgreSQL's PSS: "
          f"{float(peak) + pl['peak_pss_mib']:.1f} MiB (both peaks, which need not coincide).")


def main():
    kind = sys.argv[1]
    if kind == "throughput":
        throughput(sys.argv[2])
    elif kind == "latency":
        latency(sys.argv[2:])
    elif kind == "memory":
        memory(sys.argv[2], sys.argv[3])
    elif kind == "pgmemory":
        pgmemory(*sys.argv[2:9])
    elif kind == "soak":
        soak(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
