#!/usr/bin/env bash
# Debian's Samba smbd inside a socket_wrapper network: the reference the benchmarks (scripts/bench-smb,
# selftest's SmbBench and ChannelBench) measure the project's server against.
# Usage: samba-anchor.sh start DIR [IFACES="11 12 13 14"] [PORT=445]
#        samba-anchor.sh stop DIR
# Needs root (a system user "tester" and Samba's passdb) and the packages samba, smbclient,
# libsocket-wrapper and gcc. The user is "tester", password "pass"; the share is
# //127.0.0.<first of IFACES>/share, its sockets in DIR/swrap. ANCHOR_SHARE_OPTIONS adds lines to [share],
# e.g. "vfs objects = acl_xattr streams_xattr" (stored NT ACLs and named streams, as Samba's selftest shares).
set -euo pipefail
. "$(dirname "$0")/common.sh"
cmd=${1:?usage: samba-anchor.sh start|stop DIR}; dir=${2:?usage: samba-anchor.sh start|stop DIR}
ifaces=${3:-"11 12 13 14"}; port=${4:-445}
case $cmd in
  stop)
    if [ -f "$dir/run/smbd.pid" ]; then kill "$(cat "$dir/run/smbd.pid")" 2>/dev/null || true; fi
    exit 0 ;;
  start) ;;
  *) die "unknown command $cmd (expected: start DIR [IFACES] [PORT] | stop DIR)" ;;
esac
sw=$(libsocket_wrapper)
[ -n "$sw" ] || die "libsocket_wrapper.so not found (dpkg -L libsocket-wrapper); apt-get install -y libsocket-wrapper"
command -v smbd >/dev/null || die "smbd not found; apt-get install -y samba"
mkdir -p "$dir"/{swrap,share,priv,lock,state,cache,run,log}
chmod 755 "$dir"
chmod 777 "$dir/share"
shim="$dir/reuseport_shim.so"
[ -f "$shim" ] || gcc -shared -fPIC -O2 -o "$shim" "$SWRAP_ROOT/scripts/lib/reuseport_shim.c" -ldl \
  || die "could not compile $SWRAP_ROOT/scripts/lib/reuseport_shim.c (the compiler says why above; gcc comes with apt-get install -y gcc)"
list=""
for i in $ifaces; do list="$list 127.0.0.$i/8;speed=10000000000,capability=RSS"; done
first=${ifaces%% *}
cat > "$dir/smb.conf" <<CONF
[global]
  workgroup = WG
  netbios name = ANCHOR
  server role = standalone server
  interfaces = $list
  bind interfaces only = yes
  server multi channel support = yes
  smbd:FSCTL_SMBTORTURE = yes
  private dir = $dir/priv
  lock directory = $dir/lock
  state directory = $dir/state
  cache directory = $dir/cache
  pid directory = $dir/run
  ncalrpc dir = $dir/run/ncalrpc
  log file = $dir/log/log.%m
  passdb backend = tdbsam
  smb ports = $port
  kernel oplocks = no
  load printers = no
  disable spoolss = yes
[share]
  path = $dir/share
  read only = no
  ${ANCHOR_SHARE_OPTIONS:-}
CONF
id tester >/dev/null 2>&1 || useradd -M tester
runuser -u tester -- test -x "$dir/share" \
  || die "$dir/share is not reachable by user tester: a parent directory is not traversable (mktemp -d makes 0700); chmod o+x it"
printf 'pass\npass\n' | smbpasswd -c "$dir/smb.conf" -s -a tester >/dev/null
SOCKET_WRAPPER_DIR="$dir/swrap" SOCKET_WRAPPER_DEFAULT_IFACE=$first LD_PRELOAD="$shim:$sw" \
  setsid smbd -F --no-process-group -s "$dir/smb.conf" --debug-stdout -d1 >"$dir/log/smbd.out" 2>&1 </dev/null &
# socket_wrapper names the listening socket T<iface in hex><port in hex>
socket="$dir/swrap/T$(printf %02X "$first")$(printf %04X "$port")"
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.2; done
[ -S "$socket" ] || die "smbd did not listen within 20 s ($socket missing); see $dir/log/smbd.out"
echo "smbd up: SOCKET_WRAPPER_DIR=$dir/swrap //127.0.0.$first/share -U tester%pass"
