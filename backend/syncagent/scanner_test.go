package syncagent

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScannerHashesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "a.txt", "one")
	writeFile(t, root, "d/b.txt", "two")
	writeFile(t, root, "d/ignored.tmp", "x")
	sc := &scanner{Root: root, Ignore: mustIgnoreT(t)}
	ctx := context.Background()
	res, err := sc.Scan(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Hashed != 2 || len(res.Files) != 3 || res.Files["d/ignored.tmp"] != nil || !res.Files["d"].Dir {
		t.Fatalf("first scan: hashed %d, files %v", res.Hashed, res.Files)
	}
	base := map[string]*FileRecord{}
	for p, l := range res.Files {
		base[p] = &FileRecord{Path: p, Dir: l.Dir, Size: l.Size, MtimeNs: l.MtimeNs, Inode: l.Inode, Hash: l.Hash, Chunks: l.Chunks}
	}
	res, err = sc.Scan(ctx, base, nil)
	if err != nil || res.Hashed != 0 {
		t.Fatalf("unchanged rescan hashed %d (%v)", res.Hashed, err)
	}
	writeFile(t, root, "d/b.txt", "two, longer")
	res, err = sc.Scan(ctx, base, []string{"d"})
	if err != nil || res.Hashed != 1 || res.Files["a.txt"] != nil || res.Files["d/b.txt"].Hash == base["d/b.txt"].Hash {
		t.Fatalf("subtree rescan: hashed %d, files %v, %v", res.Hashed, res.Files, err)
	}
	if !res.Covers("d/b.txt") || res.Covers("a.txt") {
		t.Fatal("Covers")
	}
	// A subtree that vanished covers its paths, which are then absent.
	if err := os.RemoveAll(filepath.Join(root, "d")); err != nil {
		t.Fatal(err)
	}
	res, err = sc.Scan(ctx, base, []string{"d"})
	if err != nil || len(res.Files) != 0 || !res.Covers("d/b.txt") {
		t.Fatalf("vanished subtree: %v %v", res.Files, err)
	}
}

func TestScannerCaseClash(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "plan.xlsx", "1")
	writeFile(t, root, "PLAN.xlsx", "2")
	if _, err := os.Stat(filepath.Join(root, "plan.xlsx")); err == nil {
		t.Skip("case-insensitive file system")
	}
	res, err := (&scanner{Root: root, Ignore: mustIgnoreT(t), CaseInsensitive: true}).Scan(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 0 || len(res.Skip) != 2 {
		t.Fatalf("files %v skip %v", res.Files, res.Skip)
	}
}

func TestMinimalSubtrees(t *testing.T) {
	t.Parallel()
	got := minimalSubtrees([]string{"a/b", "a", "c/d", "c/de"})
	if len(got) != 3 || got[0] != "a" || got[1] != "c/d" || got[2] != "c/de" {
		t.Fatalf("%v", got)
	}
	if got := minimalSubtrees([]string{"x", ""}); len(got) != 1 || got[0] != "" {
		t.Fatalf("%v", got)
	}
}

func mustIgnoreT(t *testing.T) *ignore {
	ig, err := newIgnore(nil)
	if err != nil {
		t.Fatal(err)
	}
	return ig
}
