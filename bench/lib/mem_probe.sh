#!/usr/bin/env bash
# MailGate's memory under bench/run.sh's memory load, for both backends, alone (profile, not in run.sh).
# As root, like bench/run.sh (clear_refs). Usage: bench/lib/mem_probe.sh PUBLISHED/MailGate [file|postgres]...
# Starts its own cluster (eng/postgres-test-cluster.sh) and fake PagerDuty; for each backend named (default: both)
# a fresh MailGate (run.sh's arguments): VmRSS 5 s after the 220 (idle), then VmHWM reset and
# `smtp-source -s $SESSIONS -m $MESSAGES -l $SIZE` (200, 1000, 102400 by default), VmHWM read 1 s after it ends
# (what bench/run.sh reports) and again once every message received has been decided (the whole peak).
# PUBLISHED/MailGate is the native executable `dotnet publish src/MailGate -c Release -o PUBLISHED` makes; a
# PUBLISHED/MailGate.dll (the JIT build: `-p:PublishAot=false`) runs with `dotnet`.
# MailGate's .NET runtime settings can be varied with DOTNET_* in the environment (e.g. DOTNET_gcServer=0).
# Prints one line per backend, then where the resident memory was (anonymous, file-backed, shared) at idle, at the
# highest of 20 ms samples during the load and the 8 s after it, and at the end; stops everything it started on exit.
# MEM_TRACE=DIR: also records the load with `dotnet-trace collect --profile gc-verbose` (10 s; dotnet-trace on PATH)
# into DIR/<backend>.nettrace, for `dotnet run --project bench/MailGate.AllocationReport -- FILE [allocations|gc]`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$ROOT/bench
MG=${1:?usage: bench/lib/mem_probe.sh PUBLISHED/MailGate [file|postgres]...}; shift
BACKENDS=("${@:-file}"); [ $# -eq 0 ] && BACKENDS=(file postgres)
SESSIONS=${SESSIONS:-200} MESSAGES=${MESSAGES:-1000} SIZE=${SIZE:-102400}
W=$(mktemp -d /tmp/mailgate-memprobe.XXXX); chmod 755 "$W"
MGP=""; PD=""
cleanup() { set +e; [ -n "$MGP" ] && kill "$MGP" && wait "$MGP"; [ -n "$PD" ] && kill "$PD" && wait "$PD"; bash "$ROOT/eng/postgres-test-cluster.sh" stop "$W/pg" >/dev/null; rm -rf "$W"; }
trap cleanup EXIT
CS=$(bash "$ROOT/eng/postgres-test-cluster.sh" start "$W/pg" | tail -n1)
PSQL="runuser -u postgres -- $(ls /usr/lib/postgresql/*/bin/psql | tail -1) -h $W/pg/socket -p $(cat "$W/pg/port") -U postgres -XAtq -d postgres"
python3 "$B/lib/fake_pagerduty.py" --port-file "$W/pd.port" --events "$W/pd.jsonl" & PD=$!
for _ in $(seq 50); do [ -s "$W/pd.port" ] && break; sleep 0.1; done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kib() { awk -v k="$1:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$MGP/status"; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 ~ "^" m "({|$)" {s += $NF} END {print s + 0}'; }
rss_split() { echo "anon $(kib RssAnon) + file $(kib RssFile) + shared $(kib RssShmem) MiB"; }
# The highest VmRSS seen every 20 ms for $2 seconds, split as above.
sample() { python3 - "$1" "$2" <<'PY'
import sys, time
pid, end, best = sys.argv[1], time.time() + float(sys.argv[2]), None
while time.time() < end:
    try:
        d = {k: int(v.split()[0]) / 1024 for k, _, v in (l.partition(":") for l in open(f"/proc/{pid}/status")) if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem")}
    except OSError:
        break
    best = d if best is None or d["VmRSS"] > best["VmRSS"] else best
    time.sleep(0.02)
if best:
    print(f"{best['VmRSS']:.1f} MiB = anon {best['RssAnon']:.1f} + file {best['RssFile']:.1f} + shared {best['RssShmem']:.1f} MiB")
PY
}
for backend in "${BACKENDS[@]}"; do
  extra=()
  if [ "$backend" = postgres ]; then
    $PSQL -c "CREATE DATABASE mem_$$_${#backend}_$RANDOM" >/dev/null
    db=$($PSQL -c "SELECT datname FROM pg_database WHERE datname LIKE 'mem_%' ORDER BY oid DESC LIMIT 1")
    extra=(--Spool:Backend=postgres --Spool:ConnectionString="${CS/Database=postgres/Database=$db}")
  fi
  SP=$(free_port); HP=$(free_port)
  RUN=("$MG"); [[ "$MG" == *.dll ]] && RUN=(dotnet "$MG")
  "${RUN[@]}" serve --Smtp:Address=127.0.0.1 --Rules:Path="$B/lib/rules.yaml" --Trust:Verify=false \
    --Serilog:MinimumLevel:Default=Warning --Smtp:MaxConnections=1000 --Smtp:MaxConnectionsPerClient=1000 \
    --Smtp:Port="$SP" --Http:Url="http://127.0.0.1:$HP" --Spool:Path="$W/spool-$backend-$RANDOM" \
    --PagerDuty:EventsUrl="http://127.0.0.1:$(cat "$W/pd.port")/v2/enqueue" "${extra[@]}" >"$W/mg-$backend.log" 2>&1 & MGP=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$SP" && head -c3 <&3 | grep -q 220) 2>/dev/null && break; sleep 0.2; done
  sleep 5
  idle=$(kib VmRSS); idle_split=$(rss_split); echo 5 >"/proc/$MGP/clear_refs"
  if [ -n "${MEM_TRACE:-}" ]; then
    mkdir -p "$MEM_TRACE"; dotnet-trace collect -p "$MGP" --duration 00:00:00:10 --profile gc-verbose -o "$MEM_TRACE/$backend.nettrace" >/dev/null 2>&1 & TR=$!; sleep 3
  fi
  sample "$MGP" 10 >"$W/sample" & SA=$!
  t0=$(date +%s.%N)
  note=$(smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -f bench@sender.example -t bench-drop@mailgate.example.com \
    "127.0.0.1:$SP" 2>&1 | tail -1 || true)
  t1=$(date +%s.%N); sleep 1
  peak=$(kib VmHWM)
  received=$(metric "$HP" mailgate_smtp_messages_received_total)
  # Processing goes on after the last 250: the whole peak is known once every message is decided (at most 60 s).
  for _ in $(seq 300); do [ "$(metric "$HP" mailgate_rules_decisions_total)" -ge "$received" ] && break; sleep 0.2; done
  decided=$(metric "$HP" mailgate_rules_decisions_total); whole=$(kib VmHWM)
  printf '%-8s idle %s MiB  peak %s MiB 1 s after the load, %s MiB once %s were decided  (%s × %s B, %s sessions: %.1f s, %s received%s)\n' \
    "$backend" "$idle" "$peak" "$whole" "$decided" "$MESSAGES" "$SIZE" "$SESSIONS" "$(echo "$t1 - $t0" | bc)" "$received" "${note:+; smtp-source: $note}"
  wait "$SA"; [ -n "${MEM_TRACE:-}" ] && { wait "$TR" || true; }
  echo "         idle: $idle_split; highest sample: $(cat "$W/sample"); end: $(rss_split)"
  kill "$MGP"; wait "$MGP" || true; MGP=""
done
