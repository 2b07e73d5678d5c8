# shellcheck shell=bash
# Shared by the intake-server benchmarks (bench/intake-*.sh); sourced, not run.
# Everything happens in one work directory on disk (/var/tmp: a tmpfs /tmp would make every fsync free), outside
# target/ (another engineer's build may clean it); every server started here is stopped by its PID at exit.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WORK=$(mktemp -d /var/tmp/intake-bench.XXXXXX)
SERVER_PID=
SERVER_URL=
SERVER_LOG=

bench_cleanup() {
  server_stop || true
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

# One Maven build at a time on a shared machine; jars and classes are copied so that a later build cannot swap them.
bench_build() {
  flock /tmp/mvn.lock bash -c "mvn -B -q package -DskipTests dependency:build-classpath \
      -Dmdep.outputFile=$WORK/classpath.txt > $WORK/build.log 2>&1 \
    && cp -r target/classes target/test-classes target/intake-server.jar target/intake-office.jar $WORK/" \
    || { cat "$WORK/build.log"; return 1; }
  # shellcheck disable=SC2034 # used by the scripts that source this file
  BENCH_CP="$WORK/test-classes:$WORK/classes:$(cat "$WORK/classpath.txt")"
  SERVER_JAR=$WORK/intake-server.jar
  OFFICE_JAR=$WORK/intake-office.jar
}

# A throwaway office key in the work directory (deleted at exit): office.asc for the server, office.sec.asc beside it.
bench_office_key() {
  echo "benchmark passphrase, throwaway, not secret at all" > "$WORK/passphrase"
  java -jar "$OFFICE_JAR" keygen --name "Benchmark office (THROWAWAY)" --secret "$WORK/office.sec.asc" \
    --public "$WORK/office.asc" --passphrase-file "$WORK/passphrase" > /dev/null
  export GNUPGHOME=$WORK/gnupg
  mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
}

# server_start DATA_DIR [JVM_OPTION...] [-- SERVE_OPTION...]: starts `intake-server serve` on a free loopback port and
# waits (at most 60 s) for its "listening on" line; sets SERVER_PID and SERVER_URL. BENCH_SERVER_JVM adds JVM options
# to every server (e.g. a flight recording: BENCH_SERVER_JVM=-XX:StartFlightRecording=filename=/var/tmp/x.jfr).
server_start() {
  local data=$1 jvm=() serve=()
  shift
  # shellcheck disable=SC2206 # split on purpose: several options
  [ -n "${BENCH_SERVER_JVM:-}" ] && jvm+=($BENCH_SERVER_JVM)
  while [ $# -gt 0 ] && [ "$1" != -- ]; do jvm+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  serve=("$@")
  SERVER_LOG=$WORK/server.$RANDOM.log
  java "${jvm[@]}" -jar "$SERVER_JAR" serve --key "$WORK/office.asc" --data "$data" --bind 127.0.0.1 --port 0 \
    "${serve[@]}" > "$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    if SERVER_URL=$(grep -o 'http://127.0.0.1:[0-9]*/' "$SERVER_LOG"); then
      return 0
    fi
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  cat "$SERVER_LOG" >&2
  echo "the server did not start" >&2
  return 1
}

# Stops the server this script started (SIGTERM, then SIGKILL after 30 s), by its PID only.
server_stop() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2> /dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  kill -0 "$SERVER_PID" 2> /dev/null && kill -KILL "$SERVER_PID" 2> /dev/null
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
}

# Resident memory of a process in MB (10^6 octets, as the goals are written).
rss_mb() {
  awk '/^VmRSS:/ { printf "%.1f\n", $2 * 1024 / 1e6 }' "/proc/$1/status"
}

# The form token of a freshly served form (the hidden field of GET /form).
form_token() {
  curl -fsS --max-time 30 "${SERVER_URL}form" | grep -o 'name="form-token" value="[^"]*"' | head -1 | cut -d'"' -f4
}

# Submissions the server stored, counted by `intake-server export` (run with the server stopped).
stored_count() {
  local bundle
  bundle=$WORK/export.$RANDOM.bundle
  java -jar "$SERVER_JAR" export --data "$1" --out "$bundle" | awk 'NR == 1 { print $1 }'
  rm -f "$bundle"
}

# What else ran: load averages and the busiest processes, to judge how noisy the figures are.
machine_load() {
  echo "load ($1): $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min);" \
    "busiest: $(ps -eo pcpu=,comm= --sort=-pcpu | head -4 | awk '{ printf "%s %s%%; ", $2, $1 }')"
}

machine_facts() {
  echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))," \
    "$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)," \
    "$(java -version 2>&1 | head -1), $(df -T "$WORK" | awk 'NR == 2 { print $2 " on " $1 }') for data," \
    "kernel $(uname -r)"
}

# summarize FILE: lines "NAME VALUE", several runs each; prints per NAME the median and the spread (min..max).
summarize() {
  sort -k1,1 -k2,2g "$1" | awk '
    function flush() {
      if (n == 0) return
      median = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "  %-34s median %10.2f   spread %.2f .. %.2f   (%d runs)\n", name, median, v[1], v[n], n
    }
    $1 != name { flush(); name = $1; n = 0 }
    { v[++n] = $2 }
    END { flush() }'
}
