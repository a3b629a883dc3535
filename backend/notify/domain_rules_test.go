package notify_test

import (
	"net/http"
	"net/url"
	"testing"

	"tack/backend/drive"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// byType returns the user's notifications of one type (newest first).
func byType(t *testing.T, e *servertest.Env, token, typ string) []notify.Notification {
	t.Helper()
	var p notifPage
	e.Must(200, "GET", "/api/v1/notifications?limit=100", token, nil).JSON(t, &p)
	var out []notify.Notification
	for _, n := range p.Items {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

// TestDomainEventsBecomeNotifications drives the real domains (drive grant,
// minutes publishing, action items) and checks the notifications the rules
// make of their events: who gets one, its text and the UI route it opens.
func TestDomainEventsBecomeNotifications(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		sales := e.NewDepartment(adminTok, "Sales", "", nil)
		rnd := e.NewDepartment(adminTok, "R&D", "", nil)
		org1, tOrg := e.NewUser(adminTok, sales.ID)
		att, tAtt := e.NewUser(adminTok, rnd.ID)
		owner, tOwner := e.NewUser(adminTok, rnd.ID)

		// File shared: a grant on a drive file tells the grantee, linking to the file's page.
		var spaces struct{ Items []drive.Space }
		e.Must(200, "GET", "/api/v1/drive/spaces", adminTok, nil).JSON(t, &spaces)
		var company drive.Space
		for _, s := range spaces.Items {
			if s.Kind == drive.SpaceCompany {
				company = s
			}
		}
		var f drive.Entry
		q := url.Values{"parent_id": {company.RootID}, "name": {"plan.md"}}
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/files?"+q.Encode(), adminTok, "# plan").JSON(t, &f)
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+f.ID+"/permissions", adminTok,
			map[string]any{"principal_type": "user", "principal_id": att.ID, "role": "viewer"})
		dispatch(t, e)
		shared := byType(t, e, tAtt, "drive.shared")
		if len(shared) != 1 || shared[0].Link != "/drive/entries/"+f.ID || shared[0].Title != "plan.md" ||
			shared[0].SubjectID != f.ID || shared[0].Body != "A file was shared with you: plan.md" {
			t.Fatalf("drive.shared notifications %+v", shared)
		}
		if n := byType(t, e, adminTok, "drive.shared"); len(n) != 0 {
			t.Fatalf("the granter was told of their own grant: %+v", n)
		}

		// Minutes published and task assigned, through the real drive.
		var m meeting.SaveResult
		e.Must(http.StatusCreated, "POST", "/api/v1/meetings", tOrg, map[string]any{"title": "周会", "start": "2026-01-06T10:00",
			"end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai", "place": "3F", "attendee_ids": []string{att.ID},
			"minute_taker_id": att.ID}).JSON(t, &m)
		id := m.Meeting.ID
		var mn meeting.Minutes
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", tAtt, map[string]any{"present": []string{org1.ID, att.ID},
			"decisions": []string{"批准预算"}, "action_items": []map[string]any{{"title": "写方案", "owner_id": owner.ID, "due": "2026-01-09"}},
			"version": 0}).JSON(t, &mn)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", tAtt, map[string]any{"version": mn.Version}).JSON(t, &mn)
		dispatch(t, e)
		pub := byType(t, e, tOrg, "meeting.minutes_published")
		if len(pub) != 1 || pub[0].Link != "/meetings/"+id || pub[0].Title != "周会" || pub[0].Data["document_id"] != mn.DocumentID ||
			pub[0].Body != "Minutes published: 周会" {
			t.Fatalf("minutes_published for the organizer %+v", pub)
		}
		if n := byType(t, e, tAtt, "meeting.minutes_published"); len(n) != 0 {
			t.Fatalf("the minute-taker was told of their own publishing: %+v", n)
		}
		tasks := byType(t, e, tOwner, "task.assigned")
		if len(tasks) != 1 || tasks[0].Link != "/tasks" || tasks[0].Title != "写方案" || tasks[0].Data["meeting_title"] != "周会" {
			t.Fatalf("task.assigned for the owner %+v", tasks)
		}
		// Minutes sharing is announced once, as minutes, not again as a shared file.
		if n := byType(t, e, tOrg, "drive.shared"); len(n) != 0 {
			t.Fatalf("minutes also announced as a shared file: %+v", n)
		}
	})
}
