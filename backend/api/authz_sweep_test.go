package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tack/backend/server/servertest"
)

// routePattern matches a route registration in the handler files.
var routePattern = regexp.MustCompile(`mux\.HandleFunc\("([A-Z]+ /api/v1/[^"]*)"`)

// registeredRoutes reads the route patterns from the api package's source,
// so a route added later is seen without the router exporting anything.
func registeredRoutes(t *testing.T) []string {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range routePattern.FindAllSubmatch(b, -1) {
			out = append(out, string(m[1]))
		}
	}
	if len(out) < 50 {
		t.Fatalf("found only %d routes: has the registration syntax changed?", len(out))
	}
	return out
}

// errorShape checks the error body of a refusal (docs/ARCHITECTURE.md, Errors).
func errorShape(status int, body []byte) bool {
	var b struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil || b.Error.Message == "" {
		return false
	}
	return status == http.StatusForbidden && b.Error.Code == "forbidden" || status == http.StatusNotFound && b.Error.Code == "not_found"
}

// TestAuthzSweep is the authorization sweep: bob, a member of department B,
// calls every route that names one of alice's objects (or an admin's) by ID,
// and every admin-only route (the table in authz_cases_test.go), and must be
// refused without anything changing; then his lists must not show alice's
// private objects (authz_lists_test.go). The company is authz_world_test.go.
func TestAuthzSweep(t *testing.T) {
	t.Parallel()
	cases := sweepCases()
	// Every route that takes an ID (or a date, a file...) must be in the
	// table: a new one fails here until someone decides who may call it.
	listed := map[string]bool{}
	for _, c := range cases {
		listed[c.route] = true
		if c.want >= 200 && c.want < 300 && c.why == "" {
			t.Errorf("%s answers bob %d: say why that is allowed", c.route, c.want)
		}
	}
	for _, r := range registeredRoutes(t) {
		if strings.Contains(r, "{") && !listed[r] {
			t.Errorf("route %q is not in the authorization sweep: add it to sweepCases", r)
		}
		delete(listed, r)
	}
	for r := range listed {
		t.Errorf("sweep lists %q, which is not registered", r)
	}
	if t.Failed() {
		return
	}

	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newAuthzWorld(t, e)
		before := w.snapshot(t)
		for _, c := range cases {
			path := c.path(w)
			r := e.Do(strings.Fields(c.route)[0], path, w.bobT, w.fill(c.body))
			switch {
			case c.want == badRef && r.Status == http.StatusBadRequest:
				if code, _, fields := r.ErrorCode(); code != "invalid" || len(fields) == 0 {
					t.Errorf("%s %s: error body %s", c.route, path, r.Body)
				}
			case (c.want == hidden || c.want == badRef) && (r.Status == http.StatusForbidden || r.Status == http.StatusNotFound),
				c.want == refused && r.Status == http.StatusForbidden:
				if !errorShape(r.Status, r.Body) {
					t.Errorf("%s %s: error body %s", c.route, path, r.Body)
				}
			case c.want >= 200 && c.want < 300 && r.Status == c.want:
				// allowed by design (c.why)
			default:
				t.Errorf("%s %s as bob: %d %s, want %s", c.route, path, r.Status, r.Body, wantText(c.want))
			}
		}
		w.batchAsBob(t)
		after := w.snapshot(t)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("bob's calls changed %s:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}
		w.checkBobsLists(t)
		w.checkBobsReportLists(t)
	})
}

func wantText(want int) string {
	switch want {
	case hidden:
		return "403 or 404"
	case refused:
		return "403"
	case badRef:
		return "400 with field errors, 403 or 404"
	}
	return http.StatusText(want)
}

// snapshot reads, as their owners, everything bob's calls could have changed.
func (w *authzWorld) snapshot(t *testing.T) map[string]string {
	reads := map[string]string{ // path → token
		"/api/v1/approvals/" + w.approval.ID:                           w.aliceT,
		"/api/v1/approval/templates/" + w.leaveTpl:                     w.admin,
		"/api/v1/approval/calendar":                                    w.admin,
		"/api/v1/workcal":                                              w.admin,
		"/api/v1/drive/spaces/" + w.personal.ID:                        w.aliceT,
		"/api/v1/drive/spaces/" + w.deptSpace.ID:                       w.aliceT,
		"/api/v1/drive/spaces/" + w.project.ID:                         w.aliceT,
		"/api/v1/drive/entries/" + w.folder.ID + "/children":           w.aliceT,
		"/api/v1/drive/entries/" + w.deptFolder.ID + "/children":       w.aliceT,
		"/api/v1/drive/entries/" + w.folder.ID + "/permissions":        w.aliceT,
		"/api/v1/drive/files/" + w.file.ID + "/versions":               w.aliceT,
		"/api/v1/drive/files/" + w.file.ID + "/content":                w.aliceT,
		"/api/v1/drive/entries/" + w.sharedWithBob.ID + "/permissions": w.aliceT,
		"/api/v1/drive/files/" + w.sharedWithBob.ID + "/content":       w.aliceT,
		"/api/v1/drive/uploads/" + w.upload:                            w.aliceT,
		"/api/v1/drive/trash?space_id=" + w.personal.ID:                w.aliceT,
		"/api/v1/meetings/" + w.meeting.ID:                             w.aliceT,
		"/api/v1/meetings/" + w.meeting.ID + "/minutes":                w.aliceT,
		"/api/v1/tasks?mine=1":                                         w.aliceT,
		"/api/v1/ding/" + w.ding:                                       w.aliceT,
		"/api/v1/notifications":                                        w.aliceT,
		"/api/v1/announcements/" + w.announcement + "/receipts":        w.admin,
		"/api/v1/calendar/" + w.feedToken + ".ics":                     "",
		"/api/v1/rooms":                    w.admin,
		"/api/v1/departments":              w.admin,
		"/api/v1/users?include_inactive=1": w.admin,
		"/api/v1/roles":                    w.admin,
		"/api/v1/settings/email":           w.admin,
		"/api/v1/settings/security":        w.admin,
	}
	w.reportSnapshot(reads)
	w.chatSnapshot(reads)
	for path, tok := range w.attendanceSnapshot() {
		reads[path] = tok
	}
	out := map[string]string{}
	for path, tok := range reads {
		out[path] = string(w.e.Must(http.StatusOK, "GET", path, tok, nil).Body)
	}
	return out
}
