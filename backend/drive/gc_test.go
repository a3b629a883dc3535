package drive_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/server/servertest"
)

func (e *env) trashAndPurge(tok string, f drive.Entry) {
	e.t.Helper()
	e.Must(204, "DELETE", "/api/v1/drive/entries/"+f.ID+"?version="+strconv.FormatInt(f.Version, 10), tok, nil)
	e.Must(204, "DELETE", "/api/v1/drive/trash/"+f.ID, tok, nil)
}

func TestGarbageCollectionKeepsWhatIsInUse(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx := context.Background()
		gc := func() (int, int) {
			t.Helper()
			n, o, err := e.Server.Drive.CollectGarbage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n, o
		}
		blobs := e.Server.Drive.Blobs().(*blobstore.Local)
		root := e.spaces(e.admin)["company"].RootID
		kept := e.mustPut(e.admin, root, "kept.txt", []byte("referenced by a version"))
		// an open upload with one chunk received
		open := withParent(planOf(t, []byte("in an open upload")), root, "open.txt")
		st := e.start(e.admin, open)
		e.putChunk(e.admin, st.ID, open, st.Missing[0])
		// unreferenced just now: kept for the grace period
		gone := e.mustPut(e.admin, root, "gone.txt", []byte("purged content"))
		e.trashAndPurge(e.admin, gone)
		if n, _ := gc(); n != 0 || !blobs.Has(gone.Hash) {
			t.Fatalf("collected %d chunks within the grace period", n)
		}
		e.Clock.Advance(2 * time.Hour)
		// a new upload announcing the purged chunk protects it, though it is
		// old and no version refers to it; no readable file holds it, so
		// the caller is asked for the bytes (content_access.go)
		again := withParent(planOf(t, []byte("purged content")), root, "again.txt")
		st2 := e.start(e.admin, again)
		if len(st2.Missing) != 1 {
			t.Fatalf("purged chunk counted as present: %v", st2.Missing)
		}
		// an orphan chunk file (a crash after rename, before commit): old → swept, fresh → kept
		oldOrphan, newOrphan := []byte("old orphan"), []byte("new orphan")
		for _, b := range [][]byte{oldOrphan, newOrphan} {
			if err := blobs.Put(blobstore.HashOf(b), b); err != nil {
				t.Fatal(err)
			}
		}
		past := time.Now().Add(-3 * time.Hour)
		_ = os.Chtimes(blobs.Path(blobstore.HashOf(oldOrphan)), past, past)
		n, orphans := gc()
		if n != 0 || orphans != 1 || blobs.Has(blobstore.HashOf(oldOrphan)) || !blobs.Has(blobstore.HashOf(newOrphan)) {
			t.Fatalf("collected %d chunks and %d orphans", n, orphans)
		}
		for _, h := range []string{kept.Hash, open.req.Chunks[0].Hash, gone.Hash} {
			if !blobs.Has(h) {
				t.Fatalf("chunk %s in use was removed", h)
			}
		}
		if r := e.putChunk(e.admin, st2.ID, again, st2.Missing[0]); r.Status != 204 {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		var f drive.Entry
		e.Must(200, "POST", "/api/v1/drive/uploads/"+st2.ID+"/commit", e.admin, nil).JSON(t, &f)
		if string(e.get(e.admin, f.ID, 0).Body) != "purged content" || string(e.get(e.admin, kept.ID, 0).Body) != "referenced by a version" {
			t.Fatal("content lost")
		}
		// an expired upload releases its chunks (not while a backup holds the store)
		e.Clock.Advance(25 * time.Hour)
		e.admin = e.Login(servertest.AdminEmail, servertest.TestPassword)
		hold, err := drive.AcquireGCHold(ctx, e.Server.DB, "test", e.Clock.Now(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := e.Server.Drive.Maintain(ctx); err != nil || rep.ChunksRemoved != 0 || !blobs.Has(open.req.Chunks[0].Hash) {
			t.Fatalf("collected during a hold: %+v %v", rep, err)
		}
		if err := drive.ReleaseGCHold(ctx, e.Server.DB, hold.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := e.Server.Drive.Maintain(ctx)
		if err != nil || rep.UploadsExpired != 0 || rep.ChunksRemoved != 1 || blobs.Has(open.req.Chunks[0].Hash) {
			t.Fatalf("after expiry %+v %v", rep, err)
		}
	})
}

// TestGarbageCollectionRacesUploads runs the collector without pause while
// the same content is uploaded, purged and uploaded again, with the clock
// jumping so every purged chunk is old at once: every committed file must
// stay readable.
func TestGarbageCollectionRacesUploads(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		ctx, cancel := context.WithCancel(context.Background())
		root := e.spaces(e.admin)["company"].RootID
		var wg sync.WaitGroup
		var runs atomic.Int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, _, err := e.Server.Drive.CollectGarbage(ctx); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
				runs.Add(1)
			}
		}()
		contents := [][]byte{randomData(11, 700<<10), []byte("tiny shared content"), randomData(12, 300<<10)}
		var kept []drive.Entry
		for i := 0; i < 30; i++ {
			data := contents[i%len(contents)]
			if i%3 == 2 {
				data = randomData(uint64(100+i), 200<<10) // kept: unique, never touched again
			}
			var f drive.Entry
			if i%2 == 0 {
				f = e.mustPut(e.admin, root, fmt.Sprintf("f%d", i), data)
			} else {
				f, _ = e.chunked(e.admin, withParent(planOf(t, data), root, fmt.Sprintf("f%d", i)))
			}
			if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data) {
				t.Fatalf("iteration %d: content lost right after commit (%d)", i, got.Status)
			}
			if i%3 == 2 {
				kept = append(kept, f)
			} else {
				e.trashAndPurge(e.admin, f)
			}
			e.Clock.Advance(2 * time.Hour)
		}
		cancel()
		wg.Wait()
		e.Clock.Advance(2 * time.Hour)
		if _, _, err := e.Server.Drive.CollectGarbage(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.admin = e.Login(servertest.AdminEmail, servertest.TestPassword)
		if runs.Load() < 5 {
			t.Fatalf("the collector ran only %d times", runs.Load())
		}
		for _, f := range kept {
			if got := e.get(e.admin, f.ID, 0); got.Status != 200 || got.Header.Get("ETag") != `"`+f.Hash+`"` || len(got.Body) != int(f.Size) {
				t.Fatalf("%s unreadable after the race: %d", f.Name, got.Status)
			}
		}
	})
}
