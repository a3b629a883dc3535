//go:build windows

package sync

import "io/fs"

// inodeOf returns 0 on Windows: FileInfo carries no file ID, so renames are
// matched by content hash there.
func inodeOf(fs.FileInfo) uint64 { return 0 }
