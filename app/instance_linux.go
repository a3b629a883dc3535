//go:build linux

package app

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
)

// handOver passes args to a client already running for this account and
// reports whether one took them. Wails' own single-instance lock does the
// same, but only after OnStartup has run (wails v2.9.2, linux/frontend.go):
// a second process would start its workspace server and sync agent before
// handing over. Asking first means it starts nothing. It speaks Wails'
// protocol (same bus name, path and JSON), so either side may be the one
// that answers.
func handOver(args []string) bool {
	id := "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(instanceID)
	name, path := "org."+id+".SingleInstance", dbus.ObjectPath("/org/"+id+"/SingleInstance")
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil || !owned {
		return false
	}
	wd, _ := os.Getwd()
	msg, err := json.Marshal(map[string]any{"Args": args, "WorkingDirectory": wd})
	if err != nil {
		return false
	}
	return conn.Object(name, path).Call(name+".SendMessage", 0, string(msg)).Err == nil
}
