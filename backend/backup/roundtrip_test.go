package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"tack/backend/backup"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestRoundTrip backs up a server with users, departments, an approval, a
// meeting and drive files, restores it into an empty SQLite and an empty
// PostgreSQL target, and checks the restored data: a second dump of the
// target has the same rows, and a server on it serves the same answers and
// the same file bytes (old sessions included).
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, from := range []string{"sqlite", "postgres"} {
		for _, to := range []string{"sqlite", "postgres"} {
			t.Run(from+"_to_"+to, func(t *testing.T) {
				e := startSource(t, from)
				w := seed(t, e)
				ctx := context.Background()
				dir := t.TempDir()
				clk := &stepClock{}
				res, err := backup.Backup(ctx, w.source(), opts(dir, clk))
				if err != nil {
					t.Fatal(err)
				}
				if res.Chunks < 3 || res.Copied != res.Chunks || res.Rows == 0 {
					t.Fatalf("first backup: %+v", res)
				}
				if latest := readLatest(t, dir); latest != res.Name {
					t.Fatalf("LATEST = %q, want %q", latest, res.Name)
				}

				tg := newTarget(t, to == "postgres")
				rr, err := backup.Restore(ctx, tg.src, backup.RestoreOptions{From: dir, Migrations: server.Migrations()})
				if err != nil {
					t.Fatal(err)
				}
				if rr.Rows != res.Rows || rr.Chunks != res.Chunks || rr.Name != res.Name {
					t.Fatalf("restored %+v, backed up %+v", rr, res)
				}

				// The restored database dumps to the same rows.
				again, err := backup.Backup(ctx, tg.src, opts(t.TempDir(), clk))
				if err != nil {
					t.Fatal(err)
				}
				sameDump(t, res.Dir, again.Dir)

				r := tg.serve(t)
				// Sessions came along: the old tokens still work.
				for _, tok := range []string{w.admin, w.empT} {
					r.Must(http.StatusOK, "GET", "/api/v1/me", tok, nil)
				}
				for id, data := range w.files {
					got := rawRequest(t, r, "GET", "/api/v1/drive/files/"+id+"/content", w.admin, nil)
					if got.Status != http.StatusOK || !bytes.Equal(got.Body, data) {
						t.Fatalf("file %s after restore: status %d, %d bytes, want %d bytes", id, got.Status, len(got.Body), len(data))
					}
				}
				for _, p := range []string{"/api/v1/approvals/" + w.approval.ID, "/api/v1/meetings/" + w.meeting.ID,
					"/api/v1/users", "/api/v1/departments", "/api/v1/drive/entries/" + w.root + "/children"} {
					sameJSON(t, p, w.Must(http.StatusOK, "GET", p, w.empT, nil).Body, r.Must(http.StatusOK, "GET", p, w.empT, nil).Body)
				}
				// The restored server keeps working: a new upload, and a new
				// approval, whose events row needs the PostgreSQL sequence
				// moved past the restored ids.
				rawUpload(t, r, w.admin, w.root, "after-restore.txt", []byte("new"))
				var next struct{ Number string }
				r.Must(http.StatusCreated, "POST", "/api/v1/approvals", w.empT, map[string]any{"template_id": w.approval.TemplateID,
					"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": "2026-01-19", "end": "2026-01-19"}, "reason": "again"}}).JSON(t, &next)
				if next.Number == w.approval.Number || next.Number == "" {
					t.Fatalf("new approval number %q after restore (the first was %q)", next.Number, w.approval.Number)
				}
			})
		}
	}
}

func startSource(t *testing.T, dialect string) *servertest.Env {
	if dialect == "postgres" {
		return servertest.NewPostgres(t)
	}
	return servertest.New(t)
}

func rawUpload(t *testing.T, e *servertest.Env, tok, parent, name string, data []byte) {
	t.Helper()
	r := rawRequest(t, e, "POST", "/api/v1/drive/files?parent_id="+parent+"&name="+name, tok, data)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, r.Status, r.Body)
	}
}

func readLatest(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "LATEST"))
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(b))
}

func readManifest(t *testing.T, snapDir string) backup.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(snapDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m backup.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// sameDump checks that two snapshots hold the same tables with the same
// rows (in any order) and the same chunk list.
func sameDump(t *testing.T, a, b string) {
	t.Helper()
	ma, mb := readManifest(t, a), readManifest(t, b)
	if !slices.Equal(slices.Sorted(slices.Values(ma.Migrations)), slices.Sorted(slices.Values(mb.Migrations))) {
		t.Fatalf("migrations %v vs %v", ma.Migrations, mb.Migrations)
	}
	if len(ma.Tables) != len(mb.Tables) {
		t.Fatalf("%d tables vs %d", len(ma.Tables), len(mb.Tables))
	}
	for i, ta := range ma.Tables {
		tb := mb.Tables[i]
		if ta.Name != tb.Name || ta.Rows != tb.Rows {
			t.Fatalf("table %s (%d rows) vs %s (%d rows)", ta.Name, ta.Rows, tb.Name, tb.Rows)
		}
		da, _ := os.ReadFile(filepath.Join(a, ta.File))
		db, _ := os.ReadFile(filepath.Join(b, tb.File))
		if la, lb := sortedLines(da), sortedLines(db); !slices.Equal(la, lb) {
			t.Fatalf("table %s differs after restore:\n%q\nvs\n%q", ta.Name, la, lb)
		}
	}
	ca, _ := os.ReadFile(filepath.Join(a, "chunks.txt"))
	cb, _ := os.ReadFile(filepath.Join(b, "chunks.txt"))
	if !bytes.Equal(ca, cb) {
		t.Fatal("chunk lists differ after restore")
	}
}

func sameJSON(t *testing.T, what string, a, b []byte) {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(va, vb) {
		t.Fatalf("%s differs after restore:\n%s\nvs\n%s", what, a, b)
	}
}
