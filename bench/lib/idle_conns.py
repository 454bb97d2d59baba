#!/usr/bin/env python3
"""Opens --count SMTP connections to 127.0.0.1:--port, reads each greeting, says EHLO, then holds
them all open for --hold seconds doing nothing, and closes them with QUIT. Prints one JSON object:
how many were greeted with 220 and answered EHLO with 250."""
import argparse
import json
import socket
import sys
import time


def read_reply(s):
    buf = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return buf
        buf += chunk
        lines = buf.split(b"\r\n")
        # a complete reply ends with a line "NNN text" (no dash) followed by CRLF
        for line in lines[:-1]:
            if len(line) >= 4 and line[3:4] == b" ":
                return buf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--hold", type=float, default=5)
    args = ap.parse_args()
    socks, greeted, ehlo_ok, errors = [], 0, 0, []
    for _ in range(args.count):
        try:
            s = socket.create_connection(("127.0.0.1", args.port), timeout=30)
            if read_reply(s).startswith(b"220"):
                greeted += 1
            s.sendall(b"EHLO idle.bench.example\r\n")
            if read_reply(s).startswith(b"250"):
                ehlo_ok += 1
            socks.append(s)
        except OSError as e:
            errors.append(str(e))
    time.sleep(args.hold)
    for s in socks:
        try:
            s.sendall(b"QUIT\r\n")
            s.close()
        except OSError:
            pass
    print(json.dumps({"opened": len(socks), "greeted": greeted, "ehlo_250": ehlo_ok,
                      "errors": errors[:3]}))


if __name__ == "__main__":
    sys.exit(main())
