#!/usr/bin/env bash
# Whole-server SIGKILL rounds (issue 11): WholeServerKillTest with ROUNDS rounds (default 10; `mvn test` runs 3), each
# killing the serve JVM at another moment while 100 sources send, then restarting it, exporting and decrypting. The
# test fails on any acknowledged submission not exported (lost), so a run that ends OK has lost 0 in every round.
# Prints each round's line and the totals: acknowledged, exported, lost, seconds per round.
# Usage: bench/kill-rounds.sh [ROUNDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
log=$(mktemp /var/tmp/kill-rounds.XXXXXX)
echo "load before: $(uptime)"
status=0
flock /tmp/mvn.lock mvn -B -o -q test -Dtest=WholeServerKillTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dkill.rounds="$rounds" > "$log" 2>&1 || status=$?
echo "load after: $(uptime)"
grep '^kill round' "$log" || true
grep '^kill round' "$log" | awk '
  { for (i = 1; i < NF; i++) {
      if ($i == "acknowledged") acknowledged += $(i + 1)
      if ($i == "exported") exported += $(i + 1)
      if ($i == "lost") lost += $(i + 1)
    }
    seconds = $(NF - 1); total += seconds
    if (n == 0 || seconds < fastest) fastest = seconds
    if (seconds > slowest) slowest = seconds
    n++ }
  END { printf "rounds %d; acknowledged %d; exported %d; lost %d; seconds per round: mean %.1f, min %.1f, max %.1f\n",
          n, acknowledged, exported, lost, n ? total / n : 0, fastest, slowest }'
if [ "$status" -ne 0 ]; then
  grep -E 'FAIL|expected|Exception' "$log" | head -20
  echo "the test failed (exit $status); full output: $log"
  exit "$status"
fi
rm -f "$log"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
