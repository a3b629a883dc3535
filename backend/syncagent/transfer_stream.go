package syncagent

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"path"
	gosync "sync"
	"sync/atomic"

	"tack/backend/drive/chunker"
)

// A streamed upload: a new big file read once.
//
// The scan leaves a new big file unread (localFile.Deferred). Its upload
// opens an upload with the file's size and no chunk list (drive's open
// uploads), then reads the file once, through three stages that run at
// the same time:
//
//   - the cutter (the calling goroutine) finds the chunk boundaries and
//     copies each chunk into the frame body of the current batch;
//   - the announcer hashes each batch's chunks, appends them to the
//     upload's list (AppendChunks answers which the server lacks) and
//     drops the others from the body;
//   - up to chunkSenders senders send the batches (PutChunks).
//
// Memory is bounded by the batch buffers that go round (streamBuffers).
// The server checks every chunk against its hash as always; a file that
// changes while it is read (size, mtime or ctime moved, or not the size
// announced) is not committed: errLocalChanged, and the next pass tries
// again. The session is saved before anything is sent, keyed by the file's
// stat: a restart with the file unchanged resumes it (UploadStatus says how
// many chunks the list holds and their list hash; chunks the server has
// are not sent again) and starts over when the file cuts another way.

// streamBuffers is how many batch buffers a streamed upload uses: one
// being cut, one being announced, one per sender.
const streamBuffers = chunkSenders + 2

// streamKey names a streamed upload's session in the index by the file's
// stat: the content is not known before it is read.
func streamKey(l *localFile) string {
	return fmt.Sprintf("stream:%d:%d:%d:%d", l.Size, l.MtimeNs, l.CtimeNs, l.Inode)
}

// streamBatch is one batch: its chunks and their frames (a frame's hash
// is filled in by the announcer).
type streamBatch struct {
	refs []ChunkRef
	body []byte
}

// errStreamDiffers: the resumed session's list is not this file's.
var errStreamDiffers = errors.New("sync: the saved upload is of other content")

// uploadStreamed sends the new file l at p (rel on disk) in one read and
// answers the drive's entry and the file's chunk list.
func (x *executor) uploadStreamed(ctx context.Context, p, rel string, l *localFile) (Entry, Chunks, error) {
	c, ix, pairID := x.r.e.client, x.r.e.index, x.r.pair.ID
	f, err := x.root.Open(rel)
	if err != nil {
		return Entry{}, nil, err
	}
	defer f.Close()
	if err := x.checkLocal(rel, l); err != nil {
		return Entry{}, nil, err
	}
	key := streamKey(l)
	var state UploadState
	if id, _ := ix.Upload(ctx, pairID, p, key); id != "" {
		if st, err := c.UploadStatus(ctx, id); err == nil {
			state = st
			slog.Debug("sync: resuming streamed upload", "path", p, "announced", st.Announced, "missing", len(st.Missing))
		}
	}
	if state.ID == "" {
		parentID, err := x.remoteDir(ctx, parentOf(p))
		if err != nil {
			return Entry{}, nil, err
		}
		st, err := c.StartUpload(ctx, UploadRequest{ParentID: parentID, Name: path.Base(p), Size: l.Size, Open: true, Chunks: []UploadChunk{}, ChunkScheme: int(chunker.Current)})
		if err != nil {
			return Entry{}, nil, err
		}
		state = UploadState{ID: st.ID}
		if err := ix.SaveUpload(ctx, uploadRecord{PairID: pairID, Path: p, Hash: key, UploadID: st.ID}); err != nil {
			return Entry{}, nil, err
		}
	}
	chunks, err := x.streamChunks(ctx, f, state)
	if isInvalidUpload(err) {
		err = errLocalChanged // the list would pass the size announced: the file grew
	}
	if err == nil {
		var size int64
		if n := len(chunks); n > 0 {
			size = chunks[n-1].Offset + int64(chunks[n-1].Size)
		}
		if size != l.Size {
			err = errLocalChanged
		} else if fi, serr := f.Stat(); serr != nil || fi.Size() != l.Size || fi.ModTime().UnixNano() != l.MtimeNs ||
			(l.CtimeNs != 0 && ctimeOf(fi) != l.CtimeNs) {
			err = errLocalChanged // written to while it was read
		} else {
			err = x.checkLocal(rel, l) // replaced meanwhile
		}
	}
	if err != nil {
		if errors.Is(err, errStreamDiffers) || errors.Is(err, errLocalChanged) {
			_ = ix.DeleteUpload(context.WithoutCancel(ctx), pairID, p)
			return Entry{}, nil, errLocalChanged
		}
		return Entry{}, nil, err
	}
	e, err := c.Commit(ctx, state.ID)
	if err != nil {
		if IsNotFound(err) || IsConflict(err) || isInvalidUpload(err) {
			_ = ix.DeleteUpload(context.WithoutCancel(ctx), pairID, p)
		}
		return Entry{}, nil, err
	}
	_ = ix.DeleteUpload(context.WithoutCancel(ctx), pairID, p)
	return e, chunks, nil
}

// streamChunks cuts, announces and sends the file read from r into the
// upload state (a resumed one: its first state.Announced chunks are in the
// list already) and answers the file's chunks.
func (x *executor) streamChunks(ctx context.Context, r io.Reader, state UploadState) (Chunks, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		failOnce gosync.Once
		failErr  error
		wg       gosync.WaitGroup
		chunks   Chunks
	)
	fail := func(err error) { failOnce.Do(func() { failErr = err; cancel() }) }
	batchMax := x.r.e.opts.ChunkBatch
	free := make(chan []byte, streamBuffers) // nil: not allocated yet (a small big file needs one or two)
	for range streamBuffers {
		free <- nil
	}
	buffer := func(b []byte) []byte {
		if b == nil {
			b = make([]byte, 0, batchMax+chunker.LargestChunk+chunkBatchItems*chunkFrameHeader)
		}
		return b
	}
	cut := make(chan streamBatch, 1)
	announced := make(chan struct{})
	// The announcer: hash, append, keep what the server lacks, hand over.
	go func() {
		defer close(announced)
		a := announcer{x: x, ctx: ctx, state: state, missing: map[string]bool{}, sent: map[string]bool{}, list: sha256.New()}
		for _, h := range state.Missing {
			a.missing[h] = true
		}
		slots := make(chan struct{}, chunkSenders)
		n := 0
		for b := range cut {
			if ctx.Err() != nil {
				continue // drain: the cutter stops at its next chunk
			}
			send, err := a.batch(b)
			if err != nil {
				fail(err)
				continue
			}
			chunks = append(chunks, b.refs...)
			if len(send.refs) == 0 {
				free <- b.body[:0]
				continue
			}
			slots <- struct{}{}
			n++
			wg.Add(1)
			go func(n int, send streamBatch) {
				defer wg.Done()
				defer func() { <-slots; free <- send.body[:0] }()
				if err := x.sendChunks(ctx, state.ID, send.refs, send.body, &a.single); err != nil {
					fail(err)
					return
				}
				var sz int64
				for _, ch := range send.refs {
					sz += int64(ch.Size)
				}
				x.prog.bytesDone.Add(sz)
				x.r.publishProgress(x.prog)
				if h := x.r.e.opts.streamHook; h != nil {
					h(n)
				}
			}(n, send)
		}
		if ctx.Err() == nil && a.idx < state.Announced {
			fail(errStreamDiffers) // shorter than the saved list
		}
	}()
	cur := streamBatch{body: buffer(<-free)}
	curBytes := 0 // chunk bytes in cur
	var noHash [sha256.Size]byte
	err := chunker.SplitCuts(r, func(ch chunker.Chunk, data []byte) error {
		if len(cur.refs) > 0 && (curBytes+ch.Size > batchMax || len(cur.refs) >= chunkBatchItems) {
			select {
			case cut <- cur:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case b := <-free:
				cur, curBytes = streamBatch{body: buffer(b)}, 0
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		curBytes += ch.Size
		cur.body = binary.BigEndian.AppendUint32(append(cur.body, noHash[:]...), uint32(ch.Size))
		cur.body = append(cur.body, data...)
		cur.refs = append(cur.refs, ChunkRef{Offset: ch.Offset, Size: ch.Size})
		return nil
	})
	if err == nil && len(cur.refs) > 0 {
		select {
		case cut <- cur:
		case <-ctx.Done():
		}
	}
	close(cut)
	<-announced
	wg.Wait()
	if failErr != nil {
		return nil, failErr
	}
	if err != nil {
		return nil, fmt.Errorf("sync: chunk: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return chunks, nil
}

// announcer is the streamed upload's middle stage (one goroutine).
type announcer struct {
	x       *executor
	ctx     context.Context
	state   UploadState
	idx     int             // chunks seen so far
	missing map[string]bool // of the resumed part: what the server lacks
	sent    map[string]bool // hashes handed to a sender (a repeated chunk goes once)
	list    hash.Hash       // chunkListHash of the resumed part so far
	single  atomic.Bool     // the server has no batch route: one request per chunk
}

// batch hashes b's chunks into their frames, announces those past the
// resumed part and answers the frames to send (b's body, compacted).
func (a *announcer) batch(b streamBatch) (streamBatch, error) {
	off := 0
	for i := range b.refs {
		sum := sha256.Sum256(b.body[off+chunkFrameHeader : off+chunkFrameHeader+b.refs[i].Size])
		copy(b.body[off:], sum[:])
		b.refs[i].Hash = hex.EncodeToString(sum[:])
		off += chunkFrameHeader + b.refs[i].Size
	}
	// The part of a resumed session's list: check it is this content.
	first := 0
	for first < len(b.refs) && a.idx < a.state.Announced {
		a.list.Write([]byte(b.refs[first].Hash))
		first++
		a.idx++
		if a.idx == a.state.Announced && hex.EncodeToString(a.list.Sum(nil)) != a.state.ListHash {
			return streamBatch{}, errStreamDiffers
		}
	}
	if first < len(b.refs) {
		ann := make([]UploadChunk, 0, len(b.refs)-first)
		for _, ch := range b.refs[first:] {
			ann = append(ann, UploadChunk{Hash: ch.Hash, Size: ch.Size})
		}
		st, err := a.x.r.e.client.AppendChunks(a.ctx, a.state.ID, ann)
		if err != nil {
			return streamBatch{}, err
		}
		for _, h := range st.Missing {
			a.missing[h] = true
		}
		a.idx += len(ann)
	}
	// Keep the frames of what the server lacks, once each, in place.
	send := streamBatch{body: b.body[:0]}
	off = 0
	var skipped int64
	for _, ch := range b.refs {
		n := chunkFrameHeader + ch.Size
		if a.missing[ch.Hash] && !a.sent[ch.Hash] {
			a.sent[ch.Hash] = true
			if len(send.body) == off { // all kept so far: in place
				send.body = send.body[:off+n]
			} else {
				send.body = append(send.body, b.body[off:off+n]...) // moves left: safe
			}
			send.refs = append(send.refs, ch)
		} else {
			skipped += int64(ch.Size)
		}
		off += n
	}
	a.x.prog.bytesDone.Add(skipped)
	return send, nil
}
