package report_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tack/backend/audit"
	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

// company: Sales (head vp) > East (head lead) with amy and ben; R&D with dan.
type company struct {
	admin                        string
	vp, lead, amy, ben, dan      org.User
	vpT, leadT, amyT, benT, danT string
	daily, weekly                report.Template
}

func setup(t *testing.T, e *servertest.Env) company {
	var c company
	c.admin, _ = e.Setup()
	// The first admin heads the root department until someone else does;
	// here the admin is only an admin (TestHeadsAboveReadSubtree names a
	// general manager).
	root := e.RootDepartment(c.admin)
	e.Must(200, "PATCH", "/api/v1/departments/"+root.ID, c.admin, map[string]any{"head_id": "", "version": root.Version})
	c.vp, c.vpT = e.NewUser(c.admin, "")
	sales := e.NewDepartment(c.admin, "Sales", "", &c.vp.ID)
	c.vp, c.vpT = moveTo(t, e, c, c.vp, sales.ID)
	c.lead, c.leadT = e.NewUser(c.admin, sales.ID)
	east := e.NewDepartment(c.admin, "East", sales.ID, &c.lead.ID)
	c.lead, c.leadT = moveTo(t, e, c, c.lead, east.ID)
	c.amy, c.amyT = e.NewUser(c.admin, east.ID)
	c.ben, c.benT = e.NewUser(c.admin, east.ID)
	rd := e.NewDepartment(c.admin, "R&D", "", nil)
	c.dan, c.danT = e.NewUser(c.admin, rd.ID)
	var ts struct{ Items []report.Template }
	e.Must(200, "GET", "/api/v1/report/templates", c.amyT, nil).JSON(t, &ts)
	for _, tp := range ts.Items {
		switch tp.BuiltinKey {
		case "daily":
			c.daily = tp
		case "weekly":
			c.weekly = tp
		}
	}
	if len(ts.Items) != 3 || c.daily.ID == "" || c.daily.Fields[0].Key != "done" || c.daily.DueTime != "20:00" {
		t.Fatalf("templates %+v", ts.Items)
	}
	return c
}

func moveTo(t *testing.T, e *servertest.Env, c company, u org.User, dept string) (org.User, string) {
	var out org.User
	e.Must(200, "PATCH", "/api/v1/users/"+u.ID, c.admin, map[string]any{"department_id": dept, "version": u.Version}).JSON(t, &out)
	return out, e.Login(u.Email, servertest.TestPassword)
}

func write(t *testing.T, e *servertest.Env, token, templateID, done string) report.Detail {
	t.Helper()
	var d report.Detail
	e.Must(200, "POST", "/api/v1/reports", token, map[string]any{"template_id": templateID}).JSON(t, &d)
	e.Must(200, "POST", "/api/v1/reports/"+d.ID+"/submit", token, map[string]any{"form": map[string]any{"done": done}, "version": d.Version}).JSON(t, &d)
	return d
}

// TestWriteReadComment: a daily is drafted as the writer types (the draft
// survives a closed window), submitted to the leader, read, commented on,
// liked and edited within the window; the writer sees who read it.
func TestWriteReadComment(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		// Monday 2026-01-05 09:00 UTC = 17:00 in Shanghai; the daily is due at 20:00 (12:00 UTC).
		var d report.Detail
		e.Must(200, "POST", "/api/v1/reports", c.amyT, map[string]any{"template_id": c.daily.ID}).JSON(t, &d)
		if d.Status != report.StatusDraft || d.Period != "2026-01-05" || d.DueAt == nil || !d.DueAt.Equal(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)) {
			t.Fatalf("draft %+v", d.Report)
		}
		e.Must(200, "PUT", "/api/v1/reports/"+d.ID, c.amyT, map[string]any{"form": map[string]any{"plan": "写周报", "junk": 1}, "version": d.Version}).JSON(t, &d)
		if r := e.Do("PUT", "/api/v1/reports/"+d.ID, c.amyT, map[string]any{"form": map[string]any{"plan": "x"}, "version": 1}); r.Status != http.StatusConflict {
			t.Fatalf("stale save %d", r.Status)
		}
		// The window closed; opening the daily again resumes the same draft.
		var again report.Detail
		e.Must(200, "POST", "/api/v1/reports", c.amyT, map[string]any{"template_id": c.daily.ID}).JSON(t, &again)
		if again.ID != d.ID || again.Form["plan"] != "写周报" || again.Form["junk"] != nil {
			t.Fatalf("resumed %+v", again.Report)
		}
		// A draft is the writer's alone.
		if r := e.Do("GET", "/api/v1/reports/"+d.ID, c.leadT, nil); r.Status != http.StatusNotFound {
			t.Fatalf("leader reads a draft: %d", r.Status)
		}
		r := e.Do("POST", "/api/v1/reports/"+d.ID+"/submit", c.amyT, map[string]any{"form": map[string]any{"plan": "写周报"}, "version": again.Version})
		if _, key, fields := r.ErrorCode(); r.Status != 400 || key != "report.invalid" || fields["form.done"] != "required" {
			t.Fatalf("submit without done: %d %s %v", r.Status, key, fields)
		}
		e.Must(200, "POST", "/api/v1/reports/"+d.ID+"/submit", c.amyT, map[string]any{
			"form": map[string]any{"done": "拜访客户 3 家", "plan": "写周报"}, "version": again.Version, "cc": []string{c.dan.ID}}).JSON(t, &d)
		if d.Status != report.StatusSubmitted || d.Late || len(d.Recipients) != 2 || !d.CanEdit {
			t.Fatalf("submitted %+v", d)
		}
		reasons := map[string]string{}
		for _, rc := range d.Recipients {
			reasons[rc.UserID] = rc.Reason
			if rc.ReadAt != nil {
				t.Fatalf("read before anyone opened it: %+v", rc)
			}
		}
		if reasons[c.lead.ID] != "leader" || reasons[c.dan.ID] != "chosen" {
			t.Fatalf("recipients %v", reasons)
		}
		if r := e.Do("POST", "/api/v1/reports", c.amyT, map[string]any{"template_id": c.daily.ID}); r.Status != http.StatusConflict {
			t.Fatalf("second daily of the day: %d", r.Status)
		}
		// The leader's inbox: unread first; reading marks it read.
		bd := write(t, e, c.benT, c.daily.ID, "写方案")
		var inbox struct{ Items []report.Detail }
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.leadT, nil)
		e.Must(200, "GET", "/api/v1/reports/received", c.leadT, nil).JSON(t, &inbox)
		if len(inbox.Items) != 2 || inbox.Items[0].ID != bd.ID || inbox.Items[0].ReadByMe || !inbox.Items[1].ReadByMe {
			t.Fatalf("inbox %+v", inbox.Items)
		}
		e.Must(200, "GET", "/api/v1/reports/received?writer_id="+c.amy.ID, c.leadT, nil).JSON(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != d.ID {
			t.Fatalf("by writer %+v", inbox.Items)
		}
		// Paging keeps unread first across pages.
		var p1, p2 struct {
			Items      []report.Detail
			NextCursor string `json:"next_cursor"`
		}
		e.Must(200, "GET", "/api/v1/reports/received?limit=1", c.leadT, nil).JSON(t, &p1)
		e.Must(200, "GET", "/api/v1/reports/received?limit=1&cursor="+p1.NextCursor, c.leadT, nil).JSON(t, &p2)
		if len(p1.Items) != 1 || p1.Items[0].ID != bd.ID || len(p2.Items) != 1 || p2.Items[0].ID != d.ID || p2.NextCursor != "" {
			t.Fatalf("pages %+v %+v", p1, p2)
		}
		// The writer sees who has read it.
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.amyT, nil).JSON(t, &d)
		for _, rc := range d.Recipients {
			if (rc.UserID == c.lead.ID) != (rc.ReadAt != nil) {
				t.Fatalf("read status %+v", d.Recipients)
			}
		}
		// Comments with a reply, and a like.
		var cm report.Comment
		e.Must(201, "POST", "/api/v1/reports/"+d.ID+"/comments", c.leadT, map[string]any{"body": "客户名单发我"}).JSON(t, &cm)
		e.Must(201, "POST", "/api/v1/reports/"+d.ID+"/comments", c.amyT, map[string]any{"body": "好的", "parent_id": cm.ID})
		if r := e.Do("POST", "/api/v1/reports/"+d.ID+"/comments", c.amyT, map[string]any{"body": " "}); r.Status != 400 {
			t.Fatalf("empty comment %d", r.Status)
		}
		var cs struct{ Items []report.Comment }
		e.Must(200, "GET", "/api/v1/reports/"+d.ID+"/comments", c.amyT, nil).JSON(t, &cs)
		if len(cs.Items) != 2 || cs.Items[1].ParentID == nil || *cs.Items[1].ParentID != cm.ID || cs.Items[0].AuthorName != c.lead.Name {
			t.Fatalf("comments %+v", cs.Items)
		}
		e.Must(200, "PUT", "/api/v1/reports/"+d.ID+"/like", c.leadT, nil)
		e.Must(200, "PUT", "/api/v1/reports/"+d.ID+"/like", c.leadT, nil).JSON(t, &d)
		if d.Likes != 1 || !d.LikedByMe || d.Comments != 2 {
			t.Fatalf("likes %+v", d)
		}
		// Edits within the window keep the history; then it closes.
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.amyT, nil).JSON(t, &d)
		e.Must(200, "PUT", "/api/v1/reports/"+d.ID, c.amyT, map[string]any{"form": map[string]any{"done": "拜访客户 4 家"}, "version": d.Version}).JSON(t, &d)
		if r := e.Do("PUT", "/api/v1/reports/"+d.ID, c.amyT, map[string]any{"form": map[string]any{}, "version": d.Version}); r.Status != 400 {
			t.Fatalf("edit drops a required field: %d", r.Status)
		}
		var revs struct{ Items []report.Revision }
		e.Must(200, "GET", "/api/v1/reports/"+d.ID+"/revisions", c.leadT, nil).JSON(t, &revs)
		if d.Form["done"] != "拜访客户 4 家" || d.EditedAt == nil || len(revs.Items) != 1 || revs.Items[0].Form["done"] != "拜访客户 3 家" {
			t.Fatalf("edited %+v revisions %+v", d.Report, revs.Items)
		}
		if r := e.Do("PUT", "/api/v1/reports/"+d.ID, c.leadT, map[string]any{"form": map[string]any{"done": "x"}, "version": d.Version}); r.Status != http.StatusForbidden {
			t.Fatalf("a recipient edits: %d", r.Status)
		}
		e.Clock.Advance(report.EditWindow + time.Minute)
		if r := e.Do("PUT", "/api/v1/reports/"+d.ID, c.amyT, map[string]any{"form": map[string]any{"done": "x"}, "version": d.Version}); r.Status != http.StatusConflict {
			t.Fatalf("edit after the window: %d", r.Status)
		}
		// A colleague reads nothing of it: told it is not theirs to read.
		for _, p := range []string{"", "/comments", "/revisions"} {
			if r := e.Do("GET", "/api/v1/reports/"+d.ID+p, c.benT, nil); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "report.not_reader") {
				t.Fatalf("ben GET %s: %d", p, r.Status)
			}
		}
		// The manager's weekly view: the leader sees amy's Monday daily.
		var wk report.WeekView
		e.Must(200, "GET", "/api/v1/report/week?user_id="+c.amy.ID+"&date=2026-01-07", c.leadT, nil).JSON(t, &wk)
		if wk.Week != "2026-W02" || len(wk.Days) != 7 || wk.Days[0] != "2026-01-05" || len(wk.Reports) != 1 || wk.Reports[0].ID != d.ID {
			t.Fatalf("week %+v", wk)
		}
		e.Must(200, "GET", "/api/v1/report/week?user_id="+c.amy.ID+"&date=2026-01-07", c.benT, nil).JSON(t, &wk)
		if len(wk.Reports) != 0 {
			t.Fatalf("ben's week of amy %+v", wk.Reports)
		}
		// The head above the leader reads the week of his subtree.
		e.Must(200, "GET", "/api/v1/report/week?user_id="+c.amy.ID+"&date=2026-01-07", c.vpT, nil).JSON(t, &wk)
		if len(wk.Reports) != 1 {
			t.Fatalf("vp's week of amy %+v", wk.Reports)
		}
		// The admin is no reader either, until a role grants it; then each read is audited.
		if r := e.Do("GET", "/api/v1/reports/"+d.ID, c.admin, nil); r.Status != http.StatusForbidden {
			t.Fatalf("admin reads amy's report: %d", r.Status)
		}
		e.Must(201, "POST", "/api/v1/roles", c.admin, map[string]any{"id": report.RoleReader, "name": "日志查阅"})
		var dan org.User
		e.Must(200, "GET", "/api/v1/users/"+c.dan.ID, c.admin, nil).JSON(t, &dan)
		e.Must(200, "PATCH", "/api/v1/users/"+c.dan.ID, c.admin, map[string]any{"roles": []string{report.RoleReader}, "version": dan.Version})
		var granted report.Detail
		e.Must(200, "GET", "/api/v1/reports/"+bd.ID, c.danT, nil).JSON(t, &granted)
		e.Must(200, "GET", "/api/v1/reports/"+bd.ID+"/comments", c.danT, nil)
		if r := e.Do("POST", "/api/v1/reports/"+bd.ID+"/comments", c.danT, map[string]any{"body": "x"}); r.Status != http.StatusForbidden {
			t.Fatalf("a granted reader comments: %d", r.Status)
		}
		var audits int64
		e.Server.DB.Model(&audit.Entry{}).Where("action = ? AND actor_id = ? AND target_id = ?", report.AuditRead, c.dan.ID, bd.ID).Count(&audits)
		if granted.ID != bd.ID || audits != 1 {
			t.Fatalf("granted read %q, %d audit entries", granted.ID, audits)
		}
	})
}

// TestMissingAndLeaders: the expected writers of a period, on time, late,
// missing and pending for their leader; a head reports to the head above,
// and a leader who left is skipped.
func TestMissingAndLeaders(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		write(t, e, c.amyT, c.daily.ID, "a")
		lead := write(t, e, c.leadT, c.daily.ID, "l")
		if len(lead.Recipients) != 1 || lead.Recipients[0].UserID != c.vp.ID {
			t.Fatalf("the head's daily goes to %+v", lead.Recipients)
		}
		var v report.MissingView
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.leadT, nil).JSON(t, &v)
		states := func() map[string]string {
			m := map[string]string{}
			for _, r := range v.Rows {
				m[r.UserID] = r.State
			}
			return m
		}
		if s := states(); len(s) != 2 || s[c.amy.ID] != report.StateOnTime || s[c.ben.ID] != report.StatePending {
			t.Fatalf("lead's list %+v", v)
		}
		// Past 20:00 in Shanghai: ben is missing; then writes late.
		e.Clock.Set(time.Date(2026, 1, 5, 12, 30, 0, 0, time.UTC))
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.leadT, nil).JSON(t, &v)
		if s := states(); s[c.ben.ID] != report.StateMissing || v.Rows[0].UserID != c.ben.ID || v.Counts["missing"] != 1 {
			t.Fatalf("after the due time %+v", v)
		}
		bd := write(t, e, c.benT, c.daily.ID, "b")
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.leadT, nil).JSON(t, &v)
		if s := states(); s[c.ben.ID] != report.StateLate || !bd.Late {
			t.Fatalf("late %+v %v", v, bd.Late)
		}
		// The vp leads the lead only; dan (no head above) is nobody's.
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.vpT, nil).JSON(t, &v)
		if s := states(); len(s) != 1 || s[c.lead.ID] != report.StateOnTime {
			t.Fatalf("vp's list %+v", v)
		}
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.danT, nil).JSON(t, &v)
		if len(v.Rows) != 0 {
			t.Fatalf("dan's list %+v", v)
		}
		// A Saturday: nothing is due, nobody is expected.
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID+"&period=2026-01-10", c.leadT, nil).JSON(t, &v)
		if len(v.Rows) != 0 || v.DueAt != nil {
			t.Fatalf("Saturday %+v", v)
		}
		if r := e.Do("GET", "/api/v1/report/missing?template_id="+c.daily.ID+"&period=2026-W02", c.leadT, nil); r.Status != 400 {
			t.Fatalf("a week as a day: %d", r.Status)
		}
		// The lead leaves: amy's next daily goes to the vp.
		e.Must(200, "POST", "/api/v1/users/"+c.lead.ID+"/deactivate", c.admin, nil)
		e.Clock.Set(time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC))
		d := write(t, e, c.amyT, c.daily.ID, "a2")
		if len(d.Recipients) != 1 || d.Recipients[0].UserID != c.vp.ID || d.Period != "2026-01-06" {
			t.Fatalf("after the lead left: %+v", d.Recipients)
		}
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.vpT, nil).JSON(t, &v)
		if s := states(); s[c.amy.ID] != report.StateOnTime || s[c.ben.ID] != report.StatePending {
			t.Fatalf("vp's list once the lead left %+v", v)
		}
		// Weekly: due Friday 18:00.
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.weekly.ID, c.vpT, nil).JSON(t, &v)
		if v.Period != "2026-W02" || v.DueAt == nil || !v.DueAt.Equal(time.Date(2026, 1, 9, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("weekly %+v", v)
		}
	})
}

// TestLeaveExemptsAndEvents: a writer on approved leave that day is exempt;
// submitting and commenting notify the recipients and the writer.
func TestLeaveExemptsAndEvents(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		leave := e.TemplateID(c.benT, "leave")
		var inst struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		}
		e.Must(201, "POST", "/api/v1/approvals", c.benT, map[string]any{"template_id": leave,
			"form": map[string]any{"leave_type": "sick", "period": map[string]any{"start": "2026-01-05", "end": "2026-01-05"}, "reason": "发烧"}}).JSON(t, &inst)
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/approve", c.leadT, map[string]any{"version": inst.Version})
		var v report.MissingView
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.leadT, nil).JSON(t, &v)
		states := map[string]string{}
		for _, r := range v.Rows {
			states[r.UserID] = r.State + "/" + r.Exempt
		}
		if states[c.ben.ID] != "exempt/leave" || states[c.amy.ID] != "pending/" {
			t.Fatalf("states %v", states)
		}
		// A leave approved after the rows were made exempts too; someone who left drops off.
		var amyLeave struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		}
		e.Must(201, "POST", "/api/v1/approvals", c.amyT, map[string]any{"template_id": leave,
			"form": map[string]any{"leave_type": "personal", "period": map[string]any{"start": "2026-01-05", "end": "2026-01-06"}, "reason": "家事"}}).JSON(t, &amyLeave)
		e.Must(200, "POST", "/api/v1/approvals/"+amyLeave.ID+"/approve", c.leadT, map[string]any{"version": amyLeave.Version})
		e.Must(200, "POST", "/api/v1/users/"+c.ben.ID+"/deactivate", c.admin, nil)
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily.ID, c.leadT, nil).JSON(t, &v)
		if len(v.Rows) != 1 || v.Rows[0].UserID != c.amy.ID || v.Rows[0].State != report.StateExempt {
			t.Fatalf("after amy's leave and ben leaving: %+v", v.Rows)
		}

		d := write(t, e, c.amyT, c.daily.ID, "a")
		e.Must(201, "POST", "/api/v1/reports/"+d.ID+"/comments", c.leadT, map[string]any{"body": "收到"})
		var evs []notify.Event
		e.Server.DB.Where("type LIKE ?", "report.%").Order("id").Find(&evs)
		var got []string
		for _, ev := range evs {
			if ev.Data["title"] == "" || ev.Data["link"] != "/reports/"+d.ID {
				t.Fatalf("%s without title or link: %v", ev.Type, ev.Data)
			}
			got = append(got, ev.Type+">"+strings.Join(ev.Recipients, ","))
		}
		want := []string{event.ReportSubmitted + ">" + c.lead.ID, event.ReportCommented + ">" + c.amy.ID}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("events %v, want %v", got, want)
		}
	})
}
