#!/usr/bin/env bash
# Smoke test of a running deploy/ set-up (deploy/local.sh smoke sets the
# addresses): each step goes to a different replica directly, then through
# the balancer, so nothing can pass by staying in one process.
#   TACK_DEPLOY_URL (the balancer), TACK_DEPLOY_R1..R4 (replicas; R4 = jobs)
set -euo pipefail
: "${TACK_DEPLOY_URL:?}" "${TACK_DEPLOY_R1:?}" "${TACK_DEPLOY_R2:?}" "${TACK_DEPLOY_R3:?}" "${TACK_DEPLOY_R4:?}"
TMP=$(mktemp -d)
STREAM_PID=
cleanup() { [[ -n $STREAM_PID ]] && kill "$STREAM_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
ok() { echo "smoke: ok: $*"; }

# api URL METHOD PATH TOKEN [curl args...]: the body on 2xx, else fail.
api() {
  local base=$1 method=$2 path=$3 token=$4; shift 4
  local out=$TMP/body code
  code=$(curl -s -o "$out" -w '%{http_code}' -X "$method" -H "X-Tack-Request: 1" \
    ${token:+-H "Authorization: Bearer $token"} "$@" "$base$path")
  [[ $code == 2* ]] || fail "$method $base$path: HTTP $code $(head -c 300 "$out")"
  cat "$out"
}
json() { api "$1" "$2" "$3" "$4" -H "Content-Type: application/json" --data "$5"; }

ADMIN_EMAIL=admin@smoke.tack PW=smoke-password-1
# 1. First-run setup on r1 (or sign in, when the database was set up before).
if ! TOKEN=$(json "$TACK_DEPLOY_R1" POST /api/v1/setup "" "{\"company_name\":\"Smoke Co\",\"admin\":{\"name\":\"Admin\",\"email\":\"$ADMIN_EMAIL\",\"password\":\"$PW\",\"phone\":\"13800000000\",\"title\":\"Admin\"}}" 2>/dev/null | jq -r .token); then
  TOKEN=$(json "$TACK_DEPLOY_R1" POST /api/v1/auth/login "" "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$PW\"}" | jq -r .token)
fi
ok "admin signed in on r1"
# The session made on r1 is valid on r2 (sessions live in the database).
api "$TACK_DEPLOY_R2" GET /api/v1/me "$TOKEN" >/dev/null
ok "r1's session accepted by r2"

# 2. A second person, made on r2, signs in on r3 and follows their events there.
ROOT_DEPT=$(api "$TACK_DEPLOY_R2" GET /api/v1/departments "$TOKEN" | jq -r '.items[] | select(.parent_id == null) | .id')
N=$RANDOM$RANDOM
BOB=$(json "$TACK_DEPLOY_R2" POST /api/v1/users "$TOKEN" "{\"email\":\"bob$N@smoke.tack\",\"name\":\"Bob $N\",\"department_id\":\"$ROOT_DEPT\",\"title\":\"Staff\",\"phone\":\"139${N:0:8}\",\"roles\":[],\"password\":\"$PW\"}" | jq -r .user.id)
BOB_TOKEN=$(json "$TACK_DEPLOY_R3" POST /api/v1/auth/login "" "{\"email\":\"bob$N@smoke.tack\",\"password\":\"$PW\"}" | jq -r .token)
curl -s -N -H "Authorization: Bearer $BOB_TOKEN" "$TACK_DEPLOY_R3/api/v1/events" >"$TMP/events" &
STREAM_PID=$!
until grep -q . "$TMP/events" 2>/dev/null; do sleep 0.1; done # the stream is open (first line written)
ok "bob follows his events on r3"

# 3. Upload 3 MiB (several chunks) on r1, download on r2 and through the balancer.
head -c $((3 << 20)) /dev/urandom >"$TMP/file"
WANT=$(sha256sum "$TMP/file" | cut -d' ' -f1)
SPACE_ROOT=$(api "$TACK_DEPLOY_R1" GET /api/v1/drive/spaces "$TOKEN" | jq -r '.items[] | select(.kind == "personal") | .root_id')
FILE=$(api "$TACK_DEPLOY_R1" POST "/api/v1/drive/files?parent_id=$SPACE_ROOT&name=smoke-$N.bin" "$TOKEN" --data-binary @"$TMP/file" | jq -r .id)
ok "uploaded smoke-$N.bin on r1"
for where in "$TACK_DEPLOY_R2" "$TACK_DEPLOY_URL"; do
  GOT=$(api "$where" GET "/api/v1/drive/files/$FILE/content" "$TOKEN" | sha256sum | cut -d' ' -f1)
  [[ $GOT == "$WANT" ]] || fail "download from $where: sha256 $GOT, want $WANT"
  ok "downloaded on $where, same SHA-256"
done
# A range read on r3.
GOT=$(api "$TACK_DEPLOY_R3" GET "/api/v1/drive/files/$FILE/content" "$TOKEN" -H "Range: bytes=1000000-1000999" | sha256sum | cut -d' ' -f1)
[[ $GOT == $(tail -c +1000001 "$TMP/file" | head -c 1000 | sha256sum | cut -d' ' -f1) ]] || fail "range read on r3"
ok "range read on r3"

# 4. Sharing it with bob on r1 is an event his stream on r3 delivers.
json "$TACK_DEPLOY_R1" POST "/api/v1/drive/entries/$FILE/permissions" "$TOKEN" "{\"principal_type\":\"user\",\"principal_id\":\"$BOB\",\"role\":\"viewer\"}" >/dev/null
deadline=$((SECONDS + 15))
until grep -q "drive.shared" "$TMP/events"; do
  ((SECONDS < deadline)) || fail "bob's stream on r3 did not get drive.shared within 15 s"
  sleep 0.1
done
ok "the share made on r1 reached bob's stream on r3"

# 5. The jobs replica answers health checks only.
api "$TACK_DEPLOY_R4" GET /api/v1/readyz "" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$TACK_DEPLOY_R4/api/v1/me")
[[ $code == 404 ]] || fail "jobs replica served /api/v1/me: HTTP $code"
ok "the jobs replica is ready and serves no API"
echo "smoke: all passed"
