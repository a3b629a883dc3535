package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

// TestWindowOriginPassesTheServersOriginCheck: the window's pages have the
// Wails asset server's origin (wails://wails on Linux and macOS,
// http://wails.localhost on Windows), never the team server's. The server
// refuses unsafe requests from a foreign Origin, so the proxy must not pass
// the window's on: sign-in and a write through the proxy succeed.
func TestWindowOriginPassesTheServersOriginCheck(t *testing.T) {
	env := servertest.New(t)
	env.Clock.Set(time.Now()) // the cookie jar expires cookies by the wall clock
	env.Setup()
	front := httptest.NewServer(proxyTo(t, env.HTTP.URL))
	defer front.Close()
	for _, origin := range []string{"wails://wails", "http://wails.localhost", "wails://wails.localhost:34115"} {
		post := func(path, body string) (int, string) {
			req, _ := http.NewRequest("POST", front.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Tack-Request", "1")
			req.Header.Set("Origin", origin)
			req.Header.Set("Referer", origin+"/login")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if st, b := post("/api/v1/auth/login", `{"email":"`+servertest.AdminEmail+`","password":"`+servertest.TestPassword+`"}`); st != http.StatusOK {
			t.Fatalf("sign-in from %s: %d %s", origin, st, b)
		}
		if st, b := post("/api/v1/notifications/read-all", `{}`); st != http.StatusOK {
			t.Fatalf("write from %s: %d %s", origin, st, b)
		}
	}
}
