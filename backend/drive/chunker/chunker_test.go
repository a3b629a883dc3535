package chunker

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func data(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x5DEECE66D))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func split(t *testing.T, b []byte) []Chunk {
	t.Helper()
	var out []Chunk
	if err := Split(bytes.NewReader(b), func(c Chunk) error { out = append(out, c); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSplitBoundsAndHashes(t *testing.T) {
	b := data(1, 24<<20)
	cs := split(t, b)
	var off int64
	for i, c := range cs {
		if c.Offset != off {
			t.Fatalf("chunk %d at %d, want %d", i, c.Offset, off)
		}
		if c.Size > MaxSize || (c.Size < MinSize && i != len(cs)-1) {
			t.Fatalf("chunk %d size %d out of bounds", i, c.Size)
		}
		sum := sha256.Sum256(b[c.Offset : c.Offset+int64(c.Size)])
		if hex.EncodeToString(sum[:]) != c.Hash {
			t.Fatalf("chunk %d hash mismatch", i)
		}
		off += int64(c.Size)
	}
	if off != int64(len(b)) {
		t.Fatalf("chunks cover %d of %d bytes", off, len(b))
	}
	if avg := len(b) / len(cs); avg < AvgSize/2 || avg > 2*AvgSize {
		t.Fatalf("average chunk %d bytes, want about %d", avg, AvgSize)
	}
	if got := split(t, nil); len(got) != 0 {
		t.Fatalf("empty input gave %d chunks", len(got))
	}
}

func TestEditChangesFewChunks(t *testing.T) {
	b := data(2, 32<<20)
	before := split(t, b)
	edited := append([]byte(nil), b...)
	copy(edited[10<<20:], data(3, 1<<20)) // overwrite 1 MiB in the middle
	after := split(t, edited)
	old := map[string]bool{}
	for _, c := range before {
		old[c.Hash] = true
	}
	changed := 0
	for _, c := range after {
		if !old[c.Hash] {
			changed++
		}
	}
	if changed == 0 || changed > 5 {
		t.Fatalf("%d of %d chunks changed after a 1 MiB edit", changed, len(after))
	}
}
