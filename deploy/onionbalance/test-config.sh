#!/bin/sh
# Fills config.yaml.in as install.sh --frontend does, with a throwaway frontend key and three throwaway backend
# addresses from onionbalance-config (offline), and checks the result with Onionbalance's parser (check-config.py).
# Runs no tor and no onionbalance daemon. Exit 0 when the parser accepts the file and refuses a broken one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
onionbalance-config --no-interactive -n 3 --output "$work/generated" -v error >/dev/null 2>&1
key=$(ls "$work/generated"/*.key)
instances=""
for n in 1 2 3; do
    # A backend's address is its own v3 onion address; the generator's instance keys stand in for three backends.
    address=$(python3 -c 'import sys,base64,hashlib; from cryptography.hazmat.primitives.asymmetric import ed25519; from cryptography.hazmat.primitives import serialization as s
k=ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(s.Encoding.Raw,s.PublicFormat.Raw)
c=hashlib.sha3_256(b".onion checksum"+k+b"\x03").digest()[:2]
print(base64.b32encode(k+c+b"\x03").decode().lower())')
    instances="$instances  - address: $address.onion\n    name: backend$n\n"
done
sed -e "s|@FRONTEND_KEY@|$key|" -e "s|@INSTANCES@|$(printf '%s' "$instances")|" "$here/config.yaml.in" \
    | sed 's/\\n/\n/g' > "$work/config.yaml"
"$here/check-config.py" "$work/config.yaml" | grep -Eq '^[a-z2-7]{56}(\.onion)?$'
sed 's/address: [a-z2-7]\{10\}/address: xxxxxxxxxx/' "$work/config.yaml" > "$work/broken.yaml"
if "$here/check-config.py" "$work/broken.yaml" 2>"$work/refusal"; then
    echo "check-config.py accepted a broken backend address" >&2
    exit 1
fi
grep -q "Cannot load instance with address" "$work/refusal"
echo "onionbalance accepts config.yaml.in"
