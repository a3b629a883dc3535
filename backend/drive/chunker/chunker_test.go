package chunker

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
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

func splitScheme(t testing.TB, s Scheme, b []byte) []Chunk {
	t.Helper()
	var out []Chunk
	if err := SplitScheme(s, bytes.NewReader(b), func(c Chunk, _ []byte) error { out = append(out, c); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
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
	for _, s := range []Scheme{Scheme1, Scheme2, Scheme3} {
		t.Run(fmt.Sprint("scheme", int(s)), func(t *testing.T) {
			minSize, avgSize, maxSize := s.Bounds()
			b := data(1, 24<<20)
			cs := splitScheme(t, s, b)
			var off int64
			for i, c := range cs {
				if c.Offset != off {
					t.Fatalf("chunk %d at %d, want %d", i, c.Offset, off)
				}
				if c.Size > maxSize || (c.Size < minSize && i != len(cs)-1) {
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
			if avg := len(b) / len(cs); avg < avgSize/2 || avg > 2*avgSize {
				t.Fatalf("average chunk %d bytes, want about %d", avg, avgSize)
			}
			if got := splitScheme(t, s, nil); len(got) != 0 {
				t.Fatalf("empty input gave %d chunks", len(got))
			}
		})
	}
	if got, want := split(t, data(1, 4<<20)), splitScheme(t, Current, data(1, 4<<20)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatal("Split does not use the current scheme")
	}
}

// Scheme 1 must keep cutting exactly where it always did: its chunk lists
// are stored in old versions (the digest was taken from the scheme-1-only
// chunker before scheme 2 existed).
func TestScheme1Unchanged(t *testing.T) {
	h := sha256.New()
	cs := splitScheme(t, Scheme1, data(1, 24<<20))
	for _, c := range cs {
		fmt.Fprintf(h, "%d %d %s\n", c.Offset, c.Size, c.Hash)
	}
	if got := hex.EncodeToString(h.Sum(nil)); len(cs) != 22 || got != "6a37ff6ba8c76f3687d2e8fc39ebc9708da6b5ce8f1062289d56cdcd5e78e2c5" {
		t.Fatalf("scheme 1 changed: %d chunks, digest %s", len(cs), got)
	}
}

// editCost chunks size bytes of random content, overwrites 1 MiB in the
// middle and returns the bytes of the new chunks (what an upload of the
// edited file sends) and the chunk count of the original.
func editCost(t testing.TB, s Scheme, size int) (sent int64, chunks int) {
	b := data(2, size)
	before := splitScheme(t, s, b)
	copy(b[size/2:], data(3, 1<<20))
	old := map[string]bool{}
	for _, c := range before {
		old[c.Hash] = true
	}
	for _, c := range splitScheme(t, s, b) {
		if !old[c.Hash] {
			old[c.Hash] = true
			sent += int64(c.Size)
		}
	}
	return sent, len(before)
}

// The goal of issue 21: a 1 MiB edit in the middle of a big file sends at
// most 2 MB (scheme 1 sent 4-5 MB), and then no more than Syncthing's
// 1.14 MB for a block-aligned edit (scheme 2 sent 1.6 MB).
func TestEditSendsLittle(t *testing.T) {
	sent1, _ := editCost(t, Scheme1, 64<<20)
	sent2, _ := editCost(t, Scheme2, 64<<20)
	sent3, n := editCost(t, Current, 64<<20)
	t.Logf("1 MiB edit of 64 MiB: scheme 1 sends %d bytes, scheme 2 %d, scheme 3 %d (%d chunks)", sent1, sent2, sent3, n)
	if sent2 > 2_000_000 || sent2 < 1<<20 {
		t.Fatalf("scheme 2 sends %d bytes for a 1 MiB edit, want 1 MiB..2 MB", sent2)
	}
	if sent3 > 1_140_000 || sent3 < 1<<20 {
		t.Fatalf("scheme 3 sends %d bytes for a 1 MiB edit, want 1 MiB..1.14 MB", sent3)
	}
}

// TestEditCostLarge measures the issue's own case, a 1 GiB file, with the
// 1 MiB edit in the middle and at 32 random places (re-chunking only a
// window around each edit, from a chunk boundary to one, which cuts as the
// whole file would); it takes a while, so it runs only with
// TACK_CHUNK_BENCH=1 (bench/RESULTS.md). The chunk list (about 92 bytes of
// JSON a chunk) goes up with every upload too.
func TestEditCostLarge(t *testing.T) {
	if os.Getenv("TACK_CHUNK_BENCH") == "" {
		t.Skip("set TACK_CHUNK_BENCH=1")
	}
	const size = 1 << 30
	b := data(2, size)
	r := rand.New(rand.NewPCG(9, 9))
	fmt.Println("| scheme | chunks | mean chunk | edit in the middle | 32 random edits: mean / max | chunk list |")
	for _, s := range []Scheme{Scheme1, Scheme2, Scheme3} {
		base := splitScheme(t, s, b)
		old := map[string]bool{}
		for _, c := range base {
			old[c.Hash] = true
		}
		cost := func(off int) int64 {
			lo, hi := int64(0), int64(size)
			for _, c := range base {
				if c.Offset <= int64(off)-16<<20 {
					lo = c.Offset
				}
				if c.Offset >= int64(off)+17<<20 && hi == size {
					hi = c.Offset
				}
			}
			win := append([]byte(nil), b[lo:hi]...)
			copy(win[int64(off)-lo:], data(uint64(off), 1<<20))
			var sent int64
			seen := map[string]bool{}
			for _, c := range splitScheme(t, s, win) {
				if !old[c.Hash] && !seen[c.Hash] {
					seen[c.Hash] = true
					sent += int64(c.Size)
				}
			}
			return sent
		}
		mid := cost(size / 2)
		var sum, most int64
		for range 32 {
			c := cost(32<<20 + r.IntN(size-64<<20))
			sum += c
			most = max(most, c)
		}
		fmt.Printf("| %d | %d | %d KiB | %.2f MB | %.2f / %.2f MB | %.2f MB |\n", s, len(base), size/len(base)>>10,
			float64(mid)/1e6, float64(sum)/32/1e6, float64(most)/1e6, float64(len(base)*92)/1e6)
	}
}

// xorshift32 fills the cross-check buffer; frontend/src/views/drive/cdc.test.ts
// generates the same bytes.
func xorshiftBytes(seed uint32, n int) []byte {
	b := make([]byte, n)
	x := seed
	for i := 0; i < n; i += 4 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		for j := 0; j < 4 && i+j < n; j++ {
			b[i+j] = byte(x >> (8 * j))
		}
	}
	return b
}

type fixtureChunk struct {
	Offset int64  `json:"offset"`
	Size   int    `json:"size"`
	Hash   string `json:"hash"`
}

type fixture struct {
	Scheme int            `json:"scheme"`
	Seed   uint32         `json:"seed"`
	Size   int            `json:"size"`
	Chunks []fixtureChunk `json:"chunks"`
}

var update = flag.Bool("update", false, "rewrite the TypeScript cross-check fixture")

const fixturePath = "../../../frontend/src/views/drive/cdc.fixture.json"

// The browser's chunker (cdc.ts) must cut where this one does, or browser
// and agent uploads of one file stop deduplicating. cdc.test.ts checks its
// cuts against the fixture written here, one per 32-bit-gear scheme (the
// current one first); this test fails when the fixture no longer matches
// the Go chunker (run with -update and commit it).
func TestTypeScriptFixtureIsCurrent(t *testing.T) {
	var fs []fixture
	for _, s := range []Scheme{Current, Scheme2} {
		f := fixture{Scheme: int(s), Seed: 0x2545F491, Size: 6<<20 + 12345}
		for _, c := range splitScheme(t, s, xorshiftBytes(f.Seed, f.Size)) {
			f.Chunks = append(f.Chunks, fixtureChunk{c.Offset, c.Size, c.Hash})
		}
		fs = append(fs, f)
	}
	want, err := json.MarshalIndent(fs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile(filepath.FromSlash(fixturePath), want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(filepath.FromSlash(fixturePath))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test ./backend/drive/chunker -run TestTypeScriptFixtureIsCurrent -update and check cdc.ts", fixturePath)
	}
}

// unevenReader hands out its content in uneven short reads, so the
// splitter's buffer refills land at every kind of offset.
type unevenReader struct {
	b []byte
	k int
}

func (r *unevenReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	r.k++
	n := min(len(p), len(r.b), 1+(r.k*7919)%(700<<10))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// Scheme 2 must keep cutting exactly where it did before the two-byte gear
// step and the larger read buffer (the digest was taken from the
// byte-at-a-time chunker that moved the buffer after every chunk): its
// cuts are stored in every version since, and the browser's cdc.ts and the
// agent cut the same way. Read whole and in uneven short reads.
func TestScheme2Unchanged(t *testing.T) {
	b := data(7, 40<<20+4321)
	for _, uneven := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(b)
		if uneven {
			r = &unevenReader{b: b}
		}
		h := sha256.New()
		var cs int
		err := SplitScheme(Scheme2, r, func(c Chunk, d []byte) error {
			if len(d) != c.Size {
				t.Fatalf("chunk %d: %d bytes handed over, size %d", cs, len(d), c.Size)
			}
			cs++
			fmt.Fprintf(h, "%d %d %s\n", c.Offset, c.Size, c.Hash)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); cs != 139 || got != "bfbbd81a78d89478a7f0781f8441d1720c95d59b5211fd2eb129d764b4093e9e" {
			t.Fatalf("scheme 2 changed (uneven reads %v): %d chunks, digest %s", uneven, cs, got)
		}
	}
}
