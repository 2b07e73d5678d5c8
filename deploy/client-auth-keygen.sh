#!/usr/bin/env bash
# Makes the admin's key pair for Tor v3 client authorization of the SSH onion service, on the admin's own machine
# (offline is best). Only the public half goes to the server (install.sh --admin-auth-key); the private half never
# leaves the admin's machine.
#
# Usage: deploy/client-auth-keygen.sh [--out DIR] NAME
#   DIR/NAME.x25519.private  the private key, base32 (mode 0600): goes into the admin's tor client, see deploy/README.md
#   DIR/NAME.auth            the public key as tor's authorized_clients line: descriptor:x25519:<base32>
# and prints the public key (52 base32 characters) to give to install.sh.
set -euo pipefail

out=.
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "client-auth-keygen: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: client-auth-keygen.sh [--out DIR] NAME" >&2; exit 2; }
name=$1
[[ $name =~ ^[A-Za-z0-9_-]{1,64}$ ]] || { echo "client-auth-keygen: NAME may hold only letters, digits, - and _" >&2; exit 2; }

umask 077
mkdir -p "$out"
private="$out/$name.x25519.private"
for file in "$private" "$out/$name.auth"; do
  [ ! -e "$file" ] || { echo "client-auth-keygen: $file exists; not overwriting it" >&2; exit 5; }
done

der=$(mktemp "$out/.$name.XXXXXX.der")
trap 'rm -f "$der"' EXIT
openssl genpkey -algorithm x25519 -outform DER -out "$der"
# The raw keys are the last 32 bytes of the DER structures; tor wants them in unpadded base32.
printf '%s\n' "$(tail -c 32 "$der" | base32 -w 0 | tr -d '=')" > "$private"
public=$(openssl pkey -inform DER -in "$der" -pubout -outform DER | tail -c 32 | base32 -w 0 | tr -d '=')
printf 'descriptor:x25519:%s\n' "$public" > "$out/$name.auth"
printf '%s\n' "$public"
