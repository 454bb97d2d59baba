#!/usr/bin/env bash
# System benchmark: MailGate's durable SMTP intake against Postfix (durable queue, discard
# transport) and smtp-sink (protocol only, no disk: the ceiling), all on 127.0.0.1, plus MailGate's
# end-of-DATA → PagerDuty latency, memory, soak and start-up. See bench/SYSTEM.md.
# MailGate runs twice: on its file spool (`mailgate`) and on PostgreSQL (`mailgate-pg`: a throw-away
# cluster from eng/postgres-test-cluster.sh in the temporary folder, PostgreSQL's defaults, so
# synchronous_commit=on and fsync=on; stopped by the cleanup trap).
#
#   bench/run.sh            the full run (under 10 minutes on 2 cores)
#   bench/run.sh --quick    a smoke run of the same steps, seconds each
#
# Environment: MAILGATE_BENCH_KEEP=1 keeps the temporary folder (logs, spool, Postfix's maillog);
# MAILGATE_BENCH_OUT=<file> writes the report there instead of bench/results/<date>[-quick].md.
# MAILGATE_BENCH_PUBLISHED=<folder> runs the MailGate executable already published there (by .ci/run, from this
# worktree) instead of publishing it again.
# Needs root (apt-get, Postfix's master, /proc/<pid>/clear_refs). Starts only its own processes and
# stops them by PID (Postfix with `postfix -c <its config> stop`) when it exits, however it exits.
set -euo pipefail

QUICK=0
case "${1:-}" in
  --quick) QUICK=1 ;;
  "") ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
LIB=$HERE/lib
RUN_START=$(date +%s)
SUFFIX=""; [[ $QUICK == 1 ]] && SUFFIX="-quick"
OUT=${MAILGATE_BENCH_OUT:-$HERE/results/$(date +%F)$SUFFIX.md}
mkdir -p "$(dirname "$OUT")"

# ---------------------------------------------------------------- parameters
if [[ $QUICK == 1 ]]; then
  REPS=1; TARGET_S=0.3; SIZES=(4096 102400); SESSIONS=(1 20)
  LAT_RATE=50; LAT_SECONDS=2; BURST_COUNT=50; BURST_SESSIONS=20
  MEM_SESSIONS=20; MEM_MESSAGES=100; IDLE_CONNS=50; BIG_SIZE=$((1024 * 1024))
  SOAK_SECONDS=10; SOAK_RATE=10; STARTUP_RUNS=1; FSYNC_COUNT=200
else
  REPS=3; TARGET_S=3; SIZES=(4096 102400); SESSIONS=(1 20 100)
  LAT_RATE=50; LAT_SECONDS=20; BURST_COUNT=500; BURST_SESSIONS=20
  MEM_SESSIONS=200; MEM_MESSAGES=1000; IDLE_CONNS=500; BIG_SIZE=$((25 * 1024 * 1024))
  SOAK_SECONDS=180; SOAK_RATE=10; STARTUP_RUNS=5; FSYNC_COUNT=2000
fi
DOMAIN=mailgate.example.com
RCPT_DROP=bench-drop@$DOMAIN   # decided and dropped by MailGate, discarded by Postfix
RCPT_PAGE=bench-page@$DOMAIN   # pages the fake PagerDuty
FROM=bench@sender.example

# ---------------------------------------------------------------- cleanup
WORK=$(mktemp -d /tmp/mailgate-bench.XXXXXX)
chmod 755 "$WORK"   # Postfix's unprivileged daemons must reach their queue below it
PIDS=()
POSTFIX_CONF=""
PG_DIR=""
cleanup() {
  local rc=$?
  set +e
  if [[ -n $POSTFIX_CONF ]]; then postfix -c "$POSTFIX_CONF" stop >/dev/null 2>&1; fi
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  # After the MailGates (its clients) are gone. `stop` removes the cluster's folder; keep its log.
  if [[ -n $PG_DIR ]]; then
    cp "$PG_DIR/server.log" "$WORK/postgres-server.log" 2>/dev/null
    bash "$ROOT/eng/postgres-test-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1
  fi
  if [[ ${MAILGATE_BENCH_KEEP:-0} == 1 || $rc != 0 ]]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- output helpers
: >"$OUT"
say() { printf '%s\n' "$*" | tee -a "$OUT"; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
py() { python3 - "$@"; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_220() {  # port timeout_s
  python3 - "$1" "$2" <<'EOF'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.settimeout(2)
            if s.recv(64).startswith(b"220"):
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(1)
EOF
}
json_get() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); 
for k in sys.argv[2].split("."): d = d[k]
print(d)' "$1" "$2"; }

# ---------------------------------------------------------------- 1. packages
log "packages"
need=()
command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null && command -v postfix >/dev/null || need+=(postfix)
command -v ps >/dev/null && command -v free >/dev/null || need+=(procps)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >"$WORK/apt.log" 2>&1
fi

# ---------------------------------------------------------------- machine
MG_COMMIT=$(git -C "$ROOT" log -1 --format=%h)
MG_SRC_COMMIT=$(git -C "$ROOT" log -1 --format=%h -- src)
MG_DIRTY=$(git -C "$ROOT" status --porcelain -- src | wc -l)
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
FSTYPE=$(df -T "$WORK" | awk 'NR==2 {print $2}')
DEV=$(df "$WORK" | awk 'NR==2 {print $1}')
DISK=$(lsblk -dno NAME,SIZE,ROTA,MODEL "$DEV" 2>/dev/null | awk '{m=""; for (i=4;i<=NF;i++) m=m" "$i; printf "%s, %s, rotational flag %s%s", $1, $2, $3, (m=="" ? "" : ","m)}' || echo "?")
OTHERS=$(ps -eo pid=,args= | grep -E 'dotnet|MSBuild|testhost' | grep -v -e grep -e "$WORK" | wc -l || true)

say "# MailGate system benchmark — $(date '+%F %T %Z')"
say ""
say "Command: \`bench/run.sh$([[ $QUICK == 1 ]] && echo ' --quick')\`. Worktree at commit \`$MG_COMMIT\`; MailGate's src/ last changed in \`$MG_SRC_COMMIT\`$([[ $MG_DIRTY != 0 ]] && echo " (src/ has uncommitted changes)"), Release publish."
say ""
say "| machine | |"
say "|---|---|"
say "| CPU | $(nproc) cores, $CPU |"
say "| memory | $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}') |"
say "| disk | $FSTYPE on $DEV ($DISK), temp folder $WORK |"
say "| kernel | $(uname -r) |"
say "| versions | $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), Postfix $(postconf -dh mail_version), $(python3 --version) |"
say "| load at start | $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min); $OTHERS other dotnet/MSBuild/testhost processes running (another engineer's builds/tests share the 2 cores) |"
say ""

# ---------------------------------------------------------------- publish MailGate
log "publish MailGate ($MG_COMMIT)"
MG_DIR=$WORK/mailgate
if [[ -n ${MAILGATE_BENCH_PUBLISHED:-} ]]; then
  MG_DIR=$MAILGATE_BENCH_PUBLISHED   # .ci/run's publish of the same commit
else
  dotnet publish "$ROOT/src/MailGate" -c Release -o "$MG_DIR" --nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; exit 1; }
fi
# The native executable (Native AOT, as the container ships it); its GC settings are compiled in from the project.
MG_EXE=$MG_DIR/MailGate
GC_MODE=$(dotnet msbuild "$ROOT/src/MailGate" -nologo -getProperty:ServerGarbageCollection -getProperty:ConcurrentGarbageCollection \
  | python3 -c 'import json,sys; p=json.load(sys.stdin)["Properties"]; print("server" if p["ServerGarbageCollection"]=="true" else "workstation", "non-concurrent" if p["ConcurrentGarbageCollection"]=="false" else "concurrent")')

# ---------------------------------------------------------------- 2. fsync rate
log "fsync rate"
mkdir -p "$WORK/spool-probe"
FSYNC=$(python3 "$LIB/fsync_rate.py" --dir "$WORK/spool-probe" --count $FSYNC_COUNT)
say "## Disk: raw fsync rate in the spool's folder"
say ""
say "$FSYNC_COUNT rounds of write 4 KiB + fsync (python3 \`os.fsync\`), on $FSTYPE in $WORK."
say ""
say "| overwrite one block + fsync | append 4 KiB + fsync (metadata too) |"
say "|---|---|"
say "| $(json_get "$FSYNC" overwrite_fsyncs_per_s)/s | $(json_get "$FSYNC" append_fsyncs_per_s)/s |"
say ""

# ---------------------------------------------------------------- 3. peers
start_pd() {  # → PD_PORT, PD_EVENTS, PD_PID
  PD_EVENTS=$WORK/pd-events-$1.jsonl
  python3 "$LIB/fake_pagerduty.py" --port-file "$WORK/pd-$1.port" --events "$PD_EVENTS" &
  PD_PID=$!; PIDS+=("$PD_PID")
  for _ in $(seq 100); do [[ -s $WORK/pd-$1.port ]] && break; sleep 0.05; done
  PD_PORT=$(cat "$WORK/pd-$1.port")
}

MG_ARGS_COMMON=(--Smtp:Address=127.0.0.1 --Rules:Path="$LIB/rules.yaml" --Trust:Verify=false
  --Serilog:MinimumLevel:Default=Warning --Smtp:MaxConnections=1000 --Smtp:MaxConnectionsPerClient=1000)
MG_ARGS_PG=(--Spool:Backend=postgres)   # plus --Spool:ConnectionString=<a database of its own>
start_mailgate() {  # name extra-args… → MG_PORT, MG_HTTP, MG_PID
  local name=$1; shift
  MG_PORT=$(free_port); MG_HTTP=$(free_port)
  "$MG_EXE" serve "${MG_ARGS_COMMON[@]}" --Smtp:Port="$MG_PORT" \
    --Http:Url="http://127.0.0.1:$MG_HTTP" --Spool:Path="$WORK/spool-$name" \
    --PagerDuty:EventsUrl="http://127.0.0.1:$PD_PORT/v2/enqueue" "$@" >"$WORK/mailgate-$name.log" 2>&1 &
  MG_PID=$!; PIDS+=("$MG_PID")
  wait_220 "$MG_PORT" 60 || { cat "$WORK/mailgate-$name.log" >&2; exit 1; }
}
stop_pid() {  # pid: SIGTERM, wait, forget
  kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
  local keep=() p; for p in "${PIDS[@]}"; do [[ $p != "$1" ]] && keep+=("$p"); done; PIDS=("${keep[@]}")
}
mg_metric() {  # metric-name-prefix [http-port] → the sum over its series (default port: the last MailGate started)
  python3 - "${2:-$MG_HTTP}" "$1" <<'EOF'
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode()
print(int(sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith(sys.argv[2]))))
EOF
}
mg_received() { mg_metric mailgate_smtp_messages_received_total "${1:-}"; }   # [http-port]
mg_decided() { mg_metric mailgate_rules_decisions_total "${1:-}"; }
# Processing goes on after the last 250: a memory peak is read once every message received is decided (≤ 60 s).
wait_decided() { local i; for i in $(seq 300); do [ "$(mg_decided)" -ge "$(mg_received)" ] && return; sleep 0.2; done; }

log "start peers"
# PostgreSQL for mailgate-pg. A database per MailGate process (each fresh process gets an empty one).
log "PostgreSQL (eng/postgres-test-cluster.sh start)"
PG_DIR=$WORK/pg
PG_CS=$(MAILGATE_INSTALL_POSTGRES=1 bash "$ROOT/eng/postgres-test-cluster.sh" start "$PG_DIR" | tail -n1)
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/psql | tail -n1)")
PG_PORT=$(cat "$PG_DIR/port")
pg_sql() { runuser -u postgres -- "$PG_BIN/psql" -h "$PG_DIR/socket" -p "$PG_PORT" -U postgres -d postgres -XAtq -c "$1"; }
pg_db() {  # name → connection string of a new, empty database
  pg_sql "CREATE DATABASE $1" >/dev/null
  echo "${PG_CS/Database=postgres/Database=$1}"
}
PG_SETTINGS=$(pg_sql "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('synchronous_commit','fsync','wal_sync_method','full_page_writes','shared_buffers','max_connections','commit_delay','wal_level')")
PG_VERSION=$(pg_sql "SHOW server_version")
say "PostgreSQL for \`mailgate-pg\`: $PG_VERSION, a throw-away cluster (\`eng/postgres-test-cluster.sh start\`) in $PG_DIR, same disk;"
say "PostgreSQL's defaults (nothing tuned): $PG_SETTINGS."
say ""

start_pd main
PF=$WORK/postfix; mkdir -p "$PF/conf" "$PF/queue" "$PF/data"
PF_PORT=$(free_port)
for f in main master; do
  sed -e "s#@CONF@#$PF/conf#; s#@QUEUE@#$PF/queue#; s#@DATA@#$PF/data#; s#@PORT@#$PF_PORT#;
          s#@DOMAIN@#$DOMAIN#; s#@LOGFILE@#$PF/maillog#" "$HERE/postfix/$f.cf.in" >"$PF/conf/$f.cf"
done
chown postfix "$PF/data"
postfix -c "$PF/conf" check
POSTFIX_CONF=$PF/conf
postfix -c "$PF/conf" start >/dev/null 2>&1 || { cat "$PF/maillog" >&2; exit 1; }
wait_220 "$PF_PORT" 30

SINK_PORT=$(free_port)
smtp-sink -u nobody 127.0.0.1:"$SINK_PORT" 1024 >"$WORK/smtp-sink.log" 2>&1 &
SINK_PID=$!; PIDS+=("$SINK_PID")
wait_220 "$SINK_PORT" 10

start_mailgate main
MGF_PORT=$MG_PORT; MGF_HTTP=$MG_HTTP; MGF_PID=$MG_PID
start_mailgate main-pg "${MG_ARGS_PG[@]}" --Spool:ConnectionString="$(pg_db mg_main)"
MGP_PORT=$MG_PORT; MGP_HTTP=$MG_HTTP; MGP_PID=$MG_PID
declare -A PORT=([mailgate]=$MGF_PORT [mailgate-pg]=$MGP_PORT [postfix]=$PF_PORT [smtp-sink]=$SINK_PORT)
declare -A HTTP=([mailgate]=$MGF_HTTP [mailgate-pg]=$MGP_HTTP)
PEERS=(mailgate mailgate-pg postfix smtp-sink)

# ---------------------------------------------------------------- 4. throughput matrix
# One smtp-source run: prints "seconds errors".
source_run() {  # peer size sessions messages
  local port=${PORT[$1]} t0 t1 rc=0
  t0=$(date +%s.%N)
  smtp-source -s "$3" -m "$4" -l "$2" -f "$FROM" -t "$RCPT_DROP" 127.0.0.1:"$port" >"$WORK/source.out" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  local errs; errs=$(grep -c -v '^$' "$WORK/source.out" || true)
  [[ $rc != 0 ]] && errs="$errs(rc=$rc)"
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}') $errs"
}
postfix_queued() { grep -c 'postfix/cleanup.*message-id=' "$PF/maillog" 2>/dev/null || true; }
count_sent() {  # peer n
  if [[ $1 == mailgate ]]; then MG_SENT=$((MG_SENT + $2)); fi
  if [[ $1 == mailgate-pg ]]; then MGP_SENT=$((MGP_SENT + $2)); fi
  if [[ $1 == postfix ]]; then PF_SENT=$((PF_SENT + $2)); fi
}

log "throughput matrix: sizes ${SIZES[*]}, sessions ${SESSIONS[*]}, $REPS repetitions, ~${TARGET_S}s per run"
RAW=$WORK/throughput.tsv; : >"$RAW"
MG_SENT=0; MGP_SENT=0; PF_SENT=0; MG_BEFORE=$(mg_received "$MGF_HTTP"); MGP_BEFORE=$(mg_received "$MGP_HTTP"); PF_BEFORE=$(postfix_queued)
for size in "${SIZES[@]}"; do
  for s in "${SESSIONS[@]}"; do
    declare -A N=()
    for peer in "${PEERS[@]}"; do   # warm-up, which also sizes the measured runs
      nw=$((s * 5 > 40 ? s * 5 : 40))
      read -r secs _ < <(source_run "$peer" "$size" "$s" "$nw")
      n=$(python3 -c "print(max($s * 5, min(30000, round($nw / $secs * $TARGET_S))))")
      N[$peer]=$n
      count_sent "$peer" "$nw"
    done
    for rep in $(seq "$REPS"); do   # peers interleaved, so drift (other builds) hits all alike
      for peer in "${PEERS[@]}"; do
        read -r secs errs < <(source_run "$peer" "$size" "$s" "${N[$peer]}")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$peer" "$size" "$s" "$rep" "${N[$peer]}" "$secs" "$errs" >>"$RAW"
        count_sent "$peer" "${N[$peer]}"
        log "  $peer ${size}B s=$s rep $rep: ${N[$peer]} in ${secs}s (errors: $errs)"
      done
    done
    unset N
  done
done
sleep 1
MG_GOT=$(( $(mg_received "$MGF_HTTP") - MG_BEFORE ))
MGP_GOT=$(( $(mg_received "$MGP_HTTP") - MGP_BEFORE ))
PF_GOT=$(( $(postfix_queued) - PF_BEFORE ))

say "## Throughput: messages accepted per second (smtp-source, one message per connection)"
say ""
say "\`smtp-source -s <sessions> -m <N> -l <size> -f $FROM -t $RCPT_DROP\` (HELO, no pipelining, no TLS),"
say "N sized for ~${TARGET_S} s per run by a warm-up run; $REPS runs per cell, peers interleaved."
say "Rate = N / wall time of smtp-source. Median (min–max) msg/s. MailGate decides and drops this mail (rule"
say "bench-drop); Postfix queues it (fsync) and its discard transport drops it; smtp-sink keeps nothing."
say "MailGate (file) stores on its spool folder; MailGate (PostgreSQL) commits each message to the cluster above"
say "before its 250 (group commit). Both MailGate processes run throughout (the idle one still decides its backlog)."
say ""
python3 "$LIB/tables.py" throughput "$RAW" | tee -a "$OUT"
say ""
say "Check: MailGate (file) counted $MG_GOT received for $MG_SENT sent, MailGate (PostgreSQL) $MGP_GOT for $MGP_SENT (metric mailgate_smtp_messages_received_total); Postfix's cleanup logged $PF_GOT queued for $PF_SENT sent."
say ""

# MailGate accepts faster than it decides: wait until every accepted message is decided (else the
# latency probe's mail queues behind the backlog), and report how fast the backlog went.
# Both backlogs are read at once (the PostgreSQL MailGate decides its own while the file one drains).
drain() {  # label http-port backlog t0: wait until every accepted message is decided; say how big and how fast
  log "MailGate ($1): waiting for the processing backlog to drain"
  local received secs
  received=$(mg_received "$2")
  while (( $(mg_decided "$2") < received )); do
    if (( $(date +%s) - ${4%.*} > 600 )); then log "backlog not drained after 600 s"; break; fi
    sleep 0.5
  done
  secs=$(awk -v a="$4" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  say "After the last throughput run MailGate ($1) still had $3 of its $received accepted messages to parse and decide"
  say "(drop); they were all decided $secs s later, $(awk -v n="$3" -v t="$secs" 'BEGIN {printf "%.0f", (t > 0 ? n / t : 0)}') msg/s with no new mail coming in."
  say ""
}
DRAIN_T0=$(date +%s.%N)
BACKLOG_FILE=$(( $(mg_received "$MGF_HTTP") - $(mg_decided "$MGF_HTTP") ))
BACKLOG_PG=$(( $(mg_received "$MGP_HTTP") - $(mg_decided "$MGP_HTTP") ))
drain file "$MGF_HTTP" "$BACKLOG_FILE" "$DRAIN_T0"
drain PostgreSQL "$MGP_HTTP" "$BACKLOG_PG" "$DRAIN_T0"

# ---------------------------------------------------------------- 5. latency
log "PagerDuty fake capacity"
CAP=$(python3 "$LIB/pd_capacity.py" --port "$PD_PORT" --count 500)
LAT_ROWS=()
for peer in mailgate mailgate-pg; do
  name=$([[ $peer == mailgate ]] && echo file || echo PostgreSQL)
  log "latency ($name): steady $LAT_RATE msg/s for ${LAT_SECONDS}s"
  STEADY=$(python3 "$LIB/latency.py" --port "${PORT[$peer]}" --events "$PD_EVENTS" --rcpt "$RCPT_PAGE" \
    --rate "$LAT_RATE" --duration "$LAT_SECONDS" --workers 8 --wait 120) || true
  log "latency ($name): burst $BURST_COUNT from $BURST_SESSIONS sessions"
  BURST=$(python3 "$LIB/latency.py" --port "${PORT[$peer]}" --events "$PD_EVENTS" --rcpt "$RCPT_PAGE" \
    --count "$BURST_COUNT" --workers "$BURST_SESSIONS" --wait 300) || true
  LAT_ROWS+=("$name: steady $LAT_RATE msg/s × ${LAT_SECONDS}s (8 sessions)=$STEADY"
    "$name: burst $BURST_COUNT msgs, $BURST_SESSIONS sessions=$BURST")
done
say "## Latency: end of DATA → PagerDuty POST received (MailGate, 4 KiB messages that page)"
say ""
say "Client: python3 smtplib, one persistent session per thread; per message the time its 250 arrived."
say "Server: the fake PagerDuty's receive time of the event (same clock), joined by the subject."
say "\`deliver\` = POST received − 250 received; \`accept\` = 250 received − DATA sent (the client's wait)."
say "The fake PagerDuty alone takes $(json_get "$CAP" events_per_s) events/s over one keep-alive connection (p50 $(json_get "$CAP" p50_ms) ms), so it is not the limit."
say "One backend at a time (file first, then PostgreSQL); the other MailGate is idle."
say ""
python3 "$LIB/tables.py" latency "${LAT_ROWS[@]}" | tee -a "$OUT"
say ""

stop_pid "$MGF_PID"
stop_pid "$MGP_PID"

# ---------------------------------------------------------------- 6. memory (a fresh MailGate)
log "memory"
start_mailgate mem --Smtp:MaxMessageSize=$((BIG_SIZE + 1024 * 1024))
MEMPID=$MG_PID
rss_now() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$MEMPID/status"; }
hwm_now() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$MEMPID/status"; }
reset_hwm() { echo 5 >"/proc/$MEMPID/clear_refs"; }
sleep 5
IDLE_RSS=$(rss_now); START_HWM=$(hwm_now)
MEMROWS=$WORK/memory.tsv; : >"$MEMROWS"
printf 'idle, 5 s after the 220\t%s\t%s\t-\n' "$IDLE_RSS" "$START_HWM" >>"$MEMROWS"

mem_phase() {  # label command…  (samples VmRSS every 50 ms, VmHWM reset before)
  local label=$1; shift
  local before; before=$(rss_now)
  reset_hwm
  python3 "$LIB/rss.py" --pid "$MEMPID" --interval 0.05 --out "$WORK/rss-${label// /_}.txt" >"$WORK/rss.json" &
  local sp=$!; PIDS+=("$sp")
  local note; note=$("$@" 2>&1 | tail -1) || true
  sleep 1; wait_decided
  stop_pid "$sp"
  local peak; peak=$(hwm_now)
  printf '%s\t%s\t%s\t%s\n' "$label" "$before" "$peak" "$note" >>"$MEMROWS"
}
src_note() { smtp-source "$@" >"$WORK/mem-source.out" 2>&1 && echo "smtp-source ok" || echo "smtp-source rc=$? $(tail -1 "$WORK/mem-source.out")"; }
mem_phase "$MEM_SESSIONS sessions × 100 KiB ($MEM_MESSAGES msgs)" \
  src_note -s "$MEM_SESSIONS" -m "$MEM_MESSAGES" -l 102400 -f "$FROM" -t "$RCPT_DROP" 127.0.0.1:"$MG_PORT"
mem_phase "$IDLE_CONNS idle connections (EHLO only, 5 s)" \
  python3 "$LIB/idle_conns.py" --port "$MG_PORT" --count "$IDLE_CONNS" --hold 5
mem_phase "one $((BIG_SIZE / 1024 / 1024)) MiB message" \
  src_note -s 1 -m 1 -l "$BIG_SIZE" -f "$FROM" -t "$RCPT_DROP" 127.0.0.1:"$MG_PORT"

say "## Memory: MailGate's resident set (fresh process, $GC_MODE GC)"
say ""
say "Peak = VmHWM after resetting it (\`echo 5 > /proc/<pid>/clear_refs\`) at the start of the phase, read once every message received has been decided (processing goes on after the last 250); before = VmRSS then."
say ""
python3 "$LIB/tables.py" memory "$MEMROWS" "$BIG_SIZE" | tee -a "$OUT"
say ""

stop_pid "$MEMPID"

# The phase above follows 1,000 messages of 100 KiB, whose heap the GC keeps: the big message can
# reuse it. Again in a fresh process, where nothing it needs is there yet.
log "memory: one big message in a fresh process"
start_mailgate big --Smtp:MaxMessageSize=$((BIG_SIZE + 1024 * 1024))
MEMPID=$MG_PID
sleep 5
BIG_BEFORE=$(rss_now)
reset_hwm
BIG_NOTE=$(src_note -s 1 -m 1 -l "$BIG_SIZE" -f "$FROM" -t "$RCPT_DROP" 127.0.0.1:"$MG_PORT")
sleep 1; wait_decided
BIG_PEAK=$(hwm_now)
stop_pid "$MEMPID"
say "The same message sent to a fresh MailGate, 5 s after its 220 ($BIG_NOTE): RSS before $BIG_BEFORE MiB, peak $BIG_PEAK MiB,"
say "$(awk -v b="$BIG_BEFORE" -v p="$BIG_PEAK" -v m="$BIG_SIZE" 'BEGIN {printf "peak − RSS before = %.1f MiB = %.2f× the message size.", p - b, (p - b) / (m / 1048576)}')"
say ""

# ---------------------------------------------------------------- memory with PostgreSQL (a fresh MailGate)
# MailGate's own RSS as above; PostgreSQL's (the postmaster and its backends) summed apart: its memory is
# the database's, not the gateway's (in production it is another machine).
log "memory (PostgreSQL backend)"
PG_MASTER=$(head -1 "$PG_DIR/data/postmaster.pid")
start_mailgate mem-pg "${MG_ARGS_PG[@]}" --Spool:ConnectionString="$(pg_db mg_mem)"
MEMPID=$MG_PID
sleep 5
PGM_IDLE=$(rss_now); PGM_START_HWM=$(hwm_now)
PGM_PG_IDLE=$(python3 "$LIB/pg_mem.py" --pid "$PG_MASTER" --once)
reset_hwm
python3 "$LIB/pg_mem.py" --pid "$PG_MASTER" --interval 0.2 >"$WORK/pg-mem.json" &
PGM_SAMPLER=$!; PIDS+=("$PGM_SAMPLER")
PGM_NOTE=$(src_note -s "$MEM_SESSIONS" -m "$MEM_MESSAGES" -l 102400 -f "$FROM" -t "$RCPT_DROP" 127.0.0.1:"$MG_PORT")
sleep 1; wait_decided
PGM_PEAK=$(hwm_now)
stop_pid "$PGM_SAMPLER"
PGM_PG=$(cat "$WORK/pg-mem.json")
stop_pid "$MEMPID"
say "## Memory with the PostgreSQL backend (fresh process, $GC_MODE GC)"
say ""
say "MailGate: VmRSS / VmHWM as above. PostgreSQL: the postmaster and all its child processes (one backend per"
say "connection of MailGate's pool), summed every 0.2 s: RSS (counts each shared page once per process, so"
say "shared_buffers many times over) and PSS (shared pages split among the processes: the fair total)."
say ""
python3 "$LIB/tables.py" pgmemory "$PGM_IDLE" "$PGM_START_HWM" "$PGM_PG_IDLE" \
  "$MEM_SESSIONS sessions × 100 KiB ($MEM_MESSAGES msgs)" "$PGM_PEAK" "$PGM_PG" "$PGM_NOTE" | tee -a "$OUT"
say ""

# ---------------------------------------------------------------- soak (a fresh MailGate)
log "soak: ${SOAK_SECONDS}s at $SOAK_RATE msg/s"
start_mailgate soak
MEMPID=$MG_PID
sleep 5
python3 "$LIB/rss.py" --pid "$MEMPID" --interval 1 --out "$WORK/rss-soak.txt" >"$WORK/rss-soak.json" &
SOAK_SAMPLER=$!; PIDS+=("$SOAK_SAMPLER")
SOAK=$(python3 "$LIB/latency.py" --port "$MG_PORT" --events "$PD_EVENTS" --rcpt "$RCPT_PAGE" \
  --rate "$SOAK_RATE" --duration "$SOAK_SECONDS" --workers 4 --large-every 10 --large-size 102400 --wait 120) || true
stop_pid "$SOAK_SAMPLER"
SOAK_MSGS=$((SOAK_RATE * SOAK_SECONDS))
say "## Soak: RSS over time"
say ""
say "$SOAK_MSGS messages that page ($SOAK_RATE msg/s for ${SOAK_SECONDS} s, every 10th 100 KiB, the rest 4 KiB):"
say "the traffic of $((SOAK_MSGS / 60)) minutes at 1 msg/s, compressed $((SOAK_RATE))×. A fresh MailGate, 5 s after its 220; VmRSS sampled every second from t = 0, when the load starts."
say ""
python3 "$LIB/tables.py" soak "$WORK/rss-soak.txt" "$SOAK" | tee -a "$OUT"
say ""
stop_pid "$MEMPID"

# ---------------------------------------------------------------- 7. start-up
log "start-up x$STARTUP_RUNS"
STARTUP=$(python3 "$LIB/startup.py" --runs "$STARTUP_RUNS" --workdir "$WORK" --log "$WORK/startup.log" -- \
  "$MG_EXE" serve "${MG_ARGS_COMMON[@]}" --Smtp:Port={smtp_port} \
  --Http:Url=http://127.0.0.1:{http_port} --Spool:Path={spool} \
  --PagerDuty:EventsUrl="http://127.0.0.1:$PD_PORT/v2/enqueue")
say "## Start-up: process start → SMTP port answers 220"
say ""
say "\`MailGate serve …\` (the native executable of a Release publish, empty spool), polled every 5 ms."
say ""
say "| runs (ms) | median | min–max |"
say "|---|---|---|"
say "| $(json_get "$STARTUP" runs_ms) | $(json_get "$STARTUP" median_ms) ms | $(json_get "$STARTUP" min_ms)–$(json_get "$STARTUP" max_ms) ms |"
say ""

# ---------------------------------------------------------------- end
ELAPSED=$(( $(date +%s) - RUN_START ))
say "Total run time: $((ELAPSED / 60)) min $((ELAPSED % 60)) s. Load at end: $(cut -d' ' -f1-3 /proc/loadavg)."
log "report written to $OUT"
