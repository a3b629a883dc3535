//go:build darwin || freebsd || netbsd || openbsd

package syncagent

import (
	"io/fs"
	"syscall"
)

// ctimeOf is the inode change time of a stat, in ns (0 when unknown).
func ctimeOf(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctimespec.Nano()
	}
	return 0
}
