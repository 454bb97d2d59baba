#!/usr/bin/env bash
# Commits per paging message on the PostgreSQL backend, and latency at 50 msg/s (profile, not in run.sh).
# As root, like bench/run.sh. Starts its own cluster (eng/postgres-test-cluster.sh), fake PagerDuty and MailGate
# (Spool:Backend=postgres), sends RATE paging msg/s for DUR s with latency.py, prints PostgreSQL's transaction
# and WAL-flush counts (pg_stat_database, pg_stat_wal) before/after and the latency summary, then stops all three.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$ROOT/bench
MG=${1:?usage: bench/lib/pg_wal_profile.sh PUBLISHED/MailGate   (RATE=50 DUR=10 by default)}
W=$(mktemp -d /tmp/mailgate-walprof.XXXX); chmod 755 $W
MGP=""; PD=""
cleanup() { set +e; [ -n "$MGP" ] && kill $MGP && wait $MGP; [ -n "$PD" ] && kill $PD && wait $PD; bash $ROOT/eng/postgres-test-cluster.sh stop $W/pg; rm -rf $W; }
trap cleanup EXIT
CS=$(bash $ROOT/eng/postgres-test-cluster.sh start $W/pg | tail -n1)
PORT=$(cat $W/pg/port)
PSQL="runuser -u postgres -- $(ls /usr/lib/postgresql/*/bin/psql | tail -1) -h $W/pg/socket -p $PORT -U postgres -XAtq"
$PSQL -d postgres -c "CREATE DATABASE prof"
python3 $B/lib/fake_pagerduty.py --port-file $W/pd.port --events $W/pd.jsonl & PD=$!
sleep 1; PDP=$(cat $W/pd.port)
SP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$( [[ $MG == *.dll ]] && echo dotnet ) $MG serve --Smtp:Address=127.0.0.1 --Rules:Path=$B/lib/rules.yaml --Trust:Verify=false --Serilog:MinimumLevel:Default=Warning \
  --Smtp:Port=$SP --Http:Url=http://127.0.0.1:$HP --Spool:Path=$W/spool --PagerDuty:EventsUrl=http://127.0.0.1:$PDP/v2/enqueue \
  --Spool:Backend=postgres --Spool:ConnectionString="${CS/Database=postgres/Database=prof}" > $W/mg.log 2>&1 & MGP=$!
for i in $(seq 200); do (echo > /dev/tcp/127.0.0.1/$SP) 2>/dev/null && break; sleep 0.2; done
sleep 3
q="SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname='prof'"
w="SELECT wal_records, wal_sync FROM pg_stat_wal"
B0=$($PSQL -d postgres -c "$q"); W0=$($PSQL -d postgres -c "$w"); T0=$(date +%s.%N)
python3 $B/lib/latency.py --port $SP --events $W/pd.jsonl --rcpt bench-page@mailgate.example.com --rate ${RATE:-50} --duration ${DUR:-10} --workers 8 --wait 120 > $W/lat.json || true
sleep 2
B1=$($PSQL -d postgres -c "$q"); W1=$($PSQL -d postgres -c "$w"); T1=$(date +%s.%N)
echo "commits before|after: $B0 -> $B1 ; wal records|syncs: $W0 -> $W1 ; secs $(echo "$T1 - $T0" | bc)"
python3 -c "import json;d=json.load(open('$W/lat.json'));print({k:d[k] for k in ('accepted','paged','achieved_rate','all_paged_after_s')}, d['deliver_ms'])"
