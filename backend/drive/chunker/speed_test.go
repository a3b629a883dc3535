package chunker

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// cutPoint32Ref is the 32-bit-gear schemes' cut one byte at a time, as
// cdc.ts does it.
func cutPoint32Ref(p *gearParams, data []byte) int {
	n := len(data)
	if n <= p.min {
		return n
	}
	end := min(n, p.max)
	normal := min(end, p.avg)
	var fp uint32
	i := p.min
	for ; i < normal; i++ {
		fp = (fp << 1) + gear32[data[i]]
		if fp&p.maskS == 0 {
			return i + 1
		}
	}
	for ; i < end; i++ {
		fp = (fp << 1) + gear32[data[i]]
		if fp&p.maskL == 0 {
			return i + 1
		}
	}
	return end
}

func cutPoint2Ref(data []byte) int { return cutPoint32Ref(&params2, data) }

// The two-byte step cuts where the byte-at-a-time loop does, on every
// length around the phase limits and on random content of any length, in
// schemes 2 and 3.
func TestCutPoint32MatchesByteLoop(t *testing.T) {
	for _, p := range []*gearParams{&params2, &params3} {
		d := data(11, 8<<20)
		for off := 0; off+3*p.max/2 <= len(d); off += 20011 {
			for _, n := range []int{p.min - 1, p.min, p.min + 1, p.avg - 1, p.avg, p.avg + 1, p.avg + 2, p.max - 1, p.max, p.max + 1, 3 * p.max / 2} {
				if got, want := cutPoint32(p, d[off:off+n]), cutPoint32Ref(p, d[off:off+n]); got != want {
					t.Fatalf("scheme max %d, offset %d length %d: cut at %d, want %d", p.max, off, n, got, want)
				}
			}
		}
		// Zeros: the fingerprint never cuts, so every chunk ends at the limit.
		z := make([]byte, 3*p.max)
		for _, n := range []int{p.avg + 1, p.max - 1, p.max, len(z)} {
			if got, want := cutPoint32(p, z[:n]), cutPoint32Ref(p, z[:n]); got != want {
				t.Fatalf("zeros, length %d: cut at %d, want %d", n, got, want)
			}
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
func BenchmarkCut3(b *testing.B)        { benchCut(b, cutPoint3) }
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
