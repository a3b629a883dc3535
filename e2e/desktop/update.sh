#!/usr/bin/env bash
# The update flow end to end on Linux (issue 19): a team server offers a
# signed newer build; the real desktop client (1.0.0, with the release key
# built in) under Xvfb finds it at start, verifies it and replaces its own
# executable atomically. A second run against a tampered build must leave
# the executable alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TMP=$(mktemp -d)
SRV=""
cleanup() { [[ -n $SRV ]] && kill "$SRV" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
SERVER_BIN=${TACK_BIN:-$ROOT/build/bin/tack}
[[ -x $SERVER_BIN ]] || CGO_ENABLED=0 go build -o "$SERVER_BIN" .
"$SERVER_BIN" admin release-key --private "$TMP/release.key" --public "$TMP/release.pub" >"$TMP/key.txt"
KEY=$(grep -o 'RELEASE_PUBKEY=.*' "$TMP/key.txt" | cut -d= -f2-)
mkdir -p "$TMP/install" "$TMP/clients"
CGO_ENABLED=1 go build -tags desktop,production,webkit2_41 \
  -ldflags "-X main.version=1.0.0 -X tack/app.ReleaseKey=$KEY" -o "$TMP/install/tack" .
# The "new build": any file will do for the replace; it is signed as 1.1.0.
printf '#!/bin/sh\necho tack 1.1.0\n' >"$TMP/tack"
"$SERVER_BIN" admin sign-client --key "$TMP/release.key" --clients "$TMP/clients" --file "$TMP/tack" \
  --version 1.1.0 --os linux --arch "$(go env GOARCH)" --changelog "更快的同步" >/dev/null
PORT=${TACK_UPDATE_PORT:-$(( ${TACK_E2E_PORT_BASE:-18600} + 90 ))}
"$SERVER_BIN" serve --addr 127.0.0.1:$PORT --data-dir "$TMP/server" --clients "$TMP/clients" >"$TMP/server.log" 2>&1 &
SRV=$!
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/api/v1/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
mkdir -p "$TMP/config/tack"
echo "{\"mode\":\"remote\",\"url\":\"http://127.0.0.1:$PORT\"}" >"$TMP/config/tack/desktop.json"
export HOME=$TMP XDG_CONFIG_HOME=$TMP/config TMP
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1

run_client() { # log: runs the installed client until its executable changes or 60 s pass
  xvfb-run -a -s "-screen 0 1280x820x24" dbus-run-session -- bash -c '
    "$TMP/install/tack" >"$TMP/$1" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
      grep -q "update ready\|update refused" "$TMP/$1" && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.5
    done
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
  ' _ "$1"
}

before=$(sha256sum "$TMP/install/tack" | cut -d" " -f1)
# Tampered first: the server's file changed after signing.
cp -r "$TMP/clients" "$TMP/clients.good"
f=$(ls "$TMP/clients"/linux-*/1.1.0/tack)
printf '#!/bin/sh\necho evil!!!!!!\n' >"$f" # same length as the signed one: only the checksum tells
run_client tampered.log
grep -q "update refused" "$TMP/tampered.log" || { tail -20 "$TMP/tampered.log"; echo "update: FAIL a tampered build was not refused"; exit 1; }
[[ $(sha256sum "$TMP/install/tack" | cut -d" " -f1) == "$before" ]] || { echo "update: FAIL a tampered build was installed"; exit 1; }
echo "update: tampered build refused: $(grep -o 'update refused.*' "$TMP/tampered.log" | head -1)"

rm -rf "$TMP/clients" && mv "$TMP/clients.good" "$TMP/clients"
run_client good.log
grep -q "update ready" "$TMP/good.log" || { tail -20 "$TMP/good.log"; echo "update: FAIL no update installed"; exit 1; }
[[ $("$TMP/install/tack") == "tack 1.1.0" ]] || { echo "update: FAIL the executable was not replaced"; exit 1; }
[[ -x $TMP/install/tack ]] || { echo "update: FAIL the new executable is not executable"; exit 1; }
echo "update: ok — the client found 1.1.0, verified it and replaced itself; a tampered build was refused"
