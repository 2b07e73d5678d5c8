#!/usr/bin/env bash
# JavaScript-off encryption throughput (issue 3, benchmark 3). Against the real intake-server.jar (default heap) on
# loopback, curl POSTs /submit as the form does without JavaScript: the form token, a testimony answer and one file part
# of 500 MB (10^6 octets) of random plaintext, which the server encrypts to the office key as it streams in, hashes
# for the manifest, and stores (written, fsynced, committed). MB/s is of the whole request, from curl's first octet to
# the confirmation page; four 50 MB requests warm the server first, as the sources before did on a server that has run
# a while (the JIT compiles a method that handles one buffer a call after some 600 calls: 40 MB of 64 KiB buffers, and
# one warm-up request left the first run half interpreted). Then, without HTTP or disk, EncryptBench measures
# the encryption alone from memory (and each of its steps). Goals: >= 200 MB/s (issue 3), and at least as fast as
# `gpg --encrypt` of the same file (issue 12), which each run times right after the request: no compression,
# --recipient-file the office key, the plaintext in the page cache, the ciphertext to a file on the same disk, not
# synced (gpg never syncs). The ratio is the request's MB/s over gpg's.
# The server's CPU is split into user and system time: writing the ciphertext into fresh page-cache pages costs system
# time that varies from run to run on a virtual machine, and the runs where it is high are the slow ones.
# Usage: bench/intake-encrypt.sh [RUNS=3] [MEGABYTES=500]
# shellcheck source=bench/intake-lib.sh
source "$(dirname "$0")/intake-lib.sh"
runs=${1:-3} mb=${2:-500}

bench_build
bench_office_key
head -c $((mb * 1000000)) /dev/urandom > "$WORK/plain.bin"
head -c 50000000 /dev/urandom > "$WORK/warm.bin"
# The measurement holds /tmp/mvn.lock, as every CPU-heavy job on a shared machine does; the build takes it itself.
exec 9>> /tmp/mvn.lock
flock 9
machine_load before
: > "$WORK/figures"

# user and system CPU time of the server, in clock ticks
server_cpu() { awk '{ print $14, $15 }' "/proc/$SERVER_PID/stat"; }

# post FILE: one JavaScript-off submission with FILE attached; prints "HTTP_CODE SECONDS".
post() {
  curl -sS -o "$WORK/response.html" -w '%{http_code} %{time_total}\n' --max-time 900 \
    -F "form-token=$token" -F "testimony=Benchmark testimony, throwaway." \
    -F "attachments=@$1;filename=evidence.bin;type=application/octet-stream" "${SERVER_URL}submit"
}

# gpg_encrypt FILE: prints the seconds `gpg --encrypt` takes for FILE.
gpg_encrypt() {
  rm -f "$WORK/gpg.out"
  sync
  local start end
  start=$(date +%s.%N)
  gpg --batch --quiet --trust-model always --compress-algo none --recipient-file "$WORK/office.asc" \
    --output "$WORK/gpg.out" --encrypt "$1"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

server_start "$WORK/data"
token=$(form_token)
for warm_up in 1 2 3 4; do
  read -r code seconds < <(post "$WORK/warm.bin")
  echo "warm-up $warm_up: 50 MB, HTTP $code in $seconds s"
done
for ((run = 1; run <= runs; run++)); do
  sync # the plaintext file is in the page cache; write back earlier runs' ciphertext before timing
  read -r user_before system_before < <(server_cpu)
  read -r code seconds < <(post "$WORK/plain.bin")
  read -r user_after system_after < <(server_cpu)
  user_seconds=$(awk -v a="$user_before" -v b="$user_after" 'BEGIN { print (b - a) / 100 }')
  system_seconds=$(awk -v a="$system_before" -v b="$system_after" 'BEGIN { print (b - a) / 100 }')
  cpu_seconds=$(awk -v u="$user_seconds" -v s="$system_seconds" 'BEGIN { print u + s }')
  [ "$code" = 200 ] || { echo "run $run: HTTP $code"; cat "$WORK/response.html"; exit 1; }
  rate=$(awk -v mb="$mb" -v s="$seconds" 'BEGIN { printf "%.1f", mb / s }')
  echo "run $run: $mb MB in $seconds s = $rate MB/s (whole request); server CPU $cpu_seconds s" \
    "(user $user_seconds, system $system_seconds)"
  gpg_seconds=$(gpg_encrypt "$WORK/plain.bin")
  gpg_rate=$(awk -v mb="$mb" -v s="$gpg_seconds" 'BEGIN { printf "%.1f", mb / s }')
  ratio=$(awk -v a="$rate" -v b="$gpg_rate" 'BEGIN { printf "%.2f", a / b }')
  echo "run $run: gpg --encrypt of the same file in $gpg_seconds s = $gpg_rate MB/s; request/gpg = $ratio"
  { echo "http-submit.MB_per_s $rate"; echo "http-submit.server_cpu_s $cpu_seconds"
    echo "http-submit.server_user_s $user_seconds"; echo "http-submit.server_system_s $system_seconds"
    echo "gpg-encrypt.MB_per_s $gpg_rate"; echo "http-submit.per_gpg $ratio"; } >> "$WORK/figures"
done
rm -f "$WORK/gpg.out"
server_stop
stored=$(find "$WORK/data/submissions" -name attachment-1.pgp -size +$((mb * 1000000))c | wc -l)
echo "stored: $stored attachments larger than the $mb MB plaintext (expected $runs)"
[ "$stored" = "$runs" ] || exit 1
rm -rf "$WORK/data"

echo "encryption alone, from memory (EncryptBench):"
java -cp "$BENCH_CP" org.testimonyintake.bench.EncryptBench "$WORK/office.asc" "$mb" "$runs" | tee "$WORK/micro.log" \
  | grep -v '^figure'
machine_load after
echo
echo "JavaScript-off encryption: $mb MB attachment, $runs runs"
summarize "$WORK/figures"
machine_facts
dd if=/dev/zero of="$WORK/disk.bin" bs=1M count=1000 conv=fdatasync 2>&1 | tail -1 \
  | awk -F', ' '{ print "disk: " $NF " writing 1 GB with fdatasync at the end (dd)" }'
