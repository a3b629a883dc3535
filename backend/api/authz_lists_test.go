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
	"strings"
	"testing"
	"time"
)

// checkBobsLists: none of bob's lists holds alice's private objects.
func (w *authzWorld) checkBobsLists(t *testing.T) {
	// Not alice's personal space ID: the file she shared with bob carries
	// it (space_id), and every route on it answers bob 404.
	private := []string{w.approval.ID, w.approval.Number, w.deptSpace.ID, w.project.ID, w.folder.ID, w.file.ID, w.trashed.ID,
		w.deptFolder.ID, w.deptFile.ID, w.meeting.ID, w.task, w.ding, w.notification, w.announcement, w.carol.ID,
		w.upload1, w.attachment, w.minutesDoc, w.upload, w.adminMeeting, w.adminMinutesDoc, w.chat.direct, w.chat.msgAfter}
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
		"/api/v1/chat/conversations", "/api/v1/chat/unread",
		"/api/v1/attendance/today", "/api/v1/attendance/punches?from=2026-01-01&to=2026-01-31", "/api/v1/attendance/days?month=2026-01",
	}
	private = append(private, w.att.fieldPunch, w.att.photo)
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
