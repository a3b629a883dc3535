//go:build !windows

package sync

import (
	"io/fs"
	"syscall"
)

// inodeOf returns the file's inode (0 when unknown), used to detect renames.
func inodeOf(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // Ino is uint32 on some platforms
	}
	return 0
}
