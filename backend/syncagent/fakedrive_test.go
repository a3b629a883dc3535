package syncagent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// fakeDrive implements the drive protocol contract in memory, for the
// engine's end-to-end tests while (and in addition to) the real server's
// tests. Tokens map to display names; names are unique case-insensitively
// among live siblings, as on the real drive.
type fakeDrive struct {
	mu       gosync.Mutex
	cond     *gosync.Cond
	seq      int64
	nextID   int
	entries  map[string]*Entry
	byParent map[string][]*Entry // parent ID → children (stale after moves; check ParentID)
	content  map[string][]string // entry ID → chunk hashes of the current content
	chunks   map[string][]byte
	uploads  map[string]*fakeUpload
	log      []Change
	users    map[string]string // token → display name
	space    string
	root     string
	srv      *httptest.Server
	probe    *probe
	// blockChunks, when set, holds every chunk PUT until it can receive (to
	// stop the agent mid-upload).
	blockChunks chan struct{}
	// noBatch plays a server from before batch uploads (no such route).
	noBatch bool
	// wantHash plays a server from before hashless chunked uploads.
	wantHash bool
	// noOpen plays a server from before open uploads (transfer_stream.go).
	noOpen bool
}

type fakeUpload struct {
	req    UploadRequest
	user   string
	haveCh map[string]bool
}

func newFakeDrive(t *testing.T) *fakeDrive {
	d := &fakeDrive{entries: map[string]*Entry{}, byParent: map[string][]*Entry{}, content: map[string][]string{}, chunks: map[string][]byte{},
		uploads: map[string]*fakeUpload{}, users: map[string]string{"tok-me": "Me", "tok-other": "李四"}, space: "space1"}
	d.cond = gosync.NewCond(&d.mu)
	root := d.newEntry("", "folder", "Backup", "Me")
	d.root = root.ID
	d.probe = &probe{next: d}
	d.srv = httptest.NewServer(d.probe)
	t.Cleanup(func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
		d.srv.Close()
	})
	go func() { // wake long-polls now and then so they see a closing server
		for range time.Tick(100 * time.Millisecond) {
			d.mu.Lock()
			d.cond.Broadcast()
			d.mu.Unlock()
		}
	}()
	return d
}

func (d *fakeDrive) newEntry(parent, kind, name, user string) *Entry {
	d.nextID++
	e := &Entry{ID: "e" + strconv.Itoa(d.nextID), SpaceID: d.space, ParentID: parent, Kind: kind, Name: name, Version: 1, ModifiedByName: user, ModifiedAt: time.Now().UTC()}
	d.entries[e.ID] = e
	d.byParent[parent] = append(d.byParent[parent], e)
	d.emit(e)
	return e
}

func (d *fakeDrive) emit(e *Entry) {
	d.seq++
	d.log = append(d.log, Change{Seq: d.seq, Entry: *e})
	d.cond.Broadcast()
}

func (d *fakeDrive) nameTaken(parent, name, except string) bool {
	for _, e := range d.byParent[parent] { // may hold entries that moved away: checked below
		if !e.Deleted && e.ParentID == parent && e.ID != except && strings.EqualFold(e.Name, name) {
			return true
		}
	}
	return false
}

func fail(w http.ResponseWriter, status int, key string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "x", "key": key, "message": key}})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (d *fakeDrive) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, ok := d.users[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		fail(w, 401, "auth.required")
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v1/drive/")
	parts := strings.Split(p, "/")
	q := r.URL.Query()
	if r.Method == "GET" && len(parts) == 3 && parts[0] == "spaces" && parts[2] == "changes" {
		d.changes(r.Context(), w, q.Get("cursor"), q.Get("wait"))
		return
	}
	body, _ := io.ReadAll(r.Body)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case r.Method == "POST" && p == "folders":
		var in struct{ ParentID, Name string }
		_ = json.Unmarshal(body, &struct {
			P *string `json:"parent_id"`
			N *string `json:"name"`
		}{&in.ParentID, &in.Name})
		if par := d.entries[in.ParentID]; par == nil || par.Deleted {
			fail(w, 404, "drive.not_found")
			return
		}
		if d.nameTaken(in.ParentID, in.Name, "") {
			fail(w, 409, "drive.name_taken")
			return
		}
		reply(w, 201, d.newEntry(in.ParentID, "folder", in.Name, user))
	case len(parts) == 2 && parts[0] == "entries":
		e := d.entries[parts[1]]
		if e == nil || e.Deleted {
			fail(w, 404, "drive.not_found")
			return
		}
		if r.Method == "GET" {
			reply(w, 200, e)
			return
		}
		var in struct {
			Name     *string `json:"name"`
			ParentID *string `json:"parent_id"`
			Version  int64   `json:"version"`
		}
		_ = json.Unmarshal(body, &in)
		if r.Method == "DELETE" {
			in.Version, _ = strconv.ParseInt(q.Get("version"), 10, 64)
		}
		if in.Version != e.Version {
			fail(w, 409, "drive.stale_version")
			return
		}
		if r.Method == "DELETE" {
			d.trash(e)
			w.WriteHeader(204)
			return
		}
		name, parent := e.Name, e.ParentID
		if in.Name != nil {
			name = *in.Name
		}
		if in.ParentID != nil {
			parent = *in.ParentID
		}
		if d.nameTaken(parent, name, e.ID) {
			fail(w, 409, "drive.name_taken")
			return
		}
		if parent != e.ParentID {
			d.byParent[parent] = append(d.byParent[parent], e)
		}
		e.Name, e.ParentID, e.Version, e.ModifiedByName = name, parent, e.Version+1, user
		d.emit(e)
		reply(w, 200, e)
	case r.Method == "POST" && p == "uploads":
		var req UploadRequest
		_ = json.Unmarshal(body, &req)
		if req.EntryID != "" {
			if e := d.entries[req.EntryID]; e == nil || e.Deleted {
				fail(w, 404, "drive.not_found")
				return
			} else if e.Version != req.BaseVersion {
				fail(w, 409, "drive.stale_version")
				return
			}
		} else if d.nameTaken(req.ParentID, req.Name, "") {
			fail(w, 409, "drive.name_taken")
			return
		}
		if req.Diff != nil && !d.expandDiff(&req) {
			fail(w, 400, "drive.invalid_upload")
			return
		}
		if req.Hash == "" && d.wantHash {
			fail(w, 400, "drive.invalid_upload")
			return
		}
		if listSize(req.Chunks) != req.Size && (!req.Open || d.noOpen || listSize(req.Chunks) > req.Size) {
			fail(w, 400, "drive.invalid_upload")
			return
		}
		d.nextID++
		id := "u" + strconv.Itoa(d.nextID)
		d.uploads[id] = &fakeUpload{req: req, user: user}
		reply(w, 201, UploadState{ID: id, Missing: d.missing(req)})
	case len(parts) == 2 && parts[0] == "uploads" && r.Method == "GET":
		u := d.uploads[parts[1]]
		if u == nil {
			fail(w, 404, "drive.not_found")
			return
		}
		var list Chunks
		for _, c := range u.req.Chunks {
			list = append(list, ChunkRef{Hash: c.Hash, Size: c.Size})
		}
		reply(w, 200, UploadState{ID: parts[1], Missing: d.missing(u.req), Announced: len(list), ListHash: chunkListHash(list)})
	case len(parts) == 3 && parts[0] == "uploads" && parts[2] == "append" && r.Method == "POST" && !d.noOpen:
		u := d.uploads[parts[1]]
		if u == nil {
			fail(w, 404, "drive.not_found")
			return
		}
		var in struct{ Chunks []UploadChunk }
		_ = json.Unmarshal(body, &in)
		if len(in.Chunks) == 0 || listSize(u.req.Chunks)+listSize(in.Chunks) > u.req.Size {
			fail(w, 400, "drive.invalid_upload")
			return
		}
		u.req.Chunks = append(u.req.Chunks, in.Chunks...)
		reply(w, 200, UploadState{ID: parts[1], Missing: d.missing(UploadRequest{Chunks: in.Chunks})})
	case len(parts) == 4 && parts[0] == "uploads" && parts[2] == "chunks" && r.Method == "PUT":
		if d.uploads[parts[1]] == nil {
			fail(w, 404, "drive.not_found")
			return
		}
		if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != parts[3] {
			fail(w, 400, "drive.bad_chunk")
			return
		}
		d.chunks[parts[3]] = body
		w.WriteHeader(204)
	case len(parts) == 3 && parts[0] == "uploads" && parts[2] == "chunks" && r.Method == "POST" && !d.noBatch:
		if d.uploads[parts[1]] == nil {
			fail(w, 404, "drive.not_found")
			return
		}
		got := map[string][]byte{}
		for off := 0; off < len(body); {
			if off+chunkFrameHeader > len(body) {
				fail(w, 400, "drive.bad_chunk")
				return
			}
			h := hex.EncodeToString(body[off : off+sha256.Size])
			n := int(binary.BigEndian.Uint32(body[off+sha256.Size:]))
			off += chunkFrameHeader
			if off+n > len(body) {
				fail(w, 400, "drive.bad_chunk")
				return
			}
			if sum := sha256.Sum256(body[off : off+n]); hex.EncodeToString(sum[:]) != h {
				fail(w, 400, "drive.bad_chunk")
				return
			}
			got[h] = body[off : off+n]
			off += n
		}
		maps.Copy(d.chunks, got)
		w.WriteHeader(204)
	case len(parts) == 3 && parts[0] == "uploads" && parts[2] == "commit" && r.Method == "POST":
		u := d.uploads[parts[1]]
		if u == nil {
			fail(w, 404, "drive.not_found")
			return
		}
		if listSize(u.req.Chunks) != u.req.Size {
			fail(w, 400, "drive.invalid_upload")
			return
		}
		if len(d.missing(u.req)) > 0 {
			fail(w, 409, "drive.chunks_missing")
			return
		}
		hashes := make([]string, 0, len(u.req.Chunks))
		for _, c := range u.req.Chunks {
			hashes = append(hashes, c.Hash)
		}
		sum := u.req.Hash
		if sum == "" { // announced without it: the drive hashes the content
			h := sha256.New()
			for _, c := range hashes {
				h.Write(d.chunks[c])
			}
			sum = hex.EncodeToString(h.Sum(nil))
		}
		delete(d.uploads, parts[1])
		reply(w, 200, d.store(u.req.EntryID, u.req.ParentID, u.req.Name, hashes, u.req.Size, sum, u.user))
	case r.Method == "POST" && p == "files/batch" && !d.noBatch:
		d.batch(w, r, body, user)
	case r.Method == "POST" && p == "files" && q.Get("entry_id") != "":
		e := d.entries[q.Get("entry_id")]
		if e == nil || e.Deleted {
			fail(w, 404, "drive.not_found")
			return
		}
		if strconv.FormatInt(e.Version, 10) != q.Get("base_version") {
			fail(w, 409, "drive.stale_version")
			return
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		d.chunks[h] = body
		reply(w, 200, d.store(e.ID, e.ParentID, e.Name, []string{h}, int64(len(body)), h, user))
	case r.Method == "POST" && p == "files":
		if d.nameTaken(q.Get("parent_id"), q.Get("name"), "") {
			fail(w, 409, "drive.name_taken")
			return
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		d.chunks[h] = body
		reply(w, 201, d.store("", q.Get("parent_id"), q.Get("name"), []string{h}, int64(len(body)), h, user))
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "files" && parts[2] == "content":
		e := d.entries[parts[1]]
		if e == nil || e.Deleted {
			fail(w, 404, "drive.not_found")
			return
		}
		w.Header().Set("ETag", `"`+e.Hash+`"`)
		for _, h := range d.content[e.ID] {
			_, _ = w.Write(d.chunks[h])
		}
	default:
		fail(w, 404, "not_found")
	}
}

func (d *fakeDrive) store(entryID, parent, name string, chunks []string, size int64, hash, user string) *Entry {
	var e *Entry
	if entryID != "" {
		e = d.entries[entryID]
		e.Version++
	} else {
		d.nextID++
		e = &Entry{ID: "e" + strconv.Itoa(d.nextID), SpaceID: d.space, ParentID: parent, Kind: "file", Name: name, Version: 1}
		d.entries[e.ID] = e
		d.byParent[parent] = append(d.byParent[parent], e)
	}
	e.Size, e.Hash, e.ModifiedByName, e.ModifiedAt = size, hash, user, time.Now().UTC()
	d.content[e.ID] = chunks
	d.emit(e)
	return e
}

// batch is POST drive/files/batch: each item as its own upload would be,
// plus the contract's idempotence (same content at the target: unchanged).
func (d *fakeDrive) batch(w http.ResponseWriter, r *http.Request, body []byte, user string) {
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "manifest" {
		fail(w, 400, "drive.invalid_batch")
		return
	}
	var man struct{ Items []BatchFile }
	if err := json.NewDecoder(part).Decode(&man); err != nil {
		fail(w, 400, "invalid_json")
		return
	}
	type result struct {
		Index     int               `json:"index"`
		Status    int               `json:"status"`
		Entry     *Entry            `json:"entry,omitempty"`
		Unchanged bool              `json:"unchanged,omitempty"`
		Error     map[string]string `json:"error,omitempty"`
	}
	out := make([]result, len(man.Items))
	for i, it := range man.Items {
		part, err := mr.NextPart()
		if err != nil {
			fail(w, 400, "drive.invalid_batch")
			return
		}
		data, _ := io.ReadAll(part)
		res := result{Index: i}
		refuse := func(status int, key string) {
			res.Status, res.Error = status, map[string]string{"code": "x", "key": key, "message": key}
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		var cur *Entry
		if it.EntryID != "" {
			cur = d.entries[it.EntryID]
		} else {
			for _, e := range d.byParent[it.ParentID] {
				if !e.Deleted && e.ParentID == it.ParentID && strings.EqualFold(e.Name, it.Name) {
					cur = e
				}
			}
		}
		switch {
		case h != it.Hash || int64(len(data)) != it.Size:
			refuse(400, "drive.hash_mismatch")
		case cur != nil && !cur.Deleted && cur.Kind == "file" && cur.Hash == h:
			c := *cur
			res.Status, res.Entry, res.Unchanged = 200, &c, true
		case it.EntryID != "" && (cur == nil || cur.Deleted):
			refuse(404, "drive.not_found")
		case it.EntryID != "" && cur.Version != it.BaseVersion:
			refuse(409, "drive.stale_version")
		case it.EntryID == "" && cur != nil:
			refuse(409, "drive.name_taken")
		default:
			d.chunks[h] = data
			parent, name := it.ParentID, it.Name
			res.Status = 201
			if cur != nil {
				parent, name, res.Status = cur.ParentID, cur.Name, 200
			}
			c := *d.store(it.EntryID, parent, name, []string{h}, int64(len(data)), h, user)
			res.Entry = &c
		}
		out[i] = res
	}
	reply(w, 200, map[string]any{"items": out})
}

func (d *fakeDrive) trash(e *Entry) {
	for _, c := range d.byParent[e.ID] {
		if c.ParentID == e.ID && !c.Deleted {
			d.trash(c)
		}
	}
	e.Deleted = true
	e.Version++
	d.emit(e)
}

func (d *fakeDrive) missing(req UploadRequest) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range req.Chunks {
		if _, ok := d.chunks[c.Hash]; !ok && !seen[c.Hash] {
			seen[c.Hash] = true
			out = append(out, c.Hash)
		}
	}
	return out
}

func (d *fakeDrive) changes(ctx context.Context, w http.ResponseWriter, cursor, wait string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cursor == "" {
		var items []Change
		for _, e := range d.entries {
			if !e.Deleted && e.ID != d.root {
				items = append(items, Change{Seq: d.seq, Entry: *e})
			}
		}
		reply(w, 200, ChangePage{Items: items, NextCursor: strconv.FormatInt(d.seq, 10)})
		return
	}
	from, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || from > d.seq {
		fail(w, 400, "drive.bad_cursor") // as the server: a cursor it never gave
		return
	}
	ws, _ := strconv.Atoi(wait)
	deadline := time.Now().Add(time.Duration(ws) * time.Second)
	for d.seq <= from && time.Now().Before(deadline) && ctx.Err() == nil {
		d.cond.Wait()
	}
	i := sort.Search(len(d.log), func(i int) bool { return d.log[i].Seq > from })
	items := append([]Change(nil), d.log[i:]...)
	reply(w, 200, ChangePage{Items: items, NextCursor: strconv.FormatInt(d.seq, 10)})
}

// expandDiff rebuilds a diff-announced chunk list as the server does
// (drive.expandDiff); false when it does not fit the entry's content.
func (d *fakeDrive) expandDiff(req *UploadRequest) bool {
	var base Chunks
	for _, h := range d.content[req.EntryID] {
		base = append(base, ChunkRef{Hash: h, Size: len(d.chunks[h])})
	}
	if req.EntryID == "" || chunkListHash(base) != req.Diff.BaseListHash {
		return false
	}
	var out []UploadChunk
	for _, op := range req.Diff.Ops {
		if op.Count == 0 {
			out = append(out, op.Chunks...)
			continue
		}
		if op.From < 0 || op.From+op.Count > len(base) {
			return false
		}
		for _, c := range base[op.From : op.From+op.Count] {
			out = append(out, UploadChunk{Hash: c.Hash, Size: c.Size})
		}
	}
	req.Chunks, req.Diff = out, nil
	return true
}

func listSize(cs []UploadChunk) int64 {
	var n int64
	for _, c := range cs {
		n += int64(c.Size)
	}
	return n
}
