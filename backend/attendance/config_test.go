package attendance_test

import (
	"net/http"
	"testing"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// 300 m north of the office: outside the default 200 m fence, inside 500 m.
const farLat = officeLat + 0.0027

// placeOf returns the setup's place (HQ) as the admin API shows it.
func placeOf(t *testing.T, e *servertest.Env, admin string) attendance.Place {
	t.Helper()
	var page struct{ Items []attendance.Place }
	e.Must(http.StatusOK, "GET", "/api/v1/attendance/places", admin, nil).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("places %+v", page.Items)
	}
	return page.Items[0]
}

// setRadius saves the place with a new radius (through e, whichever replica it is).
func setRadius(t *testing.T, e *servertest.Env, admin string, pl attendance.Place, radius int) {
	t.Helper()
	e.Must(http.StatusOK, "PUT", "/api/v1/attendance/places/"+pl.ID, admin, map[string]any{"name": pl.Name, "lat": pl.Lat, "lng": pl.Lng,
		"radius_m": radius, "version": pl.Version})
}

// defaultShift edits the default group's shift with fn.
func defaultShift(t *testing.T, e *servertest.Env, admin string, fn func(sh map[string]any)) {
	t.Helper()
	var page struct{ Items []map[string]any }
	e.Must(http.StatusOK, "GET", "/api/v1/attendance/shifts", admin, nil).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("shifts %+v", page.Items)
	}
	sh := page.Items[0]
	fn(sh)
	e.Must(http.StatusOK, "PUT", "/api/v1/attendance/shifts/"+sh["id"].(string), admin, sh)
}

// TestConfigEditsTakeEffectOnTheNextPunch: the attendance configuration
// is cached (config.go); a place's radius, a group's members and a shift
// edited by an admin apply to the very next punch. Each step first punches
// on the old configuration, so a cache that missed the edit would answer
// from it.
func TestConfigEditsTakeEffectOnTheNextPunch(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:45", 5)
		// The place's radius.
		r := e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(farLat, officeLng, 20))
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.outside_fence" {
			t.Fatalf("300 m out, 200 m fence: %d %s", r.Status, r.Body)
		}
		setRadius(t, e, c.admin, placeOf(t, e, c.admin), 500)
		var res attendance.PunchResult
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(farLat, officeLng, 20)).JSON(t, &res)
		if res.Punch.Method != attendance.MethodGPS || res.Day.LateMinutes != 15 {
			t.Fatalf("300 m out, 500 m fence: %+v late %d", res.Punch, res.Day.LateMinutes)
		}
		// The shift: starting at 09:00, the 08:45 punch is on time.
		defaultShift(t, e, c.admin, func(sh map[string]any) { sh["start_min"] = 9 * 60 })
		setClock(e, "08:50", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 20)).JSON(t, &res)
		if res.Day.LateMinutes != 0 {
			t.Fatalf("after the shift moved to 09:00: %+v", res.Day)
		}
		// The group's members: a group that always asks for a photo takes
		// the employee; then lets them go again.
		var g attendance.Group
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/groups", c.admin, map[string]any{"name": "Photo crew", "schedule": attendance.ScheduleFree,
			"free_minutes": 480, "photo_policy": attendance.PhotoAlways, "members": []map[string]any{{"kind": attendance.MemberUser, "ref_id": c.emp.ID}}}).JSON(t, &g)
		wantPhotoNeeded(t, e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 20)), attendance.CheckAlways)
		e.Must(http.StatusOK, "PUT", "/api/v1/attendance/groups/"+g.ID, c.admin, map[string]any{"name": g.Name, "schedule": g.Schedule,
			"free_minutes": g.FreeMinutes, "photo_policy": g.PhotoPolicy, "members": []map[string]any{}, "version": g.Version})
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 20))
	})
}

// TestConfigEditOnOneReplicaSeenByAnother: two servers on one PostgreSQL
// database, each with its own cache. An edit on either applies to the next
// punch on the other (each request reads the configuration's version row).
func TestConfigEditOnOneReplicaSeenByAnother(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	c := setup(t, e)
	_, hb, _ := e.Replica(t, "tack-attendance-cfg")
	b := *e
	b.HTTP = hb
	setClock(e, "08:45", 5)
	// Both caches hold the 200 m fence.
	for _, s := range []*servertest.Env{e, &b} {
		r := s.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(farLat, officeLng, 20))
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.outside_fence" {
			t.Fatalf("300 m out, 200 m fence: %d %s", r.Status, r.Body)
		}
	}
	setRadius(t, e, c.admin, placeOf(t, e, c.admin), 500) // on A
	var res attendance.PunchResult
	b.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(farLat, officeLng, 20)).JSON(t, &res) // on B
	if res.Punch.Method != attendance.MethodGPS || res.Day.LateMinutes != 15 {
		t.Fatalf("B after A widened the fence: %+v late %d", res.Punch, res.Day.LateMinutes)
	}
	setRadius(t, &b, c.admin, placeOf(t, &b, c.admin), 200) // on B
	r := e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(farLat, officeLng, 20))
	if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.outside_fence" {
		t.Fatalf("A after B narrowed the fence again: %d %s", r.Status, r.Body)
	}
	defaultShift(t, &b, c.admin, func(sh map[string]any) { sh["start_min"] = 9 * 60 }) // on B
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 20)).JSON(t, &res)
	if res.Day.LateMinutes != 0 {
		t.Fatalf("A after B moved the shift to 09:00: %+v", res.Day)
	}
}
