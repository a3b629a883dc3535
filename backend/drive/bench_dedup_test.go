//go:build bench

package drive_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// TestDriveBenchDedupStart times what deduplicated uploads cost the server
// (DRIVE_BENCH_DEDUP_CHUNKS chunks of 4 KiB, default 2000; medians of 30):
// a new version of a file whose current version holds every chunk (the
// sync agent after an edit: nothing to send), announced then committed;
// and the same content announced as a new file elsewhere (a copy: nothing
// to send). Since the "present" answer is per caller (content_access.go),
// readability is checked at the start and again at the commit.
func TestDriveBenchDedupStart(t *testing.T) {
	se := servertest.New(t)
	e := newEnv(t, se)
	root, db := e.spaces(e.admin)["company"].RootID, dbName(se.Server)
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("DRIVE_BENCH_DEDUP_CHUNKS")); err == nil && v > 0 {
		n = v
	}
	data := randomData(42, n*4096)
	var p plan
	p.data = data
	for i := 0; i < n; i++ {
		sum := sha256.Sum256(data[i*4096 : (i+1)*4096])
		p.req.Chunks = append(p.req.Chunks, drive.UploadChunk{Hash: hex.EncodeToString(sum[:]), Size: 4096})
	}
	whole := sha256.Sum256(data)
	p.req.Size, p.req.Hash = int64(len(data)), hex.EncodeToString(whole[:])
	first := e.start(e.admin, withParent(p, root, "orig.bin"))
	for i, h := range first.Missing {
		if r := e.raw("PUT", "/api/v1/drive/uploads/"+first.ID+"/chunks/"+h, e.admin, data[i*4096:(i+1)*4096], nil); r.Status != http.StatusNoContent {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
	}
	var f drive.Entry
	e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+first.ID+"/commit", e.admin, nil).JSON(t, &f)
	med := func(d []time.Duration) string {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return fmt.Sprintf("%.1f ms", float64(d[len(d)/2].Microseconds())/1000)
	}
	var starts, commits, copies []time.Duration
	for i := 0; i < 30; i++ {
		v := p
		v.req.EntryID, v.req.BaseVersion = f.ID, f.Version
		t0 := time.Now()
		st := e.start(e.admin, v)
		t1 := time.Now()
		if len(st.Missing) != 0 {
			t.Fatalf("%d missing", len(st.Missing))
		}
		e.Must(http.StatusOK, "POST", "/api/v1/drive/uploads/"+st.ID+"/commit", e.admin, nil).JSON(t, &f)
		starts, commits = append(starts, t1.Sub(t0)), append(commits, time.Since(t1))
	}
	for i := 0; i < 30; i++ {
		t0 := time.Now()
		st := e.start(e.admin, withParent(p, root, fmt.Sprintf("copy%d.bin", i)))
		copies = append(copies, time.Since(t0))
		if len(st.Missing) != 0 {
			t.Fatalf("%d missing", len(st.Missing))
		}
	}
	row(fmt.Sprintf("announce a new version of a %d-chunk file, every chunk in its current version (0 missing; median of 30; %s)", n, db), med(starts))
	row(fmt.Sprintf("commit it without sending a byte (re-check + re-read %d KiB; median of 30; %s)", n*4, db), med(commits))
	row(fmt.Sprintf("announce the same %d chunks as a new file elsewhere (a copy: 0 missing; median of 30; %s)", n, db), med(copies))
}
