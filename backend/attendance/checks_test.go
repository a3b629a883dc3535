package attendance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// punchForm is a position punch as a multipart form, with a photo when given.
func punchForm(t *testing.T, e *servertest.Env, token string, lat, lng, acc float64, device string, mock bool, photo []byte) servertest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("lat", fmt.Sprint(lat))
	_ = mw.WriteField("lng", fmt.Sprint(lng))
	_ = mw.WriteField("accuracy", fmt.Sprint(acc))
	_ = mw.WriteField("device", device)
	_ = mw.WriteField("mock", fmt.Sprint(mock))
	if photo != nil {
		fw, _ := mw.CreateFormFile("photo", "p.jpg")
		_, _ = fw.Write(photo)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/attendance/punches", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return servertest.Response{Status: resp.StatusCode, Body: buf.Bytes()}
}

func wantPhotoNeeded(t *testing.T, r servertest.Response, reasons string) {
	t.Helper()
	_, key, fields := r.ErrorCode()
	if r.Status != 400 || key != "attendance.photo_needed" || fields["reasons"] != reasons || fields["photo"] != "required" {
		t.Fatalf("want photo_needed (%s): %d %s", reasons, r.Status, r.Body)
	}
}

// defaultGroup edits the default group (everyone's in these tests) with fn.
func defaultGroup(t *testing.T, e *servertest.Env, admin string, fn func(g map[string]any)) {
	t.Helper()
	var page struct{ Items []map[string]any }
	e.Must(200, "GET", "/api/v1/attendance/groups", admin, nil).JSON(t, &page)
	for _, g := range page.Items {
		if g["is_default"] == true {
			fn(g)
			e.Must(200, "PUT", "/api/v1/attendance/groups/"+g["id"].(string), admin, g)
			return
		}
	}
	t.Fatal("no default group")
}

// TestPhotoOnlyWhenSuspicious: an ordinary punch inside the fence asks for
// no photo; one whose fix reaches past the fence, a simulated position, a
// new browser, or a group that always wants one is refused until it
// carries a photo, which is then kept without metadata, with the reasons.
func TestPhotoOnlyWhenSuspicious(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:20", 5)
		// Ordinary: 30 m fix, 100 m in, the first browser. No photo, none asked.
		r := punchForm(t, e, c.empT, officeLat+0.0009, officeLng, 30, "phone-a", false, nil)
		var res attendance.PunchResult
		r.JSON(t, &res)
		if r.Status != 201 || res.Punch.PhotoID != "" || res.Punch.Checks != "" {
			t.Fatalf("ordinary punch: %d %s", r.Status, r.Body)
		}
		// The same phone by JSON: still nothing asked.
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, map[string]any{"lat": officeLat, "lng": officeLng, "accuracy": 20, "device": "phone-a"})
		// 170 m from the centre with a 50 m fix: the fix may be outside the 200 m fence.
		wantPhotoNeeded(t, punchForm(t, e, c.empT, officeLat+0.00153, officeLng, 50, "phone-a", false, nil), "edge")
		// A browser never used before, with the simulator hint.
		wantPhotoNeeded(t, punchForm(t, e, c.empT, officeLat, officeLng, 20, "phone-b", true, nil), "mock,new_device")
		// No device at all from someone with a known phone counts as new; a 0.5 m fix is a simulator's.
		wantPhotoNeeded(t, e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 0.5)), "mock,new_device")
		// A refused punch wrote nothing.
		var page struct{ Items []attendance.Punch }
		e.Must(200, "GET", "/api/v1/attendance/punches?from=2026-01-05&to=2026-01-05", c.empT, nil).JSON(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("punches after refusals: %d", len(page.Items))
		}
		// With a photo the new browser's punch goes through; the photo lost its EXIF and the reasons are kept.
		r = punchForm(t, e, c.empT, officeLat, officeLng, 20, "phone-b", false, jpegBytes(t))
		r.JSON(t, &res)
		if r.Status != 201 || res.Punch.PhotoID == "" || res.Punch.Checks != "new_device" {
			t.Fatalf("punch with photo: %d %s", r.Status, r.Body)
		}
		photo := e.Must(200, "GET", "/api/v1/attendance/punches/"+res.Punch.ID+"/photo", c.headT, nil).Body
		if bytes.Contains(photo, []byte("GPS")) {
			t.Fatal("the punch photo kept its metadata")
		}
		// phone-b is now known.
		if r := punchForm(t, e, c.empT, officeLat, officeLng, 20, "phone-b", false, nil); r.Status != 201 {
			t.Fatalf("known phone-b: %d %s", r.Status, r.Body)
		}
		// A photo that is not a JPEG is refused.
		if r := punchForm(t, e, c.empT, officeLat, officeLng, 20, "phone-c", false, []byte("not a jpeg")); r.Status != 400 {
			t.Fatalf("bad photo: %d %s", r.Status, r.Body)
		}
		// The office network is the office: no photo even from a new device.
		e.Must(201, "POST", "/api/v1/attendance/networks", c.admin, map[string]any{"name": "LAN", "cidr": "127.0.0.0/8"})
		e.Must(201, "POST", "/api/v1/attendance/punches", c.empT, map[string]any{})
		// The group asks for a photo on every punch: the network punch too.
		defaultGroup(t, e, c.admin, func(g map[string]any) { g["photo_policy"] = "always" })
		wantPhotoNeeded(t, e.Do("POST", "/api/v1/attendance/punches", c.empT, map[string]any{}), "always")
		wantPhotoNeeded(t, punchForm(t, e, c.empT, officeLat, officeLng, 20, "phone-a", false, nil), "always")
		if r := punchForm(t, e, c.empT, officeLat, officeLng, 20, "phone-a", false, jpegBytes(t)); r.Status != 201 {
			t.Fatalf("always, with photo: %d %s", r.Status, r.Body)
		}
		// An unknown policy is refused with its field.
		var page2 struct{ Items []map[string]any }
		e.Must(200, "GET", "/api/v1/attendance/groups", c.admin, nil).JSON(t, &page2)
		g := page2.Items[0]
		g["photo_policy"] = "sometimes"
		if _, _, f := e.Do("PUT", "/api/v1/attendance/groups/"+g["id"].(string), c.admin, g).ErrorCode(); f["photo_policy"] != "invalid" {
			t.Fatalf("bad policy fields %v", f)
		}
	})
}

// TestFieldPunchApprovalPerGroup: with the group's field approval a field
// punch is kept but not counted until the head approves it; the head is
// told it needs approval; approving derives the day again, rejecting
// leaves it without the punch.
func TestFieldPunchApprovalPerGroup(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		defaultGroup(t, e, c.admin, func(g map[string]any) { g["field_approval"] = true })
		setClock(e, "08:25", 5)
		body, ct := fieldForm(t, "客户现场", jpegBytes(t))
		resp := postForm(t, e, c.empT, body, ct)
		var res attendance.PunchResult
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 201 {
			t.Fatalf("field punch: %d %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		if res.Punch.Review != attendance.ReviewAwaiting || res.Day.FirstIn != nil || !slices.Contains(res.Day.Flags, attendance.FlagFieldAwaiting) {
			t.Fatalf("awaiting punch %+v day %+v", res.Punch, res.Day)
		}
		var data []string
		if err := e.Server.DB.Raw(`SELECT data FROM events WHERE type = ?`, "attendance.field_punch").Scan(&data).Error; err != nil ||
			len(data) != 1 || !strings.Contains(data[0], `"needs_approval":true`) {
			t.Fatalf("head's notification %v %v", data, err)
		}
		// The head's board lists it, waiting.
		var b attendance.Board
		e.Must(200, "GET", "/api/v1/attendance/board?date=2026-01-05", c.headT, nil).JSON(t, &b)
		seen := false
		for _, row := range b.Rows {
			if row.UserID == c.emp.ID && len(row.Punches) == 1 {
				seen = row.Punches[0].NeedsApproval && row.Punches[0].Review == attendance.ReviewAwaiting && row.Day.FirstIn == nil
			}
		}
		if !seen {
			t.Fatalf("board %+v", b.Rows)
		}
		var rv attendance.Punch
		e.Must(200, "POST", "/api/v1/attendance/punches/"+res.Punch.ID+"/review", c.headT, map[string]any{"approve": true}).JSON(t, &rv)
		var month struct{ Items []attendance.Day }
		e.Must(200, "GET", "/api/v1/attendance/days?month=2026-01", c.empT, nil).JSON(t, &month)
		var day attendance.Day
		for _, d := range month.Items {
			if d.WorkDate == "2026-01-05" {
				day = d
			}
		}
		if day.FirstIn == nil || !slices.Contains(day.Flags, attendance.FlagField) || slices.Contains(day.Flags, attendance.FlagFieldAwaiting) {
			t.Fatalf("approved day %+v", day)
		}
		// Tuesday's field punch is rejected: the day stays without it.
		setClock(e, "08:25", 6)
		body, ct = fieldForm(t, "另一个客户", jpegBytes(t))
		resp = postForm(t, e, c.empT, body, ct)
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 201 {
			t.Fatalf("second field punch: %d %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		e.Must(200, "POST", "/api/v1/attendance/punches/"+res.Punch.ID+"/review", c.headT, map[string]any{"approve": false})
		e.Must(200, "GET", "/api/v1/attendance/days?month=2026-01", c.empT, nil).JSON(t, &month)
		for _, d := range month.Items {
			if d.WorkDate == "2026-01-06" && (d.FirstIn != nil || slices.Contains(d.Flags, attendance.FlagFieldAwaiting)) {
				t.Fatalf("rejected day %+v", d)
			}
		}
		// Without field approval (the default) a field punch counts at once.
		defaultGroup(t, e, c.admin, func(g map[string]any) { g["field_approval"] = false })
		setClock(e, "08:25", 7)
		body, ct = fieldForm(t, "第三个客户", jpegBytes(t))
		resp = postForm(t, e, c.empT, body, ct)
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 201 || res.Day.FirstIn == nil ||
			res.Punch.Review != attendance.ReviewPending {
			t.Fatalf("field punch without approval: %d %+v", resp.StatusCode, res)
		}
		resp.Body.Close()
	})
}
