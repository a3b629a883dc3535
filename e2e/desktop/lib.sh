# Shared by the desktop suites that drive the real window with xdotool
# (sync.sh, chatsearch.sh), sourced at their start. They set:
#   SUITE  the suite's name in its messages ("desktop sync")
#   SHOT   the file name of the failure screenshot in $ART
#   LOG    the desktop's log; TMP a scratch dir; ART the artifacts dir
#   pid    the desktop process (empty until started); URL the team server
# Everything waits by polling a condition, never by a fixed sleep.

# cleanup_tmp (the outer script's EXIT trap): anything still running with
# $TMP in its command line (WebKit helpers, the a11y bus) is ours: end it
# by pid, then remove $TMP.
cleanup_tmp() {
  local left
  left=$(pgrep -f "$TMP" || true)
  if [[ -n $left ]]; then
    echo "$SUITE: ending leftover processes $left"
    kill $left 2>/dev/null || true
  fi
  rm -rf "$TMP"
}

stop_pid() { # pid: SIGTERM, then SIGKILL after 10 s
  local p=$1
  [[ -n $p ]] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

fail() {
  import -window root "$ART/$SHOT" 2>/dev/null || true
  echo "$SUITE: FAIL at step '$STEP': $*"
  echo "  screenshot of the screen: e2e/artifacts/$SHOT"
  echo "--- last lines of the desktop log"
  grep -v "dbus-daemon" "$LOG" 2>/dev/null | tail -25 || true
  exit 1
}
step() { STEP=$1; echo "$SUITE: $1"; }

# until_ok SECONDS WHAT CMD...: runs CMD every 0.25 s until it succeeds.
until_ok() {
  local secs=$1 what=$2
  shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null; do
    ((SECONDS < end)) || fail "timed out after ${secs}s waiting for $what"
    [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || fail "the desktop app exited while waiting for $what"
    sleep 0.25
  done
}
# colour_is X Y HEX...: the screen pixel at X,Y is one of the colours
# (Element Plus colours: #409EFF primary button, #A0CFFF disabled primary,
# #F0F9EB success tag, #F4F4F5 info tag, #F5F7FA page background).
colour_is() {
  local x=$1 y=$2 c
  shift 2
  import -window root "$TMP/now.png" 2>/dev/null || return 1
  c=$(convert "$TMP/now.png" -format "%[hex:p{$x,$y}]" info:)
  for h; do [[ $c == "$h" ]] && return 0; done
  return 1
}
logged() { grep -qE "$1" "$LOG"; }
logged_times() { [[ $(grep -cE "$1" "$LOG") -ge $2 ]]; }
click() { xdotool mousemove "$1" "$2" click 1; }

post() { # path token json: POST, prints the answer, fails unless 2xx
  curl -fsS -X POST "$URL$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -H 'X-Tack-Request: 1' -d "$3" ||
    fail "POST $1 failed"
}
