//go:build linux

package app

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakeDaemon stands in for the notification daemon on a private session bus.
type fakeDaemon struct {
	got  chan []string // summary, body, actions...
	next uint32
}

func (d *fakeDaemon) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	d.next++
	d.got <- append([]string{summary, body}, actions...)
	return d.next, nil
}

// TestOSNotificationClickOpensItem: an approval task event raises a
// notification with a default action; when the daemon reports the click
// (ActionInvoked), the item's link is opened. A look-alike signal from
// another bus client is ignored. Needs a session bus where nothing owns
// org.freedesktop.Notifications: e2e/desktop/notify.sh runs it under
// dbus-run-session with TACK_TEST_DBUS_FAKE=1.
func TestOSNotificationClickOpensItem(t *testing.T) {
	if os.Getenv("TACK_TEST_DBUS_FAKE") != "1" {
		t.Skip("set TACK_TEST_DBUS_FAKE=1 under dbus-run-session (e2e/desktop/notify.sh)")
	}
	daemonConn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	defer daemonConn.Close()
	d := &fakeDaemon{got: make(chan []string, 4)}
	if err := daemonConn.Export(d, fdoPath, fdoIface); err != nil {
		t.Fatal(err)
	}
	if reply, err := daemonConn.RequestName(fdoName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", fdoName, reply, err)
	}

	clicked := make(chan string, 2)
	n := &OSNotifier{AppName: "Tack", OnClick: func(link string) { clicked <- link }}
	srv := fakeEvents(t)
	defer srv.Close()
	p := proxyTo(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&Watcher{Server: p, Notifier: n}).Run(ctx)

	var call []string
	select {
	case call = <-d.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no Notify call reached the daemon")
	}
	if call[1] != "Leave request from Li Lei" || len(call) < 4 || call[2] != "default" {
		t.Fatalf("Notify(summary, body, actions...) = %q", call)
	}

	impostor, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer impostor.Close()
	if err := impostor.Emit(fdoPath, fdoIface+".ActionInvoked", d.next, "default"); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-clicked:
		t.Fatalf("a signal from another client opened %q", l)
	case <-time.After(500 * time.Millisecond):
	}

	if err := daemonConn.Emit(fdoPath, fdoIface+".ActionInvoked", d.next, "default"); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-clicked:
		if l != "/approvals/abc" {
			t.Fatalf("opened %q", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the click did not open the item")
	}
}
