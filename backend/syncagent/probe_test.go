package syncagent

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	gosync "sync"
)

// probe wraps a drive server (fake or real) to watch and steer the agent's
// traffic: it counts chunk PUTs and committed files, can hold chunk PUTs (to
// kill the agent mid-upload) and reports each commit.
type probe struct {
	next http.Handler

	mu       gosync.Mutex
	inflight gosync.WaitGroup // chunk PUTs and commits being handled
	puts     int
	files    int           // files committed (single requests, chunked commits and batch items)
	singles  int           // single-file requests that committed (POST drive/files, chunked commits)
	batches  int           // batch upload requests answered 200
	gate     chan struct{} // when set, each chunk PUT waits to receive from it
	dlGate   chan struct{} // when set, each download sends half its body, then waits
	onCommit func(name string)
	// loseBatches: how many batch answers to replace with a 502 after the
	// server has handled the batch (an answer lost on the way).
	loseBatches int
}

func (p *probe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	isChunk := r.Method == "PUT" && strings.Contains(path, "/api/v1/drive/uploads/") && strings.Contains(path, "/chunks/")
	// A batch of chunks (POST .../chunks) is gated as one request and
	// counts as the chunks it carries.
	frames := 1
	if r.Method == "POST" && strings.HasPrefix(path, "/api/v1/drive/uploads/") && strings.HasSuffix(path, "/chunks") {
		isChunk = true
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		frames = 0
		for off := 0; off+chunkFrameHeader <= len(raw); frames++ {
			off += chunkFrameHeader + int(binary.BigEndian.Uint32(raw[off+sha256.Size:]))
		}
	}
	isBatch := r.Method == "POST" && path == "/api/v1/drive/files/batch"
	isCommit := isBatch || r.Method == "POST" && (strings.HasSuffix(path, "/commit") || path == "/api/v1/drive/files")
	if isChunk || isCommit {
		p.inflight.Add(1)
		defer p.inflight.Done()
	}
	if isChunk {
		p.mu.Lock()
		gate := p.gate
		p.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
	}
	isDownload := r.Method == "GET" && strings.HasSuffix(path, "/content")
	p.mu.Lock()
	dlGate := p.dlGate
	p.mu.Unlock()
	if isDownload && dlGate != nil {
		rec := httptest.NewRecorder()
		p.next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		select {
		case <-dlGate:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write(body[len(body)/2:])
		return
	}
	if !isChunk && !isCommit {
		p.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	p.next.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	body := rec.Body.Bytes()
	p.mu.Lock()
	defer p.mu.Unlock()
	if isBatch && rec.Code == http.StatusOK && p.loseBatches > 0 {
		p.loseBatches--
		w.WriteHeader(http.StatusBadGateway)
	} else {
		w.WriteHeader(rec.Code)
		_, _ = io.Copy(w, bytes.NewReader(body))
	}
	if rec.Code >= 300 {
		return
	}
	// The server gzips larger JSON answers for clients that accept it (the
	// agent's transport does): the probe reads what the agent reads.
	if rec.Header().Get("Content-Encoding") == "gzip" {
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			body, _ = io.ReadAll(zr)
		}
	}
	if isChunk {
		p.puts += frames
		return
	}
	var stored []Entry
	if isBatch {
		p.batches++
		var out struct{ Items []BatchResult }
		_ = json.Unmarshal(body, &out)
		for _, it := range out.Items {
			if it.Entry != nil && !it.Unchanged {
				stored = append(stored, *it.Entry)
			}
		}
	} else {
		p.singles++
		var e Entry
		_ = json.Unmarshal(body, &e)
		stored = append(stored, e)
	}
	p.files += len(stored)
	if p.onCommit != nil {
		for _, e := range stored {
			p.onCommit(e.Name)
		}
	}
}

// requests counts the single-file upload requests and the batch requests
// that stored something.
func (p *probe) requests() (singles, batches int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.singles, p.batches
}

func (p *probe) counts() (puts, files int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.puts, p.files
}

// settle waits until no chunk PUT or commit is being handled. A killed
// agent's last PUT or batch may still be finishing on the server (its handler does not stop with
// the client); counts taken before it ends, or a restart racing it, would
// see a chunk that is neither sent nor missing.
func (p *probe) settle() { p.inflight.Wait() }

func (p *probe) setGate(g chan struct{}) {
	p.mu.Lock()
	p.gate = g
	p.mu.Unlock()
}
