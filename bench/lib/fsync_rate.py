#!/usr/bin/env python3
"""Raw fsync rate of the disk under --dir: --count rounds of (write 4 KiB, fsync) on one file,
(a) overwriting the same block and (b) appending (the file grows, so each fsync also commits
metadata, as a fresh spool file does). Prints one JSON object with fsyncs per second."""
import argparse
import json
import os
import sys
import tempfile
import time


def rate(path, count, append):
    block = os.urandom(4096)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        t0 = time.perf_counter()
        for _ in range(count):
            if not append:
                os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, block)
            os.fsync(fd)
        return count / (time.perf_counter() - t0)
    finally:
        os.close(fd)
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--count", type=int, default=2000)
    args = ap.parse_args()
    path = os.path.join(args.dir, f"fsync-probe-{os.getpid()}")
    over = rate(path, args.count, False)
    app = rate(path, args.count, True)
    print(json.dumps({"count": args.count, "overwrite_fsyncs_per_s": round(over),
                      "append_fsyncs_per_s": round(app)}))


if __name__ == "__main__":
    sys.exit(main())
