package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestMalformedAttendanceChecksRefused: the job settings, a group's photo
// and field-approval settings, the leave quote, the punch (JSON or a
// multipart form with a photo) and a head's review of a field punch answer
// malformed input with a translated 400 and change nothing.
func TestMalformedAttendanceChecksRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		var st attendance.Settings
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/settings", admin, nil).JSON(t, &st)
		var groups struct{ Items []attendance.Group }
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/groups", admin, nil).JSON(t, &groups)
		g := groups.Items[0]
		before := string(e.Must(http.StatusOK, "GET", "/api/v1/attendance/groups", admin, nil).Body)
		cases := []struct {
			name, method, path, body, key string
		}{
			{"settings: NUL", "PUT", "/api/v1/attendance/settings", `{"summary_hour":9,"version":1,"x\u0000":1}`, "invalid_text"},
			{"settings: a word for an hour", "PUT", "/api/v1/attendance/settings", `{"summary_hour":"nine","version":1}`, ""},
			{"settings: two objects", "PUT", "/api/v1/attendance/settings", `{"version":1}{"version":1}`, "invalid_json"},
			{"settings: compile day 0", "PUT", "/api/v1/attendance/settings", `{"makeup_cap":3,"summary_hour":9,"compile_day":0,"confirm_by_day":5,"version":1}`,
				"attendance.invalid"},
			{"group: unknown photo policy", "PUT", "/api/v1/attendance/groups/" + g.ID,
				`{"name":"x","schedule":"free","free_minutes":60,"photo_policy":"often","version":` + strconv.Itoa(g.Version) + `}`, "attendance.invalid"},
			{"group: field approval not a boolean", "PUT", "/api/v1/attendance/groups/" + g.ID,
				`{"name":"x","schedule":"free","free_minutes":60,"field_approval":"yes","version":` + strconv.Itoa(g.Version) + `}`, ""},
			{"punch: NUL in the device", "POST", "/api/v1/attendance/punches", `{"lat":31.2,"lng":121.4,"accuracy":10,"device":"a\u0000"}`, "invalid_text"},
			{"punch: device too long", "POST", "/api/v1/attendance/punches",
				`{"lat":31.2,"lng":121.4,"accuracy":10,"device":"` + strings.Repeat("d", 201) + `"}`, "attendance.invalid"},
			{"punch: trailing garbage", "POST", "/api/v1/attendance/punches", `{} x`, "invalid_json"},
			{"review: reason too long", "POST", "/api/v1/attendance/punches/nope/review", `{"approve":false,"reason":"` + strings.Repeat("理", 501) + `"}`,
				"attendance.invalid"},
			{"review: approve not a boolean", "POST", "/api/v1/attendance/punches/nope/review", `{"approve":"yes"}`, ""},
			{"review: NUL in the reason", "POST", "/api/v1/attendance/punches/nope/review", `{"approve":false,"reason":"a\u0000"}`, "invalid_text"},
			{"balance: unknown leave type", "GET", "/api/v1/attendance/balance?leave_type=sick&start=2026-01-12&end=2026-01-12", "", "attendance.invalid"},
			{"balance: bad date", "GET", "/api/v1/attendance/balance?leave_type=annual&start=2026-13-01&end=2026-01-12", "", "attendance.invalid"},
			{"balance: end before start", "GET", "/api/v1/attendance/balance?leave_type=annual&start=2026-01-13&end=2026-01-12", "", "attendance.invalid"},
		}
		for _, c := range cases {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.Do(c.method, c.path, admin, body)
			code, key, _ := r.ErrorCode()
			if r.Status != http.StatusBadRequest || code != "invalid" || (c.key != "" && key != c.key) || key == "" {
				t.Errorf("%s: %d %s, want 400 %s", c.name, r.Status, r.Body, c.key)
			}
		}
		// Multipart punches: a number that is not one, a field too long, a cut-off body.
		form := func(fields map[string]string, cut bool) servertest.Response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, v := range fields {
				_ = mw.WriteField(k, v)
			}
			_ = mw.Close()
			raw := b.Bytes()
			if cut {
				raw = raw[:len(raw)-10]
			}
			req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/attendance/punches", bytes.NewReader(raw))
			req.Header.Set("Authorization", "Bearer "+admin)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out bytes.Buffer
			_, _ = out.ReadFrom(resp.Body)
			return servertest.Response{Status: resp.StatusCode, Body: out.Bytes()}
		}
		for name, c := range map[string]struct {
			fields map[string]string
			cut    bool
			field  string
		}{
			"lat not a number":  {map[string]string{"lat": "north", "lng": "121.4", "accuracy": "10"}, false, "lat"},
			"device too long":   {map[string]string{"lat": "31.2", "lng": "121.4", "accuracy": "10", "device": strings.Repeat("d", 2001)}, false, "device"},
			"cut-off form":      {map[string]string{"lat": "31.2", "lng": "121.4", "accuracy": "10"}, true, ""},
			"accuracy missing":  {map[string]string{"lat": "31.2", "lng": "121.4"}, false, "accuracy"},
			"latitude too high": {map[string]string{"lat": "91", "lng": "121.4", "accuracy": "10"}, false, "lat"},
		} {
			r := form(c.fields, c.cut)
			code, key, fields := r.ErrorCode()
			if r.Status != http.StatusBadRequest || code != "invalid" || key != "attendance.invalid" || (c.field != "" && fields[c.field] == "") {
				t.Errorf("multipart %s: %d %s", name, r.Status, r.Body)
			}
		}
		var after attendance.Settings
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/settings", admin, nil).JSON(t, &after)
		if after.Version != st.Version || after.CompileDay != st.CompileDay {
			t.Errorf("a refused body changed the settings: %+v", after)
		}
		if now := string(e.Must(http.StatusOK, "GET", "/api/v1/attendance/groups", admin, nil).Body); now != before {
			t.Errorf("a refused body changed the groups:\n%s\n%s", before, now)
		}
		var ps struct{ Items []attendance.Punch }
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/punches?from=2026-01-01&to=2026-01-31", admin, nil).JSON(t, &ps)
		if len(ps.Items) != 0 {
			t.Errorf("a refused body punched: %+v", ps.Items)
		}
	})
}
