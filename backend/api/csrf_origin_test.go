package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tack/backend/api"
	"tack/backend/server/servertest"
)

// rawPost sends body as is with exactly the headers given (a browser's
// cross-site form sends text/plain, no custom header, and its own Origin).
func rawPost(t *testing.T, e *servertest.Env, path, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", e.HTTP.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func hasSessionCookie(resp *http.Response) bool {
	for _, c := range resp.Cookies() {
		if c.Name == api.SessionCookie && c.Value != "" {
			return true
		}
	}
	return false
}

// TestSignInRefusesCrossSiteForms: a page on another site can post a form
// (text/plain, no custom header) to setup and sign-in; neither may run or
// set a cookie. Only a JSON request with X-Tack-Request from no or our own
// origin does.
func TestSignInRefusesCrossSiteForms(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		own := e.HTTP.URL
		setupBody := `{"company_name":"Evil Co","admin":{"name":"Eve","email":"eve@evil.test","password":"password123","phone":"13800000000","title":"Boss"}}`
		refused := []struct {
			name   string
			hdr    map[string]string
			status int
			key    string
		}{
			{"cross-site text/plain form", map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example"}, 403, "auth.cross_origin"},
			{"text/plain form without Origin", map[string]string{"Content-Type": "text/plain"}, 403, "auth.csrf"},
			{"text/plain with the header", map[string]string{"Content-Type": "text/plain", api.CSRFHeader: "1"}, 400, "json_required"},
			{"form encoding with the header", map[string]string{"Content-Type": "application/x-www-form-urlencoded", api.CSRFHeader: "1", "Origin": own}, 400, "json_required"},
			{"JSON without the header", map[string]string{"Content-Type": "application/json", "Origin": own}, 403, "auth.csrf"},
			{"JSON with the header from another site", map[string]string{"Content-Type": "application/json", api.CSRFHeader: "1", "Origin": "https://evil.example"}, 403, "auth.cross_origin"},
			{"opaque origin", map[string]string{"Content-Type": "application/json", api.CSRFHeader: "1", "Origin": "null"}, 403, "auth.cross_origin"},
			{"same host, other port", map[string]string{"Content-Type": "application/json", api.CSRFHeader: "1", "Origin": "http://127.0.0.1:1"}, 403, "auth.cross_origin"},
		}
		check := func(path, body string) {
			for _, c := range refused {
				resp, b := rawPost(t, e, path, body, c.hdr)
				if resp.StatusCode != c.status || !strings.Contains(b, `"key":"`+c.key+`"`) || hasSessionCookie(resp) {
					t.Errorf("%s %s: %d %s, want %d %s and no cookie", path, c.name, resp.StatusCode, b, c.status, c.key)
				}
			}
		}
		check("/api/v1/setup", setupBody)
		var st struct{ Needed bool }
		e.Must(http.StatusOK, "GET", "/api/v1/setup", "", nil).JSON(t, &st)
		if !st.Needed {
			t.Fatal("a refused setup request set the company up")
		}
		resp, b := rawPost(t, e, "/api/v1/setup", setupBody, map[string]string{"Content-Type": "application/json; charset=utf-8", api.CSRFHeader: "1", "Origin": own})
		if resp.StatusCode != http.StatusCreated || !hasSessionCookie(resp) {
			t.Fatalf("setup from our own page: %d %s", resp.StatusCode, b)
		}

		loginBody := `{"email":"eve@evil.test","password":"password123"}`
		check("/api/v1/auth/login", loginBody)
		for _, origin := range []string{"", own, strings.Replace(own, "http://", "HTTP://", 1)} {
			hdr := map[string]string{"Content-Type": "application/json", api.CSRFHeader: "1"}
			if origin != "" {
				hdr["Origin"] = origin
			}
			if resp, b := rawPost(t, e, "/api/v1/auth/login", loginBody, hdr); resp.StatusCode != http.StatusOK || !hasSessionCookie(resp) {
				t.Errorf("login from origin %q: %d %s", origin, resp.StatusCode, b)
			}
		}
	})
}

// TestUnsafeRequestsCheckOrigin: any unsafe request that names another site
// as its Origin is refused before it runs, even with a valid session and
// the CSRF header; reads are not (a cross-site page cannot read the answer).
func TestUnsafeRequestsCheckOrigin(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		root := e.RootDepartment(admin)
		body := `{"name":"Sales","parent_id":"` + root.ID + `"}`
		for _, byCookie := range []bool{true, false} {
			hdr := map[string]string{"Content-Type": "application/json", api.CSRFHeader: "1", "Origin": "https://evil.example"}
			if byCookie {
				hdr["Cookie"] = api.SessionCookie + "=" + admin
			} else {
				hdr["Authorization"] = "Bearer " + admin
			}
			resp, b := rawPost(t, e, "/api/v1/departments", body, hdr)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(b, "auth.cross_origin") {
				t.Errorf("cross-site create (cookie %v): %d %s", byCookie, resp.StatusCode, b)
			}
		}
		var depts struct{ Items []struct{ Name string } }
		e.Must(http.StatusOK, "GET", "/api/v1/departments", admin, nil).JSON(t, &depts)
		if len(depts.Items) != 1 {
			t.Fatalf("a cross-site request created a department: %+v", depts.Items)
		}
		// A GET from another site is answered (CORS keeps the body from it).
		req, _ := http.NewRequest("GET", e.HTTP.URL+"/api/v1/departments", nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Origin", "https://evil.example")
		resp, err := e.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("cross-site GET: %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
		// Our own origin works, with and without the default port.
		u, _ := url.Parse(e.HTTP.URL)
		resp, b := rawPost(t, e, "/api/v1/departments", body, map[string]string{"Content-Type": "application/json",
			"Authorization": "Bearer " + admin, "Origin": "http://" + u.Host})
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("same-origin create: %d %s", resp.StatusCode, b)
		}
	})
}
