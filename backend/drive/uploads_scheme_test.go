package drive_test

import (
	"bytes"
	"net/http"
	"testing"

	"tack/backend/drive"
	"tack/backend/drive/chunker"
	"tack/backend/server/servertest"
)

// TestChunkSchemeRecorded: each version records the chunking scheme its
// chunks were cut with — the one a chunked upload names, the server's own
// (chunker.Current) for content it cuts itself, the source's for a restore
// — so a client editing the file cuts the same way and the edit
// deduplicates. A diff against a base of another scheme is refused (the
// client announces in full); an unknown scheme is refused and creates
// nothing.
func TestChunkSchemeRecorded(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		versions := func(id string) []drive.FileVersion {
			t.Helper()
			var vs struct{ Items []drive.FileVersion }
			e.Must(http.StatusOK, "GET", "/api/v1/drive/files/"+id+"/versions", e.admin, nil).JSON(t, &vs)
			return vs.Items
		}

		bad := withParent(planOf(t, randomData(40, 300<<10)), root, "bad.bin")
		bad.req.ChunkScheme = 9
		r := e.Do("POST", "/api/v1/drive/uploads", e.admin, bad.req)
		if _, k, fields := r.ErrorCode(); r.Status != http.StatusBadRequest || k != "drive.invalid_upload" || fields["chunk_scheme"] != "unknown" {
			t.Fatalf("unknown scheme: %d %s", r.Status, r.Body)
		}

		data := randomData(41, 3<<20)
		base := withParent(planOf(t, data), root, "s2.bin")
		base.req.ChunkScheme = int(chunker.Scheme2)
		f, _ := e.chunked(e.admin, base)
		if vs := versions(f.ID); len(vs) != 1 || vs[0].ChunkScheme != int(chunker.Scheme2) {
			t.Fatalf("versions %+v: want scheme 2 recorded", vs)
		}

		edited := bytes.Clone(data)
		copy(edited[1<<20:], randomData(42, 256<<10))
		p := planOf(t, edited)
		p.req.EntryID, p.req.BaseVersion = f.ID, f.Version
		diff := p.req
		diff.Chunks, diff.Diff = nil, diffOf(base, p)
		diff.ChunkScheme = int(chunker.Scheme3)
		r = e.Do("POST", "/api/v1/drive/uploads", e.admin, diff)
		if _, k, fields := r.ErrorCode(); r.Status != http.StatusBadRequest || k != "drive.invalid_upload" || fields["chunks_diff"] != "scheme_mismatch" {
			t.Fatalf("diff across schemes: %d %s", r.Status, r.Body)
		}
		p.req.ChunkScheme = int(chunker.Scheme2)
		f2, _ := e.chunked(e.admin, p)
		if f2.Version != f.Version+1 || !bytes.Equal(e.get(e.admin, f.ID, 0).Body, edited) {
			t.Fatalf("edit in scheme 2: %+v", f2)
		}

		// The server cuts a one-request upload itself: the current scheme.
		small := e.mustPut(e.admin, root, "small.bin", randomData(43, 200<<10))
		if vs := versions(small.ID); len(vs) != 1 || vs[0].ChunkScheme != int(chunker.Current) {
			t.Fatalf("one-request upload: versions %+v, want scheme %d", vs, chunker.Current)
		}

		// A restore keeps the restored version's scheme (its chunks).
		vs := versions(f.ID)
		var g drive.Entry
		e.Must(http.StatusOK, "POST", "/api/v1/drive/files/"+f.ID+"/versions/"+vs[1].ID+"/restore", e.admin, map[string]any{"version": f2.Version}).JSON(t, &g)
		if vs := versions(f.ID); vs[0].ChunkScheme != int(chunker.Scheme2) {
			t.Fatalf("restored version %+v, want scheme 2", vs[0])
		}
	})
}
