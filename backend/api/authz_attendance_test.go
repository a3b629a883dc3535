package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"testing"

	"tack/backend/attendance"
)

// attendanceWorld: the admin's shift, group, place and network, and
// alice's field punch with its photo (her head may see it, bob may not).
type attendanceWorld struct {
	shift, group, place, network string
	fieldPunch, photo            string
}

func (w *authzWorld) attendanceObjects(t *testing.T) {
	e := w.e
	var sh attendance.Shift
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/shifts", w.admin, map[string]any{"name": "Early", "start_min": 420, "end_min": 960,
		"serious_late_min": 30}).JSON(t, &sh)
	var g attendance.Group
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/groups", w.admin, map[string]any{"name": "A team", "schedule": "fixed", "field_allowed": true,
		"week_shifts": []string{sh.ID, sh.ID, sh.ID, sh.ID, sh.ID, "", ""},
		"members":     []map[string]string{{"kind": "department", "ref_id": w.deptA.ID}}}).JSON(t, &g)
	var pl attendance.Place
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/places", w.admin, map[string]any{"name": "HQ", "lat": 31.2304, "lng": 121.4737}).JSON(t, &pl)
	var n attendance.Network
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/networks", w.admin, map[string]any{"name": "LAN", "cidr": "10.0.0.0/8"}).JSON(t, &n)
	w.att = attendanceWorld{shift: sh.ID, group: g.ID, place: pl.ID, network: n.ID}

	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"lat": "31.3", "lng": "121.5", "accuracy": "20", "note": "at the customer's"} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("photo", "p.jpg")
	_, _ = fw.Write(img.Bytes())
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/attendance/punches/field", &body)
	req.Header.Set("Authorization", "Bearer "+w.aliceT)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("alice's field punch: %v %v", resp, err)
	}
	var res attendance.PunchResult
	servertestJSON(t, resp, &res)
	w.att.fieldPunch, w.att.photo = res.Punch.ID, res.Punch.PhotoID
	// Last month's reports (2025-12 on the test clock), as the days job compiles them on the 1st.
	if _, err := e.Server.Attendance.RunDays(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// attendanceSnapshot: what bob's calls could change, read by its owners.
func (w *authzWorld) attendanceSnapshot() map[string]string {
	return map[string]string{
		"/api/v1/attendance/shifts":                                 w.admin,
		"/api/v1/attendance/groups":                                 w.admin,
		"/api/v1/attendance/places":                                 w.admin,
		"/api/v1/attendance/networks":                               w.admin,
		"/api/v1/attendance/settings":                               w.admin,
		"/api/v1/attendance/punches?from=2026-01-01&to=2026-01-31":  w.aliceT,
		"/api/v1/attendance/punches/" + w.att.fieldPunch + "/photo": w.aliceT,
		"/api/v1/attendance/months/" + w.deptA.ID + "/2025-12":      w.admin,
		"/api/v1/attendance/rota/" + w.deptA.ID + "/2026-01":        w.admin,
	}
}

// attendanceSweepCases: alice's punch and photo are hers, her head's and
// the managers'; every setting and correction is a manager's.
func attendanceSweepCases() []sweepCase {
	punch := func(w *authzWorld) string { return w.att.fieldPunch }
	shift := func(w *authzWorld) string { return w.att.shift }
	group := func(w *authzWorld) string { return w.att.group }
	place := func(w *authzWorld) string { return w.att.place }
	network := func(w *authzWorld) string { return w.att.network }
	shiftBody := map[string]any{"name": "Bob's", "start_min": 600, "end_min": 660, "version": 1}
	groupBody := map[string]any{"name": "Bob's", "schedule": "free", "free_minutes": 60, "version": 1, "photo_policy": "always", "field_approval": true,
		"members": []map[string]string{{"kind": "department", "ref_id": "none"}}}
	// Every job setting, valid: refused for the role, not for a bad value.
	settingsBody := map[string]any{"makeup_cap": 30, "remind_before_min": 0, "remind_after_min": 0, "summary_hour": 0, "compile_day": 1,
		"confirm_by_day": 28, "leave_balance_check": true, "version": 1}
	placeBody := map[string]any{"name": "Bob's", "lat": 0, "lng": 0, "radius_m": 5000, "version": 1}
	netBody := map[string]any{"name": "Bob's", "cidr": "0.0.0.0/0", "version": 1}
	return []sweepCase{
		{route: "GET /api/v1/attendance/punches/{id}/photo", path: p("/api/v1/attendance/punches/%/photo", punch), want: hidden},
		{route: "POST /api/v1/attendance/punches/{id}/review", path: p("/api/v1/attendance/punches/%/review", punch), body: map[string]any{"approve": false}, want: hidden},
		{route: "GET /api/v1/attendance/punches", path: p("/api/v1/attendance/punches?from=2026-01-01&to=2026-01-31&user=%", aliceID), want: hidden},
		{route: "GET /api/v1/attendance/days", path: p("/api/v1/attendance/days?month=2026-01&user=%", aliceID), want: hidden},
		{route: "GET /api/v1/attendance/board", path: p("/api/v1/attendance/board?department=%", deptAID), want: hidden},
		{route: "GET /api/v1/attendance/board", path: p("/api/v1/attendance/board"), want: hidden},
		{route: "POST /api/v1/attendance/corrections", path: p("/api/v1/attendance/corrections"), body: map[string]any{"user_id": "{bobID}",
			"at": "2026-01-05T00:30:00Z", "reason": "x"}, want: refused},
		{route: "PUT /api/v1/attendance/settings", path: p("/api/v1/attendance/settings"), body: settingsBody, want: refused},
		{route: "GET /api/v1/attendance/shifts", path: p("/api/v1/attendance/shifts"), want: refused},
		{route: "POST /api/v1/attendance/shifts", path: p("/api/v1/attendance/shifts"), body: shiftBody, want: refused},
		{route: "PUT /api/v1/attendance/shifts/{id}", path: p("/api/v1/attendance/shifts/%", shift), body: shiftBody, want: refused},
		{route: "DELETE /api/v1/attendance/shifts/{id}", path: p("/api/v1/attendance/shifts/%", shift), want: refused},
		{route: "GET /api/v1/attendance/groups", path: p("/api/v1/attendance/groups"), want: refused},
		{route: "POST /api/v1/attendance/groups", path: p("/api/v1/attendance/groups"), body: groupBody, want: refused},
		{route: "PUT /api/v1/attendance/groups/{id}", path: p("/api/v1/attendance/groups/%", group), body: groupBody, want: refused},
		{route: "DELETE /api/v1/attendance/groups/{id}", path: p("/api/v1/attendance/groups/%", group), want: refused},
		{route: "GET /api/v1/attendance/places", path: p("/api/v1/attendance/places"), want: refused},
		{route: "POST /api/v1/attendance/places", path: p("/api/v1/attendance/places"), body: placeBody, want: refused},
		{route: "PUT /api/v1/attendance/places/{id}", path: p("/api/v1/attendance/places/%", place), body: placeBody, want: refused},
		{route: "DELETE /api/v1/attendance/places/{id}", path: p("/api/v1/attendance/places/%", place), want: refused},
		{route: "GET /api/v1/attendance/networks", path: p("/api/v1/attendance/networks"), want: refused},
		{route: "POST /api/v1/attendance/networks", path: p("/api/v1/attendance/networks"), body: netBody, want: refused},
		{route: "PUT /api/v1/attendance/networks/{id}", path: p("/api/v1/attendance/networks/%", network), body: netBody, want: refused},
		{route: "DELETE /api/v1/attendance/networks/{id}", path: p("/api/v1/attendance/networks/%", network), want: refused},
		{route: "GET /api/v1/attendance/months", path: p("/api/v1/attendance/months?month=2025-12"), want: refused},
		{route: "GET /api/v1/attendance/months/{dept}/{month}", path: p("/api/v1/attendance/months/%/2025-12", deptAID), want: hidden},
		{route: "POST /api/v1/attendance/months/{dept}/{month}/confirm", path: p("/api/v1/attendance/months/%/2025-12/confirm", deptAID),
			body: map[string]any{"version": 1}, want: hidden},
		{route: "POST /api/v1/attendance/months/{dept}/{month}/return", path: p("/api/v1/attendance/months/%/2025-12/return", deptAID),
			body: map[string]any{"version": 1, "comment": "x"}, want: hidden},
		{route: "GET /api/v1/attendance/months/{dept}/{month}/export", path: p("/api/v1/attendance/months/%/2025-12/export", deptAID), want: hidden},
		{route: "GET /api/v1/attendance/balance", path: p("/api/v1/attendance/balance"), want: 200, why: "bob's own leave balance"},
		{route: "GET /api/v1/attendance/balance", path: p("/api/v1/attendance/balance?leave_type=annual&start=2026-01-12&end=2026-01-16"), want: 200,
			why: "what bob's own leave request would take (the leave form)"},
		{route: "GET /api/v1/attendance/today", path: p("/api/v1/attendance/today"), want: 200, why: "bob's own day"},
		{route: "GET /api/v1/attendance/settings", path: p("/api/v1/attendance/settings"), want: 200, why: "the makeup cap is company policy every employee reads"},
	}
}

func servertestJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
