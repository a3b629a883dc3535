package chunker

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// cutPoint2Ref is scheme 2's cut one byte at a time, as cdc.ts does it.
func cutPoint2Ref(data []byte) int {
	n := len(data)
	if n <= MinSize {
		return n
	}
	end := min(n, MaxSize)
	normal := min(end, AvgSize)
	var fp uint32
	i := MinSize
	for ; i < normal; i++ {
		fp = (fp << 1) + gear32[data[i]]
		if fp&mask2S == 0 {
			return i + 1
		}
	}
	for ; i < end; i++ {
		fp = (fp << 1) + gear32[data[i]]
		if fp&mask2L == 0 {
			return i + 1
		}
	}
	return end
}

// The two-byte step cuts where the byte-at-a-time loop does, on every
// length around the phase limits and on random content of any length.
func TestCutPoint2MatchesByteLoop(t *testing.T) {
	d := data(11, 8<<20)
	for off := 0; off+3*MaxSize/2 <= len(d); off += 20011 {
		for _, n := range []int{MinSize - 1, MinSize, MinSize + 1, AvgSize - 1, AvgSize, AvgSize + 1, AvgSize + 2, MaxSize - 1, MaxSize, MaxSize + 1, 3 * MaxSize / 2} {
			if got, want := cutPoint2(d[off:off+n]), cutPoint2Ref(d[off:off+n]); got != want {
				t.Fatalf("offset %d length %d: cut at %d, want %d", off, n, got, want)
			}
		}
	}
	// Zeros: the fingerprint never cuts, so every chunk ends at the limit.
	z := make([]byte, 3*MaxSize)
	for _, n := range []int{AvgSize + 1, MaxSize - 1, MaxSize, len(z)} {
		if got, want := cutPoint2(z[:n]), cutPoint2Ref(z[:n]); got != want {
			t.Fatalf("zeros, length %d: cut at %d, want %d", n, got, want)
		}
	}
}

func benchCut(b *testing.B, cut func([]byte) int) {
	d := data(3, 64<<20)
	b.SetBytes(int64(len(d)))
	for b.Loop() {
		for off := 0; off < len(d); {
			off += cut(d[off:])
		}
	}
}

func BenchmarkCut(b *testing.B)         { benchCut(b, cutPoint2) }
func BenchmarkCutByteLoop(b *testing.B) { benchCut(b, cutPoint2Ref) }

func BenchmarkSHA256(b *testing.B) {
	d := data(3, 64<<20)
	b.SetBytes(int64(len(d)))
	for b.Loop() {
		sha256.Sum256(d)
	}
}

// BenchmarkSplitData: the cut, each chunk's SHA-256 and the buffer moves.
func BenchmarkSplitData(b *testing.B) {
	d := data(3, 64<<20)
	b.SetBytes(int64(len(d)))
	for b.Loop() {
		if err := SplitData(bytes.NewReader(d), func(Chunk, []byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
