package drive_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// TestPendingUploadsCountAgainstQuota: open uploads reserve their size, so
// uploads that are never committed cannot fill the disk past a space's
// quota; a retry to the same target replaces the earlier upload; a person
// has a bounded number of open uploads; expired ones give their share
// back. Admins set quotas on personal spaces too.
func TestPendingUploadsCountAgainstQuota(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		u, tok := e.NewUser(e.admin, "")
		mine := e.spaces(tok)["personal"]
		// Only admins set quotas, and they may on a personal space.
		wantKey(t, e.Do("PATCH", "/api/v1/drive/spaces/"+mine.ID, tok, map[string]any{"version": mine.Version, "quota_bytes": 1 << 20}), 403, "drive.forbidden")
		wantKey(t, e.Do("GET", "/api/v1/drive/spaces?all=1", tok, nil), 403, "drive.forbidden")
		var all struct{ Items []drive.Space }
		e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces?all=1", e.admin, nil).JSON(t, &all)
		found := false
		for _, s := range all.Items {
			found = found || (s.ID == mine.ID && s.OwnerID == u.ID)
		}
		if !found {
			t.Fatalf("the admin's list lacks the personal space: %+v", all.Items)
		}
		var sp drive.Space
		e.Must(http.StatusOK, "PATCH", "/api/v1/drive/spaces/"+mine.ID, e.admin, map[string]any{"version": mine.Version, "quota_bytes": 1 << 20}).JSON(t, &sp)
		if sp.QuotaBytes != 1<<20 || e.spaces(tok)["personal"].QuotaBytes != 1<<20 {
			t.Fatalf("quota not set: %+v", sp)
		}

		// 21 uploads of 1 MiB into the 1 MiB space: one is accepted.
		accepted := 0
		var first drive.UploadState
		var firstPlan plan
		for i := range 21 {
			p := withParent(planOf(t, randomData(uint64(100+i), 1<<20)), mine.RootID, fmt.Sprintf("f%02d.bin", i))
			r := e.Do("POST", "/api/v1/drive/uploads", tok, p.req)
			switch r.Status {
			case http.StatusCreated:
				accepted++
				r.JSON(t, &first)
				firstPlan = p
			default:
				wantKey(t, r, http.StatusRequestEntityTooLarge, "drive.quota_exceeded")
			}
		}
		if accepted != 1 {
			t.Fatalf("%d uploads of 1 MiB accepted into a 1 MiB space", accepted)
		}
		// Starting it again (a retry) replaces the first one, not adds to it.
		again := e.start(tok, firstPlan)
		wantKey(t, e.Do("GET", "/api/v1/drive/uploads/"+first.ID, tok, nil), 404, "drive.upload_not_found")
		// Chunks sent to the replaced upload still count for the retry.
		for _, h := range again.Missing[:1] {
			if r := e.putChunk(tok, again.ID, firstPlan, h); r.Status != http.StatusNoContent {
				t.Fatalf("put: %d %s", r.Status, r.Body)
			}
		}
		third := e.start(tok, firstPlan)
		if len(third.Missing) != len(again.Missing)-1 {
			t.Fatalf("retry lost the sent chunk: %d missing, had %d", len(third.Missing), len(again.Missing))
		}
		// Expired uploads give their reservation back.
		e.Clock.Advance(25 * time.Hour)
		tok = e.Login(u.Email, servertest.TestPassword)
		if _, err := e.Server.Drive.Maintain(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.start(tok, withParent(planOf(t, randomData(200, 1<<20)), mine.RootID, "later.bin"))

		// At most MaxOpenUploads open uploads per person.
		proj := e.spaces(e.admin)["company"]
		maxOpen := e.Server.Drive.Config().MaxOpenUploads
		var r servertest.Response
		for i := 0; i <= maxOpen; i++ {
			p := withParent(planOf(t, []byte(fmt.Sprint("tiny ", i))), proj.RootID, fmt.Sprintf("t%03d.txt", i))
			if r = e.Do("POST", "/api/v1/drive/uploads", e.admin, p.req); r.Status != http.StatusCreated {
				break
			}
		}
		wantKey(t, r, http.StatusTooManyRequests, "drive.too_many_uploads")
	})
}
