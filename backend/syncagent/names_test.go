package syncagent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"tack/backend/drive/entryname"
)

// plant stores a file on the fake drive under any name at all, as a
// malicious server would list it (the fake's own routes check nothing
// either, but this skips even the upload).
func (d *fakeDrive) plant(parent, name, content string) *Entry {
	d.mu.Lock()
	defer d.mu.Unlock()
	sum := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(sum[:])
	d.chunks[h] = []byte(content)
	return d.store("", parent, name, []string{h}, int64(len(content)), h, "李四")
}

func (d *fakeDrive) plantFolder(parent, name string) *Entry {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.newEntry(parent, "folder", name, "李四")
}

// listTree is every path under dir (slash form), symlinks not followed.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestMaliciousServerNamesStayInsideTheFolder: a server lists entries named
// to escape the synced folder ("../x", a folder "..", "a/b", a backslash
// path, an NTFS stream, a Windows device name, a trailing dot, a control
// character, "../../x" one level down) and a folder whose local namesake is
// a symlink pointing out of the folder. The agent writes nothing outside
// the folder, never writes through the symlink, syncs every other file, and
// lists each refused name with its reason on the pair's status.
func TestMaliciousServerNamesStayInsideTheFolder(t *testing.T) {
	for _, mode := range []Mode{ModeMirror, ModeTwoWay} {
		t.Run(string(mode), func(t *testing.T) {
			s := newFakeEnv(t)
			d := s.fake
			base := t.TempDir() // what lies beside the synced folder
			s.dir = filepath.Join(base, "synced")
			outside := filepath.Join(base, "outside")
			for _, dir := range []string{s.dir, outside} {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			// A symlink in the folder to a folder elsewhere (left by a
			// program, or by a user who links a project folder in).
			if err := os.Symlink(outside, filepath.Join(s.dir, "link")); err != nil {
				t.Fatal(err)
			}

			d.plant(d.root, "good.txt", "fine")
			d.plant(d.root, "../escape.txt", "owned")
			dots := d.plantFolder(d.root, "..")
			d.plant(dots.ID, "autostart.desktop", "[Desktop Entry]\nExec=evil")
			d.plant(d.root, "a/b.txt", "slash")
			d.plant(d.root, `..\..\win.txt`, "backslash")
			d.plant(d.root, "report.txt:hidden", "stream")
			d.plant(d.root, "CON.txt", "device")
			d.plant(d.root, "trailing.", "dot")
			d.plant(d.root, "bell\a.txt", "control")
			sub := d.plantFolder(d.root, "sub")
			d.plant(sub.ID, "ok.txt", "also fine")
			d.plant(sub.ID, "../../up.txt", "owned too")
			link := d.plantFolder(d.root, "link")
			d.plant(link.ID, "payload.txt", "through the symlink")

			e, _ := s.engine(mode)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = e.SyncOnce(ctx) // the symlinked folder stays an error: that is the point

			s.wantLocal("good.txt", "fine")
			s.wantLocal("sub/ok.txt", "also fine")
			if got := listTree(t, base); strings.Join(got, " ") != "outside synced synced/good.txt synced/link synced/sub synced/sub/ok.txt" {
				t.Errorf("beside and in the folder: %q", got)
			}
			if ents, _ := os.ReadDir(filepath.Dir(base)); len(ents) > 0 {
				for _, en := range ents {
					if strings.Contains(en.Name(), ".txt") || en.Name() == "autostart.desktop" {
						t.Errorf("written two levels up: %s", en.Name())
					}
				}
			}

			st := e.Status()[0]
			var got []string
			for _, r := range st.Refused {
				got = append(got, r.Folder+"|"+r.Name+"|"+r.Problem)
			}
			want := []string{
				`|..|dot`,
				`|../escape.txt|slash`,
				`|..\\..\\win.txt|slash`,
				`|CON.txt|windows_reserved`,
				`|a/b.txt|slash`,
				`|bell\a.txt|control_character`,
				`|report.txt:hidden|windows_character`,
				`|trailing.|trailing_dot_or_space`,
				`sub|../../up.txt|slash`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("refused on the status:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// The symlink is skipped by the scan (never followed) and listed
			// as such; the drive's file under that name is not written
			// through it (listTree above).
			if !slices.ContainsFunc(st.Skipped, func(s SkippedItem) bool { return s.Path == "link" && s.Reason == SkipSymlink }) &&
				!strings.Contains(st.Error, "link") {
				t.Errorf("the symlinked folder is not reported: error %q, skipped %+v", st.Error, st.Skipped)
			}

			// The server renames an entry to a good name: it syncs, and
			// leaves the list.
			d.mu.Lock()
			for _, en := range d.entries {
				if en.Name == "CON.txt" {
					en.Name, en.Version = "console.txt", en.Version+1
					d.emit(en)
				}
			}
			d.mu.Unlock()
			_ = e.SyncOnce(ctx)
			s.wantLocal("console.txt", "device")
			for _, r := range e.Status()[0].Refused {
				if r.Name == "CON.txt" {
					t.Errorf("still refused after the rename: %+v", r)
				}
			}
		})
	}
}

// TestConflictNameKeepsServerUserNameOutOfThePath: the conflict copy's name
// carries the last writer's display name as the server sent it; a name
// with separators or "..", control characters or a huge length must not
// change which folder the copy lands in or make an unusable name.
func TestConflictNameKeepsServerUserNameOutOfThePath(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	for _, user := range []string{"../../../../.config/autostart/x", `..\..\evil`, "张三/销售", "a:b|c*d?\"<>", "bell\a\x00", strings.Repeat("长", 200), "  ", ""} {
		p := conflictName("docs/plan.txt", user, now)
		dir, name, _ := strings.Cut(p, "/")
		if dir != "docs" || strings.ContainsAny(name, `/\`) {
			t.Errorf("user %q: conflict path %q leaves docs/", user, p)
		}
		if prob := entryname.Problem(name); prob != "" {
			t.Errorf("user %q: conflict name %q: %s", user, name, prob)
		}
	}
	if got := conflictName("plan.txt", "李四", now); got != "plan (conflict 李四 2026-12-07 0930).txt" {
		t.Errorf("plain name: %q", got)
	}
}

// TestCraftedNameOnTheRealServerIsRefused: the real server never stores
// "../escape.txt", but its database may be tampered with (a restored backup,
// a compromised server): a row renamed behind the server's back is refused
// by the agent like any malicious server's name, and the rest syncs.
func TestCraftedNameOnTheRealServerIsRefused(t *testing.T) {
	s := newServerEnv(t)
	base := t.TempDir()
	s.dir = filepath.Join(base, "synced")
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s.remoteWrite("good.txt", "fine")
	s.remoteWrite("docs/evil.txt", "owned")
	s.remoteWrite("docs/kept.txt", "kept")
	if err := s.server.Server.DB.Exec("UPDATE drive_entries SET name = ? WHERE name = ?", "../../escape.txt", "evil.txt").Error; err != nil {
		t.Fatal(err)
	}
	e, _ := s.engine(ModeMirror)
	s.once(e)
	s.wantLocal("good.txt", "fine")
	s.wantLocal("docs/kept.txt", "kept")
	if got := listTree(t, base); strings.Join(got, " ") != "synced synced/docs synced/docs/kept.txt synced/good.txt" {
		t.Errorf("beside and in the folder: %q", got)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(base), "escape.txt")); err == nil {
		t.Error("escape.txt written two levels up")
	}
	st := e.Status()[0]
	if len(st.Refused) != 1 || st.Refused[0] != (RefusedName{Folder: "docs", Name: "../../escape.txt", Problem: "slash"}) {
		t.Errorf("refused: %+v", st.Refused)
	}
}
