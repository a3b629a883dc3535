//go:build linux

package app

import "github.com/godbus/dbus/v5"

// trayHostAvailable reports whether a StatusNotifierItem host is running
// (KDE, GNOME with the AppIndicator extension, XFCE, ...). Without one the
// icon is invisible, so closing the window must quit rather than hide.
func trayHostAvailable() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
