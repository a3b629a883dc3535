package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"testing"

	"tack/backend/approval"
	"tack/backend/drive"
	"tack/backend/drive/chunker"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// authzWorld is the small company of the authorization sweep: an admin;
// department A (head, member alice, and carol who has left); department B
// (member bob, an outsider to A). Alice owns one of each kind of object.
type authzWorld struct {
	e                          *servertest.Env
	admin, headT, aliceT, bobT string
	head, alice, bob, carol    org.User // carol has left
	deptA, deptB               org.Department
	leaveTpl, roleID, roomID   string

	// alice's
	approval                                    approval.Instance
	upload1, attachment                         string // her uploaded file, its archived copy on her leave
	personal, deptSpace, project                drive.Space
	folder, file, deptFolder, deptFile, trashed drive.Entry
	sharedWithBob                               drive.Entry // two folders below her personal root
	oldVersion, grant, upload, chunk            string
	meeting                                     meeting.Meeting
	minutesDoc                                  string // its published minutes, in department A's drive
	task, ding, notification, announcement      string
	feedToken                                   string
	adminMeeting, adminMinutesDoc               string // a meeting of the root department's admin, and its minutes

	chat chatWorld // alice's conversations (authz_chat_test.go)

	// bob's own, to smuggle alice's IDs into
	bobRoot, bobSpace string
	bobFile           drive.Entry
	bobApproval       approval.Instance

	reports authzReports    // authz_report_test.go
	att     attendanceWorld // attendance settings (admin's) and alice's field punch
}

func newAuthzWorld(t *testing.T, e *servertest.Env) *authzWorld {
	w := &authzWorld{e: e}
	w.admin, _ = e.Setup()
	w.head, _ = e.NewUser(w.admin, "")
	w.deptA = e.NewDepartment(w.admin, "A", "", &w.head.ID)
	e.Must(http.StatusOK, "PATCH", "/api/v1/users/"+w.head.ID, w.admin,
		map[string]any{"department_id": w.deptA.ID, "version": w.head.Version}).JSON(t, &w.head)
	w.headT = e.Login(w.head.Email, servertest.TestPassword) // the head role came with the department
	w.alice, w.aliceT = e.NewUser(w.admin, w.deptA.ID)
	w.carol, _ = e.NewUser(w.admin, w.deptA.ID)
	e.Must(http.StatusOK, "POST", "/api/v1/users/"+w.carol.ID+"/deactivate", w.admin, nil)
	w.deptB = e.NewDepartment(w.admin, "B", "", nil)
	w.bob, w.bobT = e.NewUser(w.admin, w.deptB.ID)
	var spaces struct{ Items []drive.Space }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", w.bobT, nil).JSON(t, &spaces)
	for _, s := range spaces.Items {
		if s.Kind == drive.SpacePersonal {
			w.bobRoot, w.bobSpace = s.RootID, s.ID
		}
	}

	// Admin-owned things bob must not change.
	var role org.Role
	e.Must(http.StatusCreated, "POST", "/api/v1/roles", w.admin, map[string]any{"id": "auditor", "name": "Auditor"}).JSON(t, &role)
	w.roleID = role.ID
	var room meeting.Room
	e.Must(http.StatusCreated, "POST", "/api/v1/rooms", w.admin, map[string]any{"name": "Pine", "capacity": 6}).JSON(t, &room)
	w.roomID = room.ID

	w.approvalObjects(t)
	// Bob's own leave and file, to smuggle alice's IDs into.
	e.Must(http.StatusCreated, "POST", "/api/v1/approvals", w.bobT, map[string]any{"template_id": w.leaveTpl,
		"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": "2026-01-14", "end": "2026-01-14"}, "reason": "rest"},
	}).JSON(t, &w.bobApproval)
	w.bobFile = w.putAs(t, w.bobT, url.Values{"parent_id": {w.bobRoot}, "name": {"bob.txt"}}, "bob", http.StatusCreated)
	w.driveObjects(t)
	w.meetingObjects(t)
	w.notifyObjects(t)
	w.chatObjects(t)
	w.attendanceObjects(t)
	var feed struct{ Token string }
	e.Must(http.StatusOK, "POST", "/api/v1/calendar/token", w.aliceT, nil).JSON(t, &feed)
	w.feedToken = feed.Token
	w.reportObjects(t)
	return w
}

// approvalObjects: alice's 2-day leave (routed to the head) with a comment
// carrying an attachment.
func (w *authzWorld) approvalObjects(t *testing.T) {
	e := w.e
	var tpls struct{ Items []approval.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/approval/templates", w.aliceT, nil).JSON(t, &tpls)
	for _, tp := range tpls.Items {
		if tp.BuiltinKey == "leave" {
			w.leaveTpl = tp.ID
		}
	}
	e.Must(http.StatusCreated, "POST", "/api/v1/approvals", w.aliceT, map[string]any{"template_id": w.leaveTpl,
		"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": "2026-01-12", "end": "2026-01-13"}, "reason": "family"},
	}).JSON(t, &w.approval)
	var att approval.Attachment
	e.Must(http.StatusCreated, "POST", "/api/v1/approval/attachments?name=note.txt", w.aliceT, "doctor's note").JSON(t, &att)
	w.upload1 = att.ID
	e.Must(http.StatusOK, "POST", "/api/v1/approvals/"+w.approval.ID+"/comment", w.aliceT,
		map[string]any{"comment": "note attached", "attachments": []string{att.ID}})
	var d approval.Detail
	e.Must(http.StatusOK, "GET", "/api/v1/approvals/"+w.approval.ID, w.aliceT, nil).JSON(t, &d)
	if len(d.Comments) != 1 || len(d.Comments[0].Files) != 1 {
		t.Fatalf("alice's comment %+v", d.Comments)
	}
	w.attachment = d.Comments[0].Files[0].ID
	e.Must(http.StatusOK, "GET", "/api/v1/approvals/"+w.approval.ID+"/attachments/"+w.attachment, w.aliceT, nil)
}

// driveObjects: a folder and a file (two versions, shared with the head) in
// alice's personal space, a trashed file, an open upload, and a folder and
// file in department A's space.
func (w *authzWorld) driveObjects(t *testing.T) {
	e := w.e
	var spaces struct{ Items []drive.Space }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", w.aliceT, nil).JSON(t, &spaces)
	for _, s := range spaces.Items {
		switch {
		case s.Kind == drive.SpacePersonal:
			w.personal = s
		case s.Kind == drive.SpaceDepartment && s.DepartmentID == w.deptA.ID:
			w.deptSpace = s
		}
	}
	if w.personal.ID == "" || w.deptSpace.ID == "" {
		t.Fatalf("alice's spaces %+v", spaces.Items)
	}
	w.folder = w.mkdir(t, w.personal.RootID, "Alice private")
	w.file = w.put(t, url.Values{"parent_id": {w.folder.ID}, "name": {"salary.txt"}}, "v1", http.StatusCreated)
	w.file = w.put(t, url.Values{"entry_id": {w.file.ID}, "base_version": {"1"}}, "v2", http.StatusOK)
	var versions struct{ Items []drive.FileVersion }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/files/"+w.file.ID+"/versions", w.aliceT, nil).JSON(t, &versions)
	for _, v := range versions.Items {
		if !v.Current {
			w.oldVersion = v.ID
		}
	}
	var p drive.Permission
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+w.folder.ID+"/permissions", w.aliceT,
		map[string]string{"principal_type": "user", "principal_id": w.head.ID, "role": "viewer"}).JSON(t, &p)
	w.grant = p.ID
	// A file alice shares with bob alone, two folders down.
	sub := w.mkdir(t, w.folder.ID, "Lawyer")
	w.sharedWithBob = w.put(t, url.Values{"parent_id": {sub.ID}, "name": {"for-bob.txt"}}, "hi bob", http.StatusCreated)
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+w.sharedWithBob.ID+"/permissions", w.aliceT,
		map[string]string{"principal_type": "user", "principal_id": w.bob.ID, "role": "viewer"})
	w.trashed = w.put(t, url.Values{"parent_id": {w.folder.ID}, "name": {"old.txt"}}, "old", http.StatusCreated)
	e.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+w.trashed.ID+"?version=1", w.aliceT, nil)

	data := []byte("an upload alice has not finished")
	sum := sha256.Sum256(data)
	req := drive.UploadRequest{ParentID: w.folder.ID, Name: "draft.txt", Size: int64(len(data)), Hash: hex.EncodeToString(sum[:])}
	if err := chunker.Split(bytes.NewReader(data), func(c chunker.Chunk) error {
		req.Chunks = append(req.Chunks, drive.UploadChunk{Hash: c.Hash, Size: c.Size})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var st drive.UploadState
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/uploads", w.aliceT, req).JSON(t, &st)
	w.upload, w.chunk = st.ID, req.Chunks[0].Hash

	e.Must(http.StatusCreated, "POST", "/api/v1/drive/spaces", w.aliceT, map[string]any{"name": "Secret project",
		"members": []map[string]string{{"principal_type": "user", "principal_id": w.head.ID, "role": "editor"}}}).JSON(t, &w.project)

	w.deptFolder = w.mkdir(t, w.deptSpace.RootID, "A plans")
	w.deptFile = w.put(t, url.Values{"parent_id": {w.deptFolder.ID}, "name": {"a-plan.txt"}}, "plan", http.StatusCreated)
}

func (w *authzWorld) mkdir(t *testing.T, parent, name string) drive.Entry {
	var f drive.Entry
	w.e.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", w.aliceT, map[string]string{"parent_id": parent, "name": name}).JSON(t, &f)
	return f
}

// put uploads a small file (or a new version) as alice.
func (w *authzWorld) put(t *testing.T, q url.Values, content string, want int) drive.Entry {
	t.Helper()
	return w.putAs(t, w.aliceT, q, content, want)
}

func (w *authzWorld) putAs(t *testing.T, token string, q url.Values, content string, want int) drive.Entry {
	t.Helper()
	req, err := http.NewRequest("POST", w.e.HTTP.URL+"/api/v1/drive/files?"+q.Encode(), bytes.NewReader([]byte(content)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := w.e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := servertest.Response{Status: resp.StatusCode, Body: b}
	if r.Status != want {
		t.Fatalf("upload %v: %d %s", q, r.Status, b)
	}
	var f drive.Entry
	r.JSON(t, &f)
	return f
}

// meetingObjects: a meeting alice organizes and takes minutes of, with the
// head attending; its published minutes give alice a task.
func (w *authzWorld) meetingObjects(t *testing.T) {
	e := w.e
	var res meeting.SaveResult
	e.Must(http.StatusCreated, "POST", "/api/v1/meetings", w.aliceT, map[string]any{"title": "Alice 1on1 pay review", "start": "2026-01-06T10:00",
		"end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai", "room_id": w.roomID, "place": "3F", "attendee_ids": []string{w.head.ID},
		"minute_taker_id": w.alice.ID}).JSON(t, &res)
	w.meeting = res.Meeting
	var mn meeting.Minutes
	e.Must(http.StatusOK, "PUT", "/api/v1/meetings/"+w.meeting.ID+"/minutes", w.aliceT, map[string]any{"discussion": "pay rise",
		"decisions": []string{"yes"}, "action_items": []map[string]any{{"title": "sign contract", "owner_id": w.alice.ID}}, "version": 0}).JSON(t, &mn)
	e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+w.meeting.ID+"/minutes/publish", w.aliceT, map[string]any{"version": mn.Version}).JSON(t, &mn)
	w.task, w.minutesDoc = mn.ActionItems[0].TaskID, mn.DocumentID
	if w.task == "" || w.minutesDoc == "" {
		t.Fatalf("published minutes without a task: %+v", mn)
	}
	// The admin sits in the root department, which has no department
	// space of its own: her minutes must not land where everyone reads.
	e.Must(http.StatusCreated, "POST", "/api/v1/meetings", w.admin, map[string]any{"title": "Reorganisation", "start": "2026-01-07T10:00",
		"end": "2026-01-07T11:00", "time_zone": "Asia/Shanghai", "place": "GM office", "attendee_ids": []string{w.head.ID}}).JSON(t, &res)
	w.adminMeeting = res.Meeting.ID
	e.Must(http.StatusOK, "PUT", "/api/v1/meetings/"+w.adminMeeting+"/minutes", w.admin, map[string]any{"discussion": "close department A",
		"version": 0}).JSON(t, &mn)
	e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+w.adminMeeting+"/minutes/publish", w.admin, map[string]any{"version": mn.Version}).JSON(t, &mn)
	w.adminMinutesDoc = mn.DocumentID
	e.Must(http.StatusOK, "GET", "/api/v1/drive/files/"+w.adminMinutesDoc+"/content", w.headT, nil) // an attendee reads them
}

// notifyObjects: a DING alice sent the head, a notification of hers, and an
// announcement to department A only.
func (w *authzWorld) notifyObjects(t *testing.T) {
	e := w.e
	var d notify.Ding
	e.Must(http.StatusCreated, "POST", "/api/v1/ding", w.aliceT, map[string]any{"recipients": []string{w.head.ID}, "message": "please approve my leave"}).JSON(t, &d)
	w.ding = d.ID
	if err := notify.Emit(e.Server.DB, &notify.Event{Type: "drive.shared", SubjectType: "drive", SubjectID: w.file.ID, ActorID: w.head.ID,
		Recipients: []string{w.alice.ID}, Data: map[string]any{"title": "salary.txt", "link": "/drive"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	var ns struct{ Items []notify.Notification }
	e.Must(http.StatusOK, "GET", "/api/v1/notifications", w.aliceT, nil).JSON(t, &ns)
	if len(ns.Items) == 0 {
		t.Fatal("alice has no notification")
	}
	w.notification = ns.Items[0].ID
	var an notify.Announcement
	e.Must(http.StatusCreated, "POST", "/api/v1/announcements", w.admin, map[string]any{"title": "A offsite", "body": "for A only",
		"require_ack": true, "department_ids": []string{w.deptA.ID}}).JSON(t, &an)
	w.announcement = an.ID
}
