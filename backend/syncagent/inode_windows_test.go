//go:build windows

package syncagent

import (
	"os"
	"path/filepath"
	"testing"
)

// The file ID of a file and of a folder survives a rename, and tells two
// files apart: what the scanner records to see a rename as a move.
func TestWindowsFileIDSurvivesRename(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "d/a.txt", "a")
	writeFile(t, root, "d/b.txt", "b")
	dir, a, b := pathFileID(filepath.Join(root, "d")), pathFileID(filepath.Join(root, "d", "a.txt")), pathFileID(filepath.Join(root, "d", "b.txt"))
	if dir == 0 || a == 0 || b == 0 || a == b || dir == a {
		t.Fatalf("file IDs %x %x %x: want distinct, non-zero", dir, a, b)
	}
	if err := os.Rename(filepath.Join(root, "d"), filepath.Join(root, "e")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "e", "a.txt"), filepath.Join(root, "e", "c.txt")); err != nil {
		t.Fatal(err)
	}
	if got := pathFileID(filepath.Join(root, "e")); got != dir {
		t.Fatalf("folder ID %x after a rename, was %x", got, dir)
	}
	if got := pathFileID(filepath.Join(root, "e", "c.txt")); got != a {
		t.Fatalf("file ID %x after a rename, was %x", got, a)
	}
}
