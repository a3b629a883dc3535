//go:build linux

package app

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

const (
	fdoName  = "org.freedesktop.Notifications"
	fdoPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdoIface = "org.freedesktop.Notifications"
)

// fdoNotifier raises notifications with a "default" action (what a click
// on the bubble invokes) and follows the daemon's signals: ActionInvoked
// opens the item's link, NotificationClosed forgets it.
type fdoNotifier struct {
	conn    *dbus.Conn
	onClick func(string)
	mu      sync.Mutex
	links   map[uint32]string
	owner   string // the daemon's unique bus name; signals from others are ignored
}

// newClickNotifier connects to the session bus; nil when there is none.
func newClickNotifier(onClick func(string)) clickNotifier {
	n, err := newFDONotifier(onClick)
	if err != nil {
		slog.Info("desktop: notifications without click-to-open", "err", err)
		return nil
	}
	return n
}

func newFDONotifier(onClick func(string)) (*fdoNotifier, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("app: session bus: %w", err)
	}
	for _, member := range []string{"ActionInvoked", "NotificationClosed"} {
		if err := conn.AddMatchSignal(dbus.WithMatchInterface(fdoIface), dbus.WithMatchMember(member), dbus.WithMatchObjectPath(fdoPath)); err != nil {
			conn.Close()
			return nil, fmt.Errorf("app: match %s: %w", member, err)
		}
	}
	n := &fdoNotifier{conn: conn, onClick: onClick, links: map[uint32]string{}}
	ch := make(chan *dbus.Signal, 16)
	conn.Signal(ch)
	go n.follow(ch)
	return n, nil
}

func (n *fdoNotifier) notify(appName, icon, title, body, link string) error {
	var owner string
	if err := n.conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, fdoName).Store(&owner); err != nil {
		return fmt.Errorf("app: no notification daemon: %w", err)
	}
	actions := []string{}
	if link != "" {
		actions = []string{"default", "Open"}
	}
	var id uint32
	err := n.conn.Object(fdoName, fdoPath).Call(fdoIface+".Notify", 0, appName, uint32(0), icon, title, fdoText(body), actions,
		map[string]dbus.Variant{}, int32(-1)).Store(&id)
	if err != nil {
		return fmt.Errorf("app: notify: %w", err)
	}
	n.mu.Lock()
	n.owner = owner
	if link != "" {
		n.links[id] = link
	}
	n.mu.Unlock()
	return nil
}

func (n *fdoNotifier) follow(ch <-chan *dbus.Signal) {
	for sig := range ch {
		if len(sig.Body) < 2 {
			continue
		}
		id, ok := sig.Body[0].(uint32)
		if !ok {
			continue
		}
		n.mu.Lock()
		trusted := sig.Sender == n.owner
		link, known := n.links[id]
		if trusted && known {
			delete(n.links, id)
		}
		n.mu.Unlock()
		if !trusted || !known {
			continue
		}
		if sig.Name == fdoIface+".ActionInvoked" && n.onClick != nil {
			n.onClick(link)
		}
	}
}

// Close drops the bus connection (tests).
func (n *fdoNotifier) Close() error { return n.conn.Close() }

// fdoText escapes a body for the notification daemon, which reads bodies as
// markup (<b>, <a href>, <img src>): the body is the server's text (an
// approval's title, a DING's message), and a server must not put a link to
// another site, or a picture from anywhere, into the bubble. "R&D <周会>" is
// shown as written.
func fdoText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
