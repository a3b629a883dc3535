package backup

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// writeFileAtomic writes data to path through a temp file in the same
// directory: fsync, rename, fsync the directory. Readers see the old file
// or the new one, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory so that renames and creations in it survive a
// crash. Windows cannot open a directory for syncing; there it is a no-op.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// hashedFile is a buffered file being written whose SHA-256 and size are
// computed on the way.
type hashedFile struct {
	f *os.File
	w *bufio.Writer
	h hash.Hash
	n int64
}

func createHashed(path string) (*hashedFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	hf := &hashedFile{f: f, h: sha256.New()}
	hf.w = bufio.NewWriterSize(io.MultiWriter(f, hf.h), 256<<10)
	return hf, nil
}

func (hf *hashedFile) Write(p []byte) (int, error) {
	n, err := hf.w.Write(p)
	hf.n += int64(n)
	return n, err
}

// finish flushes, fsyncs and closes the file and returns its size and hash.
func (hf *hashedFile) finish() (int64, string, error) {
	err := hf.w.Flush()
	if err == nil {
		err = hf.f.Sync()
	}
	if cerr := hf.f.Close(); err == nil {
		err = cerr
	}
	return hf.n, hex.EncodeToString(hf.h.Sum(nil)), err
}

// abort closes the file after a failure (the partial directory is kept for
// inspection and removed by the next successful run).
func (hf *hashedFile) abort() { _ = hf.f.Close() }

// hashFile returns the size and SHA-256 of the file at path.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
