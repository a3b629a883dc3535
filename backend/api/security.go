package api

import (
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"tack/backend/apperr"
)

// The browser-facing defences every request passes before routing (see
// secured), and what the server believes about the client's address and
// scheme when it sits behind a reverse proxy.

// uiCSP is the Content-Security-Policy of the web UI. The built Vite app
// loads only its own hashed scripts; Element Plus sets inline style
// attributes (positions of poppers, dialogs), hence 'unsafe-inline' for
// styles only. Drive previews use blob: URLs (a PDF in an iframe, an SVG in
// an img) and the inline content URL (img, video, audio), all same-origin.
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; connect-src 'self'; " +
	"frame-src 'self' blob:; object-src 'self' blob:; worker-src 'self' blob:; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// apiCSP is the policy of API answers: JSON is never a document, so it may
// load nothing and run nothing if a browser is ever made to render one. The
// sandbox allows downloads because some answers are files opened by a plain
// link (a meeting's .ics, exports), and Chromium cancels a download made
// under a sandbox without allow-downloads. A handler that serves content
// sets its own (drive content).
const apiCSP = "sandbox allow-downloads; default-src 'none'; frame-ancestors 'none'"

var (
	errCrossOrigin = apperr.Forbidden("auth.cross_origin", "the request came from another site")
	errJSONOnly    = apperr.Invalid("json_required", "send the request body as application/json")
	errNULInURL    = apperr.Invalid("invalid_text", "the address contains a NUL character")
)

// secured sets the security headers on every answer and refuses, before any
// handler runs, an unsafe request whose Origin is another site (a
// cross-site form or fetch: the cookie is SameSite=Strict, this is the
// second line and also covers requests that carry no cookie, like
// sign-in) and an address with a NUL in it (PostgreSQL cannot compare text
// with NUL and would answer 500).
func (h *Handler) secured(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY") // frame-ancestors for old browsers
		if strings.HasPrefix(r.URL.Path, "/api/") {
			hd.Set("Content-Security-Policy", apiCSP)
		} else {
			hd.Set("Content-Security-Policy", uiCSP)
		}
		if !isSafe(r.Method) && !h.sameOrigin(r) {
			writeError(w, r, errCrossOrigin)
			return
		}
		if strings.ContainsRune(r.URL.Path, 0) || strings.Contains(r.URL.RawQuery, "%00") {
			writeError(w, r, errNULInURL)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether r comes from this server's own pages (or from
// no browser at all). A browser's Sec-Fetch-Site, which no page can set,
// decides when present (as in Go's http.CrossOriginProtection): it holds
// behind a proxy that rewrites Host. Without it, an Origin header must name
// this server: "null" (a sandboxed frame, a data: page) is another site;
// only host and port are compared, since behind a proxy that ends TLS the
// scheme the server sees is not the browser's; behind a trusted proxy its
// X-Forwarded-Host counts too. No Origin at all is not a browser's
// cross-site request (scripts, the sync client, the desktop proxy).
func (h *Handler) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default: // same-site (another port or subdomain), cross-site
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	origin := hostKey(u.Host, u.Scheme)
	if origin == hostKey(r.Host, "") {
		return true
	}
	if h.fromTrustedProxy(r) {
		if fh := lastValue(r.Header.Values("X-Forwarded-Host")); fh != "" && origin == hostKey(fh, "") {
			return true
		}
	}
	return false
}

// hostKey is host[:port] in lower case without the default port of scheme
// (without :80 or :443 when scheme is "", a Host header whose scheme the
// server may not know).
func hostKey(hostport, scheme string) string {
	hp := strings.ToLower(strings.TrimSpace(hostport))
	switch scheme {
	case "http":
		return strings.TrimSuffix(hp, ":80")
	case "https":
		return strings.TrimSuffix(hp, ":443")
	}
	return strings.TrimSuffix(strings.TrimSuffix(hp, ":80"), ":443")
}

// requireJSONRequest guards the routes that take no session but set one
// (sign-in, first-run setup): a cross-site form can send neither a JSON
// content type nor a custom header without a CORS preflight, which this
// server never grants.
func requireJSONRequest(r *http.Request) error {
	if r.Header.Get(CSRFHeader) != "1" {
		return errCSRF
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errJSONOnly
	}
	return nil
}

// peerAddr is the address of the TCP peer.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

func (h *Handler) trusted(a netip.Addr) bool {
	for _, p := range h.deps.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fromTrustedProxy reports whether the TCP peer is one of the configured
// proxies, whose forwarding headers may be believed.
func (h *Handler) fromTrustedProxy(r *http.Request) bool {
	a, ok := peerAddr(r)
	return ok && h.trusted(a)
}

// clientIP is the address rate limits and the audit log use. Without
// trusted proxies it is the TCP peer. From a trusted proxy it walks
// X-Forwarded-For from the right, where each proxy appended the address it
// was connected from, skipping the trusted hops: the first untrusted address
// is the client. Anything to its left was written by the client itself and
// is never believed (taking the leftmost value let anyone pick their IP and
// dodge every per-IP limit).
func (h *Handler) clientIP(r *http.Request) string {
	peer, ok := peerAddr(r)
	if !ok {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	if !h.trusted(peer) {
		return peer.String()
	}
	client := peer
	hops := forwardedHops(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // garbage where a proxy should have written an address
		}
		client = a
		if !h.trusted(a) {
			break
		}
	}
	return client.String()
}

// forwardedHops splits X-Forwarded-For header lines into their entries, in order.
func forwardedHops(lines []string) []string {
	var hops []string
	for _, l := range lines {
		for _, p := range strings.Split(l, ",") {
			hops = append(hops, strings.TrimSpace(p))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, optionally with a
// port or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// lastValue is the last comma-separated value of a header's lines: the one
// the nearest proxy wrote.
func lastValue(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	parts := strings.Split(lines[len(lines)-1], ",")
	return strings.TrimSpace(parts[len(parts)-1])
}

// isTLS reports whether the browser reached the server over HTTPS: directly,
// or through a trusted proxy that says so in X-Forwarded-Proto. It decides
// the session cookie's Secure flag.
func (h *Handler) isTLS(r *http.Request) bool {
	return r.TLS != nil || (h.fromTrustedProxy(r) && strings.EqualFold(lastValue(r.Header.Values("X-Forwarded-Proto")), "https"))
}
