#!/usr/bin/env bash
# A real S3-compatible server for the blob store's tests, built from the Go
# module proxy into a cache outside the repository: the Versity S3 gateway
# over a directory (default; 81 module dependencies, about 12 minutes cold on
# the shared build machine), or with TACK_S3_SERVER=weed SeaweedFS's `weed`
# (494 dependencies, a 233 MB binary: about 36 minutes cold there; the same
# tests pass on it).
#
#   scripts/s3-server.sh build          build the server (once per version) and print how long it took
#   scripts/s3-server.sh start [PORT]   build if needed, start it on 127.0.0.1,
#                                       wait until S3 answers, print the variables to export
#   scripts/s3-server.sh stop           stop the server this script started
#   scripts/s3-server.sh restart [PORT] stop it and start it again on the same data (fault tests)
#   scripts/s3-server.sh env            print the variables again
#
# Typical use:  eval "$(scripts/s3-server.sh start)"; go test ./backend/drive/blobstore/
# The tests read TACK_TEST_S3 (the endpoint) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY;
# under CI=true they fail when TACK_TEST_S3 is not set.
#
# PORT (default $TACK_S3_PORT or 18333) is the S3 port; weed's master, volume
# and filer take PORT+1..PORT+3 and gRPC each of them +10000, all on 127.0.0.1.
set -euo pipefail

SERVER=${TACK_S3_SERVER:-versitygw}
VGW_VERSION=${TACK_VGW_VERSION:-v1.8.0}
WEED_MODULE=github.com/seaweedfs/seaweedfs
WEED_VERSION=${TACK_WEED_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}
CACHE=${TACK_S3_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tack/s3-server}
BIN=$CACHE/weed-$WEED_VERSION
[[ $SERVER == versitygw ]] && BIN=$CACHE/versitygw-$VGW_VERSION
RUN=$CACHE/run
PORT=${2:-${TACK_S3_PORT:-18333}}
KEY=${TACK_S3_TEST_KEY:-tacktest}
SECRET=${TACK_S3_TEST_SECRET:-tacktestsecret}

log() { echo "s3-server: $*" >&2; }

build() {
  if [[ -x $BIN ]]; then log "already built: $BIN"; return 0; fi
  mkdir -p "$CACHE"
  local start dir
  start=$(date +%s)
  if [[ $SERVER == versitygw ]]; then
    # No replace directives: an ordinary go install.
    GOBIN=$CACHE/gobin go install "github.com/versity/versitygw/cmd/versitygw@$VGW_VERSION"
    mv "$CACHE/gobin/versitygw" "$BIN"
    log "built $BIN in $(($(date +%s) - start)) s"
    return 0
  fi
  # The module has replace directives, so it cannot be `go install`ed as a
  # dependency: download its source and build inside it, as its main module.
  dir=$(go mod download -json "$WEED_MODULE@$WEED_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir && -d $dir/weed ]] || { log "download of $WEED_MODULE@$WEED_VERSION failed"; return 1; }
  log "building weed in $dir (first build downloads its dependencies and takes minutes)"
  (cd "$dir" && GOFLAGS=-buildvcs=false go build -o "$BIN.tmp" ./weed)
  mv "$BIN.tmp" "$BIN"
  log "built $BIN in $(($(date +%s) - start)) s"
}

envvars() {
  echo "export TACK_TEST_S3=http://127.0.0.1:$PORT"
  echo "export AWS_ACCESS_KEY_ID=$KEY"
  echo "export AWS_SECRET_ACCESS_KEY=$SECRET"
}

answers() { # any HTTP answer from the S3 port (403 without a signature is fine)
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" 2>/dev/null | grep -qv '^000$'
}

start() {
  build
  if [[ -f $RUN/$PORT.pid ]] && kill -0 "$(cat "$RUN/$PORT.pid")" 2>/dev/null && answers; then
    log "already running on port $PORT (pid $(cat "$RUN/$PORT.pid"))"; envvars; return 0
  fi
  local data=$RUN/$PORT
  [[ ${KEEP_DATA:-} == 1 ]] || rm -rf "$data"
  mkdir -p "$data"
  if [[ $SERVER == versitygw ]]; then
    mkdir -p "$data/root"
    ROOT_ACCESS_KEY_ID=$KEY ROOT_SECRET_ACCESS_KEY=$SECRET setsid "$BIN" --port "127.0.0.1:$PORT" --region us-east-1 \
      posix "$data/root" >"$data/server.log" 2>&1 </dev/null &
  else
    # Admin identity from the environment (SeaweedFS reads AWS_* at start).
    AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET setsid "$BIN" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$data" \
      -master.port=$((PORT + 1)) -volume.port=$((PORT + 2)) -filer.port=$((PORT + 3)) \
      -master.volumeSizeLimitMB=64 -volume.max=0 \
      -s3 -s3.port="$PORT" -s3.port.iceberg=0 -s3.port.lance=0 -s3.port.grpc=$((PORT + 10000)) \
      >"$data/server.log" 2>&1 </dev/null &
  fi
  echo $! >"$RUN/$PORT.pid"
  local deadline=$((SECONDS + 90))
  until answers; do
    if ! kill -0 "$(cat "$RUN/$PORT.pid")" 2>/dev/null; then log "$SERVER exited:"; tail -20 "$data/server.log" >&2; return 1; fi
    if ((SECONDS > deadline)); then log "S3 did not answer on $PORT in 90 s:"; tail -20 "$data/server.log" >&2; return 1; fi
    sleep 0.5
  done
  log "S3 on http://127.0.0.1:$PORT (pid $(cat "$RUN/$PORT.pid"), log $data/server.log)"
  envvars
}

stop() {
  local pidf=$RUN/$PORT.pid
  [[ -f $pidf ]] || { log "nothing running on port $PORT"; return 0; }
  local pid; pid=$(cat "$pidf")
  kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidf"
  log "stopped (pid $pid)"
}

case ${1:-} in
  build) build ;;
  start) start ;;
  stop) stop ;;
  restart) stop; KEEP_DATA=1 start ;;
  env) envvars ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
