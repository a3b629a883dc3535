#!/usr/bin/env bash
# Desktop smoke test: builds the Wails binary, checks it explains itself
# when there is no display, runs it under Xvfb with a
# fresh config dir pre-seeded for a local workspace, checks the embedded
# server answers healthz, checks the page in the window runs under the
# index.html Content-Security-Policy (an inline script and eval are blocked,
# a link to another site stays out of the window: TACK_DESKTOP_CSP_PROBE
# reports it through the /api proxy log), screenshots
# the screen and checks it is not blank.
# Output: e2e/artifacts/desktop.png
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${TACK_DESKTOP_BIN:-$ROOT/build/bin/tack}
if [[ -z "${TACK_DESKTOP_BIN:-}" ]]; then
  CGO_ENABLED=1 go build -tags desktop,production,webkit2_41 -o "$BIN" .
fi
for t in xvfb-run dbus-run-session import convert curl; do
  command -v "$t" >/dev/null || { echo "desktop smoke: missing $t (run scripts/install-deps.sh)"; exit 1; }
done
mkdir -p e2e/artifacts
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/config/tack"
echo '{"mode":"local"}' >"$TMP/config/tack/desktop.json"

export HOME=$TMP XDG_CONFIG_HOME=$TMP/config BIN ROOT TMP TACK_DESKTOP_LOG_API=1 TACK_DESKTOP_CSP_PROBE=1

# Without a display the binary must say why and how to get a server instead
# (exit status 1), not crash in GTK.
set +e
out=$(env -u DISPLAY -u WAYLAND_DISPLAY timeout 30 "$BIN" 2>&1)
rc=$?
set -e
[[ $rc == 1 && $out == *"no display"*"tack serve"* ]] \
  || { echo "desktop smoke: FAIL without a display: status $rc, said: $out"; exit 1; }
echo "desktop smoke: without a display it says: $out"
# WebKitGTK's bubblewrap sandbox does not work as root in containers.
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1
xvfb-run -a -s "-screen 0 1280x820x24" dbus-run-session -- bash -c '
  set -euo pipefail
  "$BIN" >"$TMP/tack.log" 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT
  url=""
  for _ in $(seq 1 60); do
    url=$(grep -o "url=http://[0-9.:]*" "$TMP/tack.log" | head -1 | cut -d= -f2 || true)
    [[ -n "$url" ]] && break
    kill -0 $pid 2>/dev/null || { cat "$TMP/tack.log"; echo "desktop smoke: tack exited"; exit 1; }
    sleep 0.5
  done
  [[ -n "$url" ]] || { cat "$TMP/tack.log"; echo "desktop smoke: no workspace server"; exit 1; }
  curl -fsS "$url/api/v1/healthz" >"$TMP/healthz" || { echo "desktop smoke: healthz failed"; exit 1; }
  echo "desktop smoke: embedded workspace at $url answered healthz: $(cat "$TMP/healthz")"
  sleep "${TACK_SMOKE_WAIT:-8}"   # let the window render
  import -window root "$ROOT/e2e/artifacts/desktop.png"
  # The page in the window must have reached the server through the asset
  # server handler (the UI calls /api/v1/setup or /me; the placeholder healthz).
  grep -E "desktop: api .*path=/api/v1/[a-z]+ status=[0-9]+" "$TMP/tack.log" | head -3 \
    || { echo "desktop smoke: FAIL the window made no /api request through the proxy"; cat "$TMP/tack.log" | tail -20; exit 1; }
  # The window'"'"'s CSP, as the real WebKit enforces it: the policy is in the
  # page, and what the probe tried on the page'"'"'s behalf was blocked.
  for _ in $(seq 1 60); do
    n=$(grep -cE "query=.?csp_probe=(meta-ok|inline-blocked|eval-blocked|link-kept)" "$TMP/tack.log" || true)
    [[ $n -ge 4 ]] && break
    grep -qE "query=.?csp_probe=(meta-missing|inline-ran|eval-ran|link-followed)" "$TMP/tack.log" && break
    sleep 0.5
  done
  grep -oE "csp_probe=[a-z-]+" "$TMP/tack.log" | sort -u | sed "s/^/desktop smoke: CSP probe /"
  for want in meta-ok inline-blocked eval-blocked link-kept; do
    grep -qE "query=.?csp_probe=$want" "$TMP/tack.log" || { echo "desktop smoke: FAIL the window CSP probe did not report $want"; exit 1; }
  done
  if grep -qE "query=.?csp_probe=(meta-missing|inline-ran|eval-ran|link-followed)" "$TMP/tack.log"; then
    echo "desktop smoke: FAIL the window runs without its Content-Security-Policy"; exit 1
  fi
  grep -iE "error|panic|fatal" "$TMP/tack.log" | grep -v dbus-daemon | head -5 || true
'
sd=$(convert e2e/artifacts/desktop.png -colorspace Gray -format '%[fx:standard_deviation]' info:)
echo "desktop smoke: screenshot e2e/artifacts/desktop.png, grey std dev $sd"
awk -v s="$sd" 'BEGIN { exit !(s > 0.02) }' || { echo "desktop smoke: FAIL screenshot is blank"; exit 1; }
echo "desktop smoke: PASS"
