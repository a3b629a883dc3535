package chunker

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// splitRef is SplitScheme(Scheme2) as it was: one chunk's buffer, the
// unread tail moved to the front after every chunk, the byte-at-a-time cut.
func splitRef(r io.Reader, fn func(c Chunk, data []byte) error) error {
	buf := make([]byte, params2.max)
	var (
		n   int
		off int64
		eof bool
	)
	for {
		for !eof && n < len(buf) {
			m, err := r.Read(buf[n:])
			n += m
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return err
			}
		}
		if n == 0 {
			return nil
		}
		cut := cutPoint2Ref(buf[:n])
		sum := sha256.Sum256(buf[:cut])
		if err := fn(Chunk{Offset: off, Size: cut, Hash: hex.EncodeToString(sum[:])}, buf[:cut]); err != nil {
			return err
		}
		copy(buf, buf[cut:n])
		n -= cut
		off += int64(cut)
	}
}

// threadCPU is the calling thread's user + system CPU time: on a machine
// shared with other work it moves far less than wall time.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestChunkerCPU (CHUNKER_CPU=1) prints the CPU time per GiB of each part
// of the chunker, old and new, alternating, on this thread only:
//
//	CHUNKER_CPU=1 go test -count=1 -v -run TestChunkerCPU ./backend/drive/chunker
func TestChunkerCPU(t *testing.T) {
	if os.Getenv("CHUNKER_CPU") == "" {
		t.Skip("set CHUNKER_CPU=1")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	d := data(3, 128<<20)
	perGiB := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 5 {
			c := threadCPU()
			f()
			best = min(best, threadCPU()-c)
		}
		return best * time.Duration(1<<30/len(d))
	}
	cutAll := func(cut func([]byte) int) func() {
		return func() {
			for off := 0; off < len(d); {
				off += cut(d[off:])
			}
		}
	}
	nop := func(Chunk, []byte) error { return nil }
	for range 2 {
		t.Logf("cut byte loop %v, two-byte step %v; SHA-256 %v; whole split before %v, after %v (per GiB, best of 5, thread CPU)",
			perGiB(cutAll(cutPoint2Ref)), perGiB(cutAll(cutPoint2)),
			perGiB(func() { sha256.Sum256(d) }),
			perGiB(func() { _ = splitRef(bytes.NewReader(d), nop) }),
			perGiB(func() { _ = SplitScheme(Scheme2, bytes.NewReader(d), nop) }))
	}
}
