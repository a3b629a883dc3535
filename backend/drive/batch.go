package drive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"time"

	"tack/backend/apperr"
	"tack/backend/drive/blobstore"
	"tack/backend/drive/chunker"
	"tack/backend/identity"
)

// UploadBatch stores many small files sent in one request: the manifest
// (each file's target, size and SHA-256), then the files' contents in order.
//
// Every file is checked on its own (name, rights, base version, quota) and
// answered on its own: a file that fails does not hold up the others. The
// files that pass are written with a few statements in one transaction,
// their chunks staged and installed together (blobstore.StageAll,
// InstallAll: fsyncs run several at once, each directory is fsynced once)
// and outside the database's write lock (claimChunks). A file the drive
// already holds with the same content at its target (a new file whose name
// exists with that content, or a file whose current content is it) is
// answered Unchanged without writing: repeating a batch whose answer was
// lost is safe, and a different content on a stale base is still
// drive.stale_version, never an overwrite.
//
// Errors of the batch as a whole (too many or too large files, a malformed
// or cut body) write nothing at all.
func (s *Service) UploadBatch(ctx context.Context, a identity.Actor, req BatchRequest, parts BatchParts) ([]BatchResult, error) {
	if err := s.checkBatch(req); err != nil {
		return nil, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	b := &batch{s: s, a: a, w: w, items: make([]batchItem, len(req.Items)), seen: map[string]seenEntry{},
		have: map[string][]byte{}, staging: map[string]bool{}}
	for i, it := range req.Items {
		b.items[i] = batchItem{BatchItem: it, dupOf: -1, res: BatchResult{Index: i}}
	}
	if err := b.resolve(ctx, s.read(ctx)); err != nil {
		return nil, err
	}
	// Temp files of chunks that were not installed go, whatever happens.
	defer func() {
		for _, c := range b.staged {
			s.blobs.Discard(c)
		}
	}()
	if err := b.receive(parts); err != nil {
		return nil, err
	}
	if b.writes() {
		if b.staged, err = blobstore.StageAllHashed(s.blobs, b.fresh); err != nil {
			return nil, err
		}
		if err := s.write(ctx, b.claimChunks); err != nil {
			return nil, err
		}
		if err := b.installChunks(); err != nil {
			return nil, err
		}
		if err := s.write(ctx, b.commit); err != nil {
			return nil, err
		}
		s.feed.wake()
	}
	return b.results(), nil
}

// checkBatch applies the limits of a batch before anything is read.
func (s *Service) checkBatch(req BatchRequest) error {
	if len(req.Items) == 0 {
		return ErrBatchInvalid.WithField("items", "required")
	}
	if len(req.Items) > s.cfg.BatchMaxItems {
		return ErrBatchTooMany.WithField("max_items", itoa(s.cfg.BatchMaxItems))
	}
	var total int64
	for _, it := range req.Items {
		if it.Size > s.cfg.BatchMaxFile {
			return ErrBatchItemLarge.WithField("max_file_bytes", itoa64(s.cfg.BatchMaxFile))
		}
		total += max(it.Size, 0)
	}
	if total > s.cfg.BatchMaxBytes {
		return ErrBatchTooLarge.WithField("max_bytes", itoa64(s.cfg.BatchMaxBytes))
	}
	return nil
}

// batch is one UploadBatch call in progress.
type batch struct {
	s     *Service
	a     identity.Actor
	w     who
	items []batchItem
	seen  map[string]seenEntry // entries whose role was computed, by ID
	// Chunks to store: fresh are new (staged, written to tmp/, once every
	// content is read); have were in the store when read, their bytes kept
	// in case the collector removes them before the commit.
	fresh   []blobstore.Chunk
	staged  []blobstore.Staged
	staging map[string]bool
	have    map[string][]byte
}

type seenEntry struct {
	e   *Entry
	err error
}

// batchItem is one file of the batch and what became of it.
type batchItem struct {
	BatchItem
	key    string // the target: "p" parent + name key, or "e" entry ID
	t      target
	role   string
	chunks []VersionChunk
	dupOf  int // an earlier item with the same target and content (-1: none)
	res    BatchResult
}

func (it *batchItem) fail(err error) { it.res.Err = err }

// unchanged answers the item with an entry that already has its content.
func (it *batchItem) unchanged(e *Entry, role string) {
	c := *e
	c.Role = role
	it.res.Entry, it.res.Unchanged = &c, true
}

// pending: the item still has content to write.
func (it *batchItem) pending() bool { return it.res.Err == nil && it.res.Entry == nil && it.dupOf < 0 }

func (it *batchItem) sameContent(e *Entry) bool {
	return e.Kind == KindFile && e.Hash == it.Hash && e.Size == it.Size
}

func (b *batch) writes() bool {
	return slices.ContainsFunc(b.items, func(it batchItem) bool { return it.pending() })
}

// access loads an entry with the actor's role on it, once per batch.
func (b *batch) access(ctx context.Context, st dbx, id string) (*Entry, error) {
	if r, ok := b.seen[id]; ok {
		return r.e, r.err
	}
	e, err := st.entry(id)
	if err == nil {
		e.Role, err = b.s.roleOn(ctx, st, b.w, e)
	}
	if err != nil {
		e = nil
	}
	b.seen[id] = seenEntry{e, err}
	return e, err
}

// folder is needFolder(editor) through access.
func (b *batch) folder(ctx context.Context, st dbx, id string) (*Entry, error) {
	e, err := b.access(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if err := allowed(e.Role, RoleEditor); err != nil {
		return nil, err
	}
	if e.Deleted {
		return nil, ErrNotFound
	}
	if !e.IsDir() {
		return nil, ErrNotFolder
	}
	return e, nil
}

// resolve checks every item: its fields, the actor's rights on its target,
// the name or the base version, and whether the drive already holds the
// content there. Items with the same target in one batch: the first one
// counts; a later one with the same content gets its answer, with other
// content it is a clash (drive.name_taken, drive.stale_version).
func (b *batch) resolve(ctx context.Context, st dbx) error {
	var fileIDs []string
	for i := range b.items {
		it := &b.items[i]
		var v apperr.Validator
		v.Check(blobstore.ValidHash(it.Hash), "hash", "invalid")
		v.Check(it.Size >= 0, "size", "invalid")
		v.Check((it.EntryID == "") != (it.ParentID == ""), "target", "invalid")
		if err := v.Err("drive.invalid_upload", "the upload is not valid"); err != nil {
			it.fail(err)
			continue
		}
		if b.s.cfg.MaxFileSize > 0 && it.Size > b.s.cfg.MaxFileSize {
			it.fail(ErrTooLarge)
			continue
		}
		if it.EntryID != "" {
			it.key = "e" + it.EntryID
			fileIDs = append(fileIDs, it.EntryID)
			continue
		}
		n, err := CleanName(it.Name)
		if err != nil {
			it.fail(err)
			continue
		}
		it.Name = n
		it.key = "p" + it.ParentID + "\x00" + nameKey(n)
	}
	files, err := st.entriesByID(fileIDs)
	if err != nil {
		return err
	}
	grants := map[string][]Permission{}
	if len(fileIDs) > 0 {
		perms, err := st.permissionsOn(fileIDs)
		if err != nil {
			return err
		}
		for _, p := range perms {
			grants[p.EntryID] = append(grants[p.EntryID], p)
		}
	}
	var parents, keys []string
	for i := range b.items {
		it := &b.items[i]
		if it.res.Err != nil || it.EntryID != "" {
			continue
		}
		p, err := b.folder(ctx, st, it.ParentID)
		if err != nil {
			if !isUserError(err) {
				return err
			}
			it.fail(err)
			continue
		}
		it.t, it.role = target{parent: p, name: it.Name}, p.Role
		parents, keys = append(parents, p.ID), append(keys, nameKey(it.Name))
	}
	named, err := st.liveNamed(parents, keys)
	if err != nil {
		return err
	}
	claims := map[string]int{}
	for i := range b.items {
		it := &b.items[i]
		if it.res.Err != nil {
			continue
		}
		if j, ok := claims[it.key]; ok {
			switch {
			case b.items[j].Hash == it.Hash && b.items[j].Size == it.Size:
				it.dupOf = j
			case it.EntryID != "":
				it.fail(ErrStale)
			default:
				it.fail(ErrNameTaken)
			}
			continue
		}
		claims[it.key] = i
		if it.EntryID == "" {
			if c := named[it.t.parent.ID+"\x00"+nameKey(it.Name)]; c != nil {
				if it.sameContent(c) {
					it.unchanged(c, it.role)
				} else {
					it.fail(ErrNameTaken)
				}
			}
			continue
		}
		f, err := b.file(ctx, st, files[it.EntryID], grants)
		switch {
		case err != nil:
			if !isUserError(err) {
				return err
			}
			it.fail(err)
		case it.sameContent(f):
			it.unchanged(f, f.Role)
		case f.Version != it.BaseVersion:
			it.fail(ErrStale)
		default:
			it.t, it.role = target{file: f, base: it.BaseVersion}, f.Role
		}
	}
	return b.precheckQuota(st)
}

// file checks the actor may write a new version of f: the role on its
// folder plus the grants on the file itself (grants only add down the tree).
func (b *batch) file(ctx context.Context, st dbx, f *Entry, grants map[string][]Permission) (*Entry, error) {
	if f == nil {
		return nil, ErrNotFound
	}
	parent, err := b.access(ctx, st, f.ParentID)
	if err != nil {
		return nil, err
	}
	role := parent.Role
	for _, p := range grants[f.ID] {
		if b.w.matches(p) {
			role = maxRole(role, p.Role)
		}
	}
	if role, err = st.capLocked(b.w, f, role); err != nil {
		return nil, err
	}
	if err := allowed(role, RoleEditor); err != nil {
		if f.Locked && role == RoleViewer {
			return nil, ErrLocked
		}
		return nil, err
	}
	if f.Deleted {
		return nil, ErrNotFound
	}
	if f.IsDir() {
		return nil, ErrNotFile
	}
	c := *f
	c.Role = role
	return &c, nil
}

// precheckQuota fails items that alone would not fit their space, before
// their content is read. The commit checks again, adding the items up.
func (b *batch) precheckQuota(st dbx) error {
	spaces := map[string]*Space{}
	for i := range b.items {
		it := &b.items[i]
		if !it.pending() {
			continue
		}
		id := it.t.spaceID()
		sp, ok := spaces[id]
		if !ok {
			var err error
			if sp, err = st.space(id); err != nil {
				return err
			}
			spaces[id] = sp
		}
		if err := quotaCheck(sp, sp.UsedBytes, it.delta()); err != nil {
			it.fail(err)
		}
	}
	return nil
}

// delta is how much the item adds to its space's usage.
func (it *batchItem) delta() int64 { return it.t.delta(it.Size) }

// isUserError: an answer for the item, not a failure of the batch.
func isUserError(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Kind != apperr.KindInternal
}

// receive reads every item's content in order. The content of an item to
// write must match its announced size and hash (else that item fails with
// drive.hash_mismatch); its new chunks are written to temp files. Other
// items' contents are skipped. A body that ends early, holds more parts
// than items or cannot be read fails the batch.
func (b *batch) receive(parts BatchParts) error {
	for i := range b.items {
		r, err := parts.Next()
		if errors.Is(err, io.EOF) {
			return ErrBatchInvalid.WithField("parts", "missing")
		}
		if err != nil {
			return batchReadError(err)
		}
		it := &b.items[i]
		if !it.pending() {
			if _, err := io.Copy(io.Discard, io.LimitReader(r, b.s.cfg.BatchMaxFile+1)); err != nil {
				return batchReadError(err)
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(r, it.Size+1))
		if err != nil {
			return batchReadError(err)
		}
		if int64(len(data)) != it.Size {
			it.fail(ErrHashMismatch)
			continue
		}
		if err := b.stage(it, data); err != nil {
			return err
		}
	}
	if _, err := parts.Next(); err == nil {
		return ErrBatchInvalid.WithField("parts", "too_many")
	} else if !errors.Is(err, io.EOF) {
		return batchReadError(err)
	}
	return nil
}

func batchReadError(err error) error {
	if isUserError(err) {
		return err
	}
	return wrap("read batch", err)
}

// stage chunks an item's content, checks it against the item's announced
// SHA-256 (an item that does not match fails, ErrHashMismatch) and notes
// the chunks the store lacks (the batch stages them all at once:
// StageAllHashed, since the chunker hashed them from these bytes). Each
// byte is hashed once for its chunk; the whole content is hashed again only
// when it is more than one chunk (a one-chunk file's hash is its chunk's).
func (b *batch) stage(it *batchItem, data []byte) error {
	var chunks []VersionChunk
	err := chunker.SplitData(bytes.NewReader(data), func(c chunker.Chunk, _ []byte) error {
		chunks = append(chunks, VersionChunk{Idx: len(chunks), Hash: c.Hash, Size: c.Size, ChunkOffset: c.Offset})
		return nil
	})
	if err != nil {
		return err
	}
	whole := ""
	if len(chunks) == 1 {
		whole = chunks[0].Hash
	} else {
		whole = blobstore.HashOf(data) // an empty file too: no chunks
	}
	if whole != it.Hash {
		it.fail(ErrHashMismatch)
		return nil
	}
	it.chunks = chunks
	for _, c := range chunks {
		if b.staging[c.Hash] || b.have[c.Hash] != nil {
			continue
		}
		bytes := data[c.ChunkOffset : c.ChunkOffset+int64(c.Size)]
		if b.s.blobs.Has(c.Hash) {
			b.have[c.Hash] = bytes
			continue
		}
		b.fresh = append(b.fresh, blobstore.Chunk{Hash: c.Hash, Data: bytes})
		b.staging[c.Hash] = true
	}
	return nil
}

// chunkSizes are the distinct chunks of the pending items, with sizes.
func (b *batch) chunkSizes() map[string]int {
	sizes := map[string]int{}
	for _, it := range b.items {
		if it.pending() {
			for _, c := range it.chunks {
				sizes[c.Hash] = c.Size
			}
		}
	}
	return sizes
}

// hashes are the pending items' distinct chunks, sorted.
func (b *batch) hashes() []string { return slices.Sorted(maps.Keys(b.chunkSizes())) }

// claimChunks records the chunks (in hash order) in a transaction of its
// own. Once it has committed, the collector leaves them alone (each was
// last used now, and it deletes only rows unused for the grace period), so
// their files can be put in place without holding the database's write
// lock; the entries that refer to them commit after the files are durable.
func (b *batch) claimChunks(st dbx) error {
	now := b.s.clock.Now()
	sizes := b.chunkSizes()
	hashes := slices.Sorted(maps.Keys(sizes))
	rows := make([]ChunkRow, len(hashes))
	for i, h := range hashes {
		rows[i] = ChunkRow{Hash: h, Size: sizes[h], CreatedAt: now, LastUsedAt: now}
	}
	return st.upsertChunks(rows)
}

// installChunks puts the new chunks in place (after claimChunks) and puts
// back any that were in the store when read but collected before the claim.
func (b *batch) installChunks() error {
	if err := b.s.blobs.InstallAll(b.staged); err != nil {
		return err
	}
	sizes := b.chunkSizes()
	for h, data := range b.have {
		if sizes[h] > 0 && !b.s.blobs.Has(h) {
			if err := b.s.blobs.Put(h, data); err != nil {
				return err
			}
		}
	}
	return nil
}

// commit writes the pending items in the caller's transaction. Lock order,
// as every writer: chunk rows (in hash order), then spaces (in ID order).
// The targets are read again under the space locks: what changed since
// resolve (a name taken, a new version, a folder trashed or moved to
// another space) fails that item only.
func (b *batch) commit(st dbx) error {
	now := b.s.clock.Now()
	// Touching the rows again (in hash order, before the spaces: the lock
	// order of every writer) proves they are still there.
	hashes := b.hashes()
	if n, err := st.touchChunks(hashes, now); err != nil {
		return err
	} else if n != int64(len(hashes)) {
		return ErrChunksMissing
	}
	spaces, err := b.lockSpaces(st)
	if err != nil {
		return err
	}
	var ids, parents, keys []string
	for _, it := range b.items {
		switch {
		case !it.pending():
		case it.t.file != nil:
			ids = append(ids, it.t.file.ID)
		default:
			ids, parents, keys = append(ids, it.t.parent.ID), append(parents, it.t.parent.ID), append(keys, nameKey(it.t.name))
		}
	}
	cur, err := st.entriesByID(ids)
	if err != nil {
		return err
	}
	named, err := st.liveNamed(parents, keys)
	if err != nil {
		return err
	}
	w := batchWrite{now: now, used: map[string]int64{}}
	for id, sp := range spaces {
		w.used[id] = sp.space.UsedBytes
	}
	for i := range b.items {
		it := &b.items[i]
		if !it.pending() {
			continue
		}
		if err := b.recheck(it, cur, named, spaces, &w); err != nil {
			if !isUserError(err) {
				return err
			}
			it.fail(err)
			continue
		}
		if err := b.writeItem(st, it, spaces[it.t.spaceID()].seq, &w); err != nil {
			return err
		}
	}
	if err := st.insertFiles(w.entries, w.versions, w.chunks); err != nil {
		return err
	}
	for _, id := range w.prune {
		old, err := st.prunableVersions(id, b.s.cfg.MaxVersions)
		if err != nil {
			return wrap("prune versions", err)
		}
		if err := st.deleteVersions(old); err != nil {
			return err
		}
	}
	for id, sp := range spaces {
		if err := st.addUsed(id, w.used[id]-sp.space.UsedBytes); err != nil {
			return err
		}
	}
	return nil
}

// lockedSpace is a space the commit holds, with its change sequence number.
type lockedSpace struct {
	space *Space
	seq   int64
}

// lockSpaces takes the next change sequence number of every space the
// pending items write to, in ID order, and reads the space under the lock.
func (b *batch) lockSpaces(st dbx) (map[string]lockedSpace, error) {
	var ids []string
	for _, it := range b.items {
		if it.pending() && !slices.Contains(ids, it.t.spaceID()) {
			ids = append(ids, it.t.spaceID())
		}
	}
	slices.Sort(ids)
	out := make(map[string]lockedSpace, len(ids))
	for _, id := range ids {
		seq, err := st.bump(id)
		if err != nil {
			return nil, err
		}
		sp, err := st.space(id)
		if err != nil {
			return nil, err
		}
		out[id] = lockedSpace{sp, seq}
	}
	return out, nil
}

// batchWrite collects the rows of the commit.
type batchWrite struct {
	now      time.Time
	used     map[string]int64
	entries  []Entry
	versions []FileVersion
	chunks   []VersionChunk
	prune    []string // files with more versions than kept
}

// recheck re-reads an item's target under the space lock and adds it to
// its space's usage.
func (b *batch) recheck(it *batchItem, cur, named map[string]*Entry, spaces map[string]lockedSpace, w *batchWrite) error {
	space := it.t.spaceID()
	if f := it.t.file; f != nil {
		now := cur[f.ID]
		switch {
		case now == nil || now.Deleted:
			return ErrNotFound
		case now.SpaceID != space:
			return ErrStale // moved to another space since resolve
		case now.Version != it.t.base:
			if it.sameContent(now) {
				it.unchanged(now, it.role)
				return nil
			}
			return ErrStale
		}
	} else {
		p := cur[it.t.parent.ID]
		switch {
		case p == nil || p.Deleted:
			return ErrNotFound
		case p.SpaceID != space:
			return ErrStale
		}
		if c := named[p.ID+"\x00"+nameKey(it.t.name)]; c != nil {
			if it.sameContent(c) {
				it.unchanged(c, it.role)
				return nil
			}
			return ErrNameTaken
		}
	}
	if err := quotaCheck(spaces[space].space, w.used[space], it.delta()); err != nil {
		return err
	}
	w.used[space] += it.delta()
	return nil
}

// writeItem adds an item's rows: a new entry, or the version bump of its
// file (one UPDATE, checked against the base version), then its version
// and chunk list.
func (b *batch) writeItem(st dbx, it *batchItem, seq int64, w *batchWrite) error {
	if it.res.Entry != nil {
		return nil // found unchanged by recheck
	}
	a := b.a
	var e Entry
	if f := it.t.file; f != nil {
		if err := st.updateEntry(f.ID, it.t.base, map[string]any{"size": it.Size, "hash": it.Hash, "seq": seq,
			"modified_by": a.UserID, "modified_by_name": a.Name, "modified_at": w.now}); err != nil {
			return err
		}
		e = *f
		e.Size, e.Hash, e.Seq, e.Version = it.Size, it.Hash, seq, it.t.base+1
		e.ModifiedBy, e.ModifiedByName, e.ModifiedAt = a.UserID, a.Name, w.now.UTC()
		if e.Version > int64(b.s.cfg.MaxVersions) {
			w.prune = append(w.prune, e.ID)
		}
	} else {
		e = Entry{ID: newID(), SpaceID: it.t.parent.SpaceID, ParentID: it.t.parent.ID, Kind: KindFile, Name: it.t.name,
			NameKey: nameKey(it.t.name), Size: it.Size, Hash: it.Hash, Version: 1, CreatedBy: a.UserID, CreatedAt: w.now,
			ModifiedBy: a.UserID, ModifiedByName: a.Name, ModifiedAt: w.now, Seq: seq}
		w.entries = append(w.entries, e)
		e.normalize()
		it.res.Created = true
	}
	fv := FileVersion{ID: newID(), EntryID: e.ID, EntryVersion: e.Version, Size: it.Size, Hash: it.Hash, ChunkCount: len(it.chunks),
		ChunkScheme: int(chunker.Current), CreatedBy: a.UserID, CreatedByName: a.Name, CreatedAt: w.now}
	w.versions = append(w.versions, fv)
	for _, c := range it.chunks {
		c.VersionID = fv.ID
		w.chunks = append(w.chunks, c)
	}
	e.Role = it.role
	it.res.Entry = &e
	return nil
}

// results answers every item; an item that repeated an earlier one of the
// batch gets that one's answer.
func (b *batch) results() []BatchResult {
	out := make([]BatchResult, len(b.items))
	for i, it := range b.items {
		out[i] = it.res
		if it.dupOf >= 0 {
			d := b.items[it.dupOf].res
			out[i] = BatchResult{Index: i, Entry: d.Entry, Unchanged: d.Entry != nil, Err: d.Err}
		}
	}
	return out
}
