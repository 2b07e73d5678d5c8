#!/usr/bin/env bash
# Office decryption benchmark (issue: foundation; issue 12). In one run, on the same files:
#   batch: 1,000 messages of 8 KiB  -> one `intake-office decrypt` vs. a `gpg --decrypt` loop (agent cache warm)
#   large: 5 messages of 20 MB      -> intake-office MB/s, with and without the fixed cost of start-up and key unlock
#   huge:  1 message of 200 MB      -> intake-office through its launcher (deploy/intake-office.sh, as staff run it)
#                                      vs. `gpg --decrypt` with the agent's passphrase cache warm and cold, each run
#                                      RUNS times in turn; the ratio is the median of the ratios round by round, which
#                                      holds when the machine's speed drifts; the fixed cost apart: start-up
#                                      (`--version`) and start-up + key unlock + one 8 KiB message
# The machine's own noise is of the order of 10% from one round to the next: quote the median, read the range.
# Messages are made by gpg without compression, like the intake server's (FORMAT.md section 3).
# Usage: [RUNS=11] bench/decrypt-bench.sh [WORKDIR]   (default: a fresh temporary directory, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/intake-office.jar ] || mvn -B -q package -DskipTests
jar=$PWD/target/intake-office.jar
launcher=$PWD/deploy/intake-office.sh
runs=${RUNS:-11}
work=${1:-$(mktemp -d /tmp/decrypt-bench.XXXXXX)}
[ -n "${1:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work" && cd "$work"
export GNUPGHOME=$work/gnupg
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }

echo "setting up in $work"
echo "benchmark passphrase, not secret at all" > passphrase
java -jar "$jar" keygen --name "Benchmark office" --secret office.sec.asc --public office.asc \
  --passphrase-file passphrase > /dev/null
gpg --batch --quiet --pinentry-mode loopback --passphrase-file passphrase --import office.sec.asc 2> /dev/null

mkdir -p small large
for i in $(seq -w 1 1000); do head -c 8192 /dev/urandom > "small/m$i"; done
for i in 1 2 3 4 5; do head -c 20000000 /dev/urandom > "large/m$i"; done
mkdir -p huge && head -c 200000000 /dev/urandom > huge/video
encrypt() { gpg --batch --quiet --trust-model always --compress-algo none --recipient-file office.asc --multifile --encrypt "$@"; }
encrypt small/m*[0-9]
encrypt large/m[1-5]
encrypt huge/video
# Warm the gpg agent's passphrase cache so the loop measures decryption, not key unlocking.
gpg --batch --quiet --pinentry-mode loopback --passphrase-file passphrase --decrypt small/m0001.gpg > /dev/null

echo "batch: 1000 x 8 KiB"
start=$(now)
java -jar "$jar" decrypt --secret office.sec.asc --passphrase-file passphrase --out out-small small/*.gpg > /dev/null
office_batch=$(seconds "$start" "$(now)")
mkdir -p gpg-small
start=$(now)
for f in small/*.gpg; do
  gpg --batch --quiet --pinentry-mode loopback --passphrase-file passphrase \
    --output "gpg-small/$(basename "$f" .gpg)" --decrypt "$f" 2> /dev/null
done
gpg_batch=$(seconds "$start" "$(now)")
cmp small/m0500 out-small/m0500 && cmp small/m0500 gpg-small/m0500

echo "large: 5 x 20 MB"
start=$(now)
java -jar "$jar" decrypt --secret office.sec.asc --passphrase-file passphrase --out out-one small/m0001.gpg > /dev/null
fixed=$(seconds "$start" "$(now)")
start=$(now)
java -jar "$jar" decrypt --secret office.sec.asc --passphrase-file passphrase --out out-large large/*.gpg > /dev/null
office_large=$(seconds "$start" "$(now)")
cmp large/m3 out-large/m3
# Ten files (each large one twice): the extra five cost what decryption costs once the JIT has warmed up.
for i in 1 2 3 4 5; do cp "large/m$i.gpg" "large/again$i.gpg"; done
start=$(now)
java -jar "$jar" decrypt --secret office.sec.asc --passphrase-file passphrase --out out-large-twice large/*.gpg > /dev/null
office_large_twice=$(seconds "$start" "$(now)")
echo "huge: 1 x 200 MB, intake-office (launcher) and gpg in turn, $runs times"
export INTAKE_OFFICE_JAR=$jar XDG_CACHE_HOME=$work/cache
office() { "$launcher" decrypt --secret office.sec.asc --passphrase-file passphrase "$@" > /dev/null; }
version() { "$launcher" --version > /dev/null; }
office --out out-first small/m0001.gpg # the launcher's first run writes its class-data archive
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The ratios of two files of times, line by line: min, median, max.
ratios() { paste "$1" "$2" | awk '{ print $1 / $2 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f (%.2f to %.2f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
# Before a timed run, untimed: its output file is gone, and the earlier runs' output is on disk, so that no run shares
# the cores with the kernel writing back the last one's 200 MB.
fresh() { rm -rf "$@"; sync; }
timed() { local start; start=$(now); "$@"; seconds "$start" "$(now)"; }
gpg_decrypt() {
  gpg --batch --quiet --pinentry-mode loopback --passphrase-file passphrase --output huge/gpg-video --decrypt huge/video.gpg
}
gpg_cold() { gpgconf --kill gpg-agent; gpg_decrypt; } # the agent forgets the passphrase: gpg unlocks the key too
for what in office gpg gpg_cold startup fixed; do : > "huge/$what.times"; done
for _ in $(seq "$runs"); do
  fresh out-huge
  timed office --out out-huge huge/video.gpg >> huge/office.times
  fresh huge/gpg-video
  timed gpg_decrypt >> huge/gpg.times
  fresh huge/gpg-video
  timed gpg_cold >> huge/gpg_cold.times
  timed version >> huge/startup.times
  fresh out-fixed
  timed office --out out-fixed small/m0001.gpg >> huge/fixed.times
done
cmp huge/video out-huge/video && cmp huge/video huge/gpg-video
office_huge=$(median < huge/office.times)
gpg_huge=$(median < huge/gpg.times)
gpg_cold_huge=$(median < huge/gpg_cold.times)
startup_huge=$(median < huge/startup.times)
fixed_huge=$(median < huge/fixed.times)
mb=100
echo
printf 'batch  intake-office %.2f s, gpg loop %.2f s: intake-office is %.1fx faster\n' \
  "$office_batch" "$gpg_batch" "$(ratio "$gpg_batch" "$office_batch")"
printf 'large  intake-office %.2f s for %d MB: %.0f MB/s wall; start-up + unlock %.2f s; %.0f MB/s net of it\n' \
  "$office_large" "$mb" "$(ratio "$mb" "$office_large")" "$fixed" "$(ratio "$mb" "$(seconds "$fixed" "$office_large")")"
printf 'large  warm: 5 more x 20 MB took %.2f s more: %.0f MB/s\n' \
  "$(seconds "$office_large" "$office_large_twice")" "$(ratio "$mb" "$(seconds "$office_large" "$office_large_twice")")"
printf 'huge   intake-office %.2f s, gpg --decrypt %.2f s (agent cache cold: %.2f s) for 200 MB, medians of %d\n' \
  "$office_huge" "$gpg_huge" "$gpg_cold_huge" "$runs"
echo "huge   intake-office / gpg, round by round: $(ratios huge/office.times huge/gpg.times); cold: $(ratios huge/office.times huge/gpg_cold.times)"
printf 'huge   fixed cost %.2f s: start-up (--version) %.2f s, key unlock and one 8 KiB message %.2f s; %.0f MB/s net of it\n' \
  "$fixed_huge" "$startup_huge" "$(seconds "$startup_huge" "$fixed_huge")" "$(ratio 200 "$(seconds "$fixed_huge" "$office_huge")")"
echo "load: $(uptime)"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(gpg --version | head -1)"
