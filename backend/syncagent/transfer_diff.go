package syncagent

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// A new version of a big file is announced as a diff of the version the
// agent last synced (drive.ChunkDiff, backend/drive/uploads_diff.go): runs
// of the base's chunk list it keeps plus the new chunks. For a 1 MiB edit of
// a 1 GiB file that is a few hundred bytes instead of the full list's
// 0.33 MB. The server rebuilds the list from the base version it stores;
// when its list is not the one the agent remembers (BaseListHash differs:
// the base was chunked by another scheme or client), or the server predates
// diffs, the answer is drive.invalid_upload and the agent announces in full.

// ChunkDiff is a chunk list as edits of a base list (drive.ChunkDiff).
type ChunkDiff struct {
	BaseListHash string   `json:"base_list_hash"`
	Ops          []DiffOp `json:"ops"`
}

// DiffOp is Count base chunks from index From, or (Count = 0) new Chunks.
type DiffOp struct {
	From   int           `json:"from,omitempty"`
	Count  int           `json:"count,omitempty"`
	Chunks []UploadChunk `json:"chunks,omitempty"`
}

// chunkListHash is drive.ChunkListHash: SHA-256 of the hex hashes concatenated.
func chunkListHash(c Chunks) string {
	h := sha256.New()
	for _, ch := range c {
		h.Write([]byte(ch.Hash))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// diffChunks announces chunks against base. Runs of base chunks in order
// become keep operations; a chunk found elsewhere in the base starts a new
// run; the rest are sent as new.
func diffChunks(base, chunks Chunks) *ChunkDiff {
	at := make(map[string]int, len(base))
	for i := len(base) - 1; i >= 0; i-- {
		at[base[i].Hash] = i // the first place of a hash repeated in the base
	}
	d := &ChunkDiff{BaseListHash: chunkListHash(base)}
	for _, ch := range chunks {
		var last *DiffOp
		if n := len(d.Ops); n > 0 {
			last = &d.Ops[n-1]
		}
		if last != nil && last.Count > 0 {
			if next := last.From + last.Count; next < len(base) && base[next].Hash == ch.Hash {
				last.Count++
				continue
			}
		}
		if j, ok := at[ch.Hash]; ok {
			d.Ops = append(d.Ops, DiffOp{From: j, Count: 1})
			continue
		}
		if last != nil && last.Count == 0 {
			last.Chunks = append(last.Chunks, UploadChunk{Hash: ch.Hash, Size: ch.Size})
			continue
		}
		d.Ops = append(d.Ops, DiffOp{Chunks: []UploadChunk{{Hash: ch.Hash, Size: ch.Size}}})
	}
	return d
}

// diffBase is the chunk list of the drive's current content of remote as
// the agent synced it (nil when the agent's base is not that content).
func diffBase(base *FileRecord, remote *RemoteFile) Chunks {
	if base == nil || remote == nil || base.Dir || base.EntryID != remote.EntryID || base.Hash == "" || base.Hash != remote.Hash ||
		base.Size != remote.Size {
		return nil
	}
	return expandChunks(base.Size, base.Hash, base.Chunks)
}

// isInvalidUpload: the server refused the announce itself (a diff it cannot
// use, or a server from before diffs reading an empty chunk list).
func isInvalidUpload(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Key == "drive.invalid_upload"
}
