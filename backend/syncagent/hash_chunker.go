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
// announces are the ones the server stores and deduplicates. It always cuts
// with the current scheme (chunker.Current): an index written before scheme
// 2 keeps its scheme-1 chunk lists for unchanged files (the server accepts
// any chunking), and the first edit of such a file is sent whole once,
// since its old content is gone from the disk by the time the edit is seen.

// hashFile chunks and hashes a file in one read pass: the content-defined
// chunks (the server's dedup unit) and the SHA-256 of the whole content.
func hashFile(path string) (size int64, hash string, chunks Chunks, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", nil, err
	}
	defer f.Close()
	return hashReader(f)
}

// hashReader runs the whole content's SHA-256 on a goroutine of its own,
// beside the chunker (which hashes each chunk): the two SHA-256 passes of a
// big file run on two cores instead of one after the other.
func hashReader(r io.Reader) (size int64, hash string, chunks Chunks, err error) {
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
	err = chunker.SplitData(r, func(c chunker.Chunk, data []byte) error {
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
