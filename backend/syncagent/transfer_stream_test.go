package syncagent

import (
	"io"
	"os"
	"path/filepath"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestNewBigFileStreamedInOneRead: the scan leaves a new big file unread;
// its upload is opened without a chunk list and the chunks are announced
// and sent as they are cut, so the file is read once. The drive gets the
// exact content and its SHA-256; the index records the chunk list, so a
// touch sends nothing. On the old code the scan read the file and the
// upload was announced with the whole list.
func TestNewBigFileStreamedInOneRead(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		data := seededBytes(21, 7<<20)
		big := filepath.Join(s.dir, "big.bin")
		if err := os.WriteFile(big, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var scanReads atomic.Int32
		rec := &startRecorder{}
		e, _ := s.engine(ModeBackup, recordStarts(rec), func(o *Options) {
			o.ChunkBatch = 1 << 20 // several batches for the 7 MiB file
			o.openFile = func(name string) (io.ReadCloser, error) {
				if filepath.Base(name) == "big.bin" {
					scanReads.Add(1)
				}
				return os.Open(name)
			}
		})
		s.once(e)
		if n := scanReads.Load(); n != 0 {
			t.Fatalf("the scan read the new big file %d times", n)
		}
		starts := rec.starts()
		if len(starts) != 1 || !starts[0].Open || starts[0].Hash != "" || len(starts[0].Chunks) != 0 {
			t.Fatalf("announcements %+v: want one, open, without hash or chunks", starts)
		}
		r := s.remote()["big.bin"]
		if r == nil || r.Hash != sha256Hex(data) {
			t.Fatalf("drive entry %+v: want hash %s", r, sha256Hex(data))
		}
		if got, _ := s.remoteRead("big.bin"); got != string(data) {
			t.Fatal("the drive's content differs")
		}
		later := time.Now().Add(time.Hour)
		if err := os.Chtimes(big, later, later); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		if n := len(rec.starts()); n != 1 {
			t.Fatalf("a touch announced %d more uploads: the recorded chunk list is not the file's", n-1)
		}
		if r2 := s.remote()["big.bin"]; r2 == nil || r2.Version != r.Version {
			t.Fatalf("a touch made a new version: %+v, was %d", r2, r.Version)
		}
	})
}

// TestStreamedFileChangedWhileReadIsNotCommitted: a file rewritten while
// its streamed upload reads it is not committed (its stat moved); the pass
// after sends the new content, and the drive never holds a mix.
func TestStreamedFileChangedWhileReadIsNotCommitted(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		first, second := seededBytes(22, 7<<20), seededBytes(23, 7<<20)
		big := filepath.Join(s.dir, "big.bin")
		if err := os.WriteFile(big, first, 0o644); err != nil {
			t.Fatal(err)
		}
		var once gosync.Once
		rewrote := make(chan struct{})
		e, _ := s.engine(ModeBackup, func(o *Options) {
			o.ChunkBatch = 1 << 20
			o.streamHook = func(int) {
				once.Do(func() {
					// In place, same size, as a database or VM image is written.
					f, err := os.OpenFile(big, os.O_WRONLY, 0)
					if err == nil {
						_, err = f.WriteAt(second, 0)
						f.Close()
					}
					if err != nil {
						t.Error(err)
					}
					close(rewrote)
				})
			}
		})
		s.once(e) // the pass that saw the change tries again; SyncOnce ends when nothing is left
		select {
		case <-rewrote:
		default:
			t.Fatal("the hook did not run: no streamed upload")
		}
		// Version 1 of the new content: the read that saw the rewrite
		// committed nothing (a mix committed first would make this
		// version 2).
		r := s.remote()["big.bin"]
		if r == nil || r.Hash != sha256Hex(second) || r.Version != 1 {
			t.Fatalf("drive entry %+v: want version 1 of the new content", r)
		}
		if got, _ := s.remoteRead("big.bin"); got != string(second) {
			t.Fatal("the drive's content is not the new content")
		}
	})
}
