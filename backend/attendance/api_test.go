package attendance_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/attendance"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// Shanghai office, WGS-84 (what a phone reports), and a GCJ-02 copy of it
// as a Chinese map app would show it.
const officeLat, officeLng = 31.2304, 121.4737

type co struct {
	admin          string
	head, emp, bob org.User
	headT, empT    string
	bobT           string
	dept           org.Department
	tpl            map[string]string
}

func setup(t *testing.T, e *servertest.Env) co {
	t.Helper()
	var c co
	c.admin, _ = e.Setup()
	c.head, c.headT = e.NewUser(c.admin, "")
	c.dept = e.NewDepartment(c.admin, "Sales", "", &c.head.ID)
	ctx := context.Background()
	admins, _ := e.Server.Org.UsersWithRole(ctx, org.RoleAdmin)
	adminActor, _ := e.Server.Org.ActorFor(ctx, admins[0].ID)
	var err error
	if c.head, err = e.Server.Org.UpdateUser(ctx, adminActor, c.head.ID, org.UpdateUserRequest{DepartmentID: &c.dept.ID, Version: c.head.Version}); err != nil {
		t.Fatal(err)
	}
	c.emp, c.empT = e.NewUser(c.admin, c.dept.ID)
	if c.emp, err = e.Server.Org.UpdateUser(ctx, adminActor, c.emp.ID, org.UpdateUserRequest{ManagerID: org.SetID(c.head.ID), Version: c.emp.Version}); err != nil {
		t.Fatal(err)
	}
	other := e.NewDepartment(c.admin, "R&D", "", nil)
	c.bob, c.bobT = e.NewUser(c.admin, other.ID)
	gLat, gLng := attendance.WGSToGCJ(officeLat, officeLng)
	var pl attendance.Place
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/places", c.admin, map[string]any{"name": "HQ", "lat": gLat, "lng": gLng, "coords": "gcj02"}).JSON(t, &pl)
	if d := attendance.Distance(pl.Lat, pl.Lng, officeLat, officeLng); d > 0.5 || pl.RadiusM != 200 {
		t.Fatalf("place stored %.2f m off, radius %d", d, pl.RadiusM)
	}
	var page struct{ Items []approval.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/approval/templates", c.empT, nil).JSON(t, &page)
	c.tpl = map[string]string{}
	for _, tp := range page.Items {
		c.tpl[tp.BuiltinKey] = tp.ID
	}
	return c
}

// cst is the company zone; the test server's clock starts Monday 2026-01-05 09:00 UTC.
var cst = time.FixedZone("CST", 8*3600)

func setClock(e *servertest.Env, hhmm string, day int) {
	t, _ := time.ParseInLocation("2006-01-02 15:04", fmt.Sprintf("2026-01-%02d %s", day, hhmm), cst)
	e.Clock.Set(t)
}

func punchAt(lat, lng, acc float64) map[string]any {
	return map[string]any{"lat": lat, "lng": lng, "accuracy": acc}
}

func TestAPIPunchInsideOutsideAndNetwork(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:20", 5)
		// 100 m north of the office: inside the 200 m fence.
		var res attendance.PunchResult
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat+0.0009, officeLng, 30)).JSON(t, &res)
		if res.Punch.Method != attendance.MethodGPS || res.Punch.PlaceID == "" || res.Punch.DistanceM < 90 || res.Punch.DistanceM > 110 ||
			res.Punch.Lat != nil || res.Punch.WorkDate != "2026-01-05" {
			t.Fatalf("office punch %+v", res.Punch)
		}
		// A fix coarser than the radius is refused with its own key.
		r := e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 500))
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.accuracy_too_poor" {
			t.Fatalf("coarse fix: %d %s", r.Status, r.Body)
		}
		// 1 km away: outside every fence.
		r = e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat+0.009, officeLng, 20))
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.outside_fence" {
			t.Fatalf("outside: %d %s", r.Status, r.Body)
		}
		// No position and no approved network.
		r = e.Do("POST", "/api/v1/attendance/punches", c.empT, map[string]any{})
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.no_office_network" {
			t.Fatalf("no network: %d %s", r.Status, r.Body)
		}
		// The office network (the test client is 127.0.0.1 as the server sees it).
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/networks", c.admin, map[string]any{"name": "Office LAN", "cidr": "127.0.0.0/8"})
		setClock(e, "17:45", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, map[string]any{}).JSON(t, &res)
		if res.Punch.Method != attendance.MethodNetwork || res.Punch.NetworkID == "" {
			t.Fatalf("network punch %+v", res.Punch)
		}
		if res.Day.Status != attendance.StatusNormal || res.Day.FirstIn == nil || res.Day.LastOut == nil {
			t.Fatalf("day %+v", res.Day)
		}
		// Network settings are admin-only.
		if r := e.Do("POST", "/api/v1/attendance/networks", c.empT, map[string]any{"name": "x", "cidr": "0.0.0.0/0"}); r.Status != 403 {
			t.Fatalf("employee adds network: %d", r.Status)
		}
	})
}

// TestAPIPunchesAtTheSameSecond: many punches in the same second (the fake
// clock does not move) are all stored, each with its own place in the chain.
func TestAPIPunchesAtTheSameSecond(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:29", 5)
		tokens := []string{c.empT, c.empT, c.headT, c.bobT, c.headT, c.bobT}
		var wg sync.WaitGroup
		status := make([]int, len(tokens))
		for i, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status[i] = e.Do("POST", "/api/v1/attendance/punches", tok, punchAt(officeLat, officeLng, 10)).Status
			}()
		}
		wg.Wait()
		for i, s := range status {
			if s != http.StatusCreated {
				t.Fatalf("punch %d: %d", i, s)
			}
		}
		rep, err := attendance.VerifyChain(context.Background(), e.Server.DB)
		if err != nil || !rep.OK() || rep.Rows != len(tokens) || rep.Checkpoints != 1 {
			t.Fatalf("chain %+v %v", rep, err)
		}
		var page struct{ Items []attendance.Punch }
		e.Must(200, "GET", "/api/v1/attendance/punches?from=2026-01-05&to=2026-01-05", c.empT, nil).JSON(t, &page)
		if len(page.Items) != 2 || !page.Items[0].At.Equal(page.Items[1].At) || page.Items[0].ID == page.Items[1].ID {
			t.Fatalf("same-second punches %+v", page.Items)
		}
	})
}

// TestChainDetectsEditedRow: an UPDATE behind the service's back (a punch
// moved earlier) is found by VerifyChain, naming the row.
func TestChainDetectsEditedRow(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:40", 5)
		var res attendance.PunchResult
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10)).JSON(t, &res)
		setClock(e, "17:40", 5)
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		if rep, err := attendance.VerifyChain(context.Background(), e.Server.DB); err != nil || !rep.OK() {
			t.Fatalf("clean chain: %+v %v", rep, err)
		}
		earlier, _ := time.ParseInLocation("2006-01-02 15:04", "2026-01-05 08:25", cst)
		if err := e.Server.DB.Exec("UPDATE attendance_punches SET at = ? WHERE id = ?", earlier.UTC(), res.Punch.ID).Error; err != nil {
			t.Fatal(err)
		}
		rep, err := attendance.VerifyChain(context.Background(), e.Server.DB)
		if err != nil || rep.OK() {
			t.Fatalf("edited row not found: %+v %v", rep, err)
		}
		if want := fmt.Sprintf("row 1 (%s) was changed", res.Punch.ID); !bytes.Contains([]byte(rep.Problems[0]), []byte(want)) {
			t.Fatalf("problem %q, want %q", rep.Problems[0], want)
		}
		// Deleting the last row breaks the head.
		if err := e.Server.DB.Exec("DELETE FROM attendance_punches WHERE seq = 2").Error; err != nil {
			t.Fatal(err)
		}
		if rep, _ := attendance.VerifyChain(context.Background(), e.Server.DB); len(rep.Problems) < 2 {
			t.Fatalf("deleted row not found: %+v", rep)
		}
	})
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	// An EXIF segment with a position right after SOI, as phones write it.
	exif := append([]byte("Exif\x00\x00"), []byte("GPS 31.2304N 121.4737E")...)
	out := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, byte(len(exif) + 2)}, exif...)
	return append(out, b.Bytes()[2:]...)
}

func fieldForm(t *testing.T, note string, photo []byte) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("lat", "31.30")
	_ = mw.WriteField("lng", "121.50")
	_ = mw.WriteField("accuracy", "15")
	_ = mw.WriteField("note", note)
	if photo != nil {
		fw, _ := mw.CreateFormFile("photo", "site.jpg")
		_, _ = fw.Write(photo)
	}
	_ = mw.Close()
	return &body, mw.FormDataContentType()
}

func postForm(t *testing.T, e *servertest.Env, token string, body *bytes.Buffer, ct string) *http.Response {
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/attendance/punches/field", body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestAPIFieldPunchPhotoAndReview(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "09:10", 5)
		body, ct := fieldForm(t, "", nil)
		if resp := postForm(t, e, c.empT, body, ct); resp.StatusCode != 400 {
			t.Fatalf("field punch without photo: %d", resp.StatusCode)
		}
		body, ct = fieldForm(t, "客户现场安装", jpegBytes(t))
		resp := postForm(t, e, c.empT, body, ct)
		if resp.StatusCode != 201 {
			t.Fatalf("field punch: %d", resp.StatusCode)
		}
		// The head is told, in the punch's transaction (the outbox row).
		var evs []struct{ Type, Recipients string }
		if err := e.Server.DB.Raw(`SELECT type, recipients FROM events WHERE type = ?`, "attendance.field_punch").Scan(&evs).Error; err != nil ||
			len(evs) != 1 || !bytes.Contains([]byte(evs[0].Recipients), []byte(c.head.ID)) {
			t.Fatalf("field punch event %+v %v", evs, err)
		}
		var page struct{ Items []attendance.Punch }
		e.Must(200, "GET", "/api/v1/attendance/punches?from=2026-01-05&to=2026-01-05&user="+c.emp.ID, c.headT, nil).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].Method != attendance.MethodField || page.Items[0].Lat == nil || page.Items[0].Review != attendance.ReviewPending {
			t.Fatalf("head sees %+v", page.Items)
		}
		id := page.Items[0].ID
		photo := e.Must(200, "GET", "/api/v1/attendance/punches/"+id+"/photo", c.headT, nil).Body
		if bytes.Contains(photo, []byte("Exif")) || bytes.Contains(photo, []byte("GPS")) || !bytes.HasPrefix(photo, []byte{0xFF, 0xD8}) {
			t.Fatalf("photo kept its metadata")
		}
		if r := e.Do("GET", "/api/v1/attendance/punches/"+id+"/photo", c.bobT, nil); r.Status != 404 {
			t.Fatalf("bob sees the photo: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/attendance/punches/"+id+"/review", c.bobT, map[string]any{"approve": true}); r.Status != 404 {
			t.Fatalf("bob reviews: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/attendance/punches/"+id+"/review", c.empT, map[string]any{"approve": true}); r.Status != 403 {
			t.Fatalf("own review: %d", r.Status)
		}
		e.Must(200, "POST", "/api/v1/attendance/punches/"+id+"/review", c.headT, map[string]any{"approve": true})
		e.Must(200, "GET", "/api/v1/attendance/punches?from=2026-01-05&to=2026-01-05", c.empT, nil).JSON(t, &page)
		if page.Items[0].Review != attendance.ReviewApproved {
			t.Fatalf("review %+v", page.Items)
		}
		// The head's board shows the field punch; bob has no board.
		var b attendance.Board
		e.Must(200, "GET", "/api/v1/attendance/board", c.headT, nil).JSON(t, &b)
		found := false
		for _, row := range b.Rows {
			if row.UserID == c.emp.ID {
				// The board carries the field punch with its latest review, and no position.
				found = slices.Contains(row.Day.Flags, attendance.FlagField) && len(row.Punches) == 1 &&
					row.Punches[0].Review == attendance.ReviewApproved && row.Punches[0].Lat == nil
			}
		}
		if !found || b.Counts["field"] != 1 {
			t.Fatalf("board %+v", b)
		}
		if r := e.Do("GET", "/api/v1/attendance/board", c.bobT, nil); r.Status != 403 {
			t.Fatalf("bob's board: %d", r.Status)
		}
		if rep, err := attendance.VerifyChain(context.Background(), e.Server.DB); err != nil || !rep.OK() {
			t.Fatalf("chain %+v %v", rep, err)
		}
	})
}

func approveAll(t *testing.T, e *servertest.Env, id string, tokens ...string) approval.Instance {
	t.Helper()
	var inst approval.Instance
	for range 4 {
		for _, tok := range tokens {
			if r := e.Do("POST", "/api/v1/approvals/"+id+"/approve", tok, map[string]any{}); r.Status == 200 {
				r.JSON(t, &inst)
			}
		}
		if inst.Status == approval.StatusApproved {
			return inst
		}
	}
	t.Fatalf("not approved: %+v", inst)
	return inst
}

// TestAPIApprovalsExcuseAndMakeup: an approved half-day leave changes the
// day already computed; the makeup cap is enforced at submit; an approved
// makeup request fills the missing punch.
func TestAPIApprovalsExcuseAndMakeup(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		// Tuesday 6th: arrives 13:05 (late 275 min → absent by the threshold), leaves 17:40.
		setClock(e, "13:05", 6)
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		setClock(e, "17:40", 6)
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		setClock(e, "09:00", 7)
		var month struct{ Items []attendance.Day }
		e.Must(200, "GET", "/api/v1/attendance/days?month=2026-01", c.empT, nil).JSON(t, &month)
		day := func(d string) attendance.Day {
			for _, x := range month.Items {
				if x.WorkDate == d {
					return x
				}
			}
			t.Fatalf("no %s in %+v", d, month.Items)
			return attendance.Day{}
		}
		if d := day("2026-01-06"); d.Status != attendance.StatusAbsent {
			t.Fatalf("before leave: %+v", d)
		}
		if d := day("2026-01-05"); d.Status != attendance.StatusAbsent {
			t.Fatalf("monday without punches: %+v", d)
		}
		// A morning's leave, approved after the fact: the day is recomputed.
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.tpl["leave"], "form": map[string]any{
			"leave_type": "personal", "period": map[string]any{"start": "2026-01-06", "end": "2026-01-06", "end_half": "am"}, "reason": "doctor"}}).JSON(t, &inst)
		approveAll(t, e, inst.ID, c.headT, c.admin)
		e.Must(200, "GET", "/api/v1/attendance/days?month=2026-01", c.empT, nil).JSON(t, &month)
		if d := day("2026-01-06"); d.Status != attendance.StatusLate || d.LateMinutes != 5 || d.LeaveHalfDays != 1 || d.LeaveType != "personal" {
			t.Fatalf("after leave: %+v", d)
		}
		// Makeup cap 1: the first request is taken, the second refused with its key.
		var st attendance.Settings
		e.Must(200, "GET", "/api/v1/attendance/settings", c.empT, nil).JSON(t, &st)
		if st.MakeupCap != 3 {
			t.Fatalf("default cap %d", st.MakeupCap)
		}
		st.MakeupCap = 1
		e.Must(200, "PUT", "/api/v1/attendance/settings", c.admin, st)
		mk := func(date, kind string) map[string]any {
			return map[string]any{"template_id": c.tpl["makeup_clock"], "form": map[string]any{"date": date, "kind": kind, "reason": "forgot"}}
		}
		// Nothing to make up on the 6th's arrival? It was late: allowed; a normal day is not.
		var mkInst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, mk("2026-01-05", "in")).JSON(t, &mkInst)
		r := e.Do("POST", "/api/v1/approvals", c.empT, mk("2026-01-05", "out"))
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.makeup_cap_reached" {
			t.Fatalf("over the cap: %d %s", r.Status, r.Body)
		}
		var today attendance.Today
		e.Must(200, "GET", "/api/v1/attendance/today", c.empT, nil).JSON(t, &today)
		if today.MakeupLeft != 0 || today.MakeupUsed != 1 {
			t.Fatalf("today %+v", today)
		}
		approveAll(t, e, mkInst.ID, c.headT, c.admin)
		e.Must(200, "GET", "/api/v1/attendance/days?month=2026-01", c.empT, nil).JSON(t, &month)
		d := day("2026-01-05")
		if d.FirstIn == nil || !d.FirstIn.Equal(time.Date(2026, 1, 5, 8, 30, 0, 0, cst)) || d.Status != attendance.StatusMissing {
			t.Fatalf("makeup filled: %+v", d)
		}
		if rep, err := attendance.VerifyChain(context.Background(), e.Server.DB); err != nil || !rep.OK() {
			t.Fatalf("chain %+v %v", rep, err)
		}
	})
}

// TestAPICorrectionsAreNewRowsAndAudited: a manager's correction adds a
// punch or voids one as a new chained row with actor and reason, the day
// is derived again, the audit log names it; an employee may not correct.
func TestAPICorrectionsAreNewRowsAndAudited(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:20", 5)
		var first attendance.PunchResult
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10)).JSON(t, &first)
		setClock(e, "09:00", 6)
		in := time.Date(2026, 1, 5, 17, 45, 0, 0, cst)
		body := map[string]any{"user_id": c.emp.ID, "at": in, "reason": "门禁记录显示 17:45 离开"}
		if r := e.Do("POST", "/api/v1/attendance/corrections", c.empT, body); r.Status != 403 {
			t.Fatalf("employee corrects: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/attendance/corrections", c.admin, map[string]any{"user_id": c.emp.ID, "at": in}); r.Status != 400 {
			t.Fatalf("correction without a reason: %d", r.Status)
		}
		var res attendance.PunchResult
		e.Must(201, "POST", "/api/v1/attendance/corrections", c.admin, body).JSON(t, &res)
		if res.Punch.Method != attendance.MethodCorrection || res.Punch.Reason == "" || res.Punch.WorkDate != "2026-01-05" || res.Day.Status != attendance.StatusNormal {
			t.Fatalf("correction %+v", res)
		}
		// Voiding the morning punch: the row stays, the day loses it.
		e.Must(201, "POST", "/api/v1/attendance/corrections", c.admin, map[string]any{"user_id": c.emp.ID, "voids": first.Punch.ID, "reason": "代打卡"}).JSON(t, &res)
		if res.Day.Status != attendance.StatusMissing {
			t.Fatalf("after voiding: %+v", res.Day)
		}
		var page struct{ Items []attendance.Punch }
		e.Must(200, "GET", "/api/v1/attendance/punches?from=2026-01-05&to=2026-01-05&user="+c.emp.ID, c.admin, nil).JSON(t, &page)
		if len(page.Items) != 3 || page.Items[0].ID != first.Punch.ID {
			t.Fatalf("punches %+v", page.Items)
		}
		var audit struct {
			Items []struct{ Action, TargetID string }
		}
		e.Must(200, "GET", "/api/v1/audit?limit=50", c.admin, nil).JSON(t, &audit)
		n := 0
		for _, a := range audit.Items {
			if a.Action == "attendance.punch.correct" {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("audited corrections %d: %+v", n, audit.Items)
		}
		if rep, err := attendance.VerifyChain(context.Background(), e.Server.DB); err != nil || !rep.OK() || rep.Rows != 3 {
			t.Fatalf("chain %+v %v", rep, err)
		}
		// A photo that is not a JPEG is refused with its key.
		b, ct := fieldForm(t, "现场", []byte("GIF89a not a jpeg"))
		resp := postForm(t, e, c.empT, b, ct)
		if resp.StatusCode != 400 {
			t.Fatalf("gif photo: %d", resp.StatusCode)
		}
	})
}

// TestSettingsRowsSaveByVersion: a place, a network and a shift saved by
// two managers from the same version: the first save bumps the version and
// keeps the creation time, the second is refused as stale and changes
// nothing.
func TestSettingsRowsSaveByVersion(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		for _, tc := range []struct {
			path string
			body map[string]any
		}{
			{"/api/v1/attendance/places", map[string]any{"name": "Site", "lat": officeLat, "lng": officeLng, "radius_m": 300}},
			{"/api/v1/attendance/networks", map[string]any{"name": "LAN", "cidr": "10.1.0.0/16"}},
			{"/api/v1/attendance/shifts", map[string]any{"name": "Early", "start_min": 480, "end_min": 1020}},
		} {
			var row struct {
				ID        string    `json:"id"`
				Name      string    `json:"name"`
				Version   int       `json:"version"`
				CreatedAt time.Time `json:"created_at"`
			}
			e.Must(http.StatusCreated, "POST", tc.path, c.admin, tc.body).JSON(t, &row)
			created := row.CreatedAt
			first := map[string]any{"version": 1}
			second := map[string]any{"version": 1}
			for k, v := range tc.body {
				first[k], second[k] = v, v
			}
			first["name"], second["name"] = "first", "second"
			e.Must(http.StatusOK, "PUT", tc.path+"/"+row.ID, c.admin, first).JSON(t, &row)
			if row.Version != 2 || row.Name != "first" || !row.CreatedAt.Equal(created) {
				t.Fatalf("%s: first save %+v (created %v)", tc.path, row, created)
			}
			if r := e.Do("PUT", tc.path+"/"+row.ID, c.admin, second); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "attendance.stale_version") {
				t.Fatalf("%s: second save from version 1: %d %s", tc.path, r.Status, r.Body)
			}
		}
	})
}
