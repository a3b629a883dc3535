package syncagent

import (
	"io/fs"
	"syscall"
)

// ctimeOf is the inode change time of a stat, in ns (0 when unknown).
func ctimeOf(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano()
	}
	return 0
}
