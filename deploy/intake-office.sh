#!/usr/bin/env bash
# Launcher for the office tool on the offline machine: `deploy/intake-office.sh ARGS...` runs
# `java -jar intake-office.jar ARGS...` (same arguments, output and exit codes as in the README), faster to start.
# - Application class-data archive (AppCDS, JDK 17): the first run of each command writes down, as its JVM exits, the
#   classes it loaded (picocli, Bouncy Castle, the tool); later runs map them instead of reading and verifying them
#   from the jar.
#   The archive holds class metadata of the jar and the JDK only, nothing of a key or a message; it lives in the
#   user's own cache folder (mode 0700), since whoever can write it decides what code the tool runs. The JVM maps it
#   only with the very jar and Java it was made with, and starts without it otherwise; it is renamed into place whole,
#   because a truncated archive crashes the JVM.
# - The serial collector: one short-lived process with a few buffers needs no concurrent GC threads on two cores.
# JAR defaults to intake-office.jar beside this script, else target/intake-office.jar of the checkout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${INTAKE_OFFICE_JAR:-$here/intake-office.jar}
[ -f "$jar" ] || jar=$here/../target/intake-office.jar
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/intake-office
mkdir -p "$cache" && chmod 700 "$cache"
# One archive per jar build and per Java build (size and modification time of the jar and of the JDK's own base
# archive, which an archive of the tool extends): after an update of either, the next run makes a new one. And one
# per command (the first argument that is not an option), since each loads other classes: a decrypt mapping the
# archive of a first `fingerprint` or `--version` took 90 ms longer than with its own.
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
command_name=none
for argument in "$@"; do
  case $argument in
    -*) ;;
    *) command_name=$argument; break ;;
  esac
done
case $command_name in
  ''|*[!a-z-]*) command_name=other ;; # a mistyped command or a file name: not part of a file name here
esac
archive=$cache/$(stat -c '%s-%Y' "$jar" "$java_home/lib/server/classes.jsa" 2>/dev/null | paste -sd-)-$command_name.jsa
options=(-XX:+UseSerialGC)
if [ -s "$archive" ]; then
  exec java "${options[@]}" -XX:SharedArchiveFile="$archive" -jar "$jar" "$@"
fi
partial=$(mktemp "$cache/.archive-XXXXXX")
status=0
java "${options[@]}" -XX:ArchiveClassesAtExit="$partial" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" "$@" || status=$?
# Kept only from a run that did real work and whose archive the JVM maps (-Xshare:on refuses a broken one).
if [ "$status" = 0 ] && java -XX:SharedArchiveFile="$partial" -Xshare:on -jar "$jar" --version > /dev/null 2>&1; then
  mv "$partial" "$archive"
else
  rm -f "$partial"
fi
exit "$status"
