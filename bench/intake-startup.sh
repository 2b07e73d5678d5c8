#!/usr/bin/env bash
# Start-up and idle memory (issue 3, benchmark 4). The real intake-server.jar is launched on a fresh data directory
# and polled every 5 ms with GET / (bash's /dev/tcp: no process is forked while the JVM starts); the time is from
# launch to the first 200 answer. Then a few requests (landing in three languages, form, key, stylesheet, one
# JavaScript-off submission), 3 s of rest, and the resident memory (VmRSS). Goals: first 200 under 1.5 s (median),
# idle RSS under 150 MB (10^6 octets). Configurations:
#   default        java -jar: the JVM's own choices on this machine, for comparison
#   unit-options   the JVM options of deploy/intake-server.service, its class-data archive missing: how the server
#                  starts until install.sh has made one, or after a Java update made it stale
#   deployed       the unit's JVM options with a class-data archive made as install.sh makes it, by the same function
#                  (deploy/class-data-archive.sh): a training run of this jar, then -XX:SharedArchiveFile
# Usage: bench/intake-startup.sh [RUNS=5] [EXTRA_JVM_OPTIONS...]   (extra options go to every measured server, after
# the configuration's own, not to the training run)
# shellcheck source=bench/intake-lib.sh
source "$(dirname "$0")/intake-lib.sh"
# shellcheck source=deploy/class-data-archive.sh
source deploy/class-data-archive.sh
runs=${1:-5}
shift || true
extra=("$@")
readonly unit=deploy/intake-server.service
readonly configurations=(default unit-options deployed)

bench_build
bench_office_key
exec 9<> <(:) # a pipe nobody writes: `read -t` on it sleeps without forking

free_port() {
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 30000))
    if ! { exec 3<> "/dev/tcp/127.0.0.1/$port"; } 2> /dev/null; then
      echo "$port"
      return 0
    fi
    exec 3<&- 3>&-
  done
  return 1
}

# probe PORT: true when GET / answers 200.
probe() {
  local status=
  { exec 3<> "/dev/tcp/127.0.0.1/$1"; } 2> /dev/null || return 1
  printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  IFS= read -r -t 5 status <&3 || true
  exec 3<&- 3>&-
  [[ $status == "HTTP/1.1 200"* ]]
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# jvm CONFIGURATION: the java command and its options, one per line.
jvm() {
  case $1 in
    default) echo java ;;
    unit-options) deployed_java "$unit" "$WORK/missing.jsa" ;;
    deployed) deployed_java "$unit" "$WORK/intake-server.jsa" ;;
  esac
}

machine_load before
: > "$WORK/figures"
make_class_data_archive "$WORK/intake-server.jsa" "$SERVER_JAR" "$WORK/office.asc" "$unit"

# Round robin over the configurations, so that a change in the machine's load hits all of them alike.
for ((run = 1; run <= runs; run++)); do
  for configuration in "${configurations[@]}"; do
    mapfile -t java < <(jvm "$configuration")
    port=$(free_port)
    log=$WORK/startup.$configuration.$run.log
    : > "$log"
    start=$(now_ms)
    "${java[@]}" "${extra[@]}" -jar "$SERVER_JAR" serve --key "$WORK/office.asc" --data "$WORK/data-$run" \
      --port "$port" > "$log" 2>&1 &
    SERVER_PID=$!
    listening='' first=''
    for ((i = 0; i < 6000; i++)); do # at most 30 s
      if [ -z "$listening" ] && grep -q 'listening on' "$log"; then listening=$(($(now_ms) - start)); fi
      if probe "$port"; then first=$(($(now_ms) - start)); break; fi
      kill -0 "$SERVER_PID" 2> /dev/null || break
      read -r -t 0.005 -u 9 || true
    done
    [ -n "$first" ] || { cat "$log"; echo "no 200 within 30 s"; exit 1; }
    [ -n "$listening" ] || listening=$first
    SERVER_URL=http://127.0.0.1:$port/
    rss_first=$(rss_mb "$SERVER_PID")
    # CPU the JVM used (all its threads) until then: less sensitive than the wall time to what else runs.
    cpu_first=$(awk '{ print ($14 + $15) / 100 }' "/proc/$SERVER_PID/stat")
    for page in "" "?lang=ko" "?lang=ru" form key static/site.css; do
      curl -fsS -o /dev/null "${SERVER_URL}$page"
    done
    curl -fsS -o /dev/null -F "form-token=$(form_token)" -F "testimony=Start-up benchmark, throwaway." "${SERVER_URL}submit"
    sleep 3
    rss_idle=$(rss_mb "$SERVER_PID")
    server_stop
    rm -rf "$WORK/data-$run"
    echo "$configuration run $run: 'listening on' after $listening ms, first 200 after $first ms (CPU $cpu_first s);" \
      "RSS at first 200 $rss_first MB, idle after requests $rss_idle MB"
    { echo "$configuration.first_200_ms $first"; echo "$configuration.listening_line_ms $listening"
      echo "$configuration.cpu_at_first_200_s $cpu_first"; echo "$configuration.rss_idle_MB $rss_idle"
      echo "$configuration.rss_at_first_200_MB $rss_first"; } >> "$WORK/figures"
  done
done
machine_load after
echo
echo "start-up: launch to first 200 on GET /, fresh data directory each time; idle RSS after a few requests${extra[*]:+; JVM options: ${extra[*]}}"
for configuration in "${configurations[@]}"; do
  echo "  $configuration: $(jvm "$configuration" | tr '\n' ' ')-jar intake-server.jar serve"
done
summarize "$WORK/figures"
machine_facts
