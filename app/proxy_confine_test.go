package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestProxyConfinesWhatAServerAnswers: a malicious server answers the
// window's /api requests with a script page, an inline PDF, redirects to
// another site and headers that would re-police the window's origin. Through
// the proxy only JSON and the event stream stay readable as such; everything
// else is a sandboxed attachment, and redirects leave /api/ never.
func TestProxyConfinesWhatAServerAnswers(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "script-src *")
		h.Set("Refresh", "0; url=https://evil.example/")
		h.Set("Access-Control-Allow-Origin", "*")
		switch r.URL.Path {
		case "/api/v1/page":
			h.Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<script>window.go.app.Sync.AddPair({local_path:"/home/li"})</script>`)
		case "/api/v1/nosniff":
			io.WriteString(w, `<html><script>alert(1)</script>`) // no type: the webview would sniff HTML
		case "/api/v1/pdf":
			h.Set("Content-Type", "application/pdf")
			h.Set("Content-Disposition", `inline; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`)
			io.WriteString(w, "%PDF-1.7")
		case "/api/v1/json":
			h.Set("Content-Type", "application/json; charset=utf-8")
			io.WriteString(w, `{"ok":true}`)
		case "/api/v1/events":
			h.Set("Content-Type", "text/event-stream")
			io.WriteString(w, "id: 1\n\n")
		case "/api/v1/away":
			http.Redirect(w, r, "https://evil.example/login", http.StatusFound)
		case "/api/v1/home":
			http.Redirect(w, r, "/", http.StatusFound)
		case "/api/v1/moved":
			http.Redirect(w, r, "/api/v1/json", http.StatusFound)
		}
	}))
	defer upstream.Close()
	p := NewProxy(indexHandler(nil))
	u, _ := url.Parse(upstream.URL)
	p.SetTarget(u)
	front := httptest.NewServer(p)
	defer front.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, c := range []struct {
		path, disposition, location string
	}{
		{"/api/v1/page", "attachment", ""},
		{"/api/v1/nosniff", "attachment", ""},
		{"/api/v1/pdf", "attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf", ""},
		{"/api/v1/json", "", ""},
		{"/api/v1/events", "", ""},
		{"/api/v1/away", "attachment", ""},
		{"/api/v1/home", "attachment", ""},
		{"/api/v1/moved", "attachment", "/api/v1/json"},
	} {
		resp, err := client.Get(front.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if got := h.Get("Content-Disposition"); got != c.disposition {
			t.Errorf("%s: Content-Disposition %q, want %q", c.path, got, c.disposition)
		}
		if got := h.Values("Content-Security-Policy"); len(got) != 1 || got[0] != "sandbox; default-src 'none'" {
			t.Errorf("%s: Content-Security-Policy %q", c.path, got)
		}
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", c.path, got)
		}
		if got := h.Get("Location"); got != c.location {
			t.Errorf("%s: Location %q, want %q", c.path, got, c.location)
		}
		for _, k := range []string{"Refresh", "Access-Control-Allow-Origin"} {
			if h.Get(k) != "" {
				t.Errorf("%s: %s passed through: %q", c.path, k, h.Get(k))
			}
		}
	}
}
