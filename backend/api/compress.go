package api

import (
	"bufio"
	"compress/gzip"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// minCompressSize is the body size below which gzip costs more than it
// saves (headers, a round of CPU): small JSON answers go out as they are.
const minCompressSize = 1024

// compressibleType reports whether a Content-Type is text worth gzipping.
// Event streams are text too but are excluded by the caller: compressing
// them would hold events back in the compressor's buffer.
func compressibleType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	switch {
	case ct == "text/event-stream":
		return false
	case strings.HasPrefix(ct, "text/"):
		return true
	}
	switch ct {
	case "application/json", "application/javascript", "application/xml",
		"image/svg+xml", "application/manifest+json", "application/wasm":
		return true
	}
	return false
}

// acceptsEncoding reports whether Accept-Encoding names enc with a non-zero q.
func acceptsEncoding(r *http.Request, enc string) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), enc) {
				continue
			}
			if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					return false
				}
			}
			return true
		}
	}
	return false
}

// gzipPool's writers compress at BestSpeed: on a 97 KB inbox page (200 rows)
// that costs 0.4 ms of CPU against 4.5 ms at the default level, for an answer
// 15 % larger (6.8 KB instead of 5.9 KB; bench/RESULTS.md, issue 14).
var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// compressed gzips text responses (the JSON API above all) of at least
// minCompressSize bytes for clients that accept gzip. It decides on the first
// minCompressSize bytes: a response that already has a Content-Encoding (the
// UI's pre-compressed files), a Content-Range or Accept-Ranges (downloads,
// which must stay seekable), a non-text type, or that is flushed before the
// threshold (the live event stream) is passed through untouched.
func compressed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || !acceptsEncoding(r, "gzip") {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{w: w}
		defer cw.finish()
		next.ServeHTTP(cw, r)
	})
}

type compressWriter struct {
	w       http.ResponseWriter
	status  int
	buf     []byte
	decided bool
	gz      *gzip.Writer
}

func (c *compressWriter) Header() http.Header { return c.w.Header() }

// Unwrap lets http.ResponseController reach the connection (deadlines, flush).
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.w }

func (c *compressWriter) WriteHeader(code int) {
	if c.status != 0 {
		return
	}
	c.status = code
	h := c.w.Header()
	// Informational and bodiless answers go straight through.
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified || !c.eligible(h) {
		c.decide(false)
	}
}

func (c *compressWriter) eligible(h http.Header) bool {
	return h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" &&
		h.Get("Accept-Ranges") == "" && compressibleType(h.Get("Content-Type"))
}

func (c *compressWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		if c.w.Header().Get("Content-Type") == "" {
			c.w.Header().Set("Content-Type", http.DetectContentType(p))
		}
		c.WriteHeader(http.StatusOK)
	}
	if c.decided {
		if c.gz != nil {
			return c.gz.Write(p)
		}
		return c.w.Write(p)
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= minCompressSize {
		c.decide(true)
	}
	return len(p), nil
}

// decide sends the header, with gzip when zip, and what was held back.
func (c *compressWriter) decide(zip bool) {
	if c.decided {
		return
	}
	c.decided = true
	h := c.w.Header()
	if c.status >= 200 && c.status != http.StatusNoContent && c.status != http.StatusNotModified && c.eligible(h) {
		h.Add("Vary", "Accept-Encoding")
	}
	if zip {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		c.gz = gzipPool.Get().(*gzip.Writer)
		c.gz.Reset(c.w)
	}
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.w.WriteHeader(c.status)
	if len(c.buf) > 0 {
		if c.gz != nil {
			_, _ = c.gz.Write(c.buf)
		} else {
			_, _ = c.w.Write(c.buf)
		}
		c.buf = nil
	}
}

// Flush before the threshold means the handler streams: stay identity.
func (c *compressWriter) Flush() {
	if !c.decided {
		c.decide(false)
	}
	if c.gz != nil {
		_ = c.gz.Flush()
	}
	if f, ok := c.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack is passed through for completeness (no route upgrades today).
func (c *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(c.w).Hijack()
}

func (c *compressWriter) finish() {
	if !c.decided {
		if c.status == 0 && len(c.buf) == 0 {
			return // the handler wrote nothing; net/http sends its 200
		}
		c.decide(false)
	}
	if c.gz != nil {
		_ = c.gz.Close()
		c.gz.Reset(nil)
		gzipPool.Put(c.gz)
		c.gz = nil
	}
}
