#!/usr/bin/env bash
# Builds the Windows installer on Linux (make installer-windows) from a
# cross-compiled tack.exe with Debian's makensis, signing tack.exe, the
# uninstaller and the installer with osslsigncode (scripts/windows-sign.sh)
# when a certificate is given:
#   TACK_SIGN_CERT=cert.pem TACK_SIGN_KEY=key.pem   (PEM certificate chain + key), or
#   TACK_SIGN_PFX=cert.pfx [TACK_SIGN_PASS_FILE=file] (PKCS#12)
#   TACK_SIGN_TIMESTAMP=http://timestamp.example   (optional RFC 3161 server)
# Certificates and keys stay outside the repository.
# Usage: scripts/windows-installer.sh [tack.exe] [version] [out.exe] [extra makensis -D...]
set -euo pipefail
cd "$(dirname "$0")/.."
exe=${1:-build/bin/tack.exe}
version=${2:-0.0.0}
out=${3:-build/bin/tack-setup.exe}
shift $(( $# < 3 ? $# : 3 ))
command -v makensis >/dev/null || { echo "windows-installer: makensis missing (apt-get install nsis)" >&2; exit 1; }
[[ -f $exe ]] || { echo "windows-installer: $exe missing (make desktop-windows)" >&2; exit 1; }
# VIProductVersion wants four numbers: keep MAJOR.MINOR.PATCH of the version.
nsisver=$(sed -E 's/^v//; s/[-+].*//' <<<"$version")
[[ $nsisver =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || nsisver=0.0.0

sign=$PWD/scripts/windows-sign.sh
nsisargs=()
# The uninstaller is signed by makensis itself (tack.nsi's !uninstfinalize),
# so it carries the same certificate.
[[ -n ${TACK_SIGN_PFX:-}${TACK_SIGN_CERT:-} ]] && nsisargs=(-DSIGN="$sign")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$exe" "$tmp/tack.exe"
"$sign" "$tmp/tack.exe"
cp "$tmp/tack.exe" "$exe" # the signed binary is also what the update channel publishes
mkdir -p "$(dirname "$out")"
absout=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd build/windows/installer && makensis -V2 -DBINARY="$tmp/tack.exe" -DVERSION="$nsisver" -DOUTFILE="$absout" ${nsisargs[@]+"${nsisargs[@]}"} "$@" tack.nsi)
"$sign" "$absout"
echo "windows-installer: $out"
