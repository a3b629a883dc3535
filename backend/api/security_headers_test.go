package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"tack/backend/api"
	"tack/backend/server/servertest"
)

// cspDirectives splits a Content-Security-Policy into its directives.
func cspDirectives(csp string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if name != "" {
			out[name] = value
		}
	}
	return out
}

func checkCommonHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("%s: nosniff %q, Referrer-Policy %q, X-Frame-Options %q", what, h.Get("X-Content-Type-Options"),
			h.Get("Referrer-Policy"), h.Get("X-Frame-Options"))
	}
	if d := cspDirectives(h.Get("Content-Security-Policy")); d["frame-ancestors"] != "'none'" {
		t.Errorf("%s: CSP %q has no frame-ancestors 'none'", what, h.Get("Content-Security-Policy"))
	}
}

// TestUIHeaders: the web UI's pages and assets carry a CSP that runs only
// the app's own scripts and cannot be framed.
func TestUIHeaders(t *testing.T) {
	t.Parallel()
	ui := fstest.MapFS{
		"index.html":       {Data: []byte(`<!doctype html><script type="module" src="/assets/index-abc.js"></script>`)},
		"assets/index.js":  {Data: []byte(`console.log(1)`)},
		"assets/index.css": {Data: []byte(`body{}`)},
	}
	h := api.NewRouter(api.Deps{UI: ui})
	for _, path := range []string{"/", "/approvals/123", "/assets/index.js", "/assets/index.css"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, w.Code)
		}
		checkCommonHeaders(t, path, w.Header())
		d := cspDirectives(w.Header().Get("Content-Security-Policy"))
		if d["script-src"] != "'self'" || d["default-src"] != "'self'" || d["base-uri"] != "'self'" || d["form-action"] != "'self'" {
			t.Errorf("%s: CSP %q", path, w.Header().Get("Content-Security-Policy"))
		}
	}
}

// TestAPIHeaders: API answers (JSON, errors, downloads) carry nosniff, the
// referrer policy and a CSP that loads and runs nothing; drive content keeps
// its own download sandbox and cannot be framed either.
func TestAPIHeaders(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		for _, c := range []struct {
			path, token string
			status      int
		}{
			{"/api/v1/me", admin, 200},
			{"/api/v1/me", "", 401},
			{"/api/v1/nope", admin, 404},
			{"/api/v1/healthz", "", 200},
		} {
			r := e.Do("GET", c.path, c.token, nil)
			if r.Status != c.status {
				t.Fatalf("%s: %d", c.path, r.Status)
			}
			checkCommonHeaders(t, c.path, r.Header)
			if d := cspDirectives(r.Header.Get("Content-Security-Policy")); d["default-src"] != "'none'" || d["sandbox"] != "allow-downloads" {
				t.Errorf("%s: CSP %q", c.path, r.Header.Get("Content-Security-Policy"))
			}
		}

		var spaces struct {
			Items []struct {
				Kind   string `json:"kind"`
				RootID string `json:"root_id"`
			}
		}
		e.Must(200, "GET", "/api/v1/drive/spaces", admin, nil).JSON(t, &spaces)
		root := ""
		for _, s := range spaces.Items {
			if s.Kind == "personal" {
				root = s.RootID
			}
		}
		req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/drive/files?parent_id="+root+"&name=a.png", strings.NewReader("not really a png"))
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := e.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var f struct{ ID string }
		if err := json.NewDecoder(resp.Body).Decode(&f); err != nil || resp.StatusCode != 201 {
			t.Fatalf("upload: %d %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		for _, q := range []string{"", "?inline=1"} {
			r := e.Do("GET", "/api/v1/drive/files/"+f.ID+"/content"+q, admin, nil)
			if r.Status != 200 || string(r.Body) != "not really a png" {
				t.Fatalf("content%s: %d %q", q, r.Status, r.Body)
			}
			checkCommonHeaders(t, "content"+q, r.Header)
			d := cspDirectives(r.Header.Get("Content-Security-Policy"))
			if _, ok := d["sandbox"]; !ok || d["sandbox"] != "allow-downloads" {
				t.Errorf("content%s: CSP %q, want the download sandbox", q, r.Header.Get("Content-Security-Policy"))
			}
		}
	})
}

// TestNULInTheAddressRefused: a NUL in the path or query never reaches a
// query (PostgreSQL answered 500 to one).
func TestNULInTheAddressRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		for _, p := range []string{"/api/v1/drive/search?q=a%00b", "/api/v1/users/x%00y", "/api/v1/approvals?box=mine&cursor=%00"} {
			r := e.Do("GET", p, admin, nil)
			if code, key, _ := r.ErrorCode(); r.Status != http.StatusBadRequest || code != "invalid" || key != "invalid_text" {
				t.Errorf("%s: %d %s, want 400 invalid_text", p, r.Status, r.Body)
			}
		}
	})
}
