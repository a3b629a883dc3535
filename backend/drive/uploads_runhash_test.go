package drive_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"tack/backend/drive"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

func (e *env) commit(tok, upload string) servertest.Response {
	e.t.Helper()
	return e.Do("POST", "/api/v1/drive/uploads/"+upload+"/commit", tok, nil)
}

func (e *env) mustPutChunks(tok, upload string, p plan, hashes []string) {
	e.t.Helper()
	if r := e.putChunks(tok, upload, frames(e.t, p, hashes...)); r.Status != http.StatusNoContent {
		e.t.Fatalf("batch: %d %s", r.Status, r.Body)
	}
}

// inOrder is the upload's missing chunks in content order.
func inOrder(p plan, missing []string) []string {
	var out []string
	for _, c := range p.chunks {
		if slices.Contains(missing, c.Hash) && !slices.Contains(out, c.Hash) {
			out = append(out, c.Hash)
		}
	}
	return out
}

// thirds splits hs in three runs.
func thirds(hs []string) (a, b, c []string) {
	n := len(hs) / 3
	return hs[:n], hs[n : 2*n], hs[2*n:]
}

// TestRunningHashOutOfOrder: batches sent last first commit without reading
// the content back from the store (the whole-content hash ran as they
// arrived) and the content is exact. The same chunks announced under a
// wrong whole hash are still refused (after a full re-read) and commit
// nothing.
func TestRunningHashOutOfOrder(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		svc := se.Server.Drive
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(31, 6<<20)
		good := withParent(planOf(t, data), root, "ooo.bin")

		// A wrong whole hash: every chunk is right, the total is not.
		bad := good
		bad.req.Hash = good.req.Hash[:60] + "0000"
		if bad.req.Hash == good.req.Hash {
			bad.req.Hash = good.req.Hash[:60] + "1111"
		}
		st := e.start(e.admin, bad)
		hs := inOrder(bad, st.Missing)
		if len(hs) < 6 {
			t.Fatalf("%d chunks: want several", len(hs))
		}
		a, b, c := thirds(hs)
		for _, part := range [][]string{c, a, b} {
			e.mustPutChunks(e.admin, st.ID, bad, part)
		}
		before := svc.RereadBytes()
		wantKey(t, e.commit(e.admin, st.ID), 400, "drive.hash_mismatch")
		if got := svc.RereadBytes() - before; got != int64(len(data)) {
			t.Fatalf("a refused hash re-read %d bytes, want the whole %d", got, len(data))
		}

		// The right hash, the batches again out of order (the chunks are
		// stored already, but they were not sent by this upload: sent anew).
		st = e.start(e.admin, good) // 201: the refused upload committed nothing
		hs = inOrder(good, st.Missing)
		a, b, c = thirds(hs)
		for _, part := range [][]string{b, c, a} {
			e.mustPutChunks(e.admin, st.ID, good, part)
		}
		before = svc.RereadBytes()
		var f drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		if got := svc.RereadBytes() - before; got != 0 {
			t.Fatalf("the commit re-read %d bytes, want 0 (the running hash)", got)
		}
		if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data) {
			t.Fatal("the file's content differs from what was sent")
		}
	})
}

// TestRunningHashAcrossRestart: a second server process on the same
// database and blob store (a restarted server, or a replica) has no running
// hash. An upload committed there is verified by reading the whole content
// back; an upload whose later chunks reached the other process is finished
// by reading only those from the store. Both commit exact content, and a
// wrong whole hash is refused there too.
func TestRunningHashAcrossRestart(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, cfg server.Config) {
		seA := servertest.Start(t, cfg)
		e := newEnv(t, seA)
		seB := servertest.Start(t, cfg)
		eb := &env{Env: seB, t: t, admin: e.admin}
		root := e.spaces(e.admin)["company"].RootID

		// All chunks to A, the commit on B (A restarted: B knows nothing).
		data := randomData(41, 5<<20)
		p := withParent(planOf(t, data), root, "restart.bin")
		st := e.start(e.admin, p)
		e.mustPutChunks(e.admin, st.ID, p, inOrder(p, st.Missing))
		var f drive.Entry
		eb.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		if got := seB.Server.Drive.RereadBytes(); got != int64(len(data)) {
			t.Fatalf("B re-read %d bytes, want the whole %d", got, len(data))
		}
		if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data) {
			t.Fatal("the file's content differs from what was sent")
		}

		// The first third to A, the rest to B, the commit on A: A hashed
		// the first third as it came and reads only the rest.
		data2 := randomData(42, 5<<20)
		p2 := withParent(planOf(t, data2), root, "split.bin")
		st = e.start(e.admin, p2)
		hs := inOrder(p2, st.Missing)
		a, b, c := thirds(hs)
		e.mustPutChunks(e.admin, st.ID, p2, a)
		eb.mustPutChunks(e.admin, st.ID, p2, append(slices.Clone(b), c...))
		before := seA.Server.Drive.RereadBytes()
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		var first int64
		for _, h := range a {
			first += int64(len(p2.bytesOf(h)))
		}
		if got := seA.Server.Drive.RereadBytes() - before; got != int64(len(data2))-first {
			t.Fatalf("A re-read %d bytes, want the %d not sent to it", got, int64(len(data2))-first)
		}
		if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data2) {
			t.Fatal("the file's content differs from what was sent")
		}

		// A wrong whole hash, chunks to A, the commit on B: refused.
		p3 := withParent(planOf(t, randomData(43, 3<<20)), root, "wrong.bin")
		p3.req.Hash = p.req.Hash
		st = e.start(e.admin, p3)
		e.mustPutChunks(e.admin, st.ID, p3, inOrder(p3, st.Missing))
		wantKey(t, eb.commit(e.admin, st.ID), 400, "drive.hash_mismatch")
	}
	t.Run("sqlite", func(t *testing.T) { run(t, server.Config{DataDir: t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		run(t, server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresDSN(t)})
	})
}

// TestUploadWithoutHashGetsTheServersHash: a chunked upload announced
// without the whole content's hash (the sync agent's, for big files) is
// committed with the SHA-256 the server computed from the chunks it
// checked: from its running hash when it has one, by reading the content
// back when it has none (another process got the chunks). A chunk whose
// bytes do not match its address is still refused, so the stored hash is
// always the hash of the stored bytes.
func TestUploadWithoutHashGetsTheServersHash(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, cfg server.Config) {
		seA := servertest.Start(t, cfg)
		e := newEnv(t, seA)
		seB := servertest.Start(t, cfg)
		eb := &env{Env: seB, t: t, admin: e.admin}
		root := e.spaces(e.admin)["company"].RootID
		for i, committer := range []*env{e, eb} {
			data := randomData(uint64(51+i), 5<<20)
			p := withParent(planOf(t, data), root, fmt.Sprintf("nohash-%d.bin", i))
			want := p.req.Hash
			p.req.Hash = ""
			st := e.start(e.admin, p)
			hs := inOrder(p, st.Missing)
			// A wrong byte in one chunk: refused, nothing stored of it.
			bad := slices.Clone(p.bytesOf(hs[0]))
			bad[0] ^= 1
			resp := e.raw("PUT", "/api/v1/drive/uploads/"+st.ID+"/chunks/"+hs[0], e.admin, bad, map[string]string{"Content-Type": "application/octet-stream"})
			wantKey(t, resp, 400, "drive.bad_chunk")
			a, b, c := thirds(hs)
			for _, part := range [][]string{c, a, b} {
				e.mustPutChunks(e.admin, st.ID, p, part)
			}
			var f drive.Entry
			committer.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
			if f.Hash != want {
				t.Fatalf("commit on process %d: hash %q, want the content's %q", i, f.Hash, want)
			}
			if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data) {
				t.Fatal("the file's content differs from what was sent")
			}
		}
		if got := seA.Server.Drive.RereadBytes(); got != 0 {
			t.Fatalf("the process that saw every chunk re-read %d bytes, want 0 (the running hash)", got)
		}
		if got := seB.Server.Drive.RereadBytes(); got != 5<<20 {
			t.Fatalf("the other process re-read %d bytes, want the whole content", got)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, server.Config{DataDir: t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		run(t, server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresDSN(t)})
	})
}
