#!/usr/bin/env bash
# Store ingest benchmark (issue: store). 50 clients commit submissions of one 8 KiB part through SubmissionStore:
#   paced:   1,000 commits/s offered on a fixed schedule (the target: p99 < 100 ms), latency from scheduled start
#   unpaced: as fast as the clients go (capacity)
# Each line also gives one thread's write+fsync rate on the same disk, for reference.
# Usage: bench/ingest-store.sh [CLIENTS COMMITS RATE PART_SIZE WARMUP]   (one run with these instead of the two)
set -euo pipefail
cd "$(dirname "$0")/.."
# On disk (/var/tmp, not a tmpfs /tmp that makes every fsync free) and outside target/, which a build may clean.
work=$(mktemp -d /var/tmp/ingest-store.XXXXXX)
trap 'rm -rf "$work"' EXIT
# One Maven build at a time on a shared machine; the classes are copied so that a later build cannot swap them.
flock /tmp/mvn.lock bash -c "mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=$work/classpath.txt \
  && cp -r target/classes target/test-classes $work/"
mkdir "$work/data"
bench() {
  java -cp "$work/test-classes:$work/classes:$(cat "$work/classpath.txt")" \
    org.testimonyintake.store.IngestStoreBench "$work/data" "$@"
}
if [ $# -gt 0 ]; then
  bench "$@"
else
  bench 50 20000 1000
  bench 50 20000 0
fi
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(df -T "$work" | awk 'NR==2 { print $2 " on " $1 }')"
