//go:build !windows

package syncagent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScanUnchanged times the walk of an unchanged folder (the pass
// every restart and every full pass makes): 20,000 files in 200
// directories, every one matching its base record, so nothing is read,
// only listed and stat'ed.
//
//	go test -run '^$' -bench BenchmarkScanUnchanged -benchmem -count 5 ./backend/syncagent
func BenchmarkScanUnchanged(b *testing.B) {
	root := b.TempDir()
	for d := range 200 {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", d))
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 100 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%06d.txt", f)), []byte("x"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	ig, err := newIgnore(nil)
	if err != nil {
		b.Fatal(err)
	}
	s := &scanner{Root: root, Ignore: ig}
	res, err := s.Scan(context.Background(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	base := make(map[string]*FileRecord, len(res.Files))
	for p, l := range res.Files {
		base[p] = &FileRecord{Path: p, Dir: l.Dir, Size: l.Size, MtimeNs: l.MtimeNs, CtimeNs: l.CtimeNs, Inode: l.Inode, Hash: l.Hash, Chunks: l.Chunks}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	n := 0
	for b.Loop() {
		n++
		res, err := s.Scan(context.Background(), base, nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Hashed != 0 || len(res.Files) != len(base) {
			b.Fatalf("hashed %d, found %d of %d", res.Hashed, len(res.Files), len(base))
		}
	}
	// CPU time (user + system) is steadier than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(n), "cpu-ms/op")
}
