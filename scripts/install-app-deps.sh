#!/usr/bin/env bash
# The README's first command runs this before `npm start`: it installs the system packages that
# `npm install` needs to build keytar (libsecret's headers, and python3, make and g++ for node-gyp),
# then the npm packages. On Debian and Ubuntu it installs them itself, with apt-get in one call
# (each call costs seconds) and sudo when not root; elsewhere it says what to install and goes on.
#
#   bash scripts/install-app-deps.sh [--ci] [EXTRA_DEBIAN_PACKAGE...]
#
# --ci runs `npm ci` (exactly the lockfile, node_modules made anew) instead of `npm install`.
# EXTRA_DEBIAN_PACKAGEs go into the same apt-get call: scripts/install-test-deps.sh passes the
# test tools this way. Safe to run again: what is installed is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

npm_cmd=(npm install)
if [ "${1:-}" = --ci ]; then npm_cmd=(npm ci); shift; fi
extra=("$@")

# keytar's binding.gyp asks pkg-config for libsecret-1; node-gyp needs python3, make and a C++ compiler.
APP_PKGS=(libsecret-1-dev pkg-config)
TOOLS=(python3:python3 make:make g++:g++)

os=$(uname -s)
id="" id_like=""
# SIGNET_OS_RELEASE stands in for /etc/os-release in test/unit/scripts/install-app-deps.test.ts.
os_release=${SIGNET_OS_RELEASE:-/etc/os-release}
if [ -r "$os_release" ]; then
  # shellcheck disable=SC1090
  id=$(. "$os_release" && echo "${ID:-}")
  # shellcheck disable=SC1090
  id_like=$(. "$os_release" && echo "${ID_LIKE:-}")
fi
is_family() { [[ " $id $id_like " == *" $1 "* ]]; }

if [ "$os" = Linux ] && { is_family debian || is_family ubuntu; }; then
  missing=()
  for p in "${APP_PKGS[@]}" "${extra[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # The build tools may come from elsewhere (pyenv, a compiler built by hand): any on PATH will do.
  for t in "${TOOLS[@]}"; do command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}"); done
  if ((${#missing[@]})); then
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
      if ! command -v sudo >/dev/null; then
        echo "signet: these packages are needed and sudo is not installed; as root run:" >&2
        echo "  apt-get install ${missing[*]}" >&2
        exit 1
      fi
      SUDO=(sudo)
    fi
    echo "installing with apt-get: ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
elif [ "$os" = Linux ]; then
  # Not a distribution this script installs for: say what keytar needs, then try npm anyway
  # (it fails at keytar's build if libsecret's headers are missing).
  if is_family fedora || is_family rhel || is_family suse || is_family opensuse; then
    hint="sudo dnf install libsecret-devel python3 make gcc-c++   (openSUSE: sudo zypper install libsecret-devel python3 make gcc-c++)"
  elif is_family arch; then
    hint="sudo pacman -S --needed libsecret python make gcc"
  else
    hint="libsecret's development files (libsecret-1 for pkg-config), python3, make and a C++ compiler"
  fi
  if pkg-config --exists libsecret-1 2>/dev/null; then
    echo "signet: not Debian or Ubuntu ($id); libsecret-1 is there, so keytar should build. If npm fails, install: $hint"
  else
    echo "signet: not Debian or Ubuntu ($id), so nothing is installed for you. keytar needs: $hint"
  fi
  if ((${#extra[@]})); then echo "signet: also needed (Debian's names): ${extra[*]}"; fi
else
  # macOS and Windows: keytar uses the Keychain or the Credential Vault, and npm downloads its prebuilt binary.
  echo "signet: $os needs no system packages for the app."
  if ((${#extra[@]})); then echo "signet: the tests need (Debian's names) ${extra[*]}: not installed here."; fi
fi

if [ "$os" = Linux ]; then
  # keytar is built from source against the running Node's own headers when they are there (Debian's
  # and NodeSource's nodejs, and npm's node package ship them): no prebuilt binary or header download,
  # neither of which a machine behind a registry-only proxy can fetch.
  export npm_config_build_from_source=true
  node_prefix=$(node -p 'require("path").resolve(require("fs").realpathSync(process.execPath), "..", "..")')
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/common.gypi" ]; then export npm_config_nodedir="$node_prefix"; fi
fi
# Electron is an optional dependency: where its binary cannot be downloaded (set
# ELECTRON_SKIP_BINARY_DOWNLOAD=1 not to try), npm goes on and `npm start` runs the web host instead.
"${npm_cmd[@]}" --no-audit --no-fund

if [ "$os" = Linux ] && ! command -v xdg-open >/dev/null; then
  echo "signet: xdg-open is not installed, so the web host prints its address for you to open (install xdg-utils to have it opened)."
fi
# A downloaded Electron needs the desktop's GTK, NSS and sound libraries, which a desktop has and
# a server may not: name the ones missing rather than let `npm start` fail on them.
electron_bin=node_modules/electron/dist/electron
if [ "$os" = Linux ] && [ -x "$electron_bin" ]; then
  libs=$(ldd "$electron_bin" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')
  if [ -n "$libs" ]; then
    echo "signet: Electron cannot start without: $libs"
    echo "  on Debian or Ubuntu: apt-get install libgtk-3-0 libnss3 libasound2 libgbm1 libxss1 libxtst6 (or run 'npm run start:web' for the web host)"
  fi
fi
