#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the app's system packages and the
# test tools in one apt-get call (install-app-deps.sh), the npm packages from the lockfile, and a
# Node 24 for the second run of the unit and integration tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# openssl: the token-auth test registry's certificate is made with its CLI (test/helpers/registry.ts).
TEST_PKGS=(docker-registry apache2-utils skopeo podman gnome-keyring libsecret-tools dbus chromium xvfb xauth openssl)
# No Electron binary can be downloaded on every machine; the engine and web host do not need it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
bash scripts/install-app-deps.sh --ci "${TEST_PKGS[@]}"

# scripts/test.mjs runs the unit and integration tests under Node 24 too (Electron 41 embeds
# Node 24). npm's `node` package ships a Node binary for this platform; it goes to a gitignored
# cache dir, never onto PATH. SIGNET_TEST_NODE24=0 skips it.
NODE24_DIR=.cache/node24
if [ "${SIGNET_TEST_NODE24:-}" != 0 ] && [ "$(node -p 'process.versions.node.split(".")[0]')" != 24 ]; then
  if ! "$NODE24_DIR/node_modules/node/bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
    # --prefix would also move npm's global config (registry, proxy, CA file) to $NODE24_DIR/etc: keep it.
    npm install --no-save --no-audit --no-fund --prefix "$NODE24_DIR" --globalconfig "$(npm config get globalconfig)" node@24 >/dev/null
  fi
  echo "Node 24 for the tests: $("$NODE24_DIR/node_modules/node/bin/node" --version)"
fi
