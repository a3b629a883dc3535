package syncagent

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A pair's index of more than one old batch (5,000 rows) must load again
// after a restart: FindInBatches failed on the two-column key at the second
// batch and the pair stopped for good.
func TestIndexReopenLarge(t *testing.T) {
	t.Parallel()
	for _, n := range []int{10000, 100000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir := t.TempDir()
			ix, err := OpenIndex(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			recs := make([]*FileRecord, 0, n)
			for i := range n {
				r := &FileRecord{PairID: "p1", Path: fmt.Sprintf("d%03d/f%06d.txt", i%500, i), Size: int64(i), MtimeNs: int64(i) * 7,
					Inode: uint64(i + 1), Hash: fmt.Sprintf("h%d", i), EntryID: fmt.Sprintf("e%d", i), Version: int64(i%3 + 1)}
				if i%1000 == 0 {
					r.Chunks = Chunks{{Offset: 0, Size: 1, Hash: "c1"}, {Offset: 1, Size: 2, Hash: "c2"}}
				}
				if i%500 == 0 {
					r.Dir, r.Path, r.Hash = true, fmt.Sprintf("d%03d", i/500), ""
				}
				recs = append(recs, r)
			}
			// Another pair's rows share the table and must not leak in.
			other := []*FileRecord{{PairID: "p2", Path: "d000/f000001.txt", Hash: "x"}}
			if err := ix.Apply(ctx, "p1", recs, nil); err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(ctx, "p2", other, nil); err != nil {
				t.Fatal(err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}

			ix, err = OpenIndex(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			start := time.Now()
			files, err := ix.Files(ctx, "p1")
			if err != nil {
				t.Fatalf("reopen with %d entries: %v", n, err)
			}
			t.Logf("loaded %d entries in %v", len(files), time.Since(start))
			if len(files) != n {
				t.Fatalf("loaded %d of %d entries", len(files), n)
			}
			for _, want := range recs {
				got := files[want.Path]
				if got == nil {
					t.Fatalf("%s missing", want.Path)
				}
				if got.PairID != "p1" || got.Dir != want.Dir || got.Size != want.Size || got.MtimeNs != want.MtimeNs || got.Inode != want.Inode ||
					got.Hash != want.Hash || got.EntryID != want.EntryID || got.Version != want.Version || len(got.Chunks) != len(want.Chunks) {
					t.Fatalf("%s: got %+v, want %+v", want.Path, got, want)
				}
				for i := range want.Chunks {
					if got.Chunks[i] != want.Chunks[i] {
						t.Fatalf("%s chunks: got %+v, want %+v", want.Path, got.Chunks, want.Chunks)
					}
				}
			}
		})
	}
}
