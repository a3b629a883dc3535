package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"tack/backend/drive"
	"tack/backend/drive/chunker"
	"tack/backend/server/servertest"
)

// The content-addressed case of the authorization sweep: chunks are stored
// once server-wide, so an upload that claims a hash must never stand in for
// bytes the caller could not read. Bob learns the hashes of alice's files
// (they show in listings, the change feed, ETags, the desktop index) and
// tries every upload path claiming them; he must have to send the bytes,
// and never obtain her content without them. A file he can read (or could,
// until a share was revoked) deduplicates only while he can read it.
func TestAuthzContentAddressed(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := newContentWorld(t, e)

		// Alice's private files: one chunk (the chunk hash is the file's
		// hash) and several chunks.
		small := caRandom(1, 12<<10) // under chunker.MinSize (16 KiB): always one chunk
		big := caRandom(2, 3<<20)
		smallF := c.put(c.aliceT, c.aliceRoot, "salary.xlsx", small)
		bigF := c.put(c.aliceT, c.aliceRoot, "contract.pdf", big)
		for _, f := range []drive.Entry{smallF, bigF} {
			if r := e.Do("GET", "/api/v1/drive/files/"+f.ID+"/content", c.bobT, nil); r.Status != http.StatusNotFound {
				t.Fatalf("bob reads alice's private file: %d", r.Status)
			}
		}
		for name, data := range map[string][]byte{"one chunk": small, "many chunks": big} {
			p := caPlan(t, data)
			// Chunked upload of a new file claiming her chunks.
			st := c.start(c.bobT, p, map[string]any{"parent_id": c.bobRoot, "name": "stolen.bin"})
			if len(st.Missing) != len(caDistinct(p)) {
				t.Fatalf("%s: bob was told %d of %d chunks are present", name, len(caDistinct(p))-len(st.Missing), len(caDistinct(p)))
			}
			wantErr(t, e.Do("POST", "/api/v1/drive/uploads/"+st.ID+"/commit", c.bobT, nil), http.StatusConflict, "drive.chunks_missing")
			// Other bytes under her hash are refused.
			wantErr(t, c.raw("PUT", "/api/v1/drive/uploads/"+st.ID+"/chunks/"+p.chunks[0].Hash, c.bobT, make([]byte, p.chunks[0].Size)),
				http.StatusBadRequest, "drive.bad_chunk")
			var again drive.UploadState
			e.Must(http.StatusOK, "GET", "/api/v1/drive/uploads/"+st.ID, c.bobT, nil).JSON(t, &again)
			if len(again.Missing) != len(st.Missing) {
				t.Fatalf("%s: status after a bad chunk: %d missing, want %d", name, len(again.Missing), len(st.Missing))
			}
			// A new version of his own file claiming her chunks.
			own := c.put(c.bobT, c.bobRoot, "own-"+name+".bin", []byte("bob's"))
			st2 := c.start(c.bobT, p, map[string]any{"entry_id": own.ID, "base_version": own.Version})
			if len(st2.Missing) != len(caDistinct(p)) {
				t.Fatalf("%s: new version: %d missing, want %d", name, len(st2.Missing), len(caDistinct(p)))
			}
			wantErr(t, e.Do("POST", "/api/v1/drive/uploads/"+st2.ID+"/commit", c.bobT, nil), http.StatusConflict, "drive.chunks_missing")
			// A batch upload announcing her size and hash with other bytes
			// (nothing, or zeros) stores nothing.
			res := c.batch(c.bobT, []map[string]any{
				{"parent_id": c.bobRoot, "name": "b1.bin", "size": len(data), "hash": p.hash},
				{"parent_id": c.bobRoot, "name": "b2.bin", "size": len(data), "hash": p.hash},
			}, [][]byte{nil, make([]byte, len(data))})
			for i, it := range res {
				if it.Status != http.StatusBadRequest || it.Entry != nil {
					t.Fatalf("%s: batch item %d: %+v", name, i, it)
				}
			}
			// A single upload stores what was sent, never her content.
			if f := c.put(c.bobT, c.bobRoot, "single-"+name+".bin", append([]byte("bob:"), data[:1000]...)); f.Hash == p.hash {
				t.Fatalf("%s: single upload took her hash", name)
			}
		}
		c.noneOfAlices(t, small, big)

		// Sending the bytes works, and the store keeps one copy.
		chunksBefore := c.chunkFiles(t)
		p := caPlan(t, small)
		st := c.start(c.bobT, p, map[string]any{"parent_id": c.bobRoot, "name": "my-copy.xlsx"})
		if r := c.raw("PUT", "/api/v1/drive/uploads/"+st.ID+"/chunks/"+p.chunks[0].Hash, c.bobT, small); r.Status != http.StatusNoContent {
			t.Fatalf("bob sends the bytes: %d %s", r.Status, r.Body)
		}
		// What he sent counts for him in his other open uploads.
		if st2 := c.start(c.bobT, p, map[string]any{"parent_id": c.bobRoot, "name": "my-copy-2.xlsx"}); len(st2.Missing) != 0 {
			t.Fatalf("chunks bob sent are missing again: %v", st2.Missing)
		}
		var mine drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", c.bobT, nil).JSON(t, &mine)
		if r := e.Must(http.StatusOK, "GET", "/api/v1/drive/files/"+mine.ID+"/content", c.bobT, nil); !bytes.Equal(r.Body, small) {
			t.Fatal("bob's own copy has other content")
		}
		if n := c.chunkFiles(t); n != chunksBefore {
			t.Fatalf("the duplicate was stored again: %d chunk files, was %d", n, chunksBefore)
		}

		// Shared, then revoked: dedup while he can read it, not after.
		pb := caPlan(t, big)
		var g drive.Permission
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+bigF.ID+"/permissions", c.aliceT,
			map[string]any{"principal_type": "user", "principal_id": c.bobID, "role": "viewer"}).JSON(t, &g)
		open := c.start(c.bobT, pb, map[string]any{"parent_id": c.bobRoot, "name": "shared-copy.pdf"})
		if len(open.Missing) != 0 {
			t.Fatalf("a file bob can read is not deduplicated: %d missing", len(open.Missing))
		}
		e.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+bigF.ID+"/permissions/"+g.ID, c.aliceT, nil)
		wantErr(t, e.Do("POST", "/api/v1/drive/uploads/"+open.ID+"/commit", c.bobT, nil), http.StatusConflict, "drive.chunks_missing")
		if st := c.start(c.bobT, pb, map[string]any{"parent_id": c.bobRoot, "name": "after-revoke.pdf"}); len(st.Missing) != len(caDistinct(pb)) {
			t.Fatalf("after the revoke: %d of %d missing", len(st.Missing), len(caDistinct(pb)))
		}
		c.noneOfAlices(t, big) // small: he sent its bytes himself above

		// What he may read through the org deduplicates: the company space
		// (everyone), his department's space, a grant on a folder higher up.
		company := c.space(c.adminT, drive.SpaceCompany)
		pub := caRandom(3, 300<<10)
		c.put(c.adminT, company.RootID, "handbook.pdf", pub)
		dept := c.space(c.carolT, drive.SpaceDepartment)
		deptData := caRandom(4, 50<<10)
		c.put(c.carolT, dept.RootID, "plan.txt", deptData)
		var outer, inner drive.Entry
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", c.aliceT, map[string]string{"parent_id": c.aliceRoot, "name": "Projects"}).JSON(t, &outer)
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", c.aliceT, map[string]string{"parent_id": outer.ID, "name": "Q3"}).JSON(t, &inner)
		deep := caRandom(5, 20<<10)
		c.put(c.aliceT, inner.ID, "deep.txt", deep)
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+outer.ID+"/permissions", c.aliceT,
			map[string]any{"principal_type": "department", "principal_id": c.deptB, "role": "viewer"})
		for name, data := range map[string][]byte{"company": pub, "department": deptData, "granted folder": deep} {
			p := caPlan(t, data)
			if st := c.start(c.bobT, p, map[string]any{"parent_id": c.bobRoot, "name": "dedup-" + name}); len(st.Missing) != 0 {
				t.Errorf("%s: bob can read it, yet %d chunks are missing", name, len(st.Missing))
			}
		}
		// The department's file is not readable to alice (another department).
		if st := c.start(c.aliceT, caPlan(t, deptData), map[string]any{"parent_id": c.aliceRoot, "name": "x"}); len(st.Missing) != 1 {
			t.Errorf("alice deduplicates department B's file: %v", st.Missing)
		}
	})
}

// contentWorld: alice (department A), bob and carol (department B).
type contentWorld struct {
	e                        *servertest.Env
	adminT, aliceT, bobT     string
	carolT, aliceRoot, deptB string
	bobRoot, bobID           string
}

func newContentWorld(t *testing.T, e *servertest.Env) *contentWorld {
	c := &contentWorld{e: e}
	c.adminT, _ = e.Setup()
	a := e.NewDepartment(c.adminT, "A", "", nil)
	b := e.NewDepartment(c.adminT, "B", "", nil)
	c.deptB = b.ID
	_, c.aliceT = e.NewUser(c.adminT, a.ID)
	bob, bobT := e.NewUser(c.adminT, b.ID)
	c.bobID, c.bobT = bob.ID, bobT
	_, c.carolT = e.NewUser(c.adminT, b.ID)
	c.aliceRoot = c.space(c.aliceT, drive.SpacePersonal).RootID
	c.bobRoot = c.space(c.bobT, drive.SpacePersonal).RootID
	return c
}

func (c *contentWorld) space(tok, kind string) drive.Space {
	c.e.T.Helper()
	var page struct{ Items []drive.Space }
	c.e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(c.e.T, &page)
	for _, s := range page.Items {
		if s.Kind == kind && s.Role != "" {
			return s
		}
	}
	c.e.T.Fatalf("no %s space", kind)
	return drive.Space{}
}

func (c *contentWorld) raw(method, path, tok string, body []byte) servertest.Response {
	c.e.T.Helper()
	req, err := http.NewRequest(method, c.e.HTTP.URL+path, bytes.NewReader(body))
	if err != nil {
		c.e.T.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.e.HTTP.Client().Do(req)
	if err != nil {
		c.e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return servertest.Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

func (c *contentWorld) put(tok, parent, name string, data []byte) drive.Entry {
	c.e.T.Helper()
	q := url.Values{"parent_id": {parent}, "name": {name}}
	r := c.raw("POST", "/api/v1/drive/files?"+q.Encode(), tok, data)
	if r.Status != http.StatusCreated {
		c.e.T.Fatalf("upload %s: %d %s", name, r.Status, r.Body)
	}
	var f drive.Entry
	r.JSON(c.e.T, &f)
	return f
}

func (c *contentWorld) start(tok string, p caUpload, target map[string]any) drive.UploadState {
	c.e.T.Helper()
	body := map[string]any{"size": p.size, "hash": p.hash, "chunks": p.req}
	for k, v := range target {
		body[k] = v
	}
	var st drive.UploadState
	c.e.Must(http.StatusCreated, "POST", "/api/v1/drive/uploads", tok, body).JSON(c.e.T, &st)
	return st
}

type caBatchItem struct {
	Status int             `json:"status"`
	Entry  json.RawMessage `json:"entry"`
}

func (c *contentWorld) batch(tok string, items []map[string]any, parts [][]byte) []caBatchItem {
	c.e.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	manifest, _ := json.Marshal(map[string]any{"items": items})
	_ = mw.WriteField("manifest", string(manifest))
	for i, p := range parts {
		w, _ := mw.CreateFormFile("file", fmt.Sprint(i))
		_, _ = w.Write(p)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.e.HTTP.URL+"/api/v1/drive/files/batch", &body)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.e.HTTP.Client().Do(req)
	if err != nil {
		c.e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ans struct{ Items []caBatchItem }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &ans) != nil {
		c.e.T.Fatalf("batch: %d %s", resp.StatusCode, b)
	}
	return ans.Items
}

// noneOfAlices checks nothing bob can read holds alice's content.
func (c *contentWorld) noneOfAlices(t *testing.T, contents ...[]byte) {
	t.Helper()
	var page struct{ Items []drive.Change }
	sp := c.space(c.bobT, drive.SpacePersonal)
	c.e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces/"+sp.ID+"/changes?cursor=", c.bobT, nil).JSON(t, &page)
	for _, ch := range page.Items {
		for _, data := range contents {
			sum := sha256.Sum256(data)
			if ch.Entry.Hash == hex.EncodeToString(sum[:]) {
				t.Fatalf("bob's %q has alice's content", ch.Entry.Name)
			}
		}
	}
}

func (c *contentWorld) chunkFiles(t *testing.T) int {
	t.Helper()
	n := 0
	if err := c.e.Server.Drive.Blobs().Walk(func(string, int64, time.Time) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// caUpload is a content chunked as the sync agent does.
type caUpload struct {
	size   int
	hash   string
	chunks []chunker.Chunk
	req    []drive.UploadChunk
}

func caPlan(t *testing.T, data []byte) caUpload {
	t.Helper()
	sum := sha256.Sum256(data)
	p := caUpload{size: len(data), hash: hex.EncodeToString(sum[:])}
	if err := chunker.Split(bytes.NewReader(data), func(ch chunker.Chunk) error {
		p.chunks = append(p.chunks, ch)
		p.req = append(p.req, drive.UploadChunk{Hash: ch.Hash, Size: ch.Size})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func caDistinct(p caUpload) map[string]bool {
	out := map[string]bool{}
	for _, ch := range p.chunks {
		out[ch.Hash] = true
	}
	return out
}

func caRandom(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func wantErr(t *testing.T, r servertest.Response, status int, key string) {
	t.Helper()
	if _, k, _ := r.ErrorCode(); r.Status != status || k != key {
		t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, status, key)
	}
}
