package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tack/backend/clock"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// The punch goes through the desktop's proxy to a real server, which
// decides by the address it sees. The server here trusts a reverse proxy on
// its own machine (TrustProxy); the page's own X-Forwarded-For must not be
// passed on, or any window could claim the office network.
func TestDesktopPunchThroughTheProxy(t *testing.T) {
	servertest.EachWith(t, func(c *server.Config) { c.TrustProxy = true }, testDesktopPunchThroughTheProxy)
}

func testDesktopPunchThroughTheProxy(t *testing.T, env *servertest.Env) {
	env.Clock.Set(time.Now()) // the cookie jar expires cookies by the wall clock
	admin, _ := env.Setup()
	p := proxyTo(t, env.HTTP.URL)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	signIn(t, front.URL)
	env.Must(http.StatusCreated, "POST", "/api/v1/attendance/networks", admin, map[string]any{"name": "总部", "cidr": "10.1.0.0/16"})

	// The window (the web 我的考勤 page) punches through the proxy, claiming an office address.
	req, _ := http.NewRequest("POST", front.URL+"/api/v1/attendance/punches", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Tack-Request", "1")
	req.Header.Set("X-Forwarded-For", "10.1.2.3")
	req.Header.Set("X-Real-IP", "10.1.2.3")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e apiError
	_ = json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || e.Error.Key != "attendance.no_office_network" {
		t.Fatalf("spoofed punch: %d %q, want 400 attendance.no_office_network", resp.StatusCode, e.Error.Key)
	}

	// The tray's punch: refused off the office network, with the reason.
	notes := &FakeNotifier{}
	pu := &Puncher{Server: p, Notifier: notes, ConfigDir: t.TempDir()}
	r := pu.Punch(context.Background())
	if r.OK || r.Key != "attendance.no_office_network" {
		t.Fatalf("off the office network: %+v", r)
	}
	got := notes.All()
	if len(got) != 1 || got[0].Title != "Tack：打卡失败" || !strings.Contains(got[0].Body, "不在公司办公网络内") || got[0].Link != "/attendance" {
		t.Fatalf("refusal notice: %+v", got)
	}

	// This computer's own address (loopback here) is an office network: the
	// punch is a network punch, notified with its time.
	env.Must(http.StatusCreated, "POST", "/api/v1/attendance/networks", admin, map[string]any{"name": "本机", "cidr": "127.0.0.0/8"})
	pu.Lang = func() string { return langEN }
	r = pu.Punch(context.Background())
	if !r.OK || r.Method != "network" {
		t.Fatalf("on the office network: %+v", r)
	}
	at, _ := time.Parse(time.RFC3339, r.At)
	got = notes.All()
	if len(got) != 2 || got[1].Title != "Tack: Punched" || got[1].Body != "Punched at "+at.Local().Format("15:04") {
		t.Fatalf("success notice: %+v", got)
	}
}

// fakeAttendance is a team server's today and punch routes for the
// automatic punch: its day, shift and punches are the test's.
type fakeAttendance struct {
	mu      sync.Mutex
	date    string
	punches int
	refuse  bool // not on the office network
	posts   int
	gets    int
}

func (f *fakeAttendance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/attendance/today":
		f.gets++
		ps := make([]map[string]any, f.punches)
		for i := range ps {
			ps[i] = map[string]any{"id": "p"}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"date": f.date, "day_type": "work",
			"shift": map[string]any{"start_min": 9 * 60, "earliest_in_min": 60, "grace_min": 5}, "punches": ps})
	case r.Method == "POST" && r.URL.Path == "/api/v1/attendance/punches":
		f.posts++
		if f.refuse {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":{"code":"invalid","key":"attendance.no_office_network","message":"not on an office network"}}`))
			return
		}
		f.punches++
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"punch": map[string]any{"at": time.Date(2026, 12, 7, 8, 31, 0, 0, time.Local), "method": "network"}})
	default:
		http.NotFound(w, r)
	}
}

// The automatic punch (极速打卡): off by default; on, it punches once inside
// the clock-in window (earliest in .. start + grace) when the day has no
// punch yet, never twice for a work day, also across a restart, and stays
// quiet while the computer is not on the office network.
func TestDesktopAutoPunchOncePerWindow(t *testing.T) {
	srv := &fakeAttendance{date: "2026-12-07", refuse: true}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	clk := clock.NewFake(time.Date(2026, 12, 7, 7, 50, 0, 0, time.Local))
	notes := &FakeNotifier{}
	newPuncher := func() *Puncher { // a fresh process: nothing in memory
		return &Puncher{Server: proxyTo(t, hs.URL), Notifier: notes, ConfigDir: dir, Now: clk.Now}
	}
	pu := newPuncher()
	ctx := context.Background()
	posts := func() int { srv.mu.Lock(); defer srv.mu.Unlock(); return srv.posts }

	clk.Set(time.Date(2026, 12, 7, 8, 30, 0, 0, time.Local))
	if pu.AutoCheck(ctx) || posts() != 0 {
		t.Fatal("the automatic punch is off by default")
	}
	if err := SavePunchPrefs(dir, PunchPrefs{Auto: true}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 12, 7, 7, 50, 0, 0, time.Local)) // before 08:00 (09:00 − 60 min)
	if pu.AutoCheck(ctx) || posts() != 0 {
		t.Fatal("punched before the window")
	}
	// Until the window opens the tray's minute does not ask the server again.
	gets := func() int { srv.mu.Lock(); defer srv.mu.Unlock(); return srv.gets }
	clk.Set(time.Date(2026, 12, 7, 7, 59, 0, 0, time.Local))
	if pu.AutoCheck(ctx) || gets() != 1 {
		t.Fatalf("asked the server %d times before the window, want 1", gets())
	}
	clk.Set(time.Date(2026, 12, 7, 8, 30, 0, 0, time.Local))
	if pu.AutoCheck(ctx) || posts() != 1 || len(notes.All()) != 0 {
		t.Fatalf("off the office network: posts %d, notices %+v; want one quiet try", posts(), notes.All())
	}
	srv.mu.Lock()
	srv.refuse = false // the laptop joins the office Wi-Fi
	srv.mu.Unlock()
	if !pu.AutoCheck(ctx) || posts() != 2 {
		t.Fatal("no automatic punch inside the window on the office network")
	}
	got := notes.All()
	if len(got) != 1 || got[0].Title != "Tack：已自动打卡（极速打卡）" || got[0].Body != "打卡时间 08:31" {
		t.Fatalf("notice: %+v", got)
	}
	if p, _ := LoadPunchPrefs(dir); p.LastAuto != "2026-12-07" || !p.Auto {
		t.Fatalf("prefs: %+v", p)
	}
	// Never twice: not in this process, not after a restart, even when the
	// server's day would not show the punch (a correction voided it).
	srv.mu.Lock()
	srv.punches = 0
	srv.mu.Unlock()
	g := gets()
	if pu.AutoCheck(ctx) || gets() != g {
		t.Fatal("asked the server again after the day's automatic punch")
	}
	if pu.AutoCheck(ctx) || newPuncher().AutoCheck(ctx) || posts() != 2 {
		t.Fatalf("punched twice: %d posts", posts())
	}
	// The next work day: a punch the person made themselves counts too.
	srv.mu.Lock()
	srv.date, srv.punches = "2026-12-08", 1
	srv.mu.Unlock()
	clk.Set(time.Date(2026, 12, 8, 8, 40, 0, 0, time.Local))
	if newPuncher().AutoCheck(ctx) || posts() != 2 {
		t.Fatal("punched over the person's own punch")
	}
	srv.mu.Lock()
	srv.punches = 0
	srv.mu.Unlock()
	clk.Set(time.Date(2026, 12, 8, 9, 6, 0, 0, time.Local)) // after 09:00 + 5 min grace
	if newPuncher().AutoCheck(ctx) || posts() != 2 {
		t.Fatal("punched after the window (would make a late punch automatically)")
	}
	clk.Set(time.Date(2026, 12, 8, 9, 4, 0, 0, time.Local))
	if !newPuncher().AutoCheck(ctx) || posts() != 3 {
		t.Fatal("no automatic punch on the next work day")
	}
}

func TestDesktopAttendanceNotices(t *testing.T) {
	for _, s := range []struct {
		lang, typ   string
		data        map[string]any
		title, body string
	}{
		{langZH, "attendance.field_punch", map[string]any{"title": "李娜", "note": "客户现场", "link": "/attendance/team"}, "Tack：外勤打卡待查看", "李娜 · 客户现场"},
		{langEN, "attendance.field_punch", map[string]any{"title": "李娜"}, "Tack: Field punch to review", "李娜"},
		{langZH, "attendance.field_reviewed", map[string]any{"title": "2026-01-06 10:15", "outcome": "approved", "link": "/attendance"}, "Tack：外勤打卡已通过", "2026-01-06 10:15"},
		{langEN, "attendance.field_reviewed", map[string]any{"title": "2026-01-06 10:15", "outcome": "rejected", "reason": "blurry"}, "Tack: Field punch rejected", "2026-01-06 10:15 · blurry"},
		{langZH, "attendance.reminder", map[string]any{"title": "默认班次", "kind": "in", "date": "2026-12-07",
			"at": time.Date(2026, 12, 7, 9, 0, 0, 0, time.Local).Format(time.RFC3339)}, "Tack：打卡提醒", "上班打卡 09:00 · 默认班次"},
		{langEN, "attendance.reminder", map[string]any{"title": "Day", "kind": "out",
			"at": time.Date(2026, 12, 7, 18, 0, 0, 0, time.Local).Format(time.RFC3339)}, "Tack: Punch reminder", "Punch out from 18:00 · Day"},
	} {
		title, body, ok := notice(s.lang, streamEvent{Type: s.typ, Data: s.data})
		if !ok || title != s.title || body != s.body {
			t.Fatalf("%s %s: %q / %q (%v), want %q / %q", s.lang, s.typ, title, body, ok, s.title, s.body)
		}
	}
}
