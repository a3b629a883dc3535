package syncagent

import (
	"context"
	"testing"
	"time"
)

func TestIndexRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ix, err := OpenIndex(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	p := Pair{ID: "p1", LocalPath: "/x", SpaceID: "s", RemoteFolderID: "f", Mode: ModeTwoWay, CreatedAt: time.Now().UTC()}
	if err := ix.SavePair(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Paused = true
	if err := ix.SavePair(ctx, p); err != nil {
		t.Fatal(err)
	}
	ps, err := ix.Pairs(ctx)
	if err != nil || len(ps) != 1 || !ps[0].Paused {
		t.Fatalf("pairs = %+v, %v", ps, err)
	}
	recs := []*FileRecord{
		{PairID: "p1", Path: "a.txt", Size: 3, Hash: "h1", Chunks: Chunks{{Offset: 0, Size: 3, Hash: "h1"}}, EntryID: "e1", Version: 1},
		{PairID: "p1", Path: "d", Dir: true, EntryID: "e2", Version: 1},
	}
	if err := ix.Apply(ctx, "p1", recs, nil); err != nil {
		t.Fatal(err)
	}
	recs[0].Version = 2
	if err := ix.Apply(ctx, "p1", recs[:1], []string{"d"}); err != nil {
		t.Fatal(err)
	}
	files, err := ix.Files(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files["a.txt"].Version != 2 || len(files["a.txt"].Chunks) != 1 {
		t.Fatalf("files = %+v", files)
	}
	if err := ix.SaveUpload(ctx, uploadRecord{PairID: "p1", Path: "a.txt", Hash: "h2", UploadID: "u1"}); err != nil {
		t.Fatal(err)
	}
	if id, _ := ix.Upload(ctx, "p1", "a.txt", "h2"); id != "u1" {
		t.Fatalf("upload id %q", id)
	}
	if id, _ := ix.Upload(ctx, "p1", "a.txt", "other"); id != "" {
		t.Fatalf("upload for other content must not resume: %q", id)
	}
	if err := ix.DeletePair(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if files, _ := ix.Files(ctx, "p1"); len(files) != 0 {
		t.Fatal("pair files not deleted")
	}
}
