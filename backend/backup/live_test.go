package backup_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tack/backend/backup"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestBackupWhileServerWorks runs backups while the server uploads files,
// purges them again and collects garbage (the clock moved past the grace
// period each time, so every purged chunk is collectable at once). Every
// run must succeed, and the restored snapshot must be whole: each chunk
// its rows reference was copied, and its rows satisfy the foreign keys.
func TestBackupWhileServerWorks(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := seed(t, e)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		var werr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prev *entryRef
			for i := 0; ctx.Err() == nil; i++ {
				f, r := tryPut(w, fmt.Sprintf("churn-%d.bin", i), randomData(uint64(100+i), 200<<10))
				if r != "" {
					werr = errors.New(r)
					return
				}
				// Each file lives one round: the one a snapshot saw is
				// soon purged and collectable while the copy runs.
				if prev != nil {
					if r := tryPurge(w, *prev); r != "" {
						werr = errors.New(r)
						return
					}
				}
				prev = &f
				e.Clock.Advance(2 * time.Hour)
				if _, _, err := e.Server.Drive.CollectGarbage(context.Background()); err != nil {
					werr = err
					return
				}
			}
		}()
		dir, clk := t.TempDir(), &stepClock{}
		var last *backup.Result
		o := opts(dir, clk)
		o.Progress = func(p backup.Progress) {
			if p.Phase == backup.PhaseChunks {
				time.Sleep(20 * time.Millisecond) // a slow disk: the writer gets ahead of the copy
			}
		}
		for range 4 {
			res, err := backup.Backup(context.Background(), w.source(), o)
			if err != nil {
				cancel()
				wg.Wait()
				t.Fatalf("backup beside a working server: %v", err)
			}
			last = res
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		if werr != nil {
			t.Fatalf("writer: %v", werr)
		}
		tg := newTarget(t, e.Server.Config.DSN != "")
		rr, err := backup.Restore(context.Background(), tg.src, backup.RestoreOptions{From: dir, Migrations: server.Migrations()})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := backup.VerifyData(context.Background(), tg.src, nil)
		if err != nil || !rep.OK() || rep.Referenced != last.Chunks || rr.Chunks != last.Chunks {
			t.Fatalf("restored snapshot: %+v %v", rep, err)
		}
	})
}

// entryRef is what purging needs of an entry.
type entryRef struct {
	ID      string
	Version int64
}

// tryPut and tryPurge are put and purge for a goroutine: they report
// failure instead of failing the test from the wrong goroutine.
func tryPut(w *world, name string, data []byte) (entry entryRef, problem string) {
	r := rawRequest(w.t, w.Env, "POST", "/api/v1/drive/files?parent_id="+w.root+"&name="+name, w.admin, data)
	if r.Status != 201 {
		return entry, fmt.Sprintf("upload %s: %d %s", name, r.Status, r.Body)
	}
	r.JSON(w.t, &entry)
	return entry, ""
}

func tryPurge(w *world, f entryRef) string {
	if r := w.Do("DELETE", fmt.Sprintf("/api/v1/drive/entries/%s?version=%d", f.ID, f.Version), w.admin, nil); r.Status >= 300 {
		return fmt.Sprintf("trash: %d %s", r.Status, r.Body)
	}
	if r := w.Do("DELETE", "/api/v1/drive/trash/"+f.ID, w.admin, nil); r.Status >= 300 {
		return fmt.Sprintf("purge: %d %s", r.Status, r.Body)
	}
	return ""
}

// TestBackupStopsWhenTheHoldIsLost: if the GC hold cannot be renewed
// (it expired and was dropped), chunks may be collected from then on, so
// the run must stop and not become LATEST.
func TestBackupStopsWhenTheHoldIsLost(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	w := seed(t, e)
	dir, clk := t.TempDir(), &stepClock{}
	first, err := backup.Backup(context.Background(), w.source(), opts(dir, clk))
	if err != nil {
		t.Fatal(err)
	}
	w.put("more.bin", randomData(9, 2<<20))
	o := opts(dir, clk)
	o.HoldRenew = 10 * time.Millisecond
	dropped := false
	o.Progress = func(p backup.Progress) {
		if p.Phase == backup.PhaseChunks && p.Chunks == 1 && !dropped {
			dropped = true
			e.Server.DB.Exec("DELETE FROM drive_gc_holds")
			time.Sleep(100 * time.Millisecond) // a renewal comes and fails
		}
	}
	_, err = backup.Backup(context.Background(), w.source(), o)
	if err == nil || !strings.Contains(err.Error(), "GC hold") {
		t.Fatalf("backup after losing the hold: %v", err)
	}
	if readLatest(t, dir) != first.Name {
		t.Fatal("LATEST moved to a run that lost its hold")
	}
	// Renewals while things go well keep the run alive far beyond the TTL.
	o = opts(dir, clk)
	o.Now = time.Now // the TTL is real time here
	o.HoldRenew, o.HoldTTL = 20*time.Millisecond, 300*time.Millisecond
	slowed := false
	o.Progress = func(p backup.Progress) {
		// One long pause in the copy phase, whatever the number of chunks
		// left to copy: the run outlives the TTL several times over.
		if p.Phase == backup.PhaseChunks && !slowed {
			slowed = true
			time.Sleep(3 * o.HoldTTL)
		}
	}
	began := time.Now()
	if _, err := backup.Backup(context.Background(), w.source(), o); err != nil {
		t.Fatalf("slow backup with renewals: %v", err)
	}
	if time.Since(began) < 2*o.HoldTTL {
		t.Fatalf("the run took %s, not long enough to need renewals", time.Since(began))
	}
}
