package api

import (
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// uiHandler serves the built single-page app: real files as they are, any
// other path as index.html so client-side routes survive a reload.
//
// The build (frontend/vite.config.ts) writes a .br and a .gz sibling next to
// every text asset; a client that accepts one gets it as is, so nothing is
// compressed per request. Hashed files under assets/ never change under
// their name and are cached for a year; index.html is revalidated every time
// so a new release is picked up at once. The same holds for the service
// worker (sw.js, scope /): the browser must see a new one at once.
func uiHandler(ui fs.FS) http.Handler {
	if ui == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("Tack: the web UI is not built into this binary. Run `make build` (or `npm --prefix frontend run build`) and rebuild.\n"))
		})
	}
	files := http.FileServerFS(ui)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p == "" {
			p = "index.html"
		}
		if st, err := fs.Stat(ui, p); err != nil || st.IsDir() {
			// Unknown path: the SPA router decides.
			p = "index.html"
		}
		if strings.HasPrefix(p, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		if servePrecompressed(w, r, ui, p) {
			return
		}
		if p == "index.html" {
			// FileServer redirects /index.html to /; ask for the root instead.
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/"
			files.ServeHTTP(w, r2)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// The web app manifest's type is in no default table; browsers accept it
// only as application/manifest+json (or JSON).
func init() { _ = mime.AddExtensionType(".webmanifest", "application/manifest+json") }

// precompressed are the encodings the build writes, best first.
var precompressed = []struct{ enc, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// servePrecompressed answers with p's .br or .gz sibling when the client
// accepts that encoding; false leaves the request to the plain file server.
// A Range request gets the identity file: byte ranges of a compressed body
// are of no use to a browser resuming a download.
func servePrecompressed(w http.ResponseWriter, r *http.Request, ui fs.FS, p string) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	ctype := mime.TypeByExtension(path.Ext(p))
	if !compressibleType(ctype) {
		return false
	}
	// The answer depends on Accept-Encoding whichever file is chosen.
	w.Header().Add("Vary", "Accept-Encoding")
	if r.Header.Get("Range") != "" {
		return false
	}
	for _, c := range precompressed {
		if !acceptsEncoding(r, c.enc) {
			continue
		}
		f, err := ui.Open(p + c.ext)
		if err != nil {
			continue
		}
		defer f.Close()
		st, err := f.Stat()
		rs, ok := f.(io.ReadSeeker)
		if err != nil || !ok {
			continue
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Encoding", c.enc)
		// Embedded files have no modification time: ServeContent then sends
		// no Last-Modified, and the hashed names do the caching.
		http.ServeContent(w, r, p, st.ModTime(), rs)
		return true
	}
	return false
}
