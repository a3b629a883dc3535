package syncagent

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// state builders: "h1" is a content hash; versions are small integers.
func lf(p, hash string) *localFile { return &localFile{Path: p, Hash: hash, Size: 1} }
func ld(p string) *localFile       { return &localFile{Path: p, Dir: true} }
func bf(p, hash string, v int64) *FileRecord {
	return &FileRecord{Path: p, Hash: hash, Size: 1, EntryID: "e-" + p, Version: v}
}
func bd(p string) *FileRecord { return &FileRecord{Path: p, Dir: true, EntryID: "e-" + p, Version: 1} }
func rf(p, hash string, v int64) *RemoteFile {
	return &RemoteFile{Path: p, Hash: hash, Size: 1, EntryID: "e-" + p, Version: v}
}
func rd(p string) *RemoteFile { return &RemoteFile{Path: p, Dir: true, EntryID: "e-" + p, Version: 1} }

func summary(p *plan) string {
	var out []string
	for _, a := range p.All() {
		if a.Covered {
			continue
		}
		out = append(out, a.String())
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func TestReconcileFileTable(t *testing.T) {
	t.Parallel()
	const p = "f.txt"
	now := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
	scenarios := []struct {
		name string
		l    *localFile
		b    *FileRecord
		r    *RemoteFile
		want map[Mode]string
	}{
		{"in sync", lf(p, "h1"), bf(p, "h1", 1), rf(p, "h1", 1), map[Mode]string{ModeBackup: "", ModeTwoWay: "", ModeMirror: ""}},
		{"new local", lf(p, "h1"), nil, nil, map[Mode]string{ModeBackup: "upload f.txt", ModeTwoWay: "upload f.txt", ModeMirror: ""}},
		{"new remote", nil, nil, rf(p, "h1", 1), map[Mode]string{ModeBackup: "", ModeTwoWay: "download f.txt", ModeMirror: "download f.txt"}},
		{"same on both, no base", lf(p, "h1"), nil, rf(p, "h1", 1), map[Mode]string{ModeBackup: "record f.txt", ModeTwoWay: "record f.txt", ModeMirror: "record f.txt"}},
		{"local edit", lf(p, "h2"), bf(p, "h1", 1), rf(p, "h1", 1), map[Mode]string{ModeBackup: "upload f.txt", ModeTwoWay: "upload f.txt", ModeMirror: "keep_local f.txt"}},
		{"remote edit", lf(p, "h1"), bf(p, "h1", 1), rf(p, "h2", 2), map[Mode]string{ModeBackup: "", ModeTwoWay: "download f.txt", ModeMirror: "download f.txt"}},
		{"both edit", lf(p, "h2"), bf(p, "h1", 1), rf(p, "h3", 2), map[Mode]string{ModeBackup: "upload f.txt", ModeTwoWay: "conflict f.txt", ModeMirror: "keep_local f.txt"}},
		{"both same edit", lf(p, "h2"), bf(p, "h1", 1), rf(p, "h2", 2), map[Mode]string{ModeBackup: "record f.txt", ModeTwoWay: "record f.txt", ModeMirror: "record f.txt"}},
		{"local delete", nil, bf(p, "h1", 1), rf(p, "h1", 1), map[Mode]string{ModeBackup: "delete_remote f.txt", ModeTwoWay: "delete_remote f.txt", ModeMirror: "download f.txt"}},
		{"local delete, remote edit", nil, bf(p, "h1", 1), rf(p, "h2", 2), map[Mode]string{ModeBackup: "delete_remote f.txt", ModeTwoWay: "download f.txt", ModeMirror: "download f.txt"}},
		{"remote delete", lf(p, "h1"), bf(p, "h1", 1), nil, map[Mode]string{ModeBackup: "upload f.txt", ModeTwoWay: "delete_local f.txt", ModeMirror: "delete_local f.txt"}},
		{"remote delete, local edit", lf(p, "h2"), bf(p, "h1", 1), nil, map[Mode]string{ModeBackup: "upload f.txt", ModeTwoWay: "upload f.txt", ModeMirror: "forget f.txt"}},
		{"gone both", nil, bf(p, "h1", 1), nil, map[Mode]string{ModeBackup: "forget f.txt", ModeTwoWay: "forget f.txt", ModeMirror: "forget f.txt"}},
	}
	for _, s := range scenarios {
		for mode, want := range s.want {
			t.Run(s.name+"/"+string(mode), func(t *testing.T) {
				in := planInput{Mode: mode, Local: map[string]*localFile{}, Base: map[string]*FileRecord{}, Remote: map[string]*RemoteFile{}, Now: now}
				if s.l != nil {
					in.Local[p] = s.l
				}
				if s.b != nil {
					in.Base[p] = s.b
				}
				if s.r != nil {
					in.Remote[p] = s.r
				}
				if got := summary(reconcile(in)); got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			})
		}
	}
}

func TestReconcileNeverDeletesUnsyncedLocalChange(t *testing.T) {
	t.Parallel()
	// Whatever the mode, a local edit the drive does not have is never deleted.
	for _, mode := range []Mode{ModeBackup, ModeTwoWay, ModeMirror} {
		in := planInput{Mode: mode,
			Local:  map[string]*localFile{"a": lf("a", "new")},
			Base:   map[string]*FileRecord{"a": bf("a", "old", 1)},
			Remote: map[string]*RemoteFile{}}
		for _, a := range reconcile(in).All() {
			if a.Kind == actDeleteLocal {
				t.Errorf("%s: %v", mode, a)
			}
		}
	}
}

func TestConflictName(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 7, 0, 0, time.UTC)
	scenarios := map[string]string{
		"a/report.docx": "a/report (conflict 张三 2026-11-22 0907).docx",
		"notes":         "notes (conflict 张三 2026-11-22 0907)",
		".bashrc":       ".bashrc (conflict 张三 2026-11-22 0907)",
		"x.tar.gz":      "x.tar (conflict 张三 2026-11-22 0907).gz",
	}
	for in, want := range scenarios {
		if got := conflictName(in, "张三", now); got != want {
			t.Errorf("conflictName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReconcileLocalRenameIsAMove(t *testing.T) {
	t.Parallel()
	old := bf("old.txt", "h1", 3)
	old.Inode = 42
	nl := lf("new.txt", "h1")
	nl.Inode = 42
	in := planInput{Mode: ModeTwoWay,
		Local:  map[string]*localFile{"new.txt": nl},
		Base:   map[string]*FileRecord{"old.txt": old},
		Remote: map[string]*RemoteFile{"old.txt": rf("old.txt", "h1", 3)}}
	if got := summary(reconcile(in)); got != "move_remote old.txt -> new.txt" {
		t.Fatalf("plan %q", got)
	}
}

func TestReconcileDirectoryMove(t *testing.T) {
	t.Parallel()
	b := bd("d")
	b.Inode = 7
	nd := ld("e")
	nd.Inode = 7
	in := planInput{Mode: ModeBackup,
		Local:  map[string]*localFile{"e": nd, "e/x": lf("e/x", "h1"), "e/y": lf("e/y", "h2")},
		Base:   map[string]*FileRecord{"d": b, "d/x": bf("d/x", "h1", 1), "d/y": bf("d/y", "h2", 1)},
		Remote: map[string]*RemoteFile{"d": rd("d"), "d/x": rf("d/x", "h1", 1), "d/y": rf("d/y", "h2", 1)}}
	if got := summary(reconcile(in)); got != "move_remote d -> e" {
		t.Fatalf("plan %q", got)
	}
}

func TestReconcileRemoteRenameMovesLocally(t *testing.T) {
	t.Parallel()
	r := rf("renamed.txt", "h1", 2)
	r.EntryID = "e-a.txt"
	in := planInput{Mode: ModeTwoWay,
		Local:  map[string]*localFile{"a.txt": lf("a.txt", "h1")},
		Base:   map[string]*FileRecord{"a.txt": bf("a.txt", "h1", 1)},
		Remote: map[string]*RemoteFile{"renamed.txt": r}}
	got := summary(reconcile(in))
	if got != "move_local a.txt -> renamed.txt; record renamed.txt" {
		t.Fatalf("plan %q", got)
	}
}

func TestReconcileDeletedFolderGoesToTrashWhole(t *testing.T) {
	t.Parallel()
	in := planInput{Mode: ModeTwoWay, Local: map[string]*localFile{},
		Base:   map[string]*FileRecord{"d": bd("d"), "d/x": bf("d/x", "h1", 1), "d/s": bd("d/s"), "d/s/y": bf("d/s/y", "h2", 1)},
		Remote: map[string]*RemoteFile{"d": rd("d"), "d/x": rf("d/x", "h1", 1), "d/s": rd("d/s"), "d/s/y": rf("d/s/y", "h2", 1)}}
	p := reconcile(in)
	if got := summary(p); got != "delete_remote d" {
		t.Fatalf("plan %q", got)
	}
	if p.DeleteFiles != 2 {
		t.Fatalf("DeleteFiles = %d", p.DeleteFiles)
	}
}

func TestReconcileFolderKeptWhenRemoteChildChanged(t *testing.T) {
	t.Parallel()
	// Two-way: the folder was deleted locally but someone edited a file in it
	// on the drive: the edit wins, the folder comes back.
	in := planInput{Mode: ModeTwoWay, Local: map[string]*localFile{},
		Base:   map[string]*FileRecord{"d": bd("d"), "d/x": bf("d/x", "h1", 1), "d/y": bf("d/y", "h1", 1)},
		Remote: map[string]*RemoteFile{"d": rd("d"), "d/x": rf("d/x", "h2", 2), "d/y": rf("d/y", "h1", 1)}}
	if got := summary(reconcile(in)); got != "delete_remote d/y; download d/x; mkdir_local d" {
		t.Fatalf("plan %q", got)
	}
}

func TestReconcileSkip(t *testing.T) {
	t.Parallel()
	in := planInput{Mode: ModeTwoWay,
		Local:  map[string]*localFile{"A.txt": lf("A.txt", "h1"), "a.txt": lf("a.txt", "h2")},
		Base:   map[string]*FileRecord{"ignored.tmp": bf("ignored.tmp", "h", 1)},
		Remote: map[string]*RemoteFile{"ignored.tmp": rf("ignored.tmp", "h", 1)},
		Skip:   func(p string) bool { return p != "" },
	}
	if got := summary(reconcile(in)); got != "" {
		t.Fatalf("skipped paths must not be touched: %q", got)
	}
}

// With no inode known (Windows without file IDs, a move across file
// systems) a folder is paired with the new one most of its files went to,
// folders renamed inside it as well; content found in two new folders
// pairs neither.
func TestReconcileFolderMoveByContent(t *testing.T) {
	t.Parallel()
	base := map[string]*FileRecord{"d": bd("d"), "d/x": bf("d/x", "h1", 1), "d/y": bf("d/y", "h2", 1), "d/s": bd("d/s"), "d/s/z": bf("d/s/z", "h3", 1)}
	remote := map[string]*RemoteFile{"d": rd("d"), "d/x": rf("d/x", "h1", 1), "d/y": rf("d/y", "h2", 1), "d/s": rd("d/s"), "d/s/z": rf("d/s/z", "h3", 1)}
	moved := map[string]*localFile{"e": ld("e"), "e/x": lf("e/x", "h1"), "e/y": lf("e/y", "h2"), "e/t": ld("e/t"), "e/t/z": lf("e/t/z", "h3")}
	in := planInput{Mode: ModeBackup, Local: moved, Base: base, Remote: remote}
	if got := summary(reconcile(in)); got != "move_remote d -> e; move_remote e/s -> e/t" {
		t.Fatalf("plan %q", got)
	}
	copied := map[string]*localFile{"e": ld("e"), "e/x": lf("e/x", "h1"), "e/y": lf("e/y", "h2"), "f": ld("f"), "f/x": lf("f/x", "h1"), "f/y": lf("f/y", "h2")}
	in = planInput{Mode: ModeBackup, Local: copied, Base: base, Remote: remote}
	for _, a := range reconcile(in).Moves {
		if a.Dir {
			t.Fatalf("a folder copied twice was paired: %v", a)
		}
	}
}

// unchangedFile lets a file skip the sort and the decision; any one field
// that differs from the record must send it through file() again.
func TestReconcileUnchangedFastPath(t *testing.T) {
	t.Parallel()
	const p = "d/f.txt"
	same := func() (*localFile, *FileRecord, *RemoteFile) {
		l := &localFile{Path: p, Hash: "h1", Size: 1, MtimeNs: 10, CtimeNs: 11, Inode: 7}
		b := &FileRecord{Path: p, Hash: "h1", Size: 1, MtimeNs: 10, CtimeNs: 11, Inode: 7, EntryID: "e-" + p, Version: 1}
		return l, b, rf(p, "h1", 1)
	}
	cases := []struct {
		name   string
		change func(*localFile, *FileRecord, *RemoteFile)
		want   string
	}{
		{"unchanged", func(*localFile, *FileRecord, *RemoteFile) {}, ""},
		{"drive edit", func(_ *localFile, _ *FileRecord, r *RemoteFile) { r.Hash, r.Version = "h2", 2 }, "download d/f.txt"},
		{"drive version only", func(_ *localFile, _ *FileRecord, r *RemoteFile) { r.Version = 2 }, "record d/f.txt"},
		{"drive entry replaced", func(_ *localFile, _ *FileRecord, r *RemoteFile) { r.EntryID = "other" }, "record d/f.txt"},
		{"local edit", func(l *localFile, _ *FileRecord, _ *RemoteFile) { l.Hash = "h2" }, "upload d/f.txt"},
		{"local mtime", func(l *localFile, _ *FileRecord, _ *RemoteFile) { l.MtimeNs = 20 }, "record d/f.txt"},
		{"local ctime", func(l *localFile, _ *FileRecord, _ *RemoteFile) { l.CtimeNs = 20 }, "record d/f.txt"},
		{"local inode", func(l *localFile, _ *FileRecord, _ *RemoteFile) { l.Inode = 8 }, "record d/f.txt"},
		{"local size", func(l *localFile, _ *FileRecord, _ *RemoteFile) { l.Size = 2 }, "record d/f.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, b, r := same()
			c.change(l, b, r)
			in := planInput{Mode: ModeTwoWay,
				Local:  map[string]*localFile{"d": ld("d"), p: l, "d/g.txt": lf("d/g.txt", "hg")},
				Base:   map[string]*FileRecord{"d": bd("d"), p: b, "d/g.txt": bf("d/g.txt", "hg", 1)},
				Remote: map[string]*RemoteFile{"d": rd("d"), p: r, "d/g.txt": rf("d/g.txt", "hg", 1)},
			}
			if got := summary(reconcile(in)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
