package backup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tack/backend/backup"
	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// snapshotNames lists DIR/snapshots.
func snapshotNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func chunkFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(filepath.Join(dir, "chunks"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestIncrementalBackupCopiesOnlyNewChunks(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		ctx, dir, clk := context.Background(), t.TempDir(), &stepClock{}
		first, err := backup.Backup(ctx, w.source(), opts(dir, clk))
		if err != nil {
			t.Fatal(err)
		}
		w.put("new.bin", randomData(2, 2<<20))
		second, err := backup.Backup(ctx, w.source(), opts(dir, clk))
		if err != nil {
			t.Fatal(err)
		}
		newChunks := second.Chunks - first.Chunks
		if newChunks <= 0 || second.Copied != newChunks || second.CopiedBytes != second.ChunkBytes-first.ChunkBytes {
			t.Fatalf("second backup copied %d chunks (%d bytes); want only the %d new ones: first %+v second %+v",
				second.Copied, second.CopiedBytes, newChunks, first, second)
		}
		third, err := backup.Backup(ctx, w.source(), opts(dir, clk))
		if err != nil {
			t.Fatal(err)
		}
		if third.Copied != 0 || third.Chunks != second.Chunks {
			t.Fatalf("unchanged data: third backup copied %d chunks", third.Copied)
		}
		if got := snapshotNames(t, dir); !slices.Equal(got, []string{first.Name, second.Name, third.Name}) {
			t.Fatalf("snapshots %v", got)
		}
		if readLatest(t, dir) != third.Name || chunkFiles(t, dir) != third.Chunks {
			t.Fatalf("LATEST %s, %d chunk files", readLatest(t, dir), chunkFiles(t, dir))
		}
		// Every snapshot stays restorable, not only the latest.
		tg := newTarget(t, false)
		rr, err := backup.Restore(ctx, tg.src, backup.RestoreOptions{From: dir, Snapshot: first.Name, Migrations: server.Migrations()})
		if err != nil || rr.Chunks != first.Chunks {
			t.Fatalf("restore first snapshot: %+v %v", rr, err)
		}
	})
}

func TestKeepPrunesOldSnapshotsAndTheirChunks(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	w := seed(t, e)
	ctx, dir, clk := context.Background(), t.TempDir(), &stepClock{}
	gone := w.put("gone.bin", randomData(3, 1<<20))
	o := opts(dir, clk)
	o.Keep = 2
	first, err := backup.Backup(ctx, w.source(), o)
	if err != nil {
		t.Fatal(err)
	}
	w.purge(gone)
	second, err := backup.Backup(ctx, w.source(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Pruned.Snapshots) != 0 || chunkFiles(t, dir) != first.Chunks {
		t.Fatalf("keep 2 pruned too early: %+v", second.Pruned)
	}
	third, err := backup.Backup(ctx, w.source(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(third.Pruned.Snapshots, []string{first.Name}) || third.Pruned.Chunks != first.Chunks-third.Chunks {
		t.Fatalf("pruned %+v; first had %d chunks, third %d", third.Pruned, first.Chunks, third.Chunks)
	}
	if got := snapshotNames(t, dir); !slices.Equal(got, []string{second.Name, third.Name}) {
		t.Fatalf("snapshots %v", got)
	}
	if n := chunkFiles(t, dir); n != third.Chunks {
		t.Fatalf("%d chunk files, the kept snapshots need %d", n, third.Chunks)
	}
	rep, err := backup.VerifyBackup(ctx, dir, nil)
	if err != nil || !rep.OK() || rep.Snapshots != 2 {
		t.Fatalf("verify after prune: %+v %v", rep, err)
	}
}

// TestInterruptedBackupKeepsLatest cuts a run in the middle of the chunk
// copy (as Ctrl+C or a crash would): LATEST must stay on the previous
// snapshot, the leftover is not taken for complete, and the next run
// finishes the job and clears it.
func TestInterruptedBackupKeepsLatest(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		dir, clk := t.TempDir(), &stepClock{}
		first, err := backup.Backup(context.Background(), w.source(), opts(dir, clk))
		if err != nil {
			t.Fatal(err)
		}
		w.put("more.bin", randomData(4, 3<<20))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := opts(dir, clk)
		o.Progress = func(p backup.Progress) {
			if p.Phase == backup.PhaseChunks && p.Copied == 1 {
				cancel() // one new chunk copied, more to go
			}
		}
		if _, err := backup.Backup(ctx, w.source(), o); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted backup: %v", err)
		}
		if readLatest(t, dir) != first.Name {
			t.Fatalf("LATEST moved to %s after an interrupted run", readLatest(t, dir))
		}
		names := snapshotNames(t, dir)
		if len(names) != 2 || names[0] != first.Name || !strings.HasSuffix(names[1], ".partial") {
			t.Fatalf("snapshots after interruption: %v", names)
		}
		if rep, err := backup.VerifyBackup(context.Background(), dir, nil); err != nil || !rep.OK() || rep.Snapshots != 1 || rep.Partial != 1 {
			t.Fatalf("verify after interruption: %+v %v", rep, err)
		}
		// The GC hold was released: the collector is not blocked.
		assertNoHolds(t, e)

		second, err := backup.Backup(context.Background(), w.source(), opts(dir, clk))
		if err != nil {
			t.Fatal(err)
		}
		if second.Copied == 0 || second.Copied >= second.Chunks-first.Chunks {
			// The chunk copied before the cut is reused.
			t.Fatalf("resumed run copied %d of %d new chunks", second.Copied, second.Chunks-first.Chunks)
		}
		if got := snapshotNames(t, dir); !slices.Equal(got, []string{first.Name, second.Name}) || readLatest(t, dir) != second.Name {
			t.Fatalf("after the next run: %v, LATEST %s", got, readLatest(t, dir))
		}
	})
}

// TestBackupFailsLoudlyOnMissingChunk: a chunk the snapshot references is
// gone from the data dir (disk damage, or a collector that ignored the
// hold); the run must fail and never become LATEST.
func TestBackupFailsLoudlyOnMissingChunk(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	w := seed(t, e)
	dir, clk := t.TempDir(), &stepClock{}
	first, err := backup.Backup(context.Background(), w.source(), opts(dir, clk))
	if err != nil {
		t.Fatal(err)
	}
	f := w.put("lost.txt", []byte("this chunk will be lost"))
	src := w.source()
	if err := os.Remove(src.Blobs.(*blobstore.Local).Path(f.Hash)); err != nil { // a one-chunk file: chunk hash = file hash
		t.Fatal(err)
	}
	_, err = backup.Backup(context.Background(), src, opts(dir, clk))
	if !errors.Is(err, backup.ErrChunkMissing) || !strings.Contains(err.Error(), f.Hash) {
		t.Fatalf("backup with a missing chunk: %v", err)
	}
	if readLatest(t, dir) != first.Name {
		t.Fatal("LATEST moved to a failed run")
	}
	assertNoHolds(t, e)
}

func TestVerifyDetectsFlippedByteAndMissingChunk(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		ctx, dir := context.Background(), t.TempDir()
		src := w.source()
		rep, err := backup.VerifyData(ctx, src, nil)
		if err != nil || !rep.OK() || rep.Chunks == 0 || rep.Referenced != rep.Chunks {
			t.Fatalf("clean data: %+v %v", rep, err)
		}
		if _, err := backup.Backup(ctx, src, opts(dir, &stepClock{})); err != nil {
			t.Fatal(err)
		}
		if rep, err := backup.VerifyBackup(ctx, dir, nil); err != nil || !rep.OK() || rep.Chunks == 0 {
			t.Fatalf("clean backup: %+v %v", rep, err)
		}

		// Live data: one flipped byte, one chunk gone.
		var hashes []string
		_ = src.Blobs.Walk(func(h string, _ int64, _ time.Time) error { hashes = append(hashes, h); return nil })
		flip(t, src.Blobs.(*blobstore.Local).Path(hashes[0]))
		if err := os.Remove(src.Blobs.(*blobstore.Local).Path(hashes[1])); err != nil {
			t.Fatal(err)
		}
		rep, err = backup.VerifyData(ctx, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() || !slices.Equal(rep.Corrupt, hashes[:1]) || !slices.Equal(rep.Missing, hashes[1:2]) {
			t.Fatalf("damaged data: corrupt %v missing %v problems %v", rep.Corrupt, rep.Missing, rep.Problems)
		}

		// The backup: same damage in its chunk store, then in a table file.
		bk := filepath.Join(dir, "chunks", hashes[2][0:2], hashes[2][2:4], hashes[2])
		flip(t, bk)
		gone := filepath.Join(dir, "chunks", hashes[3][0:2], hashes[3][2:4], hashes[3])
		if err := os.Remove(gone); err != nil {
			t.Fatal(err)
		}
		rep, err = backup.VerifyBackup(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() || !slices.Equal(rep.Corrupt, hashes[2:3]) || !slices.Equal(rep.Missing, hashes[3:4]) {
			t.Fatalf("damaged backup: corrupt %v missing %v problems %v", rep.Corrupt, rep.Missing, rep.Problems)
		}
		snap := filepath.Join(dir, "snapshots", readLatest(t, dir))
		flip(t, filepath.Join(snap, "db", "users.ndjson"))
		rep, _ = backup.VerifyBackup(ctx, dir, nil)
		if !hasProblem(rep, "users.ndjson") {
			t.Fatalf("damaged table file not reported: %v", rep.Problems)
		}
		// A damaged backup is not restored.
		tg := newTarget(t, false)
		if _, err := backup.Restore(ctx, tg.src, backup.RestoreOptions{From: dir, Migrations: server.Migrations()}); err == nil || !strings.Contains(err.Error(), "users.ndjson") {
			t.Fatalf("restore of a damaged snapshot: %v", err)
		}
	})
}

func TestRestoreRefusesNonEmptyTarget(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		ctx, dir := context.Background(), t.TempDir()
		if _, err := backup.Backup(ctx, w.source(), opts(dir, &stepClock{})); err != nil {
			t.Fatal(err)
		}
		ro := backup.RestoreOptions{From: dir, Migrations: server.Migrations()}
		// The source itself: tables and chunks.
		_, err := backup.Restore(ctx, w.source(), ro)
		if !errors.Is(err, backup.ErrTargetNotEmpty) || !strings.Contains(err.Error(), "database") {
			t.Fatalf("restore over live data: %v", err)
		}
		// A migrated but empty database still has tables: refused.
		used := servertest.Start(t, server.Config{DataDir: t.TempDir(), DSN: dsnLike(t, e)})
		if _, err := backup.Restore(ctx, sourceOf(t, used.Server.DB, used.Server.Config.DataDir), ro); !errors.Is(err, backup.ErrTargetNotEmpty) {
			t.Fatalf("restore into a used database: %v", err)
		}
		// An empty database but a chunk in the data dir: refused.
		tg := newTarget(t, e.Server.Config.DSN != "")
		if err := tg.src.Blobs.Put(blobHash("x"), []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Restore(ctx, tg.src, ro); !errors.Is(err, backup.ErrTargetNotEmpty) || !strings.Contains(err.Error(), "chunks") {
			t.Fatalf("restore into a data dir with chunks: %v", err)
		}
		// Refusal changed nothing: still no tables there.
		var n int64
		if tg.src.DB.Raw(tablesQuery(e.Server.Config.DSN != "")).Scan(&n); n != 0 {
			t.Fatalf("refused restore created %d tables", n)
		}
	})
}

// TestGCHoldPausesCollection: while a backup holds the GC, an unreferenced
// old chunk stays; once released, the collector removes it.
func TestGCHoldPausesCollection(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		f := w.put("garbage.txt", []byte("soon unreferenced"))
		w.purge(f)
		e.Clock.Advance(2 * time.Hour) // past the GC grace period
		src := w.source()
		ctx := context.Background()
		hold, err := drive.AcquireGCHold(ctx, e.Server.DB, "test", time.Now(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if n, _, err := e.Server.Drive.CollectGarbage(ctx); err != nil || n != 0 || !src.Blobs.Has(f.Hash) {
			t.Fatalf("collector under a hold removed %d chunks (%v)", n, err)
		}
		if err := drive.ReleaseGCHold(ctx, e.Server.DB, hold.ID); err != nil {
			t.Fatal(err)
		}
		if n, _, err := e.Server.Drive.CollectGarbage(ctx); err != nil || n != 1 || src.Blobs.Has(f.Hash) {
			t.Fatalf("collector after release removed %d chunks (%v)", n, err)
		}
		// An expired hold (a killed backup) does not block collection.
		g := w.put("garbage2.txt", []byte("also unreferenced"))
		w.purge(g)
		e.Clock.Advance(2 * time.Hour)
		if _, err := drive.AcquireGCHold(ctx, e.Server.DB, "dead", e.Clock.Now().Add(-2*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, _, err := e.Server.Drive.CollectGarbage(ctx); err != nil || n != 1 {
			t.Fatalf("expired hold blocked the collector: %d %v", n, err)
		}
	})
}

// TestFailedRestoreLeavesTargetEmpty: a load that fails half-way (here a
// row the schema rejects, in a snapshot whose manifest was made to match)
// leaves no table and no chunk behind, so the same target can be retried.
func TestFailedRestoreLeavesTargetEmpty(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		ctx, dir := context.Background(), t.TempDir()
		res, err := backup.Backup(ctx, w.source(), opts(dir, &stepClock{}))
		if err != nil {
			t.Fatal(err)
		}
		// A second row for the first user's e-mail breaks users.email UNIQUE,
		// after other tables have loaded.
		m := readManifest(t, res.Dir)
		for i, tf := range m.Tables {
			if tf.Name != "users" {
				continue
			}
			path := filepath.Join(res.Dir, tf.File)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			first := strings.SplitN(string(b), "\n", 2)[0]
			// Columns are in table order; id comes first: a new id, the same e-mail.
			if !strings.HasPrefix(first, `["`) || tf.Columns[0].Name != "id" {
				t.Fatalf("unexpected users row %s", first)
			}
			dup := `["01zzzzzzzzzzzzzzzzzzzzzzzz"` + first[strings.IndexByte(first, ','):]
			b = append(b, []byte(dup+"\n")...)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			m.Tables[i].SHA256, m.Tables[i].Bytes, m.Tables[i].Rows = hex.EncodeToString(sum[:]), int64(len(b)), tf.Rows+1
		}
		mb, _ := json.Marshal(m)
		if err := os.WriteFile(filepath.Join(res.Dir, "manifest.json"), mb, 0o600); err != nil {
			t.Fatal(err)
		}
		tg := newTarget(t, e.Server.Config.DSN != "")
		if _, err := backup.Restore(ctx, tg.src, backup.RestoreOptions{From: dir, Migrations: server.Migrations()}); err == nil || !strings.Contains(err.Error(), "users") {
			t.Fatalf("restore of a snapshot the schema rejects: %v", err)
		}
		var n int64
		if tg.src.DB.Raw(tablesQuery(e.Server.Config.DSN != "")).Scan(&n); n != 0 {
			t.Fatalf("failed restore left %d tables", n)
		}
		left := 0
		_ = tg.src.Blobs.Walk(func(string, int64, time.Time) error { left++; return nil })
		if left != 0 {
			t.Fatalf("failed restore left %d chunks", left)
		}
	})
}
