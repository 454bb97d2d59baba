# Two replicas on PostgreSQL, as deploy/compose/compose.replicas.yaml runs them: the last part of the
# container smoke test. Sourced by .ci/container-smoke.sh (not run on its own), after its own steps,
# so that it reuses dockerd, the image $image, the fake PagerDuty ($events_url, $work/events.jsonl)
# and the helpers (step, fail, wait_for) and cleanup (containers, images, compose_down) defined there.
#   1. installs Debian's docker-compose (1.29.2; the docker CLI here has no compose plugin) and builds
#      a PostgreSQL stand-in image from Debian's postgresql (.ci/postgres-standin; no registry here);
#   2. writes the database secrets as deploy/compose/make-secrets.sh does, and a CI override file
#      (the image, the fake PagerDuty, Trust:Verify=false) layered over the compose file;
#   3. `docker-compose up -d --no-build`, waits for both replicas' /readyz (PostgreSQL checked);
#   4. sends one distinct abuse report to each replica's own SMTP port and checks the fake PagerDuty
#      got both pages, once each; then `docker-compose down` (SIGTERM: both exit 0).

compose_file=$repo/deploy/compose/compose.replicas.yaml
postgres_image=localhost/postgres-standin:ci

step "compose: install docker-compose (apt), build the PostgreSQL stand-in image"
apt-get install -y -q --no-install-recommends docker-compose >>"$work/apt.log" 2>&1 \
  || { tail -n 30 "$work/apt.log" >&2; fail "apt-get install docker-compose failed"; }
timeout 300 docker build --build-arg "BASE=$base_image" -t "$postgres_image" "$repo/.ci/postgres-standin" >"$work/postgres-build.log" 2>&1 \
  || { tail -n 30 "$work/postgres-build.log" >&2; fail "building the PostgreSQL stand-in failed"; }
images+=("$(docker image inspect -f '{{.Id}}' "$postgres_image")")
echo "    $(docker-compose version --short 2>/dev/null || docker-compose version | head -n 1); $postgres_image: $(( $(docker image inspect -f '{{.Size}}' "$postgres_image") / 1000000 )) MB"

step "compose: secrets, CI override, docker-compose up (PostgreSQL + two replicas)"
mv "$work/events.jsonl" "$work/events-single.jsonl"
mkdir -m 700 "$work/secrets"
db_password=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
( umask 077
  printf '%s\n' "$db_password" >"$work/secrets/postgres-password"
  printf '*:*:mailgate:mailgate:%s\n' "$db_password" >"$work/secrets/mailgate.pgpass" )
chown 1654:1654 "$work/secrets/mailgate.pgpass"
# The override adds what only CI needs; everything else (secrets, PGPASSFILE, the connection string
# without a password, read-only root, health checks) is the shipped file's.
cat >"$work/compose.ci.yaml" <<YAML
x-ci-environment: &ci-environment
  MAILGATE_PagerDuty__EventsUrl: "$events_url"
  MAILGATE_Smtp__AcceptedRecipients__0: "$recipient"
  MAILGATE_Trust__Verify: "false"
services:
  postgres:
    healthcheck: { interval: 1s }
  mailgate-a:
    environment: *ci-environment
    healthcheck: { interval: 2s }
  mailgate-b:
    environment: *ci-environment
    healthcheck: { interval: 2s }
YAML
compose_project=mgsmoke$$
compose() {
  POSTGRES_IMAGE=$postgres_image MAILGATE_IMAGE=$image MAILGATE_SECRETS_DIR=$work/secrets \
  MAILGATE_BIND=127.0.0.1 MAILGATE_A_SMTP_PORT=0 MAILGATE_B_SMTP_PORT=0 MAILGATE_A_HTTP_PORT=0 MAILGATE_B_HTTP_PORT=0 \
  PAGERDUTY_ROUTING_KEY=$routing_key \
    docker-compose --ansi never -p "$compose_project" -f "$compose_file" -f "$work/compose.ci.yaml" "$@"
}
compose_down() { compose down -v --timeout 40 >>"$work/compose.log" 2>&1; }
compose up -d --no-build >"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; fail "docker-compose up failed"; }
for service in postgres mailgate-a mailgate-b; do
  cid=$(compose ps -q "$service")
  [ -n "$cid" ] || fail "docker-compose started no $service container"
  containers+=("$cid")
  declare "cid_${service//-/_}=$cid"
done
port_of() { local p; p=$(docker port "$1" "$2/tcp" | head -n 1); echo "${p##*:}"; }
smtp_a=$(port_of "$cid_mailgate_a" 2525); http_a=$(port_of "$cid_mailgate_a" 8025)
smtp_b=$(port_of "$cid_mailgate_b" 2525); http_b=$(port_of "$cid_mailgate_b" 8025)
echo "    replica A SMTP $smtp_a HTTP $http_a; replica B SMTP $smtp_b HTTP $http_b"

step "compose: both replicas ready (/readyz 200: PostgreSQL reachable, schema migrated)"
replicas_ready() {
  container_running "$cid_mailgate_a"; container_running "$cid_mailgate_b"
  [ "$(curl -sS -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_a/readyz" 2>/dev/null)" = 200 ] \
    && [ "$(curl -sS -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_b/readyz" 2>/dev/null)" = 200 ]
}
wait_for 90 "both replicas' /readyz to answer 200" replicas_ready

step "compose: one distinct abuse report to each replica's SMTP port"
python3 - "$fixture" "$envelope_from" "$recipient" "$smtp_a" "$smtp_b" <<'PY'
import smtplib, sys
fixture, sender, recipient, ports = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(fixture, "rb") as f:
    original = f.read()
# Replica B gets a second report (another report id in the subject and Message-ID): a distinct email.
for port, message in zip(ports, [original, original.replace(b"[12345678]", b"[12345679]").replace(b"abuse-report-12345678@", b"abuse-report-12345679@")]):
    with smtplib.SMTP("127.0.0.1", int(port), timeout=30) as smtp:
        smtp.ehlo("smoke.test")
        assert smtp.mail(sender)[0] == 250
        assert smtp.rcpt(recipient)[0] == 250
        code, reply = smtp.data(message)
        assert code == 250, f"DATA on port {port}: {code} {reply!r}"
        print(f"    port {port}: {code} {reply.decode()}")
PY

step "compose: the fake PagerDuty gets both pages, once each"
two_events() {
  container_running "$cid_mailgate_a"; container_running "$cid_mailgate_b"
  [ -s "$work/events.jsonl" ] && [ "$(wc -l <"$work/events.jsonl")" -ge 2 ]
}
wait_for 30 "two events at the fake PagerDuty" two_events
sleep 1   # a third event (a duplicate page) would show up by now
python3 - "$work/events.jsonl" "$routing_key" <<'PY'
import json, sys
path, routing_key = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    events = [json.loads(line) for line in f if line.strip()]
keys = sorted(e.get("dedup_key", "") for e in events)
expected = [f"unverified-aws-abuse-report-123456789012-{n}" for n in ("12345678", "12345679")]
assert keys == expected, f"dedup keys: {keys} (expected {expected})"
assert all(e.get("routing_key") == routing_key and e.get("event_action") == "trigger" for e in events)
print(f"    {len(events)} events: {', '.join(keys)}")
PY

step "compose: docker-compose down (SIGTERM: both replicas exit 0), volumes removed"
compose stop --timeout 40 >>"$work/compose.log" 2>&1 || fail "docker-compose stop failed"
for cid in "$cid_mailgate_a" "$cid_mailgate_b"; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$cid")
  [ "$code" = 0 ] || fail "replica ${cid:0:12} exited $code after SIGTERM"
  if docker logs "$cid" 2>&1 | grep -qF -e "$db_password" -e "$routing_key"; then
    fail "a secret appears in the log of replica ${cid:0:12}"
  fi
done
compose_down || fail "docker-compose down failed"
compose_project=""
echo "    both replicas exited 0; no secret in their logs"
