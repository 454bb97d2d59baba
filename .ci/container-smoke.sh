#!/usr/bin/env bash
# Container smoke test: build MailGate's image without any container registry, run it, page once.
#
# Runs on CI after `dotnet test` (as root, no stdin, a fresh clone with ../shared beside it):
#   1. installs docker.io and debootstrap, starts dockerd itself (stopped again by its PID);
#   2. builds local stand-ins for the .NET base images with ../shared/scripts/make-dotnet-base-images.sh
#      (no registry is reachable here), then the image from the repository's Dockerfile;
#   3. checks that `rules check` in the image accepts the shipped rules, and that the image refuses
#      to start without the routing key its rules need (exit 2);
#   4. starts a fake PagerDuty on the host's Docker bridge address, runs the container (read-only,
#      no capabilities, published ports picked by Docker, the shipped rules folder mounted, the
#      routing key from an env file), checks /healthz, /readyz, /metrics and the HEALTHCHECK, sends
#      the abuse-report fixture over SMTP, checks the event the fake receives and the metrics;
#   5. stops the container with SIGTERM (docker stop) and checks it exited 0;
#   6. runs deploy/compose/compose.replicas.yaml (PostgreSQL + two replicas) with docker-compose and a
#      local PostgreSQL stand-in image, one mail to each replica, both paged: .ci/compose-smoke.sh.
# Everything it starts is cleaned up by its id or PID, also on failure. Ends with the step timings
# and "container smoke test: passed" (exit 0), or the container's logs and a non-zero exit.
#
# The images it builds are removed again at the end (by id), so that a machine that is reused does not
# fill up. For repeated local runs, MAILGATE_SMOKE_KEEP_IMAGES=1 keeps them, and reuses base images kept
# by an earlier run instead of building them again. CI never sets it.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(dirname "$repo")/shared
image=localhost/mailgate:ci
build_image=localhost/mailgate-build:ci   # the SDK stage, tagged so that it can be removed by id
sdk_image=localhost/dotnet/sdk:10.0
base_image=localhost/dotnet/aspnet:10.0
fixture=$repo/tests/Fixtures/mail/abuse-report-via-google-group.eml
recipient=aws-abuse@mailgate.example.com
envelope_from=aws-root-123456789012+bncBAABBQ7X5Y2AMGQE6UMQH3Q@example.com
# CI has no DNS to verify Google's ARC seal (Trust:Verify=false below), so the shipped rules page the
# report as unverified: marked, at warning. The verified path is tested end to end in dotnet test.
expected_summary='[unverified] AWS abuse report for account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]'

export DEBIAN_FRONTEND=noninteractive DOCKER_BUILDKIT=0   # no buildx on Debian 12: legacy builder

work=$(mktemp -d)
dockerd_pid=""
fake_pid=""
containers=()          # ids from `docker run -d`, removed (with their anonymous volumes) on exit
images=()              # ids of the images this run built, removed on exit (newest first)
keep_images=${MAILGATE_SMOKE_KEEP_IMAGES:-0}
main_cid=""
compose_project=""     # set by .ci/compose-smoke.sh while its services exist; `docker-compose down` on exit
build_ok=0
script_start=$EPOCHREALTIME

# ---- steps and timings ----------------------------------------------------------------------
timings=()
step_name=""
step_start=""
seconds_since() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }'; }
end_step() {
  if [ -n "$step_name" ]; then
    timings+=("$(printf '%7s s  %s' "$(seconds_since "$step_start")" "$step_name")")
    step_name=""
  fi
}
step() {
  end_step
  step_name=$1
  step_start=$EPOCHREALTIME
  echo "==> $1"
}
fail() {
  echo "error: $*" >&2
  exit 1
}
print_timings() {
  echo "--- timings"
  local line
  for line in "${timings[@]}"; do echo "$line"; done
  printf '%7s s  total\n' "$(seconds_since "$script_start")"
}

# ---- cleanup, by id and PID only --------------------------------------------------------------
on_exit() {
  local status=$?
  set +e
  local failed_step=$step_name
  end_step
  if [ "$status" -ne 0 ]; then
    echo "--- FAILED (exit $status) during: ${failed_step:-setup}" >&2
    local cid
    for cid in "${containers[@]}"; do
      echo "--- logs of container ${cid:0:12}" >&2
      docker logs "$cid" >&2 2>&1
      docker inspect -f 'state: {{.State.Status}}, exit code {{.State.ExitCode}}, health: {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$cid" >&2
    done
    [ -n "$compose_project" ] && [ -s "$work/compose.log" ] && { echo "--- docker-compose" >&2; cat "$work/compose.log" >&2; }
    [ "$build_ok" = 0 ] && [ -s "$work/build.log" ] && { echo "--- last lines of the image build" >&2; tail -n 40 "$work/build.log" >&2; }
    [ -s "$work/fake-pagerduty.log" ] && { echo "--- fake PagerDuty" >&2; cat "$work/fake-pagerduty.log" >&2; }
    [ -s "$work/dockerd.log" ] && { echo "--- last lines of dockerd's log" >&2; tail -n 20 "$work/dockerd.log" >&2; }
  fi
  step "clean up"
  [ -n "$compose_project" ] && compose_down
  for cid in "${containers[@]}"; do
    docker rm -f -v "$cid" >/dev/null 2>&1
  done
  if [ "$keep_images" != 1 ]; then
    local i
    for (( i = ${#images[@]} - 1; i >= 0; i-- )); do
      docker rmi -f "${images[i]}" >/dev/null 2>&1
    done
  fi
  if [ -n "$fake_pid" ]; then
    kill "$fake_pid" 2>/dev/null
    wait "$fake_pid" 2>/dev/null
  fi
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$dockerd_pid" 2>/dev/null
    wait "$dockerd_pid" 2>/dev/null
  fi
  rm -rf "$work"
  end_step
  print_timings
  if [ "$status" -eq 0 ]; then
    echo "container smoke test: passed"
  else
    echo "container smoke test: FAILED" >&2
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${seconds} s waiting for $what"
    sleep 0.2
  done
}
container_running() {
  [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || fail "container ${1:0:12} is not running"
}

# ---- 1. tools and Docker ------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || fail "run as root (installs packages, starts dockerd)"
[ -x "$shared/scripts/make-dotnet-base-images.sh" ] || fail "$shared/scripts/make-dotnet-base-images.sh not found (../shared beside the repository)"
[ -f "$fixture" ] || fail "fixture $fixture not found"

step "install docker.io, debootstrap, curl (apt)"
apt-get update -q >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update failed"; }
apt-get install -y -q --no-install-recommends docker.io debootstrap curl >>"$work/apt.log" 2>&1 \
  || { tail -n 30 "$work/apt.log" >&2; fail "apt-get install failed"; }
command -v python3 >/dev/null || fail "python3 is needed for the fake PagerDuty and the SMTP client"

step "start dockerd"
if docker info >/dev/null 2>&1; then
  echo "    a Docker daemon is already running; using it (this script will not stop it)"
else
  # a pid file left by a dockerd that was killed, naming a PID now used by another process, stops
  # dockerd from starting
  if [ -f /var/run/docker.pid ] && [ "$(cat "/proc/$(cat /var/run/docker.pid)/comm" 2>/dev/null)" != dockerd ]; then
    rm -f /var/run/docker.pid
  fi
  /usr/sbin/dockerd >"$work/dockerd.log" 2>&1 &   # a plain command, so $! is dockerd itself
  dockerd_pid=$!
  dockerd_up() {
    kill -0 "$dockerd_pid" 2>/dev/null || fail "dockerd exited"
    docker info >/dev/null 2>&1
  }
  wait_for 60 "dockerd" dockerd_up
  echo "    dockerd PID $dockerd_pid, server $(docker version -f '{{.Server.Version}}')"
fi

# ---- 2. images ----------------------------------------------------------------------------------
step "build local .NET base images (../shared/scripts/make-dotnet-base-images.sh)"
if [ "$keep_images" = 1 ] && docker image inspect "$sdk_image" "$base_image" >/dev/null 2>&1; then
  echo "    reusing $sdk_image and $base_image (MAILGATE_SMOKE_KEEP_IMAGES=1)"
else
  bash "$shared/scripts/make-dotnet-base-images.sh"
  images+=("$(docker image inspect -f '{{.Id}}' "$base_image")" "$(docker image inspect -f '{{.Id}}' "$sdk_image")")
fi

step "build $image (Dockerfile, restore and publish inside the SDK image)"
build_args=(--build-arg "SDK_IMAGE=$sdk_image" --build-arg "BASE=$base_image")
timeout 600 docker build "${build_args[@]}" --target build -t "$build_image" "$repo" >"$work/build.log" 2>&1 \
  || fail "docker build (SDK stage) failed"
images+=("$(docker image inspect -f '{{.Id}}' "$build_image")")
timeout 300 docker build "${build_args[@]}" -t "$image" "$repo" >>"$work/build.log" 2>&1 \
  || fail "docker build failed"
images+=("$(docker image inspect -f '{{.Id}}' "$image")")
build_ok=1
size=$(docker image inspect -f '{{.Size}}' "$image")
echo "    $image: $((size / 1000000)) MB, runs as user $(docker image inspect -f '{{.Config.User}}' "$image")"
[ -n "$(docker image inspect -f '{{.Config.User}}' "$image")" ] || fail "the image would run as root"

# ---- 3. one-shot runs: the rules check, start-up without the routing key ------------------------
# run_once EXPECTED_EXIT_CODE DOCKER_RUN_ARGS...: run a container to its end, keep its output in
# $work/once.log, remove it.
run_once() {
  local expected=$1 cid code
  shift
  cid=$(docker run -d "$@")
  containers+=("$cid")
  code=$(timeout 60 docker wait "$cid") || fail "the container did not stop within 60 s"
  [ "$code" = "$expected" ] || fail "expected exit code $expected, got $code"
  docker logs "$cid" >"$work/once.log" 2>&1
  docker rm -v "$cid" >/dev/null
  unset 'containers[-1]'
}

step "rules check in the image accepts the shipped rules"
run_once 0 -v "$repo/rules:/etc/mailgate:ro" "$image" rules check
grep -q 'valid' "$work/once.log" || fail "rules check did not say the rules are valid: $(cat "$work/once.log")"

step "without PAGERDUTY_ROUTING_KEY the container stops at start-up with exit 2"
run_once 2 "$image"
grep -q "PAGERDUTY_ROUTING_KEY" "$work/once.log" || fail "the start-up error does not name PAGERDUTY_ROUTING_KEY"

# ---- 4. a running gateway, a fake PagerDuty, one abuse report ----------------------------------
step "start a fake PagerDuty on the Docker bridge address"
# The container reaches the host at the bridge's gateway address; the fake listens there only,
# on a port the kernel picks, and writes that port to a file.
bridge_ip=$(docker network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}')
[ -n "$bridge_ip" ] || bridge_ip=$(ip -4 -o addr show docker0 | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
[ -n "$bridge_ip" ] || fail "no address found for the docker0 bridge"
cat >"$work/fake_pagerduty.py" <<'EOF'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

address, work = sys.argv[1], sys.argv[2]

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with open(f"{work}/events.jsonl", "ab") as events:
            events.write(body.replace(b"\n", b" ") + b"\n")
        try:
            dedup_key = json.loads(body).get("dedup_key", "")
        except ValueError:
            dedup_key = ""
        reply = json.dumps({"status": "success", "message": "Event processed", "dedup_key": dedup_key}).encode()
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format, *args):
        print(f"{self.address_string()} {format % args}", file=sys.stderr, flush=True)

server = ThreadingHTTPServer((address, 0), Handler)
with open(f"{work}/fake.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.rename(f"{work}/fake.port.tmp", f"{work}/fake.port")
server.serve_forever()
EOF
python3 "$work/fake_pagerduty.py" "$bridge_ip" "$work" >"$work/fake-pagerduty.log" 2>&1 &
fake_pid=$!
fake_up() {
  kill -0 "$fake_pid" 2>/dev/null || fail "the fake PagerDuty exited"
  [ -s "$work/fake.port" ]
}
wait_for 10 "the fake PagerDuty" fake_up
events_url="http://$bridge_ip:$(cat "$work/fake.port")/v2/enqueue"
echo "    $events_url (PID $fake_pid)"

step "run the container (read-only, no capabilities, routing key from an env file, rules folder mounted)"
routing_key=$(python3 -c 'import secrets; print(secrets.token_hex(16))')   # 32 characters, like PagerDuty's
umask 077
printf 'PAGERDUTY_ROUTING_KEY=%s\n' "$routing_key" >"$work/mailgate.env"
umask 022
# -p 127.0.0.1::PORT lets Docker pick free host ports; `docker port` tells which.
# --health-interval only shortens the image's HEALTHCHECK period; its command is the image's own.
main_cid=$(docker run -d \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
  -p 127.0.0.1::2525 -p 127.0.0.1::8025 \
  --env-file "$work/mailgate.env" \
  -e "MAILGATE_PagerDuty__EventsUrl=$events_url" \
  -e "MAILGATE_Smtp__AcceptedRecipients__0=$recipient" \
  -e "MAILGATE_Trust__Verify=false" \
  -v "$repo/rules:/etc/mailgate:ro" \
  --health-interval 2s \
  "$image")
containers+=("$main_cid")
smtp_port=$(docker port "$main_cid" 2525/tcp | head -n 1); smtp_port=${smtp_port##*:}
http_port=$(docker port "$main_cid" 8025/tcp | head -n 1); http_port=${http_port##*:}
base_url="http://127.0.0.1:$http_port"
echo "    container ${main_cid:0:12}: SMTP 127.0.0.1:$smtp_port, HTTP $base_url"

step "GET /healthz, /readyz, /metrics"
# docker-proxy accepts and resets connections until the app listens: retry.
healthz_ok() {
  container_running "$main_cid"
  [ "$(curl -sS -m 2 "$base_url/healthz" 2>/dev/null)" = '{"status":"ok"}' ]
}
wait_for 60 "GET /healthz to answer {\"status\":\"ok\"}" healthz_ok
readyz_ok() {
  container_running "$main_cid"
  [ "$(curl -sS -m 2 -o /dev/null -w '%{http_code}' "$base_url/readyz" 2>/dev/null)" = 200 ]
}
wait_for 30 "GET /readyz to answer 200" readyz_ok
curl -fsS -m 5 "$base_url/metrics" >"$work/metrics.txt" || fail "GET /metrics failed"
grep -q '^mailgate_' "$work/metrics.txt" || fail "GET /metrics has no mailgate_ metric"
echo "    healthz ok, readyz 200, metrics: $(grep -c '^mailgate_' "$work/metrics.txt") mailgate_ samples"

step "send the abuse-report fixture over SMTP"
python3 - "$smtp_port" "$fixture" "$envelope_from" "$recipient" <<'EOF'
import smtplib, sys
port, fixture, sender, recipient = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(fixture, "rb") as f:
    message = f.read()
with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
    smtp.ehlo("smoke.test")
    code, reply = smtp.mail(sender)
    assert code == 250, f"MAIL FROM: {code} {reply!r}"
    code, reply = smtp.rcpt(recipient)
    assert code == 250, f"RCPT TO: {code} {reply!r}"
    code, reply = smtp.data(message)
    assert code == 250, f"DATA: {code} {reply!r}"
    print(f"    {code} {reply.decode()}")
EOF

step "the fake PagerDuty receives the event"
event_arrived() {
  container_running "$main_cid"
  [ -s "$work/events.jsonl" ]
}
wait_for 30 "the event at the fake PagerDuty" event_arrived
sleep 1   # a second event (a duplicate page) would show up by now
python3 - "$work/events.jsonl" "$routing_key" "$expected_summary" <<'EOF'
import json, sys
path, routing_key, summary = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, "rb") as f:
    events = [json.loads(line) for line in f if line.strip()]
assert len(events) == 1, f"expected 1 event, got {len(events)}"
event = events[0]
assert event.get("routing_key") == routing_key, "routing_key is not the one from the env file"
assert event.get("event_action") == "trigger", f"event_action: {event.get('event_action')!r}"
assert event["payload"]["summary"] == summary, f"summary: {event['payload']['summary']!r}"
# The shipped abuse rule keys the incident on the account and the report id (follow-ups join it); an
# unverified match (no ARC seal: sent straight to the port) is kept apart from a verified incident.
assert event.get("dedup_key", "") == "unverified-aws-abuse-report-123456789012-12345678", f"dedup_key: {event.get('dedup_key')!r}"
print(f"    routing key ok, summary {event['payload']['summary']!r}, dedup key {event['dedup_key']}")
EOF

step "/metrics counts the delivery"
delivered() {
  container_running "$main_cid"
  curl -fsS -m 2 "$base_url/metrics" >"$work/metrics.txt" 2>/dev/null || return 1
  grep -Eq '^mailgate_pagerduty_deliveries_total\{.*outcome="delivered".*\} 1( [0-9]+)?$' "$work/metrics.txt"
}
wait_for 15 'mailgate_pagerduty_deliveries_total{outcome="delivered"} 1' delivered

step "HEALTHCHECK reports healthy"
healthy() {
  container_running "$main_cid"
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$main_cid")" = healthy ]
}
wait_for 60 "the HEALTHCHECK to report healthy" healthy

step "SIGTERM (docker stop) ends the container with exit 0"
docker stop -t 40 "$main_cid" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$main_cid")
[ "$code" = 0 ] || fail "expected exit code 0 after SIGTERM, got $code"
if docker logs "$main_cid" 2>&1 | grep -qF "$routing_key"; then
  fail "the routing key appears in the container's log"
fi
echo "    exit code 0; the routing key is not in the log"

# ---- 6. two replicas on PostgreSQL with docker-compose -------------------------------------------
# shellcheck source=compose-smoke.sh
source "$repo/.ci/compose-smoke.sh"
end_step
