package api_test

import (
	"net/http"
	"strings"
)

// The table of the authorization sweep (authz_sweep_test.go): one case per
// request bob makes, with the answer he must get.

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
	sharedID        = func(w *authzWorld) string { return w.sharedWithBob.ID }
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
		{route: "PUT /api/v1/workcal/{date}", path: p("/api/v1/workcal/2026-01-20"), body: map[string]any{"working": false}, want: refused},
		{route: "DELETE /api/v1/workcal/{date}", path: p("/api/v1/workcal/2026-01-20"), want: refused},

		// Drive: alice's personal space and department A's space.
		{route: "GET /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", personalID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", deptSpaceID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", projectID), want: hidden},
		{route: "PATCH /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", projectID), body: map[string]any{"name": "Bob's project", "version": 1}, want: hidden},
		{route: "GET /api/v1/drive/entries/{id}/children", path: p("/api/v1/drive/entries/%/children", projectRoot), want: hidden},
		{route: "PATCH /api/v1/drive/spaces/{id}", path: p("/api/v1/drive/spaces/%", deptSpaceID), body: map[string]any{"name": "B's now", "version": 1}, want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}/changes", path: p("/api/v1/drive/spaces/%/changes", personalID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}/changes", path: p("/api/v1/drive/spaces/%/changes", deptSpaceID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}/changes", path: p("/api/v1/drive/spaces/%/changes?under=%", personalID, folderID), want: hidden},
		{route: "GET /api/v1/drive/spaces/{id}/changes", path: p("/api/v1/drive/spaces/%/changes?under=%", deptSpaceID, deptFolderID), want: hidden},
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
		// The file alice shared with bob: he reads it, and may do nothing more.
		{route: "PATCH /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%", sharedID), body: map[string]any{"name": "mine.txt", "version": 1}, want: refused},
		{route: "DELETE /api/v1/drive/entries/{id}", path: p("/api/v1/drive/entries/%?version=1", sharedID), want: refused},
		{route: "POST /api/v1/drive/entries/{id}/permissions", path: p("/api/v1/drive/entries/%/permissions", sharedID),
			body: map[string]any{"principal_type": "everyone", "role": "viewer"}, want: refused},
		{route: "POST /api/v1/drive/files", path: p("/api/v1/drive/files?base_version=1&entry_id=%", sharedID), body: "bob was here", want: refused},
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
		{route: "POST /api/v1/drive/uploads/{id}/chunks", path: p("/api/v1/drive/uploads/%/chunks", uploadID),
			body: "an upload alice has not finished", want: hidden},
		{route: "POST /api/v1/drive/uploads/{id}/append", path: p("/api/v1/drive/uploads/%/append", uploadID),
			body: map[string]any{"chunks": []map[string]any{{"hash": strings.Repeat("a", 64), "size": 1}}}, want: hidden},
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
		{route: "PUT /api/v1/workcal/settings", path: p("/api/v1/workcal/settings"),
			body: map[string]any{"work_days": []int{1}, "work_start": "09:00", "work_end": "10:00"}, want: refused},
		{route: "POST /api/v1/workcal/range", path: p("/api/v1/workcal/range"),
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
		{route: "GET /api/v1/settings/security", path: p("/api/v1/settings/security"), want: refused},
		{route: "PUT /api/v1/settings/security", path: p("/api/v1/settings/security"), body: map[string]any{"session_days": 365}, want: refused},
	}
	cases = append(cases, smuggledIDCases()...)
	cases = append(cases, reportSweepCases()...)
	// Desktop client downloads are public (signed builds, no company data);
	// the sweep's server offers none, so a guessed build is not found.
	cases = append(cases, sweepCase{route: "GET /api/v1/clients/{os}/{arch}/{version}/{file}",
		path: p("/api/v1/clients/linux/amd64/1.0.0/tack"), want: hidden})
	cases = append(cases, chatSweepCases()...)
	cases = append(cases, attendanceSweepCases()...)
	cases = append(cases, rotaSweepCases()...)
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
		case "{aliceChatMsg}":
			v = w.chat.msgAfter
		case "{aliceDirectList}":
			v = []string{w.chat.direct}
		case "{bobDirectList}":
			v = []string{w.chat.bobDirect}
		}
		out[k] = v
	}
	return out
}
