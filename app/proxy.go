package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"

	"tack/backend/api"
)

// Proxy is the AssetServer Handler: it forwards /api/ to the server in use
// (remote team server or embedded workspace) with its own cookie jar, because
// the webview's custom scheme may not keep cookies, and streams responses
// (flushing each write) so SSE works. Other paths get the SPA's index.html.
type Proxy struct {
	mu     sync.RWMutex
	target *url.URL
	client *http.Client
	Index  http.Handler // serves the UI for non-API paths (SPA fallback)
	Log    bool         // log each forwarded request (TACK_DESKTOP_LOG_API=1; the smoke test checks it)
}

// NewProxy returns a proxy with no target (API calls answer 503).
func NewProxy(index http.Handler) *Proxy {
	jar, _ := cookiejar.New(nil)
	return &Proxy{
		client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Index:  index,
	}
}

// SetTarget points the proxy at base (e.g. http://127.0.0.1:1234); nil disconnects.
// A new target gets a fresh cookie jar so sessions never leak between servers.
func (p *Proxy) SetTarget(base *url.URL) {
	jar, _ := cookiejar.New(nil)
	p.mu.Lock()
	p.target = base
	p.client.Jar = jar
	p.mu.Unlock()
}

// Target is the current server, or nil.
func (p *Proxy) Target() *url.URL {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.target
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		if p.Index != nil {
			p.Index.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
		return
	}
	p.mu.RLock()
	target, client := p.target, p.client
	p.mu.RUnlock()
	if target == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":{"code":"unavailable","key":"desktop.not_connected","message":"no server is configured"}}`)
		return
	}
	u := *target
	u.Path = strings.TrimSuffix(target.Path, "/") + r.URL.Path
	u.RawQuery = r.URL.RawQuery
	var body io.Reader = r.Body
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Body == nil {
		body = http.NoBody // never send a chunked empty body upstream
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out.ContentLength = r.ContentLength
	for k, vs := range r.Header {
		// Accept-Encoding stays behind: the server gzips large answers, and the
		// webview's custom-scheme response is not decoded the way a network one
		// is. Without it the client's transport asks for gzip and decodes.
		if k == "Cookie" || k == "Host" || k == "Origin" || k == "Referer" || k == "Accept-Encoding" {
			continue
		}
		// Forwarding headers never come from the window: the server must see
		// this computer's own address (the office-network punch decides by
		// it), not one the page wrote.
		if forwardingHeader(k) {
			continue
		}
		out.Header[k] = vs
	}
	resp, err := client.Do(out)
	if err != nil {
		if p.Log { // the desktop chat-search suite reads what the window asked while the server was down
			slog.Info("desktop: api", "method", r.Method, "path", r.URL.Path, "status", http.StatusBadGateway, "query", r.URL.RawQuery, "err", "unreachable")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, `{"error":{"code":"unavailable","key":"desktop.server_unreachable","message":"the server cannot be reached"}}`)
		return
	}
	defer resp.Body.Close()
	if p.Log {
		slog.Info("desktop: api", "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode, "query", r.URL.RawQuery)
	}
	for k, vs := range resp.Header {
		if dropHeaders[k] {
			continue
		}
		w.Header()[k] = vs
	}
	confine(w.Header(), resp)
	w.WriteHeader(resp.StatusCode)
	stream(w, resp.Body)
}

// forwardingHeader names the headers that say who the client is
// (X-Forwarded-*, Forwarded, X-Real-IP, ...).
func forwardingHeader(k string) bool {
	k = http.CanonicalHeaderKey(k)
	return strings.HasPrefix(k, "X-Forwarded-") || k == "Forwarded" || k == "X-Real-Ip" || k == "True-Client-Ip" || k == "X-Client-Ip" || k == "Cf-Connecting-Ip"
}

// stream copies body to w, flushing after every read so events arrive live.
func stream(w http.ResponseWriter, body io.Reader) {
	f, _ := w.(http.Flusher)
	buf := make([]byte, 32*1024)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}

// Session is the server in use and the window's session token there ("" when
// signed out): the sync engine acts with the same session as the window.
func (p *Proxy) Session() (*url.URL, string) {
	p.mu.RLock()
	target, jar := p.target, p.client.Jar
	p.mu.RUnlock()
	if target == nil || jar == nil {
		return nil, ""
	}
	for _, c := range jar.Cookies(target) {
		if c.Name == api.SessionCookie && c.Value != "" {
			return target, c.Value
		}
	}
	return target, ""
}

// Do sends a request of the desktop itself (events, counts) to the server in
// use with the same cookie jar as the window, so it acts as the signed-in user.
func (p *Proxy) Do(ctx context.Context, method, path string) (*http.Response, error) {
	p.mu.RLock()
	target, client := p.target, p.client
	p.mu.RUnlock()
	if target == nil {
		return nil, errNotConnected
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(target.String(), "/")+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Tack-Request", "1")
	return client.Do(req)
}
