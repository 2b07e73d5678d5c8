#!/usr/bin/env bash
# Durable ingest over HTTP (issue 3, benchmark 1). Against the real intake-server.jar (default heap) on loopback,
# 50 keep-alive clients POST /api/submissions (the JavaScript-on path), each a form token and one testimony part:
# a real OpenPGP message of 8 KiB to the server's office key, 1,000 distinct ones made in advance by MessageEncryptor.
#   server-unpaced      as fast as the clients go (capacity; closed loop)
#   server-paced-1000   1,000 submissions a second on a fixed schedule; latency from the scheduled start
#   gpg-spawn           the same 8 KiB plaintext encrypted by one `gpg --encrypt` process per item at the same
#                       concurrency, as server-side-encrypting pipelines do (encryption only: no HTTP, no storage)
# After each run the server is stopped and `intake-server export` counts what it stored: it must equal the number of
# submissions acknowledged with 200 (nothing acknowledged is lost). Goal: >= 1,000/s with p99 < 100 ms.
# Each run starts a fresh server and warms it with WARMUP submissions first: C2 compilation still takes a third of the
# server's CPU after 3,000 (perf), and a server that runs for weeks is measured warm.
# Usage: bench/intake-ingest.sh [RUNS=3] [CLIENTS=50] [COUNT=20000] [RATE=1000] [GPG_COUNT=2000] [WARMUP=15000]
# shellcheck source=bench/intake-lib.sh
source "$(dirname "$0")/intake-lib.sh"
runs=${1:-3} clients=${2:-50} count=${3:-20000} rate=${4:-1000} gpg_count=${5:-2000} warmup=${6:-15000}

bench_build
bench_office_key
machine_load before
: > "$WORK/figures"
lost=0
for ((run = 1; run <= runs; run++)); do
  echo "== run $run of $runs"
  server_start "$WORK/data-$run"
  java -Xmx512m -cp "$BENCH_CP" org.testimonyintake.bench.IngestHttpBench "$SERVER_URL" "$WORK/office.asc" \
    "$GNUPGHOME" "$clients" "$count" "$rate" "$warmup" "$gpg_count" 8192 120 "$SERVER_PID" | tee "$WORK/run.log" | grep -v '^figure'
  server_rss=$(rss_mb "$SERVER_PID")
  server_stop
  acknowledged=$(awk '/^acknowledged/ { print $2 }' "$WORK/run.log")
  stored=$(stored_count "$WORK/data-$run")
  sizes=$(find "$WORK/data-$run/submissions" -name testimony.json.pgp -size -8193c -size +8191c | wc -l)
  echo "acknowledged $acknowledged, stored $stored (export), $sizes testimony files of 8192 octets;" \
    "server RSS after the run $server_rss MB"
  if [ "$acknowledged" != "$stored" ] || [ "$sizes" != "$stored" ]; then
    echo "MISMATCH: acknowledged and stored differ"
    lost=1
  fi
  awk '/^figure/ { print $2, $3 }' "$WORK/run.log" >> "$WORK/figures"
  rm -rf "$WORK/data-$run"
done
machine_load after
echo
echo "ingest: $clients clients, 8 KiB ciphertext submissions over loopback HTTP, $runs runs"
summarize "$WORK/figures"
[ "$lost" = 0 ] && echo "every acknowledged submission was stored, in every run"
machine_facts
dd if=/dev/zero of="$WORK/fsync.bin" bs=8k count=2000 oflag=dsync 2>&1 | tail -1 \
  | awk -F', ' '{ split($(NF - 1), s, " "); printf "fsync: %.0f writes of 8 KiB a second with O_DSYNC (dd, one thread)\n", 2000 / s[1] }'
exit "$lost"
