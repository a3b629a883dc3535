package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

// The authorization sweep: bob, a member of department B, calls every route
// that names one of alice's objects (or an admin's) by ID, and every
// admin-only route, and must be refused without anything changing; then his
// lists must not show alice's private objects.

// Expected answers of a sweep case.
const (
	hidden  = 0                    // 403 or 404: refused, or not even told it exists
	refused = http.StatusForbidden // admin-only: he knows the thing exists, he may not do this
	// badRef: an ID of alice's named in a body is a field error (400, "not
	// found" or "invalid": it does not say the thing exists), or 403/404.
	badRef = -1
)

type sweepCase struct {
	route string                     // the mux pattern exactly as registered
	path  func(w *authzWorld) string // the request path
	body  any
	want  int    // hidden, refused, or a 2xx allowed by design
	why   string // why an allowed answer is allowed
}

func p(format string, ids ...func(w *authzWorld) string) func(w *authzWorld) string {
	return func(w *authzWorld) string {
		s := format
		for _, id := range ids {
			s = strings.Replace(s, "%", id(w), 1)
		}
		return s
	}
}

var (
	approvalID      = func(w *authzWorld) string { return w.approval.ID }
	templateID      = func(w *authzWorld) string { return w.leaveTpl }
	attachment      = func(w *authzWorld) string { return w.attachment }
	upload1         = func(w *authzWorld) string { return w.upload1 }
	minutesDoc      = func(w *authzWorld) string { return w.minutesDoc }
	adminMinutesDoc = func(w *authzWorld) string { return w.adminMinutesDoc }
	adminMeetingID  = func(w *authzWorld) string { return w.adminMeeting }
	personalID      = func(w *authzWorld) string { return w.personal.ID }
	projectID       = func(w *authzWorld) string { return w.project.ID }
	projectRoot     = func(w *authzWorld) string { return w.project.RootID }
	deptSpaceID     = func(w *authzWorld) string { return w.deptSpace.ID }
	folderID        = func(w *authzWorld) string { return w.folder.ID }
	fileID          = func(w *authzWorld) string { return w.file.ID }
	deptFileID      = func(w *authzWorld) string { return w.deptFile.ID }
	deptFolderID    = func(w *authzWorld) string { return w.deptFolder.ID }
	trashedID       = func(w *authzWorld) string { return w.trashed.ID }
	grantID         = func(w *authzWorld) string { return w.grant }
	versionID       = func(w *authzWorld) string { return w.oldVersion }
	uploadID        = func(w *authzWorld) string { return w.upload }
	chunkHash       = func(w *authzWorld) string { return w.chunk }
	meetingID       = func(w *authzWorld) string { return w.meeting.ID }
	taskID          = func(w *authzWorld) string { return w.task }
	roomID          = func(w *authzWorld) string { return w.roomID }
	dingID          = func(w *authzWorld) string { return w.ding }
	notifID         = func(w *authzWorld) string { return w.notification }
	annID           = func(w *authzWorld) string { return w.announcement }
	deptAID         = func(w *authzWorld) string { return w.deptA.ID }
	aliceID         = func(w *authzWorld) string { return w.alice.ID }
	carolID         = func(w *authzWorld) string { return w.carol.ID }
	bobID           = func(w *authzWorld) string { return w.bob.ID }
	roleID          = func(w *authzWorld) string { return w.roleID }
)

func sweepCases() []sweepCase {
	leave := map[string]any{"leave_type": "annual", "period": map[string]any{"start": "2026-01-19", "end": "2026-01-19"}, "reason": "x"}
	cases := []sweepCase{
		// Approvals: alice's leave is for her, her head, HR and admins only.
		{route: "GET /api/v1/approvals/{id}", path: p("/api/v1/approvals/%", approvalID), want: hidden},
		{route: "GET /api/v1/approvals/{id}/attachments/{file}", path: p("/api/v1/approvals/%/attachments/%", approvalID, attachment), want: hidden},
		// Templates are readable by every member: it is how they start one.
		{route: "GET /api/v1/approval/templates/{id}", path: p("/api/v1/approval/templates/%", templateID), want: 200,
			why: "every member may read a template to fill it in"},
		{route: "POST /api/v1/approval/templates/{id}/preview", path: p("/api/v1/approval/templates/%/preview", templateID),
			body: map[string]any{"form": leave}, want: 200, why: "the preview routes bob's own form, not anyone else's"},
		{route: "PATCH /api/v1/approval/templates/{id}", path: p("/api/v1/approval/templates/%", templateID),
			body: map[string]any{"name_zh": "请假", "version": 1}, want: refused},
		{route: "DELETE /api/v1/approval/templates/{id}", path: p("/api/v1/approval/templates/%", templateID), want: refused},
		{route: "PUT /api/v1/approval/calendar/{date}", path: p("/api/v1/approval/calendar/2026-01-20"), body: map[string]any{"working": false}, want: refused},
		{route: "POST /api/v1/approval/calendar/{date}", path: p("/api/v1/approval/calendar/2026-01-20"), body: map[string]any{"working": false}, want: refused},
		{route: "DELETE /api/v1/approval/calendar/{date}", path: p("/api/v1/approval/calendar/2026-01-20"), want: refused},

		// Drive: alice's personal space and department A's space.
		{route: "GET /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", personalID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", deptSpaceID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", projectID), want: hidden},
		{route: "PATCH /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", projectID), body: map[string]any{"name": "Bob's project", "version": 1}, want: hidden},
		{route: "GET /api/v1/drive/entries/{id}/children", path: p("/api/v1/drive/entries/%/children", projectRoot), want: hidden},
		{route: "PATCH /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", deptSpaceID), body: map[string]any{"name": "B's now", "version": 1}, want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}/changes", path: p("/api/v1/drive/spaces/%/changes", personalID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}/changes", path: p("/api/v1/drive/spaces/%/changes", deptSpaceID), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", fileID), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", deptFileID), want: hidden},
		{route: "PATCH /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", fileID), body: map[string]any{"name": "mine.txt", "version": 2}, want: hidden},
		{route: "PATCH /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", deptFileID), body: map[string]any{"name": "mine.txt", "version": 1}, want: hidden},
		{route: "DELETE /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%?version=2", fileID), want: hidden},
		{route: "DELETE /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%?version=1", deptFileID), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}/children", path: p("/api/v1/drive/entries/%/children", folderID), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}/path", path: p("/api/v1/drive/entries/%/path", fileID), want: hidden},
		{route: "POST /api/v1/drive/entries/{id}/copy", path: p("/api/v1/drive/entries/%/copy", fileID), body: map[string]any{"parent_id": "{bob}"}, want: hidden},
		{route: "POST /api/v1/drive/entries/{id}/copy", path: p("/api/v1/drive/entries/%/copy", deptFileID), body: map[string]any{"parent_id": "{bob}"}, want: hidden},
		{route: "POST /api/v1/drive/entries/{id}/restore", path: p("/api/v1/drive/entries/%/restore", trashedID), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}/permissions", path: p("/api/v1/drive/entries/%/permissions", folderID), want: hidden},
		{route: "POST /api/v1/drive/entries/{id}/permissions", path: p("/api/v1/drive/entries/%/permissions", folderID),
			body: map[string]any{"principal_type": "user", "principal_id": "{bobID}", "role": "editor"}, want: hidden},
		{route: "DELETE /api/v1/drive/entries/{id}/permissions/{pid}", path: p("/api/v1/drive/entries/%/permissions/%", folderID, grantID), want: hidden},
		{route: "GET /api/v1/drive/files/{id}/content", path: p("/api/v1/drive/files/%/content", fileID), want: hidden},
		{route: "GET /api/v1/drive/files/{id}/content", path: p("/api/v1/drive/files/%/content", deptFileID), want: hidden},
		// The approvals archive and the published minutes live in the drive too.
		{route: "GET /api/v1/drive/files/{id}/content", path: p("/api/v1/drive/files/%/content", attachment), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", attachment), want: hidden},
		{route: "GET /api/v1/drive/files/{id}/content", path: p("/api/v1/drive/files/%/content", upload1), want: hidden},
		{route: "GET /api/v1/drive/files/{id}/content", path: p("/api/v1/drive/files/%/content", minutesDoc), want: hidden},
		{route: "GET /api/v1/drive/entries/{id}/path", path: p("/api/v1/drive/entries/%/path", minutesDoc), want: hidden},
		{route: "GET /api/v1/drive/files/{id}/content", path: p("/api/v1/drive/files/%/content", adminMinutesDoc), want: hidden},
		{route: "GET /api/v1/meetings/{id}/minutes", path: p("/api/v1/meetings/%/minutes", adminMeetingID), want: hidden},
		{route: "GET /api/v1/drive/files/{id}/versions", path: p("/api/v1/drive/files/%/versions", fileID), want: hidden},
		{route: "POST /api/v1/drive/files/{id}/versions/{vid}/restore", path: p("/api/v1/drive/files/%/versions/%/restore", fileID, versionID),
			body: map[string]any{"version": 2}, want: hidden},
		{route: "GET /api/v1/drive/uploads/{id}", path: p("/api/v1/drive/uploads/%", uploadID), want: hidden},
		{route: "PUT /api/v1/drive/uploads/{id}/chunks/{hash}", path: p("/api/v1/drive/uploads/%/chunks/%", uploadID, chunkHash),
			body: "an upload alice has not finished", want: hidden},
		{route: "POST /api/v1/drive/uploads/{id}/commit", path: p("/api/v1/drive/uploads/%/commit", uploadID), want: hidden},
		{route: "DELETE /api/v1/drive/trash/{id}", path: p("/api/v1/drive/trash/%", trashedID), want: hidden},

		// Meetings: alice's 1:1 with her head; bob is neither organizer nor attendee.
		{route: "GET /api/v1/meetings/{id}", path: p("/api/v1/meetings/%", meetingID), want: hidden},
		{route: "GET /api/v1/meetings/{id}", path: p("/api/v1/meetings/%.ics", meetingID), want: hidden},
		{route: "PATCH /api/v1/meetings/{id}", path: p("/api/v1/meetings/%", meetingID), body: map[string]any{"title": "taken over",
			"start": "2026-01-06T10:00", "end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai", "version": 1}, want: hidden},
		{route: "DELETE /api/v1/meetings/{id}", path: p("/api/v1/meetings/%?version=1", meetingID), want: hidden},
		{route: "POST /api/v1/meetings/{id}/occurrences", path: p("/api/v1/meetings/%/occurrences", meetingID),
			body: map[string]any{"original_start": "2026-01-06T02:00:00Z", "cancelled": true}, want: hidden},
		{route: "POST /api/v1/meetings/{id}/rsvp", path: p("/api/v1/meetings/%/rsvp", meetingID), body: map[string]any{"response": "accepted"}, want: hidden},
		{route: "GET /api/v1/meetings/{id}/minutes", path: p("/api/v1/meetings/%/minutes", meetingID), want: hidden},
		{route: "PUT /api/v1/meetings/{id}/minutes", path: p("/api/v1/meetings/%/minutes", meetingID), body: map[string]any{"discussion": "no", "version": 2}, want: hidden},
		{route: "POST /api/v1/meetings/{id}/minutes/publish", path: p("/api/v1/meetings/%/minutes/publish", meetingID), body: map[string]any{"version": 2}, want: hidden},
		{route: "PATCH /api/v1/tasks/{id}", path: p("/api/v1/tasks/%", taskID), body: map[string]any{"status": "done", "version": 1}, want: hidden},
		// The feed has no session: its token is the credential, so a guess gets nothing.
		{route: "GET /api/v1/calendar/{file}", path: p("/api/v1/calendar/guessed-token.ics"), want: hidden},
		{route: "GET /api/v1/rooms/{id}", path: p("/api/v1/rooms/%", roomID), want: 200, why: "every member books rooms"},
		{route: "PATCH /api/v1/rooms/{id}", path: p("/api/v1/rooms/%", roomID), body: map[string]any{"name": "Pine", "capacity": 60, "version": 1}, want: refused},
		{route: "DELETE /api/v1/rooms/{id}", path: p("/api/v1/rooms/%", roomID), want: refused},

		// Notifications, DINGs, announcements.
		{route: "POST /api/v1/notifications/{id}/read", path: p("/api/v1/notifications/%/read", notifID), want: hidden},
		{route: "GET /api/v1/ding/{id}", path: p("/api/v1/ding/%", dingID), want: hidden},
		{route: "POST /api/v1/ding/{id}/ack", path: p("/api/v1/ding/%/ack", dingID), want: hidden},
		{route: "GET /api/v1/announcements/{id}", path: p("/api/v1/announcements/%", annID), want: hidden},
		{route: "POST /api/v1/announcements/{id}/read", path: p("/api/v1/announcements/%/read", annID), want: hidden},
		{route: "POST /api/v1/announcements/{id}/ack", path: p("/api/v1/announcements/%/ack", annID), want: hidden},
		{route: "GET /api/v1/announcements/{id}/receipts", path: p("/api/v1/announcements/%/receipts", annID), want: hidden},
		{route: "POST /api/v1/announcements/{id}/remind", path: p("/api/v1/announcements/%/remind", annID), want: hidden},

		// The directory: colleagues and the org chart are visible to all members by design.
		{route: "GET /api/v1/departments/{id}", path: p("/api/v1/departments/%", deptAID), want: 200, why: "the org chart is visible to all members"},
		{route: "PATCH /api/v1/departments/{id}", path: p("/api/v1/departments/%", deptAID), body: map[string]any{"name": "B2", "version": 1}, want: refused},
		{route: "DELETE /api/v1/departments/{id}", path: p("/api/v1/departments/%", deptAID), want: refused},
		{route: "GET /api/v1/users/{id}", path: p("/api/v1/users/%", aliceID), want: 200, why: "the directory of colleagues is visible to all members"},
		{route: "GET /api/v1/users/{id}", path: p("/api/v1/users/%", carolID), want: 200,
			why: "a former colleague's name still labels her approvals, files and minutes"},
		{route: "PATCH /api/v1/users/{id}", path: p("/api/v1/users/%", aliceID), body: map[string]any{"title": "CEO", "version": 1}, want: refused},
		// Bob edits his own phone and locale, never his roles or department
		// (joining A would open its drive to him).
		{route: "PATCH /api/v1/users/{id}", path: p("/api/v1/users/%", bobID), body: map[string]any{"roles": []string{"admin"}, "version": 1}, want: refused},
		{route: "PATCH /api/v1/users/{id}", path: p("/api/v1/users/%", bobID), body: map[string]any{"department_id": "{deptA}", "version": 1}, want: refused},
		{route: "POST /api/v1/users/{id}/deactivate", path: p("/api/v1/users/%/deactivate", aliceID), want: refused},
		{route: "POST /api/v1/users/{id}/reactivate", path: p("/api/v1/users/%/reactivate", carolID), want: refused},
		{route: "POST /api/v1/users/{id}/reset-password", path: p("/api/v1/users/%/reset-password", aliceID), want: refused},
		{route: "PATCH /api/v1/roles/{id}", path: p("/api/v1/roles/%", roleID), body: map[string]any{"name": "Boss"}, want: refused},
		{route: "DELETE /api/v1/roles/{id}", path: p("/api/v1/roles/%", roleID), want: refused},

		// Routes on bob's own things: he may call them; the snapshot proves
		// alice's notifications and calendar feed are untouched.
		{route: "POST /api/v1/notifications/read-all", path: p("/api/v1/notifications/read-all"), want: 200, why: "marks bob's own notifications"},
		{route: "POST /api/v1/calendar/token", path: p("/api/v1/calendar/token"), want: 200, why: "bob's own feed"},
		{route: "DELETE /api/v1/calendar/token", path: p("/api/v1/calendar/token"), want: 204, why: "revokes bob's own feed"},

		// Admin-only routes without an ID.
		{route: "POST /api/v1/approval/templates", path: p("/api/v1/approval/templates"), body: map[string]any{"name_zh": "x", "name_en": "x"}, want: refused},
		{route: "PUT /api/v1/approval/calendar/settings", path: p("/api/v1/approval/calendar/settings"),
			body: map[string]any{"work_days": []int{1}, "work_start": "09:00", "work_end": "10:00"}, want: refused},
		{route: "POST /api/v1/approval/calendar/range", path: p("/api/v1/approval/calendar/range"),
			body: map[string]any{"start": "2026-02-01", "end": "2026-02-02", "working": false}, want: refused},
		{route: "POST /api/v1/rooms", path: p("/api/v1/rooms"), body: map[string]any{"name": "Oak", "capacity": 4}, want: refused},
		{route: "POST /api/v1/departments", path: p("/api/v1/departments"), body: map[string]any{"name": "C", "parent_id": "{deptB}"}, want: refused},
		{route: "POST /api/v1/users", path: p("/api/v1/users"), body: map[string]any{"email": "mallory@test.tack", "name": "Mallory",
			"department_id": "{deptB}", "title": "x", "phone": "13900000999", "roles": []string{"admin"}, "password": "password123"}, want: refused},
		{route: "POST /api/v1/roles", path: p("/api/v1/roles"), body: map[string]any{"id": "boss", "name": "Boss"}, want: refused},
		{route: "GET /api/v1/audit", path: p("/api/v1/audit"), want: refused},
		{route: "GET /api/v1/settings/email", path: p("/api/v1/settings/email"), want: refused},
		{route: "PUT /api/v1/settings/email", path: p("/api/v1/settings/email"), body: map[string]any{"enabled": true, "host": "evil.test", "port": 25}, want: refused},
		{route: "POST /api/v1/settings/email/test", path: p("/api/v1/settings/email/test"), body: map[string]any{"host": "evil.test", "port": 25}, want: refused},
	}
	cases = append(cases, smuggledIDCases()...)
	// Every action on alice's approval: bob holds no task on it.
	for _, action := range []string{"approve", "reject", "transfer", "add-approver", "return", "withdraw", "remind", "comment"} {
		cases = append(cases, sweepCase{route: "POST /api/v1/approvals/{id}/{action}", path: p("/api/v1/approvals/%/"+action, approvalID),
			body: map[string]any{"comment": "ok", "user_id": "{bobID}", "node_index": 0}, want: hidden})
	}
	return cases
}

// smuggledIDCases name alice's objects in the body or query of a request
// on bob's own things (or on a route without an ID).
func smuggledIDCases() []sweepCase {
	bobFileID := func(w *authzWorld) string { return w.bobFile.ID }
	bobApprovalID := func(w *authzWorld) string { return w.bobApproval.ID }
	return []sweepCase{
		{route: "POST /api/v1/drive/folders", path: p("/api/v1/drive/folders"), body: map[string]any{"parent_id": "{aliceFolder}", "name": "bob was here"}, want: hidden},
		{route: "POST /api/v1/drive/files", path: p("/api/v1/drive/files?name=x.txt&parent_id=%", folderID), body: "bob was here", want: hidden},
		{route: "POST /api/v1/drive/files", path: p("/api/v1/drive/files?name=x.txt&parent_id=%", deptFolderID), body: "bob was here", want: hidden},
		{route: "POST /api/v1/drive/files", path: p("/api/v1/drive/files?base_version=2&entry_id=%", fileID), body: "bob was here", want: hidden},
		{route: "POST /api/v1/drive/uploads", path: p("/api/v1/drive/uploads"), body: map[string]any{"entry_id": "{aliceFile}", "base_version": 2,
			"size": 0, "hash": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "chunks": []any{}}, want: hidden},
		{route: "POST /api/v1/drive/uploads", path: p("/api/v1/drive/uploads"), body: map[string]any{"parent_id": "{aliceFolder}", "name": "x.txt",
			"size": 0, "hash": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "chunks": []any{}}, want: hidden},
		{route: "POST /api/v1/drive/entries/{id}/copy", path: p("/api/v1/drive/entries/%/copy", bobFileID), body: map[string]any{"parent_id": "{aliceFolder}"}, want: hidden},
		{route: "PATCH /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", bobFileID), body: map[string]any{"parent_id": "{aliceFolder}", "version": 1}, want: hidden},
		// An ID of bob's own entry with alice's grant or version must not reach hers.
		{route: "DELETE /api/v1/drive/entries/{id}/permissions/{pid}", path: p("/api/v1/drive/entries/%/permissions/%", bobFileID, grantID), want: hidden},
		{route: "POST /api/v1/drive/files/{id}/versions/{vid}/restore", path: p("/api/v1/drive/files/%/versions/%/restore", bobFileID, versionID),
			body: map[string]any{"version": 1}, want: hidden},
		{route: "PATCH /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", fileID), body: map[string]any{"parent_id": "{bob}", "version": 2}, want: hidden},
		{route: "POST /api/v1/drive/entries/{id}/copy", path: p("/api/v1/drive/entries/%/copy", bobFileID), body: map[string]any{"parent_id": "{aliceDeptFolder}"}, want: hidden},
		{route: "GET /api/v1/drive/trash", path: p("/api/v1/drive/trash?space_id=%", personalID), want: hidden},
		{route: "GET /api/v1/drive/search", path: p("/api/v1/drive/search?q=salary&space_id=%", personalID), want: hidden},
		// Attaching a file he cannot read to his own leave must not give him a copy.
		{route: "POST /api/v1/approvals/{id}/{action}", path: p("/api/v1/approvals/%/comment", bobApprovalID),
			body: map[string]any{"comment": "mine now", "attachments": []string{"{aliceFile}"}}, want: badRef},
		{route: "POST /api/v1/approvals/{id}/{action}", path: p("/api/v1/approvals/%/comment", bobApprovalID),
			body: map[string]any{"comment": "mine now", "attachments": []string{"{aliceUpload}"}}, want: badRef},
		{route: "POST /api/v1/approvals/{id}/{action}", path: p("/api/v1/approvals/%/comment", bobApprovalID),
			body: map[string]any{"comment": "mine now", "attachments": []string{"{aliceAttachment}"}}, want: badRef},
		{route: "POST /api/v1/approvals", path: p("/api/v1/approvals"), body: map[string]any{"template_id": "{leave}", "form": map[string]any{
			"leave_type": "annual", "period": map[string]any{"start": "2026-01-21", "end": "2026-01-21"}, "reason": "x",
			"attachments": []any{map[string]any{"id": "{aliceAttachment}", "name": "note.txt"}}}}, want: badRef},
	}
}

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

// errorShape checks the DESIGN.md error body of a refusal.
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

func TestAuthzSweep(t *testing.T) {
	t.Parallel()
	cases := sweepCases()
	// Every route that takes an ID (or a date, a file...) must be in the
	// table: a new one fails here until someone decides who may call it.
	listed := map[string]bool{}
	for _, c := range cases {
		listed[c.route] = true
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

// fill puts bob's own IDs into a request body ("{bob}": his drive root,
// "{bobID}", "{deptB}").
func (w *authzWorld) fill(body any) any {
	m, ok := body.(map[string]any)
	if !ok {
		return body
	}
	out := map[string]any{}
	for k, v := range m {
		switch v {
		case "{bob}":
			v = w.bobRoot
		case "{bobID}":
			v = w.bob.ID
		case "{deptB}":
			v = w.deptB.ID
		case "{deptA}":
			v = w.deptA.ID
		case "{aliceFolder}":
			v = w.folder.ID
		case "{aliceFile}":
			v = w.file.ID
		case "{aliceUpload}":
			v = w.upload1
		case "{aliceAttachment}":
			v = w.attachment
		case "{aliceDeptFolder}":
			v = w.deptFolder.ID
		case "{leave}":
			v = w.leaveTpl
		}
		out[k] = v
	}
	return out
}

// snapshot reads, as their owners, everything bob's calls could have changed.
func (w *authzWorld) snapshot(t *testing.T) map[string]string {
	reads := map[string]string{ // path → token
		"/api/v1/approvals/" + w.approval.ID:                     w.aliceT,
		"/api/v1/approval/templates/" + w.leaveTpl:               w.admin,
		"/api/v1/approval/calendar":                              w.admin,
		"/api/v1/drive/spaces/" + w.personal.ID:                  w.aliceT,
		"/api/v1/drive/spaces/" + w.deptSpace.ID:                 w.aliceT,
		"/api/v1/drive/spaces/" + w.project.ID:                   w.aliceT,
		"/api/v1/drive/entries/" + w.folder.ID + "/children":     w.aliceT,
		"/api/v1/drive/entries/" + w.deptFolder.ID + "/children": w.aliceT,
		"/api/v1/drive/entries/" + w.folder.ID + "/permissions":  w.aliceT,
		"/api/v1/drive/files/" + w.file.ID + "/versions":         w.aliceT,
		"/api/v1/drive/files/" + w.file.ID + "/content":          w.aliceT,
		"/api/v1/drive/uploads/" + w.upload:                      w.aliceT,
		"/api/v1/drive/trash?space_id=" + w.personal.ID:          w.aliceT,
		"/api/v1/meetings/" + w.meeting.ID:                       w.aliceT,
		"/api/v1/meetings/" + w.meeting.ID + "/minutes":          w.aliceT,
		"/api/v1/tasks?mine=1":                                   w.aliceT,
		"/api/v1/ding/" + w.ding:                                 w.aliceT,
		"/api/v1/notifications":                                  w.aliceT,
		"/api/v1/announcements/" + w.announcement + "/receipts":  w.admin,
		"/api/v1/calendar/" + w.feedToken + ".ics":               "",
		"/api/v1/rooms":                    w.admin,
		"/api/v1/departments":              w.admin,
		"/api/v1/users?include_inactive=1": w.admin,
		"/api/v1/roles":                    w.admin,
		"/api/v1/settings/email":           w.admin,
	}
	out := map[string]string{}
	for path, tok := range reads {
		out[path] = string(w.e.Must(http.StatusOK, "GET", path, tok, nil).Body)
	}
	return out
}

// checkBobsLists: none of bob's lists holds alice's private objects.
func (w *authzWorld) checkBobsLists(t *testing.T) {
	// Not alice's personal space ID: the file she shared with bob carries
	// it (space_id), and every route on it answers bob 404.
	private := []string{w.approval.ID, w.approval.Number, w.deptSpace.ID, w.project.ID, w.folder.ID, w.file.ID, w.trashed.ID,
		w.deptFolder.ID, w.deptFile.ID, w.meeting.ID, w.task, w.ding, w.notification, w.announcement, w.carol.ID,
		w.upload1, w.attachment, w.minutesDoc, w.upload, w.adminMeeting, w.adminMinutesDoc}
	lists := []string{
		"/api/v1/approvals?box=todo", "/api/v1/approvals?box=done", "/api/v1/approvals?box=mine", "/api/v1/approvals?box=cc",
		"/api/v1/approval/stats", "/api/v1/approvals/export?format=csv",
		"/api/v1/drive/spaces", "/api/v1/drive/search?q=a", "/api/v1/drive/search?q=salary", "/api/v1/drive/shared", "/api/v1/drive/trash?space_id=" + w.bobSpace,
		"/api/v1/meetings?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
		"/api/v1/tasks", "/api/v1/tasks?mine=1",
		"/api/v1/notifications", "/api/v1/announcements",
		"/api/v1/ding?box=received", "/api/v1/ding?box=sent", "/api/v1/ding",
		// The directory lists active colleagues only for members: carol has left.
		"/api/v1/users?include_inactive=1", "/api/v1/users?include_inactive=1&department_id=" + w.deptA.ID,
	}
	for _, l := range lists {
		r := w.e.Do("GET", l, w.bobT, nil)
		if r.Status != http.StatusOK {
			t.Errorf("bob's list %s: %d %s", l, r.Status, r.Body)
			continue
		}
		for _, id := range private {
			if strings.Contains(string(r.Body), id) {
				t.Errorf("bob's list %s shows the private %s: %s", l, id, r.Body)
			}
		}
	}
	// The event stream replays only bob's own events (the head's, for
	// contrast, carries alice's DING).
	if ev := w.eventReplay(t, w.headT); !strings.Contains(ev, w.ding) {
		t.Errorf("the head's event stream lacks alice's DING: %q", ev)
	}
	if ev := w.eventReplay(t, w.bobT); !strings.Contains(ev, ": connected") {
		t.Errorf("bob's event stream: %q", ev)
	} else {
		for _, id := range private {
			if strings.Contains(ev, id) {
				t.Errorf("bob's event stream shows the private %s: %s", id, ev)
			}
		}
	}
	// The archive of everyone's approvals is for admins, HR and heads.
	for _, l := range []string{"/api/v1/approvals?box=all", "/api/v1/approval/stats?box=all", "/api/v1/approvals/export?box=all&format=csv"} {
		if r := w.e.Do("GET", l, w.bobT, nil); r.Status != http.StatusForbidden || !errorShape(r.Status, r.Body) {
			t.Errorf("bob's %s: %d %s", l, r.Status, r.Body)
		}
	}
	// A file shared with bob alone: its path starts at the file, without
	// the names of the folders above it.
	var path struct{ Items []struct{ ID, Name string } }
	w.e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+w.sharedWithBob.ID+"/path", w.bobT, nil).JSON(t, &path)
	if len(path.Items) != 1 || path.Items[0].ID != w.sharedWithBob.ID {
		t.Errorf("path of a file shared with bob: %+v", path.Items)
	}
	// Bob's statistics count his own leave only.
	var st struct{ Total int }
	w.e.Must(http.StatusOK, "GET", "/api/v1/approval/stats", w.bobT, nil).JSON(t, &st)
	if st.Total != 1 {
		t.Errorf("bob's approval stats count %d requests, want his 1", st.Total)
	}
	// Free/busy tells when, never what.
	fb := w.e.Must(http.StatusOK, "GET", "/api/v1/freebusy?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&users="+w.alice.ID+"&rooms="+w.roomID, w.bobT, nil)
	if strings.Contains(string(fb.Body), w.meeting.ID) || strings.Contains(string(fb.Body), w.meeting.Title) || !strings.Contains(string(fb.Body), "2026-01-06T02:00:00Z") {
		t.Errorf("free/busy as bob: %s", fb.Body)
	}
	// Alice's calendar shows bob when she is busy (to find a time), never what.
	var cal struct {
		Items []struct {
			MeetingID string `json:"meeting_id"`
			Title     string `json:"title"`
			BusyOnly  bool   `json:"busy_only"`
		}
	}
	// The block keeps the meeting's ID (the calendar keys its events by it);
	// the ID leads nowhere: every meeting route above answers bob 404.
	for _, q := range []string{"&user_id=" + w.alice.ID, "&room_id=" + w.roomID} {
		r := w.e.Must(http.StatusOK, "GET", "/api/v1/meetings?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"+q, w.bobT, nil)
		r.JSON(t, &cal)
		if len(cal.Items) != 1 || !cal.Items[0].BusyOnly || strings.Contains(string(r.Body), w.meeting.Title) || strings.Contains(string(r.Body), "3F") {
			t.Errorf("alice's calendar (%s) as bob: %s", q, r.Body)
		}
	}
}

// eventReplay reads what the event stream sends token's user from the first
// event on, until it has been quiet for a moment.
func (w *authzWorld) eventReplay(t *testing.T, token string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", w.e.HTTP.URL+"/api/v1/events?last_event_id=0", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body) // ends with the context's deadline
	return string(b)
}

// batchAsBob sends a batch upload naming alice's folder and file (with her
// file's own content, which the drive could take for "unchanged"): each item
// must fail on its own as a 403 or 404, with no entry in the answer.
func (w *authzWorld) batchAsBob(t *testing.T) {
	content := []byte("v2") // what alice's salary.txt holds
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	items := []map[string]any{
		{"entry_id": w.file.ID, "base_version": 2, "size": len(content), "hash": hash},
		{"parent_id": w.folder.ID, "name": "salary.txt", "size": len(content), "hash": hash},
		{"parent_id": w.deptFolder.ID, "name": "a-plan.txt", "size": len(content), "hash": hash},
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	manifest, _ := json.Marshal(map[string]any{"items": items})
	if err := mw.WriteField("manifest", string(manifest)); err != nil {
		t.Fatal(err)
	}
	for i := range items {
		part, err := mw.CreateFormFile("file", fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(content)
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", w.e.HTTP.URL+"/api/v1/drive/files/batch", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.bobT)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := w.e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ans struct {
		Items []struct {
			Status int             `json:"status"`
			Entry  json.RawMessage `json:"entry"`
			Error  json.RawMessage `json:"error"`
		}
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &ans) != nil || len(ans.Items) != len(items) {
		t.Fatalf("bob's batch: %d %s", resp.StatusCode, b)
	}
	for i, it := range ans.Items {
		if (it.Status != http.StatusForbidden && it.Status != http.StatusNotFound) || it.Entry != nil ||
			!errorShape(it.Status, []byte(`{"error":`+string(it.Error)+`}`)) {
			t.Errorf("bob's batch item %d: %s", i, b)
		}
	}
}
