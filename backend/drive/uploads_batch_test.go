package drive_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// frames is a PutChunks body carrying the given chunks of p.
func frames(t *testing.T, p plan, hashes ...string) []byte {
	t.Helper()
	var body []byte
	for _, h := range hashes {
		var err error
		if body, err = drive.AppendChunkFrame(body, h, p.bytesOf(h)); err != nil {
			t.Fatal(err)
		}
	}
	return body
}

func (e *env) putChunks(tok, upload string, body []byte) servertest.Response {
	return e.raw("POST", "/api/v1/drive/uploads/"+upload+"/chunks", tok, body, map[string]string{"Content-Type": "application/octet-stream"})
}

func (e *env) missing(tok, upload string) []string {
	var st drive.UploadState
	e.Must(http.StatusOK, "GET", "/api/v1/drive/uploads/"+upload, tok, nil).JSON(e.t, &st)
	slices.Sort(st.Missing)
	return st.Missing
}

// TestChunkBatchUpload: many chunks in one request. A batch with one
// corrupted chunk, a chunk not announced or a body cut short is refused
// whole and stores nothing of it; a batch that is accepted counts for a
// resumed upload (the status lists only the rest); other people's uploads
// do not exist for the caller; the commit verifies the whole content.
func TestChunkBatchUpload(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(21, 4<<20)
		p := withParent(planOf(t, data), root, "batch.bin")
		st := e.start(e.admin, p)
		all := slices.Sorted(slices.Values(st.Missing))
		if len(all) < 6 {
			t.Fatalf("%d chunks: want several", len(all))
		}
		half := st.Missing[:len(st.Missing)/2]

		// One corrupted chunk refuses the batch: nothing of it is received.
		bad := frames(t, p, half...)
		bad[len(bad)-1] ^= 0xff
		wantKey(t, e.putChunks(e.admin, st.ID, bad), 400, "drive.bad_chunk")
		// Cut short, not announced, someone else's upload.
		whole := frames(t, p, half...)
		wantKey(t, e.putChunks(e.admin, st.ID, whole[:len(whole)-10]), 400, "drive.bad_chunk")
		other := planOf(t, randomData(22, 300<<10))
		wantKey(t, e.putChunks(e.admin, st.ID, frames(t, other, other.chunks[0].Hash)), 400, "drive.chunk_unknown")
		_, bob := e.NewUser(e.admin, "", "admin")
		wantKey(t, e.putChunks(bob, st.ID, whole), 404, "drive.upload_not_found")
		if got := e.missing(e.admin, st.ID); !slices.Equal(got, all) {
			t.Fatalf("refused batches stored chunks: %d of %d missing", len(got), len(all))
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil), 409, "drive.chunks_missing")

		// The first half goes up; a resumed upload lists only the rest.
		if r := e.putChunks(e.admin, st.ID, whole); r.Status != http.StatusNoContent {
			t.Fatalf("batch: %d %s", r.Status, r.Body)
		}
		rest := slices.Sorted(slices.Values(st.Missing[len(st.Missing)/2:]))
		if got := e.missing(e.admin, st.ID); !slices.Equal(got, rest) {
			t.Fatalf("after the first batch %d missing, want %d", len(got), len(rest))
		}
		if r := e.putChunks(e.admin, st.ID, frames(t, p, rest...)); r.Status != http.StatusNoContent {
			t.Fatalf("batch: %d %s", r.Status, r.Body)
		}
		var f drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		if got := e.get(e.admin, f.ID, 0); !bytes.Equal(got.Body, data) {
			t.Fatal("the file's content differs from what was sent")
		}
	})
}

// diffOf announces p's chunks against base the simple way: the common
// prefix and suffix are kept, the rest is new.
func diffOf(base, p plan) *drive.ChunkDiff {
	hashes := make([]string, len(base.chunks))
	for i, c := range base.chunks {
		hashes[i] = c.Hash
	}
	pre := 0
	for pre < len(base.chunks) && pre < len(p.chunks) && base.chunks[pre].Hash == p.chunks[pre].Hash {
		pre++
	}
	suf := 0
	for suf < len(base.chunks)-pre && suf < len(p.chunks)-pre &&
		base.chunks[len(base.chunks)-1-suf].Hash == p.chunks[len(p.chunks)-1-suf].Hash {
		suf++
	}
	d := &drive.ChunkDiff{BaseListHash: drive.ChunkListHash(hashes)}
	if pre > 0 {
		d.Ops = append(d.Ops, drive.DiffOp{From: 0, Count: pre})
	}
	var fresh []drive.UploadChunk
	for _, c := range p.chunks[pre : len(p.chunks)-suf] {
		fresh = append(fresh, drive.UploadChunk{Hash: c.Hash, Size: c.Size})
	}
	if len(fresh) > 0 {
		d.Ops = append(d.Ops, drive.DiffOp{Chunks: fresh})
	}
	if suf > 0 {
		d.Ops = append(d.Ops, drive.DiffOp{From: len(base.chunks) - suf, Count: suf})
	}
	return d
}

// TestChunkDiffAnnounce: a new version announced as a diff of its base's
// chunk list is rebuilt by the server, asks only for the new chunks and
// commits the edited content. Bad diffs are refused with a clear error and
// change nothing: a stale base, runs out of the base's range, a base list
// that is not the stored one, a diff for a new file, a malformed run, sizes
// that do not add up, and a wrong total hash (at commit).
func TestChunkDiffAnnounce(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		data := randomData(31, 6<<20)
		base := withParent(planOf(t, data), root, "edit.bin")
		f, _ := e.chunked(e.admin, base)
		edited := bytes.Clone(data)
		copy(edited[3<<20:], randomData(32, 1<<20))
		p := planOf(t, edited)
		p.req.EntryID, p.req.BaseVersion = f.ID, f.Version
		good := p.req
		good.Chunks, good.Diff = nil, diffOf(base, p)
		if len(good.Diff.Ops) != 3 {
			t.Fatalf("diff %+v: want keep, new, keep", good.Diff.Ops)
		}

		refuse := func(name string, req drive.UploadRequest, status int, key, field, value string) {
			t.Helper()
			r := e.Do("POST", "/api/v1/drive/uploads", e.admin, req)
			_, k, fields := r.ErrorCode()
			if r.Status != status || k != key || (field != "" && fields[field] != value) {
				t.Fatalf("%s: got %d %s, want %d %s %s=%s", name, r.Status, r.Body, status, key, field, value)
			}
		}
		stale := good
		stale.BaseVersion = f.Version - 1
		refuse("stale base", stale, 409, "drive.stale_version", "", "")
		out := good
		out.Diff = &drive.ChunkDiff{BaseListHash: good.Diff.BaseListHash, Ops: slices.Clone(good.Diff.Ops)}
		out.Diff.Ops[2].From++
		refuse("out of range", out, 400, "drive.invalid_upload", "chunks_diff", "out_of_range")
		neg := good
		neg.Diff = &drive.ChunkDiff{BaseListHash: good.Diff.BaseListHash, Ops: []drive.DiffOp{{From: -1, Count: 2}}}
		refuse("negative index", neg, 400, "drive.invalid_upload", "chunks_diff", "out_of_range")
		other := good
		other.Diff = &drive.ChunkDiff{BaseListHash: strings.Repeat("0", 64), Ops: good.Diff.Ops}
		refuse("another base list", other, 400, "drive.invalid_upload", "chunks_diff", "base_mismatch")
		both := good
		both.Diff = &drive.ChunkDiff{BaseListHash: good.Diff.BaseListHash, Ops: []drive.DiffOp{{From: 0, Count: 1, Chunks: good.Diff.Ops[1].Chunks}}}
		refuse("keep and new in one run", both, 400, "drive.invalid_upload", "chunks_diff", "invalid")
		newFile := good
		newFile.EntryID, newFile.BaseVersion, newFile.ParentID, newFile.Name = "", 0, root, "new.bin"
		refuse("diff for a new file", newFile, 400, "drive.invalid_upload", "chunks_diff", "needs_entry")
		size := good
		size.Size++
		refuse("sizes do not add up", size, 400, "drive.invalid_upload", "size", "mismatch")

		// A wrong total hash: accepted at start (no bytes yet), refused at
		// commit, the file unchanged.
		wrong := good
		wrong.Hash = strings.Repeat("0", 64)
		var st drive.UploadState
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/uploads", e.admin, wrong).JSON(t, &st)
		if n := len(st.Missing); n == 0 || n != len(good.Diff.Ops[1].Chunks) {
			t.Fatalf("%d chunks missing for %d new ones", n, len(good.Diff.Ops[1].Chunks))
		}
		if r := e.putChunks(e.admin, st.ID, frames(t, p, st.Missing...)); r.Status != http.StatusNoContent {
			t.Fatalf("batch: %d %s", r.Status, r.Body)
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil), 400, "drive.hash_mismatch")
		var now drive.Entry
		e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+f.ID, e.admin, nil).JSON(t, &now)
		if now.Version != f.Version || now.Hash != f.Hash || !bytes.Equal(e.get(e.admin, f.ID, 0).Body, data) {
			t.Fatalf("a refused diff changed the file: %+v", now)
		}

		// The good diff: the commit
		// stores the edited content, the old version stays intact.
		// (The new chunks were sent in the refused upload, which it
		// replaces: they count as sent by the caller.)
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/uploads", e.admin, good).JSON(t, &st)
		if len(st.Missing) != 0 {
			t.Fatalf("%d chunks missing, want none", len(st.Missing))
		}
		var f2 drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f2)
		if f2.Version != f.Version+1 || f2.Hash != p.req.Hash || !bytes.Equal(e.get(e.admin, f.ID, 0).Body, edited) {
			t.Fatalf("new version %+v", f2)
		}
		if !bytes.Equal(e.get(e.admin, f.ID, f.Version).Body, data) {
			t.Fatal("the base version's content is not intact")
		}
		// The old way still works: the full list (browser, older agents).
		again := planOf(t, data)
		again.req.EntryID, again.req.BaseVersion = f.ID, f2.Version
		if f3, _ := e.chunked(e.admin, again); f3.Hash != again.req.Hash {
			t.Fatalf("full announce after a diff: %+v", f3)
		}
	})
}
