package api

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientIPWalksForwardedForFromTheRight: only the hops the trusted
// proxies appended are believed; whatever the client wrote itself (the
// leftmost values) never is.
func TestClientIPWalksForwardedForFromTheRight(t *testing.T) {
	t.Parallel()
	lan := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies: the peer, whatever it says", nil, "203.0.113.7:5000", []string{"1.2.3.4"}, "203.0.113.7"},
		{"untrusted peer spoofing", lan, "203.0.113.7:5000", []string{"10.0.0.9"}, "203.0.113.7"},
		{"one trusted proxy", lan, "10.0.0.2:443", []string{"198.51.100.4"}, "198.51.100.4"},
		{"client-written value on the left is ignored", lan, "10.0.0.2:443", []string{"1.2.3.4, 198.51.100.4"}, "198.51.100.4"},
		{"client spoofs a trusted address on the left", lan, "10.0.0.2:443", []string{"10.9.9.9, 198.51.100.4"}, "198.51.100.4"},
		{"two trusted hops", lan, "10.0.0.2:443", []string{"6.6.6.6, 198.51.100.4, 10.0.0.3"}, "198.51.100.4"},
		{"several header lines", lan, "10.0.0.2:443", []string{"6.6.6.6", "198.51.100.4", "10.0.0.3"}, "198.51.100.4"},
		{"trusted proxy without the header", lan, "10.0.0.2:443", nil, "10.0.0.2"},
		{"everyone inside: the leftmost trusted", lan, "10.0.0.2:443", []string{"10.0.0.8, 10.0.0.3"}, "10.0.0.8"},
		{"garbage from the proxy: the last good hop", lan, "10.0.0.2:443", []string{"6.6.6.6, nonsense, 10.0.0.3"}, "10.0.0.3"},
		{"hop with a port", lan, "10.0.0.2:443", []string{"198.51.100.4:3456"}, "198.51.100.4"},
		{"IPv6 hop in brackets", lan, "[::1]:443", []string{"[2001:db8::5]"}, "2001:db8::5"},
		{"IPv4-mapped peer", lan, "[::ffff:10.0.0.2]:443", []string{"198.51.100.4"}, "198.51.100.4"},
	}
	for _, c := range cases {
		h := &Handler{deps: Deps{TrustedProxies: c.trusted}}
		r := httptest.NewRequest("POST", "/api/v1/auth/login", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := h.clientIP(r); got != c.want {
			t.Errorf("%s: clientIP %q, want %q", c.name, got, c.want)
		}
	}
}

// TestForwardedProtoOnlyFromTrustedProxy: the Secure cookie decision
// believes X-Forwarded-Proto only from a configured proxy.
func TestForwardedProtoOnlyFromTrustedProxy(t *testing.T) {
	t.Parallel()
	h := &Handler{deps: Deps{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	cases := []struct {
		peer, proto string
		tls, want   bool
	}{
		{"10.0.0.2:1", "https", false, true},
		{"10.0.0.2:1", "HTTPS", false, true},
		{"10.0.0.2:1", "http", false, false},
		{"10.0.0.2:1", "", false, false},
		{"203.0.113.7:1", "https", false, false},
		{"203.0.113.7:1", "", true, true},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := h.isTLS(r); got != c.want {
			t.Errorf("peer %s proto %q tls %v: isTLS %v, want %v", c.peer, c.proto, c.tls, got, c.want)
		}
	}
}

// TestSameOrigin: which requests count as coming from the server's own
// pages. Sec-Fetch-Site decides when a browser sends it (it survives a proxy
// that rewrites Host); otherwise Origin must name the Host (or, from a
// trusted proxy, X-Forwarded-Host).
func TestSameOrigin(t *testing.T) {
	t.Parallel()
	h := &Handler{deps: Deps{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	cases := []struct {
		name, peer, host, origin, fetchSite, fwdHost string
		want                                         bool
	}{
		{"no browser headers", "203.0.113.7:1", "tack.example", "", "", "", true},
		{"same origin", "203.0.113.7:1", "tack.example", "https://tack.example", "", "", true},
		{"same origin, explicit default port", "203.0.113.7:1", "tack.example", "https://tack.example:443", "", "", true},
		{"host header with the port", "203.0.113.7:1", "tack.example:443", "https://tack.example", "", "", true},
		{"other port", "203.0.113.7:1", "tack.example:8080", "http://tack.example:9090", "", "", false},
		{"other site", "203.0.113.7:1", "tack.example", "https://evil.example", "", "", false},
		{"subdomain", "203.0.113.7:1", "tack.example", "https://x.tack.example", "", "", false},
		{"opaque", "203.0.113.7:1", "tack.example", "null", "", "", false},
		{"not http", "203.0.113.7:1", "tack.example", "file://tack.example", "", "", false},
		{"fetch metadata cross-site, no Origin", "203.0.113.7:1", "tack.example", "", "cross-site", "", false},
		{"fetch metadata same-site", "203.0.113.7:1", "tack.example", "https://x.tack.example", "same-site", "", false},
		{"fetch metadata same-origin behind a Host-rewriting proxy", "10.0.0.2:1", "127.0.0.1:8080", "https://tack.example", "same-origin", "", true},
		{"Host rewritten, no fetch metadata", "10.0.0.2:1", "127.0.0.1:8080", "https://tack.example", "", "", false},
		{"Host rewritten, trusted X-Forwarded-Host", "10.0.0.2:1", "127.0.0.1:8080", "https://tack.example", "", "tack.example", true},
		{"X-Forwarded-Host from an untrusted peer", "203.0.113.7:1", "127.0.0.1:8080", "https://evil.example", "", "evil.example", false},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/api/v1/departments", nil)
		r.RemoteAddr, r.Host = c.peer, c.host
		for k, v := range map[string]string{"Origin": c.origin, "Sec-Fetch-Site": c.fetchSite, "X-Forwarded-Host": c.fwdHost} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		if got := h.sameOrigin(r); got != c.want {
			t.Errorf("%s: sameOrigin %v, want %v", c.name, got, c.want)
		}
	}
}
