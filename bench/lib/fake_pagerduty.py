#!/usr/bin/env python3
"""Fake PagerDuty Events API v2 for bench/run.sh.

Listens on 127.0.0.1 (port 0: a free one, written to --port-file), answers every POST with 202 and
appends one JSON line per event to --events: the receive time (time.time(), the same clock the
latency probe uses), subject, message_id and dedup_key. Stops on SIGTERM.
"""
import argparse
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--events", required=True)
    args = ap.parse_args()
    out = open(args.events, "a", buffering=1)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API
        disable_nagle_algorithm = True  # else headers and body in two writes wait for a delayed ACK (40 ms)

        def do_POST(self):
            received = time.time()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                event = json.loads(body)
                details = event.get("payload", {}).get("custom_details", {}) or {}
                line = {"t": received, "subject": details.get("subject"),
                        "message_id": details.get("message_id"), "dedup_key": event.get("dedup_key")}
            except ValueError:
                line = {"t": received, "error": "invalid json"}
            with lock:
                out.write(json.dumps(line) + "\n")
            reply = b'{"status":"success","message":"Event processed","dedup_key":"bench"}'
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    out.close()


if __name__ == "__main__":
    sys.exit(main())
