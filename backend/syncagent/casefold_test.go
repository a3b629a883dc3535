package syncagent

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// foldLstat looks names up as a case-insensitive file system (macOS APFS,
// Windows NTFS) does: "report.txt" finds "Report.txt". This machine's kernel
// has no casefold support (tmpfs and ext4 refuse it) and no vfat tools, so
// the tests simulate the lookups; the renames are real.
func foldLstat(name string) (fs.FileInfo, error) {
	if fi, err := os.Lstat(name); err == nil {
		return fi, nil
	}
	dir, base := filepath.Split(name)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrNotExist}
	}
	for _, e := range ents {
		if strings.EqualFold(e.Name(), base) {
			return os.Lstat(filepath.Join(dir, e.Name()))
		}
	}
	return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrNotExist}
}

// A case-only rename made on the drive ("Report.txt" → "report.txt") is
// applied to the local file on a case-insensitive file system, where the new
// name already "exists" (it is the file itself): it used to be taken for
// something in the way and retried for ever.
func TestCaseOnlyRenameFromTheDriveOnACaseInsensitiveFS(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeTwoWay, func(o *Options) { o.lstat = foldLstat })
		s.write("Report.txt", "q4")
		s.once(e)
		r := s.remote()["Report.txt"]
		if r == nil {
			t.Fatalf("drive has %v", s.remote())
		}
		if _, err := s.otherC.Move(t.Context(), r.EntryID, r.Version, "", "report.txt"); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		ents, err := os.ReadDir(s.dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, en := range ents {
			names = append(names, en.Name())
		}
		if len(names) != 1 || names[0] != "report.txt" {
			t.Fatalf("local folder has %v, want [report.txt]", names)
		}
		s.wantLocal("report.txt", "q4")
		rem := s.remote()
		if len(rem) != 1 || rem["report.txt"] == nil || rem["report.txt"].EntryID != r.EntryID {
			t.Fatalf("drive has %v", rem)
		}
		if st := e.Status()[0]; st.State != StateSynced || st.Pending != 0 {
			t.Fatalf("status %+v", st)
		}
	})
}
