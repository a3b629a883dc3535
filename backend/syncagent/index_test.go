package syncagent

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"tack/backend/store"
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

// An index written before sync-0003 (rows in a rowid table with its
// secondary indexes) keeps every row, field for field, when the table is
// rebuilt in primary key order, and the rebuilt table takes the usual
// writes.
func TestIndexUpgradeToClusteredKeepsRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Config{DataDir: filepath.Join(dir, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	before := migrations()[:2]
	if before[1].ID != "sync-0002-syncrestart-ctime" {
		t.Fatalf("migrations before the rebuild: %v", before[1].ID)
	}
	if err := store.Migrate(db, before); err != nil {
		t.Fatal(err)
	}
	old := &Index{db: db}
	recs := []*FileRecord{
		{PairID: "p1", Path: "a.txt", Size: 3, MtimeNs: 11, CtimeNs: 12, Inode: 13, Hash: "h1", EntryID: "e1", Version: 4,
			Chunks: Chunks{{Offset: 0, Size: 1, Hash: "c1"}, {Offset: 1, Size: 2, Hash: "c2"}}},
		{PairID: "p1", Path: "d", Dir: true, Inode: 14, EntryID: "e2", Version: 1},
		{PairID: "p2", Path: "a.txt", Size: 5, Hash: "h2", EntryID: "e3", Version: 2},
	}
	if err := old.Apply(ctx, "p1", recs[:2], nil); err != nil {
		t.Fatal(err)
	}
	if err := old.Apply(ctx, "p2", recs[2:], nil); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	ix, err := OpenIndex(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var sql string
	if err := ix.db.Raw("SELECT sql FROM sqlite_master WHERE name = 'sync_files'").Scan(&sql).Error; err != nil || !strings.Contains(sql, "WITHOUT ROWID") {
		t.Fatalf("sync_files after the upgrade: %q, %v", sql, err)
	}
	for _, r := range recs {
		files, err := ix.Files(ctx, r.PairID)
		if err != nil {
			t.Fatal(err)
		}
		if got := files[r.Path]; got == nil || !reflect.DeepEqual(*got, *r) {
			t.Fatalf("%s/%s after the upgrade: %+v, want %+v", r.PairID, r.Path, got, r)
		}
	}
	if err := ix.Apply(ctx, "p1", []*FileRecord{{PairID: "p1", Path: "b.txt", Hash: "h3"}}, []string{"d"}); err != nil {
		t.Fatal(err)
	}
	if files, _ := ix.Files(ctx, "p1"); len(files) != 2 || files["b.txt"] == nil || files["d"] != nil {
		t.Fatalf("writes after the upgrade: %+v", files)
	}
}
