package drive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"

	"tack/backend/drive"
	"tack/backend/drive/chunker"
	"tack/backend/server/servertest"
)

// env is a running server with an administrator.
type env struct {
	*servertest.Env
	t     *testing.T
	admin string
}

func newEnv(t *testing.T, e *servertest.Env) *env {
	tok, _ := e.Setup()
	return &env{Env: e, t: t, admin: tok}
}

// spaces returns the caller's spaces by kind (department spaces by name).
func (e *env) spaces(tok string) map[string]drive.Space {
	e.t.Helper()
	var page struct{ Items []drive.Space }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(e.t, &page)
	out := map[string]drive.Space{}
	for _, s := range page.Items {
		key := s.Kind
		if s.Kind == drive.SpaceDepartment || s.Kind == drive.SpaceProject {
			key = s.Kind + ":" + s.Name
		}
		out[key] = s
	}
	return out
}

func (e *env) mkdir(tok, parent, name string) drive.Entry {
	e.t.Helper()
	var f drive.Entry
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", tok, map[string]string{"parent_id": parent, "name": name}).JSON(e.t, &f)
	return f
}

// raw sends a request with a raw body and headers.
func (e *env) raw(method, path, tok string, body []byte, hdr map[string]string) servertest.Response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.HTTP.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return servertest.Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// put uploads a new small file in one request.
func (e *env) put(tok, parent, name string, data []byte) (drive.Entry, servertest.Response) {
	e.t.Helper()
	q := url.Values{"parent_id": {parent}, "name": {name}}
	r := e.raw("POST", "/api/v1/drive/files?"+q.Encode(), tok, data, map[string]string{"Content-Type": "application/octet-stream"})
	var f drive.Entry
	if r.Status == http.StatusCreated {
		r.JSON(e.t, &f)
	}
	return f, r
}

func (e *env) mustPut(tok, parent, name string, data []byte) drive.Entry {
	e.t.Helper()
	f, r := e.put(tok, parent, name, data)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("upload %s: %d %s", name, r.Status, r.Body)
	}
	return f
}

func (e *env) get(tok, id string, version int64) servertest.Response {
	e.t.Helper()
	p := "/api/v1/drive/files/" + id + "/content"
	if version > 0 {
		p += fmt.Sprintf("?version=%d", version)
	}
	return e.raw("GET", p, tok, nil, nil)
}

// plan chunks data as the sync agent does.
type plan struct {
	req    drive.UploadRequest
	chunks []chunker.Chunk
	data   []byte
}

func planOf(t *testing.T, data []byte) plan {
	t.Helper()
	p := plan{data: data}
	if err := chunker.Split(bytes.NewReader(data), func(c chunker.Chunk) error {
		p.chunks = append(p.chunks, c)
		p.req.Chunks = append(p.req.Chunks, drive.UploadChunk{Hash: c.Hash, Size: c.Size})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	p.req.Size, p.req.Hash = int64(len(data)), hex.EncodeToString(sum[:])
	return p
}

func (p plan) bytesOf(hash string) []byte {
	for _, c := range p.chunks {
		if c.Hash == hash {
			return p.data[c.Offset : c.Offset+int64(c.Size)]
		}
	}
	return nil
}

// start opens an upload session.
func (e *env) start(tok string, p plan) drive.UploadState {
	e.t.Helper()
	var st drive.UploadState
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/uploads", tok, p.req).JSON(e.t, &st)
	return st
}

func (e *env) putChunk(tok, upload string, p plan, hash string) servertest.Response {
	return e.raw("PUT", "/api/v1/drive/uploads/"+upload+"/chunks/"+hash, tok, p.bytesOf(hash), map[string]string{"Content-Type": "application/octet-stream"})
}

// chunked uploads p through the chunked protocol and returns the entry
// and how many chunks were sent.
func (e *env) chunked(tok string, p plan) (drive.Entry, int) {
	e.t.Helper()
	st := e.start(tok, p)
	for _, h := range st.Missing {
		if r := e.putChunk(tok, st.ID, p, h); r.Status != http.StatusNoContent {
			e.t.Fatalf("put chunk: %d %s", r.Status, r.Body)
		}
	}
	var f drive.Entry
	e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", tok, nil).JSON(e.t, &f)
	return f, len(st.Missing)
}

// randomData is deterministic pseudo-random content.
func randomData(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func key(t *testing.T, r servertest.Response) string {
	t.Helper()
	_, k, _ := r.ErrorCode()
	return k
}

func wantKey(t *testing.T, r servertest.Response, status int, k string) {
	t.Helper()
	if r.Status != status || key(t, r) != k {
		t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, status, k)
	}
}

func dispatch(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}
