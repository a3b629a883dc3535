package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Launch is what the desktop was started with: --hidden (at login, straight
// to the tray) and tack:// links (a notification click, an email link, a
// second start handing over to the first).
type Launch struct {
	Hidden bool
	Links  []string // UI routes, already validated (LinkRoute)
}

// ParseLaunch reads the desktop arguments; a link that is not a UI route
// is dropped (LinkRoute).
func ParseLaunch(args []string) Launch {
	var l Launch
	for _, a := range args {
		if a == "--hidden" {
			l.Hidden = true
		} else if r, ok := LinkRoute(a); ok {
			l.Links = append(l.Links, r)
		}
	}
	return l
}

// LinkRoute turns tack://open?link=/approvals/7 into the UI route
// /approvals/7. Anything else — another action, a route outside the UI
// (/api, another origin, a javascript: URL), a malformed link — is refused:
// a link is text any web page or email can contain.
func LinkRoute(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Scheme, "tack") {
		return "", false
	}
	action := u.Host
	if action == "" {
		action = strings.Trim(u.Opaque, "/")
		if i := strings.IndexByte(action, '?'); i >= 0 {
			action = action[:i]
		}
	}
	if !strings.EqualFold(action, "open") || (u.Path != "" && u.Path != "/") {
		return "", false
	}
	link := u.Query().Get("link")
	if !uiRoute(link) {
		return "", false
	}
	return link, true
}

// OpenLinkURL is the tack:// URL that opens the UI route link in the running
// client (LinkRoute reads it back): what a Windows toast's click starts.
func OpenLinkURL(link string) string {
	return "tack://open?link=" + url.QueryEscape(link)
}

// presetServer is the team server an installer run with /SERVER= left next
// to the executable (tack-server.txt), for a first start with no saved
// connection; "" when there is none or it is not a web address.
func presetServer(exe string) string {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return ""
		}
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "tack-server.txt"))
	if err != nil || len(b) > 2048 {
		return ""
	}
	u, err := normalizeURL(string(b))
	if err != nil {
		return ""
	}
	return u.String()
}
