//go:build !windows

package syncagent

import (
	"io/fs"
	"syscall"
)

// statInode returns the file's inode from its stat (0 when unknown).
func statInode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // Ino is uint32 on some platforms
	}
	return 0
}

// pathFileID has nothing to add here: the stat carries the inode already,
// and where it does not (some network file systems) opening the file would
// not tell more.
func pathFileID(string) uint64 { return 0 }
