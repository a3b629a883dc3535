package sync

import (
	"context"
	"os"
	"os/exec"
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
	e, err := New(context.Background(), Options{DataDir: os.Getenv("SYNC_TEST_DATA"), Client: c, Workers: 1, NoWatch: true, FeedWait: 1})
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
		waitFor(t, "two chunks stored", 20*time.Second, func() bool { puts, _ := s.probe.counts(); return puts == 2 })
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
