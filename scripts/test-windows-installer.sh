#!/usr/bin/env bash
# The Windows distribution step, on Linux (issue 19): cross-compiles tack.exe,
# makes a throwaway self-signed code-signing certificate, builds and signs the
# installer, verifies its Authenticode signatures and inspects the installer:
# it holds the signed binary and the signed uninstaller, and its script writes the
# tack:// URL scheme and the start-at-login Run entry. Nothing is installed.
# TACK_EXE=path skips the cross-compile (an existing tack.exe).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
for tool in makensis osslsigncode 7z openssl; do
  command -v $tool >/dev/null || { echo "test-windows-installer: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
fail() { echo "test-windows-installer: FAIL: $*" >&2; exit 1; }

if [[ -n ${TACK_EXE:-} ]]; then
  cp "$TACK_EXE" "$w/tack.exe"
else
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production -ldflags "-X main.version=1.2.3 -H windowsgui" -o "$w/tack.exe" .
fi
echo "tack.exe ready after $((SECONDS - start)) s"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Tack CI throwaway code signing" \
  -addext "extendedKeyUsage=codeSigning" -keyout "$w/key.pem" -out "$w/cert.pem" 2>/dev/null
TACK_SIGN_CERT=$w/cert.pem TACK_SIGN_KEY=$w/key.pem scripts/windows-installer.sh "$w/tack.exe" 1.2.3 "$w/tack-setup.exe"

for f in "$w/tack.exe" "$w/tack-setup.exe"; do
  osslsigncode verify -CAfile "$w/cert.pem" -in "$f" >"$w/verify.log" 2>&1 || { cat "$w/verify.log"; fail "signature of $(basename "$f") does not verify"; }
  grep -q "Signature verification: ok" "$w/verify.log" || { cat "$w/verify.log"; fail "no verified signature on $(basename "$f")"; }
  echo "signature ok: $(basename "$f")"
done
# A byte changed after signing breaks the signature: the check can fail.
cp "$w/tack-setup.exe" "$w/tampered.exe"
printf 'X' | dd of="$w/tampered.exe" bs=1 seek=$(( $(stat -c %s "$w/tampered.exe") / 2 )) conv=notrunc 2>/dev/null
if osslsigncode verify -CAfile "$w/cert.pem" -in "$w/tampered.exe" >/dev/null 2>&1; then fail "a tampered installer verified"; fi
echo "tampered installer refused"

# Contents: the signed binary itself and the uninstaller.
7z l "$w/tack-setup.exe" >"$w/list.txt"
grep -qE ' tack\.exe$' "$w/list.txt" || { cat "$w/list.txt"; fail "tack.exe not in the installer"; }
grep -qE ' uninstall\.exe(\.nsis)?$' "$w/list.txt" || { cat "$w/list.txt"; fail "uninstall.exe not in the installer"; }
7z x -o"$w/x" "$w/tack-setup.exe" tack.exe >/dev/null
cmp -s "$w/x/tack.exe" "$w/tack.exe" || fail "the installer's tack.exe is not the signed one"
# The uninstaller the installer writes is signed with the same certificate
# (makensis signs it as it is made: tack.nsi's !uninstfinalize). 7z rebuilds
# the uninstall.exe that WriteUninstaller writes.
7z x -o"$w/x" "$w/tack-setup.exe" uninstall.exe >/dev/null
[[ -s $w/x/uninstall.exe ]] || fail "7z did not extract uninstall.exe"
osslsigncode verify -CAfile "$w/cert.pem" -in "$w/x/uninstall.exe" >"$w/verify.log" 2>&1 || { cat "$w/verify.log"; fail "signature of uninstall.exe does not verify"; }
grep -q "Signature verification: ok" "$w/verify.log" || { cat "$w/verify.log"; fail "no verified signature on uninstall.exe"; }
grep -qF "Subject: /CN=Tack CI throwaway code signing" "$w/verify.log" || { cat "$w/verify.log"; fail "uninstall.exe is signed by another certificate"; }
echo "contents ok: signed tack.exe, signed uninstall.exe"

# The script's registry entries: NSIS compresses them with the files, so a
# twin build of the same script with compression off (-DINSPECT) is read.
(cd build/windows/installer && makensis -V1 -DINSPECT -DBINARY="$w/tack.exe" -DVERSION=1.2.3 -DOUTFILE="$w/inspect.exe" tack.nsi)
strings -el "$w/inspect.exe" >"$w/strings.txt"
for want in 'Software\Classes\tack' 'URL Protocol' '"%1"' 'Software\Microsoft\Windows\CurrentVersion\Run' '--hidden' \
  'Software\Microsoft\Windows\CurrentVersion\Uninstall\Tack' 'tack-server.txt' '/SERVER=' '/ALLUSERS' '/PURGE' \
  'F3017226-FE2A-4295-8BDF-00C3A9A7E4C5'; do
  grep -qF -- "$want" "$w/strings.txt" || fail "installer script lacks $want"
done
grep -q 'Programs' "$w/strings.txt" || fail "no per-user install dir"
echo "script ok: tack:// scheme, Run --hidden, uninstall key, /SERVER preset, /ALLUSERS, WebView2 check"
echo "test-windows-installer: ok in $((SECONDS - start)) s"
