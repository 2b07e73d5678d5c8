# shellcheck shell=bash
# The intake server's application class-data archive (AppCDS, JDK 17), sourced by install.sh and by
# bench/intake-startup.sh. A training run of the server writes down, as its JVM exits, the classes it loaded, parsed
# and verified; a server started with -XX:SharedArchiveFile maps them instead of reading some 6000 classes from the
# jar: on a 2-core machine 1.6 s -> 1.0 s from start to the first page, and at least 10 MB less idle memory
# (bench/intake-startup.sh).
#
# The archive holds class metadata of the jar and the JDK only: nothing of a data directory or a key. The JVM uses it
# only with the very jar (path, size, modification time) and the very Java build it was made with; with another one,
# or without the file, it starts without it (JDK 17's default -Xshare:auto), slower (ClassDataArchiveIT checks both).
# A truncated archive, though, crashes the JVM: an archive is only ever renamed into place whole and checked.

# deployed_java UNIT [ARCHIVE]: the java program and JVM options of UNIT's ExecStart, one per line, as systemd passes
# them (%% is %), with ARCHIVE as the class-data archive, or none without ARCHIVE. A build machine without the unit's
# java (/usr/bin/java) gets the java on its PATH.
deployed_java() {
  local service=$1 jsa=${2:-} words option
  read -r -a words < <(sed -n 's/^ExecStart=\(.*\) -jar .*/\1/p' "$service")
  [ ${#words[@]} -gt 0 ] || return 1
  if [ -x "${words[0]}" ]; then printf '%s\n' "${words[0]}"; else echo java; fi
  for option in "${words[@]:1}"; do
    case $option in
      -XX:SharedArchiveFile=*) [ -z "$jsa" ] || printf '%s\n' "-XX:SharedArchiveFile=$jsa" ;;
      *) printf '%s\n' "${option//%%/%}" ;;
    esac
  done
}

# class_data_archive_usable ARCHIVE JAR UNIT: true when a server started as UNIT says would map ARCHIVE, i.e. it was
# made from JAR as it is now, by this Java (-Xshare:on fails instead of starting without the archive).
class_data_archive_usable() {
  local java
  [ -s "$1" ] || return 1
  mapfile -t java < <(deployed_java "$3" "$1")
  (cd / && "${java[@]}" -Xshare:on -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -jar "$2" --version) \
    > /dev/null 2>&1
}

# make_class_data_archive OUT JAR CERT UNIT [USER]: writes the class-data archive of JAR, run with UNIT's options, to
# OUT. The training run starts JAR as USER (install.sh: the service user; default: whoever runs this) on a throwaway
# data directory with a throwaway copy of the PUBLIC certificate CERT, on a loopback port the server picks; it loads
# the pages a source loads and sends one JavaScript-off submission of made-up text (encrypted to CERT and deleted with
# the directory), then stops the server, whose JVM writes the archive as it exits. It leaves nothing behind, and
# writes OUT only if the JVM then accepts the archive. (Every step is checked: callers may test the outcome with `if`,
# where bash ignores set -e.)
make_class_data_archive() (
  local out=$1 jar=$2 cert=$3 service=$4 user=${5:-} work server='' port='' as_user=() java form token boundary body
  fail() {
    printf 'class-data archive: %s\n' "$1" >&2
    tail -n 20 "$work/server.log" >&2 2> /dev/null || true
    exit 1
  }
  stop_server() {
    [ -n "$server" ] || return 0
    kill -TERM "$server" 2> /dev/null || true
    for _ in $(seq 120); do kill -0 "$server" 2> /dev/null || break; sleep 0.5; done
    kill -KILL "$server" 2> /dev/null || true
    wait "$server" 2> /dev/null || true
    server=
  }
  work=$(mktemp -d) || exit 1
  trap 'stop_server; rm -rf "$work"' EXIT
  # The JVM's own temporary files (sqlite-jdbc's native library) go to the throwaway directory too.
  if ! cp "$cert" "$work/office.asc" || ! mkdir "$work/tmp"; then fail "cannot prepare $work"; fi
  if [ -n "$user" ] && [ "$user" != "$(id -un)" ]; then
    chown -R "$user:" "$work" || fail "cannot hand $work to $user"
    as_user=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups --inh-caps=-all --)
  fi
  mapfile -t java < <(deployed_java "$service")
  "${as_user[@]}" "${java[@]}" -XX:ArchiveClassesAtExit="$work/archive.jsa" -XX:ErrorFile="$work/hs_err_pid%p.log" \
    -Djava.io.tmpdir="$work/tmp" -jar "$jar" serve --key "$work/office.asc" --data "$work/data" --bind 127.0.0.1 \
    --port 0 > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/server.log")
    [ -z "$port" ] || break
    kill -0 "$server" 2> /dev/null || break
    sleep 0.5
  done
  [ -n "$port" ] || fail "the training server did not start"

  for page in / '/?lang=ko' '/?lang=ru' /key /robots.txt /static/site.css; do
    training_request "$port" GET "$page" > /dev/null || fail "GET $page failed"
  done
  form=$(training_request "$port" GET /form) || fail "GET /form failed"
  [[ $form =~ name=\"form-token\"\ value=\"([^\"]+)\" ]] || fail "no form token on /form"
  token=${BASH_REMATCH[1]}
  boundary=class-data-archive-training
  printf -v body -- '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' \
    "$boundary" form-token "$token" "$boundary" testimony "Training run for the class-data archive: not a testimony."
  body+="--$boundary--"$'\r\n'
  training_request "$port" POST /submit "multipart/form-data; boundary=$boundary" "$body" > /dev/null \
    || fail "the training submission failed"

  stop_server
  [ -s "$work/archive.jsa" ] || fail "the JVM wrote no archive"
  class_data_archive_usable "$work/archive.jsa" "$jar" "$service" || fail "the JVM does not accept the archive it wrote"
  cp "$work/archive.jsa" "$out" || fail "cannot write $out"
)

# training_request PORT METHOD PATH [CONTENT_TYPE BODY]: one request to the training server on 127.0.0.1 through bash's
# /dev/tcp (a server may have no curl); prints the response, fails unless its status is 200.
training_request() {
  local LC_ALL=C port=$1 method=$2 path=$3 type=${4:-} body=${5:-} request response
  request="$method $path HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"Connection: close"$'\r\n'
  if [ -n "$type" ]; then request+="Content-Type: $type"$'\r\n'"Content-Length: ${#body}"$'\r\n'; fi
  request+=$'\r\n'"$body"
  exec 3<> "/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s' "$request" >&3
  response=$(timeout 60 cat <&3) || true
  exec 3<&- 3>&-
  [[ $response == "HTTP/1.1 200 "* ]] || return 1
  printf '%s' "$response"
}
