//go:build !windows

package syncagent

import (
	"bytes"
	"testing"
)

// BenchmarkScanBigFile times the scan's read of one 64 MiB file: chunks
// and the whole-content SHA-256 (as for files under lateHashMin, and for
// every file before hashless uploads), or chunks only (a big file now).
//
//	go test -run '^$' -bench BenchmarkScanBigFile -count 3 ./backend/syncagent
func BenchmarkScanBigFile(b *testing.B) {
	data := seededBytes(3, 64<<20)
	for _, c := range []struct {
		name  string
		whole bool
	}{{"chunks+whole", true}, {"chunks-only", false}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu := cpuTime()
			n := 0
			for b.Loop() {
				n++
				if _, _, _, err := hashReader(bytes.NewReader(data), c.whole); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())*16/float64(n), "cpu-ms/GiB")
		})
	}
}
