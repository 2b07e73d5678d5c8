#!/usr/bin/env bash
# Receipt checks of returning sources (issue 9): how many Argon2id checks per second the chosen cost (64 MiB, t=8,
# p=1, FORMAT.md section 10.2) allows on this machine with the global bound of 2 running and 16 waiting, how long a
# source waits for an answer when CLIENTS guessers keep the queue full, and the memory at the bound. Run once on all
# cores and once on one (taskset), the 1-CPU server the cost was chosen for.
# Usage: bench/receipt-checks.sh [CLIENTS=8] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /var/tmp/receipt-checks.XXXXXX)
trap 'rm -rf "$work"' EXIT
# One Maven build at a time on a shared machine; the classes are copied so that a later build cannot swap them.
flock /tmp/mvn.lock bash -c "mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=$work/classpath.txt \
  && cp -r target/classes target/test-classes $work/"
bench() {
  java -cp "$work/test-classes:$work/classes:$(cat "$work/classpath.txt")" \
    org.testimonyintake.returning.ReceiptChecksBench "$@"
}
echo "load before: $(uptime)"
echo "== all $(nproc) cores"
bench "${1:-8}" "${2:-20}"
echo "== one core (taskset -c 0)"
taskset -c 0 java -cp "$work/test-classes:$work/classes:$(cat "$work/classpath.txt")" \
  org.testimonyintake.returning.ReceiptChecksBench "${1:-8}" "${2:-20}"
echo "load after: $(uptime)"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
