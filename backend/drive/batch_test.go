package drive_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tack/backend/drive"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// file is one file of a batch: its manifest item and its content.
type file struct {
	item drive.BatchItem
	data []byte
}

func sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// newFile is a new file named name under parent.
func newFile(parent, name, content string) file {
	d := []byte(content)
	return file{drive.BatchItem{ParentID: parent, Name: name, Size: int64(len(d)), Hash: sum(d)}, d}
}

// newVersion is new content for entry id on top of base.
func newVersion(id string, base int64, content string) file {
	d := []byte(content)
	return file{drive.BatchItem{EntryID: id, BaseVersion: base, Size: int64(len(d)), Hash: sum(d)}, d}
}

// batchBody builds the multipart body: the manifest, then each content.
func batchBody(t *testing.T, files []file) ([]byte, string) { return batchBodyOf(t, files, files) }

// batchBodyOf is batchBody with the manifest of items and the contents of parts.
func batchBodyOf(t *testing.T, items, parts []file) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	req := drive.BatchRequest{}
	for _, f := range items {
		req.Items = append(req.Items, f.item)
	}
	man, _ := json.Marshal(req)
	w, _ := mw.CreateFormField("manifest")
	_, _ = w.Write(man)
	for i, f := range parts {
		w, _ := mw.CreateFormFile("file", fmt.Sprintf("f%d", i))
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// batchAnswer is the decoded answer of a batch upload.
type batchAnswer struct {
	Items []struct {
		Index     int
		Status    int
		Entry     *drive.Entry
		Unchanged bool
		Error     *struct {
			Code, Key string
			Fields    map[string]string
		}
	}
}

func (a batchAnswer) key(i int) string {
	if a.Items[i].Error == nil {
		return ""
	}
	return a.Items[i].Error.Key
}

func (e *env) batchRaw(tok string, files []file) servertest.Response {
	e.t.Helper()
	body, ct := batchBody(e.t, files)
	return e.raw("POST", "/api/v1/drive/files/batch", tok, body, map[string]string{"Content-Type": ct})
}

func (e *env) batch(tok string, files []file) batchAnswer {
	e.t.Helper()
	r := e.batchRaw(tok, files)
	if r.Status != http.StatusOK {
		e.t.Fatalf("batch: %d %s", r.Status, r.Body)
	}
	var a batchAnswer
	r.JSON(e.t, &a)
	if len(a.Items) != len(files) {
		e.t.Fatalf("batch of %d answered %d items", len(files), len(a.Items))
	}
	return a
}

func (e *env) children(tok, id string) []drive.Entry {
	e.t.Helper()
	var page struct{ Items []drive.Entry }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+id+"/children", tok, nil).JSON(e.t, &page)
	return page.Items
}

func (e *env) versionCount(tok, id string) int {
	e.t.Helper()
	var page struct{ Items []drive.FileVersion }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/files/"+id+"/versions", tok, nil).JSON(e.t, &page)
	return len(page.Items)
}

// noTemp checks the blob store holds no temp file.
func noTemp(t *testing.T, se *servertest.Env) {
	t.Helper()
	tmp, _ := os.ReadDir(filepath.Join(se.Server.Drive.Blobs().String(), "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("%d temp files left in the blob store", len(tmp))
	}
}

// TestBatchUploadMixedOutcomes: one batch of new files, new versions and
// items that must fail for their own reasons; each is answered on its own
// and the good ones are stored whatever the others do.
func TestBatchUploadMixedOutcomes(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		member, mtok := e.NewUser(e.admin, "")
		mine := e.spaces(mtok)["personal"].RootID
		co := e.spaces(mtok)["company"].RootID // viewer only
		hidden := e.mkdir(e.admin, e.spaces(e.admin)["personal"].RootID, "admin only")
		docs := e.mkdir(mtok, mine, "docs")
		old := e.mustPut(mtok, docs.ID, "old.txt", []byte("v1"))
		moved := e.mustPut(mtok, docs.ID, "moved-on.txt", []byte("v1"))
		var moved2 drive.Entry
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+moved.ID, mtok, map[string]any{"version": moved.Version, "description": "changed"}).JSON(t, &moved2)
		e.mustPut(mtok, docs.ID, "taken.txt", []byte("someone's"))
		bad := newFile(docs.ID, "corrupt.txt", "what was announced")
		bad.data = []byte("what arrived instead")

		files := []file{
			newFile(docs.ID, "a.txt", "alpha"),                 // 0 created
			newVersion(old.ID, old.Version, "v2"),              // 1 new version
			newVersion(moved.ID, moved.Version, "v2 on stale"), // 2 stale base
			newFile(co, "x.txt", "no rights"),                  // 3 viewer: forbidden
			newFile(hidden.ID, "y.txt", "invisible"),           // 4 not even visible
			newFile(docs.ID, "taken.txt", "other content"),     // 5 name taken
			newFile(docs.ID, "Dup.txt", "first"),               // 6 created
			newFile(docs.ID, "dup.TXT", "second"),              // 7 same name in the batch, other content
			newFile(docs.ID, "DUP.txt", "first"),               // 8 same name, same content: 6's answer
			bad,                                                // 9 content does not match
			newFile(docs.ID, "bad/name", "x"),                  // 10 invalid name
			newFile(docs.ID, "empty.txt", ""),                  // 11 an empty file
			newFile(docs.ID, "z.txt", "zulu"),                  // 12 created after all the failures
		}
		a := e.batch(mtok, files)
		want := []struct {
			status int
			key    string
		}{{201, ""}, {200, ""}, {409, "drive.stale_version"}, {403, "drive.forbidden"}, {404, "drive.not_found"},
			{409, "drive.name_taken"}, {201, ""}, {409, "drive.name_taken"}, {200, ""}, {400, "drive.hash_mismatch"},
			{400, "drive.name_invalid"}, {201, ""}, {201, ""}}
		for i, w := range want {
			if a.Items[i].Index != i || a.Items[i].Status != w.status || a.key(i) != w.key {
				t.Errorf("item %d: %d %q, want %d %q", i, a.Items[i].Status, a.key(i), w.status, w.key)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
		if !a.Items[8].Unchanged || a.Items[8].Entry.ID != a.Items[6].Entry.ID {
			t.Fatalf("the repeated item got %+v, want item 6's entry", a.Items[8])
		}
		if ent := a.Items[1].Entry; ent.ID != old.ID || ent.Version != old.Version+1 || ent.Role != drive.RoleManager {
			t.Fatalf("new version answered %+v", ent)
		}
		for i, content := range map[int]string{0: "alpha", 1: "v2", 6: "first", 11: "", 12: "zulu"} {
			ent := a.Items[i].Entry
			if r := e.get(mtok, ent.ID, 0); r.Status != 200 || string(r.Body) != content || ent.Hash != sum([]byte(content)) {
				t.Fatalf("item %d stored %d %q, want %q", i, r.Status, r.Body, content)
			}
			if ent.ModifiedBy != member.ID || ent.SpaceID != docs.SpaceID {
				t.Fatalf("item %d: %+v", i, ent)
			}
		}
		if r := e.get(mtok, old.ID, old.Version); string(r.Body) != "v1" {
			t.Fatalf("the old version is %q", r.Body)
		}
		names := map[string]bool{}
		for _, c := range e.children(mtok, docs.ID) {
			names[c.Name] = true
		}
		for _, n := range []string{"a.txt", "Dup.txt", "empty.txt", "z.txt", "old.txt", "moved-on.txt", "taken.txt"} {
			if !names[n] {
				t.Errorf("%s missing from %v", n, names)
			}
		}
		if len(names) != 7 {
			t.Fatalf("folder holds %v", names)
		}
		if r := e.get(mtok, moved.ID, 0); string(r.Body) != "v1" {
			t.Fatal("the stale item overwrote the file")
		}
		if len(e.children(e.admin, hidden.ID)) != 0 || len(e.children(mtok, co)) != 0 {
			t.Fatal("a refused item was stored")
		}
		var sp drive.Space
		e.Must(200, "GET", "/api/v1/drive/spaces/"+docs.SpaceID, mtok, nil).JSON(t, &sp)
		if sp.UsedBytes != int64(len("alpha")+len("v2")+len("v1")+len("someone's")+len("first")+len("zulu")) {
			t.Fatalf("space usage %d", sp.UsedBytes)
		}
		// The change feed shows the batch's files.
		var page drive.ChangePage
		e.Must(200, "GET", "/api/v1/drive/spaces/"+docs.SpaceID+"/changes?cursor=", mtok, nil).JSON(t, &page)
		seen := map[string]bool{}
		for _, c := range page.Items {
			seen[c.Path] = true
		}
		if !seen["docs/a.txt"] || !seen["docs/z.txt"] || !seen["docs/empty.txt"] {
			t.Fatalf("feed paths %v", seen)
		}
		noTemp(t, se)
	})
}

// TestBatchQuota: the items of a batch add up against their space's quota;
// the one that no longer fits fails, the others are stored.
func TestBatchQuota(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		var proj drive.Space
		e.Must(201, "POST", "/api/v1/drive/spaces", e.admin, map[string]any{"name": "Small"}).JSON(t, &proj)
		e.Must(200, "PATCH", "/api/v1/drive/spaces/"+proj.ID, e.admin, map[string]any{"version": proj.Version, "quota_bytes": 1000})
		e.mustPut(e.admin, proj.RootID, "base.txt", bytes.Repeat([]byte("a"), 300))
		files := []file{
			newFile(proj.RootID, "one.txt", string(bytes.Repeat([]byte("b"), 400))),
			newFile(proj.RootID, "two.txt", string(bytes.Repeat([]byte("c"), 400))), // 300+400+400 > 1000
			newFile(proj.RootID, "three.txt", string(bytes.Repeat([]byte("d"), 200))),
			newFile(proj.RootID, "alone-too-big.txt", string(bytes.Repeat([]byte("e"), 1200))),
		}
		a := e.batch(e.admin, files)
		if a.Items[0].Status != 201 || a.Items[1].Status != 413 || a.key(1) != "drive.quota_exceeded" || a.Items[2].Status != 201 ||
			a.key(3) != "drive.quota_exceeded" || a.Items[1].Error.Fields["quota_bytes"] != "1000" {
			t.Fatalf("answers %+v", a.Items)
		}
		var sp drive.Space
		e.Must(200, "GET", "/api/v1/drive/spaces/"+proj.ID, e.admin, nil).JSON(t, &sp)
		if sp.UsedBytes != 900 {
			t.Fatalf("used %d, want 900", sp.UsedBytes)
		}
	})
}

// eachWith runs fn against SQLite and PostgreSQL servers with the given
// drive configuration.
func eachWith(t *testing.T, cfg server.Config, fn func(t *testing.T, se *servertest.Env)) {
	t.Run("sqlite", func(t *testing.T) {
		c := cfg
		c.DataDir = t.TempDir()
		fn(t, servertest.Start(t, c))
	})
	t.Run("postgres", func(t *testing.T) {
		c := cfg
		c.DataDir, c.DSN = t.TempDir(), storetest.PostgresDSN(t)
		fn(t, servertest.Start(t, c))
	})
}

// TestBatchLimitsRefuseEverything: a batch over a limit (files, one file's
// size, all the bytes) or malformed is refused as a whole and writes
// nothing, not even its valid items.
func TestBatchLimitsRefuseEverything(t *testing.T) {
	t.Parallel()
	cfg := server.Config{Drive: drive.Config{BatchMaxItems: 3, BatchMaxFile: 1000, BatchMaxBytes: 1500}}
	eachWith(t, cfg, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["personal"].RootID
		ok := newFile(root, "fine.txt", "fine")
		scenarios := []struct {
			name   string
			files  []file
			status int
			key    string
			field  string
		}{
			{"too many files", []file{ok, newFile(root, "b", "b"), newFile(root, "c", "c"), newFile(root, "d", "d")}, 413, "drive.batch_too_many", "max_items"},
			{"one file too large", []file{ok, newFile(root, "big", string(bytes.Repeat([]byte("x"), 1001)))}, 413, "drive.batch_item_too_large", "max_file_bytes"},
			{"too many bytes", []file{ok, newFile(root, "b", string(bytes.Repeat([]byte("x"), 800))), newFile(root, "c", string(bytes.Repeat([]byte("y"), 800)))},
				413, "drive.batch_too_large", "max_bytes"},
			{"empty", nil, 400, "drive.invalid_batch", "items"},
		}
		for _, s := range scenarios {
			r := e.batchRaw(e.admin, s.files)
			_, k, f := r.ErrorCode()
			if r.Status != s.status || k != s.key || f[s.field] == "" {
				t.Errorf("%s: %d %s", s.name, r.Status, r.Body)
			}
		}
		// The manifest announces more files than the body holds, or fewer.
		two := []file{ok, newFile(root, "b", "b")}
		for _, s := range []struct {
			items []file
			parts []file
			want  string
		}{{two, two[:1], "missing"}, {two[:1], two, "too_many"}} {
			body, ct := batchBodyOf(t, s.items, s.parts)
			r := e.raw("POST", "/api/v1/drive/files/batch", e.admin, body, map[string]string{"Content-Type": ct})
			if _, k, f := r.ErrorCode(); r.Status != 400 || k != "drive.invalid_batch" || f["parts"] != s.want {
				t.Errorf("parts %s: %d %s", s.want, r.Status, r.Body)
			}
		}
		if r := e.raw("POST", "/api/v1/drive/files/batch", e.admin, []byte(`{"items":[]}`), map[string]string{"Content-Type": "application/json"}); r.Status != 400 {
			t.Errorf("not multipart: %d %s", r.Status, r.Body)
		}
		if c := e.children(e.admin, root); len(c) != 0 {
			t.Fatalf("a refused batch stored %d files", len(c))
		}
		chunks := 0
		_ = se.Server.Drive.Blobs().Walk(func(string, int64, time.Time) error { chunks++; return nil })
		if chunks != 0 {
			t.Fatalf("a refused batch left %d chunk files", chunks)
		}
		noTemp(t, se)
		// Within the limits the same files go through.
		a := e.batch(e.admin, []file{ok, newFile(root, "b", string(bytes.Repeat([]byte("x"), 700)))})
		if a.Items[0].Status != 201 || a.Items[1].Status != 201 {
			t.Fatalf("valid batch: %+v", a.Items)
		}
	})
}

// TestBatchRetryAfterCutConnection: a batch cut off mid-body stores
// nothing; sent again it is stored; sent once more (its answer lost) every
// item is answered with what is there, nothing written twice, and content
// that differs on a stale base is still refused.
func TestBatchRetryAfterCutConnection(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		f := e.mustPut(e.admin, root, "edited.txt", []byte("v1"))
		files := []file{newFile(root, "a.txt", "alpha"), newVersion(f.ID, f.Version, "v2"), newFile(root, "b.txt", string(randomData(9, 300<<10)))}
		body, ct := batchBody(t, files)

		u, _ := url.Parse(e.HTTP.URL)
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /api/v1/drive/files/batch HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			u.Host, e.admin, ct, len(body))
		if _, err := conn.Write(body[:len(body)-1000]); err != nil {
			t.Fatal(err)
		}
		// The body ends early (the client died): the server answers once it
		// has read what came, storing nothing.
		_ = conn.(*net.TCPConn).CloseWrite()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		_ = conn.Close()
		if resp.StatusCode != 400 {
			t.Fatalf("cut batch answered %d", resp.StatusCode)
		}
		noTemp(t, se)
		if c := e.children(e.admin, root); len(c) != 1 {
			t.Fatalf("a cut batch stored something: %+v", c)
		}
		if r := e.get(e.admin, f.ID, 0); string(r.Body) != "v1" {
			t.Fatalf("a cut batch changed the file: %q", r.Body)
		}

		a := e.batch(e.admin, files)
		if a.Items[0].Status != 201 || a.Items[1].Status != 200 || a.Items[2].Status != 201 || a.Items[1].Unchanged {
			t.Fatalf("first full batch: %+v", a.Items)
		}
		again := e.batch(e.admin, files)
		for i := range files {
			it := again.Items[i]
			if it.Status != 200 || !it.Unchanged || it.Entry.ID != a.Items[i].Entry.ID || it.Entry.Version != a.Items[i].Entry.Version {
				t.Fatalf("repeated item %d: %+v, first %+v", i, it, a.Items[i])
			}
		}
		if n := e.versionCount(e.admin, f.ID); n != 2 {
			t.Fatalf("%d versions after the repeat, want 2", n)
		}
		if c := e.children(e.admin, root); len(c) != 3 {
			t.Fatalf("%d files after the repeat", len(c))
		}
		// Other content on the old base is a conflict, not an overwrite.
		late := e.batch(e.admin, []file{newVersion(f.ID, f.Version, "v2 from elsewhere"), newFile(root, "A.TXT", "other")})
		if late.key(0) != "drive.stale_version" || late.key(1) != "drive.name_taken" {
			t.Fatalf("late batch: %+v", late.Items)
		}
		if r := e.get(e.admin, f.ID, 0); string(r.Body) != "v2" {
			t.Fatalf("content %q", r.Body)
		}
		noTemp(t, se)
	})
}

// Every item's content is checked against its announced SHA-256, whether
// it is one chunk (its chunk's hash is the check) or several (the whole
// content is hashed), and the chunks stored are the content's.
func TestBatchItemsCheckedWhole(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["personal"].RootID
		big := make([]byte, 3<<20) // several chunks
		x := uint64(88172645463325252)
		for i := range big {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			big[i] = byte(x)
		}
		other := append([]byte(nil), big...)
		other[len(other)/2] ^= 1
		badBig := newFile(root, "bad-big.bin", string(big))
		badBig.data = other // same size, one bit off
		badSmall := newFile(root, "bad-small.bin", "announced")
		badSmall.data = []byte("arrived!!")
		a := e.batch(e.admin, []file{newFile(root, "big.bin", string(big)), badBig, badSmall, newFile(root, "small.bin", "small")})
		for i, w := range []string{"", "drive.hash_mismatch", "drive.hash_mismatch", ""} {
			if a.key(i) != w {
				t.Fatalf("item %d: %d %q, want %q", i, a.Items[i].Status, a.key(i), w)
			}
		}
		for i, content := range map[int][]byte{0: big, 3: []byte("small")} {
			if r := e.get(e.admin, a.Items[i].Entry.ID, 0); r.Status != 200 || !bytes.Equal(r.Body, content) {
				t.Fatalf("item %d stored %d, %d bytes", i, r.Status, len(r.Body))
			}
		}
	})
}
