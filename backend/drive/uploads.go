package drive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"

	"tack/backend/apperr"
	"tack/backend/drive/blobstore"
	"tack/backend/drive/chunker"
	"tack/backend/identity"
)

// maxChunks bounds one upload's chunk list (4 TiB at the average chunk size).
const maxChunks = 4 << 20

// target is where new content goes: a new file (parent+name) or a new
// version of file on top of base.
type target struct {
	parent *Entry
	name   string
	file   *Entry
	base   int64
}

// resolveTarget checks the actor may write the content where asked.
func (s *Service) resolveTarget(ctx context.Context, st dbx, w who, entryID string, base int64, parentID, name string) (target, error) {
	if entryID != "" {
		f, err := s.needLive(ctx, st, w, entryID, RoleEditor)
		if err != nil {
			return target{}, err
		}
		if f.IsDir() {
			return target{}, ErrNotFile
		}
		if f.Version != base {
			return target{}, ErrStale
		}
		return target{file: f, base: base}, nil
	}
	n, err := CleanName(name)
	if err != nil {
		return target{}, err
	}
	p, err := s.needFolder(ctx, st, w, parentID, RoleEditor)
	if err != nil {
		return target{}, err
	}
	if c, err := st.liveChild(p.ID, nameKey(n), ""); err != nil {
		return target{}, err
	} else if c != nil {
		return target{}, ErrNameTaken
	}
	return target{parent: p, name: n}, nil
}

// recheck re-reads a target checked before the transaction: the parent
// must still be live, the file still at the base version. Permissions were
// checked by resolveTarget; the version and the unique live-name index are
// enforced again by the writes themselves.
func (st dbx) recheck(t target) (target, error) {
	if t.file != nil {
		f, err := st.entry(t.file.ID)
		if err != nil {
			return t, err
		}
		if f.Deleted {
			return t, ErrNotFound
		}
		if f.Version != t.base {
			return t, ErrStale
		}
		f.Role = t.file.Role
		t.file = f
		return t, nil
	}
	p, err := st.entry(t.parent.ID)
	if err != nil {
		return t, err
	}
	if p.Deleted {
		return t, ErrNotFound
	}
	return t, nil
}

func (t target) spaceID() string {
	if t.file != nil {
		return t.file.SpaceID
	}
	return t.parent.SpaceID
}

// delta is how much writing size bytes there adds to the space's usage: a
// new version replaces the current one's size.
func (t target) delta(size int64) int64 {
	if t.file != nil {
		return size - t.file.Size
	}
	return size
}

func (s *Service) checkSize(st dbx, t target, size int64) error {
	if s.cfg.MaxFileSize > 0 && size > s.cfg.MaxFileSize {
		return ErrTooLarge
	}
	sp, err := st.space(t.spaceID())
	if err != nil {
		return err
	}
	return quotaCheck(sp, sp.UsedBytes, t.delta(size))
}

// quotaCheck refuses delta more bytes in sp when used already counts what
// the space holds (a delta that frees space always passes).
func quotaCheck(sp *Space, used, delta int64) error {
	if sp.QuotaBytes > 0 && delta > 0 && used+delta > sp.QuotaBytes {
		return ErrQuota.WithField("quota_bytes", itoa64(sp.QuotaBytes))
	}
	return nil
}

// StartUpload opens an upload session for the announced chunk list and
// answers which chunks the server lacks. Editors of the parent (new file) or
// of the file (new version, BaseVersion = its current version) only.
func (s *Service) StartUpload(ctx context.Context, a identity.Actor, req UploadRequest) (UploadState, error) {
	if req.Diff != nil {
		w, err := s.who(ctx, a)
		if err != nil {
			return UploadState{}, err
		}
		if err := s.expandDiff(ctx, w, &req); err != nil {
			return UploadState{}, err
		}
	}
	var v apperr.Validator
	// No hash: the server computes the whole content's SHA-256 itself from
	// the chunks it checked (the sync agent leaves it out for big files, so
	// it hashes each byte once instead of twice).
	v.Check(req.Hash == "" || blobstore.ValidHash(req.Hash), "hash", "invalid")
	v.Check(req.Size >= 0, "size", "invalid")
	v.Check(len(req.Chunks) <= maxChunks, "chunks", "too_many")
	var sum int64
	for _, c := range req.Chunks {
		if !blobstore.ValidHash(c.Hash) || c.Size <= 0 || c.Size > s.cfg.MaxChunkSize {
			v.Check(false, "chunks", "invalid")
			break
		}
		sum += int64(c.Size)
	}
	v.Check(sum == req.Size || (req.Open && sum <= req.Size), "size", "mismatch")
	v.Check(!req.Open || req.Diff == nil, "chunks_diff", "with_open")
	v.Check(req.ChunkScheme == 0 || chunker.Scheme(req.ChunkScheme).Known(), "chunk_scheme", "unknown")
	if err := v.Err("drive.invalid_upload", "the upload is not valid"); err != nil {
		return UploadState{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return UploadState{}, err
	}
	now := s.clock.Now()
	u := &Upload{ID: newID(), UserID: a.UserID, EntryID: req.EntryID, BaseVersion: req.BaseVersion, Size: req.Size, Hash: req.Hash,
		ChunkScheme: req.ChunkScheme, ListedBytes: sum, CreatedAt: now, ExpiresAt: now.Add(s.cfg.UploadTTL)}
	rows := make([]UploadChunkRow, len(req.Chunks))
	hashes := make([]string, 0, len(req.Chunks))
	seen := map[string]bool{}
	for i, c := range req.Chunks {
		rows[i] = UploadChunkRow{UploadID: u.ID, Idx: i, Hash: c.Hash, Size: c.Size}
		if !seen[c.Hash] {
			seen[c.Hash] = true
			hashes = append(hashes, c.Hash)
		}
	}
	err = s.write(ctx, func(st dbx) error {
		t, err := s.resolveTarget(ctx, st, w, req.EntryID, req.BaseVersion, req.ParentID, req.Name)
		if err != nil {
			return err
		}
		if err := s.checkSize(st, t, req.Size); err != nil {
			return err
		}
		u.SpaceID = t.spaceID()
		if t.parent != nil {
			u.ParentID, u.Name = t.parent.ID, t.name
		}
		// Touching the chunks it will reuse keeps the collector off them
		// (first: chunk rows before the space, the lock order of writers).
		if _, err := st.touchChunks(hashes, now); err != nil {
			return err
		}
		if err := s.reserveUpload(st, t, u, rows); err != nil {
			return err
		}
		return st.insertUpload(u, rows)
	})
	if err != nil {
		return UploadState{}, err
	}
	missing, err := s.missingFor(ctx, w, hashes, req.EntryID)
	if err != nil {
		return UploadState{}, err
	}
	order := make([]string, len(rows))
	for i, r := range rows {
		order[i] = r.Hash
	}
	s.runs.start(u.ID, order, missing, now, u.ExpiresAt)
	return UploadState{ID: u.ID, Missing: missing, Size: u.Size, ExpiresAt: u.ExpiresAt}, nil
}

// ownUpload loads an upload of the actor's that has not expired.
func (s *Service) ownUpload(ctx context.Context, st dbx, a identity.Actor, id string) (*Upload, error) {
	u, err := st.upload(id)
	if err != nil {
		return nil, err
	}
	if u.UserID != a.UserID || !s.clock.Now().Before(u.ExpiresAt) {
		return nil, ErrUploadNotFound
	}
	return u, nil
}

// UploadStatus answers which chunks an upload still lacks (to resume after
// an interruption).
func (s *Service) UploadStatus(ctx context.Context, a identity.Actor, id string) (UploadState, error) {
	st := s.read(ctx)
	u, err := s.ownUpload(ctx, st, a, id)
	if err != nil {
		return UploadState{}, err
	}
	rows, err := st.uploadChunks(id)
	if err != nil {
		return UploadState{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return UploadState{}, err
	}
	missing, err := s.missingFor(ctx, w, uploadHashes(rows), u.EntryID)
	if err != nil {
		return UploadState{}, err
	}
	order := make([]string, len(rows))
	for i, r := range rows {
		order[i] = r.Hash
	}
	return UploadState{ID: u.ID, Missing: missing, Size: u.Size, ExpiresAt: u.ExpiresAt, Announced: len(rows), ListHash: ChunkListHash(order)}, nil
}

func uploadHashes(rows []UploadChunkRow) []string {
	seen := make(map[string]bool, len(rows))
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if !seen[r.Hash] {
			seen[r.Hash] = true
			out = append(out, r.Hash)
		}
	}
	return out
}

// PutChunk stores one announced chunk of an upload. The body is read whole
// and checked against the hash before anything becomes visible: a cut
// connection stores nothing.
func (s *Service) PutChunk(ctx context.Context, a identity.Actor, uploadID, hash string, body io.Reader) error {
	st := s.read(ctx)
	if _, err := s.ownUpload(ctx, st, a, uploadID); err != nil {
		return err
	}
	size, ok, err := st.uploadChunkSize(uploadID, hash)
	if err != nil {
		return err
	}
	if !ok {
		return ErrChunkUnknown
	}
	data := make([]byte, size+1)
	n, err := io.ReadFull(body, data)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return wrap("read chunk", err)
	}
	if n != size {
		return ErrBadChunk.WithField("size", "mismatch")
	}
	staged, err := s.blobs.Stage(hash, data[:size]) // checks the SHA-256
	if errors.Is(err, blobstore.ErrHashMismatch) {
		return ErrBadChunk
	}
	if err != nil {
		return err
	}
	// The bytes were sent and checked: from now on they count as present
	// for this caller (content_access.go), even when the store had them.
	err = s.write(ctx, func(st dbx) error {
		if err := s.installIn(st, []blobstore.Staged{staged}); err != nil {
			return err
		}
		return st.markReceived(uploadID, hash)
	})
	if err != nil {
		s.blobs.Discard(staged)
		return err
	}
	s.runs.received(uploadID, s.clock.Now(), map[string][]byte{hash: data[:size]})
	return nil
}

// installIn records staged chunks and makes them visible, in the caller's
// transaction: the row first (taking the row's lock), then the rename.
func (s *Service) installIn(st dbx, staged []blobstore.Staged) error {
	now := s.clock.Now()
	for _, c := range staged {
		if err := st.upsertChunk(c.Hash, c.Size, now); err != nil {
			return err
		}
		if err := s.blobs.Install(c); err != nil {
			return err
		}
	}
	return nil
}

// Commit finishes an upload: it checks every chunk is stored, re-reads the
// content to verify the announced size and SHA-256, then in one transaction
// creates the file or its new version (a base version that is no longer
// current is drive.stale_version, 409: never a silent overwrite).
func (s *Service) Commit(ctx context.Context, a identity.Actor, uploadID string) (Entry, error) {
	st := s.read(ctx)
	u, err := s.ownUpload(ctx, st, a, uploadID)
	if err != nil {
		return Entry{}, err
	}
	rows, err := st.uploadChunks(uploadID)
	if err != nil {
		return Entry{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	// Checked again: a share revoked since the upload started takes back
	// the chunks the caller did not send (they resume and send them).
	if m, err := s.missingFor(ctx, w, uploadHashes(rows), u.EntryID); err != nil {
		return Entry{}, err
	} else if len(m) > 0 {
		return Entry{}, ErrChunksMissing
	}
	chunks := make([]VersionChunk, len(rows))
	var off int64
	for i, r := range rows {
		chunks[i] = VersionChunk{Idx: i, Hash: r.Hash, Size: r.Size, ChunkOffset: off}
		off += int64(r.Size)
	}
	if off != u.Size { // an open upload whose list does not cover its size yet
		return Entry{}, ErrInvalidUpload.WithField("size", "mismatch")
	}
	// The running hash when it has one (uploads_runhash.go); a mismatch
	// there is checked again by the full re-read before it refuses. An
	// upload announced without a hash gets the one computed here: every
	// byte it covers was checked against its chunk's address.
	sum, ok := s.runs.finish(u.ID, u.Size)
	if !ok || sum == "" || (u.Hash != "" && sum != u.Hash) {
		if sum, err = s.contentHash(chunks, u.Size); err != nil {
			return Entry{}, err
		}
	}
	if u.Hash != "" && sum != u.Hash {
		return Entry{}, ErrHashMismatch
	}
	t, err := s.resolveTarget(ctx, s.read(ctx), w, u.EntryID, u.BaseVersion, u.ParentID, u.Name)
	if err != nil {
		return Entry{}, err
	}
	var out *Entry
	err = s.write(ctx, func(st dbx) error {
		t, err := st.recheck(t)
		if err != nil {
			return err
		}
		if out, err = s.writeContent(st, a, t, chunks, u.Size, sum, u.ChunkScheme); err != nil {
			return err
		}
		return st.deleteUploads([]string{u.ID})
	})
	if err != nil {
		return Entry{}, err
	}
	s.runs.forget(u.ID)
	s.feed.wake()
	out.Role = RoleEditor
	return *out, nil
}

// contentHash re-reads the chunks in order and answers the content's
// SHA-256 (hex); content of another size than size is drive.hash_mismatch.
func (s *Service) contentHash(chunks []VersionChunk, size int64) (string, error) {
	h := sha256.New()
	var n int64
	for _, c := range chunks {
		f, err := s.blobs.Open(c.Hash)
		if errors.Is(err, blobstore.ErrNotFound) {
			return "", ErrChunksMissing
		}
		if err != nil {
			return "", wrap("open chunk", err)
		}
		m, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", wrap("read chunk", err)
		}
		n += m
	}
	s.runs.reread.Add(n)
	if n != size {
		return "", ErrHashMismatch
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeContent stores chunks as the new content of t, inside the caller's
// transaction: quota, the entry (created, or its version checked and
// bumped), the version and its chunk list (cut with chunk scheme scheme, 0
// if not known), version pruning.
func (s *Service) writeContent(st dbx, a identity.Actor, t target, chunks []VersionChunk, size int64, hash string, scheme int) (*Entry, error) {
	if err := s.checkSize(st, t, size); err != nil {
		return nil, err
	}
	hashes := distinctHashes(chunks)
	now := s.clock.Now()
	if n, err := st.touchChunks(hashes, now); err != nil {
		return nil, err
	} else if n != int64(len(hashes)) {
		return nil, ErrChunksMissing // collected between the check and now: the client re-sends
	}
	seq, err := st.bump(t.spaceID())
	if err != nil {
		return nil, err
	}
	target := t.parent
	if t.file != nil {
		target = t.file
	}
	if err := st.inSpace(t.spaceID(), true, target.ID); err != nil {
		return nil, err
	}
	var e *Entry
	delta := t.delta(size)
	if t.file != nil {
		if err := st.updateEntry(t.file.ID, t.base, map[string]any{"size": size, "hash": hash, "seq": seq,
			"modified_by": a.UserID, "modified_by_name": a.Name, "modified_at": now}); err != nil {
			return nil, err
		}
		if e, err = st.entry(t.file.ID); err != nil {
			return nil, err
		}
	} else {
		e = &Entry{ID: newID(), SpaceID: t.parent.SpaceID, ParentID: t.parent.ID, Kind: KindFile, Name: t.name, NameKey: nameKey(t.name),
			Size: size, Hash: hash, Version: 1, CreatedBy: a.UserID, CreatedAt: now, ModifiedBy: a.UserID, ModifiedByName: a.Name,
			ModifiedAt: now, Seq: seq}
		if err := st.insertEntry(e); err != nil {
			return nil, err
		}
	}
	fv := FileVersion{ID: newID(), EntryID: e.ID, EntryVersion: e.Version, Size: size, Hash: hash, ChunkCount: len(chunks),
		ChunkScheme: scheme, CreatedBy: a.UserID, CreatedByName: a.Name, CreatedAt: now}
	if err := st.insertVersion(&fv, chunks); err != nil {
		return nil, err
	}
	if err := st.addUsed(e.SpaceID, delta); err != nil {
		return nil, err
	}
	if e.Version <= int64(s.cfg.MaxVersions) {
		return e, nil // a file has at most one stored version per entry version
	}
	old, err := st.prunableVersions(e.ID, s.cfg.MaxVersions)
	if err != nil {
		return nil, wrap("prune versions", err)
	}
	return e, st.deleteVersions(old)
}

// SmallUpload is a whole file sent in one request (the browser's upload):
// a new file (ParentID+Name) or a new version (EntryID+BaseVersion).
type SmallUpload struct {
	ParentID    string
	Name        string
	EntryID     string
	BaseVersion int64
	Body        io.Reader
}

// UploadSmall stores a file sent in one request. The body is chunked as it
// streams (the same chunks the sync agent would announce, so it
// deduplicates), each chunk staged on disk; then one transaction records the
// chunks and creates the file or version. A body cut short stores nothing.
func (s *Service) UploadSmall(ctx context.Context, a identity.Actor, in SmallUpload) (Entry, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	e, err := s.uploadSmall(ctx, a, w, in)
	if err == nil {
		e.Role = RoleEditor
	}
	return e, err
}

// uploadSmall writes as author, checking permissions as w.
func (s *Service) uploadSmall(ctx context.Context, a identity.Actor, w who, in SmallUpload) (Entry, error) {
	t, err := s.resolveTarget(ctx, s.read(ctx), w, in.EntryID, in.BaseVersion, in.ParentID, in.Name)
	if err != nil {
		return Entry{}, err // fail fast, before reading the body
	}
	staged, chunks, size, hash, err := s.stageAll(in.Body)
	if err != nil {
		return Entry{}, err
	}
	var out *Entry
	err = s.write(ctx, func(st dbx) error {
		t, err := st.recheck(t)
		if err != nil {
			return err
		}
		if err := s.installIn(st, staged); err != nil {
			return err
		}
		out, err = s.writeContent(st, a, t, chunks, size, hash, int(chunker.Current))
		return err
	})
	if err != nil {
		for _, c := range staged {
			s.blobs.Discard(c)
		}
		return Entry{}, err
	}
	s.feed.wake()
	return *out, nil
}

// stageAll chunks r and stages every chunk.
func (s *Service) stageAll(r io.Reader) (staged []blobstore.Staged, chunks []VersionChunk, size int64, hash string, err error) {
	h := sha256.New()
	limit := s.cfg.MaxSmallUpload
	if s.cfg.MaxFileSize > 0 && s.cfg.MaxFileSize < limit {
		limit = s.cfg.MaxFileSize
	}
	lr := &io.LimitedReader{R: r, N: limit + 1}
	err = chunker.SplitData(io.TeeReader(lr, h), func(c chunker.Chunk, data []byte) error {
		if c.Offset+int64(c.Size) > limit {
			return ErrTooLarge
		}
		chunks = append(chunks, VersionChunk{Idx: len(chunks), Hash: c.Hash, Size: c.Size, ChunkOffset: c.Offset})
		size = c.Offset + int64(c.Size)
		// Staged even when stored already: installing under the chunk
		// row's lock is what keeps a concurrent collector from removing it.
		st, err := blobstore.StageHashed(s.blobs, c.Hash, data) // c.Hash is the chunker's, of these bytes
		if err != nil {
			return err
		}
		staged = append(staged, st)
		return nil
	})
	if err != nil {
		for _, c := range staged {
			s.blobs.Discard(c)
		}
		if apperr.IsKind(err, apperr.KindTooLarge) {
			return nil, nil, 0, "", err
		}
		return nil, nil, 0, "", wrap("read upload", err)
	}
	return staged, chunks, size, hex.EncodeToString(h.Sum(nil)), nil
}
