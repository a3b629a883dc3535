package api

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestSessionCookieSecureOnlyOverTLS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		tls        bool
		proto      string
		trustProxy bool
		secure     bool
	}{
		{"plain http", false, "", false, false},
		{"tls", true, "", false, true},
		{"proxy https, trusted", false, "https", true, true},
		{"proxy https, not trusted", false, "https", false, false},
	}
	for _, c := range cases {
		h := &Handler{deps: Deps{}}
		if c.trustProxy {
			h.deps.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
		}
		r := httptest.NewRequest("POST", "/api/v1/auth/login", nil) // from 192.0.2.1
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		w := httptest.NewRecorder()
		h.setSessionCookie(w, r, "tok", time.Now().Add(time.Hour))
		cs := w.Result().Cookies()
		if len(cs) != 1 || cs[0].Secure != c.secure || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || cs[0].Path != "/" {
			t.Errorf("%s: cookie %+v", c.name, cs)
		}
	}
}
