#!/usr/bin/env bash
# The office tool, end to end, with a throwaway DEMO key: the README's main command until intake-server is built.
# GnuPG stands in for the intake server as the sender, which also shows that staff can keep using it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/intake-office.jar ] || mvn -B -q package -DskipTests

demo=demo/office-demo
rm -rf "$demo"
mkdir -p "$demo"
chmod 700 demo "$demo"
office() { java -jar target/intake-office.jar "$@"; }

echo "== 1. The key custodian creates the office key (DEMO: passphrase kept in a file beside it)"
head -c 24 /dev/urandom | base64 > "$demo/DEMO-passphrase.txt"
office keygen --name "DEMO office key - never use for real testimony" \
  --secret "$demo/DEMO-office.sec.asc" --public "$demo/DEMO-office.asc" --passphrase-file "$demo/DEMO-passphrase.txt"

echo "== 2. A testimony document arrives encrypted to the public certificate"
cat > "$demo/testimony.json" <<'JSON'
{"type": "testimony-intake/testimony", "version": 1, "language": "ko", "encryptedBy": "server",
 "answers": [{"id": "testimony", "label": "무슨 일이 있었습니까?", "value": "강제노동 벌목장에서 도망쳤다. <script>alert('hostile markup stays text')</script>"},
             {"id": "where", "label": "Где это произошло?", "value": "Лесозаготовки под Тындой"}],
 "attachments": []}
JSON
export GNUPGHOME="$demo/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --trust-model always --recipient-file "$demo/DEMO-office.asc" \
  --output "$demo/testimony.json.pgp" --encrypt "$demo/testimony.json"
rm "$demo/testimony.json"

echo "== 3. An analyst decrypts it on the offline machine"
office decrypt --secret "$demo/DEMO-office.sec.asc" --passphrase-file "$demo/DEMO-passphrase.txt" \
  --out "$demo/case" "$demo/testimony.json.pgp"

echo "== 4. The custodian rotates the encryption subkey; the fingerprint stays"
office rotate --secret "$demo/DEMO-office.sec.asc" --public "$demo/DEMO-office.asc" \
  --passphrase-file "$demo/DEMO-passphrase.txt"
office fingerprint "$demo/DEMO-office.sec.asc"

echo
echo "Open $demo/case/testimony.html in a browser to read the testimony (its markup is shown as text)."
