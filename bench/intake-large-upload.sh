#!/usr/bin/env bash
# A 1 GiB ciphertext upload with a 64 MiB heap (issue 3, benchmark 2). The real intake-server.jar runs with -Xmx64m
# and --max-attachment-size 2G --max-request-size 3G (defaults: 600M, 2G); curl POSTs /api/submissions (JavaScript on)
# with the form token, a small testimony message and one attachment part: a 1 GiB OpenPGP message to the office key,
# made once by gpg --compress-algo none, streamed from /dev/zero to disk (never in memory). The server's resident
# memory (VmRSS) is sampled every 0.5 s during the upload: it must stay flat. The stored attachment must be the very
# file sent (same size and SHA-256).
# Usage: bench/intake-large-upload.sh [RUNS=3] [MIB=1024]
# shellcheck source=bench/intake-lib.sh
source "$(dirname "$0")/intake-lib.sh"
runs=${1:-3} mib=${2:-1024}

bench_build
bench_office_key
encrypt() {
  gpg --batch --quiet --no-keyring --trust-model always --compress-algo none \
    --recipient-file "$WORK/office.asc" --encrypt --output "$1"
}
echo '{"type":"testimony-intake/testimony","version":1,"language":"en","encryptedBy":"browser","answers":[],"attachments":[]}' \
  | encrypt "$WORK/testimony.pgp"
head -c $((mib * 1048576)) /dev/zero | encrypt "$WORK/big.pgp"
big_size=$(stat -c %s "$WORK/big.pgp")
big_sha=$(sha256sum "$WORK/big.pgp" | cut -d' ' -f1)
echo "attachment: $big_size octets of ciphertext ($mib MiB of plaintext)"
machine_load before
: > "$WORK/figures"

for ((run = 1; run <= runs; run++)); do
  server_start "$WORK/data-$run" -Xmx64m -- --max-attachment-size 2G --max-request-size 3G
  token=$(form_token)
  # A few requests first, so that the idle figure is of a server that has served.
  curl -fsS -o /dev/null "${SERVER_URL}" && curl -fsS -o /dev/null "${SERVER_URL}key"
  rss_idle=$(rss_mb "$SERVER_PID")
  : > "$WORK/rss"
  (
    for ((i = 0; i < 2400; i++)); do # at most 20 minutes
      [ -e "$WORK/upload-done" ] && break
      rss_mb "$SERVER_PID" >> "$WORK/rss" 2> /dev/null || break
      sleep 0.5
    done
  ) &
  sampler=$!
  cpu_before=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
  read -r code seconds < <(curl -sS -o "$WORK/response.html" -w '%{http_code} %{time_total}\n' --max-time 1200 \
    -F "form-token=$token" -F "testimony=@$WORK/testimony.pgp;type=application/octet-stream" \
    -F "attachment-1=@$WORK/big.pgp;type=application/octet-stream" "${SERVER_URL}api/submissions")
  touch "$WORK/upload-done"
  cpu_seconds=$(awk -v a="$cpu_before" '{ print ($14 + $15 - a) / 100 }' "/proc/$SERVER_PID/stat")
  wait "$sampler"
  rm -f "$WORK/upload-done"
  server_stop
  [ "$code" = 200 ] || { echo "run $run: HTTP $code"; cat "$WORK/response.html"; exit 1; }
  stored=$(find "$WORK/data-$run/submissions" -name attachment-1.pgp)
  if [ "$(stat -c %s "$stored")" != "$big_size" ] || [ "$(sha256sum "$stored" | cut -d' ' -f1)" != "$big_sha" ]; then
    echo "run $run: the stored attachment differs from the one sent"
    exit 1
  fi
  read -r samples rss_min rss_max < <(sort -g "$WORK/rss" | awk 'NR == 1 { min = $1 } { max = $1; n++ } END { print n, min, max }')
  rate=$(awk -v b="$big_size" -v s="$seconds" 'BEGIN { printf "%.1f", b / 1e6 / s }')
  echo "run $run: HTTP $code in $seconds s ($rate MB/s), stored byte for byte; RSS idle $rss_idle MB," \
    "during the upload min $rss_min max $rss_max MB ($samples samples); server CPU $cpu_seconds s"
  echo "  RSS MB every 0.5 s: $(tr '\n' ' ' < "$WORK/rss")"
  { echo "upload.seconds $seconds"; echo "upload.MB_per_s $rate"; echo "rss.idle_MB $rss_idle"
    echo "rss.upload_min_MB $rss_min"; echo "rss.upload_max_MB $rss_max"
    echo "upload.server_cpu_s $cpu_seconds"
    echo "rss.upload_growth_MB $(awk -v a="$rss_min" -v b="$rss_max" 'BEGIN { print b - a }')"; } >> "$WORK/figures"
  rm -rf "$WORK/data-$run"
done
machine_load after
echo
echo "large upload: $big_size octets of ciphertext, one attachment part, server -Xmx64m, $runs runs"
summarize "$WORK/figures"
machine_facts
