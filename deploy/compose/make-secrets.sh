#!/usr/bin/env bash
# Writes the database password for compose.replicas.yaml, once, into ./secrets/ beside this script:
#   postgres-password   the password alone (PostgreSQL's POSTGRES_PASSWORD_FILE), mode 0600, root's
#   mailgate.pgpass     the same as a PostgreSQL password file line, read by the replicas (uid 1654)
#                       through PGPASSFILE, mode 0600, owned by uid 1654
# Run as root (it sets the owner). An existing secrets folder is left alone.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
if [ -e "$dir" ]; then echo "$dir exists; remove it to make new secrets" >&2; exit 1; fi
umask 077
mkdir "$dir"
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')   # hex: nothing to escape
printf '%s\n' "$password" >"$dir/postgres-password"
printf '*:*:mailgate:mailgate:%s\n' "$password" >"$dir/mailgate.pgpass"
chown 1654:1654 "$dir/mailgate.pgpass"
echo "wrote $dir/postgres-password and $dir/mailgate.pgpass"
