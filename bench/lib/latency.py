#!/usr/bin/env python3
"""Latency probe for bench/run.sh: end of DATA -> PagerDuty POST received.

Sends matching mail to MailGate with smtplib from worker threads (one persistent SMTP session each)
and records, per message, when DATA started and when its 250 arrived (time.time()). The fake
PagerDuty (fake_pagerduty.py) records when each event arrived, on the same clock; the two are joined
by the unique token in the subject.

  steady: --rate R --duration D   open loop: message i is due at start + i/R, whatever the replies
  burst:  --count N               N messages as fast as --workers sessions can send them

Prints one JSON object: counts and percentiles (ms) of `deliver` (250 -> POST received, the headline)
and `accept` (DATA sent -> 250, what the client waits for), plus `lag` (how late the sender was).
"""
import argparse
import json
import queue
import smtplib
import sys
import threading
import time
import uuid


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))  # nearest rank
    return v[k]


def summary(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99),
            "max": max(values), "min": min(values)}


def build(token, i, size, rcpt):
    subject = f"bench {token}-{i}"
    head = (f"From: Bench <bench@sender.example>\r\nTo: <{rcpt}>\r\nSubject: {subject}\r\n"
            f"Message-ID: <{token}-{i}@bench.example>\r\nDate: Sat, 28 Nov 2026 12:00:00 +0000\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
    line = "The quick brown fox jumps over the lazy dog 0123456789 bench filler text.\r\n"
    body = (line * (max(0, size - len(head)) // len(line) + 1))[: max(0, size - len(head))]
    if not body.endswith("\r\n"):
        body = body[:-2] + "\r\n" if len(body) >= 2 else "\r\n"
    return subject, (head + body).encode("ascii")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--events", required=True, help="the fake PagerDuty's events file")
    ap.add_argument("--rcpt", required=True)
    ap.add_argument("--rate", type=float)
    ap.add_argument("--duration", type=float)
    ap.add_argument("--count", type=int)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--large-every", type=int, default=0, help="every Nth message is --large-size")
    ap.add_argument("--large-size", type=int, default=102400)
    ap.add_argument("--wait", type=float, default=60, help="seconds to wait for the last events")
    ap.add_argument("--progress", help="file to which each sent message's time is appended")
    args = ap.parse_args()

    token = uuid.uuid4().hex[:12]
    if args.count:
        total = args.count
    else:
        total = int(args.rate * args.duration)
    jobs = queue.Queue()
    sent = {}  # subject -> (t_data, t_250)
    failures = []
    lags = []
    lock = threading.Lock()

    def worker():
        s = None
        while True:
            job = jobs.get()
            if job is None:
                break
            i, due = job
            if due is not None:
                now = time.time()
                if now < due:
                    time.sleep(due - now)
                lag = time.time() - due
            else:
                lag = 0.0
            size = args.large_size if args.large_every and i % args.large_every == 0 else args.size
            subject, data = build(token, i, size, args.rcpt)
            try:
                if s is None:
                    s = smtplib.SMTP(args.host, args.port, timeout=60)
                    s.ehlo("bench.example")
                code, msg = s.mail("bench@sender.example")
                if code != 250:
                    raise smtplib.SMTPException(f"MAIL {code} {msg!r}")
                code, msg = s.rcpt(args.rcpt)
                if code not in (250, 251):
                    raise smtplib.SMTPException(f"RCPT {code} {msg!r}")
                t_data = time.time()
                code, msg = s.data(data)
                t_250 = time.time()
                if code != 250:
                    raise smtplib.SMTPException(f"DATA {code} {msg!r}")
                with lock:
                    sent[subject] = (t_data, t_250)
                    lags.append(lag)
            except Exception as e:  # record and reconnect
                with lock:
                    failures.append(f"{type(e).__name__}: {e}")
                try:
                    if s is not None:
                        s.close()
                except Exception:
                    pass
                s = None
        if s is not None:
            try:
                s.quit()
            except Exception:
                s.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.workers)]
    for t in threads:
        t.start()
    start = time.time() + (0.2 if args.rate else 0.0)
    for i in range(total):
        jobs.put((i, start + i / args.rate) if args.rate else (i, None))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    send_end = time.time()

    # Wait for the fake PagerDuty to have every accepted message.
    received = {}
    deadline = time.time() + args.wait
    while True:
        received.clear()
        with open(args.events) as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                subj = e.get("subject") or ""
                if subj in sent and subj not in received:
                    received[subj] = e["t"]
        if len(received) >= len(sent) or time.time() > deadline:
            break
        time.sleep(0.2)

    deliver = [(received[k] - sent[k][1]) * 1000 for k in received]
    accept = [(v[1] - v[0]) * 1000 for v in sent.values()]
    out = {
        "mode": "steady" if args.rate else "burst",
        "offered": total,
        "accepted": len(sent),
        "failed": len(failures),
        "failures_sample": failures[:3],
        "paged": len(received),
        "send_seconds": round(send_end - start, 2),
        "achieved_rate": round(len(sent) / max(1e-9, send_end - start), 1),
        "all_paged_after_s": round(max(received.values()) - start, 2) if received else None,
        "deliver_ms": summary(deliver),
        "accept_ms": summary(accept),
        "lag_ms": summary([x * 1000 for x in lags]),
    }
    print(json.dumps(out))
    return 0 if out["failed"] == 0 and out["paged"] == out["accepted"] else 1


if __name__ == "__main__":
    sys.exit(main())
