#!/usr/bin/env bash
# Fuzzes every @FuzzTest target (issue 11) for SECONDS each, one after the other, and prints executions per target.
#   Usage: bench/fuzz.sh SECONDS [TARGET...]   (TARGET: Class#method as below; default: all)
# `mvn test` only replays the committed seed inputs (src/test/resources/.../<Class>Inputs/<method>/). Fuzzing with
# JAZZER_FUZZ=1 under JUnit would stop at each test's @FuzzTest(maxDuration), fixed at compile time; Jazzer's own
# driver (`com.code_intelligence.jazzer.Jazzer --target_class --target_method`, same jar, same @FuzzTest methods and
# lifecycle) takes libFuzzer's -max_total_time, so it runs them here. New inputs go to a corpus under the work
# directory, findings (crash-*, timeout-*) to findings/<target>/ there; both are kept and printed at the end.
# Per input: -timeout=10 s (as the tests' @Timeout); memory: the JVM's -Xmx1g, libFuzzer's RSS limit off.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: bench/fuzz.sh SECONDS [Class#method...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(
  format.CiphertextInspectorFuzzTest#inspectInRandomReads
  format.DocumentParsersFuzzTest#testimonyDocument
  format.DocumentParsersFuzzTest#bundleManifest
  intake.web.MultipartFormFuzzTest#readEveryPart
  office.BundleDecryptionFuzzTest#decryptBundle
)
# Third-party code each target drives, instrumented too, so that coverage guides the fuzzer through it.
includes='org.testimonyintake.**:org.bouncycastle.**:com.fasterxml.jackson.**:org.eclipse.jetty.http.**:org.eclipse.jetty.io.**'

work=$(mktemp -d /var/tmp/intake-fuzz.XXXXXX)
flock /tmp/mvn.lock bash -c "mvn -B -o -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=$work/classpath.txt > $work/build.log 2>&1 \
  && cp -r target/classes target/test-classes $work/" || { cat "$work/build.log"; exit 1; }
classpath="$work/test-classes:$work/classes:$(cat "$work/classpath.txt")"

summary=()
for target in "${targets[@]}"; do
  class=org.testimonyintake.${target%#*}
  method=${target#*#}
  package_path=$(dirname "${class//.//}")
  seeds=src/test/resources/$package_path/${class##*.}Inputs/$method
  name=${class##*.}.$method
  mkdir -p "$work/corpus/$name" "$work/findings/$name"
  echo "fuzzing $name for ${seconds}s (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  (cd "$work/findings/$name" && java -Xmx1g -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
      --target_class="$class" --target_method="$method" --instrumentation_includes="$includes" \
      --keep_going=20 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=0 -print_final_stats=1 \
      -artifact_prefix="$work/findings/$name/" "$work/corpus/$name" "$OLDPWD/$seeds") \
    > "$work/$name.log" 2>&1 || true
  # with --keep_going libFuzzer prints stats at each finding too: the last ones are the whole run's
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name.log" | tail -1)
  findings=$(find "$work/findings/$name" -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
  summary+=("$(printf '%-52s %12s executions %8s/s %3s findings  load after: %s' "$name" "${runs:-?}" \
    "${rate:-?}" "$findings" "$(cut -d' ' -f1-3 /proc/loadavg)")")
  grep -E '^== Java Exception|^(Caused by|\s+at org\.testimonyintake)' "$work/$name.log" | head -20 || true
done
echo
printf '%s\n' "${summary[@]}"
echo "logs, new corpus inputs and findings: $work"
