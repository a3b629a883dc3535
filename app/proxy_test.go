package app

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestProxyForwardsAPIWithCookieJar(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/auth/login":
			http.SetCookie(w, &http.Cookie{Name: "tack_session", Value: "s1", Path: "/", HttpOnly: true})
			io.WriteString(w, `{"ok":true}`)
		case "/api/v1/me":
			c, err := r.Cookie("tack_session")
			if err != nil || c.Value != "s1" {
				w.WriteHeader(401)
				return
			}
			io.WriteString(w, r.URL.RawQuery+"|"+r.Header.Get("X-Tack-Request"))
		}
	}))
	defer upstream.Close()
	p := NewProxy(indexHandler(nil))
	u, _ := url.Parse(upstream.URL)
	p.SetTarget(u)
	front := httptest.NewServer(p)
	defer front.Close()

	resp, err := http.Post(front.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Cookies()) != 0 {
		t.Fatalf("Set-Cookie leaked to the webview: %v", resp.Cookies())
	}
	resp.Body.Close()
	req, _ := http.NewRequest("GET", front.URL+"/api/v1/me?x=1", nil)
	req.Header.Set("X-Tack-Request", "1")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "x=1|1" {
		t.Fatalf("me via jar: %d %q", resp.StatusCode, b)
	}

	// A new target gets a fresh jar: the session does not follow.
	p.SetTarget(u)
	resp, _ = http.Get(front.URL + "/api/v1/me")
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("after retarget: %d, want 401", resp.StatusCode)
	}
}

func TestProxyNotConnectedAndIndex(t *testing.T) {
	p := NewProxy(indexHandler(nil))
	front := httptest.NewServer(p)
	defer front.Close()
	resp, _ := http.Get(front.URL + "/api/v1/me")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(b), "desktop.not_connected") {
		t.Fatalf("got %d %s", resp.StatusCode, b)
	}
	resp, _ = http.Get(front.URL + "/desktop/connect")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<html") {
		t.Fatalf("index: %d %s", resp.StatusCode, b)
	}
}

func TestProxyStreamsSSE(t *testing.T) {
	release := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "id: 1\nevent: ding.received\ndata: {}\n\n")
		w.(http.Flusher).Flush()
		<-release // the first event must arrive before the handler ends
	}))
	defer upstream.Close()
	defer close(release)
	p := proxyTo(t, upstream.URL)
	front := httptest.NewServer(p)
	defer front.Close()
	resp, err := http.Get(front.URL + "/api/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		if line != "id: 1\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("event was buffered, not streamed")
	}
}

// proxyTo is a window proxy forwarding to the server at rawURL.
func proxyTo(t *testing.T, rawURL string) *Proxy {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	p := NewProxy(nil)
	p.SetTarget(u)
	return p
}

// The server gzips large answers for a client that accepts gzip; the window
// must still get plain bytes, since a webview's custom-scheme response is not
// decoded like a network one.
func TestProxyDecodesCompressedAnswers(t *testing.T) {
	body := strings.Repeat(`{"name":"张三"},`, 200)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, body)
		zw.Close()
	}))
	defer upstream.Close()
	p := NewProxy(indexHandler(nil))
	u, _ := url.Parse(upstream.URL)
	p.SetTarget(u)
	req := httptest.NewRequest("GET", "/api/v1/users", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != body {
		t.Fatalf("window got encoding %q and %d bytes, want plain %d bytes", rec.Header().Get("Content-Encoding"), rec.Body.Len(), len(body))
	}
}
