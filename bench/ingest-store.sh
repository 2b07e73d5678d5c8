#!/usr/bin/env bash
# Store ingest benchmark (issue: store). 50 clients commit submissions of one 8 KiB part through SubmissionStore:
#   paced:   1,000 commits/s offered on a fixed schedule (the target: p99 < 100 ms), latency from scheduled start
#   unpaced: as fast as the clients go (capacity)
# Each line also gives one thread's write+fsync rate on the same disk, for reference.
# Usage: bench/ingest-store.sh [CLIENTS COMMITS RATE PART_SIZE WARMUP]   (one run with these instead of the two)
set -euo pipefail
cd "$(dirname "$0")/.."
# One Maven build at a time on a shared machine.
flock /tmp/mvn.lock mvn -B -q test-compile
flock /tmp/mvn.lock mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
# On the project's disk: a tmpfs /tmp would make every fsync free.
work=$(mktemp -d "$PWD/target/ingest-store.XXXXXX")
trap 'rm -rf "$work"' EXIT
bench() {
  java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    org.testimonyintake.store.IngestStoreBench "$work" "$@"
}
if [ $# -gt 0 ]; then
  bench "$@"
else
  bench 50 20000 1000
  bench 50 20000 0
fi
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(df -T "$work" | awk 'NR==2 { print $2 }') on $(df "$work" | awk 'NR==2 { print $1 }')"
