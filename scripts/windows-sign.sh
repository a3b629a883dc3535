#!/usr/bin/env bash
# Signs a Windows executable in place with osslsigncode (Authenticode,
# SHA-256) when a certificate is configured, and does nothing otherwise:
#   TACK_SIGN_CERT=cert.pem TACK_SIGN_KEY=key.pem   (PEM certificate chain + key), or
#   TACK_SIGN_PFX=cert.pfx [TACK_SIGN_PASS_FILE=file] (PKCS#12)
#   TACK_SIGN_TIMESTAMP=http://timestamp.example   (optional RFC 3161 server)
# scripts/windows-installer.sh runs it on tack.exe and the installer, and
# makensis runs it on the uninstaller (tack.nsi's !uninstfinalize) before
# packing it, so uninstall.exe carries the same signature.
# Usage: scripts/windows-sign.sh FILE
set -euo pipefail
f=${1:?usage: windows-sign.sh FILE}
args=()
if [[ -n ${TACK_SIGN_PFX:-} ]]; then
  args=(-pkcs12 "$TACK_SIGN_PFX")
  [[ -n ${TACK_SIGN_PASS_FILE:-} ]] && args+=(-readpass "$TACK_SIGN_PASS_FILE")
elif [[ -n ${TACK_SIGN_CERT:-} ]]; then
  args=(-certs "$TACK_SIGN_CERT" -key "$TACK_SIGN_KEY")
else
  exit 0
fi
[[ -n ${TACK_SIGN_TIMESTAMP:-} ]] && args+=(-ts "$TACK_SIGN_TIMESTAMP")
osslsigncode sign "${args[@]}" -h sha256 -n Tack -i https://github.com/tack -in "$f" -out "$f.signed" >/dev/null
mv "$f.signed" "$f"
echo "windows-sign: signed $(basename "$f")" >&2
