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
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/drive"
	"tack/backend/server/servertest"
	"tack/backend/store"
)

// The start-up sync of an unchanged 20-file pair in a drive space of
// 100,000 entries (SYNC_BENCH_SPACE): a new engine on the pair's index,
// one SyncOnce (drive listing, scan, reconcile), against a real in-process
// server (SQLite). The space is bulk-inserted into the server's database.
//
//	go test -run '^$' -bench PairStartInBigSpace -benchtime 5x ./backend/syncagent
//
// Besides the time: peak-heap-MB, the process's peak Go heap during the
// runs (agent and in-process server together, an upper bound of the
// agent's); recv-MB/op, what the agent downloaded; agent-RSS-MB, the peak
// RSS of the same start-up in a process of its own (with tack sync's GC
// settings), measured once. That process is this test binary, whose
// start alone is about 38 MB of RSS (as the tack binary's).
func BenchmarkPairStartInBigSpace(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("SYNC_BENCH_SPACE")); err == nil && v > 0 {
		n = v
	}
	env := newBigSpace(b, n)
	b.ResetTimer()
	peak := sampleHeap()
	for range b.N {
		env.start(b)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(env.recv.Load())/(1<<20)/float64(b.N+1), "recv-MB/op")
	b.ReportMetric(env.childRSS(b), "agent-RSS-MB")
}

type bigSpace struct {
	url, token, dataDir string
	recv                atomic.Int64 // response bytes the agent read
}

// newBigSpace starts a server, bulk-inserts a space of n entries (folders of
// 100 files) and backs up a 20-file pair in a folder of its own once, so
// the index exists.
func newBigSpace(b *testing.B, n int) *bigSpace {
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
	bulkEntries(b, se.Server.DB, sp, n)
	var folder Entry
	se.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", tok, map[string]string{"parent_id": sp.RootID, "name": "Pair"}).JSON(b, &folder)
	dir := b.TempDir()
	for i := range 20 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc%02d.txt", i)), []byte(strings.Repeat("x", 1000+i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	env := &bigSpace{url: se.HTTP.URL, token: tok, dataDir: b.TempDir()}
	ctx := context.Background()
	e, err := New(ctx, env.options())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.AddPair(ctx, Pair{LocalPath: dir, SpaceID: sp.ID, RemoteFolderID: folder.ID, Mode: ModeBackup}); err != nil {
		b.Fatal(err)
	}
	if err := e.SyncOnce(ctx); err != nil {
		b.Fatal(err)
	}
	_ = e.Close()
	return env
}

func (env *bigSpace) options() Options {
	c := NewClient(env.url, env.token)
	c.HTTP = &http.Client{Transport: countRecv{http.DefaultTransport, &env.recv}}
	return Options{DataDir: env.dataDir, Client: c, NoWatch: true, FeedWait: 1}
}

// start is one start-up: open the engine, sync once, close.
func (env *bigSpace) start(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, env.options())
	if err != nil {
		b.Fatal(err)
	}
	if err := e.SyncOnce(ctx); err != nil {
		b.Fatal(err)
	}
	if st := e.Status()[0]; st.State != StateSynced || st.LastSync.IsZero() {
		b.Fatalf("status %+v", st)
	}
	_ = e.Close()
}

// childRSS runs one start-up in a process of its own and returns its peak
// RSS in MB (Linux; 0 elsewhere). The child reads its own VmHWM: rusage's
// maxrss of a child started by os/exec is not its own, it starts from the
// parent's high-water mark (the child shares the parent's memory until
// exec), here the in-process server's.
func (env *bigSpace) childRSS(b *testing.B) float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestAgentStartChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SYNC_TEST_START_CHILD=1", "SYNC_TEST_URL="+env.url, "SYNC_TEST_TOKEN="+env.token, "SYNC_TEST_DATA="+env.dataDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("agent process: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if _, v, ok := strings.Cut(l, agentHWM); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return kb / 1024
		}
	}
	return 0
}

// agentHWM prefixes the child's report of its peak RSS (kB).
const agentHWM = "agent VmHWM kB: "

// TestAgentStartChild is the agent process of BenchmarkPairStartInBigSpace;
// on its own it does nothing.
func TestAgentStartChild(t *testing.T) {
	if os.Getenv("SYNC_TEST_START_CHILD") == "" {
		t.Skip("the agent child of BenchmarkPairStartInBigSpace")
	}
	SetAgentMemoryLimit(false)
	e, err := New(context.Background(), Options{DataDir: os.Getenv("SYNC_TEST_DATA"), Client: NewClient(os.Getenv("SYNC_TEST_URL"), os.Getenv("SYNC_TEST_TOKEN")), NoWatch: true, FeedWait: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			t.Log(agentHWM + strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
}

type countRecv struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (c countRecv) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{resp.Body, c.n}
	}
	return resp, err
}

type countingBody struct {
	body io.ReadCloser
	n    *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	k, err := c.body.Read(p)
	c.n.Add(int64(k))
	return k, err
}

func (c *countingBody) Close() error { return c.body.Close() }

// sampleHeap samples the Go heap every millisecond until the returned func
// is called, which returns the peak.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); wg.Wait(); return peak.Load() }
}

// bulkEntries inserts n entries into the space, in folders of 100 files
// directly under its root, in one transaction (insertEntries): what the
// drive API would take minutes to build.
func bulkEntries(b *testing.B, db *gorm.DB, sp Space, n int) {
	entries := make([]drive.Entry, 0, n)
	folder := ""
	for i := range n {
		if i%101 == 0 {
			folder = store.NewID()
			entries = append(entries, drive.Entry{ID: folder, ParentID: sp.RootID, Kind: drive.KindFolder, Name: fmt.Sprintf("bulk%05d", i/101)})
			continue
		}
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		entries = append(entries, drive.Entry{ID: store.NewID(), ParentID: folder, Kind: drive.KindFile, Name: fmt.Sprintf("file%06d.dat", i), Size: 4096, Hash: hex.EncodeToString(sum[:])})
	}
	insertEntries(b, db, sp, entries)
}
