package drive_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// TestDedupLargeFileEdit: a 1 MiB change inside a 160 MiB file uploads
// only the few chunks around the change.
func TestDedupLargeFileEdit(t *testing.T) {
	if testing.Short() {
		t.Skip("160 MiB upload")
	}
	t.Parallel()
	e := newEnv(t, servertest.New(t))
	root := e.spaces(e.admin)["company"].RootID
	// 160 MiB rather than the former 200: still well over drive.BatchRows
	// chunks (about 64 KiB each), so the chunk lists are read and written
	// in more than one slice, which is what the size is for; the edit, the
	// versions and the dedup checks do not depend on it. It was most of
	// the package's CPU. SQLite only, as before: the size exercises the
	// chunk store and slicing, not the database.
	data := randomData(1, 160<<20)
	p := withParent(planOf(t, data), root, "disk.img")
	t.Logf("%d chunks", len(p.chunks))
	if len(p.chunks) <= drive.BatchRows {
		t.Fatalf("%d chunks: not more than one slice of %d", len(p.chunks), drive.BatchRows)
	}
	f, sent := e.chunked(e.admin, p)
	if sent != len(p.chunks) || f.Size != int64(len(data)) || f.Hash != p.req.Hash {
		t.Fatalf("first upload sent %d of %d chunks, entry %+v", sent, len(p.chunks), f)
	}
	edited := bytes.Clone(data)
	copy(edited[123<<20:], randomData(2, 1<<20))
	p2 := planOf(t, edited)
	p2.req.EntryID, p2.req.BaseVersion = f.ID, f.Version
	f2, sent2 := e.chunked(e.admin, p2)
	// Chunking scheme 3 (about 64 KiB a chunk, at most 256 KiB): the 1 MiB
	// spans about 16-20 chunks (bytes on the wire: backend/syncagent
	// TestBigFileEditSendsLittle).
	if sent2 == 0 || sent2 > 28 {
		t.Fatalf("edit of 1 MiB re-sent %d of %d chunks", sent2, len(p2.chunks))
	}
	if f2.Version != f.Version+1 || f2.Hash != p2.req.Hash {
		t.Fatalf("new version %+v", f2)
	}
	r := e.get(e.admin, f.ID, 0)
	if !bytes.Equal(r.Body, edited) {
		t.Fatal("downloaded content differs from the edit")
	}
	if r := e.get(e.admin, f.ID, f.Version); !bytes.Equal(r.Body, data) {
		t.Fatal("the old version's content is not intact")
	}
	// Server-wide dedup: the same content as a new file in another space
	// needs no chunk at all.
	p3 := planOf(t, edited)
	p3.req.ParentID, p3.req.Name = e.spaces(e.admin)["personal"].RootID, "copy.bin"
	if st := e.start(e.admin, p3); len(st.Missing) != 0 {
		t.Fatalf("identical content re-announced: %d missing", len(st.Missing))
	}
}

func withParent(p plan, parent, name string) plan {
	p.req.ParentID, p.req.Name = parent, name
	return p
}

// TestResumeAfterCutConnection cuts a chunk PUT mid-body (closing the TCP
// connection), checks nothing half-written became visible, then resumes
// from the upload status and commits.
func TestResumeAfterCutConnection(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(3, 6<<20)
		p := withParent(planOf(t, data), root, "video.mp4")
		st := e.start(e.admin, p)
		if len(st.Missing) != len(p.chunks) || len(p.chunks) < 3 {
			t.Fatalf("missing %d of %d", len(st.Missing), len(p.chunks))
		}
		// First chunk goes through.
		if r := e.putChunk(e.admin, st.ID, p, st.Missing[0]); r.Status != 204 {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		// Second: half the body, then the connection is closed.
		cut := st.Missing[1]
		body := p.bytesOf(cut)
		u, _ := url.Parse(e.HTTP.URL)
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PUT /api/v1/drive/uploads/%s/chunks/%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n",
			st.ID, cut, u.Host, e.admin, len(body))
		if _, err := conn.Write(body[:len(body)/2]); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		// Third: a request cancelled mid-body by the client.
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("PUT", e.HTTP.URL+"/api/v1/drive/uploads/"+st.ID+"/chunks/"+st.Missing[2], pr)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		req.ContentLength = int64(len(p.bytesOf(st.Missing[2])))
		done := make(chan error, 1)
		go func() {
			resp, err := e.HTTP.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		_, _ = pw.Write(p.bytesOf(st.Missing[2])[:1000])
		_ = pw.CloseWithError(io.ErrUnexpectedEOF)
		<-done

		// Nothing of the commit is visible; the status says what is left.
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil), 409, "drive.chunks_missing")
		var again drive.UploadState
		waitStatus := func() {
			e.Must(200, "GET", "/api/v1/drive/uploads/"+st.ID, e.admin, nil).JSON(t, &again)
		}
		waitStatus()
		if len(again.Missing) != len(p.chunks)-1 {
			t.Fatalf("after the cut %d missing, want %d", len(again.Missing), len(p.chunks)-1)
		}
		for _, h := range again.Missing {
			if h == st.Missing[0] {
				t.Fatal("the completed chunk is reported missing")
			}
		}
		var page struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/entries/"+root+"/children", e.admin, nil).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("half an upload is visible: %+v", page.Items)
		}
		// Only whole chunks exist in the blob store.
		blobs := e.Server.Drive.Blobs()
		if blobs.Has(cut) {
			t.Fatal("the cut chunk was stored")
		}
		// Resume: send only the missing chunks, then commit.
		for _, h := range again.Missing {
			if r := e.putChunk(e.admin, st.ID, p, h); r.Status != 204 {
				t.Fatalf("resume put: %d %s", r.Status, r.Body)
			}
		}
		var f drive.Entry
		e.Must(200, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		if r := e.get(e.admin, f.ID, 0); !bytes.Equal(r.Body, data) {
			t.Fatal("resumed file is not intact")
		}
		// The session is gone after commit.
		wantKey(t, e.Do("GET", "/api/v1/drive/uploads/"+st.ID, e.admin, nil), 404, "drive.upload_not_found")
		noTemp(t, se)
	})
}

// TestConcurrentCommitsOnOneBase: two editors upload new content on the
// same base version at once; exactly one wins, the other gets 409.
func TestConcurrentCommitsOnOneBase(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		_, tok2 := e.NewUser(e.admin, "", "admin")
		root := e.spaces(e.admin)["company"].RootID
		f := e.mustPut(e.admin, root, "plan.xlsx", []byte("base"))
		for round := 0; round < 3; round++ {
			var ids []string
			toks := []string{e.admin, tok2}
			for i, tok := range toks {
				p := planOf(t, []byte(fmt.Sprintf("edit %d by %d", round, i)))
				p.req.EntryID, p.req.BaseVersion = f.ID, f.Version
				st := e.start(tok, p)
				for _, h := range st.Missing {
					e.putChunk(tok, st.ID, p, h)
				}
				ids = append(ids, st.ID)
			}
			var wg sync.WaitGroup
			res := make([]servertest.Response, 2)
			for i := range toks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res[i] = e.raw("POST", "/api/v1/drive/uploads/"+ids[i]+"/commit", toks[i], nil, nil)
				}()
			}
			wg.Wait()
			ok, stale := 0, 0
			for _, r := range res {
				switch {
				case r.Status == 200:
					ok++
					r.JSON(t, &f)
				case r.Status == 409 && key(t, r) == "drive.stale_version":
					stale++
				default:
					t.Fatalf("commit: %d %s", r.Status, r.Body)
				}
			}
			if ok != 1 || stale != 1 {
				t.Fatalf("round %d: %d won, %d stale", round, ok, stale)
			}
		}
		var vs struct{ Items []drive.FileVersion }
		e.Must(200, "GET", "/api/v1/drive/files/"+f.ID+"/versions", e.admin, nil).JSON(t, &vs)
		if len(vs.Items) != 4 {
			t.Fatalf("%d versions, want 4", len(vs.Items))
		}
	})
}

func TestUploadChecksAndQuota(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		p := withParent(planOf(t, randomData(5, 300<<10)), root, "a.bin")
		// announced hash differs from the content: the commit refuses it
		bad := p
		bad.req.Hash = strings.Repeat("0", 64)
		st := e.start(e.admin, bad)
		for _, h := range st.Missing {
			e.putChunk(e.admin, st.ID, p, h)
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil), 400, "drive.hash_mismatch")
		// a chunk whose bytes do not match its name, and one not announced
		st = e.start(e.admin, withParent(planOf(t, randomData(6, 300<<10)), root, "b.bin"))
		r := e.raw("PUT", "/api/v1/drive/uploads/"+st.ID+"/chunks/"+st.Missing[0], e.admin, randomData(7, 300<<10)[:len(p.bytesOf(p.chunks[0].Hash))], nil)
		if r.Status != 400 {
			t.Fatalf("bad chunk: %d %s", r.Status, r.Body)
		}
		wantKey(t, e.raw("PUT", "/api/v1/drive/uploads/"+st.ID+"/chunks/"+strings.Repeat("a", 64), e.admin, []byte("x"), nil), 400, "drive.chunk_unknown")
		// size that does not add up
		wrong := withParent(planOf(t, []byte("abc")), root, "c.bin")
		wrong.req.Size = 4
		r = e.Do("POST", "/api/v1/drive/uploads", e.admin, wrong.req)
		if _, k, f := r.ErrorCode(); r.Status != 400 || k != "drive.invalid_upload" || f["size"] != "mismatch" {
			t.Fatalf("size mismatch: %d %s", r.Status, r.Body)
		}
		// someone else's upload does not exist for you
		_, other := e.NewUser(e.admin, "", "admin")
		wantKey(t, e.Do("GET", "/api/v1/drive/uploads/"+st.ID, other, nil), 404, "drive.upload_not_found")
		// name taken, case-insensitively, at start (sync contract)
		e.mustPut(e.admin, root, "Report.docx", []byte("x"))
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads", e.admin, withParent(planOf(t, []byte("y")), root, "REPORT.docx").req), 409, "drive.name_taken")
		_, r = e.put(e.admin, root, "report.DOCX", []byte("z"))
		wantKey(t, r, 409, "drive.name_taken")

		// quota
		var proj drive.Space
		e.Must(201, "POST", "/api/v1/drive/spaces", e.admin, map[string]any{"name": "Small"}).JSON(t, &proj)
		e.Must(200, "PATCH", "/api/v1/drive/spaces/"+proj.ID, e.admin, map[string]any{"version": proj.Version, "quota_bytes": 1000})
		e.mustPut(e.admin, proj.RootID, "fits.txt", bytes.Repeat([]byte("a"), 600))
		_, r = e.put(e.admin, proj.RootID, "too-much.txt", bytes.Repeat([]byte("b"), 600))
		wantKey(t, r, 413, "drive.quota_exceeded")
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads", e.admin, withParent(planOf(t, bytes.Repeat([]byte("c"), 600)), proj.RootID, "big").req), 413, "drive.quota_exceeded")
		var sp drive.Space
		e.Must(200, "GET", "/api/v1/drive/spaces/"+proj.ID, e.admin, nil).JSON(t, &sp)
		if sp.UsedBytes != 600 || sp.QuotaBytes != 1000 {
			t.Fatalf("space usage %+v", sp)
		}
		// only admins set quotas
		_, member := e.NewUser(e.admin, "")
		var mine drive.Space
		e.Must(201, "POST", "/api/v1/drive/spaces", member, map[string]any{"name": "Mine"}).JSON(t, &mine)
		wantKey(t, e.Do("PATCH", "/api/v1/drive/spaces/"+mine.ID, member, map[string]any{"version": mine.Version, "quota_bytes": 1 << 40}), 403, "drive.forbidden")
	})
}

func TestBrowserMultipartUploadAndNewVersion(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("note", "ignored")
		fw, _ := mw.CreateFormFile("file", "季度报告.txt")
		_, _ = fw.Write([]byte("第一版"))
		_ = mw.Close()
		r := e.raw("POST", "/api/v1/drive/files?parent_id="+root, e.admin, buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
		if r.Status != 201 {
			t.Fatalf("multipart: %d %s", r.Status, r.Body)
		}
		var f drive.Entry
		r.JSON(t, &f)
		if f.Name != "季度报告.txt" || f.Size != int64(len("第一版")) {
			t.Fatalf("entry %+v", f)
		}
		q := url.Values{"entry_id": {f.ID}, "base_version": {fmt.Sprint(f.Version)}}
		r = e.raw("POST", "/api/v1/drive/files?"+q.Encode(), e.admin, []byte("第二版"), nil)
		if r.Status != 200 {
			t.Fatalf("new version: %d %s", r.Status, r.Body)
		}
		// stale base: 409, nothing overwritten
		wantKey(t, e.raw("POST", "/api/v1/drive/files?"+q.Encode(), e.admin, []byte("第三版"), nil), 409, "drive.stale_version")
		if got := e.get(e.admin, f.ID, 0).Body; string(got) != "第二版" {
			t.Fatalf("content %q", got)
		}
	})
}

// TestVersionsListAndRestore keeps versions, downloads an old one and
// restores it as a new version.
func TestVersionsListAndRestore(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		f := e.mustPut(e.admin, root, "notes.md", []byte("v1"))
		v1 := f.Version
		// a rename between versions: ?version= still serves the content of that entry version
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+f.ID, e.admin, map[string]any{"version": f.Version, "name": "Notes.md"}).JSON(t, &f)
		p := planOf(t, []byte("v2"))
		p.req.EntryID, p.req.BaseVersion = f.ID, f.Version
		f, _ = e.chunked(e.admin, p)
		var vs struct{ Items []drive.FileVersion }
		e.Must(200, "GET", "/api/v1/drive/files/"+f.ID+"/versions", e.admin, nil).JSON(t, &vs)
		if len(vs.Items) != 2 || !vs.Items[0].Current || vs.Items[0].EntryVersion != f.Version || vs.Items[1].EntryVersion != v1 {
			t.Fatalf("versions %+v", vs.Items)
		}
		if got := string(e.get(e.admin, f.ID, v1+1).Body); got != "v1" {
			t.Fatalf("content at the rename's version: %q", got)
		}
		wantKey(t, e.get(e.admin, f.ID, f.Version+5), 404, "drive.version_not_found")
		wantKey(t, e.Do("POST", "/api/v1/drive/files/"+f.ID+"/versions/"+vs.Items[1].ID+"/restore", e.admin, map[string]any{"version": v1}), 409, "drive.stale_version")
		var g drive.Entry
		e.Must(200, "POST", "/api/v1/drive/files/"+f.ID+"/versions/"+vs.Items[1].ID+"/restore", e.admin, map[string]any{"version": f.Version}).JSON(t, &g)
		if g.Version != f.Version+1 || string(e.get(e.admin, f.ID, 0).Body) != "v1" {
			t.Fatalf("restored %+v", g)
		}
		e.Must(200, "GET", "/api/v1/drive/files/"+f.ID+"/versions", e.admin, nil).JSON(t, &vs)
		if len(vs.Items) != 3 {
			t.Fatalf("restore did not add a version: %d", len(vs.Items))
		}
	})
}

func TestRangeETagDisposition(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(9, 3<<20) // several chunks: ranges cross chunk borders
		f, _ := e.chunked(e.admin, withParent(planOf(t, data), root, "报告 final.pdf"))
		r := e.raw("GET", "/api/v1/drive/files/"+f.ID+"/content", e.admin, nil, map[string]string{"Range": "bytes=1048000-1049999"})
		if r.Status != 206 || !bytes.Equal(r.Body, data[1048000:1050000]) {
			t.Fatalf("range: %d, %d bytes", r.Status, len(r.Body))
		}
		if cr := r.Header.Get("Content-Range"); cr != fmt.Sprintf("bytes 1048000-1049999/%d", len(data)) {
			t.Fatalf("Content-Range %q", cr)
		}
		r = e.raw("GET", "/api/v1/drive/files/"+f.ID+"/content", e.admin, nil, map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(data)-10)})
		if r.Status != 206 || !bytes.Equal(r.Body, data[len(data)-10:]) {
			t.Fatalf("suffix range: %d", r.Status)
		}
		full := e.get(e.admin, f.ID, 0)
		etag := full.Header.Get("ETag")
		if etag != `"`+f.Hash+`"` || !bytes.Equal(full.Body, data) {
			t.Fatalf("ETag %q", etag)
		}
		disp := full.Header.Get("Content-Disposition")
		if !strings.HasPrefix(disp, "attachment;") || !strings.Contains(disp, "filename*=UTF-8''%E6%8A%A5%E5%91%8A%20final.pdf") {
			t.Fatalf("Content-Disposition %q", disp)
		}
		r = e.raw("GET", "/api/v1/drive/files/"+f.ID+"/content", e.admin, nil, map[string]string{"If-None-Match": etag})
		if r.Status != 304 || len(r.Body) != 0 {
			t.Fatalf("If-None-Match: %d", r.Status)
		}
		r = e.raw("GET", "/api/v1/drive/files/"+f.ID+"/content", e.admin, nil, map[string]string{"If-None-Match": `"other"`})
		if r.Status != 200 {
			t.Fatalf("If-None-Match other: %d", r.Status)
		}
		// read through a buffered reader, as a browser streams it
		resp, err := e.HTTP.Client().Get(e.HTTP.URL + "/api/v1/drive/files/" + f.ID + "/content?access_token=" + e.admin)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(bufio.NewReader(resp.Body))
		resp.Body.Close()
		if !bytes.Equal(got, data) {
			t.Fatal("streamed download differs")
		}
	})
}
