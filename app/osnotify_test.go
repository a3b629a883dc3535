package app

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestOSNotificationOnApprovalTask checks that an approval task event raises
// a real freedesktop notification (a Notify call on the session bus). It needs
// a session bus and a notification daemon: e2e/desktop/notify.sh runs it under
// xvfb-run + dbus-run-session with notification-daemon and sets
// TACK_TEST_OS_NOTIFY=1.
func TestOSNotificationOnApprovalTask(t *testing.T) {
	calls := notifyCalls(t)

	srv := fakeEvents(t)
	defer srv.Close()
	p := proxyTo(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&Watcher{Server: p, Notifier: &OSNotifier{AppName: "Tack"}}).Run(ctx)

	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-calls:
			if len(m.Body) >= 5 {
				summary, _ := m.Body[3].(string)
				body, _ := m.Body[4].(string)
				if strings.Contains(summary, "新的审批待你处理") && strings.Contains(body, "Leave request from Li Lei") {
					t.Logf("notification raised: %q / %q (app %v)", summary, body, m.Body[0])
					return
				}
			}
		case <-timeout:
			t.Fatal("no org.freedesktop.Notifications.Notify call seen")
		}
	}
}

// notifyCalls watches the session bus for Notify calls (what the desktop's
// OS notifications become). It skips unless TACK_TEST_OS_NOTIFY=1: it needs
// a session bus and a notification daemon, which e2e/desktop/notify.sh
// starts under xvfb-run + dbus-run-session.
func notifyCalls(t *testing.T) <-chan *dbus.Message {
	t.Helper()
	if os.Getenv("TACK_TEST_OS_NOTIFY") != "1" {
		t.Skip("set TACK_TEST_OS_NOTIFY=1 under a session bus (e2e/desktop/notify.sh)")
	}
	mon, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	t.Cleanup(func() { mon.Close() })
	rule := "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
	if err := mon.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, []string{rule}, uint32(0)).Err; err != nil {
		t.Fatalf("become monitor: %v", err)
	}
	calls := make(chan *dbus.Message, 10)
	mon.Eavesdrop(calls)
	return calls
}
