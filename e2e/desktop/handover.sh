#!/usr/bin/env bash
# One desktop client per account (issue 19): under Xvfb + DBus, a first
# client runs its local workspace; a second start with a tack:// link must
# hand the link over to the first through Wails' single-instance lock and
# exit at once (no second sync engine), and the first logs the UI route it
# was given; a link outside the UI is dropped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${TACK_DESKTOP_BIN:-$ROOT/build/bin/tack}
if [[ -z "${TACK_DESKTOP_BIN:-}" ]]; then
  CGO_ENABLED=1 go build -tags desktop,production,webkit2_41 -o "$BIN" .
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/config/tack"
echo '{"mode":"local"}' >"$TMP/config/tack/desktop.json"
export HOME=$TMP XDG_CONFIG_HOME=$TMP/config BIN TMP
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1
xvfb-run -a -s "-screen 0 1280x820x24" dbus-run-session -- bash -c '
  set -euo pipefail
  "$BIN" >"$TMP/first.log" 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT
  for _ in $(seq 1 120); do
    grep -q "url=http://" "$TMP/first.log" && break
    kill -0 $pid 2>/dev/null || { cat "$TMP/first.log"; echo "handover: FAIL the first client exited"; exit 1; }
    sleep 0.5
  done
  grep -q "url=http://" "$TMP/first.log" || { cat "$TMP/first.log"; echo "handover: FAIL no workspace server"; exit 1; }
  # The second start: hands over and exits by itself.
  rc=0; timeout 60 "$BIN" "tack://open?link=/approvals" >"$TMP/second.log" 2>&1 || rc=$?
  [[ $rc == 0 ]] || { cat "$TMP/second.log"; echo "handover: FAIL the second start: status $rc"; exit 1; }
  for _ in $(seq 1 60); do
    grep -q "second start handed over.*links=/approvals" "$TMP/first.log" && break
    sleep 0.5
  done
  grep "second start handed over" "$TMP/first.log" | grep -q "links=/approvals" \
    || { tail -20 "$TMP/first.log"; echo "handover: FAIL the first client got no link"; exit 1; }
  # A link outside the UI is dropped, the window still comes forward.
  timeout 60 "$BIN" "tack://open?link=https://evil.example/" >>"$TMP/second.log" 2>&1 \
    || { cat "$TMP/second.log"; echo "handover: FAIL the second start did not exit"; exit 1; }
  for _ in $(seq 1 60); do
    [[ $(grep -c "second start handed over" "$TMP/first.log") -ge 2 ]] && break
    sleep 0.5
  done
  grep "second start handed over" "$TMP/first.log" | tail -1 | grep -q "links=\"\"\|links= \|links=$" \
    || { grep "second start" "$TMP/first.log"; echo "handover: FAIL a foreign link was passed on"; exit 1; }
  kill -0 $pid || { echo "handover: FAIL the first client died"; exit 1; }
  # The second process started nothing of its own (no workspace server, no sync engine).
  ! grep -q "workspace server running\|sync" "$TMP/second.log" || { cat "$TMP/second.log"; echo "handover: FAIL the second start ran the client"; exit 1; }
  grep "second start handed over" "$TMP/first.log"
  echo "handover: ok — second starts exited, /approvals handed over, a foreign link dropped"
'
