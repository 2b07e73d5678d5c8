#!/usr/bin/env bash
# End to end over real Tor, on 127.0.0.1 only: a private Tor network (3 directory authorities, 2 exits, 1 onion
# host, 1 client, tor's TestingTorNetwork mode) serves intake-server as an onion service; a JavaScript-off testimony
# goes in through the client's SOCKS port, comes out with `intake-server export` and is read with
# `intake-office decrypt`. A second onion service with v3 client authorization stands for the admin's SSH service.
#
# Safety: this machine may contact only 127.0.0.0/8. Every tor config is written here, checked against an allow-list
# of options and addresses and by `tor --verify-config`, and tor is never started if a check fails. The keys are
# throwaway keys in a temporary folder, removed on exit with everything else.
#
# Usage: deploy/test-tor-network.sh [--server-jar JAR] [--office-jar JAR] [--base-port N] [--keep]
#        deploy/test-tor-network.sh --check-config FILE...   only apply the safety checks to tor configs
set -euo pipefail

server_jar=target/intake-server.jar
office_jar=target/intake-office.jar
# Below the kernel's ephemeral range (32768 and up), so no outgoing connection takes one of ours meanwhile.
base_port=$((20000 + ($$ % 600) * 20))
keep=false

check_only=()
usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --server-jar) server_jar=$2; shift 2 ;;
    --office-jar) office_jar=$2; shift 2 ;;
    --base-port) base_port=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    --check-config) shift; check_only=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "test-tor-network: unknown option $1" >&2; usage ;;
  esac
done

started=$SECONDS
log() { printf '[%3ds] %s\n' $((SECONDS - started)) "$*"; }
die() { printf 'test-tor-network: FAILED: %s\n' "$*" >&2; exit 1; }

tools=(tor tor-gencert curl java openssl base32)
[ ${#check_only[@]} -eq 0 ] || tools=(tor)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
if [ ${#check_only[@]} -eq 0 ]; then
  for jar in "$server_jar" "$office_jar"; do
    [ -f "$jar" ] || die "$jar is missing: run mvn -B package -DskipTests first"
  done
  server_jar=$(realpath "$server_jar")
  office_jar=$(realpath "$office_jar")
fi
deploy_dir=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d /tmp/tor-test-network.XXXXXX)
declare -A pid_of=()
server_pid=

# True once PID has ended, false if it still runs after LIMIT seconds.
ended_within() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# A process that ignores SIGTERM must not hold the test until its caller's timeout: it is named, then killed.
cleanup() {
  local name
  for name in "${!pid_of[@]}"; do kill "${pid_of[$name]}" 2>/dev/null || true; done
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  for name in "${!pid_of[@]}"; do
    ended_within "${pid_of[$name]}" 15 || { echo "tor $name still ran 15 s after SIGTERM: killed" >&2; kill -9 "${pid_of[$name]}" || true; }
    wait "${pid_of[$name]}" 2>/dev/null || true
  done
  if [ -n "$server_pid" ]; then
    if ! ended_within "$server_pid" 15; then
      kill -QUIT "$server_pid" || true # the JVM prints its threads to the server log (it may just have ended)
      sleep 1
      echo "intake-server still ran 15 s after SIGTERM: killed; its log ends: $(tail -n 150 "$work/server.log")" >&2
      kill -9 "$server_pid" || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if $keep; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tor refuses some things as root and should not run as root anyway: as root, every tor runs as nobody.
# setpriv execs tor in place, so $! is tor's own PID.
if [ "$(id -u)" = 0 ]; then
  as_tor_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --)
  tor_owner=nobody:nogroup
else
  as_tor_user=()
  tor_owner=
fi

# --- ports: a block of our own, every one checked free --------------------------------------------------------------
next_port=$base_port
# Sets $port to the next port of the block, checked free.
take_port() {
  port=$next_port
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use: pass another --base-port"; fi
  next_port=$((port + 1))
}

# --- configs ---------------------------------------------------------------------------------------------------------
relays=(auth1 auth2 auth3 exit1 exit2)
authorities=(auth1 auth2 auth3)
declare -A or_port=() dir_port=()
for name in "${relays[@]}"; do
  take_port; or_port[$name]=$port
  take_port; dir_port[$name]=$port
done
take_port; socks_port=$port
take_port; http_port=$port

# tor's user may pass through the work folder but only enter its own part.
chmod 711 "$work"
mkdir -p "$work/tor"
[ -z "$tor_owner" ] || chown "$tor_owner" "$work/tor"
printf 'nameserver 127.0.0.1\n' > "$work/tor/resolv.conf"

# What every node shares: the network is ours alone, and nothing leaves 127.0.0.1.
common_config() {
  local name=$1
  cat <<EOF
TestingTorNetwork 1
DataDirectory $work/tor/$name
PidFile $work/tor/$name/pid
Log notice file $work/tor/$name/notice.log
SafeLogging 1
UseDefaultFallbackDirs 0
ClientUseIPv6 0
OutboundBindAddress 127.0.0.1
ServerDNSDetectHijacking 0
ServerDNSResolvConfFile $work/tor/resolv.conf
EOF
}

relay_config() {
  local name=$1
  cat <<EOF
Nickname $name
Address 127.0.0.1
AddressDisableIPv6 1
ORPort 127.0.0.1:${or_port[$name]} IPv4Only
DirPort 127.0.0.1:${dir_port[$name]}
SocksPort 0
AssumeReachable 1
EOF
}

# Options a config here may use at all; anything else (FallbackDir, Bridge, a hostname...) stops the run.
allowed_options=(TestingTorNetwork DataDirectory PidFile Log SafeLogging UseDefaultFallbackDirs ClientUseIPv6
  OutboundBindAddress ServerDNSDetectHijacking ServerDNSResolvConfFile DirAuthority Nickname Address AddressDisableIPv6
  ORPort DirPort SocksPort AssumeReachable AuthoritativeDirectory V3AuthoritativeDirectory ExitRelay ExitPolicy
  V3AuthVotingInterval V3AuthVoteDelay V3AuthDistDelay TestingV3AuthInitialVotingInterval TestingV3AuthInitialVoteDelay
  TestingV3AuthInitialDistDelay TestingV3AuthVotingStartOffset TestingDirAuthVoteExit TestingDirAuthVoteGuard
  TestingDirAuthVoteHSDir UseMicrodescriptors ReachableAddresses HiddenServiceDir HiddenServicePort
  HiddenServicePoWDefensesEnabled ClientOnionAuthDir)
# Options whose value holds an address: it must be 127.0.0.1.
address_options=(Address ORPort DirPort SocksPort OutboundBindAddress DirAuthority HiddenServicePort)

# Refuses a config that could reach anything but 127.0.0.1; then lets tor itself check it.
check_config() {
  local file=$1 option value address resolv
  while read -r option value; do
    case $option in ''|'#'*) continue ;; esac
    [[ " ${allowed_options[*]} " == *" $option "* ]] || die "$file: option $option is not allowed here"
    if [[ " ${address_options[*]} " == *" $option "* ]]; then
      [ "$value" = 0 ] || [[ " $value " =~ [[:space:]]127\.0\.0\.1(:[0-9]+)?[[:space:]] ]] \
        || die "$file: $option $value is not on 127.0.0.1"
    fi
  done < "$file"
  while read -r address; do
    case $address in 127.0.0.1|127.0.0.0/8) ;; *) die "$file: address $address is not 127.0.0.1" ;; esac
  done < <(grep -oE '[0-9]+(\.[0-9]+){3}(/[0-9]+)?' "$file")
  if grep -qE '::|\[|localhost|accept \*' "$file"; then die "$file: IPv6, a host name or an open policy"; fi
  for required in '^TestingTorNetwork 1$' '^UseDefaultFallbackDirs 0$' '^ClientUseIPv6 0$' \
      '^OutboundBindAddress 127\.0\.0\.1$' '^ServerDNSDetectHijacking 0$' '^ServerDNSResolvConfFile ' '^DirAuthority '; do
    grep -qE "$required" "$file" || die "$file lacks ${required//[\^\$\\]/}"
  done
  resolv=$(awk '$1 == "ServerDNSResolvConfFile" {print $2}' "$file")
  [ "$(cat "$resolv")" = "nameserver 127.0.0.1" ] || die "$file: $resolv must name only the nameserver 127.0.0.1"
  "${as_tor_user[@]}" tor --verify-config --defaults-torrc /dev/null -f "$file" > "$work/verify.out" 2>&1 \
    || die "tor --verify-config refused $file: $(cat "$work/verify.out")"
}

own_for_tor() {
  [ -z "$tor_owner" ] || chown -R "$tor_owner" "$@"
  chmod -R go-rwx "$@"
}

if [ ${#check_only[@]} -gt 0 ]; then
  for file in "${check_only[@]}"; do check_config "$file"; done
  echo "test-tor-network: ${#check_only[@]} config(s) pass the safety checks"
  exit 0
fi

# --- authority keys and relay fingerprints ---------------------------------------------------------------------------
log "work folder $work, ports $base_port-$((next_port - 1))"
# A stand-in DirAuthority so that listing a fingerprint cannot fall back to the public authorities.
placeholder_authority="DirAuthority placeholder orport=1 no-v2 127.0.0.1:1 $(printf 'F%.0s' {1..40})"
declare -A v3ident=() fingerprint=()
for name in "${relays[@]}"; do
  mkdir -p "$work/tor/$name/keys"
  if [[ " ${authorities[*]} " == *" $name "* ]]; then
    (cd "$work/tor/$name/keys" && printf '\n' | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 \
      -a "127.0.0.1:${dir_port[$name]}" >/dev/null 2>&1) || die "tor-gencert failed for $name"
    v3ident[$name]=$(awk '/^fingerprint /{print $2}' "$work/tor/$name/keys/authority_certificate")
  fi
  { common_config "$name"; relay_config "$name"; echo "$placeholder_authority"; } > "$work/tor/$name.fingerprint.torrc"
  own_for_tor "$work/tor/$name"
  check_config "$work/tor/$name.fingerprint.torrc"
  fingerprint[$name]=$("${as_tor_user[@]}" tor --list-fingerprint --defaults-torrc /dev/null -f "$work/tor/$name.fingerprint.torrc" \
    2>/dev/null | awk -v n="$name" '$1 == n {$1 = ""; gsub(/ /, ""); print}')
  [ -n "${fingerprint[$name]}" ] || die "no fingerprint for $name"
  rm "$work/tor/$name.fingerprint.torrc"
done

authority_lines() {
  local name
  for name in "${authorities[@]}"; do
    echo "DirAuthority $name orport=${or_port[$name]} no-v2 v3ident=${v3ident[$name]} 127.0.0.1:${dir_port[$name]} ${fingerprint[$name]}"
  done
}

# The first vote comes 8 s after now: time for every relay to upload its descriptor.
voting_offset=$(( ($(date +%s) + 8) % 10 ))
for name in "${relays[@]}"; do
  {
    common_config "$name"
    relay_config "$name"
    authority_lines
    if [[ " ${authorities[*]} " == *" $name "* ]]; then
      cat <<EOF
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
ExitRelay 0
ExitPolicy reject *:*
V3AuthVotingInterval 10
V3AuthVoteDelay 2
V3AuthDistDelay 2
TestingV3AuthInitialVotingInterval 10
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
TestingV3AuthVotingStartOffset $voting_offset
TestingDirAuthVoteExit *
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
EOF
    else
      # Never `accept *:*`: an exit here reaches loopback and nothing else.
      printf 'ExitRelay 1\nExitPolicy accept 127.0.0.0/8:*\nExitPolicy reject *:*\n'
    fi
  } > "$work/tor/$name.torrc"
done

mkdir -p "$work/tor/onionhost" "$work/tor/client/onion-auth"
{
  common_config onionhost
  authority_lines
  cat <<EOF
SocksPort 0
HiddenServiceDir $work/tor/onionhost/intake
HiddenServicePort 80 127.0.0.1:$http_port
HiddenServicePoWDefensesEnabled 1
HiddenServiceDir $work/tor/onionhost/admin
HiddenServicePort 22 127.0.0.1:$http_port
EOF
} > "$work/tor/onionhost.torrc"
{
  common_config client
  authority_lines
  cat <<EOF
SocksPort 127.0.0.1:$socks_port ExtendedErrors
UseMicrodescriptors 0
ReachableAddresses accept 127.0.0.0/8:*, reject *:*
ClientOnionAuthDir $work/tor/client/onion-auth
EOF
} > "$work/tor/client.torrc"

# The admin's client-authorization key pair, made the way deploy/README.md tells the admin to (stand-in for SSH:
# the admin service forwards to the intake server, so an HTTP request shows whether the key lets the client in).
"$deploy_dir/client-auth-keygen.sh" --out "$work/admin-key" admin > /dev/null
mkdir -p "$work/tor/onionhost/admin/authorized_clients"
cp "$work/admin-key/admin.auth" "$work/tor/onionhost/admin/authorized_clients/admin.auth"

for name in "${relays[@]}" onionhost client; do
  own_for_tor "$work/tor/$name"
  check_config "$work/tor/$name.torrc"
done
log "all 7 configs passed the address check and tor --verify-config"

start_tor() {
  local name=$1
  "${as_tor_user[@]}" tor --defaults-torrc /dev/null -f "$work/tor/$name.torrc" > "$work/tor/$name.stdout" 2>&1 &
  pid_of[$name]=$!
}

# Waits until PATTERN shows in NAME's log; stops early with the log's tail if that tor died.
wait_for_log() {
  local name=$1 pattern=$2 limit=$3 deadline=$((SECONDS + $3))
  until grep -qE "$pattern" "$work/tor/$name/notice.log" 2>/dev/null; do
    kill -0 "${pid_of[$name]}" 2>/dev/null || die "tor $name exited: $(tail -n 20 "$work/tor/$name.stdout")"
    [ $SECONDS -lt $deadline ] || die "$name: no '$pattern' within ${limit}s: $(tail -n 20 "$work/tor/$name/notice.log")"
    sleep 0.2
  done
}

plain_curl() { env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u all_proxy curl -q "$@"; }

# True when the consensus a node serves lists every relay as Running.
consensus_complete() {
  local consensus
  consensus=$(plain_curl -s --noproxy '*' --max-time 2 \
    "http://127.0.0.1:${dir_port[$1]}/tor/status-vote/current/consensus") || return 1
  [ "$(grep -cE '^s .*Running' <<< "$consensus")" -eq ${#relays[@]} ]
}

# --- phase 1: authorities and exits, until all hold a full consensus ------------------------------------------------
for name in "${relays[@]}"; do start_tor "$name"; done
log "started ${#relays[@]} relays (3 authorities, 2 exits)"
deadline=$((SECONDS + 90))
hupped=false
for name in "${relays[@]}"; do
  until consensus_complete "$name"; do
    kill -0 "${pid_of[$name]}" 2>/dev/null || die "tor $name exited: $(tail -n 20 "$work/tor/$name.stdout")"
    [ $SECONDS -lt $deadline ] || die "no complete consensus on $name: $(tail -n 20 "$work/tor/$name/notice.log")"
    # A relay that asked too early backs off after 404s; SIGHUP resets that backoff.
    if ! $hupped && [ $((SECONDS - started)) -gt 30 ]; then
      for relay in exit1 exit2; do kill -HUP "${pid_of[$relay]}"; done
      hupped=true
    fi
    sleep 0.5
  done
done
log "every relay holds a consensus listing all ${#relays[@]} relays as Running"

# --- the intake server with a throwaway office key -----------------------------------------------------------------
mkdir -p "$work/office" "$work/data"
chmod 700 "$work/office"
head -c 24 /dev/urandom | base64 > "$work/office/THROWAWAY-passphrase"
java -jar "$office_jar" keygen --name "THROWAWAY test-tor-network key" --secret "$work/office/office.sec.asc" \
  --public "$work/office/office.asc" --passphrase-file "$work/office/THROWAWAY-passphrase" > "$work/office/keygen.out" \
  || die "intake-office keygen failed"
# The server gets its own copy of the public certificate, as on a real server.
mkdir -p "$work/server-key"
cp "$work/office/office.asc" "$work/server-key/office.asc"

# --- phase 2: onion host and client, and the server with the onion address as install.sh passes it ------------------
start_tor onionhost
start_tor client
# tor writes the addresses as it starts, long before the services are reachable.
deadline=$((SECONDS + 30))
until [ -s "$work/tor/onionhost/intake/hostname" ] && [ -s "$work/tor/onionhost/admin/hostname" ]; do
  kill -0 "${pid_of[onionhost]}" 2>/dev/null || die "tor onionhost exited: $(tail -n 20 "$work/tor/onionhost.stdout")"
  [ $SECONDS -lt $deadline ] || die "the onion host wrote no onion addresses"
  sleep 0.2
done
intake_onion=$(cat "$work/tor/onionhost/intake/hostname")
admin_onion=$(cat "$work/tor/onionhost/admin/hostname")
java -Xmx256m -jar "$server_jar" serve --key "$work/server-key/office.asc" --data "$work/data" \
  --bind 127.0.0.1 --port "$http_port" --onion-location "http://$intake_onion/" > "$work/server.log" 2>&1 &
server_pid=$!
wait_for_log client 'Bootstrapped 100%' 90
wait_for_log onionhost 'Bootstrapped 100%' 90
log "onion host and client bootstrapped"

deadline=$((SECONDS + 60))
until plain_curl -s --noproxy '*' -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/"; do
  kill -0 "$server_pid" 2>/dev/null || die "intake-server exited: $(tail -n 20 "$work/server.log")"
  [ $SECONDS -lt $deadline ] || die "intake-server does not answer on 127.0.0.1:$http_port: $(tail -n 20 "$work/server.log")"
  sleep 0.2
done
log "intake-server answers on 127.0.0.1:$http_port"

# Only the curl that goes through tor: the name is resolved by tor, never by this machine.
tor_curl() {
  env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u all_proxy -u NO_PROXY -u no_proxy \
    curl -q --socks5-hostname "127.0.0.1:$socks_port" --max-time 30 -sS "$@"
}

# --- through Tor: the landing page ----------------------------------------------------------------------------------
deadline=$((SECONDS + 90))
until tor_curl -o "$work/landing.html" -D "$work/landing.headers" -w '%{http_code}' "http://$intake_onion/" \
    > "$work/landing.status" 2> "$work/landing.err" && [ "$(cat "$work/landing.status")" = 200 ]; do
  [ $SECONDS -lt $deadline ] || die "no landing page over Tor: $(cat "$work/landing.err" "$work/landing.status")"
  sleep 1
done
first_200=$((SECONDS - started))
log "landing page over Tor: 200 ($first_200 s after start)"
if grep -qi '^set-cookie:' "$work/landing.headers"; then die "the landing page sets a cookie"; fi
grep -qiF "onion-location: http://$intake_onion/" "$work/landing.headers" \
  || die "no Onion-Location header for http://$intake_onion/: $(cat "$work/landing.headers")"

# --- through Tor: JavaScript-off submissions -------------------------------------------------------------------------
# The page with the form is the landing page or the first page it links to that has a form token.
form_url="http://$intake_onion/"
cp "$work/landing.html" "$work/form.html"
if ! grep -q 'name="form-token"' "$work/form.html"; then
  while read -r href; do
    tor_curl -o "$work/form.html" "http://$intake_onion$href" || continue
    if grep -q 'name="form-token"' "$work/form.html"; then form_url="http://$intake_onion$href"; break; fi
  done < <(grep -oE 'href="/[^"#]*"' "$work/landing.html" | sed 's/^href="//; s/"$//' | sort -u)
fi
grep -q 'name="form-token"' "$work/form.html" \
  || die "no form-token field on the landing page or the pages it links to (see $work/form.html with --keep)"

# submit TEXT FILE: GETs the form for a fresh token and POSTs it as a browser without JavaScript would.
submit() {
  local text=$1 file=$2 token action submit_url
  tor_curl -o "$work/form.html" "$form_url" || die "cannot GET the form $form_url"
  # One tag per match: the form token's value, and the multipart form's action.
  token=$(tr '\n' ' ' < "$work/form.html" | grep -oE '<input[^>]*name="form-token"[^>]*>' | head -n 1 \
    | grep -oE 'value="[^"]*"' | sed 's/^value="//; s/"$//') || true
  [ -n "$token" ] || die "no form-token value on $form_url"
  action=$(tr '\n' ' ' < "$work/form.html" | grep -oE '<form[^>]*enctype="multipart/form-data"[^>]*>' | head -n 1 \
    | grep -oE 'action="[^"]*"' | sed 's/^action="//; s/"$//; s/&amp;/\&/g') || true
  case ${action:-/submit} in
    http://*) submit_url=$action ;;
    /*) submit_url="http://$intake_onion${action:-/submit}" ;;
    *) submit_url="${form_url%/*}/$action" ;;
  esac
  # The form token first (FORMAT.md section 7), then the narrative, then one file.
  tor_curl -o "$work/submit.html" -D "$work/submit.headers" -w '%{http_code}' -F "form-token=$token" \
    -F "testimony=$text" -F "attachments=@$file;type=text/plain" "$submit_url" > "$work/submit.status" \
    || die "the submission to $submit_url did not go through Tor"
  case $(cat "$work/submit.status") in
    200|201|303) log "submission to $submit_url answered $(cat "$work/submit.status")" ;;
    *) die "the submission was answered $(cat "$work/submit.status"): $(head -c 2000 "$work/submit.html")" ;;
  esac
  if grep -qi '^set-cookie:' "$work/submit.headers"; then die "the submission's answer sets a cookie"; fi
}

current_subkey() { java -jar "$office_jar" fingerprint "$1" | awk '$1 == "subkey" && $3 == "current" {print $2}'; }

first_text="Testimony over a private Tor network: 벌목장에서 도망쳤다. Лесозаготовки. $$-$RANDOM"
printf 'first attachment %s\n' "$RANDOM" > "$work/first.txt"
submit "$first_text" "$work/first.txt"
first_subkey=$(current_subkey "$work/server-key/office.asc")

# --- key rotation as deploy/README.md tells staff: rotate offline, install the new office.asc, reload ------------------
java -jar "$office_jar" rotate --secret "$work/office/office.sec.asc" --public "$work/office/office.asc" \
  --passphrase-file "$work/office/THROWAWAY-passphrase" > "$work/rotate.out" 2>&1 || die "intake-office rotate failed"
cp "$work/office/office.asc" "$work/server-key/office.asc.new"
mv "$work/server-key/office.asc.new" "$work/server-key/office.asc"
kill -HUP "$server_pid" # what systemctl reload sends
kill -0 "$server_pid" 2>/dev/null || die "intake-server ended on SIGHUP instead of reloading the key"
second_subkey=$(current_subkey "$work/server-key/office.asc")
[ "$first_subkey" != "$second_subkey" ] || die "the rotation kept the current subkey"
log "rotated the office key: current subkey $first_subkey -> $second_subkey"
second_text="Second testimony, after the key rotation: $$-$RANDOM"
printf 'second attachment %s\n' "$RANDOM" > "$work/second.txt"
submit "$second_text" "$work/second.txt"

# --- the admin service: closed without the client key, open with it ---------------------------------------------------
if tor_curl -o /dev/null "http://$admin_onion:22/" 2> "$work/admin-denied.err"; then
  die "the admin onion service answered a client without its authorization key"
fi
log "admin onion service without the key: refused ($(tr -d '\n' < "$work/admin-denied.err"))"
printf '%s:descriptor:x25519:%s\n' "${admin_onion%.onion}" "$(cat "$work/admin-key/admin.x25519.private")" \
  > "$work/tor/client/onion-auth/admin.auth_private"
own_for_tor "$work/tor/client/onion-auth"
kill -HUP "${pid_of[client]}"
deadline=$((SECONDS + 60))
until tor_curl -o /dev/null "http://$admin_onion:22/" 2> "$work/admin.err"; do
  [ $SECONDS -lt $deadline ] || die "the admin onion service refused the authorized client: $(cat "$work/admin.err")"
  sleep 1
done
log "admin onion service with the key: open"

# --- export, decrypt, compare -----------------------------------------------------------------------------------------
# As deploy/README.md tells the admin: the submissions move into the bundle, which stays until read offline.
java -jar "$server_jar" export --delete-exported --data "$work/data" --out "$work/bundle.zip" > "$work/export.out" 2>&1 \
  || die "intake-server export failed: $(cat "$work/export.out")"
grep -q '^2 submissions written to .* and deleted from the server' "$work/export.out" \
  || die "the export did not move both submissions: $(cat "$work/export.out")"
# Entries are STORED (FORMAT.md section 8), so the manifest reads as text inside the zip.
for subkey in "$first_subkey" "$second_subkey"; do
  grep -aq "\"subkey\" *: *\"$subkey\"" "$work/bundle.zip" || die "no submission in the bundle is encrypted to subkey $subkey"
done
java -jar "$office_jar" decrypt --secret "$work/office/office.sec.asc" \
  --passphrase-file "$work/office/THROWAWAY-passphrase" --out "$work/case" "$work/bundle.zip" > "$work/decrypt.out" 2>&1 \
  || die "intake-office decrypt failed: $(cat "$work/decrypt.out")"
for text_and_file in "$first_text|$work/first.txt" "$second_text|$work/second.txt"; do
  found=$(grep -rlF --include=testimony.json -e "${text_and_file%|*}" "$work/case" || true)
  [ -n "$found" ] || die "a testimony text is missing from the decrypted bundle: $(cat "$work/decrypt.out")"
  cmp -s "${text_and_file#*|}" "$(dirname "$found")"/attachments/* || die "an attachment did not arrive intact"
done
log "decrypted bundle holds both testimonies and their attachments, before and after the rotation"

echo "test-tor-network: PASSED in $((SECONDS - started)) s (first 200 over Tor after $first_200 s)"
