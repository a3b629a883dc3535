//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd

package syncagent

import "io/fs"

// ctimeOf is 0 (unknown): Windows' stat carries no change time (its
// ChangeTime needs a handle per file, which a restart must not pay), so
// size, mtime and the file ID decide there.
func ctimeOf(fs.FileInfo) int64 { return 0 }
