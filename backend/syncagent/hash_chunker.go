package syncagent

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"tack/backend/drive/chunker"
)

// The agent chunks with the drive's own chunker package, so the chunks it
// announces are the ones the server stores and deduplicates. A new file is
// cut with the current scheme (chunker.Current); a changed file is cut with
// the scheme of its recorded chunk list (schemeOf), so an edit of a file
// first synced under an older scheme still sends only the chunks around the
// edit instead of the whole file (its old content is gone from the disk by
// the time the edit is seen, so it could not be re-cut anyway). The upload
// names the scheme and the server records it with the version.

// lateHashMin: a file this big or bigger is read for its chunks only. Its
// whole-content SHA-256 (the drive's hash of a file) is not computed by the
// scan: the server computes it from the chunks it checks when the upload
// leaves it out (drive.StartUpload), and the agent records the server's.
// That is one SHA-256 pass over the file less on the agent (the chunks'
// hashes are still computed, and checked by the server). Below the bound
// files go up whole or in batches, which need the hash from the agent.
// The bound is above every single-request upload (SmallFile, batchMaxFile)
// and a chunk's maximum, so such a file always has several chunks.
const lateHashMin = 4 << 20

// hashFile chunks and hashes a file in one read pass: the content-defined
// chunks (the server's dedup unit) and, if whole, the SHA-256 of the whole
// content ("" otherwise).
func hashFile(path string, whole bool) (size int64, hash string, chunks Chunks, err error) {
	return hashFileScheme(path, whole, chunker.Current)
}

// hashFileScheme is hashFile with the given chunking scheme.
func hashFileScheme(path string, whole bool, scheme chunker.Scheme) (size int64, hash string, chunks Chunks, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", nil, err
	}
	defer f.Close()
	return hashReaderScheme(f, whole, scheme)
}

// schemeOf is the chunking scheme a recorded chunk list was cut with. The
// index keeps lists, not schemes, so it is read off the chunk sizes: a
// scheme never makes a chunk over its maximum, nor one under its minimum
// but the last. A list both schemes 2 and 3 could have made (every chunk
// between 64 and 256 KiB) is taken as the current scheme's: a scheme-2
// list of n chunks is that only with probability about 0.17^n (a
// scheme-2 chunk ends before 256 KiB about one time in six), and the cost
// of a wrong guess is one edit sent whole. A list of one chunk or none
// dedups nothing: the current scheme.
func schemeOf(size int64, hash string, c Chunks) chunker.Scheme {
	list := expandChunks(size, hash, c)
	if len(list) < 2 {
		return chunker.Current
	}
	fits := func(s chunker.Scheme) bool {
		lo, _, hi := s.Bounds()
		for i, ch := range list {
			if ch.Size > hi || (ch.Size < lo && i < len(list)-1) {
				return false
			}
		}
		return true
	}
	for _, s := range []chunker.Scheme{chunker.Scheme3, chunker.Scheme2, chunker.Scheme1} {
		if fits(s) {
			return s
		}
	}
	return chunker.Current
}

// hashReader runs the whole content's SHA-256 on a goroutine of its own,
// beside the chunker (which hashes each chunk): the two SHA-256 passes of a
// big file run on two cores instead of one after the other. Without whole
// only the chunker runs.
func hashReader(r io.Reader, whole bool) (size int64, hash string, chunks Chunks, err error) {
	return hashReaderScheme(r, whole, chunker.Current)
}

// hashReaderScheme is hashReader with the given chunking scheme.
func hashReaderScheme(r io.Reader, whole bool, scheme chunker.Scheme) (size int64, hash string, chunks Chunks, err error) {
	if !whole {
		size, chunks, err = splitHashed(r, scheme)
		if err != nil {
			return 0, "", nil, fmt.Errorf("sync: chunk: %w", err)
		}
		return size, "", chunks, nil
	}
	h := sha256.New()
	work := make(chan []byte, 4)
	free := make(chan []byte, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range work {
			h.Write(b)
			select {
			case free <- b:
			default: // enough buffers in circulation
			}
		}
	}()
	err = chunker.SplitScheme(scheme, r, func(c chunker.Chunk, data []byte) error {
		var b []byte
		select {
		case b = <-free:
		default:
		}
		work <- append(b[:0], data...) // data is the chunker's buffer, reused
		chunks = append(chunks, ChunkRef{Offset: c.Offset, Size: c.Size, Hash: c.Hash})
		size = c.Offset + int64(c.Size)
		return nil
	})
	close(work)
	<-done
	if err != nil {
		return 0, "", nil, fmt.Errorf("sync: chunk: %w", err)
	}
	return size, hex.EncodeToString(h.Sum(nil)), chunks, nil
}

// splitHashed chunks r and hashes the chunks on a second goroutine while
// the cuts of the next ones are found (the gear hash and the chunks'
// SHA-256 each take about half of the work), so a big file's scan keeps
// two cores busy without a whole-content hash. At most hashAhead chunks
// wait, in buffers that go round.
func splitHashed(r io.Reader, scheme chunker.Scheme) (size int64, chunks Chunks, err error) {
	const hashAhead = 8
	type piece struct {
		i    int
		data []byte
	}
	work := make(chan piece, hashAhead)
	free := make(chan []byte, hashAhead+1)
	done := make(chan struct{})
	sums := make([]string, 0, 64) // the worker's alone until done
	go func() {
		defer close(done)
		for p := range work {
			sum := sha256.Sum256(p.data)
			h := hex.EncodeToString(sum[:])
			for len(sums) <= p.i {
				sums = append(sums, "")
			}
			sums[p.i] = h
			free <- p.data
		}
	}()
	for range hashAhead + 1 {
		free <- nil
	}
	err = chunker.SplitCutsScheme(scheme, r, func(c chunker.Chunk, data []byte) error {
		b := <-free
		work <- piece{len(chunks), append(b[:0], data...)} // data is the chunker's buffer, reused
		chunks = append(chunks, ChunkRef{Offset: c.Offset, Size: c.Size})
		size = c.Offset + int64(c.Size)
		return nil
	})
	close(work)
	<-done
	if err != nil {
		return 0, nil, err
	}
	for i := range chunks {
		chunks[i].Hash = sums[i]
	}
	return size, chunks, nil
}

// wholeHash reads f for its SHA-256 (a big file whose scan left it out,
// where the hash is needed after all: an older server, or a comparison with
// the drive's copy).
func wholeHash(f io.Reader) (size int64, hash string, err error) {
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}

// sameChunks reports whether two chunk lists are the same content (the
// chunks' SHA-256 and sizes, in order).
func sameChunks(a, b Chunks) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Hash != b[i].Hash || a[i].Size != b[i].Size {
			return false
		}
	}
	return true
}

// contentKey names a file's content for matching moved files: the whole
// hash, or for a file of lateHashMin or more (whose new copy the scan did
// not hash whole) its chunk list's hash. Both sides of a match have the
// same size, so they are keyed the same way; a base chunked with another
// scheme does not match (it is uploaded again, as before the hash moved).
func contentKey(size int64, hash string, chunks Chunks) string {
	if size >= lateHashMin && len(chunks) > 1 {
		return "chunks:" + chunkListHash(chunks)
	}
	return hash
}
