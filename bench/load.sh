#!/usr/bin/env bash
# Load (issue 11): CLIENTS concurrent keep-alive clients for SECONDS against the real intake-server.jar (`serve` with
# a throwaway key and the heap options of deploy/intake-server.service: -Xmx512m -Xms16m, serial collector; the unit
# caps the service at MemoryMax=1G) on 127.0.0.1, driven by wrk (Debian package wrk) with bench/load.lua:
#   form     45% of the clients GET /form
#   submit   45% POST /submit as the JavaScript-off form does: the real form token of a served form, a testimony in
#            Korean and one attachment of ATTACHMENT octets, which the server encrypts as it arrives
#   resumable  10% send as the form's script does (FORMAT.md 7.1): an upload made, a message of ATTACHMENT octets
#            that gpg encrypted to the office key appended in one chunk, and the finishing request naming it
#   anchor   before the load, the same number of clients GET /robots.txt from the same server for 20 s: the ratio
#            load/anchor carries over to another machine, where the figures themselves do not
# The server's RSS is sampled every 5 s during the load (and its drain) and its peak (VmHWM) read at the end. After
# the run the server is stopped and `intake-server export` counts what it stored: it must equal the submissions
# acknowledged with 200 (wrk starts no request after SECONDS and waits for those under way, so none is cut off from
# its answer), and no answer may be 5xx. A warm-up of the same mix first (15 s) is counted as acknowledged too, not
# in the figures.
# The measurement holds /tmp/mvn.lock, as every CPU-heavy job on a shared machine does; the build takes it itself.
# Usage: bench/load.sh [CLIENTS=200] [SECONDS=60] [ATTACHMENT=16384]
# shellcheck source=bench/intake-lib.sh
source "$(dirname "$0")/intake-lib.sh"
clients=${1:-200} seconds=${2:-60} attachment=${3:-16384}
command -v wrk > /dev/null || { echo "wrk is not installed (Debian package wrk)" >&2; exit 1; }
drain=20 warmup=15 anchor=20

bench_build
bench_office_key
exec 9>> /tmp/mvn.lock
flock 9
machine_load before
server_start "$WORK/data" -Xmx512m -Xms16m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError
token=$(form_token)

gpg --batch --quiet --import "$WORK/office.asc"
head -c "$attachment" /dev/urandom | gpg --batch --quiet --trust-model always --compress-algo none \
  --recipient "$(gpg --batch --with-colons --list-keys | awk -F: '$1 == "fpr" { print $10; exit }')" \
  --encrypt > "$WORK/upload.gpg"

# wrk_run KIND CLIENTS SECONDS OUT: one wrk with bench/load.lua; its "figure NAME VALUE" lines go to OUT. The
# resumable kind keeps each connection's state in its thread, so it gets a thread per connection.
wrk_run() {
  local threads=2
  [ "$1" = resumable ] && threads=$2
  LOAD_KIND=$1 LOAD_SECONDS=$3 LOAD_TOKEN=$token LOAD_ATTACHMENT_BYTES=$attachment LOAD_CIPHERTEXT=$WORK/upload.gpg \
    wrk --threads "$threads" --connections "$2" --duration "$(($3 + drain))s" --timeout 30s --script bench/load.lua \
    "$SERVER_URL" > "$4.log" 2>&1 || { cat "$4.log" >&2; return 1; }
  awk '/^figure/ { print $2, $3 }' "$4.log" > "$4"
}

# figure FILE NAME: one figure of a wrk run.
figure() {
  awk -v name="$2" '$1 == name { print $2 }' "$1"
}

# mixed SECONDS PREFIX: the three kinds of clients at once.
resumable_clients=$((clients / 10))
form_clients=$(((clients - resumable_clients) / 2))
mixed() {
  wrk_run form "$form_clients" "$1" "$WORK/$2-form" &
  local form=$!
  wrk_run resumable "$resumable_clients" "$1" "$WORK/$2-resumable" &
  local resumable=$!
  wrk_run submit $((clients - form_clients - resumable_clients)) "$1" "$WORK/$2-submit"
  wait "$form" "$resumable"
}

mixed "$warmup" warmup
wrk_run robots "$clients" "$anchor" "$WORK/anchor"
: > "$WORK/rss"
(
  while kill -0 "$SERVER_PID" 2> /dev/null && [ ! -e "$WORK/load-done" ]; do
    rss_mb "$SERVER_PID" >> "$WORK/rss" 2> /dev/null || break
    sleep 5
  done
) &
sampler=$!
mixed "$seconds" load
touch "$WORK/load-done"
wait "$sampler"
rss_peak=$(awk '/^VmHWM:/ { printf "%.1f\n", $2 * 1024 / 1e6 }' "/proc/$SERVER_PID/status")
machine_load after
server_stop
stored=$(stored_count "$WORK/data")

acknowledged=0
for run in warmup-submit warmup-resumable load-submit load-resumable; do
  acknowledged=$((acknowledged + $(figure "$WORK/$run" submissions)))
done
server_errors=0 socket_errors=0
for run in warmup-form warmup-submit warmup-resumable anchor load-form load-submit load-resumable; do
  server_errors=$((server_errors + $(figure "$WORK/$run" status_5xx)))
  socket_errors=$((socket_errors + $(figure "$WORK/$run" socket_errors)))
done
anchor_rate=$(figure "$WORK/anchor" per_second)
echo
echo "load: $clients clients over loopback HTTP for $seconds s: $form_clients GET /form," \
  "$((clients - form_clients - resumable_clients)) POST /submit (JavaScript off, a testimony and a $attachment-octet" \
  "attachment), $resumable_clients resumable (3 requests a submission); anchor GET /robots.txt, $clients clients, $anchor s"
printf '  %-28s %10s %10s %10s %12s\n' "" "per second" "p50 ms" "p99 ms" "vs anchor"
for run in load-form load-submit load-resumable anchor; do
  printf '  %-28s %10s %10s %10s %12s\n' "$run" "$(figure "$WORK/$run" per_second)" "$(figure "$WORK/$run" p50_ms)" \
    "$(figure "$WORK/$run" p99_ms)" "$(awk -v a="$(figure "$WORK/$run" per_second)" -v b="$anchor_rate" \
    'BEGIN { printf "%.4f", a / b }')"
done
echo "  not 200 (other than 5xx): form $(figure "$WORK/load-form" status_other)," \
  "submit $(figure "$WORK/load-submit" status_other), resumable $(figure "$WORK/load-resumable" status_other);" \
  "socket errors (all runs): $socket_errors"
echo "  resumable submissions finished during the load: $(figure "$WORK/load-resumable" submissions)"
echo "  server RSS: peak $rss_peak MB (VmHWM); every 5 s during the load and its drain: $(tr '\n' ' ' < "$WORK/rss")MB"
echo "  5xx answers (all runs): $server_errors"
echo "  submissions acknowledged (warm-up and load): $acknowledged, stored (export): $stored"
machine_facts
echo "uptime: $(uptime)"
failed=0
[ "$server_errors" = 0 ] || { echo "FAILED: the server answered 5xx"; failed=1; }
[ "$acknowledged" = "$stored" ] || { echo "FAILED: acknowledged and stored differ"; failed=1; }
exit "$failed"
