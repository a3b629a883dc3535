#!/usr/bin/env bash
# Installs what the tests need: Debian packages (only the missing ones, as
# root, apt-get update first) and the npm packages of frontend/ and e2e/.
# Never downloads browsers: Playwright drives Debian's /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(chromium fonts-noto-cjk xvfb xauth dbus dbus-x11 libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config
      notification-daemon libnotify-bin imagemagick curl xdotool jq
      nsis osslsigncode p7zip-full openssl haproxy
      wine wine64 gcc-mingw-w64-x86-64-win32) # the Windows client under Wine (scripts/test-windows-wine.sh)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing Debian packages (run as root): ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
for d in frontend e2e; do
  if [[ -f $d/package.json ]]; then
    if [[ ! -d $d/node_modules || $d/package-lock.json -nt $d/node_modules ]]; then
      echo "install-deps: npm ci in $d"
      (cd "$d" && npm ci --no-audit --no-fund)
    fi
  elif [[ "${CI:-}" == "true" ]]; then
    echo "install-deps: $d/package.json is missing" >&2
    exit 1
  fi
done
