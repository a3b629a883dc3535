package backup_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/approval"
	"tack/backend/backup"
	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/meeting"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// world is a running server with some of everything in it.
type world struct {
	*servertest.Env
	t        *testing.T
	admin    string
	emp      org.User
	empT     string
	approval approval.Instance
	meeting  meeting.Meeting
	root     string            // company space root folder
	files    map[string][]byte // entry id → content
}

func seed(t *testing.T, e *servertest.Env) *world {
	t.Helper()
	w := &world{Env: e, t: t, files: map[string][]byte{}}
	w.admin, _ = e.Setup()
	head, _ := e.NewUser(w.admin, "")
	dept := e.NewDepartment(w.admin, "销售部", "", &head.ID)
	sub := e.NewDepartment(w.admin, "华东区", dept.ID, nil) // a child: departments reference departments
	w.emp, w.empT = e.NewUser(w.admin, sub.ID)

	var tpl struct{ Items []approval.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/approval/templates", w.empT, nil).JSON(t, &tpl)
	leave := ""
	for _, tp := range tpl.Items {
		if tp.BuiltinKey == "leave" {
			leave = tp.ID
		}
	}
	e.Must(http.StatusCreated, "POST", "/api/v1/approvals", w.empT, map[string]any{"template_id": leave,
		"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": "2026-01-12", "end": "2026-01-13"}, "reason": "家里有事"}}).JSON(t, &w.approval)

	var room meeting.Room
	e.Must(http.StatusCreated, "POST", "/api/v1/rooms", w.admin, map[string]any{"name": "松", "capacity": 8, "location": "3F"}).JSON(t, &room)
	var saved meeting.SaveResult
	e.Must(http.StatusCreated, "POST", "/api/v1/meetings", w.admin, map[string]any{"title": "周会", "start": "2026-01-07T10:00",
		"end": "2026-01-07T11:00", "time_zone": "Asia/Shanghai", "room_id": room.ID, "attendee_ids": []string{w.emp.ID}}).JSON(t, &saved)
	w.meeting = saved.Meeting

	var spaces struct{ Items []drive.Space }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", w.admin, nil).JSON(t, &spaces)
	for _, s := range spaces.Items {
		if s.Kind == drive.SpaceCompany {
			w.root = s.RootID
		}
	}
	if w.root == "" {
		t.Fatal("no company space")
	}
	w.put("规章制度.txt", []byte("重要文件定期备份到独立存储。\n"))
	w.put("big.bin", randomData(1, 3<<20)) // several chunks
	w.put("empty.txt", nil)
	return w
}

// put uploads a file into the company space root and remembers its content.
func (w *world) put(name string, data []byte) drive.Entry {
	w.t.Helper()
	q := url.Values{"parent_id": {w.root}, "name": {name}}
	r := w.raw("POST", "/api/v1/drive/files?"+q.Encode(), w.admin, data)
	if r.Status != http.StatusCreated {
		w.t.Fatalf("upload %s: %d %s", name, r.Status, r.Body)
	}
	var f drive.Entry
	r.JSON(w.t, &f)
	w.files[f.ID] = data
	return f
}

// purge deletes a file for good (trash, then purge from the trash).
func (w *world) purge(f drive.Entry) {
	w.t.Helper()
	id := f.ID
	if r := w.Do("DELETE", "/api/v1/drive/entries/"+id+"?version="+strconv.FormatInt(f.Version, 10), w.admin, nil); r.Status >= 300 {
		w.t.Fatalf("trash: %d %s", r.Status, r.Body)
	}
	if r := w.Do("DELETE", "/api/v1/drive/trash/"+id, w.admin, nil); r.Status >= 300 {
		w.t.Fatalf("purge: %d %s", r.Status, r.Body)
	}
	delete(w.files, id)
}

func (w *world) raw(method, path, tok string, body []byte) servertest.Response {
	return rawRequest(w.t, w.Env, method, path, tok, body)
}

func rawRequest(t *testing.T, e *servertest.Env, method, path, tok string, body []byte) servertest.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.HTTP.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return servertest.Response{Status: resp.StatusCode, Body: b.Bytes(), Header: resp.Header}
}

// source is the world's data set as Backup sees it.
func (w *world) source() backup.Source { return sourceOf(w.t, w.Server.DB, w.Server.Config.DataDir) }

func sourceOf(t *testing.T, db *gorm.DB, dataDir string) backup.Source {
	t.Helper()
	blobs, err := blobstore.Open(filepath.Join(dataDir, "drive"))
	if err != nil {
		t.Fatal(err)
	}
	return backup.Source{DB: db, Blobs: blobs}
}

// clock hands out times one minute apart, so every snapshot gets its own name.
type stepClock struct{ n atomic.Int64 }

func (c *stepClock) now() time.Time {
	return time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC).Add(time.Duration(c.n.Add(1)) * time.Minute)
}

// opts returns backup options writing to dir with a stepping clock.
func opts(dir string, clk *stepClock) backup.Options {
	return backup.Options{To: dir, TackVersion: "test", Now: clk.now}
}

// target is an empty data dir (and database) to restore into.
type target struct {
	dataDir string
	dsn     string
	src     backup.Source
}

func newTarget(t *testing.T, postgres bool) target {
	t.Helper()
	tg := target{dataDir: t.TempDir()}
	if postgres {
		tg.dsn = storetest.PostgresDSN(t)
	}
	db, err := store.Open(context.Background(), store.Config{DSN: tg.dsn, DataDir: tg.dataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	tg.src = sourceOf(t, db, tg.dataDir)
	return tg
}

// serve starts a server on the restored target.
func (tg target) serve(t *testing.T) *servertest.Env {
	t.Helper()
	return servertest.Start(t, server.Config{DataDir: tg.dataDir, DSN: tg.dsn})
}

// randomData is deterministic pseudo-random content.
func randomData(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// sortedLines returns a file's lines sorted (a dump's row order is the
// database's business).
func sortedLines(b []byte) []string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	sort.Strings(lines)
	return lines
}

// flip inverts one byte in the middle of a file.
func flip(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		t.Fatalf("%s is empty", path)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func hasProblem(rep *backup.VerifyReport, substr string) bool {
	for _, p := range rep.Problems {
		if strings.Contains(p, substr) {
			return true
		}
	}
	return false
}

// assertNoHolds checks that no drive GC hold is left behind.
func assertNoHolds(t *testing.T, e *servertest.Env) {
	t.Helper()
	var n int64
	if err := e.Server.DB.Table("drive_gc_holds").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("%d GC holds left (%v)", n, err)
	}
}

// dsnLike returns a fresh database of the same kind as e's: a new
// PostgreSQL schema, or "" (SQLite in the data dir).
func dsnLike(t *testing.T, e *servertest.Env) string {
	if e.Server.Config.DSN == "" {
		return ""
	}
	return storetest.PostgresDSN(t)
}

func blobHash(s string) string { return blobstore.HashOf([]byte(s)) }

func tablesQuery(postgres bool) string {
	if postgres {
		return "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	return "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
}
