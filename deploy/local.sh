#!/usr/bin/env bash
# The deploy/ example on one machine, on loopback: PostgreSQL (an existing
# server; a fresh database is made in it), an S3 server (the Versity
# gateway from scripts/s3-server.sh), three web replicas and one jobs
# replica of `tack serve`, and HAProxy (Debian package, installed when
# missing) in front of the three with deploy/haproxy.cfg.
#
#   deploy/local.sh up            build tack, start everything, wait until the balancer sees 3 ready replicas
#   deploy/local.sh smoke         sign in on r1, upload on r1, download on r2 and through the balancer,
#                                 a live event made on r1 reaches a stream on r3; exit 1 on any failure
#   deploy/local.sh kill N        kill -9 replica N (1-3; 4 = the jobs replica)
#   deploy/local.sh start N       start replica N again
#   deploy/local.sh restart-s3    stop the S3 server and start it again on the same data
#   deploy/local.sh verify        tack admin verify on the shared database and bucket
#   deploy/local.sh env           print the addresses (eval-able)
#   deploy/local.sh down          stop everything this script started and drop the database
#
# Settings (environment):
#   TACK_DEPLOY_PORT   port base (default 18400): balancer +0, replicas +1..+4, stats +9, S3 +10
#   TACK_DEPLOY_PG     admin DSN of the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
#   TACK_BIN           a tack binary to use instead of building one
#   TACK_DEPLOY_DB_CONNS  each replica's --db-conns (default 10: 4 replicas × (10 + 4) = 56 PostgreSQL
#                      connections, within the default max_connections of 100 beside other databases;
#                      empty: the binary's default, for a tack from before --db-conns)
#   TACK_PPROF=1       build with -tags pprof: replica N serves net/http/pprof on 127.0.0.1:port base+10+N
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${TACK_DEPLOY_PORT:-18400}
PG_ADMIN=${TACK_DEPLOY_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
STATE=$ROOT/.tmp/deploy-$BASE
DBNAME=tack_deploy_$BASE
DSN=$(sed -E "s|/[^/?]*([?].*)?\$|/$DBNAME\\1|" <<<"$PG_ADMIN")
S3PORT=$((BASE + 10))
BUCKET=tack
export TACK_LB_BIND=127.0.0.1:$BASE TACK_LB_STATS=127.0.0.1:$((BASE + 9))
export TACK_REPLICA_1=127.0.0.1:$((BASE + 1)) TACK_REPLICA_2=127.0.0.1:$((BASE + 2)) TACK_REPLICA_3=127.0.0.1:$((BASE + 3))
BIN=${TACK_BIN:-$STATE/tack}
DB_CONNS=${TACK_DEPLOY_DB_CONNS-10} # empty: no --db-conns (a binary from before it)

log() { echo "deploy: $*" >&2; }

s3env() { TACK_S3_PORT=$S3PORT "$ROOT/scripts/s3-server.sh" env; }

replica_addr() { echo "127.0.0.1:$((BASE + $1))"; }

# wait_for URL SECONDS: until URL answers 200.
wait_for() {
  local deadline=$((SECONDS + $2))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$1") == 200 ]]; do
    ((SECONDS < deadline)) || { log "no 200 from $1 within $2 s"; return 1; }
    sleep 0.2
  done
}

start_replica() {
  local n=$1 role=web
  ((n == 4)) && role=jobs
  mkdir -p "$STATE/r$n"
  eval "$(s3env)"
  # setsid: its own process group, so `kill` of the script never takes it along.
  AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY TACK_PPROF_ADDR=127.0.0.1:$((BASE + 10 + n)) \
    setsid "$BIN" serve --addr "$(replica_addr "$n")" --role $role --data-dir "$STATE/r$n" --db "$DSN" \
    --blobs "s3://$BUCKET/chunks" --s3-endpoint "http://127.0.0.1:$S3PORT" --s3-region us-east-1 --s3-path-style \
    --trusted-proxies 127.0.0.1 ${DB_CONNS:+--db-conns $DB_CONNS} >>"$STATE/r$n.log" 2>&1 </dev/null &
  echo $! >"$STATE/r$n.pid"
  wait_for "http://$(replica_addr "$n")/api/v1/readyz" 60 || { tail -20 "$STATE/r$n.log" >&2; return 1; }
  log "replica $n ($role) on $(replica_addr "$n"), pid $(cat "$STATE/r$n.pid"), log $STATE/r$n.log"
}

kill_replica() {
  local pidf=$STATE/r$1.pid
  [[ -f $pidf ]] || return 0
  kill -9 "$(cat "$pidf")" 2>/dev/null || true
  rm -f "$pidf"
}

up() {
  mkdir -p "$STATE"
  if ! command -v haproxy >/dev/null; then
    log "installing haproxy (Debian package)"
    apt-get install -y haproxy >/dev/null || { apt-get update >/dev/null && apt-get install -y haproxy >/dev/null; }
  fi
  if [[ -z ${TACK_BIN:-} ]]; then
    log "building tack"
    (cd "$ROOT" && CGO_ENABLED=0 go build ${TACK_PPROF:+-tags pprof} -o "$BIN" .)
  fi
  TACK_S3_PORT=$S3PORT "$ROOT/scripts/s3-server.sh" start >/dev/null
  eval "$(s3env)"
  # A bucket for the chunks (the server never creates one: a typo must fail).
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    -X PUT "http://127.0.0.1:$S3PORT/$BUCKET")
  [[ $code == 200 || $code == 409 ]] || { log "making bucket $BUCKET: HTTP $code"; return 1; }
  PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" -c "CREATE DATABASE $DBNAME" >/dev/null
  # The first replica migrates the fresh database; the others find it done.
  for n in 1 2 3 4; do start_replica "$n"; done
  haproxy -f "$ROOT/deploy/haproxy.cfg" -D -p "$STATE/haproxy.pid"
  wait_for "http://$TACK_LB_BIND/api/v1/readyz" 30
  # Until the balancer's checks have passed on all three (rise 2 × inter 2 s).
  local deadline=$((SECONDS + 30))
  until [[ $(curl -s "http://$TACK_LB_STATS/;csv" | grep -c '^replicas,r[123],.*,UP,') == 3 ]]; do
    ((SECONDS < deadline)) || { log "the balancer does not see 3 replicas UP"; return 1; }
    sleep 0.5
  done
  log "balancer on http://$TACK_LB_BIND (stats http://$TACK_LB_STATS), 3 web replicas UP, jobs replica on $(replica_addr 4)"
}

down() {
  [[ -f $STATE/haproxy.pid ]] && { kill "$(cat "$STATE/haproxy.pid")" 2>/dev/null || true; rm -f "$STATE/haproxy.pid"; }
  for n in 1 2 3 4; do
    [[ -f $STATE/r$n.pid ]] && { kill "$(cat "$STATE/r$n.pid")" 2>/dev/null || true; rm -f "$STATE/r$n.pid"; }
  done
  TACK_S3_PORT=$S3PORT "$ROOT/scripts/s3-server.sh" stop 2>/dev/null || true
  # The replicas end their connections on SIGTERM; FORCE covers the rest.
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
  log "stopped"
}

envvars() {
  echo "export TACK_DEPLOY_URL=http://$TACK_LB_BIND"
  for n in 1 2 3 4; do echo "export TACK_DEPLOY_R$n=http://$(replica_addr "$n")"; done
  echo "export TACK_DEPLOY_DSN='$DSN'"
  echo "export TACK_DEPLOY_STATE=$STATE"
  s3env
}

case ${1:-} in
  up) up ;;
  down) down ;;
  smoke) eval "$(envvars)"; exec "$ROOT/deploy/smoke.sh" ;;
  kill) kill_replica "${2:?replica number}" ;;
  start) start_replica "${2:?replica number}" ;;
  restart-s3) TACK_S3_PORT=$S3PORT "$ROOT/scripts/s3-server.sh" restart >/dev/null ;;
  env) envvars ;;
  verify)
    eval "$(s3env)"
    AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY "$BIN" admin verify --quiet --data-dir "$STATE/verify" --db "$DSN" \
      --blobs "s3://$BUCKET/chunks" --s3-endpoint "http://127.0.0.1:$S3PORT" --s3-region us-east-1 --s3-path-style ;;
  *) sed -n '2,22p' "$0" >&2; exit 2 ;;
esac
