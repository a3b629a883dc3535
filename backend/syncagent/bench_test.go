//go:build bench

package syncagent

// The sync benchmarks (go test -tags bench -run TestSyncBench ./backend/syncagent),
// run by bench/sync_bench.sh. They print Markdown table rows; the script
// collects them into bench/RESULTS.md. Sizes come from the environment so a
// quick run is possible: SYNC_BENCH_SMALL (10000), SYNC_BENCH_BIG_MB (1024),
// SYNC_BENCH_RESCAN (100000), SYNC_BENCH_IDLE_SECS (30), SYNC_BENCH_LATENCY_N (40).
// SYNC_BENCH_DRIVE=server runs against a real in-process Tack server
// (SQLite) instead of the in-memory contract drive (fakedrive_test.go).

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof" // SYNC_BENCH_PROFILE
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func row(t *testing.T, what, value, goal string) {
	t.Helper()
	fmt.Printf("| %s | %s | %s |\n", what, value, goal)
}

// makeTree writes n files of size bytes in directories of 100 files.
func makeTree(t testing.TB, root string, n, size int) {
	t.Helper()
	buf := make([]byte, size)
	for i := range n {
		d := filepath.Join(root, fmt.Sprintf("d%04d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		copy(buf, fmt.Sprintf("file %d\n", i)) // distinct content
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("f%06d.bin", i)), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// benchEnv is the drive the benchmarks talk to: the real server when
// SYNC_BENCH_DRIVE=server, else the in-memory contract drive.
func benchEnv(t *testing.T) *syncEnv {
	if os.Getenv("SYNC_BENCH_DRIVE") == "server" {
		return newServerEnv(t)
	}
	return newFakeEnv(t)
}

// benchOnce is syncEnv.once with room for full-size trees on a real server.
func benchOnce(t *testing.T, e *Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
}

func restoreNotifyDefaults() {
	notifyQuiet, notifyMax, maxFilesPerDir, maxFiles = 300*time.Millisecond, 3*time.Second, 128, 512
}

func TestSyncBenchFirstBackupSmallFiles(t *testing.T) {
	restoreNotifyDefaults()
	n := envInt("SYNC_BENCH_SMALL", 10000)
	s := benchEnv(t)
	if dir := os.Getenv("SYNC_BENCH_SMALL_DIR"); dir != "" {
		s.dir = dir // the script's tree, also copied by rsync and hashed by sha256sum
	} else {
		makeTree(t, s.dir, n, 4096)
	}

	// first index: walk + chunk + hash, empty index
	sc := &scanner{Root: s.dir, Ignore: mustIgnore(t)}
	start := time.Now()
	res, err := sc.Scan(context.Background(), map[string]*FileRecord{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	row(t, fmt.Sprintf("first index of %d × 4 KiB files (scan+chunk+hash)", n), fmt.Sprintf("%.2f s = %.0f files/s (%d hashed)", el.Seconds(), float64(n)/el.Seconds(), res.Hashed), "≥ 10,000 files/s")

	e, _ := s.engine(ModeBackup)
	start = time.Now()
	benchOnce(t, e)
	el = time.Since(start)
	_, files := s.probe.counts()
	if files != n {
		t.Fatalf("%d files on the drive, want %d", files, n)
	}
	row(t, fmt.Sprintf("first backup of %d × 4 KiB files (index+upload+commit, in-process drive)", n), fmt.Sprintf("%.2f s = %.0f files/s", el.Seconds(), float64(n)/el.Seconds()), "—")
}

func mustIgnore(t testing.TB) *ignore {
	ig, err := newIgnore(nil)
	if err != nil {
		t.Fatal(err)
	}
	return ig
}

func TestSyncBenchFirstBackupBigFile(t *testing.T) {
	mb := envInt("SYNC_BENCH_BIG_MB", 1024)
	s := benchEnv(t)
	if dir := os.Getenv("SYNC_BENCH_BIG_DIR"); dir != "" {
		s.dir = dir
		fi, err := os.Stat(filepath.Join(dir, "big.bin"))
		if err != nil {
			t.Fatal(err)
		}
		mb = int(fi.Size() >> 20)
	} else {
		f, err := os.Create(filepath.Join(s.dir, "big.bin"))
		if err != nil {
			t.Fatal(err)
		}
		buf := randomBytes(t, 1<<20)
		for i := range mb {
			buf[0] = byte(i)
			buf[1] = byte(i >> 8)
			if _, err := f.Write(buf); err != nil {
				t.Fatal(err)
			}
		}
		f.Close()
	}
	sc := &scanner{Root: s.dir, Ignore: mustIgnore(t)}
	start := time.Now()
	if _, err := sc.Scan(context.Background(), map[string]*FileRecord{}, nil); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	row(t, fmt.Sprintf("chunk+hash one %d MiB file", mb), fmt.Sprintf("%.2f s = %.0f MiB/s", el.Seconds(), float64(mb)/el.Seconds()), "—")
	e, _ := s.engine(ModeBackup)
	start = time.Now()
	benchOnce(t, e)
	el = time.Since(start)
	row(t, fmt.Sprintf("first backup of one %d MiB file (chunk+hash+upload+commit, in-process drive)", mb), fmt.Sprintf("%.2f s = %.0f MiB/s", el.Seconds(), float64(mb)/el.Seconds()), "—")
}

func TestSyncBenchSaveToServer(t *testing.T) {
	restoreNotifyDefaults()
	n := envInt("SYNC_BENCH_LATENCY_N", 40)
	s := benchEnv(t)
	makeTree(t, s.dir, 1000, 4096)
	committed := make(chan string, 100)
	s.probe.onCommit = func(name string) {
		select {
		case committed <- name:
		default:
		}
	}
	e, _ := s.engine(ModeTwoWay, func(o *Options) { o.NoWatch = false; o.FeedWait = 25 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "initial sync", 60*time.Second, func() bool {
		_, files := s.probe.counts()
		return files >= 1000
	})
	time.Sleep(time.Second)
	for len(committed) > 0 {
		<-committed
	}
	var lat []time.Duration
	for i := range n {
		name := fmt.Sprintf("saved-%03d.txt", i)
		start := time.Now()
		s.write("d0003/"+name, fmt.Sprintf("edit %d", i))
		for got := ""; got != name; {
			select {
			case got = <-committed:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s never reached the drive", name)
			}
		}
		lat = append(lat, time.Since(start))
		time.Sleep(100 * time.Millisecond)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p95 := lat[len(lat)/2], lat[(len(lat)*95+99)/100-1]
	row(t, fmt.Sprintf("save → committed on the drive (%d saves, watcher + 300 ms debounce)", n), fmt.Sprintf("p50 %d ms, p95 %d ms", p50.Milliseconds(), p95.Milliseconds()), "p95 ≤ 2 s")
}

func TestSyncBenchRescanUnchanged(t *testing.T) {
	n := envInt("SYNC_BENCH_RESCAN", 100000)
	root := os.Getenv("SYNC_BENCH_RESCAN_DIR")
	if root == "" {
		root = t.TempDir()
		makeTree(t, root, n, 64)
	}
	sc := &scanner{Root: root, Ignore: mustIgnore(t), CaseInsensitive: true}
	res, err := sc.Scan(context.Background(), map[string]*FileRecord{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := make(map[string]*FileRecord, len(res.Files))
	remote := make(map[string]*RemoteFile, len(res.Files))
	for p, l := range res.Files {
		base[p] = &FileRecord{Path: p, Dir: l.Dir, Size: l.Size, MtimeNs: l.MtimeNs, Inode: l.Inode, Hash: l.Hash, Chunks: l.Chunks, EntryID: "e" + p, Version: 1}
		remote[p] = &RemoteFile{Path: p, Dir: l.Dir, Size: l.Size, Hash: l.Hash, EntryID: "e" + p, Version: 1}
	}
	runtime.GC()
	best := time.Hour
	for range 3 {
		start := time.Now()
		res, err := sc.Scan(context.Background(), base, nil)
		if err != nil {
			t.Fatal(err)
		}
		plan := reconcile(planInput{Mode: ModeTwoWay, Local: res.Files, Base: base, Remote: remote})
		el := time.Since(start)
		if res.Hashed != 0 || !plan.Empty() {
			t.Fatalf("unchanged rescan hashed %d files, plan %d actions", res.Hashed, len(plan.All()))
		}
		best = min(best, el)
	}
	row(t, fmt.Sprintf("rescan of %d unchanged files (walk+lstat+compare+reconcile, best of 3)", n), fmt.Sprintf("%d ms", best.Milliseconds()), "≤ 1 s")
}

// TestSyncBenchIdle runs the agent in a child process (this test binary)
// watching n files, waits for the first backup, then measures the child's
// CPU and memory while nothing changes.
func TestSyncBenchIdle(t *testing.T) {
	if os.Getenv("SYNC_BENCH_CHILD") != "" {
		benchChild(t)
		return
	}
	n := envInt("SYNC_BENCH_RESCAN", 100000)
	idle := envInt("SYNC_BENCH_IDLE_SECS", 30)
	s := benchEnv(t)
	if dir := os.Getenv("SYNC_BENCH_RESCAN_DIR"); dir != "" {
		s.dir = dir
	} else {
		makeTree(t, s.dir, n, 64)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncBenchIdle$", "-test.timeout=0")
	cmd.Env = append(os.Environ(), "SYNC_BENCH_CHILD=1", "SYNC_BENCH_URL="+s.url, "SYNC_BENCH_TOKEN="+s.token, "SYNC_BENCH_DIR="+s.dir,
		"SYNC_BENCH_DATA="+s.dataDir, "SYNC_BENCH_SPACE="+s.space, "SYNC_BENCH_ROOT="+s.root)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	waitFor(t, "first backup", 30*time.Minute, func() bool {
		_, files := s.probe.counts()
		return files >= n
	})
	row(t, fmt.Sprintf("first backup of %d × 64 B files (agent process, watching on)", n), fmt.Sprintf("%.1f s = %.0f files/s", time.Since(start).Seconds(), float64(n)/time.Since(start).Seconds()), "—")
	time.Sleep(5 * time.Second) // let the echo passes of the change feed settle
	pid := cmd.Process.Pid
	cpu0 := procCPU(t, pid)
	time.Sleep(time.Duration(idle) * time.Second)
	cpu1 := procCPU(t, pid)
	rss, hwm := procMem(t, pid, "VmRSS:"), procMem(t, pid, "VmHWM:")
	saveChildProfiles(t)
	row(t, fmt.Sprintf("idle with %d files watched (%d directories)", n, n/100+1), fmt.Sprintf("CPU %.2f%% of one core over %d s; RSS %d MB (peak %d MB)", (cpu1-cpu0)/float64(idle)*100, idle, rss>>10, hwm>>10), "memory ≤ 150 MB")
}

func benchChild(t *testing.T) {
	restoreNotifyDefaults()
	SetAgentMemoryLimit(false) // as `tack sync` does
	serveChildProfiles(t)
	c := NewClient(os.Getenv("SYNC_BENCH_URL"), os.Getenv("SYNC_BENCH_TOKEN"))
	e, err := New(context.Background(), Options{DataDir: os.Getenv("SYNC_BENCH_DATA"), Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddPair(context.Background(), Pair{LocalPath: os.Getenv("SYNC_BENCH_DIR"), SpaceID: os.Getenv("SYNC_BENCH_SPACE"), RemoteFolderID: os.Getenv("SYNC_BENCH_ROOT"), Mode: ModeBackup}); err != nil {
		t.Fatal(err)
	}
	_ = e.Serve(context.Background())
}

// procCPU returns utime+stime of pid in seconds.
func procCPU(t *testing.T, pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

// procMem returns a /proc/pid/status field in KiB.
func procMem(t *testing.T, pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field) {
			v, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return v
		}
	}
	return 0
}

// SYNC_BENCH_PROFILE=DIR: the idle child serves net/http/pprof and the parent
// saves its heap profile and a CPU profile of the idle period into DIR
// (go tool pprof DIR/heap.pb.gz), to see where the agent's memory goes.
func serveChildProfiles(t *testing.T) {
	dir := os.Getenv("SYNC_BENCH_PROFILE")
	if dir == "" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "addr"), []byte(ln.Addr().String()), 0o644); err != nil {
		t.Fatal(err)
	}
	go func() { _ = http.Serve(ln, nil) }() // DefaultServeMux carries net/http/pprof
	go func() {                             // where the memory is, every 2 s: Go heap vs the rest of RSS
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"},
			{Name: "/memory/classes/heap/released:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
		for range time.Tick(2 * time.Second) {
			metrics.Read(samples)
			fmt.Fprintf(os.Stderr, "mem: live %d MiB, go mapped %d MiB, released %d MiB, gc %d, rss %d MiB\n",
				samples[0].Value.Uint64()>>20, samples[1].Value.Uint64()>>20, samples[2].Value.Uint64()>>20, samples[3].Value.Uint64(),
				procMem(t, os.Getpid(), "VmRSS:")>>10)
		}
	}()
}

func saveChildProfiles(t *testing.T) {
	dir := os.Getenv("SYNC_BENCH_PROFILE")
	if dir == "" {
		return
	}
	addr, err := os.ReadFile(filepath.Join(dir, "addr"))
	if err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]string{"heap.pb.gz": "heap", "cpu.pb.gz": "profile?seconds=10"} {
		resp, err := http.Get("http://" + string(addr) + "/debug/pprof/" + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
