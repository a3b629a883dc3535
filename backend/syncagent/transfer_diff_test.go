package syncagent

import (
	"reflect"
	"strings"
	"testing"
)

func refs(hashes string) Chunks {
	var out Chunks
	for _, h := range strings.Fields(hashes) {
		out = append(out, ChunkRef{Hash: h, Size: len(h)})
	}
	return out
}

// expand applies d to base as the server does (drive.expandDiff).
func expand(base Chunks, d *ChunkDiff) string {
	var out []string
	for _, op := range d.Ops {
		for _, c := range base[op.From : op.From+op.Count] {
			out = append(out, c.Hash)
		}
		for _, c := range op.Chunks {
			out = append(out, c.Hash)
		}
	}
	return strings.Join(out, " ")
}

func TestDiffChunks(t *testing.T) {
	scenarios := []struct {
		name, base, next string
		ops              []DiffOp
	}{
		{"edit in the middle", "a b c d e", "a b x y d e",
			[]DiffOp{{From: 0, Count: 2}, {Chunks: []UploadChunk{{"x", 1}, {"y", 1}}}, {From: 3, Count: 2}}},
		{"unchanged", "a b c", "a b c", []DiffOp{{From: 0, Count: 3}}},
		{"all new", "a b", "x y", []DiffOp{{Chunks: []UploadChunk{{"x", 1}, {"y", 1}}}}},
		{"moved and repeated", "a b c d", "c d a b a", []DiffOp{{From: 2, Count: 2}, {From: 0, Count: 2}, {From: 0, Count: 1}}},
		{"appended", "a b", "a b z", []DiffOp{{From: 0, Count: 2}, {Chunks: []UploadChunk{{"z", 1}}}}},
		{"empty base", "", "x", []DiffOp{{Chunks: []UploadChunk{{"x", 1}}}}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			base, next := refs(s.base), refs(s.next)
			d := diffChunks(base, next)
			if !reflect.DeepEqual(d.Ops, s.ops) {
				t.Fatalf("ops %+v, want %+v", d.Ops, s.ops)
			}
			if got := expand(base, d); got != s.next {
				t.Fatalf("expands to %q, want %q", got, s.next)
			}
			if d.BaseListHash != chunkListHash(base) {
				t.Fatal("base list hash")
			}
		})
	}
}
