package app

import (
	"encoding/json"
	"net/url"
	"path"
	"strings"
	"sync"
	"unicode"

	"github.com/gen2brain/beeep"
)

// Notifier raises an OS notification. link is the frontend route to open
// when the user clicks it.
type Notifier interface {
	Notify(title, body, link string) error
}

// OSNotifier uses the platform's notification service. On Linux it speaks
// org.freedesktop.Notifications over DBus itself, because that is the only
// way to hear the click (ActionInvoked); OnClick then gets the link. Where
// that is not possible (macOS, Windows, no notification daemon on the bus)
// it falls back to beeep, which shows the notification but cannot report a
// click.
type OSNotifier struct {
	AppName string
	Icon    any               // path or []byte; nil for none
	OnClick func(link string) // may be nil

	once sync.Once
	bus  clickNotifier // nil: use beeep
}

// clickNotifier is a platform service that reports clicks (osnotify_linux.go).
type clickNotifier interface {
	notify(appName, icon, title, body, link string) error
}

func (n *OSNotifier) Notify(title, body, link string) error {
	n.once.Do(func() { n.bus = newClickNotifier(n.OnClick) })
	if n.bus != nil {
		icon, _ := n.Icon.(string)
		if err := n.bus.notify(n.AppName, icon, title, body, link); err == nil {
			return nil
		}
	}
	if n.AppName != "" {
		beeep.AppName = n.AppName
	}
	icon := n.Icon
	if icon == nil {
		icon = "" // beeep rejects nil
	}
	return beeep.Notify(title, body, icon)
}

// navigateJS is the script that takes the window to an in-app link. Only
// routes of the UI are followed (uiRoute); the link is JSON-quoted, so it
// cannot break out of the string. It moves within the loaded page (a new
// history entry, then the popstate the router follows, as Back does) and
// never loads a new document: Wails puts its runtime and the bindings only
// into "/" and "/index.html", so a document loaded at "/sync" was a page
// without the shell ("只在桌面客户端中可用" after a notification click, no
// tray events, no punch button) until the client restarted.
func navigateJS(link string) (string, bool) {
	if !uiRoute(link) {
		return "", false
	}
	b, err := json.Marshal(link)
	if err != nil {
		return "", false
	}
	return "history.pushState(null,''," + string(b) + ");dispatchEvent(new PopStateEvent('popstate'))", true
}

// uiRoute reports whether a link from the server (a notification's) is a
// route of the UI: a path of this origin ("/approvals/x"), not another site
// ("//host", "https:", "javascript:"), and not the /api/ proxy or the Wails
// runtime, which would show the server's answer as a page of the app's own
// origin, the one that may call the bindings. The path is compared as the
// webview resolves it (dot segments, percent-escapes).
func uiRoute(link string) bool {
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") ||
		strings.ContainsFunc(link, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return false
	}
	p := strings.ToLower(path.Clean(u.Path))
	for _, bad := range []string{"/api", "/wails"} {
		if p == bad || strings.HasPrefix(p, bad+"/") {
			return false
		}
	}
	return true
}
