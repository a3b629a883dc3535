package api_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"tack/backend/server/servertest"
)

// TestOriginSweep: every unsafe route (found from the sources, as the
// authorization sweep finds them) refuses a request whose Origin is another
// site, even with a valid admin session and the CSRF header, before it
// runs. A route added later is covered without anyone listing it.
func TestOriginSweep(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	admin, _ := e.Setup()
	param := regexp.MustCompile(`\{[^}]*\}`)
	n := 0
	for _, route := range registeredRoutes(t) {
		method, path, _ := strings.Cut(route, " ")
		if method == http.MethodGet || method == http.MethodHead {
			continue
		}
		n++
		path = param.ReplaceAllString(path, "x")
		for _, byCookie := range []bool{false, true} {
			hdr := map[string]string{"Content-Type": "application/json", "X-Tack-Request": "1", "Origin": "https://evil.example"}
			if byCookie {
				hdr["Cookie"] = "tack_session=" + admin
			} else {
				hdr["Authorization"] = "Bearer " + admin
			}
			req, _ := http.NewRequest(method, e.HTTP.URL+path, strings.NewReader(`{}`))
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			resp, err := e.HTTP.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if _, key, _ := (servertest.Response{Status: resp.StatusCode, Body: b}).ErrorCode(); resp.StatusCode != http.StatusForbidden || key != "auth.cross_origin" {
				t.Errorf("%s from another site (cookie %v): %d %s, want 403 auth.cross_origin", route, byCookie, resp.StatusCode, b)
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d unsafe routes found", n)
	}
}
