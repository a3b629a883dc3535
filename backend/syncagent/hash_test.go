package syncagent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"tack/backend/drive/chunker"
)

func TestChunkingIsContentDefined(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 24<<20)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	size, hash, chunks, err := hashReader(bytes.NewReader(data), true)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if size != int64(len(data)) || hash != hex.EncodeToString(sum[:]) {
		t.Fatal("file size or hash wrong")
	}
	var off int64
	for i, c := range chunks {
		if c.Offset != off || c.Size > chunker.MaxSize || (c.Size < chunker.MinSize && i != len(chunks)-1) {
			t.Fatalf("chunk %d: %+v", i, c)
		}
		s := sha256.Sum256(data[c.Offset : c.Offset+int64(c.Size)])
		if hex.EncodeToString(s[:]) != c.Hash {
			t.Fatalf("chunk %d hash", i)
		}
		off += int64(c.Size)
	}
	if n := len(data) / chunker.AvgSize; len(chunks) < n/4 || len(chunks) > 2*n {
		t.Fatalf("%d chunks for 24 MiB (avg %d bytes expected)", len(chunks), chunker.AvgSize)
	}
	// Insert a few bytes near the start: the boundaries resynchronise, so
	// only the first chunk(s) change.
	edited := append(append(append([]byte(nil), data[:1000]...), []byte("inserted")...), data[1000:]...)
	_, _, chunks2, err := hashReader(bytes.NewReader(edited), true)
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]bool{}
	for _, c := range chunks {
		old[c.Hash] = true
	}
	changed := 0
	for _, c := range chunks2 {
		if !old[c.Hash] {
			changed++
		}
	}
	if changed > 2 {
		t.Fatalf("%d of %d chunks changed after a small insert", changed, len(chunks2))
	}
	// Small files are one chunk; empty files none.
	if _, _, c, _ := hashReader(bytes.NewReader([]byte("hello")), true); len(c) != 1 {
		t.Fatalf("small file chunks %v", c)
	}
	if _, h, c, _ := hashReader(bytes.NewReader(nil), true); len(c) != 0 || h == "" {
		t.Fatalf("empty file chunks %v %q", c, h)
	}
}

// TestChunksOnlyScanMatchesChunker: the scan of a big file (chunk hashes
// computed on another goroutine, no whole hash) gives exactly the chunks
// the chunker gives, in order, for inputs of many chunks, one and none.
func TestChunksOnlyScanMatchesChunker(t *testing.T) {
	for _, n := range []int{0, 5, 100 << 10, 9<<20 + 3} {
		data := seededBytes(uint64(n)+1, n)
		var want Chunks
		if err := chunker.Split(bytes.NewReader(data), func(c chunker.Chunk) error {
			want = append(want, ChunkRef{Offset: c.Offset, Size: c.Size, Hash: c.Hash})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		size, hash, got, err := hashReader(bytes.NewReader(data), false)
		if err != nil || size != int64(n) || hash != "" {
			t.Fatalf("%d bytes: size %d hash %q err %v", n, size, hash, err)
		}
		if len(got) != len(want) || (len(want) > 0 && !sameChunks(got, want)) {
			t.Fatalf("%d bytes: %d chunks, want %d (or different hashes)", n, len(got), len(want))
		}
		for i := range got {
			if got[i].Offset != want[i].Offset {
				t.Fatalf("%d bytes: chunk %d at %d, want %d", n, i, got[i].Offset, want[i].Offset)
			}
		}
	}
}
