//go:build !windows

package syncagent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/drive"
	"tack/backend/server/servertest"
	"tack/backend/store"
)

// The restart of an unchanged 100,000-file pair (SYNC_BENCH_RESTART files of
// 64 B, in folders of 100): a new engine on the kept index, one SyncOnce,
// against a real in-process server (SQLite). Issue 21's goal: ≤ 2 s. The
// backup it restarts from is built in bulk (the drive entries inserted into
// the server's database, the index written directly, as a first backup
// would leave both), since a real first backup of 100,000 files takes
// minutes.
//
//	go test -run '^$' -bench PairRestart -benchtime 3x ./backend/syncagent
//
// Besides the time: hashed/op (files read), feed-calls/op (change feed
// requests), writes/op (requests other than GET) and cpu-ms/op (the
// process's user + system CPU time during the restarts, agent and
// in-process server together: on a shared machine a steadier measure than
// the wall time).
func BenchmarkPairRestart(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("SYNC_BENCH_RESTART")); err == nil && v > 0 {
		n = v
	}
	env := newRestartPair(b, n)
	SetAgentMemoryLimit(true) // as tack sync --once does
	b.ResetTimer()
	var st restartStats
	cpu0 := cpuTime()
	for range b.N {
		s := env.restart(b)
		st.hashed += s.hashed
		st.feed += s.feed
		st.writes += s.writes
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(st.hashed)/float64(b.N), "hashed/op")
	b.ReportMetric(float64(st.feed)/float64(b.N), "feed-calls/op")
	b.ReportMetric(float64(st.writes)/float64(b.N), "writes/op")
}

type restartPair struct {
	url, token, dataDir, dir string
}

type restartStats struct{ hashed, feed, writes int64 }

// newRestartPair makes a backed-up pair of n files: the local tree, the
// drive folder holding the same files and the index recording both, with
// file times an hour old (none of them racy).
func newRestartPair(b testing.TB, n int) *restartPair {
	se := servertest.New(b)
	tok, _ := se.Setup()
	var spaces struct{ Items []Space }
	se.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(b, &spaces)
	var sp Space
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			sp = s
		}
	}
	var folder Entry
	se.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", tok, map[string]string{"parent_id": sp.RootID, "name": "Pair"}).JSON(b, &folder)
	env := &restartPair{url: se.HTTP.URL, token: tok, dataDir: b.TempDir(), dir: b.TempDir()}

	old := time.Now().Add(-time.Hour)
	buf := make([]byte, 64)
	var recs []*FileRecord
	var entries []drive.Entry
	var dirID string
	for i := range n {
		d := fmt.Sprintf("d%04d", i/100)
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Join(env.dir, d), 0o755); err != nil {
				b.Fatal(err)
			}
			dirID = store.NewID()
			entries = append(entries, drive.Entry{ID: dirID, ParentID: folder.ID, Kind: drive.KindFolder, Name: d})
			recs = append(recs, &FileRecord{Path: d, Dir: true, EntryID: dirID, Version: 1})
		}
		copy(buf, fmt.Sprintf("file %d\n", i))
		name := fmt.Sprintf("f%06d.bin", i)
		full := filepath.Join(env.dir, d, name)
		if err := os.WriteFile(full, buf, 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.Chtimes(full, old, old); err != nil {
			b.Fatal(err)
		}
		sum := sha256.Sum256(buf)
		id := store.NewID()
		entries = append(entries, drive.Entry{ID: id, ParentID: dirID, Kind: drive.KindFile, Name: name, Size: 64, Hash: hex.EncodeToString(sum[:])})
		recs = append(recs, &FileRecord{Path: d + "/" + name, Size: 64, Hash: hex.EncodeToString(sum[:]), EntryID: id, Version: 1})
	}
	for _, r := range recs { // the index records what the disk shows now
		fi, err := os.Lstat(filepath.Join(env.dir, filepath.FromSlash(r.Path)))
		if err != nil {
			b.Fatal(err)
		}
		r.Inode = inodeOf(fi)
		if !r.Dir {
			r.MtimeNs, r.CtimeNs = fi.ModTime().UnixNano(), ctimeOf(fi)
		}
	}
	insertEntries(b, se.Server.DB, sp, entries)

	ctx := context.Background()
	e, err := New(ctx, env.options(nil))
	if err != nil {
		b.Fatal(err)
	}
	p, err := e.AddPair(ctx, Pair{LocalPath: env.dir, SpaceID: sp.ID, RemoteFolderID: folder.ID, Mode: ModeBackup})
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs {
		r.PairID = p.ID
	}
	if err := e.index.Apply(ctx, p.ID, recs, nil); err != nil {
		b.Fatal(err)
	}
	// The run that made the backup ends by saving the drive tree as it
	// read it, as every run does.
	if err := e.SyncOnce(ctx); err != nil {
		b.Fatal(err)
	}
	_ = e.Close()
	return env
}

func (env *restartPair) options(st *restartStats) Options {
	c := NewClient(env.url, env.token)
	o := Options{DataDir: env.dataDir, Client: c, NoWatch: true, FeedWait: 1}
	if st != nil {
		c.HTTP = &http.Client{Transport: countRequests{http.DefaultTransport, st}}
		o.openFile = func(name string) (io.ReadCloser, error) {
			atomic.AddInt64(&st.hashed, 1)
			return os.Open(name)
		}
	}
	return o
}

// restart is one restart: open the engine on the kept index, sync once, close.
func (env *restartPair) restart(b testing.TB) restartStats {
	var st restartStats
	ctx := context.Background()
	e, err := New(ctx, env.options(&st))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if err := e.SyncOnce(ctx); err != nil {
		b.Fatal(err)
	}
	if s := e.Status()[0]; s.State != StateSynced || s.LastSync.IsZero() {
		b.Fatalf("status %+v", s)
	}
	return st
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countRequests counts the agent's change feed calls and its requests that
// change something (anything but GET).
type countRequests struct {
	next http.RoundTripper
	st   *restartStats
}

func (c countRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		atomic.AddInt64(&c.st.writes, 1)
	} else if strings.HasSuffix(r.URL.Path, "/changes") {
		atomic.AddInt64(&c.st.feed, 1)
	}
	return c.next.RoundTrip(r)
}

// insertEntries inserts drive entries into a space in one transaction, as
// one change of the space (the benchmarks' way of building a big drive).
func insertEntries(b testing.TB, db *gorm.DB, sp Space, entries []drive.Entry) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	err := db.Transaction(func(tx *gorm.DB) error {
		var seq int64
		if err := tx.Raw("SELECT change_seq FROM drive_spaces WHERE id = ?", sp.ID).Scan(&seq).Error; err != nil {
			return err
		}
		seq++
		for i := range entries {
			e := &entries[i]
			e.SpaceID, e.Version, e.Seq, e.CreatedAt, e.ModifiedAt, e.NameKey = sp.ID, 1, seq, now, now, strings.ToLower(e.Name)
		}
		if err := tx.CreateInBatches(entries, 500).Error; err != nil {
			return err
		}
		return tx.Exec("UPDATE drive_spaces SET change_seq = ? WHERE id = ?", seq, sp.ID).Error
	})
	if err != nil {
		b.Fatal(err)
	}
}
