#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, in one apt-get call (each extra
# call costs seconds), then the npm packages. Safe to run again: apt skips what is installed.
set -euo pipefail
PKGS=(docker-registry apache2-utils skopeo podman gnome-keyring libsecret-1-dev libsecret-tools dbus chromium xvfb xauth)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
fi
# No Electron binary can be downloaded on every machine; the engine and web host do not need it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
# keytar is built from source against Node's own headers (no prebuilt or header download).
export npm_config_build_from_source=true
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
npm ci --no-audit --no-fund
