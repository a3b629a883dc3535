package drive_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"tack/backend/drive"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// TestOpenUploadAnnouncedWhileSending: an open upload starts with the size
// and part of the list (here three chunks), grows by appends that answer
// what to send, and commits only once the list covers the size. Chunks not
// announced yet are refused, the list cannot pass the size, a closed
// upload still needs its whole list, and the running hash follows the list
// as it grows (no re-read at commit). A second open upload of the same
// content sends nothing.
func TestOpenUploadAnnouncedWhileSending(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, cfg server.Config) {
		se := servertest.Start(t, cfg)
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(61, 5<<20)
		p := withParent(planOf(t, data), root, "open.bin")
		if len(p.chunks) < 8 {
			t.Fatalf("%d chunks: too few for the test", len(p.chunks))
		}
		want, all := p.req.Hash, p.req.Chunks
		hashes := make([]string, len(all))
		for i, c := range all {
			hashes[i] = c.Hash
		}

		closed := p.req
		closed.Hash, closed.Chunks = "", all[:3]
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads", e.admin, closed), 400, "drive.invalid_upload")

		open := closed
		open.Open = true
		st := e.start(e.admin, plan{req: open})
		if len(st.Missing) != 3 {
			t.Fatalf("missing %v, want the three announced", st.Missing)
		}
		wantKey(t, e.putChunks(e.admin, st.ID, frames(t, p, hashes[3])), 400, "drive.chunk_unknown")
		e.mustPutChunks(e.admin, st.ID, p, hashes[:3])
		wantKey(t, e.commit(e.admin, st.ID), 400, "drive.invalid_upload")

		appendChunks := func(id string, cs []drive.UploadChunk) servertest.Response {
			return e.Do("POST", "/api/v1/drive/uploads/"+id+"/append", e.admin, map[string]any{"chunks": cs})
		}
		half := 3 + (len(all)-3)/2
		for _, part := range [][]drive.UploadChunk{all[3:half], all[half:]} {
			var got drive.UploadState
			r := appendChunks(st.ID, part)
			if r.Status != http.StatusOK {
				t.Fatalf("append: %d %s", r.Status, r.Body)
			}
			r.JSON(t, &got)
			if len(got.Missing) != len(part) {
				t.Fatalf("append of %d new chunks: missing %d", len(part), len(got.Missing))
			}
			e.mustPutChunks(e.admin, st.ID, p, got.Missing)
		}
		wantKey(t, appendChunks(st.ID, all[:1]), 400, "drive.invalid_upload") // past the size
		wantKey(t, appendChunks(st.ID, []drive.UploadChunk{{Hash: "nothex", Size: 1}}), 400, "drive.invalid_upload")

		var status drive.UploadState
		e.Must(http.StatusOK, "GET", "/api/v1/drive/uploads/"+st.ID, e.admin, nil).JSON(t, &status)
		if status.Announced != len(all) || status.ListHash != drive.ChunkListHash(hashes) || len(status.Missing) != 0 {
			t.Fatalf("status %+v: want %d announced, list hash %s, nothing missing", status, len(all), drive.ChunkListHash(hashes))
		}
		var f drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		if f.Hash != want || f.Size != int64(len(data)) {
			t.Fatalf("committed %+v: want hash %s", f, want)
		}
		if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data) {
			t.Fatal("the file's content differs from what was sent")
		}
		if got := se.Server.Drive.RereadBytes(); got != 0 {
			t.Fatalf("commit re-read %d bytes: the running hash did not follow the appends", got)
		}

		again := open
		again.Name, again.Chunks = "copy.bin", nil
		st2 := e.start(e.admin, plan{req: again})
		var got drive.UploadState
		appendChunks(st2.ID, all).JSON(t, &got)
		if len(got.Missing) != 0 {
			t.Fatalf("a copy of a readable file asked for %d chunks", len(got.Missing))
		}
		var f2 drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st2.ID+"/commit", e.admin, nil).JSON(t, &f2)
		if f2.Hash != want {
			t.Fatalf("copy committed with hash %s, want %s", f2.Hash, want)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, server.Config{DataDir: t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		run(t, server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresDSN(t)})
	})
}

// TestConcurrentAppendsRefusedNot500: appends to one open upload that race
// (PostgreSQL reads the list's end in each transaction) each either land
// whole or get 409 drive.append_busy, never a 500, and the list the server
// keeps is exactly the appends that were answered 200, in some order.
func TestConcurrentAppendsRefusedNot500(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, cfg server.Config) {
		se := servertest.Start(t, cfg)
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(62, 5<<20)
		p := withParent(planOf(t, data), root, "race.bin")
		all := p.req.Chunks
		open := p.req
		open.Hash, open.Chunks, open.Open = "", nil, true
		st := e.start(e.admin, plan{req: open})

		answers := make([]servertest.Response, len(all))
		var wg sync.WaitGroup
		for i := range all {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = e.Do("POST", "/api/v1/drive/uploads/"+st.ID+"/append", e.admin,
					map[string]any{"chunks": all[i : i+1]})
			}()
		}
		wg.Wait()
		ok := 0
		for i, r := range answers {
			switch r.Status {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				wantKey(t, r, http.StatusConflict, "drive.append_busy")
			default:
				t.Fatalf("append %d: %d %s, want 200 or 409", i, r.Status, r.Body)
			}
		}
		var status drive.UploadState
		e.Must(http.StatusOK, "GET", "/api/v1/drive/uploads/"+st.ID, e.admin, nil).JSON(t, &status)
		if status.Announced != ok {
			t.Fatalf("the list holds %d chunks, but %d appends were answered 200", status.Announced, ok)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, server.Config{DataDir: t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		run(t, server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresDSN(t)})
	})
}
