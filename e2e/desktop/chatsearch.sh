#!/usr/bin/env bash
# Chat search without the server, end to end in the REAL desktop window
# (issue 17): the Wails binary runs under Xvfb (1280x820, no window manager,
# so the window sits at 0,0 and the coordinates below are fixed), connected
# to a team server (`tack serve`, remote mode), and xdotool drives it:
#   1. the team server gets a company, the admin, 李娜 and a group 预算小组
#      in which 李娜 wrote a message with the word 预算 (over the API);
#   2. the admin signs in in the window; the desktop's own chat index
#      (app/chatindex.go) fills: the message is checked in its SQLite file;
#   3. the chat page opens (a tack:// link handed to the running window);
#      the team server is stopped;
#   4. the search dialog: 预算, Enter. The server cannot answer, the window
#      asks the desktop (binding SearchChatOffline, which logs its hit
#      count): one hit; the dialog shows the 离线 notice (its colour at a
#      known pixel) and the hit row; screenshot
#      docs/screenshots/desktop-chat-offline-search.png;
#   5. the window is closed and started again with the server still down:
#      the full offline page offers 搜索本机保存的聊天记录 (the desktop has
#      this server's chats indexed), whose dialog finds the message again;
#      screenshot docs/screenshots/desktop-chat-offline-page-search.png.
# States are waited for by polling (the proxied /api log, the desktop log,
# the index file, the colour of known pixels), never by fixed sleeps; a
# failed step prints why and saves e2e/artifacts/desktop-chatsearch-fail.png.
#
# TACK_DESKTOP_BIN reuses a built desktop binary (else it is built, as
# smoke.sh does); TACK_BIN the server binary (else build/bin/tack, built
# when missing).
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/../.."
SUITE="desktop chat search" SHOT=desktop-chatsearch-fail.png
# shellcheck source=lib.sh
. "$(dirname "$SELF")/lib.sh"
ROOT=$PWD
ART=$ROOT/e2e/artifacts

if [[ -z "${TACK_CHATSEARCH_INNER:-}" ]]; then
  BIN=${TACK_DESKTOP_BIN:-$ROOT/build/bin/tack-desktop}
  if [[ -z "${TACK_DESKTOP_BIN:-}" ]]; then
    CGO_ENABLED=1 go build -tags desktop,production,webkit2_41 -o "$BIN" .
  fi
  SERVER_BIN=${TACK_BIN:-$ROOT/build/bin/tack}
  [[ -x $SERVER_BIN ]] || CGO_ENABLED=0 go build -o "$SERVER_BIN" .
  for t in xvfb-run dbus-run-session xdotool import convert curl jq sqlite3; do
    command -v "$t" >/dev/null || { echo "desktop chat search: missing $t (run scripts/install-deps.sh)"; exit 1; }
  done
  mkdir -p "$ART" "$ROOT/docs/screenshots"
  rm -f "$ART/desktop-chatsearch-fail.png"
  TMP=$(mktemp -d /tmp/tdc.XXXXXX)
  trap cleanup_tmp EXIT
  export BIN SERVER_BIN TMP ART ROOT TACK_CHATSEARCH_INNER=1
  xvfb-run -a -s "-screen 0 1280x820x24" dbus-run-session -- "$SELF"
  exit 0
fi

# ---- inside Xvfb and a private session bus --------------------------------
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config
export TACK_DESKTOP_LOG_API=1 NO_AT_BRIDGE=1
# WebKitGTK's bubblewrap sandbox does not work as root in containers.
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1
CONF=$XDG_CONFIG_HOME/tack
LOG=$TMP/tack.log
EMAIL=admin@example.com
PASS='Chat-e2e-2026!'
WORD=预算
mkdir -p "$CONF"
STEP=start
pid="" srv=""

trap 'stop_pid "$pid"; stop_pid "$srv"' EXIT


# ---- 1. the team server and its data ---------------------------------------
step "the team server: company, admin, 李娜, group 预算小组 with a message"
"$SERVER_BIN" serve --addr 127.0.0.1:0 --data-dir "$TMP/server" >"$TMP/server.log" 2>&1 &
srv=$!
srv_url() { grep -o 'http://127.0.0.1:[0-9]*' "$TMP/server.log" | head -1; }
until_ok 30 "tack serve to print its URL" srv_url
URL=$(srv_url)
post /api/v1/setup "" '{"company_name":"离线搜索测试公司","admin":{"name":"王管理","email":"'"$EMAIL"'","password":"'"$PASS"'","phone":"13800000000","title":"管理员"}}' >/dev/null
TOKEN=$(post /api/v1/auth/login "" '{"email":"'"$EMAIL"'","password":"'"$PASS"'"}' | jq -r .token)
ROOT_DEPT=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/api/v1/departments" | jq -r '.items[0].id')
LI_ID=$(post /api/v1/users "$TOKEN" '{"email":"li@example.com","name":"李娜","department_id":"'"$ROOT_DEPT"'","title":"财务","phone":"13900000001","roles":[],"password":"'"$PASS"'"}' | jq -r .user.id)
LI=$(post /api/v1/auth/login "" '{"email":"li@example.com","password":"'"$PASS"'"}' | jq -r .token)
# The admin makes the group (kind project: a group anyone can be added to);
# 李娜 writes in it.
CONV=$(post /api/v1/chat/conversations "$TOKEN" '{"kind":"project","name":"预算小组","member_ids":["'"$LI_ID"'"]}' | jq -r .id)
[[ -n $CONV && $CONV != null && -n $LI_ID ]] || fail "the group was not created"
post "/api/v1/chat/conversations/$CONV/messages" "$LI" '{"client_key":"e2e-1","body":"下周一之前把'"$WORD"'表发我，谢谢"}' >/dev/null
# Its second character alone is in another message: only the word's bigram
# finds exactly one (a garbled search box would not).
post "/api/v1/chat/conversations/$CONV/messages" "$LI" '{"client_key":"e2e-2","body":"算了，会议改到三点"}' >/dev/null
echo "{\"mode\":\"remote\",\"url\":\"$URL\"}" >"$CONF/desktop.json"

# ---- 2. the desktop, the sign-in, the index fills -------------------------
step "start the desktop against the team server"
"$BIN" >"$LOG" 2>&1 &
pid=$!
step "sign in in the window"
until_ok 60 "the window to ask who is signed in (GET /api/v1/me 401)" logged "path=/api/v1/me status=401"
until_ok 20 "the login button" colour_is 745 525 409EFF
MAIN=$(xdotool search --onlyvisible --name '^Tack$' | head -1)
[[ -n $MAIN ]] || fail "no visible window named Tack"
geo=$(xdotool getwindowgeometry --shell "$MAIN" | grep -E '^(X|Y|WIDTH|HEIGHT)=' | tr '\n' ' ')
[[ $geo == "X=0 Y=0 WIDTH=1280 HEIGHT=820 " ]] || fail "the window is at $geo, the coordinates here assume 0,0 1280x820"
# Keys only after the first click, then Tab (see sync.sh: WebKit handles
# keys asynchronously, a click could overtake typed letters).
click 895 374 # 邮箱
until_ok 5 "the e-mail box to take the focus (blue border)" colour_is 896 354 409EFF
xdotool type --delay 20 "$EMAIL"
xdotool key Tab
xdotool type --delay 20 "$PASS"
xdotool key Return
signed_in() {
  ! logged "method=POST path=/api/v1/auth/login status=4" || fail "the server refused the sign-in typed into the window"
  logged "method=POST path=/api/v1/auth/login status=200"
}
until_ok 20 "the window's sign-in (POST /api/v1/auth/login 200)" signed_in

step "the desktop's chat index holds the message"
indexed() { # the message with the word, in the index's own SQLite file
  local db
  for db in $(find "$CONF/chat" -name '*.db' 2>/dev/null); do
    [[ $(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM chatlocal_messages WHERE body LIKE '%$WORD%'" 2>/dev/null) == 1 ]] && return 0
  done
  return 1
}
until_ok 60 "the message with $WORD in the index file under $CONF/chat" indexed

step "open the chat page"
# As a notification click does: a second start hands the link to the window
# (app/instance_linux.go); sent again every 10 s while the page does not show.
next_link=0
chat_page() {
  if ((SECONDS >= next_link)); then
    timeout 30 "$BIN" "tack://open?link=/chat" >>"$TMP/handover.log" 2>&1 || true
    next_link=$((SECONDS + 10))
  fi
  logged "path=/api/v1/chat/conversations status=200"
}
until_ok 60 "the chat page (GET /api/v1/chat/conversations 200)" chat_page
until_ok 20 "the chat page's new-chat button" colour_is 470 90 409EFF

step "stop the team server"
stop_pid "$srv"
srv=""
! curl -fsS -m 5 "$URL/api/v1/healthz" >/dev/null 2>&1 || fail "the team server still answers"

# search WHAT: opens the search dialog with the button at X,Y, types the
# word, Enter; waits for the desktop's offline search to answer (the Nth
# time) and for the dialog's offline notice.
search() {
  local x=$1 y=$2 nth=$3
  click "$x" "$y"
  until_ok 15 "the search dialog (its 搜索 button)" colour_is 470 "$SEARCH_GO_Y" 409EFF
  click 640 "$SEARCH_INPUT_Y"
  until_ok 5 "the search box to take the focus (blue border)" colour_is 640 180 409EFF
  # xdotool types a Chinese character by remapping a spare keycode, which
  # WebKit sometimes reads after the mapping changed again (a character
  # lost): what reached the page is read back from the search request the
  # window made (the proxy logs it, 502 while the server is down), and the
  # box is typed again when it is not the word.
  local try want=$(jq -rn --arg w "$WORD" '$w|@uri') asked=""
  for try in 1 2 3; do
    xdotool key ctrl+a BackSpace
    xdotool type --delay 150 "$WORD"
    xdotool key Return
    until_ok 20 "the desktop's offline search (\"offline chat search\" in its log, time $nth)" logged_times "offline chat search" "$nth"
    asked=$(grep "path=/api/v1/chat/search status=502" "$LOG" | tail -1 | grep -o 'query="[^"]*"')
    [[ $asked == *"q=$want"* ]] && break
    echo "desktop chat search: the box got $asked, not q=$want: typing again"
    nth=$((nth + 1))
  done
  [[ $asked == *"q=$want"* ]] || fail "xdotool could not type $WORD into the search box in 3 tries (last: $asked)"
  grep "offline chat search" "$LOG" | tail -1 | grep -q "hits=1" ||
    fail "the offline search did not find exactly the one message with $WORD: $(grep "offline chat search" "$LOG" | tail -1)"
  until_ok 10 "the dialog's offline notice (its warning colour)" colour_is 640 "$NOTICE_Y" FDF6EC
}
# The dialog (560 px wide, centred): its search box at y=196 (top border
# y=180), its 搜索 button at y=276, the offline notice under them.
SEARCH_GO_Y=268 SEARCH_INPUT_Y=196 NOTICE_Y=315
step "search $WORD in the window with the server down"
search 439 84 1
import -window root "$ROOT/docs/screenshots/desktop-chat-offline-search.png"
echo "desktop chat search: found offline; screenshot docs/screenshots/desktop-chat-offline-search.png"

# ---- 5. a window started while the server is down --------------------------
step "restart the desktop with the server still down"
stop_pid "$pid"
pid=""
cp "$LOG" "$TMP/tack-first.log"
"$BIN" >"$LOG" 2>&1 &
pid=$!
until_ok 60 "the window's first question to fail (GET /api/v1/setup 502)" logged "path=/api/v1/setup status=502"
# The full offline page (signed-in state unknown without the server) offers
# the chats this computer holds: its second button, left border at 588,447.
until_ok 30 "the offline page's 搜索本机保存的聊天记录 button" colour_is 588 447 1F6FEB
step "search $WORD from the offline page"
search 692 447 1
import -window root "$ROOT/docs/screenshots/desktop-chat-offline-page-search.png"
echo "desktop chat search: found offline after a restart; screenshot docs/screenshots/desktop-chat-offline-page-search.png"
echo "desktop chat search: PASS"
