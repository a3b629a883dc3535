package api

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func uiFS(t *testing.T) (fstest.MapFS, []byte, []byte) {
	index := []byte("<!doctype html><html><body><div id=app></div>" + strings.Repeat("<!-- pad -->", 200) + "</body></html>")
	js := []byte(strings.Repeat("export const a = 'tack';\n", 400))
	return fstest.MapFS{
		"index.html":                {Data: index},
		"index.html.gz":             {Data: gz(t, index)},
		"index.html.br":             {Data: []byte("brotli-bytes-of-index")},
		"assets/index-AbC123.js":    {Data: js},
		"assets/index-AbC123.js.gz": {Data: gz(t, js)},
		"favicon.svg":               {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
	}, index, js
}

func get(h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// A client that accepts gzip gets the build's .gz sibling with the headers a
// cache needs; one that accepts nothing gets the same bytes uncompressed.
func TestUIServesPrecompressedAssets(t *testing.T) {
	fsys, _, js := uiFS(t)
	h := compressed(uiHandler(fsys))

	rec := get(h, "GET", "/assets/index-AbC123.js", map[string]string{"Accept-Encoding": "gzip, deflate"})
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d encoding %q, want 200 gzip", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if got := gunzip(t, rec.Body.Bytes()); !bytes.Equal(got, js) {
		t.Fatal("gzip body does not decode to the asset")
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Fatalf("Content-Type %q for a .js file", ct)
	}
	if v := rec.Header().Values("Vary"); len(v) != 1 || v[0] != "Accept-Encoding" {
		t.Fatalf("Vary %q, want exactly Accept-Encoding", v)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("hashed asset Cache-Control %q", cc)
	}

	rec = get(h, "GET", "/assets/index-AbC123.js", nil)
	if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), js) {
		t.Fatalf("no Accept-Encoding: encoding %q, body equal %v", rec.Header().Get("Content-Encoding"), bytes.Equal(rec.Body.Bytes(), js))
	}
	if rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatal("identity answer must still say Vary: Accept-Encoding")
	}

	// q=0 refuses an encoding.
	rec = get(h, "GET", "/assets/index-AbC123.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if rec.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip;q=0 still got gzip")
	}
}

// index.html (also for any client-side route) is revalidated every time, and
// brotli is preferred when both siblings exist and both are accepted.
func TestUIIndexNoCacheAndBrotli(t *testing.T) {
	fsys, index, _ := uiFS(t)
	h := compressed(uiHandler(fsys))
	for _, p := range []string{"/", "/approvals/42", "/index.html"} {
		rec := get(h, "GET", p, map[string]string{"Accept-Encoding": "gzip"})
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s: status %d Cache-Control %q, want 200 no-cache", p, rec.Code, rec.Header().Get("Cache-Control"))
		}
		if !bytes.Equal(gunzip(t, rec.Body.Bytes()), index) {
			t.Fatalf("%s: body is not index.html", p)
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: Content-Type %q", p, rec.Header().Get("Content-Type"))
		}
	}
	rec := get(h, "GET", "/", map[string]string{"Accept-Encoding": "gzip, br"})
	if rec.Header().Get("Content-Encoding") != "br" || rec.Body.String() != "brotli-bytes-of-index" {
		t.Fatalf("br accepted: encoding %q body %q", rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
	rec = get(h, "GET", "/", nil)
	if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), index) {
		t.Fatal("no Accept-Encoding must get index.html as is")
	}
}

// Range asks for bytes of the file itself; HEAD gets the headers only.
func TestUIRangeAndHead(t *testing.T) {
	fsys, _, js := uiFS(t)
	h := compressed(uiHandler(fsys))
	rec := get(h, "GET", "/assets/index-AbC123.js", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
	if rec.Code != http.StatusPartialContent || rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), js[:10]) {
		t.Fatalf("range: status %d encoding %q body %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
	rec = get(h, "HEAD", "/assets/index-AbC123.js", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Cache-Control") == "" {
		t.Fatalf("HEAD: status %d body %d bytes headers %v", rec.Code, rec.Body.Len(), rec.Header())
	}
	// A small file with no sibling goes out as it is.
	rec = get(h, "GET", "/favicon.svg", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("favicon: status %d encoding %q cache %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Cache-Control"))
	}
}

// JSON above the threshold is gzipped on the fly; small answers are not.
func TestAPIJSONGzippedAboveThreshold(t *testing.T) {
	big := []byte(`{"items":[` + strings.Repeat(`{"id":"0123456789","name":"张三"},`, 100) + `{}]}`)
	h := compressed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/small" {
			_, _ = w.Write([]byte(`{"ok":true}`))
			return
		}
		// Written in pieces, as json.Encoder may.
		_, _ = w.Write(big[:100])
		_, _ = w.Write(big[100:])
	}))
	rec := get(h, "GET", "/big", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("big JSON headers %v", rec.Header())
	}
	if !bytes.Equal(gunzip(t, rec.Body.Bytes()), big) {
		t.Fatal("gzip JSON does not decode to the same bytes")
	}
	rec = get(h, "GET", "/big", nil)
	if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), big) {
		t.Fatal("no Accept-Encoding must get identity JSON")
	}
	rec = get(h, "GET", "/small", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != `{"ok":true}` {
		t.Fatalf("small JSON: encoding %q body %q", rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
	// A download that is seekable stays identity so Range keeps working.
	dl := compressed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "a.txt", time.Time{}, bytes.NewReader(big))
	}))
	rec = get(dl, "GET", "/a.txt", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), big) {
		t.Fatal("ServeContent download was compressed")
	}
}

// An event stream is neither compressed nor held back: the first event
// arrives while the handler is still running.
func TestEventStreamNotCompressedOrBuffered(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(compressed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		_, _ = w.Write([]byte("data: one\n\n"))
		_ = http.NewResponseController(w).Flush()
		<-release
	})))
	defer srv.Close()
	defer close(release)
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("event stream encoded %q", resp.Header.Get("Content-Encoding"))
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "data: one\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
}

// The installable-app files: the service worker is revalidated on every
// visit (a stale worker would pin an old release) and served as itself, not
// as the SPA fallback; the manifest has the type browsers require.
func TestUIServiceWorkerAndManifest(t *testing.T) {
	sw := []byte("self.addEventListener('fetch', () => {})\n")
	fsys := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><div id=app></div>")},
		"sw.js":                {Data: sw},
		"manifest.webmanifest": {Data: []byte(`{"name":"Tack","display":"standalone"}`)},
	}
	h := compressed(uiHandler(fsys))
	rec := get(h, "GET", "/sw.js", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), sw) {
		t.Fatalf("sw.js: status %d body %q", rec.Code, rec.Body.String())
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Fatalf("sw.js Cache-Control %q, want no-cache", cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Fatalf("sw.js Content-Type %q", ct)
	}
	rec = get(h, "GET", "/manifest.webmanifest", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("manifest: status %d Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}
