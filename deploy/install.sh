#!/usr/bin/env bash
# Installs the Testimony Intake server on Debian 12 as a Tor onion service, with a second onion service, closed by
# client authorization, for the admin's SSH. Safe to run again: it changes only what differs and restarts only what
# changed. See deploy/README.md.
#
# Usage (as root): deploy/install.sh --jar FILE --cert FILE --admin-auth-key KEY [--port N] [--onion-location] [--dry-run]
#   --jar FILE             intake-server.jar
#   --cert FILE            the office PUBLIC certificate (office.asc); a file holding any secret key is refused
#   --admin-auth-key KEY   the admin's client-authorization public key from deploy/client-auth-keygen.sh: its 52
#                          base32 characters, its descriptor:x25519:... line, or a file holding either
#   --port N               the intake server's port on 127.0.0.1 (default 8080)
#   --onion-location       have the server send Onion-Location with this onion address, for an organization whose
#                          clearnet mirror passes requests through to this server
#   --dry-run              print what would be done and change nothing (needs no root)
#   --backend URL --store-password-file FILE --frontend-address ONION
#                          one of several backends (deploy/README.md section 7): store into PostgreSQL at URL,
#                          postgresql://IP:PORT[,IP:PORT]/DB?user=NAME[&targetServerType=primary], with the password
#                          from FILE, and serve as an Onionbalance instance of the frontend's ONION address
#
# Or, on the frontend machine (deploy/README.md section 7), no intake server, only tor and Debian's onionbalance:
#        deploy/install.sh --frontend [--instance ONION ...] --admin-auth-key KEY [--dry-run]
#   --instance ONION       a backend's onion address, as install.sh --backend printed it; once per backend. Without
#                          any, it only makes the frontend key and prints the address the backends need
set -euo pipefail

jar='' cert='' auth_key='' port=8080 onion_location=false dry_run=false
store_url='' store_password='' frontend='' frontend_role=false instances=()
readonly template_dir=${TESTIMONY_INTAKE_DEPLOY_DIR:-$(cd "$(dirname "$0")" && pwd)}
readonly app_dir=/opt/testimony-intake
readonly etc_dir=/etc/testimony-intake
readonly tor_data=/var/lib/tor
readonly outbox=/var/lib/testimony-intake-outbox
readonly unit=/etc/systemd/system/intake-server.service
readonly archive=$app_dir/intake-server.jsa
readonly packages=(tor openjdk-17-jre-headless gnupg)
# shellcheck source=deploy/class-data-archive.sh
source "$template_dir/class-data-archive.sh"

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '6,24s/^# \{0,1\}//p' "$0"; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --jar) jar=${2:?}; shift 2 ;;
    --cert) cert=${2:?}; shift 2 ;;
    --admin-auth-key) auth_key=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --onion-location) onion_location=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    --backend) store_url=${2:?}; shift 2 ;;
    --store-password-file) store_password=${2:?}; shift 2 ;;
    --frontend-address) frontend=${2:?}; shift 2 ;;
    --frontend) frontend_role=true; shift ;;
    --instance) instances+=("${2:?}"); shift 2 ;;
    -h|--help) usage ;;
    *) printf 'install: unknown option %s\n' "$1" >&2; usage ;;
  esac
done
if $frontend_role; then
  [ -n "$auth_key" ] || { printf 'install: --frontend needs --admin-auth-key\n' >&2; usage; }
  if [ -n "$jar$cert$store_url$store_password$frontend" ]; then
    die "--frontend runs no intake server: --jar, --cert, --backend and their options belong on the backends"
  fi
  for instance in "${instances[@]}"; do
    [[ $instance =~ ^[a-z2-7]{56}\.onion$ ]] || die "--instance must be a backend's v3 onion address, not $instance"
  done
elif [ ${#instances[@]} -gt 0 ]; then
  die "--instance goes with --frontend"
elif [ -z "$jar" ] || [ -z "$cert" ] || [ -z "$auth_key" ]; then
  printf 'install: --jar, --cert and --admin-auth-key are required\n' >&2
  usage
fi
if ! $frontend_role; then
  [ -f "$jar" ] || die "no jar at $jar"
  if [ ! -f "$cert" ] || [ ! -r "$cert" ]; then die "cannot read a certificate at $cert"; fi
fi
if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then die "--port must be 1024-65535"; fi
database_ips=
if [ -n "$store_url" ]; then
  [[ $store_url =~ ^postgresql://([0-9.:,]+)/[A-Za-z0-9_]+\?(.*&)?user=[A-Za-z0-9_]+(&.*)?$ ]] \
    || die "--backend must be postgresql://IP:PORT[,IP:PORT]/DATABASE?user=NAME (IP addresses: the unit's firewall allows only those)"
  [[ $store_url =~ [?\&]password= ]] && die "--backend must not carry the password: give it in --store-password-file"
  [[ $store_url =~ [%\|\\] ]] && die "--backend holds a character the service file cannot carry"
  if [ ! -f "$store_password" ] || [ ! -r "$store_password" ]; then die "--backend needs --store-password-file FILE"; fi
  [[ $frontend =~ ^[a-z2-7]{56}\.onion$ ]] || die "--backend needs --frontend-address, the frontend's onion address"
  hosts=${store_url#postgresql://}
  hosts=${hosts%%/*}
  for host in ${hosts//,/ }; do database_ips+=" ${host%%:*}"; done
elif [ -n "$store_password" ] || [ -n "$frontend" ]; then
  die "--store-password-file and --frontend-address go with --backend"
fi
$dry_run || [ "$(id -u)" = 0 ] || die "run as root (or with --dry-run to see the plan)"

# Every change goes through run or put, which only print in a dry run.
run() {
  if $dry_run; then printf 'would run: %s\n' "$*"; else "$@"; fi
}
# put DEST MODE OWNER: writes standard input to DEST if it differs; sets changed=true when it did (so never call it
# at the end of a pipe, which would run it in a subshell).
changed=false
put() {
  local dest=$1 mode=$2 owner=$3 content
  content=$(cat)
  if [ -f "$dest" ] && [ "$(cat "$dest")" = "$content" ]; then
    say "unchanged: $dest"
    return
  fi
  changed=true
  if $dry_run; then
    printf 'would write %s (mode %s, owner %s):\n%s\n' "$dest" "$mode" "$owner" "$content" | sed '2,$s/^/    | /'
    return
  fi
  local tmp
  tmp=$(mktemp "$dest.XXXXXX")
  printf '%s\n' "$content" > "$tmp"
  chown "$owner" "$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
  say "wrote $dest"
}
# put_copy SRC DEST MODE OWNER: the same for a binary file.
put_copy() {
  local src=$1 dest=$2 mode=$3 owner=$4
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then say "unchanged: $dest"; return; fi
  changed=true
  run install -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$src" "$dest"
}

# --- what the admin gave --------------------------------------------------------------------------------------------
if [ -f "$auth_key" ]; then auth_key=$(tr -d '[:space:]' < "$auth_key"); fi
auth_key=${auth_key#descriptor:x25519:}
[[ $auth_key =~ ^[A-Z2-7]{52}$ ]] || die "--admin-auth-key must be the 52-character base32 public key from client-auth-keygen.sh"

# install_packages NAME...: installs those missing.
install_packages() {
  local package missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    run apt-get update -q
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    say "unchanged: packages $* are installed"
  fi
}

# The admin's own torrc is kept once, before the first install replaces it.
keep_original_torrc() {
  if [ -f /etc/tor/torrc ] && ! grep -q '^## Testimony Intake' /etc/tor/torrc && [ ! -e /etc/tor/torrc.before-testimony-intake ]; then
    run cp -p /etc/tor/torrc /etc/tor/torrc.before-testimony-intake
  fi
}

# start_tor_with_admin_key: writes the admin's client key, then checks and (re)starts tor if a file changed or tor is
# not running. Without a key in authorized_clients the admin service would be open to anyone who learns its address:
# the key is written before tor reads the new torrc.
start_tor_with_admin_key() {
  run install -d -m 0700 -o debian-tor -g debian-tor "$tor_data/admin-ssh" "$tor_data/admin-ssh/authorized_clients"
  put "$tor_data/admin-ssh/authorized_clients/admin.auth" 0600 debian-tor:debian-tor <<< "descriptor:x25519:$auth_key"
  if $changed || ! systemctl is-active --quiet tor@default 2>/dev/null; then
    run tor --verify-config --defaults-torrc /usr/share/tor/tor-service-defaults-torrc -f /etc/tor/torrc
    run systemctl enable tor
    run systemctl restart tor
  else
    say "unchanged: tor is running with this configuration"
  fi
}

# --- the frontend role: tor and Debian's onionbalance, publishing the backends under one address -------------------
if $frontend_role; then
  readonly ob_dir=/etc/onionbalance
  readonly ob_key=$ob_dir/private_keys/frontend.key
  readonly ob_address=$ob_dir/frontend-address
  install_packages tor onionbalance
  changed=false
  keep_original_torrc
  put /etc/tor/torrc 0644 root:root < <(sed -e "s|@DATA@|$tor_data|g" "$template_dir/onionbalance/torrc")
  start_tor_with_admin_key

  # The frontend key is the address sources know: made once, here, and never replaced or copied off the machine.
  if [ -f "$ob_key" ]; then
    say "unchanged: $ob_key"
  elif $dry_run; then
    printf 'would make %s with onionbalance-config (mode 0640, owner root:onionbalance)\n' "$ob_key"
  else
    generated=$(mktemp -d)
    onionbalance-config --no-interactive -n 1 --output "$generated/config" -v error > /dev/null
    key=$(echo "$generated"/config/*.key)
    install -m 0640 -o root -g onionbalance "$key" "$ob_key"
    # onionbalance-config names the key file by its address
    basename "$key" .key | sed 's/$/.onion/' > "$ob_address"
    rm -rf "$generated"
    say "wrote $ob_key"
  fi
  address="<the frontend address, once the key is made>"
  if [ -f "$ob_address" ]; then address=$(cat "$ob_address"); fi
  if [ ${#instances[@]} = 0 ]; then
    echo
    echo "Frontend address (give it to each backend as --frontend-address): $address"
    echo "Then run this again with one --instance per backend address."
    exit 0
  fi
  instance_lines=
  for n in "${!instances[@]}"; do
    instance_lines+="  - address: ${instances[$n]}\n    name: backend$((n + 1))\n"
  done
  changed=false
  put "$ob_dir/config.yaml" 0640 root:onionbalance \
    < <(sed -e "s|@FRONTEND_KEY@|$ob_key|" -e "s|^@INSTANCES@\$|$instance_lines|" "$template_dir/onionbalance/config.yaml.in" \
          | sed -e 's/\\n/\n/g' -e '${/^$/d}')
  if ! $dry_run; then
    # Onionbalance's own parser, offline: the backends' addresses and the key, before the daemon reads them.
    address=$("$template_dir/onionbalance/check-config.py" "$ob_dir/config.yaml") || die "onionbalance refuses $ob_dir/config.yaml"
    address=${address%.onion}.onion
  fi
  # Debian's unit runs onionbalance as its user, in group debian-tor for tor's control socket and cookie.
  run systemctl enable onionbalance
  if $changed || ! systemctl is-active --quiet onionbalance 2>/dev/null; then
    run systemctl restart onionbalance
  else
    say "unchanged: onionbalance is running with this configuration"
  fi
  echo
  echo "Frontend address (the one sources use): http://$address/"
  echo "Backends published under it: ${instances[*]}"
  if ! $dry_run; then
    echo "Admin SSH:     $(cat "$tor_data/admin-ssh/hostname") port 22 (client authorization required)"
  fi
  exit 0
fi

# The certificate: never a secret key. First the armor header, then an OpenPGP parser (gpg) packet by packet, which
# also catches a binary secret key.
if grep -aq 'PRIVATE KEY BLOCK' "$cert"; then
  die "$cert holds a SECRET key. Only the public office.asc belongs on the server; the secret key stays offline."
fi

# --- Debian packages ------------------------------------------------------------------------------------------------
install_packages "${packages[@]}"

# gpg reads the certificate: exactly one public key, no secret (sec/ssb) record.
fingerprint="(printed after gnupg is installed)"
if command -v gpg >/dev/null; then
  gpg_home=$(mktemp -d)
  listing=$(gpg --homedir "$gpg_home" --batch --with-colons --show-keys "$cert" 2>/dev/null || true)
  rm -rf "$gpg_home"
  if grep -qE '^(sec|ssb):' <<< "$listing"; then
    die "$cert holds a SECRET key. Only the public office.asc belongs on the server; the secret key stays offline."
  fi
  [ "$(grep -c '^pub:' <<< "$listing")" = 1 ] || die "$cert is not one OpenPGP certificate (gpg cannot read it)"
  fingerprint=$(awk -F: '/^pub:/ {p = 1; next} p && /^fpr:/ {print $10; exit}' <<< "$listing" \
    | sed -E 's/(.{4})/\1 /g; s/ $//; s/^(.{24}) /\1  /')
fi

if $dry_run && ! command -v tor >/dev/null; then
  say "tor is not installed yet: its proof-of-work support is checked after installing it"
else
  tor --list-torrc-options 2>/dev/null | grep -qx HiddenServicePoWDefensesEnabled \
    || die "this tor has no proof-of-work defence (needs 0.4.8 or later; Debian 12's security updates carry it): apt-get update && apt-get upgrade tor"
fi

# --- the service user and files -------------------------------------------------------------------------------------
if id intake >/dev/null 2>&1; then
  say "unchanged: user intake"
else
  run useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin intake
fi
run install -d -m 0755 -o root -g root "$app_dir"
put_copy "$jar" "$app_dir/intake-server.jar" 0644 root:root
jar_changed=$changed
# Where `intake-server export`, run as intake, writes bundles until they are verified offline (deploy/README.md).
run install -d -m 0700 -o intake -g intake "$outbox"
run install -d -m 0750 -o root -g intake "$etc_dir"
changed=false
put_copy "$cert" "$etc_dir/office.asc" 0640 root:intake
cert_changed=$changed
store_changed=false
if [ -n "$store_url" ]; then
  changed=false
  put_copy "$store_password" "$etc_dir/store-password" 0640 root:intake
  store_changed=$changed
fi

# --- tor -------------------------------------------------------------------------------------------------------------
changed=false
keep_original_torrc
onionbalance_instance=
if [ -n "$store_url" ]; then onionbalance_instance='/^HiddenServicePort 80 /a HiddenServiceOnionbalanceInstance 1'; fi
put /etc/tor/torrc 0644 root:root \
  < <(sed -e "s|@DATA@|$tor_data|g; s|@PORT@|$port|g" -e "$onionbalance_instance" "$template_dir/torrc")
if [ -n "$store_url" ]; then
  # The frontend (Onionbalance) publishes this backend's introduction points under its own address.
  run install -d -m 0700 -o debian-tor -g debian-tor "$tor_data/testimony-intake"
  put "$tor_data/testimony-intake/ob_config" 0600 debian-tor:debian-tor <<< "MasterOnionAddress $frontend"
fi
start_tor_with_admin_key

onion=
if ! $dry_run; then
  for _ in $(seq 120); do
    [ -s "$tor_data/testimony-intake/hostname" ] && break
    sleep 0.5
  done
  [ -s "$tor_data/testimony-intake/hostname" ] || die "tor made no onion address; see journalctl -u tor@default"
  onion=$(cat "$tor_data/testimony-intake/hostname")
fi

# --- the intake server -----------------------------------------------------------------------------------------------
# The class-data archive the unit names, made again whenever the jar or Java changed. Without one the server only
# starts slower, so a failed training run is a warning; a running server keeps the archive it mapped (a rename).
if ! $jar_changed && class_data_archive_usable "$archive" "$app_dir/intake-server.jar" "$template_dir/intake-server.service"; then
  say "unchanged: $archive"
elif $dry_run; then
  printf 'would make %s: a training run of the installed jar as intake on a throwaway data directory\n' "$archive"
else
  new_archive=$(mktemp "$archive.XXXXXX")
  if make_class_data_archive "$new_archive" "$app_dir/intake-server.jar" "$etc_dir/office.asc" \
      "$template_dir/intake-server.service" intake; then
    chmod 0644 "$new_archive"
    mv -f "$new_archive" "$archive"
    say "wrote $archive"
  else
    rm -f "$new_archive" "$archive"
    say "warning: no class-data archive: the server starts without one, about 0.6 s slower"
  fi
fi

server_args=
if $onion_location; then server_args="--onion-location http://${onion:-ONION-ADDRESS.onion}/"; fi
if [ -n "$store_url" ]; then
  server_args="${server_args:+$server_args }--store ${store_url//&/\\&} --store-password-file $etc_dir/store-password"
fi
changed=false
put "$unit" 0644 root:root \
  < <(sed -e "s|@PORT@|$port|g; s|@SERVER_ARGS@|$server_args|g; s| *$||" \
        -e "s|^IPAddressAllow=localhost\$|IPAddressAllow=localhost$database_ips|" "$template_dir/intake-server.service")
unit_changed=$changed
run systemctl daemon-reload
run systemctl enable intake-server
if $unit_changed || $jar_changed || $store_changed || ! systemctl is-active --quiet intake-server 2>/dev/null; then
  run systemctl restart intake-server
elif $cert_changed; then
  run systemctl reload intake-server
else
  say "unchanged: intake-server is running with this jar and certificate"
fi

if ! $dry_run; then
  # The server refuses to start with a certificate it cannot use, including one holding secret key material.
  for _ in $(seq 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    systemctl is-failed --quiet intake-server && break
    sleep 1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
    || die "intake-server does not answer on 127.0.0.1:$port: $(journalctl -u intake-server -n 20 --no-pager 2>&1)"
  if ! ss -ltn 2>/dev/null | grep -qE '(127\.0\.0\.1|0\.0\.0\.0|\*|\[::\]):22 '; then
    say "warning: nothing listens on port 22: install openssh-server for the admin onion service"
  fi
fi

echo
echo "Intake site:   http://${onion:-<the onion address, once tor has started>}/"
echo "Office key fingerprint (compare with the printed one from the key ceremony): $fingerprint"
if ! $dry_run; then
  echo "Admin SSH:     $(cat "$tor_data/admin-ssh/hostname") port 22 (client authorization required)"
fi
