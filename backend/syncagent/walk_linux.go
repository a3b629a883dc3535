//go:build linux

package syncagent

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// listDir lists a directory and lstats every entry relative to the
// directory's descriptor (fstatat): no path string built per file and no
// path walk in the kernel, no DirEntry or FileInfo allocated, and no
// sorting (the walk does not need the order).
func listDir(path string) ([]dirItem, error) {
	d, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	rc, err := d.SyscallConn()
	if err != nil {
		return nil, err
	}
	items := make([]dirItem, len(names))
	cerr := rc.Control(func(fd uintptr) {
		var st unix.Stat_t
		for i, name := range names {
			items[i].name = name
			if err := unix.Fstatat(int(fd), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				items[i].err = &fs.PathError{Op: "lstat", Path: name, Err: err}
				continue
			}
			items[i].st = entryStat{mode: modeOf(st.Mode), size: st.Size, mtimeNs: st.Mtim.Nano(), ctimeNs: st.Ctim.Nano(), inode: st.Ino}
		}
	})
	if cerr != nil {
		return nil, cerr
	}
	return items, nil
}

// modeOf maps a stat's file type to fs.FileMode's type bits (what the walk
// tells apart, and what a skipped entry's reason names).
func modeOf(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFREG:
		return 0
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}
