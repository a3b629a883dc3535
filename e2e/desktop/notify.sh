#!/usr/bin/env bash
# OS notification test: under Xvfb and a private session bus with
# notification-daemon running, an approval.task_assigned event from a fake
# SSE server must produce an org.freedesktop.Notifications.Notify call, and
# so must the desktop punch (PunchNow, the tray's 打卡) on a real server.
# Then, on a second private bus where the test itself plays the daemon,
# clicking the notification (ActionInvoked) must open the item's link.
set -euo pipefail
cd "$(dirname "$0")/../.."
DAEMON=/usr/lib/notification-daemon/notification-daemon
for t in xvfb-run dbus-run-session "$DAEMON"; do
  command -v "$t" >/dev/null || { echo "desktop notify: missing $t (run scripts/install-deps.sh)"; exit 1; }
done
go test -c -o /tmp/tack-app.test ./app/
xvfb-run -a dbus-run-session -- bash -c '
  '"$DAEMON"' & d=$!
  trap "kill $d 2>/dev/null || true" EXIT
  sleep 1
  TACK_TEST_OS_NOTIFY=1 /tmp/tack-app.test -test.run "TestOSNotificationOnApprovalTask|TestOSNotificationOnTrayPunch" -test.v
'
dbus-run-session -- env TACK_TEST_DBUS_FAKE=1 /tmp/tack-app.test -test.run TestOSNotificationClickOpensItem -test.v
