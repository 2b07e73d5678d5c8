#!/usr/bin/env bash
# Argon2id of a receipt (FORMAT.md section 10.2: t=8, 64 MiB, p=1) in the browser, issue 9: pure JavaScript
# (@noble/hashes) in Firefox ESR with JIT and WebAssembly off (Tor Browser "Safer") and on, and under Node.js, against
# native libargon2 (Debian's libargon2-1, the C code argon2-jvm binds) as the anchor, in one run on a quiet machine.
# Needs `npm ci` (the Maven build runs it). Usage: bench/argon2-browser.sh [RUNS=2] [LIMIT_SECONDS=900]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load before: $(uptime)"
python3 - <<'PY'
import ctypes, time
lib = ctypes.CDLL("libargon2.so.1")
receipt, salt, tag = b"4821093755261184047399526017", bytes(range(16)), ctypes.create_string_buffer(64)
best = None
for _ in range(3):
    start = time.perf_counter()
    # argon2id_hash_raw(t_cost, m_cost KiB, parallelism, pwd, pwdlen, salt, saltlen, hash, hashlen)
    assert lib.argon2id_hash_raw(8, 65536, 1, receipt, len(receipt), salt, len(salt), tag, 64) == 0
    best = min(best or 1e9, time.perf_counter() - start)
print(f'{{"variant": "native libargon2 (anchor)", "secondsPerDerivation": {best:.2f}, "how": "measured: best of 3"}}')
print(f"tag: {tag.raw.hex()}")
PY
node bench/argon2-browser.mjs --runs "${1:-2}" --limit "${2:-900}"
echo "load after: $(uptime)"
echo "machine: $(nproc) cores, $(firefox-esr --version), node $(node --version)"
