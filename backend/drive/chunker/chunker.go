// Package chunker splits content into content-defined chunks, the drive's
// unit of deduplication. The desktop sync agent and the server use this one
// package, and the browser has a line-for-line TypeScript copy of the
// current scheme (frontend/src/views/drive/cdc.ts, checked against
// testdata/scheme2.json), so a file chunked on a laptop, in a browser or on
// the server produces the same chunks and is stored once.
//
// The algorithm is FastCDC-style: a gear rolling hash over the bytes,
// normalised chunking (a stricter mask before the average size, a looser one
// after), with a minimum and maximum size. An edit inside a big file changes
// only the chunks around the edit.
//
// Chunking schemes are versioned. The server never needs to know the scheme:
// a chunk is a content-addressed byte range and a version stores its own
// chunk list, so files of every scheme stay readable and downloadable.
// Dedup of an edit needs only that the old and new content were chunked with
// the same scheme; the first edit of a scheme-1 file is therefore uploaded
// in full once (its local copy is already overwritten when the agent sees
// the edit), and deduplicates from then on.
//
//   - Scheme 1 (until December 2026): min 256 KiB, average 1 MiB, max 4 MiB,
//     64-bit gear. A 1 MiB edit sent about 5 MB.
//   - Scheme 2 (until December 2026): min 64 KiB, average 256 KiB, max 1 MiB,
//     32-bit gear (the browser computes it exactly with 32-bit integer
//     arithmetic). A 1 MiB edit sends about 1.6 MB; a 1 GiB file has about
//     3,800 chunks (bench/RESULTS.md, "Chunking scheme 2").
//   - Scheme 3 (Current): min 16 KiB, average 64 KiB, max 256 KiB, the same
//     32-bit gear. A 1 MiB edit sends about 1.2 MB (Syncthing's fixed 1 MiB
//     blocks send 1.1 MB when the edit is block-aligned, 2.1 MB when not);
//     a 1 GiB file has about 14,000 chunks (bench/RESULTS.md, "Chunking
//     scheme 3").
//
// The server records each version's scheme (drive.FileVersion.ChunkScheme),
// and the sync agent cuts an edited file with the scheme of the version it
// edits, so an edit deduplicates against its base whatever the scheme (a
// file never has to be uploaded whole again because the scheme changed);
// new files take Current.
//
// Changing any constant of a scheme changes its chunk hashes: add a scheme.
package chunker

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
)

// Scheme selects the chunking parameters.
type Scheme int

const (
	Scheme1 Scheme = 1
	Scheme2 Scheme = 2
	Scheme3 Scheme = 3
	// Current is what new uploads use, everywhere.
	Current = Scheme3
)

// The current scheme's size bounds.
const (
	MinSize = 16 << 10
	AvgSize = 64 << 10
	MaxSize = 256 << 10
)

// Known reports whether s is a scheme this package can cut.
func (s Scheme) Known() bool { return s >= Scheme1 && s <= Scheme3 }

// Scheme 1's bounds and masks: a cut needs the top 22 bits of the 64-bit
// fingerprint zero before the average size, 18 after.
const (
	min1  = 256 << 10
	avg1  = 1 << 20
	max1  = 4 << 20
	maskS = uint64(1<<22-1) << (64 - 22)
	maskL = uint64(1<<18-1) << (64 - 18)
)

// gearParams are a 32-bit-gear scheme's bounds and masks on the
// fingerprint (whose top bits depend on the last 32 bytes): a cut needs
// the masked bits zero, two bits more of them before the average size
// than after (normalised chunking).
type gearParams struct {
	min, avg, max int
	maskS, maskL  uint32
}

func topBits(n int) uint32 { return uint32(1<<n-1) << (32 - n) }

var (
	params2 = gearParams{64 << 10, 256 << 10, 1 << 20, topBits(20), topBits(16)}
	params3 = gearParams{MinSize, AvgSize, MaxSize, topBits(18), topBits(14)}
)

// LargestChunk is the largest chunk any scheme makes.
const LargestChunk = max1

// Bounds returns a scheme's minimum, average and maximum chunk size.
func (s Scheme) Bounds() (minSize, avgSize, maxSize int) {
	switch s {
	case Scheme1:
		return min1, avg1, max1
	case Scheme2:
		return params2.min, params2.avg, params2.max
	}
	return MinSize, AvgSize, MaxSize
}

// Chunk is one piece of the content: where it starts, how long it is and
// the lowercase hex SHA-256 of its bytes.
type Chunk struct {
	Offset int64
	Size   int
	Hash   string
}

// gear is scheme 1's table; gear32 (scheme 2) is the top half of each entry.
var gear, gear32 = func() (g [256]uint64, g32 [256]uint32) {
	x := uint64(0x9E3779B97F4A7C15) // splitmix64: a fixed table, the same on every client
	for i := range g {
		x += 0x9E3779B97F4A7C15
		z := x
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		g[i] = z ^ (z >> 31)
		g32[i] = uint32(g[i] >> 32)
	}
	return g, g32
}()

var bufs = sync.Pool{New: func() any { b := make([]byte, LargestChunk); return &b }}

// cutPoint1 returns the length of scheme 1's next chunk of data (data holds
// at least max1 bytes unless the input ends sooner).
func cutPoint1(data []byte) int {
	n := len(data)
	if n <= min1 {
		return n
	}
	end := min(n, max1)
	normal := min(end, avg1)
	var fp uint64
	i := min1
	for ; i < normal; i++ {
		fp = (fp << 1) + gear[data[i]]
		if fp&maskS == 0 {
			return i + 1
		}
	}
	for ; i < end; i++ {
		fp = (fp << 1) + gear[data[i]]
		if fp&maskL == 0 {
			return i + 1
		}
	}
	return end
}

// cutPoint32 is cutPoint1 for the 32-bit-gear schemes (2 and 3). Keep it in
// step with cutPoint in frontend/src/views/drive/cdc.ts (which steps one
// byte at a time: the cuts are the same, TestScheme2Unchanged,
// TestCutPoint32MatchesByteLoop and the TypeScript fixture check it).
//
// It steps two bytes at a time: the fingerprint after byte i+1 is
// fp<<2 + (g[i]<<1 + g[i+1]), so the chain each step waits for is one shift
// and one add per two bytes instead of per byte (the gear hash was as costly
// as the chunk's SHA-256); both fingerprints are still tested, so the cut
// is where the byte-at-a-time loop would cut.
func cutPoint32(p *gearParams, data []byte) int {
	n := len(data)
	if n <= p.min {
		return n
	}
	end := min(n, p.max)
	normal := min(end, p.avg)
	d := data[:end]
	var fp uint32
	i := p.min
	fp, i, cut := gear2(d, fp, i, normal, p.maskS)
	if cut {
		return i
	}
	if _, i, cut = gear2(d, fp, i, end, p.maskL); cut {
		return i
	}
	return end
}

func cutPoint2(data []byte) int { return cutPoint32(&params2, data) }
func cutPoint3(data []byte) int { return cutPoint32(&params3, data) }

// gear2 runs the 32-bit gear hash over d[i:stop] from fingerprint fp and
// returns the cut (index after the byte whose fingerprint has no bit of
// mask set) with cut true, or the fingerprint and stop with cut false.
func gear2(d []byte, fp uint32, i, stop int, mask uint32) (uint32, int, bool) {
	for ; i+1 < stop && i+1 < len(d); i += 2 {
		a, b := gear32[d[i]], gear32[d[i+1]]
		f1 := fp<<1 + a
		fp = fp<<2 + (a<<1 + b)
		if f1&mask == 0 {
			return fp, i + 1, true
		}
		if fp&mask == 0 {
			return fp, i + 2, true
		}
	}
	if i < stop && i < len(d) {
		fp = fp<<1 + gear32[d[i]]
		i++
		if fp&mask == 0 {
			return fp, i, true
		}
	}
	return fp, i, false
}

// Split reads r once and calls fn for each chunk of the current scheme in
// order. Empty input has no chunks.
func Split(r io.Reader, fn func(Chunk) error) error {
	return SplitData(r, func(c Chunk, _ []byte) error { return fn(c) })
}

// SplitData is Split that also hands fn the chunk's bytes, valid only during
// the call (the buffer is reused).
func SplitData(r io.Reader, fn func(c Chunk, data []byte) error) error {
	return SplitScheme(Current, r, fn)
}

// SplitScheme is SplitData with the given scheme.
func SplitScheme(s Scheme, r io.Reader, fn func(c Chunk, data []byte) error) error {
	return splitWith(s, r, true, fn)
}

// SplitCuts is SplitData without the chunks' hashes (Chunk.Hash is empty):
// for a caller that hashes the chunks on other goroutines while the cuts
// of the next ones are found.
func SplitCuts(r io.Reader, fn func(c Chunk, data []byte) error) error {
	return splitWith(Current, r, false, fn)
}

// SplitCutsScheme is SplitCuts with the given scheme.
func SplitCutsScheme(s Scheme, r io.Reader, fn func(c Chunk, data []byte) error) error {
	return splitWith(s, r, false, fn)
}

func splitWith(s Scheme, r io.Reader, hash bool, fn func(c Chunk, data []byte) error) error {
	var cutPoint func([]byte) int
	switch s {
	case Scheme1:
		cutPoint = cutPoint1
	case Scheme2:
		cutPoint = cutPoint2
	default:
		cutPoint = cutPoint3
	}
	_, _, maxSize := s.Bounds()
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	// The buffer holds several chunks' worth (4 MiB: four scheme-2 maximum
	// chunks, sixteen of scheme 3): the unread tail is moved to the front only when less than a
	// maximum chunk is left, not after every chunk (which moved about three
	// times the file's bytes). The cut sees the same bytes either way: at
	// least maxSize of them, or all that is left.
	buf := *bp
	var (
		start, n int
		off      int64
		eof      bool
	)
	for {
		if !eof && n-start < maxSize {
			copy(buf, buf[start:n])
			n -= start
			start = 0
			for !eof && n < len(buf) {
				m, err := r.Read(buf[n:])
				n += m
				if err == io.EOF {
					eof = true
				} else if err != nil {
					return err
				}
			}
		}
		if n == start {
			return nil
		}
		cut := cutPoint(buf[start:n])
		data := buf[start : start+cut]
		c := Chunk{Offset: off, Size: cut}
		if hash {
			sum := sha256.Sum256(data)
			c.Hash = hex.EncodeToString(sum[:])
		}
		if err := fn(c, data); err != nil {
			return err
		}
		start += cut
		off += int64(cut)
	}
}
