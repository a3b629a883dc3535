//go:build windows

package syncagent

import (
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
)

// statInode returns 0: a Windows FileInfo carries no file ID (os.SameFile
// opens the file to learn it), so the walker asks pathFileID instead.
func statInode(fs.FileInfo) uint64 { return 0 }

// pathFileID returns the NTFS/ReFS file ID of abs (GetFileInformationByHandle:
// volume serial number and 64-bit file index), which a rename keeps, folded
// into the 64 bits the index stores; 0 when it cannot be read (FAT volumes
// and some network shares have no stable IDs: renames are then matched by
// content). The handle asks for no access and shares everything, so it
// neither fails on nor disturbs a file another program holds open.
func pathFileID(abs string) uint64 {
	p, err := syscall.UTF16PtrFromString(longPath(abs))
	if err != nil {
		return 0
	}
	h, err := syscall.CreateFile(p, 0, syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE, nil,
		syscall.OPEN_EXISTING, syscall.FILE_FLAG_BACKUP_SEMANTICS|syscall.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return 0
	}
	defer syscall.CloseHandle(h)
	var info syscall.ByHandleFileInformation
	if err := syscall.GetFileInformationByHandle(h, &info); err != nil {
		return 0
	}
	idx := uint64(info.FileIndexHigh)<<32 | uint64(info.FileIndexLow)
	if idx == 0 || idx == ^uint64(0) {
		return 0 // no ID on this volume
	}
	// The serial tells volumes apart (a folder mounted inside the pair);
	// multiplying by an odd constant spreads it over all 64 bits.
	id := idx ^ uint64(info.VolumeSerialNumber)*0x9E3779B97F4A7C15
	if id == 0 {
		id = 1
	}
	return id
}

// longPath prefixes an absolute path of MAX_PATH or more with \\?\ so
// CreateFile takes it (the os package does the same for its own calls).
func longPath(p string) string {
	if len(p) < 248 || strings.HasPrefix(p, `\\?\`) || !filepath.IsAbs(p) {
		return p
	}
	if strings.HasPrefix(p, `\\`) {
		return `\\?\UNC\` + p[2:]
	}
	return `\\?\` + p
}
