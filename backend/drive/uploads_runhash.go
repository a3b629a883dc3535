package drive

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Running whole-content hash of a chunked upload.
//
// Commit must check the announced size and SHA-256 of the whole content.
// Re-reading a 1 GiB file from the blob store at commit cost a full pass
// of disk reads and hashing after the last byte had arrived, while the
// client waited. Instead the server keeps, in memory, a SHA-256 state per
// upload and advances it in content order as chunks arrive (on a
// goroutine of its own, so the chunk requests do not wait for it): a
// chunk that arrives ahead of its turn waits in memory (bounded; beyond
// the bound it is read back from the store when its turn comes), a chunk
// the server held before the upload started is read from the store.
// Every chunk fed was checked against its own hash first, so the running
// hash is the hash of exactly the content the chunk list names.
//
// Nothing of it is persisted. Commit finishes the hash from wherever it
// stopped by reading the remaining chunks from the store: after a server
// restart (no state) that is the whole content, as before; when a chunk
// reached another replica, only the part from that chunk on. A running
// hash that does not match is checked again by a full re-read before the
// upload is refused, so a fault here can cost time but never refuse good
// content; it cannot accept bad content either, since it only ever hashes
// chunk bytes that matched their hashes, in the announced order.

const (
	runHashMaxPending = 64 << 20  // early chunk bytes kept per upload
	runHashMaxTotal   = 256 << 20 // and over all uploads
	runHashMaxUploads = 64        // uploads tracked at once (more: re-read at commit)
)

// runHashes is the service's set of running hashes by upload ID.
type runHashes struct {
	open    func(hash string) (io.ReadCloser, error) // a stored chunk
	mu      sync.Mutex
	m       map[string]*runHash
	pending atomic.Int64 // early chunk bytes held over all uploads
	reread  atomic.Int64 // bytes read back from the store at commit (tests)
	stored  atomic.Int64 // bytes read from the store, at commit or before (tests)
}

type runHash struct {
	set     *runHashes
	mu      sync.Mutex
	idle    *sync.Cond // signalled when busy turns false
	order   []string   // chunk hashes in content order
	next    int        // index in order of the next chunk to hash
	awaited map[string]bool
	early   map[string][]byte // arrived, checked, not yet hashed
	held    int               // bytes in early
	busy    bool              // a goroutine owns h
	broken  bool              // a stored chunk could not be read: give up
	h       hash.Hash
	n       int64
	expires time.Time
	touched time.Time // last start or arrival (rs.mu held)
}

func newRunHashes(open func(hash string) (io.ReadCloser, error)) *runHashes {
	return &runHashes{open: open, m: map[string]*runHash{}}
}

// start tracks a new upload: order is its chunk list, missing the chunks
// the caller must send (the others are in the store already).
func (rs *runHashes) start(id string, order, missing []string, now, expires time.Time) {
	r := &runHash{set: rs, order: order, awaited: make(map[string]bool, len(missing)), early: map[string][]byte{},
		h: sha256.New(), expires: expires, touched: now}
	r.idle = sync.NewCond(&r.mu)
	for _, h := range missing {
		r.awaited[h] = true
	}
	rs.mu.Lock()
	for k, o := range rs.m {
		if !now.Before(o.expires) {
			rs.drop(k, o)
		}
	}
	// Full (uploads abandoned or replaced, never committed): the one
	// idle longest goes; its commit, if it comes, re-reads.
	if len(rs.m) >= runHashMaxUploads {
		var oldID string
		var old *runHash
		for k, o := range rs.m {
			if old == nil || o.touched.Before(old.touched) {
				oldID, old = k, o
			}
		}
		rs.drop(oldID, old)
	}
	rs.m[id] = r
	rs.mu.Unlock()
	r.kick()
}

// extend appends chunks to a tracked upload's order (an open upload's
// AppendChunks); missing are those of them the caller must send. Not
// tracked: nothing (commit re-reads).
func (rs *runHashes) extend(id string, order, missing []string, now time.Time) {
	r := rs.get(id, now)
	if r == nil {
		return
	}
	r.mu.Lock()
	r.order = append(r.order, order...)
	for _, h := range missing {
		r.awaited[h] = true
	}
	r.mu.Unlock()
	r.kick()
}

func (rs *runHashes) get(id string, now time.Time) *runHash {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.m[id]
	if r != nil && !now.IsZero() {
		r.touched = now
	}
	return r
}

// forget drops an upload's running hash (committed or deleted).
func (rs *runHashes) forget(id string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r := rs.m[id]; r != nil {
		rs.drop(id, r)
	}
}

// drop removes r (rs.mu held) and releases its early bytes.
func (rs *runHashes) drop(id string, r *runHash) {
	delete(rs.m, id)
	r.mu.Lock()
	rs.pending.Add(-int64(r.held))
	r.early, r.held, r.broken = map[string][]byte{}, 0, true
	r.mu.Unlock()
}

// received feeds chunks of upload id that were checked and installed.
func (rs *runHashes) received(id string, now time.Time, chunks map[string][]byte) {
	r := rs.get(id, now)
	if r == nil {
		return
	}
	r.mu.Lock()
	for h, data := range chunks {
		if !r.awaited[h] {
			continue
		}
		delete(r.awaited, h)
		// Over the bounds the chunk is read back from the store in turn.
		if r.held+len(data) > runHashMaxPending {
			continue
		}
		if rs.pending.Add(int64(len(data))) > runHashMaxTotal {
			rs.pending.Add(-int64(len(data)))
			continue
		}
		r.early[h] = data
		r.held += len(data)
	}
	r.mu.Unlock()
	r.kick()
}

// kick starts advancing r on its own goroutine unless one already does.
func (r *runHash) kick() {
	r.mu.Lock()
	if r.busy || r.broken {
		r.mu.Unlock()
		return
	}
	r.busy = true
	r.mu.Unlock()
	go r.advance(false)
}

// advance hashes chunks in order while they are available, then releases
// r. At commit (all) every chunk is in the store: none is awaited any
// more, and the bytes read back are counted.
func (r *runHash) advance(all bool) {
	for {
		r.mu.Lock()
		if r.next == len(r.order) || r.broken {
			break
		}
		h := r.order[r.next]
		if data, ok := r.early[h]; ok {
			delete(r.early, h)
			r.held -= len(data)
			r.set.pending.Add(-int64(len(data)))
			r.next++
			r.mu.Unlock()
			r.h.Write(data)
			r.n += int64(len(data))
			continue
		}
		if r.awaited[h] && !all {
			break // a gap: the next arrival continues
		}
		r.next++
		r.mu.Unlock()
		f, err := r.set.open(h)
		if err == nil {
			var m int64
			m, err = io.Copy(r.h, f)
			f.Close()
			r.n += m
			r.set.stored.Add(m)
			if all {
				r.set.reread.Add(m)
			}
		}
		if err != nil {
			r.mu.Lock()
			r.broken = true
			break
		}
	}
	r.busy = false
	r.idle.Broadcast()
	r.mu.Unlock()
}

// finish completes upload id's running hash from the store and answers
// the whole content's SHA-256 (hex) when size matches the bytes hashed
// ("" otherwise). ok false: no usable running hash (not tracked, or a
// chunk could not be read): verify by a full re-read.
func (rs *runHashes) finish(id string, size int64) (sum string, ok bool) {
	r := rs.get(id, time.Time{})
	if r == nil {
		return "", false
	}
	r.mu.Lock()
	for r.busy {
		r.idle.Wait()
	}
	if r.broken {
		r.mu.Unlock()
		return "", false
	}
	r.busy = true
	r.mu.Unlock()
	r.advance(true)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.broken || r.next != len(r.order) {
		return "", false
	}
	if r.n != size {
		return "", true
	}
	return hex.EncodeToString(r.h.Sum(nil)), true
}
