#!/usr/bin/env bash
# Store ingest, SQLite beside PostgreSQL (issue 10), in one run on this machine: 50 clients, unpaced, one 8 KiB part
# per submission. SQLite through SubmissionStore (group commit, fsync); PostgreSQL 15 through PostgresDatabase with a
# synchronous standby (remote_apply), both clusters started from Debian's binaries on /var/tmp (a real disk).
# Usage: bench/ingest-postgresql.sh [CLIENTS COMMITS POOL]   (POOL: PostgreSQL connections, default CLIENTS)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-50}
commits=${2:-10000}
pool=${3:-$clients}
work=$(mktemp -d /var/tmp/ingest-postgresql.XXXXXX)
chmod 755 "$work" # the clusters run as the unprivileged user postgres when this runs as root
trap 'rm -rf "$work"' EXIT
flock /tmp/mvn.lock bash -c "mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=$work/classpath.txt \
  && cp -r target/classes target/test-classes $work/"
classpath="$work/test-classes:$work/classes:$(cat "$work/classpath.txt")"
mkdir "$work/sqlite"
echo "uptime before: $(uptime)"
java -cp "$classpath" org.testimonyintake.store.IngestStoreBench "$work/sqlite" "$clients" "$commits" 0 8192 1000
java -cp "$classpath" org.testimonyintake.store.PostgresIngestBench "$work" "$clients" "$commits" 8192 1000 "$pool"
echo "uptime after: $(uptime)"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(df -T "$work" | awk 'NR==2 { print $2 " on " $1 }')"
