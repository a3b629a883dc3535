package app

import (
	"mime"
	"net/http"
	"strings"
)

// The proxy serves whatever the server answers on the window's own origin,
// the origin that may call the Wails bindings (pick a folder, add a sync
// pair, ...). A malicious or compromised server, or anyone in the middle of
// an http:// connection, must not get a page of its own running there: the
// UI only ever reads JSON and the event stream from /api, and everything
// else (file downloads, ICS, previews fetched as data) is made a download
// that cannot run as a page.

// dropHeaders are upstream headers the window never gets: the session
// cookie stays in the proxy's jar; the rest could redirect or re-police the
// window's own origin, and confine sets its own.
var dropHeaders = map[string]bool{
	"Set-Cookie":                          true,
	"Location":                            true, // confine keeps it when it stays under /api/
	"Refresh":                             true,
	"Link":                                true,
	"Content-Disposition":                 true, // confine keeps it as an attachment
	"Content-Security-Policy":             true,
	"Content-Security-Policy-Report-Only": true,
	"X-Content-Type-Options":              true,
	"Access-Control-Allow-Origin":         true,
	"Access-Control-Allow-Credentials":    true,
	"Service-Worker-Allowed":              true,
	"Clear-Site-Data":                     true,
}

// confine sets the headers that keep a proxied answer from acting as a page
// of the app: every answer gets a sandbox CSP (no script, no same origin if
// it is ever shown) and nosniff; anything but JSON and an event stream is an
// attachment, with the server's file name kept; a redirect may only go to
// another /api/ path of the same server.
func confine(h http.Header, resp *http.Response) {
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	if loc := resp.Header.Get("Location"); loc != "" && apiPath(loc) {
		h.Set("Location", loc)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/json" || mt == "text/event-stream" {
		return
	}
	disp := "attachment"
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		keep := map[string]string{}
		for _, k := range []string{"filename", "filename*"} {
			if v, ok := params[k]; ok {
				keep[k] = v
			}
		}
		if f := mime.FormatMediaType("attachment", keep); f != "" {
			disp = f
		}
	}
	h.Set("Content-Disposition", disp)
}

// apiPath: a same-origin path under /api/ (not "//host", not "/\host").
func apiPath(p string) bool {
	return strings.HasPrefix(p, "/api/") && !strings.ContainsAny(p, "\\\r\n")
}
