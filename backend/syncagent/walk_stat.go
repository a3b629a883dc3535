package syncagent

import "io/fs"

// entryStat is what the walk keeps of a directory entry's lstat: no
// fs.FileInfo (one allocation per file, and on Linux the stat is taken
// relative to the directory's descriptor: walk_linux.go).
type entryStat struct {
	mode    fs.FileMode // type bits only matter: directory, regular, other
	size    int64
	mtimeNs int64
	ctimeNs int64 // 0 = unknown
	inode   uint64
}

// statOf is the entryStat of an fs.FileInfo.
func statOf(fi fs.FileInfo) entryStat {
	return entryStat{mode: fi.Mode(), size: fi.Size(), mtimeNs: fi.ModTime().UnixNano(), ctimeNs: ctimeOf(fi), inode: inodeOf(fi)}
}

// dirItem is one entry of a listed directory, with its lstat or the error
// that stopped it (a file removed meanwhile: fs.ErrNotExist).
type dirItem struct {
	name string
	st   entryStat
	err  error
}
