//go:build !windows

package syncagent

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestFirstSyncCPU (TACK_FIRSTSYNC_MB=256) times the first sync of one big
// file to the real in-process server and prints its wall time and the
// process's CPU time (user + system: the agent's scan and upload and the
// server's checks, stores and commit together). On a machine shared with
// other work the CPU time is the steadier of the two:
//
//	TACK_FIRSTSYNC_MB=256 go test -count=1 -v -run 'TestFirstSyncCPU$' ./backend/syncagent
//
// TACK_NOSTREAM=1 takes the path from before streamed uploads (the scan
// reads the file, the upload is announced in full and reads it again), for
// A/B runs of one binary.
func TestFirstSyncCPU(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("TACK_FIRSTSYNC_MB"))
	if mb <= 0 {
		t.Skip("set TACK_FIRSTSYNC_MB")
	}
	s := newServerEnv(t)
	if err := os.WriteFile(filepath.Join(s.dir, "big.bin"), seededBytes(1, mb<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	e, _ := s.engine(ModeBackup, func(o *Options) { o.noStream = os.Getenv("TACK_NOSTREAM") != "" })
	cpu := cpuTime()
	wall := s.syncTimed(e)
	cpu = cpuTime() - cpu
	t.Logf("first sync of %d MiB (streamed %v): wall %v, CPU %v (%.2f s per GiB)", mb, os.Getenv("TACK_NOSTREAM") == "", wall.Round(time.Millisecond),
		cpu.Round(time.Millisecond), cpu.Seconds()*1024/float64(mb))
	if _, ok := s.remoteRead("big.bin"); !ok {
		t.Fatal("the file is not on the drive")
	}
}
