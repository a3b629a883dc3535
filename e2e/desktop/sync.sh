#!/usr/bin/env bash
# Desktop folder sync, end to end in the REAL window: the Wails binary runs
# under Xvfb (1280x820, the window's own size, no window manager, so the
# window sits at 0,0 and every coordinate below is fixed) and xdotool drives
# it like a person:
#   1. sign in on the login page (typed into WebKit, Enter);
#   2. 文件夹同步 → 添加文件夹 → 选择… opens the native GTK folder chooser:
#      Alt+Home, Ctrl+L, the folder's name, Open; mode 备份; confirm;
#   3. files (Chinese names, a subfolder) written into that folder must reach
#      the drive with the same sha256, checked over the embedded server's API;
#   4. screenshot of the pair shown as synced: e2e/artifacts/desktop-sync.png;
#   5. 暂停 in the page: a changed file must not upload; 继续: it must;
#   6. the tray menu, read and clicked over DBus as a panel would: it says
#      sync is up to date, its 暂停同步/继续同步 pause and resume the pair, and
#      a new approval waiting for the admin raises its 待我审批 count.
# States are waited for by polling (the proxied /api log of the window, the
# drive API, window lists, the colour of known pixels), never by fixed sleeps;
# a failed step prints why and saves e2e/artifacts/desktop-sync-fail.png.
#
# The company and admin are created before the window opens, with curl
# against `tack serve` on the very workspace directory the desktop's
# embedded server then opens. Doing it against the embedded server while the
# window is up would leave the window on the setup page: it asks
# /api/v1/setup once when it loads, and the production WebView has no reload
# key. The sign-in itself happens in the window (its session lives in WebKit).
#
# TACK_DESKTOP_BIN reuses a built binary (else it is built, as smoke.sh does).
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/../.."
SUITE="desktop sync" SHOT=desktop-sync-fail.png
# shellcheck source=lib.sh
. "$(dirname "$SELF")/lib.sh"
ROOT=$PWD
ART=$ROOT/e2e/artifacts

if [[ -z "${TACK_SYNC_INNER:-}" ]]; then
  BIN=${TACK_DESKTOP_BIN:-$ROOT/build/bin/tack}
  if [[ -z "${TACK_DESKTOP_BIN:-}" ]]; then
    CGO_ENABLED=1 go build -tags desktop,production,webkit2_41 -o "$BIN" .
  fi
  for t in xvfb-run dbus-run-session dbus-send xdotool import convert curl jq sha256sum; do
    command -v "$t" >/dev/null || { echo "desktop sync: missing $t (run scripts/install-deps.sh)"; exit 1; }
  done
  mkdir -p "$ART"
  rm -f "$ART/desktop-sync-fail.png"
  TMP=$(mktemp -d /tmp/tds.XXXXXX)
  trap cleanup_tmp EXIT
  export BIN TMP ART TACK_SYNC_INNER=1
  xvfb-run -a -s "-screen 0 1280x820x24" dbus-run-session -- "$SELF"
  exit 0
fi

# ---- inside Xvfb and a private session bus --------------------------------
export HOME=$TMP/张三 XDG_CONFIG_HOME=$TMP/张三/.config # a Chinese name in the synced path
export TACK_DESKTOP_LOG_API=1 NO_AT_BRIDGE=1
# WebKitGTK's bubblewrap sandbox does not work as root in containers.
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1
CONF=$XDG_CONFIG_HOME/tack
# The folder chosen in the GTK chooser, typed relative to Home. Its own name
# is ASCII: xdotool types other characters by remapping a spare keycode for
# each one, which GTK sometimes reads after the mapping changed again.
SRC=$HOME/backup
LOG=$TMP/tack.log
EMAIL=admin@example.com
PASS='Sync-e2e-2026!'
mkdir -p "$CONF" "$SRC"
echo '{"mode":"local"}' >"$CONF/desktop.json"
STEP=start
pid="" seed=""

trap 'stop_pid "$pid"; stop_pid "$seed"' EXIT

# row_tag HEX...: finds the first table row's status tag by its colour in
# the pixel column x=772 (the row is taller when the path wraps); sets ROW_Y
# to the tag's middle, where the row's 暂停/继续 button is as well.
ROW_Y=""
row_tag() {
  import -window root "$TMP/now.png" 2>/dev/null || return 1
  ROW_Y=$(convert "$TMP/now.png" -crop 1x112+772+188 +repage txt:- | awk -v want=" $* " '
    NR > 1 { split($1, a, /[,:]/); hex = substr($3, 2, 6)
             if (index(want, " " hex " ")) { if (first == "") first = a[2]; last = a[2] } }
    END { if (first != "") print 188 + int((first + last) / 2) }')
  [[ -n $ROW_Y ]]
}

# ---- 1. company + admin, then the desktop, then the sign-in in the window
step "seed the workspace (first-run setup over the API)"
"$BIN" serve --addr 127.0.0.1:0 --data-dir "$CONF/workspace" >"$TMP/seed.log" 2>&1 &
seed=$!
seed_url() { grep -o 'http://127.0.0.1:[0-9]*' "$TMP/seed.log" | head -1; }
until_ok 30 "tack serve to print its URL" seed_url
code=$(curl -sS -o "$TMP/setup.json" -w '%{http_code}' -X POST "$(seed_url)/api/v1/setup" -H 'Content-Type: application/json' -H 'X-Tack-Request: 1' \
  -d '{"company_name":"同步测试公司","admin":{"name":"王管理","email":"'"$EMAIL"'","password":"'"$PASS"'","phone":"13800000000","title":"管理员"}}')
[[ $code == 201 ]] || fail "POST /api/v1/setup answered $code: $(cat "$TMP/setup.json")"
stop_pid "$seed"
seed=""

step "start the desktop in local mode"
"$BIN" >"$LOG" 2>&1 &
pid=$!
server_url() { grep -o "url=http://[0-9.:]*" "$LOG" | head -1 | cut -d= -f2; }
until_ok 60 "the embedded workspace server (url= in the log)" server_url
URL=$(server_url)
echo "desktop sync: embedded workspace at $URL"

step "sign in in the window"
until_ok 60 "the window to ask who is signed in (GET /api/v1/me 401)" logged "path=/api/v1/me status=401"
until_ok 20 "the login button" colour_is 745 525 409EFF
MAIN=$(xdotool search --onlyvisible --name '^Tack$' | head -1)
[[ -n $MAIN ]] || fail "no visible window named Tack"
geo=$(xdotool getwindowgeometry --shell "$MAIN" | grep -E '^(X|Y|WIDTH|HEIGHT)=' | tr '\n' ' ')
[[ $geo == "X=0 Y=0 WIDTH=1280 HEIGHT=820 " ]] || fail "the window is at $geo, the coordinates here assume 0,0 1280x820"
# Keys only after the first click: WebKit handles keys asynchronously in its
# web process, so a click on the password box could overtake the last typed
# letters of the e-mail; Tab keeps everything in the key queue's order.
click 895 374 # 邮箱
until_ok 5 "the e-mail box to take the focus (blue border)" colour_is 896 354 409EFF
xdotool type --delay 20 "$EMAIL"
xdotool key Tab # 密码
xdotool type --delay 20 "$PASS"
xdotool key Return
signed_in() {
  ! logged "method=POST path=/api/v1/auth/login status=4" || fail "the server refused the sign-in typed into the window"
  logged "method=POST path=/api/v1/auth/login status=200"
}
until_ok 20 "the window's sign-in (POST /api/v1/auth/login 200)" signed_in

# ---- 2. add the pair through the page and the GTK folder chooser
step "open 文件夹同步"
# The page shows 添加文件夹 once the sync agent has started the engine with
# the window's session (it polls every 2 s). The page is opened the way a
# notification click does, a second start with a tack:// link handed over to
# the running window (app/instance_linux.go), not by clicking the sidebar,
# whose rows move whenever a page is added. Each link loads the page anew, so
# it is sent again only every 10 s while the button does not show.
next_link=0
sync_page() {
  if ((SECONDS >= next_link)); then
    timeout 30 "$BIN" "tack://open?link=/sync" >>"$TMP/handover.log" 2>&1 || true
    next_link=$((SECONDS + 10))
  fi
  colour_is 1145 104 409EFF
}
until_ok 60 "the 添加文件夹 button of the sync page" sync_page

step "添加文件夹"
printf 'hello from the desktop e2e\n' >"$SRC/readme.txt" # there before the pair: the first scan
click 1184 114
until_ok 15 "the dialog to load the drive spaces (GET /api/v1/drive/spaces 200)" logged "path=/api/v1/drive/spaces status=200"
until_ok 10 "the add dialog (its confirm button, disabled)" colour_is 812 402 A0CFFF

step "choose the folder in the GTK folder chooser"
click 866 196 # 选择…
chooser() { xdotool search --onlyvisible --name . 2>/dev/null | grep -vx "$MAIN" | head -1; }
until_ok 15 "the GTK folder chooser window" chooser
CH=$(chooser)
eval "$(xdotool getwindowgeometry --shell "$CH")" # X Y WIDTH HEIGHT
# No window manager: keys go to the window under the pointer. Alt+Home is the
# chooser's home-folder key; a relative name in the location bar avoids the
# inline completion racing the typed slashes of an absolute path.
xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT / 2))
xdotool key alt+Home
xdotool key ctrl+l
xdotool type --delay 20 "$(basename "$SRC")"
click $((X + WIDTH - 50)) $((Y + HEIGHT - 24)) # Open
chooser_gone() { [[ -z $(chooser) ]]; }
until_ok 10 "the chooser to close" chooser_gone
until_ok 10 "the confirm button to enable (a folder was chosen)" colour_is 812 402 409EFF

step "mode 备份, confirm"
click 503 346 # 备份
click 852 412 # 添加文件夹 (confirm)
until_ok 10 "the dialog to close and the pair row to show" row_tag F0F9EB F4F4F5 ECF5FF FDF6EC FEF0F0
grep -rqa "$SRC" "$CONF/sync" || fail "the sync index under $CONF/sync does not name $SRC: the chooser returned another folder"

# ---- 3. files reach the drive with the same content
step "files reach the drive"
TOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' -H 'X-Tack-Request: 1' \
  -d '{"email":"'"$EMAIL"'","password":"'"$PASS"'"}' | jq -r .token)
[[ -n $TOKEN && $TOKEN != null ]] || fail "API sign-in failed"
api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$URL$1"; }
RID=$(api /api/v1/drive/spaces | jq -r '.items[0].root_id') # the space the dialog preselects
# remote_sha PATH: sha256 of the drive file at PATH under the space root.
remote_sha() {
  local id=$RID seg segs
  IFS=/ read -ra segs <<<"$1"
  for seg in "${segs[@]}"; do
    id=$(api "/api/v1/drive/entries/$id/children" | jq -r --arg n "$seg" '[.items[] | select(.name == $n and (.deleted | not))][0].id // empty') || return 1
    [[ -n $id ]] || return 1
  done
  api "/api/v1/drive/files/$id/content" | sha256sum | cut -d' ' -f1
}
has() { [[ $(remote_sha "$1" 2>/dev/null) == "$(sha256sum <"$SRC/$1" | cut -d' ' -f1)" ]]; }
printf '第四季度：收入 1,234 万元\n' >"$SRC/季度报告.txt"
mkdir -p "$SRC/项目 资料"
printf '# 会议纪要\n- 同步测试\n' >"$SRC/项目 资料/会议纪要 2026.md"
head -c 3000000 /dev/urandom >"$SRC/项目 资料/data.bin"
for f in readme.txt 季度报告.txt "项目 资料/会议纪要 2026.md" "项目 资料/data.bin"; do
  until_ok 60 "$f on the drive with the local sha256" has "$f"
  echo "desktop sync:   $f ok"
done

# ---- 4. the page shows the pair as synced
step "screenshot of the synced pair"
until_ok 20 "the pair's 已同步 tag" row_tag F0F9EB
until_ok 10 "the overall 已同步 tag" colour_is 1070 104 F0F9EB
import -window root "$ART/desktop-sync.png"

# ---- 5. pause from the page: a change waits; resume: it uploads
step "暂停 holds a change back"
old=$(remote_sha readme.txt)
click 1051 "$ROW_Y" # 暂停
until_ok 10 "the pair's 已暂停 tag" row_tag F4F4F5
printf 'changed while paused\n' >>"$SRC/readme.txt"
# A negative check needs a window: the unpaused engine uploaded every file
# above within seconds, so 8 s of the old content means it held back.
end=$((SECONDS + 8))
while ((SECONDS < end)); do
  [[ $(remote_sha readme.txt) == "$old" ]] || fail "readme.txt changed on the drive while the pair was paused"
  sleep 0.5
done
step "继续 uploads it"
click 1051 "$ROW_Y" # 继续
until_ok 60 "the changed readme.txt on the drive after 继续" has readme.txt
until_ok 20 "the pair's 已同步 tag after 继续" row_tag F0F9EB
import -window root "$ART/desktop-sync-resumed.png"

# ---- 6. the tray: its menu (StatusNotifierItem + com.canonical.dbusmenu on
# the session bus, as a panel reads it) says how sync is, and its pause item
# pauses and resumes every pair, which the page then shows.
step "the tray menu says sync is up to date"
TRAY=org.kde.StatusNotifierItem-$pid-1
# tray_menu: the tray menu's items as "ID<TAB>label" lines (GetLayout, whole tree).
tray_menu() {
  dbus-send --session --print-reply --dest="$TRAY" /StatusNotifierItem/menu com.canonical.dbusmenu.GetLayout \
    int32:0 int32:-1 array:string: 2>/dev/null | awk '
      $1 == "int32" { id = $2 }
      want && $1 == "variant" && $2 == "string" { sub(/^[^"]*"/, ""); sub(/"$/, ""); print id "\t" $0; want = 0; next }
      { want = ($1 == "string" && $2 == "\"label\"") }'
}
tray_has() { tray_menu | cut -f2 | grep -qxF "$1"; }
tray_click() { # label: sends the panel's "clicked" event for the item
  local id
  id=$(tray_menu | awk -F'\t' -v l="$1" '$2 == l { print $1; exit }')
  [[ -n $id ]] || fail "the tray menu has no item \"$1\": $(tray_menu | cut -f2 | tr '\n' '|')"
  dbus-send --session --print-reply --dest="$TRAY" /StatusNotifierItem/menu com.canonical.dbusmenu.Event \
    int32:"$id" string:clicked variant:int32:0 uint32:0 >/dev/null || fail "clicking \"$1\" in the tray failed"
}
until_ok 20 "the tray item 同步：已是最新（1 个文件夹）" tray_has "同步：已是最新（1 个文件夹）"
tray_has "暂停同步" || fail "the tray menu has no 暂停同步: $(tray_menu | cut -f2 | tr '\n' '|')"
tray_has "待我审批（0）" || fail "the tray menu has no 待我审批（0）: $(tray_menu | cut -f2 | tr '\n' '|')"
step "暂停同步 in the tray pauses the pair"
tray_click "暂停同步"
until_ok 10 "the page's 已暂停 tag after the tray's 暂停同步" row_tag F4F4F5
until_ok 10 "the tray item 继续同步" tray_has "继续同步"
step "继续同步 in the tray resumes it"
tray_click "继续同步"
until_ok 10 "the page's 已同步 tag after the tray's 继续同步" row_tag F0F9EB
until_ok 10 "the tray item 暂停同步 again" tray_has "暂停同步"
step "a new approval for the admin shows in the tray's count"
ROOT_DEPT=$(api /api/v1/departments | jq -r '.items[0].id')
post /api/v1/users "$TOKEN" '{"email":"li@example.com","name":"李娜","department_id":"'"$ROOT_DEPT"'","title":"销售","phone":"13900000001","roles":[],"password":"'"$PASS"'"}' >/dev/null
LI=$(post /api/v1/auth/login "" '{"email":"li@example.com","password":"'"$PASS"'"}' | jq -r .token)
LEAVE=$(curl -fsS -H "Authorization: Bearer $LI" "$URL/api/v1/approval/templates" | jq -r '.items[] | select(.builtin_key == "leave") | .id')
post /api/v1/approvals "$LI" '{"template_id":"'"$LEAVE"'","form":{"leave_type":"personal","period":{"start":"2026-12-21","end":"2026-12-21"},"reason":"家中有事"}}' >/dev/null
until_ok 20 "the tray item 待我审批（1） (the admin heads the company)" tray_has "待我审批（1）"

echo "desktop sync: screenshots e2e/artifacts/desktop-sync.png, e2e/artifacts/desktop-sync-resumed.png"
echo "desktop sync: PASS"
