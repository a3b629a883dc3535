package api_test

import (
	"net/http"
	"testing"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestMalformedRotaBodiesRefused: the rota routes (backend/attendance/rota.go)
// answer a body that is not one well-formed JSON value of the right shape,
// or an upload that is not a spreadsheet, with a translated 400, and
// change nothing, on both databases.
func TestMalformedRotaBodiesRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		dept := e.NewDepartment(admin, "Store", "", nil)
		user, _ := e.NewUser(admin, dept.ID)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/groups", admin, map[string]any{"name": "Rota", "schedule": "rota",
			"members": []map[string]string{{"kind": "department", "ref_id": dept.ID}}})
		base := "/api/v1/attendance/rota/" + dept.ID
		e.Must(http.StatusOK, "PUT", base, admin, map[string]any{"cells": []map[string]any{{"user_id": user.ID, "date": "2026-01-20", "shift_id": ""}}})
		before := string(e.Must(http.StatusOK, "GET", base+"/2026-01", admin, nil).Body)
		cases := []struct {
			name, method, path, body, key string
		}{
			{"NUL in a shift", "PUT", base, `{"cells":[{"user_id":"` + user.ID + `","date":"2026-01-21","shift_id":"a\u0000"}]}`, "invalid_text"},
			{"lone surrogate in a user", "PUT", base, `{"cells":[{"user_id":"\ud800","date":"2026-01-21"}]}`, "invalid_text"},
			{"invalid UTF-8", "PUT", base, "{\"cells\":[{\"user_id\":\"\xff\",\"date\":\"2026-01-21\"}]}", "invalid_utf8"},
			{"trailing garbage", "PUT", base, `{"cells":[]} x`, "invalid_json"},
			{"cells not a list", "PUT", base, `{"cells":{"a":1}}`, "invalid_json"},
			{"empty body", "PUT", base, ``, "invalid_json"},
			{"no cells", "PUT", base, `{"cells":[]}`, "attendance.invalid"},
			{"a date that is not one", "PUT", base, `{"cells":[{"user_id":"` + user.ID + `","date":"20/01/2026"}]}`, "attendance.rota_invalid"},
			{"cycle pattern not a list", "POST", base + "/cycle", `{"user_ids":["` + user.ID + `"],"from":"2026-01-01","to":"2026-01-31","pattern":"早早晚晚休"}`, "invalid_json"},
			{"cycle backwards", "POST", base + "/cycle", `{"user_ids":["` + user.ID + `"],"from":"2026-01-31","to":"2026-01-01","pattern":[""]}`, "attendance.invalid"},
			{"cycle a year long", "POST", base + "/cycle", `{"user_ids":["` + user.ID + `"],"from":"2026-01-01","to":"2026-12-31","pattern":[""]}`, "attendance.invalid"},
			{"copy of a kind", "POST", base + "/copy", `{"kind":"decade","to":"2026-01"}`, "attendance.invalid"},
			{"copy to no date", "POST", base + "/copy", `{"kind":"week","to":"soon"}`, "attendance.invalid"},
			{"copy NUL", "POST", base + "/copy", `{"kind":"week\u0000","to":"2026-01-12"}`, "invalid_text"},
			{"import a CSV", "POST", base + "/2026-01/import", "person,2026-01-01\n" + user.ID + ",休\n", "attendance.rota_file_invalid"},
			{"import nothing", "POST", base + "/2026-01/import", "", "attendance.rota_file_invalid"},
			{"import a bad month", "POST", base + "/2026-1/import", "x", "attendance.invalid"},
		}
		for _, c := range cases {
			r := e.Do(c.method, c.path, admin, c.body)
			if code, key, _ := r.ErrorCode(); r.Status != http.StatusBadRequest || code != "invalid" || key != c.key {
				t.Errorf("%s: %d %s, want 400 %s", c.name, r.Status, r.Body, c.key)
			}
		}
		if r := e.Do("GET", base+"/2026-13", admin, nil); r.Status != http.StatusBadRequest {
			t.Errorf("month 13: %d", r.Status)
		}
		if after := string(e.Must(http.StatusOK, "GET", base+"/2026-01", admin, nil).Body); after != before {
			t.Errorf("a refused body changed the rota:\nbefore %s\nafter  %s", before, after)
		}
		var sh attendance.RotaSheet
		e.Must(http.StatusOK, "GET", base+"/2026-01", admin, nil).JSON(t, &sh)
		if len(sh.Cells) != 1 {
			t.Errorf("cells %+v", sh.Cells)
		}
	})
}
