#!/usr/bin/env bash
# Runs the README's two quick-start commands, exactly as written, each in its own fresh Debian 12
# root made with debootstrap (minbase: no compiler, no python3, no libsecret), holding only what
# the README assumes: this machine's Node and npm, and a fresh clone of this repository's HEAD.
# Not part of `npm test`: it needs root, takes minutes and installs packages into the roots.
# docs/fresh-machine.md says what it checks and what it found.
#
#   bash scripts/check-fresh-machine.sh [app|test|both]      (default: both)
#
# SIGNET_FRESH_DIR: where the roots, the cached base and the logs go (default /var/tmp/signet-fresh-machine).
# SIGNET_FIXTURES: the shared test fixtures, laid beside the clone as CI lays them (default ../shared/fixtures).
# SIGNET_FRESH_TIMEOUT_MIN: how long each command may take (default 30).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
which=${1:-both}
case "$which" in app|test|both) ;; *) echo "usage: $0 [app|test|both]" >&2; exit 64 ;; esac
work=${SIGNET_FRESH_DIR:-/var/tmp/signet-fresh-machine}
fixtures=${SIGNET_FIXTURES:-$repo/../shared/fixtures}
limit_s=$(( ${SIGNET_FRESH_TIMEOUT_MIN:-30} * 60 ))
[ "$(id -u)" -eq 0 ] || { echo "check-fresh-machine: needs root (debootstrap, mount, chroot)" >&2; exit 1; }
[ -d "$fixtures" ] || { echo "check-fresh-machine: no fixtures at $fixtures (set SIGNET_FIXTURES)" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
mkdir -p "$work/logs"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$work/logs/summary.txt"; }

# --- the base: Debian 12 minbase, made once and kept as a tarball --------------------------------
base=$work/bookworm-minbase.tar
if [ ! -f "$base" ]; then
  t0=$SECONDS
  rm -rf "$work/base-root"
  debootstrap --variant=minbase bookworm "$work/base-root" >"$work/logs/debootstrap.log" 2>&1
  chroot "$work/base-root" apt-get clean
  tar -C "$work/base-root" -cf "$base" .
  rm -rf "$work/base-root"
  log "debootstrap bookworm minbase: $((SECONDS - t0)) s"
fi

# --- the two commands, read from the README's quick start, so that what runs is what it says ----------
readme_cmds=$(awk '/^## Quick start/ {q=1; next} /^## / {q=0} q && /^```sh/ {c=1; next} q && c && /^```/ {exit} q && c && NF' <(git -C "$repo" show HEAD:README.md) | sed -E 's/[[:space:]]+#.*$//')
app_cmd=$(sed -n 1p <<<"$readme_cmds"); test_cmd=$(sed -n 2p <<<"$readme_cmds")
[[ "$app_cmd" == *"npm start"* && "$test_cmd" == *"npm test"* ]] || { echo "check-fresh-machine: cannot read the two commands from README.md's quick start" >&2; exit 1; }

# --- what the README assumes, from this machine ---------------------------------------------------
node_bin=$(readlink -f "$(command -v node)")
node_prefix=$(dirname "$(dirname "$node_bin")")
commit=$(git -C "$repo" rev-parse HEAD)
node_version=$(node --version)
npm_globalconfig=$(npm config get globalconfig 2>/dev/null || true)

# Unmounts everything under $1, deepest first; refuses to go on (so nothing is deleted through a
# mount of the host's /dev or /sys) when a mount is left.
unmount_all() {
  local r=$1 m
  for m in $(awk -v r="$r" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/self/mounts | sort -r); do umount "$m" || umount -l "$m"; done
  if awk -v r="$r" '$2 == r || index($2, r "/") == 1 {found=1} END {exit !found}' /proc/self/mounts; then
    echo "check-fresh-machine: mounts are left under $r; not deleting it" >&2; exit 1
  fi
}

# Stops every process whose root is $1: what the command left running in the chroot.
stop_chroot_processes() {
  local r=$1 p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  sleep 1
}

make_root() {  # $1 = root dir
  local r=$1
  if [ -d "$r" ]; then stop_chroot_processes "$r"; unmount_all "$r"; rm -rf "$r"; fi
  mkdir -p "$r" && tar -C "$r" -xf "$base"
  # Node and npm as installed here (binary, npm, and the headers node-gyp builds against).
  tar -C / -cf - "${node_prefix#/}/bin/node" "${node_prefix#/}/bin/npm" "${node_prefix#/}/bin/npx" \
    "${node_prefix#/}/lib/node_modules/npm" "${node_prefix#/}/include/node" | tar -C "$r" -xf -
  # This machine's network, not the project's needs: its DNS, its apt sources (a Debian 12 install
  # has updates and security as well as main), and the CA its egress proxy signs with, which npm
  # needs to reach the registry (kept where update-ca-certificates keeps it if apt rebuilds the bundle).
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  rm -f "$r/etc/apt/sources.list"
  cp -a /etc/apt/sources.list "$r/etc/apt/" 2>/dev/null || true
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && cp "$f" "$r/etc/apt/sources.list.d/"; done
  mkdir -p "$r/etc/ssl/certs" "$r/usr/local/share/ca-certificates"
  cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/"
  cp -a /usr/local/share/ca-certificates/. "$r/usr/local/share/ca-certificates/" 2>/dev/null || true
  # npm reads the CA file setting from its global config ($prefix/etc/npmrc).
  if [ -f "$npm_globalconfig" ]; then mkdir -p "$r$(dirname "$npm_globalconfig")" && cp "$npm_globalconfig" "$r$npm_globalconfig"; fi
  # A fresh clone of the committed HEAD (uncommitted changes are not checked), with the shared
  # fixtures beside it, as CI lays them.
  git clone -q "$repo" "$r/root/signet" && git -C "$r/root/signet" checkout -q "$commit"
  mkdir -p "$r/root/shared" && cp -a "$fixtures" "$r/root/shared/fixtures"
  # The root is a mount point of its own, as on a real machine: podman's layer unpacking remounts
  # "/" and fails with "remount /, flags: 0x44000: invalid argument" in a plain directory.
  mount --bind "$r" "$r" && mount --make-private "$r"
  mount -t proc proc "$r/proc"
  mount --bind /dev "$r/dev" && mount --make-private "$r/dev"
  mount --bind /dev/pts "$r/dev/pts"
  mount -t tmpfs -o mode=1777 shm "$r/dev/shm"
  mount -t sysfs sysfs "$r/sys"
  mount -t tmpfs -o mode=1777 tmp "$r/tmp"
  mount -t tmpfs -o mode=755 run "$r/run"
}

# A login's environment, nothing of this shell's: only what a fresh machine's root would have, and
# this machine's NODE_EXTRA_CA_CERTS (its egress proxy's CA again, for Node itself).
in_root() {  # $1 = root, $2 = command line
  chroot "$1" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb SIGNET_NO_OPEN=1 ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS} \
    PATH="$node_prefix/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    bash -c "cd /root/signet && $2"
}

# Prefixes each line with the seconds since $1 (SECONDS at the start), so the log shows how long
# each step took: the install script's part, the build, each Node's test run.
stamp() { local t0=$1 line; while IFS= read -r line; do printf '%4d %s\n' "$((SECONDS - t0))" "$line"; done; }

status=0
log "commit $commit, host Node $node_version from $node_prefix, check: $which"
log "app command:  $app_cmd"
log "test command: $test_cmd"

if [ "$which" != test ]; then
  # The README's first command, with SIGNET_NO_OPEN=1 (no browser here): it must print the web
  # host's address, and the page must answer 200.
  r=$work/root-app; make_root "$r"; t0=$SECONDS
  applog=$work/logs/app.log
  : >"$applog"  # now, not in the background job: the wait below must not read the last run's log
  # Its own process group (setsid), so that stopping it stops npm, tsc and the host alike.
  setsid bash -c "$(declare -f in_root stamp); node_prefix='$node_prefix'; NODE_EXTRA_CA_CERTS='${NODE_EXTRA_CA_CERTS:-}'; in_root '$r' '$app_cmd' 2>&1 | stamp 0" >"$applog" 2>&1 &
  pid=$!
  url=""
  while [ $((SECONDS - t0)) -lt "$limit_s" ] && kill -0 "$pid" 2>/dev/null; do
    url=$(grep -aoE '^ *[0-9]+ http://127\.0\.0\.1:[0-9]+/#token=[A-Za-z0-9_-]+' "$applog" | head -1 || true)
    url=${url##* }
    [ -n "$url" ] && break
    sleep 1
  done
  took=$((SECONDS - t0))
  code=none
  [ -n "$url" ] && code=$(curl -s -o /dev/null -w '%{http_code}' "${url%%#*}" || true)
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" || true
  changed=$(git -C "$r/root/signet" status --porcelain | tr '\n' ' ')
  if [ -n "$url" ] && [ "$code" = 200 ]; then
    log "app: PASS in $took s: printed ${url%%#*}#token=…, the page answered $code; changed in the clone: ${changed:-nothing}"
  else
    log "app: FAIL after $took s: address ${url:-not printed}, page answered $code (see $applog)"; status=1
  fi
  { grep -a -E '^ *[0-9]+ (installing with apt-get|signet:|No Electron|> signet@|added )' "$applog" || true; } | sed 's/^/  app: /' | tee -a "$work/logs/summary.txt"
  stop_chroot_processes "$r"; unmount_all "$r"
fi

if [ "$which" != app ]; then
  # The README's second command, the whole suite, as CI runs it.
  r=$work/root-test; make_root "$r"; t0=$SECONDS
  testlog=$work/logs/test.log
  set +e
  timeout --kill-after=30 "$limit_s" bash -c "$(declare -f in_root); node_prefix='$node_prefix'; NODE_EXTRA_CA_CERTS='${NODE_EXTRA_CA_CERTS:-}'; in_root '$r' '$test_cmd'" 2>&1 | stamp "$t0" >"$testlog"
  rc=${PIPESTATUS[0]}
  set -e
  took=$((SECONDS - t0))
  last=$(tail -n 1 "$testlog" | sed -E 's/^ *[0-9]+ //')
  if [ "$rc" -eq 0 ]; then log "test: PASS in $took s: $last"; else log "test: FAIL (exit $rc) after $took s: $last (see $testlog)"; status=1; fi
  # The per-Node summaries and any failure named above the last line.
  { grep -a -E '^ *[0-9]+ (installing with apt-get|Node 24 for the tests|added |> signet@|The unit and integration tests again|ℹ duration_ms)' "$testlog" || true; } | sed 's/^/  test: /' | tee -a "$work/logs/summary.txt"
  awk '/^ *[0-9]+ Node v[0-9]/ {show=1} show' "$testlog" | sed 's/^/  test: /' | tee -a "$work/logs/summary.txt"
  stop_chroot_processes "$r"; unmount_all "$r"
fi
exit "$status"
