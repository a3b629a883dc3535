#!/usr/bin/env bash
# Upload and download throughput of the drive (issue 20): chunks in a local
# directory vs in S3 (the Versity gateway of scripts/s3-server.sh), one
# replica vs three behind HAProxy, with nginx serving (and swallowing) the
# same bytes as the reference, all in one run on loopback. Prints Markdown
# for bench/RESULTS.md ("Scale-out throughput").
#
#   deploy/local.sh up                      # the S3 set-up: 3 web replicas + HAProxy + PostgreSQL + S3
#   bench/scaleout_bench.sh                 # BIG_MB=128 RUNS=3 PAR=6 by default
#
# The local-directory replica is started here, on its own PostgreSQL
# database, so both stores sit on the same database engine. Each upload
# sends new random bytes (identical bytes would be deduplicated). Needs
# curl, nginx (Debian package nginx-light; installed when missing), psql.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${TACK_DEPLOY_PORT:-18400}
export TACK_DEPLOY_PORT=$BASE
BIG_MB=${BIG_MB:-128} RUNS=${RUNS:-3} PAR=${PAR:-6}
eval "$(deploy/local.sh env)"
STATE=.tmp/deploy-$BASE
BIN=${TACK_BIN:-$STATE/tack}
PG_ADMIN=${TACK_DEPLOY_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
LOCALDB=tack_deploy_${BASE}_local
LOCAL=127.0.0.1:$((BASE + 5)) NGINX=127.0.0.1:$((BASE + 6)) PRESIGN=127.0.0.1:$((BASE + 7))
command -v nginx >/dev/null || apt-get install -y nginx-light >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/tack-scaleout-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $LOCALDB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }

# The reference: nginx sends a file from disk and reads (and drops) a body.
mkdir -p "$work/www" "$work/nginx"
head -c $((BIG_MB << 20)) /dev/urandom >"$work/www/ref.bin"
cat >"$work/nginx.conf" <<EOF
user root;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server {
    listen $NGINX;
    root $work/www;
    location = /upload { client_max_body_size 0; client_body_buffer_size 1m; proxy_pass http://$NGINX/sink; }
    location = /sink { return 204; }
  }
}
EOF
nginx -c "$work/nginx.conf"

# The local-directory replica.
PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $LOCALDB WITH (FORCE)" -c "CREATE DATABASE $LOCALDB" >/dev/null
localdsn=$(sed -E "s|/[^/?]*([?].*)?\$|/$LOCALDB\\1|" <<<"$PG_ADMIN")
setsid "$BIN" serve --addr "$LOCAL" --db "$localdsn" --data-dir "$work/local" >"$work/local.log" 2>&1 </dev/null &
pids+=($!)
until curl -sf -o /dev/null "http://$LOCAL/api/v1/readyz"; do
  kill -0 "${pids[-1]}" 2>/dev/null || { tail -5 "$work/local.log" >&2; exit 1; }
  sleep 0.2
done
# One more S3 replica with presigned downloads (--drive-presign-over 1 MiB).
AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY setsid "$BIN" serve --addr "$PRESIGN" --role web \
  --data-dir "$work/presign" --db "$TACK_DEPLOY_DSN" --blobs s3://tack/chunks --s3-endpoint "$TACK_TEST_S3" --s3-region us-east-1 \
  --s3-path-style --drive-presign-over $((1 << 20)) >"$work/presign.log" 2>&1 </dev/null &
pids+=($!)
until curl -sf -o /dev/null "http://$PRESIGN/api/v1/readyz"; do
  kill -0 "${pids[-1]}" 2>/dev/null || { tail -5 "$work/presign.log" >&2; exit 1; }
  sleep 0.2
done

json() { curl -sf -X POST -H "X-Tack-Request: 1" -H "Content-Type: application/json" "$1" --data "$2"; }
signin() { # URL → token (first-run setup, or sign-in when set up before)
  local body='{"company_name":"Bench","admin":{"name":"Admin","email":"admin@smoke.tack","password":"smoke-password-1","phone":"13800000000","title":"Admin"}}'
  json "$1/api/v1/setup" "$body" | jq -r .token 2>/dev/null ||
    json "$1/api/v1/auth/login" '{"email":"admin@smoke.tack","password":"smoke-password-1"}' | jq -r .token
}
root_of() { curl -sf -H "Authorization: Bearer $2" "$1/api/v1/drive/spaces" | jq -r '.items[] | select(.kind == "personal") | .root_id'; }

LT=$(signin "http://$LOCAL"); ST=$(signin "$TACK_DEPLOY_URL")
LROOT=$(root_of "http://$LOCAL" "$LT"); SROOT=$(root_of "$TACK_DEPLOY_URL" "$ST")
mbps() { python3 -c "import sys; print('%.0f' % (float(sys.argv[1]) / 1048576))" "$1"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# upload URL TOKEN ROOT → MiB/s median; leaves the last entry ID in $work/last
upload() {
  local speeds=() i
  for i in $(seq "$RUNS"); do
    head -c $((BIG_MB << 20)) /dev/urandom >"$work/up.bin"
    local out
    out=$(curl -sf -o "$work/resp" -w '%{speed_upload}' -X POST -H "X-Tack-Request: 1" -H "Authorization: Bearer $2" \
      -H "Content-Type: application/octet-stream" --data-binary @"$work/up.bin" "$1/api/v1/drive/files?parent_id=$3&name=bench-$RANDOM$RANDOM.bin")
    jq -r .id "$work/resp" >"$work/last"
    speeds+=("$(mbps "$out")")
  done
  median "${speeds[@]}"
}
# download URL [TOKEN] → MiB/s median
download() {
  local speeds=() i
  for i in $(seq "$RUNS"); do
    local sp
    sp=$(curl -sf ${CURL_EXTRA:-} -o /dev/null -w '%{speed_download}' ${2:+-H "Authorization: Bearer $2"} "$1") || { log "download of $1 failed"; exit 1; }
    speeds+=("$(mbps "$sp")")
  done
  median "${speeds[@]}"
}
# parallel URL TOKEN → aggregate MiB/s of PAR simultaneous downloads
parallel() {
  local s e i
  s=$(date +%s.%N)
  for i in $(seq "$PAR"); do curl -sf ${CURL_EXTRA:-} -o /dev/null -w '%{size_download}\n' ${2:+-H "Authorization: Bearer $2"} "$1" >>"$work/par" & done
  wait
  e=$(date +%s.%N)
  # Every download complete, or the number means nothing.
  [[ $(awk -v want=$((BIG_MB << 20)) '$1 == want' "$work/par" | wc -l) == "$PAR" ]] || { log "parallel downloads of $1 failed"; exit 1; }
  rm -f "$work/par"
  python3 -c "import sys; print('%.0f' % ($PAR * $BIG_MB / (float(sys.argv[2]) - float(sys.argv[1]))))" "$s" "$e"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
log "nginx reference"
ups=()
for i in $(seq "$RUNS"); do ups+=("$(mbps "$(curl -sf -o /dev/null -w '%{speed_upload}' -X POST --data-binary @"$work/www/ref.bin" "http://$NGINX/upload")")"); done
ref_up=$(median "${ups[@]}")
ref_down=$(download "http://$NGINX/ref.bin")
ref_par=$(parallel "http://$NGINX/ref.bin" "")
log "local directory, one replica"
l_up=$(upload "http://$LOCAL" "$LT" "$LROOT"); LID=$(cat "$work/last")
l_down=$(download "http://$LOCAL/api/v1/drive/files/$LID/content" "$LT")
l_par=$(parallel "http://$LOCAL/api/v1/drive/files/$LID/content" "$LT")
log "S3, one replica (r1 directly)"
s1_up=$(upload "$TACK_DEPLOY_R1" "$ST" "$SROOT"); SID=$(cat "$work/last")
s1_down=$(download "$TACK_DEPLOY_R1/api/v1/drive/files/$SID/content" "$ST")
s1_par=$(parallel "$TACK_DEPLOY_R1/api/v1/drive/files/$SID/content" "$ST")
log "S3, three replicas behind HAProxy"
s3_up=$(upload "$TACK_DEPLOY_URL" "$ST" "$SROOT")
s3_down=$(download "$TACK_DEPLOY_URL/api/v1/drive/files/$SID/content" "$ST")
s3_par=$(parallel "$TACK_DEPLOY_URL/api/v1/drive/files/$SID/content" "$ST")
log "S3, presigned link (first download streams and writes the whole-file object)"
curl -sf -o /dev/null -H "Authorization: Bearer $ST" "http://$PRESIGN/api/v1/drive/files/$SID/content"
until [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ST" "http://$PRESIGN/api/v1/drive/files/$SID/content") == 307 ]]; do sleep 0.5; done
# curl -L does not send the Authorization header to the object store (another port): the link alone.
p_down=$(CURL_EXTRA=-L download "http://$PRESIGN/api/v1/drive/files/$SID/content" "$ST")
p_par=$(CURL_EXTRA=-L parallel "http://$PRESIGN/api/v1/drive/files/$SID/content" "$ST")
load1=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<EOF
$(date -u '+%Y-%m-%d %H:%M UTC'), \`BIG_MB=$BIG_MB RUNS=$RUNS PAR=$PAR bench/scaleout_bench.sh\`, load average $load0 before, $load1 after.
MiB/s, median of $RUNS (uploads: new random bytes each time); "$PAR at once" is the aggregate of $PAR simultaneous downloads.

| path | upload | download | $PAR downloads at once |
| --- | --- | --- | --- |
| nginx, file from disk / body dropped (reference) | $ref_up | $ref_down | $ref_par |
| Tack, local directory, 1 replica | $l_up | $l_down | $l_par |
| Tack, S3, 1 replica | $s1_up | $s1_down | $s1_par |
| Tack, S3, 3 replicas behind HAProxy | $s3_up | $s3_down | $s3_par |
| Tack, S3, presigned link (307, then the gateway sends it) | – | $p_down | $p_par |
EOF
