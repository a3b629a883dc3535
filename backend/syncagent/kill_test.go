package syncagent

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAgentChildProcess is the agent of TestKillAgentProcessMidUpload,
// started by it in a child process; on its own it does nothing.
func TestAgentChildProcess(t *testing.T) {
	if os.Getenv("SYNC_TEST_AGENT_CHILD") == "" {
		t.Skip("the agent child of TestKillAgentProcessMidUpload")
	}
	c := NewClient(os.Getenv("SYNC_TEST_URL"), os.Getenv("SYNC_TEST_TOKEN"))
	e, err := New(context.Background(), Options{DataDir: os.Getenv("SYNC_TEST_DATA"), Client: c, Workers: 1, NoWatch: true, FeedWait: 1,
		ChunkBatch: 1 << 20}) // several chunk requests for the 9 MiB file
	if err != nil {
		t.Fatal(err)
	}
	_ = e.SyncOnce(context.Background()) // killed long before it returns
}

// The agent process is killed (SIGKILL: no deferred cleanup, no last index
// write) while a big upload is half sent; a new agent on the same data dir
// finishes it, sends only the chunks the server lacks, and nothing half
// written is ever visible on the drive.
func TestKillAgentProcessMidUpload(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		data, chunks := s.bigUpload()
		e0, _ := s.engine(ModeBackup) // stores the pair in the index
		_ = e0.Close()

		gate := make(chan struct{})
		s.probe.setGate(gate)
		cmd := exec.Command(os.Args[0], "-test.run=^TestAgentChildProcess$", "-test.timeout=2m")
		cmd.Env = append(os.Environ(), "SYNC_TEST_AGENT_CHILD=1", "SYNC_TEST_URL="+s.url, "SYNC_TEST_TOKEN="+s.token, "SYNC_TEST_DATA="+s.dataDir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		gate <- struct{}{}
		gate <- struct{}{}
		// Two chunk requests let through (with batches, a few chunks each).
		waitFor(t, "two chunk requests stored", 20*time.Second, func() bool { puts, _ := s.probe.counts(); return puts >= 2 })
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		s.probe.setGate(nil)
		close(gate) // releases a PUT still waiting at the gate, if its connection is not gone yet
		s.probe.settle()
		e2 := s.restartAfterKill(data)
		if total, _ := s.probe.counts(); total > len(chunks) {
			t.Fatalf("%d chunk PUTs for %d chunks: the restart sent again what the server had", total, len(chunks))
		}
		s.once(e2) // converged: nothing more to do
		if total, files := s.probe.counts(); total > len(chunks) || files != 2 {
			t.Fatalf("after a second pass: %d chunk PUTs, %d files committed", total, files)
		}
	})
}

// TestKillAgentDuringBigBackup kills the agent process (SIGKILL) at random
// points of a first backup of 10,000 files, once in each fifth of it, and
// restarts it on the same data dir after each kill: every restart loads an
// index that may hold thousands of entries and goes on from where the killed
// one stopped. The last restart must finish the backup and leave exactly the
// local tree on the drive (every file once, its content, no conflict copy,
// nothing extra), with an index that records every path, having sent again
// at most a batch per kill. One backup killed five times instead of five
// backups killed once each: the same kill points and end state, a fifth of
// the work (this test was most of the package's time).
func TestKillAgentDuringBigBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000-file backup, killed five times")
	}
	const files, trials = 10000, 5
	seed := time.Now().UnixNano()
	rng := mrand.New(mrand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d", seed)
	s := newServerEnv(t)
	want, wantDirs := map[string]string{}, map[string]bool{}
	for i := range files {
		rel := fmt.Sprintf("d%02d/f%05d.txt", i%40, i)
		content := fmt.Sprintf("file %d of the backup\n", i)
		want[rel] = content
		wantDirs[fmt.Sprintf("d%02d", i%40)] = true
		if err := os.MkdirAll(filepath.Join(s.dir, fmt.Sprintf("d%02d", i%40)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.dir, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e0, _ := s.engine(ModeBackup) // stores the pair in the index
	_ = e0.Close()

	for trial := range trials {
		// One kill point in each fifth of the backup, so the kills cover its
		// start, its middle and its end.
		killAt := trial*files/trials + rng.IntN(files/trials)
		if _, n := s.probe.counts(); killAt <= n {
			killAt = n + 1 // the previous agent got past this fifth's point before it died
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestAgentChildProcess$", "-test.timeout=5m")
		cmd.Env = append(os.Environ(), "SYNC_TEST_AGENT_CHILD=1", "SYNC_TEST_URL="+s.url, "SYNC_TEST_TOKEN="+s.token, "SYNC_TEST_DATA="+s.dataDir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		waitFor(t, fmt.Sprintf("%d files committed", killAt), 3*time.Minute, func() bool {
			_, n := s.probe.counts()
			return n >= killAt
		})
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		<-exited
		s.probe.settle() // the killed agent's last request may still be running on the server
		_, n := s.probe.counts()
		t.Logf("kill %d: after %d files committed", trial+1, n)
	}

	e, p := s.engine(ModeBackup)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if st := e.Status()[0]; st.State != StateSynced || st.Error != "" {
		t.Fatalf("after the restart: %+v", st)
	}

	// Exact end state: the drive holds the local tree and nothing else.
	rem := s.remote()
	gotFiles := 0
	for rel, r := range rem {
		if r.Dir {
			if !wantDirs[rel] {
				t.Errorf("unexpected folder on the drive: %s", rel)
			}
			continue
		}
		gotFiles++
		content, ok := want[rel]
		if !ok {
			t.Errorf("unexpected file on the drive: %s", rel)
			continue
		}
		_, hash, _, err := hashReader(strings.NewReader(content), true)
		if err != nil {
			t.Fatal(err)
		}
		if r.Hash != hash || r.Size != int64(len(content)) {
			t.Errorf("%s on the drive: size %d hash %s, want %d %s", rel, r.Size, r.Hash, len(content), hash)
		}
	}
	if gotFiles != files {
		t.Errorf("%d files on the drive, want %d", gotFiles, files)
	}
	for _, rel := range []string{"d00/f00000.txt", fmt.Sprintf("d%02d/f%05d.txt", (files-1)%40, files-1)} {
		s.wantRemote(rel, want[rel])
	}
	// The index records every path with the drive's entry, so the next
	// start does not upload or compare anything again.
	base, err := e.index.Files(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(base) != len(rem) {
		t.Errorf("index has %d paths, drive %d", len(base), len(rem))
	}
	for rel, r := range rem {
		if b := base[rel]; b == nil || b.EntryID != r.EntryID || b.Version != r.Version {
			t.Errorf("index %s = %+v, drive %+v", rel, b, r)
			break
		}
	}
	// Each restart resumed: at most a batch (40) per kill was committed
	// twice, never the files done before it.
	if _, total := s.probe.counts(); total > files+trials*40 {
		t.Errorf("%d file commits for %d files and %d kills", total, files, trials)
	}
}
