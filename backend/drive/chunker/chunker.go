// Package chunker splits content into content-defined chunks, the drive's
// unit of deduplication. The desktop sync agent and the server use this one
// package, so a file chunked on a laptop and the same file uploaded through
// the browser produce the same chunks and are stored once.
//
// The algorithm is FastCDC-style: a gear rolling hash over the bytes,
// normalised chunking (a stricter mask before the average size, a looser one
// after), min 256 KiB, average 1 MiB, max 4 MiB. An edit inside a big file
// changes only the chunks around the edit. Changing any constant here
// changes every chunk hash: existing files stay readable (a version stores
// its own chunk list) but stop deduplicating against new uploads.
package chunker

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
)

// The chunk size bounds.
const (
	MinSize = 256 << 10
	AvgSize = 1 << 20
	MaxSize = 4 << 20
	// The gear fingerprint's top bits depend on the last 64 bytes; a cut
	// needs them zero: 22 bits before the average size, 18 after.
	maskS = uint64(1<<22-1) << (64 - 22)
	maskL = uint64(1<<18-1) << (64 - 18)
)

// Chunk is one piece of the content: where it starts, how long it is and
// the lowercase hex SHA-256 of its bytes.
type Chunk struct {
	Offset int64
	Size   int
	Hash   string
}

var gear = func() (g [256]uint64) {
	x := uint64(0x9E3779B97F4A7C15) // splitmix64: a fixed table, the same on every client
	for i := range g {
		x += 0x9E3779B97F4A7C15
		z := x
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		g[i] = z ^ (z >> 31)
	}
	return g
}()

var bufs = sync.Pool{New: func() any { b := make([]byte, MaxSize); return &b }}

// cutPoint returns the length of the next chunk of data (data holds at least
// MaxSize bytes unless the input ends sooner).
func cutPoint(data []byte) int {
	n := len(data)
	if n <= MinSize {
		return n
	}
	end := min(n, MaxSize)
	normal := min(end, AvgSize)
	var fp uint64
	i := MinSize
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

// Split reads r once and calls fn for each chunk in order. Empty input has
// no chunks.
func Split(r io.Reader, fn func(Chunk) error) error {
	return SplitData(r, func(c Chunk, _ []byte) error { return fn(c) })
}

// SplitData is Split that also hands fn the chunk's bytes, valid only during
// the call (the buffer is reused).
func SplitData(r io.Reader, fn func(c Chunk, data []byte) error) error {
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	buf := *bp
	var (
		n   int
		off int64
		eof bool
	)
	for {
		for !eof && n < len(buf) {
			m, err := r.Read(buf[n:])
			n += m
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return err
			}
		}
		if n == 0 {
			return nil
		}
		cut := cutPoint(buf[:n])
		sum := sha256.Sum256(buf[:cut])
		if err := fn(Chunk{Offset: off, Size: cut, Hash: hex.EncodeToString(sum[:])}, buf[:cut]); err != nil {
			return err
		}
		copy(buf, buf[cut:n])
		n -= cut
		off += int64(cut)
	}
}
