package blobstore

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// canSyncFS: Linux can flush a whole file system in one call (syncfs(2)),
// which a batch of chunks uses instead of one fsync per file and per
// directory (batch.go).
const canSyncFS = true

// syncFS makes every write, rename and directory entry on the file system
// holding dir durable, and returns the first write-back error (Linux 5.8
// and later report it).
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blobstore: syncfs: %w", err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("blobstore: syncfs: %w", err)
	}
	return nil
}
