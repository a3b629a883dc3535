#!/usr/bin/env bash
# The Windows client as an employee's PC runs it, under Wine (issue 19).
# After scripts/test-windows-installer.sh (signatures, contents) on the same
# cross-compiled tack.exe:
#   1. the installer (scripts/windows-installer.sh around a cross-compiled
#      tack.exe) installs silently per user with /SERVER= preset: the program,
#      the Start-menu entry, the start-at-login Run value, the tack:// scheme,
#      the uninstall entry and tack-server.txt are checked where Windows keeps
#      them (files under %LOCALAPPDATA%\Programs\Tack, `reg query`);
#   2. the INSTALLED tack.exe runs `sync` against a Linux `tack serve`: a
#      folder with a nested Chinese path is backed up (Windows paths with
#      backslashes and a drive letter end up as drive folders), then a
#      two-way pair applies a case-only rename made on the drive to Wine's
#      case-insensitive file system, and downloads a file the drive added;
#   3. the silent uninstaller (signed like the installer) removes the program and its registry entries
#      and keeps the user's synced folder and client data.
# Wine (Debian's wine64) emulates Windows' file and registry APIs, not its
# WebView2, so the window itself is not opened here.
# TACK_EXE=path reuses a cross-compiled tack.exe, TACK_SETUP=path an installer
# built around it, TACK_BIN=path a Linux tack (else each is built).
set -euo pipefail
cd "$(dirname "$0")/.."
export USER=${USER:-$(id -un)} # Wine names the profile folder after it
start=$SECONDS
for tool in wine xvfb-run makensis osslsigncode openssl x86_64-w64-mingw32-gcc curl jq sha256sum; do
  command -v $tool >/dev/null || { echo "test-windows-wine: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
w=$(mktemp -d /tmp/twine.XXXXXX)
export WINEPREFIX=$w/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono/Gecko download prompts
server=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  wineserver -k 2>/dev/null || true
  [[ -n ${TACK_WINE_KEEP:-} ]] && echo "test-windows-wine: kept $w" || rm -rf "$w"
}
trap cleanup EXIT
fail() { echo "test-windows-wine: FAIL: $*" >&2; exit 1; }
step() { echo "test-windows-wine: [$((SECONDS - start)) s] $*"; }
# until_ok SECONDS WHAT CMD...: polls CMD until it succeeds.
until_ok() {
  local limit=$1 what=$2; shift 2
  for ((deadline = SECONDS + limit; SECONDS < deadline; )); do "$@" && return 0; sleep 0.2; done
  fail "not within ${limit}s: $what"
}

if [[ -n ${TACK_EXE:-} ]]; then
  cp "$TACK_EXE" "$w/tack.exe"
else
  step "cross-compile tack.exe"
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production -ldflags "-X main.version=1.2.3 -H windowsgui" -o "$w/tack.exe" .
fi
# Signing and the installer's contents first (throwaway certificate), on the same tack.exe.
TACK_EXE=$w/tack.exe scripts/test-windows-installer.sh
step "build the installer and the Linux server"
# Signed as a release is (a throwaway certificate), so the uninstaller that
# runs at the end is the signed one.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Tack CI throwaway code signing" \
  -addext "extendedKeyUsage=codeSigning" -keyout "$w/key.pem" -out "$w/cert.pem" 2>/dev/null
if [[ -n ${TACK_SETUP:-} ]]; then cp "$TACK_SETUP" "$w/tack-setup.exe"; else
  TACK_SIGN_CERT=$w/cert.pem TACK_SIGN_KEY=$w/key.pem scripts/windows-installer.sh "$w/tack.exe" 1.2.3 "$w/tack-setup.exe" >/dev/null 2>&1
fi
if [[ -n ${TACK_BIN:-} ]]; then cp "$TACK_BIN" "$w/tack"; else CGO_ENABLED=0 go build -o "$w/tack" .; fi

# The team server, with a company and its admin.
"$w/tack" serve --addr 127.0.0.1:0 --data-dir "$w/server" >"$w/server.log" 2>&1 &
server=$!
url() { grep -o 'http://127.0.0.1:[0-9]*' "$w/server.log" | head -1; }
until_ok 60 "tack serve to print its URL" url
URL=$(url)
TOKEN=$(curl -fsS -X POST "$URL/api/v1/setup" -H 'Content-Type: application/json' -H 'X-Tack-Request: 1' \
  -d '{"company_name":"Wine 测试","admin":{"name":"王管理","email":"admin@wine.test","password":"password123","phone":"13800000000","title":"管理员"}}' | jq -r .token)
[[ -n $TOKEN && $TOKEN != null ]] || fail "setup gave no token"
api() { curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -H 'X-Tack-Request: 1' "$@"; }
SPACE=$(api "$URL/api/v1/drive/spaces" | jq -r '.items[0].id')
RID=$(api "$URL/api/v1/drive/spaces" | jq -r '.items[0].root_id')
folder() { # NAME: a new drive folder under the space root, its ID
  api -X POST "$URL/api/v1/drive/folders" -H 'Content-Type: application/json' -d '{"parent_id":"'"$RID"'","name":"'"$1"'"}' | jq -r .id
}
# child PARENT NAME: the ID of PARENT's live child NAME ("" if none).
child() { api "$URL/api/v1/drive/entries/$1/children" | jq -r --arg n "$2" '[.items[] | select(.name == $n and (.deleted | not))][0].id // empty'; }

# Wine 8.0 lacks bcryptprimitives.dll (ProcessPrng), without which no Go
# 1.22+ program starts: a stand-in (scripts/wine/bcryptprimitives.c) goes
# into the prefix, as a Windows 10 system has the real one.
x86_64-w64-mingw32-gcc -shared -O2 -o "$w/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
# Everything Wine runs gets one X display (the installer's silent mode still
# loads user32); wineboot makes the prefix first.
cat >"$w/inner.sh" <<'INNER'
set -euo pipefail
export HOME=$WHOME # Wine links Documents to $HOME: keep it inside the test
wineboot -i >/dev/null 2>&1 || true
cp "$DLL" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
"$@"
INNER
export DLL=$w/bcryptprimitives.dll WHOME=$w/home
mkdir -p "$WHOME"
wrun() { xvfb-run -a bash "$w/inner.sh" "$@"; }

step "wine: tack-setup.exe /S /SERVER=$URL"
wrun wine "$w/tack-setup.exe" /S "/SERVER=$URL"
wineserver -w
U=$WINEPREFIX/drive_c/users/$USER
INST=$U/AppData/Local/Programs/Tack
[[ -f $INST/tack.exe ]] || { find "$WINEPREFIX/drive_c/users" -maxdepth 5 | head -50; fail "tack.exe not installed under %LOCALAPPDATA%\\Programs\\Tack"; }
cmp -s "$INST/tack.exe" "$w/tack.exe" || fail "the installed tack.exe is not the one built"
[[ -f $INST/uninstall.exe ]] || fail "no uninstall.exe"
# The uninstaller Windows runs carries the installer's signature (a
# TACK_SETUP made elsewhere: some signature).
if [[ -z ${TACK_SETUP:-} ]]; then
  osslsigncode verify -CAfile "$w/cert.pem" -in "$INST/uninstall.exe" >"$w/verify.log" 2>&1 || { cat "$w/verify.log"; fail "the installed uninstall.exe does not verify"; }
else
  osslsigncode verify -in "$INST/uninstall.exe" >"$w/verify.log" 2>&1 || true
fi
grep -qF "Subject: " "$w/verify.log" || { cat "$w/verify.log"; fail "the installed uninstall.exe is not signed"; }
[[ $(tr -d '\r\n' <"$INST/tack-server.txt") == "$URL" ]] || fail "tack-server.txt is not the /SERVER= preset: $(cat "$INST/tack-server.txt")"
ls "$U"/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/Tack.lnk >/dev/null 2>&1 || fail "no Start-menu entry"
regq() { wrun wine reg query "$@" 2>/dev/null | tr -d '\r'; }
regq 'HKCU\Software\Microsoft\Windows\CurrentVersion\Run' /v Tack | grep -q 'Programs\\Tack\\tack.exe" --hidden' || fail "no start-at-login Run value"
regq 'HKCU\Software\Classes\tack\shell\open\command' | grep -qF '\tack.exe" "%1"' || fail "tack:// is not registered to tack.exe"
regq 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Tack' /v DisplayVersion | grep -q '1.2.3' || fail "no uninstall entry with the version"
step "installed: program, signed uninstaller, Start menu, Run --hidden, tack://, uninstall entry, preset server"

# ---- the installed client syncs with the Linux server
LOCAL_WIN='C:\users\'"$USER"'\Documents\备份'
LOCAL=$U/Documents/备份
DATA_WIN='C:\users\'"$USER"'\AppData\Roaming\Tack\client'
mkdir -p "$LOCAL/项目/合同 2026"
printf '第四季度：收入 1,234 万元\r\n' >"$LOCAL/季度报告.txt"
head -c 300000 /dev/urandom >"$LOCAL/项目/合同 2026/扫描件.bin"
BACKUP=$(folder 备份)
tacksync() { wrun wine "$INST/tack.exe" sync --server "$URL" --token "$TOKEN" --data-dir "$DATA_WIN" "$@" >>"$w/sync.log" 2>&1; }
step "wine: tack.exe sync --once (backup of $LOCAL_WIN)"
tacksync --pair "$LOCAL_WIN=$SPACE/$BACKUP:backup" --once || { cat "$w/sync.log"; fail "tack.exe sync failed"; }
remote_sha() { # PARENT_ID PATH
  local id=$1 seg segs
  IFS=/ read -ra segs <<<"$2"
  for seg in "${segs[@]}"; do id=$(child "$id" "$seg"); [[ -n $id ]] || return 1; done
  api "$URL/api/v1/drive/files/$id/content" | sha256sum | cut -d' ' -f1
}
for f in 季度报告.txt "项目/合同 2026/扫描件.bin"; do
  [[ $(remote_sha "$BACKUP" "$f") == $(sha256sum <"$LOCAL/$f" | cut -d' ' -f1) ]] || { cat "$w/sync.log"; fail "$f not on the drive with its sha256"; }
done
[[ -z $(api "$URL/api/v1/drive/entries/$BACKUP/children" | jq -r '.items[].name | select(test("\\\\"))') ]] || fail "a drive name holds a backslash"
step "backed up: nested folders arrived as drive folders, bytes identical"

# Two-way: a case-only rename and a new file made on the drive reach the PC.
SHARED=$(folder 共享)
SLOCAL_WIN='C:\users\'"$USER"'\Documents\共享'
SLOCAL=$U/Documents/共享
mkdir -p "$SLOCAL"
printf 'hello\r\n' >"$SLOCAL/readme.txt"
tacksync --pair "$SLOCAL_WIN=$SPACE/$SHARED:two-way" --once || { cat "$w/sync.log"; fail "two-way sync failed"; }
RM=$(child "$SHARED" readme.txt)
[[ -n $RM ]] || fail "readme.txt not on the drive"
ver=$(api "$URL/api/v1/drive/entries/$RM" | jq -r .version)
api -X PATCH "$URL/api/v1/drive/entries/$RM" -H 'Content-Type: application/json' -d '{"name":"README.txt","version":'"$ver"'}' >/dev/null
printf 'from the drive' | api -X POST "$URL/api/v1/drive/files?parent_id=$SHARED&name=%E6%9D%A5%E8%87%AA%E7%BD%91%E7%9B%98.txt" -H 'Content-Type: application/octet-stream' --data-binary @- >/dev/null
tacksync --once || { cat "$w/sync.log"; fail "second sync failed"; }
names=$(ls "$SLOCAL")
grep -qx 'README.txt' <<<"$names" || { cat "$w/sync.log"; fail "the case-only rename was not applied: $names"; }
! grep -qx 'readme.txt' <<<"$names" || fail "readme.txt is still there beside README.txt"
[[ $(cat "$SLOCAL/来自网盘.txt") == 'from the drive' ]] || fail "the drive's new file did not arrive"
step "two-way: case-only rename applied on a case-insensitive file system, new file downloaded"

# ---- silent uninstall keeps the user's data
step "wine: uninstall.exe /S (the signed one)"
wrun wine "$INST/uninstall.exe" /S
wineserver -w
until_ok 30 "the uninstaller to remove tack.exe" test ! -e "$INST/tack.exe"
regq 'HKCU\Software\Microsoft\Windows\CurrentVersion\Run' /v Tack | grep -q tack.exe && fail "the Run value survived the uninstall"
regq 'HKCU\Software\Classes\tack\shell\open\command' | grep -q tack.exe && fail "tack:// survived the uninstall"
[[ -f $LOCAL/季度报告.txt && -f $SLOCAL/README.txt ]] || fail "the uninstaller touched the synced folders"
[[ -d $U/AppData/Roaming/Tack/client ]] || fail "the uninstaller removed the client's data without /PURGE"
step "uninstalled: program and registry entries gone, synced folders and client data kept"
echo "test-windows-wine: ok in $((SECONDS - start)) s"
