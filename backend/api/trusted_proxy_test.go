package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/netip"
	"testing"

	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// latestSessionIP signs in with the given X-Forwarded-For and returns the
// address the server recorded for the new session.
func latestSessionIP(t *testing.T, e *servertest.Env, xff string) string {
	t.Helper()
	resp, b := rawPost(t, e, "/api/v1/auth/login", `{"email":"`+servertest.AdminEmail+`","password":"`+servertest.TestPassword+`"}`,
		map[string]string{"Content-Type": "application/json", "X-Tack-Request": "1", "X-Forwarded-For": xff})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	var res struct{ Token string }
	if err := json.Unmarshal([]byte(b), &res); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(res.Token))
	var s org.Session
	if err := e.Server.DB.Where("id = ?", hex.EncodeToString(sum[:])).Take(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s.IP
}

// TestTrustedProxiesDecideTheClientIP: behind the configured proxy (the
// test's loopback peer) the session records the address the proxy appended,
// not the one the client put first; --trust-proxy alone trusts loopback.
func TestTrustedProxiesDecideTheClientIP(t *testing.T) {
	t.Parallel()
	for name, configure := range map[string]func(*server.Config){
		"trusted-proxies": func(c *server.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} },
		"trust-proxy":     func(c *server.Config) { c.TrustProxy = true },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			servertest.EachWith(t, configure, func(t *testing.T, e *servertest.Env) {
				e.Setup()
				if ip := latestSessionIP(t, e, "6.6.6.6, 198.51.100.4"); ip != "198.51.100.4" {
					t.Errorf("session IP %q, want the hop the proxy added", ip)
				}
			})
		})
	}
	t.Run("no proxies", func(t *testing.T) {
		t.Parallel()
		servertest.Each(t, func(t *testing.T, e *servertest.Env) {
			e.Setup()
			if ip := latestSessionIP(t, e, "198.51.100.4"); ip != "127.0.0.1" {
				t.Errorf("session IP %q, want the peer", ip)
			}
		})
	})
}
